"""The template language, table by table: template text in, Jinja2's output out.

Expected strings are written by hand from Jinja's documented behaviour (defaults:
autoescape on for these string templates, trim_blocks and lstrip_blocks off, one trailing
newline dropped). Mirrors tinyweb/templating.py, template_compiler.py, template_parser.py.
"""

from __future__ import annotations

import os
import time
import traceback
from pathlib import Path
from typing import Any

import pytest

from tinyweb.markup import Markup
from tinyweb.templating import (
    DictLoader,
    Environment,
    FileSystemLoader,
    SecurityError,
    Template,
    TemplateError,
    TemplateNotFound,
    TemplatesNotFound,
    TemplateSyntaxError,
    UndefinedError,
)


class User:
    def __init__(self, name: str, age: int) -> None:
        self.name, self.age = name, age
        self._secret = "hidden"

    def greet(self, word: str = "hi") -> str:
        return f"{word} {self.name}"


CONTEXT: dict[str, Any] = {
    "x": "<a&b>",
    "n": 7,
    "items": ["a", "<b>", "c"],
    "d": {"k": 1, "z": "<z>"},
    "users": [User("Ann", 31), User("<Bob>", 25)],
    "none": None,
    "empty": [],
    "pair": (1, 2),
    "safe": Markup("<i>ok</i>"),
}


def render(source: str, templates: dict[str, str] | None = None, **context: Any) -> str:
    env = Environment(loader=DictLoader({"main.html": source, **(templates or {})}))
    return env.get_template("main.html").render({**CONTEXT, **context})


WHITESPACE = [
    ("trailing_newline_dropped", "a\n", "a"),
    ("only_one_trailing_newline_dropped", "a\n\n", "a\n"),
    ("crlf_normalised", "a\r\nb\r\n", "a\nb"),
    ("minus_strips_both_sides", "  {{- n -}}  \n  b", "7b"),
    ("block_strip", "{% if true -%}\n  yes\n{%- endif %}\n", "yes"),
    ("no_trim_blocks_by_default", "{% if true %}\n  a\n{% endif %}\n", "\n  a\n"),
    ("comment", "{# c #}x", "x"),
    ("comment_strip", "{#- c -#}  x", "x"),
    ("comment_strip_without_space", "a {#- c -#}b", "ab"),
    ("raw", "{% raw %}{{ x }}{% endraw %}", "{{ x }}"),
    ("raw_strip", "{%- raw -%}  {{ x }}  {%- endraw -%}  !", "{{ x }}!"),
    ("plus_is_accepted", "x {%+ if true %}y{% endif %}", "x y"),
    ("braces_inside_dict", "{{ {'a': {'b': 1}} }}", "{&#39;a&#39;: {&#39;b&#39;: 1}}"),
    ("delimiter_inside_string", "{{ '}}' }}", "}}"),
]

