"""The outgoing response: status, header fields, body, cookies; itself a WSGI application.

Where it fits: a view returns a ``Response`` (or something ``App.make_response`` turns into
one); the app then *calls* it with ``(environ, start_response)``, because a ``Response`` is a
WSGI application (PEP 3333), as in Starlette and Werkzeug. ``redirect`` builds a common
response; ``json_dumps`` is the JSON encoder Flask 3.1 uses by default, without an app
(``jsonify`` and ``app.json`` are in ``json_provider``, which knows the app). This
module imports ``datastructures`` (``Headers``), ``errors`` (to give ``HTTPError`` its
response class), ``caching`` (``cache_control``, ETags), ``header_sets`` (``vary``,
``allow``, the CORS fields), ``typed_headers`` (``date``, ``age``, ``content_range``,
policies, ``www_authenticate``) and ``response_wsgi`` (Werkzeug's lower-level WSGI
members: buffering, ``stream``, ``from_app``, the body iterable), and knows nothing
about apps.

Rules:

1. Header fields live in a ``Headers``, which refuses CR, LF and NUL (CWE-113, response
   splitting); the status line and a cookie's name and domain are checked the same way,
   and a cookie's value and path are escaped (``\\ooo``, percent-encoding).
2. A body is bytes, text (sent as UTF-8) or an iterable of them. A ``str``/``bytes`` body is
   buffered and gets a ``Content-Length``, and so does a list or tuple when it is sent
   (``automatically_set_content_length``); any other iterable is streamed untouched and
   its ``close()`` is always called (PEP 3333), before the ``call_on_close`` functions.
3. HEAD and the no-content statuses (1xx, 204, 205, 304; RFC 9110 §6.4.1) send no body;
   1xx, 204 and 304 also drop ``Content-Length`` and ``Content-Type``, and 205 says
   ``Content-Length: 0`` (§15.3.6).
4. ``Location`` is sent as given (RFC 9110 §10.2.2 allows a relative reference; a class
   with ``autocorrect_location_header`` makes it absolute); only non-ASCII characters are
   percent-encoded, since a header must be latin-1 on the wire.

Cookies follow RFC 6265 §4.1 (``Set-Cookie`` syntax) and the SameSite draft
(RFC 6265bis §4.1.2.7). Dates are IMF-fixdate (RFC 9110 §5.6.7).
"""

from __future__ import annotations

import datetime
import json
import re
import sys
import time
import warnings
from collections.abc import Iterable, Iterator
from typing import Any, Callable, ClassVar, Union
from urllib.parse import quote

from . import caching, header_sets, response_wsgi, typed_headers
from .caching import http_date
from .datastructures import Headers, HeadersSource, header_field
from .errors import HTTPError
from .header_values import parse_digits
from .response_wsgi import AppIterator, close_all, encode_chunk

__all__ = ["Response", "http_date", "json_default", "json_dumps", "redirect"]

StartResponse = Callable[..., Any]
Body = Union[str, bytes, bytearray, Iterable[bytes], Iterable[str], None]
Expiry = Union[datetime.datetime, datetime.date, int, float, str, None]

