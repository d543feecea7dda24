"""Mutation fuzzer for tinyweb's server half: the WSGI gateway in-process, then real sockets.

Run from the repository root (``make fuzz`` runs it for ``FUZZ_SECONDS``)::

    python fuzz/fuzz_server.py --seconds 600 --seed 1        # both modes, time split 3:1
    python fuzz/fuzz_server.py --count 2000 --seed 7          # 2000 gateway inputs, 100 clients
    python fuzz/fuzz_server.py --mode sockets --seconds 60

Inputs are the requests of the byte tables in tests/test_http11.py, tests/test_gateway.py
and tests/test_server*.py, mutated as fuzz/fuzz_http11.py mutates them, sometimes two or
three of them pipelined. Each request is answered by an application whose *behaviour* is
drawn at random (``Behaviour``): how it reads the body (not at all, all, n bytes, lines,
iterating, past its end, ``read(0)``, after its head went out, swallowing the error of a
broken body), what it returns (a list, a one-element list, a tuple, a generator,
``write()``, empty chunks, a ``wsgi.file_wrapper`` over a real, an empty or an in-memory
file, an iterable with ``close()``, 320 KiB, ``None``, a ``str``), its status (HEAD-style
204/304, a 1xx, invalid ones), its Content-Length (none, right, too short, too long,
zero), a second ``start_response`` with ``exc_info`` before or after the head, errors
before or after ``start_response``, mid-body and in ``close()``, and bad headers (CR/LF/NUL,
hop-by-hop, non-str, not a token, not latin-1, two lengths). Mostly it is well-behaved,
else it misbehaves in one way at a time. Everything is deterministic from ``--seed`` (the
socket mode's timing is not; its inputs are).

Mode 1, the gateway in-process (most iterations). ``serve_in_process`` does what
``server.py`` does for one connection, with a fake ``gateway.Channel``: the selector's part
(feed the parser until a head, answer a ``ProtocolError`` with ``gateway.error_response``),
``Exchange.run``, the drain, ``start_next_request``. ``receive()`` pops pre-split pieces of
the input, then returns ``b""`` (the peer closed) or raises ``TimeoutError`` /
``ConnectionResetError`` / ``socket.timeout``; ``send()`` appends to a list and sometimes
starts failing (the client left mid-response). Invariants:

G1. ``Exchange.run`` never raises ``Exception``; the ``close()`` of an iterable the app
    returned is called exactly once; ``wsgi.input.read()`` gives exactly the body the
    parser decodes from the whole input, and reading past its end gives ``b""``.
G2. What went out for each exchange is one optional ``100 Continue`` (only when the request
    expects it) and one well-formed final response, read back by the strict reader below
    (not http.client): status line, CRLF-terminated field lines that are tokens and
    field-values, exactly one framing (one Content-Length, or ``Transfer-Encoding:
    chunked``, or HTTP/1.0 close-delimited with ``Connection: close``), a body of exactly
    that length, no body and no Transfer-Encoding for HEAD/1xx/204/304, no length on
    1xx/204, ``Date`` and ``Server`` present, nothing injected from the app's headers
    (the marker ``Injected`` never reaches the wire). A response may be cut short only
    when the connection is closed after it (``keep_alive`` false); it may be missing only
    when the client left (a failed ``send``, or a vanished client mid-body).
G3. The body is a prefix of what the app produced, and all of it when the connection
    persists. A response that announces ``Connection: close`` is the connection's last;
    a persisting HTTP/1.0 response says ``Connection: keep-alive``; a request that asked
    for ``close`` is never persisted.
G4. Server-made responses (every response without the app's ``X-App`` field) are 4xx/5xx,
    say ``Connection: close``, and their body is ``"<status> <phrase>[: <reason>]\\n"``
    where the reason is made only of the server's own string literals: no input echoed.
G5. After a response with ``keep_alive`` true (and the drain, when the body was not read
    to its end) the parser is at a request boundary: ``next_event()`` is ``PAUSED``.
G6. ``tinyweb.error`` logs an exception only when the behaviour misbehaves on purpose.
G7. Nothing hangs: a watchdog (``faulthandler``) prints every stack and exits 1 when 1000
    inputs take a minute, or a socket batch several times its worst case.

Mode 2, real sockets (fewer iterations). A ``tinyweb.Server`` (1 or 2 threads, timeouts of a
fraction of a second) serves each batch of clients; the application derives its behaviour
from the request target, so a client knows what to expect. Clients send mutated requests
split at random points with random small delays, sometimes pipelined, sometimes closing
early (mid-request, before reading, with a reset, half-closed), sometimes reading slowly
(backpressure on 320 KiB bodies). Batches alternate epoll one-shot and the ``selectors``
fallback; some shut the server down with clients in flight. Invariants:

S1. The server never stops serving: after each batch a fresh well-formed request gets 200
    within a few seconds, sometimes while slowloris connections fill a cap of 4.
S2. No thread or socket leak: after ``shutdown()`` ``threading.active_count()`` and the
    number of open file descriptors are back to their baseline; shutdown() keeps to its
    grace period and write timeout.
S3. ``tinyweb.error`` logs nothing but the exceptions the app raised on purpose (and the
    Content-Length complaints of apps that lie about it).
S4. Every response read by a client passes the strict reader (G2, G4 as above, in order:
    the n-th final response answers the n-th request head the parser would see, at most
    one server-made error after the last head, nothing after ``Connection: close``), and
    no connection is left open past every server timeout (no hang). Every request head
    is answered unless a response announced ``Connection: close`` or an app cut its own
    response short (a lost response means a reset instead of a lingering close).
S5. Every iterable with ``close()`` the app returned was closed exactly once by the end of
    the batch (disconnects included).

Intended behaviour, not findings: a response to an HTTP/1.0 request may say HTTP/1.1
(RFC 9110 §2.5: the highest version the server conforms to), so the reader accepts both
and checks the framing against the request's version instead; an app's
``Date``/``Server`` fields replace the server's; 304 keeps an app's Content-Length.

On a broken invariant the run prints a minimised reproducer (a ``Case`` literal for the
gateway mode, the client plan for the socket mode) and exits with status 1. Findings
already reported (``KNOWN_FINDINGS``, each pinned by a strict xfail in
tests/test_server_fuzz_regressions.py) are not drawn unless ``--include-known``.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import faulthandler
import io
import logging
import os
import random
import re
import socket
import sys
import tempfile
import threading
import time
import traceback
import zlib
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import IO, Any, Callable, Optional

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "fuzz")]

import fuzz_http11  # noqa: E402

from tinyweb import gateway, http11  # noqa: E402
from tinyweb import server as server_module  # noqa: E402
from tinyweb.server import Server  # noqa: E402

EPOLL = server_module.ONE_SHOT_EPOLL

LIMITS = fuzz_http11.LIMITS  # small: mutations reach every limit quickly
INFO = gateway.ConnectionInfo("fuzz", 8000, "192.0.2.1", 40000)
SERVER_OPTIONS: dict[str, Any] = {
    "threads": 2,
    "header_timeout": 0.5,
    "idle_timeout": 0.5,
    "body_timeout": 0.5,
    "write_timeout": 1.0,
    "drain_timeout": 0.3,
    "linger_timeout": 0.2,
    "shutdown_timeout": 1.0,
    "access_log": False,
    "limits": LIMITS,
}
CLIENT_DEADLINE = 6.0  # every server timeout above has passed long before this


class Finding(AssertionError):
    """A broken invariant: ``rule`` names it (for minimising), ``detail`` says how."""

    def __init__(self, rule: str, detail: str = "") -> None:
        super().__init__(f"{rule}: {detail}" if detail else rule)
        self.rule = rule
        self.detail = detail


def expect(condition: object, rule: str, detail: str = "") -> None:
    """Raise ``Finding(rule)`` unless ``condition`` holds."""
    if not condition:
        raise Finding(rule, detail)


# ---------------------------------------------------------------------------------------
# Seeds: every request literal of the test tables.
# ---------------------------------------------------------------------------------------

SEED_FILES = ("test_gateway.py", "test_server.py", "test_server_audit.py", "test_server_limits.py")
REQUEST_START = re.compile(rb"(?:\r\n)*[A-Z]+ \S+ HTTP/")


def _literal_bytes(node: ast.AST) -> Optional[bytes]:
    """The value of a bytes literal, or of ``+`` and ``*`` over them; None otherwise."""
    if isinstance(node, ast.Constant) and isinstance(node.value, bytes):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mult)):
        left, right = _literal_bytes(node.left), _literal_bytes(node.right)
        if isinstance(node.op, ast.Add) and left is not None and right is not None:
            return left + right
        count = node.right if left is not None else node.left
        if isinstance(node.op, ast.Mult) and isinstance(count, ast.Constant):
            if isinstance(count.value, int) and count.value <= 4096:
                return (left if left is not None else right or b"") * count.value
    return None


def table_requests(path: Path) -> list[bytes]:
    """The request-looking bytes literals of one test file (outermost expressions only)."""
    found: list[bytes] = []
    pending: list[ast.AST] = [ast.parse(path.read_text(encoding="utf-8"))]
    while pending:
        node = pending.pop()
        value = _literal_bytes(node)
        if value is not None:
            if REQUEST_START.match(value):
                found.append(value)
            continue
        pending.extend(ast.iter_child_nodes(node))
    return found


def seeds() -> list[bytes]:
    """The parser tables' requests, the gateway and server tables' requests, some pipelines."""
    corpus = fuzz_http11.seeds()
    for name in SEED_FILES:
        corpus += table_requests(ROOT / "tests" / name)
    corpus += [
        b"POST /c HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\nhello",
        b"POST /t HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
        b"HEAD /h HTTP/1.1\r\nHost: h\r\n\r\nGET /g HTTP/1.1\r\nHost: h\r\n\r\n",
        b"GET /k HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /k HTTP/1.0\r\n\r\n",
        b"POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabcGET / HTTP/1.1\r\nHost: h\r\n\r\n",
    ]
    return sorted(set(corpus))


def accepted(corpus: list[bytes]) -> list[bytes]:
    """The seeds the parser accepts whole (at least one head, no error)."""
    kept = []
    for data in corpus:
        parser = http11.RequestParser(LIMITS)
        parser.feed(data)
        with contextlib.suppress(http11.ProtocolError):
            if isinstance(parser.next_event(), http11.RequestHead):
                kept.append(data)
    return kept


def mutate(corpus: list[bytes], valid: list[bytes], rng: random.Random) -> bytes:
    """A seed, mutated as fuzz_http11 does (or, a third of the time, a valid one as it is,
    so that apps run often); sometimes two or three pipelined."""
    if rng.random() < 0.35:
        data = rng.choice(valid)
    else:
        data = fuzz_http11.mutate(rng.choice(corpus), corpus, rng)
    while rng.random() < 0.25:
        data += fuzz_http11.mutate(rng.choice(valid), corpus, rng)
    return data


def split(data: bytes, rng: random.Random) -> tuple[bytes, ...]:
    """``data`` cut at a few random points."""
    cuts = sorted(rng.randint(0, len(data)) for _ in range(rng.choice((0, 1, 2, 4, 8))))
    return tuple(data[start:stop] for start, stop in zip([0, *cuts], [*cuts, len(data)]))


# ---------------------------------------------------------------------------------------
# The application: a Behaviour says what it does.
# ---------------------------------------------------------------------------------------

CHOICES: dict[str, tuple[Any, ...]] = {
    "read": ("none", "none", "all", "all", "some", "readline", "readlines", "iterate", "past-end",
             "late", "catch", "odd-sizes"),  # late: read() after the head went out; catch:
    # an app that swallows the InputError of a broken body and answers anyway
    "result": ("list", "list", "one", "tuple", "generator", "closing", "write", "empty-chunks",
               "file", "empty-file", "bytesio", "str-chunk", "none"),
    "status": ("200 OK", "200 OK", "200 OK", "201 Created", "204 No Content",
               "304 Not Modified", "103 Early Hints", "404 Not Found", "200", "299 Whatever\tOK",
               "500 Internal Server Error", "OK", "20 OK", "200 OK\r\nX-Injected: 1", "1000 Big",
               "200 ", "200 \u20acuro", "200 OK\x7f", "099 Low", " 200 OK", "200  OK"),
    "length": ("none", "none", "right", "right", "short", "long", "zero"),
    "headers": ("plain", "plain", "plain", "plain", "date-server", "crlf", "lf", "cr", "nul",
                "name-crlf", "hop-connection", "hop-te", "hop-upgrade", "non-str", "bytes-name",
                "bad-name", "empty-name", "non-latin1", "length-twice", "length-sign",
                "not-a-list", "bad-pair"),
    "error": ("none",) * 8 + ("before-start", "after-start", "mid-body", "in-close"),
    "exc_info": ("none",) * 6 + ("before-body", "after-body", "twice"),
    "chunks": (0, 1, 1, 2, 3, 40),  # 40: 8 KiB each, so sends block on a slow reader
}  # fmt: skip
# A 1xx is interim (RFC 9110 §15.2), so it cannot be the status of an app's response.
# PEP 3333: latin-1 text; RFC 9112 §4: reason-phrase = *( HTAB / SP / VCHAR / obs-text ).
GOOD_STATUS = re.compile(r"[2-9][0-9]{2}(?: [\t\x20-\x7e\x80-\xff]*)?")
GOOD_STATUSES = frozenset(s for s in CHOICES["status"] if GOOD_STATUS.fullmatch(s))
GOOD_HEADERS = frozenset(("plain", "date-server"))


def is_benign(name: str, choice: Any) -> bool:
    """True for the choices of a well-behaved app that keeps to the common path."""
    if name == "status":
        return choice in GOOD_STATUSES
    if name == "length":
        return choice in ("none", "right")
    if name == "headers":
        return choice in GOOD_HEADERS
    if name == "error":
        return choice == "none"
    if name == "result":
        return choice not in ("str-chunk", "none")
    return name != "exc_info" or choice in ("none", "before-body")


REPLACEMENT = b"<replaced by exc_info>"


# Findings already reported, with a strict xfail in tests/test_server_fuzz_regressions.py.
# Inputs that would hit them are not drawn (so a long run goes past them) unless
# --include-known; once a fix makes the xfail pass, delete its entry here.
KNOWN_FINDINGS: dict[str, Callable[[Behaviour], bool]] = {
    # "test_name": lambda behaviour: ...,   (none open: findings 1 to 4 are fixed)
}
INCLUDE_KNOWN = False


class AppError(Exception):
    """What the application raises on purpose."""


@dataclass(frozen=True)
class Behaviour:
    """What the fuzzed application does for one request (defaults: a well-behaved app)."""

    read: str = "none"
    result: str = "list"
    status: str = "200 OK"
    length: str = "none"
    headers: str = "plain"
    error: str = "none"
    exc_info: str = "none"
    chunks: int = 1

    @classmethod
    def random(cls, rng: random.Random) -> Behaviour:
        """A behaviour drawn at random (mostly well-behaved), known findings left out
        unless ``INCLUDE_KNOWN`` (see ``KNOWN_FINDINGS``)."""
        drawn = cls._draw(rng)
        while not INCLUDE_KNOWN and any(known(drawn) for known in KNOWN_FINDINGS.values()):
            drawn = cls._draw(rng)
        return drawn

    @classmethod
    def _draw(cls, rng: random.Random) -> Behaviour:
        benign = {name: tuple(c for c in choices if is_benign(name, c))
                  for name, choices in CHOICES.items()}  # fmt: skip
        drawn = cls(**{name: rng.choice(choices) for name, choices in benign.items()})
        if rng.random() < 0.35:  # one way of misbehaving (or of stretching PEP 3333) at a time
            name = rng.choice(("status", "length", "headers", "error", "exc_info", "result"))
            odd = [choice for choice in CHOICES[name] if not is_benign(name, choice)]
            drawn = replace(drawn, **{name: rng.choice(odd)})
        return drawn

    @classmethod
    def for_request(cls, salt: int, method: bytes, target: bytes) -> Behaviour:
        """The behaviour the socket mode's app picks for a request (clients know it too)."""
        return cls.random(random.Random(zlib.crc32(method + b" " + target, salt)))

    @property
    def misbehaves(self) -> bool:
        """True if the app breaks PEP 3333 or raises on purpose (a logged error is due)."""
        return (
            self.error != "none"
            or self.exc_info in ("after-body", "twice")
            or self.headers not in GOOD_HEADERS
            or self.status not in GOOD_STATUSES
            or not is_benign("result", self.result)
        )

    def body_chunks(self) -> list[bytes]:
        """The chunks of the body, as the app yields or writes them."""
        if self.exc_info == "after-body":
            return [b"<app-body-0>"]
        padding = b"." * 8192 if self.chunks > 3 else b""
        chunks = [b"<app-body-%d>" % number + padding for number in range(self.chunks)]
        if self.result == "empty-chunks":
            chunks = [piece for chunk in chunks for piece in (b"", chunk, b"")] or [b""]
        return chunks

    def declared_length(self) -> Optional[int]:
        """The Content-Length the app declares (None: it declares none)."""
        if self.exc_info == "before-body":
            return None
        if self.result in ("file", "bytesio", "empty-file"):
            size = 0 if self.result == "empty-file" else FILE_SIZE
        else:
            size = len(b"".join(self.body_chunks()))
        lengths = {"right": size, "short": max(size - 3, 0), "long": size + 5, "zero": 0}
        if self.headers == "length-twice" and self.length == "none":
            return 0  # bad_headers() adds "Content-Length: 0" (a second one otherwise: 500)
        return lengths.get(self.length)

    @property
    def expected_body(self) -> bytes:
        """What the app means to send (the body on the wire is a prefix of it)."""
        if self.exc_info == "before-body":
            return REPLACEMENT
        return b"".join(self.body_chunks())


