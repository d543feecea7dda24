"""Hosts and subdomains in routing: which rules a request's host reaches, and the host a
URL for a rule lives on (Flask's ``subdomain=``, ``host_matching`` and ``static_host``).

Where it fits: ``App.add_url_rule(..., subdomain=..., host=...)`` hands a rule with a
*domain* to ``HostRoutes``, which keeps one ``Router`` (``tinyweb.routing``) per domain
pattern; rules without a domain stay in the app's own router. An app that never names a
domain has no ``HostRoutes`` at all, so its requests pay one ``is None`` test
(``App.match_request``). ``AppURLs.url_for`` (``tinyweb.urls``) asks ``HostRoutes.build``
which host a rule's URL goes to.

Rules (Flask 3.1 over Werkzeug 3.1):
- A rule's domain is its ``subdomain`` (``"api"``, ``"<user>"``), or, with
  ``host_matching``, its whole ``host`` (``"<user>.example.com"``). Rules without one
  belong to the map's ``default_subdomain`` (``""``), or under ``host_matching`` to the
  empty host, which no real request has: there, every rule needs a ``host``.
- The request's domain is read from its host, lowercased, without the scheme's default
  port (``Request.host``), once per request (it is kept on the request for ``url_for``).
  With ``host_matching`` it is the host itself. With ``subdomain_matching`` and
  ``SERVER_NAME`` it is the labels before ``SERVER_NAME`` (``api.example.com`` ->
  ``api``), and a host outside ``SERVER_NAME`` reaches no rule (404). Otherwise it is
  the ``default_subdomain``: subdomain rules are then for ``url_for`` only, and
  ``SERVER_NAME`` restricts nothing (Flask 3.1).
- A static domain is tried before a pattern, and patterns in the order path segments
  use (``converters.Specificity``); the first domain whose router matches wins, a 405
  names the methods of every domain that knew the path. The domain's values join the
  view arguments.
- A Host header that is no host (RFC 3986 §3.2.2: ``reg-name`` or ``[IP-literal]``,
  then an optional ``:port``) is a 400, never a crash.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Optional, Protocol

from .converters import (
    BaseConverter,
    RuleError,
    Specificity,
    Variable,
    parse_rule,
    parse_segment,
)
from .errors import BadRequest, MethodNotAllowed, NotFound, SecurityError
from .routing import BuildError, Router, Rule

__all__ = [
    "DomainPattern",
    "DomainRouter",
    "HostRoutes",
    "normalize_server_name",
    "request_domain",
    "url_host",
]

# RFC 3986 §3.2.2: host = IP-literal / IPv4address / reg-name; reg-name is unreserved,
# pct-encoded and sub-delims; §3.2.3: port = *DIGIT. Lowercase only: hosts are compared
# lowercased (RFC 9110 §4.2.3), and HostRoutes lowercases before it asks.
_REG_NAME = r"[a-z0-9\-._~!$&'()*+,;=%]*"
_IP_LITERAL = r"\[[0-9a-z:.]+\]"  # IPv6 (and IPvFuture's hex digits) in brackets
_HOST = re.compile(rf"(?:{_IP_LITERAL}|{_REG_NAME})(?::[0-9]*)?")
# What a variable of a domain may build to: one or more labels, nothing a URL would read
# as a path, a query, a port or user information.
_DOMAIN_VALUE = re.compile(r"[A-Za-z0-9\-._~]+")


class DomainPattern:
    """A subdomain or host pattern, such as ``"api"`` or ``"<user>.example.com"``.

    The whole pattern is one segment (``converters.parse_segment``): a ``<user>`` takes
    any non-empty text, dots included, as in Werkzeug. ::

        pattern = DomainPattern("<user>.example.com", router.converters)
        pattern.match("alice.example.com")        # [("user", "alice")]
        pattern.build({"user": "bob"})            # "bob.example.com"
    """

    __slots__ = ("names", "order", "segment", "text")

    def __init__(self, text: str, converters: Mapping[str, type[BaseConverter]]) -> None:
        if not isinstance(text, str) or "/" in text:
            raise RuleError(f"a subdomain or host must be a string without '/', got {text!r}")
        self.text = text
        self.segment = parse_segment(text, text, converters)
        self.names = self.segment.names
        static_parts = [part for part in self.segment.parts if isinstance(part, str)]
        if any(part != part.lower() for part in static_parts):
            # Requests are matched lowercased: an uppercase letter would never match.
            raise RuleError(f"write the host or subdomain {text!r} in lowercase")
        pattern = self.segment.pattern
        self.order = (Specificity.STATIC,) if pattern is None else pattern.order

    def match(self, domain: str) -> Optional[list[tuple[str, Any]]]:
        """The ``(name, value)`` pairs if ``domain`` fits, else None."""
        pattern = self.segment.pattern
        if pattern is None:
            return [] if domain == self.text else None
        return pattern.convert(domain) if domain else None

    def build(self, values: Mapping[str, Any]) -> str:
        """The domain for ``values``; BuildError if a value would not route back."""
        pieces: list[str] = []
        texts: dict[str, str] = {}  # variable name -> its text
        for part in self.segment.parts:
            if isinstance(part, Variable):
                texts[part.name] = self._build_variable(part, values[part.name])
                pieces.append(texts[part.name])
            else:
                pieces.append(part)
        built = "".join(pieces)
        pattern = self.segment.pattern
        if pattern is not None and pattern.regex is not None:
            # "<a>.<b>.example.com" with a="x.y", b="z" would match back as a="x", b="y.z".
            found = pattern.regex.fullmatch(built.lower())
            if found is None or any(found[name] != text.lower() for name, text in texts.items()):
                raise BuildError(f"{built!r} would not route back to {texts} in {self.text!r}")
        return built

    def _build_variable(self, variable: Variable, value: Any) -> str:
        text = variable.converter.to_url(value)
        if not _DOMAIN_VALUE.fullmatch(text) or not variable.converter.match(text):
            raise BuildError(
                f"value {value!r} for {variable.name!r} cannot be part of the host "
                f"{self.text!r}: letters, digits and '-._~' only"
            )
        return text


class DomainRouter(Router):
    """The router of one domain pattern; its rules carry ``subdomain`` or ``host``."""

    def __init__(self, domain: DomainPattern, host_matching: bool) -> None:
        """An empty router for the rules of ``domain``."""
        super().__init__()
        self.domain = domain
        self.host_matching = host_matching

    def add(self, rule: str, endpoint: Any, *args: Any, **options: Any) -> Rule:
        """``Router.add``; the rule's variables may not repeat the domain's."""
        # RuleError for a bad rule; the parse is cached, so Router.add does not repeat it
        _, names = parse_rule(rule, self.converters, self._segment_cache)
        shared = sorted(set(self.domain.names) & set(names))
        if shared:
            raise RuleError(f"rule {rule!r} repeats the host's variable {shared[0]!r}")
        new_rule = super().add(rule, endpoint, *args, **options)
        new_rule.domain_arguments = self.domain.names
        if self.host_matching:
            new_rule.host = self.domain.text
        else:
            new_rule.subdomain = self.domain.text
        return new_rule


class RoutedRequest(Protocol):
    """What ``HostRoutes`` reads of a request (``tinyweb.request.Request``)."""

    environ: dict[str, Any]
    path: str
    method: str
    host_domain: Optional[tuple[Optional[str], Optional[str]]]  # HostRoutes.domain_of's

    @property
    def host(self) -> str:
        """The ``Host``, without the scheme's default port."""

    @property
    def scheme(self) -> str:
        """``"http"`` or ``"https"``."""


