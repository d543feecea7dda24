"""HTTP caching: ``Cache-Control`` directives, entity tags, HTTP-dates and conditional requests.

Where it fits: ``Response.cache_control``, ``set_etag``, ``get_etag``, ``add_etag`` and
``make_conditional`` are thin methods over this module, as are ``Request.cache_control``
and ``Request.if_none_match`` and friends; :func:`tinyweb.static.send_file` evaluates its
conditional headers and byte ranges with the same functions. Every HTTP-date the
framework writes comes from ``http_date`` (``tinyweb.response`` re-exports it). This module
imports only ``datastructures`` and ``errors``: it knows headers and environs, not apps or
responses.

Rules:

1. Reading a header never raises: a malformed ``Cache-Control``, ``If-None-Match`` or
   HTTP-date is read as far as it makes sense and the rest is ignored (RFC 9110 §13.1.3:
   an invalid ``If-Modified-Since`` is ignored). Writing checks: a quote in an ETag is a
   ``ValueError``, a non-number ``max_age`` too.
2. ``Cache-Control`` (RFC 9111 §5.2) is a list of ``token [ "=" ( token / quoted-string ) ]``
   directives. Names are compared case-insensitively and kept lower-case; directives this
   module has no attribute for are kept as they are. On a response, setting an attribute
   rewrites the header at once; ``None`` or ``False`` removes the directive.
3. Entity tags follow RFC 9110 §8.8.3: ``"opaque"`` or ``W/"opaque"``. ``If-None-Match`` uses
   the weak comparison, ``If-Match`` and ``If-Range`` the strong one (§8.8.3.2).
4. Preconditions are evaluated in RFC 9110 §13.2.2's order: ``If-Match``, else
   ``If-Unmodified-Since`` (412); then ``If-None-Match``, else ``If-Modified-Since`` (304
   for GET and HEAD); then ``Range`` with ``If-Range`` (§14). A 304 carries no body and
   none of the representation's metadata except what §15.4.5 lists.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime, timezone
from typing import Any, Callable, NamedTuple, Optional, Protocol, Union

from .datastructures import Headers
from .errors import RangeNotSatisfiable
from .header_values import parse_digits, quote_header_value, unquote_header_value

__all__ = [
    "ByteRange",
    "CacheControl",
    "ETags",
    "RequestCacheControl",
    "ResponseCacheControl",
    "byte_range_of",
    "generate_etag",
    "http_date",
    "make_conditional",
    "parse_cache_control",
    "parse_etags",
    "parse_range",
    "parse_range_specs",
    "quote_etag",
    "unquote_etag",
]


# -- Cache-Control (RFC 9111 §5.2) ------------------------------------------------------------

# RFC 9110 §5.6.2  token = 1*tchar;  §5.6.4  quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE
_TOKEN = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
_QUOTED_STRING = r'"(?:[^"\\]|\\.)*"'
# cache-directive = token [ "=" ( token / quoted-string ) ], between OWS (SP / HTAB) and a
# comma. The value may also be a bare run of anything but a comma: tolerated, kept as is.
_DIRECTIVE = re.compile(rf"[ \t]*({_TOKEN})[ \t]*(?:=[ \t]*({_QUOTED_STRING}|[^,]*))?[ \t]*(?:,|$)")


def parse_cache_control(value: str | None) -> dict[str, str | None]:
    """The directives of a ``Cache-Control`` value, in order: ``name -> value or None``.

    Names are lower-cased, quoted values unquoted; what is not a directive is skipped.

    >>> parse_cache_control('max-age=60, No-Cache, private="Set-Cookie"')
    {'max-age': '60', 'no-cache': None, 'private': 'Set-Cookie'}
    """
    directives: dict[str, str | None] = {}
    position = 0
    text = value or ""
    while position < len(text):
        match = _DIRECTIVE.match(text, position)
        if match is None:  # garbage: skip to the next list element (RFC 9110 §5.6.1)
            comma = text.find(",", position)
            position = len(text) if comma < 0 else comma + 1
            continue
        position = match.end()
        name, argument = match.group(1).lower(), match.group(2)
        if argument is not None:
            argument = unquote_header_value(argument.strip(" \t"))
        directives.setdefault(name, argument)  # RFC 9111 §4.2.1: the first one counts
    return directives


def format_cache_control(directives: Mapping[str, str | None]) -> str:
    """The ``Cache-Control`` value for ``directives`` (values quoted unless a token).

    >>> format_cache_control({"public": None, "max-age": "60", "private": "Set-Cookie, X"})
    'public, max-age=60, private="Set-Cookie, X"'
    """
    return ", ".join(
        name if argument is None else f"{name}={quote_header_value(argument)}"
        for name, argument in directives.items()
    )


Kind = Union[type, None]  # bool: a flag; int: delta-seconds; None: a string (or True)


def _directive(name: str, kind: Kind, doc: str) -> Any:
    """An attribute that reads and writes the directive ``name`` (rule 2)."""

    def read(self: CacheControl) -> Any:
        return self._read(name, kind)

    def write(self: CacheControl, value: Any) -> None:
        self._write(name, kind, value)

    read.__doc__ = doc  # what help() and docs/api.md show for the attribute

    return property(read, write, lambda self: self._write(name, kind, None), doc)


class CacheControl:
    """The directives of one ``Cache-Control`` header, read through typed attributes.

    The attributes here are the ones requests and responses share; ``on_update`` is
    called with the object after every change. ``"max-age" in cache_control`` and
    ``cache_control.get("ext")`` read any directive, known or not.
    """

    def __init__(
        self,
        directives: Mapping[str, str | None] | None = None,
        on_update: Callable[[CacheControl], None] | None = None,
    ) -> None:
        self._directives: dict[str, str | None] = dict(directives or {})
        self._on_update = on_update

    def _read(self, name: str, kind: Kind) -> Any:
        if kind is bool:
            return name in self._directives
        if name not in self._directives:
            return None
        argument = self._directives[name]
        if kind is int:
            # "max-age" without seconds, or "max-age=soon": no value
            return None if argument is None else parse_digits(argument)
        return True if argument is None else argument

    def _write(self, name: str, kind: Kind, value: Any) -> None:
        if value is None or value is False:
            self._directives.pop(name, None)
        elif value is True or kind is bool:
            self._directives[name] = None
        else:
            self._directives[name] = str(int(value)) if kind is int else str(value)
        if self._on_update is not None:
            self._on_update(self)

    def __contains__(self, name: object) -> bool:
        return name in self._directives

    def __getitem__(self, name: str) -> str | None:
        return self._directives[name]

    def get(self, name: str, default: str | None = None) -> str | None:
        """The value of directive ``name`` (None for a bare directive), or ``default``."""
        return self._directives.get(name, default)

    def __iter__(self) -> Iterator[str]:
        return iter(self._directives)

    def __len__(self) -> int:
        return len(self._directives)

    def to_header(self) -> str:
        """The ``Cache-Control`` value these directives make."""
        return format_cache_control(self._directives)

    def __str__(self) -> str:
        return self.to_header()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.to_header()!r}>"

    no_store: bool = _directive("no-store", bool, "``no-store``: never store (a bool).")
    max_age: Optional[int] = _directive("max-age", int, "``max-age`` in seconds, or None.")
    no_transform: bool = _directive("no-transform", bool, "``no-transform`` (a bool).")
    stale_if_error: Optional[int] = _directive(
        "stale-if-error", int, "``stale-if-error`` in seconds (RFC 5861), or None."
    )


class RequestCacheControl(CacheControl):
    """The request's ``Cache-Control`` (read-only): ``request.cache_control.max_age``."""

    def _write(self, name: str, kind: Kind, value: Any) -> None:
        raise TypeError("The request's Cache-Control cannot be changed")

    no_cache: bool = _directive("no-cache", bool, "``no-cache``: revalidate (a bool).")
    max_stale: Union[int, bool, None] = _directive(
        "max-stale", int, "``max-stale`` seconds; True when given without a value."
    )
    min_fresh: Optional[int] = _directive("min-fresh", int, "``min-fresh`` in seconds, or None.")
    only_if_cached: bool = _directive("only-if-cached", bool, "``only-if-cached`` (a bool).")

    def _read(self, name: str, kind: Kind) -> Any:
        if name == "max-stale" and name in self._directives and self._directives[name] is None:
            return True  # RFC 9111 §5.2.1.2: any staleness is acceptable
        return super()._read(name, kind)


