"""Single header fields as Python values: dates, ages, policies, ``WWW-Authenticate``.

Where it fits: ``Response.date``, ``expires``, ``age``, ``retry_after``,
``content_security_policy``, ``cross_origin_opener_policy``, ``www_authenticate``,
``mimetype_params`` and friends are the properties this module makes (Werkzeug 3.1's names
and behaviour), as are ``Request.date``, ``range``, ``if_range``, ``max_forwards`` and
``pragma``. Dates are read and written with ``caching`` (the framework's one HTTP-date
reader and writer), ranges with ``ranges``, header sets with ``header_sets``. It knows
header fields and environs, not apps.

Rules:

1. Reading never raises: an absent or invalid value reads as ``None`` (a policy as its
   default, ``unsafe-none``; an object that writes back as an empty one), as in Werkzeug.
2. On a response, an object read from a header writes every change back at once
   (Werkzeug's ``on_update``), and one that becomes empty removes the header. Assigning
   ``None`` or ``del`` removes the header.
3. Writing checks: a value of the wrong type is a ``TypeError``, a negative number of
   seconds or a policy directive with ``;`` in it a ``ValueError``, at the line that sets
   it (a CR or LF is refused by ``Headers``).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping, MutableMapping
from datetime import date, datetime, timedelta, timezone
from typing import Any, Callable, Optional, Protocol, TypeVar, Union

from . import ranges
from .caching import http_date, http_datetime
from .datastructures import CallbackDict, Headers
from .header_sets import RequestHeaderSet, header_property, text_property
from .header_values import (
    TOKEN,
    format_dict_header,
    parse_digits,
    quote_header_value,
    split_auth_header,
    unquote_header_value,
)

__all__ = [
    "COEP",
    "COOP",
    "ContentSecurityPolicy",
    "RequestFields",
    "ResponseFields",
    "WWWAuthenticate",
    "parse_parameters",
]


class _HasHeaders(Protocol):
    headers: Headers


class _HasEnviron(Protocol):
    environ: dict[str, Any]
    __dict__: dict[str, Any]


class COOP(enum.Enum):
    """``Cross-Origin-Opener-Policy`` values (HTML Standard §7.1.3), as Werkzeug's enum."""

    UNSAFE_NONE = "unsafe-none"
    SAME_ORIGIN_ALLOW_POPUPS = "same-origin-allow-popups"
    SAME_ORIGIN = "same-origin"


class COEP(enum.Enum):
    """``Cross-Origin-Embedder-Policy`` values (HTML Standard §7.1.4), as Werkzeug's enum."""

    UNSAFE_NONE = "unsafe-none"
    REQUIRE_CORP = "require-corp"


# -- Content-Type parameters (RFC 9110 §5.6.6) -------------------------------------------------

# parameters = *( OWS ";" OWS [ parameter ] ), a value being a token or a quoted-string.
_PARAMETER = re.compile(r';[ \t]*([^\s;=]+)[ \t]*=[ \t]*("(?:[^"\\]|\\.)*"|[^;]*)')


def parse_parameters(header_value: str) -> dict[str, str]:
    """The ``name=value`` parameters after the first ``;``, names lower-cased, values
    unquoted; the first of a repeated name counts.

    >>> parse_parameters('text/plain; Charset=utf-8; format="a \\\\"b\\\\""')
    {'charset': 'utf-8', 'format': 'a "b"'}
    """
    parameters: dict[str, str] = {}
    for match in _PARAMETER.finditer(header_value):
        value = unquote_header_value(match.group(2).strip(" \t"))
        parameters.setdefault(match.group(1).lower(), value)
    return parameters


def _format_parameters(value: str, parameters: Mapping[str, Optional[str]]) -> str:
    """``value; name=value; ...``: a value that is not a token is quoted; None is skipped."""
    segments = [value] if value else []
    for name, argument in parameters.items():
        if argument is not None:  # RFC 2231 "name*" values are already encoded
            quoted = argument if name.endswith("*") else quote_header_value(argument)
            segments.append(f"{name}={quoted}")
    return "; ".join(segments)


