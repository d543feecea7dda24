"""Byte tables for tinyweb.http11: every rule of HTTP.md, bytes in and events or status out.

Each case is named after the rule it checks ("request-line/..." , "field/...", "host/...",
"framing/...", "chunked/...", "limits/...", "connection/..."). Valid requests list their
exact events; malformed ones list the exact status of the ProtocolError.
"""

from __future__ import annotations

from typing import Any, Optional

import pytest

from tinyweb.http11 import (
    LAST_CHUNK,
    NEED_DATA,
    PAUSED,
    ConnectionClosed,
    Data,
    EndOfMessage,
    Framing,
    Limits,
    ProtocolError,
    RequestHead,
    RequestParser,
    encode_chunk,
    format_response_head,
    http_date,
)

HOST = b"Host: example.com\r\n"


def head(
    method: bytes = b"GET",
    target: bytes = b"/",
    version: bytes = b"1.1",
    headers: Optional[list[tuple[bytes, bytes]]] = None,
    *,
    keep_alive: Optional[bool] = None,
    expects_continue: bool = False,
    framing: Framing = Framing.NONE,
    content_length: Optional[int] = None,
    path: Optional[bytes] = None,
    authority: bytes = b"example.com",
) -> RequestHead:
    """The RequestHead a table expects; defaults describe `GET / HTTP/1.1` with a Host."""
    return RequestHead(
        method=method,
        target=target,
        version=version,
        headers=[(b"Host", b"example.com")] if headers is None else headers,
        keep_alive=(version == b"1.1") if keep_alive is None else keep_alive,
        expects_continue=expects_continue,
        framing=framing,
        content_length=content_length,
        path=target if path is None else path,
        authority=authority,
    )


def events_of(data: bytes, limits: Optional[Limits] = None) -> list[Any]:
    """All events of one request fed at once, up to PAUSED (NEED_DATA is an error)."""
    parser = RequestParser(limits)
    parser.feed(data)
    events: list[Any] = []
    while True:
        event = parser.next_event()
        if event is PAUSED:
            return events
        assert event is not NEED_DATA, f"stalled after {events!r}"
        events.append(event)


def status_of(data: bytes, limits: Optional[Limits] = None) -> Optional[int]:
    """The status of the ProtocolError the bytes cause (closing the peer if the parser
    waits); None if every request in them parses."""
    parser = RequestParser(limits)
    parser.feed(data)
    try:
        while True:
            event = parser.next_event()
            if event is NEED_DATA:
                parser.feed(b"")
            elif event is PAUSED:
                parser.start_next_request()
            elif isinstance(event, ConnectionClosed):
                return None
    except ProtocolError as error:
        return error.status


def get(*field_lines: bytes, target: bytes = b"/", version: bytes = b"1.1") -> bytes:
    """A request head with the given field lines (each without its CRLF)."""
    lines = b"".join(line + b"\r\n" for line in field_lines)
    return b"GET " + target + b" HTTP/" + version + b"\r\n" + lines + b"\r\n"


EOM = EndOfMessage([])

# ---------------------------------------------------------------------------------------
# Valid requests and their exact events.
# ---------------------------------------------------------------------------------------

