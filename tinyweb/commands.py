"""Application commands: ``@app.cli.command("init-db")``, and a runner to test them.

Where it fits: an application declares commands on ``app.cli`` (a ``CommandGroup``);
``python -m tinyweb --app blog init-db`` (``tinyweb.cli``) finds the app, adds its commands
to the command line and runs the chosen one inside ``app.app_context()``, so ``current_app``
and ``g`` work and ``teardown_appcontext`` closes what the command opened. In tests,
``app.test_cli_runner().invoke(args=["init-db"])`` does the same in-process and captures
what the command printed.

A command is a plain function; its options and arguments are argparse's, declared with
decorators spelled like click's, and passed to the function as keyword arguments::

    @app.cli.command("create-user")
    @argument("name")
    @option("--admin", is_flag=True, help="give every permission")
    @option("--count", type=int, default=1)
    def create_user(name, admin, count):
        print(f"created {name}")            # print() is the output

A blueprint's commands (``bp.cli``) form a group named after it (``python -m tinyweb --app
blog auth create-user ada``), or join ``app.cli`` with ``cli_group=None``.

Rules:
- argparse only (no dependency): a usage mistake prints the usage and exits with status 2,
  exactly as argparse does everywhere; a command's own exception is not hidden.
- Output is ``print()`` to ``sys.stdout`` (errors to ``sys.stderr``): the runner captures
  both, so a command needs no special ``echo``.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import shlex
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Callable, Union

_PARAMETERS_ATTRIBUTE = "__tinyweb_parameters__"
# A command's values live under this prefix in the parsed namespace, so a parameter named
# like the command line's own keys ("command", "app") can neither hide nor replace them.
_VALUE_PREFIX = "tinyweb_value:"
_COMMAND_KEY = "tinyweb_command"
# click 8.2+ drops these suffixes from a function's name: init_db_command is "init-db".
_NAME_SUFFIXES = frozenset({"command", "cmd", "group", "grp"})
# click's spellings of a boolean value (BoolParamType), for an option whose default is a bool.
_BOOLEAN_WORDS = {
    **dict.fromkeys(("1", "true", "t", "yes", "y", "on"), True),
    **dict.fromkeys(("0", "false", "f", "no", "n", "off", ""), False),
}
PROGRAM_NAME = "python -m tinyweb"


def command_name_of(function: Callable[..., Any]) -> str:
    """click 8.2's name for a function: lowercase, ``_`` → ``-``, a suffix dropped.

    Example: ``init_db_command`` → ``"init-db"``; ``user_group`` → ``"user"``.
    """
    name = function.__name__.lower().replace("_", "-")
    stem, separator, suffix = name.rpartition("-")
    return stem if separator and suffix in _NAME_SUFFIXES else name


def boolean(text: str) -> bool:
    """Read ``text`` as click reads a boolean option (``yes``/``no``, ``1``/``0``, ...)."""
    try:
        return _BOOLEAN_WORDS[text.strip().lower()]
    except KeyError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a valid boolean") from None


@dataclass(frozen=True)
class Parameter:
    """One ``add_argument`` call: positional names or ``--flags``, and argparse options."""

    names: tuple[str, ...]
    options: dict[str, Any] = field(default_factory=dict)


@dataclass
class Command:
    """A command: its name, the function to call, its parameters and its help text.

    Example: ``Command("init-db", init_db_command)``; usually made by ``command()``.
    """

    name: str
    callback: Callable[..., Any]
    parameters: list[Parameter] = field(default_factory=list)
    help: str | None = None

    def add_to(self, subcommands: Any) -> argparse.ArgumentParser:
        """Add this command as a sub-parser of ``subcommands`` (argparse's subparsers)."""
        text = self.help_text()
        summary = text.splitlines()[0] if text else None
        parser: argparse.ArgumentParser = subcommands.add_parser(
            self.name, help=summary, description=text or None
        )
        self.configure(parser)
        return parser

    def help_text(self) -> str:
        """The ``help=`` given, or else the function's docstring."""
        return self.help if self.help is not None else (self.callback.__doc__ or "").strip()

    def configure(self, parser: argparse.ArgumentParser) -> None:
        """Add this command's parameters to ``parser``, each under a private key."""
        for parameter in self.parameters:
            action = parser.add_argument(*parameter.names, **parameter.options)
            if not action.option_strings and action.metavar is None:
                action.metavar = action.dest  # usage and errors still say "name"
            action.dest = _VALUE_PREFIX + action.dest.replace("-", "_")
        parser.set_defaults(**{_COMMAND_KEY: self})

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Call the function itself (a command stays usable as a function)."""
        return self.callback(*args, **kwargs)


CommandOrFunction = Union[Command, Callable[..., Any]]


def command(
    name: str | None = None, help: str | None = None
) -> Callable[[CommandOrFunction], Command]:
    """Decorator: make a ``Command`` from a function.

    Its name is the function's as click 8.2 makes it: lowercase, ``_`` → ``-``, and a
    ``_command``/``_cmd``/``_group``/``_grp`` suffix dropped (``init_db_command`` is
    ``init-db``). Add it to an app with ``app.cli.add_command(init_db_command)``.
    """

    def decorator(function: CommandOrFunction) -> Command:
        if isinstance(function, Command):
            return function
        parameters = list(reversed(getattr(function, _PARAMETERS_ATTRIBUTE, [])))
        command_name = name or command_name_of(function)
        return Command(command_name, function, parameters, help)

    return decorator


def _add_parameter(target: CommandOrFunction, parameter: Parameter) -> None:
    """Record ``parameter``: on the Command, or on the function for ``command()`` to find.

    Decorators apply bottom-up, so parameters recorded on the function are reversed by
    ``command()`` to restore the order they are written in.
    """
    if isinstance(target, Command):
        target.parameters.insert(0, parameter)
    else:
        recorded = target.__dict__.setdefault(_PARAMETERS_ATTRIBUTE, [])
        recorded.append(parameter)


def option(*flags: str, is_flag: bool = False, **options: Any) -> Callable[[Any], Any]:
    """Decorator: an ``--option`` (argparse's ``add_argument`` options; ``is_flag=True``
    makes a switch that is False unless given).

    As in click, without ``type=`` (or ``action=``) the type follows the default: an int
    or float default converts the value (``--count 5`` passes ``5``), and a bool default
    reads ``yes``/``no``, ``true``/``false``, ``1``/``0``, ``on``/``off``.

    Example: ``@option("--count", default=1, help="how many")``.
    """
    if not flags or not all(flag.startswith("-") for flag in flags):
        raise ValueError(f"option names must start with '-': {flags!r}; use argument()")
    if is_flag:
        options.setdefault("action", "store_true")
    elif "type" not in options and "action" not in options:
        default = options.get("default")
        if isinstance(default, bool):  # before int: a bool is an int too
            options["type"] = boolean
        elif isinstance(default, (int, float)):
            options["type"] = int if isinstance(default, int) else float

    def decorator(target: Any) -> Any:
        _add_parameter(target, Parameter(flags, options))
        return target

    return decorator


def argument(name: str, **options: Any) -> Callable[[Any], Any]:
    """Decorator: a positional argument (argparse options: ``nargs``, ``type``, ...).

    Example: ``@argument("username")``; ``@argument("paths", nargs="*")``.
    """
    if name.startswith("-"):
        raise ValueError(f"argument {name!r} starts with '-': use option() for options")

    def decorator(target: Any) -> Any:
        _add_parameter(target, Parameter((name,), options))
        return target

    return decorator


class CommandGroup:
    """The commands of one app (``app.cli``); ``command`` registers, ``add_command`` adds.

    A group holds commands and nested groups (``python -m tinyweb user create ada``), as
    Flask's ``AppGroup`` does. Example::

        @app.cli.command("init-db")
        def init_db_command():
            init_db()
            print("Initialized the database.")

        user_cli = CommandGroup("user")      # or: @app.cli.group() on def user_cli()
        app.cli.add_command(user_cli)
    """

    def __init__(self, name: str, help: str | None = None) -> None:
        self.name = name
        self.help = help  # the group's line in --help
        self.commands: dict[str, Command] = {}
        self.groups: dict[str, CommandGroup] = {}  # a blueprint's commands, one level deep

    def command(self, name: str | None = None, help: str | None = None) -> Callable[[Any], Command]:
        """Decorator: register a function (or a ``Command``) under ``name``."""

        def decorator(function: CommandOrFunction) -> Command:
            made = command(name, help)(function)
            if name is not None:
                made.name = name
            self.add_command(made)
            return made

        return decorator

    def group(self, name: str | None = None) -> Callable[[Callable[..., Any]], CommandGroup]:
        """Decorator: a nested group named ``name`` or after the function (click's rules).

        The function names the group and its docstring is the group's help (its body is
        not run). Example::

            @app.cli.group()
            def user_group(): ...            # "user"

            @user_group.command("create")
            def create(): ...                # python -m tinyweb user create
        """

        def decorator(function: Callable[..., Any]) -> CommandGroup:
            text = (function.__doc__ or "").strip()
            summary = text.splitlines()[0] if text else None
            nested = CommandGroup(name or command_name_of(function), summary)
            self.add_group(nested, nested.name)
            return nested

        return decorator

    def add_command(
        self, new_command: CommandOrFunction | CommandGroup, name: str | None = None
    ) -> None:
        """Add a command (or a plain function, named after it); a name is registered once.

        A ``CommandGroup`` is added as a nested group, under ``name`` or its own name.
        """
        if isinstance(new_command, CommandGroup):
            self.add_group(new_command, name or new_command.name)
            return
        made = command(name)(new_command)
        command_name = name or made.name
        self._check_free(command_name)
        existing = self.commands.get(command_name)
        if existing is not None and existing.callback is not made.callback:
            raise ValueError(f"a command named {command_name!r} is already registered")
        self.commands[command_name] = made

    def add_group(self, group: CommandGroup, name: str) -> None:
        """Add a group of commands under ``name`` (``python -m tinyweb <name> <command>``).

        Example: ``app.cli.add_group(CommandGroup("user"), "users")``.
        """
        self._check_free(name)
        if name in self.commands or self.groups.get(name, group) is not group:
            raise ValueError(f"a command or group named {name!r} is already registered")
        self.groups[name] = group

    def _check_free(self, name: str) -> None:
        if name in ("run", "routes"):
            raise ValueError(f"{name!r} is a built-in command of python -m tinyweb")
        if name in self.groups:
            raise ValueError(f"{name!r} is already the name of a group of commands")

    def __iter__(self) -> Any:
        return iter(self.commands.values())

    def __len__(self) -> int:
        return len(self.commands)


def add_commands(subcommands: Any, group: CommandGroup) -> None:
    """Add every command of ``group`` to an argparse subparsers object."""
    for known in sorted(group, key=lambda known: known.name):
        known.add_to(subcommands)
    for name, nested in sorted(group.groups.items()):
        summary = nested.help or f"commands of {nested.name!r}"
        parser = subcommands.add_parser(name, help=summary, description=nested.help)
        nested_subcommands = parser.add_subparsers(metavar="command")
        nested_subcommands.required = True
        add_commands(nested_subcommands, nested)


def run_parsed(app: Any, arguments: argparse.Namespace) -> int:
    """Call the command chosen by ``arguments`` inside an app context; return 0.

    The command's own values (kept under a private prefix, apart from the command line's
    keys such as ``command`` and ``app``) are keyword arguments of its function.
    """
    chosen: Command = getattr(arguments, _COMMAND_KEY)
    values = {
        key[len(_VALUE_PREFIX) :]: value
        for key, value in vars(arguments).items()
        if key.startswith(_VALUE_PREFIX)
    }
    with app.app_context():
        chosen.callback(**values)
    return 0


def build_command_parser(
    app: Any, cli: Command | CommandGroup | None = None
) -> argparse.ArgumentParser:
    """A parser with only the app's commands (what the test runner uses).

    With ``cli``, the parser of that one command, or of that group's commands.
    """
    if isinstance(cli, Command):
        parser = argparse.ArgumentParser(prog=cli.name, description=cli.help_text() or None)
        cli.configure(parser)
        return parser
    parser = argparse.ArgumentParser(prog=PROGRAM_NAME)
    subcommands = parser.add_subparsers(dest="command", metavar="command")
    subcommands.required = True
    add_commands(subcommands, app.cli if cli is None else cli)
    return parser


@dataclass(frozen=True)
class Result:
    """What ``CliRunner.invoke`` observed: output, exit code and any exception.

    ``output`` holds stdout and stderr interleaved as written (click 8.2's ``output``).
    """

    output: str
    stdout: str
    stderr: str
    exit_code: int
    exception: BaseException | None
    return_value: Any = None


class _Tee(io.StringIO):
    """A text stream that also writes everything to a shared ``combined`` stream."""

    def __init__(self, combined: io.StringIO) -> None:
        super().__init__()
        self.combined = combined

    def write(self, text: str) -> int:
        self.combined.write(text)
        return super().write(text)


class CliRunner:
    """Run the app's commands in-process and capture their output (Flask's test runner).

    Example::

        result = app.test_cli_runner().invoke(args=["init-db"])
        assert result.exit_code == 0 and "Initialized" in result.output
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    def invoke(
        self, cli: Any = None, args: Sequence[str] | str | None = None, input: str | None = None
    ) -> Result:
        """Run ``args`` (a list, or a string split as a shell would, with ``shlex.split``)
        as ``python -m tinyweb`` would.

        ``input`` becomes ``sys.stdin``. A usage error gives exit code 2 and the usage in
        ``output``; an exception from the command gives exit code 1 and ``.exception``.
        ``cli`` is, as in Flask, what to run: None (or ``app.cli``) for the app's commands,
        a command (or its function) for that command alone, or a ``CommandGroup``::

            runner.invoke(greet, ["Ada"])     # same as invoke(args=["greet", "Ada"])
        """
        if cli is not None and not isinstance(cli, CommandGroup):
            if not callable(cli):
                raise TypeError(f"invoke() runs a command or a CommandGroup, not {cli!r}")
            cli = command()(cli)
        argv = shlex.split(args) if isinstance(args, str) else list(args or [])
        combined = io.StringIO()
        stdout, stderr = _Tee(combined), _Tee(combined)
        exit_code, exception = 0, None  # type: int, BaseException | None
        old_stdin = sys.stdin
        sys.stdin = io.StringIO(input or "")
        try:
            with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
                parser = build_command_parser(self.app, cli)
                exit_code = run_parsed(self.app, parser.parse_args(argv))
        except SystemExit as exit:
            exit_code, exception = _exit_status(exit.code), exit
        except Exception as error:
            exit_code, exception = 1, error
        finally:
            sys.stdin = old_stdin
        if exit_code == 0:
            exception = None
        return Result(
            combined.getvalue(), stdout.getvalue(), stderr.getvalue(), exit_code, exception
        )


def _exit_status(code: Any) -> int:
    """``sys.exit``'s rules: None is 0, an int is itself, anything else is 1."""
    if code is None:
        return 0
    return code if isinstance(code, int) else 1
