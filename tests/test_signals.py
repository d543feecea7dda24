"""Signals: the Signal/Namespace API (Blinker's, as Flask code uses it) and Flask's ten
signals, sent by the app at the moments Flask sends them."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinyweb
from tinyweb import App, abort, flash, g, render_template_string, signals
from tinyweb.signals import (
    ANY,
    NamedSignal,
    Namespace,
    Signal,
    appcontext_pushed,
    before_render_template,
    request_finished,
    request_started,
    template_rendered,
)

# Flask's ten, as the module lists them.
FLASK_SIGNALS = [
    getattr(signals, name)
    for name in signals.__all__
    if isinstance(getattr(signals, name), NamedSignal)
]


@pytest.fixture(autouse=True)
def no_receivers_left() -> Iterator[None]:
    """Flask's signals are module-level: every test leaves them as it found them."""
    yield
    for signal in FLASK_SIGNALS:
        assert not signal.receivers, f"{signal!r} still has receivers"


# -- 1. the Signal API ------------------------------------------------------------------


def test_send_calls_the_receiver_with_the_sender_and_keywords_and_returns_results() -> None:
    signal = Signal()

    def receiver(sender: Any, **extra: Any) -> tuple[Any, dict[str, Any]]:
        return sender, extra

    signal.connect(receiver)
    assert signal.send("app", answer=42) == [(receiver, ("app", {"answer": 42}))]


def test_send_without_receivers_or_sender_returns_an_empty_list() -> None:
    assert Signal().send() == []


def test_the_sender_is_positional_only() -> None:
    signal = Signal()
    seen: list[Any] = []
    signal.connect(lambda who, **extra: seen.append((who, extra)), weak=False)
    signal.send(None, sender="a keyword, not the sender")
    assert seen == [(None, {"sender": "a keyword, not the sender"})]
    with pytest.raises(TypeError):
        signal.send("one", "two")  # type: ignore[call-arg]


def test_receivers_are_called_in_the_order_they_connected() -> None:
    signal = Signal()
    order: list[int] = []
    receivers = [lambda sender, n=n: order.append(n) for n in range(5)]
    for receiver in reversed(receivers):
        signal.connect(receiver)
    signal.send()
    assert order == [4, 3, 2, 1, 0]


def test_a_receiver_for_one_sender_is_not_called_for_another() -> None:
    signal, first, second = Signal(), object(), object()
    calls: list[Any] = []

    def receiver(sender: Any) -> None:
        calls.append(sender)

    signal.connect(receiver, sender=first)
    signal.send(second)
    assert calls == []
    signal.send(first)
    assert calls == [first]


def test_any_receives_from_every_sender() -> None:
    signal, calls = Signal(), []

    def receiver(sender: Any) -> None:
        calls.append(sender)

    signal.connect(receiver)
    signal.send(1)
    signal.send("x")
    signal.send(None)
    assert calls == [1, "x", None]


def test_strings_and_ints_are_senders_by_value() -> None:
    signal, calls = Signal(), []

    def receiver(sender: Any) -> None:
        calls.append(sender)

    signal.connect(receiver, sender="".join(["ap", "p"]))
    signal.connect(receiver, sender=10**30)
    signal.send("app")
    signal.send(int("1" + "0" * 30))
    assert calls == ["app", 10**30]


def test_connecting_twice_for_two_senders_calls_once_per_send() -> None:
    signal, first, second, calls = Signal(), object(), object(), []

    def receiver(sender: Any) -> None:
        calls.append(sender)

    signal.connect(receiver, first)
    signal.connect(receiver, second)
    signal.connect(receiver, second)
    signal.send(second)
    assert calls == [second]
    assert list(signal.receivers_for(first)) == [receiver]


def test_connect_returns_the_receiver_and_connect_via_decorates() -> None:
    signal, sender = Signal(), object()

    def receiver(sender: Any) -> str:
        return "r"

    assert signal.connect(receiver) is receiver

    @signal.connect_via(sender)
    def decorated(sender: Any) -> str:
        return "d"

    assert signal.send(sender) == [(receiver, "r"), (decorated, "d")]
    assert signal.send(object()) == [(receiver, "r")]


