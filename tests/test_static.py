"""Tests for tinyweb.static: safe_join (traversal attacks), send_file, conditionals, ranges."""

from __future__ import annotations

import io
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import unquote
from wsgiref.util import setup_testing_defaults
from wsgiref.validate import validator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tinyweb.errors import NotFound, PreconditionFailed, RangeNotSatisfiable
from tinyweb.response import Response, http_date
from tinyweb.static import (
    BLOCK_SIZE,
    ByteRange,
    content_disposition,
    parse_range,
    safe_join,
    send_file,
    send_from_directory,
)

CONTENT = bytes(range(256)) * 4  # 1000 bytes below, distinct at every offset
CONTENT = CONTENT[:1000]


def make_environ(method: str = "GET", **headers: str) -> dict[str, Any]:
    environ: dict[str, Any] = {"REQUEST_METHOD": method, "QUERY_STRING": ""}
    setup_testing_defaults(environ)
    for name, value in headers.items():
        environ["HTTP_" + name.upper()] = value
    return environ


class Sent:
    """What a response put on the wire: status, headers and the body chunks."""

    def __init__(self, response: Response, environ: dict[str, Any]) -> None:
        captured: dict[str, Any] = {}

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Any:
            captured["status"], captured["headers"] = status, headers
            return lambda data: None

        body = response(environ, start_response)
        try:
            self.chunks = list(body)
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()
        self.status = int(captured["status"].split()[0])
        self.headers = dict(captured["headers"])
        self.body = b"".join(self.chunks)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "static"
    (root / "css").mkdir(parents=True)
    (root / "data.bin").write_bytes(CONTENT)
    (root / "hello.txt").write_text("hello\n")
    (root / "css" / "site.css").write_text("body{}")
    (root / "empty.txt").write_bytes(b"")
    (root / "%2e%2e").write_text("a file literally named %2e%2e")
    (tmp_path / "secret.txt").write_text("top secret")
    return root


def serve(folder: Path, name: str, method: str = "GET", **headers: str) -> Sent:
    environ = make_environ(method, **headers)
    return Sent(send_from_directory(folder, name, environ=environ), environ)


# safe_join -----------------------------------------------------------------------------------

SAFE = [
    (("a.txt",), "a.txt"),
    (("css/site.css",), "css/site.css"),
    (("css", "site.css"), "css/site.css"),
    (("a//b",), "a/b"),
    (("./a",), "a"),
    (("%2e%2e",), "%2e%2e"),  # not decoded: a harmless name, not traversal
    (("",), ""),
    (("report.v2.pdf",), "report.v2.pdf"),
    (("console.log",), "console.log"),
    (("com10.txt",), "com10.txt"),
]


@pytest.mark.parametrize(("pathnames", "expected"), SAFE)
def test_safe_join_accepts(pathnames: tuple[str, ...], expected: str) -> None:
    segments = [segment for segment in expected.split("/") if segment]
    assert safe_join("/srv", *pathnames) == os.path.join("/srv", *segments)


UNSAFE = {
    "dot-dot": "../secret.txt",
    "dot-dot deeper": "css/../../secret.txt",
    "dot-dot alone": "..",
    "percent-encoded dot-dot, decoded": unquote("%2e%2e/secret.txt"),
    "percent-encoded slash, decoded": unquote("..%2fsecret.txt"),
    "double-encoded, decoded twice": unquote(unquote("%252e%252e%252fsecret.txt")),
    "absolute": "/etc/passwd",
    "backslash": "..\\secret.txt",
    "backslash inside": "css\\site.css",
    "UNC": "\\\\server\\share",
    "drive letter": "C:secret.txt",
    "drive letter with slash": "c:/windows/win.ini",
    "NTFS stream": "hello.txt::$DATA",
    "NUL": "hello.txt\x00.png",
    "newline": "hello\n.txt",
    "device CON": "CON",
    "device con.txt": "con.txt",
    "device in a folder": "css/aux.css",
    "device NUL": "nul",
    "device COM1": "COM1.log",
    "device LPT9": "lpt9",
    "device superscript": "COM\u00b9",
    "device with trailing space": "con .txt",
    "trailing dot": "hello.txt.",
    "trailing space": "hello.txt ",
    "three dots": "...",
}


