"""Tests for tinyweb/header_sets.py: HeaderSet, response.vary/allow and the CORS fields.

Header values are tested as tables in and items out (malformed input included: reading
must never raise); every change to a response's set must be written back to its header at
once, and an empty set must remove it; a set of items survives a round trip through its
header under hypothesis; CORS is tested end to end through the test client.
"""

from __future__ import annotations

from collections.abc import MutableSet
from pathlib import Path
from typing import Any

import pytest
from docs_snippets import markdown_python_blocks, run_snippet, same_output
from hypothesis import given, settings
from hypothesis import strategies as st

from tinyweb.app import App
from tinyweb.context import request
from tinyweb.errors import MethodNotAllowed
from tinyweb.header_sets import HeaderSet, RequestHeaderSet
from tinyweb.request import Request
from tinyweb.response import Response
from tinyweb.testing import build_environ

DOCS = Path(__file__).resolve().parent.parent / "docs"


# -- reading a header (module rule 2) -----------------------------------------------------------

PARSE_TABLE = [
    (None, []),
    ("", []),
    ("   ", []),
    ("Accept", ["Accept"]),
    ("Accept, Cookie", ["Accept", "Cookie"]),
    ("Accept, accept, ACCEPT", ["Accept"]),  # one item, the first spelling
    ("Cookie, Accept, cookie", ["Cookie", "Accept"]),
    ("  Accept  ,\tCookie\t", ["Accept", "Cookie"]),
    (",, Accept,,  , Cookie,", ["Accept", "Cookie"]),  # RFC 9110 §5.6.1: empty elements
    ('a, "b, c", d', ["a", "b, c", "d"]),  # a comma inside quotes does not split
    ('"a \\"q\\" b", c', ['a "q" b', "c"]),  # quoted-pair unescaped
    ('""', []),  # an empty quoted string is no item
    ('"unclosed, x', ['"unclosed, x']),  # kept as it is, not guessed at
    ("caf\xe9, x", ["caf\xe9", "x"]),  # a latin-1 byte from the environ is kept
    ("gzip;q=1.0, *", ["gzip;q=1.0", "*"]),
]


@pytest.mark.parametrize(("value", "items"), PARSE_TABLE)
def test_a_header_value_reads_as_its_unique_items_in_order(
    value: str | None, items: list[str]
) -> None:
    assert list(HeaderSet.parse(value)) == items


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=255), max_size=60))
def test_reading_any_header_text_never_raises(value: str) -> None:
    header_set = HeaderSet.parse(value)
    assert len(header_set) == len(header_set.as_set())
    assert all(item for item in header_set)


# -- what a set holds (module rule 1) -----------------------------------------------------------


def test_membership_ignores_case_and_iteration_keeps_order_and_first_spelling() -> None:
    header_set = HeaderSet(["Accept-Encoding", "Cookie", "accept-encoding"])
    assert list(header_set) == ["Accept-Encoding", "Cookie"]
    assert len(header_set) == 2 and bool(header_set)
    assert "COOKIE" in header_set and "accept-encoding" in header_set
    assert "Origin" not in header_set and 42 not in header_set
    assert header_set[1] == "Cookie"
    assert isinstance(header_set, MutableSet)


def test_find_and_index_ignore_case() -> None:
    header_set = HeaderSet(["GET", "Post"])
    assert header_set.find("post") == 1 and header_set.index("POST") == 1
    assert header_set.find("PUT") == -1
    with pytest.raises(IndexError):
        header_set.index("PUT")


def test_as_set_is_lower_case_unless_casing_is_preserved() -> None:
    header_set = HeaderSet(["Accept", "Cookie"])
    assert header_set.as_set() == {"accept", "cookie"}
    assert header_set.as_set(preserve_casing=True) == {"Accept", "Cookie"}


def test_to_header_and_str_join_items_and_quote_what_is_not_a_token() -> None:
    header_set = HeaderSet(["Accept", "a b", 'say "hi"', "x,y", "back\\slash"])
    expected = 'Accept, "a b", "say \\"hi\\"", "x,y", "back\\\\slash"'
    assert header_set.to_header() == expected == str(header_set)
    assert repr(HeaderSet(["a", "b"])) == "HeaderSet(['a', 'b'])"
    assert HeaderSet().to_header() == "" and not HeaderSet()


