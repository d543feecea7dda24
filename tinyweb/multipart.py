"""Streaming ``multipart/form-data`` parser with limits.

Where it fits: :class:`tinyweb.request.Request` calls :func:`parse_multipart` with
``wsgi.input`` when a form arrives as ``multipart/form-data``; it turns
:class:`MultipartError` into ``400 Bad Request`` or ``413 Content Too Large``. The module
imports only :mod:`tinyweb.datastructures` (``MultiDict``, ``Headers``, ``FileStorage``).

It comes in two layers, like h11: :class:`MultipartDecoder` is sans-I/O (bytes in, events
out: :class:`PartStart`, :class:`PartData`, :class:`PartEnd`, :class:`Finished`) and knows
only the RFC 2046 framing; :func:`parse_multipart` reads the stream in blocks, feeds the
decoder, enforces the limits and builds the form and the files.

Rules:

1. Memory is bounded by the limits, never by the body: the stream is read in blocks, a
   non-file field may hold at most ``max_field_size`` bytes, and file parts go to a
   :class:`tempfile.SpooledTemporaryFile` that moves to disk above ``spool_threshold``.
2. The boundary search is linear in the body size. Each block is searched once with
   ``bytes.find`` (C speed); what is kept for the next block is only the tail that could
   still begin a delimiter: at most ``len(delimiter) - 1`` bytes, starting at the last CR
   (a delimiter holds a CR only in its first byte). Keeping "everything after the first
   CR" instead is the quadratic-rescan bug class of CVE-2023-46136 (Werkzeug) and
   CVE-2024-24762 (python-multipart).
3. Malformed input is a :class:`MultipartError` with status 400; input over a limit is a
   :class:`MultipartError` with status 413. Nothing else escapes, and nothing hangs: the
   end of the stream before the close delimiter is an error.

Specs: RFC 7578 (multipart/form-data), RFC 2046 §5.1 (multipart framing), RFC 6266 and
RFC 5987 / RFC 2231 (``filename*`` parameters), WHATWG HTML "multipart/form-data encoding
algorithm" (browsers percent-encode ``"`` CR LF in names but send other bytes raw).
"""

from __future__ import annotations

import codecs
import enum
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO, Optional, Union
from urllib.parse import unquote_to_bytes

from tinyweb.datastructures import FileStorage, Headers, MultiDict

__all__ = [
    "Finished",
    "MultipartDecoder",
    "MultipartError",
    "MultipartLimits",
    "PartData",
    "PartEnd",
    "PartStart",
    "boundary_from_content_type",
    "parse_multipart",
    "parse_options_header",
]

BLOCK_SIZE = 64 * 1024
MAX_HEADER_SECTION = 8 * 1024  # per part, like one request header field (HTTP.md)


class MultipartError(ValueError):
    """The body is not valid ``multipart/form-data`` (400) or is over a limit (413)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class MultipartLimits:
    """Every limit the parser enforces, in one value (``None`` means unlimited)."""

    max_parts: int = 1000
    max_field_size: int = 500 * 1024  # in-memory bytes of one non-file field
    max_total_size: Optional[int] = None  # the whole body, preamble and epilogue included
    spool_threshold: int = 500 * 1024  # file parts larger than this go to a temp file
    max_header_size: int = MAX_HEADER_SECTION  # one part's header section


# Events of the sans-I/O decoder --------------------------------------------------------


@dataclass(frozen=True)
class PartStart:
    """A part begins; ``headers`` are its header fields as raw ``(name, value)`` bytes."""

    headers: list[tuple[bytes, bytes]]


@dataclass(frozen=True)
class PartData:
    """A piece of the current part's body (a part may arrive in many pieces)."""

    data: bytes


@dataclass(frozen=True)
class PartEnd:
    """The current part is complete."""


@dataclass(frozen=True)
class Finished:
    """The close delimiter was seen; everything after it (the epilogue) is ignored."""


