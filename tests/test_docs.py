"""The teaching pages stay true: snippets run, outputs match, names exist, api.md is current.

Pages covered: docs/how-it-works.md, docs/coming-from-flask.md, docs/api.md and the index
docs/README.md (docs/deploying.md has its own test). What is checked:

1. Every Python snippet of a page runs, top to bottom in one namespace, in a temporary
   directory, leaving no thread behind; where a ```` ```text ```` block follows a snippet,
   the snippet prints exactly that (so the generated template code shown in
   how-it-works.md is what the engine generates today).
2. docs/api.md is exactly what ``docs/gen_api.py`` generates from the code now, it has an
   entry for every name in ``tinyweb.__all__``, and its ``>>>`` examples pass.
3. Every ``[`Name`](../tinyweb/module.py)`` link of how-it-works.md names something that
   exists in that module, and so does every ``module.Name`` written in backticks.
4. What coming-from-flask.md maps is importable (what it says is missing is checked by
   tests/test_flask_surface.py).
"""

from __future__ import annotations

import doctest
import importlib
import os
import re
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from docs_snippets import Snippet, markdown_python_blocks, run_snippet, same_output

import tinyweb

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES_WITH_SNIPPETS = ("how-it-works.md", "coming-from-flask.md")
HOW_IT_WORKS = DOCS / "how-it-works.md"
COMING_FROM_FLASK = DOCS / "coming-from-flask.md"
API = DOCS / "api.md"
REGENERATE = "docs/api.md is out of date: run python docs/gen_api.py (and commit api.md)"


def _load_generator() -> Any:
    sys.path.insert(0, str(DOCS))
    try:
        return importlib.import_module("gen_api")
    finally:
        sys.path.remove(str(DOCS))


gen_api = _load_generator()


def module(name: str) -> Any:
    """The module ``tinyweb.<name>`` (``tinyweb.request`` the attribute is the proxy)."""
    importlib.import_module(f"tinyweb.{name}")
    return sys.modules[f"tinyweb.{name}"]


def tinyweb_modules() -> set[str]:
    return {path.stem for path in (ROOT / "tinyweb").glob("*.py") if path.stem != "__init__"}


# -- 0. the extractor ------------------------------------------------------------------

EXTRACTOR_CASES = [
    ("no_output", "```python\nx = 1\n```\n", [(2, "x = 1\n", False, None)]),
    ("output_after_blank_line", "```python\nprint(1)\n```\n\n```text\n1\n```\n",
     [(2, "print(1)\n", False, "1\n")]),
    ("prose_between_means_no_output", "```python\nprint(1)\n```\nsee:\n```text\n1\n```\n",
     [(2, "print(1)\n", False, None)]),
    ("other_languages_skipped", "```sh\nls\n```\n```\nplain\n```\n", []),
    ("compile_only_marker", "<!-- compile-only -->\n```python\nserve()\n```\n",
     [(3, "serve()\n", True, None)]),
    ("indented_in_a_list", "- a:\n\n  ```python\n  if x:\n      y()\n  ```\n",
     [(4, "if x:\n    y()\n", False, None)]),
]  # fmt: skip


@pytest.mark.parametrize(
    "text, expected", [case[1:] for case in EXTRACTOR_CASES], ids=[c[0] for c in EXTRACTOR_CASES]
)
def test_extractor(text: str, expected: list[tuple[Any, ...]]) -> None:
    found = [(s.line, s.code, s.compile_only, s.output) for s in markdown_python_blocks(text)]
    assert found == expected


def test_unclosed_fence_is_an_error() -> None:
    with pytest.raises(ValueError, match=r"page\.md:1: unclosed"):
        list(markdown_python_blocks("```python\nx = 1\n", "page.md"))


def test_a_wrong_output_is_detected() -> None:
    snippet = Snippet("page.md", 1, "print('a')\n", False, "b\n")
    printed = run_snippet(snippet, {})
    assert printed == "a\n"
    assert not same_output(printed, snippet.output or "")


