"""The WSGI gateway without sockets: feed a parser, run an app, look at the bytes sent.

Tables are named after the rule they pin (PEP 3333, RFC 9112 §6, HTTP.md "Responses" and
"WSGI obligations"); hypothesis checks that ``wsgi.input`` gives the same bytes however the
body is split on the wire and however the app reads it.
"""

from __future__ import annotations

import io
import logging
import re
import sys
import tempfile
import wsgiref.validate
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any, Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tinyweb import gateway, http11

INFO = gateway.ConnectionInfo("testserver", 8000, "192.0.2.7", 51234)


@dataclass
class Result:
    """What one exchange sent, split into the parts tests look at."""

    raw: bytes
    outcome: gateway.Outcome
    environ: dict[str, Any]
    status: int = 0
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    interim: list[int] = field(default_factory=list)

    def header(self, name: str) -> str | None:
        values = [v for n, v in self.headers if n.lower() == name.lower()]
        return ",".join(values) if values else None


def parse_response(raw: bytes) -> tuple[list[int], int, list[tuple[str, str]], bytes]:
    """Split interim (1xx) responses, the final status, headers and the raw body."""
    interim = []
    while True:
        head, _, raw = raw.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ")[1]) if lines[0] else 0
        headers = [tuple(line.split(": ", 1)) for line in lines[1:]]
        if 100 <= status < 200:
            interim.append(status)
            continue
        return interim, status, headers, raw  # type: ignore[return-value]


def dechunk(body: bytes) -> bytes:
    out = b""
    while True:
        size_line, _, body = body.partition(b"\r\n")
        size = int(size_line, 16)
        if size == 0:
            assert body == b"\r\n"
            return out
        out, body = out + body[:size], body[size + 2 :]


def run(
    app: Callable[..., Iterable[bytes]],
    raw: bytes = b"GET / HTTP/1.1\r\nHost: example.com\r\n\r\n",
    arriving: Iterable[bytes] = (),
    sendfile: bool = False,
    send: Callable[[bytes], None] | None = None,
    keep_alive_allowed: bool = True,
) -> Result:
    """Run one exchange; ``arriving`` are later reads of the socket (then b"": closed)."""
    parser = http11.RequestParser()
    parser.feed(raw)
    head = parser.next_event()
    assert isinstance(head, http11.RequestHead)
    later = deque(arriving)
    sent: list[bytes] = []

    def receive() -> bytes:
        return later.popleft() if later else b""

    def copy_file(file: IO[bytes], offset: int, count: int) -> int:
        file.seek(offset)
        data = file.read(count)
        sent.append(data)
        return len(data)

    channel = gateway.Channel(send or sent.append, receive, copy_file if sendfile else None)
    exchange = gateway.Exchange(head, parser, channel, INFO, lambda: keep_alive_allowed)
    outcome = exchange.run(app)
    raw_out = b"".join(sent)
    result = Result(raw_out, outcome, exchange.environ)
    if raw_out:
        result.interim, result.status, result.headers, result.body = parse_response(raw_out)
    return result


def simple_app(
    body: Iterable[bytes] = (b"hello",),
    status: str = "200 OK",
    headers: list[tuple[str, str]] | None = None,
) -> Callable[..., Iterable[bytes]]:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        start_response(status, list(headers or [("Content-Type", "text/plain")]))
        return list(body) if isinstance(body, (list, tuple)) else body

    return app


class ClosingBody:
    """An iterable that records whether the server called ``close()``."""

    def __init__(self, chunks: Iterable[bytes], fail_after: int | None = None) -> None:
        self.chunks = list(chunks)
        self.fail_after = fail_after
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        for number, chunk in enumerate(self.chunks):
            if self.fail_after is not None and number == self.fail_after:
                raise RuntimeError("boom in the middle of the body")
            yield chunk

    def close(self) -> None:
        self.closed = True


# -- environ ---------------------------------------------------------------------------


def environ_of(raw: bytes) -> dict[str, Any]:
    seen: dict[str, Any] = {}

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        seen.update(environ)
        start_response("204 No Content", [])
        return []

    run(app, raw)
    return seen


REQUIRED_KEYS = [
    "REQUEST_METHOD", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING", "SERVER_NAME",
    "SERVER_PORT", "SERVER_PROTOCOL", "wsgi.version", "wsgi.url_scheme", "wsgi.input",
    "wsgi.errors", "wsgi.multithread", "wsgi.multiprocess", "wsgi.run_once",
]  # fmt: skip