Event = Union[PartStart, PartData, PartEnd, Finished]


class State(enum.Enum):
    """Where the decoder is in the RFC 2046 grammar."""

    PREAMBLE = "preamble"  # before the first delimiter: discarded
    AFTER_DELIMITER = "after delimiter"  # "--" (close) or padding + CRLF must follow
    HEADERS = "headers"  # a part's header section, up to the empty line
    BODY = "body"  # a part's body, up to the next delimiter
    FINISHED = "finished"  # after the close delimiter: the epilogue is discarded


# RFC 2046 §5.1.1:  bchars := bcharsnospace / " "
#   bcharsnospace := DIGIT / ALPHA / "'" / "(" / ")" / "+" / "_" / "," / "-" / "." / "/" / ":" / "=" / "?"
#   boundary := 0*69<bchars> bcharsnospace
_BOUNDARY = re.compile(rb"[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]")
# RFC 9110 §5.6.2:  token = 1*tchar
_TOKEN = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
# RFC 2046 §5.1.1: transport-padding := *LWSP-char, between a delimiter and its CRLF.
_MAX_TRANSPORT_PADDING = 64


class MultipartDecoder:
    """Sans-I/O decoder: ``feed(bytes)`` returns the events those bytes complete.

    ``feed(b"")`` means the input ended; before the close delimiter that is a
    :class:`MultipartError` (400). After an error the decoder is dead: every later
    ``feed`` raises the same error. ``bytes_scanned`` counts the bytes ``bytes.find``
    examined looking for the body delimiter, so tests can check the search is linear.

    >>> decoder = MultipartDecoder(b"xyz")
    >>> [type(event).__name__ for event in decoder.feed(
    ...     b'--xyz\\r\\nContent-Disposition: form-data; name="a"\\r\\n\\r\\n1\\r\\n--xyz--')]
    ['PartStart', 'PartData', 'PartEnd', 'Finished']
    """

    def __init__(self, boundary: bytes, max_header_size: int = MAX_HEADER_SECTION) -> None:
        if not _BOUNDARY.fullmatch(boundary):
            raise MultipartError(400, "invalid multipart boundary")
        self.delimiter = b"\r\n--" + boundary
        self.max_header_size = max_header_size
        self.state = State.PREAMBLE
        self.bytes_scanned = 0
        # The first delimiter may open the body without a CRLF before it (RFC 2046 §5.1.1:
        # the CRLF belongs to the delimiter, and the preamble may be empty): pretend one.
        self._buffer = bytearray(b"\r\n")
        self._header_search_start = 0
        self._error: MultipartError | None = None

    @property
    def finished(self) -> bool:
        """True once the close delimiter was seen."""
        return self.state is State.FINISHED

    @property
    def buffered(self) -> int:
        """Bytes held back because they might begin a delimiter (bounded, see rule 2)."""
        return len(self._buffer)

    def feed(self, data: bytes) -> list[Event]:
        """Consume ``data``; return the events it completes (``b""`` ends the input)."""
        if self._error is not None:
            raise self._error
        if self.finished:
            return []
        try:
            return self._feed(data)
        except MultipartError as error:
            self._error = error
            raise

    def _feed(self, data: bytes) -> list[Event]:
        if not data:
            raise MultipartError(400, "multipart body ended before the final boundary")
        self._buffer += data
        events: list[Event] = []
        progress = True
        while progress and not self.finished:
            progress = self._step(events)
        if self.finished:
            events.append(Finished())
            self._buffer.clear()
        return events

    def _step(self, events: list[Event]) -> bool:
        """Advance by one grammar element; False when more input is needed."""
        if self.state is State.HEADERS:
            return self._parse_headers(events)
        if self.state is State.AFTER_DELIMITER:
            return self._parse_after_delimiter(events)
        return self._scan_body(events)

    def _scan_body(self, events: list[Event]) -> bool:
        """Find the next delimiter in the preamble or a body; emit what precedes it."""
        index = self._buffer.find(self.delimiter)
        if index == -1:
            self.bytes_scanned += len(self._buffer)
            keep = self._possible_delimiter_start()
            self._emit_body(events, len(self._buffer) - keep)
            return False
        self.bytes_scanned += index + len(self.delimiter)
        self._emit_body(events, index)
        del self._buffer[: len(self.delimiter)]
        if self.state is State.BODY:
            events.append(PartEnd())
        self.state = State.AFTER_DELIMITER
        return True

    def _possible_delimiter_start(self) -> int:
        """Length of the buffer's tail that could be the start of a delimiter."""
        window_start = max(0, len(self._buffer) - len(self.delimiter) + 1)
        last_cr = self._buffer.rfind(b"\r", window_start)
        if last_cr == -1 or not self.delimiter.startswith(self._buffer[last_cr:]):
            return 0
        return len(self._buffer) - last_cr

    def _emit_body(self, events: list[Event], length: int) -> None:
        """Hand ``length`` leading bytes to the current part (the preamble is dropped)."""
        if length <= 0:
            return
        if self.state is State.BODY:
            events.append(PartData(bytes(self._buffer[:length])))
        del self._buffer[:length]

    def _parse_after_delimiter(self, events: list[Event]) -> bool:
        """After a delimiter: ``--`` closes the body; otherwise padding, CRLF, headers."""
        if len(self._buffer) < 2:
            return False
        if self._buffer.startswith(b"--"):
            self.state = State.FINISHED
            return False
        line_end = self._buffer.find(b"\r\n", 0, _MAX_TRANSPORT_PADDING + 2)
        if line_end == -1:
            if len(self._buffer) >= _MAX_TRANSPORT_PADDING + 2:
                raise MultipartError(400, "boundary line is not followed by CRLF")
            return False
        if self._buffer[:line_end].strip(b" \t"):
            # The boundary text occurred inside a body: RFC 2046 forbids that, so a
            # sender that did it has built the body wrongly.
            raise MultipartError(400, "boundary line is not followed by CRLF")
        del self._buffer[: line_end + 2]
        self.state = State.HEADERS
        self._header_search_start = 0
        return True

    def _parse_headers(self, events: list[Event]) -> bool:
        """Collect a part's header section, up to and including the empty line."""
        if self._buffer.startswith(b"\r\n"):  # a part with no header fields at all
            end, section_length = 0, 2
        else:
            end = self._buffer.find(b"\r\n\r\n", self._header_search_start)
            section_length = end + 4
        if end == -1:
            if len(self._buffer) > self.max_header_size:
                raise MultipartError(400, "part header section is too long")
            # Resume the search where it stopped, so a slow trickle stays linear.
            self._header_search_start = max(0, len(self._buffer) - 3)
            return False
        if section_length > self.max_header_size:
            raise MultipartError(400, "part header section is too long")
        headers = _parse_header_lines(bytes(self._buffer[:end]))
        del self._buffer[:section_length]
        events.append(PartStart(headers))
        self.state = State.BODY
        return True


