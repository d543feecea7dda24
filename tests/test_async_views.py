"""Async views: an ``async def`` view, hook, error handler or context processor is run to
completion for the synchronous (WSGI) caller, as Flask does with ``ensure_sync``."""

from __future__ import annotations

import asyncio
import threading
import warnings
from typing import Any

import pytest

from tinyweb import (
    App,
    MethodView,
    View,
    abort,
    copy_current_request_context,
    g,
    render_template_string,
    request,
    session,
)
from tinyweb.coroutines import async_to_sync, ensure_sync, run_coroutine
from tinyweb.server import Server


def make_app(**config: Any) -> App:
    app = App(__name__)
    app.config.update(SECRET_KEY="test", **config)
    return app


def test_an_async_view_is_awaited_and_its_value_is_the_response() -> None:
    app = make_app()

    @app.route("/hello/<name>")
    async def hello(name: str) -> str:
        await asyncio.sleep(0)
        return f"Hello {name}"

    @app.route("/json")
    async def as_json() -> Any:
        return {"ok": True}, 201, {"X-Async": "yes"}

    client = app.test_client()
    assert client.get("/hello/ada").text == "Hello ada"
    response = client.get("/json")
    assert (response.status_code, response.get_json(), response.headers["X-Async"]) == (
        201,
        {"ok": True},
        "yes",
    )


def test_an_async_view_sees_the_request_g_and_session() -> None:
    app = make_app()

    @app.before_request
    def load_user() -> None:
        g.user = "ada"

    @app.route("/", methods=["POST"])
    async def index() -> str:
        await asyncio.sleep(0)
        session["visits"] = session.get("visits", 0) + 1
        g.seen_by_the_view = True
        return f"{request.method} {request.form['x']} {g.user} {session['visits']}"

    @app.after_request
    def check(response: Any) -> Any:
        response.headers["X-View-Set-G"] = str(g.get("seen_by_the_view"))
        return response

    client = app.test_client()
    first = client.post("/", data={"x": "1"})
    assert first.text == "POST 1 ada 1"
    assert first.headers["X-View-Set-G"] == "True"
    assert client.post("/", data={"x": "2"}).text == "POST 2 ada 2"  # the session was saved


def test_awaiting_several_coroutines_runs_them_concurrently() -> None:
    app = make_app()
    order: list[str] = []

    async def step(name: str) -> str:
        order.append(f"start {name}")
        await asyncio.sleep(0)
        order.append(f"end {name}")
        return name

    @app.route("/")
    async def index() -> str:
        return ",".join(await asyncio.gather(step("a"), step("b")))

    assert app.test_client().get("/").text == "a,b"
    assert order == ["start a", "start b", "end a", "end b"]


def test_async_hooks_run_and_a_before_request_value_short_circuits() -> None:
    app = make_app()
    calls: list[str] = []

    @app.before_request
    async def before() -> Any:
        calls.append("before")
        return "stopped" if request.path == "/stop" else None

    @app.after_request
    async def after(response: Any) -> Any:
        calls.append("after")
        response.headers["X-After"] = "async"
        return response

    @app.teardown_request
    async def teardown(exc: Any) -> None:
        calls.append("teardown")

    @app.teardown_appcontext
    async def app_teardown(exc: Any) -> None:
        calls.append("app teardown")

    app.route("/")(lambda: "view")
    client = app.test_client()
    response = client.get("/stop")
    assert (response.text, response.headers["X-After"]) == ("stopped", "async")
    assert calls == ["before", "after", "teardown", "app teardown"]
    assert client.get("/").text == "view"


def test_an_async_error_handler_answers() -> None:
    app = make_app()

    @app.route("/missing")
    async def missing() -> str:
        abort(404)

    @app.route("/broken")
    async def broken() -> str:
        raise KeyError("x")

    @app.errorhandler(404)
    async def not_found(error: Any) -> Any:
        await asyncio.sleep(0)
        return "async 404", 404

    @app.errorhandler(500)
    async def server_error(error: Any) -> Any:
        return f"async 500 for {type(error.original_exception).__name__}", 500

    client = app.test_client()
    assert client.get("/missing").text == "async 404"
    assert client.get("/nowhere").text == "async 404"
    assert client.get("/broken").text == "async 500 for KeyError"


def test_an_exception_in_an_async_view_is_a_500_with_its_traceback_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = make_app()

    @app.route("/")
    async def broken() -> str:
        await asyncio.sleep(0)
        raise ValueError("async failure")

    assert app.test_client().get("/").status_code == 500
    assert "async failure" in caplog.text


def test_an_async_view_raises_through_under_testing() -> None:
    app = make_app(TESTING=True)

    @app.route("/")
    async def broken() -> str:
        raise ValueError("async failure")

    with pytest.raises(ValueError, match="async failure"):
        app.test_client().get("/")


def test_an_async_context_processor_adds_its_values() -> None:
    app = make_app()

    @app.context_processor
    async def site() -> dict[str, str]:
        return {"site": "example"}

    app.route("/")(lambda: render_template_string("{{ site }}"))
    assert app.test_client().get("/").text == "example"


