"""The server's bounds over real sockets: size limits, deadlines, disconnects, the cap.

HTTP.md "Limits and timeouts": every limit answers with its status and a closed connection;
no idle or slow client holds a worker; a client that vanishes at any point leaves nothing
behind (the app's ``close()`` is called, threads return to the baseline, nothing spins).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterable, Iterator
from typing import Any, Callable

import pytest
from test_server import (  # noqa: F401 (poller_kind: every test runs on each poller)
    GET,
    Reader,
    connect,
    echo,
    exchange,
    hello,
    poller_kind,
    serving,
    wait_until,
)

from tinyweb.server import Server

# -- size limits -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "raw", "status"),
    [
        ("request line too long: 414", b"GET /" + b"a" * 300 + b" HTTP/1.1\r\nHost: t\r\n\r\n", 414),
        ("request line too long, no CRLF yet: 414", b"GET /" + b"a" * 300, 414),
        ("one field too long: 431", b"GET / HTTP/1.1\r\nHost: t\r\nX-A: " + b"b" * 300 + b"\r\n\r\n", 431),
        ("too many fields: 431", b"GET / HTTP/1.1\r\nHost: t\r\n" + b"X-A: b\r\n" * 20 + b"\r\n", 431),
        ("Content-Length over the body limit: 413", b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 1001\r\n\r\n", 413),
        ("malformed request line: 400", b"GET  / HTTP/1.1\r\nHost: t\r\n\r\n", 400),
        ("HTTP/2.0: 505", b"GET / HTTP/2.0\r\n\r\n", 505),
        ("both Content-Length and chunked: 400", b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
    ],
)  # fmt: skip
def test_limits_answer_their_status_and_close(rule: str, raw: bytes, status: int) -> None:
    limits = {
        "max_request_line": 256,
        "max_field_size": 256,
        "max_field_count": 10,
        "max_body_size": 1000,
    }
    with serving(hello, **limits) as server, connect(server) as sock:
        sock.sendall(raw)
        reader = Reader(sock)
        response = reader.response()
        assert response.status == status, rule
        assert response.header("Connection") == "close"
        assert b"aaaa" not in response.body and b"bbbb" not in response.body  # no echo
        assert reader.closed()


def test_chunked_body_over_the_limit_is_413() -> None:
    raw = b"POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
    raw += b"200\r\n" + b"x" * 512 + b"\r\n" + b"200\r\n" + b"x" * 512 + b"\r\n0\r\n\r\n"
    with serving(echo, max_body_size=1000) as server, connect(server) as sock:
        sock.sendall(raw)
        reader = Reader(sock)
        response = reader.response()
        assert response.status == 413
        assert reader.closed()


# -- deadlines -------------------------------------------------------------------------


def test_slowloris_does_not_starve_the_workers() -> None:
    """More slow clients than threads; a fresh request is still served at once."""
    with serving(hello, threads=2, header_timeout=3.0) as server:
        slow = [connect(server) for _ in range(6)]
        try:
            for sock in slow:
                sock.sendall(b"GET / HTTP/1.1\r\nHost: t\r\nX-Slow: ")  # never finished
            # The client times out well before the header deadline: if a slow client held a
            # worker, this request would wait for that deadline and fail.
            with connect(server, timeout=2.0) as sock:
                sock.sendall(GET % b"/fresh")
                assert Reader(sock).response().body.startswith(b"/fresh")
        finally:
            for sock in slow:
                sock.close()


def test_header_deadline_is_total_not_per_read() -> None:
    with serving(hello, header_timeout=0.5) as server, connect(server) as sock:
        reader = Reader(sock)
        started = time.monotonic()
        for byte in b"GET / HTTP/1.1\r\nHost: t\r\nX-Trickle: " + b"a" * 40:
            try:
                sock.sendall(bytes([byte]))
            except OSError:
                break
            time.sleep(0.05)  # each byte is "progress", yet the head takes too long
            if time.monotonic() - started > 3:
                break
        response = reader.response()
        assert response.status == 408
        assert reader.closed()


def test_idle_keep_alive_connection_is_closed() -> None:
    with serving(hello, idle_timeout=0.3) as server, connect(server) as sock:
        sock.sendall(GET % b"/")
        reader = Reader(sock)
        assert reader.response().status == 200
        assert reader.closed()  # after the idle timeout, without a 408


def test_silent_connection_gets_the_header_deadline() -> None:
    with serving(hello, header_timeout=0.3) as server, connect(server) as sock:
        reader = Reader(sock)
        assert reader.response().status == 408
        assert reader.closed()


def test_body_without_progress_times_out() -> None:
    closed = threading.Event()

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        try:
            environ["wsgi.input"].read()
        finally:
            closed.set()
        start_response("200 OK", [])
        return [b""]

    with serving(app, body_timeout=0.3) as server, connect(server) as sock:
        sock.sendall(b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nabc")
        reader = Reader(sock)
        assert closed.wait(5)
        assert reader.closed() or reader.response().status == 408


# -- disconnects -----------------------------------------------------------------------


class Tracked:
    """An app body that records ``close()`` and can stream slowly."""

    def __init__(self, chunks: int, pause: float = 0.0) -> None:
        self.chunks = chunks
        self.pause = pause
        self.closed = threading.Event()

    def __iter__(self) -> Iterator[bytes]:
        for _ in range(self.chunks):
            time.sleep(self.pause)
            yield b"x" * 65536

    def close(self) -> None:
        self.closed.set()


def busy_cpu_seconds(duration: float) -> float:
    """CPU time this process spends while the test thread sleeps (a spinning loop shows)."""
    before = time.process_time()
    time.sleep(duration)
    return time.process_time() - before


def test_disconnect_mid_request_head() -> None:
    with serving(hello) as server:
        with connect(server) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\nHo")
        assert busy_cpu_seconds(0.3) < 0.2  # the selector does not spin on the dead socket
        assert exchange(server, GET % b"/after")[0].status == 200


def test_disconnect_mid_body_raises_in_the_app_and_calls_close() -> None:
    errors: list[BaseException] = []
    body = Tracked(1)

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Tracked:
        try:
            environ["wsgi.input"].read()
        except OSError as error:
            errors.append(error)
        start_response("200 OK", [])
        return body

    with serving(app) as server:
        with connect(server) as sock:
            sock.sendall(b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nabc")
        assert body.closed.wait(5)
        assert len(errors) == 1
        assert busy_cpu_seconds(0.3) < 0.2


def test_disconnect_mid_response_calls_close() -> None:
    body = Tracked(10_000, pause=0.001)

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ["PATH_INFO"] == "/after":
            return hello(environ, start_response)
        start_response("200 OK", [])
        return body

    with serving(app, write_timeout=2.0) as server:
        with connect(server) as sock:
            sock.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
            )
            sock.sendall(GET % b"/")
            sock.recv(1000)
        assert body.closed.wait(5)
        assert busy_cpu_seconds(0.3) < 0.2
        assert exchange(server, GET % b"/after")[0].status == 200


# -- the connection cap ----------------------------------------------------------------


def test_connection_cap_stops_accepting_until_one_closes() -> None:
    with serving(hello, max_connections=2, idle_timeout=5.0) as server:
        first, second = connect(server), connect(server)
        try:
            for sock in (first, second):
                sock.sendall(GET % b"/")
                assert Reader(sock).response().status == 200
            waiting = connect(server)  # the kernel completes the handshake (backlog) ...
            waiting.sendall(GET % b"/third")
            waiting.settimeout(0.3)
            with pytest.raises(socket.timeout):
                waiting.recv(1)  # ... but the server does not accept it yet
            first.close()
            waiting.settimeout(5)
            assert Reader(waiting).response().body.startswith(b"/third")
            waiting.close()
        finally:
            first.close()
            second.close()


def test_shutdown_with_many_idle_connections_is_clean() -> None:
    baseline = threading.active_count()
    server = Server(hello, "127.0.0.1", 0, threads=2, idle_timeout=5.0).start()
    clients = [connect(server) for _ in range(20)]
    for sock in clients:
        sock.sendall(GET % b"/")
    for sock in clients:
        assert Reader(sock).response().status == 200
    server.shutdown(timeout=1)
    assert all(Reader(sock).closed() for sock in clients)
    for sock in clients:
        sock.close()
    assert wait_until(lambda: threading.active_count() == baseline)


# -- many clients at once --------------------------------------------------------------


def test_many_concurrent_keep_alive_clients_get_their_own_answers() -> None:
    """Races between parking (worker thread) and reading (selector thread) would show here."""
    failures: list[str] = []

    def client(number: int) -> None:
        try:
            with connect(server) as sock:
                reader = Reader(sock)
                for request in range(25):
                    paths = [b"/c%d/r%d/p%d" % (number, request, p) for p in range(request % 3 + 1)]
                    sock.sendall(b"".join(GET % path for path in paths))  # sometimes pipelined
                    for path in paths:
                        body = reader.response().body
                        if not body.startswith(path + b" "):
                            failures.append(f"{path!r} got {body!r}")
        except Exception as error:  # reported below, in the test's thread
            failures.append(f"client {number}: {error!r}")

    with serving(hello, threads=3) as server:
        clients = [threading.Thread(target=client, args=(n,)) for n in range(20)]
        for thread in clients:
            thread.start()
        for thread in clients:
            thread.join(30)
    assert failures == []
