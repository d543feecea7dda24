"""The server's settings and its access log line: plain values, no I/O.

Where it fits: ``server.py`` reads a ``ServerOptions`` (every limit and timeout of
``/work/shared/HTTP.md`` "Limits and timeouts", plus the thread and connection counts) and
writes one ``access_entry`` line per exchange. They live apart from the sockets and threads so
that ``server.py`` holds only what moves bytes; ``tinyweb.server`` re-exports both names.

Spec references: HTTP.md "Limits and timeouts"; the Common Log Format (NCSA httpd).
"""

from __future__ import annotations

import logging
import re
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Callable

from . import gateway, http11


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
    write_timeout: float = 30.0  # the client may take no byte of a response for this long
    min_rate: int = 240  # bytes/s a client must average while a worker waits on it (0: off)
    drain_size: int = 1024 * 1024  # unread body bytes discarded to keep a connection
    drain_timeout: float = 2.0  # ... for at most this long in all (and per read)
    linger_timeout: float = 2.0  # after the last response: how long to discard input
    shutdown_timeout: float = 10.0  # grace period for requests in flight
    backlog: int = 1024  # the kernel's queue of not yet accepted connections
    access_log: bool = True  # Common Log Format lines to the "tinyweb.access" logger

    def __post_init__(self) -> None:
        """Refuse settings that would make a server that never answers (a clear error)."""
        for name in ("threads", "max_connections"):  # 0 workers or 0 connections: a hang
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, not {getattr(self, name)!r}")
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, (int, float)) and value < 0:
                raise ValueError(f"{item.name} must not be negative, not {value!r}")

    @classmethod
    def from_keywords(cls, base: ServerOptions | None = None, /, **options: Any) -> ServerOptions:
        """Build options from keywords that name fields of this class or of ``Limits``.

        The keywords override ``base`` (the defaults if None), never the other way round.
        Example: ``ServerOptions.from_keywords(threads=4, max_field_count=50)``.
        """
        own = {item.name for item in fields(cls)}
        limit_names = {item.name for item in fields(http11.Limits)}
        limit_values = {name: options.pop(name) for name in list(options) if name in limit_names}
        unknown = set(options) - own
        if unknown:
            raise TypeError(f"unknown server option(s): {', '.join(sorted(unknown))}")
        if base is not None:  # Server(app, options=..., threads=2): both count
            options = {**{name: getattr(base, name) for name in own}, **options}
        if limit_values:
            base = options.get("limits", http11.Limits())
            values = {item.name: getattr(base, item.name) for item in fields(http11.Limits)}
            values.update(limit_values)
            options["limits"] = http11.Limits(**values)
        return cls(**options)


def access_entry(
    head: http11.RequestHead, outcome: gateway.Outcome, environ: Mapping[str, Any]
) -> str:
    """One line of the Common Log Format for an exchange.

    The address is the environ's ``REMOTE_ADDR`` once the app has run: the TCP peer, or
    the client that ``ProxyFix`` found behind a proxy (Werkzeug's and gunicorn's logs do
    the same). The app may have rewritten it, so anything but address characters is
    logged as ``-``: a quote or a line break would forge a log line.
    Example: ``127.0.0.1 - - [06/Nov/1994:08:49:37 +0000] "GET / HTTP/1.1" 200 12``.
    """
    remote_addr = environ.get("REMOTE_ADDR")
    if not isinstance(remote_addr, str) or not _ADDRESS.fullmatch(remote_addr):
        remote_addr = "-"
    when = time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime())
    request_line = b" ".join((head.method, head.target, b"HTTP/" + head.version))
    # The parser admits no control bytes in these, but a quote would break the format.
    text = request_line.decode("latin-1").replace("\\", "\\\\").replace('"', '\\"')
    size = str(outcome.body_bytes) if outcome.body_bytes else "-"
    status = str(outcome.status) if outcome.status else "-"
    return f'{remote_addr} - - [{when}] "{text}" {status} {size}'


_ADDRESS = re.compile(r"[0-9A-Za-z.:%_\-\[\]]{1,100}")  # IPv4, IPv6 (with a zone), names


def sweep_interval(options: ServerOptions) -> float:
    """How often deadlines are checked: a fraction of the shortest timeout, 10 ms..1 s."""
    shortest = min(options.header_timeout, options.idle_timeout, options.linger_timeout)
    return min(max(shortest / 4, 0.01), 1.0)