VALID: list[tuple[str, bytes, list[Any]]] = [
    ("request-line/origin-form", get(b"Host: example.com"), [head(), EOM]),
    (
        "request-line/origin-form-with-query",
        get(b"Host: example.com", target=b"/a/b?c=d&e"),
        [head(target=b"/a/b?c=d&e"), EOM],
    ),
    (
        "request-line/target-keeps-percent-encoding",
        get(b"Host: example.com", target=b"/a%20b/%2F?q=%41"),
        [head(target=b"/a%20b/%2F?q=%41"), EOM],
    ),
    (
        "request-line/target-allows-sub-delims-and-brackets",
        get(b"Host: example.com", target=b"/!$&'()*+,;=:@[]{}|^`~"),
        [head(target=b"/!$&'()*+,;=:@[]{}|^`~"), EOM],
    ),
    (
        "request-line/double-slash-path-is-origin-form",
        get(b"Host: example.com", target=b"//evil.example/x"),
        [head(target=b"//evil.example/x"), EOM],
    ),
    (
        "request-line/method-is-case-sensitive-token",
        b"get / HTTP/1.1\r\n" + HOST + b"\r\n",
        [head(method=b"get"), EOM],
    ),
    (
        "request-line/extension-method-token",
        b"M-SEARCH * HTTP/1.1\r\n" + HOST + b"\r\n",
        [],  # asterisk-form is OPTIONS-only: see MALFORMED; replaced below
    ),
    (
        "request-line/http-1.0",
        b"GET / HTTP/1.0\r\n\r\n",
        [head(version=b"1.0", headers=[], authority=b""), EOM],
    ),
    (
        "request-line/http-1.2-is-treated-as-1.1",
        b"GET / HTTP/1.2\r\n" + HOST + b"\r\n",
        [head(), EOM],
    ),
    (
        "request-line/http-1.9-is-treated-as-1.1",
        b"GET / HTTP/1.9\r\n" + HOST + b"\r\n",
        [head(), EOM],
    ),
    (
        "request-line/asterisk-form-with-options",
        b"OPTIONS * HTTP/1.1\r\n" + HOST + b"\r\n",
        [head(method=b"OPTIONS", target=b"*"), EOM],
    ),
    (
        "request-line/absolute-form-authority-wins-over-host",
        b"GET http://origin.example:8080/p?q HTTP/1.1\r\n" + HOST + b"\r\n",
        [
            head(
                target=b"http://origin.example:8080/p?q",
                path=b"/p?q",
                authority=b"origin.example:8080",
            ),
            EOM,
        ],
    ),
    (
        "request-line/absolute-form-https",
        b"GET https://origin.example/ HTTP/1.1\r\n" + HOST + b"\r\n",
        [head(target=b"https://origin.example/", path=b"/", authority=b"origin.example"), EOM],
    ),
    (
        "request-line/absolute-form-scheme-is-case-insensitive",
        b"GET HTTP://origin.example/x HTTP/1.1\r\n" + HOST + b"\r\n",
        [head(target=b"HTTP://origin.example/x", path=b"/x", authority=b"origin.example"), EOM],
    ),
    (
        "request-line/absolute-form-empty-path-is-slash",
        b"GET http://origin.example HTTP/1.1\r\n" + HOST + b"\r\n",
        [head(target=b"http://origin.example", path=b"/", authority=b"origin.example"), EOM],
    ),
    (
        "request-line/absolute-form-query-without-path",
        b"GET http://origin.example?x=1 HTTP/1.1\r\n" + HOST + b"\r\n",
        [
            head(target=b"http://origin.example?x=1", path=b"/?x=1", authority=b"origin.example"),
            EOM,
        ],
    ),
    (
        "request-line/absolute-form-http-1.0-without-host",
        b"GET http://origin.example/ HTTP/1.0\r\n\r\n",
        [
            head(
                version=b"1.0",
                headers=[],
                target=b"http://origin.example/",
                path=b"/",
                authority=b"origin.example",
            ),
            EOM,
        ],
    ),
    (
        "request-line/one-empty-line-before-is-ignored",
        b"\r\n" + get(b"Host: example.com"),
        [head(), EOM],
    ),
    (
        "request-line/two-empty-lines-before-are-ignored",
        b"\r\n\r\n" + get(b"Host: example.com"),
        [head(), EOM],
    ),
    (
        "field/value-is-trimmed-of-sp-and-htab-only",
        get(b"Host: example.com", b"X-A: \t value \t"),
        [head(headers=[(b"Host", b"example.com"), (b"X-A", b"value")]), EOM],
    ),
    (
        "field/no-space-after-colon",
        get(b"Host:example.com"),
        [head(), EOM],
    ),
    (
        "field/inner-whitespace-is-kept",
        get(b"Host: example.com", b"X-A: a  \tb"),
        [head(headers=[(b"Host", b"example.com"), (b"X-A", b"a  \tb")]), EOM],
    ),
    (
        "field/empty-value",
        get(b"Host: example.com", b"X-Empty:"),
        [head(headers=[(b"Host", b"example.com"), (b"X-Empty", b"")]), EOM],
    ),
    (
        "field/whitespace-only-value-is-empty",
        get(b"Host: example.com", b"X-Empty:  \t "),
        [head(headers=[(b"Host", b"example.com"), (b"X-Empty", b"")]), EOM],
    ),
    (
        "field/obs-text-is-allowed-and-not-stripped",
        get(b"Host: example.com", b"X-Latin: \xa0caf\xe9\x85"),
        [head(headers=[(b"Host", b"example.com"), (b"X-Latin", b"\xa0caf\xe9\x85")]), EOM],
    ),
    (
        "field/name-case-and-order-are-preserved",
        get(b"X-B: 2", b"hOsT: example.com", b"x-a: 1"),
        [head(headers=[(b"X-B", b"2"), (b"hOsT", b"example.com"), (b"x-a", b"1")]), EOM],
    ),
    (
        "field/repeated-names-are-kept-in-order",
        get(b"Host: example.com", b"Accept: a", b"Accept: b"),
        [head(headers=[(b"Host", b"example.com"), (b"Accept", b"a"), (b"Accept", b"b")]), EOM],
    ),
    (
        "field/underscore-names-are-kept-for-the-gateway-to-drop",
        get(b"Host: example.com", b"X_Forwarded_For: 1.2.3.4"),
        [head(headers=[(b"Host", b"example.com"), (b"X_Forwarded_For", b"1.2.3.4")]), EOM],
    ),
    (
        "field/all-tchars-in-a-name",
        get(b"Host: example.com", b"!#$%&'*+-.^_`|~09azAZ: v"),
        [head(headers=[(b"Host", b"example.com"), (b"!#$%&'*+-.^_`|~09azAZ", b"v")]), EOM],
    ),
    (
        "field/value-with-colons-and-quotes",
        get(b"Host: example.com", b'X-A: "a:b", c=d'),
        [head(headers=[(b"Host", b"example.com"), (b"X-A", b'"a:b", c=d')]), EOM],
    ),
    (
        "host/name-with-port",
        get(b"Host: example.com:8080"),
        [head(headers=[(b"Host", b"example.com:8080")], authority=b"example.com:8080"), EOM],
    ),
    (
        "host/ipv4",
        get(b"Host: 127.0.0.1:80"),
        [head(headers=[(b"Host", b"127.0.0.1:80")], authority=b"127.0.0.1:80"), EOM],
    ),
    (
        "host/ipv6-literal",
        get(b"Host: [::1]:8080"),
        [head(headers=[(b"Host", b"[::1]:8080")], authority=b"[::1]:8080"), EOM],
    ),
    (
        "host/empty-value-is-allowed",
        get(b"Host:"),
        [head(headers=[(b"Host", b"")], authority=b""), EOM],
    ),
    (
        "host/pct-encoded-reg-name",
        get(b"Host: ex%41mple"),
        [head(headers=[(b"Host", b"ex%41mple")], authority=b"ex%41mple"), EOM],
    ),
    (
        "host/empty-port-is-allowed",
        get(b"Host: example.com:"),
        [head(headers=[(b"Host", b"example.com:")], authority=b"example.com:"), EOM],
    ),
    (
        "host/http-1.0-with-host",
        get(b"Host: example.com", version=b"1.0"),
        [head(version=b"1.0"), EOM],
    ),
    (
        "framing/content-length",
        b"POST / HTTP/1.1\r\n" + HOST + b"Content-Length: 5\r\n\r\nhello",
        [
            head(
                method=b"POST",
                headers=[(b"Host", b"example.com"), (b"Content-Length", b"5")],
                framing=Framing.LENGTH,
                content_length=5,
            ),
            Data(b"hello"),
            EOM,
        ],
    ),
    (
        "framing/content-length-zero-has-no-data",
        b"POST / HTTP/1.1\r\n" + HOST + b"Content-Length: 0\r\n\r\n",
        [
            head(
                method=b"POST",
                headers=[(b"Host", b"example.com"), (b"Content-Length", b"0")],
                framing=Framing.LENGTH,
                content_length=0,
            ),
            EOM,
        ],
    ),
    (
        "framing/content-length-leading-zeros",
        b"POST / HTTP/1.1\r\n" + HOST + b"Content-Length: 003\r\n\r\nabc",
        [
            head(
                method=b"POST",
                headers=[(b"Host", b"example.com"), (b"Content-Length", b"003")],
                framing=Framing.LENGTH,
                content_length=3,
            ),
            Data(b"abc"),
            EOM,
        ],
    ),
    (
        "framing/content-length-name-case-insensitive",
        b"POST / HTTP/1.1\r\n" + HOST + b"content-LENGTH: 1\r\n\r\nx",
        [
            head(
                method=b"POST",
                headers=[(b"Host", b"example.com"), (b"content-LENGTH", b"1")],
                framing=Framing.LENGTH,
                content_length=1,
            ),
            Data(b"x"),
            EOM,
        ],
    ),
    (
        "framing/content-length-on-http-1.0",
        b"POST / HTTP/1.0\r\nContent-Length: 2\r\n\r\nhi",
        [
            head(
                method=b"POST",
                version=b"1.0",
                headers=[(b"Content-Length", b"2")],
                framing=Framing.LENGTH,
                content_length=2,
                authority=b"",
            ),
            Data(b"hi"),
            EOM,
        ],
    ),
    (
        "framing/neither-means-empty-body",
        b"POST / HTTP/1.1\r\n" + HOST + b"\r\n",
        [head(method=b"POST"), EOM],
    ),
    (
        "framing/content-length-at-the-body-limit",
        b"POST / HTTP/1.1\r\n" + HOST + b"Content-Length: 10\r\n\r\n0123456789",
        [
            head(
                method=b"POST",
                headers=[(b"Host", b"example.com"), (b"Content-Length", b"10")],
                framing=Framing.LENGTH,
                content_length=10,
            ),
            Data(b"0123456789"),
            EOM,
        ],
    ),
    (
        "connection/http-1.1-close-token",
        get(b"Host: example.com", b"Connection: close"),
        [
            head(headers=[(b"Host", b"example.com"), (b"Connection", b"close")], keep_alive=False),
            EOM,
        ],
    ),
    (
        "connection/close-anywhere-in-the-list-case-insensitive",
        get(b"Host: example.com", b"Connection: keep-alive, Upgrade ,CLOSE"),
        [
            head(
                headers=[(b"Host", b"example.com"), (b"Connection", b"keep-alive, Upgrade ,CLOSE")],
                keep_alive=False,
            ),
            EOM,
        ],
    ),
    (
        "connection/close-on-a-second-line",
        get(b"Host: example.com", b"Connection: upgrade", b"Connection: close"),
        [
            head(
                headers=[
                    (b"Host", b"example.com"),
                    (b"Connection", b"upgrade"),
                    (b"Connection", b"close"),
                ],
                keep_alive=False,
            ),
            EOM,
        ],
    ),
    (
        "connection/http-1.1-other-tokens-persist",
        get(b"Host: example.com", b"Connection: Upgrade"),
        [head(headers=[(b"Host", b"example.com"), (b"Connection", b"Upgrade")]), EOM],
    ),
    (
        "connection/http-1.0-keep-alive",
        b"GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n",
        [
            head(
                version=b"1.0",
                headers=[(b"Connection", b"Keep-Alive")],
                keep_alive=True,
                authority=b"",
            ),
            EOM,
        ],
    ),
    (
        "connection/http-1.0-keep-alive-and-close-closes",
        b"GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n",
        [
            head(
                version=b"1.0",
                headers=[(b"Connection", b"keep-alive, close")],
                keep_alive=False,
                authority=b"",
            ),
            EOM,
        ],
    ),
    (
        "connection/http-1.0-default-closes",
        b"GET / HTTP/1.0\r\n\r\n",
        [head(version=b"1.0", headers=[], keep_alive=False, authority=b""), EOM],
    ),
    (
        "expect/100-continue-on-http-1.1",
        get(b"Host: example.com", b"Expect: 100-continue"),
        [
            head(
                headers=[(b"Host", b"example.com"), (b"Expect", b"100-continue")],
                expects_continue=True,
            ),
            EOM,
        ],
    ),
    (
        "expect/100-continue-is-case-insensitive",
        get(b"Host: example.com", b"Expect: 100-Continue"),
        [
            head(
                headers=[(b"Host", b"example.com"), (b"Expect", b"100-Continue")],
                expects_continue=True,
            ),
            EOM,
        ],
    ),
    (
        "expect/ignored-on-http-1.0",
        b"GET / HTTP/1.0\r\nExpect: 100-continue\r\n\r\n",
        [head(version=b"1.0", headers=[(b"Expect", b"100-continue")], authority=b""), EOM],
    ),
    (
        "expect/other-expectations-are-not-100-continue",
        get(b"Host: example.com", b"Expect: 200-ok"),
        [head(headers=[(b"Host", b"example.com"), (b"Expect", b"200-ok")]), EOM],
    ),
]

