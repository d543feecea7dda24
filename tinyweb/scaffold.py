"""What ``App`` and ``Blueprint`` share: registering views, hooks and error handlers.

Where it fits: ``tinyweb.app.App`` and ``tinyweb.blueprints.Blueprint`` both subclass
``Scaffold`` (Flask's name for the same idea). A scaffold records *what* should happen (this
view for that rule, this hook before each request, this handler for 404) and where its files
are (``root_path``, ``templates/``, ``static/``). The app acts on the records directly; a
blueprint keeps them until it is registered on an app, which copies them under the
blueprint's name (``tinyweb.blueprints``).

Rules:
- Hooks and handlers are stored per *scope*: ``None`` is the scaffold itself; after a
  blueprint is registered, the app holds them under the blueprint's dotted name. The app's
  request pipeline looks them up in Flask's order (app first, then enclosing blueprints).
- Subclasses implement ``add_url_rule`` (the app adds to its router, a blueprint defers).
- Nothing here touches a request: it is set-up code, run once at import time.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from datetime import timedelta
from functools import cached_property
from typing import IO, TYPE_CHECKING, Any, Callable, Optional, TypeVar

from tinyweb.context import current_app
from tinyweb.errors import HTTP_ERRORS, HTTPError

if TYPE_CHECKING:  # pragma: no cover - names for annotations only
    from tinyweb.response import Response
    from tinyweb.templating import BaseLoader

Function = TypeVar("Function", bound=Callable[..., Any])
ViewFunction = Callable[..., Any]
ErrorHandler = Callable[[Any], Any]
# scope (None: this scaffold) -> list of hooks
HookTable = dict[Optional[str], list[Callable[..., Any]]]
# scope -> status code (None for "any") -> exception class -> handler
ErrorHandlerTable = dict[
    Optional[str], dict[Optional[int], dict[type[BaseException], ErrorHandler]]
]


class Scaffold:
    """The registration methods of ``App`` and ``Blueprint`` (route, hooks, handlers).

    Example (the same on an app and on a blueprint)::

        @scaffold.get("/hello/<name>")
        def hello(name): ...

        @scaffold.errorhandler(404)
        def not_found(error): ...
    """

    def __init__(
        self,
        import_name: str,
        static_folder: str | os.PathLike[str] | None = None,
        static_url_path: str | None = None,
        template_folder: str | os.PathLike[str] | None = None,
        root_path: str | None = None,
    ) -> None:
        self.import_name = import_name
        self.root_path = root_path or root_path_of(import_name)
        self.static_folder = static_folder
        self.static_url_path = static_url_path
        self.template_folder = None if template_folder is None else os.fspath(template_folder)
        self.view_functions: dict[str, ViewFunction] = {}
        self.before_request_funcs: HookTable = {}
        self.after_request_funcs: HookTable = {}
        self.teardown_request_funcs: HookTable = {}
        self.template_context_processors: HookTable = {}
        self.url_value_preprocessors: HookTable = {}
        self.url_default_functions: HookTable = {}
        self.error_handler_spec: ErrorHandlerTable = {}

    def _check_setup_finished(self, method_name: str) -> None:
        """Refuse set-up after it can no longer take effect (a blueprint overrides it)."""

    # -- files -----------------------------------------------------------------------------

    @property
    def static_folder(self) -> str | None:
        """The absolute path of the static folder, or None when there is none."""
        if self._static_folder is None:
            return None
        return os.path.join(self.root_path, self._static_folder)

    @static_folder.setter
    def static_folder(self, value: str | os.PathLike[str] | None) -> None:
        self._static_folder = None if value is None else os.fspath(value).rstrip("/\\")

    @property
    def static_url_path(self) -> str | None:
        """The URL prefix of static files: given, or ``/`` + the folder's name."""
        if self._static_url_path is not None:
            return self._static_url_path
        if self._static_folder is None:
            return None
        return f"/{os.path.basename(self._static_folder)}".rstrip("/")

    @static_url_path.setter
    def static_url_path(self, value: str | None) -> None:
        self._static_url_path = None if value is None else value.rstrip("/")

    @property
    def has_static_folder(self) -> bool:
        """Whether a static folder is set (then a ``static`` endpoint serves it)."""
        return self._static_folder is not None

    def send_static_file(self, filename: str) -> Response:
        """The view of the ``static`` endpoint: ``filename`` from the static folder.

        The path goes through ``safe_join`` and symlink checks (``tinyweb.static``), so a
        URL can never reach outside the folder. Caching follows
        ``SEND_FILE_MAX_AGE_DEFAULT`` (None: ``no-cache``, revalidated with the ETag).
        """
        if self.static_folder is None:
            raise RuntimeError("static_folder must be set to serve static files")
        from tinyweb.static import send_from_directory

        max_age = self.get_send_file_max_age(filename)
        return send_from_directory(self.static_folder, filename, max_age=max_age)

    def get_send_file_max_age(self, filename: str | None) -> int | None:
        """Cache lifetime of this blueprint's static files (``send_static_file`` asks):
        the current app's ``SEND_FILE_MAX_AGE_DEFAULT`` in seconds (None: ``no-cache``).

        Override it to cache some files longer. As in Flask, a blueprint reads the setting
        itself: an app's own override does not apply to its blueprints' files.
        """
        return max_age_setting(current_app.config["SEND_FILE_MAX_AGE_DEFAULT"])

    @cached_property
    def jinja_loader(self) -> BaseLoader | None:
        """A loader of ``template_folder`` (relative to ``root_path``), or None without one.

        The app's environment asks the app's, then each registered blueprint's
        (``App.create_global_jinja_loader``, Flask's dispatch), so assigning another
        loader or overriding this property changes where templates are found::

            app.jinja_loader = ChoiceLoader([FileSystemLoader("/srv/userdata"), app.jinja_loader])
        """
        if self.template_folder is None:
            return None
        from tinyweb.templating import FileSystemLoader  # the engine loads on first use

        return FileSystemLoader(os.path.join(self.root_path, self.template_folder))

    def open_resource(
        self, resource: str, mode: str = "rb", encoding: str | None = None
    ) -> IO[Any]:
        """Open a file of the application's source tree (relative to ``root_path``), to read.

        Example: ``with current_app.open_resource("schema.sql") as file: ...``.
        """
        if mode not in ("r", "rt", "rb"):
            raise ValueError("open_resource() only reads; use open_instance_resource to write")
        path = os.path.join(self.root_path, resource)
        if mode == "rb":
            return open(path, mode)
        return open(path, mode, encoding=encoding)

    # -- views -----------------------------------------------------------------------------

    def add_url_rule(
        self,
        rule: str,
        endpoint: str | None = None,
        view_func: ViewFunction | None = None,
        methods: Iterable[str] | None = None,
        strict_slashes: bool | None = None,
        defaults: dict[str, Any] | None = None,
        provide_automatic_options: bool | None = None,
    ) -> None:
        """Map ``rule`` to ``endpoint`` and ``view_func`` (implemented by App and Blueprint)."""
        raise NotImplementedError

    def route(self, rule: str, **options: Any) -> Callable[[Function], Function]:
        """Decorator: register the decorated function as the view for ``rule``.

        Options are ``add_url_rule``'s: ``methods``, ``endpoint``, ``strict_slashes``,
        ``defaults``, ``provide_automatic_options``.

        Example::

            @app.route("/users/<int:user_id>", methods=["GET", "POST"])
            def user(user_id): ...
        """

        def decorator(view_func: Function) -> Function:
            endpoint = options.pop("endpoint", None)
            self.add_url_rule(rule, endpoint, view_func, **options)
            return view_func

        return decorator

    def _method_route(
        self, method: str, rule: str, options: dict[str, Any]
    ) -> Callable[[Function], Function]:
        if "methods" in options:
            owner = type(self).__name__.lower()
            raise TypeError(
                f"use {owner}.route() to give methods; {owner}.{method.lower()}() is {method}"
            )
        return self.route(rule, methods=[method], **options)

    def get(self, rule: str, **options: Any) -> Callable[[Function], Function]:
        """``route(rule, methods=["GET"])``: ``@app.get("/")``."""
        return self._method_route("GET", rule, options)

    def post(self, rule: str, **options: Any) -> Callable[[Function], Function]:
        """``route(rule, methods=["POST"])``: ``@app.post("/items")``."""
        return self._method_route("POST", rule, options)

    def put(self, rule: str, **options: Any) -> Callable[[Function], Function]:
        """``route(rule, methods=["PUT"])``: ``@app.put("/items/<int:id>")``."""
        return self._method_route("PUT", rule, options)

    def patch(self, rule: str, **options: Any) -> Callable[[Function], Function]:
        """``route(rule, methods=["PATCH"])``: ``@app.patch("/items/<int:id>")``."""
        return self._method_route("PATCH", rule, options)

    def delete(self, rule: str, **options: Any) -> Callable[[Function], Function]:
        """``route(rule, methods=["DELETE"])``: ``@app.delete("/items/<int:id>")``."""
        return self._method_route("DELETE", rule, options)

    def endpoint(self, endpoint: str) -> Callable[[Function], Function]:
        """Decorator: the view function for ``endpoint`` (a rule added without a view)."""

        def decorator(function: Function) -> Function:
            self._check_setup_finished("endpoint")
            self.view_functions[endpoint] = function
            return function

        return decorator

    # -- hooks -----------------------------------------------------------------------------

    def _add_hook(self, table: HookTable, function: Function, method_name: str) -> Function:
        self._check_setup_finished(method_name)
        table.setdefault(None, []).append(function)
        return function

    def before_request(self, function: Function) -> Function:
        """Run ``function()`` before each view; a non-None return value becomes the response.

        On a blueprint: before each view of that blueprint only.

        Example::

            @app.before_request
            def require_login():
                if "user" not in session:
                    return redirect(url_for("login"))
        """
        return self._add_hook(self.before_request_funcs, function, "before_request")

    def after_request(self, function: Function) -> Function:
        """Run ``function(response)`` after each view; it must return a response.

        Hooks run in reverse order of registration (as Flask), on error pages too. When
        one raises, the response is lost (a 500 follows): for cleanup that must always
        happen, use ``teardown_request``.
        """
        return self._add_hook(self.after_request_funcs, function, "after_request")

    def teardown_request(self, function: Function) -> Function:
        """Run ``function(exc)`` when the request context is popped, even after errors.

        ``exc`` is the unhandled exception or None. Every teardown function runs even if
        one raises; the first error is re-raised after all of them ran.
        """
        return self._add_hook(self.teardown_request_funcs, function, "teardown_request")

    def context_processor(self, function: Function) -> Function:
        """Register ``function() -> dict``, whose items every rendered template can use."""
        return self._add_hook(self.template_context_processors, function, "context_processor")

    def url_value_preprocessor(self, function: Function) -> Function:
        """Run ``function(endpoint, view_args)`` before the ``before_request`` hooks.

        It may take values out of ``view_args`` so that no view has to accept them. On a
        routing error (404, 405) both arguments are None, as in Flask. On a blueprint: for
        that blueprint's requests only.

        Example (with ``url_prefix="/<lang_code>"`` on a blueprint)::

            @bp.url_value_preprocessor
            def pull_lang_code(endpoint, values):
                g.lang_code = values.pop("lang_code")
        """
        return self._add_hook(self.url_value_preprocessors, function, "url_value_preprocessor")

    def url_defaults(self, function: Function) -> Function:
        """Run ``function(endpoint, values)`` in ``url_for``, which may add ``values``.

        On a blueprint: for URLs of that blueprint's endpoints only.

        Example::

            @bp.url_defaults
            def add_lang_code(endpoint, values):
                values.setdefault("lang_code", g.lang_code)
        """
        return self._add_hook(self.url_default_functions, function, "url_defaults")

    def errorhandler(
        self, code_or_exception: int | type[BaseException]
    ) -> Callable[[Function], Function]:
        """Decorator: handle an HTTP status code or an exception class.

        The handler receives the exception and may return any response shape. For an
        exception, the most specific registered class in its MRO wins; a handler for 500 (or
        ``InternalServerError``) also receives unhandled exceptions, wrapped, with the
        original in ``error.original_exception``. On a blueprint, the handler sees errors
        raised by that blueprint's views.

        Example::

            @app.errorhandler(404)
            def not_found(error):
                return {"error": error.description}, 404
        """

        def decorator(function: Function) -> Function:
            self.register_error_handler(code_or_exception, function)
            return function

        return decorator

    def register_error_handler(
        self, code_or_exception: int | type[BaseException], function: ErrorHandler
    ) -> None:
        """The non-decorator form of ``errorhandler``."""
        self._check_setup_finished("register_error_handler")
        exception_class, code = exception_class_and_code(code_or_exception)
        handlers = self.error_handler_spec.setdefault(None, {}).setdefault(code, {})
        handlers[exception_class] = function


