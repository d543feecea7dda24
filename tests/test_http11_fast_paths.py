"""The fast paths of tinyweb.http11 give exactly what the plain paths give.

- COMMON_FIELD_LINE (the common field line: a non-empty value without trailing OWS) accepts
  a subset of FIELD_LINE's lines, with the same name and value; every other line makes the
  parser fall back to FIELD_LINE, so a section mixing both shapes parses the same.
- Keep-alive is decided the same with or without the Connection fast path.
- EndOfMessage and RequestHead, built without their dataclass __init__, equal the ones the
  constructor builds and stay frozen.
- A Host value already found valid on the connection is not checked again, and a pipeline
  of requests gives what each request gives on a fresh parser, whatever Hosts they carry.
"""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tinyweb.http11 import (
    COMMON_FIELD_LINE,
    FIELD_LINE,
    EndOfMessage,
    Framing,
    ProtocolError,
    RequestHead,
    RequestParser,
)

# Bytes that matter to the field-line grammar: token bytes, separators, OWS, CTLs, CR/LF,
# obs-text, and the colon.
FIELD_BYTES = st.sampled_from(
    [bytes([byte]) for byte in b'aZ-0!: \t\r\n\x00\x0b\x7f\x80\xff(",;=/']
)
RANDOM_LINES = st.lists(FIELD_BYTES, max_size=24).map(b"".join)
OWS = st.lists(st.sampled_from([b" ", b"\t"]), max_size=3).map(b"".join)
PIECES = st.lists(FIELD_BYTES, max_size=8).map(b"".join)
NAMES = st.one_of(st.sampled_from([b"X", b"Host", b"a-b!"]), PIECES)
VCHARS = st.sampled_from([b"a", b"!", b"\x80", b"\xff", b":"])
VALUES = st.one_of(PIECES, st.tuples(VCHARS, PIECES, VCHARS).map(b"".join))
# name ":" OWS value OWS, each piece drawn from grammar bytes and a few bad ones.
SHAPED_LINES = st.tuples(NAMES, OWS, VALUES, OWS).map(
    lambda parts: parts[0] + b":" + parts[1] + parts[2] + parts[3]
)
FIELD_LINES = st.one_of(RANDOM_LINES, SHAPED_LINES)


@given(FIELD_LINES)
def test_common_field_line_is_a_subset_of_field_line_with_the_same_groups(line: bytes) -> None:
    line += b"\r\n"
    common, plain = COMMON_FIELD_LINE.fullmatch(line), FIELD_LINE.fullmatch(line)
    if common is not None:
        assert plain is not None
        assert common.groups() == plain.groups()
    elif plain is not None:
        # Only an empty value or a value with trailing OWS is left to FIELD_LINE.
        assert plain.group(2) is None or line[-3:-2] in (b" ", b"\t")


def fields_of(*field_lines: bytes) -> list[tuple[bytes, bytes]]:
    parser = RequestParser()
    parser.feed(b"GET / HTTP/1.1\r\nHost: a\r\n" + b"".join(field_lines) + b"\r\n")
    head = parser.next_event()
    assert isinstance(head, RequestHead)
    return head.headers[1:]


@pytest.mark.parametrize(
    "field_lines, expected",
    [
        ([b"X: 1\r\n"], [(b"X", b"1")]),
        ([b"X: a b\r\n", b"Y: c\r\n"], [(b"X", b"a b"), (b"Y", b"c")]),
        # Each of these sends the section to FIELD_LINE; the other lines are unchanged.
        ([b"X: 1\r\n", b"Empty:\r\n", b"Y: 2\r\n"], [(b"X", b"1"), (b"Empty", b""), (b"Y", b"2")]),
        ([b"X: 1\r\n", b"Empty: \t \r\n"], [(b"X", b"1"), (b"Empty", b"")]),
        ([b"X: 1 \r\n", b"Y: 2\r\n"], [(b"X", b"1"), (b"Y", b"2")]),
        ([b"X: a b\t\r\n"], [(b"X", b"a b")]),
        ([b"X:\t a \t\r\n", b"Y:b\r\n"], [(b"X", b"a"), (b"Y", b"b")]),
    ],
)
def test_sections_mixing_common_and_other_lines(
    field_lines: list[bytes], expected: list[tuple[bytes, bytes]]
) -> None:
    assert fields_of(*field_lines) == expected


@pytest.mark.parametrize(
    "field_line",
    [b"X: a\x00 \r\n", b"X: \x00\r\n", b"X : a\r\n", b" X: a\r\n", b"X: a\rb\r\n"],
)
def test_a_bad_line_is_still_refused_after_the_fallback(field_line: bytes) -> None:
    parser = RequestParser()
    parser.feed(b"GET / HTTP/1.1\r\nHost: a\r\n" + field_line + b"\r\n")
    with pytest.raises(ProtocolError) as caught:
        parser.next_event()
    assert caught.value.status == 400


