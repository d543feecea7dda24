"""Tests for copy_current_request_context and stream_with_context (tinyweb/context.py).

Both keep a request's context for code that runs elsewhere: in another thread, or in a
streamed body that the server iterates after the view has returned and the context has
been popped. The teardown functions run when Flask 3.1 runs them: when the copy (or the
stream) pops its context, in addition to the request's own pop.
"""

from __future__ import annotations

import http.client
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from tinyweb import (
    App,
    Response,
    copy_current_request_context,
    g,
    has_request_context,
    request,
    session,
    stream_with_context,
)
from tinyweb.testing import build_environ


def make_app(log: list[Any]) -> App:
    app = App(__name__)
    app.testing = True
    app.secret_key = "test"

    @app.teardown_request
    def record_teardown(exc: BaseException | None) -> None:
        log.append(("teardown_request", exc))

    @app.teardown_appcontext
    def record_app_teardown(exc: BaseException | None) -> None:
        log.append(("teardown_appcontext", exc))

    return app


def call_wsgi(app: App, path: str, method: str = "GET") -> tuple[list[str], Any]:
    """Call the app as a server does; the body is left for the caller to iterate."""
    started: list[str] = []

    def start_response(status: str, headers: Any, exc_info: Any = None) -> Any:
        started.append(status)
        return lambda data: None

    return started, app(build_environ(path, method), start_response)


# -- copy_current_request_context ------------------------------------------------------


def test_copy_outside_a_request_is_a_runtime_error() -> None:
    with pytest.raises(RuntimeError, match="'copy_current_request_context' can only be used"):
        copy_current_request_context(lambda: None)


def run_in_thread(function: Any) -> Any:
    results: list[Any] = []
    thread = threading.Thread(target=lambda: results.append(function()))
    thread.start()
    thread.join()
    return results[0]


def test_a_copied_context_gives_another_thread_the_request() -> None:
    log: list[Any] = []
    app = make_app(log)

    @app.get("/work")
    def work() -> str:
        def read_request() -> str:
            return f"{request.path} {request.args['n']}"

        return run_in_thread(copy_current_request_context(read_request))  # type: ignore[no-any-return]

    assert app.test_client().get("/work?n=7").get_data(as_text=True) == "/work 7"


def test_without_the_copy_the_thread_has_no_request() -> None:
    app = make_app([])

    @app.get("/")
    def index() -> str:
        return str(run_in_thread(has_request_context))

    assert app.test_client().get("/").get_data(as_text=True) == "False"


def test_the_copy_keeps_the_function_name_and_passes_arguments_and_result() -> None:
    app = make_app([])
    with app.test_request_context("/?x=1"):

        def add(a: int, b: int = 0) -> str:
            return f"{a + b} {request.args['x']}"

        wrapped = copy_current_request_context(add)
        assert wrapped.__name__ == "add"
        assert run_in_thread(lambda: wrapped(2, b=3)) == "5 1"


def test_the_thread_shares_the_session_object() -> None:
    app = make_app([])

    @app.get("/write")
    def write() -> str:
        def remember() -> None:
            session["from_thread"] = request.args["value"]

        run_in_thread(copy_current_request_context(remember))
        return "written"

    @app.get("/read")
    def read() -> str:
        return str(session.get("from_thread"))

    client = app.test_client()
    client.get("/write?value=kept")
    assert client.get("/read").get_data(as_text=True) == "kept"


def test_the_thread_gets_its_own_g_and_runs_teardown_there() -> None:
    log: list[Any] = []
    app = make_app(log)

    @app.get("/")
    def index() -> str:
        g.user = "ada"

        def look() -> str:
            log.append(("thread", threading.current_thread().name))
            return str(g.get("user"))

        return run_in_thread(copy_current_request_context(look))  # type: ignore[no-any-return]

    assert app.test_client().get("/").get_data(as_text=True) == "None"  # Flask 3.1: fresh g
    assert [entry[0] for entry in log] == [
        "thread",
        "teardown_request",  # the copy's pop, in the thread
        "teardown_appcontext",
        "teardown_request",  # the request's own pop
        "teardown_appcontext",
    ]


