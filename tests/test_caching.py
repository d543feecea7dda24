"""Tests for tinyweb/caching.py: Cache-Control, entity tags and conditional responses.

Header parsing is tested as tables of header values in and values out (malformed input
included: it must never raise); formatting and parsing ``Cache-Control`` round-trip under
hypothesis; ``make_conditional`` is tested through the test client, end to end.
"""

from __future__ import annotations

import datetime
import hashlib
from pathlib import Path
from typing import Any

import pytest
from docs_snippets import markdown_python_blocks, run_snippet
from hypothesis import given, settings
from hypothesis import strategies as st

from tinyweb.app import App
from tinyweb.caching import (
    ETags,
    RangeChunks,
    RequestCacheControl,
    ResponseCacheControl,
    format_cache_control,
    generate_etag,
    parse_cache_control,
    parse_etags,
    quote_etag,
    unquote_etag,
)
from tinyweb.context import request
from tinyweb.datastructures import Headers
from tinyweb.errors import RangeNotSatisfiable
from tinyweb.request import Request
from tinyweb.response import Response, http_date
from tinyweb.testing import build_environ

DOCS = Path(__file__).resolve().parent.parent / "docs"
BODY = b"0123456789" * 10
MODIFIED = datetime.datetime(2024, 5, 1, 12, 0, 0, tzinfo=datetime.timezone.utc)


# -- Cache-Control: parsing and formatting --------------------------------------------------

CACHE_CONTROL_TABLE = [
    (None, {}),
    ("", {}),
    ("no-cache", {"no-cache": None}),
    ("max-age=60", {"max-age": "60"}),
    ("Max-Age=60, PUBLIC", {"max-age": "60", "public": None}),
    ("max-age = 60 ,public", {"max-age": "60", "public": None}),
    ('private="Set-Cookie, X-Token"', {"private": "Set-Cookie, X-Token"}),
    ('no-cache="a\\"b"', {"no-cache": 'a"b'}),
    ("max-age=60, max-age=10", {"max-age": "60"}),  # RFC 9111 §4.2.1: the first counts
    (",,, public ,,", {"public": None}),
    ("max-age=", {"max-age": ""}),
    ('ext=1, community="UCI"', {"ext": "1", "community": "UCI"}),
    ("@@@, public", {"public": None}),
    ('"quoted", no-store', {"no-store": None}),
    ('private="unterminated, no-store', {"private": '"unterminated', "no-store": None}),
    ("max-age=60;x, no-store", {"max-age": "60;x", "no-store": None}),
    ("\x00\xff, public", {"public": None}),
]


@pytest.mark.parametrize(("value", "expected"), CACHE_CONTROL_TABLE)
def test_parse_cache_control_table(value: str | None, expected: dict[str, Any]) -> None:
    assert parse_cache_control(value) == expected


FORMAT_TABLE = [
    ({}, ""),
    ({"public": None}, "public"),
    ({"max-age": "60", "public": None}, "max-age=60, public"),
    ({"private": "Set-Cookie"}, "private=Set-Cookie"),
    ({"private": "Set-Cookie, X"}, 'private="Set-Cookie, X"'),
    ({"x": 'a"b\\c'}, 'x="a\\"b\\\\c"'),
    ({"x": ""}, 'x=""'),
]


@pytest.mark.parametrize(("directives", "expected"), FORMAT_TABLE)
def test_format_cache_control_quotes_what_is_not_a_token(
    directives: dict[str, str | None], expected: str
) -> None:
    assert format_cache_control(directives) == expected


_TOKENS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-!#$%&'*+.^_`|~", min_size=1)
_VALUES = st.none() | st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126))


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(_TOKENS, _VALUES, max_size=6))
def test_cache_control_formatting_round_trips(directives: dict[str, str | None]) -> None:
    assert parse_cache_control(format_cache_control(directives)) == directives


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_parse_cache_control_never_raises(value: str) -> None:
    cache_control = RequestCacheControl(parse_cache_control(value))
    for attribute in ("max_age", "max_stale", "min_fresh", "no_cache", "no_store"):
        getattr(cache_control, attribute)