def test_tracebacks_point_at_the_page_line() -> None:
    snippet = Snippet("page.md", 7, "x = 1\nraise KeyError('boom')\n", False)
    with pytest.raises(KeyError) as caught:
        run_snippet(snippet, {})
    assert (caught.traceback[-1].path, caught.traceback[-1].lineno + 1) == ("page.md", 8)


# -- 1. every snippet runs and prints what the page shows ------------------------------


@pytest.fixture
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A scratch working directory, and no thread left running afterwards."""
    monkeypatch.chdir(tmp_path)
    before = set(threading.enumerate())
    yield
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        leftover = [t for t in threading.enumerate() if t not in before and t.is_alive()]
        if not leftover:
            return
        time.sleep(0.01)
    pytest.fail(f"threads left running: {leftover}")


@pytest.mark.parametrize("page", PAGES_WITH_SNIPPETS)
def test_page_snippets_run_and_print_what_the_page_shows(page: str, isolated: None) -> None:
    snippets = list(markdown_python_blocks((DOCS / page).read_text("utf-8"), f"docs/{page}"))
    assert snippets, f"docs/{page} has no Python snippet"
    namespace: dict[str, Any] = {"__name__": "docs_snippet"}
    for snippet in snippets:
        printed = run_snippet(snippet, namespace)
        if snippet.output is not None:
            assert same_output(printed, snippet.output), (
                f"{snippet.name}: the snippet printed\n{printed}\n"
                f"but the page shows\n{snippet.output}\n"
                f"(a deliberate change? python tests/docs_snippets.py docs/{page})"
            )


SELF_CONTAINED_OUTPUT_PAGES = sorted(
    path.name for path in DOCS.glob("*.md") if path.name not in PAGES_WITH_SNIPPETS
)


@pytest.mark.parametrize("page", SELF_CONTAINED_OUTPUT_PAGES)
def test_snippets_that_show_output_print_it(page: str, isolated: None) -> None:
    # The other pages also hold fragments (a factory's body, "..."); the snippets followed
    # by their output are whole programs, each run on its own.
    snippets = [s for s in markdown_python_blocks((DOCS / page).read_text("utf-8"),
                                                  f"docs/{page}") if s.output is not None]  # fmt: skip
    assert page != "app.md" or len(snippets) >= 3
    for snippet in snippets:
        printed = run_snippet(snippet, {"__name__": "docs_snippet"})
        assert same_output(printed, snippet.output or ""), f"{snippet.name} printed\n{printed}"


def test_how_it_works_shows_real_output_for_its_key_snippets() -> None:
    """The parser's events, the generated template code and the framing are all checked."""
    snippets = list(markdown_python_blocks(HOW_IT_WORKS.read_text("utf-8")))
    with_output = [s.output for s in snippets if s.output is not None]
    shown = "\n".join(with_output)
    for evidence in ("RequestHead(method=b'POST'", "def root(ctx, blocks, _out):",
                     "Transfer-Encoding: chunked", "400 both Transfer-Encoding"):  # fmt: skip
        assert evidence in shown


# -- 2. api.md: generated, complete, examples pass -------------------------------------


def _entries(text: str) -> dict[str, str]:
    """api.md split into its ``##``/``###`` entries, keyed by module and name."""
    entries: dict[str, str] = {}
    section, key = "", "(header)"
    for line in text.splitlines(keepends=True):
        if line.startswith("## "):
            section = key = line.strip("# \n")
        elif line.startswith("### "):
            key = section + " " + line.strip("# `\n")
        entries[key] = entries.get(key, "") + line
    return entries


def test_api_md_is_what_gen_api_generates_now() -> None:
    current = API.read_text("utf-8") if API.exists() else ""
    expected = gen_api.generate()
    if current != expected:
        old, new = _entries(current), _entries(expected)
        changed = sorted(key for key in old.keys() | new.keys() if old.get(key) != new.get(key))
        pytest.fail(f"{REGENERATE}; entries that changed: {', '.join(changed[:12])}")


def test_every_name_in_tinyweb_all_has_an_api_entry() -> None:
    text = API.read_text("utf-8")
    missing = [name for name in tinyweb.__all__ if f"### `{name}`" not in text]
    assert not missing, f"not in docs/api.md: {missing}; {REGENERATE}"