# Reason phrases as Werkzeug spells them (upper case), so ``response.status == "404 NOT
# FOUND"`` checks written for Flask keep passing. RFC 9110 §15 names the codes.
_REASONS = {
    100: "CONTINUE", 101: "SWITCHING PROTOCOLS", 102: "PROCESSING", 103: "EARLY HINTS",
    200: "OK", 201: "CREATED", 202: "ACCEPTED", 203: "NON AUTHORITATIVE INFORMATION",
    204: "NO CONTENT", 205: "RESET CONTENT", 206: "PARTIAL CONTENT", 207: "MULTI STATUS",
    208: "ALREADY REPORTED", 226: "IM USED",
    300: "MULTIPLE CHOICES", 301: "MOVED PERMANENTLY", 302: "FOUND", 303: "SEE OTHER",
    304: "NOT MODIFIED", 305: "USE PROXY", 307: "TEMPORARY REDIRECT",
    308: "PERMANENT REDIRECT",
    400: "BAD REQUEST", 401: "UNAUTHORIZED", 402: "PAYMENT REQUIRED", 403: "FORBIDDEN",
    404: "NOT FOUND", 405: "METHOD NOT ALLOWED", 406: "NOT ACCEPTABLE",
    407: "PROXY AUTHENTICATION REQUIRED", 408: "REQUEST TIMEOUT", 409: "CONFLICT",
    410: "GONE", 411: "LENGTH REQUIRED", 412: "PRECONDITION FAILED",
    413: "REQUEST ENTITY TOO LARGE", 414: "REQUEST URI TOO LONG",
    415: "UNSUPPORTED MEDIA TYPE", 416: "REQUESTED RANGE NOT SATISFIABLE",
    417: "EXPECTATION FAILED", 418: "I'M A TEAPOT", 421: "MISDIRECTED REQUEST",
    422: "UNPROCESSABLE ENTITY", 423: "LOCKED", 424: "FAILED DEPENDENCY", 425: "TOO EARLY",
    426: "UPGRADE REQUIRED", 428: "PRECONDITION REQUIRED", 429: "TOO MANY REQUESTS",
    431: "REQUEST HEADER FIELDS TOO LARGE", 451: "UNAVAILABLE FOR LEGAL REASONS",
    500: "INTERNAL SERVER ERROR", 501: "NOT IMPLEMENTED", 502: "BAD GATEWAY",
    503: "SERVICE UNAVAILABLE", 504: "GATEWAY TIMEOUT", 505: "HTTP VERSION NOT SUPPORTED",
    506: "VARIANT ALSO NEGOTIATES", 507: "INSUFFICIENT STORAGE", 508: "LOOP DETECTED",
    510: "NOT EXTENDED", 511: "NETWORK AUTHENTICATION REQUIRED",
}  # fmt: skip

# The (code, line) pairs for int statuses, computed once: most responses use one of them.
_STATUS_LINES: dict[object, tuple[int, str]] = {
    code: (code, f"{code} {reason}") for code, reason in _REASONS.items()
}

# RFC 9110 §6.4.1: these statuses never carry content.
_NO_CONTENT_STATUSES = frozenset({204, 304})
_NO_BODY_STATUSES = frozenset({204, 205, 304})

# Text types get "; charset=utf-8" (as Werkzeug's get_content_type does); JSON does not,
# because RFC 8259 §11 defines no charset parameter for application/json.
_TEXT_APPLICATION_TYPES = frozenset(
    {"application/javascript", "application/ecmascript", "application/xml", "application/sql"}
)


def _content_type_for(mimetype: str) -> str:
    """``mimetype`` with the charset parameter added when it is a text type."""
    content_type = _CONTENT_TYPES.get(mimetype)
    if content_type is None:
        content_type = header_field("Content-Type", mimetype)[1]  # CR/LF: ValueError
        if mimetype.startswith("text/") or mimetype.endswith("+xml"):
            content_type = f"{mimetype}; charset=utf-8"
        elif mimetype in _TEXT_APPLICATION_TYPES:
            content_type = f"{mimetype}; charset=utf-8"
        if len(_CONTENT_TYPES) < 64:  # apps use a handful of types; stay bounded anyway
            _CONTENT_TYPES[mimetype] = content_type
    return content_type


_CONTENT_TYPES: dict[str, str] = {}


def _status_line(status: int | str) -> tuple[int, str]:
    """``(code, "code REASON")`` from an int, ``"404"`` or a full ``"404 NOT FOUND"``."""
    if isinstance(status, int):
        code, text = status, f"{status} {_REASONS.get(status, 'UNKNOWN')}"
    else:
        digits, _, reason = status.strip().partition(" ")
        if not (len(digits) == 3 and digits.isascii() and digits.isdigit()):
            raise ValueError(f"Invalid status {status!r}: it must start with a 3-digit code")
        code = int(digits)
        text = f"{code} {reason or _REASONS.get(code, 'UNKNOWN')}"
    if not 100 <= code <= 999:
        raise ValueError(f"Invalid status code {code}: it must be between 100 and 999")
    if "\r" in text or "\n" in text or "\0" in text:
        raise ValueError("The status line must not contain CR, LF or NUL")
    return code, text


# -- cookies ---------------------------------------------------------------------------------