@pytest.mark.parametrize("pathname", UNSAFE.values(), ids=UNSAFE.keys())
def test_safe_join_refuses(pathname: str) -> None:
    assert safe_join("/srv", pathname) is None
    assert safe_join("/srv", "css", pathname) is None  # in any position


@pytest.mark.parametrize("pathname", UNSAFE.values(), ids=UNSAFE.keys())
def test_send_from_directory_refuses_traversal(folder: Path, pathname: str) -> None:
    with pytest.raises(NotFound):
        serve(folder, pathname)


def test_a_second_unsafe_pathname_is_refused() -> None:
    assert safe_join("/srv", "css", "../x") is None


@given(st.lists(st.text(max_size=12), min_size=1, max_size=4))
def test_safe_join_never_escapes(pathnames: list[str]) -> None:
    joined = safe_join("/srv/root", *pathnames)
    if joined is not None:
        normalized = os.path.normpath(joined)
        assert normalized == "/srv/root" or normalized.startswith("/srv/root/")
        assert "\x00" not in joined and "\\" not in joined


def test_literal_percent_name_is_just_a_file(folder: Path) -> None:
    assert serve(folder, "%2e%2e").body == b"a file literally named %2e%2e"


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links")
def test_symbolic_links_out_of_the_folder_are_refused(folder: Path) -> None:
    (folder / "escape.txt").symlink_to(folder.parent / "secret.txt")
    (folder / "escape_dir").symlink_to(folder.parent)
    (folder / "alias.txt").symlink_to(folder / "hello.txt")
    with pytest.raises(NotFound):
        serve(folder, "escape.txt")
    with pytest.raises(NotFound):
        serve(folder, "escape_dir/secret.txt")
    sent = serve(folder, "alias.txt")  # a link that stays inside is fine
    assert sent.body == b"hello\n"
    assert 'filename="alias.txt"' in sent.headers["Content-Disposition"]


def test_only_regular_files_are_served(folder: Path) -> None:
    with pytest.raises(NotFound):
        serve(folder, "css")
    with pytest.raises(NotFound):
        serve(folder, "missing.txt")
    with pytest.raises(NotFound):
        serve(folder, "hello.txt/more")
    with pytest.raises(NotFound):
        serve(folder, "")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
def test_a_fifo_is_refused_without_hanging(folder: Path) -> None:
    os.mkfifo(folder / "pipe")
    with pytest.raises(NotFound):
        serve(folder, "pipe")


# send_file: headers -------------------------------------------------------------------------


def test_send_from_directory_serves_a_file(folder: Path) -> None:
    sent = serve(folder, "css/site.css")
    assert sent.status == 200
    assert sent.body == b"body{}"
    assert sent.headers["Content-Type"].startswith("text/css")
    assert sent.headers["Content-Length"] == "6"
    assert sent.headers["Accept-Ranges"] == "bytes"
    assert sent.headers["Cache-Control"] == "no-cache"
    assert sent.headers["Content-Disposition"] == 'inline; filename="site.css"'
    etag = sent.headers["ETag"]
    assert etag.startswith('"') and etag.endswith('"') and len(etag) > 2
    modified = int((folder / "css" / "site.css").stat().st_mtime)
    assert sent.headers["Last-Modified"] == http_date(modified)


def test_relative_directory_without_an_app_is_relative_to_the_cwd(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(folder.parent)
    environ = make_environ()
    assert Sent(send_from_directory("static", "hello.txt", environ=environ), environ).body


def test_etag_changes_when_the_file_changes(folder: Path) -> None:
    first = serve(folder, "hello.txt").headers["ETag"]
    (folder / "hello.txt").write_text("hello, longer\n")
    assert serve(folder, "hello.txt").headers["ETag"] != first


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a.txt", "text/plain; charset=utf-8"),
        ("a.html", "text/html; charset=utf-8"),
        ("a.png", "image/png"),
        ("a.tar.gz", "application/gzip"),
        ("a.unknown-extension", "application/octet-stream"),
        ("noextension", "application/octet-stream"),
    ],
)
def test_type_is_guessed_from_the_name(tmp_path: Path, name: str, expected: str) -> None:
    (tmp_path / name).write_bytes(b"x")
    environ = make_environ()
    assert (
        Sent(send_file(tmp_path / name, environ=environ), environ).headers["Content-Type"]
        == expected
    )