# -- helpers -----------------------------------------------------------------------------------


def max_age_setting(value: timedelta | int | None) -> int | None:
    """``SEND_FILE_MAX_AGE_DEFAULT`` in seconds: None stays None (``no-cache``), a
    ``timedelta`` is converted."""
    if value is None:
        return None
    if isinstance(value, timedelta):
        return int(value.total_seconds())
    return int(value)


def _find_spec(name: str) -> Any:
    """``importlib.util.find_spec``, imported here: on Python 3.12+ ``importlib.util``
    (and ``sysconfig``) load ``threading``, which ``import tinyweb`` does without."""
    import importlib.util

    return importlib.util.find_spec(name)


def root_path_of(import_name: str) -> str:
    """The folder of the module named ``import_name`` (the working directory if unknown)."""
    module_file: str | None = getattr(sys.modules.get(import_name), "__file__", None)
    if module_file is None and import_name != "__main__":
        try:
            spec = _find_spec(import_name)
        except (ImportError, ValueError):
            spec = None
        module_file = spec.origin if spec is not None and spec.has_location else None
    if module_file:
        return os.path.dirname(os.path.abspath(module_file))
    return os.getcwd()


def find_instance_path(import_name: str, name: str) -> str:
    """Flask's default instance folder: ``instance/`` next to the package (or module).

    For a package ``blog`` in ``/src/blog/``, that is ``/src/instance``, whether or not
    ``blog`` is imported yet, and for a namespace package (no ``__init__.py``) too; for an
    installed package (under ``site-packages``) it is ``<sys.prefix>/var/<name>-instance``,
    since the installation folder is not the place for data.
    """
    top_level = import_name.partition(".")[0]
    locations = [os.path.abspath(path) for path in _package_folders(top_level)]
    if locations:  # a package: its parent holds instance/
        # A namespace package may have a folder on several sys.path entries: take the one
        # that holds the module the app is named after.
        here = root_path_of(import_name)
        holding = [path for path in locations if os.path.commonpath([path, here]) == path]
        folder = os.path.dirname((holding or locations)[0])
    else:
        folder = root_path_of(top_level)
    import sysconfig  # here: on Python 3.12+ it loads threading (see _find_spec)

    for key in ("purelib", "platlib"):
        installed = os.path.abspath(sysconfig.get_paths()[key])
        if os.path.commonpath([installed, os.path.abspath(folder)]) == installed:
            return os.path.join(sys.prefix, "var", f"{name}-instance")
    return os.path.join(folder, "instance")


