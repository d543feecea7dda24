"""Filters, tests and global functions marked ``pass_context`` (Jinja's decorator) receive
the template's ``Context`` first: ``ctx["name"]``, ``ctx.get``, ``ctx.name``,
``ctx.environment``, ``ctx.parent``, ``ctx.vars``, ``ctx.get_all()``, ``ctx.eval_ctx``.

Expected strings are written by hand from Jinja 3.1's documented behaviour (the context
holds the template-level variables: those passed to ``render``, the globals and the
top-level ``{% set %}``; loop variables and macro arguments are not in it) and were
checked against Jinja2 3.1. Mirrors template_runtime.py (``Context``) and
template_parser.py (``passed_first``, ``open_call``).
"""

from __future__ import annotations

from typing import Any

import pytest

from tinyweb.markup import Markup
from tinyweb.templating import (
    Context,
    DictLoader,
    Environment,
    TemplateRuntimeError,
    Undefined,
    pass_context,
)


@pass_context
def greet(ctx: Context, value: str) -> str:
    return f"{ctx['greeting']} {value} ({ctx.name})"


@pass_context
def over_limit(ctx: Context, value: int) -> bool:
    return bool(value > ctx.get("limit", 10))


@pass_context
def user_name(ctx: Context, suffix: str = "") -> str:
    return f"{ctx.get('user', 'nobody')}{suffix}"


def environment(templates: dict[str, str]) -> Environment:
    env = Environment(loader=DictLoader(templates))
    env.filters["greet"] = greet
    env.tests["over_limit"] = over_limit
    env.globals["user_name"] = user_name
    return env


def test_a_filter_test_and_global_receive_the_context() -> None:
    env = environment({
        "page.html": '{% set greeting = "Hi" %}{{ name|greet }}|{{ 12 is over_limit }}'
                     "|{{ 3 is over_limit }}|{{ user_name() }}|{{ user_name('!') }}",
    })  # fmt: skip
    assert env.get_template("page.html").render(name="Ann", user="ann", limit=5) == (
        "Hi Ann (page.html)|True|False|ann|ann!"
    )
    assert env.get_template("page.html").render(name="Bo") == "Hi Bo (page.html)|True|False|nobody|nobody!"


def test_the_context_is_the_templates_variables_not_its_locals() -> None:
    # Loop variables and macro arguments are not in Jinja's context; top-level sets are.
    env = environment({
        "page.html": "{% set user = 'top' %}{% for user in ['loop'] %}{{ user_name() }}{% endfor %}"
                     "{% macro m(user) %}{{ user_name() }}{% endmacro %}|{{ m('arg') }}",
    })  # fmt: skip
    assert env.get_template("page.html").render() == "top|top"


def test_context_basics() -> None:
    seen: dict[str, Any] = {}

    @pass_context
    def inspect(ctx: Context) -> str:
        seen["ctx"] = ctx
        return ""

    env = Environment(loader=DictLoader({"a.html": "{% set local = 1 %}{{ inspect() }}"}))
    env.globals["inspect"] = inspect
    env.get_template("a.html").render(passed="p")
    ctx = seen["ctx"]
    assert ctx.name == "a.html" and ctx.environment is env
    assert ctx["passed"] == "p" and ctx["local"] == 1 and ctx["range"] is range
    assert ctx.get("missing") is None and ctx.get("missing", 3) == 3
    assert "passed" in ctx and "missing" not in ctx
    with pytest.raises(KeyError):
        ctx["missing"]
    assert isinstance(ctx.resolve("missing"), Undefined) and ctx.resolve("passed") == "p"
    assert ctx.vars == {"passed": "p", "local": 1}  # what the template was given and set
    assert ctx.parent["range"] is range and "passed" not in ctx.parent  # the globals
    assert ctx.get_all() == {**env.globals, "passed": "p", "local": 1}
    assert ctx.eval_ctx.autoescape is True and ctx.eval_ctx.environment is env
    assert "a.html" in repr(ctx)


def test_context_in_blocks_includes_streams_and_autoescape_bodies() -> None:
    env = environment({
        "base.html": "[{% block body %}{% endblock %}]",
        "child.html": '{% extends "base.html" %}{% block body %}{{ user_name() }}'
                      '{% include "part.html" %}{% endblock %}',
        "part.html": "/{{ 'x'|greet }}",
        "escaping.html": "{{ auto() }}{% autoescape false %}{{ auto() }}{% endautoescape %}",
    })  # fmt: skip
    env.globals["auto"] = pass_context(lambda ctx: str(ctx.eval_ctx.autoescape))
    template = env.get_template("child.html")
    assert template.render(user="ann", greeting="Yo") == "[ann/Yo x (part.html)]"
    assert "".join(template.generate(user="ann", greeting="Yo")) == "[ann/Yo x (part.html)]"
    assert env.get_template("escaping.html").render() == "TrueFalse"


def test_a_string_template_has_no_name() -> None:
    env = environment({})
    assert env.from_string("{{ 'x'|greet }}").render(greeting="Hi") == "Hi x (None)"


def test_a_global_shadowed_by_a_plain_function_is_called_plainly() -> None:
    env = environment({"page.html": "{{ user_name() }}"})
    assert env.get_template("page.html").render(user_name=lambda: "plain") == "plain"


def test_a_pass_context_filter_by_name_in_map_is_an_error() -> None:
    env = environment({"page.html": "{{ ['a']|map('greet')|join }}"})
    with pytest.raises(TemplateRuntimeError, match="pass_context"):
        env.get_template("page.html").render(greeting="Hi")


def test_templates_that_do_not_use_it_compile_as_before() -> None:
    env = environment({"plain.html": "{{ x|upper }}{{ range(2)|list }}{% if 1 is odd %}{% endif %}",
                       "uses.html": "{{ user_name() }}"})  # fmt: skip
    plain = env.get_template("plain.html")
    assert "_context" not in plain.root.__globals__
    assert "_context" in env.get_template("uses.html").root.__globals__


def test_a_markup_result_stays_markup() -> None:
    env = environment({"page.html": "{{ bold() }}"})
    env.globals["bold"] = pass_context(lambda ctx: Markup("<b>%s</b>") % ctx["user"])
    assert env.get_template("page.html").render(user="<i>") == "<b>&lt;i&gt;</b>"


def test_an_app_template_global_and_filter_with_pass_context(tmp_path: Any) -> None:
    from tinyweb.app import App
    from tinyweb.rendering import render_template_string

    app = App(__name__, root_path=str(tmp_path))

    @app.template_global()
    @pass_context
    def page_title(ctx: Context) -> str:
        return f"{ctx['title']} - {ctx['request'].path}"

    app.add_template_filter(greet)
    app.context_processor(lambda: {"greeting": "Hello"})
    with app.test_request_context("/about"):
        assert render_template_string("{{ page_title() }}|{{ 'Ann'|greet }}", title="About") == (
            "About - /about|Hello Ann (None)"
        )