def test_attachment_with_a_non_ascii_name(folder: Path) -> None:
    environ = make_environ()
    response = send_file(
        folder / "data.bin", as_attachment=True, download_name="résumé 2024.pdf", environ=environ
    )
    sent = Sent(response, environ)
    assert sent.headers["Content-Disposition"] == (
        "attachment; filename=\"resume 2024.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9%202024.pdf"
    )
    assert sent.headers["Content-Type"] == "application/pdf"


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("a.txt", 'attachment; filename="a.txt"'),
        ('say "hi".txt', 'attachment; filename="say \\"hi\\".txt"'),
        ("back\\slash", 'attachment; filename="back\\\\slash"'),
        ("evil\r\nSet-Cookie: x=1", 'attachment; filename="evilSet-Cookie: x=1"'),
        ("日本.txt", "attachment; filename=\".txt\"; filename*=UTF-8''%E6%97%A5%E6%9C%AC.txt"),
    ],
)
def test_content_disposition(filename: str, expected: str) -> None:
    assert content_disposition("attachment", filename) == expected


def test_file_objects(folder: Path) -> None:
    environ = make_environ()
    buffer = io.BytesIO(b"0123456789")
    buffer.seek(3)
    sent = Sent(send_file(buffer, mimetype="text/plain", environ=environ), environ)
    assert sent.body == b"3456789"
    assert sent.headers["Content-Length"] == "7"
    assert "ETag" not in sent.headers and "Last-Modified" not in sent.headers
    assert "Content-Disposition" not in sent.headers
    assert buffer.closed
    named = Sent(send_file(io.BytesIO(b"x"), download_name="x.json", environ=environ), environ)
    assert named.headers["Content-Type"] == "application/json"


def test_file_object_errors() -> None:
    environ = make_environ()
    with pytest.raises(TypeError, match="MIME type"):
        send_file(io.BytesIO(b"x"), environ=environ)
    with pytest.raises(TypeError, match="download_name"):
        send_file(io.BytesIO(b"x"), mimetype="text/plain", as_attachment=True, environ=environ)
    with pytest.raises(TypeError, match="binary"):
        send_file(io.StringIO("x"), mimetype="text/plain", environ=environ)  # type: ignore[arg-type]


def test_unseekable_file_objects_stream_without_length() -> None:
    class Pipe(io.RawIOBase):
        def __init__(self) -> None:
            self.data = io.BytesIO(b"streamed")

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: Any) -> int:
            chunk = self.data.read(len(buffer))
            buffer[: len(chunk)] = chunk
            return len(chunk)

    environ = make_environ(range="bytes=0-1")
    sent = Sent(send_file(Pipe(), mimetype="text/plain", environ=environ), environ)
    assert sent.status == 200 and sent.body == b"streamed"
    assert "Content-Length" not in sent.headers and "Accept-Ranges" not in sent.headers


@pytest.mark.parametrize(
    ("max_age", "cache_control"),
    [(60, "public, max-age=60"), (0, "no-cache, max-age=0"), (lambda path: 5, "public, max-age=5")],
)
def test_max_age(folder: Path, max_age: Any, cache_control: str) -> None:
    environ = make_environ()
    sent = Sent(send_file(folder / "hello.txt", max_age=max_age, environ=environ), environ)
    assert sent.headers["Cache-Control"] == cache_control
    assert "Expires" in sent.headers


