"""Errors inside an app: how ``App`` turns an exception into a response, and the app's own
``abort`` and ``redirect``.

Where it fits: ``AppErrors`` is a mixin of ``App`` (``tinyweb.app``), kept here so that
``app.py`` holds the request pipeline. The pipeline calls these methods at Flask's fixed
points, so overriding one in a subclass of ``App`` changes what happens there::

    full_dispatch_request
      dispatch_request        a routing error (404, 405, 308) -> raise_routing_exception
      (any exception)         -> handle_user_exception
                                   HTTPError, not trapped -> handle_http_exception
                                   otherwise              -> errorhandler, or re-raised
    wsgi_app
      (still unhandled)       -> handle_exception: 500 (or re-raised in tests)
      (popping the context)   teardown gets the error unless should_ignore_error says no

``tinyweb.abort`` and ``tinyweb.redirect`` (defined here) go through the current app's
``aborter`` and ``redirect`` when an app context is pushed, as ``flask.abort`` and
``flask.redirect`` do; outside one they are ``tinyweb.errors.abort`` and
``tinyweb.response.redirect``.

Rules:
- None of this runs for a request that raises nothing: a plain request pays nothing.
- Where this module is silent, it does what Flask 3.1 does. Deliberate difference:
  ``DEBUG`` does not re-raise errors (there is no debugger middleware to catch them); it
  renders an escaped traceback page instead. Only ``TESTING`` or ``PROPAGATE_EXCEPTIONS``
  re-raise.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NoReturn, cast

from tinyweb.context import current_app, current_request_context, has_app_context
from tinyweb.coroutines import resolve
from tinyweb.errors import (
    Aborter,
    BadRequest,
    BadRequestKeyError,
    HTTPError,
    InternalServerError,
    RequestRedirect,
)
from tinyweb.errors import abort as abort_without_app
from tinyweb.response import Response
from tinyweb.response import redirect as redirect_without_app
from tinyweb.return_values import traceback_page
from tinyweb.scaffold import ErrorHandler
from tinyweb.signals import got_request_exception

if TYPE_CHECKING:  # pragma: no cover - names for annotations only
    from tinyweb.app import App
    from tinyweb.request import Request

# What a view or an error handler may return (App.make_response documents each shape).
ResponseValue = Any


class AppErrors:
    """The error side of ``App``: handling exceptions, trapping them, ``aborter``, ``redirect``.

    Example: log every 404 in one place, whatever raised it::

        class LoggingApp(App):
            def handle_http_exception(self, error):
                if error.code == 404:
                    self.logger.info("not found: %s", request.path)
                return super().handle_http_exception(error)
    """

    # The class of ``app.aborter`` (``make_aborter`` creates it; Flask's attribute).
    aborter_class: type[Aborter] = Aborter

    def make_aborter(self) -> Aborter:
        """Create ``app.aborter``, what ``tinyweb.abort`` calls: an ``aborter_class()``."""
        return self.aborter_class()

    def redirect(self, location: str, code: int = 302) -> Response:
        """A redirect response of the app's ``response_class`` (``tinyweb.redirect`` calls
        it). Example: ``return current_app.redirect(url_for("index"))``."""
        response_class: type[Response] = cast("App", self).response_class
        return redirect_without_app(location, code, Response=response_class)

    # -- during dispatch -------------------------------------------------------------------

    def raise_routing_exception(self, request: Request) -> NoReturn:
        """Raise the routing error stored on ``request`` (404, 405, or a 308 that adds a
        slash); ``dispatch_request`` calls it when the URL matched no view."""
        raise cast(HTTPError, request.routing_exception)

    def handle_user_exception(self, exception: Exception) -> ResponseValue:
        """An exception from a hook or view: its handler's response, or the HTTP error.

        An ``HTTPError`` that is not trapped (``trap_http_exception``) goes to
        ``handle_http_exception``; anything else is given to its ``errorhandler``, and
        without one re-raised, to become a 500 in ``handle_exception``.
        """
        if isinstance(exception, BadRequest) and exception.detail is not None:
            # The missing key or the JSON parser's message, on the page in debug mode only.
            app = cast("App", self)
            exception.show_exception = bool(app.debug or app.config["TRAP_BAD_REQUEST_ERRORS"])
        if isinstance(exception, HTTPError) and not self.trap_http_exception(exception):
            return self.handle_http_exception(exception)
        handler = self._find_error_handler(exception)
        if handler is None:
            raise exception
        return resolve(handler(exception))

    def handle_http_exception(self, error: HTTPError) -> ResponseValue:
        """An ``HTTPError`` (``abort(404)``, a routing error): its handler's response, or
        the error itself, which renders its own page.

        A routing redirect and ``abort(response)`` are never given to a handler (Flask).
        """
        if isinstance(error, RequestRedirect) or error.response is not None:
            return error
        handler = self._find_error_handler(error)
        if handler is None:
            return error
        return resolve(handler(error))

    def trap_http_exception(self, error: HTTPError) -> bool:
        """Whether ``error`` is treated like any other exception: raised unless a handler
        takes it, so a test (or the debug page) shows where it came from.

        True for every ``HTTPError`` with ``TRAP_HTTP_EXCEPTIONS``; for a ``BadRequest``
        with ``TRAP_BAD_REQUEST_ERRORS``; and, while that is None (the default), for a
        missing form or query key (``BadRequestKeyError``) in debug mode.
        """
        config = cast("App", self).config
        if config["TRAP_HTTP_EXCEPTIONS"]:
            return True
        trap_bad_request = config["TRAP_BAD_REQUEST_ERRORS"]
        if trap_bad_request is None:
            return cast("App", self).debug and isinstance(error, BadRequestKeyError)
        return bool(trap_bad_request) and isinstance(error, BadRequest)

    def _find_error_handler(self, exception: BaseException) -> ErrorHandler | None:
        """The registered handler for this exception: by status code first (blueprint
        scopes before the app), then by the most specific class in the exception's MRO
        (blueprint scopes before the app). Flask's order: an app's 404 handler wins over a
        blueprint's handler for ``Exception``."""
        app = cast("App", self)
        code = exception.code if isinstance(exception, HTTPError) else None
        scopes = [app.error_handler_spec.get(scope) for scope in reversed(app._scopes())]
        for key in (code, None) if code is not None else (None,):
            for by_code in scopes:
                by_class = by_code.get(key) if by_code else None
                if not by_class:
                    continue
                for exception_class in type(exception).__mro__:
                    handler = by_class.get(exception_class)
                    if handler is not None:
                        return handler
        return None

    # -- when nothing handled it -----------------------------------------------------------

    def handle_exception(self, exception: Exception) -> Response:
        """An unhandled exception: re-raise (testing) or log it and answer 500.

        ``PROPAGATE_EXCEPTIONS`` (default: follow ``TESTING``) re-raises, so a test sees
        the real traceback. Otherwise the 500 handler, if any, gets an
        ``InternalServerError`` carrying ``original_exception``; in debug mode, without a
        handler, the page shows the escaped traceback. The ``got_request_exception``
        signal is sent first, in both cases.
        """
        app = cast("App", self)
        if got_request_exception.receivers:
            got_request_exception.send(app, exception=exception)
        propagate = app.config["PROPAGATE_EXCEPTIONS"]
        if propagate is None:
            propagate = app.testing
        if propagate:
            raise exception
        self.log_exception(exception)
        server_error = InternalServerError(original_exception=exception)
        handler = self._find_error_handler(server_error)
        if handler is not None:
            response_value = resolve(handler(server_error))
            return app.finalize_request(response_value, from_error_handler=True)
        if app.debug:
            page = traceback_page(exception, app.response_class)
            return app.finalize_request(page, from_error_handler=True)
        return app.finalize_request(server_error, from_error_handler=True)

    def log_exception(self, exception: BaseException) -> None:
        """Log an unhandled exception with its traceback to ``app.logger``."""
        current = current_request_context().request
        cast("App", self).logger.error(
            "Exception on %s [%s]",
            current.path,
            current.method,
            exc_info=(type(exception), exception, exception.__traceback__),
        )

    def should_ignore_error(self, error: BaseException | None) -> bool:
        """Whether teardown functions should not see ``error`` (they get None instead).

        ``wsgi_app`` asks once per failed request, before popping the context; the default
        is False. Example: hide client disconnects from a teardown that rolls back::

            def should_ignore_error(self, error):
                return isinstance(error, ClientDisconnected)
        """
        return False


# -- module-level helpers (they act on current_app) ------------------------------------------


def abort(status: Any, description: str | None = None, **options: Any) -> NoReturn:
    """Raise the ``HTTPError`` for ``status`` through the current app's ``aborter``.

    ::

        if post is None:
            abort(404)
        abort(403, "Only the author may edit this post.")

    Outside an app context it is ``tinyweb.errors.abort`` (the default codes).
    """
    if has_app_context():
        current_app.aborter(status, description, **options)
    abort_without_app(status, description, **options)


def redirect(location: str, code: int = 302) -> Response:
    """A redirect response to ``location``: the current app's ``redirect`` (its
    ``response_class``), or ``tinyweb.response.redirect`` outside an app context.

    Example: ``return redirect(url_for("login"))`` (302; ``code=301`` for a permanent one).
    """
    if has_app_context():
        return current_app.redirect(location, code)  # type: ignore[no-any-return]
    return redirect_without_app(location, code)