EXPRESSIONS = [
    ("escaped_by_default", "{{ x }}", "&lt;a&amp;b&gt;"),
    ("markup_not_escaped", "{{ safe }}", "<i>ok</i>"),
    ("none_renders_as_None", "{{ none }}", "None"),
    ("undefined_renders_empty", "{{ missing }}", ""),
    ("list", "{{ items }}", "[&#39;a&#39;, &#39;&lt;b&gt;&#39;, &#39;c&#39;]"),
    ("tuple_display", "{{ pair }} {{ (1,) }} {{ () }}", "(1, 2) (1,) ()"),
    ("precedence", "{{ 1 + 2 * 3 }}", "7"),
    ("pow_left_associative", "{{ 2 ** 3 ** 2 }}", "64"),
    ("unary_minus_binds_tighter_than_pow", "{{ -2 ** 2 }}", "4"),
    ("filter_binds_tighter_than_minus", "{{ -n|abs }}", "7"),
    ("division", "{{ 7 // 2 }} {{ 7 / 2 }} {{ 7 % 3 }} {{ 4 / 2 }}", "3 3.5 1 2.0"),
    ("concat", "{{ 'a' ~ 1 ~ x }}", "a1&lt;a&amp;b&gt;"),
    ("concat_with_markup_escapes_the_rest", "{{ x ~ safe }}", "&lt;a&amp;b&gt;<i>ok</i>"),
    ("compare_chain", "{{ 1 < 2 < 3 }} {{ 3 < 2 < 4 }}", "True False"),
    ("in_not_in", "{{ 'a' in items }} {{ 'z' not in items }}", "True True"),
    ("boolean_operators", "{{ n and 'y' or 'z' }} {{ not n }}", "y False"),
    ("literals", "{{ true }} {{ False }} {{ none }} {{ 1_000 }} {{ 1.5e3 }} {{ 0x1f }}", "True False None 1000 1500.0 31"),
    ("string_escapes", "{{ 'a\\tb' }} {{ \"q\\\"\" }}", "a\tb q&#34;"),
    ("adjacent_strings", "{{ 'a' 'b' }}", "ab"),
    ("conditional", "{{ 'yes' if n else 'no' }}", "yes"),
    ("conditional_without_else", "[{{ 'yes' if none }}]", "[]"),
    ("attribute_then_item", "{{ d.k }} {{ d['z'] }} {{ users[0].name }} {{ users.0.age }}", "1 &lt;z&gt; Ann 31"),
    ("missing_attribute_is_undefined", "[{{ d.missing }}]", "[]"),
    ("dict_method_wins", "{{ d.items()|list|length }}", "2"),
    ("method_calls", "{{ users[1].greet() }} {{ users[1].greet(word='yo') }}", "hi &lt;Bob&gt; yo &lt;Bob&gt;"),
    ("slices", "{{ items[1:] }} {{ items[::-1]|join }}", "[&#39;&lt;b&gt;&#39;, &#39;c&#39;] c&lt;b&gt;a"),
    ("globals", "{{ range(3)|list }} {{ dict(a=1) }}", "[0, 1, 2] {&#39;a&#39;: 1}"),
    ("filter_then_test", "{{ items|length is odd }}", "True"),
    ("tests", "{{ n is defined }} {{ missing is undefined }} {{ none is none }} {{ n is odd }} {{ n is even }}", "True True True True False"),
    ("test_arguments", "{{ 9 is divisibleby 3 }} {{ 9 is divisibleby(4) }} {{ n is not even }}", "True False True"),
    ("type_tests", "{{ x is string }} {{ n is number }} {{ items is iterable }} {{ none is sameas none }}", "True True True True"),
]