class Closing:
    """An iterable with ``close()`` that counts the calls (PEP 3333: exactly one)."""

    def __init__(self, chunks: list[bytes], fail_after: Optional[int], fail_in_close: bool):
        self.chunks = chunks
        self.fail_after = fail_after
        self.fail_in_close = fail_in_close
        self.closes = 0

    def __iter__(self) -> Iterator[bytes]:
        for number, chunk in enumerate(self.chunks):
            if number == self.fail_after:
                raise AppError("in the middle of the body")
            yield chunk
        if self.fail_after is not None:
            raise AppError("at the end of the body")

    def close(self) -> None:
        self.closes += 1
        if self.fail_in_close:
            raise AppError("in close()")


def bad_headers(kind: str) -> list[Any]:
    """The misbehaving header fields of ``kind`` (the marker Injected must never go out)."""
    table: dict[str, list[Any]] = {
        "crlf": [("X-Bad", "a\r\nX-Injected: 1")],
        "lf": [("X-Bad", "a\nX-Injected: 1")],
        "cr": [("X-Bad", "a\rX-Injected: 1")],
        "nul": [("X-Bad", "a\x00Injected")],
        "name-crlf": [("X-Bad\r\nX-Injected", "1")],
        "hop-connection": [("Connection", "close")],
        "hop-te": [("Transfer-Encoding", "chunked")],
        "hop-upgrade": [("Upgrade", "Injected")],
        "non-str": [("X-Bad", 5)],
        "bytes-name": [(b"X-Injected", "1")],
        "bad-name": [("X Injected", "1")],
        "empty-name": [("", "Injected")],
        "non-latin1": [("X-Bad", "\u20acInjected")],
        "length-twice": [("Content-Length", "0")],
        "length-sign": [("Content-Length", "+0")],
        "bad-pair": [("X-Injected",)],
    }
    return table.get(kind, [])


