"""The interactive shell: ``python -m tinyweb shell``, and the names it starts with.

Where it fits: ``App`` inherits ``AppShell``, which gives it Flask's
``app.shell_context_processor`` and ``app.make_shell_context()``; the ``shell`` command of
``tinyweb.cli`` calls ``interact(app)`` inside ``app.app_context()``, as ``flask shell``
does, so ``current_app`` and ``g`` work in the console.

What ``interact`` does, in Flask's order:

1. the banner: Python's version and platform, the app's import name, its instance folder;
2. the namespace: the file named by ``PYTHONSTARTUP`` runs in it first (as in the plain
   ``python`` console), then ``app``, ``g`` and what each shell context processor returns
   are added, so the app's names win;
3. ``sys.__interactivehook__`` (``site``'s: readline, history) runs, with tab completion
   on that namespace;
4. ``code.interact`` reads statements until end of input (Ctrl-D), from a terminal or a
   pipe (``python -m tinyweb shell < script.py``).

Rules: standard library only (``code``, imported when the shell opens); an error in the
``PYTHONSTARTUP`` file shows its traceback and the console still opens, as in ``python``.
"""

from __future__ import annotations

import os
import sys
from typing import Any, Callable, TypeVar

from tinyweb.context import g

ShellContextProcessor = Callable[[], dict[str, Any]]
Processor = TypeVar("Processor", bound=ShellContextProcessor)


class AppShell:
    """What ``App`` has for the shell: ``shell_context_processor``, ``make_shell_context``.

    Example::

        @app.shell_context_processor
        def shell_names():
            return {"db": get_db(), "User": User}     # in the shell: db, User, app, g
    """

    @property
    def shell_context_processors(self) -> list[ShellContextProcessor]:
        """The functions whose dicts ``make_shell_context`` adds, in registration order."""
        processors: list[ShellContextProcessor] = self.__dict__.setdefault(
            "_shell_context_processors", []
        )
        return processors

    def shell_context_processor(self, function: Processor) -> Processor:
        """Decorator: register ``function() -> dict`` of names for the shell's namespace."""
        self.shell_context_processors.append(function)
        return function

    def make_shell_context(self) -> dict[str, Any]:
        """``app`` and ``g``, updated with what each processor returns (a later one wins)."""
        namespace: dict[str, Any] = {"app": self, "g": g}
        for processor in self.shell_context_processors:
            namespace.update(processor())
        return namespace


def banner(app: Any) -> str:
    """The first lines of the console, Flask's: Python, platform, app and instance folder."""
    return (
        f"Python {sys.version} on {sys.platform}\n"
        f"App: {app.import_name}\n"
        f"Instance: {app.instance_path}"
    )


def interact(app: Any) -> None:
    """Run an interactive console on ``app``'s shell namespace (inside its app context)."""
    import code

    namespace: dict[str, Any] = {}
    run_startup_file(namespace)
    namespace.update(app.make_shell_context())
    _run_interactive_hook(namespace)
    code.interact(banner=banner(app), local=namespace)


def run_startup_file(namespace: dict[str, Any]) -> None:
    """Run the file that ``PYTHONSTARTUP`` names in ``namespace``, if it is a file."""
    startup = os.environ.get("PYTHONSTARTUP")
    if not (startup and os.path.isfile(startup)):
        return
    try:
        with open(startup, "rb") as file:  # bytes: compile() honours a coding cookie
            source = file.read()
        exec(compile(source, startup, "exec"), namespace)
    except Exception:  # the user's own file: show it, and open the console anyway
        import traceback

        traceback.print_exc()


def _run_interactive_hook(namespace: dict[str, Any]) -> None:
    """Call ``sys.__interactivehook__`` as ``python`` does before its prompt.

    ``site``'s hook sets up readline; its completer would look in ``__main__`` (tinyweb's
    own), so it is pointed at the shell's namespace first.
    """
    hook = getattr(sys, "__interactivehook__", None)
    if hook is None:
        return
    try:
        import readline
        from rlcompleter import Completer
    except ImportError:  # no readline on this platform: the hook still runs
        pass
    else:
        readline.set_completer(Completer(namespace).complete)
    hook()
