"""In-process WSGI benchmark of the application layer: tinyweb vs Flask vs Bottle.

Run from the repository root: ``python benchmarks/bench_app.py`` (``--quick`` for a smoke
run). No sockets: each framework's WSGI callable is called directly, the way a server
would call it, with a fresh environ per request; the body is consumed and closed.

Cases (issue 6):
  (a) hello      ``GET /`` returning a short string
  (b) json       ``GET /items/<int>`` returning a dict as JSON
  (c) template   ``GET /page`` rendering a small template (title, 10 escaped rows)
And the import time of each package (``python -X importtime``, best of several runs).

The machine is shared and noisy, so rounds are interleaved (every framework and case once
per round, 40 rounds of 500 calls) and the best round counts. Targets: (a) and (b) ≥ 4× Flask and ≥ 1.2× Bottle;
import time ≤ ¼ of Flask's.
"""

from __future__ import annotations

import gc
import io
import os
import re
import subprocess
import sys
import tempfile
import time
from typing import Any, Callable

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import bottle
import flask

import tinyweb

ROWS = [{"name": f"<item {n}>", "price": n * 1.5} for n in range(10)]

JINJA_PAGE = """<!doctype html>
<title>{{ title }}</title>
<ul>
{% for row in rows %}  <li>{{ row.name }}: {{ row.price }}</li>
{% endfor %}</ul>
"""
BOTTLE_PAGE = """<!doctype html>
<title>{{ title }}</title>
<ul>
% for row in rows:
  <li>{{ row['name'] }}: {{ row['price'] }}</li>
% end
</ul>
"""

WSGIApp = Callable[..., Any]


def tinyweb_app(template_folder: str) -> WSGIApp:
    app = tinyweb.App("bench", root_path=template_folder)

    @app.get("/")
    def hello() -> str:
        return "Hello, World!"

    @app.get("/items/<int:item_id>")
    def item(item_id: int) -> dict[str, Any]:
        return {"id": item_id, "name": "widget"}

    @app.get("/page")
    def page() -> str:
        return tinyweb.render_template("page.html", title="Items", rows=ROWS)

    return app


def flask_app(template_folder: str) -> WSGIApp:
    app = flask.Flask("bench", template_folder=os.path.join(template_folder, "templates"))

    @app.get("/")
    def hello() -> str:
        return "Hello, World!"

    @app.get("/items/<int:item_id>")
    def item(item_id: int) -> dict[str, Any]:
        return {"id": item_id, "name": "widget"}

    @app.get("/page")
    def page() -> str:
        return flask.render_template("page.html", title="Items", rows=ROWS)

    return app


def bottle_app(template_folder: str) -> WSGIApp:
    app = bottle.Bottle()
    template = bottle.SimpleTemplate(BOTTLE_PAGE)

    @app.get("/")
    def hello() -> str:
        return "Hello, World!"

    @app.get("/items/<item_id:int>")
    def item(item_id: int) -> dict[str, Any]:
        return {"id": item_id, "name": "widget"}

    @app.get("/page")
    def page() -> str:
        return template.render(title="Items", rows=ROWS)

    return app


BASE_ENVIRON = {
    "REQUEST_METHOD": "GET",
    "SCRIPT_NAME": "",
    "QUERY_STRING": "",
    "SERVER_NAME": "localhost",
    "SERVER_PORT": "8000",
    "SERVER_PROTOCOL": "HTTP/1.1",
    "HTTP_HOST": "localhost:8000",
    "HTTP_USER_AGENT": "bench",
    "HTTP_ACCEPT": "*/*",
    "REMOTE_ADDR": "127.0.0.1",
    "wsgi.version": (1, 0),
    "wsgi.url_scheme": "http",
    "wsgi.errors": sys.stderr,
    "wsgi.multithread": True,
    "wsgi.multiprocess": False,
    "wsgi.run_once": False,
}

CASES = {"hello": "/", "json": "/items/42", "template": "/page"}


def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
    return None


def call(app: WSGIApp, path: str) -> bytes:
    """One request, as a server makes it: fresh environ, consume, close."""
    environ = dict(BASE_ENVIRON, PATH_INFO=path)
    environ["wsgi.input"] = io.BytesIO()
    body = app(environ, start_response)
    try:
        return b"".join(body)
    finally:
        close = getattr(body, "close", None)
        if close is not None:
            close()


