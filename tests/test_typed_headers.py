"""Tests for tinyweb/typed_headers.py: single header fields as Python values.

Each property is a table of header text in and value out (malformed input reads as None or
the default, never raises), and of values set and header text written (a wrong type or a
negative number fails at the line that sets it); objects read from a response write every
change back (module rule 2); the request's properties read the environ.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tinyweb.datastructures import parse_dict_header
from tinyweb.header_sets import RequestHeaderSet
from tinyweb.request import Request
from tinyweb.response import Response
from tinyweb.testing import build_environ
from tinyweb.typed_headers import (
    COEP,
    COOP,
    ContentSecurityPolicy,
    WWWAuthenticate,
    parse_parameters,
)

DOCS = Path(__file__).resolve().parent.parent / "docs"
UTC = timezone.utc


def response_with(**headers: str) -> Response:
    return Response("x", headers={name.replace("_", "-"): value for name, value in headers.items()})


# -- dates: Date, Expires, Last-Modified --------------------------------------------------------

DATE_ATTRIBUTES = [("date", "Date"), ("expires", "Expires"), ("last_modified", "Last-Modified")]


@pytest.mark.parametrize(("attribute", "header"), DATE_ATTRIBUTES)
def test_a_date_property_reads_an_http_date_as_an_aware_datetime(
    attribute: str, header: str
) -> None:
    response = Response("x", headers={header: "Sun, 06 Nov 1994 08:49:37 GMT"})
    assert getattr(response, attribute) == datetime(1994, 11, 6, 8, 49, 37, tzinfo=UTC)
    for malformed in ("garbage", "0", ""):
        response.headers[header] = malformed
        assert getattr(response, attribute) is None
    del response.headers[header]
    assert getattr(response, attribute) is None


DATE_VALUES = [
    (0, "Thu, 01 Jan 1970 00:00:00 GMT"),
    (1.9, "Thu, 01 Jan 1970 00:00:01 GMT"),
    (datetime(2020, 1, 2, 3, 4, 5), "Thu, 02 Jan 2020 03:04:05 GMT"),  # naive is UTC
    (datetime(2020, 1, 2, 4, 4, 5, tzinfo=timezone(timedelta(hours=1))),
     "Thu, 02 Jan 2020 03:04:05 GMT"),
    (date(2020, 1, 2), "Thu, 02 Jan 2020 00:00:00 GMT"),
]  # fmt: skip


@pytest.mark.parametrize(("attribute", "header"), DATE_ATTRIBUTES)
@pytest.mark.parametrize(("value", "written"), DATE_VALUES)
def test_a_date_property_writes_an_imf_fixdate(
    attribute: str, header: str, value: Any, written: str
) -> None:
    response = Response("x")
    setattr(response, attribute, value)
    assert response.headers[header] == written


@pytest.mark.parametrize(("attribute", "header"), DATE_ATTRIBUTES)
def test_a_date_property_is_removed_by_none_or_del_and_refuses_other_types(
    attribute: str, header: str
) -> None:
    response = Response("x", headers={header: "Sun, 06 Nov 1994 08:49:37 GMT"})
    setattr(response, attribute, None)
    assert header not in response.headers
    setattr(response, attribute, 0)
    delattr(response, attribute)
    assert header not in response.headers
    for wrong in ("Sun, 06 Nov 1994 08:49:37 GMT", True, [1]):
        with pytest.raises(TypeError, match=header):
            setattr(response, attribute, wrong)


# -- Age and Retry-After ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("60", timedelta(seconds=60)), (" 0 ", timedelta(0)), ("-5", None), ("abc", None),
     ("1.5", None), ("+3", None), ("9" * 19, None), ("", None)],
)  # fmt: skip
def test_age_reads_delta_seconds_as_a_timedelta(text: str, expected: timedelta | None) -> None:
    assert response_with(Age=text).age == expected


def test_age_writes_whole_seconds_and_refuses_negative_ones() -> None:
    response = Response("x")
    assert response.age is None
    response.age = 60
    assert response.headers["Age"] == "60"
    response.age = timedelta(minutes=2, microseconds=5)
    assert response.headers["Age"] == "120"
    response.age = 1.9
    assert response.headers["Age"] == "1"
    with pytest.raises(ValueError, match="negative"):
        response.age = -3
    with pytest.raises(TypeError):
        response.age = "60"  # type: ignore[assignment]
    response.age = None
    assert "Age" not in response.headers


def test_retry_after_reads_a_date_or_seconds_from_now() -> None:
    response = response_with(Retry_After="Wed, 01 Jan 2031 00:00:00 GMT")
    assert response.retry_after == datetime(2031, 1, 1, tzinfo=UTC)
    response.headers["Retry-After"] = "120"
    before = datetime.now(UTC)
    later = response.retry_after
    assert later is not None
    assert timedelta(seconds=119) <= later - before <= timedelta(seconds=121)
    for malformed in ("soon", "-5", "9" * 19, ""):
        response.headers["Retry-After"] = malformed
        assert response.retry_after is None


def test_retry_after_writes_dates_seconds_and_strings() -> None:
    response = Response("x")
    response.retry_after = 120
    assert response.headers["Retry-After"] == "120"
    response.retry_after = timedelta(minutes=1)
    assert response.headers["Retry-After"] == "60"
    response.retry_after = datetime(2031, 1, 1, tzinfo=UTC)
    assert response.headers["Retry-After"] == "Wed, 01 Jan 2031 00:00:00 GMT"
    response.retry_after = "30"
    assert response.headers["Retry-After"] == "30"
    with pytest.raises(ValueError, match="negative"):
        response.retry_after = -1
    response.retry_after = None
    assert "Retry-After" not in response.headers


# -- plain text fields ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("attribute", "header"),
    [("content_encoding", "Content-Encoding"), ("content_location", "Content-Location"),
     ("content_md5", "Content-MD5"), ("accept_ranges", "Accept-Ranges")],
)  # fmt: skip
def test_a_text_field_is_a_string_and_none_removes_it(attribute: str, header: str) -> None:
    response = Response("x")
    assert getattr(response, attribute) is None
    setattr(response, attribute, "gzip")
    assert response.headers[header] == "gzip" == getattr(response, attribute)
    setattr(response, attribute, None)  # Werkzeug would write "None"
    assert header not in response.headers
    with pytest.raises(ValueError):
        setattr(response, attribute, "a\r\nSet-Cookie: x=1")


# -- Cross-Origin-*-Policy ------------------------------------------------------------------------


def test_the_cross_origin_policies_read_as_enum_members_with_unsafe_none_by_default() -> None:
    response = Response("x")
    assert response.cross_origin_opener_policy is COOP.UNSAFE_NONE
    assert response.cross_origin_embedder_policy is COEP.UNSAFE_NONE
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin-allow-popups"
    response.headers["Cross-Origin-Embedder-Policy"] = "bogus"
    assert response.cross_origin_opener_policy is COOP.SAME_ORIGIN_ALLOW_POPUPS
    assert response.cross_origin_embedder_policy is COEP.UNSAFE_NONE


def test_the_cross_origin_policies_take_members_or_their_values() -> None:
    response = Response("x")
    response.cross_origin_opener_policy = COOP.SAME_ORIGIN
    response.cross_origin_embedder_policy = "require-corp"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Embedder-Policy"] == "require-corp"
    with pytest.raises(ValueError):
        response.cross_origin_opener_policy = "same-site"
    with pytest.raises(TypeError):
        response.cross_origin_opener_policy = COEP.REQUIRE_CORP
    response.cross_origin_opener_policy = None
    assert "Cross-Origin-Opener-Policy" not in response.headers


# -- Content-Security-Policy ----------------------------------------------------------------------

CSP_TABLE = [
    (None, {}),
    ("", {}),
    ("default-src 'self'", {"default-src": "'self'"}),
    ("default-src 'self'; img-src * data:", {"default-src": "'self'", "img-src": "* data:"}),
    ("Default-Src a; default-src b", {"default-src": "a"}),  # CSP3: the first one counts
    ("upgrade-insecure-requests; ;  ", {"upgrade-insecure-requests": ""}),
    ("bad/name x; script-src 'none'", {"script-src": "'none'"}),
]


@pytest.mark.parametrize(("header", "directives"), CSP_TABLE)
def test_a_content_security_policy_reads_as_directives(
    header: str | None, directives: dict[str, str]
) -> None:
    assert dict(ContentSecurityPolicy.parse(header)) == directives


@pytest.mark.parametrize(
    ("attribute", "header"),
    [("content_security_policy", "Content-Security-Policy"),
     ("content_security_policy_report_only", "Content-Security-Policy-Report-Only")],
)  # fmt: skip
def test_a_response_policy_writes_every_change_back(attribute: str, header: str) -> None:
    response = Response("x")
    policy = getattr(response, attribute)
    assert len(policy) == 0 and header not in response.headers
    policy.default_src = "'self'"
    policy["img-src"] = "*"
    assert response.headers[header] == "default-src 'self'; img-src *"
    assert getattr(response, attribute).img_src == "*"
    policy.img_src = None
    policy["upgrade-insecure-requests"] = ""
    assert response.headers[header] == "default-src 'self'; upgrade-insecure-requests"
    policy.clear()
    assert header not in response.headers
    setattr(response, attribute, {"script-src": "'none'"})
    assert response.headers[header] == "script-src 'none'"
    setattr(response, attribute, "frame-ancestors 'none'")
    assert getattr(response, attribute).frame_ancestors == "'none'"
    setattr(response, attribute, None)
    assert header not in response.headers


def test_a_policy_refuses_what_would_break_the_header() -> None:
    policy = ContentSecurityPolicy()
    with pytest.raises(ValueError, match="directive value"):
        policy.script_src = "'self'; img-src *"
    with pytest.raises(ValueError, match="directive name"):
        policy["script src"] = "x"
    with pytest.raises(ValueError, match="directive value"):  # every way in is checked
        policy.update({"img-src": "*"}, **{"script-src": "a,b"})
    with pytest.raises(ValueError, match="directive value"):
        policy |= {"img-src": "a;b"}
    with pytest.raises(ValueError, match="directive name"):
        policy.setdefault("a b")
    assert len(policy) == 0
    policy.update({"img-src": "*"}, **{"font-src": "'self'"})
    assert policy.setdefault("img-src", "x") == "*" and policy.to_header() == "img-src *; font-src 'self'"


# -- WWW-Authenticate ---------------------------------------------------------------------------

CHALLENGES = [
    ('Basic realm="Login Required"', "basic", {"realm": "Login Required"}, None),
    ('basic realm="a, b", charset=UTF-8', "basic", {"realm": "a, b", "charset": "UTF-8"}, None),
    ("Bearer", "bearer", {}, None),
    ("Bearer abc.def==", "bearer", {}, "abc.def=="),
    ('Digest realm="r", nonce="n", qop="auth"', "digest",
     {"realm": "r", "nonce": "n", "qop": "auth"}, None),
]  # fmt: skip


@pytest.mark.parametrize(("header", "scheme", "parameters", "token"), CHALLENGES)
def test_a_challenge_reads_as_type_parameters_and_token(
    header: str, scheme: str, parameters: dict[str, str], token: str | None
) -> None:
    challenge = WWWAuthenticate.from_header(header)
    assert challenge is not None
    assert (challenge.type, dict(challenge.parameters), challenge.token) == (
        scheme,
        parameters,
        token,
    )


@pytest.mark.parametrize("header", [None, "", "   ", "B@sic realm=x", '"Basic"'])
def test_an_empty_or_malformed_challenge_reads_as_none(header: str | None) -> None:
    assert WWWAuthenticate.from_header(header) is None


def test_a_challenge_writes_its_header() -> None:
    assert WWWAuthenticate("basic").to_header() == "Basic"
    assert WWWAuthenticate("Bearer", token="abc").to_header() == "Bearer abc"
    basic = WWWAuthenticate("basic", {"realm": "a b", "stale": None})
    assert str(basic) == 'Basic realm="a b", stale'
    digest = WWWAuthenticate("digest", {"realm": "r", "algorithm": "MD5", "qop": "auth"})
    assert digest.to_header() == 'Digest realm="r", algorithm=MD5, qop="auth"'
    assert repr(digest).startswith("<WWWAuthenticate Digest")


def test_a_challenge_reads_and_writes_parameters_as_items_and_attributes() -> None:
    challenge = WWWAuthenticate("basic")
    challenge.realm = "Admin"
    challenge["charset"] = "UTF-8"
    assert challenge["realm"] == challenge.realm == challenge.get("realm") == "Admin"
    assert "charset" in challenge and challenge.missing is None
    challenge.charset = None
    del challenge.realm
    assert dict(challenge.parameters) == {}
    with pytest.raises(ValueError, match="token"):
        challenge["a b"] = "x"
    assert challenge == WWWAuthenticate("BASIC")
    assert challenge != WWWAuthenticate("bearer")


def test_response_www_authenticate_writes_every_change_back() -> None:
    response = Response("x", status=401)
    challenge = response.www_authenticate
    assert challenge.type == "basic" and "WWW-Authenticate" not in response.headers
    challenge.realm = "Login Required"
    assert response.headers["WWW-Authenticate"] == 'Basic realm="Login Required"'
    challenge.type = "digest"
    challenge.nonce = "abc"
    assert response.headers["WWW-Authenticate"] == 'Digest realm="Login Required", nonce="abc"'
    challenge.parameters = {}
    challenge.token = "t0k"
    assert response.headers["WWW-Authenticate"] == "Digest t0k"


def test_response_www_authenticate_takes_one_challenge_a_list_a_string_or_none() -> None:
    response = Response("x", status=401)
    assigned = WWWAuthenticate("bearer", {"realm": "api"})
    response.www_authenticate = assigned
    assert response.headers["WWW-Authenticate"] == "Bearer realm=api"
    assigned.error = "invalid_token"  # an assigned challenge stays attached
    assert response.headers["WWW-Authenticate"] == "Bearer realm=api, error=invalid_token"
    response.www_authenticate = [
        WWWAuthenticate("basic", {"realm": "a b"}),
        WWWAuthenticate("bearer"),
    ]
    assert response.headers.getlist("WWW-Authenticate") == ['Basic realm="a b"', "Bearer"]
    assert response.www_authenticate.realm == "a b"  # the first challenge
    response.www_authenticate = 'Basic realm="x"'
    assert response.www_authenticate.realm == "x"
    response.www_authenticate = None
    assert "WWW-Authenticate" not in response.headers
    response.www_authenticate = []
    del response.www_authenticate
    assert "WWW-Authenticate" not in response.headers


def test_the_dict_header_reader_is_shared_with_authorization() -> None:
    assert parse_dict_header('realm="a, b", nc=1, stale') == {
        "realm": "a, b",
        "nc": "1",
        "stale": None,
    }


# -- mimetype_params ------------------------------------------------------------------------------


def test_mimetype_params_reads_content_type_parameters() -> None:
    assert Response("x").mimetype_params == {"charset": "utf-8"}
    assert parse_parameters('text/plain; Charset=utf-8; format="a \\"b\\""; x') == {
        "charset": "utf-8",
        "format": 'a "b"',
    }
    assert Response(b"x", mimetype="image/png").mimetype_params == {}


def test_mimetype_params_writes_every_change_back_into_content_type() -> None:
    response = Response("x", content_type="Text/Plain; charset=utf-8")
    parameters = response.mimetype_params
    parameters["charset"] = "latin-1"
    parameters["format"] = "a b"
    assert response.headers["Content-Type"] == 'Text/Plain; charset=latin-1; format="a b"'
    del parameters["charset"]
    parameters["title*"] = "UTF-8''%C3%A9"  # RFC 2231: already encoded, written as is
    assert response.headers["Content-Type"] == "Text/Plain; format=\"a b\"; title*=UTF-8''%C3%A9"
    parameters.clear()
    assert response.headers["Content-Type"] == "Text/Plain"
    with pytest.raises(AttributeError):
        del response.mimetype_params


# -- on the request -------------------------------------------------------------------------------


def test_the_request_reads_single_fields_from_the_environ() -> None:
    environ = build_environ(
        headers={
            "Date": "Sun, 06 Nov 1994 08:49:37 GMT",
            "Content-Encoding": "gzip",
            "Content-MD5": "Q2hlY2sgSW50ZWdyaXR5IQ==",
            "Max-Forwards": "10",
            "Pragma": 'no-cache, x="a b"',
        }
    )
    environ["REMOTE_USER"] = "ada"
    request = Request(environ)
    assert request.date == datetime(1994, 11, 6, 8, 49, 37, tzinfo=UTC)
    assert request.content_encoding == "gzip"
    assert request.content_md5 == "Q2hlY2sgSW50ZWdyaXR5IQ=="
    assert request.max_forwards == 10
    assert isinstance(request.pragma, RequestHeaderSet)
    assert "No-Cache" in request.pragma and list(request.pragma) == ["no-cache", 'x="a b"']
    assert request.remote_user == "ada"


def test_the_request_fields_are_none_when_absent_or_malformed() -> None:
    request = Request(build_environ(headers={"Date": "yesterday", "Max-Forwards": "-1"}))
    assert request.date is None and request.max_forwards is None
    assert request.content_encoding is None and request.content_md5 is None
    assert request.remote_user is None and len(request.pragma) == 0
    with pytest.raises(AttributeError):
        request.date = None  # type: ignore[misc]


# -- reading never raises (module rule 1) ---------------------------------------------------------

_HEADER_TEXT = st.text(st.characters(min_codepoint=32, max_codepoint=255), max_size=40)
_RESPONSE_READS = {
    "Date": "date", "Expires": "expires", "Last-Modified": "last_modified", "Age": "age",
    "Retry-After": "retry_after", "Content-Range": "content_range",
    "Content-Security-Policy": "content_security_policy",
    "Cross-Origin-Opener-Policy": "cross_origin_opener_policy",
    "WWW-Authenticate": "www_authenticate", "Content-Type": "mimetype_params",
}  # fmt: skip
_REQUEST_READS = {
    "HTTP_DATE": "date", "HTTP_IF_RANGE": "if_range", "HTTP_RANGE": "range",
    "HTTP_MAX_FORWARDS": "max_forwards", "HTTP_PRAGMA": "pragma",
}  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(sorted(_RESPONSE_READS)), _HEADER_TEXT)
def test_reading_any_response_header_text_never_raises(header: str, text: str) -> None:
    response = Response("x")
    response.headers.set(header, text)
    getattr(response, _RESPONSE_READS[header])


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(sorted(_REQUEST_READS)), _HEADER_TEXT)
def test_reading_any_request_header_text_never_raises(key: str, text: str) -> None:
    request = Request(build_environ())
    request.environ[key] = text
    getattr(request, _REQUEST_READS[key])


def test_a_request_field_is_parsed_once_per_request() -> None:
    # request.py rule 1: nothing is parsed twice (the docs read request.range twice).
    request = Request(build_environ(headers={"Range": "bytes=0-9", "User-Agent": "curl/8"}))
    assert request.range is request.range and request.pragma is request.pragma
    assert request.user_agent is request.user_agent