# RFC 6265 §4.1.1: cookie-name is an RFC 9110 token.
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
# Values made only of these characters go out unquoted; this is the set browsers and
# Werkzeug accept verbatim (RFC 6265's cookie-octet, plus a few that clients tolerate).
_COOKIE_PLAIN_VALUE = re.compile(r"[\w!#$%&'()*+\-./:<=>?@\[\]^`{|}~]*", re.ASCII)
# Inside quotes, the bytes that would end the value or the header are written as "\ooo"
# (octal), and '"' / '\' are backslash-escaped; Request.cookies reverses this.
_COOKIE_ESCAPED_BYTES = re.compile(rb'[\x00-\x1f",;\\\x7f-\xff]')
_DOMAIN = re.compile(r"[A-Za-z0-9.\-]+")
_SAMESITE_VALUES = {"strict": "Strict", "lax": "Lax", "none": "None"}
# Browsers ignore a Set-Cookie larger than about 4 KiB (RFC 6265 §6.1 asks for at least 4096).
MAX_COOKIE_SIZE = 4093


def _escape_cookie_byte(match: re.Match[bytes]) -> bytes:
    byte = match.group()
    if byte in (b'"', b"\\"):
        return b"\\" + byte
    return b"\\%03o" % byte[0]


def quote_cookie_value(value: str) -> str:
    """``value`` as it goes into ``Set-Cookie``: as is, or quoted with escapes.

    ::

        >>> quote_cookie_value("abc"), quote_cookie_value("a b;c")
        ('abc', '"a b\\\\073c"')
    """
    if _COOKIE_PLAIN_VALUE.fullmatch(value):
        return value
    escaped = _COOKIE_ESCAPED_BYTES.sub(_escape_cookie_byte, value.encode("utf-8"))
    return '"' + escaped.decode("ascii") + '"'


def _cookie_expiry(expires: Expiry, max_age: int | None) -> str | None:
    """The Expires attribute: from ``expires``, or now + ``max_age`` for old clients."""
    if isinstance(expires, str):
        return expires
    if expires is not None:
        return http_date(expires)
    if max_age is not None:
        return http_date(time.time() + max_age)
    return None


def dump_cookie(
    key: str,
    value: str = "",
    max_age: datetime.timedelta | int | None = None,
    expires: Expiry = None,
    path: str | None = "/",
    domain: str | None = None,
    secure: bool = False,
    httponly: bool = False,
    samesite: str | None = None,
    partitioned: bool = False,
    max_size: int = MAX_COOKIE_SIZE,
) -> str:
    """One ``Set-Cookie`` header value (RFC 6265 §4.1); ``ValueError`` on unsafe input.

    A header longer than ``max_size`` gets a warning (0 turns the check off).

    ::

        >>> dump_cookie("theme", "dark", samesite="lax")
        'theme=dark; Path=/; SameSite=Lax'
    """
    if not _TOKEN.fullmatch(key):
        raise ValueError(f"Invalid cookie name {key!r}: it must be an RFC 9110 token")
    if max_age is not None:  # RFC 6265 §5.2.2: Max-Age is an integer number of seconds
        max_age = int(
            max_age.total_seconds() if isinstance(max_age, datetime.timedelta) else max_age
        )
    attributes = [f"{key}={quote_cookie_value(value)}"]
    if domain:
        domain = domain.partition(":")[0].lstrip(".")
        if not _DOMAIN.fullmatch(domain):
            raise ValueError(f"Invalid cookie domain {domain!r}")
        attributes.append(f"Domain={domain}")
    expiry = _cookie_expiry(expires, max_age)
    if expiry is not None:
        attributes.append(f"Expires={expiry}")
    if max_age is not None:
        attributes.append(f"Max-Age={max_age}")
    if secure or partitioned:  # CHIPS: a partitioned cookie must be Secure
        attributes.append("Secure")
    if httponly:
        attributes.append("HttpOnly")
    if path is not None:
        # A ';' would start a new attribute, so it is percent-encoded with the rest.
        attributes.append("Path=" + quote(path, safe="%!$&'()*+,/:=@"))
    if samesite is not None:
        attributes.append("SameSite=" + _samesite_value(samesite))
    if partitioned:
        attributes.append("Partitioned")
    header_value = "; ".join(attributes)
    if "\r" in header_value or "\n" in header_value or "\0" in header_value:
        raise ValueError("Cookie attributes must not contain CR, LF or NUL")
    if max_size and len(header_value) > max_size:
        warnings.warn(
            f"The {key!r} cookie is {len(header_value)} bytes; browsers may ignore cookies "
            f"over {max_size} bytes",
            stacklevel=3,
        )
    return header_value