# -- Content-Security-Policy (CSP Level 3 §2.2) ------------------------------------------------

_DIRECTIVE_NAME = re.compile(r"[A-Za-z0-9-]+")  # directive-name = 1*( ALPHA / DIGIT / "-" )


def _directive(name: str, value: Any) -> tuple[str, str]:
    """``(name, value)`` if they make a directive; else ``ValueError`` (header injection)."""
    if not isinstance(name, str) or not _DIRECTIVE_NAME.fullmatch(name):
        raise ValueError(f"Not a CSP directive name: {name!r}")
    if not isinstance(value, str) or ";" in value or "," in value:
        raise ValueError(f"A CSP directive value is a string without ';' or ',': {value!r}")
    return name, value


def _csp_directive(name: str) -> Any:
    """An attribute for directive ``name``: its value or None; None removes it."""

    def read(self: ContentSecurityPolicy) -> Optional[str]:
        return self.get(name)

    def write(self: ContentSecurityPolicy, value: Optional[str]) -> None:
        if value is None:
            self.pop(name, None)
        else:
            self[name] = value

    def delete(self: ContentSecurityPolicy) -> None:
        self.pop(name, None)

    return property(read, write, delete, f"The ``{name}`` directive, or None.")


class ContentSecurityPolicy(CallbackDict[str, str]):
    """The directives of a ``Content-Security-Policy`` header: ``name -> value``.

    Read as attributes too (``csp.default_src``, dashes as underscores). A directive
    without a value (``upgrade-insecure-requests``) has the value ``""``. Names are
    lower-cased and the first of a repeated one counts (CSP3 §2.2.1); a name or value that
    would break the header (``;``, ``,``) is a ``ValueError``::

        >>> csp = ContentSecurityPolicy.parse("default-src 'self'; upgrade-insecure-requests")
        >>> csp.img_src = "*"
        >>> csp.to_header()
        "default-src 'self'; upgrade-insecure-requests; img-src *"
    """

    @classmethod
    def parse(
        cls, value: str | None, on_update: Callable[[Any], None] | None = None
    ) -> ContentSecurityPolicy:
        """The directives of a header value; what is not a directive is skipped."""
        directives: dict[str, str] = {}
        for policy in (value or "").split(";"):
            name, _, argument = policy.strip(" \t").partition(" ")
            if _DIRECTIVE_NAME.fullmatch(name):
                directives.setdefault(name.lower(), argument.strip(" \t"))
        return cls(directives, on_update)

    def __setitem__(self, name: str, value: str) -> None:
        super().__setitem__(*_directive(name, value))

    def update(self, *mappings: Any, **values: Any) -> None:
        """Like ``dict.update``; every directive is checked first."""
        super().update(dict(_directive(*item) for item in dict(*mappings, **values).items()))

    def setdefault(self, name: str, default: Any = "") -> str:
        """Like ``dict.setdefault``; the directive is checked first."""
        return super().setdefault(*_directive(name, default))

    def __ior__(self, other: Any) -> ContentSecurityPolicy:  # type: ignore[override,misc]
        self.update(other)
        return self

    def to_header(self) -> str:
        """The header value: ``name value`` pairs joined by ``"; "``."""
        return "; ".join(f"{name} {value}".rstrip(" ") for name, value in self.items())

    def __str__(self) -> str:
        return self.to_header()

    base_uri = _csp_directive("base-uri")
    child_src = _csp_directive("child-src")
    connect_src = _csp_directive("connect-src")
    default_src = _csp_directive("default-src")
    font_src = _csp_directive("font-src")
    form_action = _csp_directive("form-action")
    frame_ancestors = _csp_directive("frame-ancestors")
    frame_src = _csp_directive("frame-src")
    img_src = _csp_directive("img-src")
    manifest_src = _csp_directive("manifest-src")
    media_src = _csp_directive("media-src")
    navigate_to = _csp_directive("navigate-to")
    object_src = _csp_directive("object-src")
    prefetch_src = _csp_directive("prefetch-src")
    plugin_types = _csp_directive("plugin-types")
    report_to = _csp_directive("report-to")
    report_uri = _csp_directive("report-uri")
    sandbox = _csp_directive("sandbox")
    script_src = _csp_directive("script-src")
    script_src_attr = _csp_directive("script-src-attr")
    script_src_elem = _csp_directive("script-src-elem")
    style_src = _csp_directive("style-src")
    style_src_attr = _csp_directive("style-src-attr")
    style_src_elem = _csp_directive("style-src-elem")
    worker_src = _csp_directive("worker-src")


