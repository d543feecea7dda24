"""Write docs/api.md from tinyweb's docstrings: ``python docs/gen_api.py``.

Where it fits: ``tests/test_docs.py`` calls :func:`generate` and compares the result with
the committed ``docs/api.md``, so the reference cannot drift from the code. Run this script
after changing a public name or a docstring, and commit the new ``api.md``.

What it writes, for every name in ``tinyweb.__all__`` and then for the public names of
each public module (its ``__all__``, else the classes and functions it defines whose
names do not start with ``_``): the signature, the first paragraph of the docstring, and
the docstring's example (a ``>>>`` session or the block after a ``::`` paragraph). Classes
list their public methods and properties with one line each.

Rules:
1. Standard library only, and the same output on every supported Python (3.9-3.13):
   signatures are written from the annotation *text* (every module uses ``from __future__
   import annotations``), defaults whose ``repr`` carries an address or an environment
   detail are shortened, and docstrings are never inherited from the standard library.
2. Never touch a context-local proxy (``request``, ``g``, ...) beyond ``type()``: outside a
   request every other access raises ``RuntimeError`` by design.
"""

from __future__ import annotations

import argparse
import enum
import importlib
import inspect
import pkgutil
import re
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
API_PATH = ROOT / "docs" / "api.md"

# The reading order of the package (docs/how-it-works.md), then anything not listed here.
MODULE_ORDER = (
    "http11", "http11_grammar", "gateway", "server", "app", "app_errors", "urls", "scaffold", "blueprints", "views",
    "context", "signals", "coroutines", "routing", "converters", "host_routing", "errors", "request",
    "request_wsgi", "accept", "multipart", "response", "response_wsgi", "caching", "header_sets", "typed_headers", "ranges", "json_provider", "return_values",
    "datastructures", "header_values", "rendering", "templating", "template_loaders", "template_lexer", "template_parser",
    "template_compiler", "template_writer", "template_codegen", "template_runtime", "template_stream", "template_filters", "template_formatting", "template_tests",
    "template_urlize", "markup", "config", "sessions", "static", "security", "testing",
    "cli", "commands", "shell", "reloader", "proxy",
)  # fmt: skip

# Values (not classes or functions) get a hand-written line: their docstring would be
# their type's, which says nothing about this particular object.
VALUE_NOTES = {
    "request": "The current `Request` (a context-local proxy; only inside a request).",
    "session": "The current session, a dict signed into a cookie (a context-local proxy).",
    "g": "Per-request scratch space, `g.user = ...` (a context-local proxy; `AppGlobals`).",
    "current_app": "The `App` handling the current request or app context (a proxy).",
    "__version__": "The package version, a PEP 440 string.",
}

_ADDRESS = re.compile(r" at 0x[0-9A-Fa-f]+")
_CONSTRUCTOR_RETURN = re.compile(r" -> [^()]*$")  # "-> None" / "-> Markup": noise on a class
_ROLE = re.compile(r":(?:meth|func|class|data|attr|mod|exc):`~?([^`]+)`")  # Sphinx roles
_EXAMPLE_START = re.compile(r"^(Example|Usage|For example)\b.*::$|::$")


# -- collecting names ------------------------------------------------------------------


def public_modules() -> list[str]:
    """The public modules of the package, in reading order (``_private`` ones skipped)."""
    import tinyweb

    found = [m.name for m in pkgutil.iter_modules(tinyweb.__path__) if not m.name.startswith("_")]
    ordered = [name for name in MODULE_ORDER if name in found]
    return ordered + sorted(name for name in found if name not in MODULE_ORDER)


def module_names(module: types.ModuleType) -> list[str]:
    """The public names of ``module``: its ``__all__``, else what it defines itself."""
    names = getattr(module, "__all__", None)
    if names is not None:
        return sorted(names, key=_sort_key)
    own = [
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and (inspect.isclass(value) or inspect.isfunction(value))
        and getattr(value, "__module__", None) == module.__name__
    ]
    return sorted(own, key=_sort_key)


