"""The reloader: restart the development server when a source file or template changes.

Where it fits: ``python -m tinyweb run --reload`` (or ``--debug``) calls
``run_with_reloader(serve)`` from ``tinyweb.cli``. It works like Werkzeug's reloader, in two
processes:

1. The **parent** (the process you started) never imports the app. It runs the same
   command line again as a child, with ``TINYWEB_RUN_MAIN=true`` in the environment, and
   waits. When the child exits with status 3 it starts a new child; any other status ends
   the parent with that status (128 + N for a child killed by signal N, as a shell says).
   SIGTERM to the parent is passed on to the child; so is a Ctrl-C (SIGINT) that reached
   the parent alone, and a second one kills the child: no child outlives its parent.
2. The **child** imports the app and serves it. A watcher thread polls, once per
   ``interval`` (at least one second), the modification time of every file in use: the
   source of each imported module (outside the standard library and ``site-packages``)
   plus the files ``extra_files()`` names (the templates the app has loaded). On a change
   it sends SIGTERM to its own process: the server shuts down gracefully (requests in
   flight finish), and the child exits with status 3.

Rules:
- Polling, not inotify: standard library only, the same on every OS; the cost is one
  ``os.stat`` per watched file per second.
- Only files in use are watched, so an editor's swap file or a log never restarts it.
- If the app fails to import (a syntax error while editing), the child prints the
  traceback, watches the files it names too, and restarts when one of them changes.
- POSIX: the restart signal is SIGTERM; a development tool, never for production.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import sysconfig
import threading
import time
import traceback
from collections.abc import Iterable
from types import FrameType
from typing import Any, Callable

RELOADER_ENVIRONMENT_VARIABLE = "TINYWEB_RUN_MAIN"
RESTART_EXIT_CODE = 3
MINIMUM_INTERVAL = 1.0
FUTURE_SLACK = 10.0  # seconds ahead of the clock a file's mtime may be and still be "new"


def is_running_from_reloader() -> bool:
    """Whether this process is the reloader's child (the one that serves)."""
    return os.environ.get(RELOADER_ENVIRONMENT_VARIABLE) == "true"


def run_with_reloader(
    main: Callable[[], Any],
    extra_files: Callable[[], Iterable[str]] = tuple,
    interval: float = MINIMUM_INTERVAL,
) -> int:
    """Run ``main`` in a child process that is restarted when a file in use changes.

    In the parent this returns the child's final exit status; in the child it does not
    return (it exits with 3 to ask for a restart, or with 0 when ``main`` ends).

    Example: ``run_with_reloader(lambda: serve(app, port=8000))``.
    """
    if is_running_from_reloader():
        raise SystemExit(_run_child(main, extra_files, max(interval, MINIMUM_INTERVAL)))
    return restart_loop()


# -- the parent ---------------------------------------------------------------------------------


def child_arguments() -> list[str]:
    """The command line that started this process, to run it again as the child.

    ``python -m tinyweb ...`` is run again with ``-m`` (``sys.argv[0]`` is then a file of
    the package, which cannot be run directly); a script is run again as a script.
    """
    options = [f"-W{option}" for option in sys.warnoptions]
    main_module = sys.modules.get("__main__")
    spec = getattr(main_module, "__spec__", None)
    if spec is not None and spec.name:
        name = spec.name
        if name.endswith(".__main__"):
            name = name[: -len(".__main__")]
        return [sys.executable, *options, "-m", name, *sys.argv[1:]]
    return [sys.executable, *options, *sys.argv]


def restart_loop() -> int:
    """Start the child again and again while it exits with ``RESTART_EXIT_CODE``."""
    environment = {**os.environ, RELOADER_ENVIRONMENT_VARIABLE: "true"}
    while True:
        child = subprocess.Popen(child_arguments(), env=environment)
        previous = _forward_sigterm(child)
        try:
            status = _wait(child)
        finally:
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)
        if status != RESTART_EXIT_CODE:
            return 128 - status if status < 0 else status


def _wait(child: subprocess.Popen[bytes]) -> int:
    """Wait for the child. A Ctrl-C from the terminal reaches it too (same process group);
    one sent to the parent alone does not, so the child is told with SIGTERM (a graceful
    stop either way). A second Ctrl-C kills the child: nothing is left holding the port."""
    try:
        return child.wait()
    except KeyboardInterrupt:
        child.send_signal(signal.SIGTERM)
    try:
        return child.wait()
    except KeyboardInterrupt:
        child.kill()
        return child.wait()


