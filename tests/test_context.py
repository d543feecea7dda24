"""Tests for tinyweb/context.py: contexts on contextvars and the proxies over them.

The module is duck-typed on the app, so these tests use a small stand-in app; the App's
own use of contexts is tested in tests/test_app_context.py.
"""

from __future__ import annotations

import contextvars
import threading
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tinyweb.context import (
    AppContext,
    ContextProxy,
    NullSession,
    RequestContext,
    after_this_request,
    current_app,
    current_app_context,
    current_request_context,
    g,
    has_app_context,
    has_request_context,
    request,
    session,
)


class StandInRequest:
    def __init__(self, path: str) -> None:
        self.environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path}
        self.path = path
        self.closed = False

    def close(self) -> None:
        self.closed = True


class NoSessionInterface:
    """A session interface that never opens a session (so the NullSession stands in)."""

    def open_session(self, app: Any, request: Any) -> None:
        return None

    def make_null_session(self, app: Any) -> NullSession:
        return NullSession()


class StandInApp:
    """The few attributes context.py uses: name, app_context, teardown, session_interface."""

    def __init__(self, name: str = "standin") -> None:
        self.name = name
        self.session_interface = NoSessionInterface()
        self.events: list[tuple[str, Any]] = []

    def app_context(self) -> AppContext:
        return AppContext(self)

    def do_teardown_request(self, exc: BaseException | None) -> None:
        self.events.append(("teardown_request", exc))

    def do_teardown_appcontext(self, exc: BaseException | None) -> None:
        self.events.append(("teardown_appcontext", exc))

    def request_context(self, path: str = "/") -> RequestContext:
        return RequestContext(self, StandInRequest(path))


@pytest.mark.parametrize(
    ("proxy", "context_kind"),
    [(request, "request"), (session, "request"), (current_app, "application"), (g, "application")],
    ids=["request", "session", "current_app", "g"],
)
def test_proxies_outside_a_context_say_what_to_do(proxy: Any, context_kind: str) -> None:
    with pytest.raises(RuntimeError, match=f"outside of {context_kind} context") as info:
        proxy.anything  # noqa: B018
    message = str(info.value)
    assert ("test_request_context" in message) or ("app_context()" in message)
    assert not proxy  # an unbound proxy is falsy instead of raising
    assert "unbound" in repr(proxy)


def test_request_context_pushes_an_app_context_and_pops_both() -> None:
    app = StandInApp()
    context = app.request_context("/hello")
    assert not has_request_context() and not has_app_context()
    with context:
        assert has_request_context() and has_app_context()
        assert request.path == "/hello"
        assert current_app._get_current_object() is app
        assert current_request_context() is context
    assert not has_request_context() and not has_app_context()
    assert context.request.closed
    assert app.events == [("teardown_request", None), ("teardown_appcontext", None)]


def test_teardown_receives_the_exception_that_ended_the_block() -> None:
    app = StandInApp()
    error = ValueError("boom")
    with pytest.raises(ValueError), app.request_context():
        raise error
    assert app.events == [("teardown_request", error), ("teardown_appcontext", error)]


def test_existing_app_context_of_the_same_app_is_reused() -> None:
    app = StandInApp()
    with app.app_context() as app_context:
        assert current_app_context() is app_context
        g.user = "ada"
        with app.request_context():
            assert g.user == "ada"  # same g: the request reused the app context
        assert app.events == [("teardown_request", None)]
        assert has_app_context()
    assert app_context.g.user == "ada"


def test_another_apps_context_gets_its_own_app_context() -> None:
    first, second = StandInApp("first"), StandInApp("second")
    with first.app_context():
        with second.request_context():
            assert current_app.name == "second"
        assert current_app.name == "first"


def test_pushes_nest_and_only_the_outermost_pop_tears_down() -> None:
    app = StandInApp()
    context = app.request_context()
    context.push()
    context.push()
    context.pop()
    assert app.events == [] and has_request_context()
    context.pop()
    assert [name for name, _ in app.events] == ["teardown_request", "teardown_appcontext"]


def test_popping_the_wrong_context_is_an_error() -> None:
    app = StandInApp()
    outer, inner = app.request_context(), app.request_context()
    outer.push()
    inner.push()
    with pytest.raises(RuntimeError, match="wrong request context"):
        outer.pop()
    inner.pop()
    outer.pop()


