"""Building URLs: ``url_for`` and the ``url_defaults`` hooks, the part of ``App`` that
turns an endpoint and values back into a URL.

Where it fits: routing runs in two directions. ``App.match_request`` (``tinyweb.app``)
asks the router which endpoint a request's path names; ``AppURLs.url_for`` asks it the
reverse, which path an endpoint and values make (``Router.build``, ``tinyweb.routing``).
``AppURLs`` is a mixin of ``App``, kept here so that ``app.py`` holds the request
pipeline; the module-level ``url_for`` in ``tinyweb.app`` calls it on ``current_app``.

Rules:
- Inside a request a URL is relative to the app's mount point (``SCRIPT_NAME``) and uses
  the request's scheme; an external one names ``SERVER_NAME`` when it is set, else the
  request's host (Flask 3.1). Outside a request, ``SERVER_NAME``, ``APPLICATION_ROOT``
  and ``PREFERRED_URL_SCHEME`` say where the app lives, and the URL is absolute.
- ``url_defaults`` functions (``Scaffold.url_defaults``) may add values before the build,
  in Flask's scope order; ``None`` values are dropped after them.
- When no rule builds, the ``BuildError`` goes through ``handle_url_build_error`` (and
  ``app.url_build_error_handlers``) before it reaches the caller, as in Flask.
- ``app.url_map`` is a view of the app's routers shaped like the part of Werkzeug's
  ``Map`` that Flask apps use (``URLMap``), not a second store of rules.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from typing import TYPE_CHECKING, Any, Callable
from urllib.parse import quote

from tinyweb.context import current_request_context, has_request_context
from tinyweb.converters import BaseConverter
from tinyweb.host_routing import HostRoutes, normalize_server_name, readable_host
from tinyweb.routing import BuildError, Router, Rule
from tinyweb.scaffold import HookTable, endpoint_scopes

if TYPE_CHECKING:  # pragma: no cover - names for annotations only
    from tinyweb.config import Config


class URLMap:
    """``app.url_map``: Werkzeug's ``Map`` as far as Flask apps use it, over the router.

    - ``converters``: a dict of converter classes by name; setting one registers it
      (``app.url_map.converters["regex"] = RegexConverter``). The class subclasses
      ``tinyweb.converters.BaseConverter`` and its ``__init__`` receives the rule's
      arguments only (Werkzeug passes the map first).
    - ``strict_slashes``: the default of ``add_url_rule(strict_slashes=...)`` for rules
      added after it is set (Werkzeug's map default; True).
    - ``iter_rules(endpoint=None)`` and ``is_endpoint_expecting(endpoint, *arguments)``.
    - ``host_matching`` (set it with ``App(host_matching=True)``) and
      ``default_subdomain`` (``""``), the subdomain of the rules that name none.

    Example::

        app.url_map.strict_slashes = False
        [rule.rule for rule in app.url_map.iter_rules()]
    """

    def __init__(self, routers: list[Router], host_matching: bool = False) -> None:
        """A view of ``routers`` (the app's router, its build-only router, then one per
        host or subdomain, ``tinyweb.host_routing``)."""
        self.routers = routers
        self.converters = ConverterRegistry(routers)
        self.strict_slashes = True
        self.host_matching = host_matching  # rules match whole hosts (App(host_matching=))
        self.default_subdomain = ""  # the subdomain of rules that name none

    def __repr__(self) -> str:
        return f"<URLMap of {sum(len(router) for router in self.routers)} rules>"

    def __iter__(self) -> Iterator[Rule]:
        return self.iter_rules()

    def iter_rules(self, endpoint: str | None = None) -> Iterator[Rule]:
        """Every rule in the order added, or those of ``endpoint`` only."""
        for router in self.routers:
            for rule in router:
                if endpoint is None or rule.endpoint == endpoint:
                    yield rule

    def is_endpoint_expecting(self, endpoint: str, *arguments: str) -> bool:
        """True if a rule of ``endpoint`` takes all of ``arguments`` (False if unknown);
        a subdomain's or host's variables count, as in Werkzeug."""
        wanted = set(arguments)
        return any(
            wanted.issubset((*rule.arguments, *rule.domain_arguments))
            for rule in self.iter_rules(endpoint)
        )


class ConverterRegistry(MutableMapping[str, "type[BaseConverter]"]):
    """``url_map.converters``: reading is the router's table; setting registers a class."""

    def __init__(self, routers: list[Router]) -> None:
        """A view of the converter tables of ``routers`` (kept identical)."""
        self._routers = routers

    def __getitem__(self, name: str) -> type[BaseConverter]:
        return self._routers[0].converters[name]

    def __setitem__(self, name: str, converter_class: type[BaseConverter]) -> None:
        for router in self._routers:  # identical tables: a bad name or class (RuleError)
            router.register_converter(name, converter_class)  # is refused by the first

    def __delitem__(self, name: str) -> None:
        raise TypeError("converters cannot be removed: rules may already use them")

    def __iter__(self) -> Iterator[str]:
        return iter(self._routers[0].converters)

    def __len__(self) -> int:
        return len(self._routers[0].converters)


class AppURLs:
    """The URL-building side of ``App`` (``url_for``).

    A mixin of ``App``; ``App.__init__`` and ``Scaffold.__init__`` set the attributes below.
    """

    config: Config
    router: Router
    build_only_router: Router  # rules that repeat a routed one (see App.add_url_rule)
    host_routes: HostRoutes | None  # rules with a subdomain or host (tinyweb.host_routing)
    url_default_functions: HookTable
    url_build_error_handlers: list[Callable[[Exception, str, dict[str, Any]], Any]]

    def url_for(
        self,
        endpoint: str,
        /,
        *,
        _anchor: str | None = None,
        _method: str | None = None,
        _scheme: str | None = None,
        _external: bool | None = None,
        **values: Any,
    ) -> str:
        """The URL of ``endpoint``, with the rule's values filled in.

        Values the rule does not use go to the query string; ``None`` values are dropped.
        Inside a request the URL is relative to ``SCRIPT_NAME`` (the app may be mounted
        under a prefix); outside one, ``SERVER_NAME`` must be configured and the URL is
        absolute. ``_external=True`` adds scheme and host (``SERVER_NAME`` if it is set,
        else the request's), ``_scheme`` picks the scheme (and makes the URL external; a
        ValueError with ``_external=False``), ``_anchor`` adds ``#fragment``, ``_method``
        picks among rules of the same endpoint (default: in a request, a rule for its
        method if the endpoint has one, as in Flask).

        Example: ``url_for("user", user_id=7, tab="posts")`` → ``"/users/7?tab=posts"``.
        """
        current: Any = None  # the request, if url_for is called inside one
        if has_request_context():
            current = current_request_context().request
            if endpoint.startswith("."):
                blueprint = current.blueprint
                endpoint = f"{blueprint}{endpoint}" if blueprint else endpoint[1:]
            script_root, scheme = current.script_root, current.scheme
            # A scheme of its own makes the URL external unless told otherwise (Flask).
            external = _scheme is not None if _external is None else bool(_external)
            method = _method or current.method
        else:
            script_root, scheme = self._url_parts_outside_request()
            external, method = True if _external is None else _external, _method
        if _scheme is not None:
            if not external:
                raise ValueError("url_for(_scheme=...) cannot be combined with _external=False")
            scheme = _scheme
        if self.url_default_functions:
            self.inject_url_defaults(endpoint, values)
        given = values  # what a url_build_error handler sees, as in Flask
        values = {name: value for name, value in values.items() if value is not None}
        try:
            domain, path = self._build_path_for_method(endpoint, values, method, _method, current)
        except BuildError as error:
            given.update(_anchor=_anchor, _method=_method, _scheme=_scheme, _external=_external)
            return self.handle_url_build_error(error, endpoint, given)
        url: str = script_root.rstrip("/") + path
        if external or self.host_routes is not None:
            host, elsewhere = self._url_host(domain, current)
            if external or elsewhere:  # another host: the URL names it (Werkzeug)
                url = f"{scheme}://{host}{url}"
        if _anchor is not None:
            url += "#" + quote(_anchor, safe="%!#$&'()*+,/:;=?@")
        return url

    def handle_url_build_error(
        self, error: BuildError, endpoint: str, values: dict[str, Any]
    ) -> str:
        """What ``url_for`` does when no rule builds: ask each of
        ``app.url_build_error_handlers`` in turn, ``handler(error, endpoint, values)``;
        the first that returns something other than None gives the URL. A handler may
        raise a ``BuildError`` of its own, which the next handlers (and the caller) see.
        Without an answer the error is raised. ``values`` hold ``url_for``'s ``_anchor``,
        ``_method``, ``_scheme`` and ``_external`` too.

        Example: send unknown endpoints to another app::

            def to_legacy_app(error, endpoint, values):
                return legacy_app.url_for(endpoint) if endpoint.startswith("old.") else None

            app.url_build_error_handlers.append(to_legacy_app)
        """
        for handler in self.url_build_error_handlers:
            try:
                url = handler(error, endpoint, values)
            except BuildError as handler_error:
                error = handler_error
            else:
                if url is not None:
                    return str(url)
        raise error

    def inject_url_defaults(self, endpoint: str, values: dict[str, Any]) -> None:
        """Let the ``url_defaults`` functions add to ``values`` (``url_for`` calls this).

        The app's run for every endpoint, then those of the blueprints around ``endpoint``,
        outermost first (for ``"admin.users.list"``: app, ``admin``, ``admin.users``).
        """
        for scope in endpoint_scopes(endpoint):
            for function in self.url_default_functions.get(scope, ()):
                function(endpoint, values)

    def _build_path_for_method(
        self,
        endpoint: str,
        values: dict[str, Any],
        method: str | None,
        asked_method: str | None,
        current: Any,
    ) -> tuple[str | None, str]:
        """``_build_path`` for ``method``; when the request's method (not one given as
        ``_method``) has no rule, any rule of the endpoint will do (Flask)."""
        try:
            return self._build_path(endpoint, values, method, current)
        except BuildError:
            if asked_method is not None or method is None:
                raise
            return self._build_path(endpoint, values, None, current)

    def _build_path(
        self, endpoint: str, values: dict[str, Any], method: str | None, current: Any
    ) -> tuple[str | None, str]:
        """The rule's domain (None if it has none) and the path; the routers build, and a
        build-only rule is the fallback (see add_url_rule). ``current`` is the request (None
        outside one): with host matching, a rule on its host is preferred."""
        try:
            if self.host_routes is not None:
                current_host = (
                    self._server_host(None) if current is None else readable_host(current)
                )
                return self.host_routes.build(
                    endpoint, values, method, (current_host or "").lower()
                )
            return None, str(self.router.build(endpoint, values, method=method))
        except BuildError as error:
            if not len(self.build_only_router):
                raise
            routed_error = error
        try:
            return None, str(self.build_only_router.build(endpoint, values, method=method))
        except BuildError:
            raise routed_error from None

    def _url_host(self, domain: str | None, current: Any) -> tuple[str, bool]:
        """The host of a URL for a rule with ``domain`` (None: it has none), and whether
        it is another host than the request's (then even a relative URL must name it).

        ``SERVER_NAME`` when it is set, else the request's host, as Flask 3.1: an app
        behind several names still builds its external URLs on the one it is configured
        with. A rule's subdomain goes in front; a ``host`` rule names its own.
        """
        server_host = self._server_host(current)
        if self.host_routes is None:
            return server_host or current.host, False
        return self.host_routes.url_host(domain, current, server_host)

    def _server_host(self, current: Any) -> str | None:
        """``SERVER_NAME`` as a URL's host (None if unset): lowercased and, inside the
        request ``current``, without its scheme's default port, as Werkzeug binds it."""
        server_name: str | None = self.config["SERVER_NAME"]
        if not server_name:
            return None
        if current is None:
            return server_name.lower()
        return normalize_server_name(server_name, current.scheme)

    def _url_parts_outside_request(self) -> tuple[str, str]:
        """(script root, scheme) from config, for url_for outside a request, which needs
        ``SERVER_NAME`` (RuntimeError)."""
        if not self.config["SERVER_NAME"]:
            raise RuntimeError(
                "url_for() outside a request needs app.config['SERVER_NAME'] (for example "
                "'example.com'), so it knows which host to build the URL for; or call it "
                "inside `with app.test_request_context():`."
            )
        return self.config["APPLICATION_ROOT"] or "/", self.config["PREFERRED_URL_SCHEME"]
