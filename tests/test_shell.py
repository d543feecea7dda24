"""Tests for tinyweb/shell.py: ``python -m tinyweb shell`` and ``app.shell_context_processor``."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Any

import pytest

from tinyweb import App, cli, current_app, g

SHELL_APP = (
    "from tinyweb import App\n"
    "app = App('shellapp')\n"
    "@app.shell_context_processor\n"
    "def names():\n"
    "    return {'answer': 42}\n"
)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """shellapp.py in the current directory; no PYTHONSTARTUP and no interactive hook."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delenv("PYTHONSTARTUP", raising=False)
    monkeypatch.delattr(sys, "__interactivehook__", raising=False)
    monkeypatch.delitem(sys.modules, "shellapp", raising=False)
    (tmp_path / "shellapp.py").write_text(SHELL_APP)
    return tmp_path


def test_make_shell_context_has_app_g_and_what_the_processors_return() -> None:
    app = App("shell_context")
    assert app.make_shell_context() == {"app": app, "g": g}

    @app.shell_context_processor
    def first() -> dict[str, Any]:
        return {"db": "connection", "g": "replaced"}

    @app.shell_context_processor
    def second() -> dict[str, Any]:
        return {"db": "second wins"}

    assert first() == {"db": "connection", "g": "replaced"}  # the decorator returns it
    assert app.shell_context_processors == [first, second]
    assert app.make_shell_context() == {"app": app, "g": "replaced", "db": "second wins"}


def test_shell_interacts_in_an_app_context_with_flasks_banner(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import code

    seen: dict[str, Any] = {}

    def fake_interact(banner: str, local: dict[str, Any]) -> None:
        seen.update(banner=banner, local=local, app_name=current_app.name)

    monkeypatch.setattr(code, "interact", fake_interact)
    assert cli.main(["--app", "shellapp", "shell"]) == 0
    import shellapp

    assert seen["banner"] == (
        f"Python {sys.version} on {sys.platform}\n"
        f"App: shellapp\nInstance: {shellapp.app.instance_path}"
    )
    assert seen["app_name"] == "shellapp"  # inside app.app_context()
    assert seen["local"]["app"] is shellapp.app
    assert seen["local"]["g"] is g and seen["local"]["answer"] == 42


def test_shell_reads_statements_from_stdin(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The real console (code.interact), fed from stdin as `python -m tinyweb shell < x`."""
    monkeypatch.setattr(sys, "stdin", io.StringIO("g.user = 'ada'\nprint(app.name, answer, g.user)\n"))
    assert cli.main(["shell", "shellapp"]) == 0
    captured = capsys.readouterr()
    assert "shellapp 42 ada\n" in captured.out
    assert "App: shellapp" in captured.err  # the banner goes where the console writes


def test_shell_runs_pythonstartup_first_and_the_interactive_hook(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import code

    startup = project / "startup.py"
    startup.write_text("from_startup = 'yes'\nanswer = 'overridden by the app'\n")
    monkeypatch.setenv("PYTHONSTARTUP", str(startup))
    hooks: list[str] = []
    monkeypatch.setattr(sys, "__interactivehook__", lambda: hooks.append("called"), raising=False)
    try:
        import readline
    except ImportError:  # pragma: no cover - no readline on this platform
        pass
    else:
        monkeypatch.setattr(readline, "set_completer", lambda completer: hooks.append("completer"))
    seen: dict[str, Any] = {}
    monkeypatch.setattr(code, "interact", lambda banner, local: seen.update(local))
    assert cli.main(["shell", "shellapp"]) == 0
    assert seen["from_startup"] == "yes" and seen["answer"] == 42
    assert hooks[-1] == "called"


def test_a_failing_pythonstartup_shows_its_traceback_and_the_shell_still_opens(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import code

    startup = project / "broken_startup.py"
    startup.write_text("1 / 0\n")
    monkeypatch.setenv("PYTHONSTARTUP", str(startup))
    opened: list[bool] = []
    monkeypatch.setattr(code, "interact", lambda banner, local: opened.append(True))
    assert cli.main(["shell", "shellapp"]) == 0
    assert opened == [True]
    assert "ZeroDivisionError" in capsys.readouterr().err


def test_shell_refuses_a_non_tinyweb_app(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "plainwsgi.py").write_text("def app(environ, start_response):\n    return []\n")
    assert cli.main(["shell", "plainwsgi"]) == 2
    assert "needs a tinyweb App" in capsys.readouterr().err


def app_md_snippet(marker: str) -> Any:
    """The Python block of docs/app.md that contains ``marker``."""
    from docs_snippets import markdown_python_blocks

    page = Path(__file__).resolve().parent.parent / "docs" / "app.md"
    blocks = markdown_python_blocks(page.read_text("utf-8"), str(page))
    return next(snippet for snippet in blocks if marker in snippet.code)


def test_the_shell_snippet_of_app_md_prints_what_the_page_shows() -> None:
    from docs_snippets import run_snippet, same_output

    snippet = app_md_snippet("@app.shell_context_processor")
    assert snippet.output is not None
    assert same_output(run_snippet(snippet, {"__name__": "docs_snippet"}), snippet.output)