def _samesite_value(samesite: str) -> str:
    try:
        return _SAMESITE_VALUES[samesite.lower()]
    except KeyError:
        raise ValueError(
            f"Invalid SameSite value {samesite!r}: use 'Strict', 'Lax' or 'None'"
        ) from None


# -- JSON ------------------------------------------------------------------------------------


def json_default(value: Any) -> Any:
    """What Flask 3.1's default JSON provider does with types ``json`` cannot encode
    (``DefaultJSONProvider.default``): a ``TypeError`` for the others."""
    if isinstance(value, datetime.date):
        return http_date(value)
    # A Decimal, UUID or dataclass instance can only exist if its module was imported, so
    # look in sys.modules instead of importing three modules for every app (import time).
    decimal, uuid = sys.modules.get("decimal"), sys.modules.get("uuid")
    if (decimal and isinstance(value, decimal.Decimal)) or (uuid and isinstance(value, uuid.UUID)):
        return str(value)
    dataclasses = sys.modules.get("dataclasses")
    if dataclasses and dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if hasattr(value, "__html__"):
        return str(value.__html__())
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def json_dumps(value: Any, **options: Any) -> str:
    """Serialize like Flask 3.1's default provider: sorted keys, ASCII only, compact.

    Dates become HTTP dates, ``UUID``/``Decimal`` strings, dataclasses dicts; objects with
    ``__html__`` (``Markup``) their HTML. No trailing newline (``jsonify`` adds one)::

        >>> json_dumps({"b": 1, "a": "é"})
        '{"a":"\\\\u00e9","b":1}'
    """
    if not options:
        return _JSON_ENCODER.encode(value)
    options.setdefault("default", json_default)
    options.setdefault("sort_keys", True)
    options.setdefault("ensure_ascii", True)
    options.setdefault("separators", (",", ":"))
    return json.dumps(value, **options)


# One encoder, built once: json.dumps() with any non-default option builds a new
# JSONEncoder on every call, which costs as much as encoding a small dict.
_JSON_ENCODER = json.JSONEncoder(
    default=json_default, sort_keys=True, ensure_ascii=True, separators=(",", ":")
)


# -- the response ----------------------------------------------------------------------------


