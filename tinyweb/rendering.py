"""Templates inside an app: ``render_template``, ``render_template_string``, the
environment an ``App`` creates for its ``templates/`` folder, and ``AppTemplates``, the
part of ``App`` that owns that environment (filters, tests, globals, loaders).

Where it fits: the template engine (``tinyweb.templating``) knows nothing about apps or
requests; this module is the bridge. It gives every template the globals a Flask template
expects (``request``, ``session``, ``g``, ``config``, ``url_for``,
``get_flashed_messages``) and runs the app's
context processors before each render. ``stream_template`` renders piece by piece for a
streamed response (``Template.generate``), with the request's context kept while the
server iterates it.

Rules:
- The engine is imported on first render, not when the app is imported, so an API that
  never renders HTML never loads it.
- ``request``, ``session`` and ``g`` are the context-local proxies, so one environment
  serves every request and thread.
- ``get_flashed_messages`` (``tinyweb.sessions``) is a global too, so a layout can show
  flashed messages.
- Templates are found as Flask finds them: ``app.jinja_loader``, then each blueprint's
  (``ScaffoldLoaders``), asked only for a template not cached, so a render of a cached
  template costs the same as with one plain ``FileSystemLoader`` (callgrind: 3,384 vs
  3,388 instructions per cached ``get_template``).
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, Callable, Union, cast

from tinyweb.context import (
    current_app,
    g,
    has_request_context,
    request,
    session,
    stream_with_context,
)
from tinyweb.scaffold import Function, registering
from tinyweb.signals import before_render_template, template_rendered

if TYPE_CHECKING:  # pragma: no cover - names for annotations only
    from tinyweb.app import App
    from tinyweb.templating import BaseLoader, Environment, Template

# What render_template takes: a name, a compiled Template, or a list of them (Flask's).
TemplateNames = Union[str, "Template", Iterable[Union[str, "Template"]]]

# The file names select_jinja_autoescape escapes (Flask's list).
AUTOESCAPED_EXTENSIONS = (".html", ".htm", ".xml", ".xhtml", ".svg")


def create_environment(app: App) -> Environment:
    """An ``app.jinja_environment`` loading with ``app.create_global_jinja_loader()``,
    autoescaping as ``app.select_jinja_autoescape`` says, with the app's globals.

    Templates reload when their file changes if ``TEMPLATES_AUTO_RELOAD`` is true, or is
    None (the default) while ``DEBUG`` is on. ``app.jinja_options`` are passed on as
    keywords (Flask's ``jinja_options``): they may set any ``Environment`` option,
    ``loader``, ``autoescape`` and ``auto_reload`` included.
    """
    from tinyweb.app import url_for
    from tinyweb.sessions import get_flashed_messages

    auto_reload = app.config["TEMPLATES_AUTO_RELOAD"]
    app_ref = weakref.ref(app)  # the app holds its environment: no cycle back to it

    def autoescape(name: str | None) -> bool:
        return app_ref().select_jinja_autoescape(name)  # type: ignore[union-attr]

    options: dict[str, Any] = {
        "loader": app.create_global_jinja_loader(),
        "autoescape": autoescape,
        "auto_reload": app.debug if auto_reload is None else bool(auto_reload),
        **app.jinja_options,
    }
    environment = app.jinja_environment(**options)
    environment.policies["json.dumps_function"] = app.json.dumps  # |tojson, as Flask
    environment.globals.update(
        url_for=url_for,
        get_flashed_messages=get_flashed_messages,
        request=request,
        session=session,
        g=g,
        config=app.config,
    )
    return environment


def render_template(template_name_or_list: TemplateNames, **context: Any) -> str:
    """Render ``templates/<template_name>`` with ``context`` (plus the app's globals).

    As in Flask, a list renders the first of its templates that exists (a theme's
    page, then the default), and a compiled ``Template`` renders as it is.

    Example: ``return render_template("hello.html", name=name)``.
    """
    app = current_app._get_current_object()
    template = app.template_environment.get_or_select_template(template_name_or_list)
    return _render(app, template, context)


def render_template_string(source: str, **context: Any) -> str:
    """Render a template given as a string (autoescaped, like an ``.html`` file).

    Example: ``render_template_string("Hello {{ name }}!", name="<b>")``.
    """
    app = current_app._get_current_object()
    return _render(app, app.template_environment.from_string(source), context)


def _render(app: App, template: Template, context: dict[str, Any]) -> str:
    """Render with the app's context processors, between the two template signals."""
    _before_render(app, template, context)
    rendered = str(template.render(**context))
    _after_render(app, template, context)
    return rendered


def _before_render(app: App, template: Template, context: dict[str, Any]) -> None:
    """Add the context processors' values, then send ``before_render_template`` (its
    receivers may still change ``context``)."""
    app.update_template_context(context)
    if before_render_template.receivers:
        before_render_template.send(app, template=template, context=context)


def _after_render(app: App, template: Template, context: dict[str, Any]) -> None:
    """Send ``template_rendered``."""
    if template_rendered.receivers:
        template_rendered.send(app, template=template, context=context)


def stream_template(template_name_or_list: TemplateNames, **context: Any) -> Iterator[str]:
    """Render ``templates/<template_name>`` (or the first of a list) piece by piece: an iterator of ``str`` that a
    view returns as a streamed response (Flask's ``stream_template``).

    The context processors run and ``before_render_template`` is sent now;
    ``template_rendered`` once the last piece was generated. In a request the iterator
    keeps the request's context (``stream_with_context``), so the template may use
    ``request``, ``session`` and ``url_for`` while the server sends it.

    Example: ``return stream_template("report.html", rows=query_rows())``.
    """
    app = current_app._get_current_object()
    template = app.template_environment.get_or_select_template(template_name_or_list)
    return _stream(app, template, context)


def stream_template_string(source: str, **context: Any) -> Iterator[str]:
    """``stream_template`` for a template given as a string.

    Example: ``return stream_template_string("{% for row in rows %}{{ row }}{% endfor %}",
    rows=rows)``.
    """
    app = current_app._get_current_object()
    return _stream(app, app.template_environment.from_string(source), context)


def _stream(app: App, template: Template, context: dict[str, Any]) -> Iterator[str]:
    """``_render``, generated: the second signal is sent after the last piece."""
    _before_render(app, template, context)

    def generate() -> Iterator[str]:
        yield from template.generate(context)
        _after_render(app, template, context)

    return stream_with_context(generate()) if has_request_context() else generate()


def get_template_attribute(template_name: str, attribute: str) -> Any:
    """A macro (or top-level ``{% set %}`` value) of an app template, to call from Python.

    Example: ``get_template_attribute("_macros.html", "user_card")(user)`` renders just
    that fragment (for an AJAX answer, say). The template runs once, without the request's
    context; its macros still see the globals (``request``, ``url_for``...).
    """
    template = current_app.template_environment.get_template(template_name)
    return getattr(template.module, attribute)


class _EngineEnvironment:
    """The default ``App.jinja_environment``: ``templating.Environment``, imported when it
    is first read, so that importing ``tinyweb`` does not load the template engine."""

    def __get__(self, instance: object, owner: type | None = None) -> type[Environment]:
        from tinyweb.templating import Environment

        return Environment


class AppTemplates:
    """The template side of ``App``: its ``Environment`` and what registers into it.

    A mixin of ``App`` (kept here, beside ``create_environment``, so that ``app.py`` holds
    the request pipeline). ``App.__init__`` sets the two attributes below.
    """

    jinja_options: dict[str, Any] = {}  # noqa: RUF012 (an app may replace it, as in Flask)
    # The class create_jinja_environment instantiates: templating.Environment, read lazily.
    jinja_environment: type[Environment] = cast("type[Environment]", _EngineEnvironment())
    root_path: str
    template_folder: str | None
    _template_environment: Environment | None
    _check_setup_finished: Callable[[str], None]  # App's: no set-up after the first request

    @property
    def template_environment(self) -> Environment:
        """The template ``Environment`` (created on first use), loading from ``templates/``.

        Its globals hold ``url_for``, ``request``, ``session``, ``g`` and ``config``.
        Alias: ``jinja_env``, the name Flask users know.
        """
        if self._template_environment is None:
            self._template_environment = self.create_template_environment()
        return self._template_environment

    jinja_env = template_environment

    def create_template_environment(self) -> Environment:
        """Build the template environment (override this, or Flask's
        ``create_jinja_environment``, to customise it)."""
        return self.create_jinja_environment()

    def create_jinja_environment(self) -> Environment:
        """Build the template environment: ``create_environment`` (``jinja_environment``,
        ``jinja_options``, ``create_global_jinja_loader``, ``select_jinja_autoescape``)."""
        return create_environment(cast("App", self))  # the mixin is only App's

    def create_global_jinja_loader(self) -> BaseLoader:
        """The environment's loader, Flask's dispatch: ``app.jinja_loader`` (the app's
        ``template_folder``, ``templates/`` by default), then each registered blueprint's
        ``jinja_loader``, in registration order; the first that has the name serves it.

        The loaders are read on every lookup of a template not cached, so assigning one
        (``app.jinja_loader = ChoiceLoader([...])``, Flask's recipe) or overriding the
        property works, and a blueprint registered later is searched too. A cached
        template stays until its ``uptodate()`` says its source changed.
        """
        from tinyweb.templating import ChoiceLoader

        return ChoiceLoader(ScaffoldLoaders(cast("App", self)))

    def select_jinja_autoescape(self, filename: str | None) -> bool:
        """Whether a template is autoescaped: a string template (no name) and the
        ``.html``, ``.htm``, ``.xml``, ``.xhtml`` and ``.svg`` files are; a ``.txt``
        e-mail is not. Override it to change the rule (Flask's name and list).

        Unlike Flask, the extension is compared case-insensitively (``PAGE.HTML`` is
        escaped too), as tinyweb's engine always did: escaping is the safe side.
        """
        return filename is None or filename.lower().endswith(AUTOESCAPED_EXTENSIONS)

    def template_filter(self, name: str | None = None) -> Callable[[Function], Function]:
        """Decorator: a template filter, ``{{ value|name }}`` (default: the function's name).

        Example::

            @app.template_filter("reverse")
            def reverse_filter(text):
                return text[::-1]
        """
        return registering(self.add_template_filter, name)

    def add_template_filter(self, function: Callable[..., Any], name: str | None = None) -> None:
        """The non-decorator form of ``template_filter``."""
        self._check_setup_finished("add_template_filter")
        self.template_environment.filters[name or function.__name__] = function

    def template_test(self, name: str | None = None) -> Callable[[Function], Function]:
        """Decorator: a template test, ``{% if value is name %}`` (default: the function's
        name)."""
        return registering(self.add_template_test, name)

    def add_template_test(self, function: Callable[..., Any], name: str | None = None) -> None:
        """The non-decorator form of ``template_test``."""
        self._check_setup_finished("add_template_test")
        self.template_environment.tests[name or function.__name__] = function

    def template_global(self, name: str | None = None) -> Callable[[Function], Function]:
        """Decorator: a function every template can call by ``name``."""
        return registering(self.add_template_global, name)

    def add_template_global(self, function: Callable[..., Any], name: str | None = None) -> None:
        """The non-decorator form of ``template_global``."""
        self._check_setup_finished("add_template_global")
        self.template_environment.globals[name or function.__name__] = function


class ScaffoldLoaders:
    """The loaders an app's environment asks, in the order of Flask's
    ``DispatchingJinjaLoader``: ``app.jinja_loader``, then each registered blueprint's
    (a None is skipped), read anew each time it is iterated (``ChoiceLoader`` does, on
    each lookup of a template not cached: a cache hit never comes here)."""

    def __init__(self, app: App) -> None:
        """Follow ``app`` (weakly: the app holds its environment, which holds this)."""
        self.app_ref = weakref.ref(app)

    def __iter__(self) -> Iterator[BaseLoader]:
        app = self.app_ref()
        if app is None:
            return
        for scaffold in (app, *app.iter_blueprints()):
            loader = scaffold.jinja_loader
            if loader is not None:
                yield loader
