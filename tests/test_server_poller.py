"""The server's ``Poller``: one-shot reports for connections, level-triggered for the rest.

Each rule runs on both implementations: epoll with ``EPOLLONESHOT`` (Linux) and the
``selectors`` fallback, over socket pairs (no server, no threads).
"""

from __future__ import annotations

import select
import selectors
import socket
from collections.abc import Iterator

import pytest

from tinyweb.server import LISTENER, Poller

KINDS = [True, False] if hasattr(select, "epoll") else [False]


@pytest.fixture(params=KINDS, ids=lambda epoll: "epoll one-shot" if epoll else "selectors")
def poller(request: pytest.FixtureRequest) -> Iterator[Poller]:
    poller = Poller(bool(request.param))
    yield poller
    poller.close()


@pytest.fixture
def pair() -> Iterator[tuple[socket.socket, socket.socket]]:
    ours, theirs = socket.socketpair()
    ours.setblocking(False)
    yield ours, theirs
    ours.close()
    theirs.close()


def test_an_armed_socket_is_reported_once_until_armed_again(
    poller: Poller, pair: tuple[socket.socket, socket.socket]
) -> None:
    ours, theirs = pair
    poller.arm(ours, "connection")
    assert poller.ready(0) == []
    theirs.sendall(b"x")
    assert poller.ready(1.0) == ["connection"]
    assert poller.ready(0) == []  # still readable, but one-shot: quiet now
    poller.arm(ours, "connection")
    assert poller.ready(1.0) == ["connection"]  # re-arming looks at the socket afresh


def test_a_watched_socket_is_reported_whenever_it_is_readable(
    poller: Poller, pair: tuple[socket.socket, socket.socket]
) -> None:
    ours, theirs = pair
    poller.watch(ours, LISTENER)
    theirs.sendall(b"x")
    assert poller.ready(1.0) == [LISTENER]
    assert poller.ready(1.0) == [LISTENER]  # level-triggered
    ours.recv(10)
    assert poller.ready(0) == []


def test_forget_stops_reports(poller: Poller, pair: tuple[socket.socket, socket.socket]) -> None:
    ours, theirs = pair
    poller.arm(ours, "connection")
    poller.forget(ours.fileno(), "connection")
    theirs.sendall(b"x")
    assert poller.ready(0) == []
    poller.forget(ours.fileno(), "connection")  # twice is harmless


def test_forget_leaves_a_reused_descriptor_to_its_new_owner(
    poller: Poller, pair: tuple[socket.socket, socket.socket]
) -> None:
    # A connection closed by a worker may be forgotten after accept() reused its file
    # descriptor for a new connection: the new one must stay watched.
    ours, theirs = pair
    poller.arm(ours, "new connection")
    poller.forget(ours.fileno(), "old connection")
    theirs.sendall(b"x")
    assert poller.ready(1.0) == ["new connection"]


def test_a_closed_socket_is_not_reported(poller: Poller) -> None:
    ours, theirs = socket.socketpair()
    descriptor = ours.fileno()
    poller.arm(ours, "connection")
    poller.forget(descriptor, "connection")
    ours.close()
    theirs.close()
    assert poller.ready(0) == []


@pytest.mark.parametrize(
    ("selector", "wakes"),
    [("SelectSelector", True), ("PollSelector", True), ("EpollSelector", False), ("KqueueSelector", False)],
)  # fmt: skip
def test_selectors_that_miss_other_threads_registrations_need_a_wake(
    monkeypatch: pytest.MonkeyPatch, selector: str, wakes: bool
) -> None:
    # select() and poll() watch the sockets they were called with: a connection a worker
    # parks meanwhile would wait for the selector thread's next timeout (up to a second).
    if not hasattr(selectors, selector):
        pytest.skip(f"no {selector} here")
    monkeypatch.setattr(selectors, "DefaultSelector", getattr(selectors, selector))
    poller = Poller(False)
    try:
        assert poller.arming_needs_wake is wakes
    finally:
        poller.close()
    if hasattr(select, "epoll"):
        epoll_poller = Poller(True)
        assert epoll_poller.arming_needs_wake is False
        epoll_poller.close()
