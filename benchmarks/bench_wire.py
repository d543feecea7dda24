"""Wire strictness side by side: the same hostile and unusual requests to every server.

Issue 3 asks for a server "stricter than waitress and gunicorn"; this script checks the
claim the way a client sees it. Every server runs the same echo app (it answers ``app``,
the method, the path, the body length it read and two header values it was given) in its
own subprocess. Each case opens a connection, sends its bytes, then, 0.15 s later, a
harmless probe request on the same connection, and reads until the probe is answered, the
server closes, or it stays silent for 0.6 s. The responses are parsed in order; an answer from the app says so in its
body, so a request the server should have refused, or bytes it parsed as a second
("smuggled") request, show up as an extra ``app`` answer.

Each case says what a correct server does, and how strongly the rules say it:

- **MUST**: RFC 9112 / RFC 9110 require it (the section is named in the case). Most are
  the request-smuggling surface: framing a front end and a back end could read differently.
- **SHOULD**: the bytes break the message grammar; RFC 9112 §2.2 says a server SHOULD
  answer 400 and close.
- **policy**: what HTTP.md asks beyond the RFCs, with the reason (the RFCs allow leniency
  that has caused CVEs, or the case is an impersonation trick, not a grammar error).
- **app**: the app breaks PEP 3333 or HTTP (``/misbehave/...``: a CR LF in a header
  value, a body shorter or longer than its Content-Length, a body for HEAD, 204 or 304,
  its own Transfer-Encoding, an exception mid-body); the server must keep the wire well
  framed, judged on the raw bytes.
- **valid**: legal requests that are unusual; strictness must not refuse them.

A cell shows the status codes received in order (``200x2`` is the answer and the probe;
``-`` is no HTTP response at all) and ``✓``/``✗`` against what the case expects. A refusal counts
only if the app never saw the request and the connection closed (the probe unanswered).

Run from the repository root (the peers come with the ``bench`` extra)::

    python benchmarks/bench_wire.py                 # ~15 seconds
    python benchmarks/bench_wire.py --only tinyweb --verbose
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import sys
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HERE = os.path.dirname(os.path.abspath(__file__))
THREADS = 8
PROBE = b"GET /probe HTTP/1.1\r\nHost: example.com\r\n\r\n"


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """Say what arrived: method, path, body length, and the X-Probe / X-Auth-User values.
    Under ``/misbehave/`` it breaks the rules instead (see ``MISBEHAVIOURS``)."""
    path = environ.get("PATH_INFO", "")
    if path.startswith("/misbehave/"):
        status, headers, body = MISBEHAVIOURS[path[len("/misbehave/") :]]
        start_response(status, headers)
        return body()
    stream = environ["wsgi.input"]
    length = (environ.get("CONTENT_LENGTH") or "").strip(" \t")  # some servers leave OWS
    if environ.get("wsgi.input_terminated"):
        body = stream.read()  # the server ends the stream (chunked bodies)
    elif re.fullmatch(r"[0-9]{1,9}", length):
        body = stream.read(int(length))
    else:
        body = b""
    text = (
        f"app {environ['REQUEST_METHOD']} {environ.get('PATH_INFO', '')} body={len(body)} "
        f"x={environ.get('HTTP_X_PROBE')!r} user={environ.get('HTTP_X_AUTH_USER')!r}"
    ).encode("ascii", "backslashreplace")
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(text)))])
    return [text]


def _fails_midway() -> Iterator[bytes]:
    yield b"12345"
    raise RuntimeError("the app fails after its first piece")


# What the app does at /misbehave/NAME: status, headers, and the body iterable to return.
MISBEHAVIOURS: dict[str, tuple[str, list[tuple[str, str]], Callable[[], Iterable[bytes]]]] = {
    "split": ("200 OK", [("Content-Length", "2"), ("X-Note", "a\r\nSet-Cookie: evil=1")], lambda: [b"ok"]),
    "short": ("200 OK", [("Content-Length", "10")], lambda: [b"12345"]),
    "long": ("200 OK", [("Content-Length", "5")], lambda: [b"1234567890"]),
    "head": ("200 OK", [("Content-Length", "5")], lambda: [b"12345"]),
    "204": ("204 No Content", [], lambda: [b"oops"]),
    "304": ("304 Not Modified", [], lambda: [b"oops"]),
    "chunked": ("200 OK", [("Transfer-Encoding", "chunked")], lambda: [b"hello"]),
    "midway": ("200 OK", [("Content-Length", "10")], _fails_midway),
}  # fmt: skip


# -- the servers, each started as `python bench_wire.py --serve NAME PORT` ---------------


def serve(name: str, port: int) -> None:
    if name == "tinyweb":
        sys.path.insert(0, ROOT)
        from tinyweb.server import Server

        Server(app, "127.0.0.1", port, threads=THREADS, access_log=False).serve_forever()
    elif name == "waitress":
        import waitress

        waitress.serve(app, host="127.0.0.1", port=port, threads=THREADS, _quiet=True)
    elif name == "werkzeug":
        import logging

        from werkzeug.serving import run_simple

        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        run_simple("127.0.0.1", port, app, threaded=True)
    elif name == "wsgiref":
        import wsgiref.simple_server

        class QuietHandler(wsgiref.simple_server.WSGIRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

        wsgiref.simple_server.make_server("127.0.0.1", port, app, handler_class=QuietHandler
                                          ).serve_forever()  # fmt: skip


SERVERS = ("tinyweb", "waitress", "gunicorn", "werkzeug", "wsgiref")


def command_for(name: str, port: int) -> list[str]:
    if name == "gunicorn":
        gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
        return [gunicorn, "-k", "gthread", "--threads", str(THREADS), "-w", "1",
                "--log-level", "critical", "--chdir", HERE, "-b", f"127.0.0.1:{port}",
                "bench_wire:app"]  # fmt: skip
    return [sys.executable, os.path.abspath(__file__), "--serve", name, str(port)]


# -- one exchange: send, probe, read everything, parse the responses --------------------


@dataclass
class Response:
    status: int
    body: bytes

    @property
    def from_app(self) -> bool:
        return self.body.startswith(b"app ")

    @property
    def probe(self) -> bool:
        return self.body.startswith(b"app GET /probe ")


@dataclass
class Outcome:
    responses: list[Response]
    closed: bool  # the server closed the connection (or reset it)
    raw: bytes = b""  # everything received

    def after_first_head(self) -> bytes:
        """The bytes after the first response's head."""
        end = self.raw.find(b"\r\n\r\n")
        return self.raw[end + 4 :] if end >= 0 else b""

    def cell(self) -> str:
        """The statuses in order, runs collapsed: ``200x4``, ``400``, ``-`` for none."""
        runs: list[list[int]] = []
        for response in self.responses:
            if runs and runs[-1][0] == response.status:
                runs[-1][1] += 1
            else:
                runs.append([response.status, 1])
        return (
            ",".join(f"{status}x{count}" if count > 1 else str(status) for status, count in runs)
            or "-"
        )

    @property
    def app_answers(self) -> list[Response]:
        """The app's answers to the case itself (not to the probe)."""
        return [response for response in self.responses if response.from_app and not response.probe]

    @property
    def refused(self) -> bool:
        """An error status first, the app never called, the connection then closed."""
        first = self.responses[0] if self.responses else None
        return (
            first is not None and first.status >= 400 and not self.app_answers
            and not any(response.probe for response in self.responses)
        )  # fmt: skip