def test_class_based_views_may_be_async() -> None:
    app = make_app()

    class Hello(View):
        async def dispatch_request(self, name: str) -> str:
            return f"Hello {name}"

    class Items(MethodView):
        async def get(self) -> str:
            return "list"

        async def post(self) -> Any:
            return "created", 201

    app.add_url_rule("/hello/<name>", view_func=Hello.as_view("hello"))
    app.add_url_rule("/items", view_func=Items.as_view("items"))
    client = app.test_client()
    assert client.get("/hello/ada").text == "Hello ada"
    assert client.get("/items").text == "list"
    assert client.head("/items").status_code == 200
    assert client.post("/items").status_code == 201


def test_a_sync_view_pays_nothing_and_returns_as_before() -> None:
    app = make_app()

    def plain() -> str:
        return "plain"

    app.route("/")(plain)
    assert app.view_functions["plain"] is plain  # not wrapped at registration
    assert app.test_client().get("/").text == "plain"


def test_ensure_sync_and_async_to_sync_as_flask_names_them() -> None:
    app = make_app()

    def sync(x: int) -> int:
        return x + 1

    async def coroutine_function(x: int) -> int:
        await asyncio.sleep(0)
        return x * 2

    assert app.ensure_sync(sync) is sync
    wrapped = app.ensure_sync(coroutine_function)
    assert wrapped is not coroutine_function
    assert wrapped(21) == 42
    assert wrapped.__name__ == "coroutine_function"
    assert app.async_to_sync(coroutine_function)(2) == 4
    assert ensure_sync(sync) is sync and async_to_sync(sync)(1) == 2


def test_copy_current_request_context_runs_an_async_function_in_a_thread() -> None:
    app = make_app()
    seen: list[str] = []

    @app.route("/")
    def index() -> str:
        @copy_current_request_context
        async def work() -> None:
            await asyncio.sleep(0)
            seen.append(request.path)

        thread = threading.Thread(target=work)
        thread.start()
        thread.join(5)
        return "ok"

    assert app.test_client().get("/").text == "ok"
    assert seen == ["/"]


def test_inside_a_running_event_loop_it_is_a_clear_error_and_no_warning() -> None:
    async def view() -> str:
        return "never"

    async def main() -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # "coroutine ... was never awaited" would fail
            with pytest.raises(RuntimeError, match="already runs an event loop"):
                run_coroutine(view())

    asyncio.run(main())


def test_an_async_view_through_the_real_server() -> None:
    app = make_app()

    @app.route("/")
    async def index() -> str:
        await asyncio.sleep(0.01)
        return "served"

    import http.client

    with Server(app, "127.0.0.1", 0, access_log=False) as server:  # started, then stopped
        host, port = server.server_address[:2]
        for _ in range(3):  # a loop per request: each worker thread runs them one by one
            connection = http.client.HTTPConnection(host, port, timeout=5)
            try:
                connection.request("GET", "/")
                response = connection.getresponse()
                assert (response.status, response.read()) == (200, b"served")
            finally:
                connection.close()


def test_the_threads_current_event_loop_is_left_alone() -> None:
    # asyncio.run would make its loop current and then set None: a harness's loop, set
    # but not running, would be lost after one async request. Found by review.
    app = make_app()

    @app.route("/")
    async def index() -> str:
        return "ok"

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        assert app.test_client().get("/").text == "ok"
        assert asyncio.get_event_loop_policy().get_event_loop() is loop
    finally:
        asyncio.set_event_loop(None)
        loop.close()


def test_what_a_view_leaves_running_is_finished_as_asyncio_run_does() -> None:
    app = make_app()
    finished: list[str] = []

    async def forever() -> None:
        try:
            await asyncio.sleep(3600)
        finally:
            finished.append("task cancelled")

    async def numbers() -> Any:
        try:
            yield 1
            yield 2
        finally:
            finished.append("generator closed")

    @app.route("/")
    async def index() -> str:
        asyncio.get_running_loop().create_task(forever())
        generator = numbers()
        first = await generator.__anext__()  # left open
        in_thread = await asyncio.get_running_loop().run_in_executor(None, lambda: "pool")
        return f"{first} {in_thread}"

    before = set(threading.enumerate())
    assert app.test_client().get("/").text == "1 pool"
    assert sorted(finished) == ["generator closed", "task cancelled"]
    assert [t for t in threading.enumerate() if t not in before and t.is_alive()] == []


def test_an_async_method_view_behind_a_decorator_is_run_before_the_decorator_sees_it() -> None:
    # Flask runs the async method inside dispatch_request, so class decorators get the
    # value, not a coroutine. Found by review.
    from tinyweb import make_response

    def add_header(view: Any) -> Any:
        def wrapped(**kwargs: Any) -> Any:
            response = make_response(view(**kwargs))
            response.headers["X-Decorated"] = "1"
            return response

        return wrapped

    class Items(MethodView):
        decorators = (add_header,)

        async def get(self) -> Any:
            await asyncio.sleep(0)
            return {"ok": True}

    app = make_app()
    app.add_url_rule("/items", view_func=Items.as_view("items"))
    response = app.test_client().get("/items")
    assert (response.status_code, response.headers["X-Decorated"], response.get_json()) == (
        200,
        "1",
        {"ok": True},
    )
