"""The containers a request and a response are made of: MultiDict, Headers, FileStorage.

Where it fits: ``request.py`` fills a ``MultiDict`` from the query string and the form, a
``Headers`` from the environ and ``FileStorage`` objects from a multipart body (through
``multipart.py``); ``response.py`` keeps its outgoing header fields in a ``Headers``. This
module imports only ``header_values`` (the grammar of field values), so every other
module may use it.

Rules:

1. A key can have many values, in the order they arrived (``a=1&a=2``; RFC 9110 §5.3
   allows a field line to repeat). Reading ``[key]`` gives the *first* value, like Flask.
2. Header names compare case-insensitively (RFC 9110 §5.1) but keep the casing they were
   given, because some clients are picky about the casing they read.
3. A header name or value never contains CR, LF or NUL: those are how an attacker splits
   one response into two (CWE-113, HTTP response splitting). ``Headers`` refuses them with
   ``ValueError`` at the moment they are set, so the error points at the guilty line.
"""

from __future__ import annotations

import base64
import io
import os
from collections.abc import Iterable, Iterator, Mapping, MutableMapping
from typing import IO, Any, Callable, ClassVar, TypeVar, Union, cast, overload

from .header_values import (  # (parse_dict_header and its kind stay importable from here)
    format_dict_header,
    parse_dict_header,
    parse_digits,
    parse_list_header,
    quote_header_value,
    split_auth_header,
    unquote_header_value,
)

K = TypeVar("K")
V = TypeVar("V")
T = TypeVar("T")
_NO_DEFAULT: Any = object()  # "no default given", where None is a valid default


def _converted(values: Iterable[Any], type: Callable[[Any], T]) -> list[T]:
    """``type(value)`` of each value, skipping those it refuses (ValueError, TypeError):
    ``getlist(key, type=int)`` of MultiDict and Headers, as Werkzeug's."""
    converted: list[T] = []
    for value in values:
        try:
            converted.append(type(value))
        except (ValueError, TypeError):
            continue
    return converted


