"""A test client that calls any WSGI application in-process, with a cookie jar.

Where it fits: ``app.test_client()`` returns a ``Client`` over the app, but ``Client`` works
on any WSGI callable (a Flask app, a plain function, ``wsgiref.validate.validator(app)``).
``build_environ`` is the environ factory it uses; ``App.test_request_context`` uses it too.
No sockets: a request is an environ dict (PEP 3333) and a call; the response is collected
into a ``TestResponse`` (a ``Response`` with the request and redirect ``history`` attached).

Rules:

1. The client is a faithful WSGI server: it calls ``start_response``'s ``write`` and the
   iterable alike, and always calls the iterable's ``close()`` (PEP 3333).
2. Cookies follow the browser rules that matter in tests (RFC 6265 §5.3, §5.4): domain and
   path matching, ``Max-Age``/``Expires`` deletion, ``Secure`` only over https (or to
   localhost, which browsers treat as secure).
3. Redirects (``follow_redirects=True``): 301/302/303 are re-requested with GET and no
   body (RFC 9110 §15.4.2-4), 307/308 keep the method and the body (§15.4.8-9). Only a
   redirect to the request's own host name (any scheme or port) is followed: another host
   is a ``RuntimeError``, as in Werkzeug, since the app under test is not that host; a
   subdomain of it is followed only with ``allow_subdomain_redirects = True``.
4. ``with client:`` keeps the last request's context pushed until the next request or the
   end of the block, through a small protocol any app may implement: the client puts a
   callable in ``environ["tinyweb.preserve_context"]``; an app that sees it passes its
   request context (an object with ``pop()``) to it and does not pop that context itself.
5. ``client.session_transaction()`` (an ``App`` only) opens the session from the jar's
   cookies for a test request, and stores the cookie its interface sets when it is saved.
"""

from __future__ import annotations

import base64
import io
import os
import sys
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any, Callable
from urllib.parse import quote, unquote_to_bytes, urlencode, urljoin, urlsplit

from .datastructures import FileStorage, Headers, MultiDict
from .request import Request, parse_cookie_header
from .response import Response, json_dumps

__all__ = ["Client", "Cookie", "TestResponse", "build_environ", "run_wsgi_app"]

WSGIApp = Callable[..., Iterable[bytes]]
PRESERVE_CONTEXT_KEY = "tinyweb.preserve_context"
_REDIRECT_STATUSES = frozenset({301, 302, 303, 305, 307, 308})
_MAX_REDIRECTS = 30


# -- building an environ ---------------------------------------------------------------------


def _is_file(value: Any) -> bool:
    """A file for a multipart body: a file object, FileStorage, or (file, filename...)."""
    if isinstance(value, tuple):
        return bool(value) and (hasattr(value[0], "read") or isinstance(value[0], bytes))
    return hasattr(value, "read")


def _form_pairs(data: Any) -> list[tuple[str, Any]]:
    """``(name, value)`` pairs from a dict (list values repeat), MultiDict or pairs."""
    if isinstance(data, MultiDict):
        return list(data.items(multi=True))
    items = data.items() if isinstance(data, Mapping) else data
    pairs: list[tuple[str, Any]] = []
    for name, value in items:
        if isinstance(value, list):
            pairs.extend((name, one_value) for one_value in value)
        else:
            pairs.append((name, value))
    return pairs


def _file_parts(value: Any) -> tuple[bytes, str, str]:
    """``(content, filename, content_type)`` of one file value."""
    if isinstance(value, FileStorage):
        return value.read(), value.filename or "", value.content_type or ""
    if isinstance(value, tuple):
        source, *rest = value
        content = source if isinstance(source, bytes) else source.read()
        filename = rest[0] if rest else getattr(source, "name", "")
        return content, os.path.basename(str(filename or "")), rest[1] if len(rest) > 1 else ""
    return value.read(), os.path.basename(str(getattr(value, "name", "") or "")), ""