STATEMENTS = [
    ("if_elif_else", "{% if n > 9 %}big{% elif n > 5 %}mid{% else %}small{% endif %}", "mid"),
    ("undefined_is_false", "{% if missing %}a{% else %}b{% endif %}", "b"),
    ("loop_attributes", "{% for i in items %}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}{{ loop.revindex0 }}{{ loop.first }}{{ loop.last }}{{ loop.length }};{% endfor %}",
     "1032TrueFalse3;2121FalseFalse3;3210FalseTrue3;"),
    ("loop_cycle_and_neighbours", "{% for i in [1, 2, 3] %}{{ loop.cycle('o', 'e') }}{{ loop.previtem }}|{{ loop.nextitem }};{% endfor %}", "o|2;e1|3;o2|;"),
    ("for_else", "{% for i in empty %}x{% else %}none{% endfor %}", "none"),
    ("loop_cycle_with_variables", "{% for i in [1, 2, 3] %}{{ loop.cycle(x, 'b') }}{% endfor %}", "&lt;a&amp;b&gt;b&lt;a&amp;b&gt;"),
    ("loop_cycle_literals_are_escaped", "{% for i in [1, 2] %}{{ loop.cycle('<', '&') }}{% endfor %}", "&lt;&amp;"),
    ("loop_counter_and_context_mixed", "{% for i in 'ab' %}{{ loop.index }}{{ loop.last }}{{ loop.cycle('x', 'y') }}{% endfor %}", "1Falsex2Truey"),
    ("loop_seen_from_a_macro", "{% for i in 'ab' %}{% macro m() %}{{ loop.index }}{% endmacro %}{{ m() }}{% endfor %}", "12"),
    ("outer_loop_kept_in_a_variable", "{% for i in 'ab' %}{% set outer = loop %}{% for j in 'cd' %}{{ outer.index }}{{ loop.index }}{% endfor %}{% endfor %}", "11122122"),
    ("loop_filter_with_unpacking", "{% for a, b in [(1, 2), (3, 4)] if a > 1 %}{{ loop.index }}{{ a }}{{ b }}{{ loop.length }}{% endfor %}", "1341"),
    ("empty_bodies", "{% block a %}{% endblock %}{% macro m() %}{% endmacro %}[{{ m() }}]{% for i in [] %}{% endfor %}{% if 1 %}{% endif %}", "[]"),
    ("for_filter_counts_kept_items", "{% for i in [3, 1, 2] if i > 1 %}{{ i }}{{ loop.index }}/{{ loop.length }} {% endfor %}", "31/2 22/2 "),
    ("for_unpacking", "{% for k, v in d|dictsort %}{{ k }}={{ v }};{% endfor %}", "k=1;z=&lt;z&gt;;"),
    ("nested_loops_own_loop", "{% for a in pair %}{% for b in pair %}{{ loop.index }}{{ a }}{{ b }} {% endfor %}{% endfor %}", "111 212 121 222 "),
    ("loop_changed", "{% for i in range(4) %}{% if loop.changed(i // 2) %}{{ i }}{% endif %}{% endfor %}", "02"),
    ("set", "{% set y = 3 %}{{ y }}", "3"),
    ("set_tuple", "{% set a, b = pair %}{{ a }}-{{ b }}", "1-2"),
    ("block_set_is_markup", "{% set v %}<b>{{ x }}</b>{% endset %}{{ v }}", "<b>&lt;a&amp;b&gt;</b>"),
    ("block_set_filter", "{% set v | upper %}ab{% endset %}{{ v }}", "AB"),
    ("set_in_loop_does_not_leak", "{% set y = 1 %}{% for i in pair %}{% set y = i %}{{ y }}{% endfor %}{{ y }}", "121"),
    ("set_in_if_is_visible", "{% if true %}{% set y = 5 %}{% endif %}{{ y }}", "5"),
    ("namespace_carries_values_out_of_loops",
     "{% set ns = namespace(count=0) %}{% for i in items %}{% set ns.count = ns.count + 1 %}{% endfor %}{{ ns.count }}", "3"),
    ("macro_defaults", "{% macro m(a, b=2) %}[{{ a }}{{ b }}]{% endmacro %}{{ m(1) }}{{ m(1, 3) }}{{ m(b=4, a='<') }}{{ m() }}",
     "[12][13][&lt;4][2]"),
    ("macro_varargs_kwargs", "{% macro m() %}{{ varargs }}{{ kwargs }}{% endmacro %}{{ m(1, 2, k=3) }}", "(1, 2){&#39;k&#39;: 3}"),
    ("call_block", "{% macro w() %}<div>{{ caller() }}</div>{% endmacro %}{% call w() %}in {{ x }}{% endcall %}", "<div>in &lt;a&amp;b&gt;</div>"),
    ("call_block_arguments", "{% macro l(xs) %}<ul>{% for x in xs %}<li>{{ caller(x) }}</li>{% endfor %}</ul>{% endmacro %}"
     "{% call(u) l(users) %}{{ u.name }}{% endcall %}", "<ul><li>Ann</li><li>&lt;Bob&gt;</li></ul>"),
]

TEMPLATES = {
    "base.html": "<title>{% block title %}Base{% endblock %}</title>\n"
    "<body>{% block body %}<p>{% block inner %}in{% endblock %}</p>{% endblock %}</body>\n"
    "{% include 'nav.html' %}\n",
    "nav.html": "<nav>{% for i in items %}<a>{{ i }}</a>{% endfor %}{{ who }}</nav>",
    "mid.html": "{% extends 'base.html' %}{% block title %}Mid-{{ super() }}{% endblock %}"
    "{% block inner %}[{{ super() }}]{% endblock %}",
    "setter.html": "{% set who = 'inc' %}{{ who }}",
    "forms.html": "{% macro field(name, value='') %}<input name={{ name }} value={{ value }}>{% endmacro %}"
    "{% set version = 3 %}text is not exported{% macro show() %}[{{ n }}]{% endmacro %}",
}
NAV = "<nav><a>a</a><a>&lt;b&gt;</a><a>c</a>{}</nav>"

