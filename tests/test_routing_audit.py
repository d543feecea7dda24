"""Issue 4, sentence by sentence: the requirements tests/test_routing.py left unasserted.

tests/test_routing.py holds the tables per rule and the properties; each test here pins one
clause of the issue that a review found exercised but not checked (or not exercised).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_routing import outcome, router_with  # the same helpers as the table tests

from tinyweb.converters import BaseConverter, Specificity
from tinyweb.errors import HTTPError, MethodNotAllowed, NotFound, RequestRedirect
from tinyweb.routing import AutomaticOptions, BuildError, Router, RuleError

# ------------------------------------------------------------------------ public API


def test_the_issue_example_rules_match_and_build() -> None:
    router = router_with(
        ("/users/<int:user_id>/posts/<slug>", "post"), ("/files/<path:rest>", "files")
    )
    assert router.match("/users/3/posts/hello", "GET") == ("post", {"user_id": 3, "slug": "hello"})
    assert outcome(router, "/users/x/posts/hello") == (404, None)
    assert outcome(router, "/users/3/posts/") == (404, None)  # string is non-empty
    assert router.match("/files/a/b.txt", "GET") == ("files", {"rest": "a/b.txt"})
    assert router.build("post", {"user_id": 3, "slug": "hello"}) == "/users/3/posts/hello"
    assert router.build("files", {"rest": "a/b.txt"}) == "/files/a/b.txt"


def test_add_takes_the_keyword_arguments_the_issue_names() -> None:
    router = Router()
    rule = router.add(rule="/x/", endpoint="x", methods=["POST"], strict_slashes=False)
    assert (rule.rule, rule.endpoint, rule.strict_slashes) == ("/x/", "x", False)
    assert router.match("/x", "POST") == ("x", {})
    assert router.build(endpoint="x", values={}, method="POST") == "/x/"


ROUTING_ERRORS = [
    # path, method, error class, status line, Allow or Location
    ("/nowhere", "GET", NotFound, "404 Not Found", None),
    ("/item", "POST", MethodNotAllowed, "405 Method Not Allowed", "GET, HEAD, OPTIONS, PUT"),
    ("/dir", "GET", RequestRedirect, "308 Permanent Redirect", "/dir/?page=2"),
]


@pytest.mark.parametrize(("path", "method", "error_class", "status", "header"), ROUTING_ERRORS)
def test_routing_errors_are_http_errors_that_answer_with_their_status(
    path: str, method: str, error_class: type[HTTPError], status: str, header: Any
) -> None:
    router = router_with(("/dir/", "dir"), ("/item", "item", ["PUT", "GET"]))
    with pytest.raises(error_class) as caught:
        router.match(path, method, "page=2")
    error: Any = caught.value
    assert isinstance(error, HTTPError)
    answers: list[Any] = []
    body = error({"REQUEST_METHOD": method}, lambda *args: answers.append(args))
    assert answers[0][0] == status and b"".join(body)
    headers = dict(answers[0][1])
    if error_class is MethodNotAllowed:
        assert headers["Allow"] == header  # the full set, sorted (RFC 9110 §15.5.6)
        assert error.valid_methods == header.split(", ")
    if error_class is RequestRedirect:
        assert headers["Location"] == header  # the query kept
        assert error.new_url == header


# ------------------------------------------------------------------------ converters


@pytest.mark.parametrize("text", ["+1_0", "١٢", "+1", "1_0", "٣", "۴۲", "１２"])
def test_int_refuses_text_that_python_int_accepts(text: str) -> None:
    int(text)  # Python takes it: the converter must not
    router = router_with(("/n/<int:n>", "n"), ("/n/<int(signed=True):n>/s", "signed"))
    assert outcome(router, f"/n/{text}") == (404, None)
    assert outcome(router, f"/n/{text}/s") == (404, None)


class HexConverter(BaseConverter):
    """Bytes as lower-case hex: overrides ``match`` instead of setting ``regex``."""

    def match(self, value: str) -> bool:
        """An even number of lower-case hex digits."""
        return len(value) % 2 == 0 and all(digit in "0123456789abcdef" for digit in value)

    def to_python(self, value: str) -> bytes:
        """The bytes."""
        return bytes.fromhex(value)

    def to_url(self, value: Any) -> str:
        """The hex digits of the bytes."""
        return bytes(value).hex()


def test_a_custom_converter_uses_its_match_to_python_and_to_url() -> None:
    router = Router()
    router.register_converter("hex", HexConverter)
    router.add("/blob/<hex:data>", "blob")
    router.add("/blob/<name>", "named")  # a custom converter is constrained: tried first
    router.add("/raw/<hex:data>.bin", "raw")  # in a mixed segment too
    assert router.match("/blob/00ff", "GET") == ("blob", {"data": b"\x00\xff"})
    assert router.match("/blob/0ff", "GET") == ("named", {"name": "0ff"})
    assert router.match("/blob/00FF", "GET") == ("named", {"name": "00FF"})
    assert router.match("/raw/0a0b.bin", "GET") == ("raw", {"data": b"\n\x0b"})
    assert outcome(router, "/raw/0a0.bin") == (404, None)
    assert router.build("blob", {"data": b"\x01\xab"}) == "/blob/01ab"  # to_url, not str()
    assert router.build("raw", {"data": b"\x01"}) == "/raw/01.bin"


# ---------------------------------------------------------------- registration errors

SAME_MATCHER_SPELLED_TWICE = [
    # first rule, second rule, a path the first one matches
    ("/a/<int:x>", "/a/<int(signed=False):x>", "/a/12"),
    ("/a/<int:x>", "/a/<int(0):x>", "/a/12"),
    ("/a/<int(4):x>", "/a/<int(fixed_digits=4):x>", "/a/2024"),
    ("/a/<int(4):x>", "/a/<int(max=None, fixed_digits=4):x>", "/a/2024"),
    ("/a/<x>", "/a/<string(minlength=1):x>", "/a/b"),
    ("/a/<string:x>", "/a/<string(1, None):x>", "/a/b"),
    ("/a/<float:x>", "/a/<float(min=None):x>", "/a/1.5"),
    ("/a/<x>.<int:y>", "/a/<x>.<int(signed=False):y>", "/a/b.1"),
]


@pytest.mark.parametrize(("first", "second", "path"), SAME_MATCHER_SPELLED_TWICE)
def test_one_converter_call_spelled_two_ways_cannot_be_told_apart(
    first: str, second: str, path: str
) -> None:
    # Otherwise the second rule is silently shadowed: no request could ever reach it.
    router = router_with((first, "one"))
    with pytest.raises(RuleError, match="no request could tell them apart"):
        router.add(second, "two")
    assert router.match(path, "GET")[0] == "one"
    router.add(second, "two", ["POST"])  # another method is another rule
    assert router.match(path, "POST")[0] == "two"


def test_converters_with_different_arguments_are_different_positions() -> None:
    router = router_with(("/a/<int(min=5):x>", "five"), ("/a/<int(min=1):x>", "one"))
    assert router.match("/a/3", "GET") == ("one", {"x": 3})
    router.add("/b/<int(signed=True):x>", "signed")
    router.add("/b/<int:x>", "unsigned")
    assert router.match("/b/-3", "GET") == ("signed", {"x": -3})


# ------------------------------------------------------------------- methods, slashes

DYNAMIC_RULES = [
    ("/items/<int:id>", "item", ["GET", "DELETE"]),
    ("/items/<int:id>/tags/", "tags", None, False),
    ("/items/<int:id>/notes", "notes", ["POST"], False),
]

DYNAMIC_CASES = [
    ("/items/1", "HEAD", ("item", {"id": 1})),
    ("/items/1", "OPTIONS", ("OPTIONS", ("DELETE", "GET", "HEAD", "OPTIONS"), "item", {"id": 1})),
    ("/items/1", "PUT", (405, ["DELETE", "GET", "HEAD", "OPTIONS"])),
    ("/items/1/", "GET", (404, None)),  # strict rule "/items/<int:id>"
    ("/items/1/tags/", "GET", ("tags", {"id": 1})),
    ("/items/1/tags", "GET", ("tags", {"id": 1})),  # strict_slashes=False: no redirect
    ("/items/1/tags", "OPTIONS", ("OPTIONS", ("GET", "HEAD", "OPTIONS"), "tags", {"id": 1})),
    ("/items/1/notes/", "POST", ("notes", {"id": 1})),
    ("/items/1/notes/", "GET", (405, ["OPTIONS", "POST"])),
    ("/items/x/notes/", "POST", (404, None)),
]


@pytest.mark.parametrize(("path", "method", "expected"), DYNAMIC_CASES)
def test_methods_and_slashes_on_dynamic_rules(path: str, method: str, expected: Any) -> None:
    assert outcome(router_with(*DYNAMIC_RULES), path, method) == expected


# -------------------------------------------------------------- hostile input, build


@pytest.mark.parametrize("path", ["/\ud800", "/\udcff", "/a\x00b", "/\ud83d\ude00"])
def test_a_redirect_for_any_text_is_an_ascii_location(path: str) -> None:
    # A lone surrogate cannot be encoded as UTF-8: the redirect must still be a redirect.
    status, target = outcome(router_with(("/<name>/", "page")), path, "GET", "q=\ud800")
    assert status == 308
    assert target.isascii() and target.startswith("/") and not target.startswith("//")


def test_build_with_a_value_no_codec_can_encode_is_a_build_error() -> None:
    router = router_with(("/<name>", "page"))
    with pytest.raises(BuildError, match="cannot build"):
        router.build("page", {"name": "\ud800"})
    with pytest.raises(BuildError, match="cannot build"):
        router.build("page", {"name": "a", "q": "\ud800"})  # a query value too


def test_build_leaves_out_a_query_whose_values_are_all_none() -> None:
    router = router_with(("/x", "x"))
    assert router.build("x", {"tags": [None, None]}) == "/x"  # not "/x?"
    assert router.build("x", {"tags": [None, "a"], "q": None}) == "/x?tags=a"


WORDS = ["a", "b", "7", "1.5", "x1", ""]
VARIABLES = ["<v{}>", "<int:v{}>", "<float:v{}>", "<any(x1, b):v{}>", "<v{}>.json"]


@st.composite
def rule_sets(draw: st.DrawFn) -> Router:
    """A router with random rules, methods, slashes and converters (conflicts skipped)."""
    router = Router()
    for index in range(draw(st.integers(1, 6))):
        segments = []
        for position in range(draw(st.integers(0, 3))):
            kind = draw(st.sampled_from(["static", "variable", "path"]))
            if kind == "static":
                segments.append(draw(st.sampled_from(WORDS[:-1])))
            else:
                pattern = "<path:v{}>" if kind == "path" else draw(st.sampled_from(VARIABLES))
                segments.append(pattern.format(position))
        text = "/" + "/".join(segments) + draw(st.sampled_from(["", "/"]))
        methods = draw(st.sampled_from([None, ["POST"], ["GET", "PUT"], ["HEAD"]]))
        try:
            router.add(text.replace("//", "/"), f"endpoint{index}", methods, draw(st.booleans()))
        except RuleError:
            continue
    return router


PATHS = st.lists(st.sampled_from(WORDS) | st.text(max_size=4), max_size=5).map("/".join)


@settings(max_examples=max(10, settings().max_examples // 2))
@given(
    rule_sets(),
    PATHS.map("/".__add__) | st.text(st.characters(), max_size=30),
    st.sampled_from(["GET", "HEAD", "POST", "PUT", "OPTIONS", "DELETE", "get"]),
    st.text(st.characters(), max_size=10),
)
def test_random_rule_sets_raise_only_the_documented_errors(
    router: Router, path: str, method: str, query: str
) -> None:
    # Paths of any characters (surrogates and control characters included), on rule sets
    # mixing every converter, method lists and both slash modes. match's fast paths must
    # answer as the full search does.
    try:
        expected: Any = router._search(path, method, query)
    except HTTPError as error:
        expected = (type(error), vars(error))
    try:
        answer: Any = router.match(path, method, query)
    except HTTPError as error:
        answer = (type(error), vars(error))
    assert answer == expected
    try:
        endpoint, values = router.match(path, method, query)
    except RequestRedirect as redirect:
        assert redirect.new_url.isascii() and redirect.new_url.startswith("/")
        assert not redirect.new_url.startswith("//")
        return
    except (NotFound, MethodNotAllowed):
        return
    assert isinstance(values, dict)
    if isinstance(endpoint, AutomaticOptions):
        assert method == "OPTIONS" and values == {}
        assert endpoint.rule is not None and str(endpoint.rule.endpoint).startswith("endpoint")
    else:
        assert str(endpoint).startswith("endpoint")


# ------------------------------------------------------- build of mixed segments

MIXED_BUILDS = [
    # rule, values, the URL or None when it would route back with other values
    ("/<a>-<b>", {"a": "x", "b": "y"}, "/x-y"),
    ("/<a>-<b>", {"a": "x-y", "b": "z"}, "/x-y-z"),  # the split match() makes
    ("/<a>-<b>", {"a": "x", "b": "y-z"}, None),  # "x-y-z" matches a="x-y", b="z"
    ("/<a>.<any(json, xml):kind>", {"a": "r.json", "kind": "xml"}, "/r.json.xml"),
    ("/<int:a>.<b>", {"a": 1, "b": "2.3"}, "/1.2.3"),
    ("/<a>.<int:b>", {"a": "1.2", "b": 3}, "/1.2.3"),
    ("/a<a>", {"a": "b c"}, "/ab%20c"),  # a static part may read like a variable's name
]


@pytest.mark.parametrize(("rule", "values", "expected"), MIXED_BUILDS)
def test_build_refuses_a_mixed_segment_that_would_match_other_values(
    rule: str, values: dict[str, Any], expected: Any
) -> None:
    router = router_with((rule, "e"))
    if expected is None:
        with pytest.raises(BuildError, match="route back"):
            router.build("e", values)
        return
    assert router.build("e", values) == expected
    assert router.match(unquote(expected), "GET") == ("e", values)


OUT_OF_RANGE_BUILDS = [
    ("/<int(min=1, max=10):n>", {"n": 0}),
    ("/<int(min=1, max=10):n>", {"n": 11}),
    ("/<float(max=2.0):x>", {"x": 2.5}),
    ("/<int(min=1):n>.json", {"n": 0}),
    ("/<float(min=-1.0, signed=True):x>", {"x": -1.5}),
]


@pytest.mark.parametrize(("rule", "values"), OUT_OF_RANGE_BUILDS)
def test_build_refuses_a_number_outside_min_and_max(rule: str, values: dict[str, Any]) -> None:
    # "/0" has the shape of an int, but matching it gives 404: build must say so.
    router = router_with((rule, "e"))
    with pytest.raises(BuildError, match="does not fit"):
        router.build("e", values)


def test_build_asks_match_but_never_to_python() -> None:
    # A converter's to_python may look a model up or raise NotFound (a Flask habit): a
    # url_for must not run it. So a to_python veto is not seen by build (docs/routing.md).
    calls: list[str] = []

    class EvenConverter(BaseConverter):
        """Even numbers only, vetoed in to_python."""

        regex = "[0-9]+"

        def to_python(self, value: str) -> int:
            """The number, if even."""
            calls.append(value)
            if int(value) % 2:
                raise ValueError("odd")
            return int(value)

    router = Router()
    router.register_converter("even", EvenConverter)
    router.add("/n/<even:n>", "even")
    router.add("/n/<int:n>", "int")
    assert router.build("even", {"n": 4}) == "/n/4"
    assert router.build("even", {"n": 3}) == "/n/3"  # which routes to "int"
    with pytest.raises(BuildError, match="does not fit"):
        router.build("even", {"n": "x"})  # match still refuses it
    assert calls == []
    assert router.match("/n/3", "GET") == ("int", {"n": 3})


def test_a_more_specific_rule_may_claim_a_built_url_as_documented() -> None:
    # docs/routing.md: build does not match, so priority decides (as in Werkzeug).
    router = router_with(("/users/<name>", "user"), ("/users/new", "form"))
    assert router.build("user", {"name": "new"}) == "/users/new"
    assert router.match("/users/new", "GET") == ("form", {})


def test_a_custom_converter_takes_the_place_its_specificity_gives() -> None:
    class Lower(BaseConverter):
        """One lower-case segment, ranked with string (before the plain one by weight)."""

        regex = "[a-z]+"
        specificity = Specificity.STRING
        weight = 10

    class Spaced(BaseConverter):
        """Several segments, ranked with path: match sees the joined text."""

        regex = "[a-z]+(/[a-z]+)*"
        specificity = Specificity.PATH

    router = Router()
    router.register_converter("lower", Lower)
    router.register_converter("spaced", Spaced)
    router.add("/a/<lower:x>", "lower")
    router.add("/a/<x>", "string")
    router.add("/a/<int:x>", "int")
    router.add("/b/<spaced:rest>", "spaced")
    router.add("/b/<path:rest>", "path")
    router.add("/b/<rest>", "one")
    assert router.match("/a/abc", "GET") == ("lower", {"x": "abc"})
    assert router.match("/a/aBc", "GET") == ("string", {"x": "aBc"})
    assert router.match("/a/12", "GET") == ("int", {"x": 12})  # constrained beats both
    assert router.match("/b/x", "GET") == ("one", {"rest": "x"})  # string beats path kinds
    assert router.match("/b/x/y", "GET") == ("spaced", {"rest": "x/y"})
    assert router.match("/b/x/Y", "GET") == ("path", {"rest": "x/Y"})
    with pytest.raises(RuleError, match="whole segments"):
        router.add("/c/<spaced:rest>.txt", "mixed")


@pytest.mark.parametrize("methods", [["GET", None], [b"GET"], ["GET", 1]])
def test_methods_that_are_not_strings_are_a_clear_error(methods: Any) -> None:
    # str() would turn None into a method "NONE" and b"GET" into "B'GET'".
    with pytest.raises(RuleError, match="must be strings"):
        Router().add("/x", "x", methods=methods)


@pytest.mark.parametrize("rule", ["/<int:n>", "/<int(min=1):n>", "/<int(max=5, signed=True):n>"])
def test_an_int_too_long_for_python_int_is_not_found(rule: str) -> None:
    # Python 3.11+ refuses int() of over 4300 digits with ValueError (CVE-2020-10735).
    router = router_with((rule, "n"))
    assert outcome(router, "/" + "9" * 5000) == (404, None)
    assert router.match("/5", "GET") == ("n", {"n": 5})


def test_methods_may_be_any_iterable_read_once() -> None:
    # Flask takes any iterable of names; a generator can be read only once, so checking
    # its items must not use it up before they are stored (it was an "empty methods list").
    router = Router()
    router.add("/x", "x", methods=(name for name in ["get", "POST"]))
    assert router.match("/x", "POST") == ("x", {})
    assert router.match("/x", "GET") == ("x", {})
