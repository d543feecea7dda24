"""Blueprints: a group of views, hooks, templates and static files, registered on an app.

Where it fits: a ``Blueprint`` records everything an application module declares (its
routes, hooks, error handlers, template and static folders) without an app existing yet.
``app.register_blueprint(bp, url_prefix="/auth")`` replays the records on the app: every
rule gets the prefix, every endpoint the blueprint's name (``auth.login``), every hook and
handler is stored under the blueprint's name as its scope, so the app's pipeline
(``tinyweb.app``) runs them only for requests whose endpoint belongs to the blueprint.

Rules (Flask 3.1's):
- Names are dotted paths: a blueprint registered inside another one is ``parent.child``,
  its endpoints ``parent.child.view``; a name itself may not contain a dot.
- One name, one blueprint: registering a second blueprint (or the same one twice) under a
  name the app already holds is a ``ValueError``; pass ``name=`` to register it again.
- After its first registration a blueprint is sealed: adding a route or a hook to it would
  silently do nothing, so it raises ``AssertionError`` instead.
- ``before_request``/``errorhandler``/... on a blueprint are scoped to it;
  ``before_app_request``/``app_errorhandler``/... act on the whole app.

Usage::

    bp = Blueprint("auth", __name__, url_prefix="/auth", template_folder="templates")

    @bp.route("/login", methods=["GET", "POST"])
    def login(): ...                        # endpoint "auth.login", URL /auth/login

    app.register_blueprint(bp)
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, TypeVar

from tinyweb.scaffold import Scaffold, ViewFunction, exception_class_and_code, registering

if TYPE_CHECKING:  # pragma: no cover - names for annotations only
    from tinyweb.app import App
    from tinyweb.commands import CommandGroup

Function = TypeVar("Function", bound=Callable[..., Any])
DeferredSetup = Callable[["BlueprintSetupState"], None]
BLUEPRINT_NAME: Any = object()  # cli_group's default: the blueprint's own name (as Flask)


@dataclass(frozen=True)
class BlueprintSetupState:
    """One registration of a blueprint on an app: the app, the name and the URL prefix.

    Deferred set-up functions receive it; ``add_url_rule`` applies the prefix, the name
    and the blueprint's URL defaults. Example: ``state.add_url_rule("/", "index", view)``.
    """

    blueprint: Blueprint
    app: App
    name: str  # the full dotted name, e.g. "admin.users"
    url_prefix: str | None
    url_defaults: Mapping[str, Any]
    first_registration: bool
    subdomain: str | None = None
    options: Mapping[str, Any] = field(default_factory=dict)  # register_blueprint's
    name_prefix: str = ""  # the enclosing blueprint's dotted name, "" at the top

    def add_url_rule(
        self,
        rule: str,
        endpoint: str | None = None,
        view_func: ViewFunction | None = None,
        **options: Any,
    ) -> None:
        """Add ``rule`` to the app, with the prefix joined and the endpoint namespaced;
        the rule's own ``subdomain`` wins over the blueprint's."""
        if self.url_prefix is not None:
            prefix = self.url_prefix.rstrip("/")
            rule = f"{prefix}/{rule.lstrip('/')}" if rule else self.url_prefix
        if endpoint is None:
            if view_func is None:
                raise ValueError(f"add_url_rule({rule!r}) needs an endpoint or a view function")
            endpoint = view_func.__name__
        defaults = {**self.url_defaults, **(options.pop("defaults", None) or {})}
        options.setdefault("subdomain", self.subdomain)
        self.app.add_url_rule(
            rule, f"{self.name}.{endpoint}", view_func, defaults=defaults or None, **options
        )


class Blueprint(Scaffold):
    """A named group of views and hooks, registered on an app with ``register_blueprint``.

    ``import_name`` locates the blueprint's folder (for ``template_folder`` and
    ``static_folder``, which are relative to it). ``url_prefix`` is prepended to every
    rule; ``url_defaults`` are passed to every view. ``subdomain`` is the subdomain of
    every rule that names none (``tinyweb.host_routing``).

    Example::

        bp = Blueprint("blog", __name__)

        @bp.get("/")
        def index():
            return render_template("blog/index.html")   # url_for("blog.index")
    """

    def __init__(
        self,
        name: str,
        import_name: str,
        static_folder: str | os.PathLike[str] | None = None,
        static_url_path: str | None = None,
        template_folder: str | os.PathLike[str] | None = None,
        url_prefix: str | None = None,
        subdomain: str | None = None,
        url_defaults: Mapping[str, Any] | None = None,
        root_path: str | None = None,
        cli_group: Any = BLUEPRINT_NAME,
    ) -> None:
        if not name:
            raise ValueError("a blueprint needs a non-empty name")
        if "." in name:
            raise ValueError(f"blueprint name {name!r} may not contain a dot '.'")
        super().__init__(import_name, static_folder, static_url_path, template_folder, root_path)
        self.name = name
        self.url_prefix = url_prefix
        self.subdomain = subdomain
        self.url_values_defaults: dict[str, Any] = dict(url_defaults or {})
        self.deferred_functions: list[DeferredSetup] = []
        self._blueprints: list[tuple[Blueprint, dict[str, Any]]] = []
        self._got_registered_once = False
        self.cli_group = name if cli_group is BLUEPRINT_NAME else cli_group
        self._cli: CommandGroup | None = None

    def __repr__(self) -> str:
        return f"<Blueprint {self.name!r}>"

    def _check_setup_finished(self, method_name: str) -> None:
        if self._got_registered_once:
            raise AssertionError(
                f"The setup method {method_name!r} can no longer be called on the blueprint "
                f"{self.name!r}: it has already been registered once, and changes would not "
                "reach the app. Make all set-up calls before registering it."
            )

    def record(self, function: DeferredSetup) -> None:
        """Call ``function(state)`` on each registration (the building block of the rest).

        ``state`` is a ``BlueprintSetupState`` (``make_setup_state``): the app, the full
        name, the prefix, the options given to ``register_blueprint``.
        """
        self._check_setup_finished("record")
        self.deferred_functions.append(function)

    def record_once(self, function: DeferredSetup) -> None:
        """``record``, on the first registration on an app only: for app-wide set-up that
        must not repeat when the blueprint is registered again under another name.

        Example: ``bp.record_once(lambda state: state.app.config.setdefault("PER_PAGE", 20))``.
        """
        self.record(_once(function))

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
        """Like ``App.add_url_rule``; the rule gets the prefix and the endpoint the name."""
        if endpoint and "." in endpoint:
            raise ValueError(f"endpoint {endpoint!r} may not contain a dot '.'")
        if view_func is not None and "." in getattr(view_func, "__name__", ""):
            raise ValueError(f"view function name {view_func.__name__!r} may not contain a dot")
        options = {"methods": methods, "strict_slashes": strict_slashes, "defaults": defaults,
                   "provide_automatic_options": provide_automatic_options, "host": host}  # fmt: skip
        if subdomain is not None:  # else the blueprint's subdomain applies
            options["subdomain"] = subdomain
        self.record(lambda state: state.add_url_rule(rule, endpoint, view_func, **options))

    def register_blueprint(self, blueprint: Blueprint, **options: Any) -> None:
        """Nest ``blueprint`` in this one: names become ``parent.child``, prefixes join."""
        if blueprint is self:
            raise ValueError("a blueprint cannot be registered on itself")
        self._check_setup_finished("register_blueprint")
        self._blueprints.append((blueprint, options))

    # -- registration on an app ------------------------------------------------------------

    def register(self, app: App, options: dict[str, Any]) -> None:
        """Called by ``app.register_blueprint``: replay every record on ``app``.

        ``options`` may override ``url_prefix``, ``subdomain``, ``url_defaults`` and ``name``;
        ``name_prefix`` is set for nested blueprints.
        """
        own_name = options.get("name", self.name)
        if not own_name or "." in own_name:
            raise ValueError(f"blueprint name {own_name!r} must be non-empty, without dots")
        name = _registered_name(options, self.name)
        if name in app.blueprints:
            which = "this" if app.blueprints[name] is self else "a different"
            raise ValueError(
                f"The name {name!r} is already registered for {which} blueprint. "
                "Use name= to register it under a unique name."
            )
        first_registration = not any(bp is self for bp in app.blueprints.values())
        app.blueprints[name] = self
        self._got_registered_once = True
        state = self.make_setup_state(app, options, first_registration)
        if self.has_static_folder:
            # Added without a view, then given one: without a url_prefix the rule repeats
            # the app's /static rule, and is then for url_for only (the app's files win,
            # as in Flask).
            state.add_url_rule(f"{self.static_url_path}/<path:filename>", "static")
            app.view_functions[f"{name}.static"] = self.send_static_file
        self._merge_scoped_functions(app, name)
        for deferred in self.deferred_functions:
            deferred(state)
        if first_registration and self._cli is not None and len(self._cli):
            self._register_commands(app, options.get("cli_group", self.cli_group))
        for blueprint, nested_options in self._blueprints:
            blueprint.register(app, self._nested_options(state, blueprint, nested_options))

    @property
    def cli(self) -> CommandGroup:
        """The blueprint's commands: ``python -m tinyweb --app blog <cli_group> <command>``.

        ``cli_group`` (default: the blueprint's name) names the group; ``cli_group=None``
        adds the commands to ``app.cli`` directly.
        """
        if self._cli is None:
            from tinyweb.commands import CommandGroup

            self._cli = CommandGroup(self.name)
        return self._cli

    def _register_commands(self, app: App, cli_group: Any) -> None:
        if cli_group is None:
            for known in self.cli:
                app.cli.add_command(known)
        else:
            app.cli.add_group(self.cli, self.name if cli_group is BLUEPRINT_NAME else cli_group)

    def make_setup_state(
        self, app: App, options: dict[str, Any], first_registration: bool = False
    ) -> BlueprintSetupState:
        """The ``BlueprintSetupState`` of one registration, which ``record`` functions
        receive; override it to hand them a subclass."""
        name_prefix = options.get("name_prefix", "")
        name = _registered_name(options, self.name)
        url_prefix = options.get("url_prefix")
        if url_prefix is None:
            url_prefix = self.url_prefix
        url_defaults = {**self.url_values_defaults, **options.get("url_defaults", {})}
        subdomain = options.get("subdomain")
        if subdomain is None:
            subdomain = self.subdomain
        return BlueprintSetupState(
            self, app, name, url_prefix, url_defaults, first_registration, subdomain,
            options, name_prefix,
        )  # fmt: skip

    @staticmethod
    def _nested_options(
        state: BlueprintSetupState, child: Blueprint, options: dict[str, Any]
    ) -> dict[str, Any]:
        """A nested blueprint's options: the parent's name as prefix, prefixes joined,
        subdomains joined too (``"child.parent"``, as Flask 3.1)."""
        nested = {**options, "name_prefix": state.name}
        child_subdomain = options.get("subdomain")
        if child_subdomain is None:
            child_subdomain = child.subdomain
        if state.subdomain is not None and child_subdomain is not None:
            nested["subdomain"] = f"{child_subdomain}.{state.subdomain}"
        elif state.subdomain is not None:
            nested["subdomain"] = state.subdomain
        child_prefix = options.get("url_prefix")
        if child_prefix is None:  # (None given: the child's own, as Flask)
            child_prefix = child.url_prefix
        if state.url_prefix is not None and child_prefix is not None:
            nested["url_prefix"] = state.url_prefix.rstrip("/") + "/" + child_prefix.lstrip("/")
        elif state.url_prefix is not None:
            nested["url_prefix"] = state.url_prefix
        nested["url_defaults"] = {**state.url_defaults, **options.get("url_defaults", {})}
        return nested

    def _merge_scoped_functions(self, app: App, name: str) -> None:
        """Copy this blueprint's own hooks and handlers into the app, scoped by ``name``."""
        for own, merged in (
            (self.before_request_funcs, app.before_request_funcs),
            (self.after_request_funcs, app.after_request_funcs),
            (self.teardown_request_funcs, app.teardown_request_funcs),
            (self.template_context_processors, app.template_context_processors),
            (self.url_value_preprocessors, app.url_value_preprocessors),
            (self.url_default_functions, app.url_default_functions),
        ):
            for function in own.get(None, ()):
                merged.setdefault(name, []).append(function)
        for code, by_class in self.error_handler_spec.get(None, {}).items():
            app.error_handler_spec.setdefault(name, {}).setdefault(code, {}).update(by_class)

    # -- acting on the whole app -------------------------------------------------------------

    def _record_on_app(self, table_name: str, function: Function) -> Function:
        def setup(state: BlueprintSetupState) -> None:
            getattr(state.app, table_name).setdefault(None, []).append(function)

        self.record_once(setup)
        return function

    def before_app_request(self, function: Function) -> Function:
        """``app.before_request`` from a blueprint: runs before every request of the app."""
        return self._record_on_app("before_request_funcs", function)

    def after_app_request(self, function: Function) -> Function:
        """``app.after_request`` from a blueprint: runs after every request of the app."""
        return self._record_on_app("after_request_funcs", function)

    def teardown_app_request(self, function: Function) -> Function:
        """``app.teardown_request`` from a blueprint: runs after every request of the app."""
        return self._record_on_app("teardown_request_funcs", function)

    def app_context_processor(self, function: Function) -> Function:
        """``app.context_processor`` from a blueprint: values for every template."""
        return self._record_on_app("template_context_processors", function)

    def app_url_value_preprocessor(self, function: Function) -> Function:
        """``app.url_value_preprocessor`` from a blueprint: runs for every request."""
        return self._record_on_app("url_value_preprocessors", function)

    def app_url_defaults(self, function: Function) -> Function:
        """``app.url_defaults`` from a blueprint: used for every ``url_for``."""
        return self._record_on_app("url_default_functions", function)

    def app_errorhandler(
        self, code_or_exception: int | type[BaseException]
    ) -> Callable[[Function], Function]:
        """``app.errorhandler`` from a blueprint: handles the error for the whole app.

        Example::

            @bp.app_errorhandler(404)
            def page_not_found(error):
                return render_template("404.html"), 404
        """
        exception_class_and_code(code_or_exception)  # a bad argument fails here, not later

        def decorator(function: Function) -> Function:
            self.record_once(
                lambda state: state.app.register_error_handler(code_or_exception, function)
            )
            return function

        return decorator

    def app_template_filter(self, name: str | None = None) -> Callable[[Function], Function]:
        """``app.template_filter`` from a blueprint: ``{{ value|name }}`` in every template."""
        return registering(self.add_app_template_filter, name)

    def add_app_template_filter(
        self, function: Callable[..., Any], name: str | None = None
    ) -> None:
        """The non-decorator form of ``app_template_filter``."""
        self.record(lambda state: state.app.add_template_filter(function, name))

    def app_template_test(self, name: str | None = None) -> Callable[[Function], Function]:
        """``app.template_test`` from a blueprint: ``{% if value is name %}`` everywhere."""
        return registering(self.add_app_template_test, name)

    def add_app_template_test(self, function: Callable[..., Any], name: str | None = None) -> None:
        """The non-decorator form of ``app_template_test``."""
        self.record(lambda state: state.app.add_template_test(function, name))

    def app_template_global(self, name: str | None = None) -> Callable[[Function], Function]:
        """``app.template_global`` from a blueprint: a function every template can call."""
        return registering(self.add_app_template_global, name)

    def add_app_template_global(
        self, function: Callable[..., Any], name: str | None = None
    ) -> None:
        """The non-decorator form of ``app_template_global``."""
        self.record(lambda state: state.app.add_template_global(function, name))


def _once(setup: DeferredSetup) -> DeferredSetup:
    """Run ``setup`` on the first registration only (an app-wide hook must not double)."""

    def run_once(state: BlueprintSetupState) -> None:
        if state.first_registration:
            setup(state)

    return run_once


def _registered_name(options: dict[str, Any], own_name: str) -> str:
    """The name a registration goes by: ``name=`` (else the blueprint's), after the
    parent's ``name_prefix`` for a nested blueprint (``admin.users``)."""
    return f"{options.get('name_prefix', '')}.{options.get('name', own_name)}".lstrip(".")
