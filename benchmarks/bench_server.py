"""Benchmark: tinyweb's server against waitress, wsgiref, Werkzeug, gunicorn and a ceiling.

Run from the repository root::

    python benchmarks/bench_server.py              # ~2 minutes
    python benchmarks/bench_server.py --duration 5 --rounds 3

Every server runs the same hello-world WSGI app in its own subprocess, pinned to one CPU
(the load generator, ``wrk``, gets the other), and is loaded with keep-alive connections at
32 and 256 concurrent connections. Servers are measured round-robin and the best round is
kept, because the machine is shared and noisy. The "ceiling" is a canned-response loop in
pure Python (one thread, ``selectors``, no parsing, no WSGI): what a Python server could do
if it did no work at all. "core-only" runs tinyweb's parser and gateway in a bare loop
with the server's thread design and none of its own work (no deadlines, limits or error
handling): tinyweb minus core-only is what the server itself costs, and core-only is the
best any server built on tinyweb's protocol core and this thread design could do.

A second measurement opens 1000 idle keep-alive connections to tinyweb, reports the
server's resident memory, and times one fresh request while they are parked.

Targets (issue 3): >= 3x waitress req/s and >= 0.4x the ceiling at 32 connections; p99 no
worse than waitress; 1000 idle connections under 64 MiB RSS without delaying a new request.
"""

from __future__ import annotations

import argparse
import functools
import os
import re
import resource
import selectors
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from typing import Any, Callable

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HERE = os.path.dirname(os.path.abspath(__file__))
BODY = b"Hello, World!"
THREADS = 8  # worker threads for every threaded server


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """The same hello-world WSGI app for every server."""
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(BODY)))])
    return [BODY]


# -- the servers, each started as `python bench_server.py --serve NAME PORT` --------------


def serve_tinyweb(port: int) -> None:
    from tinyweb.server import Server

    Server(app, "127.0.0.1", port, threads=THREADS, access_log=False, max_connections=4000,
           idle_timeout=60.0).serve_forever()  # fmt: skip


def serve_waitress(port: int) -> None:
    import waitress

    waitress.serve(app, host="127.0.0.1", port=port, threads=THREADS, connection_limit=4000,
                   _quiet=True)  # fmt: skip


def serve_wsgiref(port: int) -> None:
    import wsgiref.simple_server

    class QuietHandler(wsgiref.simple_server.WSGIRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    wsgiref.simple_server.make_server("127.0.0.1", port, app, handler_class=QuietHandler
                                      ).serve_forever()  # fmt: skip


def serve_werkzeug(port: int) -> None:
    import logging

    from werkzeug.serving import run_simple

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    run_simple("127.0.0.1", port, app, threaded=True)


def serve_ceiling(port: int) -> None:
    """A canned response for every request head: no parsing, no WSGI, one thread."""
    response = (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n"
        b"Date: Sun, 06 Nov 1994 08:49:37 GMT\r\nServer: ceiling\r\n\r\n" + BODY
    )
    listener = socket.create_server(("127.0.0.1", port), backlog=4096)
    listener.setblocking(False)
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ)
    pending: dict[socket.socket, bytes] = {}
    while True:
        for key, _ in selector.select():
            sock = key.fileobj
            if sock is listener:
                client, _ = listener.accept()
                client.setblocking(False)
                client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                selector.register(client, selectors.EVENT_READ)
                pending[client] = b""
                continue
            assert isinstance(sock, socket.socket)
            try:
                data = sock.recv(65536)
            except OSError:
                data = b""
            if not data:
                selector.unregister(sock)
                pending.pop(sock, None)
                sock.close()
                continue
            buffered = pending[sock] + data
            count = buffered.count(b"\r\n\r\n")
            pending[sock] = buffered[buffered.rfind(b"\r\n\r\n") + 4 :] if count else buffered
            if count:
                sock.sendall(response * count)


