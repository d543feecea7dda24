"""Request: tables per rule of tinyweb/request.py, hypothesis round trips, and WSGI runs
under ``wsgiref.validate.validator``."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import urlencode
from wsgiref.util import setup_testing_defaults
from wsgiref.validate import validator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tinyweb.errors import BadRequest, RequestEntityTooLarge, UnsupportedMediaType
from tinyweb.request import Request, parse_cookie_header, parse_query_string
from tinyweb.response import Response


def make_environ(body: bytes = b"", **overrides: Any) -> dict[str, Any]:
    """A minimal valid environ; ``body`` goes to wsgi.input (CONTENT_LENGTH is not set)."""
    environ: dict[str, Any] = {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": "/",
        "QUERY_STRING": "",
        "wsgi.input": io.BytesIO(body),
    }
    setup_testing_defaults(environ)
    environ.update(overrides)
    return environ


def body_request(body: bytes, content_type: str | None = None, **options: Any) -> Request:
    environ = make_environ(body, REQUEST_METHOD="POST", CONTENT_LENGTH=str(len(body)))
    if content_type is not None:
        environ["CONTENT_TYPE"] = content_type
    return Request(environ, **options)


# -- the request line ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "attribute", "expected"),
    [
        ({"REQUEST_METHOD": "post"}, "method", "POST"),
        ({"PATH_INFO": "/a/b"}, "path", "/a/b"),
        ({"PATH_INFO": ""}, "path", "/"),
        ({"PATH_INFO": "//a"}, "path", "/a"),
        ({"PATH_INFO": "/caf\xc3\xa9"}, "path", "/café"),  # latin-1 native string of UTF-8
        ({"PATH_INFO": "/\xff"}, "path", "/\ufffd"),  # invalid UTF-8: replaced, no crash
        ({"PATH_INFO": "/a", "QUERY_STRING": "x=1"}, "full_path", "/a?x=1"),
        ({"PATH_INFO": "/a"}, "full_path", "/a?"),  # Flask keeps the "?"
        ({"SCRIPT_NAME": "/app/"}, "root_path", "/app"),
        ({"SCRIPT_NAME": "/app"}, "script_root", "/app"),
        ({"QUERY_STRING": "a=%20"}, "query_string", b"a=%20"),
        ({"HTTP_HOST": "example.com:80"}, "host", "example.com"),
        ({"HTTP_HOST": "example.com:8080"}, "host", "example.com:8080"),
        (
            {"HTTP_HOST": "example.com:443", "wsgi.url_scheme": "https"},
            "host",
            "example.com",
        ),
        ({"HTTP_HOST": "", "SERVER_NAME": "srv", "SERVER_PORT": "8000"}, "host", "srv:8000"),
        ({"HTTP_HOST": "", "SERVER_NAME": "srv", "SERVER_PORT": "80"}, "host", "srv"),
        ({"wsgi.url_scheme": "https"}, "is_secure", True),
        ({"wsgi.url_scheme": "http"}, "is_secure", False),
        ({"REMOTE_ADDR": "10.0.0.1"}, "remote_addr", "10.0.0.1"),
        ({"HTTP_USER_AGENT": "curl/8"}, "user_agent", "curl/8"),
        ({"HTTP_REFERER": "http://a/"}, "referrer", "http://a/"),
    ],
)
def test_request_line_attributes(
    overrides: dict[str, Any], attribute: str, expected: object
) -> None:
    assert getattr(Request(make_environ(**overrides)), attribute) == expected


def test_urls() -> None:
    environ = make_environ(
        HTTP_HOST="example.com",
        SCRIPT_NAME="/root",
        PATH_INFO="/a b/caf\xc3\xa9",
        QUERY_STRING="q=1%202&x=<y>",
    )
    request = Request(environ)
    assert request.host_url == "http://example.com/"
    assert request.url_root == "http://example.com/root/"
    assert request.base_url == "http://example.com/root/a%20b/café"
    assert request.url == "http://example.com/root/a%20b/café?q=1%202&x=%3Cy%3E"
    assert repr(request) == f"<Request {request.url!r} [GET]>"


def test_url_without_query() -> None:
    assert Request(make_environ(PATH_INFO="/x")).url == "http://127.0.0.1/x"


@pytest.mark.parametrize(
    ("endpoint", "blueprint", "blueprints"),
    [
        (None, None, []),
        ("index", None, []),
        ("admin.index", "admin", ["admin"]),
        ("shop.admin.index", "shop.admin", ["shop.admin", "shop"]),
    ],
)
def test_blueprint_from_endpoint(
    endpoint: str | None, blueprint: str | None, blueprints: list[str]
) -> None:
    request = Request(make_environ())
    request.endpoint = endpoint
    assert request.blueprint == blueprint
    assert request.blueprints == blueprints


class Untouchable:
    """A wsgi.input that fails the test if anything reads it."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"the body was touched ({name})")


