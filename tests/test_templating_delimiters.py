"""Jinja's other lexer options: the six delimiter strings and ``newline_sequence``.

Tables first (Vue's ``[[ ]]``, an ERB-like set, starts that begin one another, ends that
are also operators inside brackets, whitespace control and ``raw`` under other
delimiters, CRLF output), then the errors (what Jinja refuses at construction, messages
naming the custom end), the attribute form (``app.jinja_env.variable_start_string =
"[["``, the Flask idiom) and hypothesis properties: a template spelled with other
delimiters renders exactly as the same template spelled with Jinja's; the fast path for
simple tags agrees with the general lexer under every delimiter set; and with
``newline_sequence`` the output is the ``"\\n"`` output with its template newlines
replaced.

Every expected string was written by hand and checked against Jinja2 3.1.6
interactively. Mirrors tinyweb/template_lexer.py (rule 1) and ``templating.Environment``.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tinyweb import App, render_template_string, template_lexer
from tinyweb.template_lexer import Delimiters, tokenize
from tinyweb.templating import DictLoader, Environment, Template, TemplateSyntaxError

VUE = {"variable_start_string": "[[", "variable_end_string": "]]"}
ERB = {
    "block_start_string": "<%",
    "block_end_string": "%>",
    "variable_start_string": "${",
    "variable_end_string": "}",
    "comment_start_string": "<#",
    "comment_end_string": "#>",
}
PARENS = {
    "block_start_string": "(%",
    "block_end_string": "%)",
    "variable_start_string": "((",
    "variable_end_string": "))",
    "comment_start_string": "(#",
    "comment_end_string": "#)",
}
# A block start that begins with the variable start: the longest start wins.
NESTED_STARTS = {"block_start_string": "{{%", "block_end_string": "%}}"}
PHP = {
    "block_start_string": "<?",
    "block_end_string": "?>",
    "variable_start_string": "<?=",
    "variable_end_string": "?>",
}
LINE_COMMENTS = {"comment_start_string": "##", "comment_end_string": "\n"}
CONTEXT = {"x": "X", "items": [1, 2]}


def render(source: str, **options: Any) -> str:
    return Environment(autoescape=False, **options).from_string(source).render(**CONTEXT)


# (rule, source, options, Jinja2's output)
CASES: list[tuple[str, str, dict[str, Any], str]] = [
    ("vue_variables", "[[ x ]] {{ x }}", VUE, "X {{ x }}"),
    ("vue_blocks_keep_jinja_spelling", "{% for i in items %}[[ i ]]{% endfor %}", VUE, "12"),
    ("vue_end_inside_brackets_is_two_operators", "[[ [1, [2]][1] ]]", VUE, "[2]"),
    ("vue_nested_list_literal", "[[ [[1]] ]]", VUE, "[[1]]"),
    ("vue_dict_subscript", "[[ {'a': [1]}['a'] ]]", VUE, "[1]"),
    ("vue_whitespace_control", "a  [[- x -]]  b", VUE, "aXb"),
    ("vue_string_holding_the_end", "[[ ']]' ]]", VUE, "]]"),
    ("erb_everything", "<% for i in items %>${ i }<% endfor %><# c #>", ERB, "12"),
    ("erb_single_brace_end_closes_dict_first", "${ {'a': 1}['a'] }", ERB, "1"),
    ("erb_jinja_spelling_is_text", "{{ x }}{% if %}{# #}", ERB, "{{ x }}{% if %}{# #}"),
    ("erb_whitespace_control", "<%- if true -%>  a  <%- endif -%>|", ERB, "a|"),
    ("erb_raw", "<% raw %>${ x }<% endraw %>", ERB, "${ x }"),
    ("erb_raw_minus", "<% raw -%>  ${ x }  <%- endraw %>", ERB, "${ x }"),
    ("parens_all_kinds", "(% set y = (1, 2) %)(( y ))(# c #)", PARENS, "(1, 2)"),
    ("parens_call_in_variable", "(( '%s' % (x,) ))", PARENS, "X"),
    ("longest_start_first", "{{% if true %}}y{{% endif %}}{{ 2 }}", NESTED_STARTS, "y2"),
    ("php_like_shared_end", "<? if true ?><?= x ?><? endif ?>", PHP, "X"),
    ("line_comment_eats_its_newline", "a ## comment\nb", LINE_COMMENTS, "a b"),
    ("custom_trim_blocks", "<% if true %>\nA<% endif %>\nB", {**ERB, "trim_blocks": True}, "AB"),
    (
        "custom_lstrip_blocks",
        "x\n  <% if true %>\n  y\n  <% endif %>\nz",
        {**ERB, "trim_blocks": True, "lstrip_blocks": True},
        "x\n  y\nz",
    ),
    (
        "custom_plus_keeps_newline",
        "<% if true +%>\nA<% endif %>",
        {**ERB, "trim_blocks": True},
        "\nA",
    ),
    ("custom_comment_trim", "<# c #>\nA", {**ERB, "trim_blocks": True}, "A"),
    # -- newline_sequence: the template's newlines, in text and string literals --------
    ("crlf_text", "a\nb", {"newline_sequence": "\r\n"}, "a\r\nb"),
    ("crlf_sources_too", "a\r\nb\rc", {"newline_sequence": "\r\n"}, "a\r\nb\r\nc"),
    ("cr_text", "a\nb", {"newline_sequence": "\r"}, "a\rb"),
    ("crlf_string_literal", "{{ 'c\nd' }}", {"newline_sequence": "\r\n"}, "c\r\nd"),
    ("escaped_newline_is_a_value", "{{ 'e\\nf' }}", {"newline_sequence": "\r\n"}, "e\nf"),
    ("crlf_raw", "{% raw %}g\nh{% endraw %}", {"newline_sequence": "\r\n"}, "g\r\nh"),
    (
        "crlf_block_set",
        "{% set x %}a\nb{% endset %}{{ x }}",
        {"newline_sequence": "\r\n"},
        "a\r\nb",
    ),
    ("values_keep_their_newlines", "{{ v }}", {"newline_sequence": "\r\n"}, "1\n2"),
    (
        "crlf_keep_trailing_newline",
        "a\r\nb\n",
        {"newline_sequence": "\r\n", "keep_trailing_newline": True},
        "a\r\nb\r\n",
    ),
    ("crlf_trailing_newline_dropped", "a\nb\n", {"newline_sequence": "\r\n"}, "a\r\nb"),
    (
        "crlf_trim_blocks",
        "{% if true %}\nA\n{% endif %}",
        {"newline_sequence": "\r\n", "trim_blocks": True},
        "A\r\n",
    ),
]


@pytest.mark.parametrize(
    ("source", "options", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_renders_as_jinja(source: str, options: dict[str, Any], expected: str) -> None:
    env = Environment(autoescape=False, **options)
    assert env.from_string(source).render(v="1\n2", **CONTEXT) == expected


def test_defaults_are_jinjas() -> None:
    env = Environment()
    assert env.delimiters() == Delimiters("{%", "%}", "{{", "}}", "{#", "#}")
    assert env.newline_sequence == "\n"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"block_start_string": "{{"}, "start strings must be different"),
        ({"comment_start_string": "{%"}, "start strings must be different"),
        ({"variable_end_string": ""}, "non-empty"),
        ({"block_end_string": None}, "non-empty"),
        ({"newline_sequence": "\n\r"}, "newline_sequence"),
        ({"newline_sequence": ""}, "newline_sequence"),
    ],
)
def test_refused_options(options: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Environment(**options)


def test_refused_when_set_later_too() -> None:
    env = Environment()
    env.variable_start_string = "{%"
    with pytest.raises(ValueError, match="start strings must be different"):
        env.from_string("x")


@pytest.mark.parametrize(
    ("source", "options", "message"),
    [
        ("[[ x", VUE, "expected ']]'"),
        ("[[ x ) ]]", VUE, "unexpected ')', expected ']]'"),
        ("<% if x", ERB, "expected '%>'"),
        ("line 1\n<# never closed", ERB, "missing end of comment tag"),
        ("<% raw %>never closed", ERB, "missing end of raw directive"),
        ("a\n[[ x ]]\n[[ ( ]]", VUE, "line 3"),
    ],
)
def test_errors_name_the_custom_delimiters(
    source: str, options: dict[str, Any], message: str
) -> None:
    with pytest.raises(TemplateSyntaxError, match=re.escape(message)):
        render(source, **options)


def test_flask_idiom_set_on_the_apps_environment() -> None:
    """Flask apps with Vue on the page switch Jinja's variable delimiters on jinja_env."""
    app = App(__name__)
    app.jinja_env.variable_start_string = "[["
    app.jinja_env.variable_end_string = "]]"

    @app.route("/")
    def index() -> str:
        return render_template_string("<p id=app>{{ greeting }}</p>[[ user ]]", user="<Ann>")

    response = app.test_client().get("/")
    assert response.get_data(as_text=True) == "<p id=app>{{ greeting }}</p>&lt;Ann&gt;"