def encode_multipart(pairs: list[tuple[str, Any]]) -> tuple[bytes, str]:
    """A ``multipart/form-data`` body (RFC 7578) and its Content-Type."""
    boundary = "tinyweb-" + os.urandom(12).hex()
    body = io.BytesIO()
    for name, value in pairs:
        quoted_name = name.replace('"', "%22")
        body.write(f"--{boundary}\r\n".encode())
        if _is_file(value):
            content, filename, content_type = _file_parts(value)
            quoted_filename = filename.replace('"', "%22")
            body.write(
                f'Content-Disposition: form-data; name="{quoted_name}"; '
                f'filename="{quoted_filename}"\r\n'
                f"Content-Type: {content_type or 'application/octet-stream'}\r\n\r\n".encode()
            )
            body.write(content)
        else:
            body.write(f'Content-Disposition: form-data; name="{quoted_name}"\r\n\r\n'.encode())
            body.write(value if isinstance(value, bytes) else str(value).encode("utf-8"))
        body.write(b"\r\n")
    body.write(f"--{boundary}--\r\n".encode())
    return body.getvalue(), f"multipart/form-data; boundary={boundary}"


def _encode_body(
    data: Any, json: Any, content_type: str | None, dumps: Callable[[Any], str] = json_dumps
) -> tuple[bytes | None, str | None]:
    """The request body and its Content-Type from ``data=`` or ``json=`` (serialized by
    ``dumps``: an app's ``app.json.dumps`` when the test client has one)."""
    if json is not None:
        if data is not None:
            raise TypeError("Pass either data= or json=, not both")
        return dumps(json).encode("utf-8"), content_type or "application/json"
    if data is None:
        return None, content_type
    if isinstance(data, str):
        return data.encode("utf-8"), content_type
    if isinstance(data, (bytes, bytearray)):
        return bytes(data), content_type
    if hasattr(data, "read"):
        return data.read(), content_type
    pairs = _form_pairs(data)
    wants_multipart = (content_type or "").startswith("multipart/form-data")
    if wants_multipart or any(_is_file(value) for _, value in pairs):
        body, multipart_type = encode_multipart(pairs)
        return body, multipart_type
    encoded = _urlencode(pairs)
    return encoded.encode("ascii"), content_type or "application/x-www-form-urlencoded"


def _urlencode(pairs: list[tuple[str, Any]]) -> str:
    """``name=value&...``; a value of None is left out, as Werkzeug's test client does
    (so ``query_string={"page": page}`` with ``page=None`` sends no ``page``)."""
    return urlencode([(name, str(value)) for name, value in pairs if value is not None])


def _encode_query(query_string: Any) -> str:
    """A QUERY_STRING (latin-1 native string) from text, a mapping or pairs."""
    if query_string is None:
        return ""
    if isinstance(query_string, bytes):
        return query_string.decode("latin-1")
    if isinstance(query_string, str):
        # Keep what is already valid; encode only what a URL cannot carry.
        return quote(query_string, safe="!$&'()*+,/:;=?@%-._~[]").encode().decode("latin-1")
    return _urlencode(_form_pairs(query_string))


def _header_key(name: str) -> str:
    upper = name.upper().replace("-", "_")
    return upper if upper in ("CONTENT_TYPE", "CONTENT_LENGTH") else "HTTP_" + upper