def test_hot_path_parses_only_what_is_read() -> None:
    environ = make_environ(PATH_INFO="/items", QUERY_STRING="page=2", HTTP_COOKIE="a=1")
    environ["wsgi.input"] = Untouchable()
    request = Request(environ)
    assert (request.method, request.path, request.args["page"]) == ("GET", "/items", "2")
    assert request.url_rule is None and request.view_args is None and request.endpoint is None
    for lazy in ("headers", "cookies", "stream", "_form_and_files", "values"):
        assert lazy not in request.__dict__
    assert request.args is request.args  # cached, not re-parsed


# -- query string (rules 2 and 3) ------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", []),
        ("a=1", [("a", "1")]),
        ("a=1&a=2&b=3", [("a", "1"), ("a", "2"), ("b", "3")]),  # repeated keys
        ("a=&b", [("a", ""), ("b", "")]),  # blank values, pair without "="
        ("&&a=1&&", [("a", "1")]),  # empty pairs skipped
        ("=x", [("", "x")]),
        ("a=1=2", [("a", "1=2")]),  # only the first "=" splits
        ("a+b=c+d", [("a b", "c d")]),  # "+" is a space
        ("a=%2B", [("a", "+")]),  # an encoded "+" stays a plus
        ("a=%C3%A9", [("a", "é")]),
        ("a=\xc3\xa9", [("a", "é")]),  # raw UTF-8 bytes in a native string
        ("%E2%9C%93=1", [("✓", "1")]),
        ("a=%2541", [("a", "%41")]),  # decoded once, never twice
        ("a=%FF", [("a", "%FF")]),  # invalid UTF-8 stays visible as its escape
        ("a=\xff", [("a", "%FF")]),
        ("a=%C3", [("a", "%C3")]),  # truncated sequence
        ("a=caf%C3%A9%FF", [("a", "café%FF")]),
        ("a=%2", [("a", "%2")]),  # a broken escape is kept
        ("a=%zz", [("a", "%zz")]),
        ("a=1;b=2", [("a", "1;b=2")]),  # ";" is not a separator (CVE-2021-23336)
        ("a=%26b%3D", [("a", "&b=")]),
    ],
)
def test_query_string_parsing(query: str, expected: list[tuple[str, str]]) -> None:
    assert list(parse_query_string(query).items(multi=True)) == expected
    assert list(Request(make_environ(QUERY_STRING=query)).args.items(multi=True)) == expected


@pytest.mark.parametrize("attribute", ["args", "form", "files", "cookies", "values"])
def test_client_data_is_immutable(attribute: str) -> None:
    environ = make_environ(
        b"a=1",
        REQUEST_METHOD="POST",
        QUERY_STRING="q=1",
        HTTP_COOKIE="c=1",
        CONTENT_TYPE="application/x-www-form-urlencoded",
        CONTENT_LENGTH="3",
    )
    data = getattr(Request(environ), attribute)
    with pytest.raises(TypeError, match="immutable"):
        data["x"] = "1"
    with pytest.raises(TypeError):
        data.add("x", "1")
    copy = data.copy()
    copy["x"] = "1"  # a copy is an ordinary MultiDict
    assert copy["x"] == "1"