def serve_core_only(port: int) -> None:
    """tinyweb's parser and gateway in a bare loop: what its protocol code costs by itself.

    The same thread design as tinyweb's server (one thread reads and parses, a worker
    runs the WSGI exchange and re-arms the socket with one-shot epoll), with none of the
    server's own work: no deadlines, limits, phases, error handling or shutdown. Linux only.
    Server minus core-only is the server's overhead; core-only is what any server built on
    tinyweb's protocol core and this thread design could reach at best.
    """
    import queue
    import select
    import threading

    from tinyweb import gateway, http11

    listener = socket.create_server(("127.0.0.1", port), backlog=4096)
    listener.setblocking(False)
    poller, one_shot = select.epoll(), select.EPOLLIN | select.EPOLLONESHOT
    poller.register(listener.fileno(), select.EPOLLIN)
    work: queue.SimpleQueue[tuple[Any, ...]] = queue.SimpleQueue()
    clients: dict[int, tuple[socket.socket, http11.RequestParser, gateway.Channel]] = {}
    info = gateway.ConnectionInfo("127.0.0.1", port, "127.0.0.1", 50000)

    def worker() -> None:
        while True:
            sock, parser, channel, head = work.get()
            exchange = gateway.Exchange(head, parser, channel, info)
            if not exchange.run(app).body_complete:
                exchange.body.drain(65536)
            parser.start_next_request()
            poller.modify(sock.fileno(), one_shot)

    for _ in range(THREADS):
        threading.Thread(target=worker, daemon=True).start()
    while True:
        for descriptor, _ in poller.poll():
            if descriptor == listener.fileno():
                client, _ = listener.accept()
                client.setblocking(False)
                client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                channel = gateway.Channel(client.sendall, functools.partial(client.recv, 65536))
                clients[client.fileno()] = (client, http11.RequestParser(), channel)
                poller.register(client.fileno(), one_shot)
                continue
            sock, parser, channel = clients[descriptor]
            try:
                data = sock.recv(65536)
            except OSError:
                data = b""
            if data:
                parser.feed(data)
                head = parser.next_event()
                if isinstance(head, http11.RequestHead):
                    work.put((sock, parser, channel, head))
                    continue
                if head is http11.NEED_DATA:
                    poller.modify(descriptor, one_shot)
                    continue
            poller.unregister(descriptor)
            del clients[descriptor]
            sock.close()


SERVERS: dict[str, Callable[[int], None]] = {
    "tinyweb": serve_tinyweb,
    "waitress": serve_waitress,
    "gunicorn": lambda port: None,  # started through its own command line below
    "werkzeug": serve_werkzeug,
    "wsgiref": serve_wsgiref,
    "core-only": serve_core_only,
    "ceiling": serve_ceiling,
}


SERVER_PYTHON = sys.executable  # --server-python: the interpreter the servers run on


