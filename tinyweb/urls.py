"""Building URLs: ``url_for`` and the ``url_defaults`` hooks, the part of ``App`` that
turns an endpoint and values back into a URL.

Where it fits: routing runs in two directions. ``App.match_request`` (``tinyweb.app``)
asks the router which endpoint a request's path names; ``AppURLs.url_for`` asks it the
reverse, which path an endpoint and values make (``Router.build``, ``tinyweb.routing``).
``AppURLs`` is a mixin of ``App``, kept here so that ``app.py`` holds the request
pipeline; the module-level ``url_for`` in ``tinyweb.app`` calls it on ``current_app``.

Rules:
- Inside a request a URL is relative to the app's mount point (``SCRIPT_NAME``) and uses
  the request's host and scheme; outside one, ``SERVER_NAME``, ``APPLICATION_ROOT`` and
  ``PREFERRED_URL_SCHEME`` say where the app lives, and the URL is absolute.
- ``url_defaults`` functions (``Scaffold.url_defaults``) may add values before the build,
  in Flask's scope order; ``None`` values are dropped after them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from tinyweb.context import current_request_context, has_request_context
from tinyweb.routing import BuildError, Router
from tinyweb.scaffold import HookTable

if TYPE_CHECKING:  # pragma: no cover - names for annotations only
    from tinyweb.config import Config


class AppURLs:
    """The URL-building side of ``App`` (``url_for``).

    A mixin of ``App``; ``App.__init__`` and ``Scaffold.__init__`` set the attributes below.
    """

    config: Config
    router: Router
    build_only_router: Router  # rules that repeat a routed one (see App.add_url_rule)
    url_default_functions: HookTable

    def url_for(
        self,
        endpoint: str,
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
        absolute. ``_external=True`` adds scheme and host, ``_scheme`` picks the scheme
        (needs ``_external``), ``_anchor`` adds ``#fragment``, ``_method`` picks among
        rules of the same endpoint (default: in a request, a rule for its method if the
        endpoint has one, as in Flask).

        Example: ``url_for("user", user_id=7, tab="posts")`` → ``"/users/7?tab=posts"``.
        """
        if has_request_context():
            current = current_request_context().request
            if endpoint.startswith("."):
                blueprint = current.blueprint
                endpoint = f"{blueprint}{endpoint}" if blueprint else endpoint[1:]
            script_root, host, scheme = current.script_root, current.host, current.scheme
            external, method = bool(_external), _method or current.method
        else:
            script_root, host, scheme = self._url_parts_outside_request()
            external, method = True if _external is None else _external, _method
        if _scheme is not None:
            if not external:
                raise ValueError("url_for(_scheme=...) needs _external=True")
            scheme = _scheme
        if self.url_default_functions:
            self.inject_url_defaults(endpoint, values)
        values = {name: value for name, value in values.items() if value is not None}
        try:
            path = self._build_path(endpoint, values, method)
        except BuildError:
            if _method is not None or method is None:
                raise
            path = self._build_path(endpoint, values, None)  # no rule for this method
        url: str = script_root.rstrip("/") + path
        if external:
            url = f"{scheme}://{host}{url}"
        if _anchor is not None:
            url += "#" + quote(_anchor, safe="%!#$&'()*+,/:;=?@")
        return url

    def inject_url_defaults(self, endpoint: str, values: dict[str, Any]) -> None:
        """Let the ``url_defaults`` functions add to ``values`` (``url_for`` calls this).

        The app's run for every endpoint, then those of the blueprints around ``endpoint``,
        outermost first (for ``"admin.users.list"``: app, ``admin``, ``admin.users``).
        """
        scopes: list[str | None] = [None]
        blueprint = endpoint.rpartition(".")[0]
        if blueprint:
            parts = blueprint.split(".")
            scopes += [".".join(parts[: index + 1]) for index in range(len(parts))]
        for scope in scopes:
            for function in self.url_default_functions.get(scope, ()):
                function(endpoint, values)

    def _build_path(self, endpoint: str, values: dict[str, Any], method: str | None) -> str:
        """The router builds the path; a build-only rule is the fallback (see add_url_rule)."""
        try:
            return str(self.router.build(endpoint, values, method=method))
        except BuildError as error:
            if not len(self.build_only_router):
                raise
            routed_error = error
        try:
            return str(self.build_only_router.build(endpoint, values, method=method))
        except BuildError:
            raise routed_error from None

    def _url_parts_outside_request(self) -> tuple[str, str, str]:
        """(script root, host, scheme) from config, for url_for outside a request."""
        server_name = self.config["SERVER_NAME"]
        if not server_name:
            raise RuntimeError(
                "url_for() outside a request needs app.config['SERVER_NAME'] (for example "
                "'example.com'), so it knows which host to build the URL for; or call it "
                "inside `with app.test_request_context():`."
            )
        return (
            self.config["APPLICATION_ROOT"] or "/",
            server_name,
            self.config["PREFERRED_URL_SCHEME"],
        )