def _parse_header_lines(section: bytes) -> list[tuple[bytes, bytes]]:
    """Split a part's header section into ``(name, value)`` pairs (RFC 9112 §5 grammar)."""
    headers: list[tuple[bytes, bytes]] = []
    if not section:
        return headers
    for line in section.split(b"\r\n"):
        name, colon, value = line.partition(b":")
        if not colon or not _TOKEN.fullmatch(name):
            raise MultipartError(400, "malformed part header line")
        value = value.strip(b" \t")
        if b"\r" in value or b"\n" in value or b"\x00" in value:
            raise MultipartError(400, "control character in a part header")
        headers.append((name, value))
    return headers


# Header parameters (Content-Type, Content-Disposition) ---------------------------------

# RFC 9110 §5.6.6:  parameters = *( OWS ";" OWS [ parameter ] )
#                   parameter  = parameter-name "=" parameter-value
#                   parameter-value = ( token / quoted-string )
# Every quantifier is followed by something it cannot match, so the regex never retries a
# split (ReDoS): the quoted-string alternation is unambiguous (an escape or a plain
# character), and a token runs greedily to ";" (trailing blanks are trimmed in Python,
# since "[^;]*?[ \t]*" would be quadratic on long runs of blanks). Unquoted values may hold
# any byte but ";" and '"', so the raw paths some clients send unquoted still parse.
_PARAMETER = re.compile(
    r"""[ \t]*;[ \t]*(?:(?P<name>[!#$%&'*+\-.^_`|~0-9A-Za-z]+)[ \t]*=[ \t]*"""
    r"""(?:"(?P<quoted>(?:[^"\\]|\\.)*)"[ \t]*|(?P<token>[^;"]*)))?(?=;|$)"""
)
_TYPE = re.compile(r"[^;]*")
_QUOTED_PAIR = re.compile(r'\\([\\"])')
# RFC 2231 §3-4: name*N (a continuation), name*N* / name* (percent-encoded ext-value).
_EXTENDED_NAME = re.compile(r"(?P<base>[^*]+)(?:\*(?P<index>[0-9]{1,3}))?(?P<encoded>\*)?")
# RFC 5987 §3.2:  ext-value = charset "'" [ language ] "'" value-chars
_EXT_VALUE = re.compile(r"(?P<charset>[!#$%&+\-^_`{}~0-9A-Za-z]+)'[^']*'(?P<value>.*)", re.S)
_EXT_CHARSETS = {"utf-8": "utf-8", "iso-8859-1": "latin-1", "us-ascii": "ascii"}