def test_g_namespace_helpers() -> None:
    with StandInApp().app_context():
        assert "x" not in g and g.get("x", 1) == 1
        assert g.setdefault("x", 2) == 2 and g.x == 2
        assert list(g) == ["x"]
        assert g.pop("x") == 2 and g.pop("x", None) is None
        with pytest.raises(KeyError):
            g.pop("x")
        assert "standin" in repr(g)


def test_each_thread_sees_only_its_own_request() -> None:
    app = StandInApp()
    seen: dict[str, str] = {}
    barrier = threading.Barrier(4)

    def handle(path: str) -> None:
        with app.request_context(path):
            barrier.wait(timeout=5)  # all four are pushed at the same time
            seen[path] = request.path

    threads = [threading.Thread(target=handle, args=(f"/{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == {f"/{n}": f"/{n}" for n in range(4)}


def test_a_copied_contextvars_context_keeps_the_request() -> None:
    app = StandInApp()
    with app.request_context("/copied"):
        copied = contextvars.copy_context()
    assert copied.run(lambda: request.path) == "/copied"


def test_null_session_reads_empty_and_refuses_writes() -> None:
    app = StandInApp()
    with app.request_context() as context:
        assert not context.session_opened
        assert session.get("user") is None and len(session) == 0 and "x" not in session
        assert context.session_opened
        assert isinstance(session._get_current_object(), NullSession)
        with pytest.raises(RuntimeError, match="SECRET_KEY"):
            session["user"] = "ada"
        for write in (session.clear, session.popitem, lambda: session.pop("x")):
            with pytest.raises(RuntimeError, match="read-only"):
                write()


def test_after_this_request_registers_on_the_current_request() -> None:
    app = StandInApp()

    def add_header(response: Any) -> Any:
        return response

    with app.request_context() as context:
        assert after_this_request(add_header) is add_header
    assert context.after_request_functions == [add_header]
    with pytest.raises(RuntimeError, match="request context"):
        after_this_request(add_header)


class Target:
    def __init__(self) -> None:
        self.items: dict[str, int] = {}
        self.value = 1

    def __getitem__(self, key: str) -> int:
        return self.items[key]

    def __setitem__(self, key: str, value: int) -> None:
        self.items[key] = value

    def __delitem__(self, key: str) -> None:
        del self.items[key]

    def __contains__(self, key: str) -> bool:
        return key in self.items

    def __iter__(self) -> Any:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __call__(self, argument: int) -> int:
        return argument * 2


def test_proxy_forwards_every_operation() -> None:
    target = Target()
    proxy: Any = ContextProxy(lambda: target, "target")
    proxy.value = 5
    assert target.value == 5 and proxy.value == 5
    del proxy.value
    assert not hasattr(target, "value")
    proxy["a"] = 1
    assert proxy["a"] == 1 and "a" in proxy and list(proxy) == ["a"] and len(proxy) == 1
    del proxy["a"]
    assert "a" not in proxy and not proxy  # bool follows the target's len
    assert proxy(21) == 42
    assert proxy == target and not (proxy != target)
    assert proxy._get_current_object() is target
    with pytest.raises(TypeError):
        hash(proxy)


@given(st.lists(st.text(max_size=10), max_size=5))
def test_nested_pushes_restore_each_previous_request(paths: list[str]) -> None:
    app = StandInApp()
    contexts = [app.request_context(path) for path in paths]
    for context in contexts:
        context.push()
    for index in range(len(contexts) - 1, -1, -1):
        assert request.path == paths[index]
        contexts[index].pop()
    assert not has_request_context()


def test_request_context_match_request_routes_its_request_as_flask() -> None:
    from tinyweb.app import App
    from tinyweb.context import RequestContext
    from tinyweb.testing import build_environ

    app = App(__name__)

    @app.route("/users/<int:user_id>")
    def user(user_id: int) -> str:
        return str(user_id)

    context = RequestContext(app, app.request_class(build_environ("/users/7")))
    assert context.request.url_rule is None
    context.match_request()
    assert (str(context.request.url_rule), context.request.view_args) == ("/users/<int:user_id>", {"user_id": 7})
    missing = RequestContext(app, app.request_class(build_environ("/nowhere")))
    missing.match_request()  # no exception here: it waits in routing_exception, as Flask
    assert missing.request.routing_exception is not None and missing.request.routing_exception.code == 404