class ResponseCacheControl(CacheControl):
    """A response's ``Cache-Control``: setting an attribute rewrites the header (rule 2).

    ::

        response.cache_control.max_age = 300
        response.cache_control.public = True          # Cache-Control: max-age=300, public
        response.cache_control.no_cache = "Set-Cookie"
    """

    no_cache: Union[str, bool, None] = _directive(
        "no-cache", None, "``no-cache``: True, or the field names it applies to."
    )
    public: bool = _directive("public", bool, "``public``: shared caches may store it.")
    private: Union[str, bool, None] = _directive(
        "private", None, "``private``: True, or the field names it applies to."
    )
    must_revalidate: bool = _directive("must-revalidate", bool, "``must-revalidate``.")
    proxy_revalidate: bool = _directive("proxy-revalidate", bool, "``proxy-revalidate``.")
    s_maxage: Optional[int] = _directive("s-maxage", int, "``s-maxage`` in seconds, or None.")
    immutable: bool = _directive("immutable", bool, "``immutable`` (RFC 8246).")
    must_understand: bool = _directive("must-understand", bool, "``must-understand``.")
    stale_while_revalidate: Optional[int] = _directive(
        "stale-while-revalidate", int, "``stale-while-revalidate`` seconds (RFC 5861)."
    )

    @classmethod
    def of(cls, headers: Headers) -> ResponseCacheControl:
        """The directives of ``headers``' Cache-Control, writing back into ``headers``."""

        def store(cache_control: CacheControl) -> None:
            if len(cache_control):
                headers.set("Cache-Control", cache_control.to_header())
            else:
                headers.remove("Cache-Control")

        return cls(parse_cache_control(headers.get("Cache-Control")), store)