CHUNKED_HEAD = b"POST / HTTP/1.1\r\nHost: example.com\r\nTransfer-Encoding: chunked\r\n\r\n"


def chunked_head(coding: bytes = b"chunked") -> RequestHead:
    return head(
        method=b"POST",
        headers=[(b"Host", b"example.com"), (b"Transfer-Encoding", coding)],
        framing=Framing.CHUNKED,
    )


VALID += [
    (
        "chunked/one-chunk",
        CHUNKED_HEAD + b"5\r\nhello\r\n0\r\n\r\n",
        [chunked_head(), Data(b"hello"), EOM],
    ),
    # Complete chunks already buffered are decoded into one Data event.
    (
        "chunked/several-chunks-in-one-feed",
        CHUNKED_HEAD + b"1\r\na\r\n2\r\nbc\r\n0\r\n\r\n",
        [chunked_head(), Data(b"abc"), EOM],
    ),
    ("chunked/empty-body", CHUNKED_HEAD + b"0\r\n\r\n", [chunked_head(), EOM]),
    (
        "chunked/uppercase-hex-size",
        CHUNKED_HEAD + b"A\r\n0123456789\r\n0\r\n\r\n",
        [chunked_head(), Data(b"0123456789"), EOM],
    ),
    (
        "chunked/lowercase-hex-size",
        CHUNKED_HEAD + b"a\r\n0123456789\r\n0\r\n\r\n",
        [chunked_head(), Data(b"0123456789"), EOM],
    ),
    (
        "chunked/leading-zeros-in-size",
        CHUNKED_HEAD + b"0003\r\nabc\r\n000\r\n\r\n",
        [chunked_head(), Data(b"abc"), EOM],
    ),
    (
        "chunked/coding-is-case-insensitive",
        CHUNKED_HEAD.replace(b"chunked", b"Chunked") + b"0\r\n\r\n",
        [chunked_head(b"Chunked"), EOM],
    ),
    (
        "chunked/extension-name",
        CHUNKED_HEAD + b"3;ext\r\nabc\r\n0\r\n\r\n",
        [chunked_head(), Data(b"abc"), EOM],
    ),
    (
        "chunked/extension-token-value",
        CHUNKED_HEAD + b"1;a=b\r\nx\r\n0;z\r\n\r\n",  # 1 + 4 + 2 bytes: within the limit
        [chunked_head(), Data(b"x"), EOM],
    ),
    (
        "chunked/extension-quoted-value",
        CHUNKED_HEAD + b'1;a=" \\";"\r\nx\r\n0\r\n\r\n',  # space, quoted-pair, ";"
        [chunked_head(), Data(b"x"), EOM],
    ),
    (
        "chunked/extension-bad-whitespace-around-semicolon-and-equals",
        CHUNKED_HEAD + b"1 ;\ta = b\r\nx\r\n0\r\n\r\n",
        [chunked_head(), Data(b"x"), EOM],
    ),
    (
        "chunked/trailers-are-returned-apart",
        CHUNKED_HEAD + b"1\r\nx\r\n0\r\nX-Checksum: abc\r\nX-Other:  1 \r\n\r\n",
        [chunked_head(), Data(b"x"), EndOfMessage([(b"X-Checksum", b"abc"), (b"X-Other", b"1")])],
    ),
    (
        "chunked/trailer-with-framing-name-is-not-merged",
        CHUNKED_HEAD + b"0\r\nContent-Length: 5\r\n\r\n",
        [chunked_head(), EndOfMessage([(b"Content-Length", b"5")])],
    ),
    (
        "chunked/coding-with-surrounding-ows",
        CHUNKED_HEAD.replace(b"chunked", b"  chunked ") + b"0\r\n\r\n",
        [chunked_head(b"chunked"), EOM],
    ),
]

# This entry was a placeholder above: an extension method in origin-form instead.
VALID = [case for case in VALID if case[0] != "request-line/extension-method-token"] + [
    (
        "request-line/extension-method-token",
        b"M-SEARCH / HTTP/1.1\r\n" + HOST + b"\r\n",
        [head(method=b"M-SEARCH"), EOM],
    ),
]

LIMITS = Limits(max_body_size=10)


@pytest.mark.parametrize(("data", "expected"), [c[1:] for c in VALID], ids=[c[0] for c in VALID])
def test_valid_request_gives_exact_events(data: bytes, expected: list[Any]) -> None:
    assert events_of(data, LIMITS) == expected


# ---------------------------------------------------------------------------------------
# Malformed requests and their exact status.
# ---------------------------------------------------------------------------------------


def post(*field_lines: bytes, body: bytes = b"") -> bytes:
    lines = b"".join(line + b"\r\n" for line in field_lines)
    return b"POST / HTTP/1.1\r\n" + HOST + lines + b"\r\n" + body


