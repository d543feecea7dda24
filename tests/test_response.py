"""Response, cookies, redirect and JSON: tables per rule; every response also runs as a WSGI
app under ``wsgiref.validate.validator``."""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import io
import json
import uuid
import warnings
from collections.abc import Iterable, Iterator
from typing import Any
from wsgiref.util import setup_testing_defaults
from wsgiref.validate import validator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tinyweb.datastructures import Headers
from tinyweb.json_provider import jsonify
from tinyweb.request import parse_cookie_header
from tinyweb.response import (
    Response,
    dump_cookie,
    http_date,
    json_dumps,
    quote_cookie_value,
    redirect,
)


def call(
    application: Any, method: str = "GET", validate: bool = True
) -> tuple[str, list[tuple[str, str]], bytes]:
    """Run a WSGI app once (through the validator) and return status, headers and body."""
    environ: dict[str, Any] = {"REQUEST_METHOD": method, "QUERY_STRING": ""}
    setup_testing_defaults(environ)
    environ["wsgi.input"] = io.BytesIO(b"")
    captured: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        captured["status"], captured["headers"] = status, headers
        return lambda data: None

    wrapped = validator(application) if validate else application
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a validator warning is a failure here
        body_iterable = wrapped(environ, start_response)
        try:
            body = b"".join(body_iterable)
        finally:
            close = getattr(body_iterable, "close", None)
            if close is not None:
                close()
    return captured["status"], captured["headers"], body


# -- construction ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "content_type"),
    [
        ({}, "text/html; charset=utf-8"),
        ({"mimetype": "text/plain"}, "text/plain; charset=utf-8"),
        ({"mimetype": "application/json"}, "application/json"),
        ({"mimetype": "image/svg+xml"}, "image/svg+xml; charset=utf-8"),
        ({"mimetype": "application/javascript"}, "application/javascript; charset=utf-8"),
        ({"mimetype": "image/png"}, "image/png"),
        ({"content_type": "text/csv; charset=latin-1"}, "text/csv; charset=latin-1"),
        ({"headers": {"Content-Type": "application/xml"}}, "application/xml"),
    ],
)
def test_content_type_defaults(kwargs: dict[str, Any], content_type: str) -> None:
    response = Response("x", **kwargs)
    assert response.content_type == content_type
    assert response.headers.getlist("Content-Type") == [content_type]


@pytest.mark.parametrize(
    ("body", "data", "length"),
    [
        ("héllo", "héllo".encode(), "6"),
        (b"\x00\xff", b"\x00\xff", "2"),
        (bytearray(b"ab"), b"ab", "2"),
        (None, b"", None),
        ("", b"", "0"),
    ],
)
def test_body_and_content_length(body: Any, data: bytes, length: str | None) -> None:
    response = Response(body)
    assert response.data == data
    assert response.get_data() == data
    assert response.headers.get("Content-Length") == length
    if data != b"\x00\xff":
        assert response.text == data.decode()
    assert not response.is_streamed


@pytest.mark.parametrize(
    ("status", "code", "line"),
    [
        (200, 200, "200 OK"),
        (404, 404, "404 NOT FOUND"),
        (299, 299, "299 UNKNOWN"),
        ("201", 201, "201 CREATED"),
        ("404 Gone Fishing", 404, "404 Gone Fishing"),
        (" 302 ", 302, "302 FOUND"),
    ],
)
def test_status_forms(status: int | str, code: int, line: str) -> None:
    response = Response(status=status)
    assert (response.status_code, response.status) == (code, line)


@pytest.mark.parametrize("status", [99, 1000, "abc", "20", "2000 X", "200 OK\r\nX: y", "٢٠٠"])
def test_bad_status_is_a_value_error(status: int | str) -> None:
    with pytest.raises(ValueError):
        Response(status=status)


def test_status_is_settable_both_ways() -> None:
    response = Response()
    response.status_code = 404
    assert response.status == "404 NOT FOUND"
    response.status = "201 Made"
    assert response.status_code == 201
    response.status = 418
    assert response.status == "418 I'M A TEAPOT"


def test_header_shortcuts() -> None:
    response = Response("x")
    response.mimetype = "text/plain"
    assert response.content_type == "text/plain; charset=utf-8"
    assert response.mimetype == "text/plain"
    response.content_type = "application/json"
    assert response.is_json
    response.content_length = 10
    assert response.content_length == 10
    response.headers["Content-Length"] = "ten"
    assert response.content_length is None
    assert response.location is None
    response.location = "/next"
    assert response.headers["Location"] == "/next"


