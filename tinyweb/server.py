"""tinyweb's threaded HTTP/1.1 server: sockets, one selector thread, a pool of workers.

Where it fits: this is the only module that touches ``socket``, ``selectors`` and
``threading``. ``http11.RequestParser`` turns bytes into events; ``gateway.Exchange`` turns a
request head into a WSGI call and frames the response. ``serve()`` and ``Server`` are the
public entry points (``App.run()`` and the CLI call them).

How a connection lives (HTTP.md "Connections"):

1. The selector thread accepts it, makes it non-blocking and parks (*arms*) it in its
   ``Poller``. Bytes that arrive are fed to its parser. Nothing else runs on this thread,
   so a slow or idle client costs a file descriptor and a few kilobytes, never a thread.
2. Once the parser yields a complete ``RequestHead``, the connection goes to the worker
   queue. A worker runs the application with socket calls that wait (with timeouts) only
   when the kernel says so: a slow reader applies backpressure instead of growing memory.
3. Afterwards the worker serves a pipelined request that is already buffered, or re-arms
   the connection in the poller itself, or hands it back to the selector thread (waking
   it through a socket pair) to be closed or to linger.

Rules:
1. Only complete request heads reach a worker (slowloris-proof: the header deadline is
   total, not per read, and is enforced by the selector thread).
2. Everything is bounded: open connections (beyond the cap we stop accepting), the worker
   queue (each connection is in it at most once, so it never exceeds the cap), header
   section time, idle keep-alive time, body progress time, write time, drain bytes,
   and the time a worker waits on a client per byte it moves (``min_rate``, ``Pace``).
3. A server-made error always closes the connection. Every close after a response is a
   lingering close, so the client reads the response instead of a reset (RFC 9112 §9.6).
4. Shutdown is graceful: stop accepting, close idle connections, let requests in flight
   finish within a grace period, then join every thread.

Spec references: RFC 9112 §9 (connection management), PEP 3333, ``/work/shared/HTTP.md``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import select
import selectors
import signal
import socket
import sys
import threading
import time
from collections import deque
from types import FrameType
from typing import IO, Any, Callable, Optional

from . import gateway, http11
from .server_options import Pace, ServerOptions, access_entry, configure_logging, sweep_interval
from .server_options import write_with_progress as _write_with_progress

access_log = logging.getLogger("tinyweb.access")
error_log = logging.getLogger("tinyweb.error")

RECEIVE_SIZE = 65536
MAX_TURNS = 100  # pipelined requests a worker serves in a row, even if nobody else waits
ONE_SHOT_EPOLL = hasattr(select, "epoll")  # Linux; the tests switch it off to try the fallback
LISTENER = "listener"  # what the poller reports for the listening socket (None: the wake-up)


class Phase:
    """Where a connection is in its life; the selector thread acts on it.

    Plain string constants rather than an ``enum.Enum``: they are read about seven times
    per request, and an Enum member lookup through its class is Python code on CPython
    3.11 (~0.18 µs, against ~0.03 µs for a class attribute).
    """

    HEAD = "receiving a request head"  # header deadline running
    IDLE = "parked between requests"  # idle deadline running
    WORKER = "owned by a worker"  # not in the poller at all
    LINGER = "closing: write side shut, discarding input"
    CLOSED = "closed"


class Connection:
    """One client connection: its socket, parser, phase and current deadline."""

    __slots__ = "busy channel deadline fileno info parser phase reading socket writing".split()

    def __init__(self, sock: socket.socket, info: gateway.ConnectionInfo, options: ServerOptions):
        """Wrap an accepted, non-blocking socket."""
        self.socket = sock
        self.fileno = sock.fileno()  # still known after close(), for Poller.forget
        self.parser = http11.RequestParser(options.limits)
        self.reading = Pace(options.min_rate, options.body_timeout)  # min_rate, per direction
        self.writing = Pace(options.min_rate, options.write_timeout)
        self.info = info
        self.phase = Phase.HEAD
        self.deadline = 0.0
        self.busy = True  # held by a thread, not armed in the poller (Server._claim)
        sendfile = self.sendfile if hasattr(os, "sendfile") else None  # not on Windows
        self.channel = gateway.Channel(self.send, self.receive, sendfile)

    # The socket stays non-blocking for its whole life. Workers try the system call first
    # and wait (with a timeout) only when the kernel says EAGAIN. A socket with a Python
    # timeout would instead poll before *every* send and recv. Dropping that poll and the
    # settimeout switches, plus parking from the worker, took bench_server from ~1.45x to
    # ~1.75x waitress's req/s at 32 connections.

    def send(self, data: bytes) -> None:
        """Send all of ``data``; ``TimeoutError`` if the client stops taking it (``Pace``)."""
        try:
            sent = self.socket.send(data)  # usually one call takes it all
        except BlockingIOError:
            sent = 0
        if sent < len(data):
            rest = memoryview(data)[sent:]
            step = lambda done: self.socket.send(rest[done:])  # noqa: E731
            _write_with_progress(len(rest), step, self._wait_writable, self.writing)

    def receive(self) -> bytes:
        """The next bytes of the request body; ``TimeoutError`` if they stop (``Pace``)."""
        while True:
            try:
                data = self.socket.recv(RECEIVE_SIZE)
                self.reading.moved += len(data)
                return data
            except BlockingIOError:
                self.reading.wait(self._wait_readable)

    def sendfile(self, file: IO[bytes], offset: int, count: int) -> int:
        """Copy ``count`` bytes of ``file`` from ``offset`` to the client (``os.sendfile``)."""
        source = file.fileno()
        step = lambda done: os.sendfile(self.fileno, source, offset + done, count - done)  # noqa: E731
        return _write_with_progress(count, step, self._wait_writable, self.writing)

    def _wait_readable(self, seconds: float) -> bool:
        return _ready(self.socket, selectors.EVENT_READ, seconds)

    def _wait_writable(self, seconds: float) -> bool:
        return _ready(self.socket, selectors.EVENT_WRITE, seconds)

    def close(self) -> None:
        """Close the socket (idempotent)."""
        self.phase = Phase.CLOSED
        with contextlib.suppress(OSError):
            self.socket.close()


class Poller:
    """The selector thread's view of its sockets; connections are reported *one-shot*.

    A parked connection is *armed*: the next time it is readable it is reported once, and
    then stays quiet until armed again (by the worker that parks it after a response). So
    the selector thread never has to unregister a connection it hands to a worker, and
    parking costs one system call instead of a ``selectors`` registration (measured: one
    ``epoll_ctl`` re-arm is ~0.5 µs; ``register`` + ``unregister`` ~6 µs and two calls).

    Linux: ``epoll`` with ``EPOLLONESHOT``. Elsewhere: a ``selectors`` selector; arming
    registers the socket, and a reported connection is unregistered (where that selector
    is ``select()`` or ``poll()``, a worker that arms one wakes the selector thread). The
    listener and the wake-up socket are watched level-triggered: reported whenever readable.

    Example::

        poller.arm(connection.socket, connection)   # parked: report it when bytes arrive
        for owner in poller.ready(timeout=1.0):     # connections, LISTENER or None
            ...
    """

    def __init__(self, one_shot_epoll: bool) -> None:
        """Use epoll with one-shot events if asked (and available), else ``selectors``."""
        self._owners: dict[int, Any] = {}  # file descriptor -> what ready() reports
        self._epoll = select.epoll() if one_shot_epoll else None
        self._selector = None if one_shot_epoll else selectors.DefaultSelector()
        self._level_triggered: set[int] = set()  # the listener and the wake-up socket
        # epoll, kqueue and /dev/poll (kernel objects, with a fileno) see a socket armed by
        # another thread at once; select() and poll() only from their next call on.
        self.arming_needs_wake = not one_shot_epoll and not hasattr(self._selector, "fileno")

    def watch(self, sock: socket.socket, owner: Any) -> None:
        """Report ``sock`` whenever it is readable, until ``forget``."""
        self._level_triggered.add(sock.fileno())
        self._add(sock, owner, select.EPOLLIN if self._epoll else 0)

    def arm(self, sock: socket.socket, owner: Any) -> None:
        """Report ``sock`` once, the next time it is readable (or at once if it is now)."""
        self._add(sock, owner, select.EPOLLIN | select.EPOLLONESHOT if self._epoll else 0)

    def _add(self, sock: socket.socket, owner: Any, mask: int) -> None:
        descriptor = sock.fileno()
        known = descriptor in self._owners and self._owners[descriptor] is owner
        self._owners[descriptor] = owner
        if self._epoll is None:
            assert self._selector is not None
            self._selector.register(sock, selectors.EVENT_READ, owner)
        elif known:
            self._epoll.modify(descriptor, mask)  # re-arm: the common case, one system call
        else:
            self._epoll.register(descriptor, mask)

    def forget(self, descriptor: int, owner: Any) -> None:
        """Stop watching file ``descriptor`` if ``owner`` still has it (harmless otherwise).

        The owner check matters: a closed connection's descriptor may already belong to a
        newly accepted one, which must stay watched.
        """
        if descriptor not in self._owners or self._owners[descriptor] is not owner:
            return
        del self._owners[descriptor]
        self._level_triggered.discard(descriptor)
        with contextlib.suppress(KeyError, ValueError, OSError):
            if self._epoll is not None:
                self._epoll.unregister(descriptor)
            elif self._selector is not None:
                self._selector.unregister(descriptor)

    def ready(self, timeout: float) -> list[Any]:
        """The owners of ready sockets, waiting at most ``timeout`` seconds for one."""
        if self._epoll is not None:
            events = self._epoll.poll(timeout)
            owners = self._owners
            return [owners[descriptor] for descriptor, _ in events if descriptor in owners]
        assert self._selector is not None
        reported = []
        for key, _ in self._selector.select(timeout):
            if key.fd not in self._level_triggered:  # one-shot: quiet until armed again
                self._selector.unregister(key.fileobj)
            reported.append(key.data)
        return reported

    def close(self) -> None:
        """Release the epoll or selector object."""
        for poller in (self._epoll, self._selector):
            if poller is not None:
                poller.close()


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
        self.options = ServerOptions.from_keywords(options, **keywords)
        self._listener = _listen(host, port, self.options.backlog)
        self.server_address: tuple[str, int] = self._listener.getsockname()[:2]
        self._poller = Poller(ONE_SHOT_EPOLL)
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
        self._sweep_interval = sweep_interval(self.options)
        self._next_sweep = 0.0
        self._closed = False

    # -- lifecycle ---------------------------------------------------------------------

    def serve_forever(self) -> None:
        """Serve until ``shutdown()`` (or a signal, under ``serve()``); then clean up."""
        try:
            self._start_workers()
            self._poller.watch(self._wake_reader, None)
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
        name = f"tinyweb-selector-{self.server_address[1]}"
        self._thread = threading.Thread(target=self.serve_forever, name=name)
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

    def __exit__(self, *exc_info: object) -> None:
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
            name = f"tinyweb-worker-{number}"
            worker = threading.Thread(target=self._work_loop, name=name, daemon=True)
            worker.start()
            self._workers.append(worker)

    # -- the selector thread -----------------------------------------------------------

    def _run_once(self, timeout: float) -> None:
        for owner in self._poller.ready(timeout):
            if owner is None:
                self._drain_wake_socket()
            elif owner is LISTENER:
                self._accept()
            else:
                head = self._on_ready(owner)
                if head is not None:
                    self._work.put((owner, head))
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
        self._rearm(connection)

    def _pause_accepting(self) -> None:
        if self._accepting:
            self._poller.forget(self._listener.fileno(), LISTENER)
            self._accepting = False

    def _resume_accepting(self) -> None:
        if not self._accepting and not self._stopping:
            self._poller.watch(self._listener, LISTENER)
            self._accepting = True

    # -- a parked connection got bytes --------------------------------------------------

    def _claim(self, connection: Connection) -> bool:
        """Hold a parked connection (selector thread only); False if it is held or closed.

        ``busy`` says who holds a connection: the selector thread or a worker (busy), or
        nobody while it is armed in the poller. Only this thread claims (for a report, the
        sweep, shutdown); workers only release (``_rearm``), so no lock is needed.
        """
        if connection.busy or connection.phase is Phase.CLOSED:
            return False
        connection.busy = True
        return True

    def _rearm(self, connection: Connection) -> None:
        """Release a held connection to the poller, parked until its next bytes arrive.

        ``busy`` is cleared first: once armed, the connection may be reported at once.
        """
        connection.busy = False
        try:
            self._poller.arm(connection.socket, connection)
        except (KeyError, ValueError, OSError):  # closed under us by shutdown
            connection.close()
            self._hand_back(connection)

    def _on_ready(self, connection: Connection) -> Optional[http11.RequestHead]:
        """Read what arrived on a parked connection; a complete head goes to a worker.

        Otherwise the connection is re-armed (part of a head, lingering) or closed. Never
        blocks: a slow client costs this thread one ``recv`` per arrival, never a wait.
        """
        if not self._claim(connection):
            return None
        try:
            data = connection.socket.recv(RECEIVE_SIZE)
        except (BlockingIOError, InterruptedError):  # a spurious report
            self._rearm(connection)
            return None
        except OSError:
            data = b""
        if connection.phase is Phase.LINGER:
            if data:
                self._rearm(connection)  # still discarding input
            else:
                self._discard(connection)
            return None
        if connection.phase is Phase.IDLE and data:
            # The head's deadline is total from its first byte (slowloris, HTTP.md).
            connection.phase = Phase.HEAD
            connection.deadline = time.monotonic() + self.options.header_timeout
        connection.parser.feed(data)
        try:
            event = connection.parser.next_event()
        except http11.ProtocolError as error:
            self._refuse(connection, error.status, error.reason)
            return None
        if isinstance(event, http11.RequestHead):
            connection.phase = Phase.WORKER
            return event
        if isinstance(event, http11.ConnectionClosed) or connection.parser.peer_closed:
            self._discard(connection)
            return None
        self._rearm(connection)  # part of a head: wait for the rest
        return None

    def _refuse(self, connection: Connection, status: int, reason: str) -> None:
        """Answer a server-made error without blocking, then close lingeringly."""
        _send_nowait(connection, gateway.error_response(status, reason))
        self._linger(connection)
        self._take_back(connection)

    def _discard(self, connection: Connection) -> None:
        """Forget and close a connection the selector thread holds."""
        self._poller.forget(connection.fileno, connection)
        connection.close()
        self._connections.discard(connection)
        if not self._accepting and len(self._connections) < self.options.max_connections:
            self._resume_accepting()

    def _hand_back(self, connection: Connection) -> None:
        """Give a closed or lingering connection back to the selector thread (workers)."""
        self._returned.append(connection)
        if not self._wake_pending:
            self._wake()

    def _take_back_returned(self) -> None:
        """Forget (or linger on) connections the workers are done with."""
        self._wake_pending = False
        while self._returned:
            self._take_back(self._returned.popleft())

    def _take_back(self, connection: Connection) -> None:
        """Discard a closed connection, or discard input on a lingering one for a while."""
        if connection.phase is not Phase.LINGER:
            self._discard(connection)
        else:
            connection.deadline = time.monotonic() + self.options.linger_timeout
            self._rearm(connection)

    def _sweep(self, now: float) -> None:
        """Close connections past their deadline (header, idle or linger)."""
        self._next_sweep = now + self._sweep_interval
        expired = [c for c in self._connections if c.deadline <= now and self._claim(c)]
        for connection in expired:
            if connection.phase is Phase.HEAD:
                # RFC 9110 §15.5.9: 408 tells a well-behaved but slow client what happened;
                # no lingering for a client this slow.
                _send_nowait(connection, gateway.error_response(408, "request head timed out"))
            self._discard(connection)
        self._resume_accepting()

    def _wake(self) -> None:
        self._wake_pending = True
        with contextlib.suppress(OSError):  # full (a wake-up is pending already) or closed
            self._wake_writer.send(b"\0")

    def _drain_wake_socket(self) -> None:
        with contextlib.suppress(OSError):
            while self._wake_reader.recv(4096):
                pass

    # -- worker threads ----------------------------------------------------------------

    def _work_loop(self) -> None:
        job = self._work.get()
        while job is not None:
            connection, head = job
            try:
                held = self._serve(connection, head)
            except BaseException:  # a bug here must not kill the worker or leak the socket
                error_log.exception("internal error while serving a connection")
                connection.close()
                held = True
            # Not held: queued again, for fairness, and perhaps served by another worker
            # already; reading its phase now would park it twice (a worker and the
            # selector thread would then read the same socket).
            if held and (connection.phase is Phase.IDLE or connection.phase is Phase.HEAD):
                self._park(connection)
            elif held:
                self._hand_back(connection)  # closed or lingering: the selector's business
            job = self._work.get()

    def _park(self, connection: Connection) -> None:
        """Re-arm a keep-alive connection from the worker: the selector thread sleeps on
        (unless its poller only sees new sockets on its next call, see ``Poller``)."""
        if self._stopping:
            connection.close()  # idle from now on: closed at once, as in _finish
            self._hand_back(connection)
        else:
            self._rearm(connection)
            if self._poller.arming_needs_wake:
                self._wake()

    def _serve(self, connection: Connection, head: http11.RequestHead) -> bool:
        """Run exchanges on this connection until it must go back to the selector; False
        if it went back to the work queue instead (no longer this worker's)."""
        options = self.options
        for turn in range(1, sys.maxsize):
            connection.reading.restart()  # min_rate is per request
            connection.writing.restart()
            exchange = gateway.Exchange(
                head, connection.parser, connection.channel, connection.info, self._is_running
            )
            outcome = exchange.run(self.app)
            if options.access_log and access_log.isEnabledFor(logging.INFO):
                access_log.info(access_entry(exchange.head, outcome, exchange.environ))
            if not outcome.keep_alive or self._stopping:
                self._linger(connection)  # every close after a response: see _linger
                return True
            if not outcome.body_complete and not self._drain(connection, exchange):
                self._linger(connection)  # the rest of the body is too big or too slow
                return True
            next_head = self._next_pipelined(connection)
            if next_head is None:
                return True
            # Fairness: a pipelining connection queues behind connections that wait for a
            # worker (one worker and a long pipeline of big responses starved the others
            # for ~10 s: fuzz_server.py --seed 206), and after MAX_TURNS in any case.
            if turn >= MAX_TURNS or not self._work.empty():
                self._work.put((connection, next_head))
                return False
            head = next_head
        return True  # (never reached: the loop ends by returning)

    def _is_running(self) -> bool:
        return not self._stopping

    def _drain(self, connection: Connection, exchange: gateway.Exchange) -> bool:
        connection.reading.timeout = self.options.drain_timeout
        finished = exchange.body.drain(self.options.drain_size, self.options.drain_timeout)
        connection.reading.timeout = self.options.body_timeout
        return finished

    def _next_pipelined(self, connection: Connection) -> Optional[http11.RequestHead]:
        """The next request head if it is already buffered; else get ready to park."""
        parser = connection.parser
        parser.start_next_request()
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
            # Part of a head: the poller waits for the rest, from now on.
            connection.deadline = time.monotonic() + self.options.header_timeout
            connection.phase = Phase.HEAD
            return None
        connection.deadline = time.monotonic() + self.options.idle_timeout
        connection.phase = Phase.IDLE
        return None

    def _send_error_and_linger(self, connection: Connection, status: int, reason: str) -> None:
        try:
            connection.send(gateway.error_response(status, reason))
            self._linger(connection)  # (never raises: it closes instead)
        except OSError:
            connection.close()

    def _linger(self, connection: Connection) -> None:
        """Close in stages: shut our write side; the selector thread discards input until
        EOF or ``linger_timeout``, then closes.

        The server does this for every close after a response, not only when it sees
        unread input: whether more bytes are on their way (a next request, the rest of a
        body) it cannot know, and a socket closed outright answers them with a reset,
        which can erase the response before the client has read it (RFC 9112 §9.6).
        Found by fuzz_server.py: an HTTP/1.0 client that pipelined a second request.
        """
        try:
            connection.socket.shutdown(socket.SHUT_WR)
            connection.phase = Phase.LINGER
        except OSError:
            connection.close()

    # -- shutdown ----------------------------------------------------------------------

    def _finish(self) -> None:
        """Graceful part of shutdown: let workers finish within the grace period."""
        self._pause_accepting()
        self._listener.close()  # refuse newcomers now, rather than leave them in the backlog
        # Idle and half-received connections close at once: their last response, if any,
        # went out before. Lingering ones keep lingering (they count as in flight).
        for connection in [c for c in self._connections if c.phase is not Phase.LINGER]:
            if self._claim(connection):
                self._discard(connection)
        while time.monotonic() < self._grace_deadline and self._in_flight():
            self._run_once(min(0.05, max(self._grace_deadline - time.monotonic(), 0.0)))
        for connection in list(self._connections):  # past the grace period: cut them off
            with contextlib.suppress(OSError):
                connection.socket.shutdown(socket.SHUT_RDWR)

    def _in_flight(self) -> bool:
        """Whether a request is running, or a response may still be on its way to be read."""
        return any(c.phase is Phase.WORKER or c.phase is Phase.LINGER for c in self._connections)

    def _close_everything(self) -> None:
        """Join workers and close every socket; idempotent."""
        if self._closed:
            return
        self._closed = True
        for _ in self._workers:
            self._work.put(None)
        # One deadline for all: stuck apps must not cost threads x write_timeout in turn.
        deadline = time.monotonic() + max(self.options.write_timeout, 1.0)
        for worker in self._workers:
            worker.join(timeout=max(deadline - time.monotonic(), 0.0))
            if worker.is_alive():
                error_log.warning("%s did not finish; abandoning it", worker.name)
        while self._returned:  # (an abandoned worker may still append: no iteration here)
            self._returned.popleft().close()
        for connection in list(self._connections):
            connection.close()
        self._connections.clear()
        for closable in (self._listener, self._wake_reader, self._wake_writer):
            closable.close()
        self._poller.close()


def _ready(sock: socket.socket, event: int, timeout: float) -> bool:
    """Whether ``sock`` became ready for ``event`` within ``timeout`` seconds."""
    with selectors.DefaultSelector() as selector:
        selector.register(sock, event)
        return bool(selector.select(timeout))


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


def serve(
    app: gateway.WSGIApplication, host: str = "127.0.0.1", port: int = 8000, **options: Any
) -> None:
    """Serve ``app`` until SIGINT or SIGTERM, then shut down gracefully.

    Prints one line with the URL. Example::

        from tinyweb import serve
        serve(my_wsgi_app, port=8080, threads=8)
    """
    server = Server(app, host, port, **options)
    configure_logging()
    restore_signals = _install_signal_handlers(server)
    print(f"tinyweb serving {server.url} (press Ctrl+C to quit)", flush=True)
    try:
        server.serve_forever()
    finally:
        restore_signals()


def _install_signal_handlers(server: Server) -> Callable[[], None]:
    """SIGINT and SIGTERM shut ``server`` down; returns what puts the old handlers back.

    The kernel may deliver a signal to any thread, and Python runs handlers only in the
    main thread, the selector thread here: the wake-up fd makes the signal itself wake
    that thread's poll, as asyncio does; else the handler waited up to a sweep interval.
    """
    if threading.current_thread() is not threading.main_thread():
        return lambda: None  # handlers can only be installed from the main thread

    def stop(signal_number: int, frame: FrameType | None) -> None:
        server.request_shutdown()

    previous = {number: signal.signal(number, stop) for number in (signal.SIGINT, signal.SIGTERM)}
    previous_fd = signal.set_wakeup_fd(server._wake_writer.fileno(), warn_on_full_buffer=False)

    def restore() -> None:
        signal.set_wakeup_fd(previous_fd)
        for number, handler in previous.items():
            signal.signal(number, handler)

    return restore