@pytest.mark.parametrize(
    "line",
    [
        b"X:" + b" " * 60_000 + b"\x00",
        b"X: a" + b" " * 60_000 + b"\x00",
        b"X: a" + b" a" * 30_000 + b" \x00",
        b"X: a" + b"\t" * 60_000,
    ],
)
def test_common_field_line_fails_fast_on_pathological_lines(line: bytes) -> None:
    # Overlapping quantifiers would backtrack for minutes on these (ReDoS); no timing
    # assertion (performance lives in benchmarks): a hang here fails the suite's run.
    assert COMMON_FIELD_LINE.findall(line + b"\r\n") == []


def test_end_of_message_without_init_equals_the_constructed_one() -> None:
    parser = RequestParser()
    parser.feed(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n")
    parser.next_event()
    end_of_message = parser.next_event()
    assert type(end_of_message) is EndOfMessage
    assert end_of_message == EndOfMessage([]) == EndOfMessage()
    with pytest.raises(dataclasses.FrozenInstanceError):
        end_of_message.trailers = []  # type: ignore[misc]


def test_request_head_without_init_equals_the_constructed_one() -> None:
    parser = RequestParser()
    parser.feed(b"GET /a HTTP/1.1\r\nHost: h\r\n\r\n")
    head = parser.next_event()
    assert head == RequestHead(
        method=b"GET", target=b"/a", version=b"1.1", headers=[(b"Host", b"h")],
        keep_alive=True, expects_continue=False, framing=Framing.NONE,
        content_length=None, path=b"/a", authority=b"h",
    )  # fmt: skip


@pytest.mark.parametrize(
    "version, connection_lines, keep_alive",
    [
        (b"1.1", [], True),
        (b"1.1", [b"Connection: keep-alive"], True),  # the fast path: no "close" letters
        (b"1.1", [b"Connection: Upgrade"], True),
        (b"1.1", [b"Connection: close"], False),
        (b"1.1", [b"Connection: CLOSE"], False),
        (b"1.1", [b"Connection: keep-alive, Close"], False),
        (b"1.1", [b"Connection: keep-alive", b"Connection: close"], False),
        (b"1.1", [b"Connection: x-close"], True),  # "close" letters, but not the option
        (b"1.1", [b"Connection: closed"], True),
        (b"1.0", [], False),
        (b"1.0", [b"Connection: keep-alive"], True),
        (b"1.0", [b"Connection: Keep-Alive, close"], False),
        (b"1.0", [b"Connection: x-keep-alive"], False),
    ],
)
def test_keep_alive_with_and_without_the_connection_fast_path(
    version: bytes, connection_lines: list[bytes], keep_alive: bool
) -> None:
    parser = RequestParser()
    lines = b"".join(line + b"\r\n" for line in [b"Host: a", *connection_lines])
    parser.feed(b"GET / HTTP/" + version + b"\r\n" + lines + b"\r\n")
    head = parser.next_event()
    assert isinstance(head, RequestHead)
    assert head.keep_alive is keep_alive


# Valid and invalid Host values (HOST accepts an empty one; a request-target's authority
# may not be empty). Each request is sent in origin-form or in absolute-form.
HOSTS = [b"a", b"a:80", b"[::1]:8", b"", b"a b", b"a@b", b"a,b", b":80", b"b.test", b"%zz"]


def outcome_of(parser: RequestParser) -> tuple[int, bytes]:
    """(0, authority) of the next request, or (status, b"") of its error."""
    try:
        head = parser.next_event()
    except ProtocolError as error:
        return error.status, b""
    assert isinstance(head, RequestHead)
    parser.next_event()  # EndOfMessage
    parser.start_next_request()
    return 0, head.authority


@given(st.lists(st.tuples(st.sampled_from(HOSTS), st.sampled_from(HOSTS), st.booleans()),
                min_size=1, max_size=4))  # fmt: skip
def test_a_pipeline_checks_each_host_as_a_fresh_parser_would(
    requests: list[tuple[bytes, bytes, bool]],
) -> None:
    heads = [
        b"GET " + (b"http://" + authority + b"/" if absolute else b"/") + b" HTTP/1.1\r\n"
        b"Host: " + host + b"\r\n\r\n"
        for host, authority, absolute in requests
    ]
    alone = []
    for data in heads:
        parser = RequestParser()
        parser.feed(data)
        alone.append(outcome_of(parser))
    connection = RequestParser()
    connection.feed(b"".join(heads))
    for expected in alone:
        assert outcome_of(connection) == expected
        if expected[0]:
            break  # the parser is dead after an error


def test_a_host_valid_on_one_request_does_not_excuse_another_on_the_same_connection() -> None:
    parser = RequestParser()
    parser.feed(b"GET / HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a@b\r\n\r\n")
    assert outcome_of(parser) == (0, b"a")
    assert outcome_of(parser) == (400, b"")
