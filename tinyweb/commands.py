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
blog auth create-user ada``), or join ``app.cli`` with ``cli_group=None``. A group made from
a function (``@app.cli.group()``) runs that function, with the group's own options, before
its command, as click does.

Help text is click's: a docstring is cleaned (``inspect.cleandoc``), each paragraph is
rewrapped to the terminal, blank lines between paragraphs stay, a paragraph whose first
line is ``\b`` is kept verbatim, and nothing after a ``\f`` line is shown.

Rules:
- argparse only (no dependency): a usage mistake prints the usage and exits with status 2,
  exactly as argparse does everywhere; a command's own exception is not hidden.
- Output is ``print()`` to ``sys.stdout`` (errors to ``sys.stderr``): the runner captures
  both, so a command needs no special ``echo``.
"""

from __future__ import annotations

import argparse
import contextlib
import inspect
import io
import re
import shlex
import sys
import textwrap
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Callable, Union

_PARAMETERS_ATTRIBUTE = "__tinyweb_parameters__"
# A command's values live under this prefix and a scope ("command", or "group1" for the
# group one level down), so a parameter named like the command line's own keys ("command",
# "app") or like an option of an enclosing group can neither hide nor replace them.
_VALUE_PREFIX = "tinyweb_value:"
_COMMAND_KEY = "tinyweb_command"
_GROUP_PREFIX = "tinyweb_group:"  # + depth: the groups on the way to the command
_BLANK_LINE = re.compile(r"\n[ \t]*\n")  # what separates two paragraphs of help
BUILT_IN_COMMANDS = ("run", "routes", "shell")  # python -m tinyweb's own (tinyweb.cli)
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


def clean_help(text: str | None) -> str:
    """A docstring as click shows it: ``inspect.cleandoc``, cut at a ``\\f`` line."""
    return inspect.cleandoc(text or "").partition("\f")[0].strip()


def summary_of(text: str) -> str | None:
    """The line a command list shows: the help's first line (None for no help)."""
    return text.splitlines()[0] if text else None


class ParagraphHelpFormatter(argparse.HelpFormatter):
    """argparse's help, but a description keeps its paragraphs (click's ``wrap_text``).

    Each paragraph (lines between blank lines) is rewrapped to the width, keeping the
    indentation of its first line; a paragraph that starts with a ``\\b`` line is printed
    as written, without that line. Example::

        argparse.ArgumentParser(description=doc, formatter_class=ParagraphHelpFormatter)
    """

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        paragraphs = [part for part in _BLANK_LINE.split(text) if part.strip("\n")]
        return "\n\n".join(_fill_paragraph(part, width, indent) for part in paragraphs)


def _fill_paragraph(paragraph: str, width: int, indent: str) -> str:
    lines = paragraph.strip("\n").splitlines()
    if lines[0].strip() == "\b":  # click's mark for "do not rewrap this block"
        return "\n".join(indent + line for line in lines[1:])
    own_indent = indent + lines[0][: len(lines[0]) - len(lines[0].lstrip())]
    words = " ".join(line.strip() for line in lines)
    return textwrap.fill(words, width, initial_indent=own_indent, subsequent_indent=own_indent)


def add_parser(subcommands: Any, name: str, text: str) -> argparse.ArgumentParser:
    """Add a sub-parser called ``name`` whose help is ``text`` (listed by its first line)."""
    parser: argparse.ArgumentParser = subcommands.add_parser(
        name,
        help=summary_of(text),
        description=text or None,
        formatter_class=ParagraphHelpFormatter,
    )
    return parser


def _add_parameters(
    parser: argparse.ArgumentParser, parameters: list[Parameter], scope: str
) -> None:
    """Add ``parameters`` to ``parser``, their values kept under a private ``scope`` key."""
    for parameter in parameters:
        action = parser.add_argument(*parameter.names, **parameter.options)
        if not action.option_strings and action.metavar is None:
            action.metavar = action.dest  # usage and errors still say "name"
        action.dest = f"{_VALUE_PREFIX}{scope}:" + action.dest.replace("-", "_")


