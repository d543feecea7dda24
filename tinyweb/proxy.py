"""``ProxyFix``: opt-in WSGI middleware that believes ``X-Forwarded-*`` from trusted proxies.

Where it fits: behind a reverse proxy (nginx, a load balancer), the server sees the proxy's
address, plain ``http`` and the proxy's idea of the host. The proxy reports the client's
view in ``X-Forwarded-For``, ``-Proto``, ``-Host``, ``-Port`` and ``-Prefix``. This
middleware wraps any WSGI application (usually ``app.wsgi_app``) and rewrites the environ
(PEP 3333) from those headers, so ``request.remote_addr``, ``request.scheme``,
``request.host`` and ``url_for(..., _external=True)`` describe what the client used.

The attack it prevents: these headers are plain request headers, so any client can send
``X-Forwarded-For: 127.0.0.1``. Each proxy *appends* what it saw to the right of the list,
which means only the rightmost values were written by proxies you run; everything to their
left came from the client and may be a lie. Code that takes the leftmost value lets anyone
pick their own IP address (defeating rate limits, IP allow-lists and audit logs) or their
own scheme and host (poisoning absolute URLs in password-reset mails and caches). So:

Rules:

1. Nothing is trusted by default per header except what the hop counts say: with ``x_for=N``
   the middleware takes the Nth value *from the right*, the one your outermost trusted
   proxy appended. Count the proxies you run; trusting more hops than you have lets the
   client choose the value again.
2. Fewer values than trusted hops means the request did not pass through all the proxies
   (or the proxy is misconfigured): the header is ignored, never half-believed.
3. Every value is validated: an IP address for ``-For``; ``http`` or ``https`` for
   ``-Proto``; ``host[:port]`` for ``-Host``; a port number for ``-Port``; an absolute,
   well-escaped path for ``-Prefix``. An invalid value is ignored; nothing here raises.
4. The values it replaced are kept in ``environ["tinyweb.proxy_fix.orig"]``. Applying the
   same counts twice (say, after a server that already did) gives the same environ.
5. Only the standard library; no other tinyweb module (it wraps any WSGI application).

Spec references: PEP 3333 (environ keys), RFC 9110 §7.2 (Host), RFC 3986 §3.2.2-3.3
(host, port and path grammar), RFC 7239 §5.2 and §8 (``Forwarded``; the same trust model).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from typing import Any, Callable, Optional
from urllib.parse import unquote_to_bytes

__all__ = ["ORIGINAL_KEY", "ProxyFix"]

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WSGIApplication = Callable[[Environ, StartResponse], Iterable[bytes]]

ORIGINAL_KEY = "tinyweb.proxy_fix.orig"
_REPLACED_KEYS = (
    "REMOTE_ADDR",
    "wsgi.url_scheme",
    "HTTP_HOST",
    "SERVER_NAME",
    "SERVER_PORT",
    "SCRIPT_NAME",
)
_DEFAULT_PORTS = {"http": "80", "https": "443"}

# RFC 3986 §3.2.2: IP-literal = "[" IPv6address "]"; reg-name is narrowed to the characters
# real host names use (letters, digits, "-", ".", "_"), so no sub-delims such as "," or ";"
# ever reach a Host header the app trusts. port = 1*5DIGIT, checked to be <= 65535 below.
_HOST = re.compile(
    r"(?P<name>\[[0-9A-Fa-f:.]{2,45}\]|[A-Za-z0-9_.-]{1,253})(?::(?P<port>[0-9]{1,5}))?"
)
_PORT = re.compile(r"[0-9]{1,5}")
# What an IPv4 or IPv6 address may be spelled with (checked again by ``ipaddress``): ASCII
# only, because ``ipaddress`` and ``int`` would accept other Unicode digits.
_ADDRESS = re.compile(r"[0-9A-Fa-f:.]{2,45}")
# RFC 3986 §3.3: path-absolute characters (pchar and "/"), pct-encoded = "%" HEXDIG HEXDIG.
_PREFIX = re.compile(r"(?:/(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})*)+")


class ProxyFix:
    """WSGI middleware that trusts exactly N proxies for each ``X-Forwarded-*`` header.

    ``x_for``, ``x_proto``, ``x_host``, ``x_port`` and ``x_prefix`` are the number of
    proxies in front of the app that set (append to) that header; 0 ignores the header.
    With one nginx in front that sets ``X-Forwarded-For`` and ``X-Forwarded-Proto``::

        from tinyweb.proxy import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)

    The header value used is the Nth from the right of the comma-separated list, and the
    environ keys it replaces are ``REMOTE_ADDR`` (``-For``), ``wsgi.url_scheme``
    (``-Proto``), ``HTTP_HOST``/``SERVER_NAME``/``SERVER_PORT`` (``-Host``, ``-Port``) and
    ``SCRIPT_NAME`` (``-Prefix``). Why not the leftmost: the client wrote that one; see the
    module docstring.
    """

    def __init__(
        self,
        app: WSGIApplication,
        x_for: int = 1,
        x_proto: int = 1,
        x_host: int = 0,
        x_port: int = 0,
        x_prefix: int = 0,
    ) -> None:
        """Wrap ``app``; each count is how many proxies are trusted for that header."""
        self.app = app
        self.x_for = _hop_count("x_for", x_for)
        self.x_proto = _hop_count("x_proto", x_proto)
        self.x_host = _hop_count("x_host", x_host)
        self.x_port = _hop_count("x_port", x_port)
        self.x_prefix = _hop_count("x_prefix", x_prefix)

    def __repr__(self) -> str:
        counts = (
            f"x_for={self.x_for}, x_proto={self.x_proto}, x_host={self.x_host}, "
            f"x_port={self.x_port}, x_prefix={self.x_prefix}"
        )
        return f"{type(self).__name__}({self.app!r}, {counts})"

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        """Rewrite ``environ`` from the trusted headers, then call the wrapped app."""
        # setdefault: when two fixes are stacked, the first one recorded the true originals.
        environ.setdefault(ORIGINAL_KEY, {key: environ.get(key) for key in _REPLACED_KEYS})
        self.apply(environ)
        return self.app(environ, start_response)

    def apply(self, environ: Environ) -> None:
        """Do the rewriting in place (``__call__`` without calling the app).

        The order matters: the scheme decides the default port of a forwarded host, and a
        forwarded port overrides the port of a forwarded host.
        """
        address = _parse_address(_trusted_value(environ, "HTTP_X_FORWARDED_FOR", self.x_for))
        if address is not None:
            environ["REMOTE_ADDR"] = address
        scheme = _parse_scheme(_trusted_value(environ, "HTTP_X_FORWARDED_PROTO", self.x_proto))
        if scheme is not None:
            environ["wsgi.url_scheme"] = scheme
        host = _parse_host(_trusted_value(environ, "HTTP_X_FORWARDED_HOST", self.x_host))
        if host is not None:
            _set_host(environ, *host)
        port = _parse_port(_trusted_value(environ, "HTTP_X_FORWARDED_PORT", self.x_port))
        if port is not None:
            _set_port(environ, port)
        prefix = _parse_prefix(_trusted_value(environ, "HTTP_X_FORWARDED_PREFIX", self.x_prefix))
        if prefix is not None:
            environ["SCRIPT_NAME"] = prefix


def _hop_count(name: str, value: int) -> int:
    """A hop count is a non-negative ``int`` (``True`` is refused: it hides a mistake)."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{name} must be an int (the number of trusted proxies), not {value!r}")
    if value < 0:
        raise ValueError(f"{name} must be 0 or more, not {value}")
    return value