class MultiDict(MutableMapping[K, V]):
    """An ordered mapping where one key may hold several values.

    ``d[key]`` and ``d.get(key)`` give the first value; ``getlist`` gives them all::

        >>> args = MultiDict([("tag", "a"), ("tag", "b"), ("page", "2")])
        >>> args["tag"], args.getlist("tag"), args.get("page", type=int)
        ('a', ['a', 'b'], 2)
    """

    __slots__ = ("_lists",)

    def __init__(
        self,
        mapping_or_pairs: MultiDict[K, V]
        | Mapping[K, V | list[V] | tuple[V, ...]]
        | Iterable[tuple[K, V]]
        | None = None,
    ) -> None:
        # A mapping's list (or tuple) value means many values, as in Werkzeug.
        # One dict of lists: O(1) lookup, insertion order kept by dict (3.7+).
        self._lists: dict[K, list[V]] = {}
        if mapping_or_pairs is None:
            return
        if type(mapping_or_pairs) is list:
            self._add_pairs(mapping_or_pairs)  # a list of pairs: skip the ABC checks below
        elif isinstance(mapping_or_pairs, MultiDict):
            for key, values in mapping_or_pairs._lists.items():
                self._lists[key] = list(values)
        elif isinstance(mapping_or_pairs, Mapping):
            for key, value in mapping_or_pairs.items():
                if isinstance(value, (list, tuple)):
                    if value:
                        self._lists[key] = list(value)
                else:
                    self._lists[key] = [value]
        else:
            self._add_pairs(mapping_or_pairs)

    def _add_pairs(self, pairs: Iterable[tuple[K, V]]) -> None:
        # Not self.add(): the immutable subclass is filled this way too.
        lists = self._lists
        for key, value in pairs:
            if key in lists:
                lists[key].append(value)
            else:
                lists[key] = [value]  # cheaper than setdefault(key, []), which builds a list

    # -- the Mapping protocol: one value per key ------------------------------------------

    #: The exception a missing key raises: ``KeyError``, as a dict does. Request data
    #: (``request.args``, ``form``, ``files``...) uses a subclass of ``KeyError`` that is
    #: also a 400 Bad Request; see ``tinyweb.request.RequestDataDict``.
    missing_key_error: ClassVar[type[KeyError]] = KeyError

    def __getitem__(self, key: K) -> V:
        values = self._lists.get(key)
        if values is None:
            raise self.missing_key_error(key)
        return values[0]

    def __setitem__(self, key: K, value: V) -> None:
        self._lists[key] = [value]

    def __delitem__(self, key: K) -> None:
        del self._lists[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._lists)

    def __len__(self) -> int:
        return len(self._lists)

    def __contains__(self, key: object) -> bool:
        return key in self._lists

    def __eq__(self, other: object) -> bool:
        if isinstance(other, MultiDict):
            return self._lists == other._lists
        if isinstance(other, Mapping):
            return dict(self.items()) == dict(other.items())
        return NotImplemented

    def __repr__(self) -> str:
        return f"{type(self).__name__}({list(self.items(multi=True))!r})"

    # -- the multi-value API ---------------------------------------------------------------

    def get(self, key: K, default: Any = None, type: Callable[[V], T] | None = None) -> Any:
        """The first value for ``key``, or ``default``.

        With ``type``, the value is converted; a ``ValueError`` or ``TypeError`` from the
        conversion gives ``default`` (so ``?page=x`` with ``type=int`` is just "no page")::

            >>> MultiDict({"page": "x"}).get("page", 1, type=int)
            1
        """
        values = self._lists.get(key)
        if not values:
            return default
        if type is None:
            return values[0]
        try:
            return type(values[0])
        except (ValueError, TypeError):
            return default

    def getlist(self, key: K, type: Callable[[V], T] | None = None) -> list[Any]:
        """Every value for ``key`` (a new list; empty when missing).

        With ``type``, values that fail to convert are skipped.
        """
        values = self._lists.get(key, [])
        return list(values) if type is None else _converted(values, type)

    def add(self, key: K, value: V) -> None:
        """Append one more value for ``key`` (``d[key] = v`` replaces them all instead)."""
        self._lists.setdefault(key, []).append(value)

    def update(self, *sources: Any, **values: V) -> None:
        """Add the values of other mappings or pairs, keeping existing ones (Werkzeug's
        semantics: ``update`` extends; use ``d[key] = v`` or ``setlist`` to replace)."""
        for source in (*sources, values):
            for key, value in MultiDict(source).items(multi=True):
                self.add(key, value)

    def poplist(self, key: K) -> list[V]:
        """Remove ``key`` and return all its values (empty list when missing)."""
        return self._lists.pop(key, [])

    def setlist(self, key: K, values: Iterable[V]) -> None:
        """Replace the values of ``key``; an empty list removes the key."""
        new_values = list(values)
        if new_values:
            self._lists[key] = new_values
        else:
            self._lists.pop(key, None)

    def setdefault(self, key: K, default: V = None) -> V:  # type: ignore[assignment]
        """The first value for ``key``; store ``default`` first if the key is missing."""
        if key not in self._lists:
            self._lists[key] = [default]
        return self._lists[key][0]

    def items(self, multi: bool = False) -> Iterator[tuple[K, V]]:  # type: ignore[override]
        """``(key, first value)`` pairs, or every ``(key, value)`` pair with ``multi=True``."""
        for key, values in self._lists.items():
            if multi:
                for value in values:
                    yield key, value
            else:
                yield key, values[0]

    def values(self) -> Iterator[V]:  # type: ignore[override]
        """The first value of each key."""
        for values in self._lists.values():
            yield values[0]

    def lists(self) -> Iterator[tuple[K, list[V]]]:
        """``(key, [values])`` pairs (each list a copy)."""
        for key, values in self._lists.items():
            yield key, list(values)

    def to_dict(self, flat: bool = True) -> dict[K, Any]:
        """A plain dict: first values, or lists of all values with ``flat=False``."""
        if flat:
            return {key: values[0] for key, values in self._lists.items()}
        return {key: list(values) for key, values in self._lists.items()}

    def copy(self) -> MultiDict[K, V]:
        """A shallow, mutable copy (new lists, same value objects)."""
        return MultiDict(self)

    def pop(self, key: K, default: Any = _NO_DEFAULT) -> Any:
        """Remove ``key`` and return its first value (or ``default`` when missing)."""
        if key in self._lists:
            return self._lists.pop(key)[0]
        if default is not _NO_DEFAULT:
            return default
        raise KeyError(key)


