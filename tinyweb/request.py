"""The incoming request: a read-only, lazy view over a WSGI environ (PEP 3333).

Where it fits: ``App.wsgi_app`` wraps each environ in a ``Request`` and publishes it as the
``request`` context-local; views read ``request.args``, ``request.form``, ``request.json``
and so on. It imports ``datastructures`` (containers), ``errors`` (``BadRequest``,
``RequestEntityTooLarge``, ``UnsupportedMediaType``), ``accept`` (the ``Accept`` headers),
``caching`` (the ``If-*`` headers), ``header_sets`` (the CORS preflight's header set),
``typed_headers`` (``date``, ``range``, ``pragma`` and other single fields),
``request_wsgi`` (``from_values``, ``application``, trusted hosts) and, lazily,
``multipart``.

Rules:

1. Lazy and cached: nothing is parsed until it is read, and nothing is parsed twice. An app
   that reads only ``path``, ``method`` and ``args`` pays for exactly those.
2. Text is decoded once, as UTF-8. A WSGI environ carries bytes as latin-1 strings
   (PEP 3333 "native strings"); the path and cookies replace invalid UTF-8 with U+FFFD, the
   query string and urlencoded forms keep an invalid byte as its ``%XX`` escape (what
   Werkzeug does), so nothing crashes and nothing is silently merged.
3. The query string and urlencoded forms split on ``&`` only (WHATWG URL "application/
   x-www-form-urlencoded parser"; ``;`` as a separator was cache-poisoning CVE-2021-23336).
4. The body is read through a stream that stops at ``CONTENT_LENGTH`` and never reads past
   it (the rest of the connection may be the next request). Without a length, the body is
   empty unless the server sets ``wsgi.input_terminated`` (PEP 3333 amendment used by
   chunked requests). ``max_content_length`` turns a larger body into 413, whether the
   length is declared or only discovered while reading.
5. ``get_json`` parses only JSON content types (else 415) and only strict UTF-8 (RFC 8259
   §8.1; else 400).

Cookies follow RFC 6265 §5.4 (the ``Cookie`` header); content types RFC 9110 §8.3.
"""

from __future__ import annotations

import datetime
import io
import json
import re
from collections.abc import Iterator
from typing import IO, Any, Callable, Generic, TypeVar, cast, overload
from urllib.parse import unquote_to_bytes

from . import request_wsgi
from .accept import Accept, CharsetAccept, LanguageAccept, MIMEAccept, parse_accept_header
from .caching import ETags, RequestCacheControl, http_datetime, parse_cache_control, parse_etags
from .datastructures import (
    Authorization,
    FileStorage,
    Headers,
    ImmutableMultiDict,
    MultiDict,
    UserAgent,
)
from .errors import BadRequest, BadRequestKeyError, RequestEntityTooLarge, UnsupportedMediaType
from .header_sets import RequestHeaderSet
from .header_values import parse_digits, parse_list_header
from .typed_headers import RequestFields, parse_parameters

V = TypeVar("V")


class RequestDataDict(ImmutableMultiDict[str, V]):
    """What the client sent (``args``, ``form``, ``files``, ``values``, ``cookies``).

    An ``ImmutableMultiDict`` whose missing keys raise ``BadRequestKeyError``: a view that
    writes ``request.form["title"]`` answers 400 when the client sent no title, not 500::

        >>> RequestDataDict([("page", "2")])["title"]
        Traceback (most recent call last):
        tinyweb.errors.BadRequestKeyError: 400 Bad Request: The browser (or proxy) sent ...

    (In debug mode the page also names the missing key: ``show_exception``.)
    """

    __slots__ = ()
    missing_key_error = BadRequestKeyError


__all__ = ["Request", "RequestDataDict", "parse_cookie_header", "parse_query_string"]

T = TypeVar("T")

_BLOCK_SIZE = 64 * 1024
_DEFAULT_PORTS = {"http": ":80", "https": ":443", "ws": ":80", "wss": ":443"}


class cached_property(Generic[T]):
    """Compute an attribute on first access and store it on the instance.

    ``functools.cached_property`` takes a lock on every first access before Python 3.12;
    a request lives in one thread, so this lock-free version is enough (and ~2x faster).
    """

    def __init__(self, function: Callable[[Any], T]) -> None:
        self.function = function
        self.name = function.__name__
        self.__doc__ = function.__doc__

    @overload
    def __get__(self, instance: None, owner: type[Any] | None = None) -> cached_property[T]: ...
    @overload
    def __get__(self, instance: object, owner: type[Any] | None = None) -> T: ...

    def __get__(self, instance: object, owner: type[Any] | None = None) -> Any:
        if instance is None:
            return self
        value = self.function(instance)
        instance.__dict__[self.name] = value  # the instance dict now wins over us
        return value