class FuzzApp:
    """A WSGI application that does what its ``Behaviour`` says and remembers what it did."""

    def __init__(self, behaviour: Behaviour, file_path: str) -> None:
        self.behaviour = behaviour
        self.file_path = file_path
        self.returned: Any = None  # the iterable it returned, if it returned
        self.past_end: list[bytes] = []  # what reads after the end of wsgi.input gave
        self.body_read: Optional[bytes] = None  # what read() gave, when it read it all

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        """Run the behaviour."""
        behaviour = self.behaviour
        if behaviour.error == "before-start":
            raise AppError("before start_response")
        self._read(environ["wsgi.input"])
        body = behaviour.body_chunks()
        write = start_response(behaviour.status, self._headers(body))
        if behaviour.exc_info == "twice":
            start_response(behaviour.status, self._headers(body))
        if behaviour.exc_info == "before-body":
            try:
                raise AppError("replaced before the head was sent")
            except AppError:
                start_response("500 Internal Server Error", [("X-App", "1")], sys.exc_info())
            return self._keep([REPLACEMENT])
        if behaviour.error == "after-start":
            raise AppError("after start_response")
        if behaviour.exc_info == "after-body":
            return self._keep(self._reraise_after(body, start_response))
        return self._keep(self._result(body, write, environ))

    def _keep(self, result: Any) -> Any:
        self.returned = result
        return result

    def _read(self, stream: Any) -> None:
        how = self.behaviour.read
        if how == "all":
            self.body_read = stream.read()
        elif how == "some":
            stream.read(5)
        elif how == "readline":
            stream.readline()
            stream.readline(3)
        elif how == "readlines":
            stream.readlines()
        elif how == "iterate":
            for _ in stream:
                pass
        elif how == "catch":
            with contextlib.suppress(OSError):
                self.body_read = stream.read()
        elif how == "odd-sizes":
            parts = [stream.read(0), stream.readline(0), stream.read(1), stream.read(None)]
            expect(parts[0] == parts[1] == b"", "G1 read(0) and readline(0) give b''")
            self.body_read = parts[2] + parts[3]
        elif how == "past-end":
            stream.read()
            self.past_end = [stream.read(10), stream.readline(), stream.read()]

    def _headers(self, body: list[bytes]) -> Any:
        behaviour = self.behaviour
        headers: list[Any] = [("Content-Type", "text/plain"), ("X-App", "1")]
        length = behaviour.declared_length()
        if length is not None:
            headers.append(("Content-Length", str(length)))
        if behaviour.headers == "date-server":
            headers += [("Date", "Thu, 01 Jan 1970 00:00:00 GMT"), ("Server", "fuzz-app")]
        headers += bad_headers(behaviour.headers)
        return tuple(headers) if behaviour.headers == "not-a-list" else headers

    def _result(self, body: list[bytes], write: Callable[[bytes], None], environ: Any) -> Any:
        behaviour = self.behaviour
        fail_after = 1 if behaviour.error == "mid-body" else None
        in_close = behaviour.error == "in-close"
        kind = behaviour.result
        if kind == "write":
            for chunk in body:
                write(chunk)
            return Closing([], fail_after, in_close)
        if kind == "file":
            return environ["wsgi.file_wrapper"](open(self.file_path, "rb"), 7)
        if kind == "empty-file":
            return environ["wsgi.file_wrapper"](open(empty_file(self.file_path), "rb"))
        if kind == "bytesio":
            return environ["wsgi.file_wrapper"](io.BytesIO(FILE_BODY), 7)
        if fail_after is not None or in_close or kind in ("generator", "closing"):
            return Closing(body, fail_after, in_close)
        if kind == "str-chunk":
            return [*body, "text, not bytes"]
        if kind == "none":
            return None
        result = [b"".join(body)] if kind == "one" else body
        if behaviour.read == "late":
            return self._read_late(result, environ["wsgi.input"])
        return tuple(result) if kind == "tuple" else result

    def _read_late(self, chunks: list[bytes], stream: Any) -> Iterator[bytes]:
        yield from chunks[:1]
        self.body_read = stream.read()
        yield from chunks[1:]

    @staticmethod
    def _reraise_after(body: list[bytes], start_response: Callable[..., Any]) -> Iterator[bytes]:
        yield from body
        try:
            raise AppError("after the head was sent")
        except AppError:
            start_response("500 Internal Server Error", [], sys.exc_info())  # re-raises
        yield b"<never sent>"


FILE_BODY = b"<file-body:" + bytes(range(0x30, 0x7B)) + b">"
FILE_SIZE = len(FILE_BODY)


def expected_body(behaviour: Behaviour) -> bytes:
    """What the behaviour's app means to send, files included."""
    if behaviour.result in ("file", "bytesio") and behaviour.exc_info == "none":
        return FILE_BODY
    if behaviour.result == "empty-file" and behaviour.exc_info == "none":
        return b""
    return behaviour.expected_body


# ---------------------------------------------------------------------------------------
# The strict response reader (not http.client: it must refuse what clients tolerate).
# ---------------------------------------------------------------------------------------

STATUS = re.compile(rb"HTTP/1\.([01]) ([1-9][0-9]{2}) ([\t\x20-\x7e\x80-\xff]*)\r\n")
FIELD_VALUE = rb"(?:[\x21-\x7e\x80-\xff](?:[\x21-\x7e\x80-\xff \t]*[\x21-\x7e\x80-\xff])?)?"
FIELD = re.compile(rb"([-!#$%&'*+.^_`|~0-9A-Za-z]+):[ \t]*(" + FIELD_VALUE + rb")[ \t]*\r\n")
CHUNK_SIZE = re.compile(rb"([0-9a-f]{1,16})\r\n")
CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"


