"""Tests for tinyweb/reloader.py: what is watched, how a change is found, and the real
thing: ``python -m tinyweb run --reload`` restarting on an edited module and template."""

from __future__ import annotations

import http.client
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import types
from collections.abc import Iterator
from pathlib import Path

import pytest

from tinyweb import reloader

REPOSITORY = Path(__file__).resolve().parent.parent


def test_watched_files_are_imported_sources_outside_the_libraries() -> None:
    files = reloader.watched_files()
    assert str(REPOSITORY / "tinyweb" / "reloader.py") in files
    assert os.path.abspath(os.__file__) not in files  # the standard library
    assert os.path.abspath(pytest.__file__) not in files  # site-packages


def test_the_watcher_finds_a_changed_a_deleted_and_a_new_extra_file(tmp_path: Path) -> None:
    template = tmp_path / "index.html"
    template.write_text("one")
    extra = [str(template)]
    watcher = reloader.FileWatcher(lambda: extra, interval=1.0)
    assert watcher.find_change() is None  # the first look is the baseline
    assert watcher.find_change() is None
    stat = template.stat()
    os.utime(template, (stat.st_atime, stat.st_mtime + 5))
    assert watcher.find_change() == str(template)
    watcher = reloader.FileWatcher(lambda: extra, interval=1.0)
    watcher.find_change()
    template.unlink()
    assert watcher.find_change() == str(template)


def test_files_of_a_failed_import_are_watched(tmp_path: Path) -> None:
    broken = tmp_path / "broken.py"
    broken.write_text("def oops(:\n")
    with pytest.raises(SyntaxError) as info:
        compile(broken.read_text(), str(broken), "exec")
    assert str(broken) in reloader.files_in_traceback(info.value)
    assert reloader.files_in_traceback(None) == set()


def test_child_arguments_rerun_a_module_with_dash_m(monkeypatch: pytest.MonkeyPatch) -> None:
    main = types.ModuleType("__main__")
    main.__spec__ = types.SimpleNamespace(name="tinyweb.__main__")  # type: ignore[assignment]
    monkeypatch.setitem(sys.modules, "__main__", main)
    monkeypatch.setattr(sys, "argv", ["/x/tinyweb/__main__.py", "run", "--reload"])
    arguments = reloader.child_arguments()
    assert arguments[0] == sys.executable
    assert arguments[-4:] == ["-m", "tinyweb", "run", "--reload"]
    main.__spec__ = None
    assert reloader.child_arguments()[-3:] == ["/x/tinyweb/__main__.py", "run", "--reload"]