def _values_of(arguments: dict[str, Any], scope: str) -> dict[str, Any]:
    prefix = f"{_VALUE_PREFIX}{scope}:"
    return {key[len(prefix) :]: value for key, value in arguments.items() if key.startswith(prefix)}


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
        parser = add_parser(subcommands, self.name, self.help_text())
        self.configure(parser)
        return parser

    def help_text(self) -> str:
        """The ``help=`` given, or else the function's docstring, as click shows it."""
        return clean_help(self.help if self.help is not None else self.callback.__doc__)

    def configure(self, parser: argparse.ArgumentParser) -> None:
        """Add this command's parameters to ``parser``, each under a private key."""
        _add_parameters(parser, self.parameters, "command")
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
    if isinstance(target, (Command, CommandGroup)):
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

    def __init__(
        self,
        name: str,
        help: str | None = None,
        callback: Callable[..., Any] | None = None,
        parameters: list[Parameter] | None = None,
    ) -> None:
        self.name = name
        self.help = help  # the group's --help text; its first line is its line in a list
        self.callback = callback  # run before any of its commands, with its parameters
        self.parameters = parameters or []
        self.commands: dict[str, Command] = {}
        self.groups: dict[str, CommandGroup] = {}  # nested groups and blueprints' commands

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

        The function's docstring is the group's help, and the function runs before any
        command of the group, with the group's own options (written between the group's
        name and the command's), as click runs a group's callback. Example::

            @app.cli.group()
            @option("--verbose", is_flag=True)
            def user_group(verbose): ...     # "user"

            @user_group.command("create")
            def create(): ...                # python -m tinyweb user --verbose create
        """

        def decorator(function: Callable[..., Any]) -> CommandGroup:
            parameters = list(reversed(getattr(function, _PARAMETERS_ATTRIBUTE, [])))
            nested = CommandGroup(
                name or command_name_of(function), function.__doc__, function, parameters
            )
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

    def configure(self, parser: argparse.ArgumentParser, depth: int = 0) -> None:
        """Make ``parser`` parse this group: its parameters, then one of its commands.

        ``depth`` is how many groups enclose this one; it keeps their values apart.
        """
        _add_parameters(parser, self.parameters, f"group{depth}")
        parser.set_defaults(**{f"{_GROUP_PREFIX}{depth}": self})
        subcommands = parser.add_subparsers(metavar="command")
        subcommands.required = True
        add_commands(subcommands, self, depth + 1)

    def _check_free(self, name: str) -> None:
        if name in BUILT_IN_COMMANDS:
            raise ValueError(f"{name!r} is a built-in command of python -m tinyweb")
        if name in self.groups:
            raise ValueError(f"{name!r} is already the name of a group of commands")

    def __iter__(self) -> Any:
        return iter(self.commands.values())

    def __len__(self) -> int:
        return len(self.commands)


def add_commands(subcommands: Any, group: CommandGroup, depth: int = 1) -> None:
    """Add every command of ``group`` to an argparse subparsers object.

    ``depth`` is the depth of the groups nested in ``group`` (1 under ``app.cli``).
    """
    for known in sorted(group, key=lambda known: known.name):
        known.add_to(subcommands)
    for name, nested in sorted(group.groups.items()):
        text = clean_help(nested.help) or f"commands of {nested.name!r}"
        nested.configure(add_parser(subcommands, name, text), depth)


def run_parsed(app: Any, arguments: argparse.Namespace) -> int:
    """Call the command chosen by ``arguments`` inside an app context; return 0.

    First the function of each group on the way to the command (outermost first), then
    the command's. Each one's values (kept under a private prefix, apart from the command
    line's keys such as ``command`` and ``app``) are its keyword arguments.
    """
    parsed = vars(arguments)
    depths = sorted(
        int(key[len(_GROUP_PREFIX) :]) for key in parsed if key.startswith(_GROUP_PREFIX)
    )
    chosen: Command = parsed[_COMMAND_KEY]
    with app.app_context():
        for depth in depths:
            group: CommandGroup = parsed[f"{_GROUP_PREFIX}{depth}"]
            if group.callback is not None:
                group.callback(**_values_of(parsed, f"group{depth}"))
        chosen.callback(**_values_of(parsed, "command"))
    return 0


def build_command_parser(
    app: Any, cli: Command | CommandGroup | None = None
) -> argparse.ArgumentParser:
    """A parser with only the app's commands (what the test runner uses).

    With ``cli``, the parser of that one command, or of that group's commands.
    """
    if isinstance(cli, Command):
        parser = argparse.ArgumentParser(
            prog=cli.name,
            description=cli.help_text() or None,
            formatter_class=ParagraphHelpFormatter,
        )
        cli.configure(parser)
        return parser
    group = app.cli if cli is None else cli
    parser = argparse.ArgumentParser(
        prog=PROGRAM_NAME,
        description=clean_help(group.help) or None,
        formatter_class=ParagraphHelpFormatter,
    )
    group.configure(parser)
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

    @contextlib.contextmanager
    def isolated_filesystem(self, temp_dir: Any = None) -> Iterator[str]:
        """Run the block in a new empty directory, the current one meanwhile (Click's):
        removed afterwards, unless it was made inside ``temp_dir``::

            with runner.isolated_filesystem():
                runner.invoke(args=["export", "out.csv"])   # writes ./out.csv there
        """
        import os
        import shutil
        import tempfile

        previous = os.getcwd()
        place = tempfile.mkdtemp(dir=temp_dir)
        os.chdir(place)
        try:
            yield place
        finally:
            os.chdir(previous)
            if temp_dir is None:
                shutil.rmtree(place, ignore_errors=True)

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