def test_connect_via_holds_its_receiver_strongly() -> None:
    signal = Signal()

    def register() -> None:
        @signal.connect_via(ANY)
        def local(sender: Any) -> str:
            return "still here"

    register()
    gc.collect()
    assert [result for _, result in signal.send()] == ["still here"]


class Cyclic:
    """A receiver in a reference cycle: only the cyclic garbage collector frees it."""

    def __init__(self) -> None:
        self.me = self

    def __call__(self, sender: Any, **extra: Any) -> int:
        return 1


def test_a_collection_while_sending_does_not_break_the_send() -> None:
    # A weak receiver that the collector frees dies in the middle of whatever allocates
    # at that moment, a send's snapshot included. Found by review: the weakref callback
    # used to change the dict being copied ("dictionary changed size during iteration").
    signal = Signal()
    keep = [lambda sender, **extra: None for _ in range(200)]
    for receiver in keep:
        signal.connect(receiver, weak=False)
    errors = 0
    threshold = gc.get_threshold()
    gc.set_threshold(50)
    try:
        for _ in range(3000):
            signal.connect(Cyclic())
            try:
                signal.send("x")
                signal.has_receivers_for("x")
            except RuntimeError:
                errors += 1
    finally:
        gc.set_threshold(*threshold)
    gc.collect()
    signal.send("x")
    assert errors == 0
    assert len(signal.receivers) == len(keep)


def test_blinkers_async_wrapper_keyword_is_accepted_and_not_passed_on() -> None:
    signal = Signal()

    def receiver(sender: Any) -> str:
        return "called"

    signal.connect(receiver)
    assert signal.send("x", _async_wrapper=lambda function: function) == [(receiver, "called")]


def test_a_weak_receiver_is_disconnected_when_collected() -> None:
    signal = Signal()

    def register() -> None:
        def local(sender: Any) -> None:
            raise AssertionError("a dead receiver was called")

        signal.connect(local)

    register()
    gc.collect()
    assert signal.send() == []
    assert not signal.receivers
    assert not signal.has_receivers_for(None)


def test_weak_false_keeps_a_local_receiver() -> None:
    signal = Signal()

    def register() -> None:
        signal.connect(lambda sender: "kept", weak=False)

    register()
    gc.collect()
    assert [result for _, result in signal.send()] == ["kept"]


class Listener:
    def __init__(self) -> None:
        self.calls: list[Any] = []

    def on_signal(self, sender: Any, **extra: Any) -> None:
        self.calls.append(sender)


def test_a_bound_method_stays_connected_while_its_instance_lives() -> None:
    signal, listener = Signal(), Listener()
    signal.connect(listener.on_signal)  # weak: a WeakMethod, not a ref to the method object
    gc.collect()
    signal.send("a")
    assert listener.calls == ["a"]
    signal.disconnect(listener.on_signal)  # another method object, the same id
    signal.send("b")
    assert listener.calls == ["a"]


def test_a_bound_method_goes_with_its_instance() -> None:
    signal = Signal()
    signal.connect(Listener().on_signal)
    gc.collect()
    assert signal.send() == []
    assert not signal.receivers


def test_a_builtin_receiver_is_held_strongly() -> None:
    signal = Signal()
    signal.connect(repr)  # builtins cannot be weakly referenced
    assert signal.send("x") == [(repr, "'x'")]


def test_the_connections_of_a_dead_sender_are_dropped() -> None:
    signal, calls = Signal(), []

    def receiver(sender: Any) -> None:
        calls.append(sender)

    class Sender:
        pass

    sender = Sender()
    signal.connect(receiver, sender)
    del sender
    gc.collect()
    assert signal.send(Sender()) == []
    assert not signal.receivers  # its only sender died: cleaned up by that send
    assert calls == []


def test_disconnect_from_one_sender_keeps_the_others() -> None:
    signal, first, second = Signal(), object(), object()

    def receiver(sender: Any) -> str:
        return "r"

    signal.connect(receiver, first)
    signal.connect(receiver, second)
    signal.disconnect(receiver, first)
    assert signal.send(first) == []
    assert signal.send(second) == [(receiver, "r")]
    signal.disconnect(receiver)
    assert signal.send(second) == []
    assert not signal.receivers


