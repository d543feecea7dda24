"""Tests for tinyweb/commands.py and its wiring in tinyweb/cli.py: ``@app.cli.command``,
``python -m tinyweb --app module command``, and ``app.test_cli_runner()``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tinyweb import cli, current_app, g
from tinyweb.app import App
from tinyweb.commands import Command, argument, command, option

REPOSITORY = Path(__file__).resolve().parent.parent


def make_app() -> App:
    app = App("commands_app")
    events: list[Any] = []
    app.config["EVENTS"] = events

    @app.teardown_appcontext
    def close(exc: BaseException | None) -> None:
        events.append(("teardown", g.get("opened")))

    @app.cli.command("init-db")
    def init_db_command() -> None:
        """Clear the data and create new tables."""
        g.opened = "db"
        print(f"Initialized the database of {current_app.name}.")

    @app.cli.command("greet")
    @argument("name")
    @option("--times", type=int, default=1, help="how many greetings")
    @option("--shout", is_flag=True)
    def greet(name: str, times: int, shout: bool) -> None:
        text = f"hello {name}"
        print("\n".join([text.upper() if shout else text] * times))

    @app.cli.command()
    def fail_loudly() -> None:
        raise RuntimeError("boom")

    @app.cli.command("read-input")
    def read_input() -> None:
        print(sys.stdin.read().strip()[::-1])
        print("to stderr", file=sys.stderr)

    return app


def test_a_plain_function_command_runs_in_an_app_context() -> None:
    app = make_app()
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert (result.exit_code, result.exception) == (0, None)
    assert result.output == "Initialized the database of commands_app.\n"
    assert app.config["EVENTS"] == [("teardown", "db")]  # teardown_appcontext ran


@pytest.mark.parametrize(
    ("args", "output"),
    [
        (["greet", "ada"], "hello ada\n"),
        (["greet", "ada", "--times", "2"], "hello ada\nhello ada\n"),
        (["greet", "--shout", "ada"], "HELLO ADA\n"),
        ("greet bob --times=1", "hello bob\n"),
    ],
)
def test_options_and_arguments(args: Any, output: str) -> None:
    result = make_app().test_cli_runner().invoke(args=args)
    assert (result.exit_code, result.output) == (0, output)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope"], "invalid choice: 'nope'"),
        (["greet"], "the following arguments are required: name"),
        (["greet", "ada", "--times", "many"], "invalid int value: 'many'"),
        (["greet", "ada", "--unknown"], "unrecognized arguments: --unknown"),
        ([], "the following arguments are required: command"),
    ],
)
def test_usage_errors_exit_2_with_the_usage(args: list[str], message: str) -> None:
    result = make_app().test_cli_runner().invoke(args=args)
    assert result.exit_code == 2
    assert "usage: python -m tinyweb" in result.output
    assert message in result.stderr


def test_a_failing_command_reports_exit_code_1_and_the_exception() -> None:
    result = make_app().test_cli_runner().invoke(args=["fail-loudly"])
    assert result.exit_code == 1
    assert isinstance(result.exception, RuntimeError)


def test_input_and_stderr_are_captured() -> None:
    result = make_app().test_cli_runner().invoke(args=["read-input"], input="abc\n")
    assert (result.stdout, result.stderr) == ("cba\n", "to stderr\n")
    assert result.output == "cba\nto stderr\n"


def test_help_lists_commands_with_their_docstring() -> None:
    result = make_app().test_cli_runner().invoke(args=["--help"])
    assert result.exit_code == 0
    assert "init-db" in result.output and "Clear the data and create new tables." in result.output


def test_click_style_command_then_add_command() -> None:
    @command("init-db")
    def init_db_command() -> None:
        print("Initialized.")

    assert isinstance(init_db_command, Command) and init_db_command.name == "init-db"
    app = App("click_style")
    app.cli.add_command(init_db_command)
    assert app.test_cli_runner().invoke(args=["init-db"]).output == "Initialized.\n"
    init_db_command()  # a command stays callable


def test_command_registration_errors() -> None:
    app = App("errors")
    app.cli.command("x")(lambda: None)
    with pytest.raises(ValueError, match="already registered"):
        app.cli.command("x")(lambda: None)
    with pytest.raises(ValueError, match="built-in"):
        app.cli.command("run")(lambda: None)
    with pytest.raises(ValueError, match="start with '-'"):
        option("count")
    with pytest.raises(ValueError, match="use option"):
        argument("--name")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    package = tmp_path / "cmdblog"
    package.mkdir()
    (package / "__init__.py").write_text(
        "from tinyweb import App\n"
        "from tinyweb.commands import argument\n"
        "def create_app():\n"
        "    app = App(__name__)\n"
        "    @app.cli.command('init-db')\n"
        "    def init_db():\n"
        "        print('Initialized the database.')\n"
        "    @app.cli.command('hello')\n"
        "    @argument('name')\n"
        "    def hello(name):\n"
        "        print('hello', name)\n"
        "    return app\n"
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    for name in [name for name in sys.modules if name.startswith("cmdblog")]:
        del sys.modules[name]


def test_main_runs_an_app_command(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--app", "cmdblog", "init-db"]) == 0
    assert capsys.readouterr().out == "Initialized the database.\n"
    assert cli.main(["--app", "cmdblog:create_app()", "hello", "ada"]) == 0
    assert capsys.readouterr().out == "hello ada\n"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--app", "cmdblog", "nope"], "invalid choice: 'nope'"),
        (["--app", "cmdblog", "hello"], "required: name"),
        (["--app", "missing_module", "init-db"], "could not import 'missing_module'"),
    ],
)
def test_main_usage_errors_exit_2(
    project: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    with pytest.raises(SystemExit) as info:
        cli.main(argv)
    assert info.value.code == 2
    assert message in capsys.readouterr().err


def test_built_in_commands_do_not_import_the_app(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["routes", "cmdblog"]) == 0
    assert "static" in capsys.readouterr().out


def test_python_m_tinyweb_app_command(project: Path) -> None:
    environment = {**os.environ, "PYTHONPATH": str(REPOSITORY)}
    completed = subprocess.run(
        [sys.executable, "-m", "tinyweb", "--app", "cmdblog", "init-db"],
        cwd=project, env=environment, capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert (completed.returncode, completed.stdout) == (0, "Initialized the database.\n")


@pytest.mark.parametrize(
    ("environment", "argv", "reload"),
    [
        (None, ["run", "x:app"], False),
        (None, ["run", "x:app", "--reload"], True),
        (None, ["run", "x:app", "--debug"], True),  # debug implies the reloader (flask run)
        (None, ["--debug", "run", "x:app"], True),  # the group's --debug too
        (None, ["run", "x:app", "--debug", "--no-reload"], False),
        (None, ["run", "x:app", "--no-reload"], False),
        (None, ["--debug", "run", "x:app", "--no-debug"], False),  # run's own wins
        (None, ["--no-debug", "run", "x:app", "--debug"], True),
        ("1", ["run", "x:app"], True),  # TINYWEB_DEBUG, unless a flag says otherwise
        ("1", ["--no-debug", "run", "x:app"], False),
        ("0", ["run", "x:app", "--reload"], True),
    ],
)
def test_debug_implies_the_reloader(
    environment: str | None, argv: list[str], reload: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TINYWEB_DEBUG", environment or "")  # restored after the test
    if environment is None:
        monkeypatch.delenv("TINYWEB_DEBUG")
    served: list[str] = []  # how main served: under the reloader or in this process
    monkeypatch.setattr(cli, "_run_with_reloader", lambda *_: served.append("reloader") or 0)
    monkeypatch.setattr(cli, "_load", lambda *_: "app")
    monkeypatch.setattr(cli, "run_command", lambda *_: served.append("directly") or 0)
    assert cli.main(argv) == 0
    assert served == ["reloader" if reload else "directly"]


def test_run_reload_hands_over_to_the_reloader_without_importing_the_app(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tinyweb.reloader

    calls: list[Any] = []
    monkeypatch.setattr(
        tinyweb.reloader, "run_with_reloader", lambda main, files: calls.append(main) or 0
    )
    assert cli.main(["--app", "cmdblog", "run", "--reload"]) == 0
    assert len(calls) == 1 and "cmdblog" not in sys.modules


def test_help_without_an_app_lists_the_built_in_commands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TINYWEB_APP", raising=False)
    with pytest.raises(SystemExit) as info:
        cli.main(["--help"])
    assert info.value.code == 0
    assert "run" in capsys.readouterr().out


def blueprint_with_a_command(**options: Any) -> Any:
    from tinyweb import Blueprint

    bp = Blueprint("auth", __name__, **options)

    @bp.cli.command("create-user")
    @argument("name")
    def create_user(name: str) -> None:
        print(f"created {name} in {current_app.name}")

    return bp


@pytest.mark.parametrize(
    ("blueprint_options", "register_options", "args"),
    [
        ({}, {}, ["auth", "create-user", "ada"]),  # the group is the blueprint's name
        ({"cli_group": "users"}, {}, ["users", "create-user", "ada"]),
        ({"cli_group": None}, {}, ["create-user", "ada"]),  # straight into app.cli
        ({}, {"cli_group": "people"}, ["people", "create-user", "ada"]),
    ],
)
def test_blueprint_commands(
    blueprint_options: dict[str, Any], register_options: dict[str, Any], args: list[str]
) -> None:
    app = App("with_blueprint")
    app.register_blueprint(blueprint_with_a_command(**blueprint_options), **register_options)
    result = app.test_cli_runner().invoke(args=args)
    assert (result.exit_code, result.output) == (0, "created ada in with_blueprint\n")


def test_blueprint_command_group_errors() -> None:
    app = App("groups")
    result = app.test_cli_runner().invoke(args=["auth"])
    assert result.exit_code == 2
    app.register_blueprint(blueprint_with_a_command())
    assert app.test_cli_runner().invoke(args=["auth"]).exit_code == 2  # a group needs a command
    with pytest.raises(ValueError, match="group"):
        app.cli.command("auth")(lambda: None)
    with pytest.raises(ValueError, match="built-in"):
        app.register_blueprint(blueprint_with_a_command(cli_group="run"), name="other")


def test_an_option_without_type_takes_the_type_of_its_default() -> None:
    app = App("inferred_types")

    @app.cli.command("show")
    @option("--count", default=1)
    @option("--ratio", default=0.5)
    @option("--verbose", default=False)  # click: a boolean value, not a flag
    @option("--name", default="x")
    def show(count: int, ratio: float, verbose: bool, name: str) -> None:
        print(repr(count), repr(ratio), repr(verbose), repr(name))

    runner = app.test_cli_runner()
    assert runner.invoke(args=["show"]).output == "1 0.5 False 'x'\n"
    result = runner.invoke(args="show --count 5 --ratio 2 --verbose yes --name 7")
    assert result.output == "5 2.0 True '7'\n"
    assert runner.invoke(args="show --verbose 0").output == "1 0.5 False 'x'\n"
    assert "invalid int value: 'many'" in runner.invoke(args="show --count many").stderr
    assert "not a valid boolean" in runner.invoke(args="show --verbose maybe").stderr


@pytest.mark.parametrize("name", ["command", "subcommand", "app", "tinyweb_command"])
def test_a_parameter_may_have_the_name_of_a_command_line_key(name: str) -> None:
    app = App("colliding_names")

    @app.cli.command("echo")
    @argument(name)
    @option(f"--{name}-option", dest=f"{name}_option", default="-")
    @option("--app", default="none")
    def echo(**values: str) -> None:
        print(sorted(values.items()))

    result = app.test_cli_runner().invoke(args=["echo", "value", "--app", "mine"])
    assert (
        result.output
        == f"{sorted({name: 'value', f'{name}_option': '-', 'app': 'mine'}.items())}\n"
    )
    missing = app.test_cli_runner().invoke(args=["echo"])
    assert f"the following arguments are required: {name}" in missing.stderr


def test_main_passes_parameters_named_command_and_app(capsys: pytest.CaptureFixture[str]) -> None:
    app = App("main_collisions")

    @app.cli.command("echo")
    @argument("command")
    @option("--app", default="none")
    def echo(command: str, app: str) -> None:
        print(command, app)

    parser = cli.build_parser(app)
    arguments = parser.parse_args(["echo", "ls", "--app", "mine"])
    assert arguments.command == "echo"  # the command line's own key is intact
    from tinyweb.commands import run_parsed

    assert run_parsed(app, arguments) == 0
    assert capsys.readouterr().out == "ls mine\n"


@pytest.mark.parametrize(
    ("args", "output"),
    [
        ("greet 'Ada Lovelace'", "hello Ada Lovelace\n"),
        ('greet "a  b" --times 2', "hello a  b\nhello a  b\n"),
        (["greet", "Ada Lovelace"], "hello Ada Lovelace\n"),
    ],
)
def test_a_string_of_args_is_split_as_a_shell_does(args: Any, output: str) -> None:
    result = make_app().test_cli_runner().invoke(args=args)
    assert (result.exit_code, result.output) == (0, output)


def test_invoke_runs_the_command_it_is_given() -> None:
    app = make_app()
    greet = app.cli.commands["greet"]
    runner = app.test_cli_runner()
    assert runner.invoke(greet, ["bob", "--times", "2"]).output == "hello bob\nhello bob\n"
    assert runner.invoke(greet.callback, ["bob"]).output == "hello bob\n"
    assert runner.invoke(cli=greet, args="'a b'").output == "hello a b\n"
    usage = runner.invoke(greet, [])
    assert usage.exit_code == 2 and "usage: greet" in usage.output
    init_db = runner.invoke(app.cli.commands["init-db"])
    assert init_db.output == "Initialized the database of commands_app.\n"
    assert runner.invoke(app.cli, ["greet", "x"]).output == "hello x\n"
    with pytest.raises(TypeError, match="runs a command"):
        runner.invoke("greet")


def test_add_command_accepts_a_group_and_group_makes_one() -> None:
    from tinyweb.commands import CommandGroup

    app = App("groups_of_commands")
    user_cli = CommandGroup("user")

    @user_cli.command("create")
    @argument("name")
    def create(name: str) -> None:
        print("created", name)

    app.cli.add_command(user_cli)

    @app.cli.group()
    def database_group() -> None:
        """Database commands."""

    @database_group.command()
    def reset_command() -> None:
        print("reset")

    app.cli.add_command(CommandGroup("empty"), name="nothing")
    runner = app.test_cli_runner()
    assert runner.invoke(args="user create ada").output == "created ada\n"
    assert runner.invoke(args="database reset").output == "reset\n"
    assert "Database commands." in runner.invoke(args="--help").output
    assert sorted(app.cli.groups) == ["database", "nothing", "user"]
    assert runner.invoke(user_cli, ["create", "bo"]).output == "created bo\n"
    with pytest.raises(ValueError, match="already the name of a group"):
        app.cli.add_command(CommandGroup("other"), name="user")


@pytest.mark.parametrize(
    ("function_name", "name"),
    [  # click 8.2+'s names (checked with click 8.5)
        ("init_db_command", "init-db"),
        ("init_db_cmd", "init-db"),
        ("user_group", "user"),
        ("user_grp", "user"),
        ("command", "command"),  # no "-" before the suffix: kept
        ("grp", "grp"),
        ("x_commands", "x-commands"),
        ("Init_DB", "init-db"),
    ],
)
def test_an_unnamed_command_is_named_as_click_names_it(function_name: str, name: str) -> None:
    def function() -> None:
        """A command."""

    function.__name__ = function_name
    app = App("names")
    assert app.cli.command()(function).name == name
    assert command()(function).name == name
    assert App("group_names").cli.group()(function).name == name


def test_debug_before_an_app_command_is_seen_by_the_factory(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TINYWEB_DEBUG", raising=False)
    (project / "cmddebug.py").write_text(
        "from tinyweb import App, current_app\n"
        "def create_app():\n"
        "    app = App('cmddebug')\n"
        "    seen = app.debug\n"
        "    @app.cli.command('show')\n"
        "    def show():\n"
        "        print(seen, current_app.debug)\n"
        "    return app\n"
    )
    monkeypatch.delitem(sys.modules, "cmddebug", raising=False)
    assert cli.main(["--app", "cmddebug", "--debug", "show"]) == 0
    assert capsys.readouterr().out == "True True\n"
    assert "TINYWEB_DEBUG" not in os.environ


def test_an_app_command_may_have_its_own_debug_option(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """--debug after the command is the command's, not the command line's."""
    monkeypatch.delenv("TINYWEB_DEBUG", raising=False)
    (project / "cmdownflag.py").write_text(
        "from tinyweb import App, current_app\n"
        "from tinyweb.commands import option\n"
        "app = App('cmdownflag')\n"
        "@app.cli.command('show')\n"
        "@option('--debug', is_flag=True)\n"
        "def show(debug):\n"
        "    print(debug, current_app.debug)\n"
    )
    monkeypatch.delitem(sys.modules, "cmdownflag", raising=False)
    assert cli.main(["--app", "cmdownflag", "show", "--debug"]) == 0
    assert capsys.readouterr().out == "True False\n"


def test_help_keeps_the_paragraphs_of_a_docstring() -> None:
    """click's rule: each paragraph is rewrapped, blank lines stay, a \\b block is verbatim."""
    app = App("paragraphs")

    @app.cli.command("sync")
    def sync_command() -> None:
        """Copy the data to the mirror.

        The copy is made in a temporary folder
        first, then renamed.

        \b
        Examples:
          sync
          sync --dry-run
        \f
        Not shown: for the code's readers only.
        """

    text = app.test_cli_runner().invoke(args=["sync", "--help"]).output
    assert (
        "Copy the data to the mirror.\n\n"
        "The copy is made in a temporary folder first, then renamed.\n\n"
        "Examples:\n  sync\n  sync --dry-run\n"
    ) in text
    assert "Not shown" not in text and "\b" not in text


