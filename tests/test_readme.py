"""The README's promises: its app runs, and the commands it names exist in the Makefile."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)


def test_the_smallest_app_runs_and_answers() -> None:
    (source,) = python_blocks(README)
    namespace: dict[str, object] = {"__name__": "readme_app"}
    exec(compile(source, "README.md", "exec"), namespace)
    app = namespace["app"]
    response = app.test_client().get("/")
    assert response.status_code == 200
    assert response.text == "<p>Hello, World!</p>"


def test_the_smallest_app_is_the_example_hello_py() -> None:
    (source,) = python_blocks(README)
    example = (ROOT / "examples" / "hello.py").read_text(encoding="utf-8")
    for line in source.strip().splitlines():
        if line.strip():
            assert line in example, f"README line not in examples/hello.py: {line!r}"


def test_every_make_target_the_readme_names_exists() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z][a-z-]*):", makefile, flags=re.MULTILINE))
    named = set(re.findall(r"`make ([a-z][a-z-]*)", README))
    assert named, "the README names no make target"
    assert named <= targets, f"README names missing targets: {named - targets}"


def test_every_linked_doc_exists() -> None:
    for link in re.findall(r"\]\(((?:docs|examples)/[^)#]+)\)", README):
        assert (ROOT / link).exists(), link
