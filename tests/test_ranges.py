"""Tests for tinyweb/ranges.py: Range, If-Range and Content-Range as objects.

Header values are tables in and objects out (malformed input included: reading never
raises); the Range grammar is the one ``send_file`` reads (``caching.parse_range_specs``),
so a spec send_file honours is a spec ``request.range`` holds; a ContentRange read from a
response writes every change back.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tinyweb.caching import parse_range, parse_range_specs
from tinyweb.errors import RangeNotSatisfiable
from tinyweb.ranges import (
    ContentRange,
    IfRange,
    Range,
    parse_content_range,
    parse_if_range,
    parse_range_header,
)
from tinyweb.request import Request
from tinyweb.response import Response
from tinyweb.testing import build_environ

# -- Range ------------------------------------------------------------------------------------

RANGE_TABLE = [
    ("bytes=0-499", "bytes", [(0, 500)]),
    ("bytes=0-499, 500-", "bytes", [(0, 500), (500, None)]),
    ("bytes=-500", "bytes", [(-500, None)]),
    ("bytes=9500-", "bytes", [(9500, None)]),
    ("Bytes=1-2", "bytes", [(1, 3)]),
    ("bytes = 0-5", "bytes", [(0, 6)]),
    ("bytes= 1-2 ,", "bytes", [(1, 3)]),  # RFC 9110 §5.6.1: empty elements are dropped
    ("items=0-5", "items", [(0, 6)]),
    ("bytes=0-4,-5", "bytes", [(0, 5), (-5, None)]),
]


@pytest.mark.parametrize(("header", "units", "ranges"), RANGE_TABLE)
def test_a_valid_range_header_reads_as_units_and_half_open_ranges(
    header: str, units: str, ranges: list[tuple[int, int | None]]
) -> None:
    parsed = parse_range_header(header)
    assert parsed is not None
    assert (parsed.units, parsed.ranges) == (units, ranges)


INVALID_RANGES = [
    None,
    "",
    "bytes",
    "bytes=",
    "bytes=abc",
    "bytes=5-1",  # last < first
    "bytes=+1-2",
    "bytes=\u0661-2",  # Arabic-Indic digit
    "bytes=-0",  # a suffix of nothing
    "bytes=0-5,3-7",  # overlapping (Werkzeug's rule)
    "bytes=5-9,0-1",  # descending
    "bytes=-5,0-4",  # a range after a suffix range
    "bytes=5-,6-7",  # a range after an open range
    "by tes=0-1",  # the unit is not a token
    "bytes=1-2;x",
]


@pytest.mark.parametrize("header", INVALID_RANGES)
def test_an_invalid_range_header_reads_as_none(header: str | None) -> None:
    assert parse_range_header(header) is None


FOR_LENGTH = [
    ("bytes=0-499", 1000, (0, 500)),
    ("bytes=900-99999", 1000, (900, 1000)),  # last-pos beyond the end is clipped
    ("bytes=500-", 1000, (500, 1000)),
    ("bytes=-100", 1000, (900, 1000)),
    ("bytes=-2000", 1000, (0, 1000)),  # RFC 9110 §14.1.3: a longer suffix is everything
    ("bytes=1000-", 1000, None),  # nothing satisfiable
    ("bytes=0-1,5-6", 1000, None),  # several ranges
    ("items=0-1", 1000, None),  # another unit
    ("bytes=0-0", 0, None),  # an empty body has no bytes to send
]


@pytest.mark.parametrize(("header", "length", "expected"), FOR_LENGTH)
def test_range_for_length_is_the_one_satisfiable_byte_range(
    header: str, length: int, expected: tuple[int, int] | None
) -> None:
    parsed = parse_range_header(header)
    assert parsed is not None
    assert parsed.range_for_length(length) == expected
    assert parsed.range_for_length(None) is None


def test_a_range_answers_with_its_content_range() -> None:
    parsed = parse_range_header("bytes=-100")
    assert parsed is not None
    assert parsed.to_content_range_header(1000) == "bytes 900-999/1000"
    content_range = parsed.make_content_range(1000)
    assert content_range is not None and content_range.to_header() == "bytes 900-999/1000"
    assert parsed.make_content_range(0) is None
    assert parsed.to_content_range_header(0) is None


def test_a_range_writes_back_the_header_it_was_read_from() -> None:
    parsed = parse_range_header("bytes=0-499,600-,")
    assert parsed is not None
    assert parsed.to_header() == str(parsed) == "bytes=0-499,600-"
    assert Range("bytes", [(-5, None)]).to_header() == "bytes=-5"
    assert repr(Range("bytes", [(0, 1)])) == "<Range 'bytes=0-0'>"


@pytest.mark.parametrize("ranges", [[(5, 5)], [(5, 1)], [(-1, 3)]])
def test_a_range_refuses_spans_that_select_nothing(ranges: list[tuple[int, int]]) -> None:
    with pytest.raises(ValueError, match="not a valid range"):
        Range("bytes", ranges)


@given(st.integers(0, 10**6), st.integers(0, 10**6), st.integers(1, 10**6))
def test_request_range_and_send_file_agree_on_a_single_range(
    first: int, span: int, size: int
) -> None:
    header = f"bytes={first}-{first + span}"
    parsed = parse_range_header(header)
    assert parsed is not None
    try:
        served = parse_range(header, size)
    except RangeNotSatisfiable:
        assert parsed.range_for_length(size) is None
    else:
        assert served is not None
        assert parsed.range_for_length(size) == (served.start, served.stop)


def test_the_range_grammar_is_read_in_one_place() -> None:
    assert parse_range_specs("bytes=0-499, -500, 9500-") == (
        "bytes",
        [(0, 499), (None, 500), (9500, None)],
    )
    assert parse_range_specs("bytes=9-1") is None


# -- If-Range -----------------------------------------------------------------------------------


def test_if_range_is_a_date_or_a_strong_tag_or_empty() -> None:
    by_date = parse_if_range("Sun, 06 Nov 1994 08:49:37 GMT")
    assert by_date.date == datetime(1994, 11, 6, 8, 49, 37, tzinfo=timezone.utc)
    assert by_date.etag is None
    assert by_date.to_header() == "Sun, 06 Nov 1994 08:49:37 GMT"
    by_tag = parse_if_range('W/"v2"')
    assert (by_tag.etag, by_tag.date) == ("v2", None)  # a range needs the strong tag
    assert str(by_tag) == '"v2"'
    absent = parse_if_range(None)
    assert (absent.etag, absent.date, absent.to_header()) == (None, None, "")
    assert repr(IfRange("x")) == "<IfRange '\"x\"'>"


@pytest.mark.parametrize("value", ['"v2', 'W/"a"b"', '"'])
def test_a_malformed_if_range_prints_as_sent(value: str) -> None:
    # It matches no tag (RFC 9110 §13.1.5: the condition is false, the whole body goes
    # out); printing it once raised the ValueError of quote_etag, a 500 for an app that
    # logged request.if_range.
    if_range = parse_if_range(value)
    assert (if_range.to_header(), str(if_range)) == (value, value)
    assert repr(if_range) == f"<IfRange {value!r}>"


# -- Content-Range ------------------------------------------------------------------------------

CONTENT_RANGE_TABLE = [
    ("bytes 0-499/1234", ("bytes", 0, 500, 1234)),
    ("bytes 0-499/*", ("bytes", 0, 500, None)),
    ("bytes */1234", ("bytes", None, None, 1234)),
    (" bytes 7-7/8 ", ("bytes", 7, 8, 8)),
]


@pytest.mark.parametrize(("header", "parts"), CONTENT_RANGE_TABLE)
def test_a_content_range_reads_as_its_parts_and_writes_back_the_same(
    header: str, parts: tuple[str, int | None, int | None, int | None]
) -> None:
    parsed = parse_content_range(header)
    assert parsed is not None
    assert (parsed.units, parsed.start, parsed.stop, parsed.length) == parts
    assert parsed.to_header() == header.strip()


@pytest.mark.parametrize(
    "header",
    [None, "", "bytes", "bytes 0-499", "bytes 5-1/9", "bytes 0-9/5", "bytes a-b/9",
     "bytes 0-1/x", "bytes -1-2/9", "bytes */-1", "bytes 0-+1/9"],
)  # fmt: skip
def test_an_invalid_content_range_reads_as_none(header: str | None) -> None:
    assert parse_content_range(header) is None


def test_a_content_range_refuses_an_invalid_range_when_set() -> None:
    content_range = ContentRange("bytes", 0, 10, 100)
    with pytest.raises(ValueError, match="Not a valid content range"):
        content_range.set(10, 5, 100)
    with pytest.raises(ValueError):
        content_range.start = 20  # past stop: use set() to move both
    with pytest.raises(ValueError):
        ContentRange("bytes", 0, None)
    assert content_range.to_header() == "bytes 0-9/100"


def test_response_content_range_writes_every_change_back() -> None:
    response = Response("x")
    content_range = response.content_range
    assert not content_range and content_range.to_header() == ""
    assert "Content-Range" not in response.headers
    content_range.set(0, 10, 100)
    assert response.headers["Content-Range"] == "bytes 0-9/100"
    content_range.stop = 20
    assert response.headers["Content-Range"] == "bytes 0-19/100"
    content_range.length = None
    assert response.headers["Content-Range"] == "bytes 0-19/*"
    content_range.unset()
    assert "Content-Range" not in response.headers


def test_response_content_range_is_assigned_an_object_a_string_or_none() -> None:
    response = Response("x")
    response.content_range = ContentRange("bytes", 5, 10, 20)
    assert response.headers["Content-Range"] == "bytes 5-9/20"
    assert response.content_range.start == 5
    response.content_range = "bytes */20"
    assert response.content_range.length == 20
    response.content_range = None
    assert "Content-Range" not in response.headers
    response.headers["Content-Range"] = "bytes 9-1/20"  # invalid: an empty object
    assert not response.content_range
    del response.content_range
    assert "Content-Range" not in response.headers


# -- on the request -----------------------------------------------------------------------------


def test_request_range_and_if_range_read_the_headers() -> None:
    request = Request(build_environ(headers={"Range": "bytes=0-99", "If-Range": '"r1"'}))
    assert request.range is not None and request.range.ranges == [(0, 100)]
    assert request.range.range_for_length(50) == (0, 50)
    assert request.if_range.etag == "r1"
    bare = Request(build_environ(headers={"Range": "bytes=x"}))
    assert bare.range is None
    assert (bare.if_range.etag, bare.if_range.date) == (None, None)