# -- WWW-Authenticate (RFC 9110 §11.6.1) -------------------------------------------------------

# Digest (RFC 7616 §3.3) wants these parameters quoted even when they are tokens.
_ALWAYS_QUOTED = frozenset({"realm", "domain", "nonce", "opaque", "qop"})


class WWWAuthenticate:
    """One challenge of a ``WWW-Authenticate`` header: ``type``, then ``parameters`` or a
    ``token``, as Werkzeug 3.1's. ``challenge["realm"]``, ``challenge.realm`` and
    ``challenge.get("realm")`` read a parameter; assigning one sets it (None removes it),
    and a challenge read from a response writes every change back::

        >>> challenge = WWWAuthenticate("basic", {"realm": "Admin area"})
        >>> challenge.charset = "UTF-8"
        >>> challenge.to_header()
        'Basic realm="Admin area", charset=UTF-8'
    """

    def __init__(
        self,
        auth_type: str,
        values: Mapping[str, str | None] | None = None,
        token: str | None = None,
    ) -> None:
        object.__setattr__(self, "_on_update", None)
        object.__setattr__(self, "_type", auth_type.lower())
        object.__setattr__(self, "_token", token)
        object.__setattr__(self, "_parameters", CallbackDict(values, self._changed))

    _on_update: Optional[Callable[[WWWAuthenticate], None]]
    _type: str
    _token: Optional[str]
    _parameters: CallbackDict[str, Optional[str]]

    def _changed(self, *_: Any) -> None:
        if self._on_update is not None:
            self._on_update(self)

    @classmethod
    def from_header(cls, value: str | None) -> WWWAuthenticate | None:
        """Parse a header value (its first challenge); None when empty or malformed."""
        parts = split_auth_header(value)
        if parts is None:
            return None
        scheme, rest, parameters = parts
        if parameters is not None:
            return cls(scheme, parameters)
        return cls(scheme, token=rest or None)

    @property
    def type(self) -> str:
        """The scheme, lower-cased: ``"basic"``, ``"digest"``, ``"bearer"``."""
        return self._type

    @type.setter
    def type(self, value: str) -> None:
        object.__setattr__(self, "_type", value.lower())
        self._changed()

    @property
    def parameters(self) -> MutableMapping[str, str | None]:
        """The challenge's parameters (changing them writes back)."""
        return self._parameters

    @parameters.setter
    def parameters(self, value: Mapping[str, str | None]) -> None:
        object.__setattr__(self, "_parameters", CallbackDict(value, self._changed))
        self._changed()

    @property
    def token(self) -> str | None:
        """The token68 of a challenge such as ``Bearer abc``, or None."""
        return self._token

    @token.setter
    def token(self, value: str | None) -> None:
        object.__setattr__(self, "_token", value)
        self._changed()

    def get(self, key: str, default: str | None = None) -> str | None:
        """The parameter ``key``, or ``default``."""
        return self._parameters.get(key, default)

    def __getitem__(self, key: str) -> str | None:
        return self._parameters.get(key)

    def __setitem__(self, key: str, value: str | None) -> None:
        if value is None:
            self._parameters.pop(key, None)
        elif not TOKEN.fullmatch(key):
            raise ValueError(f"A parameter name must be a token: {key!r}")
        else:
            self._parameters[key] = value

    def __delitem__(self, key: str) -> None:
        self._parameters.pop(key, None)

    def __getattr__(self, name: str) -> str | None:
        if name.startswith("_"):  # keep copy/pickle protocols honest
            raise AttributeError(name)
        return self[name]

    def __setattr__(self, name: str, value: Any) -> None:
        if name in ("type", "parameters", "token"):
            object.__setattr__(self, name, value)  # the properties above
        else:
            self[name] = value

    def __delattr__(self, name: str) -> None:
        del self[name]

    def __contains__(self, key: object) -> bool:
        return key in self._parameters

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, WWWAuthenticate):
            return NotImplemented
        mine = (self.type, self.token, dict(self._parameters))
        return mine == (other.type, other.token, dict(other._parameters))

    __hash__ = None  # type: ignore[assignment]  # mutable, compared by value

    def to_header(self) -> str:
        """The header value: ``Basic realm="x"``, ``Bearer abc`` or ``Digest ...``."""
        scheme = self.type.title()
        if self.token is not None:
            return f"{scheme} {self.token}"
        parameters = format_dict_header(
            self._parameters, _ALWAYS_QUOTED if self.type == "digest" else ()
        )
        return f"{scheme} {parameters}" if parameters else scheme

    def __str__(self) -> str:
        return self.to_header()

    def __repr__(self) -> str:
        return f"<WWWAuthenticate {self.to_header()}>"