@dataclass
class Response:
    """One response as read off the wire."""

    version: bytes
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes = b""
    complete: bool = True  # False: the bytes ended inside its body
    framing: str = "none"

    def values(self, name: bytes) -> list[bytes]:
        """Every value of the field ``name`` (case-insensitive)."""
        return [value for field_name, value in self.headers if field_name.lower() == name]

    @property
    def server_made(self) -> bool:
        """True for responses the server wrote itself (the app always sends X-App)."""
        return not self.values(b"x-app") and self.status != 100


class Truncated(Exception):
    """The bytes ended inside a response head."""


def read_head(data: bytes, start: int) -> tuple[Response, int]:
    """Parse the status line and field lines at ``start``; the head and the body's start."""
    end = data.find(b"\r\n\r\n", start)
    if end < 0:
        raise Truncated()
    status = STATUS.match(data, start)
    expect(status, "G2 status line", repr(data[start : start + 80]))
    assert status is not None
    response = Response(status.group(1), int(status.group(2)), [])
    position = status.end()
    while position < end + 2:
        line = FIELD.match(data, position)
        expect(line, "G2 field line", repr(data[position : data.find(b"\n", position) + 1]))
        assert line is not None
        response.headers.append((line.group(1), line.group(2)))
        position = line.end()
    expect(position == end + 2, "G2 head end")
    return response, end + 4


def read_response(
    data: bytes, start: int, head_request: bool, at_eof: bool
) -> tuple[Response, int]:
    """One response at ``start``: its head checked (G2, G4) and its body read by its framing."""
    response, position = read_head(data, start)
    check_head(response, head_request)
    lengths, codings = response.values(b"content-length"), response.values(b"transfer-encoding")
    no_body = head_request or response.status < 200 or response.status in (204, 304)
    if no_body:
        return response, position
    if codings:
        response.framing = "chunked"
        return read_chunked(data, position, response)
    if lengths:
        response.framing = "length"
        size = int(lengths[0])
        response.body = data[position : position + size]
        response.complete = len(response.body) == size
        return response, position + len(response.body)
    expect(response.values(b"connection") == [b"close"], "G2 close-delimited needs close")
    response.framing, response.body, response.complete = "close", data[position:], at_eof
    return response, len(data)


def read_chunked(data: bytes, position: int, response: Response) -> tuple[Response, int]:
    """A chunked body at ``position`` (no chunk extensions, no trailers: the server adds none)."""
    body = bytearray()
    while True:
        size_line = CHUNK_SIZE.match(data, position)
        if size_line is None:
            rest = data[position : position + 18]
            expect(re.fullmatch(rb"[0-9a-f]{0,16}\r?", rest), "G2 chunk size line", repr(rest))
            break  # the bytes ended inside a chunk size line
        size = int(size_line.group(1), 16)
        position = size_line.end()
        if size == 0:
            tail = data[position : position + 2]
            expect(b"\r\n".startswith(tail), "G2 last chunk not followed by CRLF", repr(tail))
            if tail == b"\r\n":
                response.body = bytes(body)
                return response, position + 2
            break
        expect(size > 0, "G2 chunk size")
        body += data[position : position + size]
        after = data[position + size : position + size + 2]
        expect(b"\r\n".startswith(after), "G2 chunk data not followed by CRLF", repr(after))
        if after != b"\r\n":
            break
        position += size + 2
    response.body, response.complete = bytes(body), False
    return response, len(data)


def check_head(response: Response, head_request: bool) -> None:
    """G2 and G4 on one response head."""
    status = response.status
    lengths, codings = response.values(b"content-length"), response.values(b"transfer-encoding")
    expect(len(lengths) + len(codings) <= 1, "G2 exactly one framing", repr(response.headers))
    expect(all(re.fullmatch(rb"[0-9]{1,18}", v) for v in lengths), "G2 Content-Length digits")
    expect(codings in ([], [b"chunked"]), "G2 Transfer-Encoding is chunked")
    if status < 200 or status == 204:
        expect(not lengths and not codings, "G2 no length on 1xx/204", repr(response.headers))
    if head_request or status < 200 or status in (204, 304):
        expect(not codings, "G2 no Transfer-Encoding without a body")
    if status == 100:
        return
    expect(response.values(b"date"), "G2 Date present")
    expect(response.values(b"server"), "G2 Server present")
    connection = response.values(b"connection")
    expect(connection in ([], [b"close"], [b"keep-alive"]), "G2 one Connection", repr(connection))
    if response.server_made:
        expect(status >= 400, "G4 server-made status is an error", str(status))
        expect(connection == [b"close"], "G4 server-made error says Connection: close")


REASON_LITERALS: list[str] = []