def chunked(body: bytes) -> bytes:
    return CHUNKED_HEAD + body


MALFORMED: list[tuple[str, bytes, int]] = [
    # Line ends are CRLF only (HTTP.md "Parsing bytes, not text").
    ("crlf/bare-cr-in-request-line", b"GET / HTTP/1.1\rHost: a\r\n\r\n", 400),
    ("crlf/bare-lf-ends-request-line", b"GET / HTTP/1.1\nHost: a\r\n\r\n", 400),
    ("crlf/bare-lf-ends-field-line", b"GET / HTTP/1.1\r\nHost: a\nX: b\r\n\r\n", 400),
    ("crlf/bare-lf-ends-head", b"GET / HTTP/1.1\r\nHost: a\r\n\n", 400),
    ("crlf/lf-only-head", b"GET / HTTP/1.1\nHost: a\n\n", 400),
    ("crlf/bare-cr-in-field-value", get(b"Host: a", b"X: a\rb"), 400),
    ("crlf/cr-cr-lf-ends-field-line", get(b"Host: a", b"X: a\r"), 400),
    ("crlf/bare-cr-before-head-end", b"GET / HTTP/1.1\r\nHost: a\r\n\r\r\n\r\n", 400),
    ("crlf/lf-cr-lf-ends-head", b"GET / HTTP/1.1\r\nHost: a\n\r\n", 400),
    # Request line: method SP request-target SP HTTP-version CRLF, one SP each.
    ("request-line/two-spaces-after-method", b"GET  / HTTP/1.1\r\n" + HOST + b"\r\n", 400),
    ("request-line/two-spaces-before-version", b"GET /  HTTP/1.1\r\n" + HOST + b"\r\n", 400),
    ("request-line/trailing-space", b"GET / HTTP/1.1 \r\n" + HOST + b"\r\n", 400),
    ("request-line/leading-space", b" GET / HTTP/1.1\r\n" + HOST + b"\r\n", 400),
    ("request-line/htab-separator", b"GET\t/ HTTP/1.1\r\n" + HOST + b"\r\n", 400),
    ("request-line/empty-method", b" / HTTP/1.1\r\n" + HOST + b"\r\n", 400),
    ("request-line/method-not-a-token", b"GE(T / HTTP/1.1\r\n" + HOST + b"\r\n", 400),
    ("request-line/method-non-ascii", b"G\xc9T / HTTP/1.1\r\n" + HOST + b"\r\n", 400),
    ("request-line/missing-version", b"GET /\r\n" + HOST + b"\r\n", 400),
    ("request-line/http-0.9-style", b"GET /\r\n\r\n", 400),
    ("request-line/missing-target", b"GET HTTP/1.1\r\n" + HOST + b"\r\n", 400),
    ("request-line/only-empty-line-third", b"\r\n\r\n\r\n" + get(b"Host: a"), 400),
    ("request-line/garbage", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 400),
    # HTTP-version = "HTTP/" DIGIT "." DIGIT; major != 1 -> 505.
    ("version/lowercase-name", b"GET / http/1.1\r\n" + HOST + b"\r\n", 400),
    ("version/missing-minor", b"GET / HTTP/1\r\n" + HOST + b"\r\n", 400),
    ("version/two-digit-minor", b"GET / HTTP/1.10\r\n" + HOST + b"\r\n", 400),
    ("version/leading-zero-major", b"GET / HTTP/01.1\r\n" + HOST + b"\r\n", 400),
    ("version/three-parts", b"GET / HTTP/1.1.1\r\n" + HOST + b"\r\n", 400),
    ("version/no-dot", b"GET / HTTP/11\r\n" + HOST + b"\r\n", 400),
    ("version/http-2.0", b"GET / HTTP/2.0\r\n" + HOST + b"\r\n", 505),
    ("version/http-3.0", b"GET / HTTP/3.0\r\n" + HOST + b"\r\n", 505),
    ("version/http-0.9", b"GET / HTTP/0.9\r\n" + HOST + b"\r\n", 505),
    ("version/http-10.0", b"GET / HTTP/10.0\r\n" + HOST + b"\r\n", 505),
    ("version/http-2-preface", b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505),
    # request-target: no SP/CTL/NUL/non-ASCII; forms by method.
    ("target/space-inside", b"GET /a b HTTP/1.1\r\n" + HOST + b"\r\n", 400),
    ("target/nul", b"GET /a\x00b HTTP/1.1\r\n" + HOST + b"\r\n", 400),
    ("target/control", b"GET /a\x01 HTTP/1.1\r\n" + HOST + b"\r\n", 400),
    ("target/del", b"GET /a\x7f HTTP/1.1\r\n" + HOST + b"\r\n", 400),
    ("target/htab", b"GET /a\tb HTTP/1.1\r\n" + HOST + b"\r\n", 400),
    ("target/non-ascii", b"GET /caf\xc3\xa9 HTTP/1.1\r\n" + HOST + b"\r\n", 400),
    ("target/latin-1-nbsp", b"GET /a\xa0 HTTP/1.1\r\n" + HOST + b"\r\n", 400),
    ("target/fragment", b"GET /a#frag HTTP/1.1\r\n" + HOST + b"\r\n", 400),
    ("target/relative-path", b"GET index.html HTTP/1.1\r\n" + HOST + b"\r\n", 400),
    ("target/asterisk-with-get", b"GET * HTTP/1.1\r\n" + HOST + b"\r\n", 400),
    ("target/authority-form-with-get", b"GET example.com:443 HTTP/1.1\r\n" + HOST + b"\r\n", 400),
    (
        "target/connect-is-not-implemented",
        b"CONNECT example.com:443 HTTP/1.1\r\n" + HOST + b"\r\n",
        501,
    ),
    (
        "target/connect-origin-form-is-not-implemented",
        b"CONNECT / HTTP/1.1\r\n" + HOST + b"\r\n",
        501,
    ),
    (
        "target/absolute-form-other-scheme",
        b"GET ftp://example.com/ HTTP/1.1\r\n" + HOST + b"\r\n",
        400,
    ),
    (
        "target/absolute-form-userinfo",
        b"GET http://user:pw@example.com/ HTTP/1.1\r\n" + HOST + b"\r\n",
        400,
    ),
    ("target/absolute-form-empty-host", b"GET http:///x HTTP/1.1\r\n" + HOST + b"\r\n", 400),
    ("target/absolute-form-port-without-host", b"GET http://:80/x HTTP/1.1\r\n" + HOST + b"\r\n", 400),
    (
        "target/absolute-form-bad-port",
        b"GET http://example.com:port/ HTTP/1.1\r\n" + HOST + b"\r\n",
        400,
    ),
    ("target/scheme-without-slashes", b"GET http:example.com HTTP/1.1\r\n" + HOST + b"\r\n", 400),
    ("target/absolute-form-still-needs-host", b"GET http://example.com/ HTTP/1.1\r\n\r\n", 400),
    # Header fields: name ":" OWS value OWS.
    ("field/space-before-colon", get(b"Host : a"), 400),
    ("field/htab-before-colon", get(b"Host\t: a"), 400),
    ("field/obs-fold-with-space", get(b"Host: a", b"X: a", b" b"), 400),
    ("field/obs-fold-with-htab", get(b"Host: a", b"X: a", b"\tb"), 400),
    ("field/obs-fold-on-first-line", get(b" Host: a"), 400),
    ("field/no-colon", get(b"Host: a", b"NoColon"), 400),
    ("field/empty-name", get(b"Host: a", b": value"), 400),
    ("field/name-with-space", get(b"Host: a", b"X Y: b"), 400),
    ("field/name-with-separator", get(b"Host: a", b"X(Y): b"), 400),
    ("field/name-with-at", get(b"Host: a", b"X@Y: b"), 400),
    ("field/name-non-ascii", get(b"Host: a", b"X\xe9: b"), 400),
    ("field/name-with-nul", get(b"Host: a", b"X\x00Y: b"), 400),
    ("field/nul-in-value", get(b"Host: a", b"X: a\x00b"), 400),
    ("field/vt-in-value", get(b"Host: a", b"X: a\x0bb"), 400),
    ("field/ff-in-value", get(b"Host: a", b"X: a\x0cb"), 400),
    ("field/esc-in-value", get(b"Host: a", b"X: a\x1bb"), 400),
    ("field/del-in-value", get(b"Host: a", b"X: a\x7fb"), 400),
    ("field/vt-as-leading-ows", get(b"Host: a", b"X:\x0bb"), 400),
    ("field/nul-as-trailing-ows", get(b"Host: a", b"X: b\x00"), 400),
    ("field/unit-separator-in-value", get(b"Host: a", b"X: \x1f"), 400),
    # Host: exactly one valid host[:port] on HTTP/1.1.
    ("host/missing-on-http-1.1", get(b"X: a"), 400),
    ("host/duplicate", get(b"Host: a", b"Host: a"), 400),
    ("host/duplicate-other-case", get(b"Host: a", b"host: b"), 400),
    ("host/duplicate-on-http-1.0", get(b"Host: a", b"Host: b", version=b"1.0"), 400),
    ("host/userinfo", get(b"Host: user@example.com"), 400),
    ("host/port-without-host", get(b"Host: :80"), 400),
    ("host/colon-only", get(b"Host: :"), 400),
    ("host/comma-list", get(b"Host: a.example, b.example"), 400),
    ("host/space-inside", get(b"Host: a b"), 400),
    ("host/slash", get(b"Host: example.com/evil"), 400),
    ("host/port-not-digits", get(b"Host: example.com:http"), 400),
    ("host/port-too-long", get(b"Host: example.com:123456"), 400),
    ("host/bad-pct-encoding", get(b"Host: ex%4"), 400),
    ("host/unclosed-ip-literal", get(b"Host: [::1"), 400),
    ("host/non-ascii", get(b"Host: ex\xe4mple.com"), 400),
    ("host/invalid-on-http-1.0", get(b"Host: a b", version=b"1.0"), 400),
    # Duplicates that make a request ambiguous.
    ("duplicate/content-type", get(b"Host: a", b"Content-Type: a/b", b"Content-Type: c/d"), 400),
    (
        "duplicate/content-length-same-value",
        post(b"Content-Length: 1", b"Content-Length: 1", body=b"x"),
        400,
    ),
    (
        "duplicate/content-length-different-case",
        post(b"Content-Length: 1", b"content-length: 2", body=b"xy"),
        400,
    ),
    # Content-Length = 1*DIGIT, capped; never int() (HTTP.md).
    ("content-length/plus-sign", post(b"Content-Length: +1", body=b"x"), 400),
    ("content-length/minus-sign", post(b"Content-Length: -1"), 400),
    ("content-length/list", post(b"Content-Length: 1, 1", body=b"x"), 400),
    ("content-length/list-no-space", post(b"Content-Length: 1,1", body=b"x"), 400),
    ("content-length/space-inside", post(b"Content-Length: 1 0", body=b"x"), 400),
    ("content-length/empty", post(b"Content-Length:"), 400),
    ("content-length/hex", post(b"Content-Length: 0x1", body=b"x"), 400),
    ("content-length/decimal-point", post(b"Content-Length: 1.0", body=b"x"), 400),
    ("content-length/exponent", post(b"Content-Length: 1e1", body=b"x"), 400),
    ("content-length/underscore", post(b"Content-Length: 1_0", body=b"x"), 400),
    ("content-length/unicode-digit", post(b"Content-Length: \xd9\xa1", body=b"x"), 400),
    ("content-length/too-many-digits", post(b"Content-Length: 0000000000000000001"), 400),
    ("content-length/vt-padding", post(b"Content-Length: \x0b1", body=b"x"), 400),
    ("content-length/over-the-body-limit", post(b"Content-Length: 11"), 413),
    ("content-length/huge", post(b"Content-Length: 999999999999999999"), 413),
    ("content-length/body-truncated-by-close", post(b"Content-Length: 5", body=b"abc"), 400),
    # Transfer-Encoding: only chunked, exactly once, last, on HTTP/1.1.
    (
        "transfer-encoding/with-content-length",
        post(b"Transfer-Encoding: chunked", b"Content-Length: 3", body=b"0\r\n\r\n"),
        400,
    ),
    (
        "transfer-encoding/with-content-length-first",
        post(b"Content-Length: 3", b"Transfer-Encoding: chunked", body=b"0\r\n\r\n"),
        400,
    ),
    (
        "transfer-encoding/on-http-1.0",
        b"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        400,
    ),
    ("transfer-encoding/chunked-twice", post(b"Transfer-Encoding: chunked, chunked"), 400),
    (
        "transfer-encoding/chunked-twice-on-two-lines",
        post(b"Transfer-Encoding: chunked", b"Transfer-Encoding: chunked"),
        400,
    ),
    ("transfer-encoding/chunked-not-last", post(b"Transfer-Encoding: chunked, gzip"), 400),
    (
        "transfer-encoding/chunked-not-last-on-two-lines",
        post(b"Transfer-Encoding: chunked", b"Transfer-Encoding: gzip"),
        400,
    ),
    ("transfer-encoding/empty", post(b"Transfer-Encoding:"), 400),
    ("transfer-encoding/empty-element", post(b"Transfer-Encoding: chunked,"), 400),
    ("transfer-encoding/unknown-coding", post(b"Transfer-Encoding: gzip"), 501),
    ("transfer-encoding/identity", post(b"Transfer-Encoding: identity"), 501),
    ("transfer-encoding/gzip-then-chunked", post(b"Transfer-Encoding: gzip, chunked"), 501),
    ("transfer-encoding/chunked-with-parameter", post(b"Transfer-Encoding: chunked;q=1"), 501),
    ("transfer-encoding/misspelt", post(b"Transfer-Encoding: chunk"), 501),
    ("transfer-encoding/nbsp-padding", post(b"Transfer-Encoding: \xa0chunked"), 501),
    ("transfer-encoding/vt-padding", post(b"Transfer-Encoding: \x0bchunked"), 400),
    # Chunked: hex size (capped), extensions, CRLF after data, trailers.
    ("chunked/size-with-0x", chunked(b"0x5\r\nhello\r\n0\r\n\r\n"), 400),
    ("chunked/size-negative", chunked(b"-5\r\nhello\r\n0\r\n\r\n"), 400),
    ("chunked/size-plus", chunked(b"+5\r\nhello\r\n0\r\n\r\n"), 400),
    ("chunked/size-leading-space", chunked(b" 5\r\nhello\r\n0\r\n\r\n"), 400),
    ("chunked/size-trailing-space", chunked(b"5 \r\nhello\r\n0\r\n\r\n"), 400),
    ("chunked/size-underscore", chunked(b"1_0\r\n0123456789\r\n0\r\n\r\n"), 400),
    ("chunked/size-not-hex", chunked(b"g\r\nx\r\n0\r\n\r\n"), 400),
    ("chunked/size-empty", chunked(b"\r\nx\r\n0\r\n\r\n"), 400),
    ("chunked/size-too-many-digits", chunked(b"00000000000000001\r\nx\r\n0\r\n\r\n"), 400),
    ("chunked/size-bare-lf", chunked(b"5\nhello\r\n0\r\n\r\n"), 400),
    ("chunked/size-bare-cr", chunked(b"5\rhello\r\n0\r\n\r\n"), 400),
    ("chunked/data-longer-than-size", chunked(b"3\r\nhello\r\n0\r\n\r\n"), 400),
    ("chunked/data-shorter-than-size", chunked(b"9\r\nhello\r\n0\r\n\r\n"), 400),
    ("chunked/data-followed-by-lf", chunked(b"5\r\nhello\n0\r\n\r\n"), 400),
    ("chunked/data-followed-by-cr-only", chunked(b"5\r\nhello\r0\r\n\r\n"), 400),
    ("chunked/extension-empty", chunked(b"5;\r\nhello\r\n0\r\n\r\n"), 400),
    ("chunked/extension-no-name", chunked(b"5;=x\r\nhello\r\n0\r\n\r\n"), 400),
    ("chunked/extension-empty-value", chunked(b"5;a=\r\nhello\r\n0\r\n\r\n"), 400),
    ("chunked/extension-unterminated-quote", chunked(b'5;a="x\r\nhello\r\n0\r\n\r\n'), 400),
    ("chunked/extension-value-with-space", chunked(b"5;a=b c\r\nhello\r\n0\r\n\r\n"), 400),
    ("chunked/extension-with-nul", chunked(b"5;a\x00\r\nhello\r\n0\r\n\r\n"), 400),
    ("chunked/extension-too-long", chunked(b"5;a=" + b"b" * 5000 + b"\r\nhello\r\n0\r\n\r\n"), 400),
    ("chunked/line-too-long-before-crlf", chunked(b"5" + b"0" * 5000), 400),
    ("chunked/missing-last-chunk", chunked(b"5\r\nhello\r\n"), 400),
    ("chunked/missing-final-crlf", chunked(b"5\r\nhello\r\n0\r\n"), 400),
    ("chunked/decoded-size-over-the-body-limit", chunked(b"6\r\n123456\r\n6\r\n123456\r\n"), 413),
    ("chunked/one-chunk-over-the-body-limit", chunked(b"b\r\n"), 413),
    # CVE-2023-39326 (Go): extensions cost reading too, so they count against the limit.
    ("chunked/extensions-count-against-the-body-limit", chunked(b"1;" + b"a" * 9 + b"\r\n"), 413),
    ("chunked/huge-size", chunked(b"ffffffffffffffff\r\n"), 413),
    ("trailers/space-before-colon", chunked(b"0\r\nX-T : 1\r\n\r\n"), 400),
    ("trailers/obs-fold", chunked(b"0\r\nX-T: 1\r\n 2\r\n\r\n"), 400),
    ("trailers/no-colon", chunked(b"0\r\nX-T\r\n\r\n"), 400),
    ("trailers/control-in-value", chunked(b"0\r\nX-T: a\x01\r\n\r\n"), 400),
    ("trailers/bare-lf", chunked(b"0\r\nX-T: 1\n\n"), 400),
    ("trailers/bare-cr", chunked(b"0\r\nX-T: 1\r2\r\n\r\n"), 400),
    ("trailers/section-too-large", chunked(b"0\r\nX-T: " + b"a" * 9000 + b"\r\n\r\n"), 431),
    ("trailers/section-too-large-before-end", chunked(b"0\r\nX-T: " + b"a" * 9000), 431),
    # Truncation: the peer closed mid-head or mid-body.
    ("close/mid-request-line", b"GET / HT", 400),
    ("close/mid-head", b"GET / HTTP/1.1\r\nHost: a\r\n", 400),
    ("close/mid-chunk", chunked(b"5\r\nhel"), 400),
    ("close/mid-chunk-line", chunked(b"5"), 400),
    ("close/mid-trailers", chunked(b"0\r\nX-T: 1\r\n"), 400),
    ("close/after-chunk-data-cr", chunked(b"5\r\nhello\r"), 400),
    # Pipelining: an error in a later request is still an error.
    ("pipeline/bad-second-request", get(b"Host: a") + b"GET / HTTP/9.9\r\n\r\n", 505),
    (
        "pipeline/second-request-after-chunked-body-needs-host",
        post(b"Transfer-Encoding: chunked", body=b"0\r\n\r\nGET /admin HTTP/1.1\r\n\r\n"),
        400,
    ),
]


