"""Python snippets in Markdown pages: find them, run them, compare what they print.

Shared by the tests of the pages under docs/ (``tests/test_docs.py`` and
``tests/test_docs_deploying.py``, which also tests the extractor itself):

- ``markdown_python_blocks(text)`` yields every ```` ```python ```` (or ```` ```py ````)
  block. A block whose nearest non-blank line above is ``<!-- compile-only -->`` is
  compiled but not run (code that would block, like ``serve()``).
- A ```` ```text ```` block that follows a Python block with only blank lines between them
  is that snippet's *output*: what it prints, exactly (trailing spaces aside).
- ``run_snippet`` executes a snippet with the page's line numbers in tracebacks and
  returns what it printed.
- ``python tests/docs_snippets.py docs/how-it-works.md`` rewrites the output blocks of a
  page from what its snippets print now (after a deliberate change; review the diff).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

COMPILE_ONLY_MARKER = "<!-- compile-only -->"

_FENCE_OPEN = re.compile(r"(?P<indent>[ ]*)```(?P<language>[A-Za-z0-9_+-]*)[ \t]*")


@dataclass(frozen=True)
class Snippet:
    """One Python block of a Markdown page, and the output shown after it (if any)."""

    path: str
    line: int  # 1-based line of the first line of code (after the opening fence)
    code: str
    compile_only: bool
    output: str | None = None

    @property
    def name(self) -> str:
        """``docs/how-it-works.md:123``, for test ids and tracebacks."""
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class _Block:
    language: str
    start: int  # index of the opening fence
    end: int  # index of the closing fence
    body: str


def fenced_blocks(text: str, path: str = "<markdown>") -> list[_Block]:
    """Every fenced block of ``text``; an unclosed fence is an error, not a silent skip."""
    lines = text.splitlines()
    blocks = []
    index = 0
    while index < len(lines):
        opening = _FENCE_OPEN.fullmatch(lines[index])
        if opening is None:
            index += 1
            continue
        indent = opening.group("indent")
        closing = _closing_fence(lines, index + 1, indent)
        if closing is None:
            raise ValueError(f"{path}:{index + 1}: unclosed code fence")
        body = "\n".join(_dedent(line, indent) for line in lines[index + 1 : closing])
        blocks.append(_Block(opening.group("language"), index, closing, body + "\n"))
        index = closing + 1
    return blocks


def markdown_python_blocks(text: str, path: str = "<markdown>") -> Iterator[Snippet]:
    """Yield every Python block of ``text`` in order, with the output block after it."""
    lines = text.splitlines()
    blocks = fenced_blocks(text, path)
    for position, block in enumerate(blocks):
        if block.language not in ("python", "py"):
            continue
        output = None
        following = blocks[position + 1] if position + 1 < len(blocks) else None
        if (
            following is not None
            and following.language == "text"
            and all(not line.strip() for line in lines[block.end + 1 : following.start])
        ):
            output = following.body
        compile_only = _marked_compile_only(lines, block.start)
        yield Snippet(path, block.start + 2, block.body, compile_only, output)


def run_snippet(snippet: Snippet, namespace: dict[str, Any]) -> str:
    """Compile ``snippet`` (errors point at the page's line); run it unless compile-only.

    Returns what it printed to stdout. ``namespace`` is shared by the snippets of a page,
    which read top to bottom like a session at the prompt.
    """
    source = "\n" * (snippet.line - 1) + snippet.code
    code = compile(source, snippet.path, "exec")
    if snippet.compile_only:
        return ""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(code, namespace)
    return printed.getvalue()


def same_output(printed: str, expected: str) -> bool:
    """Equal line by line, ignoring trailing spaces and trailing blank lines."""

    def normal(text: str) -> list[str]:
        return [line.rstrip() for line in text.rstrip("\n").splitlines()]

    return normal(printed) == normal(expected)


def update_outputs(path: Path) -> int:
    """Run a page's snippets and rewrite the output blocks that follow them; return changes.

    For a maintainer after a deliberate change (say, the template compiler's output):
    ``python tests/docs_snippets.py docs/how-it-works.md``, then review ``git diff``.
    """
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    blocks = fenced_blocks(text, str(path))
    namespace: dict[str, Any] = {"__name__": "docs_snippet"}
    replacements: list[tuple[int, int, list[str]]] = []
    for position, block in enumerate(blocks):
        if block.language not in ("python", "py"):
            continue
        snippet = Snippet(str(path), block.start + 2, block.body, False)
        printed = run_snippet(snippet, namespace)
        following = blocks[position + 1] if position + 1 < len(blocks) else None
        if (
            following is not None
            and following.language == "text"
            and all(not line.strip() for line in lines[block.end + 1 : following.start])
            and not same_output(printed, following.body)
        ):
            new_lines = [line.rstrip() for line in printed.rstrip("\n").splitlines()]
            replacements.append((following.start + 1, following.end, new_lines))
    for start, end, new_lines in reversed(replacements):
        lines[start:end] = new_lines
    if replacements:
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(replacements)


def _closing_fence(lines: list[str], start: int, indent: str) -> int | None:
    for index in range(start, len(lines)):
        if lines[index].strip(" ") == "```" and lines[index].startswith(indent):
            return index
    return None


def _dedent(line: str, indent: str) -> str:
    return line[len(indent) :] if line.startswith(indent) else line.lstrip(" ")


def _marked_compile_only(lines: list[str], fence_index: int) -> bool:
    """True when the nearest non-blank line above the fence is the marker."""
    for index in range(fence_index - 1, -1, -1):
        if lines[index].strip(" \t"):
            return lines[index].strip(" \t") == COMPILE_ONLY_MARKER
    return False


if __name__ == "__main__":
    for name in sys.argv[1:]:
        page = Path(name).resolve()
        with tempfile.TemporaryDirectory() as scratch:
            os.chdir(scratch)  # snippets may write files
            print(f"{name}: {update_outputs(page)} output block(s) updated")
