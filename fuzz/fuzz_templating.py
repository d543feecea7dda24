"""Mutation fuzzing of the template engine: compile (and render) arbitrary template text.

Invariants checked on every input:
1. Compiling raises nothing but ``TemplateSyntaxError`` (template_compiler, rule 2), and
   that error names its template line.
2. Rendering a compiled template never fails with an error that means the *generated code*
   is wrong: ``NameError``/``UnboundLocalError`` (a scope bug) or ``SyntaxError``.

Half of the inputs are compiled with random lexer options: the whitespace options, a
``newline_sequence``, and other delimiters (the input's ``{{ }}``, ``{% %}`` and ``{# #}``
respelled with them), so the invariants hold under every option.

Usage: ``python fuzz/fuzz_templating.py --seconds 60`` or ``--count 1000``; prints the
number of inputs and inputs/sec; exits 1 with the failing input on a violation.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
import traceback
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tinyweb.templating import DictLoader, Environment, TemplateSyntaxError

SEEDS = [
    "Hello {{ name|upper }}!\n",
    "{% for x in items if x %}{{ loop.index }}:{{ x|e }}{% else %}none{% endfor %}",
    "{% if a > 1 %}a{% elif b %}b{% else %}c{% endif %}",
    "{% set y = [1, 2, {'k': (3,)}] %}{{ y[2].k[0] ~ 'x' }}{{ y|length is even }}",
    "{% macro m(a, b=2) %}{{ a }}{{ b }}{{ caller() if caller }}{% endmacro %}{% call m(1) %}c{% endcall %}",
    "{% extends 'base.html' %}{% block title %}T{{ super() }}{% endblock %}",
    "{% include 'nav.html' %}{# comment #}{% raw %}{{ raw }}{% endraw %}",
    "{%- if x -%}  {{- y -}}  {%- endif -%}",
    "{% set v %}<b>{{ a }}</b>{% endset %}{{ v }}{{ a if b else c }}{{ not a and b or c }}",
    "{% import 'base.html' as m %}{% from 'nav.html' import x as y %}{% set ns = namespace(a=1) %}{% set ns.a = 2 %}",
    "{{ users|sort(attribute='name')|first }}{{ d.items()|list }}{{ 'a %s'|format(1) }}",
    "{{ '{0} {1[k]}'.format(name, d) }}{{ items[1:]|join }}{{ name|safe|truncate(2)|indent }}",
    "{% with a = items, b = a %}{% set c = b %}{{ a|length }}{{ c }}{% endwith %}{{ c }}",
    "{% filter upper|replace('A', '<') %}{% set q = 1 %}{{ name }}{% endfilter %}{{ q }}",
    "{% block title %}t{% endblock %}{{ self.title() }}{% macro m() %}{{ self.title() }}{% endmacro %}",
    "{% for x in items %}{% block b scoped %}{{ x }}{{ loop.index }}{% endblock %}{% include 'nav.html' %}{% endfor %}{% block r required %} {% endblock %}",
    "{% autoescape false %}{{ name ~ a }}{% set q %}<{{ name }}{% endset %}{{ q|upper }}{% endautoescape %}{% autoescape true %}{{ name }}{% endautoescape %}",
    "{% autoescape a > 1 %}{% macro m(x) %}{{ x ~ name }}{% endmacro %}{% for i in items recursive %}{{ m(i) }}{% endfor %}{% block b %}{{ name }}{% endblock %}{% endautoescape %}",
    "{% for x in items if x recursive %}{{ loop.depth }}{{ loop([x] if x is number else []) }}{% else %}e{% endfor %}",
]
FRAGMENTS = [
    "{{", "}}", "{%", "%}", "{#", "#}", "-", "+", " ", "\n", "(", ")", "[", "]", "{", "}",
    "'", '"', "|", ".", ",", ":", "=", "~", "if ", "for ", "in ", "endfor", "endif", "else",
    "block ", "endblock", "macro ", "endmacro", "call", "set ", "loop.", "x", "1", "1.5",
    "is ", "not ", "defined", "super()", "caller()", "raw", "endraw", "\\", "é", "\x00",
    "with ", "endwith", "filter ", "endfilter", "self.", "recursive", "loop(", "scoped", "required", "autoescape ", "endautoescape",
]
# Delimiter sets the lexer must handle, spelled as Environment keywords.
DELIMITER_SETS: list[dict[str, str]] = [
    {"variable_start_string": "[[", "variable_end_string": "]]"},
    {
        "block_start_string": "<%",
        "block_end_string": "%>",
        "variable_start_string": "${",
        "variable_end_string": "}",
        "comment_start_string": "<#",
        "comment_end_string": "#>",
    },
    {"block_start_string": "{{%", "block_end_string": "%}}"},
]
_JINJA_SPELLING = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}")
_OPTION_NAMES = {
    "{%": "block_start_string",
    "%}": "block_end_string",
    "{{": "variable_start_string",
    "}}": "variable_end_string",
    "{#": "comment_start_string",
    "#}": "comment_end_string",
}
TEMPLATES = {"base.html": "<{% block title %}B{% endblock %}>", "nav.html": "<nav>{{ x }}</nav>"}
CONTEXT = {"name": "<n>", "items": [1, 0, "<x>"], "a": 2, "b": None, "d": {"k": 1}, "users": []}


def mutate(source: str, generator: random.Random) -> str:
    """One to four random edits: insert a fragment, delete or duplicate a slice."""
    for _ in range(generator.randint(1, 4)):
        position = generator.randint(0, len(source))
        action = generator.random()
        if action < 0.5:
            source = source[:position] + generator.choice(FRAGMENTS) + source[position:]
        elif action < 0.8:
            source = source[:position] + source[position + generator.randint(1, 6) :]
        else:
            end = position + generator.randint(1, 12)
            source = source[:position] + source[position:end] * 2 + source[end:]
    return source


def random_options(generator: random.Random) -> dict[str, Any]:
    """Jinja's defaults half of the time; else random whitespace, newline and delimiters."""
    if generator.random() < 0.5:
        return {}
    options: dict[str, Any] = {
        name: generator.random() < 0.5
        for name in ("trim_blocks", "lstrip_blocks", "keep_trailing_newline")
    }
    options["newline_sequence"] = generator.choice(["\n", "\r\n", "\r"])
    if generator.random() < 0.5:
        options.update(generator.choice(DELIMITER_SETS))
    return options