# -- Cache-Control: the objects -------------------------------------------------------------


def test_response_cache_control_attributes_write_the_header_at_once() -> None:
    response = Response("x")
    response.cache_control.max_age = 300
    assert response.headers["Cache-Control"] == "max-age=300"
    response.cache_control.public = True
    response.cache_control.s_maxage = 60
    response.cache_control.immutable = True
    assert response.headers["Cache-Control"] == "max-age=300, public, s-maxage=60, immutable"
    response.cache_control.public = False
    response.cache_control.s_maxage = None
    del response.cache_control.immutable
    assert response.headers["Cache-Control"] == "max-age=300"
    response.cache_control.max_age = None
    assert "Cache-Control" not in response.headers


@pytest.mark.parametrize(
    ("attribute", "value", "header"),
    [
        ("no_cache", True, "no-cache"),
        ("no_cache", "Set-Cookie", "no-cache=Set-Cookie"),
        ("private", True, "private"),
        ("private", "Set-Cookie, Authorization", 'private="Set-Cookie, Authorization"'),
        ("no_store", True, "no-store"),
        ("must_revalidate", True, "must-revalidate"),
        ("proxy_revalidate", True, "proxy-revalidate"),
        ("no_transform", True, "no-transform"),
        ("must_understand", True, "must-understand"),
        ("stale_while_revalidate", 30, "stale-while-revalidate=30"),
        ("stale_if_error", "40", "stale-if-error=40"),
        ("max_age", True, "max-age"),  # Werkzeug: True is the bare directive
    ],
)
def test_each_response_directive(attribute: str, value: Any, header: str) -> None:
    response = Response("x")
    setattr(response.cache_control, attribute, value)
    assert response.headers["Cache-Control"] == header


def test_reading_response_directives() -> None:
    response = Response("x", headers={"Cache-Control": 'no-cache, private="X", max-age=5'})
    cache_control = response.cache_control
    assert cache_control.no_cache is True
    assert cache_control.private == "X"
    assert cache_control.max_age == 5
    assert cache_control.public is False
    assert cache_control.s_maxage is None
    assert "max-age" in cache_control and cache_control["max-age"] == "5"
    assert cache_control.get("no-cache") is None and cache_control.get("absent", "d") == "d"
    assert list(cache_control) == ["no-cache", "private", "max-age"]
    assert str(cache_control) == "no-cache, private=X, max-age=5"
    assert "ResponseCacheControl" in repr(cache_control)


def test_unknown_directives_are_kept_when_an_attribute_changes() -> None:
    response = Response("x", headers={"Cache-Control": 'ext="a, b", max-age=1, community=UCI'})
    response.cache_control.max_age = 2
    assert response.headers["Cache-Control"] == 'ext="a, b", max-age=2, community=UCI'


@pytest.mark.parametrize("value", ["soon", "-1", "+5", "1.5", ""])
def test_a_malformed_number_reads_as_none(value: str) -> None:
    response = Response("x", headers={"Cache-Control": f"max-age={value}"})
    assert response.cache_control.max_age is None


def test_setting_a_number_that_is_not_one_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        Response("x").cache_control.max_age = "soon"  # type: ignore[assignment]


def test_request_cache_control_is_read_only() -> None:
    environ = build_environ(headers={"Cache-Control": "no-cache, max-stale, min-fresh=3"})
    cache_control = Request(environ).cache_control
    assert cache_control.no_cache is True
    assert cache_control.max_stale is True  # any staleness (RFC 9111 §5.2.1.2)
    assert cache_control.min_fresh == 3
    assert cache_control.max_age is None and cache_control.only_if_cached is False
    with pytest.raises(TypeError):
        cache_control.max_age = 3
    assert not hasattr(cache_control, "public")  # a response directive


