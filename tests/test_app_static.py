"""Tests for the automatic static route of App: /static/<path:filename>, endpoint "static".

The attacks are sent through the whole app (environ → router → send_static_file →
send_from_directory → safe_join), raw and percent-encoded, as a client would send them.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tinyweb import url_for
from tinyweb.app import App
from tinyweb.testing import build_environ, run_wsgi_app


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "static" / "css").mkdir(parents=True)
    (tmp_path / "static" / "style.css").write_text("body { color: red }")
    (tmp_path / "static" / "css" / "deep.css").write_text("p {}")
    (tmp_path / "secret.txt").write_text("TOP SECRET")
    (tmp_path / "app.py").write_text("SECRET_KEY = 'source code'\n")
    return tmp_path


def make_app(project: Path, **options: object) -> App:
    return App("static_test_app", root_path=str(project), **options)  # type: ignore[arg-type]


def raw_get(app: App, path: str) -> tuple[int, bytes]:
    """Send PATH_INFO exactly as given (a server decodes %XX before the app sees it)."""
    environ = build_environ("/")
    environ["PATH_INFO"] = path
    status, _headers, body = run_wsgi_app(app, environ)
    return int(status.split()[0]), body


def test_static_files_are_served_with_type_etag_and_no_cache(project: Path) -> None:
    app = make_app(project)
    response = app.test_client().get("/static/style.css")
    assert response.status_code == 200
    assert response.text == "body { color: red }"
    assert response.headers["Content-Type"].startswith("text/css")
    assert response.headers["Cache-Control"] == "no-cache"
    etag = response.headers["ETag"]
    again = app.test_client().get("/static/style.css", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert app.test_client().get("/static/css/deep.css").text == "p {}"


def test_url_for_static(project: Path) -> None:
    app = make_app(project)
    with app.test_request_context("/"):
        assert url_for("static", filename="css/deep.css") == "/static/css/deep.css"
        assert url_for("static", filename="a b.css") == "/static/a%20b.css"


@pytest.mark.parametrize(
    ("setting", "cache_control"),
    [(None, "no-cache"), (3600, "public, max-age=3600"), (timedelta(minutes=2), "public, max-age=120")],
)
def test_send_file_max_age_default(project: Path, setting: object, cache_control: str) -> None:
    app = make_app(project)
    assert "SEND_FILE_MAX_AGE_DEFAULT" in app.config
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = setting
    assert app.test_client().get("/static/style.css").headers["Cache-Control"] == cache_control


def test_static_url_path_and_folder_options(project: Path) -> None:
    (project / "assets").mkdir()
    (project / "assets" / "a.js").write_text("1")
    app = make_app(project, static_folder="assets", static_url_path="/files")
    assert app.test_client().get("/files/a.js").text == "1"
    assert app.test_client().get("/static/a.js").status_code == 404
    assert make_app(project, static_folder="assets").static_url_path == "/assets"
    # static_url_path="" serves at the root, next to the app's own routes.
    root = make_app(project, static_url_path="")
    root.add_url_rule("/", "index", lambda: "index")
    client = root.test_client()
    assert (client.get("/style.css").status_code, client.get("/").text) == (200, "index")


def test_no_static_folder_means_no_static_route(project: Path) -> None:
    app = make_app(project, static_folder=None)
    assert [rule.endpoint for rule in app.router] == []
    assert app.test_client().get("/static/style.css").status_code == 404
    with pytest.raises(RuntimeError, match="static_folder"):
        app.send_static_file("style.css")


def test_static_host_needs_host_matching(project: Path) -> None:
    with pytest.raises(ValueError, match="host_matching=True"):
        make_app(project, static_host="cdn.example")


def test_a_missing_file_or_a_directory_is_404(project: Path) -> None:
    client = make_app(project).test_client()
    assert client.get("/static/nope.css").status_code == 404
    assert client.get("/static/css").status_code == 404
    assert client.get("/static/css/").status_code == 404


# Path traversal (CWE-22) through the app. PATH_INFO is what the server hands the app, so
# a "%2e%2e" on the wire arrives here as "..": both forms are sent.
TRAVERSALS = [
    "/static/../secret.txt",
    "/static/..%2fsecret.txt",
    "/static/%2e%2e/secret.txt",
    "/static/css/../../secret.txt",
    "/static/..",
    "/static/../app.py",
    "/static//etc/passwd",
    "/static/%2fetc%2fpasswd",
    "/static/..\\secret.txt",
    "/static/css\\..\\..\\secret.txt",
    "/static/C:/Windows/win.ini",
    "/static/style.css\x00.png",
    "/static/CON",
    "/static/con.txt",
    "/static/css/AUX",
    "/static/style.css.",
    "/static/style.css ",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_path_traversal_through_the_app_is_404(project: Path, path: str) -> None:
    app = make_app(project)
    from urllib.parse import unquote

    for sent in {path, unquote(path)}:
        status, body = raw_get(app, sent)
        assert status in (404, 400, 308), (sent, status)
        assert b"SECRET" not in body and b"source code" not in body


@pytest.mark.parametrize("path", TRAVERSALS[:8])
def test_path_traversal_through_the_test_client_is_404(project: Path, path: str) -> None:
    response = make_app(project).test_client().get(path)
    assert response.status_code in (404, 308)
    assert b"SECRET" not in response.data


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_a_symlink_out_of_the_static_folder_is_404(project: Path) -> None:
    (project / "static" / "escape.txt").symlink_to(project / "secret.txt")
    (project / "static" / "outside").symlink_to(project, target_is_directory=True)
    client = make_app(project).test_client()
    assert client.get("/static/escape.txt").status_code == 404
    assert client.get("/static/outside/secret.txt").status_code == 404


@pytest.fixture(scope="module")
def property_app(tmp_path_factory: pytest.TempPathFactory) -> App:
    root = tmp_path_factory.mktemp("property")
    (root / "static").mkdir()
    (root / "static" / "ok.txt").write_text("fine")
    (root / "SECRET").write_text("SECRET")
    return App("static_property", root_path=str(root))


def test_the_raw_helper_reaches_files(property_app: App) -> None:
    assert raw_get(property_app, "/static/ok.txt") == (200, b"fine")


@given(path=st.text(alphabet=st.sampled_from(list("./\\%2eECRTSconN:\x00 a")), max_size=12))
def test_no_path_ever_reads_outside_the_static_folder(property_app: App, path: str) -> None:
    status, body = raw_get(property_app, "/static/" + path)
    assert status in (200, 404, 400, 308, 405)
    assert body != b"SECRET"
