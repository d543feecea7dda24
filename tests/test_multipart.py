"""Tests for tinyweb.multipart: framing, headers, limits, attacks, and the fuzz target."""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tinyweb import multipart
from tinyweb.multipart import (
    Finished,
    MultipartDecoder,
    MultipartError,
    MultipartLimits,
    PartData,
    PartEnd,
    PartStart,
    boundary_from_content_type,
    parse_multipart,
    parse_options_header,
)

BOUNDARY = b"----tinywebBoundary7MA4YWxk"
MiB = 1024 * 1024


def field(name: str, value: bytes, extra: bytes = b"") -> bytes:
    """One encoded form-data part (without its delimiter)."""
    return (
        b'Content-Disposition: form-data; name="'
        + name.encode()
        + b'"\r\n'
        + extra
        + b"\r\n"
        + value
    )


def upload(name: str, filename: str, value: bytes, content_type: bytes = b"text/plain") -> bytes:
    return (
        b'Content-Disposition: form-data; name="'
        + name.encode()
        + b'"; filename="'
        + filename.encode()
        + b'"\r\nContent-Type: '
        + content_type
        + b"\r\n\r\n"
        + value
    )


def body_of(*parts: bytes, boundary: bytes = BOUNDARY) -> bytes:
    delimiter = b"--" + boundary
    encoded = b"".join(delimiter + b"\r\n" + part + b"\r\n" for part in parts)
    return encoded + delimiter + b"--\r\n"


PARSED_FILES: list[Any] = []


@pytest.fixture(autouse=True)
def close_parsed_files() -> Iterator[None]:
    """Uploads are spooled temporary files: close them, as Request.close() does."""
    yield
    while PARSED_FILES:
        PARSED_FILES.pop().close()


def parse(body: bytes, **limits: int | None) -> tuple[Any, Any]:
    form, files = parse_multipart(
        io.BytesIO(body),
        BOUNDARY,
        len(body),
        MultipartLimits(**limits),  # type: ignore[arg-type]
    )
    PARSED_FILES.extend(storage for _, storage in files.items(multi=True))
    return form, files


