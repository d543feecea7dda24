"""Corners of Jinja's language found by running Jinja2 3.1's own test suite against tinyweb.

Each test holds one place where a template of the supported language rendered, or failed,
differently from Jinja2. The templates and expected texts are our own, written by hand
from Jinja2 3.1's behaviour (each was checked against Jinja2 3.1.6). Mirrors
tinyweb/template_parser.py, template_compiler.py, template_runtime.py and templating.py.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tinyweb.markup import Markup
from tinyweb.templating import (
    DictLoader,
    Environment,
    StrictUndefined,
    TemplateNotFound,
    TemplateRuntimeError,
    TemplatesNotFound,
    TemplateSyntaxError,
    UndefinedError,
    pass_context,
    pass_environment,
    pass_eval_context,
)


def test_an_if_expression_without_else_is_a_plain_undefined_even_when_strict() -> None:
    # Jinja's implicit else is always the default Undefined, never the environment's kind:
    # `class="{{ 'active' if current }}"` renders under StrictUndefined too.
    strict = Environment(undefined=StrictUndefined, autoescape=False)
    assert (
        strict.from_string('<li class="{{ "on" if here }}">').render(here=False) == '<li class="">'
    )
    assert strict.from_string("{{ (1 if false) is defined }}").render() == "False"
    assert strict.from_string("{% if (1 if false) %}y{% else %}n{% endif %}").render() == "n"
    pages = Environment(loader=DictLoader({"p.html": "\n{{ (1 if false).size }}"}))
    with pytest.raises(UndefinedError) as caught:
        pages.get_template("p.html").render()
    assert caught.value.message == (
        "the inline if-expression on line 2 in 'p.html' evaluated to false and no else"
        " section was defined."
    )


def test_loop_neighbours_say_there_is_none() -> None:
    env = Environment()
    with pytest.raises(UndefinedError) as caught:
        env.from_string("{% for x in [1] %}{{ loop.previtem.name }}{% endfor %}").render()
    assert caught.value.message == "there is no previous item"
    with pytest.raises(UndefinedError) as caught:
        env.from_string("{% for x in [1] %}{{ loop.nextitem.name }}{% endfor %}").render()
    assert caught.value.message == "there is no next item"


def test_a_missing_template_error_names_the_missing_template() -> None:
    # Jinja: TemplateNotFound.name is the template that was asked for, wherever it was.
    env = Environment(loader=DictLoader({"page.html": "\n{% include 'nav.html' %}"}))
    with pytest.raises(TemplateNotFound) as caught:
        env.get_template("page.html").render()
    assert caught.value.name == "nav.html" and str(caught.value) == "template not found: 'nav.html'"
    many = env.from_string("{% include ['a.html', 'b.html'] %}")
    with pytest.raises(TemplatesNotFound) as caught_many:
        many.render()
    assert caught_many.value.name == "b.html" and caught_many.value.templates == [
        "a.html",
        "b.html",
    ]


@pytest.mark.parametrize(
    "source",
    [
        "{% include page %}",
        "{% include page ignore missing %}",
        "{% extends page %}",
        "{% import page as m %}",
        "{% from page import m %}",
    ],
)
def test_a_template_name_that_is_undefined_is_an_undefined_error(source: str) -> None:
    # Jinja fails with the name's UndefinedError; "ignore missing" forgives only a missing file.
    with pytest.raises(UndefinedError, match="'page' is undefined"):
        Environment(loader=DictLoader({})).from_string(source).render()


def test_select_template_skips_undefined_names() -> None:
    env = Environment(loader=DictLoader({"b.html": "B"}))
    assert env.from_string("{% include [missing, 'b.html'] %}").render() == "B"
    with pytest.raises(UndefinedError):
        env.select_template(env.undefined("names"))


NAMESPACES = [
    ("block_set", "{% set ns = namespace() %}{% set ns.note %}<b>{{ 1 + 1 }}</b>{% endset %}[{{ ns.note }}]", "[<b>2</b>]"),
    ("block_set_filtered", "{% set ns = namespace() %}{% set ns.note | upper %}ok{% endset %}{{ ns.note }}", "OK"),
    ("block_set_in_loop", "{% set ns = namespace(last='') %}{% for x in 'ab' %}{% set ns.last %}<{{ x }}>{% endset %}{% endfor %}{{ ns.last }}", "<b>"),
    ("tuple_of_attributes", "{% set ns = namespace(a=1, b=2) %}{% set ns.a, ns.b = ns.b, ns.a %}{{ ns.a }}{{ ns.b }}", "21"),
    ("tuple_mixed", "{% set ns = namespace() %}{% set ns.a, c = 'xy' %}{{ ns.a }}{{ c }}", "xy"),
    ("mixed_name_exported", "{% set ns = namespace() %}{% set c, ns.a = 1, 2 %}{% include 'c.html' %}", "1"),
    ("positional_mapping", "{% set ns = namespace(defaults, b=3) %}{{ ns.a }}{{ ns.b }}", "13"),
    ("positional_pairs", "{% set ns = namespace([('a', 5)]) %}{{ ns.a }}", "5"),
    ("keyword_self", "{% set ns = namespace(self=1) %}{{ ns.self }}", "1"),
]


@pytest.mark.parametrize(("source", "expected"), [case[1:] for case in NAMESPACES], ids=[case[0] for case in NAMESPACES])
def test_namespace_assignments_as_jinja(source: str, expected: str) -> None:
    env = Environment(loader=DictLoader({"main.html": source, "c.html": "{{ c }}"}))
    template = env.get_template("main.html")
    assert template.render(defaults={"a": 1, "b": 2}) == expected
    assert "".join(template.generate(defaults={"a": 1, "b": 2})) == expected


def test_a_tuple_target_with_an_attribute_of_a_non_namespace_fails() -> None:
    with pytest.raises(TemplateRuntimeError, match="non-namespace"):
        Environment().from_string("{% set d = {} %}{% set a, d.x = 1, 2 %}").render()


def test_loop_is_no_for_loop_target() -> None:
    # Jinja: "Can't assign to special loop variable in for-loop target".
    for source in ("{% for loop in x %}{% endfor %}", "{% for a, loop in x %}{% endfor %}"):
        with pytest.raises(TemplateSyntaxError, match="loop variable"):
            Environment().from_string(source)
    assert Environment().from_string("{% set loop = 1 %}{{ loop }}").render() == "1"


def test_a_namespace_attribute_in_brackets_is_no_set_target() -> None:
    with pytest.raises(TemplateSyntaxError):
        Environment().from_string("{% set ns = namespace() %}{% set (ns.a, c) = 'xy' %}")


# Texts Jinja refuses when compiling, and close ones it accepts: (source, error or None).
SYNTAX = [
    ("parameter_after_default", "{% macro m(a, b=1, c) %}{% endmacro %}", "without a default follows"),
    ("call_parameter_after_default", "{% call(a=1, b) m() %}{% endcall %}", "without a default follows"),
    ("defaults_then_defaults", "{% macro m(a, b=1, c=2) %}{% endmacro %}", None),
    ("caller_parameter", "{% macro m(caller) %}{% endmacro %}", None),
    ("caller_parameter_default", "{% macro m(caller=none) %}{% endmacro %}", None),
    ("import_nothing", "{% from 'f' import %}", "expected name"),
    ("import_trailing_comma", "{% from 'f' import a, %}", "expected name"),
    ("import_two_commas", "{% from 'f' import a,, with context %}", "expected name"),
    ("import_comma_then_context", "{% from 'f' import a, b, with context %}", None),
    ("import_comma_after_context", "{% from 'f' import a with context, %}", "expected end of 'from' tag"),
    ("import_a_name_called_with", "{% from 'f' import a, with %}", None),
    ("call_star_then_positional", "{{ f(*a, b) }}", "positional argument after"),
    ("call_keyword_then_positional", "{{ f(k=1, b) }}", "positional argument after"),
    ("call_two_stars", "{{ f(*a, *b) }}", "* given twice"),
    ("call_star_after_double_star", "{{ f(**a, *b) }}", "* given twice or after **"),
    ("call_double_star_twice", "{{ f(**a, **b) }}", "** given twice"),
    ("call_keyword_after_double_star", "{{ f(**a, k=1) }}", "keyword argument after **"),
    ("call_star_then_keyword", "{{ f(a, *b, k=1, **c) }}", None),
    ("call_keyword_then_star", "{{ f(k=1, *b) }}", None),
    ("filter_arguments_too", "{{ x|f(*a, b) }}", "positional argument after"),
]


@pytest.mark.parametrize(("source", "error"), [case[1:] for case in SYNTAX], ids=[case[0] for case in SYNTAX])
def test_what_jinja_refuses_when_compiling(source: str, error: str | None) -> None:
    env = Environment()
    env.filters["f"] = lambda *args, **kwargs: ""
    if error is None:
        env.from_string(source)
    else:
        with pytest.raises(TemplateSyntaxError, match=re.escape(error)):
            env.from_string(source)


def test_the_arguments_jinja_accepts_keep_their_meaning() -> None:
    def show(*args: object, **kwargs: object) -> str:
        return f"{args}{sorted(kwargs.items())}"

    source = "{{ f(1, *[2], k=3, **{'m': 4}) }}|{{ f(k=1, *[2]) }}"
    assert Environment(autoescape=False).from_string(source).render(f=show) == (
        "(1, 2)[('k', 3), ('m', 4)]|(2,)[('k', 1)]"
    )


def test_a_name_a_template_does_not_export_is_undefined_naming_the_template() -> None:
    env = Environment(loader=DictLoader({"forms.html": "{% macro field() %}{% endmacro %}"}))
    page = env.from_string("{% from 'forms.html' import feild %}[{{ feild }}]{{ feild() }}")
    with pytest.raises(UndefinedError) as caught:
        page.render()
    assert caught.value.message == (
        "the template 'forms.html' (imported on line 1) does not export the requested name 'feild'"
    )
    assert "".join(env.from_string("{% from 'forms.html' import nope %}[{{ nope }}]").generate()) == "[]"


def test_an_imported_template_as_text_is_what_it_wrote() -> None:
    # Jinja's TemplateModule: {{ forms }} renders the template's output (markup).
    env = Environment(loader=DictLoader({"f.html": "{% macro m() %}{% endmacro %}<p>{{ 1 + 1 }}</p>"}))
    assert env.from_string("{% import 'f.html' as forms %}[{{ forms }}]").render() == "[<p>2</p>]"
    module = env.get_template("f.html").module
    assert str(module) == "<p>2</p>" and module.__html__() == "<p>2</p>"
    assert list(vars(module)) == ["m"]


def test_templates_not_found_says_which_name_was_undefined() -> None:
    env = Environment(loader=DictLoader({}))
    with pytest.raises(TemplatesNotFound) as caught:
        env.from_string("{% include [nav, 'nav.html'] %}").render()
    assert str(caught.value) == "none of the templates given were found: 'nav' is undefined, nav.html"


# -- finalize: Jinja's hook on every {{ }} output (the expected texts are Jinja 3.1's) ---


def blank_none(value: Any) -> Any:
    return "" if value is None else value


def test_finalize_applies_to_each_output_not_to_template_text() -> None:
    env = Environment(finalize=blank_none)
    assert env.from_string("{{ a }}|{{ b }}|x{{ none }}").render(a=None, b=1) == "|1|x"
    doubled = Environment(finalize=lambda value: value * 2)
    assert doubled.from_string("a{{ 'b' }}{{ c }}").render(c="c") == "abbcc"


def test_finalize_runs_in_every_body_and_before_escaping() -> None:
    env = Environment(finalize=blank_none, autoescape=False)
    source = (
        "{% macro m(v) %}[{{ v }}]{% endmacro %}{{ m(none) }}"
        "{% filter upper %}{{ n }}x{% endfilter %}{% set s %}{{ n }}{% endset %}{{ s }}"
        "{% for i in [none, 1] %}{{ i }}{% endfor %}|{{ caller }}"
    )
    template = env.from_string(source)
    assert template.render(n=None) == "[]X1|"
    assert "".join(template.generate(n=None)) == "[]X1|"
    escaping = Environment(finalize=lambda value: "<i>", autoescape=True)
    assert escaping.from_string("{{ a }}").render(a=1) == "&lt;i&gt;"
    safe = Environment(finalize=lambda value: Markup("<i>"), autoescape=True)
    assert safe.from_string("{{ a }}").render(a=1) == "<i>"


def test_finalize_may_be_passed_the_context_environment_or_eval_context() -> None:
    @pass_context
    def with_context(ctx: Any, value: Any) -> str:
        return f"{ctx['p']}{value}"

    @pass_environment
    def with_environment(environment: Any, value: Any) -> str:
        return f"{type(environment).__name__}:{value}"

    @pass_eval_context
    def with_eval_context(eval_ctx: Any, value: Any) -> str:
        return f"{eval_ctx.autoescape}:{value}"

    source = "{{ x }}{% for i in [1, 2] %}{{ i }}{% endfor %}"
    assert Environment(finalize=with_context).from_string(source).render(p="-", x=1) == "-1-1-2"
    assert Environment(finalize=with_environment).from_string("{{ x }}").render(x=1) == "Environment:1"
    both = "{{ x }}{% autoescape false %}{{ x }}{% endautoescape %}"
    assert Environment(finalize=with_eval_context).from_string(both).render(x=1) == "True:1False:1"


def test_finalize_is_read_when_a_template_is_compiled() -> None:
    env = Environment()
    before = env.from_string("{{ n }}")
    env.finalize = blank_none
    assert (before.render(n=None), env.from_string("{{ n }}").render(n=None)) == ("None", "")