@pytest.mark.parametrize(
    ("data", "status"), [c[1:] for c in MALFORMED], ids=[c[0] for c in MALFORMED]
)
def test_malformed_request_gives_exact_status(data: bytes, status: int) -> None:
    assert status_of(data, LIMITS) == status


# ---------------------------------------------------------------------------------------
# Limits: each bound is enforced, at its edge, and before the terminator arrives.
# ---------------------------------------------------------------------------------------


def test_default_limits_are_the_table_of_http_md() -> None:
    assert Limits() == Limits(
        max_request_line=8192,
        max_header_section=65536,
        max_field_size=8192,
        max_field_count=100,
        max_body_size=10 * 1024 * 1024,
        max_chunk_line=4096,
        max_trailer_section=8192,
    )


def test_request_line_at_the_limit_is_accepted_and_one_more_byte_is_414() -> None:
    target = b"/" + b"a" * (8192 - len(b"GET  HTTP/1.1") - 1)
    line = b"GET " + target + b" HTTP/1.1"
    assert len(line) == 8192
    assert events_of(line + b"\r\n" + HOST + b"\r\n")[0].target == target
    assert status_of(line.replace(b"/a", b"/aa") + b"\r\n" + HOST + b"\r\n") == 414


def test_414_comes_without_waiting_for_the_crlf() -> None:
    parser = RequestParser()
    parser.feed(b"GET /" + b"a" * 8188)
    assert parser.next_event() is NEED_DATA  # 8193 bytes: could be 8192 and a CR
    parser.feed(b"a")
    with pytest.raises(ProtocolError) as caught:
        parser.next_event()
    assert caught.value.status == 414


