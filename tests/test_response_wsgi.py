"""The response's WSGI side (tinyweb.response_wsgi): sequences and streams, the body
stream, the app iterator, the class switches, and responses collected from WSGI apps."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator
from typing import Any, Callable

import pytest
from test_response import TrackedBody  # a body that records being closed

from tinyweb.response import Response
from tinyweb.response_wsgi import ResponseStream
from tinyweb.testing import build_environ, run_wsgi_app


def environ(path: str = "/", **options: Any) -> dict[str, Any]:
    return build_environ(path, **options)


def header(headers: list[tuple[str, str]], name: str) -> str | None:
    values = [value for field_name, value in headers if field_name.lower() == name.lower()]
    assert len(values) <= 1
    return values[0] if values else None


# -- sequences and streams (rule 1) ----------------------------------------------------------


def test_a_list_or_tuple_body_is_a_sequence_and_a_generator_is_not() -> None:
    assert Response("x").is_sequence
    assert Response((b"a", b"b")).is_sequence
    assert not Response(iter([b"a"])).is_sequence


def test_make_sequence_buffers_and_closes_a_streamed_body() -> None:
    body = TrackedBody([b"a", "é"])
    response = Response(body)
    response.make_sequence()
    assert response.response == [b"a", "é".encode()]
    assert body.closed


def test_iter_encoded_gives_bytes_lazily() -> None:
    response = Response(iter(["a", b"b", bytearray(b"c")]))
    chunks = response.iter_encoded()
    assert isinstance(chunks, Iterator)
    assert list(chunks) == [b"a", b"b", b"c"]


def test_calculate_content_length_counts_bytes_and_buffers_a_stream() -> None:
    response = Response(iter(["é", b"ab"]))
    assert response.calculate_content_length() == 4
    assert response.is_sequence


class NoImplicitConversion(Response):
    implicit_sequence_conversion = False


def test_without_implicit_conversion_a_stream_is_not_read() -> None:
    response = NoImplicitConversion(iter([b"ab"]))
    assert response.calculate_content_length() is None
    with pytest.raises(RuntimeError, match="make_sequence"):
        response.get_data()
    response.make_sequence()  # asked for explicitly: allowed
    assert response.get_data() == b"ab"


def test_a_direct_passthrough_stream_is_not_read() -> None:
    response = Response(iter([b"ab"]), direct_passthrough=True)
    assert response.calculate_content_length() is None
    with pytest.raises(RuntimeError, match="direct_passthrough"):
        response.get_data()


def test_freeze_buffers_sets_the_length_and_an_etag() -> None:
    body = TrackedBody([b"ab", "c"])
    response = Response(body, direct_passthrough=True)
    response.freeze()
    assert response.response == [b"ab", b"c"]
    assert body.closed
    assert response.headers["Content-Length"] == "3"
    # SHA-1 of b"abc" (FIPS 180-2, appendix A.1 test vector).
    assert response.headers["ETag"] == '"a9993e364706816aba3e25717850c26c9cd0d89d"'


def test_freeze_keeps_an_existing_etag() -> None:
    response = Response("abc", headers={"ETag": '"v1"'})
    response.freeze()
    assert response.headers["ETag"] == '"v1"'


# -- the body stream -------------------------------------------------------------------------


def test_writes_to_the_stream_append_to_the_body() -> None:
    response = Response()
    response.stream.write(b"ab")
    assert response.stream.write("cé") == 2
    response.stream.writelines([b"-", b"!"])
    assert response.get_data() == "abcé-!".encode()
    assert response.stream is response.stream
    assert isinstance(response.stream, ResponseStream)


def test_print_writes_to_the_stream() -> None:
    response = Response()
    print("Hello,", "world", file=response.stream)
    assert response.get_data() == b"Hello, world\n"


def test_a_write_drops_the_old_length_and_sending_computes_the_new_one() -> None:
    response = Response("ab")
    response.stream.write(b"cd")
    assert "Content-Length" not in response.headers
    _, headers, body = run_wsgi_app(response, environ())
    assert (header(headers, "Content-Length"), body) == ("4", b"abcd")


def test_a_write_buffers_a_streamed_body_first() -> None:
    body = TrackedBody([b"a"])
    response = Response(body)
    response.stream.write(b"b")
    assert response.response == [b"a", b"b"]
    assert body.closed


def test_tell_is_the_body_length_so_far() -> None:
    response = Response("ab")
    response.stream.write(b"c")
    assert response.stream.tell() == 3


def test_a_closed_stream_refuses_writes() -> None:
    stream = Response().stream
    assert not stream.isatty()
    stream.flush()
    stream.close()
    assert stream.closed
    for operation in (lambda: stream.write(b"x"), stream.flush, stream.isatty):
        with pytest.raises(ValueError, match="closed file"):
            operation()


def test_stream_is_a_write_only_binary_file_in_utf8() -> None:
    stream = Response().stream
    assert (stream.mode, stream.encoding) == ("wb+", "utf-8")


# -- Content-Length and Location switches ------------------------------------------------


@pytest.mark.parametrize(
    ("body", "length"),
    [([b"ab", "é"], "4"), ((b"a",), "1"), (None, "0"), ([], "0")],
)
def test_a_sequence_body_without_a_length_gets_one(body: Any, length: str) -> None:
    headers = Response(body).get_wsgi_headers(environ())
    assert header(headers, "Content-Length") == length


def test_a_streamed_body_gets_no_length() -> None:
    headers = Response(iter([b"a"])).get_wsgi_headers(environ())
    assert header(headers, "Content-Length") is None


def test_a_given_length_is_kept() -> None:
    response = Response([b"abc"], headers={"content-length": "3"})
    assert response.get_wsgi_headers(environ()) == [
        ("content-length", "3"),
        ("Content-Type", "text/html; charset=utf-8"),
    ]


@pytest.mark.parametrize("status", [204, 304, 101])
def test_no_length_is_added_for_statuses_without_content(status: int) -> None:
    headers = Response([b"ab"], status=status).get_wsgi_headers(environ())
    assert header(headers, "Content-Length") is None


class NoAutomaticLength(Response):
    automatically_set_content_length = False


@pytest.mark.parametrize("body", ["abc", b"abc", [b"abc"]])
def test_without_automatic_length_none_is_set(body: Any) -> None:
    response = NoAutomaticLength(body)
    assert "Content-Length" not in response.headers
    assert header(response.get_wsgi_headers(environ()), "Content-Length") is None
    response.set_data("abcd")
    assert "Content-Length" not in response.headers


class AbsoluteLocation(Response):
    autocorrect_location_header = True


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        ("../x", "http://localhost/app/x"),
        ("/y", "http://localhost/y"),
        ("z?w=1", "http://localhost/app/a/z?w=1"),
        ("http://other.test/", "http://other.test/"),
        ("/café", "http://localhost/caf%C3%A9"),
    ],
)
def test_autocorrect_makes_location_absolute(location: str, expected: str) -> None:
    request_environ = environ("/a/b?q=1", base_url="http://localhost/app/")
    response = AbsoluteLocation("", 302, headers={"Location": location})
    assert header(response.get_wsgi_headers(request_environ), "Location") == expected


def test_location_stays_relative_by_default() -> None:
    response = Response("", 302, headers={"Location": "../x"})
    assert header(response.get_wsgi_headers(environ("/a/b")), "Location") == "../x"


def test_json_module_parses_get_json() -> None:
    class Decimals:
        @staticmethod
        def loads(text: str) -> Any:
            return json.loads(text, parse_float=str)

    class DecimalResponse(Response):
        json_module = Decimals

    assert Response.json_module is json
    response = DecimalResponse('{"price": 1.10}', mimetype="application/json")
    assert response.get_json() == {"price": "1.10"}


# -- the app iterator and the WSGI response ---------------------------------------------------


def test_get_app_iter_is_empty_for_head_and_no_content_statuses() -> None:
    assert list(Response("x").get_app_iter(environ(method="HEAD"))) == []
    assert list(Response("x", 204).get_app_iter(environ())) == []
    assert list(Response(iter(["a", b"b"])).get_app_iter(environ())) == [b"a", b"b"]


def test_closing_the_app_iter_closes_the_body_and_runs_on_close() -> None:
    body = TrackedBody([b"a"])
    events: list[str] = []
    response = Response(body)
    response.call_on_close(lambda: events.append("closed"))
    app_iter = response.get_app_iter(environ())
    assert list(app_iter) == [b"a"]
    app_iter.close()  # type: ignore[attr-defined]
    assert body.closed and events == ["closed"]


def test_get_wsgi_response_is_what_call_sends() -> None:
    response = Response("hi", 201)
    app_iter, status, headers = response.get_wsgi_response(environ())
    assert (list(app_iter), status) == ([b"hi"], "201 CREATED")
    assert headers == [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", "2")]


def test_call_uses_an_overridden_get_app_iter() -> None:
    class Shouting(Response):
        def get_app_iter(self, environ: dict[str, Any]) -> Iterable[bytes]:
            return [chunk.upper() for chunk in self.iter_encoded()]

    assert run_wsgi_app(Shouting("hi"), environ())[2] == b"HI"


# -- responses from WSGI applications ---------------------------------------------------------


def legacy_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    write = start_response("201 CREATED", [("X-App", "legacy"), ("Content-Type", "text/plain")])
    write(b"w")
    return TrackedBody([b"x", b"y"])


def test_from_app_collects_status_headers_and_body() -> None:
    response = Response.from_app(legacy_app, environ())
    assert (response.status, response.get_data()) == ("201 CREATED", b"wxy")
    assert response.headers["X-App"] == "legacy"
    assert response.headers["Content-Type"] == "text/plain"


def test_from_app_builds_the_class_it_is_called_on() -> None:
    assert type(NoAutomaticLength.from_app(legacy_app, environ())) is NoAutomaticLength


def test_force_type_changes_the_class_in_place() -> None:
    response = Response("x")
    assert NoAutomaticLength.force_type(response) is response
    assert type(response) is NoAutomaticLength


def test_force_type_runs_a_wsgi_app_given_an_environ() -> None:
    response = NoAutomaticLength.force_type(legacy_app, environ())
    assert type(response) is NoAutomaticLength
    assert response.get_data() == b"wxy"


def test_force_type_refuses_a_wsgi_app_without_an_environ() -> None:
    with pytest.raises(TypeError, match="environ"):
        Response.force_type(legacy_app)


def test_from_app_with_a_bad_app_is_a_clear_error() -> None:
    def silent(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        return [b"x"]

    with pytest.raises(RuntimeError, match="start_response"):
        Response.from_app(silent, {"REQUEST_METHOD": "GET", "wsgi.input": io.BytesIO()})


def test_calculate_content_length_lets_the_bodys_own_runtime_error_through() -> None:
    # Only the two refusals (direct_passthrough, no implicit conversion) mean None; an
    # error the body raises while it is read is the body's, not a refusal.
    closed: list[bool] = []

    def failing() -> Iterator[bytes]:
        try:
            yield b"abc"
            raise RuntimeError("the body failed")
        finally:
            closed.append(True)

    with pytest.raises(RuntimeError, match="the body failed"):
        Response(failing()).calculate_content_length()
    assert closed == [True]
    passthrough = Response(iter([b"x"]), direct_passthrough=True)
    assert passthrough.calculate_content_length() is None
