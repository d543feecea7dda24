"""Sans-I/O HTTP/1.1: request bytes in, events out; response heads and chunks out.

Where it fits: ``server.py`` reads bytes from a socket and calls :meth:`RequestParser.feed`,
then :meth:`RequestParser.next_event` until it sees ``NEED_DATA``; ``gateway.py`` turns the
:class:`RequestHead` into a WSGI environ and pulls :class:`Data` events for ``wsgi.input``.
On the way back, :func:`format_response_head`, :func:`encode_chunk` and :func:`http_date`
produce the bytes of the response. This module imports only ``http11_grammar`` from tinyweb.

Its rules (``docs/http11.md`` explains each one with its CVE class):

1. No I/O, no clock, no logging: bytes in, events out. Callers own sockets and time.
2. Bytes, not text. Every protocol element is checked by an anchored regex built from
   named pieces of the RFC 9112 / RFC 9110 grammar (``http11_grammar``), with the ABNF
   quoted beside it. Never
   ``int()``, ``strip()``, ``isdigit()`` or ``split()`` without arguments on wire bytes:
   they accept ``+1_0``, Unicode digits, or eat ``\\x0b \\x0c \\x85 \\xa0``.
3. One grammar, strictly: anything outside it raises :class:`ProtocolError` with the status
   to answer. After an error the parser is dead: it never resynchronises (request smuggling).
4. Every wait is bounded by a limit in :class:`Limits`, checked before the terminator
   arrives, and every search is linear: a head fed one byte at a time is never rescanned.

Spec references: RFC 9112 (HTTP/1.1 message syntax: §3 request line, §5 field lines,
§6 message body, §7 chunked), RFC 9110 (§5.5 field values, §5.6 tokens and lists,
§7.2 Host), RFC 3986 §3.2 (authority), IMF-fixdate from RFC 9110 §5.6.7.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Literal, NoReturn, Optional, Union

from . import http11_grammar as grammar
from .http11_grammar import FIELD_LINE_ERRORS, OWS_BYTES, parse_number

# The patterns are bound here by assignment, not imported by name: CPython 3.11 compiles
# ``NAME.fullmatch(...)`` without its fast method call when NAME was imported (it expects a
# module there). Imported, they cost ~0.9 µs per request head, 7% of parsing one.
ABSOLUTE_FORM = grammar.ABSOLUTE_FORM
CHUNK_LINE = grammar.CHUNK_LINE
COMMON_FIELD_LINE = grammar.COMMON_FIELD_LINE
CONTENT_LENGTH = grammar.CONTENT_LENGTH
CONTROL = grammar.CONTROL
FIELD_LINE = grammar.FIELD_LINE
HOST = grammar.HOST
LOOSE_REQUEST_LINE = grammar.LOOSE_REQUEST_LINE
REQUEST_LINE = grammar.REQUEST_LINE

# fmt: off
__all__ = [
    "LAST_CHUNK", "NEED_DATA", "PAUSED", "ConnectionClosed", "Data", "EndOfMessage",
    "Framing", "Limits", "ProtocolError", "RequestHead", "RequestParser", "Sentinel",
    "encode_chunk", "format_response_head", "http_date",
]
# fmt: on

# ---------------------------------------------------------------------------------------
# Values: limits, events, errors.
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Limits:
    """Every bound the parser enforces, with HTTP.md's defaults and the status each gives.

    >>> Limits(max_body_size=1024).max_body_size
    1024
    """

    max_request_line: int = 8 * 1024  # 414, checked before the CRLF arrives
    max_header_section: int = 64 * 1024  # 431
    max_field_size: int = 8 * 1024  # 431
    max_field_count: int = 100  # 431
    max_body_size: int = 10 * 1024 * 1024  # 413 (Content-Length at head time; chunked streaming)
    max_chunk_line: int = 4 * 1024  # 400
    max_trailer_section: int = 8 * 1024  # 431


# Limits is frozen, so one shared default is safe (and saves building one per connection).
_DEFAULT_LIMITS = Limits()


class Framing(enum.Enum):
    """How the request body is delimited (RFC 9112 §6.3)."""

    NONE = "none"  # no Content-Length, no Transfer-Encoding: the body is empty
    LENGTH = "length"  # Content-Length
    CHUNKED = "chunked"  # Transfer-Encoding: chunked


class Sentinel(enum.Enum):
    """The two non-event answers of :meth:`RequestParser.next_event`."""

    NEED_DATA = "NEED_DATA"
    PAUSED = "PAUSED"


NEED_DATA: Literal[Sentinel.NEED_DATA] = Sentinel.NEED_DATA
PAUSED: Literal[Sentinel.PAUSED] = Sentinel.PAUSED

Headers = list[tuple[bytes, bytes]]
Buffer = Union[bytes, bytearray]


@dataclass(frozen=True)
class RequestHead:
    """A parsed request line and header section, plus the facts the server derives.

    >>> parser = RequestParser()
    >>> parser.feed(b"GET /a?b HTTP/1.1\\r\\nHost: example.com\\r\\n\\r\\n")
    >>> head = parser.next_event()
    >>> head.method, head.path, head.authority, head.keep_alive
    (b'GET', b'/a?b', b'example.com', True)
    """

    method: bytes
    target: bytes
    version: bytes
    headers: Headers
    keep_alive: bool
    expects_continue: bool
    framing: Framing
    content_length: Optional[int]
    path: bytes
    authority: bytes


@dataclass(frozen=True)
class Data:
    """A piece of the request body, as it arrived (chunked framing already removed)."""

    data: bytes


@dataclass(frozen=True)
class EndOfMessage:
    """The body is complete. Chunked trailers are here, never merged into the headers."""

    trailers: Headers = field(default_factory=list)


@dataclass(frozen=True)
class ConnectionClosed:
    """The peer closed its side cleanly between requests."""


class ProtocolError(Exception):
    """Malformed or over-limit input: answer ``status`` with ``Connection: close``.

    ``reason`` is short and never echoes raw input, so it is safe in an error page.

    >>> ProtocolError(400, "bare CR").status
    400
    """

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


Event = Union[RequestHead, Data, EndOfMessage, ConnectionClosed, Sentinel]


class _State(enum.Enum):
    """Where the parser is in the life of one request."""

    HEAD = "head"  # waiting for the request line and header section
    BODY = "body"  # Content-Length body (or none): self._remaining bytes to go
    CHUNK_LINE = "chunk line"  # waiting for chunk-size [ chunk-ext ] CRLF
    CHUNK_DATA = "chunk data"  # self._remaining bytes of the current chunk to go
    CHUNK_END = "chunk end"  # the CRLF after chunk data
    TRAILERS = "trailers"  # trailer-section CRLF after the last chunk
    PAUSED = "paused"  # EndOfMessage given; waiting for start_next_request()
    CLOSED = "closed"  # the peer closed cleanly between requests


# Enum members bound to module names: in CPython 3.11 ``_State.HEAD`` is a Python-level
# descriptor lookup (~0.45 µs here), and the hot path would pay it a dozen times a request.
_HEAD, _BODY, _PAUSED, _CLOSED = _State.HEAD, _State.BODY, _State.PAUSED, _State.CLOSED
_CHUNK_LINE, _CHUNK_DATA, _CHUNK_END = _State.CHUNK_LINE, _State.CHUNK_DATA, _State.CHUNK_END
_TRAILERS = _State.TRAILERS
_NO_BODY, _LENGTH, _CHUNKED = Framing.NONE, Framing.LENGTH, Framing.CHUNKED

# Two of any of these make the request ambiguous (HTTP.md "Header fields"; smuggling and
# cache-poisoning classes, e.g. CVE-2022-24761 for Content-Length in waitress).
_SINGLETON_FIELDS = frozenset((b"host", b"content-length", b"content-type"))
# The fields whose meaning the parser itself needs (framing, Host, connection management).
_SPECIAL_FIELDS = _SINGLETON_FIELDS | {b"transfer-encoding", b"connection", b"expect"}
# At most this many empty lines may precede a request line (RFC 9112 §2.2: SHOULD ignore
# "at least one"; HTTP.md: "a couple").
_MAX_EMPTY_LINES = 2


# ---------------------------------------------------------------------------------------
# The request parser.
# ---------------------------------------------------------------------------------------


class RequestParser:
    """A push parser for HTTP/1.1 requests: :meth:`feed` bytes, then pull events.

    ``next_event()`` returns a :class:`RequestHead`, then zero or more :class:`Data`, then an
    :class:`EndOfMessage`, then ``PAUSED`` until :meth:`start_next_request`; ``NEED_DATA`` when
    it must be fed, :class:`ConnectionClosed` when the peer closed between requests. Any
    malformed input raises :class:`ProtocolError`, and then every later call raises it again.

    >>> parser = RequestParser()
    >>> parser.feed(b"POST /upload HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 2\\r\\n\\r\\nhi")
    >>> [type(parser.next_event()).__name__ for _ in range(3)]
    ['RequestHead', 'Data', 'EndOfMessage']
    >>> parser.next_event() is PAUSED
    True
    """

    __slots__ = ("_body_size", "_buffer", "_empty_lines", "_error", "_line_end",
                 "_line_search_from", "_lines_from", "_peer_closed", "_remaining",
                 "_section_search_from", "_state", "_valid_host", "limits")  # fmt: skip

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits if limits is not None else _DEFAULT_LIMITS
        self._buffer = bytearray()
        self._state = _HEAD
        self._error: ProtocolError | None = None
        self._peer_closed = False
        self._valid_host = b""  # the last Host value found valid (HOST accepts b"")
        self._reset_request()

    def _reset_request(self) -> None:
        """Forget the previous request (its state, not its leftover bytes)."""
        self._remaining = 0  # body bytes (Content-Length) or chunk bytes still to come
        self._body_size = 0  # chunked body so far (data and extensions), for max_body_size
        self._empty_lines = 0
        # Linear searches (issue 2): each search resumes where the last one gave up, so a
        # head fed one byte at a time costs O(n) in total, not O(n^2).
        self._section_search_from = 0  # the next b"\r\n\r\n" search
        self._line_search_from = 0  # the next search for the request line's LF
        self._line_end = -1  # the index of the request line's LF once seen
        self._lines_from = 0  # where the field lines not yet checked start (0: none seen)

    @property
    def has_buffered_data(self) -> bool:
        """True when received bytes are waiting to be parsed (a pipelined request)."""
        return bool(self._buffer)

    @property
    def peer_closed(self) -> bool:
        """True once ``feed(b"")`` has told the parser that the peer closed its side."""
        return self._peer_closed

    def feed(self, data: bytes) -> None:
        """Add received bytes; ``b""`` means the peer closed its side of the connection."""
        if self._error is not None:
            raise self._error
        if not data:
            self._peer_closed = True
        elif self._peer_closed:
            raise RuntimeError("feed() after the peer closed the connection")
        else:
            self._buffer += data

    def next_event(self) -> Event:
        """The next event, ``NEED_DATA`` or ``PAUSED``; raises :class:`ProtocolError`."""
        if self._error is not None:
            raise self._error
        try:
            # Each step returns an event, or None when it changed the state. An if-chain on
            # identity, most frequent states first, inlined here: Enum.__hash__ is Python
            # code in CPython <= 3.11 (a dict keyed by state cost ~0.5 µs per event), and a
            # separate dispatch method another ~0.2 µs.
            while True:
                state = self._state
                if state is _HEAD:
                    event = self._next_head()
                elif state is _BODY:
                    event = self._next_body()
                elif state is _CHUNK_DATA:
                    event = self._next_chunk_data()
                elif state is _CHUNK_LINE:
                    event = self._next_chunk_line()
                elif state is _CHUNK_END:
                    event = self._next_chunk_end()
                elif state is _TRAILERS:
                    event = self._next_trailers()
                else:
                    return PAUSED if state is _PAUSED else ConnectionClosed()
                if event is not None:
                    return event
        except ProtocolError as error:
            self._error = error  # dead from now on: never resynchronise (smuggling)
            raise

    def start_next_request(self) -> None:
        """After :class:`EndOfMessage`, parse the next request from the leftover bytes."""
        if self._error is not None:
            raise self._error
        if self._state is not _PAUSED:
            raise RuntimeError("start_next_request() is only valid after EndOfMessage")
        self._state = _HEAD
        self._reset_request()

    def _need_data(self, waiting_for: str) -> Literal[Sentinel.NEED_DATA]:
        """NEED_DATA, unless the peer has closed: then the message is truncated (400)."""
        if self._peer_closed:
            raise ProtocolError(400, f"connection closed in the middle of {waiting_for}")
        return NEED_DATA

    # -- the head -------------------------------------------------------------------------

    def _next_head(self) -> Event | None:
        buffer = self._buffer
        # Fast path: the whole head is usually in the buffer after one feed, so one
        # C-speed search finds its end and a few regexes validate it in place (they take
        # start and stop indices: no copy); then it is dropped from the buffer.
        end = buffer.find(b"\r\n\r\n", self._section_search_from)
        if end < 0 or buffer[0] == 0x0D:  # no head yet, or maybe an empty line first
            if buffer.startswith(b"\r\n"):
                self._skip_empty_line()
                return None
            if end < 0:
                return self._incomplete_head()
        limits = self.limits
        method, target, version, line_end = _parse_request_line(buffer, end + 2, limits)
        if end + 3 - line_end > limits.max_header_section:  # rare: only then the order
            _check_header_section(buffer[: end + 4], line_end, line_end, limits)  # of checks
        fields = _parse_field_lines(buffer, line_end + 1, end + 2, limits)
        request = _interpret_head(method, target, version, fields, self._valid_host, limits)
        self._valid_host = request.authority  # a value HOST accepted (_interpret_head)
        del buffer[: end + 4]
        self._section_search_from = self._lines_from = 0  # trailers start afresh
        self._remaining = request.content_length or 0
        self._state = _CHUNK_LINE if request.framing is _CHUNKED else _BODY
        return request

    def _skip_empty_line(self) -> None:
        # RFC 9112 §2.2: a server SHOULD ignore at least one empty line before the
        # request line (some clients send CRLF after a POST body); more is an attack.
        self._empty_lines += 1
        if self._empty_lines > _MAX_EMPTY_LINES:
            raise ProtocolError(400, "too many empty lines before the request line")
        del self._buffer[:2]
        self._section_search_from = self._line_search_from = 0

    def _incomplete_head(self) -> Event:
        """Check a partial head, so that no wait is unbounded.

        The checks and their order are those of _next_head, applied to the prefix that
        has arrived: an error is the same however the bytes are split into feeds.
        """
        buffer = self._buffer
        if not buffer:
            if self._peer_closed:
                self._state = _CLOSED
                return ConnectionClosed()
            return NEED_DATA
        if self._line_end < 0:
            line_end = buffer.find(b"\n", self._line_search_from)
            if line_end < 0:
                # 400 or 414 as soon as decided, without waiting for the line's CRLF (a
                # TLS handshake on this port has control bytes from its first byte on).
                _check_request_line_start(buffer, self._line_search_from, self.limits)
                self._line_search_from = len(buffer)
                self._section_search_from = max(len(buffer) - 3, 0)
                return self._need_data("the request head")
            _parse_request_line(buffer, line_end + 1, self.limits)  # its errors, early
            # The head may end right after the line: CRLF CRLF starts at its CR.
            self._line_end, self._section_search_from = line_end, line_end - 1
        self._lines_from = _check_header_section(
            buffer, self._line_end, self._section_search_from, self.limits, self._lines_from
        )
        self._section_search_from = max(len(buffer) - 3, self._line_end - 1)
        return self._need_data("the request head")

    # -- Content-Length body ----------------------------------------------------------------

    def _next_body(self) -> Event:
        if self._remaining == 0:
            return self._end_of_message([])
        data = self._take(self._remaining)
        if not data:
            return self._need_data("the body")
        self._remaining -= len(data)
        return Data(data)

    def _take(self, most: int) -> bytes:
        """Remove and return up to ``most`` bytes from the front of the buffer."""
        buffer = self._buffer
        data = bytes(buffer[:most])
        del buffer[:most]
        return data

    def _end_of_message(self, trailers: Headers) -> EndOfMessage:
        self._state = _PAUSED
        # Built like RequestHead in _interpret_head, without the frozen dataclass __init__
        # (measured 0.95 -> 0.65 µs, one event of every request).
        end_of_message = object.__new__(EndOfMessage)
        end_of_message.__dict__["trailers"] = trailers
        return end_of_message

    # -- chunked body (RFC 9112 §7.1) -------------------------------------------------------

    def _next_chunk_line(self) -> Event | None:
        buffer = self._buffer
        limit = self.limits.max_chunk_line
        # The search is bounded by the limit, so a huge buffer is never scanned for it.
        line_end = buffer.find(b"\n", 0, limit + 2)
        if line_end < 0:
            if len(buffer) >= limit + 2:
                raise ProtocolError(400, "chunk line too long")
            return self._need_data("a chunk line")
        if line_end == 0 or buffer[line_end - 1] != 0x0D:
            raise ProtocolError(400, "bare LF in a chunk line")
        match = CHUNK_LINE.fullmatch(buffer, 0, line_end - 1)
        if match is None:
            raise ProtocolError(400, "malformed chunk line")
        chunk_size = parse_number(match.group(1), 16)
        del buffer[: line_end + 1]
        # The body limit counts declared sizes (known ahead) and extensions (CVE-2023-39326).
        self._body_size += chunk_size + line_end - 1 - match.end(1)
        if self._body_size > self.limits.max_body_size:
            raise ProtocolError(413, "request body too large")
        self._remaining = chunk_size
        self._state = _CHUNK_DATA if chunk_size else _TRAILERS
        return None

    def _next_chunk_data(self) -> Event:
        # Fast path: every complete chunk already buffered goes into one Data event, so an
        # upload in many chunks costs one event per feed, not three steps per chunk
        # (benchmark (c), 16 chunks of 4 KiB: from 2.0x to 3.2x h11's speed in one run).
        pieces: list[bytes] = []
        while self._state is _CHUNK_DATA:
            piece = self._take(self._remaining)
            if not piece:
                break
            pieces.append(piece)
            self._remaining -= len(piece)
            if self._remaining:
                break
            self._state = _CHUNK_END
            if self._next_chunk_end() is None:  # the CRLF was there: now at a chunk line
                self._next_chunk_line()  # a chunk, the last chunk, or NEED_DATA
        if not pieces:
            return self._need_data("chunk data")
        return Data(pieces[0] if len(pieces) == 1 else b"".join(pieces))

    def _next_chunk_end(self) -> Event | None:
        # RFC 9112 §7.1: chunk-data is followed by exactly CRLF (anything else is a
        # chunk-size mismatch, the core of chunked smuggling attacks).
        buffer = self._buffer
        if buffer[:2] == b"\r\n":
            del buffer[:2]
            self._state = _CHUNK_LINE
            return None
        if len(buffer) >= 2 or (buffer and buffer[0] != 0x0D):
            raise ProtocolError(400, "chunk data not followed by CRLF")
        return self._need_data("a chunk")

    def _next_trailers(self) -> Event:
        buffer = self._buffer
        if buffer.startswith(b"\r\n"):
            del buffer[:2]
            return self._end_of_message([])
        limit = self.limits.max_trailer_section
        search_from = self._section_search_from
        end = buffer.find(b"\r\n\r\n", search_from)
        size = len(buffer) if end < 0 else end + 4
        # The order of _check_header_section, so that errors do not depend on the feeds.
        if buffer.find(b"\n\n", max(search_from - 1, 0), min(size, limit)) >= 0:
            raise ProtocolError(400, "bare LF in the trailer section")
        if end < 0 or size > limit:  # else _parse_field_lines checks the whole section below
            lines_end = min(size if end < 0 else end + 2, limit)  # not the final empty line
            self._lines_from = _check_complete_lines(
                buffer, self._lines_from, search_from, lines_end
            )
        if size > limit:
            raise ProtocolError(431, "trailer section too large")
        if end < 0:
            self._section_search_from = max(len(buffer) - 3, 0)
            return self._need_data("the trailer section")
        section = self._take(end + 4)
        # RFC 9112 §7.1.2: trailer fields use the field-line grammar; they are returned
        # apart and never merged into the header section (RFC 9110 §6.5.1).
        return self._end_of_message(_parse_field_lines(section, 0, end + 2, self.limits))


# ---------------------------------------------------------------------------------------
# The head, as pure functions of its bytes.
# ---------------------------------------------------------------------------------------


def _parse_request_line(
    buffer: Buffer, stop: int, limits: Limits
) -> tuple[bytes, bytes, bytes, int]:
    """``(method, target, version, line_end)`` of the request line, which ends with the
    first LF (at ``line_end``) of ``buffer[:stop]``.

    Fast path: one regex match finds the line's end and checks it (measured: 0.2 µs less
    than searching for the LF first, 1.5% of a hello-world exchange); any line it refuses
    goes to _refuse_request_line, so the error is always the same.
    """
    match = REQUEST_LINE.match(buffer, 0, stop)  # no CR or LF before the line's CRLF
    if match is None or match.end() - 2 > limits.max_request_line:
        _refuse_request_line(buffer, buffer.find(b"\n", 0, stop), limits)
    method, target, version = match.groups()
    if version[:1] != b"1":
        raise ProtocolError(505, "HTTP version not supported")
    # RFC 9112 §2.3: a 1.x minor version above 1 is answered as 1.1.
    return method, target, b"1.0" if version == b"1.0" else b"1.1", match.end() - 1


def _refuse_request_line(buffer: Buffer, line_end: int, limits: Limits) -> NoReturn:
    """Raise the error of a request line, ending with the LF at line_end, that REQUEST_LINE
    refused or that is longer than the limit: the first rule it breaks, in input order."""
    if line_end - 1 > limits.max_request_line:
        _check_request_line_start(buffer, 0, limits)  # a 400 for its first bytes, or the 414
    if line_end == 0 or buffer[line_end - 1] != 0x0D:
        raise ProtocolError(400, "bare LF at the end of the request line")
    # "HTTP/2.0" and the HTTP/2 preface ("PRI * HTTP/2.0") pass the strict grammar and get
    # their 505 in _parse_request_line; a well-shaped line with a many-digit version gets
    # it here, unless a control byte decided a 400 before the version arrived.
    loose = LOOSE_REQUEST_LINE.fullmatch(buffer, 0, line_end - 1)
    if loose and loose.group(1) != b"1" and not CONTROL.search(buffer, 0, line_end):
        raise ProtocolError(505, "HTTP version not supported")
    raise ProtocolError(400, "malformed request line")


def _check_request_line_start(buffer: Buffer, search_from: int, limits: Limits) -> None:
    """The checks a request line gets before its LF arrives, in input order: a control
    byte within the limit is a 400; then a line longer than the limit is a 414."""
    if CONTROL.search(buffer, search_from, limits.max_request_line + 1):
        raise ProtocolError(400, "control character in the request line")
    if len(buffer) > limits.max_request_line + 1:
        raise ProtocolError(414, "request line too long")


def _check_header_section(
    buffer: Buffer, line_end: int, search_from: int, limits: Limits, lines_from: int = 0
) -> int:
    """The checks a header section gets before its end is known, in input order; returns
    where the field lines not yet checked start.

    A bare LF LF (a head that will never end in CRLF CRLF) within the limit is a 400, and
    so is a complete field line within the limit that breaks the grammar (no need to wait
    for the rest); then more than max_header_section bytes after the request line is a 431.
    """
    limit_end = line_end + 1 + limits.max_header_section
    if buffer.find(b"\n\n", search_from, limit_end) >= 0:
        raise ProtocolError(400, "bare LF in the header section")
    lines_from = _check_complete_lines(buffer, lines_from or line_end + 1, search_from, limit_end)
    if len(buffer) > limit_end:
        raise ProtocolError(431, "header section too large")
    return lines_from


def _check_complete_lines(buffer: Buffer, lines_from: int, search_from: int, stop: int) -> int:
    """Check the grammar of the field lines from ``lines_from`` that end (with their LF)
    before ``stop``, and that no line holds a control byte before ``stop``; return where
    the lines still incomplete start. Only bytes from ``search_from`` on are new, so a
    section fed byte by byte stays linear."""
    end = max(buffer.rfind(b"\n", max(lines_from, search_from), stop) + 1, lines_from)
    if len(FIELD_LINE.findall(buffer, lines_from, end)) != buffer.count(b"\n", lines_from, end):
        raise _field_line_error(buffer[lines_from:end])
    if CONTROL.search(buffer, max(end, search_from), stop):
        raise ProtocolError(400, "control character in a field")
    return end


def _parse_field_lines(section: Buffer, start: int, stop: int, limits: Limits) -> Headers:
    """The ``(name, value)`` pairs of the field lines in ``section[start:stop]``.

    Fast path: one ``findall`` validates and splits every line at C speed (measured: the
    per-line Python loop it replaced cost more than the rest of the head). Both regexes only
    match whole lines from a line start up to their CRLF, and no match spans an LF, so
    "as many matches as LFs" proves that every line matched. COMMON_FIELD_LINE accepts a
    subset of FIELD_LINE's lines with the same groups; any other line sends the whole
    section to FIELD_LINE, so the result never depends on which regex parsed it.
    """
    fields: Headers = COMMON_FIELD_LINE.findall(section, start, stop)
    line_count = section.count(b"\n", start, stop)
    if len(fields) != line_count:  # an empty value, trailing OWS, or an error
        fields = FIELD_LINE.findall(section, start, stop)
        if len(fields) != line_count:
            raise _field_line_error(section[start:stop])
    if len(fields) > limits.max_field_count:
        raise ProtocolError(431, "too many header fields")
    # Lines can only exceed the field limit if the whole section does: usually skipped.
    if stop - start > limits.max_field_size:
        for line in section[start:stop].split(b"\r\n"):
            if len(line) > limits.max_field_size:
                raise ProtocolError(431, "header field too large")
    return fields


def _field_line_error(lines: Buffer) -> ProtocolError:
    """Name the first rule a field section breaks."""
    for pattern, reason in FIELD_LINE_ERRORS:
        if pattern.search(lines):
            return ProtocolError(400, reason)
    return ProtocolError(400, "field name is not a token")


def _interpret_head(
    method: bytes, target: bytes, version: bytes, fields: Headers, valid_host: bytes, limits: Limits
) -> RequestHead:
    """Derive the facts the server needs from a grammatically valid head.

    ``valid_host`` is a value HOST accepted before (the previous request's authority):
    a connection usually sends the same Host every time, and comparing bytes costs less
    than the regex (measured: -0.25 µs a request, 2% of a hello-world exchange). The
    ``authority`` returned is always a value HOST accepted, or b"" (which it accepts).
    """
    special = _special_fields(fields)
    path, authority = _target_parts(method, target)
    hosts = special.get(b"host")
    # RFC 9112 §3.2: an HTTP/1.1 request has exactly one valid Host, even in absolute-form
    # (whose authority then wins); a wrong one is a 400, never a guess (host confusion).
    if hosts is None:
        if version == b"1.1":
            raise ProtocolError(400, "missing Host field")
    elif hosts[0] != valid_host and HOST.fullmatch(hosts[0]) is None:
        raise ProtocolError(400, "invalid Host field")
    elif not authority:
        authority = hosts[0]
    if b"transfer-encoding" in special or b"content-length" in special:
        framing, content_length = _framing(version, special, limits)
    else:
        framing, content_length = _NO_BODY, None  # never read to EOF (RFC 9112 §6.3)
    # RFC 9112 §9.3: HTTP/1.1 persists unless "close"; HTTP/1.0 only with "keep-alive".
    # Fast path: on HTTP/1.1, a Connection value without the letters "close" cannot hold that
    # option, so its list is not parsed (measured: -0.35 µs, 1.3% of benchmark (a)). find(),
    # not "in": bytes.__contains__ first tries its operand as an integer, and raises and
    # swallows a TypeError for bytes (0.25 µs on 3.11).
    connection = special.get(b"connection")
    if connection is None or (
        version == b"1.1" and b",".join(connection).lower().find(b"close") < 0
    ):
        keep_alive = version == b"1.1"
    else:
        tokens = _list_elements(connection)
        keep_alive = b"close" not in tokens and (version == b"1.1" or b"keep-alive" in tokens)
    expects = special.get(b"expect") if version == b"1.1" else None  # HTTP/1.1 only
    expects_continue = expects is not None and b"100-continue" in _list_elements(expects)
    # Filling __dict__ at once skips the frozen dataclass __init__, which sets the ten
    # fields one by one through object.__setattr__ (measured 3.7 µs -> 1.3 µs, about 5% of
    # benchmark (a)). The object is the same and still frozen.
    request_head = object.__new__(RequestHead)
    request_head.__dict__.update({
        "method": method, "target": target, "version": version, "headers": fields,
        "keep_alive": keep_alive, "expects_continue": expects_continue, "framing": framing,
        "content_length": content_length, "path": path, "authority": authority,
    })  # fmt: skip
    return request_head


def _special_fields(fields: Headers) -> dict[bytes, list[bytes]]:
    """The values of the fields in _SPECIAL_FIELDS by lowercased name; refuses duplicates."""
    special: dict[bytes, list[bytes]] = {}
    for name, value in fields:
        key = name.lower()
        if key in _SPECIAL_FIELDS:
            values = special.get(key)
            if values is None:
                special[key] = [value]
            elif key in _SINGLETON_FIELDS:
                raise ProtocolError(400, f"more than one {key.decode()} field")
            else:
                values.append(value)
    return special


def _target_parts(method: bytes, target: bytes) -> tuple[bytes, bytes]:
    """``(path, authority)`` of a request-target (RFC 9112 §3.2); authority may be b""."""
    if method == b"CONNECT":
        raise ProtocolError(501, "CONNECT is not supported: this is not a proxy")
    if target[:1] == b"/":  # origin-form = absolute-path [ "?" query ]
        return target, b""
    if target == b"*":  # asterisk-form, for a server-wide OPTIONS only (RFC 9112 §3.2.4)
        if method != b"OPTIONS":
            raise ProtocolError(400, "asterisk-form is only allowed with OPTIONS")
        return target, b""
    match = ABSOLUTE_FORM.fullmatch(target)
    if match is None:
        raise ProtocolError(400, "request-target is not origin-form or absolute-form")
    scheme, authority, rest = match.groups()
    if scheme.lower() not in (b"http", b"https"):
        raise ProtocolError(400, "absolute-form with a scheme other than http or https")
    # RFC 9110 §4.2.1: an http URI with an empty host is invalid; "@" (userinfo) is refused
    # by HOST itself (RFC 9110 §4.2.4: a recipient must treat userinfo as an error).
    if not authority or HOST.fullmatch(authority) is None:
        raise ProtocolError(400, "invalid authority in absolute-form")
    return (rest if rest[:1] == b"/" else b"/" + rest), authority


def _list_elements(values: Iterable[bytes]) -> list[bytes]:
    """The lowercased elements of a #list field over all its lines (RFC 9110 §5.6.1)."""
    return [element.strip(OWS_BYTES).lower() for value in values for element in value.split(b",")]


def _framing(
    version: bytes, special: dict[bytes, list[bytes]], limits: Limits
) -> tuple[Framing, int | None]:
    """The body framing (RFC 9112 §6.3), refusing every ambiguous combination."""
    transfer_encoding = special.get(b"transfer-encoding")
    content_length = special.get(b"content-length")
    if transfer_encoding is not None:
        # Smuggling (CL.TE / TE.CL, e.g. CVE-2019-16789 in waitress): one framing only.
        if content_length is not None:
            raise ProtocolError(400, "both Transfer-Encoding and Content-Length")
        if version == b"1.0":
            raise ProtocolError(400, "Transfer-Encoding in an HTTP/1.0 request")
        _check_transfer_codings(_list_elements(transfer_encoding))
        return _CHUNKED, None
    if content_length is None:
        return _NO_BODY, None  # never read to EOF on a request (RFC 9112 §6.3)
    value = content_length[0]  # duplicates were refused already
    if CONTENT_LENGTH.fullmatch(value) is None:
        raise ProtocolError(400, "invalid Content-Length")
    length = parse_number(value, 10)
    if length > limits.max_body_size:
        raise ProtocolError(413, "request body too large")
    return _LENGTH, length


def _check_transfer_codings(codings: list[bytes]) -> None:
    """Accept exactly ``chunked``, once and last (RFC 9112 §6.1, §6.3 item 4)."""
    if b"" in codings:
        raise ProtocolError(400, "empty element in Transfer-Encoding")
    if codings.count(b"chunked") > 1 or (b"chunked" in codings and codings[-1] != b"chunked"):
        raise ProtocolError(400, "chunked must be the final coding, exactly once")
    if codings != [b"chunked"]:
        raise ProtocolError(501, "unsupported transfer coding")


# ---------------------------------------------------------------------------------------
# The response side.
# ---------------------------------------------------------------------------------------

# The same token grammar as TCHAR, for WSGI's native strings. A list of names joined by
# "\n" is checked by one fullmatch (the separator is not a tchar, so this is linear).
_FIELD_NAMES_TEXT = re.compile(r"[-!#$%&'*+.^_`|~0-9A-Za-z]+(?:\n[-!#$%&'*+.^_`|~0-9A-Za-z]+)*")
# RFC 9110 §5.5: no CTL but HTAB in a field value or reason phrase; CR and LF would split
# the response (response splitting, CWE-113), NUL truncates it in some clients.
_CONTROL_TEXT = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_VERSIONS = ("HTTP/1.1", "HTTP/1.0")

LAST_CHUNK = b"0\r\n\r\n"


def format_response_head(
    status: int, reason: str, headers: Iterable[tuple[str, str]], version: str = "HTTP/1.1"
) -> bytes:
    """The status line and header section of a response, ready for the socket.

    Raises ValueError, naming the header, for a name that is not a token, a value with a
    control character (CR, LF, NUL...), or text that is not latin-1 (PEP 3333).

    >>> format_response_head(200, "OK", [("Content-Length", "2")])
    b'HTTP/1.1 200 OK\\r\\nContent-Length: 2\\r\\n\\r\\n'
    """
    if type(status) is not int or not 100 <= status <= 999:
        raise ValueError(f"status must be an int from 100 to 999, not {status!r}")
    if version not in _VERSIONS:
        raise ValueError(f"unsupported HTTP version {version!r}")
    if _CONTROL_TEXT.search(reason):
        raise ValueError("reason phrase contains a control character")
    headers = list(headers)
    # One regex over all names and one over all values: a loop of two regex calls per
    # header cost more than the rest of the function (see benchmarks/bench_http11.py).
    # A name that itself holds "\n" would pass as two names, hence the count (CWE-113).
    # Names and values that are not str (PEP 3333) make join() raise TypeError.
    names = "\n".join([name for name, _ in headers])
    values = "".join([value for _, value in headers])
    if headers and (
        names.count("\n") != len(headers) - 1
        or _FIELD_NAMES_TEXT.fullmatch(names) is None
        or _CONTROL_TEXT.search(values)
    ):
        _raise_for_bad_header(headers)
    lines = [f"{version} {status} {reason}"]
    lines += [f"{name}: {value}" for name, value in headers]
    lines += ["", ""]
    try:
        return "\r\n".join(lines).encode("latin-1")
    except UnicodeEncodeError:
        _raise_for_bad_header(headers)
        raise ValueError("reason phrase is not latin-1") from None


def _raise_for_bad_header(headers: list[tuple[str, str]]) -> None:
    """Raise the ValueError naming the first bad header (the slow path, errors only)."""
    for name, value in headers:
        if name == "" or "\n" in name or _FIELD_NAMES_TEXT.fullmatch(name) is None:
            raise ValueError(f"header name {name!r} is not a token")
        if _CONTROL_TEXT.search(value):
            raise ValueError(f"header {name!r}: value contains CR, LF, NUL or another control")
        try:
            value.encode("latin-1")
        except UnicodeEncodeError:
            raise ValueError(f"header {name!r}: value is not latin-1 text") from None


def encode_chunk(data: bytes) -> bytes:
    """One chunk of a chunked body (RFC 9112 §7.1); ``b""`` for empty data.

    Empty data gives no bytes because an empty chunk would end the body: send
    :data:`LAST_CHUNK` for that.

    >>> encode_chunk(b"hello") + LAST_CHUNK
    b'5\\r\\nhello\\r\\n0\\r\\n\\r\\n'
    """
    if not data:
        return b""
    return b"%x\r\n%s\r\n" % (len(data), data)


_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def http_date(timestamp: float) -> str:
    """IMF-fixdate (RFC 9110 §5.6.7) for a POSIX timestamp; English names, never locale.

    >>> http_date(784111777)
    'Sun, 06 Nov 1994 08:49:37 GMT'
    """
    moment = datetime.fromtimestamp(timestamp, timezone.utc)
    return (
        f"{_DAY_NAMES[moment.weekday()]}, {moment.day:02d} {_MONTH_NAMES[moment.month - 1]} "
        f"{moment.year:04d} {moment.hour:02d}:{moment.minute:02d}:{moment.second:02d} GMT"
    )