def test_431_for_a_header_section_too_large_without_waiting_for_its_end() -> None:
    parser = RequestParser(Limits(max_header_section=100))
    parser.feed(b"GET / HTTP/1.1\r\n" + b"X: " + b"a" * 97)
    assert parser.next_event() is NEED_DATA  # 100 bytes of header section so far
    parser.feed(b"a")
    with pytest.raises(ProtocolError) as caught:
        parser.next_event()
    assert caught.value.status == 431


@pytest.mark.parametrize(("count", "status"), [(100, None), (101, 431)])
def test_field_count_limit(count: int, status: Optional[int]) -> None:
    fields = [HOST[:-2]] + [b"X-%d: v" % index for index in range(count - 1)]
    assert status_of(get(*fields)) == status


@pytest.mark.parametrize(("size", "status"), [(8192, None), (8193, 431)])
def test_field_size_limit(size: int, status: Optional[int]) -> None:
    line = b"X-Big: " + b"v" * (size - len(b"X-Big: "))
    assert status_of(get(HOST[:-2], line)) == status


def test_header_section_limit_on_a_complete_head() -> None:
    fields = [HOST[:-2]] + [b"X-%d: %s" % (index, b"v" * 1000) for index in range(70)]
    assert status_of(get(*fields)) == 431


