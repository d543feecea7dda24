"""tinyweb's threaded HTTP/1.1 server: sockets, one selector thread, a pool of workers.

Where it fits: this is the only module that touches ``socket``, ``selectors`` and
``threading``. ``http11.RequestParser`` turns bytes into events; ``gateway.Exchange`` turns a
request head into a WSGI call and frames the response. ``serve()`` and ``Server`` are the
public entry points (``App.run()`` and the CLI call them).

How a connection lives (HTTP.md "Connections"):

1. The selector thread accepts it, makes it non-blocking and parks it in the selector.
   Bytes that arrive are fed to its parser. Nothing else runs on this thread, so a slow or
   idle client costs a file descriptor and a few kilobytes, never a thread.
2. Once the parser yields a complete ``RequestHead``, the connection leaves the selector and
   goes to the worker queue. A worker runs the application with blocking socket calls that
   have timeouts: a slow reader applies backpressure to the app instead of growing memory.
3. Afterwards the worker serves a pipelined request that is already buffered, or hands the
   connection back to the selector (waking it through a socket pair), or closes it.

Rules:
1. Only complete request heads reach a worker (slowloris-proof: the header deadline is
   total, not per read, and is enforced by the selector thread).
2. Everything is bounded: open connections (beyond the cap we stop accepting), the worker
   queue (each connection is in it at most once, so it never exceeds the cap), header
   section time, idle keep-alive time, body progress time, write time, drain bytes.
3. A server-made error always closes the connection, with a lingering close so the
   client reads the response instead of a reset (RFC 9112 §9.6).
4. Shutdown is graceful: stop accepting, close idle connections, let requests in flight
   finish within a grace period, then join every thread.

Spec references: RFC 9112 §9 (connection management), PEP 3333, ``/work/shared/HTTP.md``.
"""

from __future__ import annotations

import enum
import logging
import queue
import selectors
import signal
import socket
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field, fields
from types import FrameType, TracebackType
from typing import IO, Any, Optional

from . import gateway, http11

access_log = logging.getLogger("tinyweb.access")
error_log = logging.getLogger("tinyweb.error")

RECEIVE_SIZE = 65536
MAX_TURNS = 100  # requests a worker serves on one connection before it queues again


@dataclass(frozen=True)
class ServerOptions:
    """Every knob of the server in one place (defaults from HTTP.md "Limits and timeouts").

    ``Server`` and ``serve`` also accept these as keywords, and the fields of
    ``http11.Limits`` too (``max_body_size=1024`` builds the ``limits`` for you)::

        Server(app, port=0, threads=4, header_timeout=2.0, max_body_size=1 << 20)
    """

    threads: int = 16  # worker threads running the application
    max_connections: int = 1000  # open connections; beyond it we stop accepting
    limits: http11.Limits = field(default_factory=http11.Limits)
    header_timeout: float = 10.0  # the whole head must arrive within this (total)
    idle_timeout: float = 5.0  # a keep-alive connection may wait this long for a request
    body_timeout: float = 30.0  # a read of the request body may wait this long for bytes
    write_timeout: float = 30.0  # one send to the client may take this long
    drain_size: int = 1024 * 1024  # unread body bytes discarded to keep a connection
    drain_timeout: float = 2.0  # ... waiting at most this long per read
    linger_timeout: float = 2.0  # after an error: how long to read and discard input
    shutdown_timeout: float = 10.0  # grace period for requests in flight
    backlog: int = 1024  # the kernel's queue of not yet accepted connections
    access_log: bool = True  # Common Log Format lines to the "tinyweb.access" logger

    @classmethod
    def from_keywords(cls, **options: Any) -> ServerOptions:
        """Build options from keywords that name fields of this class or of ``Limits``.

        Example: ``ServerOptions.from_keywords(threads=4, max_field_count=50)``.
        """
        own = {item.name for item in fields(cls)}
        limit_names = {item.name for item in fields(http11.Limits)}
        limit_values = {name: options.pop(name) for name in list(options) if name in limit_names}
        unknown = set(options) - own
        if unknown:
            raise TypeError(f"unknown server option(s): {', '.join(sorted(unknown))}")
        if limit_values:
            base = options.get("limits", http11.Limits())
            values = {item.name: getattr(base, item.name) for item in fields(http11.Limits)}
            values.update(limit_values)
            options["limits"] = http11.Limits(**values)
        return cls(**options)