def test_help_keeps_the_paragraphs_of_a_group_docstring() -> None:
    app = App("group_paragraphs")

    @app.cli.group()
    def database_group() -> None:
        """Database commands.

        Each one opens its own connection.
        """

    @database_group.command()
    def reset_command() -> None:
        """Drop everything."""

    runner = app.test_cli_runner()
    assert "Database commands.\n\nEach one opens" in runner.invoke(args="database --help").output
    listing = runner.invoke(args="--help").output
    assert "Database commands." in listing and "Each one" not in listing  # the first line only


def test_a_groups_function_runs_with_its_options_before_the_command() -> None:
    app = App("group_callbacks")
    calls: list[Any] = []

    @app.cli.group()
    @option("--verbose", is_flag=True)
    def database_group(verbose: bool) -> None:
        calls.append(("database", verbose, current_app.name))

    @database_group.group()
    @argument("table")
    def rows_group(table: str) -> None:
        calls.append(("rows", table))

    @rows_group.command()
    @option("--verbose", default="no")  # the same name as the group's option: kept apart
    def count_command(verbose: str) -> None:
        calls.append(("count", verbose))

    runner = app.test_cli_runner()
    result = runner.invoke(args="database --verbose rows users count --verbose yes")
    assert (result.exit_code, result.exception) == (0, None)
    assert calls == [("database", True, "group_callbacks"), ("rows", "users"), ("count", "yes")]
    calls.clear()
    assert runner.invoke(database_group, ["rows", "t", "count"]).exit_code == 0
    assert calls == [("database", False, "group_callbacks"), ("rows", "t"), ("count", "no")]
    calls.clear()
    assert runner.invoke(args="database").exit_code == 2  # no command: usage error, not run
    assert calls == []


def test_isolated_filesystem_runs_in_a_fresh_directory_removed_afterwards(tmp_path: Any) -> None:
    # Click's CliRunner.isolated_filesystem, which Flask's test runner has.
    runner = App(__name__).test_cli_runner()
    before = os.getcwd()
    with runner.isolated_filesystem() as place:
        assert os.getcwd() == os.path.realpath(place) and os.listdir(place) == []
        with open("made.txt", "w") as file:
            file.write("x")
    assert os.getcwd() == before and not os.path.exists(place)
    with runner.isolated_filesystem(temp_dir=tmp_path) as place:  # kept: the caller's place
        assert os.path.dirname(place) == str(tmp_path)
    assert os.path.isdir(place) and os.getcwd() == before
