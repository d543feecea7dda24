"""Regressions found by fuzz/fuzz_server.py: each test is a minimised fuzz input.

A test that documents a bug not fixed yet is a strict xfail, so the suite stays green and
turns red the moment the fix lands (then drop the mark, and the entry in the fuzzer's
``KNOWN_FINDINGS`` that keeps long runs from stopping at it).
"""

from __future__ import annotations

import logging
import socket
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Callable

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "fuzz"))

import fuzz_server
from fuzz_server import Behaviour, Case

from tinyweb import gateway, http11
from tinyweb.server import Server

INFO = gateway.ConnectionInfo("testserver", 8000, "192.0.2.7", 51234)


def serve_connection(raw: bytes, app: Callable[..., Iterable[bytes]]) -> tuple[bytes, list[bool]]:
    """What the server does with ``raw`` on one connection: (bytes sent, keep_alive of each)."""
    parser = http11.RequestParser()
    parser.feed(raw)
    parser.feed(b"")
    sent: list[bytes] = []
    channel = gateway.Channel(sent.append, lambda: b"")
    kept: list[bool] = []
    while True:
        head = parser.next_event()
        if not isinstance(head, http11.RequestHead):
            return b"".join(sent), kept
        outcome = gateway.Exchange(head, parser, channel, INFO).run(app)
        kept.append(outcome.keep_alive)
        if not outcome.keep_alive:
            return b"".join(sent), kept
        assert parser.next_event() is http11.PAUSED
        parser.start_next_request()


def statuses(output: bytes) -> list[int]:
    """The status codes of the responses in ``output`` (bodies here are empty)."""
    heads = deque(output.split(b"\r\n\r\n"))
    return [int(head.split(b" ")[1]) for head in heads if head.startswith(b"HTTP/")]


def early_hints(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    start_response("103 Early Hints", [("Link", "</style.css>; rel=preload")])
    return []


def test_a_1xx_status_from_the_app_is_not_a_final_response() -> None:
    # Minimised from: fuzz_server.py --seed 1 --include-known, "G2 no final response".
    pipelined = b"GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\n"
    output, kept = serve_connection(pipelined, early_hints)
    finals = [status for status in statuses(output) if status >= 200]
    # Every request that got any answer gets a final one (a 500: the app broke PEP 3333's
    # contract, a status for *the* response), and no 1xx is left dangling.
    assert len(finals) == len(kept), (output, kept)
    assert all(status >= 200 for status in statuses(output)), output


def test_no_1xx_goes_to_an_http10_client() -> None:
    output, _ = serve_connection(b"GET / HTTP/1.0\r\n\r\n", early_hints)
    assert all(status >= 200 for status in statuses(output)), output


def test_finding_1_as_the_fuzzer_replays_it() -> None:
    case = Case((b"T / HTTP/1.0\r\n\r\n",), (Behaviour(status="103 Early Hints"),))
    with fuzz_server.file_for_wrapper() as file_path:
        fuzz_server.check_case(case, file_path)


def test_an_empty_file_wrapper_is_sent_without_an_error(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Minimised from: fuzz_server.py --mode sockets --seed 101, "S3 logged an error of a
    # well-behaved app". Serving an empty static file is the everyday way to get here.
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        start_response("200 OK", [("Content-Type", "text/plain")])
        return environ["wsgi.file_wrapper"](open(empty, "rb"))

    baseline = threading.active_count()
    caplog.set_level(logging.ERROR, logger="tinyweb.error")
    request = b"GET / HTTP/1.1\r\nHost: t\r\n\r\n"
    with Server(app, "127.0.0.1", 0, threads=1, access_log=False) as server:
        with socket.create_connection(server.server_address[:2], timeout=5) as sock:
            sock.sendall(request * 2)  # pipelined: the connection must survive the first
            received = read_until(sock, lambda data: data.count(b"Content-Length: 0") == 2)
    assert threading.active_count() == baseline
    assert statuses(received) == [200, 200], received
    assert not [r for r in caplog.records if r.name == "tinyweb.error"], caplog.text


def test_finding_2_as_the_fuzzer_replays_it() -> None:
    case = Case((b"GET / HTTP/1.1\r\nHost: h\r\n\r\n",), (Behaviour(result="empty-file"),))
    with fuzz_server.file_for_wrapper() as file_path:
        fuzz_server.check_case(case, file_path)


def read_until(sock: socket.socket, done: Callable[[bytes], bool]) -> bytes:
    """Read until ``done(data)``, EOF, or a reset."""
    data = b""
    while not done(data):
        try:
            more = sock.recv(65536)
        except OSError:
            break
        if not more:
            break
        data += more
    return data


@pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="Linux's EPOLLOUT and send-buffer autotuning"
)
def test_a_slow_but_steady_reader_gets_the_whole_response() -> None:
    # Found by fuzz_server.py --mode sockets --seed 23 (slow-read client, a long pipeline of
    # 320 KiB bodies); reduced here to one big body and a reader at ~3 MB/s against a write
    # timeout of 0.3 s. It never stalls: each wait should see progress within 0.05 s.
    body_size = 8 * 1024 * 1024
    chunk = b"x" * 65536

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        start_response("200 OK", [("Content-Length", str(body_size))])
        return [chunk] * (body_size // len(chunk))

    baseline = threading.active_count()
    with Server(app, "127.0.0.1", 0, threads=1, write_timeout=0.3, access_log=False) as server:
        with socket.create_connection(server.server_address[:2], timeout=5) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
            received = 0
            while received < body_size:  # head bytes make it end a little early: fine
                time.sleep(0.02)  # a steady ~3 MB/s
                data = read_some(sock)
                if not data:
                    break
                received += len(data)
    assert threading.active_count() == baseline
    assert received >= body_size


def read_some(sock: socket.socket) -> bytes:
    """Up to 64 KiB; b"" at EOF or on a reset."""
    try:
        return sock.recv(65536)
    except OSError:
        return b""


def test_finding_4_as_the_fuzzer_replays_it() -> None:
    # fuzz_server.py --mode sockets --seed 201, "S4 partial body": an HTTP/1.0 request
    # answered with a close-delimited 320 KiB body, then a second request from the client.
    # The server closed outright once the response was out; the second request met a
    # closed socket, the reset erased the unread response. Fixed by lingering after every
    # response (tests/test_server_audit.py: test_every_close_after_a_response_lingers).
    plan = fuzz_server.ClientPlan(
        pieces=(b"G", b"ET /", b" HTTP/", b"1.0\r\nHost:", b" example.com\r\n\r\n", b"",
                b"GET /after HTTP", b"/1.1\r\nHost: h\r\n", b"\r\n"),
        delays=(0.005, 0.005, 0.001, 0.005, 0.0, 0.005, 0.005, 0.0, 0.0),
        mode="read",
    )  # fmt: skip
    with fuzz_server.file_for_wrapper() as file_path:
        fuzz_server.run_batch([plan], 2012430984, file_path, stop_early=False, crowded=False)