def exchange(port: int, payload: bytes, pause: float = 0.15, quiet: float = 0.6) -> Outcome:
    """Send ``payload``, ``pause``, send the probe; read until the probe is answered, the
    server closes, or it stays silent for ``quiet`` seconds."""
    received = b""
    closed = False
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        try:
            sock.sendall(payload)
            time.sleep(pause)
            sock.sendall(PROBE)
        except OSError:
            pass  # the server may have closed already; read what it sent
        sock.settimeout(quiet)
        head_first = payload.startswith(b"HEAD ")
        while not any(response.probe for response in parse_responses(received, head_first)):
            try:
                data = sock.recv(65536)
            except socket.timeout:
                break
            except OSError:
                closed = True
                break
            if not data:
                closed = True
                break
            received += data
    return Outcome(parse_responses(received, head_first), closed, received)


def parse_responses(data: bytes, head_first: bool = False) -> list[Response]:
    """Split a byte stream into responses (Content-Length, chunked, or to the end; none
    for 1xx, 204, 304, and the first when ``head_first``: the answer to a HEAD)."""
    responses: list[Response] = []
    while True:
        match = re.match(rb"HTTP/1\.[01] (\d{3})[^\r\n]*\r\n", data)
        end = data.find(b"\r\n\r\n")
        if not match or end < 0:
            return responses
        head, rest = data[: end + 2], data[end + 4 :]
        length = re.search(rb"(?im)^content-length:\s*(\d+)\s*$", head)
        status = int(match.group(1))
        if status < 200 or status in (204, 304) or (head_first and not responses):
            body = b""
        elif re.search(rb"(?im)^transfer-encoding:\s*chunked\s*$", head):
            body = b""
            while (line_end := rest.find(b"\r\n")) >= 0:
                size_text = rest[:line_end].split(b";")[0]
                if not re.fullmatch(rb"[0-9a-fA-F]{1,16}", size_text):
                    responses.append(Response(int(match.group(1)), body))
                    return responses  # not chunked after all: the stream is broken here
                size = int(size_text, 16)
                body += rest[line_end + 2 : line_end + 2 + size]
                rest = rest[line_end + 2 + size + 2 :]
                if size == 0:
                    rest = rest[rest.find(b"\r\n") + 2 :] if not rest.startswith(b"\r\n") else rest
                    break
        elif length:
            body, rest = rest[: int(length.group(1))], rest[int(length.group(1)) :]
        else:
            body, rest = rest, b""
        responses.append(Response(int(match.group(1)), body))
        data = rest


