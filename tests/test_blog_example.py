"""The blog example (examples/blog, Flask's tutorial app ported) outside its own test suite.

The blog's own 24+ tests live in ``examples/blog/tests`` and are collected once, through
pyproject's ``testpaths`` (``examples``); this file does not run them again. It checks
what they cannot:

- the suite is there and is collected from the repository root (``make test``'s way);
- the blog served by tinyweb's own ``Server`` on real sockets (127.0.0.1, port 0): a
  client with a cookie jar registers, logs in, posts, sees the post, logs out; another
  user gets 403 and 404; a cookie whose payload was rewritten logs nobody in; the
  stylesheet comes from the automatic static route;
- every page passes ``wsgiref.validate`` (PEP 3333);
- ``make run``'s commands, in a fresh copy of the package: ``python -m tinyweb --app blog
  init-db`` creates the database in the instance folder, and ``run`` serves the blog.
"""

from __future__ import annotations

import base64
import datetime
import http.client
import http.cookies
import importlib
import os
import shutil
import subprocess
import sys
import threading
import urllib.parse
import wsgiref.validate
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tinyweb.server import Server
from tinyweb.testing import Client

REPOSITORY = Path(__file__).resolve().parent.parent
BLOG_ROOT = REPOSITORY / "examples" / "blog"
FLASKR_TEST_COUNT = 24  # the number of tests in Flask's own tutorial


def import_blog() -> Any:
    """The ``blog`` package, importable from ``examples/blog`` (as its conftest arranges)."""
    if str(BLOG_ROOT) not in sys.path:
        sys.path.insert(0, str(BLOG_ROOT))
    return importlib.import_module("blog")


@pytest.fixture
def blog_app(tmp_path: Path) -> Any:
    """The blog in production shape (not TESTING), on an initialised database of its own."""
    app = import_blog().create_app(
        {"DATABASE": str(tmp_path / "blog.sqlite"), "SECRET_KEY": "real-socket-test"}
    )
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert "Initialized the database." in result.output
    return app


@pytest.fixture
def server(blog_app: Any) -> Iterator[Server]:
    """The blog on tinyweb's server; every thread it started is joined afterwards."""
    baseline = threading.active_count()
    with Server(blog_app, "127.0.0.1", 0, threads=2) as running:
        yield running
    assert threading.active_count() == baseline


class Browser:
    """One user: a keep-alive connection and a cookie jar (name -> value), like a browser."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        self.cookies: dict[str, str] = {}
        self.set_cookie_headers: list[str] = []

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, http.client.HTTPMessage, str]:
        """Send one request with the jar's cookies; return status, headers and text."""
        headers: dict[str, str] = {}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        text = response.read().decode("utf-8")
        for header in response.headers.get_all("Set-Cookie") or []:
            self.store_cookie(header)
        return response.status, response.headers, text

    def store_cookie(self, header: str) -> None:
        """Keep a cookie, or forget it when the server expires it (Max-Age=0)."""
        self.set_cookie_headers.append(header)
        for name, morsel in http.cookies.SimpleCookie(header).items():
            if morsel["max-age"] == "0":
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value

    def close(self) -> None:
        """Close the connection."""
        self.connection.close()


@pytest.fixture
def browsers(server: Server) -> Iterator[list[Browser]]:
    """Two browsers (two users) on the running blog."""
    opened = [Browser(server.server_address[1]), Browser(server.server_address[1])]
    yield opened
    for browser in opened:
        browser.close()


def utc_today() -> str:
    """Today's date as sqlite's CURRENT_TIMESTAMP gives it (UTC)."""
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")


def register_and_login(browser: Browser, username: str, password: str) -> None:
    """Register through the form, then log in; the session cookie lands in the jar."""
    status, headers, _ = browser.request(
        "POST", "/auth/register", {"username": username, "password": password}
    )
    assert (status, headers["Location"]) == (302, "/auth/login")
    status, headers, _ = browser.request(
        "POST", "/auth/login", {"username": username, "password": password}
    )
    assert (status, headers["Location"]) == (302, "/")
    assert "session" in browser.cookies


def test_the_blog_suite_is_collected_from_the_repository_root() -> None:
    """`make test` (pytest from the root, testpaths tests + examples) finds the blog's tests."""
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "examples/blog",
         "-p", "no:cacheprovider", "-p", "no:hypothesispytest"],  # hypothesis: 3 s to load
        cwd=REPOSITORY, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stdout + completed.stderr
    test_ids = [line for line in completed.stdout.splitlines() if "::" in line]
    assert len(test_ids) >= FLASKR_TEST_COUNT
    assert all(test_id.startswith("examples/blog/tests/") for test_id in test_ids)
    assert '"examples"' in (REPOSITORY / "pyproject.toml").read_text()


def test_the_blog_test_modules_have_names_of_their_own() -> None:
    """Neither folder is a package, so pytest imports both by base name: they must differ."""
    blog_tests = {path.name for path in (BLOG_ROOT / "tests").glob("test_*.py")}
    framework_tests = {path.name for path in (REPOSITORY / "tests").glob("test_*.py")}
    assert len(blog_tests) >= 4
    assert blog_tests & framework_tests == set()