def test_the_interval_is_at_least_one_second(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[float] = []
    monkeypatch.setenv(reloader.RELOADER_ENVIRONMENT_VARIABLE, "true")
    monkeypatch.setattr(reloader, "_run_child", lambda main, extra, interval: seen.append(interval) or 0)
    with pytest.raises(SystemExit):
        reloader.run_with_reloader(lambda: None, interval=0.01)
    assert seen == [1.0]


# -- the real thing -----------------------------------------------------------------------------

APP_SOURCE = """
from tinyweb import App, render_template
app = App(__name__)

@app.get("/")
def index():
    return "{word}"

@app.get("/page")
def page():
    return render_template("page.html")
"""


class Output:
    """Lines of a child's stdout, read by a thread so reads can time out."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.lines: queue.Queue[str] = queue.Queue()
        assert process.stdout is not None
        self.thread = threading.Thread(target=self._read, args=(process.stdout,), daemon=True)
        self.thread.start()

    def _read(self, stream: object) -> None:
        for line in stream:  # type: ignore[attr-defined]
            self.lines.put(line)

    def next_port(self, deadline: float) -> int:
        while True:
            line = self.lines.get(timeout=max(0.1, deadline - time.monotonic()))
            if "tinyweb serving http://" in line:
                return int(line.split("http://", 1)[1].split("/", 1)[0].rsplit(":", 1)[1])


def fetch(port: int, path: str = "/") -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", path)
        return connection.getresponse().read().decode()
    finally:
        connection.close()


def touch_with(path: Path, text: str) -> None:
    """Write ``text`` and move the mtime forward (file systems with coarse timestamps)."""
    path.write_text(text)
    stat = path.stat()
    os.utime(path, (stat.st_atime, stat.st_mtime + 2))


def serve_until(output: Output, path: str, expected: str, deadline: float) -> tuple[int, str]:
    """Read restarts until the server answers ``expected`` (another restart may come first
    if a tinyweb file changes meanwhile: others edit the tree too)."""
    port, body = 0, ""
    while time.monotonic() < deadline:
        port = output.next_port(deadline)
        try:
            body = fetch(port, path)
        except OSError:
            continue  # that child is already restarting
        if body == expected:
            break
    return port, body


@pytest.fixture
def reloading_server(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], Output, Path]]:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "page.html").write_text("page one")
    (tmp_path / "hotapp.py").write_text(APP_SOURCE.format(word="one"))
    environment = {**os.environ, "PYTHONPATH": str(REPOSITORY), "PYTHONUNBUFFERED": "1"}
    environment.pop(reloader.RELOADER_ENVIRONMENT_VARIABLE, None)
    command = [sys.executable, "-m", "tinyweb", "run", "hotapp:app", "--port", "0", "--reload"]
    process = subprocess.Popen(
        command, cwd=tmp_path, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, start_new_session=True,
    )  # fmt: skip
    try:
        yield process, Output(process), tmp_path
    finally:
        process.send_signal(signal.SIGTERM)  # the parent passes it on to the child
        try:
            process.wait(timeout=10)
        finally:
            try:
                os.killpg(process.pid, signal.SIGKILL)  # anything left of this test's group
            except ProcessLookupError:
                pass
            process.wait(timeout=5)


@pytest.mark.skipif(os.name != "posix", reason="the reloader restarts with SIGTERM (POSIX)")
def test_run_reload_restarts_on_a_changed_module_and_template(
    reloading_server: tuple[subprocess.Popen[str], Output, Path],
) -> None:
    process, output, project = reloading_server
    deadline = time.monotonic() + 14
    port, body = serve_until(output, "/", "one", deadline)
    assert body == "one"
    assert fetch(port, "/page") == "page one"  # the template is now in use, so watched
    touch_with(project / "hotapp.py", APP_SOURCE.format(word="two"))
    port, body = serve_until(output, "/", "two", deadline)
    assert body == "two"
    assert fetch(port, "/page") == "page one"  # this child uses the template: watched
    touch_with(project / "templates" / "page.html", "page two")
    # A restart (not only template auto-reload, which is off without DEBUG) shows it.
    assert serve_until(output, "/page", "page two", deadline)[1] == "page two"
    assert process.poll() is None  # the parent is still there


def test_a_file_dated_in_the_future_is_no_change(tmp_path: Path) -> None:
    """Clock skew (a shared folder, an unpacked archive): restarting would loop forever."""
    future = tmp_path / "future.py"
    future.write_text("x = 1\n")
    later = time.time() + 3600
    os.utime(future, (later, later))
    watcher = reloader.FileWatcher(lambda: [str(future)], interval=1.0)
    watcher._started = time.time()
    assert watcher.find_change() is None
    assert watcher.find_change() is None
    os.utime(future, (later + 5, later + 5))
    assert watcher.find_change() == str(future)


class FakeChild:
    """A child process whose wait() is interrupted by Ctrl-C a given number of times."""

    def __init__(self, interruptions: int) -> None:
        self.interruptions = interruptions
        self.signals: list[int] = []
        self.killed = False

    def wait(self) -> int:
        if self.interruptions:
            self.interruptions -= 1
            raise KeyboardInterrupt
        return -9 if self.killed else 0

    def send_signal(self, number: int) -> None:
        self.signals.append(number)

    def kill(self) -> None:
        self.killed = True


def test_ctrl_c_to_the_parent_alone_stops_the_child_and_a_second_kills_it() -> None:
    once = FakeChild(interruptions=1)
    assert reloader._wait(once) == 0  # type: ignore[arg-type]
    assert once.signals == [signal.SIGTERM] and not once.killed
    twice = FakeChild(interruptions=2)
    assert reloader._wait(twice) == -9  # type: ignore[arg-type]
    assert twice.killed


def test_a_child_killed_by_a_signal_ends_the_parent_with_128_plus_n(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(reloader.subprocess, "Popen", lambda *args, **kwargs: FakeChild(0))
    monkeypatch.setattr(reloader, "_wait", lambda child: -signal.SIGINT)
    assert reloader.restart_loop() == 128 + signal.SIGINT
