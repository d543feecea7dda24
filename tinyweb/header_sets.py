"""Header sets and the CORS fields: ``Vary``, ``Allow``, ``Access-Control-*`` as Python values.

Where it fits: ``Response.vary``, ``allow``, ``content_language`` and the
``access_control_*`` attributes are the properties this module makes (Werkzeug's names and
behaviour); ``Request.access_control_request_headers`` is a read-only :class:`HeaderSet`.
``Response.add_vary`` is ``response.vary.add`` unless ``Vary: *``. This module imports only
``datastructures`` (``Headers`` and its quote-aware list splitter): it knows header fields,
not requests or responses.

Rules:

1. A header set is a comma-separated list header (RFC 9110 §5.6.1) read as a set: items are
   compared case-insensitively (Werkzeug's rule, methods included), the first spelling and
   the order are kept, and an item listed twice, in any case, counts once.
2. Reading never raises. The field's lines are joined (RFC 9110 §5.3); a quoted string is
   one item even with a comma inside, and is unquoted; empty elements are dropped; other
   text is kept as it is.
3. On a response, every change rewrites the header at once (Werkzeug's ``on_update``), and
   an empty set removes it. An item that is not a token (§5.6.2) is written as a quoted
   string (§5.6.4). A new item must be a non-empty ``str`` of printable ASCII, else
   ``TypeError``/``ValueError`` at the line that adds it: field names, methods, language
   tags and origins are all ASCII, and a header cannot carry a CR or LF.
4. The CORS fields follow the Fetch standard's CORS protocol (fetch.spec.whatwg.org §3.2):
   ``Access-Control-Allow-Credentials`` means yes only as ``true``; ``Max-Age`` is
   delta-seconds, and a malformed value reads as ``None``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, MutableSet
from typing import Any, Callable, Optional, Protocol, SupportsIndex, TypeVar, Union

from .datastructures import Headers
from .header_values import parse_digits, parse_list_header, quote_header_value

__all__ = [
    "HeaderSet",
    "RequestHeaderSet",
    "flag_property",
    "header_property",
    "seconds_property",
    "set_property",
    "text_property",
]

HeaderSetType = TypeVar("HeaderSetType", bound="HeaderSet")
SetValue = Union[str, Iterable[str], None]  # what a set property accepts


def _checked(item: object) -> str:
    """``item`` if it may join a header set (rule 3), else a clear error."""
    if not isinstance(item, str):
        raise TypeError(f"A header set holds strings, not {type(item).__name__}: {item!r}")
    if not item or not (item.isascii() and item.isprintable()):
        raise ValueError(f"A header set item must be non-empty printable ASCII: {item!r}")
    return item


def _new_items(items: Iterable[str]) -> list[str]:
    """The checked items of an iterable; a lone string is an error, not its characters."""
    if isinstance(items, str):
        raise TypeError(f"Expected an iterable of items, not the string {items!r}")
    return [_checked(item) for item in items]


def _unique(items: Iterable[str]) -> list[str]:
    """``items`` without later repeats, compared case-insensitively (rule 1)."""
    seen: set[str] = set()
    kept = []
    for item in items:
        key = item.lower()
        if key not in seen:
            seen.add(key)
            kept.append(item)
    return kept


class HeaderSet(MutableSet[str]):
    """A case-insensitive, ordered set of header items, like Werkzeug's ``HeaderSet``.

    ``on_update`` is called with the set after every change; a response's sets use it to
    rewrite their header (module rule 3)::

        >>> methods = HeaderSet(["GET", "post"])
        >>> methods.add("POST"); methods.add("HEAD")
        >>> "get" in methods, methods.to_header(), methods.find("head")
        (True, 'GET, post, HEAD', 2)
    """

    def __init__(
        self,
        items: Iterable[str] = (),
        on_update: Callable[[HeaderSet], None] | None = None,
    ) -> None:
        self._items = _unique(_new_items(items))
        self._keys = {item.lower() for item in self._items}
        self.on_update = on_update

    @classmethod
    def parse(
        cls: type[HeaderSetType],
        value: str | None,
        on_update: Callable[[HeaderSet], None] | None = None,
    ) -> HeaderSetType:
        """The items of a header value (module rule 2); ``None`` gives an empty set.

        >>> HeaderSet.parse('Accept, "a, b", , accept')
        HeaderSet(['Accept', 'a, b'])
        """
        header_set = cls(on_update=on_update)
        items = _unique(item for item in parse_list_header(value or "") if item)
        header_set._items, header_set._keys = items, {item.lower() for item in items}
        return header_set

    @classmethod
    def of(cls, headers: Headers, name: str) -> HeaderSet:
        """Header ``name`` of ``headers`` as a set whose changes are written back to it."""

        def store(header_set: HeaderSet) -> None:
            if header_set:
                headers.set(name, header_set.to_header())
            else:
                headers.remove(name)

        return cls.parse(", ".join(headers.getlist(name)), store)

    def _replace(self, items: list[str]) -> None:
        """Hold ``items`` from now on and tell ``on_update``: every change ends here."""
        self._items = items
        self._keys = {item.lower() for item in items}
        if self.on_update is not None:
            self.on_update(self)

    # -- changing --------------------------------------------------------------------------

    def add(self, item: str) -> None:
        """Add ``item`` unless it is listed already, in any case."""
        self.update((item,))

    def update(self, items: Iterable[str]) -> None:
        """Add every one of ``items`` that is not listed yet."""
        merged = _unique([*self._items, *_new_items(items)])
        if len(merged) != len(self._items):
            self._replace(merged)

    def remove(self, item: str) -> None:
        """Remove ``item`` (in any case); ``KeyError`` if it is not listed."""
        if item not in self:
            raise KeyError(item)
        key = item.lower()
        self._replace([listed for listed in self._items if listed.lower() != key])

    def discard(self, item: str) -> None:
        """Remove ``item`` (in any case) if it is listed."""
        if item in self:
            self.remove(item)

    def clear(self) -> None:
        """Remove every item (a response's header goes with them)."""
        self._replace([])

    def __setitem__(self, index: SupportsIndex, item: str) -> None:
        items = list(self._items)
        items[index] = _checked(item)
        self._replace(_unique(items))

    def __delitem__(self, index: SupportsIndex) -> None:
        items = list(self._items)
        del items[index]
        self._replace(items)

    # -- reading ---------------------------------------------------------------------------

    def __contains__(self, item: object) -> bool:
        return isinstance(item, str) and item.lower() in self._keys

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, index: SupportsIndex) -> str:
        return self._items[index]

    def find(self, item: str) -> int:
        """The position of ``item`` (in any case), or -1."""
        key = item.lower()
        for position, listed in enumerate(self._items):
            if listed.lower() == key:
                return position
        return -1

    def index(self, item: str) -> int:
        """The position of ``item`` (in any case); ``IndexError`` if it is not listed."""
        position = self.find(item)
        if position < 0:
            raise IndexError(item)
        return position

    def as_set(self, preserve_casing: bool = False) -> set[str]:
        """The items as a plain ``set``: lower-cased, unless ``preserve_casing``."""
        return set(self._items) if preserve_casing else set(self._keys)

    def to_header(self) -> str:
        """The header value: the items joined by ``", "``, quoted where needed."""
        return ", ".join(quote_header_value(item) for item in self._items)

    def __str__(self) -> str:
        return self.to_header()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._items!r})"


