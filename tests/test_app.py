"""Tests for tinyweb/app.py: registration, dispatch and the return-value conventions.

Everything goes through the test client (tinyweb.testing), as an application would be
tested. Hooks, errors, contexts, templates and real servers have their own files
(tests/test_app_*.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tinyweb.app import App, make_response
from tinyweb.response import Response


def new_app(**config: Any) -> App:
    app = App(__name__)
    app.config.update(config)
    return app


def test_hello_world_is_html() -> None:
    app = new_app()

    @app.route("/")
    def hello() -> str:
        return "Hello, World!"

    response = app.test_client().get("/")
    assert response.status_code == 200
    assert response.data == b"Hello, World!"
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert response.headers["Content-Length"] == "13"


def wsgi_hello(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    start_response("202 Accepted", [("Content-Type", "text/plain"), ("X-From", "wsgi")])
    return [b"from ", environ["PATH_INFO"].encode()]


def rows() -> Iterator[str]:
    yield "a,"
    yield "b"


# (what the view returns, status, content type, body): make_response's table, row by row.
RETURN_VALUE_CASES: list[tuple[str, Any, int, str, bytes]] = [
    ("str", "héllo", 200, "text/html; charset=utf-8", "héllo".encode()),
    ("bytes", b"\x00\x01", 200, "text/html; charset=utf-8", b"\x00\x01"),
    ("bytearray", bytearray(b"ab"), 200, "text/html; charset=utf-8", b"ab"),
    ("dict", {"b": 1, "a": [1, 2]}, 200, "application/json", b'{"a":[1,2],"b":1}\n'),
    ("list", [1, "x"], 200, "application/json", b'[1,"x"]\n'),
    ("str_status", ("made", 201), 201, "text/html; charset=utf-8", b"made"),
    ("status_string", ("teapot", "418 I'm a teapot"), 418, "text/html; charset=utf-8", b"teapot"),
    ("dict_status", ({"error": "bad"}, 400), 400, "application/json", b'{"error":"bad"}\n'),
    ("headers_dict", ("x", {"Content-Type": "text/plain"}), 200, "text/plain", b"x"),
    ("headers_list", ("x", [("Content-Type", "text/csv")]), 200, "text/csv", b"x"),
    ("triple", ("x", 202, {"Content-Type": "text/plain"}), 202, "text/plain", b"x"),
    ("response", Response("r", 203, mimetype="text/plain"), 203, "text/plain; charset=utf-8", b"r"),
    ("response_status", (Response("r"), 404), 404, "text/html; charset=utf-8", b"r"),
    ("wsgi_app", wsgi_hello, 202, "text/plain", b"from /view"),
]


@pytest.mark.parametrize(
    ("returned", "status", "content_type", "body"),
    [case[1:] for case in RETURN_VALUE_CASES],
    ids=[case[0] for case in RETURN_VALUE_CASES],
)
def test_make_response_conventions(returned: Any, status: int, content_type: str, body: bytes) -> None:
    app = new_app()
    app.add_url_rule("/view", "view", lambda: returned)
    response = app.test_client().get("/view")
    assert response.status_code == status
    assert response.headers["Content-Type"] == content_type
    assert response.data == body


def test_a_generator_is_streamed() -> None:
    app = new_app()
    app.add_url_rule("/csv", "csv", lambda: (rows(), {"Content-Type": "text/csv"}))
    response = app.test_client().get("/csv")
    assert response.data == b"a,b"
    assert "Content-Length" not in response.headers


def test_tuple_headers_replace_same_named_and_keep_repeats() -> None:
    app = new_app()

    @app.route("/")
    def view() -> Any:
        response = Response("x", headers={"X-A": "old", "X-B": "kept"})
        return response, [("X-A", "new"), ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")]

    headers = app.test_client().get("/").headers
    assert headers.getlist("X-A") == ["new"]
    assert headers["X-B"] == "kept"
    assert headers.getlist("Set-Cookie") == ["a=1", "b=2"]


@pytest.mark.parametrize(
    ("returned", "message"),
    [
        (None, "'nothing' did not return a valid response"),
        (("a", 200, {}, "extra"), "tuple of 4 items"),
        (42, "returned a int"),
    ],
    ids=["none", "long_tuple", "int"],
)
def test_bad_return_values_raise_type_error_naming_the_view(returned: Any, message: str) -> None:
    app = new_app(TESTING=True)
    app.add_url_rule("/", "nothing", lambda: returned)
    with pytest.raises(TypeError, match=message):
        app.test_client().get("/")


def test_module_level_make_response() -> None:
    app = new_app()

    @app.route("/")
    def view() -> Response:
        response = make_response("body", 201, {"X-Custom": "1"})
        response.headers["X-Later"] = "2"
        assert make_response().status_code == 200
        assert make_response(("t", 202)).status_code == 202
        return response

    response = app.test_client().get("/")
    assert (response.status_code, response.headers["X-Custom"], response.headers["X-Later"]) == (
        201,
        "1",
        "2",
    )


def test_method_decorators_register_one_method_each() -> None:
    app = new_app()
    for method in ("get", "post", "put", "patch", "delete"):
        getattr(app, method)("/item", endpoint=method)(lambda method=method: method)
    client = app.test_client()
    for method in ("get", "post", "put", "patch", "delete"):
        assert getattr(client, method)("/item").text == method


def test_route_with_converters_passes_view_args() -> None:
    app = new_app()

    @app.route("/users/<int:user_id>/posts/<slug>")
    def post(user_id: int, slug: str) -> dict[str, Any]:
        return {"user_id": user_id, "slug": slug}

    assert app.test_client().get("/users/7/posts/hi").json == {"user_id": 7, "slug": "hi"}
    assert app.test_client().get("/users/x/posts/hi").status_code == 404


def test_405_lists_allowed_methods_and_head_and_options_are_automatic() -> None:
    app = new_app()
    app.add_url_rule("/thing", "thing", lambda: "body", methods=["GET", "POST"])
    client = app.test_client()
    not_allowed = client.delete("/thing")
    assert not_allowed.status_code == 405
    assert set(not_allowed.headers["Allow"].split(", ")) >= {"GET", "HEAD", "POST"}
    head = client.head("/thing")
    assert head.status_code == 200 and head.data == b""
    options = client.options("/thing")
    assert options.status_code == 200
    assert set(options.headers["Allow"].split(", ")) >= {"GET", "HEAD", "OPTIONS", "POST"}


def test_missing_trailing_slash_redirects_with_308_under_script_name() -> None:
    app = new_app()
    app.add_url_rule("/docs/", "docs", lambda: "docs")
    client = app.test_client()
    response = client.get("/docs", query_string="page=2")
    assert response.status_code == 308
    assert response.headers["Location"].endswith("/docs/?page=2")
    mounted = client.get("/docs", environ_overrides={"SCRIPT_NAME": "/prefix"})
    assert mounted.headers["Location"].endswith("/prefix/docs/")


def test_unknown_path_is_404_with_an_html_page() -> None:
    response = new_app().test_client().get("/nowhere")
    assert response.status_code == 404
    assert "Not Found" in response.text


def test_registration_errors() -> None:
    app = new_app()
    app.add_url_rule("/a", "a", lambda: "a")
    with pytest.raises(AssertionError, match="overwriting an existing endpoint function: a"):
        app.add_url_rule("/b", "a", lambda: "b")
    with pytest.raises(TypeError, match="list of strings"):
        app.add_url_rule("/c", "c", lambda: "c", methods="POST")
    with pytest.raises(TypeError, match=r"app\.route"):
        app.get("/d", methods=["POST"])
    with pytest.raises(ValueError, match="needs an endpoint"):
        app.add_url_rule("/e")


def test_rule_without_view_is_for_url_building_only() -> None:
    app = new_app()
    app.add_url_rule("/external/<name>", "external")
    with app.test_request_context("/"):
        from tinyweb.app import url_for

        assert url_for("external", name="x") == "/external/x"
    assert app.test_client().get("/external/x").status_code == 500


def test_view_methods_attribute_is_honoured() -> None:
    app = new_app()

    def submit() -> str:
        return "ok"

    submit.methods = ["POST"]  # type: ignore[attr-defined]
    app.add_url_rule("/submit", view_func=submit)
    client = app.test_client()
    assert client.post("/submit").text == "ok"
    assert client.get("/submit").status_code == 405


def test_app_is_a_wsgi_callable_and_wsgi_app_can_be_wrapped() -> None:
    app = new_app()
    app.add_url_rule("/", "index", lambda: "inner")
    inner = app.wsgi_app

    def middleware(environ: dict[str, Any], start_response: Any) -> Any:
        environ["PATH_INFO"] = "/"
        return inner(environ, start_response)

    app.wsgi_app = middleware  # type: ignore[method-assign]
    assert app.test_client().get("/elsewhere").text == "inner"


def test_name_repr_and_settings_properties() -> None:
    app = new_app()
    assert app.name == __name__ and repr(app) == f"<App {__name__!r}>"
    app.debug, app.testing, app.secret_key = True, True, "s"
    assert app.config["DEBUG"] and app.config["TESTING"] and app.config["SECRET_KEY"] == "s"
    assert app.logger.name == __name__


@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=30), st.integers(min_value=200, max_value=599))
def test_any_text_and_status_round_trip(text: str, status: int) -> None:
    app = new_app()
    app.add_url_rule("/", "index", lambda: (text, status))
    response = app.test_client().get("/")
    assert response.status_code == status
    if status not in (204, 205, 304):  # no content for those (RFC 9110 §15.3.5-6, §15.4.5)
        assert response.data == text.encode("utf-8")


def test_import_tinyweb_and_a_plain_request_load_no_optional_module() -> None:
    import subprocess
    import sys

    lazy = ["tinyweb.server", "tinyweb.templating", "tinyweb.static", "tinyweb.sessions"]
    # Standard modules that cost milliseconds to import (inspect alone ~10 ms on the CI
    # machines) and that a plain request has no use for: they are imported where used.
    # (Not threading: on 3.13 sysconfig imports it, which App() needs for instance_path.)
    lazy += ["inspect", "email.utils", "hashlib", "socket", "dataclasses"]
    lazy += ["traceback", "asyncio", "ast", "logging", "http.cookies", "uuid", "mimetypes"]
    script = (
        "import io, sys, tinyweb\n"
        "app = tinyweb.App('light')\n"
        "app.add_url_rule('/', 'index', lambda: 'hi')\n"
        "environ = {'REQUEST_METHOD': 'GET', 'PATH_INFO': '/', 'SERVER_NAME': 'x',\n"
        "           'SERVER_PORT': '80', 'wsgi.input': io.BytesIO(), 'wsgi.url_scheme': 'http'}\n"
        "assert b''.join(app(environ, lambda status, headers: None)) == b'hi'\n"
        f"print([name for name in {lazy!r} if name in sys.modules])\n"
        "assert tinyweb.serve.__module__ == 'tinyweb.server'\n"
        "assert tinyweb.send_file.__module__ == 'tinyweb.static'\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
