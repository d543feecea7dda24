"""tinyweb: a Flask-shaped web framework with its own strict HTTP/1.1 server.

This module is the public face of the package: it re-exports the names an application
imports and holds no logic of its own. See ``docs/how-it-works.md`` for the reading order
of the package, and ``ARCHITECTURE.md`` for how the server half and the framework half
meet at WSGI (PEP 3333) and nowhere else.

The names are spelled as Flask spells them, so porting an app is renaming ``flask`` to
``tinyweb`` (and ``Flask`` to ``App``)::

    from tinyweb import App, request, render_template, redirect, url_for, abort

The server half (``serve``, ``Server``), file sending (``send_file``,
``send_from_directory``) and sessions (``flash``, ``get_flashed_messages``; the
``session`` proxy opens one on first use) are imported on first use only: an application
served by gunicorn or uWSGI never loads tinyweb's sockets and threads, and ``import
tinyweb`` stays cheap (see benchmarks/bench_app.py).
"""

from __future__ import annotations

from typing import Any

from tinyweb.app import App, make_response, url_for
from tinyweb.app_errors import abort, redirect
from tinyweb.config import Config
from tinyweb.context import (
    after_this_request,
    copy_current_request_context,
    current_app,
    g,
    has_app_context,
    has_request_context,
    request,
    session,
    stream_with_context,
)
from tinyweb.errors import HTTPError
from tinyweb.json_provider import jsonify
from tinyweb.rendering import (
    get_template_attribute,
    render_template,
    render_template_string,
    stream_template,
    stream_template_string,
)
from tinyweb.request import Request
from tinyweb.response import Response
from tinyweb.signals import (
    appcontext_popped,
    appcontext_pushed,
    appcontext_tearing_down,
    before_render_template,
    got_request_exception,
    message_flashed,
    request_finished,
    request_started,
    request_tearing_down,
    template_rendered,
)
from tinyweb.views import MethodView, View

__version__ = "0.1.0.dev0"

__all__: list[str] = [
    "App",
    "Blueprint",
    "Config",
    "HTTPError",
    "MethodView",
    "Request",
    "Response",
    "Server",
    "View",
    "__version__",
    "abort",
    "after_this_request",
    "appcontext_popped",
    "appcontext_pushed",
    "appcontext_tearing_down",
    "before_render_template",
    "copy_current_request_context",
    "current_app",
    "flash",
    "g",
    "get_flashed_messages",
    "get_template_attribute",
    "got_request_exception",
    "has_app_context",
    "has_request_context",
    "jsonify",
    "make_response",
    "message_flashed",
    "redirect",
    "render_template",
    "render_template_string",
    "request",
    "request_finished",
    "request_started",
    "request_tearing_down",
    "send_file",
    "send_from_directory",
    "serve",
    "session",
    "stream_template",
    "stream_template_string",
    "stream_with_context",
    "template_rendered",
    "url_for",
]

# name -> module, imported on first access (PEP 562): the server half, file sending
# (mimetypes, email.utils) and sessions (hmac, hashlib), which many apps never need; and
# blueprints, which only apps split into modules need.
_LAZY_NAMES = {
    "Blueprint": "tinyweb.blueprints",
    "serve": "tinyweb.server",
    "Server": "tinyweb.server",
    "send_file": "tinyweb.static",
    "send_from_directory": "tinyweb.static",
    "flash": "tinyweb.sessions",
    "get_flashed_messages": "tinyweb.sessions",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY_NAMES:
        import importlib

        return getattr(importlib.import_module(_LAZY_NAMES[name]), name)
    raise AttributeError(f"module 'tinyweb' has no attribute {name!r}")