def test_every_public_module_has_an_api_section() -> None:
    text = API.read_text("utf-8")
    missing = [name for name in gen_api.public_modules() if f"## `tinyweb.{name}`" not in text]
    assert not missing


def _api_doctests() -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(where, example, globals) for every ``>>>`` example of api.md, with its module."""
    for module_name in gen_api.public_modules():
        home = module(module_name)
        for name in gen_api.module_names(home):
            value = getattr(home, name)
            found = gen_api.example(gen_api.own_docstring(value))
            if found is not None and found[0] == "pycon":
                yield f"{module_name}.{name}", found[1], dict(vars(home))


@pytest.mark.parametrize("arguments", [["--help"], ["--no-such-option"]])
def test_gen_api_writes_nothing_when_asked_for_help_or_given_a_typo(
    arguments: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    target = tmp_path / "api.md"
    monkeypatch.setattr(gen_api, "API_PATH", target)
    monkeypatch.setattr(sys, "argv", ["gen_api.py", *arguments])
    with pytest.raises(SystemExit):
        gen_api.main()
    assert not target.exists()


def test_api_examples_written_as_sessions_pass() -> None:
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    failures = []
    count = 0
    for where, example, namespace in _api_doctests():
        test = parser.get_doctest(example, namespace, where, "docs/api.md", 0)
        result = runner.run(test, out=lambda text: failures.append(text))
        count += result.attempted
    assert count > 10
    assert not failures, "\n".join(failures)


def test_gen_api_check_mode_reports_drift(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stale = tmp_path / "api.md"
    stale.write_text("# stale\n", encoding="utf-8")
    monkeypatch.setattr(gen_api, "API_PATH", stale)
    monkeypatch.setattr(sys, "argv", ["gen_api.py", "--check"])
    assert gen_api.main() == 1


SIGNATURE_CASES = [
    ("positional_and_default", "def f(a: int, b: str = 'x') -> bool: ...", "(a: int, b: str = 'x') -> bool"),
    ("keyword_only", "def f(a, *, b=1): ...", "(a, *, b=1)"),
    ("varargs", "def f(*args: Any, **kwargs: Any) -> None: ...", "(*args: Any, **kwargs: Any) -> None"),
    ("positional_only", "def f(a, /, b): ...", "(a, /, b)"),
    ("address_hidden", "def f(a=object()): ...", "(a=...)"),
    ("function_default_named", "def f(a=len): ...", "(a=len)"),
]  # fmt: skip


@pytest.mark.parametrize(
    "source, expected", [c[1:] for c in SIGNATURE_CASES], ids=[c[0] for c in SIGNATURE_CASES]
)
def test_signatures_are_written_the_same_on_every_python(source: str, expected: str) -> None:
    namespace: dict[str, Any] = {}
    exec("from __future__ import annotations\nfrom typing import Any\n" + source, namespace)
    assert gen_api.signature_text(namespace["f"]) == expected


def test_example_extraction() -> None:
    assert gen_api.example("Sum.\n\n>>> 1 + 1\n2\n\nMore.") == ("pycon", ">>> 1 + 1\n2")
    assert gen_api.example("Use it::\n\n    x = f()\n    y = g(x)\n\nMore.") == (
        "python",
        "x = f()\ny = g(x)",
    )
    assert gen_api.example("Nothing to show.") is None


# -- 3. the links of how-it-works.md name real things ----------------------------------

_LINK = re.compile(r"\[`(?P<name>[^`]+)`\]\(\.\./tinyweb/(?P<module>\w+)\.py\)")
_DOTTED = re.compile(r"`(?P<module>[a-z_0-9]+)\.(?P<rest>[A-Za-z_][\w.]*)`")


def resolve(module_name: str, dotted: str) -> bool:
    """Does ``dotted`` (``Name``, ``Class.method``, ``module.Name``) exist in the module?"""
    parts = dotted.split(".")
    if parts[0] == module_name:
        parts = parts[1:]
    target: Any = module(module_name)
    for part in parts:
        if part == "py" and target is module(module_name):
            return True  # the link text is the file name itself
        if part not in vars(target) and not hasattr(target, part):
            return False
        target = getattr(target, part)
    return True


def _references(text: str) -> list[tuple[str, str]]:
    found = [(m["module"], m["name"]) for m in _LINK.finditer(text)]
    known = tinyweb_modules()
    found += [
        (m["module"], m["rest"])
        for m in _DOTTED.finditer(text)
        # `request.args` and `app.config` name objects (the proxy, an App), not modules.
        if m["module"] in known - {"request", "app"} and m["rest"] != "py"
    ]
    return found


def _reading_order_rows(text: str) -> list[tuple[list[str], list[str]]]:
    """(linked modules, names to read first) for each row of the reading-order table."""
    rows = []
    for line in text.splitlines():
        cells = line.split("|")
        if len(cells) < 5 or "../tinyweb/" not in line:
            continue
        modules = re.findall(r"\.\./tinyweb/(\w+)\.py", cells[2])
        names = re.findall(r"`([A-Za-z_][\w.]*)`", cells[3])
        rows.append((modules, names))
    return rows


def test_how_it_works_links_name_functions_that_exist() -> None:
    references = _references(HOW_IT_WORKS.read_text("utf-8"))
    assert len(references) > 40
    missing = [f"{module_name}.{name}" for module_name, name in references
               if module_name not in tinyweb_modules() or not resolve(module_name, name)]  # fmt: skip
    assert not missing, f"docs/how-it-works.md names what no longer exists: {missing}"


def test_reading_order_names_exist_in_their_modules() -> None:
    rows = _reading_order_rows(HOW_IT_WORKS.read_text("utf-8"))
    assert len(rows) >= 10
    for modules, names in rows:
        for name in names:
            assert any(resolve(m, name) for m in modules), f"{name} is in none of {modules}"


def test_reading_order_covers_every_module() -> None:
    text = HOW_IT_WORKS.read_text("utf-8")
    linked = set(re.findall(r"\.\./tinyweb/(\w+)\.py", text))
    unlisted = tinyweb_modules() - linked - {"__main__"}
    assert not unlisted, f"docs/how-it-works.md does not place {sorted(unlisted)} in the map"


@pytest.mark.parametrize(
    "text, ok",
    [("[`RequestParser.feed`](../tinyweb/http11.py)", True),
     ("[`RequestParser.no_such_method`](../tinyweb/http11.py)", False),
     ("`http11.RequestParser`", True), ("`http11.Nothing`", False)],
)  # fmt: skip
def test_the_reference_checker_can_fail(text: str, ok: bool) -> None:
    assert all(resolve(m, n) for m, n in _references(text)) is ok


# -- 4. coming-from-flask.md: what it maps exists ---------------------


def test_every_tinyweb_import_in_the_flask_table_works() -> None:
    text = COMING_FROM_FLASK.read_text("utf-8")
    names = re.findall(r"`from tinyweb(?:\.(\w+))? import ([\w, ]+)`", text)
    assert len(names) > 5
    for module_name, imported in names:
        home = module(module_name) if module_name else tinyweb
        for name in imported.split(","):
            assert hasattr(home, name.strip()), (
                f"tinyweb{'.' + module_name if module_name else ''}.{name.strip()}"
            )


# -- 5. the index lists every page -----------------------------------------------------


def test_docs_index_links_every_page() -> None:
    index = (DOCS / "README.md").read_text("utf-8")
    pages = sorted(p.name for p in DOCS.glob("*.md") if p.name != "README.md")
    unlisted = [page for page in pages if page not in index]
    assert not unlisted, f"docs/README.md does not link {unlisted}"


def test_relative_links_of_my_pages_resolve() -> None:
    for page in ("how-it-works.md", "coming-from-flask.md", "README.md"):
        text = (DOCS / page).read_text("utf-8")
        for target in re.findall(r"\]\(([^)#:\s]+)(?:#[^)]*)?\)", text):
            assert os.path.exists(DOCS / target), f"docs/{page} links to missing {target}"