def test_a_user_registers_logs_in_and_posts_over_real_sockets(browsers: list[Browser]) -> None:
    browser = browsers[0]
    status, headers, page = browser.request("GET", "/")
    assert status == 200
    assert "Log In" in page and "No posts yet." in page
    assert "Cookie" in headers["Vary"]  # the page depends on who is logged in

    register_and_login(browser, "ada", "lovelace")
    (session_cookie,) = [h for h in browser.set_cookie_headers if h.startswith("session=")]
    assert "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie

    assert browser.request("GET", "/create")[0] == 200
    form = {"title": "Over the wire", "body": "<script>alert(1)</script>"}
    day_before = utc_today()
    status, headers, _ = browser.request("POST", "/create", form)
    assert (status, headers["Location"]) == (302, "/")

    status, _, page = browser.request("GET", "/")
    assert status == 200
    post_dates = {day_before, utc_today()}  # sqlite's CURRENT_TIMESTAMP is UTC
    assert "Over the wire" in page
    assert any(f"by ada on {day}" in page for day in post_dates)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # escaped by autoescape
    assert 'href="/1/update"' in page and "Log Out" in page

    status, headers, _ = browser.request("GET", "/auth/logout")
    assert (status, headers["Location"]) == (302, "/")
    assert "session" not in browser.cookies
    page = browser.request("GET", "/")[2]
    assert "Log In" in page and 'href="/1/update"' not in page


def test_flash_messages_and_author_checks_over_real_sockets(browsers: list[Browser]) -> None:
    author, other = browsers
    register_and_login(author, "ada", "lovelace")
    author.request("POST", "/create", {"title": "Mine", "body": "only mine"})

    status, _, page = other.request("POST", "/auth/login", {"username": "bob", "password": "x"})
    assert status == 200 and "Incorrect username." in page
    register_and_login(other, "bob", "builder")
    status, _, page = other.request("POST", "/create", {"title": "", "body": ""})
    assert status == 200 and "Title is required." in page

    assert other.request("POST", "/1/update", {"title": "Stolen", "body": ""})[0] == 403
    assert other.request("POST", "/1/delete")[0] == 403
    assert other.request("POST", "/2/delete")[0] == 404
    assert "Mine" in author.request("GET", "/")[2]

    status, headers, _ = author.request("POST", "/1/delete")
    assert (status, headers["Location"]) == (302, "/")
    assert "No posts yet." in author.request("GET", "/")[2]


def test_a_forged_session_cookie_logs_nobody_in_over_real_sockets(
    browsers: list[Browser],
) -> None:
    ada, bob = browsers
    register_and_login(ada, "ada", "lovelace")
    register_and_login(bob, "bob", "builder")
    assert "<span>bob</span>" in bob.request("GET", "/")[2]
    # Bob rewrites his cookie's payload to say he is user 1 (ada), keeping his signature.
    _, timestamp, signature = bob.cookies["session"].split(".")
    forged_payload = base64.urlsafe_b64encode(b'{"user_id":1}').rstrip(b"=").decode()
    bob.cookies["session"] = f"{forged_payload}.{timestamp}.{signature}"
    page = bob.request("GET", "/")[2]
    assert "Log In" in page and "<span>ada</span>" not in page


def test_the_stylesheet_is_served_over_real_sockets(browsers: list[Browser]) -> None:
    status, headers, page = browsers[0].request("GET", "/")
    assert 'href="/static/style.css"' in page
    status, headers, stylesheet = browsers[0].request("GET", "/static/style.css")
    assert status == 200
    assert headers["Content-Type"].startswith("text/css")
    assert stylesheet == (BLOG_ROOT / "blog" / "static" / "style.css").read_text()


@pytest.mark.parametrize(
    ("method", "path", "form", "status"),
    [
        ("GET", "/", None, 200),
        ("GET", "/hello", None, 200),
        ("GET", "/auth/register", None, 200),
        ("GET", "/auth/login", None, 200),
        ("POST", "/auth/login", {"username": "nobody", "password": "x"}, 200),
        ("GET", "/create", None, 302),
        ("GET", "/static/style.css", None, 200),
        ("GET", "/static/missing.css", None, 404),
        ("GET", "/9/update", None, 302),
    ],
)
def test_every_page_passes_the_wsgi_validator(
    blog_app: Any, method: str, path: str, form: dict[str, str] | None, status: int
) -> None:
    client = Client(wsgiref.validate.validator(blog_app))
    assert client.open(path, method=method, data=form).status_code == status


def test_the_commands_of_make_run_init_and_serve_the_blog(tmp_path: Path) -> None:
    """`make run`'s two commands, in a copy of the package (the real instance is untouched).

    `run` is given port 0 and prints the URL it listens on, which the test then fetches.
    """
    shutil.copytree(BLOG_ROOT / "blog", tmp_path / "blog")
    # The copy first; the repository for tinyweb itself (the 3.9 matrix venv does not install it).
    environment = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path), str(REPOSITORY)]))
    command = [sys.executable, "-m", "tinyweb", "--app", "blog"]
    completed = subprocess.run(
        [*command, "init-db"],
        cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout == "Initialized the database.\n"
    assert (tmp_path / "instance" / "blog.sqlite").is_file()

    server = subprocess.Popen(
        [*command, "run", "--host", "127.0.0.1", "--port", "0"],
        cwd=tmp_path, env=environment, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        text=True,
    )  # fmt: skip
    try:
        assert server.stdout is not None
        banner = server.stdout.readline()  # "tinyweb serving http://127.0.0.1:PORT/ (...)"
        assert banner.startswith("tinyweb serving http://"), banner
        url = urllib.parse.urlsplit(banner.split()[2])
        connection = http.client.HTTPConnection("127.0.0.1", url.port, timeout=10)
        connection.request("GET", "/")
        response = connection.getresponse()
        assert response.status == 200 and b"Log In" in response.read()
        connection.close()
    finally:
        server.terminate()  # SIGTERM: a graceful shutdown
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        assert server.stdout is not None
        server.stdout.close()