@pytest.mark.parametrize(("header", "length"), [("12", 12), ("x", None), ("9" * 5000, None)])
def test_content_length_reads_digits_only(header: str, length: int | None) -> None:
    # 5000 digits once reached int(), whose 4300-digit limit raised (from_app of a
    # proxied upstream, say).
    response = Response("x")
    response.headers["Content-Length"] = header
    assert response.content_length == length


def test_data_setter_updates_content_length() -> None:
    response = Response("old")
    response.data = "newer"
    assert response.headers["Content-Length"] == "5"
    response.set_data(b"")
    assert response.headers["Content-Length"] == "0"


@pytest.mark.parametrize(
    ("existing", "added", "expected"),
    [
        (None, "Cookie", "Cookie"),
        ("Cookie", "cookie", "Cookie"),
        ("Cookie", "Accept-Encoding", "Cookie, Accept-Encoding"),
        ("*", "Cookie", "*"),
    ],
)
def test_add_vary(existing: str | None, added: str, expected: str) -> None:
    response = Response(headers={"Vary": existing} if existing else None)
    response.add_vary(added)
    assert response.headers["Vary"] == expected


@pytest.mark.parametrize("bad", ["a\r\nSet-Cookie: evil=1", "a\nb", "a\rb", "a\x00b"])
def test_cr_lf_in_any_header_is_a_value_error(bad: str) -> None:
    with pytest.raises(ValueError):
        Response(headers={"X-Test": bad})
    with pytest.raises(ValueError):
        Response(headers={bad: "x"})
    with pytest.raises(ValueError):
        Response().headers["X"] = bad
    with pytest.raises(ValueError):
        Response(mimetype=bad)
    with pytest.raises(ValueError):
        redirect(bad)
    with pytest.raises(ValueError):
        Response().location = bad


def test_repr() -> None:
    assert repr(Response("abc", 404)) == "<Response 3 bytes [404 NOT FOUND]>"
    assert repr(Response(iter([b"a"]))) == "<Response streamed [200 OK]>"


# -- as a WSGI application ---------------------------------------------------------------------


def test_response_is_a_valid_wsgi_app() -> None:
    status, headers, body = call(Response("héllo", 201, {"X-A": "1"}))
    assert status == "201 CREATED"
    assert headers == [
        ("X-A", "1"),
        ("Content-Type", "text/html; charset=utf-8"),
        ("Content-Length", "6"),
    ]
    assert body == "héllo".encode()


@pytest.mark.parametrize(
    ("method", "status", "body", "has_length", "has_type"),
    [
        ("HEAD", 200, b"", True, True),  # RFC 9110 §9.3.2: HEAD gets GET's headers, no body
        ("GET", 204, b"", False, False),
        ("GET", 205, b"", True, True),  # RFC 9110 §15.3.6: Content-Length: 0, no content
        ("GET", 304, b"", False, False),
        ("GET", 200, b"content", True, True),
        ("POST", 404, b"content", True, True),
    ],
)
def test_no_body_for_head_and_no_content_statuses(
    method: str, status: int, body: bytes, has_length: bool, has_type: bool
) -> None:
    sent_status, headers, sent_body = call(Response("content", status), method=method)
    names = {name.lower() for name, _ in headers}
    assert sent_body == body
    assert ("content-length" in names) is has_length
    assert ("content-type" in names) is has_type
    assert sent_status.startswith(str(status))
    if status == 205:
        assert ("Content-Length", "0") in headers


class TrackedBody:
    """An iterable body that records whether the server closed it."""

    def __init__(self, chunks: list[Any]) -> None:
        self.chunks = chunks
        self.closed = False

    def __iter__(self) -> Iterator[Any]:
        return iter(self.chunks)

    def close(self) -> None:
        self.closed = True


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_streamed_body_is_closed_then_on_close_functions_run(method: str) -> None:
    events: list[str] = []
    body = TrackedBody([b"a", "é", b"c"])
    response = Response(body, mimetype="text/plain")
    response.call_on_close(lambda: events.append(f"on_close closed={body.closed}"))
    assert response.is_streamed
    _, headers, sent = call(response, method=method)
    assert sent == (b"a\xc3\xa9c" if method == "GET" else b"")
    assert "content-length" not in {name.lower() for name, _ in headers}
    assert body.closed
    assert events == ["on_close closed=True"]


