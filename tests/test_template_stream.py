"""Tests for tinyweb/template_stream.py: Template.generate, Template.stream, TemplateStream."""

from __future__ import annotations

import copy
import doctest
import io
import random
import sys
import traceback
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tinyweb.templating import (
    DictLoader,
    Environment,
    FileSystemLoader,
    Template,
    TemplateRuntimeError,
    TemplateStream,
    TemplateSyntaxError,
    UndefinedError,
)

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "fuzz"))
import fuzz_templating

sys.path.pop(0)

LIBRARY = {
    "base.html": "<title>{% block title %}Base{% endblock %}</title>\n{% block body %}{% endblock %}|",
    "middle.html": "{% extends 'base.html' %}{% block title %}M-{{ super() }}{% endblock %}",
    "nav.html": "<nav>{% for x in items %}{{ x }}{% endfor %}{{ name }}</nav>",
    "macros.html": "{% macro hello(who) %}Hello {{ who }}!{% endmacro %}{% set answer = 42 %}",
    "required.html": "[{% block needed required %}{% endblock %}]",
}
CONTEXT = {"name": "<n>", "items": [1, 0, "<x>"], "a": 2, "b": None, "d": {"k": 1}, "users": []}


def outcome(pieces: Any) -> str:
    """The text, or the error (type and message) as text."""
    try:
        return "".join(pieces())
    except Exception as error:
        return f"{type(error).__name__}: {error}"


def same_as_render(source: str, env: Environment | None = None) -> str:
    """Check that generate() gives render()'s text (or error); return the text."""
    env = env or Environment(loader=DictLoader(LIBRARY))
    try:
        template = env.from_string(source)
    except TemplateSyntaxError:
        return "syntax error"
    rendered = outcome(lambda: template.render(copy.deepcopy(CONTEXT)))
    assert outcome(lambda: template.generate(copy.deepcopy(CONTEXT))) == rendered
    return rendered


# -- Every construct: generate() joins to render()'s text -------------------------------

CONSTRUCTS = [
    ("text", "plain", "plain"),
    ("variable", "a {{ name }} b", "a &lt;n&gt; b"),
    ("loop with loop", "{% for x in items %}{{ loop.index }}{{ x }}{% else %}e{% endfor %}", "11203&lt;x&gt;"),
    ("loop else", "{% for x in [] %}{{ x }}{% else %}empty{% endfor %}", "empty"),
    ("filtered loop", "{% for x in items if x %}{{ loop.length }}{% endfor %}", "22"),
    ("recursive loop", "{% for x in [[1, [2]], 3] recursive %}({% if x is iterable %}{{ loop(x) }}{% else %}{{ x }}{% endif %}){% endfor %}", "((1)((2)))(3)"),
    ("if", "{% if a > 1 %}big{% elif b %}b{% else %}small{% endif %}", "big"),
    ("set", "{% set y = a * 2 %}{{ y }}", "4"),
    ("set block", "{% set v %}<b>{{ name }}</b>{% endset %}{{ v }}{{ v|length }}", "<b>&lt;n&gt;</b>16"),
    ("filter block", "{% filter upper %}x{{ name }}{% endfilter %}", "X&LT;N&GT;"),
    ("with", "{% with q = a %}{{ q }}{% endwith %}", "2"),
    ("macro", "{% macro m(v) %}[{{ v }}]{% endmacro %}{{ m(1) }}{{ m(name) }}", "[1][&lt;n&gt;]"),
    ("call block", "{% macro m() %}<{{ caller(2) }}>{% endmacro %}{% call(n) m() %}c{{ n }}{% endcall %}", "<c2>"),
    ("block", "a{% block b %}B{{ name }}{% endblock %}c", "aB&lt;n&gt;c"),
    ("text block", "a{% block b %}B{% endblock %}c", "aBc"),
    ("self", "{% block t %}T{% endblock %}{{ self.t() }}", "TT"),
    ("extends", "{% extends 'base.html' %}{% block body %}b{{ a }}{% endblock %}", "<title>Base</title>\nb2|"),
    ("super", "{% extends 'middle.html' %}{% block title %}C-{{ super() }}{% endblock %}", "<title>C-M-Base</title>\n|"),
    ("conditional extends", "{% if a %}{% extends 'base.html' %}{% endif %}X{{ a }}{% block body %}!{% endblock %}", "<title>Base</title>\n!|"),
    ("conditional extends not taken", "{% if b %}{% extends 'base.html' %}{% endif %}X{% include 'nav.html' %}{% block body %}!{% endblock %}", "X<nav>10&lt;x&gt;&lt;n&gt;</nav>!"),
    ("extended twice", "{% if a %}{% extends 'base.html' %}{% endif %}{% if a %}{% extends 'nav.html' %}{% endif %}", "TemplateRuntimeError: extended multiple times (template '<string>', line 1)"),
    ("include", "[{% include 'nav.html' %}]", "[<nav>10&lt;x&gt;&lt;n&gt;</nav>]"),
    ("include without context", "{% include 'nav.html' without context %}", "<nav></nav>"),
    ("include missing", "{% include ['none.html', 'nav.html'] %}{% include 'x.html' ignore missing %}", "<nav>10&lt;x&gt;&lt;n&gt;</nav>"),
    ("include in a filter", "{% filter upper %}{% include 'nav.html' %}{% endfilter %}", "<NAV>10&LT;X&GT;&LT;N&GT;</NAV>"),
    ("block in a filter", "{% filter upper %}{% block f %}f{{ a }}{% endblock %}{% endfilter %}", "F2"),
    ("import", "{% import 'macros.html' as m %}{{ m.hello(name) }}{{ m.answer }}", "Hello &lt;n&gt;!42"),
    ("from import", "{% from 'macros.html' import hello as h %}{{ h('x') }}", "Hello x!"),
    ("scoped block", "{% for x in items %}{% block s scoped %}{{ x }}{% endblock %}{% endfor %}", "10&lt;x&gt;"),
    ("required block", "{% extends 'required.html' %}{% block needed %}n{% endblock %}", "[n]"),
    ("required block missing", "{% extends 'required.html' %}", "TemplateRuntimeError: required block 'needed' not found (template 'required.html', line 1)"),
    ("autoescape", "{% autoescape false %}{{ name }}{% endautoescape %}{% autoescape a %}{{ name }}{% endautoescape %}", "<n>&lt;n&gt;"),
    ("whitespace control", "a  {%- if true -%}  b  {%- endif %}\n{{- name -}}  ", "ab&lt;n&gt;"),
    ("namespace", "{% set ns = namespace(c=0) %}{% for x in items %}{% set ns.c = ns.c + 1 %}{% endfor %}{{ ns.c }}", "3"),
    ("empty", "", ""),
    ("only a set", "{% set q = 1 %}", ""),
    ("empty block", "{% block e %}{% endblock %}", ""),
    ("undefined error", "x{{ missing.attr }}", "UndefinedError: 'missing' is undefined (template '<string>', line 1)"),
]  # fmt: skip