class Phase(enum.Enum):
    """Where a connection is in its life; the selector thread acts on it."""

    HEAD = "receiving a request head"  # header deadline running
    IDLE = "parked between requests"  # idle deadline running
    WORKER = "owned by a worker"  # not in the selector at all
    LINGER = "closing: write side shut, discarding input"
    CLOSED = "closed"


class Connection:
    """One client connection: its socket, parser, phase and current deadline."""

    __slots__ = "channel deadline info parser phase read_timeout socket write_timeout".split(" ")

    def __init__(self, sock: socket.socket, info: gateway.ConnectionInfo, options: ServerOptions):
        """Wrap an accepted, non-blocking socket."""
        self.socket = sock
        self.parser = http11.RequestParser(options.limits)
        self.read_timeout = options.body_timeout  # the drain shortens it for a while
        self.write_timeout = options.write_timeout
        self.info = info
        self.phase = Phase.HEAD
        self.deadline = 0.0
        self.channel = gateway.Channel(self.send, self.receive, self.sendfile)

    # The socket stays non-blocking for its whole life. Workers try the system call first
    # and wait (with a timeout) only when the kernel says EAGAIN. A socket with a Python
    # timeout would instead poll before *every* send and recv. Dropping that poll and the
    # settimeout switches, plus parking from the worker, took bench_server from ~1.45x to
    # ~1.75x waitress's req/s at 32 connections.

    def send(self, data: bytes) -> None:
        """Send all of ``data``, waiting at most ``write_timeout`` whenever the client stalls."""
        view = memoryview(data)
        while view:
            try:
                view = view[self.socket.send(view) :]
            except BlockingIOError:
                _wait_for(self.socket, selectors.EVENT_WRITE, self.write_timeout)

    def receive(self) -> bytes:
        """The next bytes of the request body; ``TimeoutError`` after ``read_timeout``."""
        while True:
            try:
                return self.socket.recv(RECEIVE_SIZE)
            except BlockingIOError:
                _wait_for(self.socket, selectors.EVENT_READ, self.read_timeout)

    def sendfile(self, file: IO[bytes], offset: int, count: int) -> int:
        """Copy ``count`` bytes of ``file`` from ``offset`` to the client (``os.sendfile``)."""
        self.socket.settimeout(self.write_timeout)  # socket.sendfile refuses non-blocking
        try:
            return self.socket.sendfile(file, offset, count)
        finally:
            self.socket.setblocking(False)

    def close(self) -> None:
        """Close the socket (idempotent)."""
        self.phase = Phase.CLOSED
        try:
            self.socket.close()
        except OSError:
            pass


