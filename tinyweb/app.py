"""The application: ``App``, a WSGI callable that turns requests into view calls.

Where it fits: a WSGI server (tinyweb's own, gunicorn, waitress, wsgiref) calls the app with
``(environ, start_response)`` (PEP 3333). The app builds a ``Request``, pushes the context
(``tinyweb.context``), runs the hooks and the view matched by the ``Router``, turns whatever
the view returned into a ``Response`` and calls it. Errors become responses through
``errorhandler`` functions or the ``HTTPError`` pages of ``tinyweb.errors``.

The life of a request, one short method per step (Flask's names, so Flask's documentation
describes tinyweb too)::

    wsgi_app                     push the context; pop it (and tear down) at the end
      full_dispatch_request
        match_request            router: endpoint + view_args, or the routing error
        preprocess_request       url_value_preprocessor functions, then before_request
                                 hooks; a hook's return value short-circuits
        dispatch_request         call the view
        handle_user_exception    an exception from the above -> errorhandler or HTTPError
        finalize_request
          make_response          the return-value conventions, all in one place
          process_response       after_this_request + after_request hooks, save session
      handle_exception           anything still unhandled -> 500 (or re-raised in tests)
      do_teardown_request        teardown_request hooks, all of them, even if one raises

Registration (``route``, hooks, ``errorhandler``, static and resource files) is shared with
``Blueprint`` and lives in ``tinyweb.scaffold``; ``url_for`` lives in ``tinyweb.urls``, the
template side in ``tinyweb.rendering`` and the error steps (``handle_user_exception`` and
the methods it calls) in ``tinyweb.app_errors`` (all mixins of ``App``). Hooks and
handlers are stored per *scope*:
``None`` for the app, a blueprint's dotted name for the blueprint (``tinyweb.blueprints``
copies them there on registration); a request's scopes come from its endpoint name
(``admin.users.edit`` → app, ``admin``, ``admin.users``).

Rules:
- The framework half only: this module never imports the server, except lazily inside
  ``App.run`` (ARCHITECTURE.md). The app runs under any WSGI server.
- Modules that a request does not need (templating, testing, logging) are imported on first
  use, so ``import tinyweb`` stays cheap (see benchmarks/bench_app.py).
- Where this module is silent, it does what Flask 3.1 does. Deliberate differences:
  ``DEBUG`` does not re-raise errors (there is no debugger middleware to catch them); it
  renders an escaped traceback page instead. Only ``TESTING`` or ``PROPAGATE_EXCEPTIONS``
  re-raise.
"""

from __future__ import annotations

import os
import sys
import weakref
from collections.abc import Iterable
from datetime import timedelta
from types import CoroutineType
from typing import IO, TYPE_CHECKING, Any, Callable, TypeVar

from tinyweb.app_errors import AppErrors
from tinyweb.config import DEFAULT_CONFIG, Config, with_debug_flag
from tinyweb.context import (
    AppContext,
    AppGlobals,
    RequestContext,
    current_app,
    current_request_context,
    has_request_context,
)
from tinyweb.coroutines import async_to_sync, ensure_sync, resolve, run_coroutine
from tinyweb.errors import HTTPError, RequestRedirect
from tinyweb.header_sets import HeaderSet
from tinyweb.host_routing import HostRoutes, rule_domain
from tinyweb.json_provider import DefaultJSONProvider, JSONProvider
from tinyweb.rendering import AppTemplates
from tinyweb.request import Request
from tinyweb.response import Response
from tinyweb.return_values import to_response
from tinyweb.routing import AutomaticOptions, Router, Rule, RuleError
from tinyweb.scaffold import (
    Scaffold,
    ViewFunction,
    endpoint_scopes,
    find_instance_path,
    max_age_setting,
    rule_methods,
)
from tinyweb.shell import AppShell
from tinyweb.signals import (
    appcontext_tearing_down,
    request_finished,
    request_started,
    request_tearing_down,
)
from tinyweb.urls import AppURLs, URLMap

if TYPE_CHECKING:  # pragma: no cover - names for annotations only
    import logging

    from tinyweb.blueprints import Blueprint
    from tinyweb.commands import CliRunner, CommandGroup
    from tinyweb.templating import Environment
    from tinyweb.testing import Client

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
# What a view may return; make_response() documents each shape.
ResponseValue = Any
Function = TypeVar("Function", bound=Callable[..., Any])
# config.DEFAULT_CONFIG plus the settings of the app layer's own features.
APP_DEFAULT_CONFIG: dict[str, Any] = {**DEFAULT_CONFIG, "SEND_FILE_MAX_AGE_DEFAULT": None}