def test_generator_finally_runs_when_closed_early() -> None:
    events: list[str] = []

    def generate() -> Iterator[bytes]:
        try:
            yield b"first"
            yield b"second"
        finally:
            events.append("finally")

    iterable = Response(generate())({"REQUEST_METHOD": "GET"}, lambda *args: None)
    assert next(iter(iterable)) == b"first"
    iterable.close()  # type: ignore[attr-defined]
    assert events == ["finally"]


def test_on_close_runs_even_if_body_close_fails() -> None:
    class Failing(TrackedBody):
        def close(self) -> None:
            raise RuntimeError("boom")

    events: list[str] = []
    response = Response(Failing([b"x"]))
    response.call_on_close(lambda: events.append("ran"))
    iterable = response({"REQUEST_METHOD": "GET"}, lambda *args: None)
    with pytest.raises(RuntimeError):
        iterable.close()  # type: ignore[attr-defined]
    assert events == ["ran"]


def test_buffered_body_goes_out_as_the_list_itself() -> None:
    response = Response("x")
    assert response({"REQUEST_METHOD": "GET"}, lambda *args: None) is response.response


def test_direct_passthrough_hands_over_the_iterable() -> None:
    body = TrackedBody([b"x"])
    response = Response(body, direct_passthrough=True)
    assert response({"REQUEST_METHOD": "GET"}, lambda *args: None) is body


def test_get_data_buffers_a_streamed_body_once() -> None:
    response = Response(iter([b"a", "b"]))
    assert response.get_data() == b"ab"
    assert response.get_data() == b"ab"
    assert call(response)[2] == b"ab"


def test_buffering_a_streamed_body_closes_it() -> None:
    body = TrackedBody([b"a", "b"])
    response = Response(body)
    assert response.data == b"ab"
    assert body.closed


def test_close_without_a_server() -> None:
    body = TrackedBody([b"x"])
    response = Response(body)
    events: list[int] = []
    response.call_on_close(lambda: events.append(1))
    response.close()
    assert body.closed and events == [1]


def test_non_ascii_location_is_percent_encoded_on_the_wire() -> None:
    response = redirect("/café?q=ü")
    assert response.location == "/café?q=ü"  # kept as given on the object
    _, headers, _ = call(response)
    assert ("Location", "/caf%C3%A9?q=%C3%BC") in headers


# -- redirect --------------------------------------------------------------------------------


@pytest.mark.parametrize("code", [301, 302, 303, 307, 308])
@pytest.mark.parametrize("location", ["/login", "../up", "https://example.com/x?a=1", "?page=2"])
def test_redirect_keeps_location_as_given(code: int, location: str) -> None:
    response = redirect(location, code)
    assert response.status_code == code
    assert response.headers["Location"] == location
    assert response.mimetype == "text/html"
    _, headers, body = call(response)
    assert ("Location", location) in headers
    assert b"Redirecting..." in body


def test_redirect_body_escapes_the_location() -> None:
    body = redirect('/x"><script>').get_data(as_text=True)
    assert "<script>" not in body
    assert "&quot;&gt;&lt;script&gt;" in body


def test_redirect_with_a_response_class() -> None:
    class Custom(Response):
        pass

    assert isinstance(redirect("/", Response=Custom), Custom)


# -- cookies ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"key": "a", "value": "b"}, "a=b; Path=/"),
        ({"key": "a"}, "a=; Path=/"),
        ({"key": "a", "value": "b c"}, 'a="b c"; Path=/'),
        ({"key": "a", "value": 'q"b\\'}, 'a="q\\"b\\\\"; Path=/'),
        ({"key": "a", "value": "x;y,z"}, 'a="x\\073y\\054z"; Path=/'),
        ({"key": "a", "value": "é"}, 'a="\\303\\251"; Path=/'),
        ({"key": "a", "value": "b", "path": None}, "a=b"),
        ({"key": "a", "value": "b", "path": "/a b;c"}, "a=b; Path=/a%20b%3Bc"),
        (
            {"key": "a", "value": "b", "domain": ".Example.com:8000"},
            "a=b; Domain=Example.com; Path=/",
        ),
        (
            {"key": "a", "value": "b", "secure": True, "httponly": True},
            "a=b; Secure; HttpOnly; Path=/",
        ),
        ({"key": "a", "value": "b", "samesite": "lax"}, "a=b; Path=/; SameSite=Lax"),
        ({"key": "a", "value": "b", "samesite": "NONE"}, "a=b; Path=/; SameSite=None"),
        ({"key": "a", "value": "b", "samesite": "Strict"}, "a=b; Path=/; SameSite=Strict"),
        ({"key": "a", "value": "b", "partitioned": True}, "a=b; Secure; Path=/; Partitioned"),
        ({"key": "a", "expires": 0}, "a=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/"),
        (
            {"key": "a", "expires": datetime.datetime(2030, 5, 6, 7, 8, 9)},
            "a=; Expires=Mon, 06 May 2030 07:08:09 GMT; Path=/",
        ),
        (
            {"key": "a", "max_age": 60, "expires": 0},
            "a=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=60; Path=/",
        ),
        (
            {"key": "a", "max_age": datetime.timedelta(hours=1), "expires": "soon"},
            "a=; Expires=soon; Max-Age=3600; Path=/",
        ),
    ],
)
def test_set_cookie_attributes(kwargs: dict[str, Any], expected: str) -> None:
    response = Response()
    response.set_cookie(**kwargs)
    assert response.headers.getlist("Set-Cookie") == [expected]
    assert dump_cookie(**kwargs) == expected


