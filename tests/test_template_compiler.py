"""The template compiler's generated code: its shapes that keep cold compiles cheap, and
the inheritance paths those shapes choose between (one unconditional ``extends`` or any
other arrangement); and the lexer's fast path for simple tags, which must give the general
lexer's tokens."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tinyweb import template_lexer
from tinyweb.template_compiler import compile_template
from tinyweb.template_parser import TemplateSyntaxError, Token, tokenize
from tinyweb.templating import DictLoader, Environment, UndefinedError

BASE = {"base.html": "<{% block title %}Base{% endblock %}>"}

INHERITANCE = [
    (
        "unconditional_extends",
        "{% extends 'base.html' %}{% block title %}C{% endblock %}",
        {},
        "<C>",
    ),
    (
        "conditional_extends_taken",
        "{% if p %}{% extends 'base.html' %}{% endif %}own",
        {"p": True},
        "<Base>",
    ),
    (
        "conditional_extends_not_taken",
        "{% if p %}{% extends 'base.html' %}{% endif %}own",
        {"p": False},
        "own",
    ),
    (
        "extends_in_both_branches",
        "{% if p %}{% extends 'base.html' %}{% else %}{% extends 'other.html' %}{% endif %}x",
        {"p": False},
        "[Base]",
    ),
    ("text_before_unconditional_extends", "a{% extends 'base.html' %}b", {}, "a<Base>"),
    (
        "block_before_conditional_extends",
        "{% block title %}T{% endblock %}{% if p %}{% extends 'base.html' %}{% endif %}",
        {"p": False},
        "T",
    ),
    (
        "set_after_extends_seen_by_parent",
        "{% extends 'shows.html' %}{% set who = 'kid' %}",
        {},
        "kid",
    ),
]
TEMPLATES = {
    **BASE,
    "other.html": "[{% block title %}Base{% endblock %}]",
    "shows.html": "{{ who }}",
}


@pytest.mark.parametrize(
    ("source", "context", "expected"),
    [case[1:] for case in INHERITANCE],
    ids=[case[0] for case in INHERITANCE],
)
def test_inheritance_paths(source: str, context: dict[str, Any], expected: str) -> None:
    env = Environment(loader=DictLoader({"main.html": source, **TEMPLATES}))
    assert env.get_template("main.html").render(context) == expected


def test_free_names_are_read_from_the_context_in_one_statement() -> None:
    source = compile_template(
        "{{ a }}{{ b }}{% for x in c %}{{ a }}{% endfor %}", None, {}, {}
    ).source
    assert source.count("_lookup(") == 1
    assert "_lookup(ctx, 'a', 'b', 'c')" in source


def test_one_free_name_still_unpacks() -> None:
    source = compile_template("{{ a }}", None, {}, {}).source
    assert "[v1] = _lookup(ctx, 'a')" in source


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("{% set d = {'a': {'b': 1}} %}{{ d.a.b }}", "1"),
        ("{% for k in {'x': {'y': 2}} %}{{ k }}{% endfor %}", "x"),
        ("{{ [[1], [2]]|length }}", "2"),
        ("{{ 0X1F }} {{ 1E2 }} {{ 0B11 }} {{ 0O7 }}", "31 100.0 3 7"),
    ],
)
def test_lexer_brackets_and_number_spellings(source: str, expected: str) -> None:
    assert Environment().from_string(source).render() == expected


def test_missing_names_are_undefined_in_every_function() -> None:
    env = Environment(
        loader=DictLoader({"main.html": "{% block b %}[{{ nothing }}]{% endblock %}"})
    )
    assert env.get_template("main.html").render() == "[]"
    with pytest.raises(UndefinedError):
        env.from_string("{{ nothing.attribute }}").render()


TEXT_BLOCKS = [
    ("text", "{% block a %}Site{% endblock %}", {}, "Site"),
    ("empty", "[{% block a %}{% endblock a %}]", {}, "[]"),
    ("whitespace_control", "{% block a -%}\n Site \n{%- endblock %}", {}, "Site"),
    ("comment_only", "{% block a %}{# c #}{% endblock %}", {}, ""),
    ("raw_text", "{% block a %}{% raw %}{{ x }}{% endraw %}{% endblock %}", {}, "{{ x }}"),
    (
        "super_of_text",
        "{% extends 'base.html' %}{% block title %}{{ super() }}+{% endblock %}",
        {},
        "<Base+>",
    ),
    (
        "child_text_overrides",
        "{% extends 'base.html' %}{% block title %}C{% endblock %}",
        {},
        "<C>",
    ),
    ("text_then_more", "{% block a %}x{{ y }}{% endblock %}", {"y": 1}, "x1"),
]


@pytest.mark.parametrize(
    ("source", "context", "expected"),
    [case[1:] for case in TEXT_BLOCKS],
    ids=[case[0] for case in TEXT_BLOCKS],
)
def test_text_only_blocks(source: str, context: dict[str, Any], expected: str) -> None:
    env = Environment(loader=DictLoader({"main.html": source, **BASE}))
    assert env.get_template("main.html").render(context) == expected


def test_a_text_only_block_compiles_to_no_function() -> None:
    source = compile_template(
        "{% block a %}Site{% endblock %}{% block b %}{% endblock %}", None, {}, {}
    ).source
    assert "def block_" not in source
    assert "BLOCKS = {'a': _text_block('Site'), 'b': _text_block('')}" in source


def test_a_text_only_block_still_checks_its_end_name() -> None:
    with pytest.raises(TemplateSyntaxError, match="endblock should close block 'a'"):
        compile_template("{% block a %}Site{% endblock b %}", None, {}, {})
    with pytest.raises(TemplateSyntaxError, match="expected 'endblock'"):
        compile_template("{% block a %}Site", None, {}, {})


# -- The lexer's fast path for simple tags gives the general lexer's tokens ------------

OPENINGS = ["{{", "{%", "{%-", "{{-", "{%+", "x{{", "\n{%"]
CONTENTS = [" ", "\t", "\n", "a", "b1", "_x", ".", "|", "raw", "draw", "1", "'s'", "(", "-", "é"]
ENDINGS = ["}}", "%}", "-}}", "-%}", "+%}", "} }", "{% endraw %}"]
TAGS = st.builds(
    lambda opening, contents, ending, after: opening + "".join(contents) + ending + after,
    st.sampled_from(OPENINGS),
    st.lists(st.sampled_from(CONTENTS), max_size=6),
    st.sampled_from(ENDINGS),
    st.sampled_from(["", " ", "\n", "x", " \n y"]),
)


def tokens_or_error(source: str) -> list[Token] | str:
    try:
        return tokenize(source, "t")
    except TemplateSyntaxError as error:
        return str(error)


def general_tokens(source: str) -> list[Token] | str:
    """The tokens with the fast path switched off (its regexes never match)."""
    simple_tag = template_lexer._patterns(False, template_lexer.JINJA_DELIMITERS).simple_tag
    fast = dict(simple_tag)
    simple_tag.update(dict.fromkeys(fast, re.compile("(?!)")))
    try:
        return tokens_or_error(source)
    finally:
        simple_tag.update(fast)


@pytest.mark.parametrize(
    "source",
    [
        "{% endfor %}",
        "x {{ item.name|title }} y",
        "{%- block title -%}\n t",
        "{% raw %}{{ a }}{% endraw %}",
        "{%- raw -%} {{ a }} {% endraw %}",
        "{% for draw in x %}",
        "{{ a.0 }}{{ b1 }}{{ x is divisibleby 3 }}",
        "{{ a }\n}}{{ a - }}{{ é }}{{ }}",
        "a\n{{\tb\t}}\n{%+ c +%}",
    ],
)
def test_simple_tags_lex_as_the_general_lexer(source: str) -> None:
    assert tokens_or_error(source) == general_tokens(source)


@given(st.lists(TAGS, max_size=4).map("".join))
def test_any_text_lexes_as_the_general_lexer(source: str) -> None:
    assert tokens_or_error(source) == general_tokens(source)


def test_autoescape_expression_unpacks_the_runtime_names_in_their_order():
    # `{% autoescape expr %}` assigns `_escape_e1, _markup_e1, ... = _escaping(expr)`:
    # the compiler's list of names must be template_runtime's, in the same order.
    from tinyweb.template_compiler import _ESCAPING_NAMES
    from tinyweb.template_runtime import escaping_names

    assert tuple(escaping_names(Environment(), True, "")) == _ESCAPING_NAMES