# -- stream_with_context: usage --------------------------------------------------------


def test_a_wrapped_generator_reads_the_request_while_streaming() -> None:
    app = make_app([])

    @app.get("/stream")
    def stream() -> Any:
        def generate() -> Iterator[str]:
            yield "Hello "
            yield request.args["name"]
            yield "!"

        return Response(stream_with_context(generate()))

    assert app.test_client().get("/stream?name=Ada").get_data(as_text=True) == "Hello Ada!"


def test_without_it_the_generator_runs_outside_the_request() -> None:
    app = make_app([])

    @app.get("/stream")
    def stream() -> Any:
        def generate() -> Iterator[str]:
            yield str(has_request_context())

        return generate()

    assert app.test_client().get("/stream").get_data(as_text=True) == "False"


def test_as_a_decorator_of_a_generator_function_with_arguments() -> None:
    app = make_app([])

    @app.get("/count/<int:limit>")
    def count(limit: int) -> Any:
        @stream_with_context
        def generate(start: int) -> Iterator[str]:
            for number in range(start, limit):
                yield f"{number}{request.args.get('sep', ',')}"

        assert generate.__name__ == "generate"
        return generate(1)

    assert app.test_client().get("/count/4?sep=;").get_data(as_text=True) == "1;2;3;"


def test_g_and_session_are_the_views() -> None:
    app = make_app([])

    @app.get("/")
    def index() -> Any:
        g.user = "ada"
        session["seen"] = "yes"

        @stream_with_context
        def generate() -> Iterator[str]:
            yield f"{g.user} {session['seen']}"

        return generate()

    assert app.test_client().get("/").get_data(as_text=True) == "ada yes"


def test_outside_a_request_is_a_runtime_error() -> None:
    with pytest.raises(RuntimeError, match="'stream_with_context' can only be used"):
        stream_with_context(iter(["x"]))


def test_neither_iterable_nor_callable_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="takes an iterable or a generator function, not int"):
        stream_with_context(42)


# -- stream_with_context: when contexts are pushed, popped and torn down -------------------


def logging_stream_app(log: list[Any]) -> App:
    app = make_app(log)

    @app.get("/stream")
    def stream() -> Any:
        log.append("view")

        @stream_with_context
        def generate() -> Iterator[str]:
            try:
                log.append(("start", request.args.get("n")))
                yield "a"
                log.append("middle")
                yield "b"
                log.append("end")
            finally:
                log.append(("body finally", has_request_context()))

        return generate()

    @app.get("/fail")
    def fail() -> Any:
        def generate() -> Iterator[str]:
            yield "a"
            raise ValueError("boom")

        return stream_with_context(generate())

    return app


def test_teardown_runs_at_return_and_again_after_the_stream_as_flask() -> None:
    log: list[Any] = []
    app = logging_stream_app(log)
    assert app.test_client().get("/stream?n=1").data == b"ab"
    assert log == [
        "view",
        ("teardown_request", None),  # wsgi_app pops the request's context
        ("teardown_appcontext", None),
        ("start", "1"),  # pushed again for the body
        "middle",
        "end",
        ("body finally", True),
        ("teardown_request", None),  # popped at the end of the body
        ("teardown_appcontext", None),
    ]
    assert not has_request_context()


def test_a_server_iterating_after_the_app_returned_keeps_the_context() -> None:
    log: list[Any] = []
    app = logging_stream_app(log)
    started, body = call_wsgi(app, "/stream?n=2")
    log.append("app returned")
    assert started == ["200 OK"]
    assert not has_request_context()
    first = next(iter(body))
    assert has_request_context()  # pushed between chunks, in the iterating thread
    chunks = [first, *body]
    body.close()
    assert chunks == [b"a", b"b"]
    assert log.index("app returned") < log.index(("start", "2"))
    assert [entry for entry in log if entry == ("teardown_request", None)] == [
        ("teardown_request", None)
    ] * 2
    assert not has_request_context()