# -- the cases ---------------------------------------------------------------------------


def refused(outcome: Outcome) -> bool:
    return outcome.refused


def once_then_closed(outcome: Outcome) -> bool:
    """Refused, or answered by the app at most once and then closed (RFC 9112 §6.1, §6.3)."""
    return outcome.refused or (
        len(outcome.app_answers) <= 1
        and not any(r.probe for r in outcome.responses)
        and outcome.closed
    )


def app_saw(expected: bytes) -> Callable[[Outcome], bool]:
    """Answered by the app once, with ``expected`` in what it saw. The probe may go
    unanswered: a server may close a connection after any response (RFC 9112 §9.6)."""

    def check(outcome: Outcome) -> bool:
        answers = outcome.app_answers
        return len(answers) == 1 and expected in answers[0].body

    return check


def refused_or_app_saw(expected: bytes) -> Callable[[Outcome], bool]:
    """Refused, or the app saw the value with the bad bytes replaced (RFC 9110 §5.5)."""
    saw = app_saw(expected)
    return lambda outcome: outcome.refused or saw(outcome)


def app_answered_in_order(*paths: bytes) -> Callable[[Outcome], bool]:
    """The app answered these paths in this order; a server that closes early (RFC 9112
    §9.3.2 lets the client retry the rest) may answer only the first ones."""

    def check(outcome: Outcome) -> bool:
        seen = [response.body.split(b" ")[2] for response in outcome.app_answers]
        return bool(seen) and seen == list(paths[: len(seen)])

    return check


def answered_then_closed(outcome: Outcome) -> bool:
    return (
        len(outcome.app_answers) == 1
        and outcome.closed
        and not any(r.probe for r in outcome.responses)
    )