class CallbackDict(dict[K, V]):
    """A dict that calls ``on_update(self)`` after every change (Werkzeug's), never after
    a read: what a custom session class builds on to know it must be saved::

        >>> seen = []
        >>> data = CallbackDict({"a": 1}, seen.append)
        >>> data["b"] = 2
        >>> len(seen), data.pop("missing", None), len(seen)  # nothing removed: no call
        (1, None, 1)
    """

    def __init__(
        self,
        initial: Mapping[K, V] | Iterable[tuple[K, V]] | None = None,
        on_update: Callable[[Any], None] | None = None,
    ) -> None:
        """Hold ``initial`` (no call for it) and report later changes to ``on_update``."""
        super().__init__(initial or ())
        self.on_update = on_update

    def _changed(self) -> None:
        if self.on_update is not None:
            self.on_update(self)

    def __setitem__(self, key: K, value: V) -> None:
        super().__setitem__(key, value)
        self._changed()

    def __delitem__(self, key: K) -> None:
        super().__delitem__(key)
        self._changed()

    def __ior__(self, other: Any) -> CallbackDict[K, V]:  # type: ignore[override,misc]
        super().update(other)
        self._changed()
        return self

    def update(self, *mappings: Any, **values: Any) -> None:
        """Like ``dict.update``, then one call."""
        super().update(*mappings, **values)
        self._changed()

    def clear(self) -> None:
        """Remove everything, then one call."""
        super().clear()
        self._changed()

    def setdefault(self, key: K, default: Any = None) -> V:
        """Like ``dict.setdefault``; a call only if ``key`` was added."""
        added = key not in self
        value = super().setdefault(key, default)
        if added:
            self._changed()
        return value

    def pop(self, key: K, default: Any = _NO_DEFAULT) -> Any:
        """Like ``dict.pop``; a call only if ``key`` was there."""
        present = key in self
        value = super().pop(key) if default is _NO_DEFAULT else super().pop(key, default)
        if present:
            self._changed()
        return value

    def popitem(self) -> tuple[K, V]:
        """Like ``dict.popitem``, then one call."""
        item = super().popitem()
        self._changed()
        return item

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {super().__repr__()}>"


