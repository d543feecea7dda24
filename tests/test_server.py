"""The server over real sockets on 127.0.0.1 (port 0): connections, limits, lifecycle.

Every test runs a ``Server`` inside ``serving()``, which shuts it down and checks that the
thread count is back to where it was: no thread and no socket may outlive a test. Timeouts
are set short through options so the file stays quick; nothing here asserts on speed.
"""

from __future__ import annotations

import contextlib
import http.client
import logging
import os
import re
import select
import selectors
import socket
import subprocess
import sys
import tempfile
import threading
import time
import types
import wsgiref.simple_server
import wsgiref.validate
from collections.abc import Iterable, Iterator
from typing import Any, Callable

import pytest

from tinyweb import gateway, http11, server_options
from tinyweb import server as server_module
from tinyweb.proxy import ProxyFix
from tinyweb.server import Server, ServerOptions, access_entry

App = Callable[..., Iterable[bytes]]
FAST = {"header_timeout": 2.0, "idle_timeout": 2.0, "linger_timeout": 0.5, "threads": 4}


POLLERS = ["epoll one-shot", "selectors"] if hasattr(select, "epoll") else ["selectors"]


@pytest.fixture(autouse=True, params=POLLERS)
def poller_kind(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test here runs on each poller: epoll one-shot (Linux) and the fallback."""
    monkeypatch.setattr(server_module, "ONE_SHOT_EPOLL", request.param != "selectors")
    return str(request.param)


@contextlib.contextmanager
def serving(app: App, **options: Any) -> Iterator[Server]:
    """A running server; afterwards every thread it started must be gone."""
    baseline = threading.active_count()
    settings = {**FAST, **options}
    server = Server(app, "127.0.0.1", 0, **settings)
    server.start()
    try:
        yield server
    finally:
        server.shutdown(timeout=2.0)
        assert threading.active_count() == baseline, threading.enumerate()


def connect(server: Server, timeout: float = 5.0) -> socket.socket:
    sock = socket.create_connection(server.server_address[:2], timeout=timeout)
    return sock


class Response:
    """One response read off a raw socket."""

    def __init__(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body

    def header(self, name: str) -> str | None:
        values = [v for n, v in self.headers if n.lower() == name.lower()]
        return ",".join(values) if values else None


class Reader:
    """Reads whole responses from a socket, keeping what arrives beyond each one."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = b""

    def _fill(self) -> bool:
        data = self.sock.recv(65536)
        self.buffer += data
        return bool(data)

    def _take_until(self, marker: bytes) -> bytes:
        while marker not in self.buffer:
            if not self._fill():
                raise EOFError(f"connection closed; got {self.buffer[:200]!r}")
        part, _, self.buffer = self.buffer.partition(marker)
        return part

    def _take(self, size: int) -> bytes:
        while len(self.buffer) < size:
            if not self._fill():
                raise EOFError("connection closed mid-body")
        part, self.buffer = self.buffer[:size], self.buffer[size:]
        return part

    def response(self, head_request: bool = False) -> Response:
        while True:
            lines = self._take_until(b"\r\n\r\n").decode("latin-1").split("\r\n")
            status = int(lines[0].split(" ")[1])
            headers = [(n, v) for n, _, v in (line.partition(": ") for line in lines[1:])]
            if not 100 <= status < 200:
                break
        response = Response(status, headers, b"")
        if head_request or status in (204, 304):
            return response
        if response.header("Transfer-Encoding") == "chunked":
            response.body = self._chunked_body()
        elif response.header("Content-Length") is not None:
            response.body = self._take(int(response.header("Content-Length") or 0))
        else:
            while self._fill():
                pass
            response.body, self.buffer = self.buffer, b""
        return response

    def _chunked_body(self) -> bytes:
        body = b""
        while True:
            size = int(self._take_until(b"\r\n").split(b";")[0], 16)
            if size == 0:
                self._take_until(b"\r\n")
                return body
            body += self._take(size)
            self._take(2)

    def closed(self) -> bool:
        """True if the server closed the connection (EOF or reset) with nothing more sent."""
        try:
            return not self._fill() and not self.buffer
        except ConnectionResetError:
            return True


def exchange(server: Server, raw: bytes, responses: int = 1) -> list[Response]:
    with connect(server) as sock:
        sock.sendall(raw)
        reader = Reader(sock)
        return [reader.response() for _ in range(responses)]


def hello(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    body = f"{environ['PATH_INFO']} {environ['REMOTE_PORT']}".encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


def echo(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    body = environ["wsgi.input"].read()
    start_response("200 OK", [("Content-Type", "application/octet-stream")])
    return [body]


GET = b"GET %s HTTP/1.1\r\nHost: test\r\n\r\n"


# -- connections -----------------------------------------------------------------------


def test_keep_alive_reuses_the_connection() -> None:
    with serving(hello) as server, connect(server) as sock:
        reader = Reader(sock)
        sock.sendall(GET % b"/one")
        first = reader.response()
        sock.sendall(GET % b"/two")
        second = reader.response()
        assert first.body.split()[0] == b"/one" and second.body.split()[0] == b"/two"
        assert first.body.split()[1] == second.body.split()[1]  # same client port
        assert first.header("Connection") is None


def test_three_pipelined_requests_in_one_send_are_answered_in_order() -> None:
    with serving(hello) as server:
        raw = GET % b"/a" + GET % b"/b" + GET % b"/c"
        bodies = [r.body.split()[0] for r in exchange(server, raw, 3)]
        assert bodies == [b"/a", b"/b", b"/c"]


def test_keep_alive_on_a_select_selector_is_answered_without_waiting_for_a_sweep(
    monkeypatch: pytest.MonkeyPatch, poller_kind: str
) -> None:
    # With select(), a connection a worker re-arms is only watched from the selector
    # thread's next call: the worker must wake it, or each request on a parked
    # connection would wait for the next sweep (1 s with these timeouts).
    if poller_kind != "selectors":
        pytest.skip("the fallback poller only")
    monkeypatch.setattr(selectors, "DefaultSelector", selectors.SelectSelector)
    slow_sweeps = {"header_timeout": 30.0, "idle_timeout": 30.0, "linger_timeout": 30.0}
    with serving(hello, **slow_sweeps) as server, connect(server, timeout=0.9) as sock:
        reader = Reader(sock)
        for number in range(5):
            sock.sendall(GET % f"/{number}".encode())
            assert reader.response().body.split()[0] == f"/{number}".encode()


def test_a_response_larger_than_the_socket_buffers_arrives_whole_for_a_slow_reader() -> None:
    # The kernel takes only part of it per send: the rest must follow, in order, once
    # the client reads (the partial-send path of Connection.send).
    body = bytes(range(256)) * (8 * 4096)  # 8 MiB, every offset recognisable

    def big(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        start_response("200 OK", [("Content-Type", "application/octet-stream")])
        return [body]

    with serving(big) as server, connect(server, timeout=10) as sock:
        sock.sendall(GET % b"/big")
        time.sleep(0.2)  # let the server fill the buffers and wait for us
        response = Reader(sock).response()
        assert response.status == 200
        assert response.body == body


def test_a_pipeline_longer_than_max_turns_is_answered_whole_and_in_order() -> None:
    # After MAX_TURNS requests the connection queues behind the others (fairness); the
    # rest of its pipeline must survive the trip through the work queue.
    count = server_module.MAX_TURNS * 2 + 7
    with serving(hello) as server:
        raw = b"".join(GET % f"/{number}".encode() for number in range(count))
        bodies = [r.body.split()[0] for r in exchange(server, raw, count)]
        assert bodies == [f"/{number}".encode() for number in range(count)]


def test_a_long_pipeline_lets_a_waiting_client_in_after_each_request() -> None:
    # fuzz_server.py --mode sockets --seed 206: with one worker, a client pipelining 121
    # requests for 320 KiB responses held it for ~10 s (MAX_TURNS of them), and a client
    # that arrived meanwhile got no byte for longer than any timeout. Now a worker hands
    # a pipelining connection back to the queue whenever other connections wait in it.
    handled: list[str] = []
    first_served = threading.Event()

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        handled.append(environ["PATH_INFO"])
        if environ["PATH_INFO"] != "/other":
            first_served.set()
            time.sleep(0.02)  # every pipelined request keeps the only worker a while
        start_response("200 OK", [("Content-Length", "2")])
        return [b"ok"]

    count = 40
    with serving(app, threads=1) as server, connect(server) as pipelining:
        pipelining.sendall(b"".join(GET % f"/{number}".encode() for number in range(count)))
        assert first_served.wait(5)
        with connect(server) as other:
            other.sendall(GET % b"/other")
            assert Reader(other).response().status == 200
        reader = Reader(pipelining)
        assert [reader.response().status for _ in range(count)] == [200] * count
    # Served as soon as the request in progress ended, not after the whole pipeline.
    assert handled.index("/other") <= 5, handled


@pytest.mark.parametrize(("held", "parked"), [(False, 0), (True, 1)])
def test_a_worker_leaves_alone_a_connection_it_queued_again(
    monkeypatch: pytest.MonkeyPatch, held: bool, parked: int
) -> None:
    """Once _serve has put a pipelining connection back in the work queue, another worker
    may serve and park it before this one looks again: parking it a second time would let
    the selector thread and that worker read the same socket (a short request body). Found
    by review with sleeps in place of thread switches; here _serve plays that worker."""
    server = Server(hello, "127.0.0.1", 0, **FAST)
    connection = types.SimpleNamespace(phase=None)
    actions: list[str] = []

    def serve(served: Any, head: Any) -> bool:
        served.phase = server_module.Phase.IDLE  # as the other worker left it
        return held

    monkeypatch.setattr(server, "_serve", serve)
    monkeypatch.setattr(server, "_park", lambda _: actions.append("park"))
    monkeypatch.setattr(server, "_hand_back", lambda _: actions.append("hand back"))
    try:
        server._work.put((connection, None))
        server._work.put(None)
        server._work_loop()
    finally:
        server.shutdown(timeout=1.0)
    assert actions == ["park"] * parked


@pytest.mark.parametrize(
    ("rule", "request_head", "persists"),
    [
        ("HTTP/1.0 closes by default", b"GET / HTTP/1.0\r\n\r\n", False),
        ("HTTP/1.0 keep-alive persists", b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", True),
        ("close in a token list", b"GET / HTTP/1.1\r\nHost: t\r\nConnection: foo, close\r\n\r\n", False),
    ],
)  # fmt: skip
def test_persistence(rule: str, request_head: bytes, persists: bool) -> None:
    with serving(hello) as server, connect(server) as sock:
        sock.sendall(request_head)
        reader = Reader(sock)
        response = reader.response()
        assert response.status == 200
        if persists:
            assert response.header("Connection") == "keep-alive", rule
            sock.sendall(request_head)
            assert reader.response().status == 200
        else:
            assert response.header("Connection") == "close", rule
            assert reader.closed(), rule


def test_chunked_request_and_response_bodies() -> None:
    def streaming_echo(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        data = environ["wsgi.input"].read()
        start_response("200 OK", [])
        return iter([data[:3], data[3:]])

    raw = (
        b"POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"4\r\nWiki\r\n5;ext=1\r\npedia\r\n0\r\nX-Trailer: t\r\n\r\n"
    )
    with serving(streaming_echo) as server:
        response = exchange(server, raw + GET % b"/", 2)[0]
        assert response.header("Transfer-Encoding") == "chunked"
        assert response.body == b"Wikipedia"


def test_unread_body_is_drained_not_parsed_as_a_request() -> None:
    smuggled = GET % b"/smuggled"
    raw = b"POST /ignore HTTP/1.1\r\nHost: t\r\nContent-Length: %d\r\n\r\n" % len(smuggled)
    with serving(hello) as server:
        responses = exchange(server, raw + smuggled + GET % b"/real", 2)
        assert [r.body.split()[0] for r in responses] == [b"/ignore", b"/real"]


@pytest.mark.parametrize(
    ("rule", "version", "reads", "interim", "persists"),
    [
        ("read: 100 then the response", b"1.1", True, True, True),
        ("not read: no 100 and close", b"1.1", False, False, False),
        ("HTTP/1.0: never 100", b"1.0", True, False, False),
    ],
)
def test_expect_100_continue(
    rule: str, version: bytes, reads: bool, interim: bool, persists: bool
) -> None:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        body = environ["wsgi.input"].read() if reads else b""
        start_response("200 OK", [("Content-Length", str(len(body)))])
        return [body]

    head = b"POST / HTTP/" + version + b"\r\nHost: t\r\nExpect: 100-continue\r\n"
    head += b"Content-Length: 5\r\n\r\n"
    with serving(app) as server, connect(server) as sock:
        sock.sendall(head)
        reader = Reader(sock)
        if interim:
            assert reader._take_until(b"\r\n\r\n") == b"HTTP/1.1 100 Continue", rule
        sock.sendall(b"hello")
        response = reader.response()
        assert response.body == (b"hello" if reads else b""), rule
        if persists:
            sock.sendall(GET % b"/")
            assert reader.response().status == 200
        else:
            assert reader.closed(), rule


def test_head_204_304_send_no_body_and_keep_the_connection() -> None:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        status = {"/204": "204 No Content", "/304": "304 Not Modified"}.get(
            environ["PATH_INFO"], "200 OK"
        )
        start_response(status, [("Content-Type", "text/plain")])
        return [b"a body that must not be sent"]

    with serving(app) as server, connect(server) as sock:
        reader = Reader(sock)
        sock.sendall(b"HEAD / HTTP/1.1\r\nHost: t\r\n\r\n")
        head = reader.response(head_request=True)
        assert head.header("Content-Length") == "28"
        for path in (b"/204", b"/304"):
            sock.sendall(GET % path)
            assert reader.response().status == int(path[1:])
        sock.sendall(GET % b"/after")
        assert reader.response().body == b"a body that must not be sent"
        assert reader.buffer == b""


def test_date_header_format() -> None:
    with serving(hello) as server:
        date = exchange(server, GET % b"/")[0].header("Date")
    assert date is not None
    assert re.fullmatch(
        r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT", date
    )


def test_http_client_is_served() -> None:
    with serving(echo) as server:
        connection = http.client.HTTPConnection(*server.server_address, timeout=5)
        try:
            for number in range(3):
                connection.request("POST", "/", body=b"x" * number * 1000)
                response = connection.getresponse()
                assert response.status == 200
                assert response.read() == b"x" * number * 1000
        finally:
            connection.close()


def test_wsgiref_demo_app_and_validated_apps() -> None:
    with serving(wsgiref.simple_server.demo_app) as server:
        response = exchange(server, GET % b"/?a=b")[0]
        assert response.status == 200 and b"Hello world!" in response.body
        assert b"QUERY_STRING = 'a=b'" in response.body
    with serving(wsgiref.validate.validator(hello)) as server:
        for response in exchange(server, GET % b"/1" + GET % b"/2", 2):
            assert response.status == 200


def test_ipv6_loopback() -> None:
    if not socket.has_ipv6:
        pytest.skip("no IPv6")
    try:
        server = Server(hello, "::1", 0, **FAST)
    except OSError:
        pytest.skip("::1 is not configured")
    with server:
        assert server.url.startswith("http://[::1]:")
        with socket.create_connection(server.server_address[:2], timeout=5) as sock:
            sock.sendall(GET % b"/six")
            assert Reader(sock).response().body.startswith(b"/six")


def test_file_wrapper_uses_sendfile() -> None:
    with tempfile.NamedTemporaryFile() as file:
        file.write(os.urandom(200_000))
        file.flush()

        def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
            start_response("200 OK", [("Content-Type", "application/octet-stream")])
            return environ["wsgi.file_wrapper"](open(file.name, "rb"))

        with serving(app) as server:
            response = exchange(server, GET % b"/")[0]
        file.seek(0)
        assert response.body == file.read()
        assert response.header("Content-Length") == "200000"


def test_access_log_in_common_log_format(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="tinyweb.access"), serving(hello) as server:
        exchange(server, GET % b"/logged")
    lines = [r.getMessage() for r in caplog.records if r.name == "tinyweb.access"]
    assert len(lines) == 1
    assert re.fullmatch(r'127\.0\.0\.1 - - \[[^\]]+\] "GET /logged HTTP/1\.1" 200 \d+', lines[0])


def test_access_entry_escapes_quotes() -> None:
    parser = http11.RequestParser()
    parser.feed(b'GET /a"b HTTP/1.1\r\nHost: h\r\n\r\n')
    head = parser.next_event()
    assert isinstance(head, http11.RequestHead)
    line = access_entry(head, gateway.Outcome(200, 5, True, True), {"REMOTE_ADDR": "192.0.2.7"})
    pattern = (
        r'192\.0\.2\.7 - - \[\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d \+0000\] "GET /a\\"b HTTP/1\.1" 200 5'
    )
    assert re.fullmatch(pattern, line), line


@pytest.mark.parametrize(
    ("rule", "environ", "logged"),
    [
        ("an IPv4 peer", {"REMOTE_ADDR": "192.0.2.7"}, "192.0.2.7"),
        ("an IPv6 peer with a zone", {"REMOTE_ADDR": "fe80::1%eth0"}, "fe80::1%eth0"),
        # The app may have rewritten it: nothing that could break the line gets through.
        ("a quote or a newline: -", {"REMOTE_ADDR": '1.2.3.4" 200 0\nforged'}, "-"),
        ("a space: -", {"REMOTE_ADDR": "1.2.3.4 x"}, "-"),
        ("not a string: -", {"REMOTE_ADDR": 1234}, "-"),
        ("removed by the app: -", {}, "-"),
    ],
)  # fmt: skip
def test_access_entry_logs_the_remote_addr_the_app_left(
    rule: str, environ: dict[str, Any], logged: str
) -> None:
    parser = http11.RequestParser()
    parser.feed(b"GET / HTTP/1.1\r\nHost: h\r\n\r\n")
    head = parser.next_event()
    assert isinstance(head, http11.RequestHead)
    line = access_entry(head, gateway.Outcome(200, 5, True, True), environ)
    assert line.split(" - - ")[0] == logged, rule


def test_access_log_shows_the_client_proxy_fix_found(caplog: pytest.LogCaptureFixture) -> None:
    # As in Werkzeug's and gunicorn's logs: the line is written after the app ran, from
    # the environ the app saw, so behind a proxy it names the client, not the proxy.
    app = ProxyFix(hello, x_for=1)
    raw = b"GET /p HTTP/1.1\r\nHost: t\r\nX-Forwarded-For: 203.0.113.7\r\n\r\n"
    with caplog.at_level(logging.INFO, logger="tinyweb.access"), serving(app) as server:
        assert exchange(server, raw)[0].status == 200
    lines = [r.getMessage() for r in caplog.records if r.name == "tinyweb.access"]
    assert len(lines) == 1 and lines[0].startswith("203.0.113.7 - - ["), lines


def test_access_log_can_be_turned_off(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="tinyweb.access"):
        with serving(hello, access_log=False) as server:
            exchange(server, GET % b"/")
    assert not [r for r in caplog.records if r.name == "tinyweb.access"]


# -- application errors ----------------------------------------------------------------


def test_app_error_before_headers_is_500_and_the_server_lives_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ["PATH_INFO"] == "/fail":
            raise ZeroDivisionError("no")
        return hello(environ, start_response)

    with serving(app) as server:
        failed = exchange(server, GET % b"/fail")[0]
        assert failed.status == 500 and failed.header("Connection") == "close"
        assert exchange(server, GET % b"/fine")[0].status == 200
    assert any(r.name == "tinyweb.error" and r.exc_info for r in caplog.records)


def test_app_error_after_headers_closes_the_connection() -> None:
    closed = threading.Event()

    class Body:
        def __iter__(self) -> Iterator[bytes]:
            yield b"partial"
            raise RuntimeError("late failure")

        def close(self) -> None:
            closed.set()

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Body:
        start_response("200 OK", [])
        return Body()

    with serving(app) as server, connect(server) as sock:
        sock.sendall(GET % b"/")
        reader = Reader(sock)
        with pytest.raises(EOFError):
            reader.response()  # the chunked body never ends: truncated, then closed
        assert closed.wait(5)


@pytest.mark.parametrize(
    "headers",
    [
        [("X-Bad", "a\r\nInjected: 1")],
        [("Connection", "keep-alive")],
        [("Transfer-Encoding", "gzip")],
    ],
    ids=["crlf", "connection", "transfer-encoding"],
)
def test_bad_headers_from_the_app_are_500(headers: list[tuple[str, str]]) -> None:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        start_response("200 OK", headers)
        return [b"x"]

    with serving(app) as server:
        response = exchange(server, GET % b"/")[0]
    assert response.status == 500
    assert response.header("Injected") is None


def test_short_content_length_closes_the_connection() -> None:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        start_response("200 OK", [("Content-Length", "10")])
        return iter([b"short"])

    with serving(app) as server, connect(server) as sock:
        sock.sendall(GET % b"/")
        reader = Reader(sock)
        reader._take_until(b"\r\n\r\n")
        assert reader._take(5) == b"short"
        assert reader.closed()


# -- graceful shutdown and serve() -----------------------------------------------------


def test_graceful_shutdown_finishes_the_request_in_flight() -> None:
    entered, release = threading.Event(), threading.Event()

    def slow(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        entered.set()
        release.wait(5)
        start_response("200 OK", [("Content-Length", "4")])
        return [b"done"]

    baseline = threading.active_count()
    server = Server(slow, "127.0.0.1", 0, **FAST).start()
    with connect(server) as busy, connect(server) as idle:
        busy.sendall(GET % b"/")
        assert entered.wait(5)
        stopper = threading.Thread(target=server.shutdown, kwargs={"timeout": 5})
        stopper.start()
        assert Reader(idle).closed()  # idle connections are closed at once
        release.set()
        response = Reader(busy).response()
        stopper.join()
    assert response.body == b"done"
    assert response.header("Connection") == "close"
    with pytest.raises(OSError):
        socket.create_connection(server.server_address[:2], timeout=1).close()
    assert threading.active_count() == baseline


def test_serve_prints_the_url_and_stops_on_sigint() -> None:
    script = (
        "import wsgiref.simple_server, tinyweb.server as s\n"
        "s.serve(wsgiref.simple_server.demo_app, '127.0.0.1', 0)\n"
        "print('stopped', flush=True)\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", script],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert match, line
        with socket.create_connection(("127.0.0.1", int(match.group(1))), timeout=5) as sock:
            sock.sendall(b"GET / HTTP/1.0\r\n\r\n")
            assert Reader(sock).response().status == 200
        process.send_signal(2)  # SIGINT
        out, err = process.communicate(timeout=15)
        assert "stopped" in out, err
        assert process.returncode == 0, err
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()


def test_options_accept_limit_keywords_and_reject_unknown_ones() -> None:
    options = ServerOptions.from_keywords(threads=3, max_body_size=10)
    assert options.threads == 3 and options.limits.max_body_size == 10
    with pytest.raises(TypeError):
        ServerOptions.from_keywords(thread_count=3)


def test_error_page_helper_is_plain_text() -> None:
    raw = gateway.error_response(400, "bad request line")
    assert b"Content-Type: text/plain; charset=utf-8" in raw


def wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


# -- write_with_progress: write_timeout means "no byte for that long", not a rate ----------


class FakeClock:
    """time.monotonic for write_with_progress; each wait advances it."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.waits: list[float] = []

    def wait(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds


def scripted_step(script: list[int | None]) -> Callable[[int], int]:
    """A step that moves the scripted byte counts in turn; None is a full buffer."""
    moves = iter(script)

    def step(done: int) -> int:
        moved = next(moves)
        if moved is None:
            raise BlockingIOError
        return moved

    return step


@pytest.mark.parametrize(
    ("rule", "script", "total", "written", "waits"),
    [
        ("all at once", [10], 10, 10, []),
        ("a full buffer is waited for, then retried", [4, None, 6], 10, 10, [5.0]),
        # The regression: the wait ran out without writability, yet bytes had drained, so
        # the retry moves some; each byte restarts the deadline (fuzz_server finding 3).
        ("slow but steady progress never times out", [1, None, 1, None, 1, None, 1], 4, 4, [5.0] * 3),
        ("a file that ends early stops at what was sent", [3, 0], 10, 3, []),
    ],
)  # fmt: skip
def test_write_with_progress(
    monkeypatch: pytest.MonkeyPatch, rule: str, script: list[int | None], total: int,
    written: int, waits: list[float],
) -> None:  # fmt: skip
    clock = FakeClock()
    monkeypatch.setattr(server_options.time, "monotonic", lambda: clock.now)
    step, pace = scripted_step(script), server_options.Pace(0, 5.0)  # min_rate off
    assert server_options.write_with_progress(total, step, clock.wait, pace) == written, rule
    assert clock.waits == waits, rule


def test_write_with_progress_times_out_after_timeout_without_a_byte(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = FakeClock()
    monkeypatch.setattr(server_options.time, "monotonic", lambda: clock.now)
    step = scripted_step([2, None, None, None])
    with pytest.raises(TimeoutError, match="no progress for 5 s"):
        server_options.write_with_progress(10, step, clock.wait, server_options.Pace(0, 5.0))
    assert clock.waits == [5.0]  # one whole timeout, then the retry that moved nothing