def _trusted_value(environ: Environ, key: str, trusted: int) -> Optional[str]:
    """The value the outermost trusted proxy wrote: the ``trusted``-th from the right.

    Repeated header lines arrive joined with "," (PEP 3333), so one split covers both.
    Only SP and HTAB are trimmed (RFC 9110 §5.6.1 OWS), never other Unicode spaces.
    """
    if not trusted:
        return None
    header = environ.get(key)
    if not isinstance(header, str) or not header:
        return None
    values = header.split(",")
    if len(values) < trusted:
        return None  # rule 2: the request did not come through every trusted proxy
    return values[-trusted].strip(" \t")


def _parse_address(value: Optional[str]) -> Optional[str]:
    """A client IP address (IPv6 possibly in brackets), normalized; else None."""
    if value is None:
        return None
    if value.startswith("[") and value.endswith("]"):
        value = value[1:-1]
    if not _ADDRESS.fullmatch(value):
        return None
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def _parse_scheme(value: Optional[str]) -> Optional[str]:
    """``http`` or ``https`` (case-insensitive, RFC 3986 §3.1); anything else is None."""
    if value is None:
        return None
    scheme = value.lower()
    return scheme if scheme in _DEFAULT_PORTS else None


def _parse_host(value: Optional[str]) -> Optional[tuple[str, Optional[str]]]:
    """``(host, port or None)`` of a valid ``host[:port]``; else None."""
    if value is None:
        return None
    match = _HOST.fullmatch(value)
    if match is None:
        return None
    name, port = match.group("name"), match.group("port")
    if name.startswith("[") and _parse_address(name) is None:
        return None
    if port is not None and _parse_port(port) is None:
        return None
    return name, port