def test_close_in_the_middle_pops_with_generator_exit() -> None:
    log: list[Any] = []
    app = logging_stream_app(log)
    _, body = call_wsgi(app, "/stream?n=3")
    assert next(iter(body)) == b"a"
    log.clear()
    body.close()
    assert log[0] == ("body finally", True)  # the body's cleanup still sees the request
    assert [entry[0] for entry in log[1:]] == ["teardown_request", "teardown_appcontext"]
    assert isinstance(log[1][1], GeneratorExit)
    assert not has_request_context()


def test_close_before_the_first_chunk_pushes_nothing() -> None:
    log: list[Any] = []
    app = logging_stream_app(log)
    _, body = call_wsgi(app, "/stream?n=4")
    log.clear()
    body.close()
    assert log == []  # torn down once, at return; the generator never started
    assert not has_request_context()


def test_head_does_not_run_the_body() -> None:
    log: list[Any] = []
    app = logging_stream_app(log)
    response = app.test_client().head("/stream")
    assert response.data == b""
    assert [entry for entry in log if entry[0] == "teardown_request"] == [
        ("teardown_request", None)
    ]


def test_an_error_in_the_body_reaches_the_server_and_the_teardown() -> None:
    log: list[Any] = []
    app = logging_stream_app(log)
    _, body = call_wsgi(app, "/fail")
    log.clear()
    with pytest.raises(ValueError, match="boom"):
        list(body)
    body.close()
    assert [entry[0] for entry in log] == ["teardown_request", "teardown_appcontext"]
    assert isinstance(log[0][1], ValueError)
    assert not has_request_context()


class ClosingIterable:
    """A WSGI iterable that is not a generator: its close() must be called exactly once."""

    def __init__(self) -> None:
        self.closed = 0
        self.chunks = iter([b"x", b"y"])

    def __iter__(self) -> ClosingIterable:
        return self

    def __next__(self) -> bytes:
        return next(self.chunks)

    def close(self) -> None:
        self.closed += 1


@pytest.mark.parametrize("read", [0, 1, 2], ids=["unread", "half read", "all read"])
def test_a_wsgi_iterable_is_closed_exactly_once(read: int) -> None:
    app = make_app([])
    iterable = ClosingIterable()

    @app.get("/")
    def index() -> Any:
        return Response(stream_with_context(iterable))

    _, body = call_wsgi(app, "/")
    stream = iter(body)
    for _ in range(read):
        next(stream)
    if read == 2:
        assert list(stream) == []
    body.close()
    assert iterable.closed == 1
    assert not has_request_context()


def test_with_client_the_preserved_context_is_torn_down_once_at_the_end() -> None:
    log: list[Any] = []
    app = logging_stream_app(log)
    client = app.test_client()
    with client:
        assert client.get("/stream?n=5").data == b"ab"
        assert request.args["n"] == "5"
        assert not [entry for entry in log if entry[0] == "teardown_request"]
    assert [entry for entry in log if entry[0] == "teardown_request"] == [
        ("teardown_request", None)
    ]


def test_on_tinyweb_server_the_stream_reads_the_request() -> None:
    from tinyweb.server import Server

    log: list[Any] = []
    app = logging_stream_app(log)
    with Server(app, "127.0.0.1", 0) as server:
        connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=5)
        try:
            connection.request("GET", "/stream?n=6")
            response = connection.getresponse()
            assert response.read() == b"ab"
        finally:
            connection.close()
    assert ("start", "6") in log and ("body finally", True) in log
    assert [entry for entry in log if entry[0] == "teardown_request"] == [
        ("teardown_request", None)
    ] * 2