def command_for(name: str, port: int) -> list[str]:
    if name == "gunicorn":
        gunicorn = os.path.join(os.path.dirname(SERVER_PYTHON), "gunicorn")
        return [gunicorn, "-k", "gthread", "--threads", str(THREADS), "-w", "1",
                "--worker-connections", "4000", "--log-level", "error", "--chdir", HERE,
                "-b", f"127.0.0.1:{port}", "bench_server:app"]  # fmt: skip
    return [SERVER_PYTHON, os.path.abspath(__file__), "--serve", name, str(port)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def pin(cpu: int) -> Callable[[], None]:
    def set_affinity() -> None:
        if hasattr(os, "sched_setaffinity") and os.cpu_count() and (os.cpu_count() or 1) > cpu:
            os.sched_setaffinity(0, {cpu})

    return set_affinity


class Running:
    """A server subprocess on a free port, pinned to CPU 1 (``command`` makes its command
    line from the name and the port; bench_wire.py passes its own)."""

    def __init__(self, name: str, command: Callable[[str, int], list[str]] = command_for) -> None:
        self.name = name
        self.port = free_port()
        environment = {**os.environ, "PYTHONPATH": ROOT}
        self.errors = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            command(name, self.port),
            cwd=ROOT,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=self.errors,
            preexec_fn=pin(1),
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        self.stop()
        self.errors.seek(0)
        raise RuntimeError(f"{name} did not start: {self.errors.read().decode()[-2000:]}")

    def rss_kib(self) -> int:
        with open(f"/proc/{self.process.pid}/status") as status:
            match = re.search(r"VmRSS:\s+(\d+) kB", status.read())
        return int(match.group(1)) if match else 0

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.errors.close()


# -- load ----------------------------------------------------------------------------


def run_wrk(port: int, connections: int, duration: int) -> tuple[float, float, int]:
    """(requests per second, p99 latency in ms, error count) from one wrk run."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "5s",
               f"http://127.0.0.1:{port}/"]  # fmt: skip
    output = subprocess.run(
        command, capture_output=True, text=True, timeout=duration + 30, preexec_fn=pin(0)
    ).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", output)
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    errors += int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", output)) else 0
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    latency = float(p99.group(1)) * scale[p99.group(2)] if p99 else float("nan")
    return (float(rate.group(1)) if rate else 0.0), latency, errors


def load_table(names: list[str], duration: int, rounds: int) -> dict[str, float]:
    """Print the req/s table; return the best req/s at 32 connections by server name."""
    results: dict[tuple[str, int], list[tuple[float, float, int]]] = {}
    for round_number in range(rounds):
        for name in names:
            server = Running(name)
            try:
                for connections in (32, 256):
                    run_wrk(server.port, connections, 1)  # warm up
                    outcome = run_wrk(server.port, connections, duration)
                    results.setdefault((name, connections), []).append(outcome)
            finally:
                server.stop()
        print(f"  round {round_number + 1}/{rounds} done", flush=True)
    for connections in (32, 256):
        best = {name: max(results[(name, connections)]) for name in names}
        waitress = best.get("waitress", (0.0, 0.0, 0))
        ceiling = best.get("ceiling", (0.0, 0.0, 0))
        print(f"\n{connections} keep-alive connections, best of {rounds} x {duration:g} s")
        header = f"{'server':<10} {'req/s':>9} {'p99 ms':>8} {'errors':>7} {'x waitress':>11} {'x ceiling':>10}"
        print(header)
        print("-" * len(header))
        for name in names:
            rate, p99, errors = best[name]
            versus_waitress = rate / waitress[0] if waitress[0] else float("nan")
            versus_ceiling = rate / ceiling[0] if ceiling[0] else float("nan")
            print(f"{name:<10} {rate:>9.0f} {p99:>8.2f} {errors:>7} {versus_waitress:>11.2f} "
                  f"{versus_ceiling:>10.2f}")  # fmt: skip
    return {name: max(results[(name, 32)])[0] for name in names}


# -- the cost of one request without sockets -----------------------------------------


def sans_io_microseconds(rounds: int = 7, count: int = 20000) -> float:
    """Best-of-rounds CPU microseconds for one keep-alive request without any socket:
    tinyweb's parser, gateway and the app, as the server runs them (on CPU 1, as above).
    No server can beat 1e6 / this many requests per second on one CPU."""
    from tinyweb import gateway, http11

    request = b"GET / HTTP/1.1\r\nHost: 127.0.0.1:8000\r\nUser-Agent: wrk\r\n\r\n"
    sent: list[bytes] = []
    channel = gateway.Channel(sent.append, lambda: b"")
    info = gateway.ConnectionInfo("127.0.0.1", 8000, "127.0.0.1", 50000)
    parser = http11.RequestParser(http11.Limits())
    affinity = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    pin(1)()
    try:
        best = float("inf")
        for _ in range(rounds):
            started = time.process_time()
            for _ in range(count):
                parser.feed(request)
                head = parser.next_event()
                assert isinstance(head, http11.RequestHead)
                exchange = gateway.Exchange(head, parser, channel, info, lambda: True)
                if not exchange.run(app).body_complete:
                    exchange.body.drain(1024)
                parser.start_next_request()
                sent.clear()
            best = min(best, (time.process_time() - started) / count)
    finally:
        if affinity is not None:
            os.sched_setaffinity(0, affinity)
    return best * 1e6


# -- idle connections ----------------------------------------------------------------


def fresh_request_ms(port: int, request: bytes) -> float:
    started = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as fresh:
        fresh.sendall(request)
        received = b""
        while not received.endswith(BODY):
            received += fresh.recv(4096)
    return (time.perf_counter() - started) * 1000


def idle_connections(name: str, count: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = min(hard, count + 256)
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    server = Running(name)
    clients: list[socket.socket] = []
    try:
        before = server.rss_kib()
        request = b"GET / HTTP/1.1\r\nHost: bench\r\n\r\n"
        for _ in range(count):
            sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
            sock.sendall(request)
            clients.append(sock)
        for sock in clients:
            received = b""
            while not received.endswith(BODY):
                received += sock.recv(4096)
        time.sleep(0.5)
        after = server.rss_kib()
        timings = sorted(fresh_request_ms(server.port, request) for _ in range(5))
        print(f"{name:<10} RSS {before / 1024:6.1f} MiB -> {after / 1024:6.1f} MiB with "
              f"{count} idle keep-alive connections; a fresh request (connect + answer) took "
              f"{timings[2]:.1f} ms (median of 5)")  # fmt: skip
    finally:
        for sock in clients:
            sock.close()
        server.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--serve", nargs=2, metavar=("NAME", "PORT"), help=argparse.SUPPRESS)
    parser.add_argument("--duration", type=int, default=3, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=2, help="round-robin repetitions")
    parser.add_argument("--only", nargs="*", default=list(SERVERS), choices=list(SERVERS))
    parser.add_argument(
        "--server-python",
        default=sys.executable,
        help="run the servers on this interpreter (it needs the peers in --only installed)",
    )
    arguments = parser.parse_args()
    global SERVER_PYTHON
    SERVER_PYTHON = arguments.server_python
    if arguments.serve:
        name, port = arguments.serve
        SERVERS[name](int(port))
        return 0
    if shutil.which("wrk") is None:
        print("wrk is not installed (Debian/Ubuntu: apt-get install wrk); cannot benchmark.")
        return 0
    version = subprocess.run(
        [SERVER_PYTHON, "-c", "import sys; print(sys.version.split()[0])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    print(f"bench_server: {os.cpu_count()} CPUs; servers pinned to CPU 1, wrk to CPU 0; "
          f"{THREADS} worker threads where configurable; servers on Python {version}")  # fmt: skip
    rates = load_table(arguments.only, arguments.duration, arguments.rounds)
    print()
    cost = sans_io_microseconds()
    bound = 1e6 / cost
    versus = f" = {bound / rates['ceiling']:.2f}x the ceiling" if rates.get("ceiling") else ""
    print(f"tinyweb without sockets (parse + gateway + app, one CPU): {cost:.1f} us per request, "
          f"so at most {bound:,.0f} req/s{versus} even if I/O and threads cost nothing")  # fmt: skip
    if rates.get("ceiling"):
        # One thread that does the ceiling's socket work (its whole cost per request) plus
        # tinyweb's parsing and WSGI call, and nothing else: no handoff, no deadlines.
        io_cost = 1e6 / rates["ceiling"]
        single = 1e6 / (cost + io_cost)
        print(f"with the ceiling's own socket cost ({io_cost:.1f} us per request) added, one thread "
              f"doing nothing else could reach {single:,.0f} req/s = "
              f"{single / rates['ceiling']:.2f}x the ceiling")  # fmt: skip
    print()
    for name in ("tinyweb", "waitress"):
        if name in arguments.only:
            idle_connections(name, 1000)
    return 0


if __name__ == "__main__":
    sys.exit(main())
