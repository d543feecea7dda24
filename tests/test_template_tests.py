"""The ``filter`` and ``test`` tests (tinyweb/template_tests.py) and what makes them
useful: a filter or test the environment lacks is an error only when it is called, if it
stands in an ``if`` or a conditional expression (template_parser's ``note_unknown``).

Expected strings are Jinja 3.1.6's output for the same templates (checked by rendering
them with Jinja outside this suite; this file does not import Jinja). Which places defer
the error is Jinja 3's rule too: an ``if``'s condition and bodies and every part of
``a if b else c``, not a scope opened inside them (a ``for``, a macro, a ``with``).
"""

from __future__ import annotations

from typing import Any

import pytest

from tinyweb.templating import Environment, TemplateRuntimeError, TemplateSyntaxError


def environment() -> Environment:
    env = Environment()
    env.filters["md"] = lambda value: f"<p>{value}</p>"
    env.tests["loud"] = lambda value: value.isupper()
    return env


def render(source: str, **context: Any) -> str:
    return environment().from_string(source).render(x="HI", **context)


JINJA = [
    ('{{ "upper" is filter }} {{ "nope" is filter }} {{ "defined" is test }} {{ "upper" is test }} {{ "filter" is test }} {{ "nope" is test }}', "True False True True True False"),
    ('{{ "md" is filter }} {{ "loud" is test }} {{ "md" is not filter }}', "True True False"),
    ('{{ ["upper", "nope", "md"]|select("filter")|join(",") }} {{ ["even", "nope"]|reject("test")|join(",") }}', "upper,md nope"),
    ('{{ "md" is filter and "x" is not test }}', "True"),
    ('{% if "markdown" is filter %}{{ x|markdown }}{% elif "md" is filter %}{{ x|md }}{% else %}{{ x }}{% endif %}', "&lt;p&gt;HI&lt;/p&gt;"),
    ('{% if "quiet" is test %}{% if x is quiet %}q{% endif %}{% elif x is loud %}LOUD{% endif %}', "LOUD"),
    ('{{ x|markdown if "markdown" is filter else x|upper }}', "HI"),
    ('{{ x if x is loud else x|nope if false else "-" }}', "HI"),
]  # fmt: skip


@pytest.mark.parametrize(("source", "expected"), JINJA)
def test_filter_and_test_tests_match_jinja(source: str, expected: str) -> None:
    assert render(source) == expected


def test_filter_and_test_see_names_added_after_compiling() -> None:
    env = environment()
    template = env.from_string('{{ "later" is filter }} {{ "later" is test }}')
    assert template.render() == "False False"
    env.filters["later"] = env.tests["later"] = str
    assert template.render() == "True True"


def test_filter_test_of_an_unhashable_value_is_an_error_as_in_jinja() -> None:
    with pytest.raises(TypeError):
        render('{{ ["upper", ["x"]]|select("filter")|list }}')
    assert render("{{ 5 is filter }}") == "False"


DEFERRED = [
    ("{% if x is not defined %}{{ x|nope }}{% endif %}", "filter"),
    ("{% if false %}{% elif x is not defined %}{{ x|nope }}{% endif %}", "filter"),
    ("{% if x is defined %}{% else %}{{ x is nope }}{% endif %}", "test"),
    ("{% if x is not defined %}{% if 1 %}{{ x|nope }}{% endif %}{% endif %}", "filter"),
    ("{% if x is not defined and x|nope %}{% endif %}", "filter"),
    ("{% if x is not defined and x is nope %}{% endif %}", "test"),
    ("{{ x|nope if x is not defined }}", "filter"),
    ("{{ 1 if x is defined else x|nope }}", "filter"),
    ("{{ (x|nope) if x is not defined else 2 }}", "filter"),
    ("{{ [x|nope if x is not defined else 1] }}", "filter"),
]  # fmt: skip


@pytest.mark.parametrize(("source", "kind"), DEFERRED)
def test_unknown_names_under_a_condition_fail_only_when_called(source: str, kind: str) -> None:
    template = environment().from_string(source)
    assert "nope" not in template.render(x="HI")  # the branch that would call it is skipped
    with pytest.raises(TemplateRuntimeError) as caught:
        template.render()
    assert caught.value.message == f"no {kind} named 'nope'"


STILL_SYNTAX_ERRORS = [
    ("{{ x|nope }}", "filter"),
    ("{{ x is nope }}", "test"),
    ("{{ [x|nope, 1] }}", "filter"),
    ("{% set y = x|nope %}", "filter"),
    ("{% for i in x|nope %}{% endfor %}", "filter"),
    ("{% if x %}{% for i in x %}{{ i|nope }}{% endfor %}{% endif %}", "filter"),
    ("{% if x %}{% with %}{{ x|nope }}{% endwith %}{% endif %}", "filter"),
    ("{% if x %}{% macro m() %}{{ x is nope }}{% endmacro %}{% endif %}", "test"),
    ("{% if x %}{% block b %}{{ x|nope }}{% endblock %}{% endif %}", "filter"),
    ("{% if x %}{% endif %}{{ x|nope }}", "filter"),
    ("{% for i in x if i|nope %}{% endfor %}", "filter"),
]  # fmt: skip


@pytest.mark.parametrize(("source", "kind"), STILL_SYNTAX_ERRORS)
def test_unknown_names_elsewhere_are_syntax_errors_as_in_jinja(source: str, kind: str) -> None:
    with pytest.raises(TemplateSyntaxError) as caught:
        environment().from_string(source)
    assert caught.value.message == f"no {kind} named 'nope'"


def test_an_unknown_name_is_reported_at_its_own_line() -> None:
    with pytest.raises(TemplateSyntaxError) as caught:
        environment().from_string("{{ x\n\n|nope }}")
    assert caught.value.lineno == 3


class _BrokenLength:
    def __len__(self) -> int:
        raise RuntimeError("no length")

    def __getitem__(self, index: int) -> int:
        return index


@pytest.mark.parametrize(
    ("undefined", "context", "expected"),
    [("default", {}, "True"), ("strict", {}, "False"), ("default", {"b": _BrokenLength()}, "False"),
     ("default", {"b": "ab"}, "True"), ("default", {"b": 3}, "False")],
)  # fmt: skip
def test_sequence_asks_len_as_jinja(undefined: str, context: dict[str, Any], expected: str) -> None:
    # Jinja's test calls len() and reads __getitem__, so a strict undefined (whose len()
    # raises) is no sequence; hasattr() said it was. Found by fuzz_jinja_differential (seed 23).
    env = Environment(undefined=undefined) if undefined == "strict" else Environment()
    assert env.from_string("{{ b is sequence }}").render(**context) == expected