def _package_folders(top_level: str) -> list[str]:
    """The folders of the package ``top_level`` (several for a namespace package); none
    for a plain module or a name that cannot be found."""
    module = sys.modules.get(top_level)
    if module is not None:
        return list(getattr(module, "__path__", []))
    try:
        spec = _find_spec(top_level)
    except (ImportError, ValueError):
        return []
    return list(spec.submodule_search_locations or []) if spec is not None else []


def exception_class_and_code(
    code_or_exception: int | type[BaseException],
) -> tuple[type[BaseException], int | None]:
    """``404`` → ``(NotFound, 404)``; ``ValueError`` → ``(ValueError, None)``."""
    if isinstance(code_or_exception, int):
        if code_or_exception not in HTTP_ERRORS:
            raise ValueError(
                f"{code_or_exception} is not an HTTP error code tinyweb knows; register a "
                "handler for an HTTPError subclass with that code instead"
            )
        return HTTP_ERRORS[code_or_exception], code_or_exception
    if isinstance(code_or_exception, BaseException):
        raise TypeError(f"{code_or_exception!r} is an exception instance; pass its class")
    if not (isinstance(code_or_exception, type) and issubclass(code_or_exception, Exception)):
        raise TypeError(f"{code_or_exception!r} is not an Exception subclass or a status code")
    if issubclass(code_or_exception, HTTPError) and code_or_exception is not HTTPError:
        return code_or_exception, code_or_exception.code
    return code_or_exception, None