def parse_options_header(value: str) -> tuple[str, dict[str, str]]:
    """Split ``type; name=value; ...`` into the lower-cased type and its parameters.

    Quoted strings are unquoted (only ``\\"`` and ``\\\\`` are escapes, since browsers send
    Windows paths with raw backslashes); RFC 2231 continuations and RFC 5987 ``name*``
    values are decoded and win over the plain ``name``. Parameter names are lower-cased.
    Raises :class:`MultipartError` (400) for text that is not a parameter list.

    >>> parse_options_header('form-data; name="a"; filename*=UTF-8\\'\\'%E2%82%AC.txt')
    ('form-data', {'name': 'a', 'filename': '€.txt'})
    """
    type_match = _TYPE.match(value)
    assert type_match is not None  # the pattern matches any text
    position = type_match.end()
    raw: list[tuple[str, str, bool]] = []
    while position < len(value):
        match = _PARAMETER.match(value, position)
        if match is None or match.end() == position:
            raise MultipartError(400, "malformed header parameters")
        position = match.end()
        if match.group("name"):
            quoted = match.group("quoted")
            if quoted is not None:
                text = _unquote(quoted)
            else:
                text = (match.group("token") or "").rstrip(" \t")
            raw.append((match.group("name").lower(), text, quoted is not None))
    return type_match.group().strip(" \t").lower(), _collapse_parameters(raw)


def _unquote(text: str) -> str:
    """Undo quoted-pair escapes of ``"`` and ``\\`` (RFC 9110 §5.6.4)."""
    if "\\" not in text:  # the common case; skipping the regex halves parameter parsing
        return text
    return _QUOTED_PAIR.sub(r"\1", text)


def _collapse_parameters(raw: list[tuple[str, str, bool]]) -> dict[str, str]:
    """Join RFC 2231 continuations and decode extended values; extended ones win."""
    plain: dict[str, str] = {}
    pieces: dict[str, dict[int, tuple[str, bool]]] = {}
    for name, text, _quoted in raw:
        match = _EXTENDED_NAME.fullmatch(name)
        if match is None or (match.group("index") is None and not match.group("encoded")):
            plain.setdefault(name, text)
            continue
        index = int(match.group("index") or 0)
        pieces.setdefault(match.group("base"), {}).setdefault(
            index, (text, bool(match.group("encoded")))
        )
    for base, numbered in pieces.items():
        decoded = _decode_extended(numbered)
        if decoded is not None:
            plain[base] = decoded
    return plain