def test_environ_has_every_required_key() -> None:
    environ = environ_of(b"GET /a?b=c HTTP/1.1\r\nHost: h\r\n\r\n")
    for key in REQUIRED_KEYS:
        assert key in environ, key
    assert environ["wsgi.input_terminated"] is True
    assert environ["wsgi.file_wrapper"] is gateway.FileWrapper
    assert environ["SERVER_NAME"] == "testserver" and environ["SERVER_PORT"] == "8000"
    assert environ["REMOTE_ADDR"] == "192.0.2.7" and environ["REMOTE_PORT"] == "51234"


@pytest.mark.parametrize(
    ("rule", "raw", "expected"),
    [
        ("path is percent-decoded", b"GET /caf%C3%A9/a%20b HTTP/1.1\r\nHost: h\r\n\r\n",
         {"PATH_INFO": "/caf\xc3\xa9/a b"}),
        ("query string stays raw", b"GET /p?q=a%20b&r HTTP/1.1\r\nHost: h\r\n\r\n",
         {"QUERY_STRING": "q=a%20b&r", "PATH_INFO": "/p"}),
        ("request uri is the raw target", b"GET /a%2Fb?x HTTP/1.1\r\nHost: h\r\n\r\n",
         {"REQUEST_URI": "/a%2Fb?x", "RAW_URI": "/a%2Fb?x"}),
        ("repeated headers join with commas",
         b"GET / HTTP/1.1\r\nHost: h\r\nAccept: a\r\nAccept: b\r\n\r\n",
         {"HTTP_ACCEPT": "a,b"}),
        ("header values are latin-1", b"GET / HTTP/1.1\r\nHost: h\r\nX-Name: \xe9\r\n\r\n",
         {"HTTP_X_NAME": "\xe9"}),
        ("content type has no HTTP_ prefix",
         b"POST / HTTP/1.1\r\nHost: h\r\nContent-Type: text/plain\r\nContent-Length: 0\r\n\r\n",
         {"CONTENT_TYPE": "text/plain", "CONTENT_LENGTH": "0"}),
        ("version is reported", b"GET / HTTP/1.0\r\n\r\n", {"SERVER_PROTOCOL": "HTTP/1.0"}),
        ("host header", b"GET / HTTP/1.1\r\nHost: example.com:81\r\n\r\n",
         {"HTTP_HOST": "example.com:81"}),
    ],
)  # fmt: skip
def test_environ_values(rule: str, raw: bytes, expected: dict[str, str]) -> None:
    environ = environ_of(raw)
    for key, value in expected.items():
        assert environ[key] == value, rule
        assert type(environ[key]) is str


def test_environ_drops_underscore_names_and_framing_headers() -> None:
    raw = (
        b"POST / HTTP/1.1\r\nHost: h\r\nX_Forwarded_For: evil\r\nX-Forwarded-For: good\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
    )
    environ = environ_of(raw)
    assert environ["HTTP_X_FORWARDED_FOR"] == "good"
    assert "HTTP_TRANSFER_ENCODING" not in environ
    assert "HTTP_CONTENT_TYPE" not in environ and "HTTP_CONTENT_LENGTH" not in environ
    assert "CONTENT_LENGTH" not in environ  # chunked: the app reads to the end instead


# -- wsgi.input ------------------------------------------------------------------------


def body_app(read: Callable[[Any], Any]) -> tuple[Callable[..., Iterable[bytes]], list[Any]]:
    got: list[Any] = []

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        got.append(read(environ["wsgi.input"]))
        start_response("200 OK", [("Content-Length", "2")])
        return [b"ok"]

    return app, got


def post(body: bytes, *, chunked: bool = False, extra: bytes = b"") -> bytes:
    if chunked:
        framing = b"Transfer-Encoding: chunked\r\n"
        payload = b"".join(http11.encode_chunk(body[i : i + 3]) for i in range(0, len(body), 3))
        body = payload + http11.LAST_CHUNK
    else:
        framing = b"Content-Length: %d\r\n" % len(body)
    return b"POST / HTTP/1.1\r\nHost: h\r\n" + framing + extra + b"\r\n" + body


