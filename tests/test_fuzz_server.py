"""A smoke run of fuzz/fuzz_server.py, so the server fuzzer itself cannot rot.

The long runs are ``make fuzz`` (or ``python fuzz/fuzz_server.py --seconds 600``); here a
few hundred inputs go through the in-process gateway mode and a few clients through the
real-socket mode, the strict response reader is shown to refuse what it must, and planted
gateway bugs are shown to be caught (a fuzzer that cannot fail proves nothing).
"""

from __future__ import annotations

import faulthandler
import random
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "fuzz"))

import fuzz_server
from fuzz_server import Behaviour, Case, Finding

from tinyweb import gateway, http11

GET = b"GET / HTTP/1.1\r\nHost: h\r\n\r\n"


@pytest.fixture(scope="module")
def file_path() -> Iterator[str]:
    with fuzz_server.file_for_wrapper() as path:
        yield path


def test_the_gateway_mode_holds_every_invariant_for_a_few_hundred_inputs(file_path: str) -> None:
    outcomes = fuzz_server.fuzz_gateway(count=600, seconds=None, seed=20241124, file_path=file_path)
    assert sum(outcomes.values()) == 600
    assert outcomes.get("served", 0) and outcomes.get("refused", 0)  # it reaches both sides


def test_the_socket_mode_holds_every_invariant_for_a_few_clients(file_path: str) -> None:
    outcomes = fuzz_server.fuzz_sockets(count=12, seconds=None, seed=20241124, file_path=file_path)
    assert sum(outcomes.values()) == 12


def test_the_fuzzer_is_seeded_from_every_table() -> None:
    corpus = fuzz_server.seeds()
    for name in fuzz_server.SEED_FILES:
        assert fuzz_server.table_requests(Path(fuzz_server.ROOT, "tests", name)), name
    assert len(fuzz_server.accepted(corpus)) >= 100


@pytest.mark.parametrize(
    ("rule", "raw"),
    [
        ("G2 status line", b"HTTP/1.1 20 OK\r\nDate: d\r\nServer: s\r\nContent-Length: 0\r\n\r\n"),
        ("G2 field line", b"HTTP/1.1 200 OK\r\nDate: d\r\nServer: s\r\nX\n: y\r\nContent-Length: 0\r\n\r\n"),
        ("G2 field line", b"HTTP/1.1 200 OK\r\nDate: d\r\nServer: s\r\nX : y\r\nContent-Length: 0\r\n\r\n"),
        ("G2 exactly one framing", b"HTTP/1.1 200 OK\r\nDate: d\r\nServer: s\r\nContent-Length: 0\r\nContent-Length: 0\r\n\r\n"),
        ("G2 exactly one framing", b"HTTP/1.1 200 OK\r\nDate: d\r\nServer: s\r\nContent-Length: 0\r\nTransfer-Encoding: chunked\r\n\r\n"),
        ("G2 Content-Length digits", b"HTTP/1.1 200 OK\r\nDate: d\r\nServer: s\r\nContent-Length: +1\r\n\r\nx"),
        ("G2 no length on 1xx/204", b"HTTP/1.1 204 No Content\r\nDate: d\r\nServer: s\r\nContent-Length: 0\r\n\r\n"),
        ("G2 Date present", b"HTTP/1.1 200 OK\r\nServer: s\r\nContent-Length: 0\r\n\r\n"),
        ("G2 Server present", b"HTTP/1.1 200 OK\r\nDate: d\r\nContent-Length: 0\r\n\r\n"),
        ("G2 chunk size line", b"HTTP/1.1 200 OK\r\nDate: d\r\nServer: s\r\nTransfer-Encoding: chunked\r\n\r\n+1\r\nx\r\n0\r\n\r\n"),
        ("G2 chunk data not followed by CRLF", b"HTTP/1.1 200 OK\r\nDate: d\r\nServer: s\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nxy\r\n0\r\n\r\n"),
        ("G2 close-delimited needs close", b"HTTP/1.0 200 OK\r\nDate: d\r\nServer: s\r\n\r\nbody"),
        ("G4 server-made error says Connection: close", b"HTTP/1.1 400 Bad Request\r\nDate: d\r\nServer: s\r\nContent-Length: 0\r\n\r\n"),
        ("G4 server-made status is an error", b"HTTP/1.1 200 OK\r\nDate: d\r\nServer: s\r\nContent-Length: 0\r\n\r\n"),
    ],
)  # fmt: skip
def test_the_strict_reader_refuses_malformed_responses(rule: str, raw: bytes) -> None:
    if "G4" not in rule:
        raw = raw.replace(b"Server: s\r\n", b"Server: s\r\nX-App: 1\r\n")  # app-made
    with pytest.raises(Finding) as caught:
        fuzz_server.read_response(raw, 0, head_request=False, at_eof=True)
    assert caught.value.rule == rule


