"""Partial requests as objects: ``Range``, ``If-Range`` and ``Content-Range`` (RFC 9110 §14).

Where it fits: ``Request.range`` and ``Request.if_range`` are read with this module, and
``Response.content_range`` is a :class:`ContentRange` that writes itself back into the
response's headers (Werkzeug's names and behaviour). The ``Range`` grammar itself is read
by ``caching.parse_range_specs``, the same reader ``send_file`` uses, so a range means one
thing everywhere. This module imports only ``caching``.

Rules:

1. Reading never raises: an invalid ``Range`` or ``Content-Range`` reads as ``None`` (an
   empty :class:`ContentRange` on a response), an invalid ``If-Range`` as an empty
   :class:`IfRange`.
2. Ranges are held as Werkzeug holds them: ``(start, stop)`` with ``stop`` exclusive, or
   ``(-suffix_length, None)`` and ``(start, None)`` for open ranges. Werkzeug's list rules
   apply on top of the grammar: ranges ascend without overlapping, and a suffix range comes
   last.
3. Writing checks: a :class:`ContentRange` that is not a valid byte range of its length is
   a ``ValueError`` at the line that sets it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Callable, Optional

from .caching import (
    RangeSpec,
    byte_range_of,
    http_date,
    http_datetime,
    parse_range_specs,
    quote_etag,
    unquote_etag,
)

__all__ = [
    "ContentRange",
    "IfRange",
    "Range",
    "parse_content_range",
    "parse_if_range",
    "parse_range_header",
]

Span = tuple[int, Optional[int]]  # (start, stop exclusive), or (-suffix_length, None)


class IfRange:
    """An ``If-Range`` value: an entity tag or a date, never both (RFC 9110 §13.1.5).

    ``etag`` is unquoted (a range needs the strong comparison, so the weakness is dropped,
    as Werkzeug does); ``date`` is an aware UTC datetime. Both are ``None`` when the header
    is absent.
    """

    def __init__(self, etag: str | None = None, date: datetime | None = None) -> None:
        self.etag = etag
        self.date = date

    def to_header(self) -> str:
        """The header value: the date, else the quoted tag, else ``""``."""
        if self.date is not None:
            return http_date(self.date)
        if self.etag is None:
            return ""
        return self.etag if '"' in self.etag else quote_etag(self.etag)  # malformed: as sent

    def __str__(self) -> str:
        return self.to_header()

    def __repr__(self) -> str:
        return f"<IfRange {self.to_header()!r}>"


def parse_if_range(value: str | None) -> IfRange:
    """The ``If-Range`` value as an :class:`IfRange` (a date if it reads as one).

    >>> parse_if_range('W/"v2"').etag, parse_if_range("Sun, 06 Nov 1994 08:49:37 GMT").date.year
    ('v2', 1994)
    """
    if not value:
        return IfRange()
    date = http_datetime(value)
    if date is not None:
        return IfRange(date=date)
    etag = unquote_etag(value)[0]
    # A malformed tag ('"v2', 'W/"a"b"') is kept as sent: it matches no tag, so the
    # condition is false and the whole body goes out (RFC 9110 §13.1.5).
    return IfRange(value if etag is not None and '"' in etag else etag)


class Range:
    """A ``Range`` request header: ``units`` and the ``ranges`` asked for (rule 2).

    ``range_for_length(length)`` is what to send of a ``length``-byte body: a
    ``(start, stop)`` pair, or ``None`` for "the whole body" (several ranges, another
    unit, or nothing satisfiable)::

        >>> header = parse_range_header("bytes=0-499")
        >>> header.ranges, header.range_for_length(1000), header.to_content_range_header(1000)
        ([(0, 500)], (0, 500), 'bytes 0-499/1000')
    """

    def __init__(self, units: str, ranges: Sequence[Span]) -> None:
        for start, stop in ranges:
            if stop is not None and not 0 <= start < stop:
                raise ValueError(f"{(start, stop)} is not a valid range")
        self.units = units
        self.ranges = list(ranges)

    def range_for_length(self, length: int | None) -> tuple[int, int] | None:
        """``(start, stop)`` of the one byte range, or ``None`` when it cannot be served."""
        if self.units != "bytes" or length is None or len(self.ranges) != 1:
            return None
        byte_range = byte_range_of(_spec(self.ranges[0]), length)
        return None if byte_range is None else (byte_range.start, byte_range.stop)

    def make_content_range(self, length: int | None) -> ContentRange | None:
        """The :class:`ContentRange` answering this range for ``length`` bytes, or None."""
        span = self.range_for_length(length)
        return None if span is None else ContentRange(self.units, span[0], span[1], length)

    def to_content_range_header(self, length: int | None) -> str | None:
        """The ``Content-Range`` value answering this range for ``length`` bytes, or None."""
        content_range = self.make_content_range(length)
        return None if content_range is None else content_range.to_header()

    def to_header(self) -> str:
        """The header value: ``bytes=0-499,-500``."""
        specs = []
        for start, stop in self.ranges:
            if stop is not None:
                specs.append(f"{start}-{stop - 1}")
            else:
                specs.append(str(start) if start < 0 else f"{start}-")
        return f"{self.units}={','.join(specs)}"

    def __str__(self) -> str:
        return self.to_header()

    def __repr__(self) -> str:
        return f"<Range {self.to_header()!r}>"


def _spec(span: Span) -> RangeSpec:
    """A Werkzeug-style span back in the grammar's terms (``caching.RangeSpec``)."""
    start, stop = span
    if stop is None and start < 0:
        return None, -start
    return start, None if stop is None else stop - 1