def time_calls(app: WSGIApp, path: str, number: int) -> float:
    """Seconds per call, over ``number`` calls (garbage collection paused, as timeit does)."""
    gc.disable()
    try:
        started = time.perf_counter()
        for _ in range(number):
            call(app, path)
        return (time.perf_counter() - started) / number
    finally:
        gc.enable()


def check_outputs(apps: dict[str, WSGIApp]) -> None:
    """Every framework answers every case with a 200 and a comparable body."""
    for case, path in CASES.items():
        bodies = {name: call(app, path) for name, app in apps.items()}
        for name, body in bodies.items():
            assert body and b"Traceback" not in body, (name, case, body[:200])
        if case == "template":
            for name, body in bodies.items():
                assert body.count(b"<li>&lt;item") == 10, (name, body)


def import_time_us(package: str) -> int:
    """The cumulative ``-X importtime`` figure for one fresh ``import package``, in µs.

    Bytecode caching is on (PYTHONDONTWRITEBYTECODE dropped): without it, a module edited
    since its last ``.pyc`` is compiled again at every import, which times the compiler.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {package}"],
        capture_output=True, text=True, check=True, env=env,
    )  # fmt: skip
    pattern = re.compile(rf"^import time:\s+\d+ \|\s+(\d+) \| {re.escape(package)}$", re.M)
    match = pattern.search(result.stderr)
    assert match, result.stderr[-500:]
    return int(match.group(1))


def best_import_times(packages: list[str], runs: int) -> dict[str, int]:
    """Best of ``runs`` fresh imports per package, round-robin like the request timings."""
    best: dict[str, int] = {}
    for _ in range(runs):
        for package in packages:
            value = import_time_us(package)
            best[package] = min(best.get(package, value), value)
    return best


def main() -> int:
    quick = "--quick" in sys.argv
    # Many short rounds: the best round of each pair catches a quiet moment of the machine.
    rounds, number = (3, 200) if quick else (40, 500)
    with tempfile.TemporaryDirectory() as folder:
        os.mkdir(os.path.join(folder, "templates"))
        with open(os.path.join(folder, "templates", "page.html"), "w") as page:
            page.write(JINJA_PAGE)
        apps = {"tinyweb": tinyweb_app(folder), "flask": flask_app(folder), "bottle": bottle_app(folder)}
        check_outputs(apps)
        best: dict[tuple[str, str], float] = {}
        for _ in range(rounds):  # round-robin: noise hits every framework alike
            for case, path in CASES.items():
                for name, app in apps.items():
                    seconds = time_calls(app, path, number)
                    key = (name, case)
                    best[key] = min(best.get(key, seconds), seconds)
    imports = best_import_times(list(apps), 3 if quick else 15)
    return report(best, imports)


def report(best: dict[tuple[str, str], float], imports: dict[str, int]) -> int:
    print(f"{'case':<10}{'tinyweb µs':>12}{'flask µs':>11}{'bottle µs':>11}"
          f"{'× flask':>10}{'× bottle':>10}")  # fmt: skip
    failures = []
    for case in CASES:
        ours, theirs_flask, theirs_bottle = (best[(n, case)] * 1e6 for n in ("tinyweb", "flask", "bottle"))
        versus_flask, versus_bottle = theirs_flask / ours, theirs_bottle / ours
        print(f"{case:<10}{ours:>12.2f}{theirs_flask:>11.2f}{theirs_bottle:>11.2f}"
              f"{versus_flask:>9.2f}×{versus_bottle:>9.2f}×")  # fmt: skip
        if case != "template" and (versus_flask < 4 or versus_bottle < 1.2):
            failures.append(f"{case}: target ≥ 4× Flask and ≥ 1.2× Bottle")
    print()
    print(f"{'import':<10}{imports['tinyweb'] / 1000:>11.1f}m{imports['flask'] / 1000:>10.1f}m"
          f"{imports['bottle'] / 1000:>10.1f}m   (ms; tinyweb = "
          f"{imports['tinyweb'] / imports['flask']:.2f} of Flask's, target ≤ 0.25)")  # fmt: skip
    if imports["tinyweb"] > imports["flask"] / 4:
        failures.append("import: target ≤ ¼ of Flask's")
    for failure in failures:
        print("MISSED", failure)
    return 0


if __name__ == "__main__":
    sys.exit(main())