# -- entity tags (RFC 9110 §8.8.3) --------------------------------------------------------------

# entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE. Found by scanning, not by splitting on ","
# (etagc may contain a comma); each character is examined once or twice.
_ENTITY_TAG = re.compile(r'(W/)?("[^"]*")')


def generate_etag(data: bytes) -> str:
    """An ETag for a body: its SHA-1 in hex (Werkzeug's choice; not a security use)."""
    import hashlib  # (imported on first use, as email.utils below: `import tinyweb` stays cheap)

    return hashlib.sha1(data, usedforsecurity=False).hexdigest()


def quote_etag(etag: str, weak: bool = False) -> str:
    """The header form of an opaque tag: ``"abc"``, or ``W/"abc"`` when ``weak``."""
    if '"' in etag:
        raise ValueError(f"An ETag cannot contain a double quote (RFC 9110 §8.8.3): {etag!r}")
    return f'W/"{etag}"' if weak else f'"{etag}"'


def unquote_etag(value: str | None) -> tuple[str, bool] | tuple[None, None]:
    """``(opaque tag, is_weak)`` of an ETag header value, or ``(None, None)``.

    >>> unquote_etag('W/"v2"')
    ('v2', True)
    """
    if not value:
        return None, None
    value = value.strip()
    weak = value.startswith(("W/", "w/"))
    if weak:
        value = value[2:]
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]
    return value, weak