class ImmutableMultiDict(MultiDict[K, V]):
    """A ``MultiDict`` that refuses changes: ``request.args``, ``form``, ``cookies``.

    They describe what the client sent, so changing them is a bug (Flask raises too).
    ``copy()`` gives a mutable ``MultiDict``::

        >>> args = ImmutableMultiDict([("page", "2")])
        >>> args["page"] = "3"
        Traceback (most recent call last):
        TypeError: 'ImmutableMultiDict' objects are immutable
    """

    __slots__ = ()

    def _refuse(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError(f"{type(self).__name__!r} objects are immutable")

    __setitem__ = __delitem__ = add = setlist = setdefault = _refuse
    update = pop = poplist = popitem = clear = _refuse

    def __hash__(self) -> int:
        return hash(tuple(self.items(multi=True)))


# -- Headers ---------------------------------------------------------------------------------

# CR and LF end a header line; NUL truncates it in C servers (CWE-113, response splitting).
_FORBIDDEN_IN_HEADERS = ("\r", "\n", "\0")

HeadersSource = Union["Headers", Mapping[str, Any], Iterable[tuple[str, Any]], None]


def _header_text(text: Any, what: str) -> str:
    """``text`` as a header string; ``ValueError`` if it could split the header section."""
    # Content-Length = 5 is fine; it is sent as "5".
    string = text if isinstance(text, str) else str(text)
    for character in _FORBIDDEN_IN_HEADERS:
        if character in string:
            raise ValueError(f"Header {what} must not contain CR, LF or NUL: {string!r}")
    return string


def header_field(name: Any, value: Any) -> tuple[str, str]:
    """A checked ``(name, value)`` field: strings, without CR, LF or NUL (else ValueError).

    Fast path: ``str.isprintable()`` is one C call and is False for CR, LF and NUL, so
    printable strings need no further look (this runs for every header of every response;
    bench: 3 us -> 1 us per ``add`` on the shared CI box). Anything else (a tab, an int)
    takes the precise check.
    """
    if type(name) is str and type(value) is str and name.isprintable() and value.isprintable():
        return name, value
    return _header_text(name, "name"), _header_text(value, "value")


class Headers:
    """Ordered, case-insensitive HTTP header fields; one name may appear many times.

    ::

        >>> headers = Headers({"Content-Type": "text/plain"})
        >>> headers.add("Set-Cookie", "a=1")
        >>> headers.add("Set-Cookie", "b=2")
        >>> headers["content-type"], headers.getlist("set-cookie")
        ('text/plain', ['a=1', 'b=2'])

    Iterating gives ``(name, value)`` pairs, as Werkzeug's ``Headers`` does.
    """

    __slots__ = ("_fields",)

    def __init__(self, pairs: HeadersSource = None) -> None:
        self._fields: list[tuple[str, str]] = []
        if pairs is not None:
            self.extend(pairs)

    # -- reading ---------------------------------------------------------------------------

    def __getitem__(self, name: str) -> str:
        lowered = name.lower()
        for field_name, value in self._fields:
            if field_name.lower() == lowered:
                return value
        raise KeyError(name)

    @overload
    def get(self, name: str) -> str | None: ...
    @overload
    def get(self, name: str, default: T) -> str | T: ...
    @overload
    def get(self, name: str, default: Any = None, *, type: Callable[[str], T]) -> Any: ...

    def get(self, name: str, default: Any = None, type: Callable[[str], Any] | None = None) -> Any:
        """The first value of ``name``, or ``default``; ``type`` converts it (errors give
        ``default``), e.g. ``headers.get("Content-Length", type=int)``."""
        try:
            value = self[name]
        except KeyError:
            return default
        if type is None:
            return value
        try:
            return type(value)
        except (ValueError, TypeError):
            return default

    def getlist(self, name: str, type: Callable[[str], Any] | None = None) -> list[Any]:
        """Every value of ``name``, in order (empty list when absent); ``type`` converts
        each and skips those it refuses (ValueError, TypeError), as Werkzeug."""
        lowered = name.lower()
        values = [value for field_name, value in self._fields if field_name.lower() == lowered]
        return values if type is None else _converted(values, type)

    def get_all(self, name: str) -> list[str]:
        """``getlist`` under Werkzeug's other name: ``headers.get_all("Set-Cookie")``."""
        return self.getlist(name)

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        lowered = name.lower()
        return any(field_name.lower() == lowered for field_name, _ in self._fields)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(list(self._fields))

    def __len__(self) -> int:
        return len(self._fields)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Headers):
            return self._fields == other._fields
        return NotImplemented

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._fields!r})"

    def items(self, lower: bool = False) -> list[tuple[str, str]]:
        """``(name, value)`` pairs with the names as they were set (or lower-cased)."""
        if lower:
            return [(field_name.lower(), value) for field_name, value in self._fields]
        return list(self._fields)

    def keys(self, lower: bool = False) -> list[str]:
        """Every field name, repeated names repeated (lower-cased if ``lower``)."""
        return [field_name.lower() if lower else field_name for field_name, _ in self._fields]

    def values(self) -> list[str]:
        """Every field value, in order."""
        return [value for _, value in self._fields]

    def to_wsgi_list(self) -> list[tuple[str, str]]:
        """The fields as the list ``start_response`` takes (PEP 3333)."""
        return list(self._fields)

    @classmethod
    def from_checked_fields(cls, fields: list[tuple[str, str]]) -> Headers:
        """Wrap a list of fields that already went through ``header_field`` (the list is
        used, not copied). ``Response`` builds its first fields this way: it runs for every
        response, and checking constant fields twice is waste."""
        headers = cls.__new__(cls)
        headers._fields = fields
        return headers

    def copy(self) -> Headers:
        """An independent copy."""
        duplicate = Headers()
        duplicate._fields = list(self._fields)
        return duplicate

    # -- writing ---------------------------------------------------------------------------

    def add(self, name: str, value: Any) -> None:
        """Append a field line, keeping any earlier ones with the same name."""
        self._fields.append(header_field(name, value))

    def set(self, name: str, value: Any) -> None:
        """Replace every field called ``name`` with this one (at the first one's place)."""
        field = header_field(name, value)
        if not self._fields:
            self._fields.append(field)
            return
        lowered = name.lower()
        for index, (field_name, _) in enumerate(self._fields):
            if field_name.lower() == lowered:
                self._fields[index] = field
                self._fields[index + 1 :] = [
                    kept for kept in self._fields[index + 1 :] if kept[0].lower() != lowered
                ]
                return
        self._fields.append(field)

    def __setitem__(self, name: str, value: Any) -> None:
        self.set(name, value)

    def setdefault(self, name: str, default: Any) -> str:
        """The first value of ``name``; add ``default`` first if the name is absent."""
        if name not in self:
            self.add(name, default)
        return self[name]

    def remove(self, name: str) -> None:
        """Remove every field called ``name`` (no error when absent)."""
        lowered = name.lower()
        self._fields = [field for field in self._fields if field[0].lower() != lowered]

    def __delitem__(self, name: str) -> None:
        if name not in self:
            raise KeyError(name)
        self.remove(name)

    def pop(self, name: str, default: Any = None) -> Any:
        """Remove ``name`` and return its first value (``default`` when absent)."""
        value = self.get(name, default)
        self.remove(name)
        return value

    def extend(self, pairs: HeadersSource) -> None:
        """Add many fields: from ``Headers``, a mapping (list values = repeats) or pairs."""
        if pairs is None:
            return
        if isinstance(pairs, Headers):
            self._fields.extend(pairs._fields)
            return
        iterable: Iterable[tuple[str, Any]]
        iterable = pairs.items() if isinstance(pairs, Mapping) else pairs
        for name, value in iterable:
            if isinstance(value, (list, tuple)):
                for one_value in value:
                    self.add(name, one_value)
            else:
                self.add(name, value)

    def update(self, pairs: HeadersSource) -> None:
        """Like ``dict.update``: each name given replaces the fields of that name."""
        other = Headers(pairs)
        for name in dict.fromkeys(field_name.lower() for field_name, _ in other._fields):
            self.remove(name)
        self._fields.extend(other._fields)

    def clear(self) -> None:
        """Remove every field."""
        self._fields.clear()