def test_max_age_also_sets_expires_in_the_future() -> None:
    header = dump_cookie("a", "b", max_age=3600)
    assert "Max-Age=3600" in header
    assert "Expires=" in header and header.endswith("GMT; Max-Age=3600; Path=/")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"key": ""},  # RFC 6265 §4.1.1: a cookie-name is a non-empty token
        {"key": "a b"},
        {"key": "a;b"},
        {"key": "a=b"},
        {"key": "é"},
        {"key": "a\r\n"},
        {"key": "a", "samesite": "sometimes"},
        {"key": "a", "domain": "evil.com; Secure"},
        {"key": "a", "domain": "x\r\nSet-Cookie: b=1"},
        {"key": "a", "expires": "x\r\ny"},
    ],
)
def test_set_cookie_rejects_unsafe_input(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        Response().set_cookie(**kwargs)


def test_several_cookies_and_delete_cookie() -> None:
    response = Response()
    response.set_cookie("a", "1")
    response.set_cookie("b", "2", path="/x")
    response.delete_cookie("c", path="/x", domain="example.com")
    assert response.headers.getlist("Set-Cookie") == [
        "a=1; Path=/",
        "b=2; Path=/x",
        "c=; Domain=example.com; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/x",
    ]
    _, headers, _ = call(response)
    assert [value for name, value in headers if name == "Set-Cookie"] == (
        response.headers.getlist("Set-Cookie")
    )


def test_oversized_cookie_warns() -> None:
    with pytest.warns(UserWarning, match="browsers may ignore"):
        Response().set_cookie("big", "x" * 5000)

    class Unlimited(Response):
        max_cookie_size = 0

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Unlimited().set_cookie("big", "x" * 5000)


def test_max_age_is_whole_seconds() -> None:
    assert "Max-Age=90;" in dump_cookie("a", max_age=90.7, expires="x")


cookie_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)


@given(cookie_text)
def test_cookie_values_are_safe_and_round_trip(value: str) -> None:
    quoted = quote_cookie_value(value)
    # On the wire: ASCII, no byte that ends the pair or the header (RFC 6265 §4.1.1).
    assert quoted.isascii()
    assert not any(character in quoted for character in "\r\n\x00;,")
    if " " in quoted or not quoted:
        assert quoted.startswith('"') or not quoted
    # And the server reads back exactly what was set.
    header = dump_cookie("k", value, path=None)
    assert parse_cookie_header(header).getlist("k") == [value]


@given(st.text(max_size=10), st.text(max_size=10))
def test_headers_accept_exactly_the_values_without_cr_lf_nul(name: str, value: str) -> None:
    unsafe = any(character in name + value for character in "\r\n\x00")
    try:
        Response(headers=[(name, value)])
    except ValueError:
        assert unsafe
    else:
        assert not unsafe


# -- dates and JSON --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (0, "Thu, 01 Jan 1970 00:00:00 GMT"),
        (784111777, "Sun, 06 Nov 1994 08:49:37 GMT"),  # RFC 9110 §5.6.7's example
        (datetime.datetime(1994, 11, 6, 8, 49, 37), "Sun, 06 Nov 1994 08:49:37 GMT"),
        (
            datetime.datetime(
                1994, 11, 6, 9, 49, 37, tzinfo=datetime.timezone(datetime.timedelta(hours=1))
            ),
            "Sun, 06 Nov 1994 08:49:37 GMT",
        ),
        (datetime.date(2024, 2, 29), "Thu, 29 Feb 2024 00:00:00 GMT"),
    ],
)
def test_http_date(moment: Any, expected: str) -> None:
    assert http_date(moment) == expected