class ETags:
    """The entity tags of an ``If-Match`` or ``If-None-Match`` header (rule 3).

    ``"v1" in request.if_none_match`` is the strong comparison; ``contains_weak`` the weak
    one; ``*`` (``star_tag``) matches any tag.
    """

    def __init__(
        self, strong: Iterable[str] = (), weak: Iterable[str] = (), star_tag: bool = False
    ) -> None:
        self.strong = frozenset(strong)
        self.weak = frozenset(weak)
        self.star_tag = star_tag

    def is_strong(self, etag: str) -> bool:
        """Whether ``etag`` (unquoted) is listed as a strong tag."""
        return etag in self.strong

    def is_weak(self, etag: str) -> bool:
        """Whether ``etag`` (unquoted) is listed as a weak tag."""
        return etag in self.weak

    def contains(self, etag: str) -> bool:
        """The strong comparison: ``*`` or ``etag`` listed as a strong tag."""
        return self.star_tag or self.is_strong(etag)

    def contains_weak(self, etag: str) -> bool:
        """The weak comparison: ``*`` or ``etag`` listed, weak or strong."""
        return self.star_tag or self.is_strong(etag) or self.is_weak(etag)

    def as_set(self, include_weak: bool = False) -> set[str]:
        """The listed tags (the strong ones only, unless ``include_weak``)."""
        return set(self.strong | self.weak) if include_weak else set(self.strong)

    def to_header(self) -> str:
        """The header value: ``*`` or the quoted tags."""
        if self.star_tag:
            return "*"
        tags = [f'"{tag}"' for tag in sorted(self.strong)]
        return ", ".join(tags + [f'W/"{tag}"' for tag in sorted(self.weak)])

    def __contains__(self, etag: object) -> bool:
        return isinstance(etag, str) and self.contains(etag)

    def __bool__(self) -> bool:
        return bool(self.star_tag or self.strong or self.weak)

    def __str__(self) -> str:
        return self.to_header()

    def __repr__(self) -> str:
        return f"<ETags {self.to_header()!r}>"


def parse_etags(value: str | None) -> ETags:
    """The tags of an ``If-Match`` / ``If-None-Match`` value; empty when absent or invalid.

    >>> sorted(parse_etags('"a", W/"b", "c,d"').as_set(include_weak=True))
    ['a', 'b', 'c,d']
    """
    if not value:
        return ETags()
    if value.strip() == "*":
        return ETags(star_tag=True)
    strong: list[str] = []
    weak: list[str] = []
    for is_weak, tag in _entity_tags(value):
        (weak if is_weak else strong).append(tag[1:-1])
    return ETags(strong, weak)


def _entity_tags(value: str) -> list[tuple[bool, str]]:
    """``(weak, quoted opaque-tag)`` pairs of an entity-tag list (RFC 9110 §8.8.3)."""
    return [(bool(match.group(1)), match.group(2)) for match in _ENTITY_TAG.finditer(value)]


def etag_matches(header: str, etag: str | None, weak: bool) -> bool:
    """RFC 9110 §8.8.3.2: weak comparison ignores ``W/``; strong needs two strong tags.

    ``etag`` is the response's quoted tag (``"v1"`` or ``W/"v1"``).
    """
    if header.strip() == "*":
        return True  # any current representation matches
    if etag is None:
        return False
    own_weak = etag.startswith("W/")
    own_tag = etag[2:] if own_weak else etag
    for tag_weak, tag in _entity_tags(header):
        if tag == own_tag and (weak or not (tag_weak or own_weak)):
            return True
    return False


# -- dates and preconditions (RFC 9110 §13) -----------------------------------------------------