@pytest.mark.parametrize(
    ("item", "error"),
    [
        (42, TypeError),
        (None, TypeError),
        (b"Accept", TypeError),
        ("", ValueError),
        ("Accept\r\nSet-Cookie: a=1", ValueError),  # response splitting, CWE-113
        ("a\nb", ValueError),
        ("a\x00b", ValueError),
        ("a\tb", ValueError),
        ("caf\xe9", ValueError),  # non-ASCII: a clear error here, not at send time
        ("\u65e5\u672c", ValueError),
    ],
)
def test_a_new_item_must_be_non_empty_printable_ascii(item: Any, error: type) -> None:
    header_set = HeaderSet(["Accept"])
    with pytest.raises(error):
        header_set.add(item)
    with pytest.raises(error):
        header_set.update(["Cookie", item])
    with pytest.raises(error):
        HeaderSet([item])
    with pytest.raises(error):
        header_set[0] = item
    assert list(header_set) == ["Accept"]  # nothing half-added


def test_a_lone_string_is_not_taken_for_its_characters() -> None:
    with pytest.raises(TypeError, match="iterable"):
        HeaderSet("Cookie")  # a str is an Iterable[str]: only a runtime check sees it
    header_set = HeaderSet(["Accept"])
    with pytest.raises(TypeError, match="iterable"):
        header_set.update("Cookie")
    assert list(header_set) == ["Accept"]


# -- changes and on_update ------------------------------------------------------------------------


def recording_set(items: list[str]) -> tuple[HeaderSet, list[str]]:
    """A set whose on_update appends the header value it would write."""
    written: list[str] = []
    return HeaderSet(items, lambda header_set: written.append(header_set.to_header())), written


def test_add_and_update_notify_only_when_something_new_is_added() -> None:
    header_set, written = recording_set(["Accept"])
    header_set.add("ACCEPT")
    header_set.update(["accept"])
    assert written == []
    header_set.add("Cookie")
    header_set.update(["Origin", "origin", "Cookie"])
    assert written == ["Accept, Cookie", "Accept, Cookie, Origin"]


def test_remove_ignores_case_and_raises_key_error_when_absent() -> None:
    header_set, written = recording_set(["Accept", "Cookie"])
    header_set.remove("ACCEPT")  # Werkzeug 3.1 leaves "Accept" in the list here
    assert list(header_set) == ["Cookie"] and "accept" not in header_set
    assert written == ["Cookie"]
    with pytest.raises(KeyError):
        header_set.remove("Accept")


def test_discard_of_an_absent_item_is_silent_and_does_not_notify() -> None:
    header_set, written = recording_set(["Accept"])
    header_set.discard("Cookie")
    assert written == []
    header_set.discard("accept")
    assert written == [""] and not header_set


def test_clear_and_item_assignment_and_deletion_notify() -> None:
    header_set, written = recording_set(["GET", "POST", "PUT"])
    header_set[0] = "HEAD"
    del header_set[1]
    header_set[0] = "put"  # now a duplicate of PUT: the set stays a set
    assert list(header_set) == ["put"]
    header_set.clear()
    assert written == ["HEAD, POST, PUT", "HEAD, PUT", "put", ""]


def test_set_operators_of_mutable_set_work() -> None:
    header_set, written = recording_set(["Accept"])
    header_set |= {"Cookie"}
    header_set -= {"accept"}
    assert list(header_set) == ["Cookie"] and written[-1] == "Cookie"
    assert list(HeaderSet(["a"]) | HeaderSet(["B"])) == ["a", "B"]


# -- round trip (hypothesis) -------------------------------------------------------------------

TOKEN_CHARACTERS = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_TOKENS = st.text(alphabet=TOKEN_CHARACTERS, min_size=1, max_size=12)
_PRINTABLE_ASCII = st.text(
    alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=12
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_TOKENS, max_size=8))
def test_tokens_survive_a_round_trip_through_the_header(items: list[str]) -> None:
    header_set = HeaderSet(items)
    parsed = HeaderSet.parse(header_set.to_header())
    assert list(parsed) == list(header_set)
    assert parsed.as_set() == {item.lower() for item in items}


@settings(max_examples=300, deadline=None)
@given(st.lists(_PRINTABLE_ASCII, max_size=8))
def test_any_printable_items_survive_a_round_trip_quoted(items: list[str]) -> None:
    header_set = HeaderSet(items)
    assert list(HeaderSet.parse(header_set.to_header())) == list(header_set)


# -- response.vary, allow, content_language (module rule 3) --------------------------------------

SET_PROPERTIES = [
    ("vary", "Vary"),
    ("allow", "Allow"),
    ("content_language", "Content-Language"),
    ("access_control_allow_headers", "Access-Control-Allow-Headers"),
    ("access_control_allow_methods", "Access-Control-Allow-Methods"),
    ("access_control_expose_headers", "Access-Control-Expose-Headers"),
]