def no_body_sent(outcome: Outcome) -> bool:
    """Nothing after the first head but the probe's answer (or the end of the stream)."""
    rest = outcome.after_first_head()
    return bool(outcome.responses) and (
        rest.startswith(b"HTTP/1.") or (rest == b"" and outcome.closed)
    )


def exactly(body: bytes) -> Callable[[Outcome], bool]:
    """The app's Content-Length is kept: ``body`` and then only the probe's answer or the end."""

    def check(outcome: Outcome) -> bool:
        rest = outcome.after_first_head()
        if outcome.responses and outcome.responses[0].status == 500:
            return True  # refused before anything was sent: also sound
        return rest.startswith(body) and (
            rest[len(body) :].startswith(b"HTTP/1.") or (rest == body and outcome.closed)
        )

    return check


def cut_then_closed(body: bytes) -> Callable[[Outcome], bool]:
    """Only ``body`` (what the app gave) and then the end: the message came out shorter
    than its Content-Length, so only closing tells the client (anything sent after it
    would be read as the rest of the body)."""
    return lambda outcome: outcome.closed and outcome.after_first_head() == body


def not_split(outcome: Outcome) -> bool:
    """The app's CR LF never reaches the wire as a header line of its own."""
    return bool(outcome.responses) and b"\r\nSet-Cookie: evil=1" not in outcome.raw


def probe_answered(outcome: Outcome) -> bool:
    """The stream stayed well framed: the probe's answer parsed after the first response, or
    the server refused with 500 and closed."""
    if outcome.responses and outcome.responses[0].status == 500 and outcome.closed:
        return True
    return any(response.probe for response in outcome.responses)


HOST = b"Host: example.com\r\n"
POST = b"POST /case HTTP/1.1\r\n" + HOST
CHUNKED = POST + b"Transfer-Encoding: chunked\r\n"


@dataclass
class Case:
    name: str
    grade: str  # MUST, SHOULD, policy, valid
    rule: str
    payload: bytes
    check: Callable[[Outcome], bool]


