"""Regressions found by fuzz/fuzz_server.py: each test is a minimised fuzz input.

A test that documents a bug not fixed yet is a strict xfail, so the suite stays green and
turns red the moment the fix lands (then drop the mark, and the entry in the fuzzer's
``KNOWN_FINDINGS`` that keeps long runs from stopping at it).
"""

from __future__ import annotations

import sys
from collections import deque
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "fuzz"))

import fuzz_server
from fuzz_server import Behaviour, Case

from tinyweb import gateway, http11

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
