"""Tests for tinyweb/proxy.py: ProxyFix trusts exactly N proxies per X-Forwarded-* header.

Tables name the rule each case checks (hop counting, too few values, spoofed leftmost
values, invalid values, the prefix); hypothesis checks that no header text makes it raise;
``wsgiref.validate`` checks the environ it hands on; the App and test client show that
``request.remote_addr``, ``request.scheme`` and ``url_for(_external=True)`` follow it.
"""

from __future__ import annotations

import io
import ipaddress
import sys
import warnings
from collections.abc import Iterable
from typing import Any, Callable
from wsgiref.validate import validator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tinyweb.app import App, url_for
from tinyweb.context import request
from tinyweb.proxy import ORIGINAL_KEY, ProxyFix
from tinyweb.testing import Client

ORIGINAL = {
    "REMOTE_ADDR": "10.0.0.2",  # the proxy's address, as the server saw it
    "wsgi.url_scheme": "http",
    "HTTP_HOST": "backend:8000",
    "SERVER_NAME": "backend",
    "SERVER_PORT": "8000",
    "SCRIPT_NAME": "",
}


def base_environ(**headers: str) -> dict[str, Any]:
    """A complete environ as a server behind a proxy would build it, plus ``headers``."""
    environ: dict[str, Any] = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.version": (1, 0),
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        **ORIGINAL,
    }
    environ.update({"HTTP_X_FORWARDED_" + name.upper(): value for name, value in headers.items()})
    return environ


def fixed(environ: dict[str, Any], **counts: int) -> dict[str, Any]:
    """The environ the wrapped app receives."""
    seen: dict[str, Any] = {}

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        seen.update(environ)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b""]

    ProxyFix(app, **counts)(environ, lambda status, headers, exc_info=None: None)
    return seen


def changed(environ: dict[str, Any]) -> dict[str, Any]:
    """The keys ProxyFix may replace whose values differ from ORIGINAL."""
    return {key: environ[key] for key in ORIGINAL if environ.get(key) != ORIGINAL[key]}


# -- hop counting ------------------------------------------------------------------------

HOP_CASES = [
    # (rule, headers, counts, expected changes)
    ("one_hop_takes_the_only_value", {"for": "203.0.113.7"}, {"x_for": 1},
     {"REMOTE_ADDR": "203.0.113.7"}),
    ("one_hop_takes_the_rightmost", {"for": "198.51.100.1, 203.0.113.7"}, {"x_for": 1},
     {"REMOTE_ADDR": "203.0.113.7"}),
    ("two_hops_take_the_second_from_the_right",
     {"for": "198.51.100.1, 203.0.113.7, 10.0.0.1"}, {"x_for": 2},
     {"REMOTE_ADDR": "203.0.113.7"}),
    ("two_hops_exactly_two_values", {"for": "203.0.113.7,10.0.0.1"}, {"x_for": 2},
     {"REMOTE_ADDR": "203.0.113.7"}),
    ("too_few_values_ignore_the_header", {"for": "203.0.113.7"}, {"x_for": 2}, {}),
    ("too_few_proto_values_ignore_it", {"proto": "https"}, {"x_proto": 2}, {}),
    ("zero_hops_ignore_the_header", {"for": "203.0.113.7", "proto": "https"},
     {"x_for": 0, "x_proto": 0}, {}),
    ("proto_one_hop", {"proto": "http, https"}, {"x_proto": 1}, {"wsgi.url_scheme": "https"}),
    ("proto_is_case_insensitive", {"proto": "HTTPS"}, {"x_proto": 1},
     {"wsgi.url_scheme": "https"}),
    ("ipv6_is_normalized", {"for": "2001:DB8:0:0::1"}, {"x_for": 1},
     {"REMOTE_ADDR": "2001:db8::1"}),
    ("ipv6_in_brackets", {"for": "[2001:db8::1]"}, {"x_for": 1}, {"REMOTE_ADDR": "2001:db8::1"}),
    ("host_without_port_uses_the_scheme_default", {"host": "example.com", "proto": "https"},
     {"x_host": 1}, {"wsgi.url_scheme": "https", "HTTP_HOST": "example.com",
                     "SERVER_NAME": "example.com", "SERVER_PORT": "443"}),
    ("host_with_port", {"host": "example.com:8443"}, {"x_host": 1, "x_proto": 0},
     {"HTTP_HOST": "example.com:8443", "SERVER_NAME": "example.com", "SERVER_PORT": "8443"}),
    ("host_ipv6_literal", {"host": "[2001:db8::1]:8080"}, {"x_host": 1},
     {"HTTP_HOST": "[2001:db8::1]:8080", "SERVER_NAME": "[2001:db8::1]", "SERVER_PORT": "8080"}),
    ("host_two_hops", {"host": "example.com, internal-lb"}, {"x_host": 2},
     {"HTTP_HOST": "example.com", "SERVER_NAME": "example.com", "SERVER_PORT": "80"}),
    ("port_replaces_the_host_port", {"port": "8443"}, {"x_port": 1},
     {"HTTP_HOST": "backend:8443", "SERVER_PORT": "8443"}),
    ("port_overrides_forwarded_host_port", {"host": "example.com:1", "port": "443"},
     {"x_host": 1, "x_port": 1},
     {"HTTP_HOST": "example.com:443", "SERVER_NAME": "example.com", "SERVER_PORT": "443"}),
    ("all_headers_at_once",
     {"for": "203.0.113.7", "proto": "https", "host": "example.com", "port": "443",
      "prefix": "/blog"},
     {"x_for": 1, "x_proto": 1, "x_host": 1, "x_port": 1, "x_prefix": 1},
     {"REMOTE_ADDR": "203.0.113.7", "wsgi.url_scheme": "https", "HTTP_HOST": "example.com:443",
      "SERVER_NAME": "example.com", "SERVER_PORT": "443", "SCRIPT_NAME": "/blog"}),
]  # fmt: skip


