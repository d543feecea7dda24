"""The rules of ARCHITECTURE.md, enforced.

1. The import table: which tinyweb modules each module may import (an AST walk).
2. Only ``server.py`` touches sockets, selectors and threads (``reloader``/``cli`` may
   control processes); ``http11.py`` imports no I/O, clock or logging module.
3. No runtime dependency outside the standard library: the package imports under
   ``python -I -S`` (no site-packages at all).
4. Every public module, class, function and method has a docstring.
5. A size budget per module, so no file becomes a wall.

A new module must be added to ``IMPORT_TABLE`` below; that is deliberate, so the map and the
code cannot drift apart.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "tinyweb"

SERVER_HALF = {"http11", "http11_grammar", "gateway", "server_options", "server"}
# The framework half: everything an application imports. The halves never import each
# other, except the entry points that wire them (app.run imports the server lazily; cli).
FRAMEWORK_HALF = {
    "datastructures",
    "header_values",
    "accept",
    "errors",
    "routing",
    "templating",
    "template_loaders",
    "template_compiler",
    "template_writer",
    "template_codegen",
    "template_runtime",
    "template_stream",
    "template_lexer",
    "template_parser",
    "template_filters",
    "template_formatting",
    "template_tests",
    "template_urlize",
    "markup",
    "multipart",
    "request",
    "response",
    "response_wsgi",
    "request_wsgi",
    "caching",
    "header_sets",
    "ranges",
    "typed_headers",
    "context",
    "app",
    "app_errors",
    "return_values",
    "rendering",
    "urls",
    "host_routing",
    "blueprints",
    "scaffold",
    "commands",
    "shell",
    "config",
    "sessions",
    "static",
    "security",
    "testing",
    "proxy",
    "logs",
    "views",
    "signals",
    "coroutines",
    "json_provider",
}

# module -> the tinyweb modules it may import (ARCHITECTURE.md, "Modules").
IMPORT_TABLE: dict[str, set[str]] = {
    "__init__": SERVER_HALF | FRAMEWORK_HALF | {"cli"},
    "__main__": {"cli"},
    "http11": {"http11_grammar"},  # the request grammar's regexes, one page of ABNF
    "http11_grammar": set(),
    "gateway": {"http11"},
    "server_options": {"gateway", "http11"},
    "server": {"gateway", "http11", "server_options"},
    "header_values": set(),  # the grammar of field values: tokens, lists, parameters, digits
    "datastructures": {"header_values"},
    "accept": {"header_values"},  # content negotiation: request.accept_mimetypes and friends
    "errors": set(),
    "routing": {"errors", "converters"},  # converters: the router's variable kinds
    "converters": set(),
    # The template engine is one concept in several files; it imports nothing else of tinyweb.
    "markup": set(),
    "template_filters": {"markup"},
    "template_tests": {"template_filters"},  # Jinja's built-in tests (x is even)
    "template_formatting": {"markup", "template_filters"},  # wordwrap, filesizeformat, xmlattr
    "template_urlize": {"markup", "template_filters"},  # the urlize filter (text -> links)
    "template_lexer": {"template_filters"},  # text -> tokens, Jinja's whitespace control
    "template_parser": {"template_filters", "template_lexer"},  # the expression grammar
    "template_codegen": set(),  # lines, scopes and functions the compiler writes Python with
    # template_runtime imports templating only for the type checker (Environment, Template).
    "template_runtime": {"markup", "template_filters", "templating"},  # what generated code calls
    "template_compiler": {"markup", "template_codegen", "template_filters", "template_parser",
                          "template_writer"},
    "template_writer": {"template_codegen", "template_parser"},  # functions and output
    # template_stream imports templating only for the type checker (Environment, Template).
    "template_stream": {"template_compiler", "template_filters", "template_parser",
                        "template_runtime", "templating"},  # Template.generate's variant
    # template_loaders imports templating only for the type checker (Environment).
    "template_loaders": {"template_filters", "templating"},  # where template sources come from
    "templating": {"markup", "template_filters", "template_compiler", "template_lexer",
                   "template_loaders", "template_runtime", "template_stream", "template_tests",
                   "template_urlize", "template_formatting"},
    "multipart": {"datastructures"},
    "request": {"accept", "caching", "datastructures", "errors", "header_sets", "header_values",
                "multipart", "request_wsgi", "typed_headers"},
    # from_values and application; request for the type checker only, testing lazily.
    "request_wsgi": {"errors", "request", "testing"},
    "response": {"caching", "datastructures", "errors", "header_sets", "header_values",
                 "response_wsgi", "typed_headers"},
    # buffering, the body stream, from_app; response for the type checker only, request
    # (autocorrect_location_header) and testing (run_wsgi_app) lazily.
    "response_wsgi": {"request", "response", "testing"},
    "caching": {"datastructures", "errors", "header_values"},  # Cache-Control, ETags, conditional requests
    "context": {"signals"},  # appcontext_pushed/popped
    "signals": {"coroutines"},  # Signal, Namespace and Flask's ten signals: anything may send
    "coroutines": set(),  # async views: run_coroutine, ensure_sync
    "json_provider": {"app", "context", "response"},  # app.json, jsonify (app: annotations only)
    "header_sets": {"datastructures", "header_values"},  # Vary, Allow and the CORS fields as sets and values
    "ranges": {"caching"},  # Range, If-Range and Content-Range as objects
    # Single fields as values: dates, ages, policies, WWW-Authenticate, Content-Type params
    "typed_headers": {"caching", "datastructures", "header_sets", "header_values", "ranges"},
    "security": set(),
    "config": set(),
    "app": FRAMEWORK_HALF | {"server", "reloader"},  # both only lazily, inside App.run()
    # handle_user_exception & co., app.aborter, tinyweb.abort/redirect (an App mixin)
    "app_errors": {"context", "coroutines", "errors", "response", "return_values", "scaffold",
                   "signals", "app", "request"},  # app, request: annotations only
    "return_values": {"context", "errors", "response"},  # the make_response conventions (app helper)
    "urls": {"context", "converters", "host_routing", "routing", "scaffold", "config"},  # url_for and url_defaults (app helper)
    "host_routing": {"converters", "errors", "routing"},  # subdomain= and host= rules
    "rendering": FRAMEWORK_HALF,  # render_template: the app <-> template engine bridge
    "blueprints": FRAMEWORK_HALF,
    "scaffold": FRAMEWORK_HALF,  # what App and Blueprint share (registration)
    "commands": FRAMEWORK_HALF,  # app.cli commands and the CLI test runner
    "shell": {"context"},  # python -m tinyweb shell; App's shell context (g in the namespace)
    "sessions": FRAMEWORK_HALF,
    "static": FRAMEWORK_HALF,
    "testing": FRAMEWORK_HALF,
    "proxy": FRAMEWORK_HALF,
    "cli": SERVER_HALF | FRAMEWORK_HALF | {"reloader", "__init__"},  # __init__: --version
    "reloader": set(),
    "logs": set(),  # app.logger's one shared default handler (imported lazily by app)
    "views": {"context", "coroutines", "errors"},  # View, MethodView: class-based views (as_view)
}

# Modules that may be imported lazily only (inside a function), never at module level.
LAZY_ONLY: dict[str, set[str]] = {
    "app": {"server", "reloader"},
    "request_wsgi": {"testing"},
    "response_wsgi": {"request", "testing"},
}

IO_MODULES = {"socket", "selectors", "threading", "socketserver", "asyncio", "ssl"}
IO_ALLOWED = {"server", "reloader", "cli"}
# The protocol core is sans-I/O: bytes in, events out; no clock, no logging, no OS.
HTTP11_FORBIDDEN = IO_MODULES | {"time", "logging", "os", "subprocess", "io"}

CODE_LINE_BUDGET = 500


def package_modules() -> list[Path]:
    return sorted(PACKAGE.glob("*.py"))


def module_name(path: Path) -> str:
    return path.stem


def parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def imports_of(tree: ast.Module) -> list[tuple[str, bool]]:
    """(imported module, at module level?) for every import in the tree."""
    top_level = {id(node) for node in tree.body}
    found: list[tuple[str, bool]] = []
    for node in ast.walk(tree):
        is_top = id(node) in top_level or _inside_top_level_guard(tree, node)
        if isinstance(node, ast.Import):
            found.extend((alias.name, is_top) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: "from . import x" / "from .x import y"
                if node.module:
                    found.append(("tinyweb." + node.module, is_top))
                else:
                    found.extend(("tinyweb." + alias.name, is_top) for alias in node.names)
            elif node.module:
                found.append((node.module, is_top))
    return found


def _inside_top_level_guard(tree: ast.Module, target: ast.AST) -> bool:
    """True for imports inside a module-level ``if``/``try`` (still executed on import)."""
    for node in tree.body:
        if isinstance(node, (ast.If, ast.Try)) and any(
            child is target for child in ast.walk(node)
        ):
            return True
    return False


def tinyweb_imports(tree: ast.Module) -> list[tuple[str, bool]]:
    result = []
    for name, is_top in imports_of(tree):
        if name == "tinyweb":
            result.append(("__init__", is_top))
        elif name.startswith("tinyweb."):
            result.append((name.split(".")[1], is_top))
    return result


MODULES = package_modules()


@pytest.mark.parametrize("path", MODULES, ids=module_name)
def test_module_is_in_the_import_table(path: Path) -> None:
    assert module_name(path) in IMPORT_TABLE, (
        f"{path.name} is not in IMPORT_TABLE: add it (and to ARCHITECTURE's module map)"
    )


@pytest.mark.parametrize("path", MODULES, ids=module_name)
def test_imports_follow_the_table(path: Path) -> None:
    name = module_name(path)
    allowed = IMPORT_TABLE.get(name, set())
    for imported, is_top in tinyweb_imports(parse(path)):
        if imported == name:
            continue
        assert imported in allowed, f"{name} may not import tinyweb.{imported}"
        if imported in LAZY_ONLY.get(name, set()):
            assert not is_top, f"{name} must import tinyweb.{imported} lazily, inside a function"


@pytest.mark.parametrize("path", MODULES, ids=module_name)
def test_io_is_confined_to_the_server(path: Path) -> None:
    name = module_name(path)
    forbidden = HTTP11_FORBIDDEN if name in ("http11", "http11_grammar") else IO_MODULES
    if name == "coroutines":  # runs an async view's coroutine (asyncio.run); no sockets
        forbidden = forbidden - {"asyncio"}
    if name in IO_ALLOWED:
        return
    for imported, _ in imports_of(parse(path)):
        root = imported.split(".")[0]
        assert root not in forbidden, f"{name} may not import {imported}"


Definition = "ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef"


def _public_definitions(tree: ast.Module) -> list[tuple[str, Definition]]:
    found: list[tuple[str, Definition]] = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if node.name.startswith("_"):
                continue
            found.append((node.name, node))
            if isinstance(node, ast.ClassDef):
                for member in node.body:
                    if isinstance(member, (ast.FunctionDef, ast.AsyncFunctionDef)):
                        if member.name.startswith("_") or _is_overload_or_setter(member):
                            continue
                        found.append((f"{node.name}.{member.name}", member))
    return found


def _is_overload_or_setter(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    for decorator in node.decorator_list:
        text = ast.unparse(decorator)
        if text.endswith("overload") or text.endswith(".setter") or text.endswith(".deleter"):
            return True
    return False


@pytest.mark.parametrize("path", MODULES, ids=module_name)
def test_every_public_name_has_a_docstring(path: Path) -> None:
    tree = parse(path)
    assert ast.get_docstring(tree), f"{path.name} has no module docstring"
    missing = [
        name
        for name, node in _public_definitions(tree)
        if not ast.get_docstring(node)
    ]
    assert not missing, f"{path.name}: public names without a docstring: {missing}"


def code_lines(path: Path) -> int:
    """Lines of code: not blank, not a comment, not part of a docstring."""
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    docstring_lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                if isinstance(body[0].value.value, str):
                    end = body[0].end_lineno or body[0].lineno
                    docstring_lines.update(range(body[0].lineno, end + 1))
    count = 0
    for number, line in enumerate(source.splitlines(), start=1):
        stripped = line.strip()
        if stripped and not stripped.startswith("#") and number not in docstring_lines:
            count += 1
    return count


@pytest.mark.parametrize("path", MODULES, ids=module_name)
def test_module_size_budget(path: Path) -> None:
    lines = code_lines(path)
    assert lines <= CODE_LINE_BUDGET, (
        f"{path.name} has {lines} lines of code (budget {CODE_LINE_BUDGET}): "
        "split it along a concept"
    )


def test_package_imports_with_the_standard_library_only() -> None:
    modules = [f"tinyweb.{module_name(p)}" for p in MODULES if module_name(p) != "__main__"]
    script = (
        "import importlib\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "assert not any('site-packages' in p for p in sys.path), sys.path\n"
        "print('ok')\n"
    )
    assert run_isolated(script).strip() == "ok"


def run_isolated(script: str) -> str:
    """Run ``script`` with the package importable in a bare interpreter (-I: no user site
    or PYTHON* environment; -S: no site module, so no site-packages); its stdout."""
    prelude = f"import sys\nsys.path.insert(0, {str(PACKAGE.parent)!r})\n"
    result = subprocess.run(
        [sys.executable, "-I", "-S", "-c", prelude + script],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_all_names_are_exported_and_exist() -> None:
    import tinyweb

    for name in tinyweb.__all__:
        assert hasattr(tinyweb, name), f"tinyweb.__all__ names {name!r}, which does not exist"