def test_loaded_templates_and_includes_use_the_environments_delimiters() -> None:
    loader = DictLoader(
        {
            "base.html": "<title><% block title %>B<% endblock %></title>",
            "page.html": "<% extends 'base.html' %><% block title %>${ x }<% endblock %>",
            "nav.html": "<% include 'item.html' %>",
            "item.html": "<li>${ x }</li>",
        }
    )
    env = Environment(loader=loader, **ERB)
    assert env.get_template("page.html").render(x="<P>") == "<title>&lt;P&gt;</title>"
    assert env.get_template("nav.html").render(x=1) == "<li>1</li>"


def test_template_takes_environment_options_as_jinja() -> None:
    template = Template("[[ x ]]{% if true %}\nA{% endif %}", trim_blocks=True, **VUE)
    assert template.render(x="<b>") == "&lt;b&gt;A"
    assert Template("a", **VUE).environment is Template("b", **VUE).environment
    assert Template("a").environment is not Template("b", **VUE).environment


def test_template_options_with_an_environment_are_refused() -> None:
    with pytest.raises(TypeError, match="options belong to the environment"):
        Template("x", Environment(), trim_blocks=True)


# -- properties ----------------------------------------------------------------------

SETS = [VUE, ERB, PARENS, NESTED_STARTS, {}]
JINJA = Delimiters()