def test_args_get_with_type() -> None:
    args = Request(make_environ(QUERY_STRING="page=2&size=x")).args
    assert args.get("page", 1, type=int) == 2
    assert args.get("size", 10, type=int) == 10
    assert args.getlist("missing") == []


text_without_surrogates = st.text(st.characters(blacklist_categories=("Cs",)), max_size=10)


@given(st.lists(st.tuples(text_without_surrogates, text_without_surrogates), max_size=8))
def test_urlencode_then_args_round_trip(pairs: list[tuple[str, str]]) -> None:
    query = urlencode(pairs)
    args = Request(make_environ(QUERY_STRING=query)).args
    # A MultiDict groups values under the key's first appearance.
    names = list(dict.fromkeys(name for name, _ in pairs))
    expected = [(name, value) for name in names for other, value in pairs if other == name]
    assert list(args.items(multi=True)) == expected


# -- header fields ---------------------------------------------------------------------------


def test_headers_view_over_environ() -> None:
    environ = make_environ(
        CONTENT_TYPE="text/plain",
        CONTENT_LENGTH="3",
        HTTP_X_FORWARDED_FOR="1.2.3.4",
        HTTP_ACCEPT="*/*",
    )
    headers = Request(environ).headers
    assert headers["content-type"] == "text/plain"
    assert headers["CONTENT-LENGTH"] == "3"
    assert headers["X-Forwarded-For"] == "1.2.3.4"
    assert headers.get("x-forwarded-for") == "1.2.3.4"
    assert "Accept" in headers and "accept" in headers
    assert "Wsgi.Input" not in headers and "Server-Name" not in headers


def test_empty_content_type_is_not_a_header() -> None:
    headers = Request(make_environ(CONTENT_TYPE="", CONTENT_LENGTH="")).headers
    assert "Content-Type" not in headers and "Content-Length" not in headers


@pytest.mark.parametrize(
    ("content_type", "mimetype", "params"),
    [
        (None, "", {}),
        ("text/html", "text/html", {}),
        ("Text/HTML; Charset=UTF-8", "text/html", {"charset": "UTF-8"}),
        ('multipart/form-data; boundary="a;b"', "multipart/form-data", {"boundary": "a;b"}),
        ('text/plain; a="x\\"y"; b=2', "text/plain", {"a": 'x"y', "b": "2"}),
        (
            "text/plain;charset=utf-8 ;  format=flowed",
            "text/plain",
            {"charset": "utf-8", "format": "flowed"},
        ),
        ("text/plain; junk", "text/plain", {}),
    ],
)
def test_content_type_parts(
    content_type: str | None, mimetype: str, params: dict[str, str]
) -> None:
    environ = make_environ() if content_type is None else make_environ(CONTENT_TYPE=content_type)
    request = Request(environ)
    assert request.content_type == content_type
    assert request.mimetype == mimetype
    assert request.mimetype_params == params


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0", 0), ("42", 42), ("", None), ("-1", None), ("+1", None), (" 5", None),
     ("1e3", None), ("١٢", None), ("1_0", None), ("9" * 20, None), ("9" * 5000, None)],
)  # fmt: skip
def test_content_length_is_digits_only(value: str, expected: int | None) -> None:
    assert Request(make_environ(CONTENT_LENGTH=value)).content_length == expected