def test_disconnect_from_one_sender_does_not_undo_any() -> None:
    signal, sender = Signal(), object()

    def receiver(sender: Any) -> str:
        return "r"

    signal.connect(receiver)
    signal.disconnect(receiver, sender)
    assert signal.send(sender) == [(receiver, "r")]


def test_disconnecting_what_is_not_connected_is_ignored() -> None:
    signal = Signal()
    signal.disconnect(print)
    signal.disconnect(print, object())
    assert not signal.receivers


def test_connected_to_disconnects_after_the_block_even_on_error() -> None:
    signal, calls = Signal(), []

    def receiver(sender: Any) -> None:
        calls.append(sender)

    with signal.connected_to(receiver):
        signal.send(1)
    signal.send(2)
    with pytest.raises(KeyError), signal.connected_to(receiver):
        raise KeyError("boom")
    assert calls == [1]
    assert not signal.receivers


def test_muted_sends_to_nobody_until_the_block_ends() -> None:
    signal = Signal()
    signal.connect(repr)
    with signal.muted():
        assert signal.is_muted
        assert signal.send("x") == []
    assert signal.send("x") == [(repr, "'x'")]


def test_has_receivers_for() -> None:
    signal, first, second = Signal(), object(), object()
    assert not signal.has_receivers_for(first)
    signal.connect(repr, first)
    assert signal.has_receivers_for(first)
    assert not signal.has_receivers_for(second)
    assert not signal.has_receivers_for(ANY)
    signal.connect(str)
    assert signal.has_receivers_for(second)
    assert signal.has_receivers_for(ANY)


def test_a_receiver_that_raises_propagates() -> None:
    signal = Signal()

    def broken(sender: Any) -> None:
        raise ValueError("receiver failed")

    signal.connect(broken)
    with pytest.raises(ValueError, match="receiver failed"):
        signal.send()


def test_a_receiver_may_disconnect_itself_while_called() -> None:
    signal, calls = Signal(), []

    def once(sender: Any) -> None:
        calls.append("once")
        signal.disconnect(once)

    def always(sender: Any) -> None:
        calls.append("always")

    signal.connect(once)
    signal.connect(always)
    signal.send()
    signal.send()
    assert calls == ["once", "always", "always"]


def test_an_async_receiver_is_run_and_its_result_returned() -> None:
    signal = Signal()

    async def receiver(sender: Any, **extra: Any) -> str:
        await asyncio.sleep(0)
        return f"async {sender} {extra}"

    signal.connect(receiver)
    assert signal.send("app", n=1) == [(receiver, "async app {'n': 1}")]


def test_the_doc_becomes_the_docstring() -> None:
    assert Signal("Fired when X.").__doc__ == "Fired when X."
    assert "A notification" in (Signal().__doc__ or "")


def test_a_namespace_makes_one_named_signal_per_name() -> None:
    namespace = Namespace()
    saved = namespace.signal("model-saved", "After a save.")
    assert namespace.signal("model-saved") is saved
    assert isinstance(saved, NamedSignal)
    assert saved.name == "model-saved"
    assert saved.__doc__ == "After a save."
    assert repr(saved) == "<NamedSignal 'model-saved'>"
    assert dict(namespace) == {"model-saved": saved}
    assert repr(ANY) == "ANY"


# A model of connect/disconnect: whatever the sequence of operations, send() calls exactly
# the receivers the model says, in first-connection order.
OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["connect", "disconnect"]),
        st.integers(0, 3),  # which receiver
        st.sampled_from([None, "a", "b"]),  # which sender (None: ANY)
    ),
    max_size=30,
)


@given(OPERATIONS, st.sampled_from(["a", "b", "c"]))
def test_send_calls_what_a_model_of_the_connections_says(
    operations: list[tuple[str, int, str | None]], sent_by: str
) -> None:
    signal = Signal()
    receivers = [lambda sender, n=n: n for n in range(4)]
    model: dict[int, set[Any]] = {}  # receiver -> senders; dict order = connection order
    for operation, number, sender in operations:
        target = ANY if sender is None else sender
        if operation == "connect":
            signal.connect(receivers[number], target, weak=False)
            model.setdefault(number, set()).add(target)
        elif number in model:
            signal.disconnect(receivers[number], target)
            senders = model[number]
            if target is ANY:
                senders.clear()
            else:
                senders.discard(target)
            if not senders:
                del model[number]
    expected = [n for n, senders in model.items() if ANY in senders or sent_by in senders]
    assert [result for _, result in signal.send(sent_by)] == expected
    assert bool(signal.receivers) == bool(model)