def build_environ(
    path: str = "/",
    method: str = "GET",
    *,
    base_url: str | None = None,
    query_string: Any = None,
    data: Any = None,
    json: Any = None,
    headers: Any = None,
    content_type: str | None = None,
    environ_overrides: Mapping[str, Any] | None = None,
    environ_base: Mapping[str, Any] | None = None,
    auth: tuple[str, str] | None = None,
    dumps: Callable[[Any], str] = json_dumps,
    url_scheme: str | None = None,
) -> dict[str, Any]:
    """A complete WSGI environ for one request (what the test client sends).

    ``path`` may carry a query (``"/search?q=tea"``) or be a full URL; ``base_url``
    (default ``http://localhost/``) gives the scheme, host and mount point. ``data`` is
    bytes, text, or a dict (urlencoded; multipart when a value is a file or a
    ``(file, filename[, content_type])`` tuple); ``json`` is serialized as JSON, by
    ``dumps`` (the test client passes its app's ``app.json.dumps``).
    ``environ_base`` is applied before the request's own keys, ``environ_overrides`` after;
    ``auth=(user, password)`` sends HTTP Basic credentials (RFC 7617); ``url_scheme``
    replaces the scheme of ``base_url`` (Werkzeug's)::

        environ = build_environ("/items", "POST", json={"name": "tea"})
        environ = build_environ("/upload", "POST", data={"doc": (io.BytesIO(b"x"), "a.txt")})
    """
    if url_scheme is not None:
        base_url = f"{url_scheme}://{(base_url or 'http://localhost/').split('://', 1)[-1]}"
    target = _RequestTarget.parse(path, base_url, query_string)
    body, body_type = _encode_body(data, json, content_type, dumps)
    # Defaults a test may change through environ_base (as Flask's client does).
    environ: dict[str, Any] = {
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_USER_AGENT": "tinyweb-test-client",
        **(environ_base or {}),
    }
    environ.update(target.environ_keys())
    environ.update(
        {
            "REQUEST_METHOD": method.upper(),
            "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.version": (1, 0),
            "wsgi.input": io.BytesIO(body or b""),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
    )
    if body is not None:
        environ["CONTENT_LENGTH"] = str(len(body))
    if body_type is not None:
        environ["CONTENT_TYPE"] = body_type
    request_headers = Headers(headers)
    if auth is not None:
        credentials = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode("ascii")
        request_headers.set("Authorization", f"Basic {credentials}")
    _add_headers(environ, request_headers)
    environ.update(environ_overrides or {})
    return environ


@dataclass(frozen=True)
class _RequestTarget:
    """Where a test request goes: scheme, host, mount point, path and query."""

    scheme: str
    host: str
    script_name: str
    path: str
    query: str  # a QUERY_STRING (latin-1 native string)

    @classmethod
    def parse(cls, path: str, base_url: str | None, query_string: Any) -> _RequestTarget:
        """From a path (maybe a full URL, maybe with a query) and the client's base URL."""
        split = urlsplit(path)
        if split.scheme and split.netloc:
            base_url = f"{split.scheme}://{split.netloc}/"
        if split.query:
            if query_string is not None:
                raise ValueError("Give the query in the path or in query_string=, not both")
            query_string = split.query
        base = urlsplit(base_url or "http://localhost/")
        return cls(
            base.scheme or "http",
            base.netloc or "localhost",
            base.path.rstrip("/"),
            split.path or "/",
            _encode_query(query_string),
        )

    def environ_keys(self) -> dict[str, Any]:
        """The CGI keys of the target (PATH_INFO decoded, as PEP 3333 wants)."""
        server_name, _, port = (
            self.host.rpartition(":") if ":" in self.host else (self.host, "", "")
        )
        raw_uri = quote(self.script_name + self.path, safe="/%:@!$&'()*+,;=")
        return {
            "SCRIPT_NAME": unquote_to_bytes(self.script_name).decode("latin-1"),
            "PATH_INFO": unquote_to_bytes(self.path).decode("latin-1"),
            "QUERY_STRING": self.query,
            "REQUEST_URI": raw_uri + ("?" + self.query if self.query else ""),
            "RAW_URI": raw_uri + ("?" + self.query if self.query else ""),
            "SERVER_NAME": server_name,
            "SERVER_PORT": port or ("443" if self.scheme == "https" else "80"),
            "HTTP_HOST": self.host,
            "wsgi.url_scheme": self.scheme,
        }


def _add_headers(environ: dict[str, Any], headers: Headers) -> None:
    """Put header fields into the environ as CGI keys; repeats joined per RFC 9110 §5.3."""
    for name in dict.fromkeys(field_name.lower() for field_name, _ in headers):
        separator = "; " if name == "cookie" else ", "
        value = separator.join(headers.getlist(name))
        environ[_header_key(name)] = value.encode("utf-8").decode("latin-1")


# -- running the app -------------------------------------------------------------------------


def _is_localhost(host: str) -> bool:
    """localhost, a name under it, or a loopback address (RFC 6761 §6.3)."""
    return host in ("localhost", "127.0.0.1", "[::1]") or host.endswith(".localhost")


def run_wsgi_app(
    application: WSGIApp, environ: dict[str, Any]
) -> tuple[str, list[tuple[str, str]], bytes]:
    """Call a WSGI app like a server would and return ``(status, headers, body)``."""
    started: list[Any] = []
    chunks: list[bytes] = []

    def start_response(
        status: str, headers: list[tuple[str, str]], exc_info: Any = None
    ) -> Callable[[bytes], None]:
        if exc_info is not None and started and chunks:
            raise exc_info[1].with_traceback(exc_info[2])  # PEP 3333: too late to change
        started[:] = [status, headers]
        return chunks.append

    iterable = application(environ, start_response)
    try:
        for chunk in iterable:
            if not isinstance(chunk, bytes):
                raise TypeError(f"A WSGI app must yield bytes, not {type(chunk).__name__}")
            chunks.append(chunk)
    finally:
        close = getattr(iterable, "close", None)
        if close is not None:
            close()
    if not started:
        raise RuntimeError("The application returned without calling start_response")
    return started[0], list(started[1]), b"".join(chunks)


class TestResponse(Response):
    """A response as the client received it, plus the ``request`` and redirect ``history``.

    ::

        response = client.get("/api/items")
        assert response.status_code == 200
        assert response.get_json() == [...]
    """

    __test__ = False  # not a pytest test class, despite the name
    default_mimetype = None  # show exactly the headers the app sent

    def __init__(
        self,
        body: bytes,
        status: str,
        headers: list[tuple[str, str]],
        request: Request,
        history: tuple[TestResponse, ...] = (),
    ) -> None:
        super().__init__([body], status, headers)
        self.request = request
        self.history = history


# -- cookies ---------------------------------------------------------------------------------


@dataclass
class Cookie:
    """One cookie in the client's jar (``client.get_cookie("session").decoded_value``)."""

    key: str
    value: str  # as sent on the wire (maybe quoted)
    domain: str
    path: str
    origin_only: bool = True  # no Domain attribute: this host only (RFC 6265 §5.3 step 6)
    expires: float | None = None
    secure: bool = False
    http_only: bool = False
    same_site: str | None = None

    @property
    def decoded_value(self) -> str:
        """The value as the application set it (quotes and escapes removed)."""
        decoded: str = parse_cookie_header(f"x={self.value}").get("x", "")
        return decoded

    def matches(self, host: str, path: str, secure: bool) -> bool:
        """Whether a request to ``host`` and ``path`` carries this cookie (RFC 6265 §5.4)."""
        if self.secure and not secure:
            return False
        if self.expires is not None and self.expires <= time.time():
            return False
        domain_ok = host == self.domain or (
            not self.origin_only and host.endswith("." + self.domain)
        )
        path_ok = path == self.path or (
            path.startswith(self.path) and (self.path.endswith("/") or path[len(self.path)] == "/")
        )
        return domain_ok and path_ok


def _default_cookie_path(request_path: str) -> str:
    """RFC 6265 §5.1.4: the request path up to (not including) its last ``/``."""
    if not request_path.startswith("/") or request_path.count("/") == 1:
        return "/"
    return request_path[: request_path.rfind("/")]


def parse_set_cookie(header: str, host: str, request_path: str) -> tuple[Cookie, bool]:
    """A ``Set-Cookie`` value as ``(cookie, delete?)`` (RFC 6265 §5.2, simplified)."""
    pair, *attributes = header.split(";")
    key, _, value = pair.partition("=")
    cookie = Cookie(key.strip(), value.strip(), host, _default_cookie_path(request_path))
    max_age: int | None = None
    for attribute in attributes:
        name, _, argument = attribute.strip().partition("=")
        name, argument = name.lower(), argument.strip()
        if name == "max-age" and argument.lstrip("-").isdigit():
            max_age = int(argument)
        elif name == "expires":
            cookie.expires = _parse_expires(argument, cookie.expires)
        elif name == "domain" and argument:
            cookie.domain, cookie.origin_only = argument.lstrip(".").lower(), False
        elif name == "path" and argument.startswith("/"):
            cookie.path = argument
        elif name in ("secure", "httponly"):
            setattr(cookie, "secure" if name == "secure" else "http_only", True)
        elif name == "samesite":
            cookie.same_site = argument
    if max_age is not None:  # RFC 6265 §5.3 step 3: Max-Age wins over Expires
        cookie.expires = time.time() + max_age
    deleted = cookie.expires is not None and cookie.expires <= time.time()
    return cookie, deleted


def _parse_expires(text: str, current: float | None) -> float | None:
    try:
        return parsedate_to_datetime(text).timestamp()
    except (TypeError, ValueError, IndexError):
        return current  # RFC 6265 §5.2.1: an unparsable date is ignored


# -- the client ------------------------------------------------------------------------------


def _shortcut(method: str) -> Callable[..., TestResponse]:
    """``client.get`` and its kind: ``open(path, METHOD, base_url=..., ...)``."""

    def send(
        self: Client, path: str = "/", base_url: str | None = None, **options: Any
    ) -> TestResponse:
        return self.open(path, method, base_url=base_url, **options)

    send.__name__ = send.__qualname__ = method.lower()
    send.__doc__ = f'``open(path, "{method}", ...)``; ``base_url`` may come second.'
    return send


class Client:
    """Send requests to a WSGI app without a server; keeps cookies between requests.

    ::

        client = Client(app)                        # or app.test_client()
        response = client.post("/login", data={"user": "ada"}, follow_redirects=True)
        assert response.status_code == 200
        with client:
            client.get("/me")
            assert request.path == "/me"            # context kept until the block ends
    """

    # Werkzeug's switch: follow a redirect to a subdomain of the request's host (rule 3).
    allow_subdomain_redirects: bool = False

    def __init__(self, application: WSGIApp, use_cookies: bool = True) -> None:
        self.application = application
        self.cookies: dict[tuple[str, str, str], Cookie] | None = {} if use_cookies else None
        self._preserving = False
        self._preserved: list[Any] = []
        # Every request's environ starts with these (Flask's client.environ_base); a call's
        # own environ_base goes on top.
        self.environ_base: dict[str, Any] = {
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_USER_AGENT": "tinyweb-test-client",
        }

    # -- requests ----------------------------------------------------------------------

    def open(
        self,
        path: str = "/",
        method: str = "GET",
        *,
        query_string: Any = None,
        data: Any = None,
        json: Any = None,
        headers: Any = None,
        follow_redirects: bool = False,
        environ_overrides: Mapping[str, Any] | None = None,
        content_type: str | None = None,
        base_url: str | None = None,
        environ_base: Mapping[str, Any] | None = None,
        auth: tuple[str, str] | None = None,
        subdomain: str | None = None,
        mimetype: str | None = None,
        buffered: bool = False,
        url_scheme: str | None = None,
    ) -> TestResponse:
        """Send one request (and follow redirects if asked); return the final response.

        ``mimetype`` is Werkzeug's other name for ``content_type``; ``buffered`` is accepted
        for its signature (the client always reads the whole body). As in Werkzeug,
        ``path`` may also be a ready environ (a dict, such as ``build_environ``'s).

        For an ``App``, the default ``base_url`` is ``app.test_base_url(subdomain)`` (its
        ``SERVER_NAME``, ``APPLICATION_ROOT`` and ``PREFERRED_URL_SCHEME``, as in Flask),
        and ``json=`` is serialized by ``app.json.dumps``.
        """
        if isinstance(path, dict):
            return self._send(dict(path))
        test_base_url = getattr(self.application, "test_base_url", None)
        if subdomain is not None and (base_url is not None or test_base_url is None):
            raise ValueError("subdomain= needs an App and no base_url")
        if base_url is None and test_base_url is not None:
            base_url = test_base_url(subdomain)
        environ_base = {**self.environ_base, **(environ_base or {})}
        provider: Any = getattr(self.application, "json", None)  # an App's JSON provider
        dumps = provider.dumps if hasattr(provider, "dumps") else json_dumps  # (as Flask)
        environ = build_environ(
            path, method, base_url=base_url, query_string=query_string, data=data,
            json=json, headers=headers, content_type=content_type or mimetype,
            environ_overrides=environ_overrides, environ_base=environ_base, auth=auth,
            dumps=dumps, url_scheme=url_scheme,
        )  # fmt: skip
        response = self._send(environ)
        history: list[TestResponse] = []
        while follow_redirects and response.status_code in _REDIRECT_STATUSES:
            if len(history) >= _MAX_REDIRECTS:
                raise RuntimeError(f"More than {_MAX_REDIRECTS} redirects: a redirect loop?")
            history.append(response)
            following = self._redirect_environ(response, headers, environ_base, auth)
            response = self._send(following)
        response.history = tuple(history)
        return response

    def resolve_redirect(self, response: TestResponse, buffered: bool = False) -> TestResponse:
        """Follow one redirect: request ``response``'s ``Location`` as ``open`` does with
        ``follow_redirects=True``, and return the new response (Werkzeug's method).

        The new request repeats the previous one's headers (not its cookies, which come
        from the jar); a 307 or 308 keeps the method and body, any other redirect becomes
        a GET (a HEAD stays HEAD). ``buffered`` is accepted for Werkzeug's signature: the
        client always reads the whole body. Example::

            response = client.post("/login", data=form)
            assert client.resolve_redirect(response).request.path == "/welcome"
        """
        headers = Headers(response.request.headers.items())
        for name in ("Cookie", "Host", "Content-Length"):
            headers.remove(name)
        return self._send(self._redirect_environ(response, headers, self.environ_base, None))

    def _send(self, environ: dict[str, Any]) -> TestResponse:
        """Run the app once: cookies in, context protocol, cookies out."""
        self._pop_preserved_contexts()
        if self._preserving:
            environ[PRESERVE_CONTEXT_KEY] = self._preserved.append
        body_input = environ["wsgi.input"]
        body = body_input.getvalue() if isinstance(body_input, io.BytesIO) else b""
        chunks, status, headers = self.run_wsgi_app(environ)
        data = b"" if environ["REQUEST_METHOD"] == "HEAD" else b"".join(chunks)  # RFC 9110 §9.3.2
        request_environ = dict(environ, **{"wsgi.input": io.BytesIO(body)})
        return TestResponse(data, status, headers.to_wsgi_list(), Request(request_environ))

    def run_wsgi_app(
        self, environ: dict[str, Any], buffered: bool = False
    ) -> tuple[list[bytes], str, Headers]:
        """Run the app on ``environ`` with the jar's cookies, and keep the cookies it sets:
        Werkzeug's ``(body, status, headers)``. Every request of ``open`` goes through it,
        so a subclass may wrap them all. The body is read whole (a one-item list), so
        ``buffered``, accepted for Werkzeug's signature, changes nothing.
        """
        self._add_cookies(environ)
        status, header_list, body = run_wsgi_app(self.application, environ)  # the module's
        headers = Headers(header_list)
        self._store_cookies(environ, headers.getlist("Set-Cookie"))
        return [body], status, headers

    def _redirect_environ(
        self,
        response: TestResponse,
        headers: Any,
        environ_base: Mapping[str, Any] | None,
        auth: tuple[str, str] | None,
    ) -> dict[str, Any]:
        """The environ of the request that follows a redirect (rule 3)."""
        previous = response.request
        target = urlsplit(urljoin(previous.url, response.headers.get("Location", "")))
        self._check_redirect_host(previous.host, target.hostname or "")
        keeps_body = response.status_code in (307, 308)
        method = previous.method if keeps_body or previous.method == "HEAD" else "GET"
        root = previous.root_path
        path = target.path or "/"
        if root and path.startswith(root + "/"):
            path = path[len(root) :]
        else:
            root = ""
        previous_body = previous.get_data() if keeps_body else None
        redirect_headers = Headers(headers)
        if not keeps_body:
            redirect_headers.remove("Content-Type")
        return build_environ(
            path, method, base_url=f"{target.scheme}://{target.netloc}{root}/",
            query_string=target.query or None, data=previous_body, headers=redirect_headers,
            content_type=previous.content_type if keeps_body else None,
            environ_base=environ_base, auth=auth,
        )  # fmt: skip

    def _check_redirect_host(self, origin: str, destination: str) -> None:
        """Refuse a redirect the in-process app cannot answer: another host (rule 3).

        Host names are compared label by label without the port, case-insensitively.
        """
        origin_labels = (urlsplit("//" + origin).hostname or "").split(".")
        destination_labels = destination.lower().split(".")
        if destination_labels == origin_labels:
            return
        if destination_labels[-len(origin_labels) :] != origin_labels:
            raise RuntimeError("Following external redirects is not supported.")
        if not self.allow_subdomain_redirects:
            raise RuntimeError("Following subdomain redirects is not enabled.")

    # get(path, base_url, ...) and the rest: Werkzeug's shortcuts, base_url second.
    get, post, put, patch = (_shortcut(m) for m in ("GET", "POST", "PUT", "PATCH"))
    delete, head, options, trace = (_shortcut(m) for m in ("DELETE", "HEAD", "OPTIONS", "TRACE"))

    # -- cookies -----------------------------------------------------------------------

    def _jar(self) -> dict[tuple[str, str, str], Cookie]:
        if self.cookies is None:
            raise TypeError("Cookies are disabled: create the client with use_cookies=True")
        return self.cookies

    def _add_cookies(self, environ: dict[str, Any]) -> None:
        if self.cookies is None:
            return
        host = environ["SERVER_NAME"].lower()
        path = environ["SCRIPT_NAME"] + environ["PATH_INFO"]
        # Browsers count localhost as secure (Secure Contexts §3.1), and Flask's client
        # sends Secure cookies there: SESSION_COOKIE_SECURE keeps a session in tests.
        secure = environ["wsgi.url_scheme"] == "https" or _is_localhost(host)
        # RFC 6265 §5.4 step 2: cookies with longer paths first.
        matching = sorted(
            (cookie for cookie in self.cookies.values() if cookie.matches(host, path, secure)),
            key=lambda cookie: -len(cookie.path),
        )
        if matching:
            sent = "; ".join(f"{cookie.key}={cookie.value}" for cookie in matching)
            existing = environ.get("HTTP_COOKIE")
            environ["HTTP_COOKIE"] = f"{existing}; {sent}" if existing else sent

    def _store_cookies(self, environ: dict[str, Any], set_cookie_headers: list[str]) -> None:
        if self.cookies is None:
            return
        host = environ["SERVER_NAME"].lower()
        path = environ["SCRIPT_NAME"] + environ["PATH_INFO"]
        for header in set_cookie_headers:
            cookie, deleted = parse_set_cookie(header, host, path)
            key = (cookie.domain, cookie.path, cookie.key)
            if deleted:
                self.cookies.pop(key, None)
            elif cookie.key:
                self.cookies[key] = cookie

    def get_cookie(self, key: str, domain: str = "localhost", path: str = "/") -> Cookie | None:
        """The stored cookie ``(domain, path, key)``, or None."""
        return self._jar().get((domain, path, key))

    def set_cookie(
        self, key: str, value: str = "", *, domain: str = "localhost", path: str = "/",
        origin_only: bool = True,
    ) -> None:  # fmt: skip
        """Put a cookie in the jar, as if a response had set it."""
        self._jar()[(domain, path, key)] = Cookie(key, value, domain, path, origin_only)

    def delete_cookie(self, key: str, *, domain: str = "localhost", path: str = "/") -> None:
        """Remove a cookie from the jar (no error if absent)."""
        self._jar().pop((domain, path, key), None)

    # -- sessions ----------------------------------------------------------------------

    @contextmanager
    def session_transaction(self, path: str = "/", **options: Any) -> Iterator[Any]:
        """Open the session the client's cookies carry; save it back when the block ends.

        The arguments build a request as ``app.test_request_context`` does (the path and
        host decide which cookies are sent). An exception in the block saves nothing::

            with client.session_transaction() as session:
                session["user_id"] = 7
            client.get("/me")                       # the app sees user_id 7
        """
        self._jar()  # TypeError when cookies are disabled, as in Flask
        app: Any = self.application
        if not hasattr(app, "session_interface"):
            raise TypeError(f"session_transaction() needs an App, not {app!r}")
        interface = app.session_interface
        context = app.test_request_context(path, **options)
        self._add_cookies(context.request.environ)
        with context:
            session = interface.open_session(app, context.request)
        if session is None:
            raise RuntimeError(
                "Session backend did not open a session. Check the configuration "
                "(is SECRET_KEY set?)"
            )
        yield session
        if interface.is_null_session(session):
            return  # nothing to save: a stand-in session (Flask does the same)
        response = app.response_class()
        with context:
            interface.save_session(app, session, response)
        self._store_cookies(context.request.environ, response.headers.getlist("Set-Cookie"))

    # -- context preservation (rule 4) -------------------------------------------------

    def _pop_preserved_contexts(self) -> None:
        while self._preserved:
            self._preserved.pop().pop()

    def __enter__(self) -> Client:
        if self._preserving:
            raise RuntimeError("Cannot nest 'with client:' blocks")
        self._preserving = True
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._preserving = False
        self._pop_preserved_contexts()
