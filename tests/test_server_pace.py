"""The minimum data rate: a client that keeps a worker waiting must keep bytes moving.

A worker waits on a client in two places: reading the request body for the app, and
sending the response. ``body_timeout`` and ``write_timeout`` bound one wait without a byte;
``min_rate`` bounds the sum of the waits in one request and direction: after the first
timeout's worth of waiting, each further second must be paid for with ``min_rate`` bytes
the client moved (bytes the socket buffers took at once do not count). Without it a
client that sends (or takes) one byte every 29 s holds a worker for as long as it likes, and
a handful of them stop the server (the "slow POST" and "slow read" attacks). Kestrel has
the same rule (240 bytes/s), Apache's mod_reqtimeout the same for bodies (``MinRate``).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterable
from typing import Any, Callable

import pytest
from test_server import GET, FakeClock, Reader, connect, hello, scripted_step, serving, wait_until

from tinyweb import server_options
from tinyweb.server_options import Pace, ServerOptions

# -- the rule as a pure function -----------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "min_rate", "moved", "waited", "allowance"),
    [
        ("nothing waited yet: one whole timeout", 100, 0, 0.0, 5.0),
        ("never more than the timeout in one wait, however much has moved", 100, 10**9, 0.0, 5.0),
        ("the first timeout of waiting is free", 100, 0, 4.0, 1.0),
        ("each min_rate bytes moved buys one second more", 100, 300, 7.0, 1.0),
        ("waited more than it paid for: nothing left", 100, 100, 6.5, -0.5),
        ("min_rate 0 switches the rule off", 0, 0, 10**6, 5.0),
    ],
)  # fmt: skip
def test_pace_allowance(rule: str, min_rate: int, moved: int, waited: float, allowance: float) -> None:
    pace = Pace(min_rate, 5.0)
    pace.moved, pace.waited = moved, waited
    assert pace.allowance() == pytest.approx(allowance), rule


def test_pace_restart_forgets_the_previous_request() -> None:
    pace = Pace(100, 5.0)
    pace.moved, pace.waited = 10, 99.0
    pace.restart()
    assert (pace.moved, pace.waited, pace.allowance()) == (0, 0.0, 5.0)


def test_the_error_says_which_rule_cut_the_client_off() -> None:
    pace = Pace(100, 5.0)
    assert "no progress for 5 s" in str(pace.expired(5.0))
    assert "slower than 100 bytes/s" in str(pace.expired(0.5))


def test_min_rate_is_an_option_with_kestrels_default() -> None:
    assert ServerOptions().min_rate == 240
    assert ServerOptions.from_keywords(min_rate=0).min_rate == 0
    with pytest.raises(ValueError, match="min_rate"):
        ServerOptions(min_rate=-1)


# -- write_with_progress under the rule (a fake clock; each wait advances it) -------------


def client_at(rate: float, clock: FakeClock) -> Callable[[int], int]:
    """A step for a client that takes ``rate`` bytes/s, on the fake clock."""
    started = clock.now

    def step(done: int) -> int:
        available = int(rate * (clock.now - started)) - done
        if available <= 0:
            raise BlockingIOError
        return available

    return step


def test_a_steady_trickle_below_min_rate_is_cut_off(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = FakeClock()
    monkeypatch.setattr(server_options.time, "monotonic", lambda: clock.now)
    # 2 bytes/s against min_rate 100: the first 5 s of waiting are free (10 bytes come),
    # which buys 10/100 = 0.1 s more; no byte comes in it, and the client is cut off.
    pace = Pace(100, 5.0)
    with pytest.raises(TimeoutError, match="slower than 100 bytes/s"):
        server_options.write_with_progress(1000, client_at(2, clock), clock.wait, pace)
    assert clock.waits == pytest.approx([5.0, 0.1])
    assert pace.moved == 10


def test_a_steady_trickle_above_min_rate_is_never_cut_off(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = FakeClock()
    monkeypatch.setattr(server_options.time, "monotonic", lambda: clock.now)
    pace = Pace(100, 5.0)  # the client takes 120 bytes/s: each 5 s wait earns 6 s
    assert server_options.write_with_progress(60000, client_at(120, clock), clock.wait, pace) == 60000
    assert clock.waits == [5.0] * 100 and pace.waited == pytest.approx(500.0)


def test_the_rule_spans_every_write_of_the_request(monkeypatch: pytest.MonkeyPatch) -> None:
    # One response is many sends; the waits add up across them.
    clock = FakeClock()
    monkeypatch.setattr(server_options.time, "monotonic", lambda: clock.now)
    pace = Pace(100, 3.0)
    for _ in range(2):  # 3 s free, then 10 bytes buy the second write's 0.1 s
        server_options.write_with_progress(10, scripted_step([None, 10]), clock.wait, pace)
    with pytest.raises(TimeoutError, match="slower than"):  # 20 bytes bought 0.2 s in all
        server_options.write_with_progress(10, scripted_step([None, None]), clock.wait, pace)
    assert clock.waits == pytest.approx([3.0, 0.1, 0.1])


def test_what_the_buffers_take_at_once_buys_no_credit(monkeypatch: pytest.MonkeyPatch) -> None:
    # The socket buffers take 1 MB before the first wait (on loopback they absorb ~4 MiB);
    # counted, that would buy a 2 bytes/s reader 10,000 s. Only bytes taken after a wait
    # count, so it is cut off as soon as without the megabyte.
    clock = FakeClock()
    monkeypatch.setattr(server_options.time, "monotonic", lambda: clock.now)
    trickling = client_at(2, clock)

    def step(done: int) -> int:  # the buffers take a megabyte, then a 2 bytes/s reader
        return 1_000_000 if done == 0 else trickling(done - 1_000_000)

    pace = Pace(100, 5.0)
    with pytest.raises(TimeoutError, match="slower than 100 bytes/s"):
        server_options.write_with_progress(2_000_000, step, clock.wait, pace)
    assert clock.waits == pytest.approx([5.0, 0.1]) and pace.moved == 10


def test_bytes_sent_without_a_wait_buy_no_credit_for_the_next_send(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = FakeClock()
    monkeypatch.setattr(server_options.time, "monotonic", lambda: clock.now)
    pace = Pace(100, 5.0)
    server_options.write_with_progress(500, scripted_step([500]), clock.wait, pace)
    assert pace.moved == 0


# -- over real sockets: a trickling client gives its worker back ---------------------------


def trickle(sock: socket.socket, data: bytes, pause: float, stop: threading.Event) -> None:
    """Send ``data`` a byte at a time, ``pause`` seconds apart, until done or stopped."""
    for index in range(len(data)):
        if stop.wait(pause):
            return
        try:
            sock.sendall(data[index : index + 1])
        except OSError:
            return


def body_reader(outcomes: list[str]) -> Callable[..., Iterable[bytes]]:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        try:
            body = environ["wsgi.input"].read()
        except OSError as error:
            outcomes.append(f"raised: {error.__cause__}")  # (gateway: 408, no progress)
            raise
        outcomes.append(f"read {len(body)} bytes")
        start_response("200 OK", [("Content-Length", "2")])
        return [b"ok"]

    return app


@pytest.mark.parametrize(
    ("rule", "min_rate", "outcome"),
    [
        ("a body trickling below min_rate is cut off", 400, "raised: client slower than 400 bytes/s"),
        ("min_rate 0: only the per-wait timeout applies", 0, "read 40 bytes"),
    ],
)  # fmt: skip
def test_slow_body(rule: str, min_rate: int, outcome: str) -> None:
    # 40 bytes, one per 40 ms (~25 bytes/s); each wait is far below body_timeout (1 s), so
    # a scheduling hiccup on a loaded machine cannot end it. With min_rate 400 the waiting
    # is paid up after ~1.07 s, before the last byte (at 1.6 s).
    outcomes: list[str] = []
    stop = threading.Event()
    options = {"threads": 1, "body_timeout": 1.0, "min_rate": min_rate}
    with serving(body_reader(outcomes), **options) as server, connect(server) as sock:
        sock.sendall(b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 40\r\n\r\n")
        sender = threading.Thread(target=trickle, args=(sock, b"x" * 40, 0.04, stop))
        sender.start()
        try:
            assert wait_until(lambda: bool(outcomes), 10.0), rule
            assert outcomes[0].startswith(outcome), (rule, outcomes)
            # The only worker is free again: a new client is served at once.
            with connect(server) as other:
                other.sendall(GET % b"/")
                assert Reader(other).response().status == 200, rule
        finally:
            stop.set()
            sender.join()


def test_a_reader_slower_than_min_rate_is_dropped_and_frees_its_worker() -> None:
    # The response is far larger than the socket buffers; the client takes 64 KiB every
    # 50 ms (~1.3 MB/s) against min_rate 50 MB/s. Each wait sees progress well within
    # write_timeout (2 s, so a scheduling hiccup cannot end it either), and with min_rate 0
    # the client reads on for as long as one cares to wait (tried: 5 MB in 4 s). So only
    # the rate rule ends it, after ~2 s of waiting.
    body_size = 256 * 1024 * 1024
    chunk = b"x" * 65536
    finished = threading.Event()

    def big() -> Iterable[bytes]:
        try:
            for _ in range(body_size // len(chunk)):
                yield chunk
        finally:
            finished.set()

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ["PATH_INFO"] != "/big":
            return hello(environ, start_response)
        start_response("200 OK", [("Content-Length", str(body_size))])
        return big()

    options = {"threads": 1, "write_timeout": 2.0, "min_rate": 50_000_000}
    with serving(app, **options) as server, connect(server) as sock:
        sock.sendall(GET % b"/big")
        started = time.monotonic()
        while not finished.is_set() and time.monotonic() - started < 15:
            time.sleep(0.05)
            try:
                if not sock.recv(65536):
                    break
            except OSError:
                break
        reading_for = time.monotonic() - started
        assert reading_for < 15, "the worker is still sending to a client below min_rate"
        assert finished.wait(5)
        with connect(server) as other:  # the only worker serves others again
            other.sendall(GET % b"/")
            assert Reader(other).response().status == 200


def test_a_client_faster_than_min_rate_gets_a_large_response_whole() -> None:
    # 16 MiB, far more than the socket buffers, so the sends do wait and the rule is
    # consulted; the client reads as fast as it can, far above min_rate 1 MB/s.
    body = b"z" * (16 * 1024 * 1024)

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        start_response("200 OK", [("Content-Length", str(len(body)))])
        return [body]

    with serving(app, min_rate=1_000_000, write_timeout=2.0) as server, connect(server) as sock:
        sock.sendall(GET % b"/")
        assert Reader(sock).response().body == body