class MapSettings(Protocol):
    """What ``HostRoutes`` reads of ``app.url_map`` (``tinyweb.urls.URLMap``)."""

    host_matching: bool
    default_subdomain: str


class HostRoutes:
    """The rules that name a domain, one ``DomainRouter`` per pattern, and the app's router.

    ``routers`` is the list ``app.url_map`` reads its rules from: new routers join it, so
    ``iter_rules`` and converter registration reach them. ::

        routes = HostRoutes(app.router, app.url_map.routers, app.url_map, True)
        routes.router_for("<user>").add("/", "profile")
        routes.match("alice", "", "/", "GET")       # ("profile", {"user": "alice"})
    """

    def __init__(
        self,
        default_router: Router,
        routers: list[Router],
        settings: MapSettings,
        subdomain_matching: bool,
    ) -> None:
        """Routes over ``default_router`` (the rules without a domain)."""
        self.default_router = default_router
        self.routers = routers
        self.settings = settings
        self.host_matching = settings.host_matching
        self.subdomain_matching = subdomain_matching
        self._static: dict[str, DomainRouter] = {}  # domain text -> router
        self._patterns: list[DomainRouter] = []  # by DomainPattern.order
        self._by_text: dict[str, DomainRouter] = {}  # every domain, in registration order

    def router_for(self, text: str) -> DomainRouter:
        """The router of the domain ``text``, made on first use."""
        router = self._by_text.get(text)
        if router is not None:
            return router
        converters = self.default_router.converters
        router = DomainRouter(DomainPattern(text, converters), self.host_matching)
        router.converters = converters  # one table: url_map.converters registers once
        self._by_text[text] = router
        if router.domain.segment.pattern is None:
            self._static[text] = router
        else:
            self._patterns.append(router)
            self._patterns.sort(key=lambda known: known.domain.order)
        self.routers.append(router)
        return router

    def domain_routers(self) -> list[DomainRouter]:
        """The routers of the domains, in the order they were named."""
        return list(self._by_text.values())

    def match_request(
        self, current: RoutedRequest, server_name: Optional[str]
    ) -> tuple[Any, dict[str, Any]]:
        """The endpoint and values for the request ``current``; ``server_name`` is the
        ``SERVER_NAME`` setting. Raises as ``Router.match`` does."""
        server_host = normalize_server_name(server_name, current.scheme) if server_name else None
        default_domain = "" if self.host_matching else self.settings.default_subdomain
        return self.match(
            self.domain_of(current, server_host),
            default_domain,
            current.path,
            current.method,
            current.environ.get("QUERY_STRING", ""),
        )

    def domain_of(self, current: RoutedRequest, server_host: Optional[str]) -> Optional[str]:
        """The domain the request ``current`` asks for (``request_domain``), worked out
        once per request: routing needs it, then every ``url_for`` call. It is kept on the
        request (``Request.host_domain``) with the ``server_host`` it was read against
        (``SERVER_NAME``, normalized), so that a changed setting is not answered from an old
        reading. BadRequest for a malformed host (not kept: it is raised each time)."""
        known = current.host_domain
        if known is None or known[0] != server_host:
            # (The host is not even read when it does not route: a malformed one is a 400.)
            routes_by_host = self.host_matching or self.subdomain_matching
            domain = request_domain(
                current.host if routes_by_host else "",
                server_host,
                self.host_matching,
                self.subdomain_matching,
                self.settings.default_subdomain,
            )
            known = current.host_domain = (server_host, domain)
        return known[1]

    def url_host(
        self, domain: Optional[str], current: Optional[RoutedRequest], server_host: Optional[str]
    ) -> tuple[str, bool]:
        """The host of a URL for a rule with ``domain`` (None: it has none), and whether
        it is another host than the current one, so that the URL must name it.

        ``current`` is the request (None outside one); ``server_host`` is ``SERVER_NAME``
        as URLs name it (lowercased; in a request without its scheme's default port), None
        if unset: outside a request it is set.
        """
        default_subdomain = self.settings.default_subdomain
        current_host = None if current is None else readable_host(current)
        current_domain: Optional[str] = default_subdomain
        if current is not None:
            try:
                current_domain = self.domain_of(current, server_host)
            except BadRequest:
                current_domain = None  # a malformed Host: every URL names its host
        elif self.host_matching:
            current_domain = server_host
        base_host = server_host or current_host or ""
        rule_host, elsewhere = url_host(
            domain, current_domain, base_host, self.host_matching, default_subdomain
        )
        if rule_host is None:  # a rule without a host, under host matching: the current one
            rule_host = current_host if current_host is not None else base_host
        return rule_host, elsewhere

    def match(
        self, domain: Optional[str], default_domain: str, path: str, method: str, query: str = ""
    ) -> tuple[Any, dict[str, Any]]:
        """The endpoint and values for a request whose domain is ``domain``.

        ``default_domain`` is the domain of the rules without one; ``domain`` None means
        the host is outside ``SERVER_NAME`` (404). Raises as ``Router.match`` does.
        """
        allowed: set[str] = set()
        for router, pairs in self._candidates(domain, default_domain):
            try:
                endpoint, values = router.match(path, method, query)
            except MethodNotAllowed as error:
                allowed.update(error.valid_methods)
                continue
            except NotFound:
                continue
            return endpoint, {**dict(pairs), **values}
        if allowed:
            raise MethodNotAllowed(allowed)
        raise NotFound()

    def _candidates(
        self, domain: Optional[str], default_domain: str
    ) -> list[tuple[Router, list[tuple[str, Any]]]]:
        """The routers whose domain fits, in the order they are tried, with its values."""
        if domain is None:
            return []
        found: list[tuple[Router, list[tuple[str, Any]]]] = []
        static = self._static.get(domain)
        if static is not None:
            found.append((static, []))
        if domain == default_domain:
            found.append((self.default_router, []))
        for router in self._patterns:
            pairs = router.domain.match(domain)
            if pairs is not None:
                found.append((router, pairs))
        return found

    def build(
        self,
        endpoint: Any,
        values: Mapping[str, Any],
        method: Optional[str],
        current_host: Optional[str] = None,
    ) -> tuple[Optional[str], str]:
        """The domain (None: the rule has none) and the path for ``endpoint``.

        The app's router first, then the domains in the order they were named; the first
        that has a rule for the endpoint and every value it needs builds. With host
        matching, a rule on ``current_host`` is preferred (as Werkzeug does), so that an
        endpoint registered on several hosts stays on the current one. Raises BuildError.
        """
        first_error: Optional[BuildError] = None
        first_built: Optional[tuple[Optional[str], str]] = None
        for router in (self.default_router, *self._by_text.values()):
            if not router.has_endpoint(endpoint):
                continue
            try:
                built = self._build_with(router, endpoint, values, method)
            except BuildError as error:
                first_error = first_error or error
                continue
            if not self.host_matching or current_host is None or built[0] == current_host:
                return built
            first_built = first_built or built
        if first_built is not None:
            return first_built
        raise first_error or BuildError(f"no rule has the endpoint {endpoint!r}")

    def _build_with(
        self, router: Router, endpoint: Any, values: Mapping[str, Any], method: Optional[str]
    ) -> tuple[Optional[str], str]:
        """``build`` with one router: its domain's values apart, the rest for the path."""
        if not isinstance(router, DomainRouter):  # the app's router: rules without a domain
            return None, router.build(endpoint, values, method)
        domain = router.domain
        missing = [name for name in domain.names if name not in values]
        if missing:
            needs = f"endpoint {endpoint!r} needs values for {', '.join(missing)}"
            raise BuildError(f"{needs} (host {domain.text!r})")
        path_values = {key: value for key, value in values.items() if key not in domain.names}
        path = router.build(endpoint, path_values, method)
        return domain.build(values), path


