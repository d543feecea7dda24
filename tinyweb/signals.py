"""Signals: named events that code can subscribe to, and the ten that Flask sends.

Where it fits: the app, the contexts, ``render_template`` and ``flash`` send the signals
defined at the bottom of this module at the moments Flask sends them; an extension or a
test subscribes with ``connect`` and is called with the sender (the app) and keyword
arguments. Flask sends its signals through Blinker; tinyweb has no dependencies, so this
module is a small Blinker of its own, with the API that Flask code uses::

    from tinyweb.signals import template_rendered

    def log_template(sender, template, context, **extra):
        print("rendered", template.name)

    template_rendered.connect(log_template, app)   # only when `app` sends it

How it works:

1. A ``Signal`` keeps one entry per receiver: how to reach it (the function, or a weak
   reference to it) and the senders it listens to (``ANY`` for all). Entries are in a
   dict, so receivers are called in the order they were connected (Blinker leaves the
   order undefined).
2. Receivers and senders are compared by an id (``make_id``): ``id(obj)`` for most
   objects, the value itself for ``str`` and ``int`` (two equal strings are one sender),
   and ``(id(function), id(instance))`` for a bound method, which is a new object at
   every attribute access.
3. ``weak=True`` (the default, as in Blinker) holds the receiver by a weak reference:
   when it is garbage collected it is disconnected (its entry goes at the next
   ``connect``, ``send``, ``disconnect``, ``has_receivers_for`` or ``receivers_for``).
   A receiver defined inside a
   function must be connected with ``weak=False``, or it vanishes when the function
   returns. A receiver that cannot be weakly referenced (a builtin) is held strongly.
   A sender that can be is watched too: when it dies its connections are dropped, so a
   new object at the same address does not inherit them.
4. Nobody listening costs one attribute check: the senders in tinyweb write
   ``if signal.receivers: signal.send(...)``.

Rules:
- Imports nothing from tinyweb but ``coroutines``, so any module may send.
- A receiver that raises propagates to the sender (as in Blinker): a receiver of
  ``request_started`` that raises makes that request a 500.
- An ``async def`` receiver is run to completion by ``send`` (``tinyweb.coroutines``),
  as Flask's ``ensure_sync`` makes Blinker do. Not here (Blinker's): ``send_async`` and
  the ``receiver_connected``/``receiver_disconnected`` meta-signals.

Spec: https://flask.palletsprojects.com/en/3.1.x/api/#signals and
https://blinker.readthedocs.io/en/stable/
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from types import CoroutineType, MethodType
from typing import Any, TypeVar

from tinyweb.coroutines import run_coroutine

__all__ = [
    "ANY",
    "NamedSignal",
    "Namespace",
    "Signal",
    "appcontext_popped",
    "appcontext_pushed",
    "appcontext_tearing_down",
    "before_render_template",
    "got_request_exception",
    "message_flashed",
    "request_finished",
    "request_started",
    "request_tearing_down",
    "template_rendered",
]

Receiver = TypeVar("Receiver", bound=Callable[..., Any])


class _Symbol:
    """A named constant that prints as its name (``ANY``)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


ANY: Any = _Symbol("ANY")
"""The sender that stands for every sender: ``connect(receiver)`` listens to all."""


def make_id(thing: object) -> Hashable:
    """What identifies a receiver or a sender across calls (module docstring, point 2)."""
    if isinstance(thing, MethodType):
        return id(thing.__func__), id(thing.__self__)
    if isinstance(thing, (str, int)):
        return thing
    return id(thing)


def _weak_reference(thing: Any, callback: Callable[[Any], None]) -> Any:
    """A weak reference to ``thing`` that calls ``callback`` when it dies, or None when
    ``thing`` cannot be weakly referenced. A bound method needs ``WeakMethod``: the method
    object itself dies at once, its function and instance do not."""
    try:
        if isinstance(thing, MethodType):
            return weakref.WeakMethod(thing, callback)
        return weakref.ref(thing, callback)
    except TypeError:
        return None