# -- text decoding (rule 2) ------------------------------------------------------------------


def _wsgi_bytes(text: str) -> bytes:
    """The bytes a WSGI native string stands for (latin-1, PEP 3333)."""
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:  # a server that passed already-decoded text
        return text.encode("utf-8")


def _wsgi_text(text: str) -> str:
    """A WSGI native string decoded as UTF-8; invalid bytes become U+FFFD."""
    if text.isascii():
        return text
    return _wsgi_bytes(text).decode("utf-8", "replace")


_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")


def _decode_url_bytes(raw: bytes) -> str:
    """UTF-8 text from URL bytes; an invalid byte stays visible as ``%XX``."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("utf-8", "surrogateescape")
        return _ESCAPED_BYTE.sub(lambda match: f"%{ord(match.group()) - 0xDC00:02X}", text)


def _unquote_plus(text: str) -> str:
    """Undo form encoding once: ``+`` is a space, ``%XX`` a byte; then decode UTF-8."""
    if text.isascii() and "%" not in text and "+" not in text:
        return text  # the common case costs one scan
    return _decode_url_bytes(unquote_to_bytes(_wsgi_bytes(text.replace("+", " "))))


def parse_query_string(query: str) -> ImmutableMultiDict[str, str]:
    """Parse ``a=1&b=2&a=3`` (a WSGI ``QUERY_STRING`` or a urlencoded body) into a MultiDict.

    Pairs split on ``&`` only; a pair without ``=`` has the value ``""``; empty pairs
    are skipped; names and values are decoded once::

        >>> parse_query_string("tag=a+b&tag=%C3%A9&empty=&flag")
        RequestDataDict([('tag', 'a b'), ('tag', 'é'), ('empty', ''), ('flag', '')])
    """
    pairs: list[tuple[str, str]] = []
    # Most query strings are plain ASCII without escapes: three C scans of the whole
    # string then spare the per-piece decoding (bench: ~2x faster args on "page=2&q=x").
    plain = query.isascii() and "%" not in query and "+" not in query
    for pair in query.split("&"):
        if pair:
            name, _, value = pair.partition("=")
            if plain:
                pairs.append((name, value))
            else:
                pairs.append((_unquote_plus(name), _unquote_plus(value)))
    return RequestDataDict(pairs)


# -- cookies ---------------------------------------------------------------------------------

# One "name=value" piece of a Cookie header (RFC 6265 §4.2.1 cookie-pair, read leniently:
# spaces around "=" are ignored and "=value" may be missing). The name holds no separator;
# the value is a quoted-string or a run without spaces, quotes or ";". Pieces that do not fit
# are dropped, as Werkzeug 3 does, rather than guessed at.
_COOKIE_PAIR = re.compile(
    r'[ \t]*(?P<name>[^ \t=";]+)'
    r'(?:[ \t]*=[ \t]*(?P<value>"(?:[^"\\]|\\.)*"|[^ \t";]*))?'
    r"[ \t]*"
)
# Inside a quoted cookie value: "\ooo" (an octal byte) or "\x" (the character x).
_COOKIE_ESCAPE = re.compile(rb"\\([0-3][0-7][0-7]|.)", re.DOTALL)


def _unescape_cookie_byte(match: re.Match[bytes]) -> bytes:
    escaped = match.group(1)
    return bytes([int(escaped, 8)]) if len(escaped) == 3 else escaped


def _cookie_value(value: str) -> str:
    """A cookie value with surrounding quotes and their escapes removed."""
    if len(value) >= 2 and value[0] == value[-1] == '"':
        raw = _COOKIE_ESCAPE.sub(_unescape_cookie_byte, _wsgi_bytes(value[1:-1]))
        return raw.decode("utf-8", "replace")
    return _wsgi_text(value)


def parse_cookie_header(header: str) -> ImmutableMultiDict[str, str]:
    """Parse a ``Cookie`` header (RFC 6265 §5.4) into a MultiDict.

    Pairs without a name are dropped (RFC 6265 §5.2 step 5, "ignore the set-cookie-string"
    when the name is empty), and so are pairs that do not fit the cookie-pair grammar (a bare
    value with a space or a quote in it); a pair without ``=`` has the value ``""``. A
    repeated name keeps every value; ``[name]`` gives the first, which RFC 6265 §5.4 step 2
    orders as the one with the longest path::

        >>> parse_cookie_header('theme=dark; =x; id="a\\\\073b"; bad=a b')
        RequestDataDict([('theme', 'dark'), ('id', 'a;b')])
    """
    cookies: list[tuple[str, str]] = []
    for piece in header.split(";"):
        match = _COOKIE_PAIR.fullmatch(piece)
        if match is not None:
            name, value = match.group("name", "value")
            cookies.append((_wsgi_text(name), _cookie_value(value or "")))
    return RequestDataDict(cookies)


# -- the body stream (rule 4) ----------------------------------------------------------------


class BodyStream(io.RawIOBase):
    """``wsgi.input`` bounded to the request body: never reads past ``length`` bytes.

    ``length=None`` (only with ``wsgi.input_terminated``) reads to the end of the input.
    ``max_length`` turns a body that grows past it into ``RequestEntityTooLarge``; an
    input that ends before ``length`` bytes is a client that went away: ``BadRequest``.
    """

    def __init__(self, source: IO[bytes], length: int | None, max_length: int | None) -> None:
        super().__init__()
        self._source = source
        self._remaining = length
        self._max_length = max_length
        self._consumed = 0

    def readable(self) -> bool:
        """Always True: this is an input stream."""
        return True

    def _count(self, data: bytes, wanted: int) -> bytes:
        """Account for ``data`` just read; detect truncated and oversized bodies."""
        if len(data) > wanted:  # a server that ignored the size: never pass the body end
            data = data[:wanted]
        self._consumed += len(data)
        if self._max_length is not None and self._consumed > self._max_length:
            raise RequestEntityTooLarge()
        if self._remaining is not None:
            if not data and wanted > 0:
                raise BadRequest("The client went away before sending the whole body.")
            self._remaining -= len(data)
        return data

    def _limit(self, size: int) -> int:
        """How many bytes one read may ask the source for (``-1`` = a block)."""
        if self._remaining is None:
            return _BLOCK_SIZE if size < 0 else size
        return self._remaining if size < 0 else min(size, self._remaining)

    def read(self, size: int | None = -1) -> bytes:
        """Read up to ``size`` bytes (all that is left when negative or None)."""
        if size is None or size < 0:
            return b"".join(iter(lambda: self.read(_BLOCK_SIZE), b""))
        wanted = self._limit(size)
        if wanted == 0:
            return b""
        # PEP 3333 allows read() with a size only (wsgiref.validate insists on one).
        return self._count(self._source.read(wanted), wanted)

    def readinto(self, buffer: Any) -> int:
        """Read into a writable buffer (for ``io`` helpers)."""
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def readline(self, size: int | None = -1) -> bytes:
        """Read one line, at most ``size`` bytes, never past the body."""
        wanted = self._limit(-1 if size is None else size)
        if wanted == 0:
            return b""
        return self._count(self._source.readline(wanted), wanted)

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.readline, b"")


def _empty_stream() -> IO[bytes]:
    return io.BytesIO(b"")


def _read_up_to(stream: IO[bytes], size: int) -> bytes:
    """Read until ``size`` bytes or the end (one ``read`` may return less than asked)."""
    chunks: list[bytes] = []
    while size > 0:
        chunk = stream.read(min(size, _BLOCK_SIZE))
        if not chunk:
            break
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


# -- the request -----------------------------------------------------------------------------


class Request(RequestFields):
    """A read-only view over one WSGI environ; every attribute is computed on first use.

    ::

        request = Request(environ)
        request.method, request.path            # "GET", "/search"
        request.args.get("page", 1, type=int)   # ?page=2 -> 2
        request.form["name"], request.files["photo"], request.get_json()
        request.cookies.get("theme"), request.headers["User-Agent"]

    ``max_content_length`` (``MAX_CONTENT_LENGTH`` in the app config) makes larger bodies
    a 413; ``max_form_parts`` and ``max_form_memory_size`` bound form parsing.

    ``method`` is the request method, upper-cased (``"GET"``); ``path`` the decoded path
    below the app's mount point, always starting with ``/``.
    """

    charset = "utf-8"

    def __init__(
        self,
        environ: dict[str, Any],
        *,
        max_content_length: int | None = None,
        max_form_parts: int = 1000,
        max_form_memory_size: int = 500_000,
    ) -> None:
        self.environ = environ
        # Every request needs these two (the router reads them), and they are cheap, so
        # they are plain attributes rather than cached properties: no descriptor call.
        self.method: str = environ.get("REQUEST_METHOD", "GET").upper()
        path = environ.get("PATH_INFO", "")
        if not path.isascii():
            path = _wsgi_text(path)
        self.path: str = path if path[:1] == "/" and path[1:2] != "/" else "/" + path.lstrip("/")
        # Limits are stored only when they differ from the class defaults below: each
        # attribute store costs, and this constructor runs for every request.
        if max_content_length is not None:
            self.max_content_length = max_content_length
        if max_form_parts != 1000:
            self.max_form_parts = max_form_parts
        if max_form_memory_size != 500_000:
            self.max_form_memory_size = max_form_memory_size

    # Defaults, overridden per instance. The App sets the routing ones (Flask's names).
    max_content_length: int | None = None
    max_form_parts: int = 1000
    max_form_memory_size: int = 500_000  # Werkzeug's default, and MAX_FORM_MEMORY_SIZE's
    url_rule: Any = None
    automatic_options: Any = None  # routing.AutomaticOptions: the app answers this OPTIONS
    view_args: dict[str, Any] | None = None
    endpoint: str | None = None
    routing_exception: Exception | None = None
    # An app that routes on hosts keeps here the domain the host asks for, with the
    # SERVER_NAME it was read against (tinyweb.host_routing.HostRoutes.domain_of), so that
    # url_for does not work it out again on every call.
    host_domain: tuple[str | None, str | None] | None = None
    _cached_data: bytes | None = None
    _cached_json: dict[bool, Any] | None = None
    # What get_json parses with: the json module, or the app's provider (app.json), which
    # the app sets on each request it makes.
    json_module: Any = json
    # The classes request data comes in (Werkzeug's names): args, form and files; cookies;
    # access_route; user_agent. A subclass may change them, as in Werkzeug.
    parameter_storage_class: type[Any] = RequestDataDict
    dict_storage_class: type[Any] = RequestDataDict
    list_storage_class: type[Any] = list
    user_agent_class: type[UserAgent] = UserAgent
    # Host names `host` accepts (rule 1 of tinyweb.request_wsgi); None accepts any, [] none.
    trusted_hosts: list[str] | None = None

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.url!r} [{self.method}]>"

    # -- without a server, and as a server's application (tinyweb.request_wsgi) --------

    @classmethod
    def from_values(cls, path: str = "/", base_url: str | None = None, **options: Any) -> Any:
        """A request built from ``testing.build_environ``'s arguments, for scripts and
        quick checks: ``Request.from_values("/search?q=tea", method="POST", data=...)``."""
        return request_wsgi.from_values(cls, path, base_url, options)

    @classmethod
    def application(cls, function: Callable[..., Any]) -> Callable[..., Any]:
        """Make ``function(request)`` a WSGI application (an ``HTTPError`` it raises is
        answered); the request is closed after the call::

            @Request.application
            def hello(request):
                return Response(f"Hello {request.args.get('name', 'World')}!")
        """
        return request_wsgi.application(cls, function)

    @property
    def input_stream(self) -> IO[bytes] | None:
        """The server's raw ``wsgi.input``, unbounded: read ``stream`` instead (rule 4)."""
        return self.environ.get("wsgi.input")

    is_multithread = request_wsgi.environ_flag("wsgi.multithread")
    is_multiprocess = request_wsgi.environ_flag("wsgi.multiprocess")
    is_run_once = request_wsgi.environ_flag("wsgi.run_once")
    server = request_wsgi.server_address()

    # -- the request line --------------------------------------------------------------

    @cached_property
    def root_path(self) -> str:
        """Where the app is mounted (decoded ``SCRIPT_NAME`` without a trailing ``/``)."""
        return _wsgi_text(self.environ.get("SCRIPT_NAME", "")).rstrip("/")

    @property
    def script_root(self) -> str:
        """Flask's name for ``root_path``."""
        return self.root_path

    @cached_property
    def query_string(self) -> bytes:
        """The raw query string, as bytes (``b"a=1&b=2"``)."""
        return _wsgi_bytes(self.environ.get("QUERY_STRING", ""))

    @cached_property
    def args(self) -> ImmutableMultiDict[str, str]:
        """The query-string parameters (rules 2 and 3): ``request.args.get("q", "")``."""
        query = self.environ.get("QUERY_STRING", "")
        return request_wsgi.stored(self.parameter_storage_class, parse_query_string(query))

    @property
    def full_path(self) -> str:
        """``path`` plus ``?`` and the query string (the ``?`` is always there, as Flask)."""
        return f"{self.path}?{_decode_url_bytes(self.query_string)}"

    @cached_property
    def scheme(self) -> str:
        """``"http"`` or ``"https"`` (``wsgi.url_scheme``)."""
        return str(self.environ.get("wsgi.url_scheme", "http"))

    @property
    def is_secure(self) -> bool:
        """True when the request came over TLS."""
        return self.scheme in ("https", "wss")

    @cached_property
    def host(self) -> str:
        """``Host`` (or ``SERVER_NAME:SERVER_PORT``) without the scheme's default port.

        A ``Host`` that is no ``name[:port]`` (``evil.com/x?``) is a 400: tinyweb's server
        refuses it already, but another WSGI server may pass it on, and it would end up in
        every absolute URL the app builds (``url_for(..., _external=True)``).
        """
        host = self.environ.get("HTTP_HOST")
        if host and request_wsgi.host_name(host) is None:
            raise BadRequest("The Host header is not a valid host name and port.")
        if not host:
            host = f"{self.environ.get('SERVER_NAME', '')}:{self.environ.get('SERVER_PORT', '')}"
        default_port = _DEFAULT_PORTS.get(self.scheme)
        if default_port and host.endswith(default_port):
            host = host[: -len(default_port)]
        host = str(host).rstrip(":")
        if self.trusted_hosts is not None:  # an empty list trusts nothing (Werkzeug)
            request_wsgi.check_host(host, self.trusted_hosts)  # SecurityError (400) if not
        return host

    @property
    def host_url(self) -> str:
        """``scheme://host/``."""
        return f"{self.scheme}://{self.host}/"

    @property
    def url_root(self) -> str:
        """``scheme://host/root_path/``: the app's own root URL."""
        return f"{self.scheme}://{self.host}{_quote_iri(self.root_path, _PATH_UNSAFE)}/"

    root_url = url_root  # Werkzeug's other name

    @property
    def base_url(self) -> str:
        """The URL without the query string."""
        return self.url_root + _quote_iri(self.path.lstrip("/"), _PATH_UNSAFE)

    @property
    def url(self) -> str:
        """The full URL (an IRI: non-ASCII stays readable, unsafe ASCII is escaped)."""
        query = self.environ.get("QUERY_STRING", "")
        if not query:
            return self.base_url
        return f"{self.base_url}?{_quote_iri(_decode_url_bytes(_wsgi_bytes(query)), _QUERY_UNSAFE)}"

    @property
    def remote_addr(self) -> str | None:
        """The client's address as the server saw it (``REMOTE_ADDR``)."""
        address = self.environ.get("REMOTE_ADDR")
        return None if address is None else str(address)

    @cached_property
    def access_route(self) -> list[str]:
        """The client and the proxies it went through, client first: the items of
        ``X-Forwarded-For``, else ``[remote_addr]`` (``[]`` without either), as Werkzeug.

        The client writes ``X-Forwarded-For`` itself: trust only the hops your own proxies
        appended (``ProxyFix`` with the right count), never the whole list for security.
        """
        forwarded = self.environ.get("HTTP_X_FORWARDED_FOR")
        if forwarded is not None:
            route = parse_list_header(_wsgi_text(forwarded))
        else:
            route = [] if self.remote_addr is None else [self.remote_addr]
        return request_wsgi.stored(self.list_storage_class, route)

    @property
    def blueprint(self) -> str | None:
        """The blueprint part of ``endpoint`` (text before the last ``.``), or None."""
        if self.endpoint is not None and "." in self.endpoint:
            return self.endpoint.rpartition(".")[0]
        return None

    @property
    def blueprints(self) -> list[str]:
        """The current blueprint and its parents, innermost first (Flask's order)."""
        name = self.blueprint
        if name is None:
            return []
        parts = name.split(".")
        return [".".join(parts[:index]) for index in range(len(parts), 0, -1)]

    # -- header fields -----------------------------------------------------------------

    @cached_property
    def headers(self) -> Headers:
        """The request's header fields, case-insensitive (``request.headers["user-agent"]``).

        Built from the ``HTTP_*`` keys plus ``CONTENT_TYPE`` and ``CONTENT_LENGTH``, with
        names re-cased as ``Title-Case``.
        """
        pairs: list[tuple[str, str]] = []
        for key, value in self.environ.items():
            if key.startswith("HTTP_"):
                name = key[5:]
            elif key in ("CONTENT_TYPE", "CONTENT_LENGTH") and value:
                name = key
            else:
                continue
            text = _wsgi_text(str(value))
            if not text.isprintable():
                # RFC 9110 §5.5: CR, LF and NUL in a value are replaced with SP. A real
                # server never passes them; the view must still stay safe to copy.
                text = text.replace("\r", " ").replace("\n", " ").replace("\0", " ")
            pairs.append((name.replace("_", "-").title(), text))
        return Headers(pairs)

    @cached_property
    def cookies(self) -> ImmutableMultiDict[str, str]:
        """The cookies the client sent (RFC 6265 §5.4): ``request.cookies.get("theme")``."""
        header = self.environ.get("HTTP_COOKIE", "")
        return request_wsgi.stored(self.dict_storage_class, parse_cookie_header(header))

    @property
    def content_type(self) -> str | None:
        """The Content-Type header as sent, or None."""
        value = self.environ.get("CONTENT_TYPE")
        return str(value) if value else None

    @cached_property
    def mimetype(self) -> str:
        """The content type without parameters, lower-cased (``"application/json"``)."""
        return (self.content_type or "").partition(";")[0].strip(" \t").lower()

    @cached_property
    def mimetype_params(self) -> dict[str, str]:
        """The content type's parameters: ``{"charset": "utf-8"}``."""
        return parse_parameters(self.content_type or "")

    @cached_property
    def content_length(self) -> int | None:
        """The declared body length, or None (absent, or not 1 to 19 ASCII digits)."""
        return parse_digits(str(self.environ.get("CONTENT_LENGTH", "")))

    @cached_property
    def user_agent(self) -> UserAgent:
        """The User-Agent header ("" when absent), a ``str`` in ``user_agent_class``."""
        header = _wsgi_text(self.environ.get("HTTP_USER_AGENT", ""))
        return self.user_agent_class(header)

    @cached_property
    def authorization(self) -> Authorization | None:
        """The ``Authorization`` header parsed (``Basic``, ``Bearer``, ...), or None when
        it is absent or malformed; see ``tinyweb.datastructures.Authorization``.

        ::

            auth = request.authorization
            if auth is None or auth.type != "basic" or not check(auth.username, auth.password):
                raise Unauthorized(www_authenticate='Basic realm="admin"')
        """
        return Authorization.from_header(_wsgi_text(self.environ.get("HTTP_AUTHORIZATION", "")))

    @cached_property
    def accept_mimetypes(self) -> MIMEAccept:
        """The ``Accept`` header, for content negotiation (``tinyweb.accept``).

        ::

            wanted = request.accept_mimetypes.best_match(["text/html", "application/json"])
            if wanted == "application/json":
                return {"items": items}
        """
        return parse_accept_header(self.headers.get("Accept"), MIMEAccept)

    @cached_property
    def accept_languages(self) -> LanguageAccept:
        """The ``Accept-Language`` header: ``request.accept_languages.best_match(["en", "de"])``."""
        return parse_accept_header(self.headers.get("Accept-Language"), LanguageAccept)

    @cached_property
    def accept_encodings(self) -> Accept:
        """The ``Accept-Encoding`` header: ``"gzip" in request.accept_encodings``."""
        return parse_accept_header(self.headers.get("Accept-Encoding"), Accept)

    # -- caching (tinyweb.caching) ----------------------------------------------------

    @cached_property
    def cache_control(self) -> RequestCacheControl:
        """The ``Cache-Control`` directives, read-only: ``request.cache_control.no_cache``."""
        return RequestCacheControl(parse_cache_control(self.environ.get("HTTP_CACHE_CONTROL")))

    @cached_property
    def if_match(self) -> ETags:
        """The ``If-Match`` tags (empty when absent): ``"v1" in request.if_match``."""
        return parse_etags(self.environ.get("HTTP_IF_MATCH"))

    @cached_property
    def if_none_match(self) -> ETags:
        """The ``If-None-Match`` tags (empty when absent): ``.contains_weak("v1")``."""
        return parse_etags(self.environ.get("HTTP_IF_NONE_MATCH"))

    @cached_property
    def if_modified_since(self) -> datetime.datetime | None:
        """``If-Modified-Since`` as an aware UTC datetime; None when absent or invalid."""
        return http_datetime(self.environ.get("HTTP_IF_MODIFIED_SINCE"))

    @cached_property
    def if_unmodified_since(self) -> datetime.datetime | None:
        """``If-Unmodified-Since`` as an aware UTC datetime; None when absent or invalid."""
        return http_datetime(self.environ.get("HTTP_IF_UNMODIFIED_SINCE"))

    @cached_property
    def accept_charsets(self) -> CharsetAccept:
        """The ``Accept-Charset`` header: ``request.accept_charsets.best_match(["utf-8"])``."""
        return parse_accept_header(self.headers.get("Accept-Charset"), CharsetAccept)

    @property
    def referrer(self) -> str | None:
        """The Referer header (RFC 9110 §10.1.3 spells it "Referer"), or None."""
        value = self.environ.get("HTTP_REFERER")
        return None if value is None else _wsgi_text(value)

    # -- CORS (tinyweb.header_sets) ------------------------------------------------------

    @property
    def origin(self) -> str | None:
        """The ``Origin`` header: the origin of the page that sent a cross-origin request."""
        return self.environ.get("HTTP_ORIGIN")

    @property
    def access_control_request_method(self) -> str | None:
        """A CORS preflight's ``Access-Control-Request-Method``: the method it asks for."""
        return self.environ.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD")

    @cached_property
    def access_control_request_headers(self) -> RequestHeaderSet:
        """A CORS preflight's ``Access-Control-Request-Headers``, read-only (empty if absent)."""
        value = self.environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS")
        return RequestHeaderSet.parse(value)

    # -- the body ----------------------------------------------------------------------

    @cached_property
    def stream(self) -> IO[bytes]:
        """The body as a stream, bounded by Content-Length (rule 4).

        Raises ``RequestEntityTooLarge`` when the declared length is over
        ``max_content_length``.
        """
        source = self.environ.get("wsgi.input")
        length = self.content_length
        limit = self.max_content_length
        if limit is not None and length is not None and length > limit:
            raise RequestEntityTooLarge()
        if source is None:
            return _empty_stream()
        if length is None and not self.environ.get("wsgi.input_terminated"):
            return _empty_stream()  # never read to EOF on a request (RFC 9112 §6.3)
        return cast("IO[bytes]", BodyStream(source, length, limit))

    def get_data(
        self, cache: bool = True, as_text: bool = False, parse_form_data: bool = False
    ) -> Any:
        """The whole body as bytes (or text with ``as_text``), read once and kept.

        With ``parse_form_data``, form bodies are parsed first (as Werkzeug does), so the
        data of a multipart body is then ``b""``.
        """
        if parse_form_data:
            _ = self._form_and_files  # parsing consumes a multipart stream
        data = self._cached_data
        if data is None:
            data = self.stream.read()
            if cache:
                self._cached_data = data
        return data.decode(self.charset, "replace") if as_text else data

    @property
    def data(self) -> bytes:
        """The raw body as bytes (see ``get_data``)."""
        data: bytes = self.get_data()
        return data

    @property
    def is_json(self) -> bool:
        """True for ``application/json`` and ``application/*+json`` (RFC 6839 §3.1)."""
        mimetype = self.mimetype
        return mimetype == "application/json" or (
            mimetype.startswith("application/") and mimetype.endswith("+json")
        )

    def get_json(self, force: bool = False, silent: bool = False, cache: bool = True) -> Any:
        """The body parsed as JSON.

        A non-JSON content type is ``UnsupportedMediaType`` (415) unless ``force``; a body
        that is not strict UTF-8 JSON is ``BadRequest`` (400). With ``silent``, both give
        None instead::

            payload = request.get_json(silent=True) or {}
        """
        if self._cached_json is None:
            self._cached_json = {}
        if cache and silent in self._cached_json:
            return self._cached_json[silent]
        if not (force or self.is_json):
            return None if silent else self.on_json_loading_failed(None)
        try:
            value = self.json_module.loads(self.get_data(cache=cache).decode("utf-8"))
        except ValueError as error:  # UnicodeDecodeError is a ValueError too
            if not silent:
                return self.on_json_loading_failed(error)
            if cache:
                self._cached_json[True] = None  # a later non-silent call still raises
            return None
        if cache:
            self._cached_json[True] = self._cached_json[False] = value
        return value

    def on_json_loading_failed(self, error: ValueError | None) -> Any:
        """Raise the right HTTP error for ``get_json``; override to answer differently."""
        if error is None:
            raise UnsupportedMediaType(
                "Did not attempt to load JSON data because the request Content-Type was "
                "not 'application/json'."
            )
        # The parser's message says where the body is broken: Werkzeug's Request shows it,
        # Flask's only in debug mode (the app sets show_exception when it handles this).
        bad_json = BadRequest()
        bad_json.detail, bad_json.show_exception = f"Failed to decode JSON object: {error}", True
        raise bad_json

    @property
    def json(self) -> Any:
        """``get_json()``: the parsed JSON body (415 for other content types, 400 if bad)."""
        return self.get_json()

    # -- forms -------------------------------------------------------------------------

    @property
    def form(self) -> ImmutableMultiDict[str, str]:
        """The fields of an urlencoded or multipart body (empty for other bodies)."""
        return self._form_and_files[0]

    @property
    def files(self) -> ImmutableMultiDict[str, FileStorage]:
        """The uploaded files of a multipart body, by field name."""
        return self._form_and_files[1]

    @cached_property
    def values(self) -> ImmutableMultiDict[str, str]:
        """``args`` and ``form`` together (``args`` first); only ``args`` for GET, as Flask."""
        if self.method == "GET":
            return self.args
        combined = self.args.copy()
        combined.update(self.form)
        return RequestDataDict(combined)

    @cached_property
    def _form_and_files(
        self,
    ) -> tuple[ImmutableMultiDict[str, str], ImmutableMultiDict[str, FileStorage]]:
        mimetype, storage = self.mimetype, self.parameter_storage_class
        if mimetype == "application/x-www-form-urlencoded":
            return request_wsgi.stored(storage, self._parse_urlencoded()), storage()
        if mimetype == "multipart/form-data":
            form, files = self._parse_multipart()
            return storage(form), storage(files)
        return storage(), storage()

    @property
    def want_form_data_parsed(self) -> bool:
        """True when the request says what its body is (a ``Content-Type``), as Werkzeug."""
        return bool(self.environ.get("CONTENT_TYPE"))

    def _parse_urlencoded(self) -> ImmutableMultiDict[str, str]:
        limit = self.max_form_memory_size
        length = self.content_length
        if length is not None and length > limit:
            raise RequestEntityTooLarge("The form data is larger than the limit.")
        body = self._cached_data
        if body is None:
            body = _read_up_to(self.stream, limit + 1)
            if len(body) > limit:
                raise RequestEntityTooLarge("The form data is larger than the limit.")
            self._cached_data = body  # request.data stays available
        return parse_query_string(body.decode("latin-1"))

    def _parse_multipart(self) -> tuple[MultiDict[str, str], MultiDict[str, FileStorage]]:
        from . import multipart  # lazy: it pulls in tempfile, which most apps never need

        stream = self.stream if self._cached_data is None else io.BytesIO(self._cached_data)
        limits = multipart.MultipartLimits(
            max_parts=self.max_form_parts,
            max_field_size=self.max_form_memory_size,
            max_total_size=self.max_content_length,
        )
        try:
            boundary = multipart.boundary_from_content_type(self.content_type or "")
            return multipart.parse_multipart(
                cast("Any", stream), boundary, None, limits, self.charset
            )
        except multipart.MultipartError as error:
            if error.status == 413:
                raise RequestEntityTooLarge(str(error)) from None
            raise BadRequest(f"Invalid multipart/form-data body: {error}") from None

    def close(self) -> None:
        """Close uploaded files (temporary files are deleted)."""
        parsed = self.__dict__.get("_form_and_files")
        if parsed is None:
            return  # the App calls this for every request; most never parse a form
        for _, upload in parsed[1].items(multi=True):
            upload.close()

    def __enter__(self) -> Request:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


# -- URL text --------------------------------------------------------------------------------

# The ASCII a URL may not hold unescaped (RFC 3986 §2: controls, space and the printable
# characters that are neither reserved nor unreserved); "%" is left alone so existing escapes
# survive. Non-ASCII stays readable: the URL is an IRI (RFC 3987). The classes are spelled
# out rather than negated: a negated class with a \x80-\U0010ffff range costs ~30 ms to
# compile, which showed up in `python -X importtime`.
_PATH_UNSAFE = re.compile(r'[\x00-\x20"#<>?\[\\\]^`{|}\x7f]')
_QUERY_UNSAFE = re.compile(r'[\x00-\x20"#<>\[\\\]^`{|}\x7f]')


def _quote_iri(text: str, unsafe: re.Pattern[str]) -> str:
    """Percent-encode the characters ``unsafe`` matches."""
    return unsafe.sub(lambda match: f"%{ord(match.group()):02X}", text)