@pytest.mark.parametrize(("attribute", "header"), SET_PROPERTIES)
def test_every_change_to_a_response_set_is_written_back_at_once(
    attribute: str, header: str
) -> None:
    response = Response("body")
    assert not getattr(response, attribute) and header not in response.headers
    getattr(response, attribute).add("X-One")
    getattr(response, attribute).update(["X-Two", "x-one"])
    assert response.headers[header] == "X-One, X-Two"
    getattr(response, attribute).discard("x-one")
    assert response.headers[header] == "X-Two"
    assert list(getattr(response, attribute)) == ["X-Two"]


@pytest.mark.parametrize(("attribute", "header"), SET_PROPERTIES)
def test_an_empty_response_set_removes_its_header(attribute: str, header: str) -> None:
    response = Response("body", headers={header: "X-One, X-Two"})
    header_set = getattr(response, attribute)
    header_set.remove("X-One")
    header_set.discard("X-Two")
    assert header not in response.headers
    response.headers[header] = "X-One"
    getattr(response, attribute).clear()
    assert header not in response.headers


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Accept-Encoding, Cookie", "Accept-Encoding, Cookie"),  # a string is written as is
        (["Accept-Encoding", "Cookie", "cookie"], "Accept-Encoding, Cookie"),
        (("Origin",), "Origin"),
        (HeaderSet(["Cookie"]), "Cookie"),
        (iter(["Origin", "Accept"]), "Origin, Accept"),
        (None, None),
        ("", None),
        ([], None),
    ],
)
def test_vary_is_settable_from_a_string_or_an_iterable(value: Any, expected: str | None) -> None:
    response = Response("body", headers={"Vary": "Accept"})
    response.vary = value
    assert response.headers.get("Vary") == expected


def test_del_vary_removes_the_header_even_when_absent() -> None:
    response = Response("body", headers={"Vary": "Cookie"})
    del response.vary
    assert "Vary" not in response.headers
    del response.vary


@pytest.mark.parametrize("value", [["Cookie", "caf\xe9"], ["Cookie", 1], "Cookie\r\nX-Evil: 1"])
def test_setting_a_bad_vary_is_a_clear_error_and_changes_nothing(value: Any) -> None:
    response = Response("body", headers={"Vary": "Accept"})
    with pytest.raises((TypeError, ValueError)):
        response.vary = value
    assert response.headers["Vary"] == "Accept"


def test_vary_reads_every_field_line_and_writes_one() -> None:
    response = Response("body")
    response.headers.add("Vary", "Accept")
    response.headers.add("Vary", "Cookie, accept")
    assert list(response.vary) == ["Accept", "Cookie"]
    response.vary.add("Origin")
    assert response.headers.getlist("Vary") == ["Accept, Cookie, Origin"]


def test_a_set_read_before_a_header_change_writes_its_own_items() -> None:
    # Each read is a fresh view of the header, as in Werkzeug; an old one overwrites.
    response = Response("body")
    early = response.vary
    response.vary.add("Cookie")
    early.add("Origin")
    assert response.headers["Vary"] == "Origin"


@pytest.mark.parametrize(
    ("existing", "added", "expected"),
    [
        (None, "Cookie", "Cookie"),
        ("Accept", "accept", "Accept"),
        ("Accept", "Cookie", "Accept, Cookie"),
        ("*", "Cookie", "*"),  # RFC 9110 §12.5.5: * already varies on everything
        ("Accept, *", "Cookie", "Accept, *"),
    ],
)
def test_add_vary_adds_through_the_set_unless_star_is_listed(
    existing: str | None, added: str, expected: str
) -> None:
    response = Response("body", headers={"Vary": existing} if existing else None)
    response.add_vary(added)
    assert response.headers["Vary"] == expected


# -- CORS fields on a response (module rule 4) ----------------------------------------------------


def test_allow_credentials_is_true_or_absent() -> None:
    response = Response("body")
    assert response.access_control_allow_credentials is False
    response.access_control_allow_credentials = True
    assert response.headers["Access-Control-Allow-Credentials"] == "true"
    assert response.access_control_allow_credentials is True
    response.access_control_allow_credentials = False
    assert "Access-Control-Allow-Credentials" not in response.headers
    response.access_control_allow_credentials = True
    response.access_control_allow_credentials = None
    assert "Access-Control-Allow-Credentials" not in response.headers
    response.access_control_allow_credentials = True
    del response.access_control_allow_credentials
    assert "Access-Control-Allow-Credentials" not in response.headers