def _decode_extended(numbered: dict[int, tuple[str, bool]]) -> str | None:
    """Decode ``{index: (text, encoded)}`` into one string; None when undecodable."""
    if 0 not in numbered:
        return None
    first_text, first_encoded = numbered[0]
    charset = "utf-8"
    if first_encoded:
        match = _EXT_VALUE.fullmatch(first_text)
        if match is None or match.group("charset").lower() not in _EXT_CHARSETS:
            return None
        charset = _EXT_CHARSETS[match.group("charset").lower()]
        numbered = {**numbered, 0: (match.group("value"), True)}
    joined = bytearray()
    for index in range(len(numbered)):
        if index not in numbered:  # RFC 2231 §3: continuations are numbered without gaps
            break
        text, encoded = numbered[index]
        joined += unquote_to_bytes(text) if encoded else text.encode("utf-8")
    return joined.decode(charset, "replace")


def boundary_from_content_type(content_type: str) -> bytes:
    """The ``boundary`` of a ``multipart/*`` Content-Type, checked against RFC 2046.

    >>> boundary_from_content_type('multipart/form-data; boundary="----x"')
    b'----x'
    """
    mimetype, parameters = parse_options_header(content_type)
    if not mimetype.startswith("multipart/"):
        raise MultipartError(400, "not a multipart content type")
    text = parameters.get("boundary", "")
    boundary = text.encode("ascii", "replace")
    if not text.isascii() or not _BOUNDARY.fullmatch(boundary):
        raise MultipartError(400, "missing or invalid multipart boundary")
    return boundary


# The stream-reading driver ---------------------------------------------------------------


def parse_multipart(
    stream: BinaryIO,
    boundary: bytes,
    content_length: int | None = None,
    limits: MultipartLimits | None = None,
    charset: str = "utf-8",
) -> tuple[MultiDict[str, str], MultiDict[str, FileStorage]]:
    """Parse a ``multipart/form-data`` body into ``(form, files)``.

    Reads ``stream`` in blocks (never past ``content_length`` when it is given), and stops
    at the close delimiter. Fields without a ``filename`` go to ``form`` as text decoded
    with ``charset``; parts with one go to ``files`` as :class:`FileStorage` objects whose
    streams are spooled temporary files (closed again if parsing fails). A filename sent
    with a path (``C:\\dir\\a.txt``) keeps only its last component; it is still
    client-chosen text, so pass it through ``security.secure_filename`` before saving.

    >>> import io
    >>> body = b'--b\\r\\nContent-Disposition: form-data; name="q"\\r\\n\\r\\nhi\\r\\n--b--\\r\\n'
    >>> form, files = parse_multipart(io.BytesIO(body), b"b", len(body))
    >>> form["q"], len(files)
    ('hi', 0)
    """
    limits = limits or MultipartLimits()
    if limits.max_total_size is not None and (content_length or 0) > limits.max_total_size:
        raise MultipartError(413, "multipart body is larger than the limit")
    decoder = MultipartDecoder(boundary, limits.max_header_size)
    builder = _FormBuilder(limits, charset)
    try:
        for block in _read_blocks(stream, content_length, limits.max_total_size):
            for event in decoder.feed(block):
                builder.handle(event)
            if decoder.finished:
                break
        else:
            decoder.feed(b"")  # raises: the stream ended before the close delimiter
    except BaseException:
        builder.discard()
        raise
    return builder.form, builder.files