def test_request_max_stale_with_seconds() -> None:
    environ = build_environ(headers={"Cache-Control": "max-stale=30"})
    assert Request(environ).cache_control.max_stale == 30
    assert Request(build_environ()).cache_control.max_stale is None


def test_cache_control_of_headers_removes_an_emptied_header() -> None:
    headers = Headers({"Cache-Control": "public"})
    ResponseCacheControl.of(headers).public = False
    assert "Cache-Control" not in headers


# -- entity tags ----------------------------------------------------------------------------

UNQUOTE_TABLE = [
    (None, (None, None)),
    ("", (None, None)),
    ('"abc"', ("abc", False)),
    ('W/"abc"', ("abc", True)),
    ('w/"abc"', ("abc", True)),
    ('  "abc"  ', ("abc", False)),
    ("abc", ("abc", False)),  # unquoted: taken as it is, as in Werkzeug
    ('""', ("", False)),
    ('"', ('"', False)),
]


@pytest.mark.parametrize(("value", "expected"), UNQUOTE_TABLE)
def test_unquote_etag_table(value: str | None, expected: tuple[Any, Any]) -> None:
    assert unquote_etag(value) == expected


def test_quote_etag() -> None:
    assert quote_etag("abc") == '"abc"'
    assert quote_etag("abc", weak=True) == 'W/"abc"'
    with pytest.raises(ValueError, match="double quote"):
        quote_etag('a"b')


ETAGS_TABLE = [
    (None, set(), set(), False),
    ("", set(), set(), False),
    ("*", set(), set(), True),
    (" * ", set(), set(), True),
    ('"a"', {"a"}, set(), False),
    ('"a", W/"b"', {"a"}, {"b"}, False),
    ('"a","b"  ,   "c"', {"a", "b", "c"}, set(), False),
    ('"c,d", "e"', {"c,d", "e"}, set(), False),  # a comma inside a tag (etagc allows it)
    ('W/"x"', set(), {"x"}, False),
    ('""', {""}, set(), False),
    ("unquoted, junk", set(), set(), False),  # RFC 9110 §8.8.3: tags are quoted
    ('"unterminated', set(), set(), False),
    ('"a", *', {"a"}, set(), False),  # "*" only alone
]


@pytest.mark.parametrize(("value", "strong", "weak", "star"), ETAGS_TABLE)
def test_parse_etags_table(value: str | None, strong: set[str], weak: set[str], star: bool) -> None:
    tags = parse_etags(value)
    assert (tags.as_set(), tags.as_set(include_weak=True) - tags.as_set(), tags.star_tag) == (
        strong,
        weak,
        star,
    )


def test_etags_comparisons() -> None:
    tags = parse_etags('"a", W/"b"')
    assert "a" in tags and "b" not in tags and 7 not in tags
    assert tags.contains("a") and not tags.contains("b")
    assert tags.contains_weak("a") and tags.contains_weak("b") and not tags.contains_weak("c")
    assert tags.is_strong("a") and tags.is_weak("b") and not tags.is_weak("a")
    assert tags and not ETags() and ETags(star_tag=True)
    assert ETags(star_tag=True).contains("anything")
    assert str(tags) == '"a", W/"b"' and repr(tags) == '<ETags \'"a", W/"b"\'>'
    assert str(ETags(star_tag=True)) == "*"


def test_etag_methods_of_the_response() -> None:
    response = Response("hello")
    assert response.get_etag() == (None, None)
    response.set_etag("v1")
    assert response.headers["ETag"] == '"v1"'
    assert response.get_etag() == ("v1", False)
    response.set_etag("v2", weak=True)
    assert response.headers.getlist("ETag") == ['W/"v2"']
    assert response.get_etag() == ("v2", True)
    with pytest.raises(ValueError):
        response.set_etag('bad"tag')