def test_chunk_line_limit_counts_the_extensions() -> None:
    limits = Limits(max_chunk_line=10)
    assert status_of(chunked(b"1;abcdefgh\r\nx\r\n0\r\n\r\n"), limits) is None  # 10 bytes
    assert status_of(chunked(b"1;abcdefghi\r\nx\r\n0\r\n\r\n"), limits) == 400


def test_chunked_body_limit_applies_to_the_decoded_size_while_streaming() -> None:
    parser = RequestParser(Limits(max_body_size=8))
    parser.feed(chunked(b"5\r\nhello\r\n"))
    assert isinstance(parser.next_event(), RequestHead)
    assert parser.next_event() == Data(b"hello")
    assert parser.next_event() is NEED_DATA
    parser.feed(b"4\r\n")
    with pytest.raises(ProtocolError) as caught:
        parser.next_event()
    assert caught.value.status == 413


def test_trailer_field_count_limit() -> None:
    trailers = b"".join(b"X-%d: v\r\n" % index for index in range(101))
    assert status_of(chunked(b"0\r\n" + trailers + b"\r\n"), Limits()) == 431


# ---------------------------------------------------------------------------------------
# Linear work: a head fed one byte at a time is never rescanned from the start.
# ---------------------------------------------------------------------------------------


class CountingBuffer(bytearray):
    """A bytearray that counts the bytes its find() calls may scan."""

    scanned = 0

    def find(self, sub: Any, start: Any = None, end: Any = None) -> int:  # type: ignore[override]
        first = 0 if start is None else start
        last = len(self) if end is None else min(end, len(self))
        CountingBuffer.scanned += max(0, last - first)
        return super().find(sub, first, last)


def test_header_end_search_is_linear_when_fed_one_byte_at_a_time() -> None:
    fields = [HOST[:-2]] + [b"X-%02d: %s" % (index, b"v" * 640) for index in range(99)]
    request = get(*fields, target=b"/" + b"a" * 8000)  # a long request line too
    assert 72_000 < len(request) < 8192 + 65_536
    parser = RequestParser()
    parser._buffer = CountingBuffer()  # the parser only ever appends to and slices it
    CountingBuffer.scanned = 0
    for index in range(len(request)):
        parser.feed(request[index : index + 1])
        event = parser.next_event()
        if event is not NEED_DATA:
            break
    assert isinstance(event, RequestHead)
    assert len(event.headers) == 100
    # Rescanning from the start would be ~len**2 / 2 = 2e9 bytes. Each feed here rescans a
    # window of at most 4 bytes per search (a CRLF CRLF may straddle feeds): linear.
    assert CountingBuffer.scanned < 16 * len(request)


@pytest.mark.parametrize(
    "line",
    [
        b"X: " + b" " * 60_000 + b"\x00",
        b"X: a" + b" a" * 30_000 + b"\x00",
        b"X" * 60_000,
        b"X: " + b"a\t" * 30_000 + b"\x01",
    ],
    ids=["spaces-then-nul", "words-then-nul", "name-without-colon", "tabs-then-control"],
)
def test_pathological_field_lines_fail_fast(line: bytes) -> None:
    # A regex with overlapping quantifiers would backtrack for minutes on these (ReDoS).
    limits = Limits(max_field_size=100_000, max_header_section=100_000)
    assert status_of(get(HOST[:-2], line), limits) == 400


def test_pathological_chunk_extension_fails_fast() -> None:
    line = b"1" + b" ;a =b" * 600 + b" " * 300 + b"\x00"
    assert status_of(chunked(line + b"\r\nx\r\n0\r\n\r\n"), Limits(max_chunk_line=8000)) == 400


# ---------------------------------------------------------------------------------------
# The parser's life cycle: pipelining, closing, dead after an error.
# ---------------------------------------------------------------------------------------


def test_pipelined_requests_are_parsed_in_order_with_leftovers_kept() -> None:
    parser = RequestParser()
    parser.feed(post(b"Content-Length: 2", body=b"hi") + get(HOST[:-2], target=b"/second"))
    first = parser.next_event()
    assert isinstance(first, RequestHead) and first.method == b"POST"
    assert parser.next_event() == Data(b"hi")
    assert parser.next_event() == EOM
    assert parser.has_buffered_data
    assert parser.next_event() is PAUSED
    assert parser.next_event() is PAUSED  # until start_next_request()
    parser.start_next_request()
    second = parser.next_event()
    assert isinstance(second, RequestHead) and second.target == b"/second"
    assert parser.next_event() == EOM
    assert not parser.has_buffered_data


def test_body_arrives_as_data_events_in_the_pieces_fed() -> None:
    parser = RequestParser()
    parser.feed(post(b"Content-Length: 10", body=b"abc"))
    assert isinstance(parser.next_event(), RequestHead)
    assert parser.next_event() == Data(b"abc")
    assert parser.next_event() is NEED_DATA
    parser.feed(b"defghij" + b"GET")
    assert parser.next_event() == Data(b"defghij")
    assert parser.next_event() == EOM
    assert parser.has_buffered_data


def test_chunked_body_fed_in_pieces() -> None:
    parser = RequestParser()
    parser.feed(CHUNKED_HEAD)
    assert isinstance(parser.next_event(), RequestHead)
    for piece, expected in [
        (b"5\r", NEED_DATA),
        (b"\nhe", Data(b"he")),
        (b"llo", Data(b"llo")),
        (b"\r", NEED_DATA),
        (b"\n0\r\n", NEED_DATA),
        (b"X: 1\r\n", NEED_DATA),
        (b"\r\n", EndOfMessage([(b"X", b"1")])),
    ]:
        parser.feed(piece)
        assert parser.next_event() == expected, piece


def test_peer_closing_between_requests_is_connection_closed() -> None:
    parser = RequestParser()
    parser.feed(get(HOST[:-2]))
    assert isinstance(parser.next_event(), RequestHead)
    assert parser.next_event() == EOM
    parser.feed(b"")
    assert parser.peer_closed
    parser.start_next_request()
    assert parser.next_event() == ConnectionClosed()
    assert parser.next_event() == ConnectionClosed()


def test_peer_closing_before_anything_is_connection_closed() -> None:
    parser = RequestParser()
    assert parser.next_event() is NEED_DATA
    parser.feed(b"")
    assert parser.next_event() == ConnectionClosed()


def test_empty_lines_then_close_is_connection_closed() -> None:
    parser = RequestParser()
    parser.feed(b"\r\n")
    parser.feed(b"")
    assert parser.next_event() == ConnectionClosed()


def test_an_error_kills_the_parser_for_good() -> None:
    parser = RequestParser()
    parser.feed(b"GET / HTTP/1.1\r\nHost : a\r\n\r\n" + get(HOST[:-2]))
    with pytest.raises(ProtocolError) as first:
        parser.next_event()
    with pytest.raises(ProtocolError) as again:
        parser.next_event()
    assert again.value is first.value
    with pytest.raises(ProtocolError):
        parser.feed(b"more")
    with pytest.raises(ProtocolError):
        parser.start_next_request()