# Template pieces over abstract delimiters: (kind, text) with kind "b", "v", "c", or
# "t" for text. Text never holds a character of any delimiter set above.
_text = st.text(alphabet="ab \n\t.-+", max_size=6).map(lambda text: ("t", text))
_modifier = st.sampled_from(["", "-", "+"])
_variable = st.tuples(
    _modifier, st.sampled_from(["x", "x ~ 'y'", "[1, [2]]", "{'k': {'j': 1}}.k"]), _modifier
)
_block = st.sampled_from(
    ["set y = 1", "set z = [[1]]", "if true", "endif", "for i in items", "endfor"]
)
_piece = st.one_of(
    _text,
    _variable.map(
        lambda parts: ("v", f"{parts[0]} {parts[1]} {parts[2] if parts[2] != '+' else ''}")
    ),
    st.tuples(_modifier, _block, _modifier).map(
        lambda parts: ("b", f"{parts[0]} {parts[1]} {parts[2]}")
    ),
    st.tuples(_modifier, _modifier).map(lambda parts: ("c", f"{parts[0]} note {parts[1]}")),
)


def spell(pieces: list[tuple[str, str]], delimiters: Delimiters) -> str:
    opening = {
        "b": delimiters.block_start,
        "v": delimiters.variable_start,
        "c": delimiters.comment_start,
    }
    closing = {"b": delimiters.block_end, "v": delimiters.variable_end, "c": delimiters.comment_end}
    return "".join(
        text if kind == "t" else opening[kind] + text + closing[kind] for kind, text in pieces
    )


def outcome(source: str, **options: Any) -> str:
    try:
        return render(source, **options)
    except TemplateSyntaxError as error:
        return f"error at line {error.lineno}"


@given(
    st.lists(_piece, max_size=10),
    st.sampled_from(SETS),
    st.booleans(),
    st.booleans(),
)
def test_other_delimiters_render_as_jinjas(
    pieces: list[tuple[str, str]], options: dict[str, str], trim: bool, lstrip: bool
) -> None:
    delimiters = Environment(**options).delimiters()
    flags = {"trim_blocks": trim, "lstrip_blocks": lstrip}
    assert outcome(spell(pieces, delimiters), **options, **flags) == outcome(
        spell(pieces, JINJA), **flags
    )


@given(st.lists(_piece, max_size=10), st.sampled_from(SETS), st.booleans())
def test_fast_path_agrees_with_the_general_lexer(
    pieces: list[tuple[str, str]], options: dict[str, str], trim: bool
) -> None:
    delimiters = Environment(**options).delimiters()
    source = spell(pieces, delimiters)
    simple_tag = template_lexer._patterns(trim, delimiters).simple_tag
    fast = dict(simple_tag)

    def tokens() -> Any:
        try:
            return tokenize(source, "t", trim_blocks=trim, delimiters=delimiters)
        except TemplateSyntaxError as error:
            return str(error)

    expected = tokens()
    simple_tag.update(dict.fromkeys(fast, re.compile("(?!)")))
    try:
        assert tokens() == expected
    finally:
        simple_tag.update(fast)


@given(st.lists(_piece, max_size=10), st.sampled_from(["\r\n", "\r"]), st.booleans())
def test_newline_sequence_replaces_the_templates_newlines(
    pieces: list[tuple[str, str]], sequence: str, keep: bool
) -> None:
    """Values never hold a newline here, so every newline out came from the template."""
    source = spell(pieces, JINJA)
    plain = outcome(source, keep_trailing_newline=keep)
    assert outcome(source, keep_trailing_newline=keep, newline_sequence=sequence) == (
        plain if plain.startswith("error") else plain.replace("\n", sequence)
    )
