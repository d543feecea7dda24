"""The command line: ``python -m tinyweb run module:app``, ``routes``, ``shell``, app commands.

Where it fits: this is one of the two places that wire the halves together (the other is
``App.run``): it finds a WSGI application, then hands it to ``tinyweb.server.serve``. It
serves *any* WSGI callable, not only a tinyweb ``App``.

How the application is found (Flask's rules, in tinyweb spelling):

- ``module:name`` imports ``module`` and takes its attribute ``name``;
- ``module:create_app()`` calls a factory, also with literal arguments:
  ``module:create_app('dev', debug=True)``;
- ``module`` alone takes ``app`` or ``application``, else the one ``App`` in the module,
  else a factory called ``create_app`` or ``make_app``;
- nothing given: ``--app``, else the ``TINYWEB_APP`` environment variable, else ``wsgi.py``
  or ``app.py`` in the current directory;
- a file path (``sub/webapp.py``, ``../x/hello.py``, absolute) imports that file as Flask
  does: its folder, or the folder above its package, goes first on ``sys.path``, so the
  file's own imports of its neighbours work.

The current directory is put first on ``sys.path``, so ``python -m tinyweb run
examples.hello:app`` works from the project root. While a command runs,
``TINYWEB_RUN_FROM_CLI`` is set: an ``app.run()`` left unguarded at module level is then
skipped with a warning (as in Flask) instead of blocking the command.

Besides the built-in ``run``, ``routes`` and ``shell`` (a Python console in the app's
context, ``tinyweb.shell``), the commands an app declares with ``@app.cli.command("init-db")``
(``tinyweb.commands``) are commands of the command line: ``python -m tinyweb --app blog
init-db`` imports the app first, then runs the command inside an app context. ``run
--reload`` (implied by debug mode, as ``flask run --debug``) serves from a child process
that restarts when a file in use changes (``tinyweb.reloader``).

Debug mode is Flask's: ``--debug``/``--no-debug``, before the command (any command) or
after ``run``, sets ``TINYWEB_DEBUG`` before the app is imported, so a factory sees it
(``config.debug_flag``), and sets ``app.debug`` once the app is loaded. ``--version``
prints Python's and tinyweb's versions.

Rules: argparse only; errors are one clear line on stderr and exit status 2, never a
traceback for a user mistake (a traceback from the user's own module is shown as is).
Output into a pipe closed early (``| head -1``) ends the command with status 1 and no
traceback, as click does. ``main`` restores the environment variables it sets.
"""

from __future__ import annotations

import argparse
import ast
import errno
import importlib
import inspect
import os
import platform
import sys
from collections.abc import Sequence
from typing import Any, Callable, NoReturn

from tinyweb.commands import BUILT_IN_COMMANDS
from tinyweb.config import DEBUG_ENVIRONMENT_VARIABLE as DEBUG_VARIABLE
from tinyweb.config import debug_flag

APP_ENVIRONMENT_VARIABLE = "TINYWEB_APP"
RUN_FROM_CLI_VARIABLE = "TINYWEB_RUN_FROM_CLI"
_DEFAULT_ATTRIBUTES = ("app", "application")
_DEFAULT_FACTORIES = ("create_app", "make_app")
_DISCOVERED_FILES = ("wsgi.py", "app.py")


class NoAppError(Exception):
    """The application could not be located; the message says what was tried."""


def load_app(target: str | None) -> Callable[..., Any]:
    """Find and return the WSGI application that ``target`` names (see the module doc).

    Example: ``load_app("examples.hello:app")`` or ``load_app("blog:create_app()")``.
    """
    target = target or os.environ.get(APP_ENVIRONMENT_VARIABLE) or _discover_target()
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    module_name, _, expression = target.partition(":")
    module_name = _module_name_from_path(module_name)
    module = _import(module_name)
    application = _find_in_module(module, expression) if expression else _best_app(module)
    if not callable(application):
        raise NoAppError(f"{target!r} is a {type(application).__name__}, not a WSGI callable")
    return application  # type: ignore[no-any-return]


def _discover_target() -> str:
    for filename in _DISCOVERED_FILES:
        if os.path.isfile(filename):
            return filename[: -len(".py")]
    raise NoAppError(
        "no application given: pass module:app (e.g. `python -m tinyweb run hello:app`), "
        f"use --app, set {APP_ENVIRONMENT_VARIABLE}, or add wsgi.py or app.py here"
    )