# -- cookies ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("", []),
        ("a=1", [("a", "1")]),
        ("a=1; b=2", [("a", "1"), ("b", "2")]),
        ("a=1;b=2", [("a", "1"), ("b", "2")]),
        ("a=1; a=2", [("a", "1"), ("a", "2")]),  # duplicate names keep both, first wins
        ("=x; a=1", [("a", "1")]),  # no name: dropped
        ("  =x  ;", []),
        ("flag; a=1", [("flag", ""), ("a", "1")]),
        (" a = 1 ;", [("a", "1")]),
        ('a="quoted value"', [("a", "quoted value")]),
        ('a="x\\073y\\054z"', [("a", "x;y,z")]),  # octal escapes from Set-Cookie quoting
        ('a="\\303\\251"', [("a", "é")]),
        ('a="q\\"b\\\\"', [("a", 'q"b\\')]),
        ('a="', []),  # an unterminated quote fits no cookie-pair: dropped, not guessed
        ("a=b c; d=1", [("d", "1")]),  # a bare value holds no space (RFC 6265 §4.1.1)
        ('a=x"y; d=1', [("d", "1")]),
        ("a b=1; d=1", [("d", "1")]),
        ("a=caf\xc3\xa9", [("a", "café")]),
        ("a=\xff", [("a", "\ufffd")]),
        ("a=b=c", [("a", "b=c")]),
    ],
)
def test_cookie_parsing(header: str, expected: list[tuple[str, str]]) -> None:
    assert list(parse_cookie_header(header).items(multi=True)) == expected
    cookies = Request(make_environ(HTTP_COOKIE=header)).cookies
    assert list(cookies.items(multi=True)) == expected


def test_set_cookie_values_round_trip_through_the_cookie_header() -> None:
    for value in ["plain", "with space", 'q"uote', "semi;colon", "comma,", "é✓", "back\\slash"]:
        response = Response()
        response.set_cookie("k", value)
        pair = response.headers["Set-Cookie"].split("; Path=")[0]
        assert parse_cookie_header(pair.encode().decode("latin-1"))["k"] == value


# -- the body stream (rule 4) ----------------------------------------------------------------


def test_stream_never_reads_past_content_length() -> None:
    source = io.BytesIO(b"helloNEXT REQUEST")
    environ = make_environ(CONTENT_LENGTH="5")
    environ["wsgi.input"] = source
    request = Request(environ)
    assert request.stream.read() == b"hello"
    assert request.stream.read() == b""
    assert source.tell() == 5
    assert request.get_data() == b""  # the stream was already consumed


@pytest.mark.parametrize("size", [1, 2, 3, 100])
def test_stream_reads_in_pieces_within_the_body(size: int) -> None:
    environ = make_environ(CONTENT_LENGTH="5")
    environ["wsgi.input"] = io.BytesIO(b"hello-extra")
    stream = Request(environ).stream
    pieces = list(iter(lambda: stream.read(size), b""))
    assert b"".join(pieces) == b"hello"


def test_stream_readline_and_iteration_stop_at_the_body_end() -> None:
    environ = make_environ(CONTENT_LENGTH="8")
    environ["wsgi.input"] = io.BytesIO(b"ab\ncd\nefXX\n")
    request = Request(environ)
    assert list(request.stream) == [b"ab\n", b"cd\n", b"ef"]
    environ["wsgi.input"] = io.BytesIO(b"abcdef\n")
    environ["CONTENT_LENGTH"] = "6"
    stream = Request(environ).stream
    assert stream.readline(2) == b"ab"
    buffer = bytearray(10)
    assert stream.readinto(buffer) == 4 and bytes(buffer[:4]) == b"cdef"


def test_no_content_length_means_no_body() -> None:
    request = Request(make_environ(b"unframed bytes"))
    assert request.get_data() == b""


def test_input_terminated_reads_to_the_end() -> None:
    environ = make_environ(b"chunked body")
    environ["wsgi.input_terminated"] = True
    assert Request(environ).get_data() == b"chunked body"


def test_missing_wsgi_input_is_an_empty_body() -> None:
    environ = make_environ(CONTENT_LENGTH="4")
    del environ["wsgi.input"]
    assert Request(environ).data == b""


def test_truncated_body_is_a_bad_request() -> None:
    environ = make_environ(b"abc", CONTENT_LENGTH="10")
    with pytest.raises(BadRequest):
        Request(environ).get_data()