INHERITANCE = [
    ("parent_alone", "{% extends 'base.html' %}", "<title>Base</title>\n<body><p>in</p></body>\n" + NAV.format("")),
    ("child_block_and_super", "{% extends 'base.html' %}{% block title %}{{ super() }}+C{% endblock %}ignored",
     "<title>Base+C</title>\n<body><p>in</p></body>\n" + NAV.format("")),
    ("three_levels", "{% extends 'mid.html' %}{% block title %}Top/{{ super() }}{% endblock %}{% block inner %}({{ super() }}){% endblock %}",
     "<title>Top/Mid-Base</title>\n<body><p>([in])</p></body>\n" + NAV.format("")),
    ("nested_block_override", "{% extends 'base.html' %}{% block body %}B{{ super() }}{% endblock %}{% block inner %}I{% endblock %}",
     "<title>Base</title>\n<body>B<p>I</p></body>\n" + NAV.format("")),
    ("new_nested_block_in_child", "{% extends 'base.html' %}{% block title %}<{% block sub %}s{% endblock %}>{{ super() }}{% endblock %}",
     "<title><s>Base</title>\n<body><p>in</p></body>\n" + NAV.format("")),
    ("text_before_extends_kept", "before{% extends 'base.html' %}after", "before<title>Base</title>\n<body><p>in</p></body>\n" + NAV.format("")),
    ("child_top_level_set_seen_by_parent", "{% extends 'base.html' %}{% set who = 'kid' %}",
     "<title>Base</title>\n<body><p>in</p></body>\n" + NAV.format("kid")),
    ("child_block_set_after_extends_is_rendered_for_its_value",
     "{% extends 'base.html' %}{% set who %}k{{ 'i' }}{% if true %}d{% endif %}{% endset %}",
     "<title>Base</title>\n<body><p>in</p></body>\n" + NAV.format("kid")),
    ("include_shares_context", "{% set who = 'me' %}{% include 'nav.html' %}", NAV.format("me")),
    ("include_sees_loop_variable", "{% for who in ['x'] %}{% include 'nav.html' %}{% endfor %}", NAV.format("x")),
    ("include_sets_do_not_leak", "{% include 'setter.html' %}[{{ who }}]", "inc[]"),
    ("include_ignore_missing", "{% include 'nope.html' ignore missing %}ok", "ok"),
    ("include_first_found", "{% include ['nope.html', 'setter.html'] %}", "inc"),
    ("blocks_without_parent", "{% block a %}A{% block b %}B{% endblock b %}{% endblock %}", "AB"),
    ("import_as_module", "{% import 'forms.html' as forms %}{{ forms.field('a', '<') }}{{ forms.version }}",
     "<input name=a value=&lt;>3"),
    ("from_import_with_alias", "{% from 'forms.html' import field, version as v %}{{ field('b') }}{{ v }}", "<input name=b value=>3"),
    ("import_missing_name_is_undefined", "{% from 'forms.html' import nothing %}[{{ nothing }}]", "[]"),
    ("import_without_context_by_default", "{% from 'forms.html' import show %}{{ show() }}", "[]"),
    ("import_with_context", "{% from 'forms.html' import show with context %}{{ show() }}", "[7]"),
    ("block_does_not_see_loop_variable", "{% for i in items %}{% block x %}[{{ i }}]{% endblock %}{% endfor %}", "[][][]"),
]


@pytest.mark.parametrize(("source", "expected"), [case[1:] for case in WHITESPACE], ids=[case[0] for case in WHITESPACE])
def test_whitespace_matches_jinja(source: str, expected: str) -> None:
    assert render(source) == expected


@pytest.mark.parametrize(("source", "expected"), [case[1:] for case in EXPRESSIONS], ids=[case[0] for case in EXPRESSIONS])
def test_expressions(source: str, expected: str) -> None:
    assert render(source) == expected


@pytest.mark.parametrize(("source", "expected"), [case[1:] for case in STATEMENTS], ids=[case[0] for case in STATEMENTS])
def test_statements(source: str, expected: str) -> None:
    assert render(source) == expected