class GeneratedStream(io.RawIOBase):
    """A readable stream of head + pattern repeated up to ``size`` bytes + tail, made lazily."""

    def __init__(self, head: bytes, pattern: bytes, size: int, tail: bytes) -> None:
        self.head, self.pattern, self.size, self.tail = head, pattern, size, tail
        self.position = 0
        self.total = len(head) + size + len(tail)
        self.bytes_read = 0
        self.reads = 0
        self._block = pattern * (multipart.BLOCK_SIZE // len(pattern) + 2)

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        self.reads += 1
        size = self.total - self.position if size < 0 else size
        result = bytearray()
        while len(result) < size and self.position < self.total:
            result += self._piece(size - len(result))
        self.bytes_read += len(result)
        return bytes(result)

    def _piece(self, wanted: int) -> bytes:
        start = self.position
        if start < len(self.head):
            piece = self.head[start : start + wanted]
        elif start < len(self.head) + self.size:
            offset = (start - len(self.head)) % len(self.pattern)
            left = len(self.head) + self.size - start
            piece = self._block[offset : offset + min(wanted, left, multipart.BLOCK_SIZE)]
        else:
            offset = start - len(self.head) - self.size
            piece = self.tail[offset : offset + wanted]
        self.position += len(piece)
        return piece


# Framing ---------------------------------------------------------------------------------


def test_fields_and_files() -> None:
    body = body_of(
        field("title", b"Hello"),
        field("tag", b"a"),
        field("tag", b"b"),
        upload("doc", "notes.txt", b"line 1\r\nline 2\r\n"),
        upload("doc", "empty.bin", b"", b"application/octet-stream"),
    )
    form, files = parse(body)
    assert form["title"] == "Hello"
    assert form.getlist("tag") == ["a", "b"]
    documents = files.getlist("doc")
    assert [document.filename for document in documents] == ["notes.txt", "empty.bin"]
    assert documents[0].name == "doc"
    assert documents[0].content_type == "text/plain"
    assert documents[0].read() == b"line 1\r\nline 2\r\n"
    assert documents[1].read() == b""
    assert documents[1].headers["Content-Type"] == "application/octet-stream"


def test_empty_file_input_gives_a_falsy_file_storage() -> None:
    form, files = parse(body_of(upload("avatar", "", b"", b"application/octet-stream")))
    assert len(form) == 0
    assert not files["avatar"]
    assert files["avatar"].filename == ""


def test_preamble_epilogue_and_transport_padding_are_ignored() -> None:
    body = (
        b"This is the preamble.\r\n--"
        + BOUNDARY
        + b" \t\r\n"
        + field("a", b"1")
        + b"\r\n--"
        + BOUNDARY
        + b"--  \r\nThis is the epilogue, --"
        + BOUNDARY
        + b"\r\n"
    )
    form, _ = parse(body)
    assert form.to_dict() == {"a": "1"}


def test_empty_multipart_body() -> None:
    form, files = parse(b"--" + BOUNDARY + b"--\r\n")
    assert len(form) == 0 and len(files) == 0


def test_the_stream_is_not_read_past_the_close_delimiter() -> None:
    body = body_of(field("a", b"1"))
    stream = io.BytesIO(body + b"NEXT REQUEST")
    form, _ = parse_multipart(stream, BOUNDARY, None)
    assert form["a"] == "1"
    assert stream.read() in (b"", b"NEXT REQUEST")  # epilogue may be read, never past it
    stream = GeneratedStream(body, b"x", 10 * MiB, b"")
    parse_multipart(stream, BOUNDARY, None)
    assert stream.bytes_read <= len(body) + multipart.BLOCK_SIZE


@pytest.mark.parametrize(("declared", "expected"), [(b"5", 5), (b"x", 0), (b"9" * 5000, 0)])
def test_a_part_reports_its_declared_content_length(declared: bytes, expected: int) -> None:
    # 5000 digits once reached int(), whose 4300-digit limit raised: a 500 for the app.
    body = body_of(upload("doc", "a.txt", b"hello", b"text/plain\r\nContent-Length: " + declared))
    _, files = parse(body)
    assert files["doc"].content_length == expected


def test_content_length_bounds_the_reads() -> None:
    body = body_of(field("a", b"1"))
    stream = io.BytesIO(body + b"GET / HTTP/1.1\r\n")
    parse_multipart(stream, BOUNDARY, len(body))
    assert stream.tell() == len(body)


def test_field_values_are_decoded_with_the_charset() -> None:
    body = body_of(
        field("utf8", "é€".encode()),
        field("broken", b"\xff"),
        field("latin", "é".encode("latin-1"), b"Content-Type: text/plain; charset=latin-1\r\n"),
        field("unknown", b"ok", b"Content-Type: text/plain; charset=no-such-codec\r\n"),
    )
    form, _ = parse(body)
    assert form["utf8"] == "é€"
    assert form["broken"] == "\ufffd"
    assert form["latin"] == "é"
    assert form["unknown"] == "ok"


def test_non_ascii_names_sent_raw_by_browsers() -> None:
    form, files = parse(body_of(field("prénom", b"x"), upload("f", "résumé.pdf", b"%")))
    assert form["prénom"] == "x"
    assert files["f"].filename == "résumé.pdf"


def test_a_part_without_headers_is_refused() -> None:
    body = b"--" + BOUNDARY + b"\r\n\r\nvalue\r\n--" + BOUNDARY + b"--"
    with pytest.raises(MultipartError) as error:
        parse(body)
    assert error.value.status == 400


def test_delimiter_split_at_every_byte_gives_the_same_events() -> None:
    body = body_of(field("a", b"\r\n--" + BOUNDARY[:-1]), upload("f", "x", b"\r\r\n\r\n-"))
    expected = collect_events(MultipartDecoder(BOUNDARY), [body])
    for cut in range(len(body) + 1):
        chunks = [body[:cut], body[cut:]]
        assert collect_events(MultipartDecoder(BOUNDARY), chunks) == expected


def collect_events(decoder: MultipartDecoder, chunks: list[bytes]) -> list[object]:
    """Feed ``chunks``; return the events with adjacent PartData merged."""
    events: list[object] = []
    for chunk in chunks:
        if chunk:
            for event in decoder.feed(chunk):
                if isinstance(event, PartData) and events and isinstance(events[-1], PartData):
                    events[-1] = PartData(events[-1].data + event.data)
                else:
                    events.append(event)
    return events


part_values = st.binary(max_size=40).map(lambda value: value.replace(b"--" + BOUNDARY, b""))


@settings(max_examples=min(100, settings.default.max_examples))
@given(
    st.lists(st.tuples(st.sampled_from(["a", "b", "ç"]), part_values), max_size=5),
    st.lists(st.integers(min_value=1, max_value=30), min_size=1, max_size=10),
)
def test_any_chunking_parses_the_same(values: list[tuple[str, bytes]], sizes: list[int]) -> None:
    body = body_of(*(upload(name, "f.bin", value) for name, value in values))
    chunks, position, index = [], 0, 0
    while position < len(body):
        size = sizes[index % len(sizes)]
        chunks.append(body[position : position + size])
        position, index = position + size, index + 1
    assert collect_events(MultipartDecoder(BOUNDARY), chunks) == collect_events(
        MultipartDecoder(BOUNDARY), [body]
    )
    _, files = parse(body)
    for name in ("a", "b", "ç"):
        expected = [value for field_name, value in values if field_name == name]
        assert [storage.read() for storage in files.getlist(name)] == expected


def test_decoder_events_for_a_simple_body() -> None:
    decoder = MultipartDecoder(b"b")
    events = decoder.feed(b'--b\r\nContent-Disposition: form-data; name="n"\r\n\r\nv\r\n--b--')
    assert events == [
        PartStart([(b"Content-Disposition", b'form-data; name="n"')]),
        PartData(b"v"),
        PartEnd(),
        Finished(),
    ]
    assert decoder.feed(b"epilogue") == []


# Malformed input -> 400 ------------------------------------------------------------------

MALFORMED = {
    "missing final boundary": body_of(field("a", b"1"))[: -len(b"--\r\n") - 2],
    "no delimiter at all": b"just some text",
    "empty body": b"",
    "truncated inside a part": body_of(field("a", b"1"))[:60],
    "truncated inside headers": b"--" + BOUNDARY + b"\r\nContent-Disposition: form",
    "header line without colon": b"--" + BOUNDARY + b"\r\nContent-Disposition\r\n\r\nx\r\n",
    "header name with space": b"--" + BOUNDARY + b"\r\nContent Disposition: x\r\n\r\n",
    "obs-fold header line": b"--"
    + BOUNDARY
    + b'\r\nContent-Disposition: form-data;\r\n name="a"\r\n\r\n',
    "bare CR in a header": b"--"
    + BOUNDARY
    + b'\r\nContent-Disposition: form-data; name="a\rb"\r\n\r\n',
    "NUL in a header": b"--"
    + BOUNDARY
    + b'\r\nContent-Disposition: form-data; name="a\x00"\r\n\r\n',
    "missing Content-Disposition": b"--" + BOUNDARY + b"\r\nContent-Type: text/plain\r\n\r\nx\r\n",
    "Content-Disposition without name": body_of(b"Content-Disposition: form-data\r\n\r\nx"),
    "Content-Disposition not form-data": body_of(
        b'Content-Disposition: attachment; name="a"\r\n\r\nx'
    ),
    "unterminated quoted string": body_of(b'Content-Disposition: form-data; name="a\r\n\r\nx'),
    "boundary not followed by CRLF": b"--" + BOUNDARY + b"garbage\r\n" + field("a", b"1"),
    "boundary inside a body": body_of(field("a", b"1\r\n--" + BOUNDARY + b"xyz")),
    "endless transport padding": b"--" + BOUNDARY + b" " * 200,
    "headers too long": b"--" + BOUNDARY + b"\r\nX-Long: " + b"a" * 9000 + b"\r\n\r\n",
    "headers too long, no end": b"--" + BOUNDARY + b"\r\nX-Long: " + b"a" * 9000,
}


def test_an_empty_name_is_a_field_named_empty() -> None:
    # JS: formData.append("", "x") sends name=""; Werkzeug keeps it under the key "".
    body = body_of(field("title", b"hi"), field("", b"x"), upload("", "a.txt", b"file"))
    form, files = parse(body)
    assert form.getlist("title") == ["hi"]
    assert form.getlist("") == ["x"]
    assert files[""].filename == "a.txt"
    assert files[""].read() == b"file"


@pytest.mark.parametrize("body", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_bodies_are_400(body: bytes) -> None:
    with pytest.raises(MultipartError) as error:
        parse(body)
    assert error.value.status == 400
    assert str(error.value) == error.value.reason


def test_a_short_stream_is_a_missing_final_boundary() -> None:
    body = body_of(field("a", b"1"))
    with pytest.raises(MultipartError, match="final boundary") as error:
        parse_multipart(io.BytesIO(body[:-10]), BOUNDARY, len(body))
    assert error.value.status == 400


def test_after_an_error_the_decoder_is_dead() -> None:
    decoder = MultipartDecoder(BOUNDARY)
    with pytest.raises(MultipartError) as first:
        decoder.feed(b"--" + BOUNDARY + b"\r\nno colon here\r\n\r\n")
    with pytest.raises(MultipartError) as again:
        decoder.feed(b"more")
    assert again.value is first.value


def test_invalid_boundaries_are_refused() -> None:
    for boundary in (b"", b"a" * 71, b"ends with space ", b"semi;colon", b"caf\xc3\xa9"):
        with pytest.raises(MultipartError) as error:
            MultipartDecoder(boundary)
        assert error.value.status == 400


def test_temporary_files_are_closed_when_parsing_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[BinaryIO] = []
    real = multipart._spooled_file

    def recording(threshold: int) -> BinaryIO:
        made.append(real(threshold))
        return made[-1]

    monkeypatch.setattr(multipart, "_spooled_file", recording)
    body = body_of(upload("a", "a.txt", b"1"), upload("b", "b.txt", b"2"))[:-30]
    with pytest.raises(MultipartError):
        parse(body)
    assert len(made) == 2 and all(file.closed for file in made)


# Limits -> 413 ---------------------------------------------------------------------------


def test_ten_thousand_parts_hit_the_part_limit_early() -> None:
    part = b"--" + BOUNDARY + b'\r\nContent-Disposition: form-data; name="p"\r\n\r\nv\r\n'
    stream = GeneratedStream(b"", part, 10_000 * len(part), b"--" + BOUNDARY + b"--")
    with pytest.raises(MultipartError) as error:
        parse_multipart(stream, BOUNDARY, stream.total)
    assert error.value.status == 413
    assert stream.bytes_read < 1001 * len(part) + multipart.BLOCK_SIZE


def test_many_parts_within_the_limit_are_fine() -> None:
    body = body_of(*[field("p", str(number).encode()) for number in range(10_000)])
    form, _ = parse(body, max_parts=10_000)
    assert form.getlist("p")[-1] == "9999"


def test_a_fifty_mebibyte_field_hits_the_field_limit_without_being_held() -> None:
    head = b"--" + BOUNDARY + b'\r\nContent-Disposition: form-data; name="big"\r\n\r\n'
    stream = GeneratedStream(head, b"A", 50 * MiB, b"\r\n--" + BOUNDARY + b"--")
    with pytest.raises(MultipartError) as error:
        parse_multipart(stream, BOUNDARY, stream.total)
    assert error.value.status == 413
    # It stopped one block after the 500 KiB field limit, not after reading 50 MiB.
    assert stream.bytes_read <= 500 * 1024 + 2 * multipart.BLOCK_SIZE


def test_the_total_size_limit() -> None:
    body = body_of(upload("f", "f.bin", b"x" * 5000))
    with pytest.raises(MultipartError) as error:  # known up front from Content-Length
        parse(body, max_total_size=1000)
    assert error.value.status == 413
    stream = GeneratedStream(body, b"x", 0, b"")
    with pytest.raises(MultipartError) as error:  # streamed (chunked: no Content-Length)
        parse_multipart(stream, BOUNDARY, None, MultipartLimits(max_total_size=1000))
    assert error.value.status == 413


def test_field_limit_counts_bytes_and_spares_files() -> None:
    form, files = parse(
        body_of(field("a", b"x" * 10), upload("f", "f", b"y" * 100)), max_field_size=10
    )
    assert form["a"] == "x" * 10 and files["f"].read() == b"y" * 100
    with pytest.raises(MultipartError) as error:
        parse(body_of(field("a", b"x" * 11)), max_field_size=10)
    assert error.value.status == 413


def test_large_files_are_spooled_to_disk() -> None:
    _, files = parse(
        body_of(upload("small", "s", b"s" * 100), upload("large", "l", b"l" * 2000)),
        spool_threshold=1000,
    )
    assert not files["small"].stream._rolled  # type: ignore[attr-defined]
    assert files["large"].stream._rolled  # type: ignore[attr-defined]
    assert files["large"].read() == b"l" * 2000


# Linear time on CR-leading data (structural: bytes scanned, never a stopwatch) -------------


@pytest.mark.parametrize("pattern", [b"\r", b"\r\n-", b"\r\n--", b"\r\n--" + BOUNDARY[:-1]])
def test_the_boundary_search_is_linear_on_cr_leading_data(pattern: bytes) -> None:
    decoder = MultipartDecoder(BOUNDARY)
    decoder.feed(b"--" + BOUNDARY + b'\r\nContent-Disposition: form-data; name="f"\r\n\r\n')
    block = pattern * (multipart.BLOCK_SIZE // len(pattern))
    total, blocks, largest_tail = 0, 0, 0
    while total < 50 * MiB:
        decoder.feed(block)
        total, blocks = total + len(block), blocks + 1
        largest_tail = max(largest_tail, decoder.buffered)
    delimiter_length = len(decoder.delimiter)
    # Each byte is searched once, plus a held-back tail shorter than the delimiter per block.
    assert decoder.bytes_scanned <= total + blocks * delimiter_length + 200
    assert largest_tail < delimiter_length
    assert [type(event) for event in decoder.feed(b"\r\n--" + BOUNDARY + b"--")] == [
        PartData,
        PartEnd,
        Finished,
    ]


def test_fifty_mebibytes_of_cr_lf_dash_upload_end_to_end() -> None:
    head = b"--" + BOUNDARY + b'\r\nContent-Disposition: form-data; name="f"; filename="x"\r\n\r\n'
    size = 3 * (50 * MiB // 3)
    stream = GeneratedStream(head, b"\r\n-", size, b"\r\n--" + BOUNDARY + b"--\r\n")
    _, files = parse_multipart(stream, BOUNDARY, stream.total)
    upload_stream = files["f"].stream
    upload_stream.seek(0, io.SEEK_END)
    assert upload_stream.tell() == size
    upload_stream.seek(-6, io.SEEK_END)
    assert upload_stream.read() == b"\r\n-\r\n-"
    files["f"].close()


# Content-Disposition and friends -----------------------------------------------------------

FILENAMES = [
    (b'filename="a.txt"', "a.txt"),
    (b'filename="C:\\Users\\me\\a.txt"', "a.txt"),  # old IE sends the full path
    (b'filename="\\\\server\\share\\a.txt"', "a.txt"),
    (b'filename="/home/me/a.txt"', "a.txt"),
    (b'filename="dir/sub/a.txt"', "a.txt"),
    (b'filename="say \\"hi\\".txt"', 'say "hi".txt'),
    (b'filename="a;b.txt"', "a;b.txt"),
    (b'filename="%22quoted%22.txt"', "%22quoted%22.txt"),  # HTML's escaping is kept as sent
    (b"filename=plain.txt", "plain.txt"),
    (b"filename*=UTF-8''%E2%82%AC%20rates.txt", "€ rates.txt"),
    (b"filename=\"fallback.txt\"; filename*=UTF-8''%C3%A9t%C3%A9.txt", "été.txt"),
    (b"filename*=iso-8859-1'en'%E9t%E9.txt", "été.txt"),
    (b"filename=\"fallback.txt\"; filename*=KOI8-R''%C1.txt", "fallback.txt"),
    (b'filename*0="long"; filename*1="name.txt"', "longname.txt"),
    (b"filename*0*=UTF-8''%C3%A9; filename*1=\".txt\"", "é.txt"),
    (b'filename=""', ""),
]


@pytest.mark.parametrize(("parameter", "expected"), FILENAMES)
def test_filenames(parameter: bytes, expected: str) -> None:
    disposition = b'Content-Disposition: form-data; name="f"; ' + parameter + b"\r\n\r\nx"
    _, files = parse(body_of(disposition))
    assert files["f"].filename == expected


OPTIONS = [
    ("text/html", ("text/html", {})),
    ("Text/HTML ; Charset=UTF-8", ("text/html", {"charset": "UTF-8"})),
    ('multipart/form-data; boundary="a b"', ("multipart/form-data", {"boundary": "a b"})),
    ("form-data; name=a;;", ("form-data", {"name": "a"})),
    ('form-data; name="a"; name="b"', ("form-data", {"name": "a"})),
    ('form-data; name="\\\\"', ("form-data", {"name": "\\"})),
    ("", ("", {})),
    ("form-data; name=a b  ", ("form-data", {"name": "a b"})),
    ('form-data; name="a" ; filename = "b"', ("form-data", {"name": "a", "filename": "b"})),
]


@pytest.mark.parametrize(("value", "expected"), OPTIONS)
def test_parse_options_header(value: str, expected: tuple[str, dict[str, str]]) -> None:
    assert parse_options_header(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "form-data; name=a" + " " * 8000 + "x",
        "form-data; name=a" + " " * 8000 + '"',
        "form-data" + " " * 8000 + "x; name=a",
        'form-data; name="' + "\\" * 8000,
        'form-data; name="a"' + " " * 8000 + "x",
    ],
)
def test_parse_options_header_stays_linear_on_blank_runs(value: str) -> None:
    # A header section is at most 8 KiB. The first spelling of the regex took seconds on
    # these (a lazy value followed by optional blanks); this runs in well under a second.
    try:
        parse_options_header(value)
    except MultipartError as error:
        assert error.status == 400


@given(st.text(max_size=60))
def test_parse_options_header_never_crashes(value: str) -> None:
    try:
        parse_options_header(value)
    except MultipartError as error:
        assert error.status == 400


BOUNDARY_HEADERS = [
    ("multipart/form-data; boundary=abc", b"abc"),
    (
        'multipart/form-data; boundary="----WebKitFormBoundary7MA4YWxk"',
        b"----WebKitFormBoundary7MA4YWxk",
    ),
    ("Multipart/Form-Data; BOUNDARY=x", b"x"),
    ('multipart/mixed; boundary="gc0p4Jq0M2Yt08j34c0p"', b"gc0p4Jq0M2Yt08j34c0p"),
]


@pytest.mark.parametrize(("content_type", "expected"), BOUNDARY_HEADERS)
def test_boundary_from_content_type(content_type: str, expected: bytes) -> None:
    assert boundary_from_content_type(content_type) == expected


@pytest.mark.parametrize(
    "content_type",
    [
        "multipart/form-data",
        "multipart/form-data; boundary=",
        'multipart/form-data; boundary="' + "a" * 71 + '"',
        'multipart/form-data; boundary="trailing "',
        "multipart/form-data; boundary=caf\u00e9",
        "multipart/form-data; boundary=\u20ac",
        "application/x-www-form-urlencoded; boundary=abc",
        'multipart/form-data; boundary="unterminated',
    ],
)
def test_bad_boundaries_in_content_type(content_type: str) -> None:
    with pytest.raises(MultipartError) as error:
        boundary_from_content_type(content_type)
    assert error.value.status == 400


# The fuzz target ---------------------------------------------------------------------------


def test_fuzz_target_smoke() -> None:
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run(
        [sys.executable, str(root / "fuzz" / "fuzz_multipart.py"), "--count", "300"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=root,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "300 inputs" in result.stdout
    assert "inputs/s" in result.stdout


def quoted(text: str) -> bytes:
    return b'"' + text.replace("\\", "\\\\").replace('"', '\\"').encode() + b'"'


header_text = st.text(
    st.characters(blacklist_characters="\r\n\x00/\\", blacklist_categories=["Cs"]), min_size=1
)


# Each example parses a whole form: a smaller budget keeps the file quick.
@settings(max_examples=min(60, settings.default.max_examples))
@given(
    st.lists(
        st.tuples(header_text, st.one_of(st.none(), header_text), st.binary(max_size=50)),
        max_size=6,
    )
)
def test_round_trip_of_encoded_forms(
    entries: list[tuple[str, str | None, bytes]],
) -> None:
    parts = []
    for name, filename, value in entries:
        disposition = b"Content-Disposition: form-data; name=" + quoted(name)
        if filename is not None:
            disposition += b"; filename=" + quoted(filename)
        parts.append(disposition + b"\r\n\r\n" + value.replace(b"\r\n--", b""))
    form, files = parse(body_of(*parts))
    uploads = [(name, item.filename, item.read()) for name, item in files.items(multi=True)]
    for name, filename, value in entries:
        value = value.replace(b"\r\n--", b"")
        if filename is None:
            assert value.decode("utf-8", "replace") in form.getlist(name)
        else:
            assert (name, filename, value) in uploads


# Over a real socket: tinyweb's server, Request, and this parser together -------------------


def test_upload_over_a_real_socket() -> None:
    import hashlib
    import http.client
    import json

    from tinyweb.request import Request
    from tinyweb.server import Server

    def application(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        with Request(environ, max_content_length=64 * MiB) as request:
            upload = request.files["file"]
            digest = hashlib.sha256(upload.read()).hexdigest()
            answer = {"title": request.form["title"], "name": upload.filename, "sha": digest}
        start_response("200 OK", [("Content-Type", "application/json")])
        return [json.dumps(answer).encode()]

    content = b"\r\n-" * (2 * MiB) + b"\r"  # CR-leading data, 6 MiB
    body = body_of(field("title", "Café".encode()), upload("file", "C:\\tmp\\a.bin", content))
    with Server(application, "127.0.0.1", 0) as server:
        connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=30)
        try:
            connection.request(
                "POST",
                "/",
                body=body,
                headers={"Content-Type": "multipart/form-data; boundary=" + BOUNDARY.decode()},
            )
            response = connection.getresponse()
            assert response.status == 200
            answer = json.loads(response.read())
        finally:
            connection.close()
    assert answer == {
        "title": "Café",
        "name": "a.bin",
        "sha": hashlib.sha256(content).hexdigest(),
    }