def test_misuse_is_a_runtime_error_not_a_protocol_error() -> None:
    parser = RequestParser()
    with pytest.raises(RuntimeError):
        parser.start_next_request()
    parser.feed(b"")
    with pytest.raises(RuntimeError):
        parser.feed(b"GET")


def test_protocol_error_reason_never_echoes_the_input() -> None:
    evil = b"<script>alert(1)</script>"
    for data in [
        b"GET /" + evil + b"\x00 HTTP/1.1\r\n\r\n",
        get(HOST[:-2], evil + b" : x"),
        get(HOST[:-2], b"X: " + evil + b"\x01"),
        get(b"Host: " + evil),
        post(b"Content-Length: " + evil),
        post(b"Transfer-Encoding: " + evil),
    ]:
        parser = RequestParser()
        parser.feed(data)
        with pytest.raises(ProtocolError) as caught:
            parser.next_event()
        assert str(caught.value) == caught.value.reason
        assert "script" not in caught.value.reason


def test_request_head_is_frozen() -> None:
    request = events_of(get(HOST[:-2]))[0]
    with pytest.raises(AttributeError):
        request.method = b"POST"
    assert request == head()
    assert hash(request.method) == hash(b"GET")


# ---------------------------------------------------------------------------------------
# The response side.
# ---------------------------------------------------------------------------------------


def test_format_response_head() -> None:
    assert format_response_head(
        404, "Not Found", [("Content-Type", "text/plain"), ("X-Latin", "caf\xe9")]
    ) == (b"HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nX-Latin: caf\xe9\r\n\r\n")
    assert format_response_head(200, "OK", [], version="HTTP/1.0") == b"HTTP/1.0 200 OK\r\n\r\n"


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ([("Bad Name", "v")], "'Bad Name'"),
        ([("", "v")], "''"),
        ([("X-Split\r\nSet-Cookie", "a=b")], "X-Split"),
        ([("X-Ok", "v"), ("X-A\nB", "v")], "X-A"),
        ([("X-Crlf", "a\r\nSet-Cookie: evil=1")], "X-Crlf"),
        ([("X-Lf", "a\nb")], "X-Lf"),
        ([("X-Nul", "a\x00b")], "X-Nul"),
        ([("X-Ctl", "a\x1bb")], "X-Ctl"),
        ([("X-Wide", "\u20ac")], "X-Wide"),
        ([("X-\xe9", "v")], "X-\xe9"),
    ],
)
def test_format_response_head_refuses_bad_headers_naming_them(
    headers: list[tuple[str, str]], message: str
) -> None:
    with pytest.raises(ValueError) as caught:
        format_response_head(200, "OK", headers)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("status", "reason", "version"),
    [
        (99, "x", "HTTP/1.1"),
        (1000, "x", "HTTP/1.1"),
        (200, "O\r\nK", "HTTP/1.1"),
        (200, "OK", "HTTP/2"),
        (200, "\u20ac", "HTTP/1.1"),
    ],
)
def test_format_response_head_refuses_a_bad_status_line(
    status: int, reason: str, version: str
) -> None:
    with pytest.raises(ValueError):
        format_response_head(status, reason, [], version=version)


def test_encode_chunk_and_last_chunk() -> None:
    assert encode_chunk(b"") == b""
    assert encode_chunk(b"hello") == b"5\r\nhello\r\n"
    assert encode_chunk(b"x" * 4096) == b"1000\r\n" + b"x" * 4096 + b"\r\n"
    assert LAST_CHUNK == b"0\r\n\r\n"


@pytest.mark.parametrize(
    ("timestamp", "text"),
    [
        (0, "Thu, 01 Jan 1970 00:00:00 GMT"),
        (784111777, "Sun, 06 Nov 1994 08:49:37 GMT"),
        (951782400, "Tue, 29 Feb 2000 00:00:00 GMT"),
        (1700000000.9, "Tue, 14 Nov 2023 22:13:20 GMT"),
        (4102444799, "Thu, 31 Dec 2099 23:59:59 GMT"),
    ],
)
def test_http_date_is_imf_fixdate(timestamp: float, text: str) -> None:
    assert http_date(timestamp) == text


# ---------------------------------------------------------------------------------------
# Decided before the terminator arrives: a head or trailer section that can never become
# valid is refused at once, not after the header deadline (a 408 instead of a 400).
# ---------------------------------------------------------------------------------------

DECIDED_EARLY = [
    ("field line ending in a bare LF", b"GET / HTTP/1.1\r\nHost: a\n\r\n", 400),
    ("control byte in a finished field line", b"GET / HTTP/1.1\r\nX\x00: y\r\nHost", 400),
    ("control byte in an unfinished field line", b"GET / HTTP/1.1\r\nX\x00", 400),
    ("obs-fold in a finished line", b"GET / HTTP/1.1\r\nA: b\r\n c\r\n", 400),
    ("TLS handshake on the HTTP port", b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03", 400),
    ("control byte in the request line", b"GET /\x00", 400),
    ("trailer section starting with a bare LF", CHUNKED_HEAD + b"0\r\n\n", 400),
    ("trailer line with a control byte", CHUNKED_HEAD + b"0\r\nX\x01", 400),
]


@pytest.mark.parametrize(
    ("data", "status"), [case[1:] for case in DECIDED_EARLY], ids=[c[0] for c in DECIDED_EARLY]
)
def test_hopeless_input_is_refused_without_waiting_for_more(data: bytes, status: int) -> None:
    parser = RequestParser()
    parser.feed(data)
    with pytest.raises(ProtocolError) as caught:
        while parser.next_event() is not NEED_DATA:
            pass
    assert caught.value.status == status


@pytest.mark.parametrize(
    "data", [b"GET / HTTP/1.1\r\nHost: a\r\n", b"GET / HTT", b"\r", CHUNKED_HEAD + b"0\r\nX: y\r\n"]
)
def test_a_valid_prefix_waits(data: bytes) -> None:
    parser = RequestParser()
    parser.feed(data)
    events = [parser.next_event() for _ in range(2)]
    assert events[-1] is NEED_DATA


def test_errors_keep_input_order_whatever_comes_later() -> None:
    """The status is the first error in the bytes, so it cannot depend on the feeds: a
    control byte before a bad version is a 400, not a 505; one within the line limit of a
    too-long line is a 400, not a 414; a bad field line within the section limit of a
    too-large section is a 400, not a 431."""
    limits = Limits(max_request_line=64, max_header_section=256)
    assert status_of(b"\x00GET / HTTP/9.1\r\nHost: a\r\n\r\n") == 400
    assert status_of(b"GET /\x00" + b"a" * 100 + b" HTTP/1.1\r\n\r\n", limits) == 400
    assert status_of(b"GET /" + b"a" * 100 + b"\x00 HTTP/1.1\r\n\r\n", limits) == 414
    big = b"GET / HTTP/1.1\r\nHost: a\r\nX\x00: 1\r\n" + b"Y: " + b"y" * 300 + b"\r\n\r\n"
    assert status_of(big, limits) == 400
    assert status_of(big.replace(b"X\x00", b"Xx"), limits) == 431