def test_add_etag_hashes_the_body_with_sha1() -> None:
    response = Response("hello")
    response.add_etag()
    digest = hashlib.sha1(b"hello").hexdigest()
    assert response.headers["ETag"] == f'"{digest}"' and generate_etag(b"hello") == digest
    response.set_data("changed")
    response.add_etag()  # there is one already
    assert response.get_etag() == (digest, False)
    response.add_etag(overwrite=True, weak=True)
    assert response.get_etag() == (hashlib.sha1(b"changed").hexdigest(), True)


def test_add_etag_of_a_streamed_body_buffers_it() -> None:
    response = Response(iter([b"ab", b"c"]))
    response.add_etag()
    assert response.get_etag()[0] == hashlib.sha1(b"abc").hexdigest()
    assert response.get_data() == b"abc"


# -- request validators ---------------------------------------------------------------------


def test_request_conditional_headers() -> None:
    environ = build_environ(
        headers={
            "If-Match": '"a"',
            "If-None-Match": 'W/"b", "c"',
            "If-Modified-Since": http_date(MODIFIED),
            "If-Unmodified-Since": "Wed, 01 May 2024 12:00:00 GMT",
        }
    )
    current = Request(environ)
    assert "a" in current.if_match
    assert current.if_none_match.contains_weak("b") and "c" in current.if_none_match
    assert current.if_modified_since == MODIFIED
    assert current.if_unmodified_since == MODIFIED


@pytest.mark.parametrize(
    "value", ["", "yesterday", "Wed, 99 May 2024 12:00:00 GMT", "\xff", "Wed, 01 May 99999"]
)
def test_a_bad_http_date_reads_as_none(value: str) -> None:
    current = Request(build_environ(environ_overrides={"HTTP_IF_MODIFIED_SINCE": value}))
    assert current.if_modified_since is None


def test_absent_validators() -> None:
    current = Request(build_environ())
    assert not current.if_match and not current.if_none_match
    assert current.if_modified_since is None and current.if_unmodified_since is None


# -- make_conditional, end to end -----------------------------------------------------------


def make_app() -> App:
    app = App(__name__)

    @app.get("/page")
    def page() -> Response:
        response = Response(BODY, mimetype="text/plain")
        response.headers["Content-Language"] = "en"
        response.headers["Last-Modified"] = http_date(MODIFIED)
        response.cache_control.max_age = 60
        response.headers["Vary"] = "Accept"
        response.add_etag()
        return response.make_conditional(request)

    @app.get("/ranged")
    def ranged() -> Response:
        response = Response(BODY, mimetype="text/plain")
        response.set_etag("r1")
        return response.make_conditional(
            request.environ, accept_ranges=True, complete_length=len(BODY)
        )

    @app.get("/streamed")
    def streamed() -> Response:
        response = Response(iter([BODY[:7], BODY[7:33], BODY[33:]]), mimetype="text/plain")
        return response.make_conditional(request, accept_ranges=True, complete_length=len(BODY))

    @app.get("/dated")
    def dated() -> Response:
        response = Response("x")
        response.headers["Last-Modified"] = http_date(MODIFIED)
        return response.make_conditional(request)

    @app.route("/missing", methods=["GET"])
    def missing() -> Response:
        response = Response("gone", status=404)
        response.set_etag("m")
        return response.make_conditional(request)

    @app.route("/post", methods=["POST"])
    def post() -> Response:
        response = Response("posted")
        response.set_etag("p")
        return response.make_conditional(request)

    return app


@pytest.fixture
def client() -> Any:
    return make_app().test_client()


def etag_of(client: Any, path: str = "/page") -> str:
    etag: str = client.get(path).headers["ETag"]
    return etag


def test_without_conditions_the_response_is_whole(client: Any) -> None:
    response = client.get("/page")
    assert response.status_code == 200 and response.data == BODY
    assert "Date" in response.headers
    assert "Accept-Ranges" not in response.headers