def _sort_key(name: str) -> tuple[int, str]:
    # Classes first (CapWords), then functions and values, each alphabetically.
    return (0 if name[:1].isupper() and not name.isupper() else 1, name.lower())


def _is_proxy(value: Any) -> bool:
    from tinyweb.context import ContextProxy

    return type(value) is ContextProxy


# -- docstrings ------------------------------------------------------------------------


def own_docstring(value: Any) -> str:
    """The docstring written for ``value`` in tinyweb, cleaned; never an inherited one."""
    if _is_proxy(value):
        return ""
    if inspect.isclass(value):
        text = value.__dict__.get("__doc__")
    elif isinstance(value, property):
        text = value.fget.__doc__ if value.fget is not None else None
    elif isinstance(value, (staticmethod, classmethod)):  # 3.9 does not copy __doc__
        text = value.__func__.__doc__
    else:
        text = getattr(value, "__doc__", None)
    return _ROLE.sub(r"`\1`", inspect.cleandoc(text)) if isinstance(text, str) else ""


def summary(docstring: str) -> str:
    """The first paragraph, on one line."""
    paragraph = docstring.split("\n\n", 1)[0]
    return " ".join(line.strip() for line in paragraph.splitlines()).strip()


def example(docstring: str) -> tuple[str, str] | None:
    """The docstring's first example as ``(language, code)``: a ``>>>`` session or ``::`` block."""
    lines = docstring.splitlines()
    for index, line in enumerate(lines):
        if line.lstrip().startswith(">>>"):
            return "pycon", _doctest_block(lines, index)
        if line.rstrip().endswith("::"):
            block = _indented_block(lines, index + 1)
            if block:
                return ("pycon" if block.startswith(">>>") else "python"), block
    return None


def _doctest_block(lines: list[str], start: int) -> str:
    block: list[str] = []
    for line in lines[start:]:
        if not line.strip():
            break
        block.append(line)
    return inspect.cleandoc("\n".join(block))


def _indented_block(lines: list[str], start: int) -> str:
    """The indented lines after a ``::`` line (blank lines inside are kept)."""
    block: list[str] = []
    base_indent = None
    for line in lines[start:]:
        if not line.strip():
            block.append("")
            continue
        indent = len(line) - len(line.lstrip())
        if base_indent is None:
            base_indent = indent
        if indent < base_indent or (base_indent == 0):
            break
        block.append(line)
    return inspect.cleandoc("\n".join(block)).strip("\n")


# -- signatures ------------------------------------------------------------------------


def _annotation_text(annotation: Any) -> str:
    if isinstance(annotation, str):
        return annotation
    if hasattr(annotation, "__forward_arg__"):  # typing.ForwardRef (NamedTuple fields)
        return str(annotation.__forward_arg__)
    if isinstance(annotation, type):
        return annotation.__qualname__
    return _ADDRESS.sub("", repr(annotation)).replace("typing.", "")


def _default_text(default: Any) -> str:
    if inspect.isroutine(default) or inspect.isclass(default):
        return default.__qualname__.replace(".<locals>", "")
    if isinstance(default, enum.Enum):
        return f"{type(default).__name__}.{default.name}"
    text = repr(default)
    if text.startswith("<"):  # an object whose repr shows an address or the environment
        return "..."
    return text


def _parameter_text(parameter: inspect.Parameter) -> str:
    text = parameter.name
    if parameter.kind is parameter.VAR_POSITIONAL:
        text = "*" + text
    elif parameter.kind is parameter.VAR_KEYWORD:
        text = "**" + text
    if parameter.annotation is not parameter.empty:
        text += ": " + _annotation_text(parameter.annotation)
    if parameter.default is not parameter.empty:
        separator = " = " if parameter.annotation is not parameter.empty else "="
        text += separator + _default_text(parameter.default)
    return text


