"""Tests for tinyweb/app_errors.py: the points where the pipeline calls the app's error
methods (so a subclass can override them), app.aborter, app.redirect, and tinyweb.abort /
tinyweb.redirect going through the current app."""

from __future__ import annotations

from typing import Any

import pytest

import tinyweb
from tinyweb.app import App
from tinyweb.errors import (
    Aborter,
    BadRequest,
    BadRequestKeyError,
    HTTPError,
    NotFound,
    RequestRedirect,
)
from tinyweb.request import Request
from tinyweb.response import Response


def test_handle_http_exception_is_called_for_an_abort_and_may_answer_it() -> None:
    seen: list[int] = []

    class CountingApp(App):
        def handle_http_exception(self, error: HTTPError) -> Any:
            seen.append(error.code)
            return f"caught {error.code}", 418

    app = CountingApp(__name__)
    app.add_url_rule("/gone", "gone", lambda: tinyweb.abort(410))
    client = app.test_client()
    assert client.get("/gone").text == "caught 410"
    assert client.get("/nowhere").status_code == 418  # routing errors come here too
    assert seen == [410, 404]


def test_handle_http_exception_gives_the_error_to_its_handler() -> None:
    app = App(__name__)
    app.errorhandler(404)(lambda error: ("no such page", 404))
    with app.test_request_context("/"):
        assert app.handle_http_exception(NotFound()) == ("no such page", 404)
        redirect = RequestRedirect("/a/")
        assert app.handle_http_exception(redirect) is redirect  # never handled


def test_handle_http_exception_is_not_called_for_a_trapped_error() -> None:
    class NeverHere(App):
        def handle_http_exception(self, error: HTTPError) -> Any:
            raise AssertionError("a trapped error skips handle_http_exception")

    app = NeverHere(__name__)
    app.config.update(TESTING=True, TRAP_HTTP_EXCEPTIONS=True)
    with pytest.raises(NotFound):
        app.test_client().get("/missing")


def test_trap_http_exception_override_decides_which_errors_are_raised() -> None:
    class TrapForbidden(App):
        def trap_http_exception(self, error: HTTPError) -> bool:
            return error.code == 403

    app = TrapForbidden(__name__)
    app.config["TESTING"] = True
    app.add_url_rule("/secret", "secret", lambda: tinyweb.abort(403))
    with pytest.raises(HTTPError) as raised:
        app.test_client().get("/secret")
    assert raised.value.code == 403
    assert app.test_client().get("/missing").status_code == 404


def test_trap_bad_request_errors_default_traps_a_missing_key_in_debug_only() -> None:
    app = App(__name__)
    with app.app_context():
        assert app.trap_http_exception(BadRequestKeyError("title")) is False
        app.debug = True
        assert app.trap_http_exception(BadRequestKeyError("title")) is True
        assert app.trap_http_exception(BadRequest()) is False  # only the missing-key kind


def test_trap_bad_request_errors_true_traps_every_bad_request() -> None:
    app = App(__name__)
    app.config.update(TESTING=True, TRAP_BAD_REQUEST_ERRORS=True)
    app.add_url_rule("/", "index", lambda: tinyweb.abort(400))
    with pytest.raises(BadRequest):
        app.test_client().get("/")
    assert app.trap_http_exception(NotFound()) is False


def test_trap_bad_request_errors_false_never_traps_even_in_debug() -> None:
    app = App(__name__)
    app.config.update(DEBUG=True, TRAP_BAD_REQUEST_ERRORS=False)
    assert app.trap_http_exception(BadRequestKeyError("title")) is False


def test_a_missing_form_key_in_debug_mode_shows_the_traceback_page() -> None:
    app = App(__name__)
    app.debug = True
    app.add_url_rule("/", "index", lambda: tinyweb.request.form["title"], methods=["POST"])
    response = app.test_client().post("/", data={})
    assert response.status_code == 500
    assert "BadRequestKeyError" in response.text
    app.debug = False
    assert app.test_client().post("/", data={}).status_code == 400


