"""docs/deploying.md stays true: every Python snippet runs, every table matches the code.

The helpers at the top are written for any page under docs/ (move them to a shared module
when a second page uses them): ``python_snippets(path)`` yields the ```` ```python ````
blocks of a Markdown file; a block whose preceding line is ``<!-- compile-only -->`` (for
code that would block, like ``serve()``, or needs a module the reader has) is compiled but
not run. ``run_snippet`` executes one with the document's line numbers in tracebacks.

Each snippet runs alone, in a fresh namespace, in a temporary working directory, with the
logging configuration restored and no thread left behind afterwards.
"""

from __future__ import annotations

import inspect
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest
from docs_snippets import Snippet, markdown_python_blocks

from tinyweb import cli, http11
from tinyweb.proxy import ProxyFix
from tinyweb.server import ServerOptions

ROOT = Path(__file__).resolve().parent.parent
DEPLOYING = ROOT / "docs" / "deploying.md"


# -- the reusable part: Markdown -> snippets -> run --------------------------------------


def python_snippets(path: Path) -> Iterator[Snippet]:
    """Yield the Python blocks of the Markdown file at ``path`` (named relative to the repo)."""
    try:
        shown = str(path.relative_to(ROOT))
    except ValueError:
        shown = str(path)
    yield from markdown_python_blocks(path.read_text(encoding="utf-8"), shown)


def run_snippet(snippet: Snippet, namespace: dict[str, Any] | None = None) -> dict[str, Any]:
    """Compile ``snippet`` (errors point at the Markdown line); run it unless compile-only.

    Returns the namespace, so a page whose snippets build on each other can pass it along.
    """
    source = "\n" * (snippet.line - 1) + snippet.code  # tracebacks show the doc's line
    code = compile(source, snippet.path, "exec")
    namespace = {"__name__": "docs_snippet"} if namespace is None else namespace
    if not snippet.compile_only:
        exec(code, namespace)
    return namespace


# -- the extractor itself ------------------------------------------------------------------

EXTRACTOR_CASES = [
    ("one_block", "text\n```python\nx = 1\n```\n", [(3, "x = 1\n", False)]),
    ("py_alias", "```py\nx = 1\n```\n", [(2, "x = 1\n", False)]),
    ("other_languages_skipped", "```sh\nrm -rf /\n```\n```nginx\nx;\n```\n", []),
    ("bare_fence_skipped", "```\nnot python\n```\n", []),
    ("marker_applies", "<!-- compile-only -->\n\n```python\nserve()\n```\n",
     [(4, "serve()\n", True)]),
    ("marker_only_for_the_next_block",
     "<!-- compile-only -->\n```python\na\n```\n```python\nb\n```\n",
     [(3, "a\n", True), (6, "b\n", False)]),
    ("marker_separated_by_text_does_not_apply",
     "<!-- compile-only -->\nprose\n```python\na\n```\n", [(4, "a\n", False)]),
    ("indented_in_a_list", "- item:\n\n  ```python\n  if x:\n      y()\n  ```\n",
     [(4, "if x:\n    y()\n", False)]),
    ("blank_lines_kept", "```python\na\n\nb\n```\n", [(2, "a\n\nb\n", False)]),
    ("python_fence_inside_other_fence_is_text", "```md\n```python\n```\n", []),
]  # fmt: skip


@pytest.mark.parametrize(
    "text, expected", [case[1:] for case in EXTRACTOR_CASES], ids=[c[0] for c in EXTRACTOR_CASES]
)
def test_markdown_python_blocks(text: str, expected: list[tuple[int, str, bool]]) -> None:
    found = [(s.line, s.code, s.compile_only) for s in markdown_python_blocks(text)]
    assert found == expected


def test_unclosed_fence_is_an_error() -> None:
    with pytest.raises(ValueError, match=r"doc\.md:2: unclosed"):
        list(markdown_python_blocks("x\n```python\nprint(1)\n", "doc.md"))


def test_tracebacks_point_at_the_markdown_line() -> None:
    snippet = next(markdown_python_blocks("a\nb\n```python\nok = 1\nraise KeyError('x')\n```\n"))
    with pytest.raises(KeyError) as caught:
        run_snippet(snippet)
    assert caught.traceback[-1].lineno + 1 == 5  # pytest's lineno is 0-based


def test_compile_only_snippets_are_still_compiled() -> None:
    snippet = Snippet("doc.md", 1, "def broken(:\n", compile_only=True)
    with pytest.raises(SyntaxError):
        run_snippet(snippet)


# -- docs/deploying.md: every snippet runs -------------------------------------------------

DEPLOYING_SNIPPETS = list(python_snippets(DEPLOYING))
WATCHED_LOGGERS = ("", "tinyweb", "tinyweb.access", "tinyweb.error", "myapp.clients")