def endpoint_scopes(endpoint: str | None) -> tuple[str | None, ...]:
    """The hook scopes of an endpoint: the app (None), then the blueprints around it,
    outermost first (``"admin.users.list"`` → None, ``"admin"``, ``"admin.users"``)."""
    if not endpoint or "." not in endpoint:
        return (None,)
    parts = endpoint.split(".")[:-1]
    return (None, *(".".join(parts[: index + 1]) for index in range(len(parts))))


def rule_methods(
    rule: str,
    view_func: ViewFunction | None,
    methods: Iterable[str] | None,
    provide_automatic_options: bool | None,
) -> tuple[list[str], bool]:
    """The methods to route for a rule, and whether the app answers its OPTIONS itself.

    Flask's reading of a view: without ``methods``, the view's ``methods`` attribute (a
    class-based view's) or GET; plus the view's ``required_methods``. Without
    ``provide_automatic_options``, the view's attribute of that name; None means "yes,
    unless the methods have OPTIONS" (then the view answers it). When the app answers,
    OPTIONS is left out of the routed methods, so the router hands the request to the
    automatic answer (a view that lists OPTIONS and opts in is not called, as in Flask).
    """
    if methods is None:
        methods = getattr(view_func, "methods", None) or ("GET",)
    if isinstance(methods, str):
        raise TypeError(
            f"methods for {rule!r} must be a list of strings, like methods=['POST'], "
            f"not the string {methods!r}"
        )
    required = getattr(view_func, "required_methods", ())
    names = [method.upper() for method in [*methods, *required]]
    if provide_automatic_options is None:
        provide_automatic_options = getattr(view_func, "provide_automatic_options", None)
    if provide_automatic_options is None:
        provide_automatic_options = "OPTIONS" not in names
    if provide_automatic_options and "OPTIONS" in names and set(names) != {"OPTIONS"}:
        names = [method for method in names if method != "OPTIONS"]
    return names, bool(provide_automatic_options)


def registering(
    add: Callable[[Callable[..., Any], str | None], None], name: str | None
) -> Callable[[Function], Function]:
    """A decorator that calls ``add(function, name)`` and returns the function as it was
    (``@app.template_filter()`` and the other registering decorators)."""

    def decorator(function: Function) -> Function:
        add(function, name)
        return function

    return decorator
