"""A stand-in ``jinja2`` for running Jinja2's own tests against tinyweb (jinja_suite.py).

Every name the tests import resolves to tinyweb's object of that name when tinyweb has
one, else to a placeholder that raises ``ShimMissing`` when used: a test of a feature
tinyweb lacks then fails with "not in tinyweb" instead of stopping its whole file at
import. Where tinyweb deliberately differs in a default (autoescape on: docs/templates.md),
``Environment`` and ``Template`` here take Jinja's, so the tests see Jinja's semantics;
Jinja's positional ``Environment(...)`` order is mapped to keywords, and keywords equal to
Jinja's defaults for features tinyweb lacks are dropped.

Test scaffolding only: tinyweb never imports it.
"""

from __future__ import annotations

import collections
import sys
import types
from typing import Any, Callable

from tinyweb import markup, template_filters, template_lexer, template_runtime, template_urlize
from tinyweb import templating as _templating

# Where a Jinja name is looked for, in order.
SOURCES = (_templating, template_filters, template_runtime, template_lexer, template_urlize, markup)


class ShimMissing(NotImplementedError):
    """The test used a Jinja name tinyweb does not have."""


class _MissingMeta(type):
    def __getattr__(cls, attribute: str) -> Any:
        if attribute.startswith("__"):
            raise AttributeError(attribute)
        return missing_function(f"{cls.__name__}.{attribute}")


def missing_class(name: str) -> type:
    """A class that fails when made (and may be subclassed at import time)."""

    def fail(self: Any, *args: Any, **kwargs: Any) -> None:
        raise ShimMissing(f"shim: {name} not in tinyweb")

    return _MissingMeta(name.rsplit(".", 1)[-1], (), {"__init__": fail})


def missing_function(name: str) -> Callable[..., Any]:
    def fail(*args: Any, **kwargs: Any) -> Any:
        raise ShimMissing(f"shim: {name} not in tinyweb")

    fail.__name__ = name
    return fail


def tinyweb_name(name: str) -> Any:
    """tinyweb's object called ``name``, or a placeholder."""
    for source in SOURCES:
        if hasattr(source, name):
            return getattr(source, name)
    return missing_class(name) if name[:1].isupper() else missing_function(name)


class ShimModule(types.ModuleType):
    """A ``jinja2.*`` module whose names are looked up in tinyweb on first use."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        value = OVERRIDES.get(name) or tinyweb_name(name)
        setattr(self, name, value)
        return value


# -- Jinja's defaults where tinyweb's differ on purpose ------------------------------------

_POSITIONAL = (
    "block_start_string", "block_end_string", "variable_start_string", "variable_end_string",
    "comment_start_string", "comment_end_string", "line_statement_prefix",
    "line_comment_prefix", "trim_blocks", "lstrip_blocks", "newline_sequence",
    "keep_trailing_newline", "extensions", "optimized", "undefined", "finalize",
    "autoescape", "loader", "cache_size", "auto_reload", "bytecode_cache", "enable_async",
)  # fmt: skip
_DEFAULTS = {
    "line_statement_prefix": None, "line_comment_prefix": None, "extensions": (),
    "optimized": True, "finalize": None, "cache_size": 400, "bytecode_cache": None,
    "enable_async": False,
}  # fmt: skip


class Environment(_templating.Environment):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.update(zip(_POSITIONAL, args))
        kwargs.setdefault("autoescape", False)
        for key, default in _DEFAULTS.items():
            if key in kwargs and kwargs[key] == default:
                del kwargs[key]
        super().__init__(**kwargs)


class Template(_templating.Template):
    def __init__(self, source: str, environment: Any = None, *args: Any, **options: Any) -> None:
        if environment is None:
            options.setdefault("autoescape", False)
        super().__init__(source, environment, *args, **options)


Environment.template_class = Template


def is_undefined(value: Any) -> bool:
    return isinstance(value, template_filters.Undefined)


OVERRIDES: dict[str, Any] = {
    "Environment": Environment,
    "Template": Template,
    "is_undefined": is_undefined,
    # Jinja raises this subclass of TemplateSyntaxError where tinyweb raises the base.
    "TemplateAssertionError": template_lexer.TemplateSyntaxError,
    # The sandbox is out of scope; its str.format tests exercise tinyweb's `_` rule.
    "SandboxedEnvironment": Environment,
    "ImmutableSandboxedEnvironment": Environment,
    "unsafe": lambda function: function,
    # Named at import by the lexer tests (which then need the missing TokenStream).
    "Token": collections.namedtuple("Token", "lineno type value"),
    "_GroupTuple": getattr(template_filters, "GroupTuple", None),
    "missing": object(),
}

SUBMODULES = (
    "environment", "loaders", "exceptions", "runtime", "utils", "lexer", "nodes", "compiler",
    "sandbox", "meta", "nativetypes", "ext", "bccache", "debug", "idtracking", "async_utils",
    "filters",
)  # fmt: skip
for _name in SUBMODULES:
    sys.modules[f"{__name__}.{_name}"] = globals()[_name] = ShimModule(f"{__name__}.{_name}")


def __getattr__(name: str) -> Any:
    value = OVERRIDES.get(name) or tinyweb_name(name)
    globals()[name] = value
    return value


__version__ = "3.1.6"
