"""The return-value conventions: what a view may return, and the ``Response`` it becomes.

Where it fits: ``App.make_response`` (and so every view, error handler and
``before_request`` hook) goes through ``to_response``, the one function that knows all the
shapes. It builds responses with ``tinyweb.response`` and renders ``HTTPError`` pages from
``tinyweb.errors``; it knows nothing about routing or hooks, and reads the current request
(``tinyweb.context``) only for a WSGI callable's environ and for error messages.

Rules:
- One table, one function: a reader finds every convention in ``to_response``'s docstring.
- Commonest shapes are checked first (a string, then a ``Response``, then JSON), since
  this runs once per request.
- A shape that is not in the table is a ``TypeError`` naming the view, never a guess.

Flask 3.1 has the same table (``Flask.make_response``); the one addition is that an
``HTTPError`` returned (not raised) renders as its page.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Callable, Union

from tinyweb.context import current_request_context, has_request_context
from tinyweb.errors import HTTPError
from tinyweb.response import Response, json_dumps

HeaderSource = Union[dict[str, Any], list[tuple[str, Any]], Any]
_TUPLE_SHAPES = "(body, status), (body, headers) or (body, status, headers)"


def to_response(value: Any, response_class: type[Response], json_provider: Any = None) -> Response:
    """Turn anything a view (or error handler, or hook) returns into a ``Response``.

    ==============================  ===================================================
    the view returns                the response
    ==============================  ===================================================
    ``str``                         that text, ``text/html; charset=utf-8``
    ``bytes`` / ``bytearray``       those bytes, ``text/html`` unless headers say else
    ``dict`` or ``list``            JSON: ``json_provider.response_for(value)`` (the
                                    app's ``app.json``), else ``json_dumps``
    a ``Response``                  itself
    an ``HTTPError``                its error page, status and headers (or the
                                    response it carries, from ``abort(response)``)
    an iterator / generator         streamed chunk by chunk (no Content-Length)
    any other WSGI callable         called with the request's environ, captured
    ``(body, status)``              ``body`` as above, with that status (int or str)
    ``(body, headers)``             ``body`` as above; headers replace same-named ones
    ``(body, status, headers)``     both
    ``None``                        ``TypeError`` naming the view: a missing ``return``
    ==============================  ===================================================

    A WSGI callable is called with the current request's environ; error messages name
    the current request's endpoint.

    Example: ``return {"error": "missing name"}, 400, {"X-Reason": "validation"}``.
    """
    status: int | str | None = None
    headers: HeaderSource = None
    if isinstance(value, tuple):
        value, status, headers = _unpack(value)
    if value is None:
        raise TypeError(
            f"The view function for {_endpoint()!r} did not return a valid "
            "response: it returned None, or ended without a return statement."
        )
    response = _from_body(value, response_class, json_provider)
    if status is not None:
        response.status = status
    if headers:
        _replace_headers(response, headers)
    return response


def _from_body(body: Any, response_class: type[Response], json_provider: Any = None) -> Response:
    """The untupled part of ``to_response``'s table."""
    if isinstance(body, (str, bytes, bytearray)):
        return response_class(body)
    if isinstance(body, Response):
        return body
    if isinstance(body, (dict, list)):
        if json_provider is not None:
            return json_provider.response_for(body)  # type: ignore[no-any-return]
        return response_class(json_dumps(body) + "\n", mimetype="application/json")
    if isinstance(body, HTTPError):
        if body.response is not None:  # abort(response): that response, unchanged
            carried: Response = body.get_response()
            return carried
        return response_class(body.get_body(), body.code, headers=body.get_headers())
    if isinstance(body, Iterator):
        return response_class(body)
    if callable(body) and has_request_context():
        environ = current_request_context().request.environ
        return _capture_wsgi_response(body, response_class, environ)
    raise TypeError(
        f"The view function for {_endpoint()!r} returned a {type(body).__name__}; "
        "a view must return a string, bytes, dict, list, Response, WSGI callable, "
        f"iterator, or a tuple {_TUPLE_SHAPES}."
    )


def _capture_wsgi_response(
    application: Callable[..., Iterable[bytes]],
    response_class: type[Response],
    environ: dict[str, Any],
) -> Response:
    """Call a WSGI app with this request and wrap what it sends in a ``Response``."""
    started: list[Any] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        started[:] = [status, headers]
        return started.append  # PEP 3333's legacy write(): chunks queue up after the head

    body = application(environ, start_response)
    if not started:
        body = list(body)  # PEP 3333 allows start_response during the first iteration
    status, headers, *written = started
    response = response_class(_chain(written, body), status, headers=headers)
    close = getattr(body, "close", None)
    if close is not None:
        response.call_on_close(close)
    return response


def _unpack(value: tuple[Any, ...]) -> tuple[Any, Any, Any]:
    """(body, status, headers) from the three tuple shapes."""
    if len(value) == 3:
        return value[0], value[1], value[2]
    if len(value) == 2:
        body, second = value
        if isinstance(second, (dict, list, tuple)) or hasattr(second, "to_wsgi_list"):
            return body, None, second
        return body, second, None
    raise TypeError(
        f"The view function for {_endpoint()!r} returned a tuple of {len(value)} "
        f"items; a response tuple must be {_TUPLE_SHAPES}."
    )


def _replace_headers(response: Response, headers: HeaderSource) -> None:
    """A name given here replaces the response's fields of that name; a name repeated
    here (``Set-Cookie`` twice) keeps every value."""
    pairs = list(headers.items() if isinstance(headers, dict) else headers)
    for name in {name.lower() for name, _ in pairs}:
        response.headers.remove(name)
    for name, value in pairs:
        response.headers.add(name, value)


def _endpoint() -> str | None:
    """The endpoint of the current request, for error messages."""
    return current_request_context().request.endpoint if has_request_context() else None


def _chain(first: list[bytes], then: Iterable[bytes]) -> Iterator[bytes]:
    """The bytes given to ``write()`` first, then the returned body (PEP 3333)."""
    yield from first
    yield from then


def traceback_page(exception: BaseException, response_class: type[Response]) -> Response:
    """The debug-mode 500 page: the traceback as escaped text, and nothing interactive.

    Example: ``traceback_page(error, Response).status_code == 500``.
    """
    import html
    import traceback

    text = "".join(traceback.format_exception(type(exception), exception, exception.__traceback__))
    body = (
        "<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error (debug)</title>\n"
        f"<h1>{html.escape(type(exception).__name__)}: {html.escape(str(exception))}</h1>\n"
        f"<pre>{html.escape(text)}</pre>\n"
    )
    return response_class(body, 500)