def own_words() -> list[str]:
    """The string literals (and f-string pieces) of the server half: the only words
    a server-made error page may contain besides the status and its phrase."""
    if not REASON_LITERALS:
        found = set()
        for name in ("http11.py", "http11_grammar.py", "gateway.py", "server.py"):
            tree = ast.parse((ROOT / "tinyweb" / name).read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    found.add(node.value)
        # The singleton field names that "more than one {name} field" names (lowercased).
        found |= {"content-length", "content-type", "host"}
        REASON_LITERALS.extend(sorted((w for w in found if len(w) >= 2), key=len, reverse=True))
    return REASON_LITERALS


def check_error_body(response: Response) -> None:
    """G4: ``"<status> <phrase>[: <reason>]\\n"`` in the server's own words only."""
    text = response.body.decode("latin-1")
    phrase = gateway.PHRASES.get(response.status, "Unknown")
    prefix = f"{response.status} {phrase}"
    expect(text.startswith(prefix) and text.endswith("\n"), "G4 error body shape", repr(text))
    reason = text[len(prefix) : -1]
    if not reason:
        return
    expect(reason.startswith(": "), "G4 error body shape", repr(text))
    rest = reason[2:]
    for word in own_words():
        rest = rest.replace(word, "")
    expect(not rest.strip(" "), "G4 error body echoes input", repr(text))


# ---------------------------------------------------------------------------------------
# Mode 1: the gateway in-process.
# ---------------------------------------------------------------------------------------

ENDINGS = ("closed", "closed", "closed", "timeout", "reset", "socket-timeout")


@dataclass(frozen=True)
class Case:
    """One connection's worth of input for the in-process mode (printed as a reproducer)."""

    pieces: tuple[bytes, ...]
    behaviours: tuple[Behaviour, ...] = (Behaviour(),)
    ending: str = "closed"  # what receive() does after the last piece
    send_fails_at: Optional[int] = None  # the n-th send (from 0) and all later ones fail
    keep_alive_allowed: bool = True  # False: the server is shutting down


@dataclass
class ExchangeRecord:
    """What happened in one exchange, for the checks."""

    head: http11.RequestHead
    behaviour: Behaviour
    app: FuzzApp
    exchange: gateway.Exchange
    keep_alive_allowed: bool
    outcome: gateway.Outcome
    output: bytes
    client_vanished: bool


@dataclass
class Transcript:
    """Everything one connection produced."""

    exchanges: list[ExchangeRecord] = field(default_factory=list)
    server_error: Optional[bytes] = None  # a server-made error outside any exchange
    send_failed: bool = False
    log: list[logging.LogRecord] = field(default_factory=list)


class FakeConnection:
    """The fake ``gateway.Channel``: pre-split input, a list for output, injected failures."""

    def __init__(self, case: Case) -> None:
        self.pending = deque(case.pieces)
        self.ending = case.ending
        self.send_fails_at = case.send_fails_at
        self.sent: list[bytes] = []
        self.sends = 0
        self.send_failed = False

    def receive(self) -> bytes:
        """The next piece; then b"" or an error, for ever."""
        if self.pending:
            return self.pending.popleft()
        if self.ending == "timeout":
            raise TimeoutError("fuzz: no progress")
        if self.ending == "socket-timeout":
            raise socket.timeout("fuzz: timed out")
        if self.ending == "reset":
            raise ConnectionResetError("fuzz: reset")
        return b""

    def send(self, data: bytes) -> None:
        """Append, unless the client is gone."""
        if self.send_fails_at is not None and self.sends >= self.send_fails_at:
            self.send_failed = True
            raise BrokenPipeError("fuzz: the client left")
        self.sends += 1
        self.sent.append(data)

    def sendfile(self, file: IO[bytes], offset: int, count: int) -> int:
        """``Channel.sendfile`` without a socket: read the bytes and send them. It refuses a
        count or offset that ``socket.sendfile`` refuses: the gateway must never ask for
        nothing (finding 2), even though server.py's ``os.sendfile`` loop would not mind."""
        if not isinstance(count, int) or count <= 0:
            raise ValueError(f"count must be a positive integer (got {count!r})")
        if not isinstance(offset, int) or offset < 0:
            raise ValueError(f"offset must be a non-negative integer (got {offset!r})")
        file.seek(offset)
        data = file.read(count)
        self.send(data)
        return len(data)

    @property
    def output(self) -> bytes:
        """Everything sent so far."""
        return b"".join(self.sent)


class LogCapture(logging.Handler):
    """Collects the records of ``tinyweb.error`` (and keeps them off stderr)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Keep the record."""
        self.records.append(record)


@contextlib.contextmanager
def captured_errors() -> Iterator[LogCapture]:
    """Capture ``tinyweb.error`` for the duration (not propagated to the root logger)."""
    logger = logging.getLogger("tinyweb.error")
    capture = LogCapture()
    old_propagate, old_level = logger.propagate, logger.level
    logger.addHandler(capture)
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    try:
        yield capture
    finally:
        logger.removeHandler(capture)
        logger.propagate, logger.level = old_propagate, old_level


def next_head(parser: http11.RequestParser, connection: FakeConnection) -> object:
    """The selector thread's part: feed until a head, a close, or a ProtocolError."""
    for _ in range(10_000):
        event = parser.next_event()
        if isinstance(event, (http11.RequestHead, http11.ConnectionClosed)):
            return event
        expect(event is http11.NEED_DATA, "G5 parser between requests", repr(event))
        if connection.pending:
            parser.feed(connection.pending.popleft())
        elif connection.ending == "closed":
            parser.feed(b"")
        else:
            return None  # the header or idle deadline passes: the server closes
    raise Finding("G1 the parser never finishes a head")


def serve_in_process(case: Case, file_path: str) -> Transcript:
    """What server.py does with one connection, with the fake channel; raises on G1/G5."""
    connection = FakeConnection(case)
    channel = gateway.Channel(connection.send, connection.receive, connection.sendfile)
    parser = http11.RequestParser(LIMITS)
    transcript = Transcript()
    with captured_errors() as capture:
        for turn in range(100):
            try:
                head = next_head(parser, connection)
            except http11.ProtocolError as error:
                before = len(connection.output)
                with contextlib.suppress(OSError):
                    connection.send(gateway.error_response(error.status, error.reason))
                transcript.server_error = connection.output[before:]
                break
            if not isinstance(head, http11.RequestHead):
                break
            behaviour = case.behaviours[turn % len(case.behaviours)]
            record = run_exchange(head, parser, channel, connection, behaviour, case, file_path)
            transcript.exchanges.append(record)
            if not record.outcome.keep_alive:
                break
            if not record.outcome.body_complete and not record.exchange.body.drain(1 << 20, 2.0):
                break  # server.py _drain: the rest is too big or too slow, so it lingers
            expect(parser.next_event() is http11.PAUSED, "G5 parser at a request boundary")
            parser.start_next_request()
    transcript.send_failed = connection.send_failed
    transcript.log = capture.records
    return transcript


def run_exchange(
    head: http11.RequestHead,
    parser: http11.RequestParser,
    channel: gateway.Channel,
    connection: FakeConnection,
    behaviour: Behaviour,
    case: Case,
    file_path: str,
) -> ExchangeRecord:
    """One ``Exchange.run`` with G1 checked."""
    before = len(connection.output)
    app = FuzzApp(behaviour, file_path)
    exchange = gateway.Exchange(head, parser, channel, INFO, lambda: case.keep_alive_allowed)
    try:
        outcome = exchange.run(app)
    except Exception as error:
        raise Finding("G1 Exchange.run raised", repr(error)) from error
    if isinstance(app.returned, gateway.FileWrapper):
        expect(app.returned.file.closed, "G1 close() exactly once", "file_wrapper left open")
    if isinstance(app.returned, Closing):
        expect(app.returned.closes == 1, "G1 close() exactly once", str(app.returned.closes))
    expect(all(piece == b"" for piece in app.past_end), "G1 input past its end", repr(app.past_end))
    vanished = isinstance(exchange.body.error, gateway.ClientDisconnected)
    output = connection.output[before:]
    return ExchangeRecord(
        head, behaviour, app, exchange, case.keep_alive_allowed, outcome, output, vanished
    )


def check_transcript(case: Case, transcript: Transcript) -> None:
    """G1's body check, G2-G4 and G6 over everything the connection produced."""
    heads, bodies, _ = local_messages(b"".join(case.pieces), case.ending == "closed")
    for record, head, body in zip(transcript.exchanges, heads, bodies):
        expect(record.head == head, "G1 the server saw another head than the parser")
        if record.app.body_read is not None:
            expect(record.app.body_read == body, "G1 wsgi.input is not the request body")
    for index, record in enumerate(transcript.exchanges):
        last = index == len(transcript.exchanges) - 1
        check_exchange(record, transcript.send_failed and last)
        expect(last or record.outcome.keep_alive, "G3 no response after a closing one")
    if transcript.server_error is not None and transcript.exchanges:
        expect(transcript.exchanges[-1].outcome.keep_alive, "G3 no response after closing")
    error = transcript.server_error
    if error and not transcript.send_failed:
        response, end = read_response(error, 0, False, True)
        expect(end == len(error) and response.server_made, "G4 one server-made error")
        check_error_body(response)
    check_log(transcript)


def check_exchange(record: ExchangeRecord, send_failed: bool) -> None:
    """G2-G4 for one exchange's output."""
    output, outcome, head = record.output, record.outcome, record.head
    expect(b"Injected" not in output, "G2 app header injected", repr(output[:300]))
    if outcome.keep_alive:
        expect(head.keep_alive, "G3 persisted a connection the client asked to close")
    if output.startswith(CONTINUE):
        expect(head.expects_continue and head.version == b"1.1", "G2 unexpected 100 Continue")
        output = output[len(CONTINUE) :]
    if not output:
        expect(not outcome.keep_alive, "G2 no response on a persistent connection")
        expect(send_failed or record.client_vanished, "G2 no response", repr(record.behaviour))
        return
    head_request = head.method == b"HEAD"
    try:
        response, end = read_response(output, 0, head_request, not outcome.keep_alive)
    except Truncated:
        expect(send_failed, "G2 truncated head", repr(output[:300]))
        return
    expect(response.status >= 200, "G2 no final response", f"{response.status} {record.behaviour}")
    expect(end == len(output), "G2 bytes after the response", repr(output[end : end + 80]))
    expect(response.complete or not outcome.keep_alive, "G2 short response kept alive")
    body_broke = record.exchange.body.error is not None  # read after the head: only close
    expect(response.complete or send_failed or record.behaviour.misbehaves or body_broke
           or record.behaviour.length == "long", "G2 short response", repr(record.behaviour))  # fmt: skip
    check_persistence(record, response)
    if response.server_made:
        if not head_request and response.complete:
            check_error_body(response)
        return
    wanted = wanted_body(record.behaviour, response, head_request)
    expect(wanted.startswith(response.body), "G3 body is not the app's", repr(response.body[:80]))
    if outcome.keep_alive:
        expect(response.body == wanted, "G3 kept alive after a partial body")


def wanted_body(behaviour: Behaviour, response: Response, head_request: bool) -> bytes:
    """The body an app response should carry whole (the wire may hold a prefix of it)."""
    if head_request or response.framing == "none":
        return b""
    wanted = expected_body(behaviour)
    app_length = behaviour.declared_length()
    if response.framing == "length" and app_length is not None:
        wanted = wanted[:app_length]  # a file_wrapper's shorter Content-Length is honoured
    return wanted


def check_persistence(record: ExchangeRecord, response: Response) -> None:
    """G3: what the head announced agrees with what the server did."""
    connection = response.values(b"connection")
    if connection == [b"close"]:
        expect(not record.outcome.keep_alive, "G3 Connection: close, then kept alive")
    if not record.head.keep_alive:  # RFC 9112 §9.6: the server SHOULD say it closes
        expect(connection == [b"close"], "G3 close requested, not announced")
    if record.outcome.keep_alive and record.head.version == b"1.0":
        expect(connection == [b"keep-alive"], "G3 HTTP/1.0 persisted without keep-alive")
    if response.framing == "close":  # HTTP/1.1 clients always get a length or chunks
        expect(record.head.version == b"1.0", "G2 close-delimited body for HTTP/1.1")
    if record.outcome.status:
        expect(response.status == record.outcome.status, "G2 Outcome.status")
    if not record.keep_alive_allowed:  # the server is shutting down: this is the last one
        expect(connection == [b"close"], "G3 shutting down, close not announced")


def check_log(transcript: Transcript) -> None:
    """G6: only misbehaving apps get an exception logged."""
    misbehaving = any(record.behaviour.misbehaves for record in transcript.exchanges)
    for entry in transcript.log:
        if entry.exc_info:
            expect(misbehaving, "G6 exception logged for a well-behaved app", entry.getMessage())


def check_case(case: Case, file_path: str) -> Transcript:
    """Every gateway invariant for one case; returns the transcript."""
    transcript = serve_in_process(case, file_path)
    check_transcript(case, transcript)
    return transcript


def random_case(corpus: list[bytes], valid: list[bytes], rng: random.Random) -> Case:
    """A mutated input with its splits, behaviours and failures."""
    data = mutate(corpus, valid, rng)
    behaviours = tuple(Behaviour.random(rng) for _ in range(4))
    send_fails_at = rng.randrange(0, 4) if rng.random() < 0.08 else None
    return Case(split(data, rng), behaviours, rng.choice(ENDINGS), send_fails_at,
                rng.random() > 0.05)  # fmt: skip


def outcome_key(transcript: Transcript) -> str:
    """A short name for what happened, for the summary."""
    if not transcript.exchanges:
        return "refused" if transcript.server_error else "no request"
    return "served" if transcript.exchanges[-1].outcome.keep_alive else "served, then closed"


# -- minimising --------------------------------------------------------------------------


def fails_with(case: Case, rule: str, file_path: str) -> bool:
    """True if ``case`` breaks the invariant ``rule``."""
    try:
        check_case(case, file_path)
    except Finding as finding:
        return finding.rule == rule
    return False


def minimise(case: Case, rule: str, file_path: str, seconds: float = 60.0) -> Case:
    """A smaller case that breaks the same invariant: fewer pieces, bytes, behaviours."""
    deadline = time.monotonic() + seconds
    improved = True
    while improved and time.monotonic() < deadline:
        improved = False
        for candidate in _smaller(case):
            if time.monotonic() > deadline:
                break
            if fails_with(candidate, rule, file_path):
                case, improved = candidate, True
                break
    return case


def _smaller(case: Case) -> Iterator[Case]:
    pieces = case.pieces
    used = case.behaviours
    if len(used) > 1:
        for index in range(len(used)):
            yield replace(case, behaviours=used[:index] + used[index + 1 :])
    for index, behaviour in enumerate(used):
        for item in fields(Behaviour):
            default = getattr(Behaviour(), item.name)
            if getattr(behaviour, item.name) != default:
                simpler = replace(behaviour, **{item.name: default})
                yield replace(case, behaviours=(*used[:index], simpler, *used[index + 1 :]))
    if case.send_fails_at is not None:
        yield replace(case, send_fails_at=None)
    if case.ending != "closed":
        yield replace(case, ending="closed")
    if not case.keep_alive_allowed:
        yield replace(case, keep_alive_allowed=True)
    for index in range(len(pieces)):
        yield replace(case, pieces=pieces[:index] + pieces[index + 1 :])
    for index in range(len(pieces) - 1):
        merged = pieces[index] + pieces[index + 1]
        yield replace(case, pieces=(*pieces[:index], merged, *pieces[index + 2 :]))
    for size in (64, 16, 4, 1):
        for index, piece in enumerate(pieces):
            for start in range(0, len(piece), size):
                shorter = piece[:start] + piece[start + size :]
                yield replace(case, pieces=(*pieces[:index], shorter, *pieces[index + 1 :]))


def fuzz_gateway(
    count: Optional[int], seconds: Optional[float], seed: int, file_path: str
) -> dict[str, int]:
    """Mode 1: run until ``count`` inputs or ``seconds`` pass; outcome counts.

    Raises Finding (with the minimised case) on the first broken invariant.
    """
    with contextlib.ExitStack() as stack:
        stack.callback(faulthandler.cancel_dump_traceback_later)
        return _fuzz_gateway(count, seconds, seed, file_path)


def _fuzz_gateway(
    count: Optional[int], seconds: Optional[float], seed: int, file_path: str
) -> dict[str, int]:
    rng = random.Random(seed)
    corpus = seeds()
    valid = accepted(corpus)
    outcomes: dict[str, int] = {}
    deadline = None if seconds is None else time.monotonic() + seconds
    done = 0
    while (count is None or done < count) and (deadline is None or time.monotonic() < deadline):
        if done % 1000 == 0:
            watchdog(60.0)  # no 1000 inputs take a minute unless something hangs
        case = random_case(corpus, valid, rng)
        try:
            transcript = check_case(case, file_path)
        except Finding as finding:
            faulthandler.cancel_dump_traceback_later()
            smaller = minimise(case, finding.rule, file_path)
            detail = f"{finding.detail}\nminimised reproducer:\n{smaller!r}"
            raise Finding(finding.rule, detail) from None
        key = outcome_key(transcript)
        outcomes[key] = outcomes.get(key, 0) + 1
        done += 1
    return outcomes


# ---------------------------------------------------------------------------------------
# Mode 2: real sockets.
# ---------------------------------------------------------------------------------------

CLIENT_MODES = ("read", "read", "read", "trickle", "slow-read", "half-close", "cut", "no-read",
                "reset")  # fmt: skip
HEALTH = b"GET /__health HTTP/1.1\r\nHost: fuzz\r\n\r\n"


@dataclass(frozen=True)
class ClientPlan:
    """What one client does: its bytes, where it pauses, how it ends."""

    pieces: tuple[bytes, ...]
    delays: tuple[float, ...]
    mode: str


class SocketApp:
    """The socket mode's application: a behaviour per request target; counts closes."""

    def __init__(self, salt: int, file_path: str) -> None:
        self.salt = salt
        self.file_path = file_path
        self.returned: list[tuple[Behaviour, Any]] = []

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        """Answer the health check, else do what the target's behaviour says."""
        if environ["PATH_INFO"] == "/__health":
            start_response("200 OK", [("Content-Length", "2"), ("X-App", "1")])
            return [b"ok"]
        method = environ["REQUEST_METHOD"].encode("latin-1")
        behaviour = Behaviour.for_request(self.salt, method, environ["RAW_URI"].encode("latin-1"))
        app = FuzzApp(behaviour, self.file_path)
        result = app(environ, start_response)
        self.returned.append((behaviour, result))
        return result


def local_heads(data: bytes, peer_closes: bool) -> tuple[list[http11.RequestHead], str]:
    """The heads the server's parser will see in ``data`` and how the input ends:
    ``clean``, ``partial`` (the server waits for more) or ``error``."""
    heads, _, ending = local_messages(data, peer_closes)
    return heads, ending


def local_messages(
    data: bytes, peer_closes: bool
) -> tuple[list[http11.RequestHead], list[Optional[bytes]], str]:
    """``local_heads`` plus each request's whole body (None where it never ended)."""
    parser = http11.RequestParser(LIMITS)
    parser.feed(data)
    if peer_closes:
        parser.feed(b"")
    heads: list[http11.RequestHead] = []
    bodies: list[Optional[bytes]] = []
    body = bytearray()
    try:
        for _ in range(10_000):
            event = parser.next_event()
            if isinstance(event, http11.RequestHead):
                heads.append(event)
                bodies.append(None)
                body.clear()
            elif isinstance(event, http11.Data):
                body += event.data
            elif isinstance(event, http11.EndOfMessage):
                bodies[-1] = bytes(body)
            elif event is http11.PAUSED:
                parser.start_next_request()
            elif isinstance(event, http11.ConnectionClosed):
                return heads, bodies, "clean"
            elif event is http11.NEED_DATA:
                inside = bool(bodies) and bodies[-1] is None
                return heads, bodies, "partial" if parser.has_buffered_data or inside else "clean"
    except http11.ProtocolError:
        pass
    return heads, bodies, "error"


def random_plan(corpus: list[bytes], valid: list[bytes], rng: random.Random) -> ClientPlan:
    """A client: a mutated (maybe pipelined) input, cut into pieces with small pauses."""
    data = mutate(corpus, valid, rng)
    if rng.random() < 0.3:  # a well-formed request after it: is it still served?
        data += b"GET /after HTTP/1.1\r\nHost: h\r\n\r\n"
    mode = rng.choice(CLIENT_MODES)
    if rng.random() < 0.03:  # a pipeline longer than server.MAX_TURNS: queued again midway
        data = b"GET /%d HTTP/1.1\r\nHost: h\r\n\r\n" % rng.randrange(9) * 120 + data
    pieces = split(data, rng)
    delays = tuple(rng.choice((0.0, 0.0, 0.001, 0.005, 0.02)) for _ in pieces)
    return ClientPlan(pieces, delays, mode)


def run_client(address: tuple[str, int], plan: ClientPlan, salt: int) -> bytes:
    """Play one client plan; returns what it read (checked by ``check_stream``)."""
    data = b"".join(plan.pieces)
    with socket.create_connection(address, timeout=CLIENT_DEADLINE) as sock:
        received = bytearray()
        for number, (piece, delay) in enumerate(zip(plan.pieces, plan.delays)):
            if plan.mode == "cut" and number == len(plan.pieces) - 1:
                return b""  # close with the last piece unsent: mid-head or mid-body
            with contextlib.suppress(OSError):
                sock.sendall(piece)
            if delay:
                time.sleep(delay)
            if plan.mode == "trickle":
                received += _read_available(sock)
        if plan.mode == "no-read":
            return b""
        if plan.mode == "reset":
            sock.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
            )
            return b""
        if plan.mode == "half-close":
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_WR)
        heads, ending = local_heads(data, plan.mode == "half-close")
        slow = plan.mode == "slow-read"
        received += _read_until_done(sock, heads, ending, received, slow)
        return bytes(received)