# -- response properties ---------------------------------------------------------------------

# What help() and docs/api.md say about each property; kept here so that response.py and
# request.py spend one line per property.
_DOCS = {
    "Date": "``Date``: when the message was made, an aware UTC datetime or None. Set a "
    "datetime (naive is UTC), a date or a timestamp; None removes it.",
    "Expires": "``Expires``: when the response goes stale (RFC 9111 §5.3), as ``date``.",
    "Last-Modified": "``Last-Modified`` (RFC 9110 §8.8.2), as ``date``.",
    "Age": "``Age`` (RFC 9111 §5.1) as a ``timedelta``, or None when absent or malformed; "
    "set seconds or a timedelta (negative is a ValueError).",
    "Retry-After": "``Retry-After`` (RFC 9110 §10.2.3) as an aware UTC datetime (delay "
    "seconds count from now), or None; set a datetime, seconds, a timedelta or a string.",
    "Content-Encoding": "``Content-Encoding``: the codings applied to the body (``gzip``).",
    "Content-Location": "``Content-Location`` (RFC 9110 §8.7): the URL of this body.",
    "Content-MD5": "``Content-MD5`` (RFC 1864, obsolete): a base64 MD5 of the body.",
    "Accept-Ranges": "``Accept-Ranges``: the range unit the resource takes (``bytes``, ``none``).",
    "Content-Range": "``Content-Range`` as a ``ranges.ContentRange`` (falsy when absent); "
    "``response.content_range.set(0, 500, 1234)`` rewrites the header.",
    "Content-Security-Policy": "``Content-Security-Policy`` as a ``ContentSecurityPolicy`` "
    "(empty when absent): ``response.content_security_policy.default_src = \"'self'\"``.",
    "Content-Security-Policy-Report-Only": "``Content-Security-Policy-Report-Only``: a "
    "policy that is reported, not enforced; as ``content_security_policy``.",
    "Cross-Origin-Opener-Policy": "``Cross-Origin-Opener-Policy``: a ``COOP`` member "
    "(``COOP.UNSAFE_NONE`` when absent or unknown); set a member or its string value.",
    "Cross-Origin-Embedder-Policy": "``Cross-Origin-Embedder-Policy``: a ``COEP`` member "
    "(``COEP.UNSAFE_NONE`` when absent or unknown); set a member or its string value.",
    "WWW-Authenticate": "``WWW-Authenticate`` as a ``WWWAuthenticate`` (a fresh ``basic`` "
    "one when absent) that writes back; assign one, a list of them, a string or None.",
    "mimetype_params": "The ``Content-Type`` parameters as a dict that writes back: "
    '``response.mimetype_params["charset"] = "latin-1"``.',
}