def configure_logging() -> None:
    """Show tinyweb's logs on stderr unless the application configured logging itself."""
    package_log = logging.getLogger("tinyweb")
    if package_log.handlers or logging.getLogger().handlers:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    package_log.addHandler(handler)
    package_log.setLevel(logging.INFO)


class Pace:
    """How long a worker may still wait on a client in one direction within one request.

    A worker waits on a client while it reads the request body for the app, and while the
    client takes the response; each direction has its own ``Pace``. ``timeout``
    (``body_timeout`` or ``write_timeout``) bounds one wait without a byte. ``min_rate``
    bounds the sum of the waits: the first ``timeout`` of waiting is free, and every
    further second must be paid for with ``min_rate`` bytes moved. So a client that
    trickles a byte every few seconds cannot hold a worker for long (the "slow POST" and
    "slow read" attacks), and a client faster than ``min_rate`` never meets the rule. The
    default, 240 bytes/s, is Kestrel's (``MinRequestBodyDataRate``/``MinResponseDataRate``);
    Apache's mod_reqtimeout has the same rule for request bodies.

    Only bytes the client really moved count: every byte received, but of the bytes sent
    only those taken after a wait in the same send. What the socket buffers take at once
    proves nothing (on loopback they absorb ~4 MiB, which would buy a client that reads
    nothing five hours), and an upload does not pay for a slow download. Example::

        pace = Pace(min_rate=240, timeout=30.0)
        pace.allowance()   # 30.0: nothing waited yet
    """

    __slots__ = ("min_rate", "moved", "timeout", "waited")

    def __init__(self, min_rate: int, timeout: float) -> None:
        """A fresh account; ``min_rate`` 0 switches the rate rule off."""
        self.min_rate = min_rate
        self.timeout = timeout  # the server shortens the reading one while it drains a body
        self.moved = 0  # bytes that count, in this request
        self.waited = 0.0  # seconds spent blocked on the client, in this request

    def restart(self) -> None:
        """Begin a new request: no credit, nothing waited."""
        self.moved, self.waited = 0, 0.0

    def allowance(self) -> float:
        """Seconds the next wait may last: ``timeout``, or less if the client is too slow."""
        if not self.min_rate:
            return self.timeout
        return min(self.timeout, self.timeout + self.moved / self.min_rate - self.waited)

    def expired(self, allowance: float) -> TimeoutError:
        """The error for a wait of ``allowance`` seconds that ran out, naming the rule."""
        if allowance < self.timeout:
            return TimeoutError(f"client slower than {self.min_rate} bytes/s")
        return TimeoutError(f"no progress for {self.timeout:g} s")

    def wait(self, wait: Callable[[float], bool]) -> None:
        """Call ``wait(seconds)`` (True once ready) for as long as allowed; count it."""
        allowance = self.allowance()
        started = time.monotonic()
        ready = wait(allowance)
        self.waited += time.monotonic() - started
        if not ready:
            raise self.expired(allowance)


def write_with_progress(
    total: int, step: Callable[[int], int], wait: Callable[[float], object], pace: Pace
) -> int:
    """Call ``step(bytes written so far)`` until ``total`` bytes are out, or a step writes 0.

    A step that raises ``BlockingIOError`` (the client's buffer is full) is retried after
    ``wait(seconds)``; ``TimeoutError`` once ``pace.timeout`` seconds pass with no byte
    written, or sooner once ``pace`` finds the client too slow. Every byte restarts the
    timeout; bytes count towards ``pace`` once a step had to wait (see ``Pace``).
    Each wait ends in another try because writability is not progress: Linux reports a
    socket writable only once half its queued bytes drained, which a slow but steady
    reader can take longer than the timeout to do (a 4 MiB autotuned buffer at ~47 KB/s
    for 30 s; found by fuzz/fuzz_server.py). Returns the bytes written.
    """
    done, deadline, allowance, stalled = 0, 0.0, 0.0, False
    while done < total:
        try:
            moved = step(done)
        except BlockingIOError:
            now = time.monotonic()
            if not deadline:  # a new stall
                allowance = pace.allowance()
                deadline = now + allowance
            if now >= deadline:
                raise pace.expired(allowance) from None
            wait(deadline - now)
            pace.waited += time.monotonic() - now
            stalled = True
            continue
        if not moved:
            break  # a file that ended early (it shrank)
        done, deadline = done + moved, 0.0
        if stalled:
            pace.moved += moved
    return done