# Flask's rule: max_age=None means the active app's get_send_file_max_age.
@pytest.mark.parametrize(
    ("setting", "explicit", "cache_control"),
    [
        (3600, None, "public, max-age=3600"),  # the app's SEND_FILE_MAX_AGE_DEFAULT
        (None, None, "no-cache"),  # the default setting: revalidate with the ETag
        (3600, 60, "public, max-age=60"),  # an explicit max_age wins
    ],
)
@pytest.mark.parametrize("sender", ["send_file", "send_from_directory"])
def test_a_view_without_max_age_uses_the_app_setting(
    folder: Path, setting: Any, explicit: Any, cache_control: str, sender: str
) -> None:
    from tinyweb import App

    app = App(__name__)
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = setting

    @app.route("/file")
    def view() -> Response:
        if sender == "send_file":
            return send_file(folder / "hello.txt", max_age=explicit)
        return send_from_directory(folder, "hello.txt", max_age=explicit)

    response = app.test_client().get("/file")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == cache_control


def test_the_app_method_gets_the_path_and_can_vary_by_file(folder: Path) -> None:
    from tinyweb import App

    class ShortForText(App):
        def get_send_file_max_age(self, filename: str | None) -> int | None:
            return 10 if filename is not None and filename.endswith(".txt") else 99

    app = ShortForText(__name__)
    app.add_url_rule("/file", "file", lambda: send_file(folder / "hello.txt"))
    app.add_url_rule("/bytes", "bytes", lambda: send_file(io.BytesIO(b"x"), mimetype="text/plain"))
    client = app.test_client()
    assert client.get("/file").headers["Cache-Control"] == "public, max-age=10"
    assert client.get("/bytes").headers["Cache-Control"] == "public, max-age=99"


def test_explicit_validators(folder: Path) -> None:
    environ = make_environ()
    moment = datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    response = send_file(folder / "hello.txt", etag="v1", last_modified=moment, environ=environ)
    sent = Sent(response, environ)
    assert sent.headers["ETag"] == '"v1"'
    assert sent.headers["Last-Modified"] == "Tue, 02 Jan 2024 03:04:05 GMT"
    plain = Sent(send_file(folder / "hello.txt", etag=False, environ=environ), environ)
    assert "ETag" not in plain.headers


def test_the_body_streams_in_blocks(tmp_path: Path) -> None:
    size = 3 * BLOCK_SIZE + 5
    (tmp_path / "big.bin").write_bytes(b"z" * size)
    environ = make_environ()
    response = send_file(tmp_path / "big.bin", environ=environ)
    assert response.is_streamed
    sent = Sent(response, environ)
    assert len(sent.body) == size
    assert max(len(chunk) for chunk in sent.chunks) <= BLOCK_SIZE
    assert len(sent.chunks) == 4


def test_the_servers_file_wrapper_is_used(folder: Path) -> None:
    wrapped: list[Any] = []

    class FileWrapper:
        def __init__(self, file: Any, block_size: int) -> None:
            self.file, self.block_size = file, block_size
            wrapped.append(self)

        def __iter__(self) -> Any:
            return iter(lambda: self.file.read(self.block_size), b"")

        def close(self) -> None:
            self.file.close()

    environ = make_environ()
    environ["wsgi.file_wrapper"] = FileWrapper
    body = send_from_directory(folder, "data.bin", environ=environ)(environ, lambda *a: None)
    assert isinstance(body, FileWrapper)  # passed through untouched: sendfile stays possible
    assert b"".join(body) == CONTENT
    body.close()
    assert wrapped[0].file.closed
    ranged = make_environ(range="bytes=0-9")
    ranged["wsgi.file_wrapper"] = FileWrapper
    assert serve_environ(folder, "data.bin", ranged).body == CONTENT[:10]
    assert len(wrapped) == 1  # a range is not the whole file: no wrapper


def serve_environ(folder: Path, name: str, environ: dict[str, Any]) -> Sent:
    return Sent(send_from_directory(folder, name, environ=environ), environ)