def rule_domain(
    subdomain: Optional[str], host: Optional[str], host_matching: bool
) -> Optional[str]:
    """The domain of a rule given ``subdomain=`` and ``host=`` (None: it has none).

    Werkzeug ignores the one that does not fit the map's mode; tinyweb refuses it, since
    it can only be a mistake (ValueError).
    """
    domain, ignored = (host, subdomain) if host_matching else (subdomain, host)
    if ignored is not None:
        needed = "host_matching=False" if host_matching else "host_matching=True"
        name = "subdomain" if host_matching else "host"
        raise ValueError(f"{name}={ignored!r} needs {needed}")
    return domain


def readable_host(current: RoutedRequest) -> str:
    """``current.host``, or "" for a malformed ``Host`` (Request.host's 400): url_for
    then prefers no host's rule and names the host it builds for. An untrusted host
    (``TRUSTED_HOSTS``) is still refused."""
    try:
        return current.host
    except SecurityError:
        raise
    except BadRequest:
        return ""


def request_domain(
    host: str,
    server_name: Optional[str],
    host_matching: bool,
    subdomain_matching: bool,
    default_subdomain: str,
) -> Optional[str]:
    """The domain a request's ``host`` asks for (see the module's rules); None if the
    host is outside ``server_name``; BadRequest for a malformed host.

    ``host`` is ``Request.host`` (default port dropped); ``server_name`` the normalized
    ``SERVER_NAME`` (``normalize_server_name``). ::

        request_domain("API.example.com", "example.com", False, True, "")   # "api"
    """
    if not (host_matching or subdomain_matching):
        return default_subdomain  # the host does not matter (and is not checked)
    host = host.lower()
    if not _HOST.fullmatch(host):
        raise BadRequest(f"The Host header {host[:100]!r} is not a valid host name.")
    if host_matching:
        return host
    if server_name is None:
        return ""  # the host is the server's name: no subdomain
    labels, server_labels = host.split("."), server_name.split(".")
    if labels[-len(server_labels) :] != server_labels:
        return None
    return ".".join(label for label in labels[: -len(server_labels)] if label)


