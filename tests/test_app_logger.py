"""``app.logger``: one shared stderr handler, added at most once, even when threads race.

The server runs the app in worker threads, so two requests can read ``app.logger`` for the
first time at once. The races below are deterministic, not timing-based: a barrier inside a
wrapped ``Logger.hasHandlers`` holds every thread until all of them have seen "no handlers",
and only then lets them go on to add one.

Loggers are process-global. Every test uses a logger name of its own, cuts it off from the
root logger (pytest's log capture puts handlers there, which would hide the "logging is not
configured" case) and restores the logger when it ends.
"""

from __future__ import annotations

import io
import logging
import re
import sys
import threading
from collections.abc import Iterator
from typing import Callable

import pytest

from tinyweb import App


@pytest.fixture()
def isolate() -> Iterator[Callable[[str], logging.Logger]]:
    """``isolate(name)``: the logger, detached from the root logger until the test ends."""
    saved: dict[str, tuple[list[logging.Handler], int, bool]] = {}

    def detach(name: str) -> logging.Logger:
        logger = logging.getLogger(name)
        saved.setdefault(name, (list(logger.handlers), logger.level, logger.propagate))
        logger.propagate = False
        return logger

    yield detach
    for name, (handlers, level, propagate) in saved.items():
        logger = logging.getLogger(name)
        # Not closed: the default handler is shared by every app of the process.
        logger.handlers[:] = handlers
        logger.setLevel(level)
        logger.propagate = propagate


def race(
    readers: list[Callable[[], object]], logger_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run each reader in its own thread; all of them pass the "no handlers" check first."""
    barrier = threading.Barrier(len(readers), timeout=5.0)
    original = logging.Logger.hasHandlers

    def has_handlers_once_everyone_looked(logger: logging.Logger) -> bool:
        found = original(logger)
        if logger.name == logger_name:
            try:
                barrier.wait()
            except threading.BrokenBarrierError:
                pass  # an implementation that checks under a lock: nothing to race, go on
        return found

    monkeypatch.setattr(logging.Logger, "hasHandlers", has_handlers_once_everyone_looked)
    errors: list[BaseException] = []

    def run(reader: Callable[[], object]) -> None:
        try:
            reader()
        except BaseException as error:  # reported by the test thread below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(reader,)) for reader in readers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10.0)
    assert not any(thread.is_alive() for thread in threads), "a reader thread hangs"
    assert not errors, errors


def test_threads_reading_the_logger_first_add_one_handler(
    isolate: Callable[[str], logging.Logger], monkeypatch: pytest.MonkeyPatch
) -> None:
    name = "test_app_logger.one_app"
    logger = isolate(name)
    app = App(name)
    race([lambda: app.logger, lambda: app.logger], name, monkeypatch)
    assert len(logger.handlers) == 1


def test_apps_of_one_name_racing_add_one_handler(
    isolate: Callable[[str], logging.Logger], monkeypatch: pytest.MonkeyPatch
) -> None:
    name = "test_app_logger.two_apps"
    logger = isolate(name)
    first, second = App(name), App(name)
    race([lambda: first.logger, lambda: second.logger], name, monkeypatch)
    assert len(logger.handlers) == 1
    assert first.logger is second.logger


def test_apps_of_one_name_one_after_the_other_add_one_handler(
    isolate: Callable[[str], logging.Logger],
) -> None:
    name = "test_app_logger.in_turn"
    logger = isolate(name)
    assert App(name).logger is App(name).logger is logger
    assert len(logger.handlers) == 1


def test_every_app_shares_the_one_default_handler(
    isolate: Callable[[str], logging.Logger],
) -> None:
    first = isolate("test_app_logger.first")
    second = isolate("test_app_logger.second")
    assert App(first.name).logger is first and App(second.name).logger is second
    assert len(first.handlers) == len(second.handlers) == 1
    assert first.handlers[0] is second.handlers[0]


LINE = re.compile(r"^\[[^\]]+\] (?P<level>[A-Z]+) in (?P<module>\w+): (?P<message>.*)$")


def test_lines_go_to_the_stderr_of_the_moment_they_are_logged(
    isolate: Callable[[str], logging.Logger], monkeypatch: pytest.MonkeyPatch
) -> None:
    name = "test_app_logger.stderr_swap"
    isolate(name)
    app = App(name)
    assert app.logger.handlers  # the handler exists before sys.stderr changes
    later_stderr = io.StringIO()
    monkeypatch.setattr(sys, "stderr", later_stderr)
    app.logger.warning("disk %s%% full", 91)
    match = LINE.match(later_stderr.getvalue().rstrip("\n"))
    assert match, later_stderr.getvalue()
    assert match.group("level", "module", "message") == ("WARNING", __name__, "disk 91% full")


def test_capsys_sees_the_lines(
    isolate: Callable[[str], logging.Logger], capsys: pytest.CaptureFixture[str]
) -> None:
    name = "test_app_logger.capsys"
    isolate(name)
    App(name).logger.error("boom")
    lines = capsys.readouterr().err.splitlines()
    matches = [LINE.match(line) for line in lines]
    assert [match.group("message") for match in matches if match] == ["boom"]


@pytest.mark.parametrize("configured", ["the logger", "an ancestor"])
def test_a_configured_logger_gets_no_handler(
    configured: str, isolate: Callable[[str], logging.Logger]
) -> None:
    parent = isolate("test_app_logger.configured")
    logger = isolate("test_app_logger.configured.app")
    own = logging.NullHandler()
    if configured == "the logger":
        logger.addHandler(own)
    else:
        logger.propagate = True  # so the parent's handler counts
        parent.addHandler(own)
    assert App(logger.name).logger is logger
    assert logger.handlers == ([own] if configured == "the logger" else [])
    assert parent.handlers == ([] if configured == "the logger" else [own])


# (debug, the level set beforehand, the level app.logger has): debug lowers an unset level
# to DEBUG and never overrides a level the program chose.
LEVELS = [
    (False, logging.NOTSET, logging.NOTSET),
    (True, logging.NOTSET, logging.DEBUG),
    (True, logging.WARNING, logging.WARNING),
]


@pytest.mark.parametrize(("debug", "preset", "expected"), LEVELS)
def test_debug_sets_an_unset_level_to_debug(
    debug: bool, preset: int, expected: int, isolate: Callable[[str], logging.Logger]
) -> None:
    logger = isolate(f"test_app_logger.level_{debug}_{preset}")
    logger.setLevel(preset)
    app = App(logger.name)
    app.debug = debug
    assert app.logger.level == expected


def test_a_debug_app_logs_debug_lines(
    isolate: Callable[[str], logging.Logger], capsys: pytest.CaptureFixture[str]
) -> None:
    name = "test_app_logger.debug_lines"
    isolate(name)
    app = App(name)
    app.debug = True
    app.logger.debug("query took %d ms", 3)
    match = LINE.match(capsys.readouterr().err.rstrip("\n"))
    assert match and match.group("level", "message") == ("DEBUG", "query took 3 ms")