# -- FileStorage -----------------------------------------------------------------------------


class FileStorage:
    """One uploaded file from a ``multipart/form-data`` body (``request.files["photo"]``).

    ::

        photo = request.files["photo"]
        if photo:                                   # False when no file was chosen
            photo.save(os.path.join(upload_dir, secure_filename(photo.filename)))

    ``filename`` is what the client claims and must never be trusted as a path.
    """

    def __init__(
        self,
        stream: IO[bytes] | None = None,
        filename: str | None = None,
        name: str | None = None,
        content_type: str | None = None,
        content_length: int | None = None,
        headers: Headers | None = None,
    ) -> None:
        self.stream = stream if stream is not None else io.BytesIO()
        self.filename = filename
        self.name = name
        self.headers = headers if headers is not None else Headers()
        if content_type is None:
            content_type = self.headers.get("Content-Type")
        elif "Content-Type" not in self.headers:
            self.headers.set("Content-Type", content_type)
        if content_length is not None:  # (Werkzeug's positional order: before headers)
            self.headers.set("Content-Length", str(content_length))
        self.content_type = content_type

    @property
    def mimetype(self) -> str:
        """The content type without parameters, lower-cased (``"image/png"``)."""
        return (self.content_type or "").split(";", 1)[0].strip().lower()

    @property
    def content_length(self) -> int:
        """The part's declared Content-Length (0 when absent); clients rarely send one."""
        return parse_digits(self.headers.get("Content-Length")) or 0

    def read(self, size: int = -1) -> bytes:
        """Read from the file's stream."""
        return self.stream.read(size)

    def save(
        self, destination: str | os.PathLike[str] | IO[bytes], buffer_size: int = 16384
    ) -> None:
        """Copy the file to a path or an open binary file, ``buffer_size`` bytes at a time."""
        import shutil  # only uploads need it; keeps `import tinyweb` light

        if isinstance(destination, (str, os.PathLike)):
            with open(destination, "wb") as target:
                shutil.copyfileobj(self.stream, target, buffer_size)
        else:
            shutil.copyfileobj(self.stream, destination, buffer_size)

    def close(self) -> None:
        """Close the underlying stream (a spooled temporary file is deleted)."""
        self.stream.close()

    def __bool__(self) -> bool:
        return bool(self.filename)

    def __iter__(self) -> Iterator[bytes]:
        return iter(cast("Iterable[bytes]", self.stream))

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.filename!r} ({self.content_type!r})>"


# -- structured request header values (their grammar: header_values.py) --------------------


