"""Markup, escape, the built-in filters and tests, and the engine's invariants.

Mirrors tinyweb/markup.py and tinyweb/template_filters.py. Expected values are written
by hand from Jinja's and MarkupSafe's documentation; hypothesis checks the properties the
engine promises (escaping, idempotence, compile-time errors are only syntax errors).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tinyweb.markup import Markup, escape
from tinyweb.templating import Environment, TemplateSyntaxError

ROOT = Path(__file__).resolve().parent.parent


def render(source: str, **context: Any) -> str:
    return Environment().from_string(source).render(**context)


MARKUP = [
    ("escape_five_characters", escape("<a href=\"x\">'&'</a>"), "&lt;a href=&#34;x&#34;&gt;&#39;&amp;&#39;&lt;/a&gt;"),
    ("escape_keeps_markup", escape(Markup("<b>")), "<b>"),
    ("escape_non_strings", escape(3), "3"),
    ("add_escapes_other", Markup("<b>") + "<i>", "<b>&lt;i&gt;"),
    ("radd_escapes_other", "<i>" + Markup("<b>"), "&lt;i&gt;<b>"),
    ("mod_escapes_arguments", Markup("<p>%s %s</p>") % ("<", Markup("<br>")), "<p>&lt; <br></p>"),
    ("mod_single_argument", Markup("<p>%s</p>") % "&", "<p>&amp;</p>"),
    ("mod_mapping", Markup("%(a)s") % {"a": "<"}, "&lt;"),
    ("format_escapes", Markup("<p>{0}{x}</p>").format("<", x="&"), "<p>&lt;&amp;</p>"),
    ("join_escapes_items", Markup("<br>").join(["<", Markup("<i>")]), "&lt;<br><i>"),
    ("replace_escapes", Markup("a-b").replace("-", "<"), "a&lt;b"),
    ("striptags", Markup("<p>a  <!-- c --> <b>b</b> &amp;</p>").striptags(), "a b &"),
    ("unescape", Markup("&lt;&amp;").unescape(), "<&"),
    ("multiply", Markup("<b>") * 2, "<b><b>"),
]


@pytest.mark.parametrize(("value", "expected"), [case[1:] for case in MARKUP], ids=[case[0] for case in MARKUP])
def test_markup_operations_escape_their_arguments(value: str, expected: str) -> None:
    assert value == expected


def test_markup_results_stay_markup() -> None:
    assert isinstance(Markup("a") + "b", Markup)
    assert isinstance(Markup("%s") % "b", Markup)
    assert isinstance(Markup(",").join("ab"), Markup)
    assert isinstance(Markup("A").lower(), Markup)
    assert repr(Markup("<")) == "Markup('<')"


FILTERS = [
    ("escape", "{{ '<'|e }}{{ '<'|escape|e }}", "&lt;&lt;"),
    ("safe", "{{ '<b>'|safe }}", "<b>"),
    ("default", "{{ missing|default('d') }} {{ ''|default('e', true) }} {{ none|d('n') }} {{ 0|d(1) }}", "d e None 0"),
    ("length", "{{ 'abc'|length }} {{ [1, 2]|count }} {{ missing|length }}", "3 2 0"),
    ("join", "{{ [1, 2]|join }} {{ ['<', 'b']|join('<br>') }}", "12 &lt;&lt;br&gt;b"),
    ("join_with_markup_item", "{{ ['<', '<b>'|safe]|join(', ') }}", "&lt;, <b>"),
    ("join_attribute", "{{ users|join(', ', attribute='name') }}", "Ann, Bob"),
    ("case", "{{ 'aB'|upper }} {{ 'aB'|lower }} {{ 'hello big-world (x'|title }} {{ 'hELLO wORLD'|capitalize }}",
     "AB ab Hello Big-World (X Hello world"),
    ("trim", "[{{ '  a  '|trim }}][{{ 'xxaxx'|trim('x') }}]", "[a][a]"),
    ("truncate", "{{ 'foo bar baz qux'|truncate(9) }} {{ 'foo bar baz qux'|truncate(9, True) }} "
     "{{ 'foo bar baz qux'|truncate(11) }} {{ 'foo bar baz qux'|truncate(11, False, '...', 0) }}",
     "foo... foo ba... foo bar baz qux foo bar..."),
    ("replace", "{{ 'aXbX'|replace('X', '<') }} {{ 'aaa'|replace('a', 'b', 2) }}", "a&lt;b&lt; bba"),
    ("format", "{{ '%s-%03d'|format('a', 7) }} {{ '%(x)s'|format(x=1) }}", "a-007 1"),
    ("int_float", "{{ '42.7'|int }} {{ 'x'|int(5) }} {{ '0x1A'|int(0, 16) }} {{ '3'|float }} {{ 'y'|float }}", "42 5 26 3.0 0.0"),
    ("round", "{{ 2.5|round }} {{ 2.567|round(2) }} {{ 2.1|round(0, 'ceil') }} {{ 2.9|round(0, 'floor') }}", "2.0 2.57 3.0 2.0"),
    ("abs", "{{ -3|abs }} {{ (-2.5)|abs }}", "3 2.5"),
    ("first_last", "{{ [1, 2, 3]|first }} {{ [1, 2, 3]|last }} [{{ []|first }}]", "1 3 []"),
    ("list", "{{ 'ab'|list }}", "[&#39;a&#39;, &#39;b&#39;]"),
    ("sort", "{{ ['b', 'A', 'c']|sort|join }} {{ [3, 1, 2]|sort(reverse=true)|join }} {{ ['b', 'A']|sort(case_sensitive=true)|join }}",
     "Abc 321 Ab"),
    ("sort_attribute", "{{ users|sort(attribute='age')|map_names }}", "Bob,Ann"),
    ("reverse", "{{ 'abc'|reverse }} {{ [1, 2]|reverse|list }}", "cba [2, 1]"),
    ("dictsort", "{{ {'b': 1, 'A': 2}|dictsort }} {{ {'a': 2, 'b': 1}|dictsort(by='value') }}",
     "[(&#39;A&#39;, 2), (&#39;b&#39;, 1)] [(&#39;b&#39;, 1), (&#39;a&#39;, 2)]"),
    ("batch", "{% for row in [1, 2, 3, 4, 5]|batch(2, 0) %}{{ row }}{% endfor %}", "[1, 2][3, 4][5, 0]"),
    ("striptags", "{{ '<p>a  <b>b</b>&amp;c</p>'|striptags }}", "a b&amp;c"),
    ("urlencode", "{{ 'a b/c?&'|urlencode }} {{ {'k': 'a b', 'x': '&'}|urlencode }}", "a%20b/c%3F%26 k=a+b&amp;x=%26"),
    ("tojson", "{{ {'b': '<x>', 'a': \"'&\"}|tojson }}", '{"a": "\\u0027\\u0026", "b": "\\u003cx\\u003e"}'),
    ("center", "[{{ 'ab'|center(6) }}]", "[  ab  ]"),
    ("wordcount", "{{ 'hello big, world'|wordcount }}", "3"),
    ("indent", "{{ 'a\nb\n\nc'|indent }}|{{ 'a\nb'|indent(2, true) }}|{{ 'a\n\nb'|indent('-', blank=true) }}",
     "a\n    b\n\n    c|  a\n  b|a\n-\n-b"),
    ("items", "{% for k, v in {'a': 1}|items %}{{ k }}{{ v }}{% endfor %}{% for k in missing|items %}x{% endfor %}", "a1"),
    ("sum_min_max", "{{ [1, 2, 3]|sum }} {{ [1, 2]|sum(start=10) }} {{ ['b', 'A', 'c']|min }} {{ ['b', 'A', 'c']|max }}",
     "6 13 A c"),
    ("unique", "{{ ['a', 'A', 'b', 'a']|unique|join }}", "ab"),
    ("string", "{{ 1|string ~ 2 }}", "12"),
    ("map_attribute", "{{ users|map(attribute='name')|join(', ') }}", "Ann, Bob"),
    ("map_filter", "{{ ['a', 'b']|map('upper')|join }} {{ users|map(attribute='x', default='-')|join }}", "AB --"),
    ("select_reject", "{{ [1, 2, 3, 4]|select('odd')|list }} {{ [1, 2, 3, 4]|reject('odd')|list }} {{ [0, 1, '']|select|list }}",
     "[1, 3] [2, 4] [1]"),
    ("selectattr_rejectattr", "{{ users|selectattr('age', 'gt', 26)|map(attribute='name')|join }}"
     "{{ users|rejectattr('age', 'gt', 26)|map(attribute='name')|join }}", "AnnBob"),
]


def test_filter_table_ids_are_unique() -> None:
    assert len({case[0] for case in FILTERS}) == len(FILTERS)


class User:
    def __init__(self, name: str, age: int) -> None:
        self.name, self.age = name, age


@pytest.mark.parametrize(("source", "expected"), [case[1:] for case in FILTERS], ids=[case[0] for case in FILTERS])
def test_filters_match_jinja(source: str, expected: str) -> None:
    env = Environment()
    env.filters["map_names"] = lambda users: ",".join(user.name for user in users)
    users = [User("Ann", 31), User("Bob", 25)]
    assert env.from_string(source).render(users=users, none=None) == expected


TESTS = [
    ("defined", "{{ 1 is defined }} {{ missing is defined }} {{ missing is undefined }}", "True False True"),
    ("none", "{{ none is none }} {{ 0 is none }}", "True False"),
    ("even_odd", "{{ 2 is even }} {{ 2 is odd }} {{ 3 is odd }}", "True False True"),
    ("divisibleby", "{{ 9 is divisibleby 3 }} {{ 9 is divisibleby(2) }}", "True False"),
    ("string_number", "{{ 'a' is string }} {{ 1 is string }} {{ 1.5 is number }} {{ 'a' is number }}", "True False True False"),
    ("iterable", "{{ [] is iterable }} {{ 'a' is iterable }} {{ 1 is iterable }}", "True True False"),
    ("sameas", "{{ none is sameas none }} {{ 1 is sameas true }}", "True False"),
    ("negated", "{{ 2 is not odd }}", "True"),
]


@pytest.mark.parametrize(("source", "expected"), [case[1:] for case in TESTS], ids=[case[0] for case in TESTS])
def test_tests_match_jinja(source: str, expected: str) -> None:
    assert render(source, none=None) == expected


# -- Properties -----------------------------------------------------------------------


ENTITIES = ("&amp;", "&lt;", "&gt;", "&#34;", "&#39;")


def assert_no_raw_specials(html: str) -> None:
    assert not set(html) & set("<>\"'")
    for index, character in enumerate(html):
        if character == "&":
            assert html.startswith(ENTITIES, index), html


@given(st.text())
def test_any_string_through_an_expression_is_escaped(text: str) -> None:
    output = render("{{ x }}", x=text)
    assert_no_raw_specials(output)
    assert Markup(output).unescape() == text


@given(st.text(), st.sampled_from(["{{ x|e }}", "{{ x|upper }}", "{{ x ~ x }}", "{{ [x]|join(x) }}",
                                   "{% set y = x %}{{ y }}", "{% macro m(a) %}{{ a }}{% endmacro %}{{ m(x) }}"]))
def test_values_stay_escaped_through_filters_and_macros(text: str, source: str) -> None:
    assert_no_raw_specials(render(source, x=text))


@given(st.text())
def test_escape_is_idempotent_on_markup(text: str) -> None:
    once = escape(text)
    assert escape(once) == once
    assert isinstance(escape(once), Markup)


@given(st.text(alphabet=st.sampled_from(list("{}%#-+ xifendorset=|()'\"\n.,:[]ablockmacro~*0123456789")), max_size=60))
def test_template_text_raises_only_syntax_errors(source: str) -> None:
    try:
        Environment().from_string(source)
    except TemplateSyntaxError:
        pass


@given(st.text(max_size=80))
def test_arbitrary_text_raises_only_syntax_errors(source: str) -> None:
    try:
        Environment().from_string(source)
    except TemplateSyntaxError:
        pass


def test_fuzz_target_smoke() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "fuzz" / "fuzz_templating.py"), "--count", "300"],
        capture_output=True, text=True, timeout=60, cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert "inputs/sec" in result.stdout