def test_a_matching_if_none_match_is_304_without_body_or_representation_headers(
    client: Any,
) -> None:
    etag = etag_of(client)
    response = client.get("/page", headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.data == b""
    for name in ("Content-Type", "Content-Length", "Content-Language", "Last-Modified"):
        assert name not in response.headers, name
    # RFC 9110 §15.4.5: what a cache needs to update its stored response stays.
    assert response.headers["ETag"] == etag
    assert response.headers["Cache-Control"] == "max-age=60"
    assert response.headers["Vary"] == "Accept"
    assert "Date" in response.headers


@pytest.mark.parametrize(
    "header",
    ["W/{etag}", '"other", {etag}', "*", '  {etag} ,"x"'],
)
def test_if_none_match_uses_the_weak_comparison_and_lists(client: Any, header: str) -> None:
    etag = etag_of(client)
    assert (
        client.get("/page", headers={"If-None-Match": header.format(etag=etag)}).status_code == 304
    )


@pytest.mark.parametrize("header", ['"other"', "", "garbage", 'W/"nope"'])
def test_a_different_if_none_match_gets_the_whole_page(client: Any, header: str) -> None:
    response = client.get("/page", headers={"If-None-Match": header})
    assert response.status_code == 200 and response.data == BODY


def test_head_is_conditional_too(client: Any) -> None:
    etag = etag_of(client)
    assert client.head("/page", headers={"If-None-Match": etag}).status_code == 304


@pytest.mark.parametrize(
    ("since", "status"),
    [
        (MODIFIED, 304),
        (MODIFIED + datetime.timedelta(days=1), 304),
        (MODIFIED - datetime.timedelta(seconds=1), 200),
    ],
)
def test_if_modified_since_against_last_modified(
    client: Any, since: datetime.datetime, status: int
) -> None:
    response = client.get("/dated", headers={"If-Modified-Since": http_date(since)})
    assert response.status_code == status
    if status == 304:
        assert response.headers["Last-Modified"] == http_date(MODIFIED)  # no ETag: kept


@pytest.mark.parametrize("value", ["yesterday", "", "Mon, 32 Foo 2024", "\x7f"])
def test_a_bad_if_modified_since_is_ignored(client: Any, value: str) -> None:
    response = client.get("/dated", environ_overrides={"HTTP_IF_MODIFIED_SINCE": value})
    assert response.status_code == 200


def test_if_none_match_wins_over_if_modified_since(client: Any) -> None:
    # RFC 9110 §13.1.3: If-Modified-Since is ignored when If-None-Match is present.
    response = client.get(
        "/page", headers={"If-None-Match": '"other"', "If-Modified-Since": http_date(MODIFIED)}
    )
    assert response.status_code == 200


def test_a_failing_if_match_is_412_without_body(client: Any) -> None:
    response = client.get("/page", headers={"If-Match": '"other"'})
    assert response.status_code == 412
    assert response.data == b"" and response.headers["Content-Length"] == "0"
    assert "Content-Type" not in response.headers


def test_a_matching_if_match_is_200(client: Any) -> None:
    etag = etag_of(client)
    assert client.get("/page", headers={"If-Match": etag}).status_code == 200
    # If-Match uses the strong comparison: a weak tag never matches.
    assert client.get("/page", headers={"If-Match": "W/" + etag}).status_code == 412


def test_a_failing_if_unmodified_since_is_412(client: Any) -> None:
    earlier = http_date(MODIFIED - datetime.timedelta(days=1))
    assert client.get("/dated", headers={"If-Unmodified-Since": earlier}).status_code == 412
    later = http_date(MODIFIED + datetime.timedelta(days=1))
    assert client.get("/dated", headers={"If-Unmodified-Since": later}).status_code == 200


def test_other_methods_and_statuses_are_left_alone(client: Any) -> None:
    assert client.post("/post", headers={"If-None-Match": '"p"'}).status_code == 200
    assert client.post("/post", headers={"If-Match": '"x"'}).status_code == 200
    response = client.get("/missing", headers={"If-None-Match": '"m"'})
    assert response.status_code == 404 and response.text == "gone"


def test_a_byte_range_is_206(client: Any) -> None:
    response = client.get("/ranged", headers={"Range": "bytes=10-19"})
    assert response.status_code == 206
    assert response.data == BODY[10:20]
    assert response.headers["Content-Range"] == f"bytes 10-19/{len(BODY)}"
    assert response.headers["Content-Length"] == "10"
    assert response.headers["Accept-Ranges"] == "bytes"


def test_a_suffix_range_of_a_streamed_body(client: Any) -> None:
    response = client.get("/streamed", headers={"Range": "bytes=-95"})
    assert response.status_code == 206 and response.data == BODY[5:]
    response = client.get("/streamed", headers={"Range": "bytes=30-40"})
    assert response.data == BODY[30:41]


def test_an_unsatisfiable_range_is_416(client: Any) -> None:
    response = client.get("/ranged", headers={"Range": "bytes=500-"})
    assert response.status_code == 416
    assert response.headers["Content-Range"] == f"bytes */{len(BODY)}"


@pytest.mark.parametrize(
    "headers",
    [
        {"Range": "bytes=0-1,5-6"},  # several ranges: the whole body (RFC 9110 §14.2)
        {"Range": "lines=1-2"},
        {"Range": "bytes=x-y"},
        {"Range": "bytes=0-1", "If-Range": '"old"'},
    ],
)
def test_ranges_that_are_ignored(client: Any, headers: dict[str, str]) -> None:
    response = client.get("/ranged", headers=headers)
    assert response.status_code == 200 and response.data == BODY


def test_a_range_with_a_current_if_range_is_honoured(client: Any) -> None:
    response = client.get("/ranged", headers={"Range": "bytes=0-1", "If-Range": '"r1"'})
    assert response.status_code == 206 and response.data == BODY[:2]


def test_a_range_without_accept_ranges_is_ignored(client: Any) -> None:
    response = client.get("/page", headers={"Range": "bytes=0-1"})
    assert response.status_code == 200 and response.data == BODY


def test_a_range_with_a_matching_if_none_match_is_304(client: Any) -> None:
    response = client.get("/ranged", headers={"Range": "bytes=0-1", "If-None-Match": '"r1"'})
    assert response.status_code == 304


def test_a_304_closes_the_body_it_drops() -> None:
    closed: list[bool] = []

    class Body:
        def __iter__(self) -> Any:
            return iter([b"x"])

        def close(self) -> None:
            closed.append(True)

    response = Response(Body())
    response.set_etag("a")
    environ = build_environ(headers={"If-None-Match": '"a"'})
    assert response.make_conditional(environ) is response
    assert response.status_code == 304 and closed == [True]


def test_range_chunks_close_the_body() -> None:
    closed: list[bool] = []

    class Body:
        def __iter__(self) -> Any:
            return iter(["abc", b"def"])

        def close(self) -> None:
            closed.append(True)

    chunks = RangeChunks(Body(), 2, 3)
    assert b"".join(chunks) == b"cde"
    chunks.close()
    assert closed == [True]


def test_a_range_of_an_empty_body_is_not_processed() -> None:
    response = Response(b"")
    environ = build_environ(headers={"Range": "bytes=0-1"})
    response.make_conditional(environ, accept_ranges=True, complete_length=0)
    assert response.status_code == 200


def test_accept_ranges_may_name_the_unit() -> None:
    response = Response(b"x").make_conditional(build_environ(), accept_ranges="none")
    assert response.headers["Accept-Ranges"] == "none"


def test_make_conditional_keeps_an_existing_date() -> None:
    response = Response(b"x", headers={"Date": "Wed, 01 May 2024 12:00:00 GMT"})
    response.make_conditional(build_environ())
    assert response.headers.getlist("Date") == ["Wed, 01 May 2024 12:00:00 GMT"]


def test_make_conditional_dates_the_response_now_with_the_one_http_date_writer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tinyweb import caching

    monkeypatch.setattr(caching.time, "time", lambda: 784111777.9)
    response = Response(b"x").make_conditional(build_environ())
    assert response.headers["Date"] == "Sun, 06 Nov 1994 08:49:37 GMT"
    assert caching.http_date is http_date  # tinyweb.response re-exports it


def test_a_conditional_response_without_dates_to_read_does_not_import_email_utils() -> None:
    import subprocess
    import sys

    script = (
        "import sys, tinyweb\n"
        "response = tinyweb.Response(b'x')\n"
        "response.set_etag('v1')\n"
        "environ = {'REQUEST_METHOD': 'GET', 'HTTP_IF_NONE_MATCH': '\"v1\"'}\n"
        "response.make_conditional(environ)\n"
        "assert response.status_code == 304 and 'Date' in response.headers\n"
        "print('email.utils' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_range_not_satisfiable_is_raised_for_the_app_to_render() -> None:
    response = Response(BODY)
    with pytest.raises(RangeNotSatisfiable):
        response.make_conditional(
            build_environ(headers={"Range": "bytes=200-"}),
            accept_ranges=True,
            complete_length=len(BODY),
        )


def test_the_documented_examples_run() -> None:
    text = (DOCS / "request-response.md").read_text("utf-8")
    snippets = [
        snippet
        for snippet in markdown_python_blocks(text, "docs/request-response.md")
        if "make_conditional" in snippet.code or "cache_control" in snippet.code
    ]
    assert snippets
    namespace: dict[str, Any] = {"__name__": "docs_snippet"}
    for snippet in snippets:
        run_snippet(snippet, namespace)


_HEADER_TEXT = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=255), max_size=40)