def _read_available(sock: socket.socket) -> bytes:
    sock.setblocking(False)
    try:
        return sock.recv(65536)
    except (BlockingIOError, OSError):
        return b""
    finally:
        sock.settimeout(CLIENT_DEADLINE)


def _read_until_done(
    sock: socket.socket, heads: list[http11.RequestHead], ending: str, already: bytes, slow: bool
) -> bytes:
    """Read until EOF, or until every head has its answer and the input ended cleanly.

    A hang is ``CLIENT_DEADLINE`` seconds without a byte (long pipelines of big bodies to a
    slow reader take longer than that in all, but never stall).
    """
    received = bytearray()
    counter = FinalCounter(heads)
    counter.add(already)
    deadline = time.monotonic() + CLIENT_DEADLINE
    # (A tiny SO_RCVBUF would measure TCP's persist timer, ~0.1 s a segment, not the server.)
    size = 65536 if not slow else 16384
    while time.monotonic() < deadline:
        if slow:
            time.sleep(0.005)  # backpressure: the server's sends must wait, not pile up
        answered = ending == "clean" and counter.finals >= len(heads)
        if answered:
            sock.settimeout(0.05)  # anything more would be a finding: look briefly
        try:
            data = sock.recv(size)
        except socket.timeout:
            if answered:
                return bytes(received)
            continue
        except OSError:
            return bytes(received)  # a reset after a lingering close: what came, came
        if not data:
            return bytes(received)
        received += data
        counter.add(data)
        deadline = time.monotonic() + CLIENT_DEADLINE
    raise Finding("S4 connection stalled past every server timeout", repr(bytes(received)[:200]))