@pytest.mark.parametrize(
    "headers, counts, expected", [case[1:] for case in HOP_CASES], ids=[c[0] for c in HOP_CASES]
)
def test_hop_counting(headers: dict[str, str], counts: dict[str, int], expected: dict) -> None:
    environ = fixed(base_environ(**headers), **counts)
    assert changed(environ) == expected


def test_defaults_trust_one_hop_of_for_and_proto_only() -> None:
    headers = {"for": "203.0.113.7", "proto": "https", "host": "evil.example", "prefix": "/x"}
    environ = base_environ(**headers)
    assert changed(fixed(environ)) == {"REMOTE_ADDR": "203.0.113.7", "wsgi.url_scheme": "https"}


# -- spoofing: what a client writes on the left is never believed ------------------------

SPOOF_CASES = [
    # A client sends its own X-Forwarded-* header; each trusted proxy appends the real value.
    ("client_claims_localhost", {"for": "127.0.0.1, 203.0.113.7"}, {"x_for": 1},
     {"REMOTE_ADDR": "203.0.113.7"}),
    ("client_claims_a_list", {"for": "10.0.0.1, 10.0.0.9, 127.0.0.1, 203.0.113.7, 10.0.0.3"},
     {"x_for": 2}, {"REMOTE_ADDR": "203.0.113.7"}),
    ("client_claims_https", {"proto": "https, http"}, {"x_proto": 1}, {}),
    ("client_claims_a_host", {"host": "evil.example, example.com"}, {"x_host": 1},
     {"HTTP_HOST": "example.com", "SERVER_NAME": "example.com", "SERVER_PORT": "80"}),
    ("client_claims_a_prefix", {"prefix": "/admin, /blog"}, {"x_prefix": 1},
     {"SCRIPT_NAME": "/blog"}),
    ("garbage_on_the_left_is_harmless", {"for": "not an ip,,, 203.0.113.7"}, {"x_for": 1},
     {"REMOTE_ADDR": "203.0.113.7"}),
]  # fmt: skip


@pytest.mark.parametrize(
    "headers, counts, expected", [case[1:] for case in SPOOF_CASES], ids=[c[0] for c in SPOOF_CASES]
)
def test_spoofed_leftmost_values_are_ignored(
    headers: dict[str, str], counts: dict[str, int], expected: dict
) -> None:
    assert changed(fixed(base_environ(**headers), **counts)) == expected


def test_trusting_too_many_hops_is_the_spoofing_hole() -> None:
    """Documents the failure mode: one real proxy, x_for=2 lets the client choose."""
    environ = base_environ(**{"for": "127.0.0.1, 203.0.113.7"})
    assert fixed(environ, x_for=2)["REMOTE_ADDR"] == "127.0.0.1"


# -- invalid values are ignored ----------------------------------------------------------