def respell(source: str, options: dict[str, Any]) -> str:
    """``source`` with Jinja's delimiters replaced by those in ``options``."""
    return _JINJA_SPELLING.sub(
        lambda match: str(options.get(_OPTION_NAMES[match.group()], match.group())), source
    )


def check(source: str, options: dict[str, Any] | None = None) -> None:
    """Compile and (when cheap and safe to do so) render one input."""
    options = options or {}
    source = respell(source, options)
    env = Environment(loader=DictLoader(TEMPLATES), **options)
    try:
        template = env.from_string(source)
    except TemplateSyntaxError as error:
        if error.lineno is None:  # issue 5: every syntax error names the line
            raise AssertionError(f"a syntax error without a line: {error}") from None
        return
    if "*" in source or "range" in source:  # big repetitions would only measure memory
        return
    try:
        template.render(CONTEXT)
    except (NameError, SyntaxError):  # UnboundLocalError is a NameError: a scope bug
        raise
    except Exception:  # runtime errors of random templates are expected
        pass


def main() -> int:
    """Run the fuzzer for ``--seconds`` or ``--count`` inputs."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=None)
    parser.add_argument("--count", type=int, default=None)
    parser.add_argument("--seed", type=int, default=None)
    arguments = parser.parse_args()
    if arguments.seconds is None and arguments.count is None:
        arguments.seconds = 10.0
    generator = random.Random(arguments.seed)
    started = time.perf_counter()
    count = 0
    while True:
        if arguments.count is not None and count >= arguments.count:
            break
        if arguments.seconds is not None and time.perf_counter() - started >= arguments.seconds:
            break
        source = mutate(generator.choice(SEEDS), generator)
        options = random_options(generator)
        try:
            check(source, options)
        except Exception:
            print(f"FAILED on input {source!r} with options {options!r}")
            traceback.print_exc()
            return 1
        count += 1
    elapsed = max(time.perf_counter() - started, 1e-9)
    print(f"fuzz_templating: {count} inputs, {count / elapsed:.0f} inputs/sec, no violation")
    return 0


if __name__ == "__main__":
    sys.exit(main())