@pytest.mark.parametrize(
    ("body", "declared", "terminated", "limit", "too_large"),
    [
        (b"x" * 10, "10", False, 10, False),
        (b"x" * 11, "11", False, 10, True),  # declared over the limit: before reading
        (b"x" * 11, None, True, 10, True),  # discovered while streaming (chunked)
        (b"x" * 10, None, True, 10, False),
        (b"x" * 11, "11", False, None, False),
    ],
)
def test_max_content_length(
    body: bytes, declared: str | None, terminated: bool, limit: int | None, too_large: bool
) -> None:
    environ = make_environ(body, REQUEST_METHOD="POST")
    if declared is not None:
        environ["CONTENT_LENGTH"] = declared
    if terminated:
        environ["wsgi.input_terminated"] = True
    request = Request(environ, max_content_length=limit)
    if too_large:
        with pytest.raises(RequestEntityTooLarge) as error:
            request.get_data()
        assert error.value.code == 413
    else:
        assert request.get_data() == body


def test_declared_oversize_body_is_413_for_forms_before_reading() -> None:
    environ = make_environ(
        REQUEST_METHOD="POST",
        CONTENT_TYPE="application/x-www-form-urlencoded",
        CONTENT_LENGTH="1000000",
    )
    environ["wsgi.input"] = Untouchable()
    with pytest.raises(RequestEntityTooLarge):
        _ = Request(environ, max_content_length=100).form


def test_get_data_cache_and_text() -> None:
    request = body_request("héllo".encode())
    assert request.get_data(as_text=True) == "héllo"
    assert request.get_data() == "héllo".encode()
    assert request.data == "héllo".encode()
    uncached = body_request(b"abc")
    assert uncached.get_data(cache=False) == b"abc"
    assert uncached.get_data() == b""


# -- JSON (rule 5) ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    ["application/json", "application/json; charset=utf-8", "APPLICATION/JSON",
     "application/problem+json", "application/vnd.api+json"],
)  # fmt: skip
def test_json_content_types(content_type: str) -> None:
    request = body_request(b'{"a": [1, "\\u00e9"]}', content_type)
    assert request.is_json
    assert request.json == {"a": [1, "é"]}
    assert request.get_json() is request.get_json()  # cached


@pytest.mark.parametrize(
    "content_type", [None, "text/plain", "application/x-www-form-urlencoded", "text/json"]
)
def test_json_with_another_content_type_is_415(content_type: str | None) -> None:
    request = body_request(b'{"a": 1}', content_type)
    with pytest.raises(UnsupportedMediaType) as error:
        request.get_json()
    assert error.value.code == 415
    with pytest.raises(UnsupportedMediaType):
        _ = request.json
    assert request.get_json(silent=True) is None
    assert request.get_json(force=True) == {"a": 1}


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"{",
        b"{'a': 1}",
        b'{"a": 1} trailing',
        b'"\xff"',  # invalid UTF-8
        b'"\xe9"',  # latin-1, not UTF-8
        b'\xef\xbb\xbf{"a": 1}',  # a BOM is not allowed (RFC 8259 §8.1)
        '{"a": 1}'.encode("utf-16"),  # strict UTF-8 only
    ],
)
def test_bad_json_is_400(body: bytes) -> None:
    request = body_request(body, "application/json")
    with pytest.raises(BadRequest) as error:
        request.get_json()
    assert error.value.code == 400
    assert body_request(body, "application/json").get_json(silent=True) is None


def test_silent_failure_does_not_hide_a_later_error() -> None:
    request = body_request(b"{", "application/json")
    assert request.get_json(silent=True) is None
    with pytest.raises(BadRequest):
        request.get_json()


@pytest.mark.parametrize(
    ("body", "value"),
    [(b"null", None), (b"[]", []), (b"1.5", 1.5), (b'"x"', "x"), (b" {} ", {})],
)
def test_any_json_value(body: bytes, value: object) -> None:
    assert body_request(body, "application/json").get_json() == value


def test_on_json_loading_failed_can_be_overridden() -> None:
    class Lenient(Request):
        def on_json_loading_failed(self, error: ValueError | None) -> Any:
            return {"error": str(type(error).__name__)}

    environ = body_request(b"{", "application/json").environ
    assert Lenient(environ).get_json() == {"error": "JSONDecodeError"}


# -- forms -----------------------------------------------------------------------------------