INVALID_CASES = [
    ("for_not_an_address", "for", "unknown"),
    ("for_empty_element", "for", "203.0.113.7, "),
    ("for_with_port", "for", "203.0.113.7:5000"),
    ("for_hostname", "for", "example.com"),
    ("for_bad_octet", "for", "256.1.1.1"),
    ("for_unicode_digits", "for", "\u0661.2.3.4"),
    ("for_scope_id", "for", "fe80::1%eth0"),
    ("proto_other_scheme", "proto", "ftp"),
    ("proto_javascript", "proto", "javascript"),
    ("proto_with_spaces_inside", "proto", "ht tps"),
    ("host_with_userinfo", "host", "user@example.com"),
    ("host_with_path", "host", "example.com/evil"),
    ("host_with_space", "host", "exa mple.com"),
    ("host_port_too_big", "host", "example.com:65536"),
    ("host_port_zero", "host", "example.com:0"),
    ("host_port_not_digits", "host", "example.com:8o"),
    ("host_empty", "host", ""),
    ("host_bad_ipv6", "host", "[2001:db8::zz]"),
    ("host_unclosed_ipv6", "host", "[2001:db8::1"),
    ("host_crlf", "host", "example.com\r\nX-Evil: 1"),
    ("host_non_ascii", "host", "ex\u00e4mple.com"),
    ("port_not_digits", "port", "https"),
    ("port_signed", "port", "+443"),
    ("port_too_big", "port", "99999"),
    ("port_zero", "port", "0"),
    ("port_unicode_digits", "port", "\u0664\u0664\u0663"),
    ("prefix_relative", "prefix", "blog"),
    ("prefix_dot_dot", "prefix", "/blog/../admin"),
    ("prefix_dot", "prefix", "/./blog"),
    ("prefix_escaped_slash", "prefix", "/a%2Fb"),
    ("prefix_bad_escape", "prefix", "/a%zz"),
    ("prefix_escaped_nul", "prefix", "/a%00"),
    ("prefix_escaped_newline", "prefix", "/a%0d%0a"),
    ("prefix_query", "prefix", "/blog?x=1"),
    ("prefix_fragment", "prefix", "/blog#x"),
    ("prefix_space", "prefix", "/my blog"),
    ("prefix_backslash", "prefix", "/\\evil.example"),
]
ALL_TRUSTED = {"x_for": 1, "x_proto": 1, "x_host": 1, "x_port": 1, "x_prefix": 1}


@pytest.mark.parametrize(
    "header, value", [case[1:] for case in INVALID_CASES], ids=[c[0] for c in INVALID_CASES]
)
def test_invalid_values_are_ignored(header: str, value: str) -> None:
    assert changed(fixed(base_environ(**{header: value}), **ALL_TRUSTED)) == {}


# -- the prefix --------------------------------------------------------------------------

PREFIX_CASES = [
    ("plain", "/blog", "/blog"),
    ("nested", "/apps/blog", "/apps/blog"),
    ("trailing_slash_dropped", "/blog/", "/blog"),
    ("root_means_unmounted", "/", ""),
    ("percent_decoded_as_latin1", "/caf%C3%A9", "caf\u00e9".encode().decode("latin-1")),
    ("escaped_percent", "/100%25", "/100%"),
    ("sub_delims_allowed", "/a;b=c", "/a;b=c"),
]


@pytest.mark.parametrize(
    "value, script_name", [case[1:] for case in PREFIX_CASES], ids=[c[0] for c in PREFIX_CASES]
)
def test_prefix_sets_script_name(value: str, script_name: str) -> None:
    environ = fixed(base_environ(prefix=value), x_prefix=1)
    expected = "/" + script_name.lstrip("/") if script_name else ""
    assert environ["SCRIPT_NAME"] == expected


# -- originals, construction -------------------------------------------------------------


def test_originals_are_kept() -> None:
    environ = fixed(base_environ(**{"for": "203.0.113.7", "proto": "https"}))
    assert environ[ORIGINAL_KEY] == ORIGINAL
    assert environ["REMOTE_ADDR"] == "203.0.113.7"


def test_originals_record_missing_keys_as_none() -> None:
    environ = base_environ()
    del environ["HTTP_HOST"]
    assert fixed(environ)[ORIGINAL_KEY]["HTTP_HOST"] is None


@pytest.mark.parametrize("count", [-1, True, 1.0, "1", None])
def test_hop_counts_must_be_non_negative_ints(count: Any) -> None:
    with pytest.raises((TypeError, ValueError), match="x_host"):
        ProxyFix(lambda environ, start_response: [], x_host=count)


def test_repr_shows_the_counts() -> None:
    assert "x_for=2, x_proto=1, x_host=0" in repr(ProxyFix(len, x_for=2))  # type: ignore[arg-type]


def test_non_string_header_values_are_ignored() -> None:
    environ = base_environ()
    environ["HTTP_X_FORWARDED_FOR"] = b"203.0.113.7"
    assert changed(fixed(environ)) == {}


# -- properties --------------------------------------------------------------------------

header_text = st.text(alphabet=st.characters(max_codepoint=0x2FF), max_size=60) | st.sampled_from(
    ["", ",", ", ,", "[::1]", "1.2.3.4", "https", "example.com:443", "/a%2f", "/..", "%"]
)


pieces = st.sampled_from(
    ["203.0.113.7", "[2001:db8::1]", "https", "HTTP", "example.com", "example.com:8443",
     "[::1]:80", "443", "0", "/blog", "/a%2Fb", "/..", "", " ", "unknown", "\u0661"]
)  # fmt: skip
header_lists = st.lists(pieces | header_text, max_size=4).map(", ".join)