# -- 2. Flask's signals, sent by the app --------------------------------------------------


class Recorder:
    """Connects to every Flask signal for one app and records (signal name, keywords)."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.events: list[tuple[str, dict[str, Any]]] = []
        self.receivers = {signal: self._receiver(signal.name) for signal in FLASK_SIGNALS}

    def _receiver(self, name: str) -> Any:
        def record(sender: Any, **extra: Any) -> None:
            assert sender is self.app
            self.events.append((name, extra))

        return record

    def __enter__(self) -> Recorder:
        for signal, receiver in self.receivers.items():
            signal.connect(receiver, self.app)
        return self

    def __exit__(self, *exc_info: Any) -> None:
        for signal, receiver in self.receivers.items():
            signal.disconnect(receiver)

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self.events]


def make_app(**config: Any) -> App:
    app = App(__name__)
    app.config.update(SECRET_KEY="test", **config)
    return app


def test_a_request_sends_the_signals_in_flasks_order() -> None:
    app = make_app()

    @app.route("/")
    def index() -> str:
        return render_template_string("Hello {{ name }}", name="Ada")

    with Recorder(app) as recorder:
        response = app.test_client().get("/")
    assert response.text == "Hello Ada"
    assert recorder.names == [
        "appcontext-pushed",
        "request-started",
        "before-render-template",
        "template-rendered",
        "request-finished",
        "request-tearing-down",
        "appcontext-tearing-down",
        "appcontext-popped",
    ]
    keywords = dict(recorder.events)
    assert keywords["request-finished"]["response"].status_code == 200
    assert keywords["request-tearing-down"] == {"exc": None}
    assert keywords["appcontext-tearing-down"] == {"exc": None}
    assert keywords["template-rendered"]["context"]["name"] == "Ada"


def test_request_finished_gets_the_response_after_the_after_request_hooks() -> None:
    app = make_app()
    app.route("/")(lambda: "body")

    @app.after_request
    def tag(response: Any) -> Any:
        response.headers["X-Hook"] = "ran"
        return response

    seen: list[Any] = []

    def on_finished(sender: Any, response: Any) -> None:
        seen.append(response.headers.get("X-Hook"))

    with request_finished.connected_to(on_finished, app):
        app.test_client().get("/")
    assert seen == ["ran"]


def test_an_unhandled_exception_sends_got_request_exception_then_answers_500() -> None:
    app = make_app()

    @app.route("/")
    def broken() -> str:
        raise ValueError("view failed")

    with Recorder(app) as recorder:
        response = app.test_client().get("/")
    assert response.status_code == 500
    keywords = dict(recorder.events)
    assert isinstance(keywords["got-request-exception"]["exception"], ValueError)
    assert recorder.names.index("got-request-exception") < recorder.names.index(
        "request-finished"
    )
    assert isinstance(keywords["request-tearing-down"]["exc"], ValueError)


def test_got_request_exception_is_sent_before_propagating_in_tests() -> None:
    app = make_app(TESTING=True)

    @app.route("/")
    def broken() -> str:
        raise ValueError("view failed")

    with Recorder(app) as recorder, pytest.raises(ValueError):
        app.test_client().get("/")
    assert "got-request-exception" in recorder.names


def test_handled_errors_send_no_got_request_exception() -> None:
    app = make_app()
    app.route("/missing")(lambda: abort(404))

    @app.route("/handled")
    def handled() -> str:
        raise KeyError("x")

    app.register_error_handler(KeyError, lambda error: ("handled", 400))
    with Recorder(app) as recorder:
        assert app.test_client().get("/missing").status_code == 404
        assert app.test_client().get("/handled").status_code == 400
        assert app.test_client().get("/nowhere").status_code == 404
    assert "got-request-exception" not in recorder.names
    assert recorder.names.count("request-started") == 3


def test_a_receiver_of_request_started_that_raises_makes_a_500() -> None:
    app = make_app()
    app.route("/")(lambda: "never")

    def broken(sender: Any) -> None:
        raise RuntimeError("receiver failed")

    with request_started.connected_to(broken, app):
        assert app.test_client().get("/").status_code == 500


def test_the_teardown_signals_are_sent_even_when_a_teardown_function_raises() -> None:
    app = make_app()
    app.route("/")(lambda: "ok")

    @app.teardown_request
    def failing_request_teardown(exc: Any) -> None:
        raise RuntimeError("teardown failed")

    @app.teardown_appcontext
    def failing_app_teardown(exc: Any) -> None:
        raise RuntimeError("teardown failed")

    with Recorder(app) as recorder:
        with pytest.raises(RuntimeError, match="teardown failed"):
            with app.test_request_context("/"):
                pass
    assert recorder.names[-3:] == [
        "request-tearing-down",
        "appcontext-tearing-down",
        "appcontext-popped",
    ]


def test_appcontext_signals_follow_every_push_and_pop() -> None:
    app = make_app()
    context = app.app_context()
    with Recorder(app) as recorder:
        with context:
            with context:  # a nested push of the same context: teardown at the outer pop
                pass
        with app.app_context():
            pass
    assert recorder.names == [
        "appcontext-pushed",
        "appcontext-pushed",
        "appcontext-popped",
        "appcontext-tearing-down",
        "appcontext-popped",
        "appcontext-pushed",
        "appcontext-tearing-down",
        "appcontext-popped",
    ]


def test_appcontext_pushed_runs_inside_the_context() -> None:
    # Flask's testing recipe: set g.user for every request through appcontext_pushed.
    app = make_app()
    app.route("/")(lambda: f"user: {g.user}")

    def set_user(sender: Any, **extra: Any) -> None:
        g.user = "ada"

    with appcontext_pushed.connected_to(set_user, app):
        assert app.test_client().get("/").text == "user: ada"


def test_before_render_template_may_change_the_context() -> None:
    app = make_app()
    app.route("/")(lambda: render_template_string("{{ greeting }}, {{ name }}", name="Ada"))
    app.context_processor(lambda: {"site": "example"})

    def add_greeting(sender: Any, template: Any, context: dict[str, Any]) -> None:
        context["greeting"] = "Hello"

    templates: list[Any] = []

    def capture(sender: Any, template: Any, context: dict[str, Any]) -> None:
        templates.append((template, context))

    with before_render_template.connected_to(add_greeting, app):
        with template_rendered.connected_to(capture, app):
            assert app.test_client().get("/").text == "Hello, Ada"
    ((template, context),) = templates
    assert hasattr(template, "render")
    assert context["greeting"] == "Hello"
    assert context["site"] == "example"  # the app's context processors ran first


def test_render_template_sends_the_template_with_its_name(tmp_path: Any) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "page.html").write_text("page {{ n }}")
    app = App(__name__, root_path=str(tmp_path))
    app.route("/")(lambda: tinyweb.render_template("page.html", n=1))
    names: list[str] = []

    def capture(sender: Any, template: Any, context: Any) -> None:
        names.append(template.name)

    with template_rendered.connected_to(capture, app):
        assert app.test_client().get("/").text == "page 1"
    assert names == ["page.html"]


def test_flash_sends_message_flashed() -> None:
    app = make_app()

    @app.route("/")
    def index() -> str:
        flash("Saved.", "info")
        return "ok"

    with Recorder(app) as recorder:
        app.test_client().get("/")
    assert ("message-flashed", {"message": "Saved.", "category": "info"}) in recorder.events


def test_a_receiver_for_another_app_is_not_called() -> None:
    app, other = make_app(), make_app()
    app.route("/")(lambda: "ok")
    with Recorder(other) as recorder:
        app.test_client().get("/")
    assert recorder.events == []


def test_flasks_signals_are_importable_from_tinyweb() -> None:
    assert len(FLASK_SIGNALS) == 10
    for signal in FLASK_SIGNALS:
        assert isinstance(signal, NamedSignal)
        assert getattr(tinyweb, signal.name.replace("-", "_")) is signal