def test_raise_routing_exception_is_called_for_an_unmatched_url() -> None:
    seen: list[str] = []

    class RoutingApp(App):
        def raise_routing_exception(self, request: Request) -> Any:
            seen.append(request.path)
            raise NotFound("custom: nothing at " + request.path)

    app = RoutingApp(__name__)
    response = app.test_client().get("/missing")
    assert response.status_code == 404 and "custom: nothing at /missing" in response.text
    assert seen == ["/missing"]


def test_should_ignore_error_hides_the_error_from_teardown() -> None:
    seen: list[Any] = []

    class QuietApp(App):
        def should_ignore_error(self, error: BaseException | None) -> bool:
            return isinstance(error, LookupError)

    for app_class, expected in ((App, "KeyError"), (QuietApp, "None")):
        app = app_class(__name__)
        app.teardown_request(lambda error: seen.append(type(error).__name__ if error else "None"))
        app.teardown_appcontext(
            lambda error: seen.append(type(error).__name__ if error else "None")
        )
        app.add_url_rule("/", "index", lambda: {}["missing"])
        assert app.test_client().get("/").status_code == 500
        assert seen == [expected, expected]
        seen.clear()


def test_should_ignore_error_is_not_asked_when_nothing_failed() -> None:
    class Asking(App):
        def should_ignore_error(self, error: BaseException | None) -> bool:
            raise AssertionError("asked without an error")

    app = Asking(__name__)
    app.add_url_rule("/", "index", lambda: "fine")
    assert app.test_client().get("/").text == "fine"


# -- app.aborter, app.redirect and the module-level helpers -------------------------------------


class Teapot(HTTPError):
    code = 418
    name = "I'm a teapot"


def test_aborter_class_and_make_aborter_build_app_aborter() -> None:
    class TeapotAborter(Aborter):
        def __init__(self) -> None:
            super().__init__(extra={418: Teapot})

    class TeapotApp(App):
        aborter_class = TeapotAborter

    app = TeapotApp(__name__)
    assert isinstance(app.aborter, TeapotAborter)
    app.add_url_rule("/tea", "tea", lambda: tinyweb.abort(418))
    response = app.test_client().get("/tea")
    assert response.status_code == 418
    with app.app_context(), pytest.raises(Teapot):  # the app's class, not ImATeapot
        tinyweb.abort(418)


def test_abort_without_an_app_uses_the_default_codes() -> None:
    with pytest.raises(LookupError, match="499"):
        tinyweb.abort(499)
    with pytest.raises(NotFound, match="no post 7"):
        tinyweb.abort(404, "no post 7")


def test_abort_passes_options_to_the_error_class() -> None:
    with pytest.raises(HTTPError) as raised:
        tinyweb.abort(405, valid_methods=["GET"])
    assert raised.value.code == 405
    assert ("Allow", "GET") in list(raised.value.get_headers())


def test_aborter_mapping_replaces_the_table() -> None:
    aborter = Aborter(mapping={418: Teapot})
    with pytest.raises(Teapot):
        aborter(418)
    with pytest.raises(LookupError):
        aborter(404)


def test_app_redirect_uses_the_app_response_class() -> None:
    class MarkedResponse(Response):
        pass

    app = App(__name__)
    app.response_class = MarkedResponse
    response = app.redirect("/login", 303)
    assert type(response) is MarkedResponse
    assert (response.status_code, response.headers["Location"]) == (303, "/login")
    with app.app_context():
        assert type(tinyweb.redirect("/next")) is MarkedResponse
    assert type(tinyweb.redirect("/next")) is Response  # no app: the plain class


def test_tinyweb_redirect_goes_through_an_overridden_app_redirect() -> None:
    class LoggingApp(App):
        def redirect(self, location: str, code: int = 302) -> Response:
            response = super().redirect(location, code)
            response.headers["X-Redirected-By"] = "app"
            return response

    app = LoggingApp(__name__)
    app.add_url_rule("/", "index", lambda: tinyweb.redirect("/elsewhere", code=301))
    response = app.test_client().get("/")
    assert response.status_code == 301
    assert response.headers["X-Redirected-By"] == "app"
