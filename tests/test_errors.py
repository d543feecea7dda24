"""Tests for tinyweb/errors.py: status codes, headers, escaping, abort, WSGI rendering."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tinyweb import errors
from tinyweb.errors import (
    HTTP_ERRORS,
    BadRequest,
    HTTPError,
    InternalServerError,
    MethodNotAllowed,
    NotFound,
    NotImplementedHTTP,
    RangeNotSatisfiable,
    RequestRedirect,
    TooManyRequests,
    Unauthorized,
    abort,
)

# The contract (tinyweb-contracts.md): class name -> (code, reason phrase).
CONTRACT = {
    "BadRequest": (400, "Bad Request"),
    "Unauthorized": (401, "Unauthorized"),
    "Forbidden": (403, "Forbidden"),
    "NotFound": (404, "Not Found"),
    "MethodNotAllowed": (405, "Method Not Allowed"),
    "NotAcceptable": (406, "Not Acceptable"),
    "RequestTimeout": (408, "Request Timeout"),
    "Conflict": (409, "Conflict"),
    "Gone": (410, "Gone"),
    "LengthRequired": (411, "Length Required"),
    "PreconditionFailed": (412, "Precondition Failed"),
    "RequestEntityTooLarge": (413, "Request Entity Too Large"),
    "UnsupportedMediaType": (415, "Unsupported Media Type"),
    "RangeNotSatisfiable": (416, "Requested Range Not Satisfiable"),
    "UnprocessableEntity": (422, "Unprocessable Entity"),
    "TooManyRequests": (429, "Too Many Requests"),
    "InternalServerError": (500, "Internal Server Error"),
    "NotImplementedHTTP": (501, "Not Implemented"),
    "BadGateway": (502, "Bad Gateway"),
    "ServiceUnavailable": (503, "Service Unavailable"),
    "RequestRedirect": (308, "Permanent Redirect"),
    "MisdirectedRequest": (421, "Misdirected Request"),
}


class StartResponse:
    """A recording WSGI start_response."""

    def __init__(self) -> None:
        self.status = ""
        self.headers: list[tuple[str, str]] = []

    def __call__(self, status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        self.status = status
        self.headers = headers


@pytest.mark.parametrize("class_name", sorted(CONTRACT))
def test_contract_classes_have_their_code_and_name(class_name: str) -> None:
    cls = getattr(errors, class_name)
    code, name = CONTRACT[class_name]
    assert issubclass(cls, HTTPError)
    assert (cls.code, cls.name) == (code, name)
    if code >= 400:
        assert HTTP_ERRORS[code] is cls


def test_http_errors_holds_only_error_statuses_and_every_class_is_exported() -> None:
    assert all(400 <= code <= 599 for code in HTTP_ERRORS)
    assert 308 not in HTTP_ERRORS
    for code, cls in HTTP_ERRORS.items():
        assert cls.code == code
        assert cls.__name__ in errors.__all__


def test_default_and_custom_description() -> None:
    assert NotFound().description == NotFound.description
    assert NotFound("No such post.").description == "No such post."
    assert str(NotFound("No such post.")) == "404 Not Found: No such post."
    assert NotFound().status == "404 Not Found"
    # The instance attribute never leaks into the class default.
    assert NotFound.description != "No such post."


def test_is_an_exception_that_can_be_caught_by_class() -> None:
    with pytest.raises(HTTPError) as caught:
        raise NotFound()
    assert caught.value.code == 404


def test_default_headers_are_html_utf8() -> None:
    assert BadRequest().get_headers() == [("Content-Type", "text/html; charset=utf-8")]


def test_method_not_allowed_sorts_and_deduplicates_the_allow_set() -> None:
    error = MethodNotAllowed(["POST", "GET", "HEAD", "GET"])
    assert error.valid_methods == ["GET", "HEAD", "POST"]
    assert ("Allow", "GET, HEAD, POST") in error.get_headers()


def test_request_redirect_carries_location() -> None:
    error = RequestRedirect("/users/?page=2")
    assert error.code == 308
    assert error.new_url == "/users/?page=2"
    assert ("Location", "/users/?page=2") in error.get_headers()
    assert 'href="/users/?page=2"' in error.get_body()


@pytest.mark.parametrize("bad", ["/a\r\nSet-Cookie: x=1", "/a\nb", "/a\0"])
def test_header_material_with_cr_lf_nul_is_rejected(bad: str) -> None:
    with pytest.raises(ValueError):
        RequestRedirect(bad)
    with pytest.raises(ValueError):
        MethodNotAllowed([bad])
    with pytest.raises(ValueError):
        Unauthorized(www_authenticate=bad)


def test_optional_headers() -> None:
    assert ("Content-Range", "bytes */1024") in RangeNotSatisfiable(1024).get_headers()
    assert all(name != "Content-Range" for name, _ in RangeNotSatisfiable().get_headers())
    assert ("Retry-After", "30") in TooManyRequests(retry_after=30).get_headers()
    challenge = 'Basic realm="admin"'
    assert ("WWW-Authenticate", challenge) in Unauthorized(www_authenticate=challenge).get_headers()


def test_unauthorized_takes_werkzeugs_arguments_and_challenge_objects() -> None:
    from tinyweb.typed_headers import WWWAuthenticate

    # Werkzeug's order: (description, response, www_authenticate); one header per challenge.
    marker = object()
    error = Unauthorized("Log in first.", marker, WWWAuthenticate("basic", {"realm": "a"}))
    assert (error.description, error.response) == ("Log in first.", marker)
    assert ("WWW-Authenticate", 'Basic realm=a') in error.get_headers()
    both = Unauthorized(www_authenticate=[WWWAuthenticate("bearer"), 'Basic realm="b"'])
    challenges = [value for name, value in both.get_headers() if name == "WWW-Authenticate"]
    assert challenges == ["Bearer", 'Basic realm="b"']
    with pytest.raises(ValueError):
        Unauthorized(www_authenticate=WWWAuthenticate("basic", {"realm": "a\r\nX: y"}))


def test_the_errors_with_arguments_take_werkzeugs_positional_order() -> None:
    # Werkzeug: (description, response, ...) for 401/429/500/503; (valid_methods,
    # description, response) for 405; (length, units, description, response) for 416.
    from datetime import datetime, timezone

    marker, cause = object(), ZeroDivisionError("boom")
    error: Any = InternalServerError("Broken.", marker, cause)
    assert (error.description, error.response, error.original_exception) == ("Broken.", marker, cause)
    for kind in (TooManyRequests, errors.ServiceUnavailable):
        error = kind("Slow down.", marker, 30)
        assert (error.description, error.response, error.retry_after) == ("Slow down.", marker, 30)
        assert ("Retry-After", "30") in error.get_headers()
    later = datetime(2031, 1, 1, tzinfo=timezone.utc)
    assert ("Retry-After", "Wed, 01 Jan 2031 00:00:00 GMT") in TooManyRequests(retry_after=later).get_headers()
    error = MethodNotAllowed(["GET"], "Read only.", marker)
    assert (error.description, error.response) == ("Read only.", marker)
    error = RangeNotSatisfiable(10, "items", "No such items.", marker)
    assert ("Content-Range", "items */10") in error.get_headers()
    assert (error.units, error.description, error.response) == ("items", "No such items.", marker)
    with pytest.raises(ValueError):
        RangeNotSatisfiable(10, "bytes\r\nX: y")


def test_werkzeug_style_overrides_get_the_environ() -> None:
    # Werkzeug calls get_body(environ, scope) and get_headers(environ, scope); a subclass
    # written for it (and one that calls super() with them) works unchanged.
    seen: list[Any] = []

    class Teapot(HTTPError):
        code = 418
        name = "I'm a teapot"
        description = "Short & stout."

        def get_body(self, environ: Any = None, scope: Any = None) -> str:
            seen.append(environ)
            return super().get_body(environ, scope) + self.get_description(environ)

        def get_headers(self, environ: Any = None, scope: Any = None) -> list[tuple[str, str]]:
            return [*super().get_headers(environ, scope), ("X-Tea", "earl grey")]

    environ = {"REQUEST_METHOD": "GET"}
    start_response = StartResponse()
    body = b"".join(Teapot()(environ, start_response)).decode()
    assert seen == [environ] and ("X-Tea", "earl grey") in start_response.headers
    assert body.endswith("<p>Short &amp; stout.</p>\n<p>Short &amp; stout.</p>")
    response = Teapot().get_response(environ)
    assert seen[-1] is environ and response.headers["X-Tea"] == "earl grey"
    assert Unauthorized(www_authenticate="Bearer").get_headers({}, None)[-1] == ("WWW-Authenticate", "Bearer")


def test_internal_server_error_keeps_the_original_exception() -> None:
    cause = ZeroDivisionError("boom")
    assert InternalServerError(original_exception=cause).original_exception is cause
    assert InternalServerError().original_exception is None


def test_not_implemented_is_not_the_builtin() -> None:
    assert NotImplementedHTTP.code == 501
    assert HTTP_ERRORS[501] is NotImplementedHTTP


@given(st.text())
def test_the_body_escapes_the_description(description: str) -> None:
    body = BadRequest(description).get_body()
    escaped_part = body.split("<p>", 1)[1].rsplit("</p>", 1)[0].replace("<br>", "")
    assert "<" not in escaped_part and ">" not in escaped_part  # line breaks: <br>, as Werkzeug


def test_body_names_the_error() -> None:
    body = NotFound("<b>x</b>").get_body()
    assert "<title>404 Not Found</title>" in body
    assert "&lt;b&gt;x&lt;/b&gt;" in body


def test_an_error_is_a_wsgi_application() -> None:
    start_response = StartResponse()
    chunks = list(MethodNotAllowed(["GET"])({"REQUEST_METHOD": "POST"}, start_response))
    body = b"".join(chunks)
    assert start_response.status == "405 Method Not Allowed"
    headers = dict(start_response.headers)
    assert headers["Allow"] == "GET"
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["Content-Length"] == str(len(body))
    assert b"Method Not Allowed" in body


def test_head_gets_the_headers_without_the_body() -> None:
    start_response = StartResponse()
    body = b"".join(NotFound()({"REQUEST_METHOD": "HEAD"}, start_response))
    assert body == b""
    assert int(dict(start_response.headers)["Content-Length"]) > 0


@pytest.mark.parametrize("code", sorted(HTTP_ERRORS))
def test_abort_raises_the_class_for_every_code(code: int) -> None:
    with pytest.raises(HTTP_ERRORS[code]) as caught:
        abort(code)
    assert caught.value.code == code


def test_abort_passes_the_description() -> None:
    with pytest.raises(NotFound, match="No such post"):
        abort(404, "No such post.")
    with pytest.raises(MethodNotAllowed) as caught:
        abort(405, "Read only.")
    assert caught.value.description == "Read only."
    assert caught.value.valid_methods == []


@pytest.mark.parametrize("code", [200, 308, 399, 499, 600, "404", None])
def test_abort_with_an_unknown_status_is_a_lookup_error(code: Any) -> None:
    with pytest.raises(LookupError, match="no HTTP error"):
        abort(code)


# -- get_response and abort(response): Werkzeug's HTTPException API ------------------------


@pytest.mark.parametrize(
    "error",
    [NotFound(), MethodNotAllowed(["GET"]), RequestRedirect("/x/"), TooManyRequests(retry_after=5)],
)
def test_get_response_has_the_status_headers_and_page_of_the_error(error: HTTPError) -> None:
    from tinyweb import Response

    response = error.get_response()
    assert isinstance(response, Response)
    assert response.status_code == error.code
    for name, value in error.get_headers():
        assert response.headers.get(name) == value
    assert response.get_data(as_text=True) == error.get_body()


def test_get_response_accepts_an_environ_and_gives_a_fresh_response_each_time() -> None:
    error = NotFound()
    first = error.get_response({"REQUEST_METHOD": "GET"})
    first.data = b"changed"
    assert error.get_response().get_data() == error.get_body().encode()


def test_flask_json_error_handler_recipe_works() -> None:
    import json

    from tinyweb import App

    app = App(__name__)

    @app.errorhandler(HTTPError)
    def as_json(error: HTTPError) -> Any:
        response = error.get_response()
        response.data = json.dumps({"code": error.code, "name": error.name})
        response.content_type = "application/json"
        return response

    app.add_url_rule("/", "index", lambda: abort(404))
    response = app.test_client().get("/")
    assert response.status_code == 404
    assert response.content_type == "application/json"
    assert response.get_json() == {"code": 404, "name": "Not Found"}


def test_abort_with_a_response_raises_an_error_carrying_it() -> None:
    from tinyweb import Response

    teapot = Response("nope", status=418, headers={"X-Brew": "tea"})
    with pytest.raises(HTTPError) as caught:
        abort(teapot)
    assert caught.value.response is teapot
    assert caught.value.get_response() is teapot


def test_an_error_carrying_a_response_sends_that_response_as_a_wsgi_app() -> None:
    from tinyweb import Response

    start_response = StartResponse()
    error = HTTPError(response=Response("nope", status=418, headers={"X-Brew": "tea"}))
    body = b"".join(error({"REQUEST_METHOD": "GET"}, start_response))
    assert start_response.status.startswith("418 ")
    assert dict(start_response.headers)["X-Brew"] == "tea"
    assert body == b"nope"


@pytest.mark.parametrize("where", ["view", "before_request"])
def test_abort_with_a_response_sends_exactly_that_response_from_an_app(where: str) -> None:
    from tinyweb import App, Response

    app = App(__name__)

    def refuse() -> Any:
        abort(Response("nope", status=418, headers={"X-Brew": "tea"}))

    if where == "before_request":
        app.before_request(refuse)
        app.add_url_rule("/", "index", lambda: "never")
    else:
        app.add_url_rule("/", "index", refuse)
    response = app.test_client().get("/")
    assert response.status_code == 418
    assert response.headers["X-Brew"] == "tea"
    assert response.get_data() == b"nope"


def test_abort_with_a_response_never_reaches_an_error_handler() -> None:
    """Flask: its code is None, so no handler (not even one for Exception) sees it."""
    from tinyweb import App, Response

    app = App(__name__)
    seen: list[BaseException] = []
    app.register_error_handler(HTTPError, lambda error: seen.append(error) or ("handled", 500))
    app.register_error_handler(Exception, lambda error: seen.append(error) or ("handled", 500))
    app.add_url_rule("/", "index", lambda: abort(Response("nope", status=418)))
    response = app.test_client().get("/")
    assert (response.status_code, response.get_data(), seen) == (418, b"nope", [])


def test_another_librarys_exception_with_a_response_attribute_is_handled() -> None:
    """Only tinyweb's abort(response) skips the handlers (requests.HTTPError has .response)."""
    from tinyweb import App

    class UpstreamError(Exception):
        response = "an upstream response object"

    app = App(__name__)
    app.register_error_handler(UpstreamError, lambda error: ("upstream failed", 502))

    def view() -> str:
        raise UpstreamError()

    app.add_url_rule("/", "index", view)
    response = app.test_client().get("/")
    assert (response.status_code, response.get_data()) == (502, b"upstream failed")