BODY = b"line one\nline two\nlast"


@pytest.mark.parametrize("chunked", [False, True], ids=["length", "chunked"])
@pytest.mark.parametrize(
    ("how", "read", "expected"),
    [
        ("read all", lambda stream: stream.read(), BODY),
        ("read none size", lambda stream: stream.read(None), BODY),
        ("read n", lambda stream: [stream.read(4), stream.read(100), stream.read(1)],
         [b"line", BODY[4:], b""]),
        ("readline", lambda stream: [stream.readline(), stream.readline(3)],
         [b"line one\n", b"lin"]),
        ("readlines", lambda stream: stream.readlines(), [b"line one\n", b"line two\n", b"last"]),
        ("iteration", lambda stream: list(stream), [b"line one\n", b"line two\n", b"last"]),
    ],
)  # fmt: skip
def test_wsgi_input_reads(chunked: bool, how: str, read: Any, expected: Any) -> None:
    app, got = body_app(read)
    result = run(app, post(BODY, chunked=chunked))
    assert got == [expected], how
    assert result.status == 200


def test_wsgi_input_stops_at_the_end_of_the_body() -> None:
    app, got = body_app(lambda stream: (stream.read(), stream.read(), stream.readline()))
    pipelined = post(b"abc") + b"GET /next HTTP/1.1\r\nHost: h\r\n\r\n"
    result = run(app, pipelined)
    assert got == [(b"abc", b"", b"")]
    assert result.outcome.body_complete and result.outcome.keep_alive


def test_wsgi_input_pulls_body_bytes_as_they_arrive() -> None:
    app, got = body_app(lambda stream: stream.read())
    head = b"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 6\r\n\r\n"
    run(app, head, arriving=[b"ab", b"cd", b"ef"])
    assert got == [b"abcdef"]


@pytest.mark.parametrize("chunked", [False, True], ids=["length", "chunked"])
def test_vanished_client_makes_read_raise(chunked: bool) -> None:
    errors: list[BaseException] = []

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        try:
            environ["wsgi.input"].read()
        except gateway.ClientDisconnected as error:
            errors.append(error)
            raise
        return []

    head = post(b"x" * 10, chunked=chunked)[:-6]  # cut the body short, then EOF
    result = run(app, head)
    assert len(errors) == 1
    assert result.raw == b""  # nobody left to answer
    assert not result.outcome.keep_alive


def test_body_over_the_limit_while_streaming_answers_413() -> None:
    limits = http11.Limits(max_body_size=5)
    parser = http11.RequestParser(limits)
    parser.feed(post(b"0123456789", chunked=True))
    head = parser.next_event()
    assert isinstance(head, http11.RequestHead)
    sent: list[bytes] = []
    channel = gateway.Channel(sent.append, lambda: b"")
    app, _ = body_app(lambda stream: stream.read())
    outcome = gateway.Exchange(head, parser, channel, INFO).run(app)
    assert b"".join(sent).startswith(b"HTTP/1.1 413 ")
    assert b"Connection: close" in b"".join(sent)
    assert not outcome.keep_alive


@pytest.mark.parametrize(
    ("rule", "version", "reads", "continues", "keep_alive"),
    [
        ("100 on first read", b"1.1", True, [100], True),
        ("no 100 when the body is not read; close instead", b"1.1", False, [], False),
        ("no 100 for HTTP/1.0", b"1.0", True, [], False),
    ],
)
def test_expect_100_continue(
    rule: str, version: bytes, reads: bool, continues: list[int], keep_alive: bool
) -> None:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if reads:
            assert environ["wsgi.input"].read(2) == b"ab"
            environ["wsgi.input"].read()
        start_response("200 OK", [("Content-Length", "0")])
        return []

    raw = b"POST / HTTP/" + version + b"\r\nHost: h\r\nExpect: 100-continue\r\n"
    raw += b"Content-Length: 4\r\n\r\n"
    result = run(app, raw, arriving=[b"abcd"])
    assert result.interim == continues, rule
    assert result.status == 200
    assert result.outcome.keep_alive is keep_alive, rule
    assert result.raw.count(b"100 Continue") == len(continues)


# -- start_response, write, exc_info ---------------------------------------------------