class Server:
    """A threaded HTTP/1.1 server for any WSGI application.

    Example::

        with Server(app, "127.0.0.1", 0, threads=4) as server:
            host, port = server.server_address
            ...  # talk to http://127.0.0.1:{port}/
        # leaving the block shuts it down gracefully

    ``serve_forever()`` blocks; ``start()`` runs it in a background thread and returns once
    the server is listening; ``shutdown(timeout)`` stops it gracefully from any thread.
    """

    def __init__(
        self,
        app: gateway.WSGIApplication,
        host: str = "127.0.0.1",
        port: int = 8000,
        options: ServerOptions | None = None,
        **keywords: Any,
    ) -> None:
        """Bind and listen now (so ``server_address`` is known); serve later."""
        self.app = app
        self.options = options or ServerOptions.from_keywords(**keywords)
        self._listener = _listen(host, port, self.options.backlog)
        self.server_address: tuple[str, int] = self._listener.getsockname()[:2]
        self._selector = selectors.DefaultSelector()
        self._wake_reader, self._wake_writer = socket.socketpair()
        self._wake_reader.setblocking(False)
        self._wake_writer.setblocking(False)
        self._connections: set[Connection] = set()  # owned by the selector thread
        self._returned: deque[Connection] = deque()  # workers -> selector thread
        self._work: queue.SimpleQueue[Optional[tuple[Connection, http11.RequestHead]]]
        self._work = queue.SimpleQueue()
        self._workers: list[threading.Thread] = []
        self._wake_pending = False  # a wake-up byte is on its way to the selector thread
        self._accepting = False
        self._stopping = False
        self._grace_deadline = 0.0
        self._ready = threading.Event()
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None
        self._sweep_interval = _sweep_interval(self.options)
        self._next_sweep = 0.0
        self._closed = False

    # -- lifecycle ---------------------------------------------------------------------

    def serve_forever(self) -> None:
        """Serve until ``shutdown()`` (or a signal, under ``serve()``); then clean up."""
        try:
            self._start_workers()
            self._selector.register(self._wake_reader, selectors.EVENT_READ, None)
            self._resume_accepting()
            self._ready.set()
            while not self._stopping:
                self._run_once(self._sweep_interval)
            self._finish()
        finally:
            self._close_everything()
            self._ready.set()
            self._stopped.set()

    def start(self) -> Server:
        """Serve in a background thread; return once the server is listening.

        Example: ``server = Server(app, port=0).start()``.
        """
        self._thread = threading.Thread(
            target=self.serve_forever, name=f"tinyweb-selector-{self.server_address[1]}"
        )
        self._thread.start()
        self._ready.wait()
        return self

    def shutdown(self, timeout: float | None = None) -> None:
        """Stop gracefully: requests in flight get ``timeout`` seconds to finish.

        Blocks until every thread has been joined. Safe to call more than once.
        """
        self.request_shutdown(timeout)
        if self._thread is not None:
            self._thread.join()
        elif self._ready.is_set():
            self._stopped.wait()
        else:
            self._close_everything()

    def request_shutdown(self, timeout: float | None = None) -> None:
        """Ask the server to stop, without waiting (safe from a signal handler)."""
        if not self._stopping:
            grace = self.options.shutdown_timeout if timeout is None else timeout
            self._grace_deadline = time.monotonic() + grace
            self._stopping = True
        self._wake()

    def __enter__(self) -> Server:
        """Start serving in the background."""
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Shut down gracefully."""
        self.shutdown()

    @property
    def url(self) -> str:
        """The server's base URL, e.g. ``http://127.0.0.1:8000/`` or ``http://[::1]:8000/``."""
        host, port = self.server_address
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{port}/"

    def _start_workers(self) -> None:
        for number in range(self.options.threads):
            worker = threading.Thread(
                target=self._work_loop, name=f"tinyweb-worker-{number}", daemon=True
            )
            worker.start()
            self._workers.append(worker)

    # -- the selector thread -----------------------------------------------------------

    def _run_once(self, timeout: float) -> None:
        for key, _ in self._selector.select(timeout):
            connection = key.data
            if connection is None:
                self._drain_wake_socket()
            elif connection == "listener":
                self._accept()
            else:
                self._on_readable(connection)
        self._take_back_returned()
        now = time.monotonic()
        if now >= self._next_sweep:
            self._sweep(now)

    def _accept(self) -> None:
        for _ in range(64):  # a batch, then let parked connections have their turn
            if len(self._connections) >= self.options.max_connections:
                self._pause_accepting()
                return
            try:
                sock, address = self._listener.accept()
            except (BlockingIOError, InterruptedError, ConnectionAbortedError):
                return
            except OSError as error:  # EMFILE and friends: back off until the next sweep
                error_log.warning("accept failed: %s; pausing accepts", error)
                self._pause_accepting()
                return
            self._adopt(sock, address)

    def _adopt(self, sock: socket.socket, address: Any) -> None:
        sock.setblocking(False)
        if sock.family != socket.AF_UNIX:
            # Responses are written whole; Nagle would only delay the last segment.
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        host, port = self.server_address
        info = gateway.ConnectionInfo(host, port, str(address[0]), int(address[1]))
        connection = Connection(sock, info, self.options)
        connection.deadline = time.monotonic() + self.options.header_timeout
        self._connections.add(connection)
        self._selector.register(sock, selectors.EVENT_READ, connection)

    def _pause_accepting(self) -> None:
        if self._accepting:
            self._selector.unregister(self._listener)
            self._accepting = False

    def _resume_accepting(self) -> None:
        if not self._accepting and not self._stopping:
            self._selector.register(self._listener, selectors.EVENT_READ, "listener")
            self._accepting = True

    def _on_readable(self, connection: Connection) -> None:
        try:
            data = connection.socket.recv(RECEIVE_SIZE)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            self._discard(connection)
            return
        if connection.phase is Phase.LINGER:
            if not data:
                self._discard(connection)
            return
        if connection.phase is Phase.IDLE:
            # The head's deadline is total from its first byte (slowloris, HTTP.md).
            connection.phase = Phase.HEAD
            connection.deadline = time.monotonic() + self.options.header_timeout
        connection.parser.feed(data)
        self._advance(connection)

    def _advance(self, connection: Connection) -> None:
        """Look for a complete head; dispatch it, refuse bad input, or keep waiting."""
        try:
            event = connection.parser.next_event()
        except http11.ProtocolError as error:
            self._refuse(connection, error.status, error.reason)
            return
        if isinstance(event, http11.RequestHead):
            self._selector.unregister(connection.socket)
            connection.phase = Phase.WORKER
            self._work.put((connection, event))
        elif isinstance(event, http11.ConnectionClosed) or connection.parser.peer_closed:
            self._discard(connection)

    def _refuse(self, connection: Connection, status: int, reason: str) -> None:
        """Answer a server-made error without blocking, then close lingeringly."""
        _send_nowait(connection, gateway.error_response(status, reason))
        self._start_lingering(connection)

    def _start_lingering(self, connection: Connection) -> None:
        try:
            connection.socket.shutdown(socket.SHUT_WR)
        except OSError:
            self._discard(connection)
            return
        connection.phase = Phase.LINGER
        connection.deadline = time.monotonic() + self.options.linger_timeout

    def _discard(self, connection: Connection) -> None:
        """Forget and close a connection the selector thread owns."""
        if connection.phase is not Phase.WORKER and connection.phase is not Phase.CLOSED:
            try:
                self._selector.unregister(connection.socket)
            except (KeyError, ValueError):
                pass
        connection.close()
        self._connections.discard(connection)
        if not self._accepting and len(self._connections) < self.options.max_connections:
            self._resume_accepting()

    def _take_back_returned(self) -> None:
        """Forget (or linger on) connections the workers are done with."""
        self._wake_pending = False
        while self._returned:
            connection = self._returned.popleft()
            if connection.phase is not Phase.LINGER or self._stopping:
                self._discard(connection)
                continue
            connection.deadline = time.monotonic() + self.options.linger_timeout
            self._selector.register(connection.socket, selectors.EVENT_READ, connection)

    def _sweep(self, now: float) -> None:
        """Close connections past their deadline (header, idle or linger)."""
        self._next_sweep = now + self._sweep_interval
        for connection in [c for c in self._connections if c.phase is not Phase.WORKER]:
            if connection.deadline > now:
                continue
            if connection.phase is Phase.HEAD:
                # RFC 9110 §15.5.9: 408 tells a well-behaved but slow client what happened;
                # no lingering for a client this slow.
                _send_nowait(connection, gateway.error_response(408, "request head timed out"))
            self._discard(connection)
        self._resume_accepting()

    def _wake(self) -> None:
        self._wake_pending = True
        try:
            self._wake_writer.send(b"\0")
        except OSError:
            pass  # the pipe is full (a wake-up is already pending) or closed

    def _drain_wake_socket(self) -> None:
        try:
            while self._wake_reader.recv(4096):
                pass
        except OSError:
            pass

    # -- worker threads ----------------------------------------------------------------

    def _work_loop(self) -> None:
        while True:
            item = self._work.get()
            if item is None:
                return
            connection, head = item
            try:
                self._serve(connection, head)
                if connection.phase in (Phase.IDLE, Phase.HEAD) and self._park(connection):
                    continue
            except BaseException:  # a bug here must not kill the worker or leak the socket
                error_log.exception("internal error while serving a connection")
                connection.close()
            self._returned.append(connection)  # closed or lingering: the selector's business
            if not self._wake_pending:
                self._wake()

    def _park(self, connection: Connection) -> bool:
        """Give a keep-alive connection back to the selector, from the worker thread.

        Registering here (epoll is thread-safe, and the selector's key table is a dict
        guarded by the GIL) spares the selector thread a wake-up per request. False if the
        server is stopping: the connection is closed and the selector must forget it.
        """
        if not self._stopping:
            try:
                self._selector.register(connection.socket, selectors.EVENT_READ, connection)
                return True
            except (KeyError, ValueError, OSError):  # closed under us by shutdown
                pass
        connection.close()
        return False

    def _serve(self, connection: Connection, head: http11.RequestHead) -> None:
        """Run exchanges on this connection until it must go back to the selector."""
        options = self.options
        for turn in range(1, sys.maxsize):
            exchange = gateway.Exchange(
                head, connection.parser, connection.channel, connection.info, self._is_running
            )
            outcome = exchange.run(self.app)
            if options.access_log and access_log.isEnabledFor(logging.INFO):
                access_log.info(access_entry(exchange.head, outcome, connection.info.remote_addr))
            if not outcome.keep_alive or self._stopping:
                self._close_after(connection, outcome)
                return
            if not outcome.body_complete and not self._drain(connection, exchange):
                self._linger(connection)  # the rest of the body is too big or too slow
                return
            # Fairness: after a while, a busy connection queues behind the others again.
            next_head = self._next_pipelined(connection, read_ahead=turn < MAX_TURNS)
            if next_head is None:
                return
            head = next_head

    def _is_running(self) -> bool:
        return not self._stopping

    def _drain(self, connection: Connection, exchange: gateway.Exchange) -> bool:
        connection.read_timeout = self.options.drain_timeout
        finished = exchange.body.drain(self.options.drain_size)
        connection.read_timeout = self.options.body_timeout
        return finished

    def _next_pipelined(
        self, connection: Connection, read_ahead: bool
    ) -> Optional[http11.RequestHead]:
        """The next request head if it is already here; else park the connection."""
        parser = connection.parser
        parser.start_next_request()
        if read_ahead and not parser.has_buffered_data and not parser.peer_closed:
            # Fast path: the next request may already sit in the socket. One non-blocking
            # read is far cheaper than parking the connection and waking the selector
            # thread (two thread switches, two epoll_ctl calls).
            try:
                parser.feed(connection.socket.recv(RECEIVE_SIZE))
            except (BlockingIOError, InterruptedError):
                pass
            except OSError:
                connection.close()
                return None
        if parser.has_buffered_data or parser.peer_closed:
            try:
                event = parser.next_event()
            except http11.ProtocolError as error:
                self._send_error_and_linger(connection, error.status, error.reason)
                return None
            if isinstance(event, http11.RequestHead):
                return event
            if isinstance(event, http11.ConnectionClosed) or parser.peer_closed:
                connection.close()
                return None
            # Part of a head: the selector waits for the rest, from now on (the deadline
            # is set before the phase, which the selector thread reads).
            connection.deadline = time.monotonic() + self.options.header_timeout
            connection.phase = Phase.HEAD
            return None
        connection.deadline = time.monotonic() + self.options.idle_timeout
        connection.phase = Phase.IDLE
        return None

    def _close_after(self, connection: Connection, outcome: gateway.Outcome) -> None:
        """Close after a response; linger if the client may still be sending."""
        unread = not outcome.body_complete or connection.parser.has_buffered_data
        if unread or outcome.status >= 400:
            self._linger(connection)
        else:
            connection.close()

    def _send_error_and_linger(self, connection: Connection, status: int, reason: str) -> None:
        try:
            connection.send(gateway.error_response(status, reason))
        except OSError:
            connection.close()
            return
        self._linger(connection)

    def _linger(self, connection: Connection) -> None:
        """Shut our write side; the selector thread discards input until EOF or deadline."""
        try:
            connection.socket.shutdown(socket.SHUT_WR)
            connection.phase = Phase.LINGER
        except OSError:
            connection.close()

    # -- shutdown ----------------------------------------------------------------------

    def _finish(self) -> None:
        """Graceful part of shutdown: let workers finish within the grace period."""
        self._pause_accepting()
        for connection in list(self._connections):
            if connection.phase is not Phase.WORKER:
                self._discard(connection)
        while self._in_flight() and time.monotonic() < self._grace_deadline:
            self._run_once(min(0.05, max(self._grace_deadline - time.monotonic(), 0.0)))
        for connection in list(self._connections):  # past the grace period: cut them off
            try:
                connection.socket.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def _in_flight(self) -> int:
        return sum(1 for connection in self._connections if connection.phase is Phase.WORKER)

    def _close_everything(self) -> None:
        """Join workers and close every socket; idempotent."""
        if self._closed:
            return
        self._closed = True
        for _ in self._workers:
            self._work.put(None)
        for worker in self._workers:
            worker.join(timeout=max(self.options.write_timeout, 1.0))
            if worker.is_alive():
                error_log.warning("%s did not finish; abandoning it", worker.name)
        self._workers.clear()
        while self._returned:
            self._returned.popleft().close()
        for connection in list(self._connections):
            connection.close()
        self._connections.clear()
        for closable in (self._listener, self._wake_reader, self._wake_writer):
            closable.close()
        self._selector.close()