class FinalCounter:
    """Counts the complete final responses in a growing stream (the reader's view, no
    checks), keeping only the bytes after the last complete one (linear, not quadratic)."""

    def __init__(self, heads: list[http11.RequestHead]) -> None:
        self.heads = heads
        self.pending = b""  # the bytes after the last complete response
        self.finals = 0

    def add(self, data: bytes) -> None:
        """Take more bytes and count what they complete."""
        self.pending += data
        while self.pending:
            index = self.finals
            head_request = index < len(self.heads) and self.heads[index].method == b"HEAD"
            try:
                response, end = read_response(self.pending, 0, head_request, False)
            except (Truncated, Finding):
                return
            if not response.complete:
                return
            self.pending = self.pending[end:]
            if response.status >= 200:
                self.finals += 1


def check_stream(plan: ClientPlan, received: bytes, salt: int) -> None:
    """S4: the bytes a client read are well-formed responses, in order, one per request
    head, unless the server announced a close or an app cut its response short."""
    if plan.mode in ("cut", "no-read", "reset"):
        return
    heads, bodies, ending = local_messages(b"".join(plan.pieces), plan.mode == "half-close")
    position, finals, closed, excused = 0, 0, False, False
    expect(b"Injected" not in received, "S4 app header injected", repr(received[:300]))
    while position < len(received):
        expect(not closed, "S4 bytes after Connection: close", repr(received[position:][:80]))
        head = heads[finals] if finals < len(heads) else None
        head_request = head is not None and head.method == b"HEAD"
        try:
            response, position = read_response(received, position, head_request, True)
        except Truncated:
            raise Finding("S4 truncated head", repr(received[position:][:200])) from None
        if response.status == 100:
            expect(head is not None and head.expects_continue, "S4 unexpected 100 Continue")
            continue
        expect(response.status >= 200, "S4 no final response", str(response.status))
        behaviour = None if head is None else Behaviour.for_request(salt, head.method, head.target)
        # An app that lies about its length or fails mid-body may end the connection unsaid.
        # So may one that reads a body that never arrives whole after its head went out.
        excused = excused or (behaviour is not None and (behaviour.misbehaves
                                                         or not is_benign("length", behaviour.length)
                                                         or bodies[finals] is None))  # fmt: skip
        expect(response.complete or excused, "S4 short response", repr(behaviour))
        if response.server_made and response.complete and not head_request:
            check_error_body(response)
        expect(head is not None or response.server_made, "S4 app response without a request")
        if behaviour is not None and not response.server_made:
            wanted = wanted_body(behaviour, response, head_request)
            expect(wanted.startswith(response.body), "S4 body is not the app's", repr(behaviour))
            expect(response.body == wanted or excused, "S4 partial body", repr(behaviour))
        closed = response.values(b"connection") == [b"close"]
        if head is not None and not head.keep_alive:  # RFC 9112 §9.6: SHOULD say so
            expect(closed, "S4 close requested, not announced")
        finals += 1
        expect(finals <= len(heads) + 1, "S4 more responses than requests")
        if finals == len(heads) + 1:
            expect(response.server_made, "S4 an extra response is not a server-made error")
    if ending == "clean" and not closed and not excused:
        expect(finals >= len(heads), "S4 a request went unanswered", f"{finals} of {len(heads)}")


def run_batch(
    plans: list[ClientPlan], salt: int, file_path: str, stop_early: bool, crowded: bool
) -> None:
    """S1-S5 for one server serving ``plans`` (one to three clients at a time).

    ``stop_early``: shut the server down while the clients are still at it (graceful
    shutdown with requests in flight); what those clients read is not checked then.
    ``crowded``: a connection cap of 4, and the health check made while four slowloris
    connections (half a head each) are open.
    """
    baseline, descriptors = threading.active_count(), open_descriptors()
    app = SocketApp(salt, file_path)
    failures: list[tuple[ClientPlan, Finding]] = []
    with captured_errors() as capture:
        options = {**SERVER_OPTIONS, "max_connections": 4 if crowded else 1000}
        options["threads"] = 1 + salt % 2  # one worker, or two
        server = Server(app, "127.0.0.1", 0, **options)
        server.start()
        clients = threading.Thread(
            target=lambda: failures.extend(run_clients(server.server_address, plans, salt))
        )
        try:
            clients.start()
            if stop_early:
                time.sleep(random.Random(salt).uniform(0.0, 0.3))
                server.shutdown(timeout=1.0)
            clients.join()
            if not stop_early:
                with slow_connections(server.server_address, 4 if crowded else 0):
                    health_check(server.server_address)
        finally:
            stopping = time.monotonic()
            server.shutdown(timeout=2.0)
            took = time.monotonic() - stopping
            clients.join()
    for plan, failure in failures if not stop_early else []:
        raise Finding(failure.rule, f"{failure.detail}\nclient plan:\n{plan!r}\nsalt={salt}")
    expect(took < 2.0 + 1.0 + 2.0, "S2 shutdown overran its grace and write timeouts", f"{took}")
    expect(threading.active_count() == baseline, "S2 thread leak", repr(threading.enumerate()))
    expect(open_descriptors() <= descriptors, "S2 socket leak", f"{descriptors} before")
    for behaviour, result in app.returned:
        if isinstance(result, Closing):
            expect(result.closes == 1, "S5 close() exactly once", f"{result.closes} {behaviour}")
    for entry in capture.records:
        check_socket_log(entry, salt, plans)