@dataclasses.dataclass
class Point:
    x: int
    y: int


class Html:
    def __html__(self) -> str:
        return "<b>x</b>"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"b": 1, "a": [1, 2]}, '{"a":[1,2],"b":1}'),  # sorted keys, compact
        ("é☃", '"\\u00e9\\u2603"'),  # ensure_ascii
        (datetime.datetime(2020, 1, 2, 3, 4, 5), '"Thu, 02 Jan 2020 03:04:05 GMT"'),
        (datetime.date(2020, 1, 2), '"Thu, 02 Jan 2020 00:00:00 GMT"'),
        (uuid.UUID(int=1), '"00000000-0000-0000-0000-000000000001"'),
        (decimal.Decimal("1.50"), '"1.50"'),
        (Point(1, 2), '{"x":1,"y":2}'),
        (Html(), '"<b>x</b>"'),
        (None, "null"),
    ],
)
def test_json_dumps_matches_flask_default_provider(value: Any, expected: str) -> None:
    assert json_dumps(value) == expected


@pytest.mark.parametrize("value", [object(), {1, 2}, b"bytes", Point])
def test_json_dumps_type_errors(value: Any) -> None:
    with pytest.raises(TypeError, match="not JSON serializable"):
        json_dumps(value)


@pytest.mark.parametrize(
    ("args", "kwargs", "body"),
    [
        ((), {}, b"null\n"),
        (({"a": 1},), {}, b'{"a":1}\n'),
        ((1, 2), {}, b"[1,2]\n"),
        ((), {"b": 2, "a": 1}, b'{"a":1,"b":2}\n'),
        (([],), {}, b"[]\n"),
    ],
)
def test_jsonify(args: tuple[Any, ...], kwargs: dict[str, Any], body: bytes) -> None:
    response = jsonify(*args, **kwargs)
    assert response.data == body
    assert response.content_type == "application/json"
    assert response.get_json() == json.loads(body)
    assert response.json == json.loads(body)
    assert call(response)[2] == body


def test_jsonify_refuses_args_and_kwargs() -> None:
    with pytest.raises(TypeError):
        jsonify(1, a=2)


def test_get_json_on_non_json_and_bad_json() -> None:
    assert Response("{}").get_json() is None
    assert Response("{}").get_json(force=True) == {}
    broken = Response("{", mimetype="application/problem+json")
    assert broken.is_json
    assert broken.get_json(silent=True) is None
    with pytest.raises(ValueError):
        broken.get_json()


def test_headers_object_is_copied_not_shared() -> None:
    shared = Headers({"X-A": "1"})
    Response("x", headers=shared)
    assert shared.to_wsgi_list() == [("X-A", "1")]


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        (
            {"headers": {"Content-Type": "text/csv", "Content-Length": "99"}},
            [("Content-Type", "text/csv"), ("Content-Length", "5")],
        ),
        (
            {"headers": {"Content-Type": "text/csv"}, "mimetype": "text/plain"},
            [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", "5")],
        ),
        (
            {"headers": [("X-A", "1")], "content_type": "a/b"},
            [("X-A", "1"), ("Content-Type", "a/b"), ("Content-Length", "5")],
        ),
        (
            {"content_type": "a/b"},
            [("Content-Type", "a/b"), ("Content-Length", "5")],
        ),
    ],
)
def test_given_headers_and_body_fields(kwargs: dict[str, Any], expected: list[Any]) -> None:
    assert Response("hello", **kwargs).headers.to_wsgi_list() == expected


def test_no_content_type_without_a_default_mimetype() -> None:
    class Bare(Response):
        default_mimetype = None

    assert Bare("x").headers.to_wsgi_list() == [("Content-Length", "1")]


@pytest.mark.parametrize("bad", ["text/html\r\nX: y", "a\nb"])
def test_bad_content_type_arguments(bad: str) -> None:
    with pytest.raises(ValueError):
        Response("x", content_type=bad)
    with pytest.raises(ValueError):
        Response("x", mimetype=bad, headers={"X": "1"})


def test_body_iterable_of_str_is_encoded() -> None:
    chunks: Iterable[str] = ["a", "é"]
    assert call(Response(chunks))[2] == "aé".encode()