def test_headers_wait_for_the_first_non_empty_chunk() -> None:
    sent: list[bytes] = []
    seen_before_body: list[int] = []

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterator[bytes]:
        start_response("200 OK", [])
        yield b""
        seen_before_body.append(len(sent))
        yield b"data"

    run(app, send=sent.append)
    assert seen_before_body == [0]
    assert b"".join(sent).endswith(b"4\r\ndata\r\n0\r\n\r\n")


def test_write_callable_sends_body() -> None:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        write = start_response("200 OK", [("Content-Type", "text/plain")])
        write(b"hello ")
        return [b"world"]

    result = run(app)
    assert result.header("Transfer-Encoding") == "chunked"
    assert dechunk(result.body) == b"hello world"


def test_exc_info_before_headers_replaces_the_response() -> None:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        start_response("200 OK", [("X-Was", "ok")])
        try:
            raise ValueError("oops")
        except ValueError:
            start_response("503 Service Unavailable", [("Content-Length", "4")], sys.exc_info())
        return [b"down"]

    result = run(app)
    assert result.status == 503
    assert result.header("X-Was") is None
    assert result.body == b"down"


def test_exc_info_after_headers_reraises_and_closes() -> None:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterator[bytes]:
        start_response("200 OK", [])
        yield b"partial"
        try:
            raise KeyError("late")
        except KeyError:
            start_response("500 Internal Server Error", [], sys.exc_info())
        yield b"never"

    result = run(app)
    assert result.status == 200
    assert not result.outcome.keep_alive
    assert not result.raw.endswith(http11.LAST_CHUNK)  # the client sees it truncated


def test_second_start_response_without_exc_info_is_an_error() -> None:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        start_response("200 OK", [])
        start_response("201 Created", [])
        return []

    assert run(app).status == 500


@pytest.mark.parametrize(
    ("rule", "status", "headers"),
    [
        ("CR/LF in a value (response splitting)", "200 OK", [("X-A", "a\r\nSet-Cookie: x=1")]),
        ("LF in a value", "200 OK", [("X-A", "a\nb")]),
        ("NUL in a value", "200 OK", [("X-A", "a\x00b")]),
        ("name is not a token", "200 OK", [("X A", "b")]),
        ("name with a colon", "200 OK", [("X:A", "b")]),
        ("hop-by-hop Connection", "200 OK", [("Connection", "close")]),
        ("hop-by-hop Transfer-Encoding", "200 OK", [("Transfer-Encoding", "chunked")]),
        ("hop-by-hop Keep-Alive", "200 OK", [("Keep-Alive", "timeout=5")]),
        ("hop-by-hop Upgrade", "200 OK", [("upgrade", "websocket")]),
        ("status without a code", "OK", []),
        ("status with CR/LF", "200 OK\r\nX: y", []),
        ("not a str value", "200 OK", [("X-A", 5)]),
        ("not latin-1", "200 OK", [("X-A", "\u20ac")]),
    ],
)
def test_bad_response_headers_become_500(rule: str, status: str, headers: Any) -> None:
    result = run(simple_app(status=status, headers=headers))
    assert result.status == 500, rule
    assert result.header("Connection") == "close"
    assert b"Set-Cookie" not in result.raw and b"websocket" not in result.raw


# -- response framing ------------------------------------------------------------------


GET10 = b"GET / HTTP/1.0\r\n\r\n"
GET10_KEEP = b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
HEAD11 = b"HEAD / HTTP/1.1\r\nHost: h\r\n\r\n"


@pytest.mark.parametrize("raw", [GET10, GET10_KEEP, b"GET / HTTP/1.1\r\nHost: h\r\n\r\n"])
def test_the_response_version_is_http11_whatever_the_request_said(raw: bytes) -> None:
    # RFC 9110 §2.5: a server SHOULD answer with the highest version it conforms to whose
    # major version the client used; the framing (no chunked, close or keep-alive) is what
    # tells an HTTP/1.0 client apart.
    assert run(simple_app([b"ab"]), raw).raw.startswith(b"HTTP/1.1 200 OK\r\n")


def generator(*chunks: bytes) -> Iterator[bytes]:
    yield from chunks