def _store(headers: Headers, name: str, value: str | None) -> None:
    """Set header ``name``, or remove it when ``value`` is empty or None."""
    if value:
        headers.set(name, value)
    else:
        headers.remove(name)


def header_text(name: str) -> Any:
    """A response attribute holding header ``name`` as a string (None removes it)."""
    return text_property(name, _DOCS[name])


def date_property(name: str) -> Any:
    """A response attribute reading header ``name`` as an HTTP-date (RFC 9110 §5.6.7)."""

    def read(self: _HasHeaders) -> Optional[datetime]:
        return http_datetime(self.headers.get(name))

    def write(self: _HasHeaders, value: Union[datetime, date, float, None]) -> None:
        if value is not None and (isinstance(value, bool) or not _is_moment(value)):
            raise TypeError(f"{name} is a datetime, a date or a timestamp, not {value!r}")
        _store(self.headers, name, None if value is None else http_date(value))

    return header_property(name, read, write, _DOCS[name])


def _is_moment(value: object) -> bool:
    return isinstance(value, (datetime, date, int, float))


def _seconds(name: str, value: Union[timedelta, float]) -> str:
    """Whole seconds from a number or timedelta; a negative one is a ValueError."""
    if isinstance(value, bool) or not isinstance(value, (timedelta, int, float)):
        raise TypeError(f"{name} is a number of seconds or a timedelta, not {value!r}")
    seconds = int(value.total_seconds() if isinstance(value, timedelta) else value)
    if seconds < 0:
        raise ValueError(f"{name} cannot be negative: {value!r}")
    return str(seconds)


def _delay(value: str | None) -> Optional[timedelta]:
    """Delta-seconds as a timedelta; None when malformed or too large for one."""
    seconds = parse_digits((value or "").strip(" \t"))
    if seconds is None:
        return None
    try:
        return timedelta(seconds=seconds)
    except OverflowError:
        return None


def age_property() -> Any:
    """The response's ``age``: ``Age`` as a timedelta."""

    def read(self: _HasHeaders) -> Optional[timedelta]:
        return _delay(self.headers.get("Age"))

    def write(self: _HasHeaders, value: Union[timedelta, int, None]) -> None:
        _store(self.headers, "Age", None if value is None else _seconds("Age", value))

    return header_property("Age", read, write, _DOCS["Age"])


def retry_after_property() -> Any:
    """The response's ``retry_after``: a date, or seconds from now."""

    def read(self: _HasHeaders) -> Optional[datetime]:
        value = self.headers.get("Retry-After")
        delay = _delay(value)
        if delay is None:
            return http_datetime(value)
        try:
            return datetime.now(timezone.utc) + delay
        except OverflowError:
            return None

    def write(self: _HasHeaders, value: Union[datetime, timedelta, int, str, None]) -> None:
        if isinstance(value, (datetime, date)):
            value = http_date(value)
        elif value is not None and not isinstance(value, str):
            value = _seconds("Retry-After", value)
        _store(self.headers, "Retry-After", value)

    return header_property("Retry-After", read, write, _DOCS["Retry-After"])


Policy = TypeVar("Policy", COOP, COEP)