def test_urlencoded_form() -> None:
    request = body_request(
        b"name=Ada+L&tag=a&tag=%C3%A9&empty=", "application/x-www-form-urlencoded"
    )
    assert request.form["name"] == "Ada L"
    assert request.form.getlist("tag") == ["a", "é"]
    assert request.form["empty"] == ""
    assert len(request.files) == 0
    assert request.data == b"name=Ada+L&tag=a&tag=%C3%A9&empty="  # still available


def test_data_read_first_then_form() -> None:
    request = body_request(b"a=1", "application/x-www-form-urlencoded; charset=utf-8")
    assert request.get_data() == b"a=1"
    assert request.form["a"] == "1"


@pytest.mark.parametrize(("size", "too_large"), [(100, False), (101, True)])
def test_urlencoded_form_memory_limit(size: int, too_large: bool) -> None:
    body = b"a=" + b"x" * (size - 2)
    request = body_request(body, "application/x-www-form-urlencoded", max_form_memory_size=100)
    if too_large:
        with pytest.raises(RequestEntityTooLarge):
            _ = request.form
    else:
        assert len(request.form["a"]) == size - 2


def test_streamed_urlencoded_form_memory_limit() -> None:
    environ = make_environ(
        b"a=" + b"x" * 200,
        REQUEST_METHOD="POST",
        CONTENT_TYPE="application/x-www-form-urlencoded",
    )
    environ["wsgi.input_terminated"] = True
    with pytest.raises(RequestEntityTooLarge):
        _ = Request(environ, max_form_memory_size=100).form


def test_other_bodies_have_no_form() -> None:
    request = body_request(b"a=1", "text/plain")
    assert len(request.form) == 0 and len(request.files) == 0
    assert request.data == b"a=1"


def multipart_body(boundary: str = "XyZ") -> bytes:
    return (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="title"\r\n\r\n'
        "Café\r\n"
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="doc"; filename="notes.txt"\r\n'
        "Content-Type: text/plain\r\n\r\n"
        "line 1\nline 2\r\n"
        f"--{boundary}--\r\n"
    ).encode()


def test_multipart_form_and_files() -> None:
    request = body_request(multipart_body(), "multipart/form-data; boundary=XyZ")
    assert request.form["title"] == "Café"
    upload = request.files["doc"]
    assert upload.filename == "notes.txt"
    assert upload.mimetype == "text/plain"
    assert upload.read() == b"line 1\nline 2"
    assert request.get_data() == b""  # the stream went to the parser
    request.close()
    assert upload.stream.closed


def test_multipart_after_get_data_still_parses() -> None:
    request = body_request(multipart_body(), "multipart/form-data; boundary=XyZ")
    assert request.get_data() == multipart_body()
    assert request.form["title"] == "Café"


def test_get_data_with_parse_form_data() -> None:
    request = body_request(multipart_body(), "multipart/form-data; boundary=XyZ")
    assert request.get_data(parse_form_data=True) == b""
    assert request.files["doc"].filename == "notes.txt"


@pytest.mark.parametrize(
    "content_type",
    [
        "multipart/form-data",
        "multipart/form-data; boundary=",
        "multipart/form-data; boundary=OTHER",
    ],
)
def test_malformed_multipart_is_400(content_type: str) -> None:
    with pytest.raises(BadRequest):
        _ = body_request(multipart_body(), content_type).form


def test_multipart_over_the_limits_is_413() -> None:
    body = multipart_body()
    with pytest.raises(RequestEntityTooLarge):
        _ = body_request(body, "multipart/form-data; boundary=XyZ", max_form_parts=1).form
    environ = make_environ(
        body, REQUEST_METHOD="POST", CONTENT_TYPE="multipart/form-data; boundary=XyZ"
    )
    environ["wsgi.input_terminated"] = True  # no declared length: found while streaming
    with pytest.raises(RequestEntityTooLarge):
        _ = Request(environ, max_content_length=len(body) - 1).form


def test_multipart_field_memory_limit_is_413() -> None:
    with pytest.raises(RequestEntityTooLarge):
        _ = body_request(
            multipart_body(), "multipart/form-data; boundary=XyZ", max_form_memory_size=2
        ).form


