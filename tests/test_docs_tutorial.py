"""docs/tutorial.md never drifts from the blog example it builds (examples/blog).

Rules checked here:

1. Every code block in ``python``, ``html``, ``sql`` or ``css`` names its file in the
   fence (```` ```python file=blog/db.py ````), relative to ``examples/blog``, and that
   file exists.
2. The block is real code from that file: split at gap lines (``# ...``, ``{# ... #}``,
   ``-- ...``, ``/* ... */``), each piece appears in the file as whole lines, in order.
3. The tutorial builds the whole blog: every source file of the package (and the test
   fixtures) is shown at least once.
4. Every ``python -m tinyweb --app blog <command>`` in a shell block names a command the
   blog has, and a command with a ``# comment`` prints that text when run.
"""

from __future__ import annotations

import re
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPOSITORY = Path(__file__).resolve().parent.parent
TUTORIAL = REPOSITORY / "docs" / "tutorial.md"
BLOG_ROOT = REPOSITORY / "examples" / "blog"

# A line that stands for code left out of a block, per language.
GAP_MARKERS = {"python": "# ...", "html": "{# ... #}", "sql": "-- ...", "css": "/* ... */"}
FENCE = re.compile(r"^```(?P<language>\w*)(?P<attributes>[^`]*)$")


@dataclass(frozen=True)
class CodeBlock:
    """One fenced block of the tutorial."""

    language: str
    attributes: dict[str, str]
    text: str
    line_number: int


def code_blocks(markdown: str) -> list[CodeBlock]:
    """The fenced code blocks of ``markdown``, with their fence attributes (``key=value``)."""
    blocks: list[CodeBlock] = []
    lines = markdown.splitlines()
    index = 0
    while index < len(lines):
        opening = FENCE.match(lines[index])
        if opening is None:
            index += 1
            continue
        end = lines.index("```", index + 1)
        words = opening["attributes"].split()
        attributes = dict(word.split("=", 1) for word in words if "=" in word)
        text = "\n".join(lines[index + 1 : end])
        blocks.append(CodeBlock(opening["language"], attributes, text, index + 1))
        index = end + 1
    return blocks


def pieces(block: CodeBlock) -> list[str]:
    """The block split at its gap lines, each piece without surrounding blank lines."""
    marker = GAP_MARKERS[block.language]
    result: list[list[str]] = [[]]
    for line in block.text.splitlines():
        if line.strip() == marker:
            result.append([])
        else:
            result[-1].append(line)
    return ["\n".join(piece).strip("\n") for piece in result if "".join(piece).strip()]


def missing_pieces(block: CodeBlock, source: str) -> list[str]:
    """The pieces of ``block`` not found in ``source`` (whole lines, in order); [] if all are."""
    searched = "\n" + source + "\n"
    position = 0
    missing = []
    for piece in pieces(block):
        found = searched.find("\n" + piece + "\n", position)
        if found < 0:
            missing.append(piece)
        else:
            position = found + len(piece) + 1
    return missing


def checked_blocks() -> list[CodeBlock]:
    """The tutorial's blocks in the languages whose code must come from the example."""
    blocks = code_blocks(TUTORIAL.read_text(encoding="utf-8"))
    return [block for block in blocks if block.language in GAP_MARKERS]


def block_id(block: CodeBlock) -> str:
    return f"line {block.line_number}: {block.attributes.get('file', '?')}"


def test_the_tutorial_has_code_from_every_file_kind() -> None:
    languages = {block.language for block in checked_blocks()}
    assert languages == set(GAP_MARKERS)


@pytest.mark.parametrize("block", checked_blocks(), ids=block_id)
def test_every_block_is_real_code_from_the_file_it_names(block: CodeBlock) -> None:
    assert "file" in block.attributes, f"tutorial line {block.line_number}: no file=..."
    path = BLOG_ROOT / block.attributes["file"]
    assert path.is_file(), f"tutorial line {block.line_number}: {path} does not exist"
    assert missing_pieces(block, path.read_text(encoding="utf-8")) == []


def test_the_tutorial_shows_every_file_of_the_blog() -> None:
    package = BLOG_ROOT / "blog"
    expected = {
        str(path.relative_to(BLOG_ROOT))
        for path in package.rglob("*")
        if path.suffix in {".py", ".html", ".sql", ".css"}
    }
    expected.add("tests/conftest.py")
    shown = {block.attributes.get("file") for block in checked_blocks()}
    assert expected - shown == set()


# -- the checker itself: it must be able to fail -----------------------------------------

SOURCE = "def a():\n    return 1\n\n\ndef b():\n    return 2\n"


@pytest.mark.parametrize(
    ("text", "missing"),
    [
        ("def a():\n    return 1", []),
        ("def a():\n    return 1\n\n# ...\n\ndef b():\n    return 2", []),
        ("def b():\n    return 2\n# ...\ndef a():\n    return 1", ["def a():\n    return 1"]),
        ("def a():\n    return 3", ["def a():\n    return 3"]),
        ("f a():", ["f a():"]),  # a piece must be whole lines
        ("    return 2\n", []),
    ],
)
def test_the_checker_finds_whole_lines_in_order(text: str, missing: list[str]) -> None:
    block = CodeBlock("python", {"file": "x.py"}, text, 1)
    assert missing_pieces(block, SOURCE) == missing


def test_fence_attributes_are_read() -> None:
    markdown = "text\n```python file=blog/db.py\nx = 1\n```\n```sh\nls\n```\n"
    first, second = code_blocks(markdown)
    assert (first.language, first.attributes, first.text) == (
        "python",
        {"file": "blog/db.py"},
        "x = 1",
    )
    assert (second.language, second.attributes) == ("sh", {})


# -- the commands of the tutorial --------------------------------------------------------


def tutorial_commands() -> list[tuple[str, str]]:
    """(command name, expected output or "") for each `python -m tinyweb --app blog ...`."""
    commands = []
    for block in code_blocks(TUTORIAL.read_text(encoding="utf-8")):
        if block.language != "sh":
            continue
        for line in block.text.splitlines():
            command, _, comment = line.partition("#")
            words = shlex.split(command)
            if words[:5] == ["python", "-m", "tinyweb", "--app", "blog"]:
                commands.append((words[5], comment.strip()))
    return commands


def test_the_tutorial_runs_init_db_and_run() -> None:
    assert {name for name, _ in tutorial_commands()} == {"run", "init-db"}


@pytest.mark.parametrize(("name", "output"), [c for c in tutorial_commands() if c[0] != "run"])
def test_each_command_prints_what_the_tutorial_says(tmp_path: Path, name: str, output: str) -> None:
    if str(BLOG_ROOT) not in sys.path:
        sys.path.insert(0, str(BLOG_ROOT))
    from blog import create_app

    app: Any = create_app({"DATABASE": str(tmp_path / "blog.sqlite")})
    result = app.test_cli_runner().invoke(args=[name])
    assert result.output.strip() == output