@contextlib.contextmanager
def slow_connections(address: tuple[str, int], count: int) -> Iterator[None]:
    """``count`` connections that send half a head and wait (slowloris)."""
    with contextlib.ExitStack() as stack:
        for _ in range(count):
            sock = stack.enter_context(socket.create_connection(address, timeout=1.0))
            with contextlib.suppress(OSError):
                sock.sendall(b"GET / HTTP/1.1\r\nHo")
        yield


def open_descriptors() -> int:
    """How many file descriptors this process has open (0 where /proc is missing)."""
    with contextlib.suppress(OSError):
        return len(os.listdir("/proc/self/fd"))
    return 0


def run_clients(
    address: tuple[str, int], plans: list[ClientPlan], salt: int
) -> list[tuple[ClientPlan, Finding]]:
    """Run the plans a few at a time; the findings, with their plans."""
    failures: list[tuple[ClientPlan, Finding]] = []

    def client(plan: ClientPlan) -> None:
        try:
            check_stream(plan, run_client(address, plan, salt), salt)
        except Finding as finding:
            failures.append((plan, finding))
        except OSError as error:  # connecting must work; the rest is the client's business
            if plan.mode not in ("cut", "no-read", "reset"):
                failures.append((plan, Finding("S4 client socket error", repr(error))))

    index = 0
    while index < len(plans):
        group = plans[index : index + (index % 3) + 1]
        threads = [threading.Thread(target=client, args=(plan,)) for plan in group]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        index += len(group)
    return failures


def health_check(address: tuple[str, int]) -> None:
    """S1: a fresh well-formed request is answered 200 promptly."""
    started = time.monotonic()
    try:
        with socket.create_connection(address, timeout=3.0) as sock:
            sock.sendall(HEALTH)
            data = b""
            while not data.endswith(b"\r\n\r\nok"):
                more = sock.recv(4096)
                expect(more, "S1 health check: connection closed", repr(data))
                data += more
    except OSError as error:
        raise Finding("S1 health check failed", repr(error)) from error
    expect(data.startswith(b"HTTP/1.1 200 "), "S1 health check status", repr(data[:80]))
    expect(time.monotonic() - started < 3.0, "S1 health check slow")


def check_socket_log(entry: logging.LogRecord, salt: int, plans: list[ClientPlan]) -> None:
    """S3: only deliberate app errors and Content-Length complaints are logged."""
    message = entry.getMessage()
    if "Content-Length" in message and not entry.exc_info:
        return
    expect(message.startswith("error in WSGI application ("), "S3 unexpected log", describe(entry))
    method, _, target = message[len("error in WSGI application (") : -1].partition(" ")
    behaviour = Behaviour.for_request(salt, method.encode("latin-1"), target.encode("latin-1"))
    expect(behaviour.misbehaves, "S3 logged an error of a well-behaved app", describe(entry))


def watchdog(seconds: float) -> None:
    """(Re)arm the hang detector: if it is not re-armed within ``seconds``, print every
    thread's stack and exit with status 1 (a hang is a finding too)."""
    faulthandler.dump_traceback_later(seconds, exit=True)


def describe(entry: logging.LogRecord) -> str:
    """A log record with its traceback, for a finding's report."""
    text = entry.getMessage()
    if entry.exc_info:
        text += "\n" + "".join(traceback.format_exception(*entry.exc_info))
    return text


def fuzz_sockets(
    count: Optional[int], seconds: Optional[float], seed: int, file_path: str
) -> dict[str, int]:
    """Mode 2: batches of clients against a fresh server each; counts by client mode."""
    with contextlib.ExitStack() as stack:
        stack.callback(faulthandler.cancel_dump_traceback_later)
        return _fuzz_sockets(count, seconds, seed, file_path)


def _fuzz_sockets(
    count: Optional[int], seconds: Optional[float], seed: int, file_path: str
) -> dict[str, int]:
    rng = random.Random(seed ^ 0x5EED)
    corpus = seeds()
    valid = accepted(corpus)
    outcomes: dict[str, int] = {}
    deadline = None if seconds is None else time.monotonic() + seconds
    done = 0
    while (count is None or done < count) and (deadline is None or time.monotonic() < deadline):
        watchdog(20 * CLIENT_DEADLINE + 30.0)  # a batch never takes this long unless it hangs
        size = rng.randint(5, 20) if count is None else min(rng.randint(5, 20), count - done)
        plans = [random_plan(corpus, valid, rng) for _ in range(size)]
        server_module.ONE_SHOT_EPOLL = EPOLL and rng.random() < 0.5  # both pollers
        salt, stop_early, crowded = rng.randrange(2**32), rng.random() < 0.1, rng.random() < 0.2
        run_batch(plans, salt, file_path, stop_early, crowded)
        for plan in plans:
            outcomes[plan.mode] = outcomes.get(plan.mode, 0) + 1
        done += size
    return outcomes


# ---------------------------------------------------------------------------------------
# Drivers.
# ---------------------------------------------------------------------------------------


@contextlib.contextmanager
def file_for_wrapper() -> Iterator[str]:
    """A real file holding FILE_BODY (and an empty one beside it, ``empty_file``), for
    ``wsgi.file_wrapper`` and sendfile."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "body.bin"
        path.write_bytes(FILE_BODY)
        Path(empty_file(str(path))).write_bytes(b"")
        yield str(path)


def empty_file(file_path: str) -> str:
    """The empty file next to ``file_path``."""
    return str(Path(file_path).with_name("empty.bin"))


def fuzz(
    count: Optional[int], seconds: Optional[float], seed: int, mode: str = "both"
) -> dict[str, dict[str, int]]:
    """Run the chosen modes; with ``seconds`` the gateway gets 3/4 of the time, with
    ``count`` the socket mode runs ``count // 20`` clients (at least 5)."""
    results: dict[str, dict[str, int]] = {}
    with file_for_wrapper() as file_path:
        if mode in ("both", "gateway"):
            share = None if seconds is None else seconds * (0.75 if mode == "both" else 1.0)
            results["gateway"] = fuzz_gateway(count, share, seed, file_path)
        if mode in ("both", "sockets"):
            share = None if seconds is None else seconds * (0.25 if mode == "both" else 1.0)
            clients = None if count is None else max(count // 20, 5)
            results["sockets"] = fuzz_sockets(clients, share, seed, file_path)
    return results


def main() -> int:
    """Command line: ``--seconds N`` or ``--count N`` (default: 10 seconds), ``--seed``,
    ``--mode both|gateway|sockets``."""
    options = argparse.ArgumentParser(description="Fuzzer for tinyweb's gateway and server")
    options.add_argument("--seconds", type=float, default=None)
    options.add_argument("--count", type=int, default=None)
    options.add_argument("--seed", type=int, default=None)
    options.add_argument("--mode", choices=("both", "gateway", "sockets"), default="both")
    options.add_argument("--include-known", action="store_true", help="draw KNOWN_FINDINGS too")
    arguments = options.parse_args()
    global INCLUDE_KNOWN
    INCLUDE_KNOWN = arguments.include_known
    seconds = arguments.seconds
    if seconds is None and arguments.count is None:
        seconds = 10.0
    seed = arguments.seed if arguments.seed is not None else random.randrange(2**32)
    started = time.monotonic()
    try:
        results = fuzz(arguments.count, seconds, seed, arguments.mode)
    except Finding as finding:
        print(f"fuzz_server: seed {seed}: invariant broken: {finding}", file=sys.stderr)
        return 1
    elapsed = time.monotonic() - started
    print(f"fuzz_server: seed {seed}: {elapsed:.1f} s, all invariants held")
    for mode, outcomes in results.items():
        total = sum(outcomes.values())
        summary = ", ".join(f"{key}={value}" for key, value in sorted(outcomes.items()))
        print(f"  {mode}: {total} inputs ({summary})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