def access_entry(head: http11.RequestHead, outcome: gateway.Outcome, remote_addr: str) -> str:
    """One line of the Common Log Format for an exchange.

    Example: ``127.0.0.1 - - [06/Nov/1994:08:49:37 +0000] "GET / HTTP/1.1" 200 12``.
    """
    when = time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime())
    request_line = b" ".join((head.method, head.target, b"HTTP/" + head.version))
    # The parser admits no control bytes in these, but a quote would break the format.
    text = request_line.decode("latin-1").replace("\\", "\\\\").replace('"', '\\"')
    size = str(outcome.body_bytes) if outcome.body_bytes else "-"
    status = str(outcome.status) if outcome.status else "-"
    return f'{remote_addr} - - [{when}] "{text}" {status} {size}'


def _wait_for(sock: socket.socket, event: int, timeout: float) -> None:
    """Block until ``sock`` is ready for ``event``; raise ``TimeoutError`` after ``timeout``."""
    with selectors.DefaultSelector() as selector:
        selector.register(sock, event)
        if not selector.select(timeout):
            raise TimeoutError(f"no progress for {timeout:g} s")


def _send_nowait(connection: Connection, data: bytes) -> None:
    """Best-effort send on a non-blocking socket (for short server-made errors)."""
    try:
        connection.socket.send(data)
    except OSError:
        pass  # a full buffer or a gone client: closing is all that is left