def _read_blocks(
    stream: BinaryIO, content_length: int | None, max_total_size: int | None
) -> Iterator[bytes]:
    """Yield the body in blocks; stop at ``content_length`` or at the end of the stream."""
    remaining = content_length
    total = 0
    while remaining is None or remaining > 0:
        size = BLOCK_SIZE if remaining is None else min(BLOCK_SIZE, remaining)
        block = stream.read(size)
        if not block:
            return
        total += len(block)
        if max_total_size is not None and total > max_total_size:
            raise MultipartError(413, "multipart body is larger than the limit")
        if remaining is not None:
            remaining -= len(block)
        yield block


class _FormBuilder:
    """Turns decoder events into form fields and files, enforcing the per-part limits."""

    def __init__(self, limits: MultipartLimits, charset: str) -> None:
        self.limits = limits
        self.charset = charset
        self.form: MultiDict[str, str] = MultiDict()
        self.files: MultiDict[str, FileStorage] = MultiDict()
        self.part_count = 0
        self._headers = Headers()
        self._name = ""
        self._filename: str | None = None
        self._field = bytearray()
        self._file: BinaryIO | None = None

    def handle(self, event: Event) -> None:
        """Apply one decoder event."""
        if isinstance(event, PartStart):
            self._start_part(event.headers)
        elif isinstance(event, PartData):
            self._add_data(event.data)
        elif isinstance(event, PartEnd):
            self._end_part()

    def _start_part(self, raw_headers: list[tuple[bytes, bytes]]) -> None:
        self.part_count += 1
        if self.part_count > self.limits.max_parts:
            raise MultipartError(413, "too many parts in the multipart body")
        self._headers = Headers(
            [
                (name.decode("ascii"), value.decode(self.charset, "replace"))
                for name, value in raw_headers
            ]
        )
        disposition = self._headers.get("Content-Disposition")
        if disposition is None:
            raise MultipartError(400, "part has no Content-Disposition")
        disposition_type, parameters = parse_options_header(disposition)
        name = parameters.get("name")
        # An empty name is a name: the WHATWG form-data algorithm sends FormData's
        # append("", value) as name="", and Werkzeug files it under "". A part without
        # one (RFC 7578 §4.2 requires it) cannot be filed under any key.
        if disposition_type != "form-data" or name is None:
            raise MultipartError(400, "part is not form-data with a name (RFC 7578 §4.2)")
        self._name = name
        self._filename = parameters.get("filename")
        self._field = bytearray()
        if self._filename is not None:
            # Old Internet Explorer sends the client's full path; keep the base name only.
            self._filename = self._filename.replace("\\", "/").rpartition("/")[2]
            self._file = _spooled_file(self.limits.spool_threshold)

    def _add_data(self, data: bytes) -> None:
        if self._file is not None:
            self._file.write(data)
            return
        if len(self._field) + len(data) > self.limits.max_field_size:
            raise MultipartError(413, "a form field is larger than the limit")
        self._field += data

    def _end_part(self) -> None:
        if self._file is None:
            self.form.add(self._name, self._field.decode(self._field_charset(), "replace"))
            return
        self._file.seek(0)
        storage = FileStorage(
            self._file,
            filename=self._filename,
            name=self._name,
            content_type=self._headers.get("Content-Type"),
            headers=self._headers,
        )
        self.files.add(self._name, storage)
        self._file = None

    def _field_charset(self) -> str:
        """The part's own ``charset`` parameter if it names a known codec, else the default."""
        content_type = self._headers.get("Content-Type")
        if content_type is None:
            return self.charset
        charset = parse_options_header(content_type)[1].get("charset", "")
        try:
            return codecs.lookup(charset).name if charset else self.charset
        except LookupError:
            return self.charset

    def discard(self) -> None:
        """Close every temporary file made so far (parsing failed)."""
        if self._file is not None:
            self._file.close()
        for _name, storage in self.files.items(multi=True):
            storage.close()


def _spooled_file(threshold: int) -> BinaryIO:
    """A file in memory up to ``threshold`` bytes, then on disk (deleted when closed)."""
    spooled: BinaryIO = tempfile.SpooledTemporaryFile(max_size=threshold, mode="w+b")  # type: ignore[assignment]
    return spooled
