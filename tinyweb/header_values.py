"""The grammar of header values (RFC 9110 §5.6): tokens, quoted strings, lists, parameters.

Where it fits: the typed views of headers (``datastructures.Authorization``, ``caching``,
``header_sets``, ``typed_headers``, ``accept``) read and write field values with these
helpers, so that each rule of the grammar is written once. Like ``datastructures``, it
imports nothing from tinyweb. (Werkzeug keeps the same helpers in ``werkzeug.http``.)

Rules:

1. Reading never raises on client input: a malformed value reads as None or as empty.
2. No regex that could backtrack on a hostile header: lists are split in one linear pass.
3. Digits are ASCII digits, at most 19 of them: ``int()`` would also take ``"+1"``,
   ``"1_000"`` and other scripts' digits, and thousands of digits make it raise.
"""

from __future__ import annotations

import re
from collections.abc import Container, Mapping

__all__ = [
    "TOKEN",
    "format_dict_header",
    "parse_dict_header",
    "parse_digits",
    "parse_list_header",
    "quote_header_value",
    "split_auth_header",
    "unquote_header_value",
]


def parse_list_header(value: str, separator: str = ",") -> list[str]:
    """The items of a comma-separated header (RFC 9110 §5.6.1), quoted strings unquoted.

    A comma inside a quoted string does not split, empty items are dropped, and the
    scan is one linear pass (no regex that could backtrack on a hostile header).
    ``separator=";"`` splits one item into its parameters the same way::

        >>> parse_list_header('a, "b, c" ,, d')
        ['a', 'b, c', 'd']
    """
    items: list[str] = []
    current: list[str] = []
    quoted = escaped = False
    for character in value:
        if escaped:
            escaped = False
        elif quoted and character == "\\":
            escaped = True
        elif character == '"':
            quoted = not quoted
        elif character == separator and not quoted:
            items.append("".join(current))
            current = []
            continue
        current.append(character)
    items.append("".join(current))
    return [unquote_header_value(item.strip()) for item in items if item.strip()]


def unquote_header_value(text: str) -> str:
    """``"a \\"b\\""`` -> ``a "b"`` (RFC 9110 §5.6.4); other text unchanged."""
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return re.sub(r"\\(.)", r"\1", text[1:-1])
    return text


# RFC 9110 §5.6.2: token = 1*tchar (an auth-scheme, a directive name, a list item...).
TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
# 1*DIGIT in ASCII: delta-seconds (RFC 9111 §1.2.2), Max-Forwards, Content-Length. int()
# alone would also take " 1", "+1", "1_000" and other scripts' digits. Nineteen digits
# outlast any clock or disk; more would only reach int(), whose 4300-digit limit raises.
_DIGITS = re.compile(r"[0-9]{1,19}")


def parse_digits(text: str | None) -> int | None:
    """``text`` as an int if it is 1 to 19 ASCII digits and nothing else, else None::

    >>> parse_digits("60"), parse_digits(" 60"), parse_digits("-5"), parse_digits("9" * 20)
    (60, None, None, None)
    """
    return int(text) if text and _DIGITS.fullmatch(text) else None


def quote_header_value(text: str) -> str:
    """A token as it is, anything else as a quoted string (RFC 9110 §5.6.4): the
    inverse of ``unquote_header_value``."""
    return text if TOKEN.fullmatch(text) else f'"{_escape_quoted(text)}"'


def _escape_quoted(text: str) -> str:
    """The inside of a quoted-string (RFC 9110 §5.6.4): ``\\`` and ``"`` escaped."""
    return text.replace("\\", "\\\\").replace('"', '\\"')


def split_auth_header(value: str | None) -> tuple[str, str, dict[str, str | None] | None] | None:
    """``(scheme, rest, parameters)`` of an ``Authorization`` or ``WWW-Authenticate`` value
    (RFC 9110 §11.3-11.4: a scheme, then a token68 or comma-separated parameters).

    ``parameters`` is the parsed parameters, or None when ``rest`` is a token68 (or empty);
    the result is None when the scheme is not a token. Never raises on client input::

        >>> split_auth_header('Digest realm="x", qop=auth')
        ('Digest', 'realm="x", qop=auth', {'realm': 'x', 'qop': 'auth'})
        >>> split_auth_header("Bearer abc=="), split_auth_header("b@d x")
        (('Bearer', 'abc==', None), None)
    """
    scheme, _, rest = (value or "").strip(" \t").partition(" ")
    if not TOKEN.fullmatch(scheme):
        return None
    rest = rest.strip(" \t")
    if "=" in rest.rstrip("="):  # a "=" that is not token68 padding: parameters
        return scheme, rest, parse_dict_header(rest)
    return scheme, rest, None


def parse_dict_header(text: str) -> dict[str, str | None]:
    """The ``key=value`` items of a comma-separated header, values unquoted; a bare key
    maps to None (``Authorization`` and ``WWW-Authenticate`` parameters)::

        >>> parse_dict_header('realm="a, b", nc=1, stale')
        {'realm': 'a, b', 'nc': '1', 'stale': None}
    """
    parameters: dict[str, str | None] = {}
    for item in parse_list_header(text):
        key, equals, item_value = item.partition("=")
        parameters[key.strip()] = unquote_header_value(item_value.strip()) if equals else None
    return parameters


def format_dict_header(
    parameters: Mapping[str, str | None], always_quoted: Container[str] = ()
) -> str:
    """The inverse of ``parse_dict_header``: a value is quoted unless it is a token (or
    its key is in ``always_quoted``), and a None value writes the bare key::

        >>> format_dict_header({"realm": "a, b", "nc": "1", "stale": None})
        'realm="a, b", nc=1, stale'
    """
    items = []
    for key, value in parameters.items():
        if value is None:
            items.append(key)
        elif key in always_quoted:
            items.append(f'{key}="{_escape_quoted(value)}"')
        else:
            items.append(f"{key}={quote_header_value(value)}")
    return ", ".join(items)