def _parse_port(value: Optional[str]) -> Optional[str]:
    """A port number 1..65535 as ASCII digits (without leading zeros); else None."""
    if value is None or not _PORT.fullmatch(value):
        return None
    number = int(value)  # safe: the regex admitted ASCII digits only
    return str(number) if 0 < number <= 65535 else None


def _parse_prefix(value: Optional[str]) -> Optional[str]:
    """The decoded ``SCRIPT_NAME`` for an ``X-Forwarded-Prefix`` path; else None.

    The prefix must be an absolute path of RFC 3986 characters with well-formed escapes.
    Refused after decoding: an escaped "/" (it would change where segments split), control
    bytes, and "." or ".." segments (a prefix that climbs out of itself is an attack, not
    a mount point). A trailing "/" is dropped, so "/" means "mounted at the root" ("").
    """
    if value is None or not _PREFIX.fullmatch(value):
        return None
    segments = value.split("/")
    if any(segment in (".", "..") for segment in segments):
        return None
    decoded = [unquote_to_bytes(segment) for segment in segments]
    if any(b"/" in segment or _has_control_byte(segment) for segment in decoded):
        return None
    # PEP 3333: environ strings carry the raw bytes decoded as latin-1.
    return b"/".join(decoded).decode("latin-1").rstrip("/")


def _has_control_byte(data: bytes) -> bool:
    return any(byte < 0x20 or byte == 0x7F for byte in data)


def _set_host(environ: Environ, name: str, port: Optional[str]) -> None:
    """Use a forwarded ``host[:port]``; without a port, the scheme's default port."""
    environ["HTTP_HOST"] = name if port is None else f"{name}:{port}"
    environ["SERVER_NAME"] = name
    scheme = environ.get("wsgi.url_scheme", "http")
    environ["SERVER_PORT"] = port or _DEFAULT_PORTS.get(scheme, environ.get("SERVER_PORT", "80"))


def _set_port(environ: Environ, port: str) -> None:
    """Use a forwarded port: in ``SERVER_PORT`` and in the ``Host`` the app will read."""
    host = environ.get("HTTP_HOST")
    parsed = _parse_host(host) if isinstance(host, str) else None
    name = parsed[0] if parsed is not None else str(environ.get("SERVER_NAME", ""))
    if name:
        environ["HTTP_HOST"] = f"{name}:{port}"
    environ["SERVER_PORT"] = port
