"""Tests for tinyweb/cli.py: finding the app, `run` (in-process and as a real process), `routes`."""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from tinyweb import cli
from tinyweb.app import App

REPOSITORY = Path(__file__).resolve().parent.parent

MODULE_SOURCE = textwrap.dedent(
    """
    from tinyweb.app import App

    def plain_wsgi(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"plain"]

    def create_app(name="factory", debug=False):
        app = App(name)
        app.config["DEBUG"] = debug
        return app

    not_callable = 42
    """
)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary project directory as the current directory, its modules importable."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(cli.APP_ENVIRONMENT_VARIABLE, raising=False)
    monkeypatch.setattr(sys, "path", [str(tmp_path), *sys.path])
    for name in ("cliproject", "wsgi", "app", "only_app", "two_apps", "factory_only"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    (tmp_path / "cliproject.py").write_text(MODULE_SOURCE)
    return tmp_path


# (target, check on the loaded object)
TARGETS: list[tuple[str, Any]] = [
    ("cliproject:plain_wsgi", lambda found: found.__name__ == "plain_wsgi"),
    ("cliproject:create_app()", lambda found: found.name == "factory"),
    ("cliproject:create_app('named', debug=True)", lambda found: found.name == "named" and found.debug),
    ("cliproject.py:create_app()", lambda found: found.name == "factory"),
]


@pytest.mark.parametrize(("target", "check"), TARGETS, ids=[target for target, _ in TARGETS])
def test_load_app_targets(project: Path, target: str, check: Any) -> None:
    assert check(cli.load_app(target))


@pytest.mark.parametrize(
    ("source", "expected_name"),
    [
        ("from tinyweb.app import App\napp = App('by_name')\n", "by_name"),
        ("from tinyweb.app import App\nweb = App('single')\n", "single"),
        ("from tinyweb.app import App\ndef create_app():\n    return App('made')\n", "made"),
    ],
    ids=["app_attribute", "single_instance", "factory"],
)
def test_module_alone_finds_the_best_app(project: Path, source: str, expected_name: str) -> None:
    (project / "only_app.py").write_text(source)
    assert cli.load_app("only_app").name == expected_name


@pytest.mark.parametrize("filename", ["wsgi.py", "app.py"])
def test_discovery_of_wsgi_py_and_app_py(project: Path, filename: str) -> None:
    (project / filename).write_text("from tinyweb.app import App\napp = App('found')\n")
    assert cli.load_app(None).name == "found"


def test_environment_variable_names_the_app(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cli.APP_ENVIRONMENT_VARIABLE, "cliproject:plain_wsgi")
    assert cli.load_app(None).__name__ == "plain_wsgi"


@pytest.mark.parametrize(
    ("target", "message"),
    [
        (None, "no application given"),
        ("no_such_module_xyz:app", "could not import"),
        ("cliproject:missing", "has no attribute 'missing'"),
        ("cliproject:not_callable", "not a WSGI callable"),
        ("cliproject:create_app(open)", "must be literals"),
        ("cliproject:1 +", "cannot parse"),
        ("cliproject", "no app, application or create_app"),
    ],
)
def test_load_errors_are_clear(project: Path, target: str | None, message: str) -> None:
    if target == "cliproject":
        (project / "cliproject.py").write_text("x = 1\n")
    with pytest.raises(cli.NoAppError, match=message):
        cli.load_app(target)


def test_a_missing_import_inside_the_module_shows_its_own_error(project: Path) -> None:
    (project / "cliproject.py").write_text("import clip\n")
    with pytest.raises(ModuleNotFoundError, match="clip"):
        cli.load_app("cliproject:app")


def test_main_reports_errors_with_exit_status_2(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        cli.main(["run", "cliproject:missing"])
    assert info.value.code == 2
    assert "has no attribute 'missing'" in capsys.readouterr().err


def test_run_hands_any_wsgi_app_to_the_server(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tinyweb.server

    calls: list[tuple[Any, dict[str, Any]]] = []
    monkeypatch.setattr(tinyweb.server, "serve", lambda app, **options: calls.append((app, options)))
    assert cli.main(["--app", "cliproject:plain_wsgi", "run", "--port", "9001", "--threads", "3"]) == 0
    assert calls[0][0].__name__ == "plain_wsgi"
    assert calls[0][1] == {"host": "127.0.0.1", "port": 9001, "threads": 3}
    cli.main(["run", "cliproject:create_app()", "--debug", "--no-reload", "--host", "::1"])
    assert calls[1][0].debug is True and calls[1][1]["host"] == "::1"


@pytest.mark.parametrize("threads", ["0", "-2", "two"])
def test_run_refuses_a_thread_count_below_one_with_a_usage_error(
    project: Path, capsys: pytest.CaptureFixture[str], threads: str
) -> None:
    # ServerOptions raises ValueError for threads < 1; the command line says so plainly
    # (exit status 2 and a usage line) instead of a traceback, before anything is served.
    with pytest.raises(SystemExit) as info:
        cli.main(["--app", "cliproject:plain_wsgi", "run", "--threads", threads])
    assert info.value.code == 2
    assert "--threads" in capsys.readouterr().err


def test_routes_prints_a_table(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "two_apps.py").write_text(
        "from tinyweb.app import App\napp = App('t')\n"
        "app.add_url_rule('/', 'index', lambda: 'x')\n"
        "app.add_url_rule('/items/<int:id>', 'item', lambda id: 'x', methods=['GET', 'POST'])\n"
    )
    assert cli.main(["routes", "two_apps"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["Endpoint", "Methods", "Rule"]
    assert lines[2].split() == ["index", "GET", "/"]
    assert lines[3].split() == ["item", "GET,", "POST", "/items/<int:id>"]


def test_routes_shows_subdomains_and_hosts(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "domains.py").write_text(
        "from tinyweb.app import App\n"
        "app = App('t')\n"
        "app.add_url_rule('/', 'index', lambda: 'x')\n"
        "app.add_url_rule('/', 'profile', lambda user: 'x', subdomain='<user>')\n"
        "hosts = App('h', static_folder=None, host_matching=True)\n"
        "hosts.add_url_rule('/', 'home', lambda: 'x', host='example.com')\n"
    )
    assert cli.main(["routes", "domains:app"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["Endpoint", "Methods", "Rule", "Subdomain"]
    assert [line.split() for line in lines[2:]] == [
        ["index", "GET", "/"], ["profile", "GET", "/", "<user>"],
        ["static", "GET", "/static/<path:filename>"],
    ]  # fmt: skip
    assert cli.main(["routes", "domains:hosts"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["Endpoint", "Methods", "Rule", "Host"]
    assert lines[2].split() == ["home", "GET", "/", "example.com"]


def test_routes_refuses_a_non_tinyweb_app(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["routes", "cliproject:plain_wsgi"]) == 2
    assert "needs a tinyweb App" in capsys.readouterr().err


def test_python_m_tinyweb_run_serves_the_hello_example() -> None:
    """The real thing: a child process on an ephemeral port, stopped with SIGINT."""
    command = [sys.executable, "-m", "tinyweb", "run", "examples.hello:app", "--port", "0"]
    environment = {**os.environ, "PYTHONPATH": str(REPOSITORY), "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        command, cwd=REPOSITORY, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        banner = process.stdout.readline()
        port = int(banner.split("http://", 1)[1].split("/", 1)[0].rsplit(":", 1)[1])
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/")
        response = connection.getresponse()
        assert (response.status, response.read()) == (200, b"<p>Hello, World!</p>")
        connection.close()
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=20)
    assert process.returncode == 0


def test_app_run_uses_tinyweb_server(monkeypatch: pytest.MonkeyPatch) -> None:
    import tinyweb.server

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(tinyweb.server, "serve", lambda app, **options: calls.append(options))
    app = App("runner")
    app.run(port=0, debug=True, use_reloader=False, threads=2)
    assert calls == [{"host": "127.0.0.1", "port": 0, "threads": 2}]
    assert app.debug


def test_app_run_in_debug_mode_serves_under_the_reloader(monkeypatch: pytest.MonkeyPatch) -> None:
    """Flask's app.run(debug=True) restarts on changes; the real restart is tested through
    the CLI in test_reloader.py, so here only the wiring is checked."""
    import tinyweb.reloader
    import tinyweb.server

    served: list[dict[str, Any]] = []

    def fake_serve(app: Any, host: str = "127.0.0.1", port: int = 8000, **options: Any) -> None:
        served.append({"host": host, "port": port, **options})

    monkeypatch.setattr(tinyweb.server, "serve", fake_serve)

    def fake_run_with_reloader(main: Any) -> int:
        main()  # what the child would do
        return 7  # the child's final status

    monkeypatch.setattr(tinyweb.reloader, "run_with_reloader", fake_run_with_reloader)
    with pytest.raises(SystemExit) as exited:
        App("runner").run(port=0, debug=True)
    assert exited.value.code == 7
    assert served == [{"host": "127.0.0.1", "port": 0}]

    served.clear()
    App("runner").run(port=0)  # not debug: no reloader, serves in this process
    assert served == [{"host": "127.0.0.1", "port": 0}]


# -- what a review against Flask's CLI found ---------------------------------------------


@pytest.fixture
def nested(project: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """sub/webapp.py importing its neighbour sub/helper.py; pkg/views.py in a package."""
    (project / "sub").mkdir()
    (project / "sub" / "helper.py").write_text("NAME = 'from helper'\n")
    (project / "sub" / "webapp.py").write_text(
        "import helper\nfrom tinyweb.app import App\napp = App(helper.NAME)\n"
    )
    (project / "pkg").mkdir()
    (project / "pkg" / "__init__.py").write_text("")
    (project / "pkg" / "views.py").write_text("from tinyweb.app import App\napp = App('views')\n")
    for name in ("helper", "webapp", "pkg", "pkg.views"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    monkeypatch.setattr(sys, "path", list(sys.path))  # load_app may prepend folders
    return project


@pytest.mark.parametrize(
    ("target", "name"),
    [
        ("sub/webapp.py", "from helper"),  # its folder goes on sys.path, as Flask's
        ("{project}/sub/webapp.py", "from helper"),
        ("./sub/webapp.py", "from helper"),
        ("sub/../sub/webapp.py:app", "from helper"),
        ("pkg/views.py", "views"),  # inside a package: pkg.views from above it
    ],
)
def test_file_path_targets_import_as_flask_does(nested: Path, target: str, name: str) -> None:
    assert cli.load_app(target.format(project=nested)).name == name


def test_a_factory_that_needs_arguments_is_a_clear_error(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "argfactory.py").write_text(
        "from tinyweb.app import App\ndef create_app(config):\n    return App('x')\n"
    )
    with pytest.raises(SystemExit) as info:
        cli.main(["routes", "argfactory"])
    assert info.value.code == 2
    assert "needs arguments" in capsys.readouterr().err


def test_another_frameworks_cli_attribute_is_left_alone(project: Path) -> None:
    (project / "foreign.py").write_text(
        "class Group: pass\n"
        "def app(environ, start_response):\n"
        "    start_response('200 OK', [])\n    return [b'']\n"
        "app.cli = Group()\n"
    )
    assert cli.build_parser(cli.load_app("foreign:app")).prog == "python -m tinyweb"


def test_help_still_shows_when_the_app_fails_to_import(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "app.py").write_text("import not_a_module_anywhere\n")
    with pytest.raises(SystemExit) as info:
        cli.main(["--help"])
    assert info.value.code == 0
    captured = capsys.readouterr()
    assert "importing the app failed: ModuleNotFoundError" in captured.err
    assert "usage: python -m tinyweb" in captured.out


def test_a_port_in_use_is_one_clear_line_and_status_1(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(SystemExit) as info:
            cli.main(["run", "cliproject:plain_wsgi", "--port", str(port)])
    assert info.value.code == 1
    error = capsys.readouterr().err
    assert f"cannot listen on 127.0.0.1:{port}" in error and "Traceback" not in error


def test_an_unguarded_app_run_is_skipped_under_the_command_line(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Flask's rule: app.run() at module level would block `routes` (or serve elsewhere)."""
    import tinyweb.server

    monkeypatch.setattr(tinyweb.server, "serve", lambda *args, **kwargs: pytest.fail("served"))
    (project / "unguarded.py").write_text(
        "from tinyweb.app import App\napp = App('u')\napp.run(port=8799)\n"
    )
    assert cli.main(["routes", "unguarded"]) == 0
    assert "Ignoring a call to app.run()" in capsys.readouterr().err
    assert cli.RUN_FROM_CLI_VARIABLE not in os.environ  # restored after the command


# -- Flask's command line, gap by gap ----------------------------------------------------

FACTORY_SOURCE = (
    "from tinyweb.app import App\n"
    "SEEN = []\n"
    "def create_app():\n"
    "    app = App('debugfactory')\n"
    "    SEEN.append(app.debug)\n"
    "    return app\n"
)


@pytest.fixture
def debug_factory(project: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A factory that records app.debug while it runs; serving and reloading recorded."""
    import tinyweb.reloader
    import tinyweb.server

    monkeypatch.delenv("TINYWEB_DEBUG", raising=False)
    monkeypatch.delitem(sys.modules, "debugfactory", raising=False)
    (project / "debugfactory.py").write_text(FACTORY_SOURCE)
    served: list[Any] = []
    monkeypatch.setattr(tinyweb.server, "serve", lambda app, **options: served.append(app))
    monkeypatch.setattr(
        tinyweb.reloader, "run_with_reloader", lambda main, files: served.append("reloader") or 0
    )
    return served


@pytest.mark.parametrize(
    ("argv", "seen"),
    [
        (["run", "debugfactory:create_app()", "--debug", "--no-reload"], True),
        (["--debug", "run", "debugfactory:create_app()", "--no-reload"], True),  # flask --debug run
        (["--app", "debugfactory", "--debug", "run", "--no-reload"], True),
        (["--debug", "run", "debugfactory", "--no-debug"], False),  # the later option wins
        (["--no-debug", "run", "debugfactory"], False),
        (["run", "debugfactory"], False),
    ],
)
def test_a_factory_sees_debug_mode_while_it_runs(
    debug_factory: list[Any], argv: list[str], seen: bool
) -> None:
    assert cli.main(argv) == 0
    import debugfactory

    assert debugfactory.SEEN == [seen]
    assert debug_factory[0].debug is seen
    assert "TINYWEB_DEBUG" not in os.environ  # restored after the command


def test_debug_on_the_group_implies_the_reloader_as_on_run(debug_factory: list[Any]) -> None:
    assert cli.main(["--app", "debugfactory", "--debug", "run"]) == 0
    assert debug_factory == ["reloader"]


def test_the_debug_flag_overrides_what_the_factory_set(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Flask sets app.debug from the flag after loading, so --debug wins over the code."""
    import tinyweb.server

    served: list[Any] = []
    monkeypatch.setattr(tinyweb.server, "serve", lambda app, **options: served.append(app))
    monkeypatch.delenv("TINYWEB_DEBUG", raising=False)
    cli.main(["--debug", "run", "cliproject:create_app(debug=False)", "--no-reload"])
    assert served[0].debug is True


@pytest.mark.parametrize(("value", "debug"), [("1", True), ("true", True), ("0", False),
                                              ("false", False), ("no", False), ("", False)])  # fmt: skip
def test_tinyweb_debug_in_the_environment_sets_a_new_apps_debug_mode(
    monkeypatch: pytest.MonkeyPatch, value: str, debug: bool
) -> None:
    monkeypatch.setenv("TINYWEB_DEBUG", value)
    assert App("from_environment").debug is debug


def test_version_prints_python_and_tinyweb_versions_without_importing_the_app(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import platform

    import tinyweb

    (project / "app.py").write_text("raise RuntimeError('imported')\n")
    with pytest.raises(SystemExit) as info:
        cli.main(["--version"])
    assert info.value.code == 0
    captured = capsys.readouterr()
    assert captured.out == f"Python {platform.python_version()}\ntinyweb {tinyweb.__version__}\n"
    assert captured.err == ""


class ClosedPipe:
    """A stdout whose reader has gone away (``| head -1``): every write or flush fails."""

    def __init__(self, buffered: bool) -> None:
        self.buffered = buffered

    def write(self, text: str) -> int:
        if self.buffered:
            return len(text)
        raise BrokenPipeError(32, "Broken pipe")

    def flush(self) -> None:
        raise BrokenPipeError(32, "Broken pipe")


@pytest.mark.parametrize("buffered", [True, False], ids=["at_flush", "at_write"])
@pytest.mark.parametrize("argv", [["routes", "cliproject:create_app()"], ["--help"]])
def test_a_closed_stdout_ends_the_command_quietly_with_status_1(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    buffered: bool, argv: list[str],
) -> None:  # fmt: skip
    monkeypatch.setattr(sys, "stdout", ClosedPipe(buffered))
    assert cli.main(argv) == 1
    assert capsys.readouterr().err == ""


def test_python_m_tinyweb_routes_into_a_closed_pipe_prints_no_traceback(project: Path) -> None:
    """The real thing: `python -m tinyweb routes | head -0`, the reader gone first."""
    environment = {**os.environ, "PYTHONPATH": str(REPOSITORY)}
    process = subprocess.Popen(
        [sys.executable, "-m", "tinyweb", "routes", "cliproject:create_app()"],
        cwd=project, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # before the child has started, so its first flush fails
    error = process.stderr.read()
    assert process.wait(timeout=30) == 1
    assert error == b""


def test_a_mistake_before_the_command_is_reported_by_the_full_parser(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        cli.main(["--app"])
    assert info.value.code == 2
    assert "usage: python -m tinyweb" in capsys.readouterr().err


def test_the_debug_factory_snippet_of_app_md_sees_debug_mode(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from docs_snippets import markdown_python_blocks, run_snippet

    page = REPOSITORY / "docs" / "app.md"
    snippet = next(
        snippet
        for snippet in markdown_python_blocks(page.read_text("utf-8"), str(page))
        if "TEMPLATES_AUTO_RELOAD" in snippet.code
    )
    namespace: dict[str, Any] = {"__name__": "docs_snippet"}
    run_snippet(snippet, namespace)
    monkeypatch.setenv("TINYWEB_DEBUG", "1")  # what python -m tinyweb --debug sets
    assert namespace["create_app"]().config["TEMPLATES_AUTO_RELOAD"] is True
    monkeypatch.setenv("TINYWEB_DEBUG", "0")
    assert namespace["create_app"]().config["TEMPLATES_AUTO_RELOAD"] is None
