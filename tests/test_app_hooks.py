"""Tests for the request hooks of tinyweb/app.py: before, after, teardown, in Flask's order."""

from __future__ import annotations

from typing import Any

import pytest

from tinyweb.app import App
from tinyweb.context import after_this_request, g, request
from tinyweb.response import Response


def new_app(**config: Any) -> App:
    app = App(__name__)
    app.config.update(config)
    app.add_url_rule("/", "index", lambda: "view")
    return app


def test_hooks_run_in_flasks_order() -> None:
    app = new_app()
    events: list[str] = []

    @app.before_request
    def first_before() -> None:
        events.append("before 1")

    @app.before_request
    def second_before() -> None:
        events.append("before 2")

    @app.after_request
    def first_after(response: Response) -> Response:
        events.append("after 1")
        return response

    @app.after_request
    def second_after(response: Response) -> Response:
        events.append("after 2")
        return response

    @app.teardown_request
    def first_teardown(exc: BaseException | None) -> None:
        events.append(f"teardown 1 {exc}")

    @app.teardown_request
    def second_teardown(exc: BaseException | None) -> None:
        events.append(f"teardown 2 {exc}")

    @app.teardown_appcontext
    def appcontext_teardown(exc: BaseException | None) -> None:
        events.append("teardown appcontext")

    assert app.test_client().get("/").text == "view"
    assert events == [
        "before 1",
        "before 2",
        "after 2",  # after_request hooks run newest first, as Flask
        "after 1",
        "teardown 2 None",
        "teardown 1 None",
        "teardown appcontext",
    ]


def test_before_request_return_value_short_circuits() -> None:
    app = new_app()
    calls: list[str] = []

    @app.before_request
    def gate() -> Any:
        if request.args.get("blocked"):
            return {"error": "blocked"}, 403
        return None

    @app.before_request
    def later() -> None:
        calls.append("later")

    @app.after_request
    def still_after(response: Response) -> Response:
        response.headers["X-After"] = "yes"
        return response

    client = app.test_client()
    blocked = client.get("/", query_string={"blocked": "1"})
    assert blocked.status_code == 403 and blocked.json == {"error": "blocked"}
    assert blocked.headers["X-After"] == "yes"
    assert calls == []
    assert client.get("/").text == "view" and calls == ["later"]


def test_before_request_runs_for_a_404_too() -> None:
    app = new_app()
    seen: list[Any] = []
    app.before_request(lambda: seen.append(request.endpoint))
    assert app.test_client().get("/missing").status_code == 404
    assert seen == [None]


def test_after_request_can_replace_the_response() -> None:
    app = new_app()
    app.after_request(lambda response: Response("replaced", 202))
    response = app.test_client().get("/")
    assert (response.status_code, response.text) == (202, "replaced")


def test_after_this_request_runs_before_after_request_hooks() -> None:
    app = new_app()
    order: list[str] = []

    @app.route("/once")
    def once() -> str:
        @after_this_request
        def only_here(response: Response) -> Response:
            order.append("this request")
            response.headers["X-Once"] = "1"
            return response

        return "once"

    app.after_request(lambda response: order.append("hook") or response)
    client = app.test_client()
    assert client.get("/once").headers["X-Once"] == "1"
    assert "X-Once" not in client.get("/").headers
    assert order == ["this request", "hook", "hook"]


def test_every_teardown_runs_even_if_one_raises() -> None:
    app = new_app(TESTING=True)
    ran: list[str] = []

    @app.teardown_request
    def survivor(exc: BaseException | None) -> None:
        ran.append("survivor")

    @app.teardown_request
    def broken(exc: BaseException | None) -> None:
        ran.append("broken")
        raise KeyError("teardown failed")

    with pytest.raises(KeyError, match="teardown failed"):
        app.test_client().get("/")
    assert ran == ["broken", "survivor"]


def test_teardown_receives_the_unhandled_exception() -> None:
    app = new_app()
    received: list[Any] = []
    app.teardown_request(received.append)
    app.teardown_appcontext(received.append)
    app.add_url_rule("/boom", "boom", lambda: 1 / 0)
    assert app.test_client().get("/boom").status_code == 500
    assert [type(exc) for exc in received] == [ZeroDivisionError, ZeroDivisionError]
    app.test_client().get("/")
    assert received[2:] == [None, None]


def test_g_is_fresh_for_every_request() -> None:
    app = new_app()

    @app.before_request
    def count() -> None:
        g.hits = g.get("hits", 0) + 1

    app.add_url_rule("/hits", "hits", lambda: str(g.hits))
    client = app.test_client()
    assert client.get("/hits").text == "1"
    assert client.get("/hits").text == "1"


def test_after_request_also_sees_the_500_response() -> None:
    app = new_app()
    app.add_url_rule("/boom", "boom", lambda: 1 / 0)
    called: list[int] = []
    app.after_request(lambda response: called.append(response.status_code) or response)
    assert app.test_client().get("/boom").status_code == 500
    # Flask runs after_request on the 500 response produced by handle_exception.
    assert called == [500]