@given(
    forwarded_for=header_lists, proto=header_lists, host=header_lists, port=header_lists,
    prefix=header_lists, hops=st.integers(min_value=0, max_value=4),
)  # fmt: skip
def test_arbitrary_header_text_never_raises_and_keeps_the_environ_valid(
    forwarded_for: str, proto: str, host: str, port: str, prefix: str, hops: int
) -> None:
    headers = {"for": forwarded_for, "proto": proto, "host": host, "port": port, "prefix": prefix}
    environ = fixed(base_environ(**headers), x_for=hops, x_proto=hops, x_host=hops,
                    x_port=hops, x_prefix=hops)  # fmt: skip
    assert environ["wsgi.url_scheme"] in ("http", "https")
    assert environ["SCRIPT_NAME"] == "" or environ["SCRIPT_NAME"].startswith("/")
    assert environ["SERVER_PORT"].isdigit() and environ["SERVER_PORT"].isascii()
    assert all(" " not in environ[key] for key in ("HTTP_HOST", "SERVER_NAME", "REMOTE_ADDR"))


@given(
    headers=st.fixed_dictionaries(
        {name: header_lists for name in ("for", "proto", "host", "port", "prefix")}
    ),
    counts=st.fixed_dictionaries(
        {name: st.integers(0, 3) for name in ("x_for", "x_proto", "x_host", "x_port", "x_prefix")}
    ),
)
def test_applying_the_same_counts_twice_changes_nothing_more(
    headers: dict[str, str], counts: dict[str, int]
) -> None:
    once = fixed(base_environ(**headers), **counts)
    twice = fixed(dict(once), **counts)
    assert twice == once
    assert twice[ORIGINAL_KEY] == ORIGINAL


@given(
    st.lists(st.ip_addresses().map(str), min_size=1, max_size=5),
    st.lists(st.text(max_size=15).filter(lambda text: "," not in text), max_size=3),
)
def test_hop_n_is_the_nth_value_from_the_right_whatever_the_client_sent(
    proxy_values: list[str], client_values: list[str]
) -> None:
    header = ", ".join([*client_values, *proxy_values])
    hops = len(proxy_values)
    environ = fixed(base_environ(**{"for": header}), x_for=hops)
    assert environ["REMOTE_ADDR"] == str(ipaddress.ip_address(proxy_values[0]))


# -- WSGI conformance --------------------------------------------------------------------


def hello(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [environ["REMOTE_ADDR"].encode("latin-1")]


@pytest.mark.parametrize("case", HOP_CASES[-1:] + SPOOF_CASES[:1], ids=lambda case: case[0])
def test_wrapped_app_passes_wsgiref_validator(case: tuple[Any, ...]) -> None:
    _, headers, counts, _ = case
    # validator outside checks ProxyFix as an app; inside, the environ it hands on.
    application = validator(ProxyFix(validator(hello), **counts))
    environ = base_environ(**headers)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # wsgiref.validate reports problems as warnings too
        result = application(environ, lambda status, headers, exc_info=None: lambda data: None)
        try:
            body = b"".join(result)
        finally:
            result.close()  # type: ignore[attr-defined]
    assert body == environ["REMOTE_ADDR"].encode()


# -- through the App and the test client -------------------------------------------------


def make_app() -> App:
    app = App(__name__)

    @app.get("/where")
    def where() -> dict[str, Any]:
        return {
            "remote_addr": request.remote_addr,
            "scheme": request.scheme,
            "host": request.host,
            "external": url_for("where", _external=True),
            "relative": url_for("where"),
        }

    app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
        app.wsgi_app, x_for=1, x_proto=1, x_host=1, x_prefix=1
    )
    return app


def test_app_sees_the_client_through_the_proxy() -> None:
    client = Client(make_app())
    response = client.get(
        "/where",
        base_url="http://backend:8000/",
        environ_base={"REMOTE_ADDR": "10.0.0.2"},
        headers={
            "X-Forwarded-For": "127.0.0.1, 203.0.113.7",  # the client lied about the left one
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": "example.com",
            "X-Forwarded-Prefix": "/blog",
        },
    )
    assert response.get_json() == {
        "remote_addr": "203.0.113.7",
        "scheme": "https",
        "host": "example.com",
        "external": "https://example.com/blog/where",
        "relative": "/blog/where",
    }


def test_app_without_forwarded_headers_is_unchanged() -> None:
    response = Client(make_app()).get("/where", base_url="http://backend:8000/")
    assert response.get_json() == {
        "remote_addr": "127.0.0.1",
        "scheme": "http",
        "host": "backend:8000",
        "external": "http://backend:8000/where",
        "relative": "/where",
    }