def test_head_sends_headers_only_and_closes_the_file(folder: Path) -> None:
    environ = make_environ("HEAD", range="bytes=0-9")
    response = send_from_directory(folder, "data.bin", environ=environ)
    file = response.response.file  # type: ignore[attr-defined]
    sent = Sent(response, environ)
    assert sent.status == 200  # Range is defined for GET only (RFC 9110 §14.2)
    assert sent.headers["Content-Length"] == "1000"
    assert sent.body == b""
    assert file.closed


def test_under_wsgiref_validator(folder: Path) -> None:
    environ = make_environ(range="bytes=10-19")
    application = validator(send_from_directory(folder, "data.bin", environ=environ))
    assert Sent(application, environ).body == CONTENT[10:20]  # type: ignore[arg-type]


def test_send_file_uses_the_request_context(folder: Path) -> None:
    from tinyweb import context

    with pytest.raises(RuntimeError, match="environ"):
        send_file(folder / "hello.txt")

    class FakeRequest:
        environ = make_environ(range="bytes=0-1")

    class FakeApp:
        """The duck-typed surface context.py uses (tests must not need app.py)."""

        name = "fake"
        root_path = str(folder)

        def app_context(self) -> context.AppContext:
            return context.AppContext(self)

        def do_teardown_request(self, exc: BaseException | None) -> None:
            pass

        def do_teardown_appcontext(self, exc: BaseException | None) -> None:
            pass

    request_context = context.RequestContext(FakeApp(), FakeRequest())
    request_context.push()
    try:
        response = send_file("hello.txt")  # relative to the app's root_path
    finally:
        request_context.pop()
    assert response.status_code == 206
    assert Sent(response, FakeRequest.environ).body == b"he"


# Conditional requests -------------------------------------------------------------------------


def validators(folder: Path) -> tuple[str, str]:
    sent = serve(folder, "data.bin")
    return sent.headers["ETag"], sent.headers["Last-Modified"]


def test_if_none_match(folder: Path) -> None:
    etag, _ = validators(folder)
    for value in (etag, f'"other", {etag}', f"W/{etag}", "*"):
        sent = serve(folder, "data.bin", if_none_match=value)
        assert sent.status == 304, value
        assert sent.body == b""
        assert sent.headers["ETag"] == etag
        assert "Content-Length" not in sent.headers
    assert serve(folder, "data.bin", if_none_match='"other"').status == 200


def test_if_modified_since(folder: Path) -> None:
    _, modified = validators(folder)
    assert serve(folder, "data.bin", if_modified_since=modified).status == 304
    assert serve(folder, "data.bin", if_modified_since=http_date(0)).status == 200
    assert serve(folder, "data.bin", if_modified_since="not a date").status == 200
    # If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2)
    sent = serve(folder, "data.bin", if_modified_since=modified, if_none_match='"other"')
    assert sent.status == 200


def test_preconditions_that_fail_are_412(folder: Path) -> None:
    etag, modified = validators(folder)
    with pytest.raises(PreconditionFailed):
        serve(folder, "data.bin", if_match='"other"')
    with pytest.raises(PreconditionFailed):
        serve(folder, "data.bin", if_match=f"W/{etag}")  # If-Match compares strongly
    with pytest.raises(PreconditionFailed):
        serve(folder, "data.bin", if_unmodified_since=http_date(0))
    with pytest.raises(PreconditionFailed):
        serve(folder, "data.bin", "POST", if_none_match=etag)
    assert serve(folder, "data.bin", if_match=etag).status == 200
    assert serve(folder, "data.bin", if_unmodified_since=modified).status == 200


def test_conditional_false_ignores_everything(folder: Path) -> None:
    etag, _ = validators(folder)
    environ = make_environ(if_none_match=etag, range="bytes=0-0")
    response = send_from_directory(folder, "data.bin", conditional=False, environ=environ)
    assert Sent(response, environ).status == 200


# Ranges ---------------------------------------------------------------------------------------