@pytest.mark.parametrize(("source", "expected"), [case[1:] for case in INHERITANCE], ids=[case[0] for case in INHERITANCE])
def test_inheritance_and_include(source: str, expected: str) -> None:
    assert render(source, TEMPLATES) == expected


SYNTAX_ERRORS = [
    ("unclosed_variable", "a\n{{ x", 2, "'}}'"),
    ("unclosed_for", "{% for x in y %}\n", 1, "'endfor'"),
    ("unknown_tag", "\n\n{% frobnicate %}", 3, "unknown tag"),
    ("stray_end_tag", "{% endif %}", 1, "unknown tag"),
    ("unknown_filter", "{{ x|nofilter }}", 1, "no filter named 'nofilter'"),
    ("unknown_test", "{{ x is nothing }}", 1, "no test named 'nothing'"),
    ("unclosed_comment", "{# c", 1, "comment"),
    ("missing_expression", "{{ }}", 1, "expected an expression"),
    ("bad_bracket", "{{ (1] }}", 1, "unexpected ']'"),
    ("duplicate_block", "{% block a %}{% endblock %}\n{% block a %}{% endblock %}", 2, "defined twice"),
    ("for_without_in", "{% for x of y %}{% endfor %}", 1, "'in'"),
    ("duplicate_macro_parameter", "\n{% macro m(b, b) %}{% endmacro %}", 2, "parameter 'b' appears twice"),
    ("duplicate_call_parameter", "{% call(x, x) m() %}{% endcall %}", 1, "parameter 'x' appears twice"),
]


@pytest.mark.parametrize(("source", "line", "expected"), [case[1:] for case in SYNTAX_ERRORS], ids=[case[0] for case in SYNTAX_ERRORS])
def test_syntax_errors_name_template_line_and_expectation(source: str, line: int, expected: str) -> None:
    with pytest.raises(TemplateSyntaxError) as caught:
        render(source)
    assert caught.value.lineno == line
    assert caught.value.name == "main.html"
    assert expected in str(caught.value)
    assert f"line {line}" in str(caught.value)


@pytest.mark.parametrize(
    "source",
    ["{{ " + "(" * 3000 + "1" + ")" * 3000 + " }}", "{% if 1 %}" * 300 + "{% endif %}" * 300,
     "{% for x in y %}" * 25 + "{% endfor %}" * 25, "{{ " + "-" * 3000 + "1 }}"],
    ids=["brackets", "ifs", "fors", "minus"],
)
def test_deep_nesting_is_a_syntax_error(source: str) -> None:
    with pytest.raises(TemplateSyntaxError) as caught:
        render(source)
    assert "main.html" in str(caught.value)


def test_undefined_attribute_raises_with_template_line() -> None:
    with pytest.raises(UndefinedError) as caught:
        render("line 1\nline 2 {{ missing.attr }}")
    assert "'missing' is undefined" in str(caught.value)
    assert caught.value.lineno == 2