# The framework half's one writer of HTTP-dates (response.py re-exports it); the server half
# has its own (http11.http_date), as the halves share no module.
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def http_date(moment: datetime | date | float) -> str:
    """An IMF-fixdate (RFC 9110 §5.6.7) from a timestamp, datetime or date.

    English names whatever the locale; naive datetimes and plain dates are taken as UTC::

        >>> http_date(0)
        'Thu, 01 Jan 1970 00:00:00 GMT'
    """
    if isinstance(moment, datetime):
        if moment.tzinfo is not None:
            moment = moment.astimezone(timezone.utc)
        parts = moment.timetuple()
    elif isinstance(moment, date):
        parts = moment.timetuple()
    else:
        parts = time.gmtime(moment)
    return (
        f"{_WEEKDAYS[parts.tm_wday]}, {parts.tm_mday:02d} {_MONTHS[parts.tm_mon - 1]} "
        f"{parts.tm_year:04d} {parts.tm_hour:02d}:{parts.tm_min:02d}:{parts.tm_sec:02d} GMT"
    )


def parse_http_date(value: str | None) -> int | None:
    """Seconds since the epoch for an HTTP-date, or ``None`` when absent or invalid."""
    if not value:
        return None
    import email.utils

    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return int(moment.timestamp())


def http_datetime(value: str | None) -> datetime | None:
    """An HTTP-date as an aware UTC ``datetime``, or ``None`` when absent or invalid (or
    out of ``datetime``'s range once in UTC: 31 Dec 9999 23:59:59 -0100)."""
    seconds = parse_http_date(value)
    if seconds is None:
        return None
    try:
        return datetime.fromtimestamp(seconds, timezone.utc)
    except (ValueError, OverflowError, OSError):
        return None


def precondition_status(environ: Mapping[str, Any], etag: str | None, modified: int | None) -> int:
    """200, 304 or 412 after the RFC 9110 §13.2.2 evaluation order (rule 4)."""
    if_match = environ.get("HTTP_IF_MATCH")
    if if_match is not None:
        if not etag_matches(if_match, etag, weak=False):
            return 412
    else:
        since = parse_http_date(environ.get("HTTP_IF_UNMODIFIED_SINCE"))
        if since is not None and modified is not None and modified > since:
            return 412
    safe_method = environ.get("REQUEST_METHOD", "GET") in ("GET", "HEAD")
    if_none_match = environ.get("HTTP_IF_NONE_MATCH")
    if if_none_match is not None:
        if etag_matches(if_none_match, etag, weak=True):
            return 304 if safe_method else 412
        return 200
    since = parse_http_date(environ.get("HTTP_IF_MODIFIED_SINCE"))
    if safe_method and since is not None and modified is not None and modified <= since:
        return 304
    return 200


def if_range_allows(environ: Mapping[str, Any], etag: str | None, modified: int | None) -> bool:
    """RFC 9110 §13.1.5: a Range counts only if If-Range is absent or still matches."""
    value = environ.get("HTTP_IF_RANGE")
    if value is None:
        return True
    if value.lstrip().startswith(('"', "W/")):
        return etag_matches(value, etag, weak=False)
    return modified is not None and parse_http_date(value) == modified


# -- byte ranges (RFC 9110 §14) -----------------------------------------------------------------


class ByteRange(NamedTuple):
    """A satisfiable byte range ``[start, stop)`` of a representation of ``size`` bytes."""

    start: int
    stop: int
    size: int

    @property
    def length(self) -> int:
        """How many bytes the range holds."""
        return self.stop - self.start

    def content_range(self) -> str:
        """The ``Content-Range`` value (RFC 9110 §14.4): ``bytes 0-499/1234``."""
        return f"bytes {self.start}-{self.stop - 1}/{self.size}"


# RFC 9110 §14.1.1:  int-range = first-pos "-" [ last-pos ];  suffix-range = "-" suffix-length
# ASCII digits only (int() would take "+1", " 1" or "١"); at most 19 digits (fits an off_t).
_INT_RANGE = re.compile(r"([0-9]{1,19})-([0-9]{0,19})")
_SUFFIX_RANGE = re.compile(r"-([0-9]{1,19})")
_RANGE_UNIT = re.compile(_TOKEN)  # range-unit = token (RFC 9110 §14.1)