@pytest.mark.parametrize(("method", "expected"), [("GET", ["q"]), ("POST", ["q", "f"])])
def test_values_combines_args_and_form(method: str, expected: list[str]) -> None:
    environ = make_environ(
        b"f=2&q=3",
        REQUEST_METHOD=method,
        QUERY_STRING="q=1",
        CONTENT_TYPE="application/x-www-form-urlencoded",
        CONTENT_LENGTH="7",
    )
    values = Request(environ).values
    assert list(values) == expected
    assert values["q"] == "1"
    if method == "POST":
        assert values.getlist("q") == ["1", "3"]


def test_request_as_context_manager_closes_files() -> None:
    with body_request(multipart_body(), "multipart/form-data; boundary=XyZ") as request:
        upload = request.files["doc"]
    assert upload.stream.closed
    Request(make_environ()).close()  # nothing parsed: nothing to close


# -- under wsgiref.validate ------------------------------------------------------------------


def echo_app(environ: dict[str, Any], start_response: Any) -> Any:
    request = Request(environ, max_content_length=1000)
    text = (
        f"{request.method} {request.path} {request.args.to_dict(flat=False)} "
        f"{request.form.to_dict(flat=False)} {request.get_json(silent=True)} "
        f"{request.cookies.to_dict()} {len(request.data)}"
    )
    return Response(text, mimetype="text/plain")(environ, start_response)


@pytest.mark.parametrize(
    ("overrides", "body", "expected"),
    [
        ({"QUERY_STRING": "a=1&a=2"}, b"", "GET / {'a': ['1', '2']} {} None {} 0"),
        (
            {"REQUEST_METHOD": "POST", "CONTENT_TYPE": "application/x-www-form-urlencoded"},
            b"x=%C3%A9",
            "POST / {} {'x': ['é']} None {} 8",
        ),
        (
            {"REQUEST_METHOD": "PUT", "CONTENT_TYPE": "application/json", "HTTP_COOKIE": "c=1"},
            b'{"k": true}',
            "PUT / {} {} {'k': True} {'c': '1'} 11",
        ),
    ],
)
def test_request_under_the_validator(overrides: dict[str, Any], body: bytes, expected: str) -> None:
    environ = make_environ(body, **overrides)
    if body:
        environ["CONTENT_LENGTH"] = str(len(body))
    captured: list[str] = []
    iterable = validator(echo_app)(environ, lambda status, headers: captured.append(status))
    try:
        text = b"".join(iterable).decode()
    finally:
        iterable.close()  # type: ignore[attr-defined]
    assert captured == ["200 OK"]
    assert text == expected


# -- robustness: any environ text gives values or an HTTPError, never a crash ---------------

latin1_text = st.text(st.characters(max_codepoint=0xFF), max_size=40)


@given(
    path=latin1_text,
    query=latin1_text,
    cookie=latin1_text,
    content_type=st.one_of(
        latin1_text,
        st.sampled_from(
            [
                "application/json",
                "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=b",
                "multipart/form-data",
            ]
        ),
    ),
    content_length=st.one_of(latin1_text, st.integers(0, 50).map(str)),
    body=st.binary(max_size=40),
)
def test_any_environ_text_is_handled(
    path: str, query: str, cookie: str, content_type: str, content_length: str, body: bytes
) -> None:
    from tinyweb.errors import HTTPError

    environ = make_environ(
        body,
        REQUEST_METHOD="POST",
        PATH_INFO=path,
        QUERY_STRING=query,
        HTTP_COOKIE=cookie,
        CONTENT_TYPE=content_type,
        CONTENT_LENGTH=content_length,
    )
    request = Request(environ, max_content_length=30)
    assert request.path.startswith("/")
    for name in ("args", "cookies", "headers", "url", "full_path", "mimetype_params"):
        getattr(request, name)
    for read in (
        lambda: request.form,
        lambda: request.files,
        lambda: request.values,
        lambda: request.data,
        lambda: request.get_json(silent=True, force=True),
    ):
        try:
            read()
        except HTTPError as error:
            assert error.code in (400, 413)
    request.close()