def parse_range_header(value: str | None) -> Range | None:
    """The ``Range`` value as a :class:`Range`, or ``None`` if absent or invalid (rule 2).

    >>> parse_range_header("bytes=0-99, 200-, -50") is None   # a range after an open one
    True
    """
    parsed = parse_range_specs(value)
    if parsed is None:
        return None
    units, specs = parsed
    spans: list[Span] = []
    reached = 0  # where the previous range ended; -1 once a range is open-ended
    for first, last in specs:
        if reached < 0 or (first is not None and first < reached):
            return None  # overlapping, descending, or after an open range (Werkzeug)
        if first is None:
            if not last:
                return None  # "-0" selects nothing
            spans.append((-last, None))
            reached = -1
        else:
            stop = None if last is None else last + 1
            spans.append((first, stop))
            reached = -1 if stop is None else stop
    return Range(units, spans)


class ContentRange:
    """A ``Content-Range`` value (RFC 9110 §14.4): ``units``, ``start``, ``stop``
    (exclusive) and the complete ``length`` (``None`` for ``*``).

    ``start`` and ``stop`` are ``None`` in an unsatisfied range (``bytes */1000``); an
    object whose ``units`` is ``None`` stands for no header and is falsy. ``on_update`` is
    called after every change (a response rewrites its header with it)::

        >>> ContentRange("bytes", 0, 500, 1234).to_header()
        'bytes 0-499/1234'
    """

    def __init__(
        self,
        units: str | None,
        start: int | None,
        stop: int | None,
        length: int | None = None,
        on_update: Callable[[ContentRange], None] | None = None,
    ) -> None:
        self.on_update = on_update
        self.set(start, stop, length, units)

    def set(
        self,
        start: int | None,
        stop: int | None,
        length: int | None = None,
        units: str | None = "bytes",
    ) -> None:
        """Set every part at once; ``ValueError`` unless it is a valid range (rule 3)."""
        if not _valid_span(start, stop, length):
            raise ValueError(f"Not a valid content range: {(start, stop, length)!r}")
        self._units, self._start, self._stop, self._length = units, start, stop, length
        if self.on_update is not None:
            self.on_update(self)

    def unset(self) -> None:
        """Make this stand for no header (a response then drops ``Content-Range``)."""
        self.set(None, None, units=None)

    @property
    def units(self) -> str | None:
        """The range unit, usually ``"bytes"``; ``None`` for no header."""
        return self._units

    @units.setter
    def units(self, value: str | None) -> None:
        self.set(self._start, self._stop, self._length, value)

    @property
    def start(self) -> int | None:
        """The first byte position, or ``None`` (unsatisfied range)."""
        return self._start

    @start.setter
    def start(self, value: int | None) -> None:
        self.set(value, self._stop, self._length, self._units)

    @property
    def stop(self) -> int | None:
        """One past the last byte position, or ``None`` (unsatisfied range)."""
        return self._stop

    @stop.setter
    def stop(self, value: int | None) -> None:
        self.set(self._start, value, self._length, self._units)

    @property
    def length(self) -> int | None:
        """The complete length, or ``None`` when unknown (``*``)."""
        return self._length

    @length.setter
    def length(self, value: int | None) -> None:
        self.set(self._start, self._stop, value, self._units)

    def to_header(self) -> str:
        """The header value (``""`` when ``units`` is None)."""
        if self._units is None:
            return ""
        length = "*" if self._length is None else str(self._length)
        if self._start is None or self._stop is None:
            return f"{self._units} */{length}"
        return f"{self._units} {self._start}-{self._stop - 1}/{length}"

    def __bool__(self) -> bool:
        return self._units is not None

    def __str__(self) -> str:
        return self.to_header()

    def __repr__(self) -> str:
        return f"<ContentRange {self.to_header()!r}>"


def _valid_span(start: int | None, stop: int | None, length: int | None) -> bool:
    """A non-empty span inside the complete length (RFC 9110 §14.4: a complete-length
    must be greater than last-pos; Werkzeug only checks the start)."""
    if (start is None) != (stop is None):
        return False
    if start is None or stop is None:
        return length is None or length >= 0
    return 0 <= start < stop and (length is None or stop <= length)


_DIGITS = frozenset("0123456789")


def _number(text: str) -> int | None:
    """ASCII digits as an int (at most 19, as ``caching`` reads positions), else None."""
    if not text or len(text) > 19 or not set(text) <= _DIGITS:
        return None
    return int(text)


def parse_content_range(
    value: str | None, on_update: Callable[[ContentRange], None] | None = None
) -> ContentRange | None:
    """The ``Content-Range`` value as a :class:`ContentRange`, or ``None`` if invalid.

    >>> parse_content_range("bytes 0-499/1234").stop, parse_content_range("bytes 5-1/9")
    (500, None)
    """
    units, _, rest = (value or "").strip(" \t").partition(" ")
    span, slash, complete = rest.partition("/")
    length = None if complete == "*" else _number(complete)
    if not units or not slash or (length is None and complete != "*"):
        return None
    if span == "*":
        start = stop = None
    else:
        first, dash, last = span.partition("-")
        start, end = _number(first), _number(last)
        if not dash or start is None or end is None:
            return None
        stop = end + 1
    if not _valid_span(start, stop, length):
        return None
    return ContentRange(units, start, stop, length, on_update)