class RequestHeaderSet(HeaderSet):
    """A request's header set: read-only, as the request's headers are."""

    def _replace(self, items: list[str]) -> None:
        raise TypeError("A request's header set cannot be changed")


# -- response properties ------------------------------------------------------------------------


class _HasHeaders(Protocol):
    headers: Headers


# What help() and docs/api.md say about each property; kept here so that response.py
# spends one line per property.
_DOCS = {
    "Vary": "The ``Vary`` field names (RFC 9110 §12.5.5), a HeaderSet: "
    '``response.vary.add("Cookie")``.',
    "Allow": "The ``Allow`` methods (RFC 9110 §10.2.1), a HeaderSet: "
    '``response.allow = ["GET", "HEAD"]``.',
    "Content-Language": "The ``Content-Language`` tags (RFC 9110 §8.5), a HeaderSet.",
    "Access-Control-Allow-Headers": "CORS ``Access-Control-Allow-Headers``: the request "
    "headers a cross-origin request may send (a preflight's answer), a HeaderSet.",
    "Access-Control-Allow-Methods": "CORS ``Access-Control-Allow-Methods``: the methods a "
    "cross-origin request may use (a preflight's answer), a HeaderSet.",
    "Access-Control-Expose-Headers": "CORS ``Access-Control-Expose-Headers``: the response "
    "headers a page's script may read, a HeaderSet.",
    "Access-Control-Allow-Origin": "CORS ``Access-Control-Allow-Origin``: the origin that "
    'may read the response, or ``"*"``; None when absent.',
    "Access-Control-Allow-Credentials": "CORS ``Access-Control-Allow-Credentials``: may "
    "the page send credentials? True sends ``true``, False removes the header.",
    "Access-Control-Max-Age": "CORS ``Access-Control-Max-Age``: seconds a preflight's "
    "answer may be cached; None when absent or malformed.",
}