@pytest.fixture
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A temporary working directory, logging and environment restored, no thread leaked."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(os, "environ", os.environ.copy())
    saved = {name: _logger_state(logging.getLogger(name)) for name in WATCHED_LOGGERS}
    threads_before = set(threading.enumerate())
    try:
        yield
    finally:
        for name, state in saved.items():
            _restore_logger(logging.getLogger(name), state)
    leaked = _wait_for_threads(threads_before)
    assert not leaked, f"snippet left threads running: {leaked}"


def _logger_state(logger: logging.Logger) -> tuple[list[logging.Handler], int, bool]:
    return list(logger.handlers), logger.level, logger.propagate


def _restore_logger(logger: logging.Logger, state: tuple[list[logging.Handler], int, bool]) -> None:
    handlers, level, propagate = state
    for handler in logger.handlers:
        if handler not in handlers:
            handler.close()
    logger.handlers[:] = handlers
    logger.setLevel(level)
    logger.propagate = propagate


def _wait_for_threads(before: set[threading.Thread]) -> list[threading.Thread]:
    deadline = time.monotonic() + 5.0
    while time.monotonic() < deadline:
        leaked = [thread for thread in threading.enumerate() if thread not in before]
        if not leaked:
            return []
        time.sleep(0.02)
    return leaked


@pytest.mark.usefixtures("isolated")
@pytest.mark.parametrize("snippet", DEPLOYING_SNIPPETS, ids=lambda snippet: snippet.name)
def test_deploying_snippet_runs(snippet: Snippet) -> None:
    run_snippet(snippet)


def test_deploying_has_runnable_snippets() -> None:
    runnable = [snippet for snippet in DEPLOYING_SNIPPETS if not snippet.compile_only]
    assert len(runnable) >= 8 and len(DEPLOYING_SNIPPETS) > len(runnable)


# -- docs/deploying.md: the tables match the code ------------------------------------------


def table_rows(text: str, heading: str) -> dict[str, list[str]]:
    """Rows of the first table after the header row starting with ``| heading |``.

    Keyed by the first cell without backticks; values are the remaining cells.
    """
    rows: dict[str, list[str]] = {}
    in_table = False
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if not in_table:
            in_table = line.startswith("|") and cells[0] == heading
            continue
        if not line.startswith("|"):
            break
        if set(cells[0]) <= {"-", ":"}:
            continue
        rows[cells[0].strip("`")] = cells[1:]
    return rows


def literal(cell: str) -> Any:
    """The value of a backticked default such as ``16``, ``10.0`` or ``8 * 1024``."""
    match = re.fullmatch(r"`([0-9. *]+|True|False)`", cell)
    assert match, f"not a literal default: {cell!r}"
    return eval(match.group(1), {"__builtins__": {}})  # digits, dots, spaces and * only


def test_server_options_table_lists_every_option_with_its_default() -> None:
    rows = table_rows(DEPLOYING.read_text(encoding="utf-8"), "option")
    expected = {item.name: item.default for item in fields(ServerOptions) if item.name != "limits"}
    expected.update({item.name: item.default for item in fields(http11.Limits)})
    assert set(rows) == set(expected)
    for name, default in expected.items():
        assert literal(rows[name][0]) == default, name


def test_proxy_fix_table_matches_the_signature() -> None:
    rows = table_rows(DEPLOYING.read_text(encoding="utf-8"), "argument")
    parameters = dict(inspect.signature(ProxyFix).parameters)
    parameters.pop("app")
    assert set(rows) == set(parameters)
    for name, parameter in parameters.items():
        assert literal(rows[name][0]) == parameter.default, name


def test_cli_table_matches_the_parser() -> None:
    rows = table_rows(DEPLOYING.read_text(encoding="utf-8"), "flag")
    arguments = cli.build_parser().parse_args(["run"])
    assert rows["--host"][0] == f"`{arguments.host}`"
    assert rows["--port"][0] == f"`{arguments.port}`"
    assert rows["--threads"][0] == f"`{ServerOptions().threads}`"
    assert {"target", "--debug"} <= set(rows)


# -- the claim "SIGTERM is a graceful shutdown" --------------------------------------------

SLOW_APP = """
import sys, time
from tinyweb.server import serve

def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    print("started", flush=True)
    time.sleep(0.5)
    return [b"finished"]

serve(app, "127.0.0.1", 0, access_log=False)
print("stopped", flush=True)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM cannot be caught on Windows")
def test_sigterm_lets_the_request_in_flight_finish() -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", SLOW_APP],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert process.stdout is not None
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", process.stdout.readline())
        assert match
        with socket.create_connection(("127.0.0.1", int(match.group(1))), timeout=10) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            assert process.stdout.readline() == "started\n"
            process.send_signal(signal.SIGTERM)
            response = _read_until_closed(sock)
        out, err = process.communicate(timeout=20)
        assert response.startswith(b"HTTP/1.1 200 ")
        assert b"Connection: close" in response and response.endswith(b"finished")
        assert out == "stopped\n" and process.returncode == 0, err
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()


def _read_until_closed(sock: socket.socket) -> bytes:
    received = b""
    while True:
        data = sock.recv(65536)
        if not data:
            return received
        received += data