def _module_name_from_path(name: str) -> str:
    """The module to import for a file path, with its folder put on ``sys.path``.

    ``sub/webapp.py`` → ``webapp`` (``sub`` first on the path); a file inside a package
    (folders with ``__init__.py``) → its dotted name from above the package, as Flask's
    ``prepare_import``. A dotted name stays as it is.
    """
    if not (name.endswith(".py") or "/" in name or os.sep in name):
        return name
    path = os.path.realpath(name[: -len(".py")] if name.endswith(".py") else name)
    if os.path.basename(path) == "__init__":
        path = os.path.dirname(path)
    parts: list[str] = []
    while True:
        path, part = os.path.split(path)
        parts.append(part)
        if not os.path.isfile(os.path.join(path, "__init__.py")):
            break
    if sys.path[0] != path:
        sys.path.insert(0, path)
    return ".".join(reversed(parts))


def _import(module_name: str) -> Any:
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        # The named module (or a package on its path) is missing: a user mistake. Anything
        # else is the module's own import failing: show that traceback as it is.
        missing = error.name or ""
        if module_name == missing or module_name.startswith(missing + "."):
            raise NoAppError(f"could not import {module_name!r}: {error}") from None
        raise


def _find_in_module(module: Any, expression: str) -> Any:
    """Evaluate ``name`` or ``factory(literal arguments)`` against ``module``."""
    try:
        node = ast.parse(expression.strip(), mode="eval").body
    except SyntaxError:
        raise NoAppError(f"cannot parse {expression!r} as an attribute name or call") from None
    if isinstance(node, ast.Name):
        return _attribute(module, node.id)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        try:
            args = [ast.literal_eval(argument) for argument in node.args]
            kwargs = {kw.arg: ast.literal_eval(kw.value) for kw in node.keywords if kw.arg}
        except ValueError:
            raise NoAppError(f"factory arguments in {expression!r} must be literals") from None
        return _attribute(module, node.func.id)(*args, **kwargs)
    raise NoAppError(f"{expression!r} must be a name or a call, like app or create_app()")


def _attribute(module: Any, name: str) -> Any:
    try:
        return getattr(module, name)
    except AttributeError:
        raise NoAppError(f"module {module.__name__!r} has no attribute {name!r}") from None


def _best_app(module: Any) -> Any:
    """``app``/``application``, else the single App instance, else a factory."""
    for name in _DEFAULT_ATTRIBUTES:
        if callable(getattr(module, name, None)):
            return getattr(module, name)
    from tinyweb.app import App

    apps = [value for value in vars(module).values() if isinstance(value, App)]
    if len(apps) == 1:
        return apps[0]
    for name in _DEFAULT_FACTORIES:
        factory = getattr(module, name, None)
        if callable(factory):
            try:
                inspect.signature(factory).bind()
            except TypeError:
                raise NoAppError(
                    f"found {module.__name__}.{name}, which needs arguments: give them, "
                    f"as in {module.__name__}:{name}('dev')"
                ) from None
            except ValueError:  # no signature to read (a builtin): just try it
                pass
            return factory()
    found = f"{len(apps)} App instances" if apps else "no app, application or create_app"
    raise NoAppError(f"module {module.__name__!r}: found {found}; name one as module:name")


def _thread_count(text: str) -> int:
    """``--threads``: a whole number of at least 1, else a usage error (not a traceback)."""
    if not (text.isascii() and text.isdigit()) or int(text) < 1:  # no sign: "-2" fails
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {text!r}")
    return int(text)


def version_text() -> str:
    """What ``--version`` prints: Python's version, then tinyweb's (``flask --version``)."""
    import tinyweb

    return f"Python {platform.python_version()}\ntinyweb {tinyweb.__version__}"


class _ShowVersion(argparse.Action):
    """``--version``: print ``version_text()`` unwrapped and exit (argparse's would rewrap)."""

    def __call__(self, parser: argparse.ArgumentParser, *arguments: Any) -> None:
        print(version_text())
        parser.exit()


def build_parser(application: Any = None) -> argparse.ArgumentParser:
    """The argument parser of ``python -m tinyweb``, with ``application``'s commands."""
    parser = argparse.ArgumentParser(
        prog="python -m tinyweb", description="Run and inspect tinyweb (or any WSGI) apps."
    )
    parser.add_argument("--app", help="the application: module:app or module:create_app()")
    parser.add_argument(
        "--debug",
        dest="group_debug",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="debug mode for any command, set before the app is imported (TINYWEB_DEBUG)",
    )
    parser.add_argument("--version", action=_ShowVersion, nargs=0, default=argparse.SUPPRESS,
                        help="show the Python and tinyweb versions and exit")  # fmt: skip
    commands = parser.add_subparsers(dest="command", metavar="command")
    commands.required = True
    run = commands.add_parser("run", help="serve the app with tinyweb's server")
    _add_target(run)
    run.add_argument("--host", default="127.0.0.1", help="interface (default 127.0.0.1)")
    run.add_argument("--port", type=int, default=8000, help="TCP port (default 8000)")
    run.add_argument("--threads", type=_thread_count, help="worker threads (at least 1)")
    run.add_argument("--debug", action=argparse.BooleanOptionalAction, default=None,
                     help="debug mode: traceback pages, reload")  # fmt: skip
    run.add_argument(
        "--reload",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="restart when a source file or template changes (default: on with --debug)",
    )
    _add_target(commands.add_parser("routes", help="list the app's URL rules"))
    _add_target(commands.add_parser("shell", help="a Python console in the app's context"))
    group = getattr(application, "cli", None)
    if group is not None:
        from tinyweb.commands import CommandGroup, add_commands

        if isinstance(group, CommandGroup):  # not another framework's (a Flask app's)
            add_commands(commands, group)
    return parser