@pytest.mark.parametrize(
    ("rule", "raw", "app", "length", "chunked", "body", "keep_alive"),
    [
        ("app Content-Length is used", None, simple_app([b"ab", b"cd"], headers=[("Content-Length", "4")]), "4", False, b"abcd", True),
        ("one element computes Content-Length", None, simple_app([b"hello"]), "5", False, b"hello", True),
        ("empty body computes Content-Length: 0", None, simple_app([]), "0", False, b"", True),
        ("unknown length on 1.1 is chunked", None, simple_app(generator(b"ab", b"cd")), None, True, b"abcd", True),
        ("unknown length on 1.0 closes", GET10_KEEP, simple_app(generator(b"ab", b"cd")), None, False, b"abcd", False),
        ("1.0 keep-alive with a length persists", GET10_KEEP, simple_app([b"ab"]), "2", False, b"ab", True),
        ("1.0 without keep-alive closes", GET10, simple_app([b"ab"]), "2", False, b"ab", False),
        ("HEAD keeps the length, drops the body", HEAD11, simple_app([b"hello"]), "5", False, b"", True),
        ("HEAD with a generator sends no body", HEAD11, simple_app(generator(b"ab")), None, False, b"", True),
        ("204 has no body and no length", None, simple_app([b"junk"], "204 No Content", [("Content-Length", "4")]), None, False, b"", True),
        ("304 has no body", None, simple_app([b"junk"], "304 Not Modified", [("ETag", '"x"')]), None, False, b"", True),
        ("HEAD with an empty generator says no length", HEAD11, simple_app(generator()), None, False, b"", True),
        ("HEAD with an empty list says no length", HEAD11, simple_app([]), None, False, b"", True),
        ("205 has no body and says Content-Length: 0", None, simple_app([b"junk"], "205 Reset Content", [("Content-Length", "4")]), "0", False, b"", True),
    ],
)  # fmt: skip
def test_response_framing(
    rule: str,
    raw: bytes | None,
    app: Any,
    length: str | None,
    chunked: bool,
    body: bytes,
    keep_alive: bool,
) -> None:
    result = run(app, raw or b"GET / HTTP/1.1\r\nHost: h\r\n\r\n")
    assert result.header("Content-Length") == length, rule
    assert (result.header("Transfer-Encoding") == "chunked") is chunked, rule
    assert (dechunk(result.body) if chunked else result.body) == body, rule
    assert result.outcome.keep_alive is keep_alive, rule
    if not keep_alive:
        assert result.header("Connection") == "close", rule
    if raw == GET10_KEEP and keep_alive:
        assert result.header("Connection") == "keep-alive"


def test_keep_alive_can_be_refused_by_the_server() -> None:
    result = run(simple_app([b"x"]), keep_alive_allowed=False)
    assert result.header("Connection") == "close" and not result.outcome.keep_alive


def test_date_and_server_headers() -> None:
    result = run(simple_app())
    date = result.header("Date")
    assert date is not None
    assert re.fullmatch(r"[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT", date)
    assert result.header("Server") == "tinyweb"


def test_app_date_and_server_win() -> None:
    headers = [("Date", "Sun, 06 Nov 1994 08:49:37 GMT"), ("Server", "mine")]
    result = run(simple_app(headers=headers))
    assert result.header("Date") == "Sun, 06 Nov 1994 08:49:37 GMT"
    assert result.header("Server") == "mine"


def test_fewer_bytes_than_content_length_closes(caplog: pytest.LogCaptureFixture) -> None:
    result = run(simple_app(generator(b"abc"), headers=[("Content-Length", "10")]))
    assert result.body == b"abc"
    assert not result.outcome.keep_alive
    assert any("Content-Length" in record.getMessage() for record in caplog.records)


def test_more_bytes_than_content_length_are_cut() -> None:
    result = run(simple_app(generator(b"abc", b"def"), headers=[("Content-Length", "4")]))
    assert result.body == b"abcd"
    assert not result.outcome.keep_alive


def test_non_bytes_chunk_is_an_error() -> None:
    assert run(simple_app(["text"])).status == 500  # type: ignore[list-item]


# -- errors and close() ----------------------------------------------------------------


def test_app_error_before_headers_is_500_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        raise RuntimeError("secret detail")

    with caplog.at_level(logging.ERROR, logger="tinyweb.error"):
        result = run(app, b"GET /<script> HTTP/1.1\r\nHost: h\r\n\r\n")
    assert result.status == 500
    assert result.header("Connection") == "close"
    assert b"secret" not in result.raw and b"<script>" not in result.raw
    assert result.header("Content-Type") == "text/plain; charset=utf-8"
    assert any(r.name == "tinyweb.error" and r.exc_info for r in caplog.records)


