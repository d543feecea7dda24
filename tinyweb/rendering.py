"""Templates inside an app: ``render_template``, ``render_template_string`` and the
environment an ``App`` creates for its ``templates/`` folder.

Where it fits: the template engine (``tinyweb.templating``) knows nothing about apps or
requests; this module is the bridge. It gives every template the globals a Flask template
expects (``request``, ``session``, ``g``, ``config``, ``url_for``,
``get_flashed_messages``) and runs the app's
context processors before each render.

Rules:
- The engine is imported on first render, not when the app is imported, so an API that
  never renders HTML never loads it.
- ``request``, ``session`` and ``g`` are the context-local proxies, so one environment
  serves every request and thread.
- ``get_flashed_messages`` (``tinyweb.sessions``) is a global too, so a layout can show
  flashed messages.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from tinyweb.context import current_app, g, request, session

if TYPE_CHECKING:  # pragma: no cover - names for annotations only
    from tinyweb.app import App
    from tinyweb.templating import Environment


def create_environment(app: App) -> Environment:
    """A template ``Environment`` loading from the app's template folder, with its globals.

    Templates reload when their file changes if ``TEMPLATES_AUTO_RELOAD`` is true, or is
    None (the default) while ``DEBUG`` is on. ``app.jinja_options`` are passed on as
    keywords (Flask's ``jinja_options``): they may set any ``Environment`` option,
    ``loader`` and ``auto_reload`` included.
    """
    from tinyweb.app import url_for
    from tinyweb.sessions import get_flashed_messages
    from tinyweb.templating import Environment, FileSystemLoader

    folder = os.path.join(app.root_path, app.template_folder or "templates")
    auto_reload = app.config["TEMPLATES_AUTO_RELOAD"]
    options: dict[str, Any] = {
        "loader": FileSystemLoader(folder),
        "auto_reload": app.debug if auto_reload is None else bool(auto_reload),
        **app.jinja_options,
    }
    environment = Environment(**options)
    environment.globals.update(
        url_for=url_for,
        get_flashed_messages=get_flashed_messages,
        request=request,
        session=session,
        g=g,
        config=app.config,
    )
    return environment


def render_template(template_name: str, **context: Any) -> str:
    """Render ``templates/<template_name>`` with ``context`` (plus the app's globals).

    Example: ``return render_template("hello.html", name=name)``.
    """
    app = current_app._get_current_object()
    template = app.template_environment.get_template(template_name)
    app.update_template_context(context)
    return str(template.render(**context))


def render_template_string(source: str, **context: Any) -> str:
    """Render a template given as a string (autoescaped, like an ``.html`` file).

    Example: ``render_template_string("Hello {{ name }}!", name="<b>")``.
    """
    app = current_app._get_current_object()
    template = app.template_environment.from_string(source)
    app.update_template_context(context)
    return str(template.render(**context))