RANGES = [
    ("bytes=0-0", 0, 1),
    ("bytes=0-499", 0, 500),
    ("bytes=-500", 500, 1000),
    ("bytes=500-", 500, 1000),
    ("bytes=999-", 999, 1000),
    ("bytes=-1", 999, 1000),
    ("bytes=-2000", 0, 1000),  # a suffix longer than the file is the whole file
    ("bytes=900-99999", 900, 1000),  # last-pos beyond the end is clipped
    ("Bytes=1-2", 1, 3),
    ("bytes= 1-2 ,", 1, 3),  # OWS and an empty list element
]


@pytest.mark.parametrize(("header", "start", "stop"), RANGES)
def test_single_ranges_are_206(folder: Path, header: str, start: int, stop: int) -> None:
    sent = serve(folder, "data.bin", range=header)
    assert sent.status == 206
    assert sent.body == CONTENT[start:stop]
    assert sent.headers["Content-Range"] == f"bytes {start}-{stop - 1}/1000"
    assert sent.headers["Content-Length"] == str(stop - start)


IGNORED_RANGES = [
    "bytes=0-1,5-6",  # several ranges: the whole file (documented)
    "bytes=0-5,3-8",  # overlapping
    "bytes=0-1,2000-3000",
    "bytes=5-1",  # last < first: invalid
    "bytes=abc",
    "bytes=+1-2",
    "bytes=1-2;x",
    "bytes=\u0661-2",  # Arabic-Indic digit
    "items=0-1",
    "bytes=",
    "bytes",
    "",
]


@pytest.mark.parametrize("header", IGNORED_RANGES)
def test_ranges_that_are_ignored_give_the_whole_file(folder: Path, header: str) -> None:
    sent = serve(folder, "data.bin", range=header)
    assert sent.status == 200
    assert sent.body == CONTENT
    assert "Content-Range" not in sent.headers


@pytest.mark.parametrize("header", ["bytes=1000-", "bytes=1000-2000", "bytes=-0"])
def test_unsatisfiable_ranges_are_416(folder: Path, header: str) -> None:
    with pytest.raises(RangeNotSatisfiable) as error:
        serve(folder, "data.bin", range=header)
    assert error.value.length == 1000
    assert ("Content-Range", "bytes */1000") in error.value.get_headers()


def test_any_range_of_an_empty_file_is_416(folder: Path) -> None:
    with pytest.raises(RangeNotSatisfiable):
        serve(folder, "empty.txt", range="bytes=0-")
    assert serve(folder, "empty.txt").body == b""


def test_if_range(folder: Path) -> None:
    etag, modified = validators(folder)
    assert serve(folder, "data.bin", range="bytes=0-0", if_range=etag).status == 206
    assert serve(folder, "data.bin", range="bytes=0-0", if_range=modified).status == 206
    assert serve(folder, "data.bin", range="bytes=0-0", if_range='"stale"').status == 200
    assert serve(folder, "data.bin", range="bytes=0-0", if_range=f"W/{etag}").status == 200
    assert serve(folder, "data.bin", range="bytes=0-0", if_range=http_date(0)).status == 200


@given(st.integers(0, 5000), st.integers(0, 5000), st.integers(1, 3000))
def test_parse_range_stays_inside_the_file(first: int, last: int, size: int) -> None:
    for header in (f"bytes={first}-{last}", f"bytes={first}-", f"bytes=-{last}"):
        try:
            byte_range = parse_range(header, size)
        except RangeNotSatisfiable:
            assert first >= size or last == 0
            continue
        if byte_range is not None:
            assert 0 <= byte_range.start < byte_range.stop <= size
            assert isinstance(byte_range, ByteRange)


# Over a real socket, on tinyweb's own server (wsgi.file_wrapper, percent-decoding) -------------