def policy_property(name: str, policy: type[Policy]) -> Any:
    """A response attribute reading header ``name`` as a member of ``policy``."""

    def read(self: _HasHeaders) -> Policy:
        try:
            return policy(self.headers.get(name, "unsafe-none"))
        except ValueError:
            return policy("unsafe-none")  # rule 1: what an unknown value means

    def write(self: _HasHeaders, value: Union[Policy, str, None]) -> None:
        if value is not None and not isinstance(value, (policy, str)):
            raise TypeError(f"{name} is a {policy.__name__} member, not {value!r}")
        _store(self.headers, name, None if value is None else policy(value).value)

    return header_property(name, read, write, _DOCS[name])


def content_range_property() -> Any:
    """The response's ``content_range``: a ``ContentRange`` that writes back."""

    def read(self: _HasHeaders) -> ranges.ContentRange:
        def update(content_range: ranges.ContentRange) -> None:
            _store(self.headers, "Content-Range", content_range.to_header())

        value = self.headers.get("Content-Range")
        parsed = ranges.parse_content_range(value, update)
        return parsed or ranges.ContentRange(None, None, None, on_update=update)

    def write(self: _HasHeaders, value: Union[ranges.ContentRange, str, None]) -> None:
        text = value if isinstance(value, str) or value is None else value.to_header()
        _store(self.headers, "Content-Range", text)

    return header_property("Content-Range", read, write, _DOCS["Content-Range"])


def csp_property(name: str) -> Any:
    """A response attribute reading header ``name`` as a ContentSecurityPolicy."""

    def read(self: _HasHeaders) -> ContentSecurityPolicy:
        def update(policy: ContentSecurityPolicy) -> None:
            _store(self.headers, name, policy.to_header())

        return ContentSecurityPolicy.parse(self.headers.get(name), update)

    def write(self: _HasHeaders, value: Union[Mapping[str, str], str, None]) -> None:
        if value is not None and not isinstance(value, str):
            value = ContentSecurityPolicy(value).to_header()
        _store(self.headers, name, value)

    return header_property(name, read, write, _DOCS[name])


def www_authenticate_property() -> Any:
    """The response's ``www_authenticate`` (Werkzeug 3.1's)."""
    name = "WWW-Authenticate"

    def read(self: _HasHeaders) -> WWWAuthenticate:
        challenge = WWWAuthenticate.from_header(self.headers.get(name))
        return _attached(self, challenge or WWWAuthenticate("basic"))

    def _attached(self: _HasHeaders, challenge: WWWAuthenticate) -> WWWAuthenticate:
        object.__setattr__(challenge, "_on_update", lambda changed: write(self, changed))
        return challenge

    def write(self: _HasHeaders, value: Any) -> None:
        if isinstance(value, list):  # several challenges: one header line each
            self.headers.remove(name)
            for challenge in value:
                self.headers.add(name, str(challenge))
        elif isinstance(value, WWWAuthenticate):
            self.headers.set(name, _attached(self, value).to_header())
        else:
            _store(self.headers, name, value)

    return header_property(name, read, write, _DOCS[name])


def mimetype_params_property() -> Any:
    """The response's ``mimetype_params``: Content-Type's parameters, writing back."""

    def read(self: _HasHeaders) -> CallbackDict[str, str]:
        content_type = self.headers.get("Content-Type", "")
        mimetype = content_type.partition(";")[0].strip(" \t")

        def update(parameters: CallbackDict[str, str]) -> None:
            _store(self.headers, "Content-Type", _format_parameters(mimetype, parameters))

        return CallbackDict(parse_parameters(content_type), update)

    def delete(self: _HasHeaders) -> None:
        raise AttributeError("mimetype_params cannot be deleted; clear() it")

    read.__doc__ = _DOCS["mimetype_params"]
    return property(read, None, delete, _DOCS["mimetype_params"])


# -- request properties ------------------------------------------------------------------------


def _text(value: str | None) -> Optional[str]:
    return None if value is None else str(value)