CASES = [
    # -- MUST: the RFCs require the refusal (or say exactly what else is allowed) --------
    Case("space before colon", "MUST", "RFC 9112 §5.1: 400", POST + b"Content-Length : 5\r\n\r\nhello", refused),
    Case("no Host in HTTP/1.1", "MUST", "RFC 9112 §3.2: 400", b"GET /case HTTP/1.1\r\n\r\n", refused),
    Case("two Host fields", "MUST", "RFC 9112 §3.2: 400", b"GET /case HTTP/1.1\r\n" + HOST + b"Host: other.example\r\n\r\n", refused),
    Case("Host with userinfo", "MUST", "RFC 9112 §3.2: invalid Host, 400", b"GET /case HTTP/1.1\r\nHost: user@example.com\r\n\r\n", refused),
    Case("Host with a space", "MUST", "RFC 9112 §3.2: invalid Host, 400", b"GET /case HTTP/1.1\r\nHost: exa mple.com\r\n\r\n", refused),
    Case("Content-Length +5", "MUST", "RFC 9112 §6.3: invalid length, 400 + close", POST + b"Content-Length: +5\r\n\r\nhello", refused),
    Case("Content-Length 0x5", "MUST", "RFC 9112 §6.3: invalid length, 400 + close", POST + b"Content-Length: 0x5\r\n\r\nhello", refused),
    Case("Content-Length 0_5", "MUST", "RFC 9112 §6.3: invalid length (Python's int() takes it)", POST + b"Content-Length: 0_5\r\n\r\nhello", refused),
    Case("Content-Length -1", "MUST", "RFC 9112 §6.3: invalid length, 400 + close", POST + b"Content-Length: -1\r\n\r\n", refused),
    Case("Content-Length 5 and 6", "MUST", "RFC 9112 §6.3: differing lengths, 400 + close", POST + b"Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", refused),
    Case("Content-Length 5, 6", "MUST", "RFC 9112 §6.3: differing lengths, 400 + close", POST + b"Content-Length: 5, 6\r\n\r\nhello!", refused),
    Case("Content-Length fullwidth 5", "MUST", "RFC 9112 §6.3: not ASCII digits", POST + "Content-Length: ５\r\n\r\nhello".encode(), refused),
    Case("chunked, then gzip", "MUST", "RFC 9112 §6.3: chunked not last, 400 + close", POST + b"Transfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n", refused),
    Case("Transfer-Encoding xchunked", "MUST", "RFC 9112 §6.3/§6.1: 400 or 501, close", POST + b"Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n", refused),
    Case("Transfer-Encoding identity", "MUST", "RFC 9112 §6.3: chunked not last (identity is gone since RFC 7230)", POST + b"Transfer-Encoding: identity\r\n\r\n", refused),
    Case("TE and Content-Length", "MUST", "RFC 9112 §6.3: refuse, or TE alone then close", CHUNKED + b"Content-Length: 3\r\n\r\n0\r\n\r\n", once_then_closed),
    Case("TE on HTTP/1.0", "MUST", "RFC 9112 §6.1: framing faulty, close after", b"POST /case HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", once_then_closed),
    Case("NUL in a value", "MUST", "RFC 9110 §5.5: refuse, or NUL becomes SP", b"GET /case HTTP/1.1\r\n" + HOST + b"X-Probe: a\x00b\r\n\r\n", refused_or_app_saw(b"x='a b'")),
    Case("bare CR in a value", "MUST", "RFC 9110 §5.5: refuse, or CR becomes SP", b"GET /case HTTP/1.1\r\n" + HOST + b"X-Probe: a\rb\r\n\r\n", refused_or_app_saw(b"x='a b'")),
    Case("obs-fold", "MUST", "RFC 9112 §5.2: 400, or the fold becomes SP", b"GET /case HTTP/1.1\r\n" + HOST + b"X-Probe: a\r\n b\r\n\r\n", refused_or_app_saw(b"x='a b'")),
    Case("Connection: keep-alive, close", "MUST", "RFC 9112 §9.6: close anywhere in the list", b"GET /case HTTP/1.1\r\n" + HOST + b"Connection: keep-alive, close\r\n\r\n", answered_then_closed),
    # -- SHOULD: outside the grammar; RFC 9112 §2.2: 400 and close -----------------------
    Case("chunk size 0x5", "SHOULD", "§7.1 chunk-size is HEXDIG only", CHUNKED + b"\r\n0x5\r\nhello\r\n0\r\n\r\n", refused),
    Case("chunk size +5", "SHOULD", "§7.1 chunk-size is HEXDIG only", CHUNKED + b"\r\n+5\r\nhello\r\n0\r\n\r\n", refused),
    Case("chunk size with space", "SHOULD", "§7.1 chunk-size is HEXDIG only", CHUNKED + b"\r\n 5\r\nhello\r\n0\r\n\r\n", refused),
    Case("chunk data overruns", "SHOULD", "§7.1 chunk-data is followed by CRLF", CHUNKED + b"\r\n3\r\nhello\r\n0\r\n\r\n", refused),
    Case("chunk extension with CTL", "SHOULD", "§7.1.1 chunk-ext grammar", CHUNKED + b"\r\n5;a\x01b\r\nhello\r\n0\r\n\r\n", refused),
    Case("field name with a space", "SHOULD", "§5 field-name is a token", b"GET /case HTTP/1.1\r\n" + HOST + b"X Probe: a\r\n\r\n", refused),
    Case("fragment in the target", "SHOULD", "§3.2 origin-form has no fragment", b"GET /case#frag HTTP/1.1\r\n" + HOST + b"\r\n", refused),
    Case("raw non-ASCII in the target", "SHOULD", "§3.2 the target is ASCII (RFC 3986)", "GET /caf\u00e9 HTTP/1.1\r\n".encode() + HOST + b"\r\n", refused),
    Case("space in the target", "SHOULD", "§3 the target has no SP", b"GET /a b HTTP/1.1\r\n" + HOST + b"\r\n", refused),
    Case("version HTTP/1.1x", "SHOULD", "§2.3 HTTP-version grammar", b"GET /case HTTP/1.1x\r\n" + HOST + b"\r\n", refused),
    # -- policy: HTTP.md, beyond the RFCs --------------------------------------------------
    Case("bare LF line ends", "policy", "RFC allows LF; parsers disagree (smuggling)", b"GET /case HTTP/1.1\n" + b"Host: example.com\n\n", refused),
    Case("bare LF after chunk data", "policy", "parsers disagree on LF in chunks", CHUNKED + b"\r\n5\nhello\n0\n\n", refused),
    Case("two spaces in the line", "policy", "RFC allows any whitespace; parsers disagree", b"GET  /case HTTP/1.1\r\n" + HOST + b"\r\n", refused),
    Case("X_Auth_User impersonation", "policy", "'_' names dropped (X_Auth_User poses as X-Auth-User)", b"GET /case HTTP/1.1\r\n" + HOST + b"X-Auth-User: alice\r\nX_Auth_User: mallory\r\n\r\n", lambda outcome: outcome.refused or app_saw(b"user='alice'")(outcome)),
    Case("chunked twice", "policy", "RFC 9112 §6.1 forbids a sender to; ambiguous", POST + b"Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n", refused),
    Case("HTTP/2.0 request line", "policy", "505 HTTP Version Not Supported", b"GET /case HTTP/2.0\r\n" + HOST + b"\r\n", refused),
    Case("chunk size 2^64 + 5", "policy", "past any body limit: refuse at once (C parsers overflow to 5)", CHUNKED + b"\r\n10000000000000005\r\nhello\r\n0\r\n\r\n", refused),
    # -- app: the app breaks PEP 3333 or HTTP; the server must keep the wire well framed ---
    Case("app header with CR LF", "app", "RFC 9110 §5.5: no response splitting", b"GET /misbehave/split HTTP/1.1\r\n" + HOST + b"\r\n", not_split),
    Case("app body short of its length", "app", "RFC 9112 §6.3: close, or the client hangs", b"GET /misbehave/short HTTP/1.1\r\n" + HOST + b"\r\n", cut_then_closed(b"12345")),
    Case("app body past its length", "app", "RFC 9112 §6.2: exactly Content-Length bytes", b"GET /misbehave/long HTTP/1.1\r\n" + HOST + b"\r\n", exactly(b"12345")),
    Case("app body for HEAD", "app", "RFC 9110 §9.3.2: no content", b"HEAD /misbehave/head HTTP/1.1\r\n" + HOST + b"\r\n", no_body_sent),
    Case("app body for 204", "app", "RFC 9110 §15.3.5: no content", b"GET /misbehave/204 HTTP/1.1\r\n" + HOST + b"\r\n", no_body_sent),
    Case("app body for 304", "app", "RFC 9110 §15.4.5: no content", b"GET /misbehave/304 HTTP/1.1\r\n" + HOST + b"\r\n", no_body_sent),
    Case("app sets Transfer-Encoding", "app", "PEP 3333: hop-by-hop from an app is fatal", b"GET /misbehave/chunked HTTP/1.1\r\n" + HOST + b"\r\n", probe_answered),
    Case("app fails mid-body", "app", "RFC 9112 §6.3: close, the message is cut", b"GET /misbehave/midway HTTP/1.1\r\n" + HOST + b"\r\n", cut_then_closed(b"12345")),
    # -- valid: unusual but legal; strictness must not refuse them --------------------------
    Case("chunked with extensions", "valid", "§7.1.1 quoted-string extension", CHUNKED + b"\r\n5;name=\"va;lue\"\r\nhello\r\n0\r\n\r\n", app_saw(b"body=5")),
    Case("chunked with a trailer", "valid", "§7.1.2 trailer section", CHUNKED + b"\r\n5\r\nhello\r\n0\r\nX-Trailer: 1\r\n\r\n", app_saw(b"body=5")),
    Case("Transfer-Encoding Chunked", "valid", "§7 coding names are case-insensitive", POST + b"Transfer-Encoding: Chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", app_saw(b"body=5")),
    Case("tabs around a value", "valid", "§5 OWS is SP or HTAB", POST + b"Content-Length:\t5\t\r\n\r\nhello", app_saw(b"body=5")),
    Case("absolute-form target", "valid", "§3.2.2 servers accept absolute-form", b"GET http://example.com/case HTTP/1.1\r\n" + HOST + b"\r\n", app_saw(b"/case")),
    Case("empty line before the request", "valid", "§2.2 SHOULD ignore one CRLF first", b"\r\nGET /case HTTP/1.1\r\n" + HOST + b"\r\n", app_saw(b"/case")),
    Case("three pipelined requests", "valid", "§9.3.2 answered in order", b"".join(b"GET /" + n + b" HTTP/1.1\r\n" + HOST + b"\r\n" for n in (b"1", b"2", b"3")), app_answered_in_order(b"/1", b"/2", b"/3")),
    Case("body ends, next request begins", "valid", "§6.3 the length ends the body", POST + b"Content-Length: 5\r\n\r\nhelloGET /next HTTP/1.1\r\n" + HOST + b"\r\n", app_answered_in_order(b"/case", b"/next")),
]  # fmt: skip


