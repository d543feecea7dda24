"""The ``lipsum`` global (tinyweb/template_runtime.py ``generate_lorem_ipsum``).

Its text is random, as Jinja's, so these are properties of its shape, which is Jinja's:
``n`` paragraphs of ``min`` to ``max - 1`` words, each starting with a capital and ending
with a full stop; ``<p>`` elements as ``Markup`` by default, paragraphs separated by a
blank line with ``html=False``. The words are the classic placeholder passage's.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tinyweb.markup import Markup
from tinyweb.template_runtime import generate_lorem_ipsum
from tinyweb.templating import Environment

_WORD = re.compile(r"[A-Za-z]+[,.]?\Z")


def check_paragraph(paragraph: str, low: int, high: int) -> None:
    words = paragraph.split(" ")
    assert low <= len(words) < high
    assert all(_WORD.match(word) for word in words), paragraph
    assert paragraph[0].isupper() and paragraph.endswith(".") and not paragraph.endswith(",.")
    bare = [word.rstrip(",.").lower() for word in words]
    assert all(first != second for first, second in zip(bare, bare[1:]))  # no word twice in a row
    for before, after in zip(words, words[1:]):  # a sentence starts with a capital
        assert after[0].isupper() == before.endswith("."), (before, after)


@given(st.integers(0, 4), st.integers(1, 40), st.integers(1, 40), st.booleans())
def test_lipsum_has_jinjas_shape(n: int, low: int, extra: int, html: bool) -> None:
    text = generate_lorem_ipsum(n, html, low, low + extra)
    if html:
        assert isinstance(text, Markup)
        paragraphs = re.findall(r"<p>(.*?)</p>", text)
        assert text == "\n".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
    else:
        assert type(text) is str
        paragraphs = text.split("\n\n") if text else []
    assert len(paragraphs) == n
    for paragraph in paragraphs:
        check_paragraph(paragraph, low, low + extra)


def test_lipsum_is_a_global_with_jinjas_defaults() -> None:
    env = Environment()
    html = env.from_string("{{ lipsum() }}").render()
    paragraphs = re.findall(r"<p>(.*?)</p>", html)
    assert len(paragraphs) == 5  # n=5, as markup: not escaped under autoescape
    for paragraph in paragraphs:
        check_paragraph(paragraph, 20, 100)
    text = env.from_string("{{ lipsum(2, false, min=3, max=4) }}").render()
    assert [len(paragraph.split()) for paragraph in text.split("\n\n")] == [3, 3]


def test_lipsum_without_room_for_a_word_count_is_an_error_as_in_jinja() -> None:
    with pytest.raises(ValueError):
        generate_lorem_ipsum(1, min=5, max=5)