def test_the_strict_reader_reads_what_the_gateway_writes() -> None:
    head = http11.format_response_head(200, "OK", [("Date", "d"), ("Server", "s"), ("X-App", "1")])
    chunked = head[:-2] + b"Transfer-Encoding: chunked\r\n\r\n"
    chunked += http11.encode_chunk(b"abc") + http11.LAST_CHUNK
    response, end = fuzz_server.read_response(chunked + GET, 0, False, False)
    assert (response.body, response.complete, end) == (b"abc", True, len(chunked))
    cut, _ = fuzz_server.read_response(chunked[:-3], 0, False, False)
    assert not cut.complete


def test_error_pages_that_echo_input_are_caught() -> None:
    own = gateway.error_response(400, "malformed request line")
    response, _ = fuzz_server.read_response(own, 0, False, True)
    fuzz_server.check_error_body(response)
    echoed = gateway.error_response(400, "bad target /<script>alert(1)</script>")
    response, _ = fuzz_server.read_response(echoed, 0, False, True)
    with pytest.raises(Finding, match="echoes input"):
        fuzz_server.check_error_body(response)


def test_a_planted_bug_is_caught_and_minimised(
    monkeypatch: pytest.MonkeyPatch, file_path: str
) -> None:
    # A gateway that forgets the last chunk: the fuzzer must notice and shrink the input.
    monkeypatch.setattr(gateway.http11, "LAST_CHUNK", b"")
    with pytest.raises(Finding, match="minimised reproducer") as caught:
        fuzz_server.fuzz_gateway(count=3000, seconds=None, seed=1, file_path=file_path)
    assert caught.value.rule.startswith("G")


def test_a_close_that_is_never_called_is_caught(
    monkeypatch: pytest.MonkeyPatch, file_path: str
) -> None:
    monkeypatch.setattr(gateway, "_nothing", lambda: None)
    monkeypatch.setattr(fuzz_server.Closing, "close", lambda self: None)
    case = Case((GET,), (Behaviour(result="closing"),))
    with pytest.raises(Finding, match="close"):
        fuzz_server.check_case(case, file_path)


def test_a_well_behaved_case_passes_and_keeps_the_connection(file_path: str) -> None:
    pipelined = GET + b"HEAD /h HTTP/1.1\r\nHost: h\r\n\r\n"
    transcript = fuzz_server.check_case(Case((pipelined,)), file_path)
    assert [record.outcome.keep_alive for record in transcript.exchanges] == [True, True]


def test_behaviours_are_mostly_well_behaved_and_reproducible() -> None:
    drawn = [Behaviour.random(random.Random(seed)) for seed in range(300)]
    assert 0.4 < sum(not b.misbehaves for b in drawn) / len(drawn) < 0.9
    again = Behaviour.for_request(7, b"GET", b"/x")
    assert again == Behaviour.for_request(7, b"GET", b"/x")


@pytest.mark.parametrize("mode", ["gateway", "sockets"])
def test_the_hang_detector_is_off_once_a_run_returns(
    mode: str, file_path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The runs arm faulthandler.dump_traceback_later(exit=True); left armed, it would kill
    # the rest of the test session a minute later.
    calls: list[str] = []
    monkeypatch.setattr(faulthandler, "dump_traceback_later", lambda *a, **k: calls.append("arm"))
    monkeypatch.setattr(faulthandler, "cancel_dump_traceback_later", lambda: calls.append("off"))
    run = fuzz_server.fuzz_gateway if mode == "gateway" else fuzz_server.fuzz_sockets
    run(5, None, 1, file_path)
    assert calls[0] == "arm" and calls[-1] == "off"