def _listen(host: str, port: int, backlog: int) -> socket.socket:
    """A listening TCP socket for ``host`` (IPv4 or IPv6) and ``port`` (0: any free port)."""
    family, kind, protocol, _, address = socket.getaddrinfo(
        host, port, socket.AF_UNSPEC, socket.SOCK_STREAM, 0, socket.AI_PASSIVE
    )[0]
    listener = socket.socket(family, kind, protocol)
    try:
        if sys.platform != "win32":  # restart without waiting out TIME_WAIT
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(address)
        listener.listen(backlog)
        listener.setblocking(False)
    except BaseException:
        listener.close()
        raise
    return listener


def _sweep_interval(options: ServerOptions) -> float:
    """How often deadlines are checked: a fraction of the shortest timeout, 10 ms..1 s."""
    shortest = min(options.header_timeout, options.idle_timeout, options.linger_timeout)
    return min(max(shortest / 4, 0.01), 1.0)


def serve(
    app: gateway.WSGIApplication, host: str = "127.0.0.1", port: int = 8000, **options: Any
) -> None:
    """Serve ``app`` until SIGINT or SIGTERM, then shut down gracefully.

    Prints one line with the URL. Example::

        from tinyweb import serve
        serve(my_wsgi_app, port=8080, threads=8)
    """
    server = Server(app, host, port, **options)
    _configure_logging()
    previous = _install_signal_handlers(server)
    print(f"tinyweb serving {server.url} (press Ctrl+C to quit)", flush=True)
    try:
        server.serve_forever()
    finally:
        for signal_number, handler in previous.items():
            signal.signal(signal_number, handler)


def _install_signal_handlers(server: Server) -> dict[int, Any]:
    if threading.current_thread() is not threading.main_thread():
        return {}  # signals are delivered to the main thread only

    def stop(signal_number: int, frame: FrameType | None) -> None:
        server.request_shutdown()

    previous: dict[int, Any] = {}
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        previous[signal_number] = signal.signal(signal_number, stop)
    return previous


def _configure_logging() -> None:
    """Show tinyweb's logs on stderr unless the application configured logging itself."""
    package_log = logging.getLogger("tinyweb")
    if package_log.handlers or logging.getLogger().handlers:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    package_log.addHandler(handler)
    package_log.setLevel(logging.INFO)