def test_runtime_error_traceback_points_at_template_line(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text("one\n{% for i in items %}\n{{ 1 // i }}\n{% endfor %}\n")
    env = Environment(loader=FileSystemLoader(tmp_path))
    with pytest.raises(ZeroDivisionError) as caught:
        env.get_template("page.html").render(items=[1, 0])
    frames = traceback.extract_tb(caught.value.__traceback__)
    template_frames = [frame for frame in frames if frame.filename.endswith("page.html")]
    assert template_frames and template_frames[-1].lineno == 3
    assert template_frames[-1].line == "{{ 1 // i }}"


def test_strict_undefined_raises_on_any_use() -> None:
    env = Environment(undefined="strict")
    for source in ("{{ missing }}", "{% if missing %}{% endif %}", "{% for a in missing %}{% endfor %}"):
        with pytest.raises(UndefinedError):
            env.from_string(source).render()
    assert env.from_string("{{ missing is defined }}{{ missing|default('d') }}").render() == "Falsed"


@pytest.mark.parametrize("source", ["{{ ''.__class__ }}", "{{ users[0]._secret }}", "{{ ''.__class__.__mro__ }}"])
def test_underscore_attributes_are_unreachable(source: str) -> None:
    with pytest.raises(SecurityError):
        render(source)


def test_underscore_item_that_fails_is_undefined_never_the_attribute() -> None:
    assert render("[{{ x['__class__'] }}][{{ users[0]['_secret'] }}]") == "[][]"


def test_underscore_item_of_a_dict_is_allowed() -> None:
    assert render("{{ d._k }}", d={"_k": "v"}) == "v"


@pytest.mark.parametrize("name", ["../secret.html", "/etc/passwd", "a/../../b", "a\x00b", "", "a\\..\\b"])
def test_loaders_refuse_traversal(tmp_path: Path, name: str) -> None:
    (tmp_path / "ok.html").write_text("ok")
    for loader in (FileSystemLoader(tmp_path), DictLoader({name: "x"})):
        with pytest.raises(TemplateNotFound):
            Environment(loader=loader).get_template(name)


def test_template_names_reach_python_only_as_literals() -> None:
    name = "x'); import os; os.system('echo pwned') #.html"
    env = Environment(loader=DictLoader({name: "{% block b %}{{ 1 }}{% endblock %}"}))
    assert env.get_template(name).render() == "1"


def test_autoescape_selection() -> None:
    env = Environment(loader=DictLoader({"a.html": "{{ x }}", "a.txt": "{{ x }}", "a.SVG": "{{ x }}"}))
    assert env.get_template("a.html").render(x="<") == "&lt;"
    assert env.get_template("a.txt").render(x="<") == "<"
    assert env.get_template("a.SVG").render(x="<") == "&lt;"
    assert env.from_string("{{ x }}").render(x="<") == "&lt;"
    assert Environment(autoescape=False).from_string("{{ x }}").render(x="<") == "<"
    assert Environment(autoescape=lambda name: False).from_string("{{ x }}").render(x="<") == "<"


def test_autoescape_off_join_and_macros_are_plain_strings() -> None:
    env = Environment(autoescape=False)
    assert env.from_string("{% macro m() %}<{{ x }}>{% endmacro %}{{ m() }}").render(x="&") == "<&>"


def test_template_shortcut_and_render_arguments() -> None:
    template = Template("{{ a }}{{ b }}")
    assert template.render({"a": 1}, b=2) == "12"
    assert template.render(a="<") == "&lt;"


def test_globals_filters_and_tests_are_extensible() -> None:
    env = Environment()
    env.globals["site"] = "tiny"
    env.filters["double"] = lambda value: value * 2
    env.tests["big"] = lambda value: value > 10
    assert env.from_string("{{ site|double }} {{ 11 is big }}").render() == "tinytiny True"


def test_cache_and_auto_reload(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text("one")
    env = Environment(loader=FileSystemLoader([tmp_path]))
    first = env.get_template("page.html")
    assert env.get_template("page.html") is first
    page.write_text("two")
    os.utime(page, (time.time() + 5, time.time() + 5))
    assert env.get_template("page.html").render() == "two"
    frozen = Environment(loader=FileSystemLoader(tmp_path), auto_reload=False)
    template = frozen.get_template("page.html")
    os.utime(page, (time.time() + 10, time.time() + 10))
    assert frozen.get_template("page.html") is template


def test_dict_loader_reload_and_missing() -> None:
    mapping = {"a.html": "one"}
    env = Environment(loader=DictLoader(mapping))
    assert env.get_template("a.html").render() == "one"
    mapping["a.html"] = "two"
    assert env.get_template("a.html").render() == "two"
    with pytest.raises(TemplateNotFound):
        env.get_template("b.html")
    with pytest.raises(TemplateNotFound):
        render("{% include 'nope.html' %}")


def test_select_template_takes_the_first_that_exists_as_jinja() -> None:
    env = Environment(loader=DictLoader({"b.html": "B", "c.html": "C"}))
    assert env.select_template(["a.html", "b.html", "c.html"]).render() == "B"
    assert env.get_or_select_template("c.html").render() == "C"
    assert env.get_or_select_template(["a.html", "c.html"]).render() == "C"
    compiled = env.from_string("T")
    assert env.select_template(["a.html", compiled]) is compiled
    assert env.get_or_select_template(compiled) is compiled
    with pytest.raises(TemplatesNotFound) as caught:
        env.select_template(["a.html", "z.html"])
    assert isinstance(caught.value, TemplateNotFound) and caught.value.templates == ["a.html", "z.html"]
    assert caught.value.name == "z.html"  # Jinja: the last name tried
    with pytest.raises(TemplatesNotFound, match="empty list"):
        env.select_template([])
    with pytest.raises(TemplatesNotFound):
        render("{% include ['x.html', 'y.html'] %}")


def test_templates_take_their_own_globals_as_jinja() -> None:
    # Jinja: get_template(name, parent, globals) and from_string(source, globals,
    # template_class); template.globals chains them before the environment's.
    env = Environment(loader=DictLoader({
        "page.html": "{{ site }} {{ who }}{% include 'part.html' without context %}",
        "part.html": "|{{ site }}",
        "lib.html": "{% macro m() %}{{ site }}{% endmacro %}",
    }))  # fmt: skip
    env.globals.update(site="env", who="all")
    page = env.get_template("page.html", globals={"site": "own"})
    assert page.render() == "own all|env"  # the included template has its own globals
    assert page.render(site="arg") == "arg all|env"  # render arguments win
    assert env.get_template("page.html", globals={"who": "again"}) is page  # cached, updated
    assert page.render() == "own again|env" and page.globals["site"] == "own"
    assert env.get_template("lib.html", globals={"site": "lib"}).module.m() == "lib"
    assert env.from_string("{{ site }}", globals={"site": "s"}).render() == "s"
    assert env.from_string("{{ site }}").render() == "env"
    assert env.select_template(["x.html", "part.html"], globals={"site": "p"}).render() == "|p"

    class Loud(Template):
        def render(self, *args: Any, **kwargs: Any) -> str:
            return super().render(*args, **kwargs).upper()

    assert env.from_string("{{ site }}", template_class=Loud).render() == "ENV"
    env.template_class = Loud
    env.cache.clear()  # (a cached template keeps its class, as in Jinja)
    assert env.get_template("part.html").render() == "|ENV"


def test_list_templates_as_jinja(tmp_path: Any) -> None:
    # Jinja's Environment.list_templates and the loaders' (Flask's test_templates_list).
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.html").write_text("x")
    (tmp_path / "b.txt").write_text("b")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "b.txt").write_text("shadowed? no: another name")
    env = Environment(loader=FileSystemLoader([tmp_path, tmp_path / "a"]))
    assert env.list_templates() == ["a/x.html", "b.txt", "other/b.txt", "x.html"]
    assert env.list_templates(extensions=["html"]) == ["a/x.html", "x.html"]
    assert env.list_templates(filter_func=lambda name: name.startswith("o")) == ["other/b.txt"]
    assert Environment(loader=DictLoader({"z": "", "y": ""})).list_templates() == ["y", "z"]
    with pytest.raises(TypeError):
        Environment().list_templates()  # no loader
    with pytest.raises(TypeError):
        env.list_templates(extensions=["html"], filter_func=bool)


def test_only_namespaces_take_attribute_assignments() -> None:
    with pytest.raises(TemplateError):
        render("{% set d2 = {} %}{% set d2.x = 1 %}")


def test_macro_argument_errors() -> None:
    with pytest.raises(TypeError):
        render("{% macro m(a) %}{% endmacro %}{{ m(1, 2) }}")
    with pytest.raises(TypeError):
        render("{% macro m(a) %}{% endmacro %}{{ m(b=1) }}")


def test_a_special_read_in_a_nested_macro_is_accepted_by_the_outer_one_as_in_jinja() -> None:
    # Jinja looks for caller/varargs/kwargs in the whole body, nested macros included.
    nested_caller = "{% macro a() %}[{% macro b() %}{{ caller() }}{% endmacro %}]{% endmacro %}"
    assert render(nested_caller + "{% call a() %}C{% endcall %}") == "[]"
    nested_varargs = "{% macro a() %}[{% macro b() %}{{ varargs }}{% endmacro %}{{ b(3) }}]{% endmacro %}"
    assert render(nested_varargs + "{{ a(1, 2) }}") == "[(3,)]"


def test_super_without_parent_block_raises() -> None:
    with pytest.raises(UndefinedError):
        render("{% block a %}{{ super() }}{% endblock %}")