class Response(typed_headers.ResponseFields):
    """An HTTP response, and a WSGI application that sends itself.

    ::

        response = Response("<h1>Hi</h1>")                       # text/html; charset=utf-8
        response = Response(b"\\x89PNG...", mimetype="image/png")
        response = Response("gone", status=410, headers={"X-Reason": "retired"})
        response.set_cookie("theme", "dark", max_age=3600, samesite="Lax")
        return response(environ, start_response)                 # in plain WSGI code

    A generator body is streamed: ``Response(generate_rows(), mimetype="text/csv")``.
    """

    default_mimetype: ClassVar[str | None] = "text/html"
    default_status: ClassVar[int] = 200
    charset: ClassVar[str] = "utf-8"
    max_cookie_size: ClassVar[int] = MAX_COOKIE_SIZE
    # Werkzeug's switches for the WSGI side (tinyweb.response_wsgi has the details):
    # Content-Length for buffered bodies, absolute Location URLs, reading streamed bodies.
    automatically_set_content_length: ClassVar[bool] = True
    autocorrect_location_header: ClassVar[bool] = False
    implicit_sequence_conversion: ClassVar[bool] = True
    json_module: ClassVar[Any] = json  # what get_json parses with

    def __init__(
        self,
        response: Body = None,
        status: int | str | None = None,
        headers: HeadersSource = None,
        mimetype: str | None = None,
        content_type: str | None = None,
        direct_passthrough: bool = False,
    ) -> None:
        if status is None:
            status = self.default_status
        # Known int codes are one dict lookup; a string or an odd code takes the parser.
        self._status_code, self._status = _STATUS_LINES.get(status) or _status_line(status)
        if headers is None:
            fields = self._first_fields(mimetype, content_type)
            self.headers = Headers.from_checked_fields(fields)
        else:
            self.headers = self._given_headers(headers, mimetype, content_type)
        # With direct_passthrough the iterable goes to the server as it is (for example a
        # wsgi.file_wrapper, which a server may send with sendfile()).
        if direct_passthrough:
            self.direct_passthrough = True
        self.response: Iterable[Any]
        if isinstance(response, str) and headers is None and self.automatically_set_content_length:
            # The common case, kept flat: one encode, one append to the fresh fields.
            data = response.encode(self.charset)
            self.response = [data]
            fields.append(("Content-Length", str(len(data))))
        elif isinstance(response, (str, bytes, bytearray)):
            self.set_data(response)
        else:
            self.response = [] if response is None else response

    def _given_headers(
        self, headers: HeadersSource, mimetype: str | None, content_type: str | None
    ) -> Headers:
        """The caller's headers, with a Content-Type unless they bring their own."""
        given = Headers(headers)
        if content_type is not None or mimetype is not None or "Content-Type" not in given:
            for name, value in self._first_fields(mimetype, content_type):
                given.set(name, value)
        return given

    def _first_fields(
        self, mimetype: str | None, content_type: str | None
    ) -> list[tuple[str, str]]:
        """The Content-Type field a new response starts with (none if there is no type)."""
        if content_type is not None:
            return [header_field("Content-Type", content_type)]
        mimetype = mimetype or self.default_mimetype
        if mimetype is None:
            return []
        return [("Content-Type", _content_type_for(mimetype))]  # checked when cached

    # Per-instance when set; class-level defaults keep the constructor short.
    direct_passthrough: bool = False
    _on_close: tuple[Callable[[], Any], ...] = ()

    def __repr__(self) -> str:
        size = f"{len(self.get_data())} bytes" if not self.is_streamed else "streamed"
        return f"<{type(self).__name__} {size} [{self.status}]>"

    # -- status ----------------------------------------------------------------------------

    @property
    def status(self) -> str:
        """The status line without the version: ``"200 OK"``; settable (int or string)."""
        return self._status

    @status.setter
    def status(self, value: int | str) -> None:
        self._status_code, self._status = _status_line(value)

    @property
    def status_code(self) -> int:
        """The status code as an int; setting it updates ``status`` too."""
        return self._status_code

    @status_code.setter
    def status_code(self, code: int) -> None:
        self._status_code, self._status = _status_line(code)

    # -- body ------------------------------------------------------------------------------

    @property
    def is_streamed(self) -> bool:
        """True when the body is an iterable of unknown length (not buffered bytes)."""
        return not isinstance(self.response, (list, tuple))

    @property
    def is_sequence(self) -> bool:
        """True when the body is a list or tuple of chunks (buffered, length known)."""
        return isinstance(self.response, (list, tuple))

    def make_sequence(self) -> None:
        """Read a streamed body into a list of bytes now (and close it)."""
        response_wsgi.make_sequence(self)

    def iter_encoded(self) -> Iterator[bytes]:
        """The body's chunks as bytes (text encoded as UTF-8), read lazily."""
        return response_wsgi.iter_encoded(self.response)

    def calculate_content_length(self) -> int | None:
        """The body's length in bytes (buffering a streamed body), or None when the body
        may not be buffered (``direct_passthrough``, ``implicit_sequence_conversion``)."""
        return response_wsgi.calculate_content_length(self)

    def freeze(self) -> None:
        """Buffer the body, set ``Content-Length`` and add an ``ETag`` (for caching or
        pickling a response): nothing in it still depends on a generator or a file."""
        response_wsgi.freeze(self)

    @property
    def stream(self) -> response_wsgi.ResponseStream:
        """A write-only file whose writes append to the body: ``print(..., file=...)``."""
        return response_wsgi.ResponseStream.of(self)

    def get_data(self, as_text: bool = False) -> Any:
        """The whole body as bytes (or text); a streamed body is read and buffered first,
        unless ``direct_passthrough`` or ``implicit_sequence_conversion = False`` forbid
        it (``RuntimeError``)."""
        data = b"".join(map(encode_chunk, response_wsgi.ensure_sequence(self)))
        return data.decode(self.charset) if as_text else data

    def set_data(self, value: str | bytes | bytearray) -> None:
        """Replace the body and set ``Content-Length`` (unless the class turns that off)."""
        data = value.encode(self.charset) if isinstance(value, str) else bytes(value)
        self.response = [data]
        if self.automatically_set_content_length:
            self.headers.set("Content-Length", str(len(data)))

    @property
    def data(self) -> bytes:
        """The body as bytes; assigning sets the body and ``Content-Length``."""
        data: bytes = self.get_data()
        return data

    @data.setter
    def data(self, value: str | bytes) -> None:
        self.set_data(value)

    @property
    def text(self) -> str:
        """The body decoded as UTF-8."""
        text: str = self.get_data(as_text=True)
        return text

    @property
    def is_json(self) -> bool:
        """True for ``application/json`` and ``application/*+json``."""
        mimetype = self.mimetype
        return mimetype == "application/json" or (
            mimetype.startswith("application/") and mimetype.endswith("+json")
        )

    def get_json(self, force: bool = False, silent: bool = False) -> Any:
        """The body parsed as JSON; ``None`` if it is not JSON (unless ``force``)."""
        if not (force or self.is_json):
            return None
        try:
            return self.json_module.loads(self.get_data(as_text=True))
        except ValueError:
            if silent:
                return None
            raise

    @property
    def json(self) -> Any:
        """``get_json()``: the parsed JSON body, or None for other content types."""
        return self.get_json()

    # -- header shortcuts ------------------------------------------------------------------

    @property
    def content_type(self) -> str | None:
        """The Content-Type header, parameters included."""
        return self.headers.get("Content-Type")

    @content_type.setter
    def content_type(self, value: str) -> None:
        self.headers.set("Content-Type", value)

    @property
    def mimetype(self) -> str:
        """The content type without parameters, lower-cased; set it to change the type."""
        return (self.content_type or "").partition(";")[0].strip().lower()

    @mimetype.setter
    def mimetype(self, value: str) -> None:
        self.headers.set("Content-Type", _content_type_for(value))

    @property
    def content_length(self) -> int | None:
        """The Content-Length header as an int, or None (absent, or not 1 to 19 digits)."""
        return parse_digits(self.headers.get("Content-Length"))

    @content_length.setter
    def content_length(self, value: int) -> None:
        self.headers.set("Content-Length", str(value))

    @property
    def location(self) -> str | None:
        """The Location header (sent as given, RFC 9110 §10.2.2)."""
        return self.headers.get("Location")

    @location.setter
    def location(self, value: str) -> None:
        self.headers.set("Location", value)

    def add_vary(self, header: str) -> None:
        """Add ``header`` to ``Vary`` (RFC 9110 §12.5.5) unless it is listed, or ``*`` is."""
        vary = self.vary
        if "*" not in vary:
            vary.add(header)

    # -- header sets and CORS (tinyweb.header_sets) -----------------------------------------

    vary = header_sets.set_property("Vary")
    allow = header_sets.set_property("Allow")
    content_language = header_sets.set_property("Content-Language")
    access_control_allow_credentials = header_sets.flag_property("Access-Control-Allow-Credentials")
    access_control_allow_headers = header_sets.set_property("Access-Control-Allow-Headers")
    access_control_allow_methods = header_sets.set_property("Access-Control-Allow-Methods")
    access_control_allow_origin = header_sets.text_property("Access-Control-Allow-Origin")
    access_control_expose_headers = header_sets.set_property("Access-Control-Expose-Headers")
    access_control_max_age = header_sets.seconds_property("Access-Control-Max-Age")

    # -- caching (tinyweb.caching) ---------------------------------------------------------

    @property
    def cache_control(self) -> caching.ResponseCacheControl:
        """The ``Cache-Control`` directives; setting one rewrites the header at once::

        response.cache_control.max_age = 300        # Cache-Control: max-age=300
        """
        return caching.ResponseCacheControl.of(self.headers)

    def set_etag(self, etag: str, weak: bool = False) -> None:
        """Set ``ETag`` to the quoted ``etag`` (``W/"..."`` when ``weak``)."""
        self.headers.set("ETag", caching.quote_etag(etag, weak))

    def get_etag(self) -> tuple[str, bool] | tuple[None, None]:
        """``(etag, is_weak)`` of the ``ETag`` header, or ``(None, None)``."""
        return caching.unquote_etag(self.headers.get("ETag"))

    def add_etag(self, overwrite: bool = False, weak: bool = False) -> None:
        """Set an ``ETag`` from the body's SHA-1, unless there is one (or ``overwrite``)."""
        if overwrite or "ETag" not in self.headers:
            self.set_etag(caching.generate_etag(self.get_data()), weak)

    def make_conditional(
        self,
        request_or_environ: Any,
        accept_ranges: bool | str = False,
        complete_length: int | None = None,
    ) -> Response:
        """Answer the request's ``If-None-Match``/``If-Modified-Since`` (304), ``If-Match``/
        ``If-Unmodified-Since`` (412) and ``Range`` (206), for GET and HEAD; returns self::

            return response.make_conditional(request, accept_ranges=True,
                                             complete_length=len(data))
        """
        caching.make_conditional(self, request_or_environ, accept_ranges, complete_length)
        return self

    # -- cookies ---------------------------------------------------------------------------

    def set_cookie(
        self,
        key: str,
        value: str = "",
        max_age: datetime.timedelta | int | None = None,
        expires: Expiry = None,
        path: str | None = "/",
        domain: str | None = None,
        secure: bool = False,
        httponly: bool = False,
        samesite: str | None = None,
        partitioned: bool = False,
    ) -> None:
        """Add a ``Set-Cookie`` header (RFC 6265 §4.1).

        ``max_age`` is in seconds (or a ``timedelta``) and also sets ``Expires`` for old
        clients; ``expires`` takes a datetime or timestamp; ``samesite`` is ``"Strict"``,
        ``"Lax"`` or ``"None"``. Values with spaces, ``;`` or non-ASCII are quoted::

            response.set_cookie("session", token, httponly=True, secure=True, samesite="Lax")
        """
        self.headers.add(
            "Set-Cookie",
            dump_cookie(
                key, value, max_age, expires, path, domain, secure, httponly, samesite,
                partitioned, self.max_cookie_size,
            ),
        )  # fmt: skip

    def delete_cookie(
        self,
        key: str,
        path: str | None = "/",
        domain: str | None = None,
        secure: bool = False,
        httponly: bool = False,
        samesite: str | None = None,
        partitioned: bool = False,
    ) -> None:
        """Ask the client to forget a cookie: an empty value that expired in 1970.

        ``path`` and ``domain`` must match the ones it was set with (RFC 6265 §5.3 step 11).
        """
        self.set_cookie(
            key, "", 0, 0, path, domain, secure, httponly, samesite, partitioned
        )  # fmt: skip

    # -- WSGI ------------------------------------------------------------------------------

    def call_on_close(self, function: Callable[[], Any]) -> Callable[[], Any]:
        """Run ``function`` when the server closes the body (after the last byte is sent).

        Returns ``function``, so it works as a decorator.
        """
        self._on_close = (*self._on_close, function)
        return function

    def close(self) -> None:
        """Close the body and run the ``call_on_close`` functions (for code that does not
        hand the response to a server)."""
        close_all(self.response, self._on_close)

    def get_wsgi_headers(self, environ: dict[str, Any]) -> list[tuple[str, str]]:
        """The header list for ``start_response``, adjusted to the status and the body
        (rules 2, 3 and 4)."""
        headers = self.headers.to_wsgi_list()
        code = self._status_code
        if code < 200 or code in _NO_CONTENT_STATUSES:
            headers = [
                (name, value)
                for name, value in headers
                if name.lower() not in ("content-length", "content-type")
            ]
        elif code == 205:  # RFC 9110 §15.3.6: no content, said with Content-Length: 0
            headers = [(name, value) for name, value in headers if name.lower() != "content-length"]
            headers.append(("Content-Length", "0"))
        elif not headers or headers[-1][0] != "Content-Length":
            # Most responses end with the Content-Length their constructor appended: this
            # one comparison spares them the search (a quarter of get_wsgi_headers' time).
            if self.automatically_set_content_length and isinstance(self.response, (list, tuple)):
                response_wsgi.add_content_length(self, headers)  # a known length: no chunking
        if self.autocorrect_location_header:
            response_wsgi.make_location_absolute(headers, environ)
        # One isascii() per value, and no more: half the time of the loop that also looked
        # at each name (bench: 0.2 µs per response, which pays for the checks above).
        for _, value in headers:
            if not value.isascii():
                return _encode_iris(headers)
        return headers

    def get_app_iter(self, environ: dict[str, Any]) -> Iterable[bytes]:
        """The body iterable for the server: empty for HEAD and the no-body statuses (rule
        3); its ``close()`` closes the body and runs the ``call_on_close`` functions."""
        code = self._status_code
        send_body = not (
            environ.get("REQUEST_METHOD") == "HEAD" or code < 200 or code in _NO_BODY_STATUSES
        )
        body = self.response
        # The common case (one buffered chunk, nothing to run on close) goes out as the list;
        # the test is written out, not called, to save a call on every response.
        if send_body and not self._on_close and type(body) is list and len(body) == 1:
            if type(body[0]) is bytes:
                return body
        if send_body and self.direct_passthrough and not self._on_close:
            return body
        return AppIterator(body, send_body, self._on_close)

    def get_wsgi_response(
        self, environ: dict[str, Any]
    ) -> tuple[Iterable[bytes], str, list[tuple[str, str]]]:
        """``(app_iter, status, headers)``: what ``__call__`` sends for ``environ``."""
        headers = self.get_wsgi_headers(environ)
        return self.get_app_iter(environ), self._status, headers

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """Send this response: the WSGI application interface (PEP 3333)."""
        start_response(self._status, self.get_wsgi_headers(environ))
        return self.get_app_iter(environ)

    @classmethod
    def from_app(
        cls, app: Callable[..., Iterable[bytes]], environ: dict[str, Any], buffered: bool = False
    ) -> Response:
        """Run the WSGI application ``app`` for ``environ`` and return its answer as a
        response of this class (the body is always read whole; ``buffered`` is accepted
        for Werkzeug's signature)::

            response = Response.from_app(legacy_wsgi_app, request.environ)
        """
        return response_wsgi.from_app(cls, app, environ)

    @classmethod
    def force_type(
        cls,
        response: Response | Callable[..., Iterable[bytes]],
        environ: dict[str, Any] | None = None,
    ) -> Response:
        """``response`` as an instance of this class (changed in place), or, given an
        ``environ``, any WSGI application's answer collected with ``from_app``."""
        if not isinstance(response, Response):
            if environ is None:
                raise TypeError("Converting a WSGI application to a response needs an environ")
            response = Response.from_app(response, environ)
        response.__class__ = cls
        return response