def url_host(
    domain: Optional[str],
    current_domain: Optional[str],
    base_host: str,
    host_matching: bool,
    default_subdomain: str,
) -> tuple[Optional[str], bool]:
    """The host of a URL for a rule with ``domain`` (None: the current host), and whether
    it is another host than the current one (then the URL must name it).

    ``current_domain`` is the domain of the current request (``request_domain``), or
    outside one ``SERVER_NAME`` (host matching) or the default subdomain; ``base_host``
    is ``SERVER_NAME``, else the request's host: subdomains are put in front of it. ::

        url_host("api", "", "example.com", False, "")     # ("api.example.com", True)
    """
    if host_matching:
        # A rule without a host stays on the current one (Werkzeug would build "//").
        return domain, domain is not None and domain != current_domain
    subdomain = default_subdomain if domain is None else domain
    host = f"{subdomain}.{base_host}" if subdomain else base_host
    return host, subdomain != current_domain


def normalize_server_name(server_name: str, scheme: str) -> str:
    """``SERVER_NAME`` lowercased, without the scheme's default port (as Werkzeug)."""
    server_name = server_name.lower()
    default_port = {"http": ":80", "https": ":443"}.get(scheme)
    if default_port and server_name.endswith(default_port):
        server_name = server_name[: -len(default_port)]
    return server_name