def _add_target(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("target", nargs="?", help="module:app (default: --app or discovery)")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status.

    Example: ``main(["run", "examples.hello:app", "--port", "8080"])``, or an app's own
    command: ``main(["--app", "blog", "init-db"])``. Output into a pipe whose reader has
    gone (``| head -1``) ends the command quietly with status 1, as click does.
    """
    saved = {name: os.environ.get(name) for name in (RUN_FROM_CLI_VARIABLE, DEBUG_VARIABLE)}
    os.environ[RUN_FROM_CLI_VARIABLE] = "true"  # an unguarded app.run() is skipped
    try:
        try:
            return _main(list(sys.argv[1:] if argv is None else argv))
        finally:
            sys.stdout.flush()  # a closed pipe shows here, not as a warning at exit
    except BrokenPipeError:
        _discard_output()
        return 1
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _discard_output() -> None:
    """Send what stdout still holds to ``os.devnull``: Python flushes it again at exit,
    which would print a second BrokenPipeError (the recipe of Python's ``signal`` docs)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (AttributeError, OSError, ValueError):  # not a real file (a test's stand-in)
        pass


def _main(argv: list[str]) -> int:
    before, extras = _parse_options_before_the_command(argv)
    _set_debug_flag(before.debug)
    application = None
    if "--version" not in extras:
        application = _app_for_custom_command(before.app, before.rest)
    parser = build_parser(application)
    arguments = parser.parse_args(argv)
    if arguments.command not in BUILT_IN_COMMANDS:
        from tinyweb.commands import run_parsed

        return run_parsed(application, arguments)
    if arguments.command == "run":
        _set_debug_flag(arguments.debug)
        if _wants_reloader(arguments.reload):
            return _run_with_reloader(parser, arguments)
    application = _load(parser, arguments.target or arguments.app)
    if arguments.command == "routes":
        return show_routes(application)
    if arguments.command == "shell":
        return open_shell(application)
    return run_command(application, arguments)


def _parse_options_before_the_command(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    """``--app`` and ``--debug``/``--no-debug`` written before the command (Flask's group
    options), and the options argparse does not know there (``--help``, ``--version``).

    They are needed before the full parse: the app's commands are part of the parser, and
    debug mode must be set before the app is imported. What follows the command is the
    command's own (``rest``), so a command may have a ``--debug`` of its own. A mistake
    here (``--app`` without a value) is left for the full parse to report.
    """
    pre_parser = _QuietParser(add_help=False)
    pre_parser.add_argument("--app")
    pre_parser.add_argument("--debug", action=argparse.BooleanOptionalAction, default=None)
    pre_parser.add_argument("rest", nargs=argparse.REMAINDER)
    try:
        return pre_parser.parse_known_args(argv)
    except ValueError:
        return argparse.Namespace(app=None, debug=None, rest=[]), []


class _QuietParser(argparse.ArgumentParser):
    """A parser that raises ValueError for a mistake instead of printing it and exiting."""

    def error(self, message: str) -> NoReturn:
        raise ValueError(message)


def _set_debug_flag(debug: bool | None) -> None:
    """Set ``TINYWEB_DEBUG`` for ``--debug``/``--no-debug`` (None: neither was given).

    An environment variable, as Flask's ``FLASK_DEBUG``: a new ``App`` reads it, so a
    factory sees debug mode while it runs, and the reloader's child inherits it.
    """
    if debug is not None:
        os.environ[DEBUG_VARIABLE] = "1" if debug else "0"


def _load(parser: argparse.ArgumentParser, target: str | None) -> Any:
    """``load_app(target)``, then its ``debug`` set from ``TINYWEB_DEBUG`` when that is set
    (as Flask does after loading: the flag wins over what the code set)."""
    try:
        return _set_app_debug(load_app(target))
    except NoAppError as error:
        parser.exit(2, f"error: {error}\n")


def _set_app_debug(application: Any) -> Any:
    flag = debug_flag()
    if flag is not None and hasattr(application, "debug"):
        application.debug = flag
    return application


def _app_for_custom_command(target: str | None, words: list[str]) -> Any:
    """The app whose commands the command line needs, or None for a built-in command.

    A built-in command never imports the app here (``run`` would import it twice).
    """
    if words and words[0] in BUILT_IN_COMMANDS:
        return None
    try:
        return _set_app_debug(load_app(target))
    except NoAppError as error:
        if not words:  # plain --help: list the built-in commands without failing
            return None
        print(f"error: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    except Exception as error:  # the app's own module failed: still show the help
        if words:
            raise
        print(f"error: importing the app failed: {type(error).__name__}: {error}", file=sys.stderr)
        return None


def _wants_reloader(reload: bool | None) -> bool:
    """``--reload``/``--no-reload``, else debug mode (as ``flask run --debug``).

    Debug mode is ``debug_flag()``: by the time ``run`` asks, ``_set_debug_flag`` has
    written the group's ``--debug`` and then ``run``'s own into ``TINYWEB_DEBUG``, so the
    variable is the one answer (the last one given wins, an unset one means off).
    """
    return bool(debug_flag()) if reload is None else reload


def _run_with_reloader(parser: argparse.ArgumentParser, arguments: argparse.Namespace) -> int:
    """Serve in a child process that restarts when a file in use changes.

    The parent never imports the application: a syntax error while editing then shows in
    the child and waits for the fix instead of ending the session.
    """
    from tinyweb.reloader import run_with_reloader

    def serve_in_child() -> None:
        application = _load(parser, arguments.target or arguments.app)
        watched.append(application)
        run_command(application, arguments)

    watched: list[Any] = []
    return run_with_reloader(serve_in_child, lambda: _template_files(watched))


def _template_files(applications: list[Any]) -> list[str]:
    """The files of the templates the app has loaded so far (watched by the reloader)."""
    files: list[str] = []
    for application in applications:
        environment = getattr(application, "_template_environment", None)
        for template in getattr(environment, "cache", {}).values():
            if getattr(template, "filename", None):
                files.append(template.filename)
    return files


def run_command(application: Callable[..., Any], arguments: argparse.Namespace) -> int:
    """Serve ``application`` with tinyweb's server until Ctrl-C or SIGTERM."""
    from tinyweb.server import serve

    options: dict[str, Any] = {}
    if arguments.threads is not None:
        options["threads"] = arguments.threads
    try:
        serve(application, host=arguments.host, port=arguments.port, **options)
    except OSError as error:
        if error.errno not in (errno.EADDRINUSE, errno.EACCES, errno.EADDRNOTAVAIL):
            raise
        print(f"error: cannot listen on {arguments.host}:{arguments.port}: {error.strerror}"
              + (" (is another server running?)" if error.errno == errno.EADDRINUSE else ""),
              file=sys.stderr)  # fmt: skip
        raise SystemExit(1) from None  # in the reloader's child too: no change would fix it
    return 0


def show_routes(application: Any) -> int:
    """Print a table of endpoints, methods and rules (HEAD and OPTIONS left out), with
    a Subdomain or Host column when a rule has one (as Flask's)."""
    router = getattr(application, "router", None)
    if router is None:
        print("error: `routes` needs a tinyweb App; this is another WSGI app", file=sys.stderr)
        return 2
    rules = list(router)
    if getattr(application, "host_routes", None) is not None:
        rules += [rule for domain in application.host_routes.domain_routers() for rule in domain]
    host_matching = application.url_map.host_matching
    rows: list[tuple[str, ...]] = [
        (str(rule.endpoint), ", ".join(sorted(rule.methods - {"HEAD", "OPTIONS"})), rule.rule,
         (rule.host if host_matching else rule.subdomain) or "")
        for rule in sorted(rules, key=lambda rule: (str(rule.endpoint), rule.rule))
    ]  # fmt: skip
    header: tuple[str, ...] = ("Endpoint", "Methods", "Rule")
    if any(row[3] for row in rows):
        header += ("Host" if host_matching else "Subdomain",)
    rows = [row[: len(header)] for row in rows]
    widths = [max(len(row[index]) for row in [header, *rows]) for index in range(len(header))]
    for row in [header, tuple("-" * width for width in widths), *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    return 0


def open_shell(application: Any) -> int:
    """``shell``: an interactive console in the app's context (``tinyweb.shell``)."""
    if not hasattr(application, "make_shell_context"):
        print("error: `shell` needs a tinyweb App; this is another WSGI app", file=sys.stderr)
        return 2
    from tinyweb.shell import interact

    with application.app_context():
        interact(application)
    return 0
