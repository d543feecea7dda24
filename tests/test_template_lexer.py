"""String literals in templates: backslash escapes decode as Jinja's lexer decodes them."""

from __future__ import annotations

import warnings

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tinyweb.template_lexer import _literal_value


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


@given(st.text().filter(lambda text: "\\" not in text))
def test_a_literal_without_backslashes_is_its_text_as_the_codec_would_decode_it(
    text: str,
) -> None:
    # The lexer skips the codec for these (most literals): it would return them unchanged.
    decoded = text.encode("ascii", "backslashreplace").decode("unicode-escape")
    assert decoded == text
    for quote in "'\"":
        if quote not in text:
            assert _literal_value("string", quote + text + quote, 1, None) == text