class Authorization:
    """The ``Authorization`` request header, parsed (RFC 9110 §11.6.2), as Werkzeug's.

    ``type`` is the scheme, lower-cased. ``Basic`` (RFC 7617) is decoded into
    ``username`` and ``password``; a scheme followed by one token (``Bearer abc``,
    RFC 6750) gives ``token``; one followed by ``key=value`` pairs (``Digest``) gives
    ``parameters``, also readable as ``auth["realm"]``, ``auth.get("realm")`` or
    ``auth.realm``::

        >>> auth = Authorization.from_header("Basic YWRhOnMzY3JldA==")
        >>> auth.type, auth.username, auth.password, auth.token
        ('basic', 'ada', 's3cret', None)
        >>> Authorization.from_header("Bearer abc.def").token
        'abc.def'

    ``repr`` names only the scheme, so a logged request does not leak the credentials.
    """

    def __init__(
        self,
        auth_type: str,
        data: Mapping[str, str | None] | None = None,
        token: str | None = None,
    ) -> None:
        self.type = auth_type
        self.parameters: dict[str, str | None] = dict(data or {})
        self.token = token

    @classmethod
    def from_header(cls, value: str | None) -> Authorization | None:
        """Parse a header value; None when it is absent, empty or malformed.

        Malformed means: a scheme that is not a token, or ``Basic`` credentials that are
        not strict base64 of UTF-8 text. Parsing never raises on client input.
        """
        parts = split_auth_header(value)
        if parts is None:
            return None
        scheme, rest, parameters = parts
        scheme = scheme.lower()
        if scheme == "basic":
            try:  # ValueError covers binascii.Error, non-ASCII text and bad UTF-8
                decoded = base64.b64decode(rest.encode("ascii"), validate=True).decode("utf-8")
            except ValueError:
                return None
            username, _, password = decoded.partition(":")  # RFC 7617 §2: no ":" in a user-id
            return cls(scheme, {"username": username, "password": password})
        if parameters is not None:
            return cls(scheme, parameters)
        return cls(scheme, token=rest)

    @property
    def username(self) -> str | None:
        """The user name (``Basic``, or a ``username`` parameter); None otherwise."""
        return self.parameters.get("username")

    @property
    def password(self) -> str | None:
        """The password (``Basic``); None otherwise."""
        return self.parameters.get("password")

    def get(self, key: str, default: str | None = None) -> str | None:
        """The parameter ``key``, or ``default``."""
        return self.parameters.get(key, default)

    def __getitem__(self, key: str) -> str | None:
        return self.parameters.get(key)

    def __getattr__(self, name: str) -> str | None:
        if name.startswith("_"):  # keep copy/pickle protocols honest
            raise AttributeError(name)
        return self.parameters.get(name)

    def __contains__(self, key: object) -> bool:
        return key in self.parameters

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Authorization):
            return NotImplemented
        return (self.type, self.token, self.parameters) == (
            other.type,
            other.token,
            other.parameters,
        )

    __hash__ = None  # type: ignore[assignment]  # mutable, compared by value

    def to_header(self) -> str:
        """The header value, the inverse of ``from_header`` (Werkzeug's): ``Basic`` and
        base64 of ``username:password``, ``Bearer <token>``, or ``Digest key=value, ...``."""
        if self.type == "basic":
            credentials = f"{self.username or ''}:{self.password or ''}".encode()
            return "Basic " + base64.b64encode(credentials).decode("ascii")
        if self.token is not None:
            return f"{self.type.title()} {self.token}"
        return f"{self.type.title()} {format_dict_header(self.parameters)}"

    def __str__(self) -> str:
        """The header value, credentials included (as Werkzeug's); ``repr`` hides them."""
        return self.to_header()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.type}>"


class UserAgent(str):
    """The ``User-Agent`` header: the text itself, with Werkzeug 3's ``UserAgent`` fields.

    ``string`` is the header; ``platform``, ``browser``, ``version`` and ``language`` are
    None, since User-Agent parsing is guesswork that Werkzeug 3 dropped too. A subclass
    that parses sets them in ``__init__`` and is installed as ``Request.user_agent_class``::

        >>> agent = UserAgent("curl/8.5")
        >>> agent == "curl/8.5", agent.string, agent.browser
        (True, 'curl/8.5', None)
    """

    platform: str | None = None
    browser: str | None = None
    version: str | None = None
    language: str | None = None

    def __init__(self, string: str) -> None:
        # str.__new__ has stored the text already; Werkzeug's class also has it as .string.
        self.string = str(string)

    def to_header(self) -> str:
        """The header value, as sent."""
        return self.string


__all__ = [
    "Authorization",
    "CallbackDict",
    "FileStorage",
    "Headers",
    "ImmutableMultiDict",
    "MultiDict",
    "UserAgent",
    "parse_dict_header",
    "parse_list_header",
    "quote_header_value",
    "unquote_header_value",
]
