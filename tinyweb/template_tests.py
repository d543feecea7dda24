"""Jinja's built-in tests: ``{% if value is even %}``, ``x is divisibleby(3)``.

Where it fits: ``templating.Environment`` copies ``TESTS`` into ``env.tests`` (users add
their own there); compiled templates call them directly, ``x is even`` being
``even(x)``, and ``select``/``reject`` (template_filters) call them by name. A test
marked ``pass_environment`` (``filter``, ``test``) receives the environment first.

Rules: every test gives Jinja2's result for the same arguments (the tables in
tests/test_templating_filters.py are written from Jinja's documentation).

Spec: https://jinja.palletsprojects.com/en/3.1.x/templates/#list-of-builtin-tests
"""

from __future__ import annotations

import numbers
from collections import abc
from typing import Any, Callable

from .template_filters import Undefined, pass_environment


def _is_iterable(value: Any) -> bool:
    try:
        iter(value)
    except TypeError:
        return False
    return True


@pass_environment
def _is_filter(environment: Any, value: Any) -> bool:
    """``"markdown" is filter``: has the environment a filter of that name?"""
    return value in environment.filters


@pass_environment
def _is_test(environment: Any, value: Any) -> bool:
    """``"loud" is test``: has the environment a test of that name?"""
    return value in environment.tests


def _is_sequence(value: Any) -> bool:
    """``x is sequence``: it has a length and items, asked as Jinja does (a value whose
    ``len()`` raises, such as a strict undefined, is no sequence)."""
    try:
        len(value)
        value.__getitem__  # noqa: B018 (the attribute's presence is the question)
    except Exception:
        return False
    return True


TESTS: dict[str, Callable[..., bool]] = {
    "defined": lambda value: not isinstance(value, Undefined),
    "undefined": lambda value: isinstance(value, Undefined),
    "none": lambda value: value is None,
    "even": lambda value: value % 2 == 0,
    "odd": lambda value: value % 2 == 1,
    "divisibleby": lambda value, number: value % number == 0,
    "string": lambda value: isinstance(value, str),
    "number": lambda value: isinstance(value, numbers.Number),
    "integer": lambda value: isinstance(value, int) and value is not True and value is not False,
    "float": lambda value: isinstance(value, float),
    "boolean": lambda value: value is True or value is False,
    "true": lambda value: value is True,
    "false": lambda value: value is False,
    "mapping": lambda value: isinstance(value, abc.Mapping),
    "sequence": _is_sequence,
    "iterable": _is_iterable,
    "callable": callable,
    "sameas": lambda value, other: value is other,
    "lower": lambda value: str(value).islower(),
    "upper": lambda value: str(value).isupper(),
    "escaped": lambda value: hasattr(value, "__html__"),
    "in": lambda value, container: value in container,
    "eq": lambda value, other: value == other,
    "ne": lambda value, other: value != other,
    "lt": lambda value, other: value < other,
    "le": lambda value, other: value <= other,
    "gt": lambda value, other: value > other,
    "ge": lambda value, other: value >= other,
    "filter": _is_filter,
    "test": _is_test,
}
TESTS.update({"==": TESTS["eq"], "!=": TESTS["ne"], "<": TESTS["lt"], "<=": TESTS["le"]})
TESTS.update({">": TESTS["gt"], ">=": TESTS["ge"], "equalto": TESTS["eq"]})
TESTS.update({"greaterthan": TESTS["gt"], "lessthan": TESTS["lt"]})