def _forward_sigterm(child: subprocess.Popen[bytes]) -> Any:
    """Pass SIGTERM on to the child, which then stops gracefully (and so does the parent)."""
    if threading.current_thread() is not threading.main_thread():
        return None  # signal handlers can only be installed from the main thread

    def forward(signal_number: int, frame: FrameType | None) -> None:
        child.send_signal(signal.SIGTERM)

    return signal.signal(signal.SIGTERM, forward)


# -- the child ----------------------------------------------------------------------------------


def _run_child(
    main: Callable[[], Any], extra_files: Callable[[], Iterable[str]], interval: float
) -> int:
    """Watch files in a thread and run ``main``; 3 when a change stopped it."""
    watcher = FileWatcher(extra_files, interval)

    def stop_for_restart(signal_number: int, frame: FrameType | None) -> None:
        raise SystemExit(RESTART_EXIT_CODE if watcher.changed.is_set() else 0)

    signal.signal(signal.SIGTERM, stop_for_restart)  # replaced by serve()'s while serving
    watcher.start()
    try:
        main()
    except Exception:
        traceback.print_exc()
        watcher.add_files(files_in_traceback(sys.exc_info()[1]))
        print(" * waiting for a file to change before restarting", file=sys.stderr, flush=True)
        try:
            watcher.changed.wait()
        except KeyboardInterrupt:
            return 0  # Ctrl-C while waiting for the fix: a clean stop, not a traceback
    if watcher.changed.is_set():
        return RESTART_EXIT_CODE
    return 0


class FileWatcher:
    """Polls the modification times of the files in use; ``changed`` is set on a change.

    Example::

        watcher = FileWatcher(lambda: ["templates/index.html"], interval=1.0)
        watcher.start()          # a daemon thread; SIGTERMs this process on a change
    """

    def __init__(self, extra_files: Callable[[], Iterable[str]], interval: float) -> None:
        self.extra_files = extra_files
        self.interval = interval
        self.changed = threading.Event()
        self._more_files: set[str] = set()
        self._modified: dict[str, float] = {}
        self._started = time.time()

    def add_files(self, paths: Iterable[str]) -> None:
        """Watch these files too (those of a failed import's traceback)."""
        self._more_files.update(paths)

    def start(self) -> None:
        """Take the first snapshot and poll in a daemon thread."""
        self.find_change()
        threading.Thread(target=self._poll, name="tinyweb-reloader", daemon=True).start()

    def _poll(self) -> None:
        while not self.changed.wait(self.interval):
            changed_file = self.find_change()
            if changed_file is not None:
                print(f" * detected a change in {changed_file!r}, restarting", file=sys.stderr)
                self.changed.set()
                os.kill(os.getpid(), signal.SIGTERM)  # the server stops gracefully

    def find_change(self) -> str | None:
        """The first watched file whose modification time changed (or that vanished)."""
        paths = watched_files() | set(self.extra_files()) | self._more_files
        now = time.time()
        for path in paths:
            try:
                modified = os.stat(path).st_mtime
            except OSError:
                modified = -1.0  # deleted or not yet created
            # A file first seen now (a template loaded on first use) that changed since
            # this process started may have changed after it was read: that is a change.
            # Not a time further in the future than a coarse file system explains (clock
            # skew, an unpacked archive): that would be a change at every start, a loop.
            far_ahead = modified > now + FUTURE_SLACK
            first_seen = modified if far_ahead else min(modified, self._started)
            known = self._modified.setdefault(path, first_seen)
            if known != modified:
                return path
        return None


def _library_folders() -> tuple[str, ...]:
    """The folders of the standard library and installed packages: never watched."""
    paths = sysconfig.get_paths()
    keys = ("stdlib", "platstdlib", "purelib", "platlib")
    return tuple({os.path.abspath(paths[key]) + os.sep for key in keys if key in paths})


def watched_files() -> set[str]:
    """The source files of the imported modules, without the standard library and
    ``site-packages`` (they do not change while you develop)."""
    excluded = _library_folders()
    found: set[str] = set()
    for module in list(sys.modules.values()):
        filename = getattr(module, "__file__", None)
        if not isinstance(filename, str) or not filename.endswith(".py"):
            continue
        filename = os.path.abspath(filename)
        if not filename.startswith(excluded):
            found.add(filename)
    return found


def files_in_traceback(error: BaseException | None) -> set[str]:
    """The files an exception's traceback (and a SyntaxError) names."""
    found: set[str] = set()
    if isinstance(error, SyntaxError) and error.filename:
        found.add(os.path.abspath(error.filename))
    if error is not None:
        for frame in traceback.extract_tb(error.__traceback__):
            if os.path.isfile(frame.filename):
                found.add(os.path.abspath(frame.filename))
    return found
