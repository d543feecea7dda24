"""The request's WSGI side: making a request without a server, and serving with one.

Where it fits: ``Request`` (in ``request``) hands Werkzeug's lower-level members to this
module: ``Request.from_values`` builds an environ with the test client's
``testing.build_environ`` (imported lazily), ``Request.application`` turns a function of a
request into a WSGI application, ``environ_flag`` makes the ``wsgi.*`` server flags into
properties, and ``host_is_trusted`` is the check behind ``Request.trusted_hosts``. It
imports ``errors`` and, for the type checker only, ``request``.

Rules:

1. ``trusted_hosts`` protects code that builds URLs from the ``Host`` header (password
   reset links, absolute redirects) against a forged host, the "Host header poisoning"
   class of attack: a name must equal a trusted one, or end with ``.name`` when the
   trusted one starts with a dot; the port never matters.
2. A function wrapped by ``Request.application`` always gets its request closed (its
   uploaded files deleted), and an ``HTTPError`` it raises becomes the error's response.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING, Any, Callable, TypeVar, cast

from .errors import HTTPError, SecurityError

if TYPE_CHECKING:
    from .request import Request

__all__ = ["application", "check_host", "environ_flag", "from_values", "host_is_trusted", "stored"]

RequestType = TypeVar("RequestType", bound="Request")
T = TypeVar("T")
WSGIApp = Callable[..., Iterable[bytes]]

# A Host value: a name or IPv4 address (RFC 3986 reg-name letters: ASCII letters, digits,
# "-", "." and "_", which service names use), or an IPv6 literal in brackets, and an
# optional port. Anything else is never trusted. re.ASCII: without it [a-z] would also
# take the Kelvin sign, which lower() turns into "k" (a lookalike host).
_HOST = re.compile(
    r"([a-z0-9._-]+|\[[a-f0-9]*:[a-f0-9.:]+\])(?::([0-9]{1,5}))?", re.IGNORECASE | re.ASCII
)


def host_name(host: str) -> str | None:
    """The lower-cased name of a ``name[:port]`` host; None when it is not one."""
    match = _HOST.fullmatch(host)
    if match is None or (match.group(2) and not 1 <= int(match.group(2)) <= 65535):
        return None
    return match.group(1).lower()


def _ascii_name(name: str) -> str:
    """An internationalized domain name in the ASCII form a ``Host`` carries (IDNA)."""
    try:
        return name if name.isascii() else name.encode("idna").decode("ascii")
    except UnicodeError:
        return ""  # no host matches a name IDNA cannot write


def host_is_trusted(host: str, trusted_hosts: Collection[str]) -> bool:
    """True when ``host`` (``name[:port]``) is one of ``trusted_hosts`` (rule 1).

    ::

        >>> host_is_trusted("api.example.com:8443", [".example.com"])
        True
        >>> host_is_trusted("example.com.evil.test", ["example.com"])
        False
    """
    name = host_name(host)
    if name is None:
        return False
    if isinstance(trusted_hosts, str):
        trusted_hosts = [trusted_hosts]
    for trusted in trusted_hosts:
        trusted_name = host_name(_ascii_name(trusted.lstrip(".")))
        if trusted_name is None:
            continue
        if name == trusted_name or (trusted[:1] == "." and name.endswith("." + trusted_name)):
            return True
    return False


def check_host(host: str, trusted_hosts: Collection[str]) -> None:
    """Raise ``SecurityError`` (400) unless ``host`` is one of ``trusted_hosts``."""
    if not host_is_trusted(host, trusted_hosts):
        raise SecurityError(f"Host {host!r} is not trusted.")


def stored(storage_class: type[Any], value: T) -> T:
    """``value`` as an instance of ``storage_class``: as it is when it is one already
    (unless an app changed one of Werkzeug's ``*_storage_class`` attributes, it is)."""
    # Typed as the default class's type: a replacement class is expected to behave like it.
    return value if type(value) is storage_class else cast(T, storage_class(value))


# What the server says about how it runs the app (PEP 3333 environ variables).
_FLAG_DOCS = {
    "wsgi.multithread": "True when the server may run the app in several threads at once.",
    "wsgi.multiprocess": "True when the server may run the app in several processes at once.",
    "wsgi.run_once": "True when the server runs the app once in this process (as CGI does).",
}


def environ_flag(key: str) -> property:
    """A read-only ``Request`` property: whether the environ's ``key`` is true."""

    def read(request: Request) -> bool:
        return bool(request.environ.get(key))

    read.__doc__ = _FLAG_DOCS[key]  # what help() and the API reference show
    return property(read)


def server_address() -> property:
    """``Request.server``: ``(SERVER_NAME, SERVER_PORT)`` with the port as an int (None if
    it is not a number, as for a Unix socket), or None without SERVER_NAME (Werkzeug's)."""

    def read(request: Request) -> tuple[str, int | None] | None:
        name = request.environ.get("SERVER_NAME")
        if name is None:
            return None
        port = str(request.environ.get("SERVER_PORT", ""))
        return name, int(port) if port.isascii() and port.isdigit() else None

    read.__doc__ = server_address.__doc__
    return property(read)


# Werkzeug EnvironBuilder options that build_environ does not take: the environ key each sets.
_ENVIRON_OPTIONS = {
    "input_stream": "wsgi.input",
    "errors_stream": "wsgi.errors",
    "content_length": "CONTENT_LENGTH",
    "multithread": "wsgi.multithread",
    "multiprocess": "wsgi.multiprocess",
    "run_once": "wsgi.run_once",
}


def from_values(
    request_class: type[RequestType], path: str, base_url: str | None, options: dict[str, Any]
) -> RequestType:
    """A request of ``request_class`` for an environ made by ``testing.build_environ``
    (which also takes Werkzeug's ``input_stream``, ``content_length``, ``mimetype``, ...)."""
    from .testing import build_environ  # lazy: the test client's environ builder

    overrides = {
        _ENVIRON_OPTIONS[name]: options.pop(name)
        for name in list(options)
        if name in _ENVIRON_OPTIONS
    }
    if "CONTENT_LENGTH" in overrides:
        overrides["CONTENT_LENGTH"] = str(overrides["CONTENT_LENGTH"])
    if "mimetype" in options:
        options.setdefault("content_type", options.pop("mimetype"))
    environ = build_environ(path, base_url=base_url, **options)
    environ.update(overrides)
    return request_class(environ)


def application(request_class: type[Request], function: Callable[..., Any]) -> WSGIApp:
    """A WSGI application that calls ``function(request)`` and sends what it returns
    (a ``Response`` or any WSGI application); rule 2.

    The request is the last argument, so the decorator also works on methods
    (``function(self, request)``).
    """

    @functools.wraps(function)
    def wsgi_application(*arguments: Any) -> Iterable[bytes]:
        environ, start_response = arguments[-2:]
        with request_class(environ) as request:
            try:
                response = function(*arguments[:-2], request)
            except HTTPError as error:
                response = error.get_response(environ)
            result: Iterable[bytes] = response(environ, start_response)
            return result

    return wsgi_application