def signature_text(function: Any, drop_first: bool = False) -> str | None:
    """``(a: int, *, b: str = 'x') -> bool`` from the annotation text, or None if unknown."""
    try:
        signature = inspect.signature(function, follow_wrapped=True)
    except (TypeError, ValueError):
        return None
    parameters = list(signature.parameters.values())
    if drop_first and parameters:
        parameters = parameters[1:]
    parts: list[str] = []
    marked_keyword_only = False
    for index, parameter in enumerate(parameters):
        if parameter.kind is parameter.KEYWORD_ONLY and not marked_keyword_only:
            parts.append("*")
        if parameter.kind in (parameter.KEYWORD_ONLY, parameter.VAR_POSITIONAL):
            marked_keyword_only = True
        parts.append(_parameter_text(parameter))
        following = parameters[index + 1] if index + 1 < len(parameters) else None
        if parameter.kind is parameter.POSITIONAL_ONLY and (
            following is None or following.kind is not parameter.POSITIONAL_ONLY
        ):
            parts.append("/")
    text = "(" + ", ".join(parts) + ")"
    if signature.return_annotation is not signature.empty:
        text += " -> " + _annotation_text(signature.return_annotation)
    return text


def class_signature(cls: type) -> str | None:
    """The constructor's signature if tinyweb defines it (not ``Exception``'s, ``dict``'s)."""
    for owner in cls.__mro__:
        if "__init__" in owner.__dict__ or "__new__" in owner.__dict__:
            if not owner.__module__.startswith("tinyweb"):
                return None
            init = owner.__dict__.get("__init__") or owner.__dict__["__new__"]
            if isinstance(init, staticmethod):  # __new__; Python 3.9 cannot inspect the wrapper
                init = init.__func__
            text = signature_text(init, drop_first=True)
            return None if text is None else _CONSTRUCTOR_RETURN.sub("", text)
    return None


# -- rendering -------------------------------------------------------------------------


def describe(name: str, value: Any, qualified: str, members: bool = True) -> Iterator[str]:
    """The Markdown for one public name (a class's methods too, if ``members``)."""
    if _is_proxy(value) or not (inspect.isclass(value) or callable(value)):
        yield from _describe_value(name, value, qualified)
        return
    if inspect.isclass(value) and issubclass(value, enum.Enum):
        kind, signature = "enum", ""
    elif inspect.isclass(value):
        kind = "exception" if issubclass(value, BaseException) else "class"
        signature = class_signature(value) or ""
    else:
        kind, signature = "function", signature_text(value) or "(...)"
    yield f"### `{name}`\n"
    yield f"{kind} `{qualified}{signature}`\n"
    docstring = own_docstring(value)
    yield from _summary_and_example(docstring)
    if inspect.isclass(value) and issubclass(value, enum.Enum):
        yield "Members: " + ", ".join(f"`{member.name}`" for member in value) + ".\n"
        return
    if not inspect.isclass(value):
        return
    if members:
        yield from _describe_members(value)
    else:
        home = value.__module__
        anchor = home.replace(".", "")  # GitHub's anchor for "## `tinyweb.app`"
        yield f"Methods and properties: under [`{home}`](#{anchor}) below.\n"


def _describe_value(name: str, value: Any, qualified: str) -> Iterator[str]:
    yield f"### `{name}`\n"
    if name in VALUE_NOTES:
        yield f"value `{qualified}`: {VALUE_NOTES[name]}\n"
        return
    shown = _default_text(value)
    if len(shown) > 80 or shown == "...":
        shown = type(value).__name__ + " ..."
    yield f"value `{qualified} = {shown}`\n"


def _summary_and_example(docstring: str) -> Iterator[str]:
    if not docstring:
        yield "(no docstring)\n"
        return
    yield summary(docstring) + "\n"
    found = example(docstring)
    if found is not None:
        language, code = found
        yield f"```{language}\n{code}\n```\n"


def _describe_members(cls: type) -> Iterator[str]:
    lines = []
    for member_name, member in cls.__dict__.items():
        if member_name.startswith("_"):
            continue
        line = _member_line(member_name, member)
        if line is not None:
            lines.append(line)
    if lines:
        yield "\n".join(lines) + "\n"