def test_app_error_after_headers_closes_and_calls_close() -> None:
    body = ClosingBody([b"one", b"two"], fail_after=1)
    result = run(simple_app(body))
    assert result.status == 200
    assert body.closed
    assert not result.outcome.keep_alive


@pytest.mark.parametrize("raw", [b"GET / HTTP/1.1\r\nHost: h\r\n\r\n", HEAD11])
def test_close_is_called_on_success(raw: bytes) -> None:
    body = ClosingBody([b"a", b"b"])
    run(simple_app(body), raw)
    assert body.closed


def test_close_is_called_when_the_client_is_gone() -> None:
    def broken_send(data: bytes) -> None:
        raise BrokenPipeError("client left")

    body = ClosingBody([b"a", b"b"])
    result = run(simple_app(body), send=broken_send)
    assert body.closed
    assert not result.outcome.keep_alive


def test_error_response_never_echoes_and_closes() -> None:
    raw = gateway.error_response(414, "request line too long")
    assert raw.startswith(b"HTTP/1.1 414 URI Too Long\r\n")
    assert b"request line too long" in raw
    assert b"Connection: close\r\n" in raw
    _, _, headers, body = parse_response(raw)
    assert dict(headers)["Content-Length"] == str(len(body))


# -- wsgi.file_wrapper -----------------------------------------------------------------


@pytest.mark.parametrize("sendfile", [True, False], ids=["sendfile", "iteration"])
def test_file_wrapper(sendfile: bool) -> None:
    with tempfile.TemporaryFile() as file:
        file.write(b"0123456789" * 1000)
        file.seek(10)

        def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
            start_response("200 OK", [("Content-Type", "application/octet-stream")])
            return environ["wsgi.file_wrapper"](file, 4096)

        result = run(app, sendfile=sendfile)
        assert result.header("Content-Length") == "9990"
        assert result.body == (b"0123456789" * 1000)[10:]
        assert file.closed


def test_file_wrapper_over_a_non_file_streams_chunked() -> None:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        start_response("200 OK", [])
        return environ["wsgi.file_wrapper"](io.BytesIO(b"abc" * 5), 4)

    result = run(app, sendfile=True)
    assert dechunk(result.body) == b"abc" * 5


# -- PEP 3333 conformance through wsgiref.validate -------------------------------------


def test_validated_apps_pass() -> None:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        body = environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"]))
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"got " + body]

    result = run(wsgiref.validate.validator(app), post(b"payload"))
    assert result.status == 200
    assert dechunk(result.body) == b"got payload"  # the validator hides the list


def test_validated_streaming_app_passes() -> None:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain")])
        return generator(b"a", b"b")

    result = run(wsgiref.validate.validator(app))
    assert dechunk(result.body) == b"ab"


# -- properties ------------------------------------------------------------------------


@given(
    body=st.binary(max_size=300),
    cuts=st.lists(st.integers(min_value=0, max_value=300), max_size=6),
    sizes=st.lists(st.integers(min_value=1, max_value=50), min_size=1, max_size=8),
    chunked=st.booleans(),
)
def test_wsgi_input_is_independent_of_wire_splits_and_read_sizes(
    body: bytes, cuts: list[int], sizes: list[int], chunked: bool
) -> None:
    raw = post(body, chunked=chunked)
    head_end = raw.index(b"\r\n\r\n") + 4
    wire = raw[head_end:]
    points = sorted({0, len(wire), *(cut for cut in cuts if cut < len(wire))})
    pieces = [wire[a:b] for a, b in zip(points, points[1:])]

    def read_in_sizes(stream: Any) -> bytes:
        out = b""
        number = 0
        while True:
            piece = stream.read(sizes[number % len(sizes)])
            number += 1
            if not piece:
                return out
            out += piece

    app, got = body_app(read_in_sizes)
    result = run(app, raw[:head_end], arriving=pieces)
    assert got == [body]
    assert result.outcome.body_complete


# -- audit of issue 3 and HTTP.md "Responses": rules the tables above did not pin ------