@settings(max_examples=200, deadline=None)
@given(
    st.fixed_dictionaries(
        {},
        optional={
            "HTTP_IF_MATCH": _HEADER_TEXT,
            "HTTP_IF_NONE_MATCH": _HEADER_TEXT | st.just('"v"'),
            "HTTP_IF_MODIFIED_SINCE": _HEADER_TEXT | st.just(http_date(MODIFIED)),
            "HTTP_IF_UNMODIFIED_SINCE": _HEADER_TEXT,
            "HTTP_RANGE": _HEADER_TEXT | st.just("bytes=1-2"),
            "HTTP_IF_RANGE": _HEADER_TEXT,
        },
    )
)
def test_make_conditional_answers_any_headers_with_a_known_status(headers: dict[str, str]) -> None:
    response = Response(BODY, headers={"Last-Modified": http_date(MODIFIED)})
    response.set_etag("v")
    try:
        response.make_conditional(
            build_environ(environ_overrides=headers), accept_ranges=True, complete_length=100
        )
    except RangeNotSatisfiable:
        return
    assert response.status_code in (200, 206, 304, 412)
    if response.status_code in (304, 412):
        assert response.get_data() == b""


def test_an_unquoted_etag_set_by_hand_still_matches() -> None:
    response = Response(b"x", headers={"ETag": "v1"})
    response.make_conditional(build_environ(headers={"If-None-Match": '"v1"'}))
    assert response.status_code == 304


def test_a_date_past_datetimes_range_once_in_utc_reads_as_none() -> None:
    # 31 Dec 9999 23:59:59 -0100 is year 10000 in UTC: no datetime; found by review.
    from tinyweb.caching import http_datetime

    assert http_datetime("Fri, 31 Dec 9999 23:59:59 -0100") is None
    assert http_datetime("Fri, 31 Dec 9999 23:59:59 GMT") is not None


@pytest.mark.parametrize("seconds", ["9" * 20, "9" * 5000])
def test_an_absurdly_long_max_age_reads_as_no_value_not_an_error(seconds: str) -> None:
    # 5000 digits once reached int(), whose 4300-digit limit raised a ValueError: a 500.
    cache_control = RequestCacheControl(parse_cache_control(f"max-age={seconds}, no-cache"))
    assert cache_control.max_age is None
    assert cache_control.no_cache