# One range-spec: ``(first, last)``, both inclusive, ``last`` None for "to the end"; a
# suffix-range is ``(None, suffix_length)``.
RangeSpec = tuple[Optional[int], Optional[int]]


def parse_range_specs(value: str | None) -> tuple[str, list[RangeSpec]] | None:
    """The unit (lower-cased) and range-specs of a ``Range`` value, or ``None`` if invalid.

    This is the one reader of the ``Range`` grammar (RFC 9110 §14.1.1): ``send_file``'s
    :func:`parse_range` and ``Request.range`` both start here. Empty list elements are
    dropped (§5.6.1); one spec that is not a range makes the whole value invalid.

    >>> parse_range_specs("bytes=0-499, -500, 9500-")
    ('bytes', [(0, 499), (None, 500), (9500, None)])
    """
    unit, equals, text = (value or "").partition("=")
    unit = unit.strip(" \t").lower()
    if not equals or not _RANGE_UNIT.fullmatch(unit):
        return None
    specs: list[RangeSpec] = []
    for spec in text.split(","):
        spec = spec.strip(" \t")
        suffix, span = _SUFFIX_RANGE.fullmatch(spec), _INT_RANGE.fullmatch(spec)
        if suffix is not None:
            specs.append((None, int(suffix.group(1))))
        elif span is not None:
            first, last = int(span.group(1)), int(span.group(2)) if span.group(2) else None
            if last is not None and last < first:
                return None  # invalid, not unsatisfiable (RFC 9110 §14.1.1)
            specs.append((first, last))
        elif spec:
            return None
    return (unit, specs) if specs else None


def byte_range_of(spec: RangeSpec, size: int) -> ByteRange | None:
    """The bytes ``spec`` selects in ``size`` bytes, or ``None`` when it selects none
    (RFC 9110 §14.1.1: a suffix longer than the representation selects all of it)."""
    first, last = spec
    if first is None:
        if not last or not size:  # "-0", or an empty representation
            return None
        return ByteRange(max(0, size - last), size, size)
    if first >= size:
        return None
    return ByteRange(first, size if last is None else min(last, size - 1) + 1, size)


def parse_range(value: str | None, size: int) -> ByteRange | None:
    """The single byte range ``value`` asks for in ``size`` bytes, or ``None`` for "all".

    ``None`` is returned for no header, another unit, invalid syntax or several ranges
    (RFC 9110 §14.2 lets a server ignore Range); a valid single range that starts beyond
    the end raises :class:`RangeNotSatisfiable` (416) carrying ``size``.

    >>> parse_range("bytes=-500", 1000)
    ByteRange(start=500, stop=1000, size=1000)
    """
    parsed = parse_range_specs(value)
    if parsed is None or parsed[0] != "bytes" or len(parsed[1]) != 1:
        return None
    byte_range = byte_range_of(parsed[1][0], size)
    if byte_range is None:
        raise RangeNotSatisfiable(length=size)
    return byte_range


def requested_range(
    environ: Mapping[str, Any], size: int, etag: str | None, modified: int | None
) -> ByteRange | None:
    """The Range to honour (GET only, RFC 9110 §14.2), after the If-Range check."""
    if environ.get("REQUEST_METHOD", "GET") != "GET":
        return None
    value = environ.get("HTTP_RANGE")
    if value is None or not if_range_allows(environ, etag, modified):
        return None
    return parse_range(value, size)


# -- make_conditional ---------------------------------------------------------------------------

# RFC 9110 §15.4.5: a 304 repeats Cache-Control, Content-Location, Date, ETag, Expires and
# Vary, and should not carry the representation's other metadata (§8, §14.4).
_REPRESENTATION_FIELDS = (
    "Content-Type",
    "Content-Length",
    "Content-Encoding",
    "Content-Language",
    "Content-Range",
)