def test_date_is_formatted_once_per_second(monkeypatch: pytest.MonkeyPatch) -> None:
    # HTTP.md "Responses": cache the Date string per second, not per response.
    formatted: list[float] = []

    def counting_http_date(timestamp: float) -> str:
        formatted.append(timestamp)
        return f"date {int(timestamp)}"

    clock = [1000.25]
    monkeypatch.setattr(gateway.time, "time", lambda: clock[0])
    monkeypatch.setattr(gateway.http11, "http_date", counting_http_date)
    monkeypatch.setattr(gateway, "_date_cache", (0, ""))
    assert [gateway.current_date() for _ in range(3)] == ["date 1000"] * 3
    clock[0] = 1000.75  # the same second
    assert gateway.current_date() == "date 1000"
    clock[0] = 1001.0  # the next second
    assert gateway.current_date() == "date 1001"
    assert formatted == [1000, 1001]


@pytest.mark.parametrize("raw", [GET10, b"GET / HTTP/1.1\r\nHost: h\r\n\r\n"])
@pytest.mark.parametrize("status", ["100 Continue", "101 Switching Protocols", "103 Early Hints"])
def test_a_1xx_status_from_the_app_is_a_500(raw: bytes, status: str) -> None:
    # RFC 9110 §15.2: 1xx is interim (a final response must follow) and never goes to an
    # HTTP/1.0 client. WSGI has one status per response, so an app's 1xx is a mistake:
    # sent as it was, the client would wait for a final response, or take the next one.
    app = simple_app(generator(b"junk"), status, [("Link", "</s.css>; rel=preload")])
    result = run(app, raw)
    assert result.raw.startswith(b"HTTP/1.1 500 ")
    assert result.raw.count(b"HTTP/1.1 ") == 1 and b"Link" not in result.raw
    assert result.header("Connection") == "close"


def test_a_500_for_a_head_request_has_no_body() -> None:
    # RFC 9110 §9.3.2: a response to HEAD carries no content, a server-made error included.
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        raise RuntimeError("failure on HEAD")

    result = run(app, HEAD11)
    assert result.status == 500
    assert result.header("Connection") == "close"
    assert result.body == b""
    assert int(result.header("Content-Length") or "0") > 0  # what a GET would have carried


def test_start_response_after_the_head_reraises_the_original_exception() -> None:
    # PEP 3333: with exc_info after the headers were sent, start_response re-raises it.
    raised: list[BaseException] = []

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterator[bytes]:
        start_response("200 OK", [])
        yield b"partial"
        try:
            raise KeyError("original")
        except KeyError:
            try:
                start_response("500 Internal Server Error", [], sys.exc_info())
            except KeyError as error:
                raised.append(error)
                raise

    run(app)
    assert len(raised) == 1 and raised[0].args == ("original",)


@pytest.mark.parametrize(
    ("rule", "raw", "host"),
    [
        ("absolute-form authority wins over Host (RFC 9112 §3.2.2)",
         b"GET http://a.example/x HTTP/1.1\r\nHost: b.example\r\n\r\n", "a.example"),
        ("absolute-form gives the host when there is no Host",
         b"GET http://a.example:8080/x HTTP/1.0\r\n\r\n", "a.example:8080"),
        ("origin-form: the Host field", b"GET /x HTTP/1.1\r\nHost: b.example\r\n\r\n", "b.example"),
    ],
)  # fmt: skip
def test_http_host_is_the_authority_the_parser_chose(rule: str, raw: bytes, host: str) -> None:
    # HTTP.md "Request line": the app must see the same host the parser validated, or
    # a proxy and the app disagree about which site a request is for (host confusion).
    environ = environ_of(raw)
    assert environ["HTTP_HOST"] == host, rule
    assert environ["PATH_INFO"] == "/x", rule


@pytest.mark.parametrize(
    "headers",
    [
        [("Content-Length", "4"), ("Content-Length", "5")],
        [("Content-Length", "4"), ("content-length", "-1")],
        [("Content-Length", "4"), ("Content-Length", "4")],
    ],
    ids=["different", "second invalid", "repeated"],
)
def test_more_than_one_content_length_from_the_app_is_500(headers: list[tuple[str, str]]) -> None:
    # RFC 9110 §8.6: two lengths make the response's end ambiguous to every recipient
    # (response splitting); the second one was neither checked nor removed.
    result = run(simple_app([b"abcd"], headers=headers))
    assert result.status == 500
    assert result.raw.count(b"Content-Length") == 1