# -- helpers ---------------------------------------------------------------------------------


def _encode_iris(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """``headers`` with an IRI in ``Location``/``Content-Location`` (such as /café)
    percent-encoded (RFC 3987 §3.1), since a header must be latin-1 on the wire."""
    for index, (name, value) in enumerate(headers):
        if not value.isascii() and name.lower() in ("location", "content-location"):
            headers[index] = (name, quote(value, safe="".join(map(chr, range(33, 127)))))
    return headers


def _escape_html(text: str) -> str:
    """Escape text for an HTML attribute or element (the five characters of OWASP rule 1)."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#x27;")
    )


def redirect(location: str, code: int = 302, Response: type[Response] | None = None) -> Response:
    """A redirect response to ``location``, kept exactly as given (relative is fine).

    ::

        return redirect(url_for("login"))          # 302 Found
        return redirect("/new-home", code=301)

    A CR or LF in ``location`` raises ``ValueError`` (response splitting, CWE-113).
    """
    response_class = Response or _DefaultResponse
    escaped = _escape_html(location)
    body = (
        "<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n"
        "<h1>Redirecting...</h1>\n<p>You should be redirected automatically to the target URL: "
        f'<a href="{escaped}">{escaped}</a>. If not, click the link.\n'
    )
    response = response_class(body, code, mimetype="text/html")
    response.headers.set("Location", location)
    return response


_DefaultResponse = Response

# HTTPError.get_response and abort(response) need this class, and errors.py may import no
# tinyweb module, so this module hands it over (see HTTPError.response_class).
HTTPError.response_class = Response
