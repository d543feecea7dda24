"""String literals in templates: backslash escapes decode as Jinja's lexer decodes them."""

from __future__ import annotations

import warnings

import pytest


@pytest.mark.parametrize(
    "source, expected",
    [
        (r"{{ '\.' }}", "\\."),  # an escape the codec does not know: kept, as in Jinja
        (r"{{ '\q\z' }}", "\\q\\z"),
        (r"{{ '\\\.' }}", "\\\\."),  # an escaped backslash, then an unknown escape
        (r"{{ '\\' }}", "\\"),
        (r"{{ 'a\nb\t' }}", "a\nb\t"),
        (r"{{ '\x41\u00e9\101\N{BULLET}' }}", "AéA\u2022"),
        ("{{ '\\é' }}", "\\xe9"),  # Jinja's result too (backslashreplace meets the codec)
    ],
)
def test_string_escapes_decode_as_jinjas_without_a_deprecation_warning(
    source: str, expected: str
) -> None:
    # The unicode-escape codec warns on an unknown escape (seen on 3.9 in a fuzz run).
    from tinyweb.templating import Template

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert Template(source, autoescape=False).render() == expected