def _member_line(name: str, member: Any) -> str | None:
    if isinstance(member, (staticmethod, classmethod)):
        function, drop = member.__func__, isinstance(member, classmethod)
        text = f"- `{name}{signature_text(function, drop_first=drop) or '(...)'}`"
    elif inspect.isfunction(member):
        text = f"- `{name}{signature_text(member, drop_first=True) or '(...)'}`"
    elif isinstance(member, property) or _is_cached_property(member):
        text = f"- `{name}` (property)"
    else:
        return None
    first = summary(own_docstring(member))
    return f"{text}: {first}" if first else text


def _is_cached_property(member: Any) -> bool:
    """functools.cached_property or a look-alike (request.py has a lock-free one)."""
    return hasattr(type(member), "__get__") and type(member).__name__ == "cached_property"


def generate() -> str:
    """The whole of docs/api.md, as text."""
    import tinyweb

    modules = public_modules()
    out: list[str] = [HEADER, _contents(modules)]
    out.append("## The `tinyweb` package\n")
    out.append("What `from tinyweb import ...` offers (`tinyweb.__all__`).\n")
    for name in sorted(tinyweb.__all__, key=_sort_key):
        value = getattr(tinyweb, name)
        home = getattr(value, "__module__", None) if not _is_proxy(value) else "tinyweb.context"
        qualified = name if name == "__version__" else f"{home or 'tinyweb'}.{name}"
        out.extend(describe(name, value, qualified, members=False))
    for module_name in modules:
        importlib.import_module(f"tinyweb.{module_name}")
        module = sys.modules[f"tinyweb.{module_name}"]  # tinyweb.request is also a proxy
        out.append(f"## `tinyweb.{module_name}`\n")
        out.append(summary(own_docstring(module)) + f" ([source](../tinyweb/{module_name}.py))\n")
        for name in module_names(module):
            out.extend(describe(name, getattr(module, name), f"{module_name}.{name}"))
    return "\n".join(out).rstrip("\n") + "\n"


def _contents(modules: list[str]) -> str:
    """A one-paragraph table of contents (GitHub's heading anchors)."""
    links = ["[`tinyweb`](#the-tinyweb-package)"]
    links += [f"[`{name}`](#tinyweb{name})" for name in modules]  # GitHub drops the dot
    return "Contents: " + " · ".join(links) + "\n"


HEADER = """\
# API reference

<!-- Generated by docs/gen_api.py from the docstrings: do not edit by hand.
     After changing a public name or a docstring, run: python docs/gen_api.py -->

Every public name of tinyweb: first the names `import tinyweb` offers, then each module in
the reading order of [how-it-works.md](how-it-works.md). Each entry gives the signature,
the first paragraph of the docstring and its example; the topic pages in
[the docs index](README.md) explain the why. Examples written as `>>>` sessions are run by
`tests/test_docs.py`; the others are fragments quoted from the docstrings.
"""


def main() -> int:
    """Write docs/api.md (or, with ``--check``, exit 1 if it is out of date)."""
    parser = argparse.ArgumentParser(description="Write docs/api.md from the docstrings.")
    parser.add_argument("--check", action="store_true", help="only say if api.md is stale")
    check = parser.parse_args().check  # --help (or a typo) exits here, writing nothing
    try:
        import tinyweb  # noqa: F401  (the installed package, or PYTHONPATH's)
    except ImportError:
        sys.path.insert(0, str(ROOT))  # a plain checkout: use the package beside docs/
    text = generate()
    if check:
        current = API_PATH.read_text(encoding="utf-8") if API_PATH.exists() else ""
        if current != text:
            print("docs/api.md is out of date: run python docs/gen_api.py", file=sys.stderr)
            return 1
        return 0
    API_PATH.write_text(text, encoding="utf-8")
    print(f"wrote {API_PATH.relative_to(ROOT)} ({text.count(chr(10))} lines)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