class Signal:
    """A notification: receivers ``connect`` to it, a sender ``send``s it.

    ``receivers`` is true when anything is connected (its contents are not part of the
    API; its truth is, as in Blinker). ``is_muted`` is set by ``muted()``.
    """

    ANY = ANY

    def __init__(self, doc: str | None = None) -> None:
        """Create a signal with no receivers; ``doc`` becomes its docstring."""
        if doc:
            self.__doc__ = doc
        # receiver id -> the receiver, or a weak reference to it
        self.receivers: dict[Hashable, Any] = {}
        # receiver id -> the ids of the senders it listens to (ANY: all of them)
        self._senders: dict[Hashable, set[Hashable]] = {}
        # sender id -> a weak reference that drops the sender's connections when it dies
        self._watched_senders: dict[Hashable, Any] = {}
        # What died, noted by weakref callbacks and cleaned up at the next connect, send
        # or disconnect: a callback runs inside the garbage collector, which may start
        # while this signal's dicts are being copied, so it must not change them.
        self._dead_receivers: list[Any] = []
        self._dead_senders: list[Hashable] = []
        self.is_muted = False

    def connect(self, receiver: Receiver, sender: Any = ANY, weak: bool = True) -> Receiver:
        """Call ``receiver(sender, **kwargs)`` whenever ``sender`` (default: anyone)
        sends this signal; returns ``receiver``. Connecting again for another sender
        adds that sender; ``weak`` is explained in the module docstring (point 3)."""
        self._clean_up()
        receiver_id = make_id(receiver)
        reference = _weak_reference(receiver, self._dead_receivers.append) if weak else None
        self.receivers[receiver_id] = receiver if reference is None else reference
        sender_id = ANY if sender is ANY else make_id(sender)
        self._senders.setdefault(receiver_id, set()).add(sender_id)
        if sender is not ANY and sender_id not in self._watched_senders:
            watch = _weak_reference(sender, lambda _dead: self._dead_senders.append(sender_id))
            if watch is not None:
                self._watched_senders[sender_id] = watch
        return receiver

    def connect_via(self, sender: Any, weak: bool = False) -> Callable[[Receiver], Receiver]:
        """A decorator form of ``connect`` (strong by default, as in Blinker)::

        @request_started.connect_via(app)
        def on_start(sender, **extra): ...
        """

        def decorator(receiver: Receiver) -> Receiver:
            return self.connect(receiver, sender, weak)

        return decorator

    @contextmanager
    def connected_to(self, receiver: Callable[..., Any], sender: Any = ANY) -> Iterator[None]:
        """Connect ``receiver`` for the duration of a ``with`` block (handy in tests)."""
        self.connect(receiver, sender, weak=False)
        try:
            yield
        finally:
            self.disconnect(receiver)

    @contextmanager
    def muted(self) -> Iterator[None]:
        """Send to nobody during a ``with`` block (``send`` returns ``[]``)."""
        self.is_muted = True
        try:
            yield
        finally:
            self.is_muted = False

    def send(
        self, sender: Any = None, /, *, _async_wrapper: Any = None, **kwargs: Any
    ) -> list[tuple[Callable[..., Any], Any]]:
        """Call every receiver connected to ``sender`` or to ``ANY`` with
        ``(sender, **kwargs)``; return ``[(receiver, its return value), ...]`` (an
        ``async def`` receiver's coroutine is run, and its result returned, so Blinker's
        ``_async_wrapper`` is accepted and not needed)."""
        if self.is_muted or not self.receivers:
            return []
        results = []
        for receiver in self.receivers_for(sender):
            result = receiver(sender, **kwargs)
            if type(result) is CoroutineType:
                result = run_coroutine(result)
            results.append((receiver, result))
        return results

    def has_receivers_for(self, sender: Any) -> bool:
        """Whether anything listens to ``sender`` (or to ``ANY``). Dead weak receivers
        are dropped first; only one whose weak reference has not been cleared yet (cycle
        garbage not collected yet) can still count."""
        self._clean_up()
        sender_id = ANY if sender is ANY else make_id(sender)
        return any(ANY in senders or sender_id in senders for senders in self._senders.values())

    def receivers_for(self, sender: Any) -> Iterator[Callable[..., Any]]:
        """The live receivers that a ``send(sender)`` would call, in connection order."""
        self._clean_up()
        sender_id = ANY if sender is ANY else make_id(sender)
        # A copy: a receiver may connect or disconnect while it is being called (and
        # dict.copy allocates nothing that could start the garbage collector midway).
        for receiver_id, senders in self._senders.copy().items():
            if ANY not in senders and sender_id not in senders:
                continue
            receiver = self.receivers.get(receiver_id)
            if isinstance(receiver, weakref.ref):
                receiver = receiver()
            if receiver is not None:
                yield receiver

    def disconnect(self, receiver: Callable[..., Any], sender: Any = ANY) -> None:
        """Stop calling ``receiver`` for ``sender``; for every sender when ``sender`` is
        ``ANY`` (the default). A receiver that is not connected is ignored."""
        self._clean_up()
        receiver_id = make_id(receiver)
        senders = self._senders.get(receiver_id)
        if senders is None:
            return
        if sender is ANY:
            senders.clear()
        else:
            senders.discard(make_id(sender))
        if not senders:
            self._forget(receiver_id)

    def _forget(self, receiver_id: Hashable) -> None:
        """Drop a receiver's entry."""
        self.receivers.pop(receiver_id, None)
        self._senders.pop(receiver_id, None)

    def _clean_up(self) -> None:
        """Drop what the weakref callbacks noted as dead: a receiver's entry (unless a new
        receiver took its id since: then the stored reference is another one), and a
        sender's connections (nobody listens to it any more)."""
        while self._dead_receivers:
            reference = self._dead_receivers.pop()
            for receiver_id, stored in self.receivers.copy().items():
                if stored is reference:
                    self._forget(receiver_id)
        while self._dead_senders:
            sender_id = self._dead_senders.pop()
            self._watched_senders.pop(sender_id, None)
            for receiver_id, senders in self._senders.copy().items():
                if sender_id in senders:
                    senders.discard(sender_id)
                    if not senders:
                        self._forget(receiver_id)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} at {id(self):#x}>"


class NamedSignal(Signal):
    """A signal with a name, as a ``Namespace`` makes them."""

    def __init__(self, name: str, doc: str | None = None) -> None:
        """Create the signal called ``name``."""
        super().__init__(doc)
        self.name = name

    def __repr__(self) -> str:
        return f"<NamedSignal {self.name!r}>"


class Namespace(dict[str, NamedSignal]):
    """Signals by name: ``signal(name)`` makes one or returns the one made before.

    Example, for an extension's own signals::

        my_signals = Namespace()
        model_saved = my_signals.signal("model-saved")
    """

    def signal(self, name: str, doc: str | None = None) -> NamedSignal:
        """The signal called ``name`` in this namespace, made on first use."""
        if name not in self:
            self[name] = NamedSignal(name, doc)
        return self[name]


# Flask's signals, with what each is sent with (the sender is always the app).
_flask_signals = Namespace()
template_rendered = _flask_signals.signal(
    "template-rendered", "After a template rendered: template=, context=."
)
before_render_template = _flask_signals.signal(
    "before-render-template",
    "Before a template renders: template=, context= (a receiver may change the context).",
)
request_started = _flask_signals.signal(
    "request-started", "A request was matched and is about to run its before_request hooks."
)
request_finished = _flask_signals.signal(
    "request-finished", "The response is made, after the after_request hooks: response=."
)
request_tearing_down = _flask_signals.signal(
    "request-tearing-down", "After the teardown_request functions ran: exc= (or None)."
)
got_request_exception = _flask_signals.signal(
    "got-request-exception", "An exception no handler took, before its 500: exception=."
)
appcontext_tearing_down = _flask_signals.signal(
    "appcontext-tearing-down", "After the teardown_appcontext functions ran: exc= (or None)."
)
appcontext_pushed = _flask_signals.signal("appcontext-pushed", "An app context was pushed.")
appcontext_popped = _flask_signals.signal("appcontext-popped", "An app context was popped.")
message_flashed = _flask_signals.signal(
    "message-flashed", "flash() queued a message: message=, category=."
)
