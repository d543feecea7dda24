"""Hypothesis properties of tinyweb.http11: invariants that must hold for any input.

- A request split at any set of points parses to the same events (Data merged), and a
  malformed one to the same status.
- Random and mutated bytes never raise anything but ProtocolError, and never hang.
- Chunked encode -> decode is the identity.
- format_response_head never emits CR or LF inside a line, whatever text it is given.
"""

from __future__ import annotations

from typing import Any, Union

from hypothesis import given
from hypothesis import strategies as st
from test_http11 import MALFORMED, VALID

from tinyweb.http11 import (
    FIELD_LINE,
    LAST_CHUNK,
    NEED_DATA,
    PAUSED,
    ConnectionClosed,
    Data,
    EndOfMessage,
    Limits,
    ProtocolError,
    RequestHead,
    RequestParser,
    encode_chunk,
    format_response_head,
)

LIMITS = Limits(max_body_size=10)
STATUSES = {400, 413, 414, 431, 501, 505}
Outcome = Union[list[Any], int]


def pieces(data: bytes, cuts: list[int]) -> list[bytes]:
    """``data`` cut at the given offsets (any order, repeats allowed)."""
    points = sorted({cut % (len(data) + 1) for cut in cuts} | {0, len(data)})
    return [data[start:stop] for start, stop in zip(points, points[1:])]


def run(chunks: list[bytes], limits: Limits = LIMITS) -> Outcome:
    """Feed the chunks one by one, pulling events after each, then close the peer.

    Returns the events (consecutive Data merged, since Data boundaries follow the
    feeds) or the status of the ProtocolError. Bounded: a hang is a failure.
    """
    parser = RequestParser(limits)
    events: list[Any] = []
    try:
        for chunk in [*filter(None, chunks), b""]:  # b"" means "closed": only at the end
            parser.feed(chunk)
            for _ in range(10_000):
                event = parser.next_event()
                if event is NEED_DATA:
                    break
                if event is PAUSED:
                    parser.start_next_request()
                    continue
                if isinstance(event, ConnectionClosed):
                    return merge_data(events)
                events.append(event)
            else:
                raise AssertionError("the parser did not stop producing events")
    except ProtocolError as error:
        assert error.status in STATUSES
        assert str(error) == error.reason
        return error.status
    raise AssertionError("the peer closed but the parser still waits")


def merge_data(events: list[Any]) -> list[Any]:
    merged: list[Any] = []
    for event in events:
        if isinstance(event, Data) and merged and isinstance(merged[-1], Data):
            merged[-1] = Data(merged[-1].data + event.data)
        else:
            merged.append(event)
    return merged


VALID_BYTES = [case[1] for case in VALID]
MALFORMED_BYTES = [case[1] for case in MALFORMED]
CUTS = st.lists(st.integers(min_value=0, max_value=100_000), max_size=12)


@given(st.sampled_from(VALID_BYTES), CUTS)
def test_any_split_of_a_valid_request_gives_the_same_events(data: bytes, cuts: list[int]) -> None:
    assert run(pieces(data, cuts)) == run([data])


@given(st.sampled_from(VALID_BYTES), st.sampled_from(VALID_BYTES), CUTS)
def test_any_split_of_pipelined_requests_gives_the_same_events(
    first: bytes, second: bytes, cuts: list[int]
) -> None:
    assert run(pieces(first + second, cuts)) == run([first, second])


def test_every_byte_boundary_of_every_valid_request() -> None:
    for data in VALID_BYTES:
        whole = run([data])
        assert run([data[index : index + 1] for index in range(len(data))]) == whole
        for cut in range(len(data) + 1):
            assert run([data[:cut], data[cut:]]) == whole


@given(st.sampled_from(MALFORMED_BYTES), CUTS)
def test_any_split_of_a_malformed_request_gives_the_same_status(
    data: bytes, cuts: list[int]
) -> None:
    assert run(pieces(data, cuts)) == run([data])


@given(st.binary(max_size=300), CUTS)
def test_random_bytes_only_ever_raise_protocol_error(data: bytes, cuts: list[int]) -> None:
    run(pieces(data, cuts))


MUTATION_BYTES = [b"\r", b"\n", b"\x00", b"\x0b", b"\x85", b"\xa0", b" ", b"\t", b":", b","]


@st.composite
def mutated_requests(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(VALID_BYTES + MALFORMED_BYTES)))
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        position = draw(st.integers(min_value=0, max_value=len(data)))
        action = draw(st.sampled_from(["flip", "insert", "delete"]))
        if action == "insert":
            data[position:position] = draw(st.sampled_from(MUTATION_BYTES))
        elif position < len(data):
            if action == "flip":
                data[position] ^= 1 << draw(st.integers(min_value=0, max_value=7))
            else:
                del data[position]
    return bytes(data)


@given(mutated_requests(), CUTS)
def test_mutated_requests_only_ever_raise_protocol_error_and_split_consistently(
    data: bytes, cuts: list[int]
) -> None:
    whole = run([data])
    assert run(pieces(data, cuts)) == whole
    if isinstance(whole, list):
        for event in whole:
            check_event_is_clean(event)


def check_event_is_clean(event: Any) -> None:
    """What a parsed head or trailer can never contain, whatever the input was."""
    fields = (
        event.headers
        if isinstance(event, RequestHead)
        else event.trailers
        if isinstance(event, EndOfMessage)
        else []
    )
    for name, value in fields:
        assert FIELD_LINE.fullmatch(name + b": " + value + b"\r\n"), (name, value)
    if isinstance(event, RequestHead):
        assert not any(byte <= 0x20 or byte >= 0x7F for byte in event.target)


@given(st.lists(st.binary(min_size=0, max_size=70), max_size=8), CUTS)
def test_chunked_encode_decode_round_trip(chunks: list[bytes], cuts: list[int]) -> None:
    body = b"".join(encode_chunk(chunk) for chunk in chunks) + LAST_CHUNK
    request = b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" + body
    outcome = run(pieces(request, cuts), Limits())
    assert isinstance(outcome, list)
    data = b"".join(event.data for event in outcome if isinstance(event, Data))
    assert data == b"".join(chunks)
    assert outcome[-1] == EndOfMessage([])


@given(
    st.integers(min_value=100, max_value=999),
    st.text(max_size=20),
    st.lists(st.tuples(st.text(max_size=12), st.text(max_size=30)), max_size=6),
)
def test_format_response_head_never_emits_cr_or_lf_inside_a_line(
    status: int, reason: str, headers: list[tuple[str, str]]
) -> None:
    try:
        head = format_response_head(status, reason, headers)
    except ValueError:
        return
    assert head.endswith(b"\r\n\r\n")
    lines = head[:-4].split(b"\r\n")
    assert len(lines) == 1 + len(headers)
    for line in lines:
        assert b"\r" not in line and b"\n" not in line and b"\x00" not in line
    for line in lines[1:]:  # and every header line is one our own parser accepts
        assert FIELD_LINE.fullmatch(line + b"\r\n"), line