def run_server(name: str, cases: list[Case]) -> list[Outcome]:
    from bench_server import Running  # its sibling (the script's directory is on sys.path)

    server = Running(name, command_for)
    try:
        with ThreadPoolExecutor(max_workers=1 if name == "wsgiref" else 6) as pool:
            return list(pool.map(lambda case: exchange(server.port, case.payload), cases))
    finally:
        server.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--serve", nargs=2, metavar=("NAME", "PORT"), help=argparse.SUPPRESS)
    parser.add_argument("--only", nargs="*", default=list(SERVERS), choices=list(SERVERS))
    parser.add_argument("--verbose", action="store_true", help="print every response body")
    arguments = parser.parse_args()
    if arguments.serve:
        serve(arguments.serve[0], int(arguments.serve[1]))
        return 0
    names = arguments.only
    results = {name: run_server(name, CASES) for name in names}
    width = max(len(case.name) for case in CASES)
    print(
        f"bench_wire: {len(CASES)} cases, Python {sys.version.split()[0]}; a cell: statuses in order, ✓/✗"
    )
    print(f"{'case':<{width}} {'grade':<6} " + " ".join(f"{name:>12}" for name in names) + "  rule")
    totals: dict[tuple[str, str], list[int]] = {}
    for index, case in enumerate(CASES):
        cells = []
        for name in names:
            outcome = results[name][index]
            good = case.check(outcome)
            score = totals.setdefault((name, case.grade), [0, 0])
            score[0] += good
            score[1] += 1
            cells.append(f"{outcome.cell()[:9]} {'✓' if good else '✗'}")
            if arguments.verbose:
                bodies = [response.body[:80] for response in outcome.responses]
                print(f"    {name} {case.name}: closed={outcome.closed} {bodies}")
        print(
            f"{case.name:<{width}} {case.grade:<6} "
            + " ".join(f"{cell:>12}" for cell in cells)
            + f"  {case.rule}"
        )
    print()
    for grade in ("MUST", "SHOULD", "policy", "app", "valid"):
        scores = "".join(
            f"{name} {totals[(name, grade)][0]}/{totals[(name, grade)][1]}   " for name in names
        )
        print(f"{grade + ':':<8}{scores}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
