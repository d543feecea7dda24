"""Jinja's lexer options, table by table: ``trim_blocks``, ``lstrip_blocks`` and
``keep_trailing_newline`` alone and combined, with the ``-`` and ``+`` modifiers, comments,
raw blocks, CRLF sources and tabs; then the attribute form (``env.trim_blocks = True``,
Flask's idiom) and hypothesis properties (options off change nothing; ``\\r\\n`` and
``\\r`` sources render as ``\\n`` ones; models of what each option removes).

Every expected string was written by hand and checked against Jinja2 3.1.6
interactively. Mirrors tinyweb/template_lexer.py (rule 1) and the options of
``templating.Environment``.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tinyweb.templating import DictLoader, Environment, TemplateSyntaxError

TRIM = {"trim_blocks": True}
LSTRIP = {"lstrip_blocks": True}
KEEP = {"keep_trailing_newline": True}
BOTH = {"trim_blocks": True, "lstrip_blocks": True}
ALL = {**BOTH, **KEEP}
CONTEXT = {"x": 1, "items": [1, 2]}


def render(source: str, **options: bool) -> str:
    return Environment(**options).from_string(source).render(**CONTEXT)


# (rule, source, options, Jinja2's output)
CASES: list[tuple[str, str, dict[str, bool], str]] = [
    # -- defaults: every newline and indentation stays ---------------------------------
    ("defaults_keep_newline_after_block", "{% if true %}\nA{% endif %}\nB", {}, "\nA\nB"),
    ("defaults_keep_indentation", "  {% if true %}A{% endif %}", {}, "  A"),
    ("defaults_drop_one_trailing_newline", "A\n\n", {}, "A\n"),
    # -- trim_blocks: the first newline after %} or #} -------------------------------
    ("trim_block_tag", "{% if true %}\nA{% endif %}\nB", TRIM, "AB"),
    ("trim_only_the_first_newline", "{% if true %}\n\nA{% endif %}", TRIM, "\nA"),
    ("trim_only_a_newline_right_after", "{% if true %} \nA{% endif %}", TRIM, " \nA"),
    ("trim_never_after_a_variable", "{{ x }}\nA", TRIM, "1\nA"),
    ("trim_comment", "{# c #}\nA", TRIM, "A"),
    ("trim_comment_at_the_end", "A{# c #}\n", {**TRIM, **KEEP}, "A"),
    ("trim_general_lexer_tag", "{% set d = {'a': 1} %}\n{{ d.a }}", TRIM, "1"),
    ("trim_for_loop_lines", "{% for i in items %}\n{{ i }}\n{% endfor %}\n", TRIM, "1\n2\n"),
    ("trim_plus_keeps_the_newline", "{% if true +%}\nA{% endif %}", TRIM, "\nA"),
    ("trim_plus_in_general_lexer_tag", "{% set y = 2 +%}\n{{ y }}", TRIM, "\n2"),
    ("trim_comment_plus_keeps_the_newline", "{# c +#}\nA", TRIM, "\nA"),
    ("trim_plus_without_trim_is_plain", "{% if true +%}\nA{% endif %}", {}, "\nA"),
    ("trim_minus_still_strips_all", "{% if true -%}\n  A{% endif %}", TRIM, "A"),
    ("trim_comment_minus_strips_all", "{# c -#}\n  A", TRIM, "A"),
    (
        "trim_then_minus_opening",
        "{% if true %}\n \n {%- if true %}A{% endif %}{% endif %}",
        TRIM,
        "A",
    ),
    ("trim_not_after_raw_begin", "{% raw %}\nA{% endraw %}\nB", TRIM, "\nAB"),
    ("trim_after_endraw_minus", "{% raw -%}\n A {%- endraw %}\nB", TRIM, "AB"),
    ("trim_endraw_plus_keeps", "{% raw %}\nA{% endraw +%}\nB", TRIM, "\nA\nB"),
    ("trim_endraw_plus_without_trim", "{% raw %}A{% endraw +%}\nB", {}, "A\nB"),
    ("trim_crlf_newline", "{% if true %}\r\nA{% endif %}\r\nB", TRIM, "AB"),
    ("trim_cr_newline", "{% if true %}\rA{% endif %}\rB", TRIM, "AB"),
    ("trim_form_feed_is_no_newline", "{% if true %}\fA{% endif %}", TRIM, "\fA"),
    # -- lstrip_blocks: whitespace from a line's start up to {% or {# -----------------
    ("lstrip_at_template_start", "  {% if true %}A{% endif %}", LSTRIP, "A"),
    ("lstrip_after_newline", "x\n  {% if true %}A\n  {% endif %}", LSTRIP, "x\nA\n"),
    ("lstrip_keeps_the_newline", "  {% if true %}\nA{% endif %}", LSTRIP, "\nA"),
    ("lstrip_tabs", "\t \t{% if true %}A{% endif %}", LSTRIP, "A"),
    ("lstrip_any_whitespace", "\f\xa0{% if true %}A{% endif %}", LSTRIP, "A"),
    ("lstrip_not_after_text", "x  {% if true %}A{% endif %}", LSTRIP, "x  A"),
    ("lstrip_not_after_a_variable", "{{ x }}  {% if true %}A{% endif %}", LSTRIP, "1  A"),
    (
        "lstrip_not_after_a_block",
        "{% if true %}  {% if true %}A{% endif %}{% endif %}",
        LSTRIP,
        "  A",
    ),
    ("lstrip_never_before_a_variable", "  {{ x }}\n  {{ x }}", LSTRIP, "  1\n  1"),
    ("lstrip_general_lexer_tag", "  {% set y = 2 %}{{ y }}", LSTRIP, "2"),
    ("lstrip_plus_keeps", "  {%+ if true %}A{% endif %}", LSTRIP, "  A"),
    ("lstrip_plus_without_lstrip_is_plain", "  {%+ if true %}A{% endif %}", {}, "  A"),
    ("lstrip_minus_strips_all", "x\n  {%- if true %}A{% endif %}", LSTRIP, "xA"),
    ("lstrip_comment", "  {# c #}A", LSTRIP, "A"),
    ("lstrip_comment_plus_keeps", "  {#+ c #}A", LSTRIP, "  A"),
    ("lstrip_raw_and_endraw", "  {% raw %}A\n  {% endraw %}B", LSTRIP, "A\nB"),
    ("lstrip_endraw_not_after_text", "x {% raw %}  {% endraw %}B", LSTRIP, "x   B"),
    ("lstrip_endraw_plus_keeps", "{% raw %}\n  {%+ endraw %}B", LSTRIP, "\n  B"),
    ("lstrip_endraw_after_raw_minus", "{% raw -%}\n  {% endraw %}B", LSTRIP, "B"),
    ("lstrip_crlf_lines", "a\r\n\t{% if true %}b{% endif %}\r\n", LSTRIP, "a\nb"),
    ("lstrip_line_of_only_spaces", "a\n   \n  {% if true %}b{% endif %}", LSTRIP, "a\n   \nb"),
    # -- keep_trailing_newline ------------------------------------------------------
    ("keep_the_trailing_newline", "A\n", KEEP, "A\n"),
    ("keep_only_what_is_there", "A\n\n", KEEP, "A\n\n"),
    ("keep_crlf_as_newline", "A\r\n", KEEP, "A\n"),
    ("keep_cr_as_newline", "A\r", KEEP, "A\n"),
    ("keep_lone_newline", "\n", KEEP, "\n"),
    ("keep_default_drops_lone_newline", "\n", {}, ""),
    ("keep_after_variable", "{{ x }}\n", KEEP, "1\n"),
    # -- combined -------------------------------------------------------------------
    (
        "both_indented_loop",
        "<ul>\n  {% for i in items %}\n    <li>{{ i }}</li>\n  {% endfor %}\n</ul>\n",
        BOTH,
        "<ul>\n    <li>1</li>\n    <li>2</li>\n</ul>",
    ),
    (
        "both_nested_blocks",
        "{% for i in items %}\n  {% if i %}\n    {{ i }}\n  {% endif %}\n{% endfor %}\n",
        BOTH,
        "    1\n    2\n",
    ),
    ("both_comment_line_vanishes", "a\n  {# note #}\nb", BOTH, "a\nb"),
    ("both_minus_combines", "{% if true -%}\n  A  {%- endif %}\nB", BOTH, "AB"),
    ("both_plus_opening_and_closing", "  {%+ if true +%}\nA{% endif %}", BOTH, "  \nA"),
    ("both_minus_opening_plus_closing", "x\n  {%- if true +%}\nA{% endif %}", BOTH, "x\nA"),
    ("both_raw_lines", "  {% raw %}\n{{ a }}\n  {% endraw %}\nB", BOTH, "\n{{ a }}\nB"),
    ("both_tab_indented_crlf", "\t{% if true %}\r\n\tA\r\n\t{% endif %}\r\n", BOTH, "\tA\n"),
    ("all_three_keep_the_text_newline", "  {% if true %}\nA\n  {% endif %}\n", ALL, "A\n"),
    ("all_three_last_line_text", "{% if true %}\nA{% endif %}\nB\n", ALL, "AB\n"),
    ("all_three_crlf", "{% if true %}\r\nA\r\n{% endif %}\r\n", ALL, "A\n"),
]


@pytest.mark.parametrize(
    ("source", "options", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_whitespace_options_render_as_jinja(
    source: str, options: dict[str, bool], expected: str
) -> None:
    assert render(source, **options) == expected


def test_the_options_default_to_off() -> None:
    env = Environment()
    assert (env.trim_blocks, env.lstrip_blocks, env.keep_trailing_newline) == (False,) * 3


@pytest.mark.parametrize(
    ("attribute", "source", "expected"),
    [
        ("trim_blocks", "{% if true %}\nA{% endif %}", "A"),
        ("lstrip_blocks", "  {% if true %}A{% endif %}", "A"),
        ("keep_trailing_newline", "A\n", "A\n"),
    ],
)
def test_an_option_set_after_construction_applies_to_later_compiles(
    attribute: str, source: str, expected: str
) -> None:
    env = Environment()  # Flask: app.jinja_env.trim_blocks = True
    setattr(env, attribute, True)
    assert env.from_string(source).render() == expected


def test_templates_compiled_before_a_change_are_not_recompiled_as_in_jinja() -> None:
    env = Environment(loader=DictLoader({"a.txt": "{% if true %}\nA{% endif %}"}))
    assert env.get_template("a.txt").render() == "\nA"
    env.trim_blocks = True
    assert env.get_template("a.txt").render() == "\nA"  # cached
    env.cache.clear()
    assert env.get_template("a.txt").render() == "A"


def test_included_templates_are_lexed_with_the_same_options() -> None:
    loader = DictLoader(
        {"page": "  {% include 'part' %}\n!", "part": "{% if true %}\nP{% endif %}"}
    )
    env = Environment(loader=loader, trim_blocks=True, lstrip_blocks=True)
    assert env.get_template("page").render() == "P!"


@pytest.mark.parametrize(
    ("source", "options", "lineno"),
    [
        ("{% if true %}\n\n{{ 1 + }}{% endif %}", TRIM, 3),
        ("{# a #}\n{# b #}\n  {{ ) }}", BOTH, 3),
        ("  {% raw %}\n  {% endraw %}\n{{ ( }}", BOTH, 3),
        ("x\n  {%- if true -%}\n\n{% endfor %}", BOTH, 4),
    ],
)
def test_syntax_errors_name_the_source_line_whatever_the_options_removed(
    source: str, options: dict[str, bool], lineno: int
) -> None:
    with pytest.raises(TemplateSyntaxError) as caught:
        render(source, **options)
    assert caught.value.lineno == lineno


# -- Properties -------------------------------------------------------------------------

# Pieces of template text: tags with every modifier, comments, raw blocks, text with
# spaces, tabs and newlines. Some concatenations are invalid templates (an "endif" with no
# "if"): the properties compare errors as well as output.
PIECES = [
    " ", "  ", "\t", "\n", "\r\n", "\r", "a", "b c", "\f",
    "{{ x }}", "{{- x -}}", "{{+ x }}", "{# c #}", "{#- c -#}", "{#+ c +#}",
    "{% if true %}", "{%- if x -%}", "{%+ if true +%}", "{% else %}",
    "{% endif %}", "{%- endif %}", "{%+ endif +%}",
    "{% set y = {'k': 1} %}", "{%+ set y = 2 -%}", "{{ y }}",
    "{% raw %}{{ r }}\n  {% endraw %}", "{%- raw -%} r {%+ endraw +%}", "{%+ raw %}\n{% endraw -%}",
]  # fmt: skip
TEMPLATES = st.lists(st.sampled_from(PIECES), max_size=12).map("".join)
OPTIONS = st.fixed_dictionaries(
    {name: st.booleans() for name in ("trim_blocks", "lstrip_blocks", "keep_trailing_newline")}
)


def outcome(source: str, env: Environment) -> str:
    """The output, or the syntax error (message and line) as text."""
    try:
        return env.from_string(source).render(**CONTEXT)
    except TemplateSyntaxError as error:
        return f"error: {error}"


@given(TEMPLATES)
def test_block_options_change_nothing_without_block_tags_or_comments(source: str) -> None:
    # trim_blocks and lstrip_blocks act next to {% %} and {# #} only, never next to {{ }}
    # (Jinja's lexer); turned on or set as attributes, they leave such a template alone.
    source = source.replace("{%", "{{").replace("%}", "}}").replace("{#", "{{").replace("#}", "}}")
    expected = outcome(source, Environment())
    assigned = Environment()
    assigned.trim_blocks = assigned.lstrip_blocks = True
    assert outcome(source, Environment(trim_blocks=True, lstrip_blocks=True)) == expected
    assert outcome(source, assigned) == expected


@given(TEMPLATES, OPTIONS)
def test_crlf_and_cr_sources_render_as_newline_sources(source: str, options: Any) -> None:
    env = Environment(**options)
    unix = source.replace("\r\n", "\n").replace("\r", "\n")
    expected = outcome(unix, env)
    assert outcome(unix.replace("\n", "\r\n"), env) == expected
    assert outcome(unix.replace("\n", "\r"), env) == expected


# Tags that are templates on their own, as (opening, rest): lstrip looks at the opening,
# trim at the closing. Simple tags take the lexer's fast path, the others the general one.
UNITS = [
    ("{%", " set y = 1 %}"), ("{%-", " set y = 1 -%}"), ("{%+", " set y = 1 +%}"),
    ("{%", " if true %}A{% endif %}"), ("{%", " if x %}{%+ endif +%}"),
    ("{#", " c #}"), ("{#-", " c -#}"), ("{#+", " c +#}"),
    ("{{", " x }}"), ("{{-", " x -}}"), ("{{+", " x }}"),
    ("{%", " raw %} r {% endraw %}"), ("{%+", " raw -%} r {%+ endraw +%}"),
]  # fmt: skip
TEXT = st.text(alphabet=" \tab", max_size=3)
INDENTATION = st.text(alphabet=" \t", max_size=3)


@given(st.lists(st.tuples(st.sampled_from(UNITS), st.booleans(), TEXT), max_size=6))
def test_trim_blocks_removes_exactly_the_newline_right_after_a_block_or_comment(
    lines: list[tuple[tuple[str, str], bool, str]],
) -> None:
    # Model: trim_blocks renders as the template without the "\n" that follows a plain
    # "%}" or "#}" ("-%}" would strip it anyway); "+%}", "+#}" and "}}" keep it.
    source = expected_source = ""
    for (opening, rest), newline, text in lines:
        source += opening + rest + ("\n" if newline else "") + text
        kept = newline and (rest.endswith(("+%}", "+#}", "}}")))
        expected_source += opening + rest + ("\n" if kept else "") + text
    assert render(source, **TRIM) == render(expected_source)


@given(st.lists(st.tuples(INDENTATION, st.sampled_from(UNITS), TEXT), max_size=6))
def test_lstrip_blocks_removes_exactly_the_indentation_of_a_block_or_comment(
    lines: list[tuple[str, tuple[str, str], str]],
) -> None:
    # Model: one tag per line; lstrip_blocks renders as the template without the
    # indentation before "{%" and "{#" ("{%-" would strip it anyway); "{%+", "{#+" and
    # "{{" keep it.
    source = expected_source = ""
    for indentation, (opening, rest), text in lines:
        kept = opening in ("{%+", "{#+") or opening.startswith("{{")
        source += indentation + opening + rest + text + "\n"
        expected_source += (indentation if kept else "") + opening + rest + text + "\n"
    assert render(source, **LSTRIP) == render(expected_source)


@given(TEMPLATES)
def test_keep_trailing_newline_adds_back_only_the_final_newline(source: str) -> None:
    kept = outcome(source, Environment(keep_trailing_newline=True))
    dropped = outcome(source, Environment())
    if not source.endswith(("\n", "\r")):
        assert kept == dropped
    elif dropped.startswith("error: "):  # the line an error names may be the extra one
        assert kept.startswith("error: ")
    else:  # the newline is text, or a tag's "-" or trim ate it
        assert kept in (dropped, dropped + "\n")
