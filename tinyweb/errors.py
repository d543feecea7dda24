"""HTTP errors as exceptions: one class per status code, each able to render itself.

Where it fits: the router raises ``NotFound``, ``MethodNotAllowed`` and ``RequestRedirect``;
``Request`` raises ``BadRequest`` and ``RequestEntityTooLarge``; views call ``abort(404)``.
The app catches any ``HTTPError``, lets an error handler answer it, and otherwise calls the
exception itself: every ``HTTPError`` is a small WSGI application (PEP 3333) that sends its
status line, headers and a short HTML page.

Rules:
- Errors are data. An instance knows its ``code``, reason phrase (``name``), a human
  ``description`` and any headers the status needs (``Allow`` for 405, RFC 9110 §15.5.6;
  ``Location`` for 308, §15.4.9; ``Content-Range`` for 416, §15.5.17).
- The page never echoes unescaped text: the description is HTML-escaped, because it can
  carry user input (a reflected XSS otherwise).
- No header value may carry CR, LF or NUL (response splitting); constructors that take
  header material reject it with ``ValueError``.
- This module imports nothing from tinyweb, so every other module may use it.

Class names follow Werkzeug's, so a Flask user's ``except NotFound`` reads the same; the one
exception is ``NotImplementedHTTP`` (501), because ``NotImplemented`` is a Python builtin.
Status codes and reason phrases: RFC 9110 §15.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from datetime import datetime
from typing import Any, Callable, ClassVar, NoReturn, Optional, Union

__all__ = [
    "HTTP_ERRORS",
    "Aborter",
    "BadGateway",
    "BadRequest",
    "BadRequestKeyError",
    "Conflict",
    "ExpectationFailed",
    "FailedDependency",
    "Forbidden",
    "GatewayTimeout",
    "Gone",
    "HTTPError",
    "HTTPVersionNotSupported",
    "ImATeapot",
    "InternalServerError",
    "LengthRequired",
    "Locked",
    "MethodNotAllowed",
    "MisdirectedRequest",
    "NotAcceptable",
    "NotFound",
    "NotImplementedHTTP",
    "PreconditionFailed",
    "PreconditionRequired",
    "RangeNotSatisfiable",
    "RequestEntityTooLarge",
    "RequestHeaderFieldsTooLarge",
    "RequestRedirect",
    "RequestTimeout",
    "RequestURITooLarge",
    "SecurityError",
    "ServiceUnavailable",
    "TooManyRequests",
    "Unauthorized",
    "UnavailableForLegalReasons",
    "UnprocessableEntity",
    "UnsupportedMediaType",
    "abort",
]

# The WSGI start_response callable (PEP 3333); typed loosely because servers differ.
StartResponse = Callable[..., Any]
Environ = Optional[dict[str, Any]]  # the environ that Werkzeug's hooks receive (or None)

_FORBIDDEN_IN_HEADERS = ("\r", "\n", "\0")


def _check_header_value(name: str, value: str) -> str:
    """Return ``value`` unchanged, or raise ValueError if it could split the response."""
    if any(character in value for character in _FORBIDDEN_IN_HEADERS):
        raise ValueError(f"{name} header value contains CR, LF or NUL")
    return value


class HTTPError(Exception):
    """An HTTP error response, raised as an exception and rendered as a WSGI app.

    Subclasses set ``code``, ``name`` (the reason phrase) and a default ``description``::

        raise NotFound()                              # default description
        raise BadRequest("The 'page' field must be a number.")
        abort(403)                                    # the same, by status code

    ``HTTPError(response=some_response)`` (what ``abort(some_response)`` raises) carries a
    ready response and sends exactly that instead of its page, as Werkzeug's does.
    """

    code: ClassVar[int] = 500
    name: ClassVar[str] = "Internal Server Error"
    description: str = "The server met an unexpected condition and could not complete the request."
    # The class ``get_response`` builds: tinyweb.response.Response. This module may import
    # no tinyweb module (every other module imports it, so it must stay the bottom layer of
    # the import table, and a lazy import is still an import to that table). So the
    # dependency points the allowed way: response.py sets this when it is imported, and
    # importing any tinyweb module imports the package, whose __init__ imports response.
    response_class: ClassVar[Optional[Callable[..., Any]]] = None

    def __init__(self, description: Optional[str] = None, response: Any = None) -> None:
        if description is not None:
            self.description = description
        self.response = response
        super().__init__(self.description)

    def __str__(self) -> str:
        return f"{self.code} {self.name}: {self.description}"

    def __repr__(self) -> str:
        return f"<{type(self).__name__} '{self.code}: {self.name}'>"

    @property
    def status(self) -> str:
        """The WSGI status line, e.g. ``"404 Not Found"``."""
        return f"{self.code} {self.name}"

    # environ and scope: Werkzeug's signatures, so that its subclasses (and their super()
    # calls) work unchanged; the built-in pages do not depend on them.

    def get_headers(self, environ: Environ = None, scope: Any = None) -> list[tuple[str, str]]:
        """The response headers (without Content-Length), as WSGI ``(name, value)`` pairs."""
        return [("Content-Type", "text/html; charset=utf-8")]

    def get_description(self, environ: Environ = None, scope: Any = None) -> str:
        """The description as an HTML paragraph: escaped, line breaks as ``<br>``."""
        return f"<p>{html.escape(self.description).replace(chr(10), '<br>')}</p>"

    def get_body(self, environ: Environ = None, scope: Any = None) -> str:
        """A short HTML page naming the error, with ``get_description``."""
        return (
            "<!doctype html>\n<html lang=en>\n"
            f"<title>{self.code} {html.escape(self.name)}</title>\n"
            f"<h1>{html.escape(self.name)}</h1>\n"
            f"{self.get_description(environ, scope)}\n"
        )

    def get_response(self, environ: Environ = None, scope: Any = None) -> Any:
        """This error as a ``tinyweb.Response``: its status, headers and page.

        A handler can reshape it, as in Flask's JSON error handler recipe::

            @app.errorhandler(HTTPError)
            def as_json(error):
                response = error.get_response()
                response.data = json.dumps({"code": error.code, "name": error.name})
                response.content_type = "application/json"
                return response

        An error that carries a response (``abort(response)``) returns that response.
        ``environ`` is accepted for Werkzeug's signature; the page does not depend on it.
        """
        if self.response is not None:
            return self.response
        if HTTPError.response_class is None:  # only if tinyweb.response was never imported
            raise RuntimeError("get_response needs tinyweb.response: import tinyweb first")
        body, headers = self.get_body(environ, scope), self.get_headers(environ, scope)
        return HTTPError.response_class(body, self.code, headers=headers)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """Answer a request with this error (the exception is a WSGI application)."""
        if self.response is not None:  # abort(response): send that response as it is
            result: Iterable[bytes] = self.response(environ, start_response)
            return result
        body = self.get_body(environ).encode("utf-8")
        headers = [*self.get_headers(environ), ("Content-Length", str(len(body)))]
        start_response(self.status, headers)
        # RFC 9110 §9.3.2: a HEAD response carries the headers of GET but no content.
        if environ.get("REQUEST_METHOD") == "HEAD":
            return [b""]
        return [body]


class RequestRedirect(HTTPError):
    """308 Permanent Redirect, raised by the router to add a missing trailing slash.

    308 (RFC 9110 §15.4.9) keeps the method and body, unlike 301::

        raise RequestRedirect("/users/?page=2")
    """

    code: ClassVar[int] = 308
    name: ClassVar[str] = "Permanent Redirect"
    description: str = "The resource has moved permanently; follow the Location header."

    def __init__(self, new_url: str, description: Optional[str] = None) -> None:
        self.new_url = _check_header_value("Location", new_url)
        super().__init__(description)

    def get_headers(self, environ: Environ = None, scope: Any = None) -> list[tuple[str, str]]:
        """Content-Type and ``Location: new_url``."""
        return [*super().get_headers(environ, scope), ("Location", self.new_url)]

    def get_body(self, environ: Environ = None, scope: Any = None) -> str:
        """A short HTML page linking to the new location."""
        target = html.escape(self.new_url)
        return (
            "<!doctype html>\n<html lang=en>\n"
            f"<title>{self.code} {self.name}</title>\n"
            f"<h1>{self.name}</h1>\n"
            f'<p>Redirecting to <a href="{target}">{target}</a>.</p>\n'
        )


class BadRequest(HTTPError):
    """400: the request is malformed (``abort(400)``).

    ``detail`` says what exactly was wrong (the missing key, the JSON parser's message);
    the description carries it only while ``show_exception`` is true (Werkzeug's flag).
    The app sets that flag from its debug mode when it handles the error, so that a page
    tells a stranger nothing of the app's code (Flask's rule).
    """

    code: ClassVar[int] = 400
    name: ClassVar[str] = "Bad Request"
    _description: str = (
        "The browser (or proxy) sent a request that this server could not understand."
    )
    detail: Optional[str] = None
    show_exception: bool = False

    @property
    def description(self) -> str:
        """The text of the page: the generic one, with ``detail`` if ``show_exception``."""
        if self.show_exception and self.detail:
            return f"{self._description} {self.detail}"
        return self._description

    @description.setter
    def description(self, value: str) -> None:
        self._description = value


class BadRequestKeyError(BadRequest, KeyError):
    """400 for a key the client did not send: ``request.form["title"]`` with no title.

    A view that indexes request data trusts the client to have sent that field; when it
    did not, the client is at fault, so the answer is 400 and not a 500 with a traceback
    (Flask does the same). It is still a ``KeyError``, so ``except KeyError`` keeps working.
    Its ``detail`` names the key (shown in debug mode only, see ``BadRequest``).
    """

    def __init__(self, key: object = None, description: Optional[str] = None) -> None:
        self.key = key
        if key is not None:
            self.detail = f"The field {key!r} is missing."
        super().__init__(description)
        KeyError.__init__(self, key)  # err.args[0] is the key, as for any KeyError


class SecurityError(BadRequest):
    """400 for a request that fails a security check, such as a ``Host`` that is not in
    ``Request.trusted_hosts``; otherwise exactly a ``BadRequest``, as in Werkzeug."""


class Unauthorized(HTTPError):
    """401: authentication is required; ``www_authenticate`` sets the challenge header.

    A challenge is text or an object whose ``str()`` is the header value (a
    ``typed_headers.WWWAuthenticate``); a list of them sends one header each, as Werkzeug::

        raise Unauthorized(www_authenticate='Basic realm="admin"')
    """

    code: ClassVar[int] = 401
    name: ClassVar[str] = "Unauthorized"
    description: str = "The server could not verify that you are authorized to access this URL."

    def __init__(
        self, description: Optional[str] = None, response: Any = None, www_authenticate: Any = None
    ) -> None:
        if www_authenticate is None or isinstance(www_authenticate, (list, tuple)):
            challenges = list(www_authenticate or ())
        else:
            challenges = [www_authenticate]
        self.www_authenticate = None if www_authenticate is None else challenges
        for challenge in challenges:  # refused now, rather than when the response is sent
            _check_header_value("WWW-Authenticate", str(challenge))
        super().__init__(description, response)

    def get_headers(self, environ: Environ = None, scope: Any = None) -> list[tuple[str, str]]:
        """Content-Type, plus ``WWW-Authenticate`` per challenge given (RFC 9110 §11.6.1)."""
        return super().get_headers(environ, scope) + [
            ("WWW-Authenticate", _check_header_value("WWW-Authenticate", str(challenge)))
            for challenge in self.www_authenticate or ()
        ]


class Forbidden(HTTPError):
    """403: the client may not access this resource."""

    code: ClassVar[int] = 403
    name: ClassVar[str] = "Forbidden"
    description: str = "You do not have permission to access the requested resource."


class NotFound(HTTPError):
    """404: no resource at this URL."""

    code: ClassVar[int] = 404
    name: ClassVar[str] = "Not Found"
    description: str = "The requested URL was not found on the server."


class MethodNotAllowed(HTTPError):
    """405: the URL exists, but not for this method; carries the ``Allow`` set.

    ::

        error = MethodNotAllowed(["POST", "GET"])
        error.valid_methods   # ['GET', 'POST']
    """

    code: ClassVar[int] = 405
    name: ClassVar[str] = "Method Not Allowed"
    description: str = "The method is not allowed for the requested URL."

    def __init__(
        self,
        valid_methods: Optional[Iterable[str]] = None,
        description: Optional[str] = None,
        response: Any = None,
    ) -> None:
        self.valid_methods = sorted(set(valid_methods or ()))
        for method in self.valid_methods:
            _check_header_value("Allow", method)
        super().__init__(description, response)

    def get_headers(self, environ: Environ = None, scope: Any = None) -> list[tuple[str, str]]:
        """Content-Type and ``Allow`` (RFC 9110 §15.5.6: a 405 MUST carry Allow)."""
        # Every other Allow is written by header_sets.HeaderSet.to_header, which this
        # module may not import (it imports nothing of tinyweb). Methods are tokens (RFC
        # 9110 §9.1), which that writer joins with ", " unquoted, as this line does; a test
        # (test_header_sets.py) pins that both write the same bytes.
        return [*super().get_headers(environ, scope), ("Allow", ", ".join(self.valid_methods))]


class NotAcceptable(HTTPError):
    """406: no representation matches the request's Accept headers."""

    code: ClassVar[int] = 406
    name: ClassVar[str] = "Not Acceptable"
    description: str = "The resource cannot produce a response in a format the client accepts."


class RequestTimeout(HTTPError):
    """408: the client took too long to send its request."""

    code: ClassVar[int] = 408
    name: ClassVar[str] = "Request Timeout"
    description: str = "The server closed the connection because the request took too long."


class Conflict(HTTPError):
    """409: the request conflicts with the current state of the resource."""

    code: ClassVar[int] = 409
    name: ClassVar[str] = "Conflict"
    description: str = "The request conflicts with the current state of the resource."


class Gone(HTTPError):
    """410: the resource existed and was removed for good."""

    code: ClassVar[int] = 410
    name: ClassVar[str] = "Gone"
    description: str = "The requested resource is no longer available and will not return."


class LengthRequired(HTTPError):
    """411: the request needs a Content-Length."""

    code: ClassVar[int] = 411
    name: ClassVar[str] = "Length Required"
    description: str = "A request with this method requires a valid Content-Length header."


class PreconditionFailed(HTTPError):
    """412: a conditional header (If-Match, ...) did not hold."""

    code: ClassVar[int] = 412
    name: ClassVar[str] = "Precondition Failed"
    description: str = "A precondition given in the request headers did not hold."


class RequestEntityTooLarge(HTTPError):
    """413: the request body is over the configured limit."""

    code: ClassVar[int] = 413
    name: ClassVar[str] = "Request Entity Too Large"
    description: str = "The data sent with the request is larger than this server accepts."


class RequestURITooLarge(HTTPError):
    """414: the request target is longer than the server accepts."""

    code: ClassVar[int] = 414
    name: ClassVar[str] = "Request URI Too Large"
    description: str = "The requested URL is longer than this server accepts."


class UnsupportedMediaType(HTTPError):
    """415: the body's media type is not one this endpoint reads."""

    code: ClassVar[int] = 415
    name: ClassVar[str] = "Unsupported Media Type"
    description: str = "The server does not support the media type of the request body."


class RangeNotSatisfiable(HTTPError):
    """416: no part of the requested range exists; ``length`` gives ``Content-Range: bytes */N``
    (``units`` other than bytes, as Werkzeug)::

        raise RangeNotSatisfiable(length=1024)
    """

    code: ClassVar[int] = 416
    name: ClassVar[str] = "Requested Range Not Satisfiable"
    description: str = "The server cannot provide the requested range."

    def __init__(
        self,
        length: Optional[int] = None,
        units: str = "bytes",
        description: Optional[str] = None,
        response: Any = None,
    ) -> None:
        self.length = length
        self.units = _check_header_value("Content-Range", units)
        super().__init__(description, response)

    def get_headers(self, environ: Environ = None, scope: Any = None) -> list[tuple[str, str]]:
        """Content-Type, plus ``Content-Range: bytes */length`` when known (RFC 9110 §15.5.17)."""
        headers = super().get_headers(environ, scope)
        if self.length is not None:
            headers.append(("Content-Range", f"{self.units} */{self.length}"))
        return headers


class ExpectationFailed(HTTPError):
    """417: the server cannot meet the request's Expect header."""

    code: ClassVar[int] = 417
    name: ClassVar[str] = "Expectation Failed"
    description: str = "The server cannot meet the requirements of the Expect header."


class ImATeapot(HTTPError):
    """418: the server refuses to brew coffee because it is a teapot (RFC 2324)."""

    code: ClassVar[int] = 418
    name: ClassVar[str] = "I'm a teapot"
    description: str = "This server is a teapot, not a coffee machine."


class MisdirectedRequest(HTTPError):
    """421: this server cannot answer for the request's scheme and authority (RFC 9110 §15.5.20)."""

    code: ClassVar[int] = 421
    name: ClassVar[str] = "Misdirected Request"
    description: str = "The server is not able to produce a response."


class UnprocessableEntity(HTTPError):
    """422: the body is well-formed but its content is invalid."""

    code: ClassVar[int] = 422
    name: ClassVar[str] = "Unprocessable Entity"
    description: str = "The request was well-formed but its content could not be processed."


class Locked(HTTPError):
    """423: the resource is locked (WebDAV, RFC 4918)."""

    code: ClassVar[int] = 423
    name: ClassVar[str] = "Locked"
    description: str = "The resource being accessed is locked."


class FailedDependency(HTTPError):
    """424: the request depended on another request that failed (WebDAV, RFC 4918)."""

    code: ClassVar[int] = 424
    name: ClassVar[str] = "Failed Dependency"
    description: str = "The request failed because a request it depended on failed."


class PreconditionRequired(HTTPError):
    """428: the server requires a conditional request (RFC 6585)."""

    code: ClassVar[int] = 428
    name: ClassVar[str] = "Precondition Required"
    description: str = "This request must be conditional, for example with If-Match."


class _RetryAfterError(HTTPError):
    """An error that may tell the client when to retry (``Retry-After``, RFC 9110 §10.2.3)."""

    def __init__(
        self,
        description: Optional[str] = None,
        response: Any = None,
        retry_after: Union[datetime, int, None] = None,
    ) -> None:
        self.retry_after = retry_after
        super().__init__(description, response)

    def get_headers(self, environ: Environ = None, scope: Any = None) -> list[tuple[str, str]]:
        """Content-Type, plus ``Retry-After`` when given: seconds, or an aware datetime."""
        headers = super().get_headers(environ, scope)
        if isinstance(self.retry_after, datetime):
            import calendar  # here, not at the top: with email, ~10 ms of import time
            import email.utils

            seconds = calendar.timegm(self.retry_after.utctimetuple())  # naive: taken as UTC
            headers.append(("Retry-After", email.utils.formatdate(seconds, usegmt=True)))
        elif self.retry_after is not None:
            headers.append(("Retry-After", str(int(self.retry_after))))
        return headers


class TooManyRequests(_RetryAfterError):
    """429: rate limited; ``retry_after`` (seconds) sets ``Retry-After`` (RFC 6585)."""

    code: ClassVar[int] = 429
    name: ClassVar[str] = "Too Many Requests"
    description: str = "This user has exceeded an allotted request count. Try again later."


class RequestHeaderFieldsTooLarge(HTTPError):
    """431: a header field, or the header section, is too large (RFC 6585)."""

    code: ClassVar[int] = 431
    name: ClassVar[str] = "Request Header Fields Too Large"
    description: str = "One or more header fields exceed the maximum size."


class UnavailableForLegalReasons(HTTPError):
    """451: the resource is withheld for legal reasons (RFC 7725)."""

    code: ClassVar[int] = 451
    name: ClassVar[str] = "Unavailable For Legal Reasons"
    description: str = "The resource is unavailable for legal reasons."


class InternalServerError(HTTPError):
    """500: an unhandled exception; ``original_exception`` keeps the cause for handlers."""

    code: ClassVar[int] = 500
    name: ClassVar[str] = "Internal Server Error"

    def __init__(
        self,
        description: Optional[str] = None,
        response: Any = None,
        original_exception: Optional[BaseException] = None,
    ) -> None:
        self.original_exception = original_exception
        super().__init__(description, response)


class NotImplementedHTTP(HTTPError):
    """501: the server does not support this functionality (``NotImplemented`` is a builtin)."""

    code: ClassVar[int] = 501
    name: ClassVar[str] = "Not Implemented"
    description: str = "The server does not support the action requested by the browser."


class BadGateway(HTTPError):
    """502: an upstream server sent an invalid response."""

    code: ClassVar[int] = 502
    name: ClassVar[str] = "Bad Gateway"
    description: str = "The proxy server received an invalid response from an upstream server."


class ServiceUnavailable(_RetryAfterError):
    """503: temporarily overloaded or down; ``retry_after`` sets ``Retry-After``."""

    code: ClassVar[int] = 503
    name: ClassVar[str] = "Service Unavailable"
    description: str = "The server is temporarily unable to service the request. Try again later."


class GatewayTimeout(HTTPError):
    """504: an upstream server did not answer in time."""

    code: ClassVar[int] = 504
    name: ClassVar[str] = "Gateway Timeout"
    description: str = "The connection to an upstream server timed out."


class HTTPVersionNotSupported(HTTPError):
    """505: the server does not support the request's HTTP version."""

    code: ClassVar[int] = 505
    name: ClassVar[str] = "HTTP Version Not Supported"
    description: str = "The server does not support the HTTP protocol version of the request."


def _error_classes() -> dict[int, type[HTTPError]]:
    """Every error class by status code (4xx and 5xx; redirects are not errors)."""
    found: dict[int, type[HTTPError]] = {}
    pending: list[type[HTTPError]] = [HTTPError]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if not cls.__name__.startswith("_") and cls.code >= 400 and cls is not HTTPError:
            # A class is met before its subclasses, so the general one keeps the code
            # (400 is BadRequest, not its refinement BadRequestKeyError).
            found.setdefault(cls.code, cls)
    return dict(sorted(found.items()))


# Status code -> error class, e.g. ``HTTP_ERRORS[404] is NotFound``. An app registers an
# error handler by code through this table; ``abort`` raises from it.
HTTP_ERRORS: dict[int, type[HTTPError]] = _error_classes()


class Aborter:
    """Raises the ``HTTPError`` of a status code: ``app.aborter``, and ``abort`` behind it.

    ``mapping`` (default: ``HTTP_ERRORS``) says which class each code raises; ``extra``
    adds or replaces codes, so an app can give ``abort(418)`` its own class::

        class Teapot(HTTPError):
            code, name = 418, "I'm a teapot"

        aborter = Aborter(extra={418: Teapot})
        aborter(418)              # raises Teapot

    Calling it is ``abort``'s contract: ``aborter(status, description=None, **options)``,
    where ``options`` go to the class (``valid_methods`` for 405); a ``Response`` instead
    of a status is raised as it is. An unknown code is a ``LookupError``.
    """

    def __init__(
        self,
        mapping: Optional[dict[int, type[HTTPError]]] = None,
        extra: Optional[dict[int, type[HTTPError]]] = None,
    ) -> None:
        self.mapping = dict(HTTP_ERRORS if mapping is None else mapping)
        if extra:
            self.mapping.update(extra)

    def __call__(self, status: Any, description: Optional[str] = None, **options: Any) -> NoReturn:
        response_class = HTTPError.response_class
        if isinstance(response_class, type) and isinstance(status, response_class):
            raise HTTPError(description=description, response=status)
        try:
            error_class = self.mapping[status]
        except (KeyError, TypeError):
            raise LookupError(f"no HTTP error is defined for status {status!r}") from None
        # By keyword: some classes take another argument first (MethodNotAllowed, 416).
        raise error_class(description=description, **options)


_DEFAULT_ABORTER = Aborter()


def abort(status: Any, description: Optional[str] = None, **options: Any) -> NoReturn:
    """Raise the ``HTTPError`` for ``status``; ``LookupError`` if no class has that code.

    ::

        if post is None:
            abort(404)
        abort(403, "Only the author may edit this post.")
        abort(Response("I'm a teapot", 418))   # sends exactly this response

    ``status`` may be a ``Response``: the raised ``HTTPError`` carries it, and rendering the
    error sends that response unchanged (Werkzeug's ``abort(response)``). ``options`` go
    to the error class (``abort(405, valid_methods=["GET"])``). This is the app-less
    ``abort``; ``tinyweb.abort`` goes through the current app's ``aborter`` (Flask 3.1).
    """
    _DEFAULT_ABORTER(status, description, **options)