class ConditionalResponse(Protocol):
    """What :func:`make_conditional` needs of a response (``tinyweb.Response`` has it)."""

    headers: Headers
    response: Iterable[Any]
    status_code: int

    def get_data(self) -> bytes:
        """The whole body."""


def make_conditional(
    response: ConditionalResponse,
    request_or_environ: Any,
    accept_ranges: bool | str = False,
    complete_length: int | None = None,
) -> None:
    """Answer a GET or HEAD with 304, 412 or 206 as the request's conditions say (rule 4).

    ``Response.make_conditional`` calls this; other methods and non-2xx responses are left
    alone, as Werkzeug does. ``accept_ranges`` (True: ``"bytes"``) sets ``Accept-Ranges``;
    a ``Range`` is honoured only with it and the body's ``complete_length``.
    """
    environ = getattr(request_or_environ, "environ", request_or_environ)
    code = response.status_code
    if environ.get("REQUEST_METHOD") not in ("GET", "HEAD") or not 200 <= code < 300:
        return
    headers = response.headers
    if "Date" not in headers:
        headers.set("Date", http_date(time.time()))
    if accept_ranges:
        headers.set("Accept-Ranges", "bytes" if accept_ranges is True else accept_ranges)
    opaque, weak = unquote_etag(headers.get("ETag"))  # headers["ETag"] = "v1" works too
    etag = None if opaque is None else ("W/" if weak else "") + f'"{opaque}"'
    modified = parse_http_date(headers.get("Last-Modified"))
    status = precondition_status(environ, etag, modified)
    if status != 200:
        _drop_representation(response, status)
    elif accept_ranges and complete_length and code == 200:
        byte_range = requested_range(environ, complete_length, etag, modified)
        if byte_range is not None:
            _send_range(response, byte_range)


def _drop_representation(response: ConditionalResponse, status: int) -> None:
    """Turn the response into a 304 or 412 without a body (RFC 9110 §15.4.5, §15.5.13)."""
    _close(response.response)
    response.response = []
    response.status_code = status
    for name in _REPRESENTATION_FIELDS:
        response.headers.remove(name)
    if status == 304 and "ETag" in response.headers:
        response.headers.remove("Last-Modified")  # the ETag is the better validator
    if status == 412:
        response.headers.set("Content-Length", "0")


def _send_range(response: ConditionalResponse, byte_range: ByteRange) -> None:
    """Make the response a 206 carrying ``byte_range`` of its body (RFC 9110 §15.3.7)."""
    body = response.response
    if isinstance(body, (list, tuple)):
        data = response.get_data()
        response.response = [data[byte_range.start : byte_range.stop]]
    else:
        response.response = RangeChunks(body, byte_range.start, byte_range.length)
    response.status_code = 206
    response.headers.set("Content-Range", byte_range.content_range())
    response.headers.set("Content-Length", str(byte_range.length))


class RangeChunks:
    """``length`` bytes of a streamed body from ``start`` on; ``close()`` closes the body."""

    def __init__(self, body: Iterable[Any], start: int, length: int) -> None:
        self.body = body
        self.start = start
        self.length = length

    def __iter__(self) -> Iterator[bytes]:
        skip, remaining = self.start, self.length
        for chunk in self.body:
            data = chunk.encode("utf-8") if isinstance(chunk, str) else bytes(chunk)
            if skip >= len(data):
                skip -= len(data)
                continue
            data, skip = data[skip : skip + remaining], 0
            remaining -= len(data)
            yield data
            if remaining <= 0:
                return

    def close(self) -> None:
        """Close the body (PEP 3333)."""
        _close(self.body)


def _close(body: object) -> None:
    close = getattr(body, "close", None)
    if close is not None:
        close()