@pytest.mark.parametrize("bad", ["a\nb", "a\rb", "a\x00b", "a\r\nX-Evil: 1"])
def test_cr_lf_nul_in_environ_header_values_become_spaces(bad: str) -> None:
    # RFC 9110 §5.5: replace each CR, LF or NUL in a field value with SP (or reject).
    headers = Request(make_environ(HTTP_X_TEST=bad)).headers
    assert headers["X-Test"] == bad.replace("\r", " ").replace("\n", " ").replace("\x00", " ")
    Response(headers=headers)  # safe to copy into a response


# -- a missing field is the client's fault: 400, not 500 (Flask's BadRequestKeyError) -------


@pytest.mark.parametrize("attribute", ["args", "form", "files", "values", "cookies"])
def test_missing_key_in_request_data_is_a_400_that_is_still_a_key_error(attribute: str) -> None:
    from tinyweb.errors import BadRequest, BadRequestKeyError

    request = Request(
        {"REQUEST_METHOD": "POST", "CONTENT_TYPE": "application/x-www-form-urlencoded",
         "CONTENT_LENGTH": "0", "wsgi.input": io.BytesIO(b""), "QUERY_STRING": ""}
    )
    with pytest.raises(BadRequestKeyError) as caught:
        getattr(request, attribute)["title"]
    assert isinstance(caught.value, KeyError) and isinstance(caught.value, BadRequest)
    assert caught.value.code == 400 and caught.value.key == "title"
    assert "'title'" not in caught.value.description  # named only in debug (show_exception)


def test_plain_multidict_still_raises_a_plain_key_error() -> None:
    from tinyweb.datastructures import MultiDict
    from tinyweb.errors import HTTPError

    with pytest.raises(KeyError) as caught:
        MultiDict()["x"]
    assert not isinstance(caught.value, HTTPError)


def test_a_view_reading_a_missing_form_field_answers_400_not_500() -> None:
    from tinyweb.app import App

    app = App(__name__)

    @app.post("/register")
    def register() -> str:
        return request_proxy.form["username"]

    from tinyweb.context import request as request_proxy

    response = app.test_client().post("/register", data={})
    assert response.status_code == 400
    assert "username" not in response.text  # (named only in debug mode, as Flask)


# -- access_route and authorization (Werkzeug's names) -------------------------------------


@pytest.mark.parametrize(
    ("overrides", "route"),
    [
        ({"REMOTE_ADDR": "10.0.0.9"}, ["10.0.0.9"]),
        (
            {"REMOTE_ADDR": "10.0.0.9", "HTTP_X_FORWARDED_FOR": "203.0.113.7, 10.0.0.1"},
            ["203.0.113.7", "10.0.0.1"],
        ),
        ({"REMOTE_ADDR": "10.0.0.9", "HTTP_X_FORWARDED_FOR": " , "}, []),
    ],
)
def test_access_route(overrides: dict[str, str], route: list[str]) -> None:
    assert Request(make_environ(**overrides)).access_route == route


def test_access_route_without_any_address_is_empty() -> None:
    environ = make_environ()
    environ.pop("REMOTE_ADDR", None)
    assert Request(environ).access_route == []


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("Basic YWRhOnMzY3JldA==", ("basic", "ada", "s3cret", None)),
        ("Bearer abc", ("bearer", None, None, "abc")),
        ("Basic !!!", None),  # malformed: None, never a 500
        ("Basic /zp4", None),  # base64 of b"\xff:x", not UTF-8
    ],
)
def test_authorization(header: str | None, expected: tuple[Any, ...] | None) -> None:
    overrides = {} if header is None else {"HTTP_AUTHORIZATION": header}
    auth = Request(make_environ(**overrides)).authorization
    if expected is None:
        assert auth is None
    else:
        assert auth is not None
        assert (auth.type, auth.username, auth.password, auth.token) == expected


def test_authorization_from_the_test_client_auth_tuple() -> None:
    from tinyweb import App, request

    app = App(__name__)
    app.add_url_rule("/", "index", lambda: f"{request.authorization.username}")
    assert app.test_client().get("/", auth=("ada", "pw")).get_data() == b"ada"