def test_served_over_a_real_socket(folder: Path) -> None:
    import http.client

    from tinyweb.errors import HTTPError
    from tinyweb.server import Server

    def application(environ: dict[str, Any], start_response: Any) -> Any:
        try:
            name = environ["PATH_INFO"][len("/static/") :]
            response = send_from_directory(folder, name, environ=environ, max_age=60)
        except HTTPError as error:
            return error(environ, start_response)
        return response(environ, start_response)

    def fetch(
        port: int, method: str, target: str, **headers: str
    ) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            connection.request(method, target, headers=headers)
            answer = connection.getresponse()
            return answer.status, dict(answer.getheaders()), answer.read()
        finally:
            connection.close()

    big = folder / "big.bin"
    big.write_bytes(os.urandom(3 * BLOCK_SIZE + 17))
    with Server(application, "127.0.0.1", 0) as server:  # its file_wrapper may sendfile()
        port = server.server_address[1]
        status, headers, body = fetch(port, "GET", "/static/big.bin")
        assert (status, body) == (200, big.read_bytes())
        assert headers["Cache-Control"] == "public, max-age=60"
        status, headers, body = fetch(port, "GET", "/static/data.bin", Range="bytes=-10")
        assert (status, body, headers["Content-Range"]) == (
            206,
            CONTENT[-10:],
            "bytes 990-999/1000",
        )
        etag = headers["ETag"]
        assert fetch(port, "GET", "/static/data.bin", **{"If-None-Match": etag})[0] == 304
        status, headers, body = fetch(port, "HEAD", "/static/data.bin")
        assert (status, headers["Content-Length"], body) == (200, "1000", b"")
        assert fetch(port, "GET", "/static/%2e%2e/secret.txt")[0] == 404
        assert fetch(port, "GET", "/static/..%2fsecret.txt")[0] == 404
        assert fetch(port, "GET", "/static/css%5c..%5c..%5csecret.txt")[0] == 404
        assert fetch(port, "GET", "/static/data.bin", Range="bytes=5000-")[0] == 416


def test_last_modified_is_never_in_the_future(folder: Path) -> None:
    future = 4_000_000_000  # year 2096
    os.utime(folder / "hello.txt", (future, future))
    sent = serve(folder, "hello.txt")
    assert sent.headers["Last-Modified"] != http_date(future)
    assert serve(folder, "hello.txt", if_modified_since=sent.headers["Last-Modified"]).status == 304


@settings(max_examples=min(100, settings.default.max_examples))
@given(st.binary(max_size=300), st.data())
def test_a_206_body_is_the_slice_the_range_names(content: bytes, data: st.DataObject) -> None:
    first = data.draw(st.integers(0, 400))
    last = data.draw(st.one_of(st.none(), st.integers(0, 400)))
    header = f"bytes={first}-" + ("" if last is None else str(last))
    environ = make_environ(range=header)
    try:
        response = send_file(
            io.BytesIO(content), mimetype="application/octet-stream", environ=environ
        )
    except RangeNotSatisfiable:
        assert first >= len(content)
        return
    sent = Sent(response, environ)
    stop = len(content) if last is None else last + 1
    assert sent.body == (content[first:stop] if sent.status == 206 else content)
    if sent.status == 206:
        assert sent.headers["Content-Length"] == str(len(sent.body))


def test_etag_values_are_quoted_or_refused(folder: Path) -> None:
    environ = make_environ()
    weak = send_file(folder / "hello.txt", etag='W/"v2"', environ=environ)
    assert weak.headers["ETag"] == 'W/"v2"'
    weak.close()
    with pytest.raises(ValueError, match="double quote"):
        send_file(folder / "hello.txt", etag='a"b', environ=environ)


def test_file_like_objects_with_only_read() -> None:
    class Reader:
        def __init__(self) -> None:
            self.data = io.BytesIO(b"plain reader")
            self.closed = False

        def read(self, size: int = -1) -> bytes:
            return self.data.read(size)

        def close(self) -> None:
            self.closed = True

    reader = Reader()
    environ = make_environ()
    sent = Sent(send_file(reader, mimetype="text/plain", environ=environ), environ)  # type: ignore[arg-type]
    assert sent.body == b"plain reader" and reader.closed


def test_names_that_cannot_be_files_are_404(folder: Path) -> None:
    with pytest.raises(NotFound):
        serve(folder, "a" * 5000)  # ENAMETOOLONG
    if hasattr(os, "symlink"):
        (folder / "loop").symlink_to(folder / "loop")
        with pytest.raises(NotFound):
            serve(folder, "loop")  # ELOOP
