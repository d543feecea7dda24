"""Every parsed view of a request or response survives hostile header text.

Reading a header is never an error for the application (request.py and typed_headers.py,
rule 1): a malformed value reads as None or as empty. The one exception is ``Host``: a
malformed one is a 400 (``BadRequest``) wherever it is read, not a view. The hypothesis tests of each module
draw short text; this table adds the long and degenerate shapes those rarely draw, above
all long runs of digits, which once reached ``int()`` and its 4300-digit limit (a
``ValueError``, so a 500) from ``Cache-Control: max-age=``, a multipart part's
``Content-Length`` and ``CONTENT_LENGTH``. Each public attribute of ``Request`` and
``Response`` that is not a method is read for each value, and printed, as an app would.
"""

from __future__ import annotations

from typing import Any

import pytest

from tinyweb import Request, Response
from tinyweb.errors import BadRequest
from tinyweb.testing import build_environ

DIGITS = "9" * 5000
HOSTILE_VALUES = [
    DIGITS,
    f"max-age={DIGITS}, no-cache",
    f"bytes={DIGITS}-",
    f"bytes=-{DIGITS}",
    f"bytes=0-{DIGITS}",
    f"a:{DIGITS}",
    f"{DIGITS}.{DIGITS}",
    f'W/"{DIGITS}"',
    f"text/html;q=0.{DIGITS}",
    f"Basic {DIGITS}",
    f"Digest nc={DIGITS}",
    f"{DIGITS}, {DIGITS}",
    '"' + "\\" * 5001,
    "\x00" * 100,
    "é" * 1000,
    "," * 5000,
    ";" * 5000,
    "=" * 5000,
]

REQUEST_KEYS = """HTTP_CACHE_CONTROL HTTP_RANGE HTTP_IF_RANGE HTTP_MAX_FORWARDS HTTP_DATE
HTTP_IF_MODIFIED_SINCE HTTP_IF_UNMODIFIED_SINCE HTTP_IF_MATCH HTTP_IF_NONE_MATCH HTTP_ACCEPT
HTTP_ACCEPT_LANGUAGE HTTP_ACCEPT_CHARSET HTTP_ACCEPT_ENCODING HTTP_AUTHORIZATION HTTP_HOST
HTTP_COOKIE HTTP_PRAGMA HTTP_USER_AGENT HTTP_ORIGIN HTTP_REFERER HTTP_X_FORWARDED_FOR
HTTP_ACCESS_CONTROL_REQUEST_HEADERS HTTP_ACCESS_CONTROL_REQUEST_METHOD CONTENT_TYPE
CONTENT_LENGTH HTTP_CONTENT_ENCODING HTTP_CONTENT_MD5 QUERY_STRING""".split()

RESPONSE_HEADERS = """Age Retry-After Cache-Control Content-Range Content-Length Date Expires
Last-Modified ETag Content-Type WWW-Authenticate Content-Security-Policy Access-Control-Max-Age
Vary Allow Location Accept-Ranges Content-Language Cross-Origin-Opener-Policy""".split()

# Attributes that read or replace the body, or are the raw WSGI pieces, not parsed views.
BODY_OR_RAW = {"stream", "input_stream", "form", "files", "values", "json", "data", "environ"}
BODY_OR_RAW |= {"response", "is_streamed", "direct_passthrough", "shallow"}


def parsed_views(cls: type) -> list[str]:
    names = (name for name in dir(cls) if not name.startswith("_") and name not in BODY_OR_RAW)
    return [name for name in names if not callable(getattr(cls, name, None))]


def read_everything(subject: Any, names: list[str], refused: tuple[type, ...] = ()) -> None:
    for name in names:
        try:
            value = getattr(subject, name)
        except refused:
            continue
        str(value), repr(value)
        if callable(getattr(value, "to_header", None)):
            value.to_header()


@pytest.mark.parametrize("key", REQUEST_KEYS)
def test_every_request_view_reads_hostile_values_without_raising(key: str) -> None:
    names = parsed_views(Request)
    assert {"cache_control", "content_length", "range", "authorization"} <= set(names)
    for value in HOSTILE_VALUES:
        environ = build_environ()
        environ[key] = value
        # A malformed Host is a 400 wherever it is read (it would end up in absolute URLs).
        read_everything(Request(environ), names, (BadRequest,) if key == "HTTP_HOST" else ())


@pytest.mark.parametrize("header", RESPONSE_HEADERS)
def test_every_response_view_reads_hostile_values_without_raising(header: str) -> None:
    names = parsed_views(Response)
    assert {"cache_control", "content_length", "age", "www_authenticate"} <= set(names)
    for value in HOSTILE_VALUES:
        response = Response("x")
        response.headers.set(header, value.replace("\x00", " "))  # NUL: refused when set
        read_everything(response, names)