@pytest.mark.parametrize(("source", "expected"), [case[1:] for case in CONSTRUCTS], ids=[case[0] for case in CONSTRUCTS])
def test_generate_joins_to_render_for_every_construct(source: str, expected: str) -> None:
    assert same_as_render(source) == expected


@settings(max_examples=300, deadline=None)
@given(st.randoms(use_true_random=False))
def test_generate_joins_to_render_for_fuzzed_templates(generator: random.Random) -> None:
    source = fuzz_templating.mutate(generator.choice(fuzz_templating.SEEDS), generator)
    options = fuzz_templating.random_options(generator)
    if "*" in source or "range" in source:  # (as the fuzzer: big repetitions)
        return
    env = Environment(loader=DictLoader(fuzz_templating.TEMPLATES), **options)
    same_as_render(fuzz_templating.respell(source, options), env)


@settings(deadline=None)
@given(st.lists(st.sampled_from(fuzz_templating.SEEDS), min_size=1, max_size=3).map("".join))
def test_generate_joins_to_render_for_concatenated_fuzz_seeds(source: str) -> None:
    same_as_render(source, Environment(loader=DictLoader(fuzz_templating.TEMPLATES)))


# -- Incremental ------------------------------------------------------------------------


def test_the_first_piece_comes_before_the_rest_of_the_template_runs() -> None:
    seen: list[str] = []

    def mark(label: str) -> str:
        seen.append(label)
        return label

    env = Environment(loader=DictLoader({
        "base.html": "{{ mark('parent') }}{% block body %}{% endblock %}{{ mark('end') }}",
        "inc.html": "{{ mark('include-1') }}{{ mark('include-2') }}",
    }))  # fmt: skip
    source = "{% extends 'base.html' %}{% block body %}{{ mark('block') }}{% include 'inc.html' %}{% endblock %}"
    pieces = env.from_string(source).generate(mark=mark)
    assert next(pieces) == "parent" and seen == ["parent"]
    assert next(pieces) == "block" and seen == ["parent", "block"]
    assert next(pieces) == "include-1" and seen[-1] == "include-1"
    assert list(pieces) == ["include-2", "end"]


def test_a_template_is_compiled_for_streaming_only_when_first_streamed() -> None:
    template = Template("{{ x }}")
    assert template._streaming is None
    template.render(x=1)
    assert template._streaming is None
    assert list(template.generate(x=1)) == ["1"]
    assert template._streaming is not None


# -- Errors -----------------------------------------------------------------------------


