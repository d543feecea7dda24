"""Tests for error handling in tinyweb/app.py: abort, errorhandler, 500s, propagation, debug."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from tinyweb.app import App
from tinyweb.errors import (
    BadRequest,
    Forbidden,
    HTTPError,
    InternalServerError,
    NotFound,
    abort,
)


class AppError(Exception):
    pass


class PaymentError(AppError):
    pass


class CardDeclined(PaymentError):
    pass


def new_app(**config: Any) -> App:
    app = App(__name__)
    app.config.update(config)
    return app


def raiser(exception: BaseException) -> Any:
    def view() -> Any:
        raise exception

    return view


def test_abort_renders_an_escaped_page() -> None:
    app = new_app()
    app.add_url_rule("/", "index", lambda: abort(403, "<script>no</script>"))
    response = app.test_client().get("/")
    assert response.status_code == 403
    assert "&lt;script&gt;" in response.text and "<script>" not in response.text
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"


def test_errorhandler_by_code_may_return_any_shape() -> None:
    app = new_app()

    @app.errorhandler(404)
    def not_found(error: NotFound) -> Any:
        return {"error": error.description}, 404

    response = app.test_client().get("/missing")
    assert response.status_code == 404
    assert response.json["error"] == NotFound.description


def test_errorhandler_by_class_catches_the_code_too() -> None:
    app = new_app()
    app.errorhandler(Forbidden)(lambda error: ("custom forbidden", 403))
    app.add_url_rule("/", "index", lambda: abort(403))
    assert app.test_client().get("/").text == "custom forbidden"


# (registered handlers, raised exception, expected handler): the most specific class wins.
SPECIFICITY_CASES = [
    ([AppError, PaymentError], CardDeclined(), "PaymentError"),
    ([AppError, CardDeclined, PaymentError], CardDeclined(), "CardDeclined"),
    ([Exception, AppError], PaymentError(), "AppError"),
    ([Exception], KeyError("k"), "Exception"),
    ([HTTPError, 404], NotFound(), "404"),  # the code beats the class hierarchy
    ([HTTPError, Exception], BadRequest(), "HTTPError"),
    ([Exception], BadRequest(), "Exception"),  # as Flask: Exception catches HTTP errors
]


@pytest.mark.parametrize(("registered", "raised", "expected"), SPECIFICITY_CASES)
def test_most_specific_handler_in_the_mro_wins(
    registered: list[Any], raised: BaseException, expected: str
) -> None:
    app = new_app()
    for key in registered:
        label = str(key) if isinstance(key, int) else key.__name__
        app.register_error_handler(key, lambda error, label=label: (label, 200))
    app.add_url_rule("/", "index", raiser(raised))
    assert app.test_client().get("/").text == expected


def test_unhandled_exception_is_a_logged_500(caplog: pytest.LogCaptureFixture) -> None:
    app = new_app()
    app.add_url_rule("/boom", "boom", raiser(AppError("secret detail")))
    with caplog.at_level(logging.ERROR, logger=app.name):
        response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "secret detail" not in response.text  # no leak without debug
    assert "Exception on /boom [GET]" in caplog.text
    assert any(record.exc_info for record in caplog.records)


def test_500_handler_gets_the_original_exception() -> None:
    app = new_app()
    original = AppError("boom")
    app.add_url_rule("/boom", "boom", raiser(original))

    @app.errorhandler(500)
    def server_error(error: InternalServerError) -> Any:
        assert isinstance(error, InternalServerError)
        assert error.original_exception is original
        return {"error": "internal"}, 500

    response = app.test_client().get("/boom")
    assert (response.status_code, response.json) == (500, {"error": "internal"})


@pytest.mark.parametrize(
    "config", [{"TESTING": True}, {"PROPAGATE_EXCEPTIONS": True}], ids=["testing", "propagate"]
)
def test_testing_and_propagate_exceptions_reraise(config: dict[str, Any]) -> None:
    app = new_app(**config)
    app.add_url_rule("/boom", "boom", raiser(AppError("to the test")))
    with pytest.raises(AppError, match="to the test"):
        app.test_client().get("/boom")


def test_propagate_false_wins_over_testing() -> None:
    app = new_app(TESTING=True, PROPAGATE_EXCEPTIONS=False)
    app.add_url_rule("/boom", "boom", raiser(AppError()))
    assert app.test_client().get("/boom").status_code == 500


def test_http_errors_are_never_propagated() -> None:
    app = new_app(TESTING=True)
    app.add_url_rule("/", "index", lambda: abort(400))
    assert app.test_client().get("/").status_code == 400


def test_trap_http_exceptions_reraises_them_under_testing() -> None:
    app = new_app(TESTING=True, TRAP_HTTP_EXCEPTIONS=True)
    app.add_url_rule("/", "index", lambda: abort(400, "trapped"))
    with pytest.raises(BadRequest, match="trapped"):
        app.test_client().get("/")
    handled = new_app(TESTING=True, TRAP_HTTP_EXCEPTIONS=True)
    handled.add_url_rule("/", "index", lambda: abort(400, "trapped"))
    handled.errorhandler(400)(lambda error: ("handled", 400))
    assert handled.test_client().get("/").text == "handled"  # a handler still wins


def test_debug_shows_an_escaped_traceback_and_nothing_interactive() -> None:
    app = new_app(DEBUG=True)
    app.add_url_rule("/boom", "boom", raiser(AppError("<img src=x onerror=alert(1)>")))
    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "Traceback (most recent call last)" in response.text
    assert "&lt;img src=x onerror=alert(1)&gt;" in response.text
    assert "<img" not in response.text
    assert "<script" not in response.text and "<form" not in response.text


def test_a_failing_error_handler_becomes_a_500() -> None:
    app = new_app()
    app.errorhandler(404)(raiser(AppError("handler broke")))
    assert app.test_client().get("/missing").status_code == 500


def test_errorhandler_registration_errors() -> None:
    app = new_app()
    with pytest.raises(ValueError, match="299 is not an HTTP error code"):
        app.errorhandler(299)(lambda error: "x")
    with pytest.raises(TypeError, match="instance"):
        app.register_error_handler(AppError(), lambda error: "x")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="not an Exception subclass"):
        app.register_error_handler(str, lambda error: "x")  # type: ignore[arg-type]


def test_bad_json_body_is_400_and_wrong_type_is_415() -> None:
    app = new_app()

    @app.post("/json")
    def echo() -> Any:
        from tinyweb.context import request

        return request.get_json()

    client = app.test_client()
    assert client.post("/json", json={"a": 1}).json == {"a": 1}
    bad = client.post("/json", data=b"{nope", content_type="application/json")
    assert bad.status_code == 400
    assert client.post("/json", data=b"x", content_type="text/plain").status_code == 415


def test_max_content_length_is_passed_to_the_request() -> None:
    app = new_app(MAX_CONTENT_LENGTH=10)

    @app.post("/upload")
    def upload() -> Any:
        from tinyweb.context import request

        return str(len(request.get_data()))

    client = app.test_client()
    assert client.post("/upload", data=b"x" * 10).text == "10"
    assert client.post("/upload", data=b"x" * 11).status_code == 413
