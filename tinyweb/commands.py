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
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Callable, Union

_PARAMETERS_ATTRIBUTE = "__tinyweb_parameters__"
# Namespace keys that belong to the command line, not to the command's function.
_NOT_PARAMETERS = frozenset({"_command", "command", "subcommand", "app"})
PROGRAM_NAME = "python -m tinyweb"


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
        text = self.help if self.help is not None else (self.callback.__doc__ or "").strip()
        summary = text.splitlines()[0] if text else None
        parser: argparse.ArgumentParser = subcommands.add_parser(
            self.name, help=summary, description=text or None
        )
        for parameter in self.parameters:
            parser.add_argument(*parameter.names, **parameter.options)
        parser.set_defaults(_command=self)
        return parser

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Call the function itself (a command stays usable as a function)."""
        return self.callback(*args, **kwargs)


CommandOrFunction = Union[Command, Callable[..., Any]]


def command(
    name: str | None = None, help: str | None = None
) -> Callable[[CommandOrFunction], Command]:
    """Decorator: make a ``Command`` from a function (name: the function's, ``_`` → ``-``).

    Add it to an app with ``app.cli.add_command(init_db_command)``.
    """

    def decorator(function: CommandOrFunction) -> Command:
        if isinstance(function, Command):
            return function
        parameters = list(reversed(getattr(function, _PARAMETERS_ATTRIBUTE, [])))
        command_name = name or function.__name__.lower().replace("_", "-")
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

    Example: ``@option("--count", type=int, default=1, help="how many")``.
    """
    if not flags or not all(flag.startswith("-") for flag in flags):
        raise ValueError(f"option names must start with '-': {flags!r}; use argument()")
    if is_flag:
        options.setdefault("action", "store_true")

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

    Example::

        @app.cli.command("init-db")
        def init_db_command():
            init_db()
            print("Initialized the database.")
    """

    def __init__(self, name: str) -> None:
        self.name = name
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

    def add_command(self, new_command: CommandOrFunction, name: str | None = None) -> None:
        """Add a command (or a plain function, named after it); a name is registered once."""
        made = command(name)(new_command)
        command_name = name or made.name
        self._check_free(command_name)
        existing = self.commands.get(command_name)
        if existing is not None and existing.callback is not made.callback:
            raise ValueError(f"a command named {command_name!r} is already registered")
        self.commands[command_name] = made

    def add_group(self, group: CommandGroup, name: str) -> None:
        """Add a group of commands under ``name`` (``python -m tinyweb <name> <command>``)."""
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
        parser = subcommands.add_parser(name, help=f"commands of {nested.name!r}")
        nested_subcommands = parser.add_subparsers(dest="subcommand", metavar="command")
        nested_subcommands.required = True
        add_commands(nested_subcommands, nested)


def run_parsed(app: Any, arguments: argparse.Namespace) -> int:
    """Call the command chosen by ``arguments`` inside an app context; return 0.

    The parsed values (every key but the command itself and ``--app``) are keyword
    arguments of the command's function.
    """
    chosen: Command = arguments._command
    values = {key: value for key, value in vars(arguments).items() if key not in _NOT_PARAMETERS}
    with app.app_context():
        chosen.callback(**values)
    return 0


def build_command_parser(app: Any) -> argparse.ArgumentParser:
    """A parser with only the app's commands (what the test runner uses)."""
    parser = argparse.ArgumentParser(prog=PROGRAM_NAME)
    subcommands = parser.add_subparsers(dest="command", metavar="command")
    subcommands.required = True
    add_commands(subcommands, app.cli)
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
        """Run ``args`` (a list, or a string split on spaces) as ``python -m tinyweb`` would.

        ``input`` becomes ``sys.stdin``. A usage error gives exit code 2 and the usage in
        ``output``; an exception from the command gives exit code 1 and ``.exception``.
        ``cli`` is accepted for Flask's signature and must be None or ``app.cli``.
        """
        if cli is not None and cli is not self.app.cli:
            raise TypeError("invoke(cli=...) runs only the app's own commands (app.cli)")
        argv = args.split() if isinstance(args, str) else list(args or [])
        combined = io.StringIO()
        stdout, stderr = _Tee(combined), _Tee(combined)
        exit_code, exception = 0, None  # type: int, BaseException | None
        old_stdin = sys.stdin
        sys.stdin = io.StringIO(input or "")
        try:
            with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
                exit_code = run_parsed(self.app, build_command_parser(self.app).parse_args(argv))
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