def test_an_error_is_raised_by_the_iteration_that_reaches_it(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text("one\n{% for i in items %}\n{{ 1 // i }}\n{% endfor %}\n")
    template = Environment(loader=FileSystemLoader(tmp_path)).get_template("page.html")
    pieces = template.generate(items=[1, 0])
    assert [next(pieces), next(pieces), next(pieces)] == ["one\n", "\n", "1"]
    with pytest.raises(ZeroDivisionError) as caught:
        list(pieces)
    frames = traceback.extract_tb(caught.value.__traceback__)
    template_frames = [frame for frame in frames if frame.filename.endswith("page.html")]
    assert template_frames and template_frames[-1].lineno == 3
    assert template_frames[-1].line == "{{ 1 // i }}"


def test_a_template_error_names_its_line_and_template_in_a_block_or_include() -> None:
    env = Environment(loader=DictLoader({
        "inc.html": "ok\n\n{{ missing.attr }}",
        "page.html": "{% block b %}\n{% include 'inc.html' %}{% endblock %}",
    }))  # fmt: skip
    for pieces in (env.get_template("page.html").render, env.get_template("page.html").generate):
        with pytest.raises(UndefinedError) as caught:
            "".join(pieces())
        assert (caught.value.lineno, caught.value.name) == (3, "inc.html")


def test_a_missing_parent_is_raised_when_the_stream_reaches_it() -> None:
    pieces = Environment(loader=DictLoader({})).from_string("a{% extends 'none.html' %}").generate()
    assert next(pieces) == "a"
    with pytest.raises(Exception, match=r"none\.html"):
        next(pieces)


def test_extending_twice_is_an_error_as_in_jinja() -> None:
    env = Environment(loader=DictLoader(LIBRARY))
    source = "{% if a %}{% extends 'base.html' %}{% endif %}x{% if a %}{% extends 'nav.html' %}{% endif %}"
    for method in ("render", "generate"):
        with pytest.raises(TemplateRuntimeError, match="extended multiple times"):
            "".join(getattr(env.from_string(source), method)(a=1))


@pytest.mark.parametrize("second", ["'missing.html'", "missing.name"])
def test_a_second_extends_fails_before_loading_its_parent(second: str) -> None:
    # Jinja checks "extended multiple times" first: no TemplateNotFound, no UndefinedError.
    env = Environment(loader=DictLoader(LIBRARY))
    source = "{% extends 'base.html' %}{% if true %}{% extends " + second + " %}{% endif %}"
    for method in ("render", "generate"):
        with pytest.raises(TemplateRuntimeError, match="extended multiple times"):
            "".join(getattr(env.from_string(source), method)())


# -- TemplateStream ---------------------------------------------------------------------


def test_stream_iterates_the_pieces() -> None:
    stream = Template("{% for x in 'abc' %}{{ x }}{% endfor %}").stream()
    assert isinstance(stream, TemplateStream) and not stream.buffered
    assert list(stream) == ["a", "b", "c"]


def test_buffering_joins_non_empty_pieces_and_can_be_turned_off() -> None:
    stream = Template("{% for x in 'abcde' %}{{ x }}{{ '' }}{% endfor %}").stream()
    stream.enable_buffering(size=2)
    assert stream.buffered and next(stream) == "ab"
    stream.disable_buffering()
    assert not stream.buffered and list(stream) == ["", "c", "", "d", "", "e", ""]


def test_buffering_needs_a_size_of_two_or_more() -> None:
    with pytest.raises(ValueError, match="buffer size too small"):
        Template("x").stream().enable_buffering(1)


def test_dump_writes_text_or_encoded_bytes_or_a_file(tmp_path: Path) -> None:
    text = io.StringIO()
    Template("é{{ x }}").stream(x=1).dump(text)
    assert text.getvalue() == "é1"
    encoded = io.BytesIO()
    Template("é{{ x }}").stream(x=1).dump(encoded, encoding="latin-1")
    assert encoded.getvalue() == "é1".encode("latin-1")
    Template("é{{ x }}").stream(x=1).dump(str(tmp_path / "out.txt"))
    assert (tmp_path / "out.txt").read_bytes() == "é1".encode()
    Template("é").stream().dump(tmp_path / "ascii.txt", encoding="ascii", errors="replace")
    assert (tmp_path / "ascii.txt").read_bytes() == b"?"


def test_the_streaming_examples_of_templates_md_run() -> None:
    page = (Path(__file__).resolve().parent.parent / "docs" / "templates.md").read_text("utf-8")
    section = page.split("## Streaming: `generate` and `stream`")[1].split("\n## ")[0]
    test = doctest.DocTestParser().get_doctest(section, {"Template": Template}, "templates.md", None, 0)
    assert test.examples and doctest.DocTestRunner().run(test).failed == 0