@pytest.mark.parametrize(("value", "expected"), [("true", True), ("false", False), ("TRUE", False)])
def test_allow_credentials_reads_yes_only_for_true(value: str, expected: bool) -> None:
    response = Response("body", headers={"Access-Control-Allow-Credentials": value})
    assert response.access_control_allow_credentials is expected


@pytest.mark.parametrize("value", ["true", 1, "false"])
def test_allow_credentials_must_be_a_bool(value: Any) -> None:
    response = Response("body")
    with pytest.raises(TypeError):
        response.access_control_allow_credentials = value
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_allow_origin_is_a_string_or_none() -> None:
    response = Response("body")
    assert response.access_control_allow_origin is None
    response.access_control_allow_origin = "https://app.example"
    assert response.headers["Access-Control-Allow-Origin"] == "https://app.example"
    assert response.access_control_allow_origin == "https://app.example"
    response.access_control_allow_origin = None
    assert "Access-Control-Allow-Origin" not in response.headers
    with pytest.raises(ValueError):
        response.access_control_allow_origin = "*\r\nX-Evil: 1"


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("600", 600),
        ("0", 0),
        (" 60\t", 60),
        ("-1", None),  # delta-seconds has no sign
        ("+5", None),
        ("soon", None),
        ("1.5", None),
        ("1_000", None),  # int() would take it
        ("\u0661\u0662", None),  # Arabic-Indic digits: int() would take them too
        ("", None),
        ("9" * 20, None),  # longer than any sensible number of seconds
    ],
)
def test_max_age_reads_as_seconds_and_a_malformed_value_as_none(
    value: str, seconds: int | None
) -> None:
    response = Response("body", headers={"Access-Control-Max-Age": value})
    assert response.access_control_max_age == seconds


def test_max_age_writes_whole_non_negative_seconds() -> None:
    response = Response("body")
    assert response.access_control_max_age is None
    response.access_control_max_age = 600
    assert response.headers["Access-Control-Max-Age"] == "600"
    for bad, error in [(-1, ValueError), ("600", TypeError), (True, TypeError), (1.5, TypeError)]:
        with pytest.raises(error):
            response.access_control_max_age = bad
    assert response.headers["Access-Control-Max-Age"] == "600"
    response.access_control_max_age = None
    assert "Access-Control-Max-Age" not in response.headers


def test_the_properties_have_docstrings_that_name_their_header() -> None:
    for attribute, header in [*SET_PROPERTIES, ("access_control_max_age", "Max-Age")]:
        assert header in (getattr(Response, attribute).__doc__ or "")


# -- CORS fields on a request --------------------------------------------------------------------


def test_a_request_without_cors_headers_reads_none_and_an_empty_set() -> None:
    plain = Request(build_environ("/"))
    assert plain.origin is None and plain.access_control_request_method is None
    assert isinstance(plain.access_control_request_headers, RequestHeaderSet)
    assert not plain.access_control_request_headers


def test_a_preflight_reads_its_origin_method_and_headers() -> None:
    headers = {
        "Origin": "https://app.example",
        "Access-Control-Request-Method": "PUT",
        "Access-Control-Request-Headers": "content-type, X-Token, content-type",
    }
    preflight = Request(build_environ("/", "OPTIONS", headers=headers))
    assert preflight.origin == "https://app.example"
    assert preflight.access_control_request_method == "PUT"
    assert list(preflight.access_control_request_headers) == ["content-type", "X-Token"]
    assert "x-token" in preflight.access_control_request_headers


def test_a_requests_header_set_is_read_only() -> None:
    environ = build_environ("/", headers={"Access-Control-Request-Headers": "X-Token"})
    requested = Request(environ).access_control_request_headers
    for change in (
        lambda: requested.add("X-Other"),
        lambda: requested.discard("X-Token"),
        requested.clear,
    ):
        with pytest.raises(TypeError):
            change()
    assert list(requested) == ["X-Token"]
    with pytest.raises(AttributeError):
        Request(environ).origin = "https://evil.example"  # type: ignore[misc]


# -- end to end -----------------------------------------------------------------------------------