def header_property(
    name: str,
    read: Callable[[Any], Any],
    write: Callable[[Any, Any], None],
    doc: str | None = None,
) -> Any:
    """A property over header ``name``; ``del`` removes the header."""

    def delete(self: _HasHeaders) -> None:
        self.headers.remove(name)

    read.__doc__ = doc = doc or _DOCS[name]  # what help() and docs/api.md show
    return property(read, write, delete, doc)


def set_property(name: str) -> Any:
    """A response attribute reading header ``name`` as a :class:`HeaderSet` (rule 3).

    Setting it takes a string (written as it is, like Werkzeug), an iterable of items, or
    ``None``; an empty value removes the header.
    """

    def read(self: _HasHeaders) -> HeaderSet:
        return HeaderSet.of(self.headers, name)

    def write(self: _HasHeaders, value: SetValue) -> None:
        text = value if isinstance(value, str) else HeaderSet(value or ()).to_header()
        if text:
            self.headers.set(name, text)
        else:
            self.headers.remove(name)

    return header_property(name, read, write)


def text_property(name: str, doc: str | None = None) -> Any:
    """A response attribute holding header ``name`` as a string; ``None`` removes it.

    ``doc`` is its docstring (``tinyweb.typed_headers`` passes its own).
    """

    def read(self: _HasHeaders) -> Optional[str]:
        return self.headers.get(name)

    def write(self: _HasHeaders, value: Optional[str]) -> None:
        if value is None:
            self.headers.remove(name)
        else:
            self.headers.set(name, value)

    return header_property(name, read, write, doc)


def flag_property(name: str) -> Any:
    """A response attribute for a header that is ``true`` or absent (rule 4)."""

    def read(self: _HasHeaders) -> bool:
        return self.headers.get(name) == "true"  # Fetch: only "true" means yes

    def write(self: _HasHeaders, value: Optional[bool]) -> None:
        if value is not None and not isinstance(value, bool):
            raise TypeError(f"{name} is True, False or None, not {value!r}")
        if value:
            self.headers.set(name, "true")
        else:
            self.headers.remove(name)

    return header_property(name, read, write)


def seconds_property(name: str) -> Any:
    """A response attribute holding header ``name`` as whole seconds, or ``None`` (rule 4)."""

    def read(self: _HasHeaders) -> Optional[int]:
        return parse_digits((self.headers.get(name) or "").strip(" \t"))

    def write(self: _HasHeaders, value: Optional[int]) -> None:
        if value is None:
            self.headers.remove(name)
            return
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{name} is a whole number of seconds, not {value!r}")
        if value < 0:
            raise ValueError(f"{name} cannot be negative: {value!r}")
        self.headers.set(name, str(value))

    return header_property(name, read, write)