class App(Scaffold, AppTemplates, AppURLs, AppShell, AppErrors):
    """A WSGI application with routes, hooks, error handlers, config and templates.

    Example::

        app = App(__name__)

        @app.get("/hello/<name>")
        def hello(name):
            return f"Hello, {name}!"

        app.run()        # or: python -m tinyweb run module:app, or any WSGI server

    ``import_name`` locates the app: its folder is ``root_path``, which holds
    ``templates/`` and ``static/`` (served at ``static_url_path``, ``/static`` by default,
    endpoint ``"static"``). ``instance_path`` is the folder for data that is not code
    (default: ``instance/`` next to the package); with ``instance_relative_config``,
    ``config.from_pyfile`` reads from it. The template methods (``jinja_env``,
    ``template_filter``, ``jinja_options``, ...) come from ``rendering.AppTemplates``, and
    ``shell_context_processor``/``make_shell_context`` from ``shell.AppShell``; the error
    handling (``handle_user_exception``, ``handle_http_exception``, ``aborter``,
    ``redirect``...) from ``app_errors.AppErrors``.
    """

    # The app's own attributes are slots, not keys of the instance's __dict__: CPython
    # keeps `self.name` fast only while an object's __dict__ has fewer than 30 keys (its
    # shared-key dicts), and an App has more. Past that, every `self.config` or
    # `self.router` of every request was ~40% slower (bench_app hello: +1.7 µs). What an
    # application adds to its app (`app.db = ...`) still goes to __dict__.
    __slots__ = (
        "_cli", "_got_first_request", "_logger", "_session_interface", "_static_folder", "_static_url_path",
        "_template_environment", "aborter", "after_request_funcs",
        "before_request_funcs", "blueprints", "build_only_router", "config",
        "endpoint_defaults", "error_handler_spec", "extensions", "host_routes",
        "import_name", "instance_path", "json", "root_path", "router", "subdomain_matching",
        "teardown_appcontext_funcs", "teardown_request_funcs", "template_context_processors",
        "template_folder", "url_build_error_handlers", "url_default_functions", "url_map",
        "url_value_preprocessors", "view_functions",
    )  # fmt: skip
    request_class: type[Request] = Request
    response_class: type[Response] = Response
    default_config: dict[str, Any] = APP_DEFAULT_CONFIG
    # app.json, made in __init__: how jsonify, dict returns and get_json do JSON.
    json_provider_class: type[JSONProvider] = DefaultJSONProvider
    config_class: type[Config] = Config  # what make_config builds app.config with
    app_ctx_globals_class: type[AppGlobals] = AppGlobals  # the class of g, one per context
    # What test_client() and test_cli_runner() build (None: tinyweb's Client, CliRunner).
    test_client_class: type[Client] | None = None
    test_cli_runner_class: type[CliRunner] | None = None

    def __init__(
        self,
        import_name: str,
        static_url_path: str | None = None,
        static_folder: str | os.PathLike[str] | None = "static",
        static_host: str | None = None,
        host_matching: bool = False,
        subdomain_matching: bool = False,
        template_folder: str | os.PathLike[str] | None = "templates",
        instance_path: str | None = None,
        instance_relative_config: bool = False,
        root_path: str | None = None,
    ) -> None:
        super().__init__(import_name, static_folder, static_url_path, template_folder, root_path)
        if self.has_static_folder and bool(static_host) != host_matching:
            raise ValueError("static_host is needed with host_matching=True, and only then")
        if instance_path is None:
            instance_path = self.auto_find_instance_path()
        elif not os.path.isabs(instance_path):
            raise ValueError(f"instance_path must be absolute, not {instance_path!r}")
        self.instance_path = instance_path
        self.config = self.make_config(instance_relative_config)
        self.aborter = self.make_aborter()  # what tinyweb.abort calls (app_errors)
        self.json: JSONProvider = self.json_provider_class(self)
        self.router = Router()
        self.build_only_router = Router()  # rules that repeat a routed one, for url_for
        routers = [self.router, self.build_only_router]
        self.url_map = URLMap(routers, bool(host_matching))  # Flask's name, a view
        self.subdomain_matching = bool(subdomain_matching)
        # Rules with a subdomain or host (tinyweb.host_routing); None while there are none
        # and the host does not matter, so that matching is the router's alone.
        self.host_routes: HostRoutes | None = None
        if host_matching or subdomain_matching:
            self.host_routes = self._new_host_routes()
        self.blueprints: dict[str, Blueprint] = {}
        self.extensions: dict[str, Any] = {}  # an extension's state, by its name (as Flask)
        self._got_first_request = False  # set-up is refused from then on (Flask's rule)
        # url_for's BuildError goes through these (urls.AppURLs.handle_url_build_error).
        self.url_build_error_handlers: list[Callable[[Exception, str, dict[str, Any]], Any]] = []
        self.teardown_appcontext_funcs: list[Callable[[Any], Any]] = []
        # Per endpoint: values given to the view when the URL does not have them.
        self.endpoint_defaults: dict[str, dict[str, Any]] = {}
        self._session_interface: Any = None
        self._template_environment: Environment | None = None
        self._logger: logging.Logger | None = None
        self._cli: Any = None
        if self.has_static_folder:
            # Through a weak reference, as Flask: a bound method in view_functions would
            # be a cycle (app -> view -> app) that only the garbage collector frees.
            app_ref = weakref.ref(self)

            def static(filename: str) -> Response:
                return app_ref().send_static_file(filename)  # type: ignore[union-attr]

            rule = f"{self.static_url_path}/<path:filename>"
            self.add_url_rule(rule, "static", static, host=static_host)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"

    # -- settings --------------------------------------------------------------------------

    @property
    def name(self) -> str:
        """The app's name: ``import_name``, or the script's file name when run as __main__."""
        if self.import_name == "__main__":
            main_file: str | None = getattr(sys.modules.get("__main__"), "__file__", None)
            if main_file:
                return os.path.splitext(os.path.basename(main_file))[0]
        return self.import_name

    @property
    def debug(self) -> bool:
        """``config["DEBUG"]``: errors render a traceback page (escaped, no console)."""
        return bool(self.config["DEBUG"])

    @debug.setter
    def debug(self, value: bool) -> None:
        self.config["DEBUG"] = value

    @property
    def testing(self) -> bool:
        """``config["TESTING"]``: unhandled errors propagate to the test instead of a 500."""
        return bool(self.config["TESTING"])

    @testing.setter
    def testing(self, value: bool) -> None:
        self.config["TESTING"] = value

    @property
    def secret_key(self) -> Any:
        """``config["SECRET_KEY"]``, the key that signs sessions."""
        return self.config["SECRET_KEY"]

    @secret_key.setter
    def secret_key(self, value: Any) -> None:
        self.config["SECRET_KEY"] = value

    @property
    def permanent_session_lifetime(self) -> timedelta:
        """``config["PERMANENT_SESSION_LIFETIME"]`` as a ``timedelta`` (31 days by default)."""
        from tinyweb.sessions import permanent_session_lifetime  # sessions load on first use

        return permanent_session_lifetime(self)

    @permanent_session_lifetime.setter
    def permanent_session_lifetime(self, value: timedelta | int) -> None:
        self.config["PERMANENT_SESSION_LIFETIME"] = value

    @property
    def session_interface(self) -> Any:
        """How sessions are opened and saved (Flask's ``SessionInterface`` shape).

        Default: signed cookies (``tinyweb.sessions.SecureCookieSessionInterface``),
        imported on first use; assign another interface to store sessions elsewhere.
        """
        if self._session_interface is None:
            from tinyweb.sessions import SecureCookieSessionInterface

            self._session_interface = SecureCookieSessionInterface()
        return self._session_interface

    @session_interface.setter
    def session_interface(self, interface: Any) -> None:
        self._session_interface = interface

    @property
    def logger(self) -> logging.Logger:
        """A stdlib logger named after the app, with a stderr handler if none is set up.

        Example: ``app.logger.info("user %s logged in", user_id)``.
        """
        if self._logger is None:
            import logging

            from tinyweb.logs import default_handler

            logger = logging.getLogger(self.name)
            if self.debug and not logger.level:
                logger.setLevel(logging.DEBUG)
            if not logger.hasHandlers():
                # One handler for all apps, so racing first reads add it once (tinyweb.logs).
                logger.addHandler(default_handler)
            self._logger = logger
        return self._logger

    def make_config(self, instance_relative: bool = False) -> Config:
        """Build ``app.config`` (``__init__`` calls it): a ``config_class`` of the defaults,
        relative to ``instance_path`` if ``instance_relative`` is true, else ``root_path``."""
        root = self.instance_path if instance_relative else self.root_path
        return self.config_class(root, with_debug_flag(self.default_config))

    def auto_find_instance_path(self) -> str:
        """The instance folder when none is given: ``instance/`` next to the package, or
        ``<prefix>/var/<name>-instance`` for an installed one (``__init__`` calls it)."""
        return find_instance_path(self.import_name, self.name)

    # -- registering views, blueprints and files ------------------------------------------

    def add_url_rule(
        self,
        rule: str,
        endpoint: str | None = None,
        view_func: ViewFunction | None = None,
        methods: Iterable[str] | None = None,
        strict_slashes: bool | None = None,
        defaults: dict[str, Any] | None = None,
        provide_automatic_options: bool | None = None,
        subdomain: str | None = None,
        host: str | None = None,
    ) -> None:
        """Map ``rule`` to ``endpoint`` (and the endpoint to ``view_func``).

        ``endpoint`` defaults to the view's ``__name__``; ``methods`` and
        ``provide_automatic_options`` to the view's attributes of those names, read as
        Flask does (``scaffold.rule_methods``): GET, HEAD with it, OPTIONS answered
        automatically. ``strict_slashes`` defaults to ``app.url_map.strict_slashes``
        (True). A rule without a view is allowed: it exists for ``url_for``.
        ``defaults`` are view arguments the URL does not carry (kept per endpoint).
        ``subdomain`` (``"api"``, ``"<user>"``) or, with ``host_matching``, ``host``
        (``"<user>.example.com"``) names the rule's domain (``tinyweb.host_routing``).

        Example: ``app.add_url_rule("/", "index", index)``.
        """
        self._check_setup_finished("add_url_rule")
        if endpoint is None:
            if view_func is None:
                raise ValueError(f"add_url_rule({rule!r}) needs an endpoint or a view function")
            endpoint = view_func.__name__
        methods, automatic = rule_methods(rule, view_func, methods, provide_automatic_options)
        existing = self.view_functions.get(endpoint)
        # != and not "is not": each read of obj.method makes a new (equal) bound method.
        if view_func is not None and existing is not None and existing != view_func:
            raise AssertionError(
                f"View function mapping is overwriting an existing endpoint function: {endpoint}"
            )
        if strict_slashes is None:
            strict_slashes = self.url_map.strict_slashes
        router = self._router_for(subdomain, host)
        try:
            routed = RoutedEndpoint(endpoint)
            routed.url_rule = router.add(rule, routed, methods, strict_slashes, automatic)
        except RuleError as error:
            if (
                view_func is not None
                or router is not self.router
                or "already registered" not in str(error)
            ):
                raise
            # Flask's tutorial names a blueprint's "/" again as "index", without a view:
            # that rule can never match first, so it exists for url_for only.
            self.build_only_router.add(rule, endpoint, methods, strict_slashes)
        if view_func is not None:
            self.view_functions[endpoint] = view_func
        if defaults:
            self.endpoint_defaults.setdefault(endpoint, {}).update(defaults)

    def _new_host_routes(self) -> HostRoutes:
        """The app's routes by domain, made when host or subdomain matching is on, or for
        the first rule with a domain."""
        return HostRoutes(self.router, self.url_map.routers, self.url_map, self.subdomain_matching)

    def _router_for(self, subdomain: str | None, host: str | None) -> Router:
        """The router of a rule's domain (tinyweb.host_routing): the app's if it has none."""
        domain = rule_domain(subdomain, host, self.url_map.host_matching)
        if domain is None:
            return self.router
        if self.host_routes is None:
            self.host_routes = self._new_host_routes()
        return self.host_routes.router_for(domain)

    def register_blueprint(self, blueprint: Blueprint, **options: Any) -> None:
        """Add a blueprint's views, hooks, templates and static files to the app.

        ``options`` override the blueprint's ``url_prefix``, ``subdomain``,
        ``url_defaults`` and ``name`` (to register one blueprint twice under two names).

        Example: ``app.register_blueprint(auth.bp, url_prefix="/auth")``.
        """
        self._check_setup_finished("register_blueprint")
        blueprint.register(self, options)

    def _check_setup_finished(self, method_name: str) -> None:
        """Refuse set-up once a request was served, as Flask: other threads may already
        be reading the routes and hooks, and a change would reach some requests only."""
        if self._got_first_request:
            raise AssertionError(
                f"The setup method {method_name!r} can no longer be called on the application:"
                " it has already handled its first request, and a change would not apply"
                " consistently. Make all set-up calls before running it."
            )

    def iter_blueprints(self) -> Iterable[Blueprint]:
        """The registered blueprints, in registration order."""
        return self.blueprints.values()

    def teardown_appcontext(self, function: Function) -> Function:
        """Run ``function(exc)`` when the app context is popped (after each request too).

        Example: close the database connection a request (or a CLI command) opened::

            @app.teardown_appcontext
            def close_db(exc):
                db = g.pop("db", None)
                if db is not None:
                    db.close()
        """
        self._check_setup_finished("teardown_appcontext")
        self.teardown_appcontext_funcs.append(function)
        return function

    def get_send_file_max_age(self, filename: str | None) -> int | None:
        """Cache lifetime of static files: ``SEND_FILE_MAX_AGE_DEFAULT`` in seconds.

        None (the default) sends ``Cache-Control: no-cache``: browsers revalidate with the
        ETag and get a cheap 304. A ``timedelta`` is accepted too.
        """
        return max_age_setting(self.config["SEND_FILE_MAX_AGE_DEFAULT"])

    def open_instance_resource(
        self, resource: str, mode: str = "rb", encoding: str | None = "utf-8"
    ) -> IO[Any]:
        """Open a file of the instance folder (any mode: the instance folder is for data).

        Example: ``with app.open_instance_resource("notes.txt", "w") as file: ...``.
        """
        path = os.path.join(self.instance_path, resource)
        if "b" in mode:
            return open(path, mode)
        return open(path, mode, encoding=encoding)

    # -- the command line ------------------------------------------------------------------

    @property
    def cli(self) -> CommandGroup:
        """The app's commands: ``@app.cli.command("init-db")`` (``tinyweb.commands``).

        ``python -m tinyweb --app module init-db`` runs one inside an app context.
        """
        if self._cli is None:
            from tinyweb.commands import CommandGroup

            self._cli = CommandGroup(self.name)
        return self._cli  # type: ignore[no-any-return]

    def test_cli_runner(self, **options: Any) -> CliRunner:
        """A runner for the app's commands: ``runner.invoke(args=["init-db"]).output``; a
        ``test_cli_runner_class`` (default ``tinyweb.commands.CliRunner``) of the app."""
        from tinyweb.commands import CliRunner

        return (self.test_cli_runner_class or CliRunner)(self, **options)

    # -- the request pipeline --------------------------------------------------------------

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        """The WSGI entry point; it calls ``wsgi_app``, so middleware can wrap that."""
        return self.wsgi_app(environ, start_response)

    def wsgi_app(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        """Handle one request: push the context, dispatch, send the response, pop.

        Wrap this attribute, not the app, to add WSGI middleware while keeping the app
        object: ``app.wsgi_app = ProxyFix(app.wsgi_app)``.
        """
        context = self.request_context(environ)
        error: BaseException | None = None
        try:
            try:
                context.push()
                response = self.full_dispatch_request()
            except Exception as exception:
                error = exception
                response = self.handle_exception(exception)
            except BaseException as exception:
                error = exception
                raise
            return response(environ, start_response)
        finally:
            # The test client's `with client:` keeps the context alive for assertions; it
            # passes a callable here and pops the context itself later.
            preserve = environ.get("tinyweb.preserve_context")
            if preserve is not None:
                preserve(context)
            else:
                if error is not None and self.should_ignore_error(error):
                    error = None
                context.pop(error)

    def full_dispatch_request(self) -> Response:
        """Match, run the before hooks and the view, handle errors, finalize."""
        self._got_first_request = True
        try:
            self.match_request(current_request_context().request)
            if request_started.receivers:
                request_started.send(self)
            response_value = self.preprocess_request()
            if response_value is None:
                response_value = self.dispatch_request()
        except Exception as exception:
            response_value = self.handle_user_exception(exception)
        return self.finalize_request(response_value)

    def match_request(self, current: Request) -> None:
        """Ask the router for the endpoint and view arguments of ``current`` (a request).

        A routing error (404, 405, 308 to add a slash, or a 400 for a host outside
        ``TRUSTED_HOSTS``) is stored on the request and raised by ``dispatch_request``, so
        ``before_request`` hooks still run, as in Flask.
        """
        try:
            trusted_hosts = self.config.get("TRUSTED_HOSTS")
            if trusted_hosts is not None:  # Flask 3.1: checked before routing
                current.trusted_hosts = trusted_hosts
                current.host  # noqa: B018 (SecurityError, a 400, for another host)
            if self.host_routes is None:
                endpoint, current.view_args = self.router.match(
                    current.path, current.method, current.environ.get("QUERY_STRING", "")
                )
            else:  # an app with hosts or subdomains (tinyweb.host_routing)
                endpoint, current.view_args = self.host_routes.match_request(
                    current, self.config["SERVER_NAME"]
                )
        except HTTPError as routing_error:
            current.routing_exception = self._with_script_root(routing_error, current)
            return
        if type(endpoint) is AutomaticOptions:  # dispatch answers; hooks see the endpoint
            current.automatic_options = endpoint
            rule = endpoint.rule
            endpoint, current.view_args = (
                (rule.endpoint, dict(endpoint.values)) if rule else (None, {})
            )
        current.endpoint = endpoint
        current.url_rule = getattr(endpoint, "url_rule", None)

    def preprocess_request(self) -> ResponseValue:
        """Run the ``url_value_preprocessor`` functions, then the ``before_request`` hooks;
        a hook's first non-None value short-circuits."""
        if self.url_value_preprocessors:
            current = current_request_context().request
            for scope in self._scopes():
                for function in self.url_value_preprocessors.get(scope, ()):
                    function(current.endpoint, current.view_args)
        if not self.before_request_funcs:
            return None
        for scope in self._scopes():
            for function in self.before_request_funcs.get(scope, ()):
                response_value = resolve(function())
                if response_value is not None:
                    return response_value
        return None

    def dispatch_request(self) -> ResponseValue:
        """Call the matched view with the URL's values (or raise the routing error)."""
        current = current_request_context().request
        if current.routing_exception is not None:
            self.raise_routing_exception(current)
        if current.automatic_options is not None:
            return self.make_default_options_response()
        view = self.view_functions.get(current.endpoint)
        if view is None:
            raise LookupError(
                f"the rule for endpoint {current.endpoint!r} has no view function: "
                "pass view_func to add_url_rule, or use it for url_for only"
            )
        defaults = self.endpoint_defaults.get(current.endpoint)
        if defaults:
            response_value = view(**{**defaults, **current.view_args})
        else:
            response_value = view(**current.view_args)
        if type(response_value) is CoroutineType:  # an async def view (tinyweb.coroutines)
            return run_coroutine(response_value)
        return response_value

    def make_default_options_response(self) -> Response:
        """The automatic answer to OPTIONS: an empty 200 with the ``Allow`` header."""
        automatic = current_request_context().request.automatic_options
        allowed = automatic.allowed if automatic is not None else ("OPTIONS",)
        return self.response_class("", headers={"Allow": HeaderSet(allowed).to_header()})

    def finalize_request(
        self, response_value: ResponseValue, from_error_handler: bool = False
    ) -> Response:
        """``make_response``, then ``process_response``, then the ``request_finished``
        signal.

        If an after-request hook fails while the app is already answering an error, the
        failure is logged and the error response is sent as it is.
        """
        response = self.make_response(response_value)
        try:
            response = self.process_response(response)
            if request_finished.receivers:
                request_finished.send(self, response=response)
            return response
        except Exception:
            if not from_error_handler:
                raise
            self.logger.exception("after_request failed while handling an error")
            return response

    def process_response(self, response: Response) -> Response:
        """Run ``after_this_request`` functions and ``after_request`` hooks; save the session."""
        context = current_request_context()
        for function in context.after_request_functions:
            response = resolve(function(response))
        if self.after_request_funcs:
            for scope in reversed(self._scopes()):
                for function in reversed(self.after_request_funcs.get(scope, ())):
                    response = resolve(function(response))
        # The session opens on first use. A request that never touched it and sent no
        # cookie has no session to save or refresh, so it skips the machinery entirely.
        if context.session_opened or "HTTP_COOKIE" in context.request.environ:
            interface = self.session_interface
            if not interface.is_null_session(context.session):
                interface.save_session(self, context.session, response)
        return response

    def do_teardown_request(self, exc: BaseException | None = None) -> None:
        """Run every ``teardown_request`` function (newest first), even if some raise;
        then send ``request_tearing_down`` (even if one raised)."""
        try:
            if self.teardown_request_funcs:
                by_scope = self.teardown_request_funcs
                scopes = reversed(self._scopes())
                hooks = [hook for scope in scopes for hook in reversed(by_scope.get(scope, ()))]
                _call_all(hooks, exc)
        finally:
            if request_tearing_down.receivers:
                request_tearing_down.send(self, exc=exc)

    def do_teardown_appcontext(self, exc: BaseException | None = None) -> None:
        """Run every ``teardown_appcontext`` function (newest first), even if some raise;
        then send ``appcontext_tearing_down`` (even if one raised)."""
        try:
            if self.teardown_appcontext_funcs:
                _call_all(list(reversed(self.teardown_appcontext_funcs)), exc)
        finally:
            if appcontext_tearing_down.receivers:
                appcontext_tearing_down.send(self, exc=exc)

    def _scopes(self) -> tuple[str | None, ...]:
        """The hook scopes of the current request: the app, then enclosing blueprints."""
        return endpoint_scopes(current_request_context().request.endpoint)

    # -- the return-value conventions ------------------------------------------------------

    def make_response(self, response_value: ResponseValue) -> Response:
        """Turn anything a view, hook or error handler returns into a ``Response``.

        The conventions (str → HTML, dict/list → JSON, ``(body, status, headers)``
        tuples, generators, WSGI callables, ...) are one table in
        ``tinyweb.return_values.to_response``; ``None`` is a ``TypeError`` naming the view.

        Example: ``return {"error": "missing name"}, 400, {"X-Reason": "validation"}``.
        """
        return to_response(response_value, self.response_class, self.json)

    # -- errors ----------------------------------------------------------------------------

    def _with_script_root(self, routing_error: HTTPError, current: Request) -> HTTPError:
        """A redirect from the router is relative to the app: prefix ``SCRIPT_NAME``."""
        if isinstance(routing_error, RequestRedirect) and current.script_root:
            return RequestRedirect(current.script_root + routing_error.new_url)
        return routing_error

    # -- async functions (tinyweb.coroutines) ----------------------------------------------

    def ensure_sync(self, function: Callable[..., Any]) -> Callable[..., Any]:
        """``function``, or a synchronous wrapper when it is an ``async def`` (Flask's
        name, for extensions). The app itself runs any coroutine a view, hook or handler
        returns, so overriding this does not change how the app runs async views."""
        return ensure_sync(function)

    def async_to_sync(self, function: Callable[..., Any]) -> Callable[..., Any]:
        """A synchronous function that runs ``function``'s coroutine to completion."""
        return async_to_sync(function)

    # -- contexts --------------------------------------------------------------------------

    def app_context(self) -> AppContext:
        """An app context, for code outside a request: ``with app.app_context(): ...``."""
        return AppContext(self)

    def request_context(self, environ: Environ) -> RequestContext:
        """The context for one request (``wsgi_app`` pushes it)."""
        config = self.config
        current = self.request_class(
            environ,
            max_content_length=config["MAX_CONTENT_LENGTH"],
            max_form_parts=config["MAX_FORM_PARTS"],
            max_form_memory_size=config["MAX_FORM_MEMORY_SIZE"],
        )
        current.json_module = self.json  # get_json parses with app.json.loads
        return RequestContext(self, current)

    def test_request_context(self, path: str = "/", **options: Any) -> RequestContext:
        """A request context for a request built from the test client's arguments.

        The URL is matched, so ``request.endpoint`` and ``view_args`` are set. The default
        ``base_url`` comes from ``SERVER_NAME`` (else ``localhost``), ``APPLICATION_ROOT``
        and ``PREFERRED_URL_SCHEME``, as in Flask; ``subdomain="api"`` puts ``api.``
        in front of the host::

            with app.test_request_context("/users/7?page=2", method="POST", json={"a": 1}):
                assert request.args["page"] == "2"
        """
        from tinyweb.testing import build_environ

        options.setdefault("base_url", self.test_base_url(options.pop("subdomain", None)))
        context = self.request_context(build_environ(path, **options))
        self.match_request(context.request)
        return context

    def test_base_url(self, subdomain: str | None = None) -> str:
        """The URL test requests are made under: ``http://localhost/`` unless the config
        names a server, a root or a scheme (or ``subdomain`` is given)."""
        host, root = self.config["SERVER_NAME"] or "localhost", self.config["APPLICATION_ROOT"]
        host = f"{subdomain}.{host}" if subdomain else host
        return f"{self.config['PREFERRED_URL_SCHEME']}://{host}/{root.lstrip('/')}"

    def test_client(self, use_cookies: bool = True, **options: Any) -> Client:
        """A test client for this app: a ``test_client_class`` (default
        ``tinyweb.testing.Client``) given the app, ``use_cookies`` and ``options``.

        Example: ``assert app.test_client().get("/").status_code == 200``.
        """
        from tinyweb.testing import Client

        return (self.test_client_class or Client)(self, use_cookies=use_cookies, **options)

    # -- templates -------------------------------------------------------------------------

    def update_template_context(self, context: dict[str, Any]) -> None:
        """Add the context processors' values; values passed to render win over them."""
        if not self.template_context_processors:
            return
        given = dict(context)
        for scope in self._scopes() if has_request_context() else (None,):
            for processor in self.template_context_processors.get(scope, ()):
                context.update(resolve(processor()))
        context.update(given)

    # -- running ---------------------------------------------------------------------------

    def run(
        self,
        host: str = "127.0.0.1",
        port: int = 8000,
        debug: bool | None = None,
        use_reloader: bool | None = None,
        **server_options: Any,
    ) -> None:
        """Serve the app with tinyweb's own server until interrupted (Ctrl-C).

        For development; in production, run ``python -m tinyweb run module:app`` or put
        the app under any WSGI server. ``server_options`` go to ``tinyweb.server.serve``.
        As in Flask, debug mode also restarts the server when a file in use changes
        (``use_reloader`` defaults to ``debug``): the script runs again in a child
        process, and this call in the parent exits with the child's status.
        """
        from tinyweb.server import serve  # the one place the framework wires the server

        if os.environ.get("TINYWEB_RUN_FROM_CLI") == "true":
            print(" * Ignoring a call to app.run() that would block the `python -m tinyweb` "
                  "command; call it under `if __name__ == \"__main__\":`", file=sys.stderr)  # fmt: skip
            return
        if debug is not None:
            self.debug = debug
        if not (self.debug if use_reloader is None else use_reloader):
            return serve(self, host=host, port=port, **server_options)
        from tinyweb.reloader import run_with_reloader

        raise SystemExit(run_with_reloader(lambda: serve(self, host, port, **server_options)))


class RoutedEndpoint(str):
    """An endpoint name that also knows its ``Rule``: what the router hands back on a match.

    The router returns the endpoint it was given, so the ``Rule`` rides along with the name
    and ``request.url_rule`` costs one attribute read. It is a ``str`` in every other way:
    ``request.endpoint == "auth.login"``, ``url_for`` and the router's lookups by name.
    """

    url_rule: Rule | None = None


# -- module-level helpers (they act on current_app) ------------------------------------------


def url_for(endpoint: str, /, **values: Any) -> str:
    """``current_app.url_for(endpoint, **values)``: build a URL in a view or template.

    Example: ``redirect(url_for("login", next=request.path))``.
    """
    return current_app.url_for(endpoint, **values)  # type: ignore[no-any-return]


def make_response(*args: Any) -> Response:
    """A ``Response`` from view-style return values, to change it before returning it.

    Example::

        response = make_response(render_template("index.html"), 200)
        response.headers["X-Parachutes"] = "parachutes are cool"
    """
    if not args:
        return current_app.response_class()  # type: ignore[no-any-return]
    return current_app.make_response(args[0] if len(args) == 1 else args)  # type: ignore[no-any-return]


# -- small helpers ---------------------------------------------------------------------------


def _call_all(functions: list[Callable[[Any], Any]], argument: Any) -> None:
    """Call every function with ``argument``; re-raise the first error after all ran."""
    first_error: BaseException | None = None
    for function in functions:
        try:
            resolve(function(argument))
        except Exception as error:
            if first_error is None:
                first_error = error
    if first_error is not None:
        raise first_error