def cors_app() -> App:
    """An API that lets one origin read it with credentials, preflight included."""
    app = App(__name__)

    @app.route("/items", methods=["GET", "PUT"])
    def items() -> dict[str, Any]:
        return {"items": []}

    @app.route("/upload", methods=["POST", "OPTIONS"])
    def upload() -> Response:
        response = Response("" if request.method == "OPTIONS" else "stored")
        if request.access_control_request_method == "POST":
            response.access_control_allow_methods = ["POST"]
            response.access_control_allow_headers = request.access_control_request_headers
        return response

    @app.after_request
    def allow_the_app(response: Response) -> Response:
        response.vary.add("Origin")
        if request.origin == "https://app.example":
            response.access_control_allow_origin = request.origin
            response.access_control_allow_credentials = True
            response.access_control_expose_headers = ["X-Total"]
            if request.access_control_request_method is not None:
                response.access_control_max_age = 600
        return response

    return app


def test_a_view_and_a_hook_set_cors_headers_through_the_client() -> None:
    client = cors_app().test_client()
    response = client.get("/items", headers={"Origin": "https://app.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "https://app.example"
    assert response.headers["Access-Control-Allow-Credentials"] == "true"
    assert response.headers["Access-Control-Expose-Headers"] == "X-Total"
    assert response.headers["Vary"] == "Origin"
    assert "Access-Control-Max-Age" not in response.headers
    other = client.get("/items", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
    assert other.headers["Vary"] == "Origin"


def test_an_automatic_options_preflight_is_answered_by_the_hook() -> None:
    client = cors_app().test_client()
    headers = {"Origin": "https://app.example", "Access-Control-Request-Method": "PUT"}
    response = client.options("/items", headers=headers)
    assert response.status_code == 200
    assert response.headers["Access-Control-Max-Age"] == "600"
    assert response.headers["Access-Control-Allow-Origin"] == "https://app.example"


def test_a_view_answers_its_own_preflight_from_the_request_fields() -> None:
    client = cors_app().test_client()
    headers = {
        "Origin": "https://app.example",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "Content-Type, X-Token",
    }
    response = client.options("/upload", headers=headers)
    assert response.headers["Access-Control-Allow-Methods"] == "POST"
    assert response.headers["Access-Control-Allow-Headers"] == "Content-Type, X-Token"
    assert response.headers["Access-Control-Max-Age"] == "600"
    assert client.post("/upload").data == b"stored"


def test_the_session_still_adds_vary_cookie_next_to_vary_origin() -> None:
    app = cors_app()
    app.secret_key = "test"

    @app.get("/login")
    def login() -> str:
        from tinyweb.context import session

        session["user"] = "ada"
        return "ok"

    response = app.test_client().get("/login")
    assert response.headers["Vary"] == "Origin, Cookie"


def test_the_documented_header_set_examples_run() -> None:
    text = (DOCS / "request-response.md").read_text("utf-8")
    snippets = [
        snippet
        for snippet in markdown_python_blocks(text, "docs/request-response.md")
        if "vary" in snippet.code or "access_control" in snippet.code
    ]
    assert len(snippets) >= 2
    for snippet in snippets:
        printed = run_snippet(snippet, {"__name__": "docs_snippet"})
        assert snippet.output is None or same_output(printed, snippet.output), printed


# -- Allow: one way to write it ----------------------------------------------------------------


def wsgi_answer(app: App, method: str, path: str) -> tuple[str, list[tuple[str, str]], bytes]:
    """Status, header list (in order) and body of one request, as a server would see them."""
    seen: list[Any] = []
    chunks = app(build_environ(path, method=method), lambda *arguments: seen.extend(arguments))
    return seen[0], seen[1], b"".join(chunks)


def test_the_bytes_of_a_405_and_of_the_automatic_options_answer_are_pinned() -> None:
    app = App(__name__, static_folder=None)
    app.add_url_rule("/thing", "thing", lambda: "body", methods=["GET", "POST"])
    status, headers, body = wsgi_answer(app, "DELETE", "/thing")
    assert status == "405 METHOD NOT ALLOWED"
    assert headers == [
        ("Content-Type", "text/html; charset=utf-8"),
        ("Allow", "GET, HEAD, OPTIONS, POST"),
        ("Content-Length", str(len(body))),
    ]
    assert wsgi_answer(app, "OPTIONS", "/thing") == (
        "200 OK",
        [
            ("Allow", "GET, HEAD, OPTIONS, POST"),
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Length", "0"),
        ],
        b"",
    )


@settings(max_examples=100, deadline=None)
@given(st.lists(st.from_regex(r"[A-Z]{1,12}", fullmatch=True), max_size=8))
def test_a_405_writes_allow_as_header_sets_does(methods: list[str]) -> None:
    """errors.py may not import header_sets; for methods (tokens) both write the same."""
    written = dict(MethodNotAllowed(methods).get_headers()).get("Allow")
    assert written == HeaderSet(sorted(set(methods))).to_header()