# request attribute -> (environ key, reader, docstring)
_REQUEST_FIELDS: dict[str, tuple[str, Callable[[Any], Any], str]] = {
    "date": ("HTTP_DATE", http_datetime, "``Date`` as an aware UTC datetime, or None."),
    "content_encoding": ("HTTP_CONTENT_ENCODING", _text, "``Content-Encoding``, or None."),
    "content_md5": ("HTTP_CONTENT_MD5", _text, "``Content-MD5`` (RFC 1864), or None."),
    "if_range": (
        "HTTP_IF_RANGE",
        ranges.parse_if_range,
        "``If-Range`` as a ``ranges.IfRange`` (``.etag`` or ``.date``; both None if absent).",
    ),
    "range": (
        "HTTP_RANGE",
        ranges.parse_range_header,
        "``Range`` as a ``ranges.Range`` (``.ranges``, ``.range_for_length(n)``), or None "
        "when absent or invalid.",
    ),
    "max_forwards": (
        "HTTP_MAX_FORWARDS",
        parse_digits,  # RFC 9110 §7.6.2: Max-Forwards = 1*DIGIT, the same grammar
        "``Max-Forwards`` (RFC 9110 §7.6.2) as an int, or None when absent or malformed.",
    ),
    "pragma": (
        "HTTP_PRAGMA",
        RequestHeaderSet.parse,
        '``Pragma`` directives as a read-only ``HeaderSet``: ``"no-cache" in request.pragma``.',
    ),
    "remote_user": (
        "REMOTE_USER",
        _text,
        "The user the server authenticated (``REMOTE_USER``), or None.",
    ),
}


class request_property:
    """A read-only request attribute, parsed from the environ on its first read and kept
    for the request (request.py rule 1: nothing is parsed twice); assigning to it is an
    ``AttributeError``, as for a property without a setter."""

    def __init__(self, attribute: str) -> None:
        """The field ``attribute`` of ``_REQUEST_FIELDS``."""
        self.key, self.parse, self.__doc__ = _REQUEST_FIELDS[attribute]
        self.name, self.cache_key = attribute, f"_field_{attribute}"

    def __get__(self, instance: _HasEnviron | None, owner: type[Any] | None = None) -> Any:
        if instance is None:
            return self
        cache = instance.__dict__
        if self.cache_key not in cache:
            cache[self.cache_key] = self.parse(instance.environ.get(self.key))
        return cache[self.cache_key]

    def __set__(self, instance: object, value: Any) -> None:
        raise AttributeError(f"request.{self.name} is read-only")


class RequestFields:
    """The single fields of a request as values (Werkzeug's), a base of ``Request``:
    read-only, computed from the environ on each access."""

    date = request_property("date")
    content_encoding = request_property("content_encoding")
    content_md5 = request_property("content_md5")
    if_range = request_property("if_range")
    range = request_property("range")
    max_forwards = request_property("max_forwards")
    pragma = request_property("pragma")
    remote_user = request_property("remote_user")


class ResponseFields:
    """The single fields of a response as values (Werkzeug's), a base of ``Response``:
    ``response.last_modified = datetime(...)`` writes ``Last-Modified``."""

    date = date_property("Date")
    expires = date_property("Expires")
    last_modified = date_property("Last-Modified")
    age = age_property()
    retry_after = retry_after_property()
    content_encoding = header_text("Content-Encoding")
    content_location = header_text("Content-Location")
    content_md5 = header_text("Content-MD5")
    accept_ranges = header_text("Accept-Ranges")
    content_range = content_range_property()
    content_security_policy = csp_property("Content-Security-Policy")
    content_security_policy_report_only = csp_property("Content-Security-Policy-Report-Only")
    cross_origin_embedder_policy = policy_property("Cross-Origin-Embedder-Policy", COEP)
    cross_origin_opener_policy = policy_property("Cross-Origin-Opener-Policy", COOP)
    www_authenticate = www_authenticate_property()
    mimetype_params = mimetype_params_property()