def test_drain_stops_at_its_total_time_even_while_bytes_keep_coming(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # HTTP.md "Connections": the drain is capped in bytes *and time*. A client trickling
    # a byte just before each read's timeout must not hold the worker for the whole body.
    clock = [100.0]
    monkeypatch.setattr(gateway.time, "monotonic", lambda: clock[0])

    def trickle() -> bytes:
        clock[0] += 0.5  # each read waits half a second for its byte
        return b"x"

    parser = http11.RequestParser()
    parser.feed(b"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1000\r\n\r\n")
    assert isinstance(parser.next_event(), http11.RequestHead)
    body = gateway.RequestBody(parser, trickle)
    assert body.drain(max_bytes=10_000, max_seconds=2.0) is False
    assert clock[0] <= 100.0 + 2.0 + 0.5  # stopped at the deadline (give or take one read)
    assert not body.finished


def test_drain_within_its_limits_reaches_the_end() -> None:
    parser = http11.RequestParser()
    parser.feed(post(b"abc", chunked=True))
    assert isinstance(parser.next_event(), http11.RequestHead)
    body = gateway.RequestBody(parser, lambda: b"")
    assert body.drain(max_bytes=100, max_seconds=2.0) is True
    assert body.finished


@pytest.mark.parametrize("read_first", [False, True], ids=["unread", "read by the app"])
def test_end_empty_steps_the_parser_to_the_next_request(read_first: bool) -> None:
    # A bodiless request's EndOfMessage is consumed without read(); an app that already
    # read the empty body leaves nothing to step over. Either way the parser is paused at
    # the request boundary, with the pipelined bytes still unparsed.
    parser = http11.RequestParser()
    parser.feed(b"GET / HTTP/1.1\r\nHost: h\r\n\r\nGET /next")
    assert isinstance(parser.next_event(), http11.RequestHead)
    body = gateway.RequestBody(parser, lambda: pytest.fail("no receive for an empty body"))
    if read_first:
        assert body.read() == b""
    body.end_empty()
    assert body.finished and parser.next_event() is http11.PAUSED
    parser.start_next_request()
    assert parser.next_event() is http11.NEED_DATA  # "GET /next" waits for its line end


@pytest.mark.parametrize(
    ("rule", "raw", "complete"),
    [
        ("a request without a body is complete", b"GET / HTTP/1.1\r\nHost: h\r\n\r\n", True),
        ("HTTP/1.0 without a body is complete", b"GET / HTTP/1.0\r\n\r\n", True),
        ("an unread Content-Length body is not", post(b"abc"), False),
        ("an unread chunked body is not", post(b"abc", chunked=True), False),
    ],
)
def test_outcome_says_whether_the_body_was_read_to_its_end(
    rule: str, raw: bytes, complete: bool
) -> None:
    # Outcome.body_complete decides between reuse and drain, and between a plain and a
    # lingering close: a bodiless request has nothing left to drain or linger for.
    assert run(simple_app(), raw).outcome.body_complete is complete, rule


@pytest.mark.parametrize(
    ("rule", "raw", "headers", "length", "body", "keep_alive"),
    [
        ("HEAD: the file's length, no body", HEAD11, [], "9990", b"", True),
        ("the app's shorter Content-Length is honoured", None, [("Content-Length", "5")],
         "5", b"01234", True),
        ("the app's longer Content-Length: short, so close", None, [("Content-Length", "9999")],
         "9999", (b"0123456789" * 1000)[10:], False),
    ],
)  # fmt: skip
def test_file_wrapper_framing_through_sendfile(
    rule: str,
    raw: bytes | None,
    headers: list[tuple[str, str]],
    length: str,
    body: bytes,
    keep_alive: bool,
) -> None:
    with tempfile.TemporaryFile() as file:
        file.write(b"0123456789" * 1000)
        file.seek(10)

        def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
            start_response("200 OK", list(headers))
            return environ["wsgi.file_wrapper"](file)

        result = run(app, raw or b"GET / HTTP/1.1\r\nHost: h\r\n\r\n", sendfile=True)
        assert result.header("Content-Length") == length, rule
        assert result.body == body, rule
        assert result.outcome.keep_alive is keep_alive, rule
        assert file.closed, rule
