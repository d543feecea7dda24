"""Behaviours of Flask 3.1 that its own test suite checks and tinyweb once lacked.

Flask's tests were run against tinyweb through a shim (not committed: Flask's code stays
out of this repository); each test here is a small, independent restatement of a gap
that run found, with the Flask test's name, so that the gap stays closed.
"""

from __future__ import annotations

import pathlib

import pytest

from tinyweb import App, Blueprint, send_from_directory, url_for
from tinyweb.request import Request


def test_a_nested_blueprint_keeps_its_prefix_when_registered_with_none() -> None:
    # test_blueprints.py::test_nesting_url_prefixes[/parent-/child-None-None]
    app = App(__name__)
    parent, child = Blueprint("parent", __name__, url_prefix="/parent"), Blueprint(
        "child", __name__, url_prefix="/child"
    )
    child.add_url_rule("/", "index", lambda: "child")
    parent.register_blueprint(child, url_prefix=None)
    app.register_blueprint(parent)
    assert app.test_client().get("/parent/child/").text == "child"


def test_send_from_directory_takes_a_path_object(tmp_path: pathlib.Path) -> None:
    # test_helpers.py::TestSendfile::test_static_file
    (tmp_path / "a.txt").write_text("hello")
    app = App(__name__)
    app.add_url_rule("/", "f", lambda: send_from_directory(tmp_path, pathlib.Path("a.txt")))
    response = app.test_client().get("/")
    assert (response.status_code, response.text) == (200, "hello")


def test_the_same_bound_method_may_serve_one_endpoint_twice() -> None:
    # test_basic.py::test_multi_route_class_views: each v.index is a new bound method
    class Views:
        def index(self, test: str = "a") -> str:
            return test

    app, views = App(__name__), Views()
    app.add_url_rule("/", "index", views.index)
    app.add_url_rule("/<test>/", "index", views.index)
    client = app.test_client()
    assert (client.get("/").text, client.get("/b/").text) == ("a", "b")


def test_url_for_builds_a_variable_named_self() -> None:
    # test_helpers.py::TestUrlFor::test_url_for_with_self
    app = App(__name__)
    app.add_url_rule("/<self>", "index", lambda self: self)
    with app.test_request_context():
        assert url_for("index", self="2") == "/2"
        assert app.url_for("index", self="3") == "/3"


def test_a_bare_request_reads_werkzeugs_form_memory_limit() -> None:
    # test_request.py::test_limit_config (Werkzeug's Request default is 500_000)
    assert Request({}).max_form_memory_size == 500_000


def _bad_requests(app: App) -> tuple[str, str]:
    from tinyweb import request

    app.add_url_rule("/key", "key", lambda: request.form["secret_field_name"], methods=["POST"])
    app.add_url_rule("/json", "json", lambda: str(request.get_json()), methods=["POST"])
    client = app.test_client()
    key_page = client.post("/key").text
    json_page = client.post("/json", data="{bad", content_type="application/json").text
    return key_page, json_page


def test_bad_request_pages_name_no_detail_outside_debug() -> None:
    # test_json.py::test_bad_request_debug_message[False],
    # test_basic.py::test_trap_bad_request_key_error: a missing field's name and a JSON
    # parser's message appear only in debug mode, as in Flask.
    key_page, json_page = _bad_requests(App(__name__))
    assert "secret_field_name" not in key_page and "could not understand" in key_page
    assert "Expecting" not in json_page and "could not understand" in json_page


def test_bad_request_pages_show_the_detail_in_debug() -> None:
    app = App(__name__)
    app.debug = True
    app.config["TRAP_BAD_REQUEST_ERRORS"] = False  # (debug would raise the KeyError)
    key_page, json_page = _bad_requests(app)
    assert "secret_field_name" in key_page
    assert "Failed to decode JSON object: Expecting" in json_page


def test_the_missing_key_error_still_names_its_key() -> None:
    from tinyweb.errors import BadRequestKeyError

    error = BadRequestKeyError("title")
    assert error.key == "title" and error.args[0] == "title"
    assert "title" not in error.description
    error.show_exception = True  # what the app sets in debug mode (Werkzeug's flag)
    assert "'title'" in error.description and "&#x27;title&#x27;" in error.get_body()


def test_tojson_serializes_with_the_apps_json_provider() -> None:
    # test_json.py::test_tojson_filter: Flask's env.policies["json.dumps_function"]
    import datetime
    import decimal
    import uuid

    from tinyweb import render_template_string

    app = App(__name__)
    with app.app_context():
        value = {"t": datetime.datetime(2021, 2, 1), "u": uuid.UUID(int=1), "d": decimal.Decimal("1.5")}
        rendered = render_template_string("{{ v|tojson }}", v=value)
    expected = '{"d": "1.5", "t": "Mon, 01 Feb 2021 00:00:00 GMT", "u": "00000000-0000-0000-0000-000000000001"}'
    assert rendered == expected


def test_a_secure_session_cookie_survives_the_default_test_client() -> None:
    # test_basic.py::test_session_using_session_settings: SESSION_COOKIE_SECURE on the
    # client's default http://localhost/ (browsers count localhost as secure too).
    from tinyweb import session

    app = App(__name__)
    app.config.update(SECRET_KEY="k", SESSION_COOKIE_SECURE=True)

    @app.get("/set")
    def set_value() -> str:
        session["x"] = 1
        return "ok"

    app.add_url_rule("/get", "get", lambda: str(session.get("x")))
    client = app.test_client()
    client.get("/set")
    assert client.get("/get").text == "1"


def test_the_apps_environment_lists_app_and_blueprint_templates(tmp_path: pathlib.Path) -> None:
    # test_blueprints.py::test_templates_list
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "index.html").write_text("app")
    (tmp_path / "bp" / "templates" / "admin").mkdir(parents=True)
    (tmp_path / "bp" / "templates" / "admin" / "index.html").write_text("admin")
    app = App(__name__, root_path=str(tmp_path))
    app.register_blueprint(Blueprint("admin", __name__, root_path=str(tmp_path / "bp"), template_folder="templates"))
    assert app.jinja_env.list_templates() == ["admin/index.html", "index.html"]



def test_no_set_up_after_the_first_request() -> None:
    # test_basic.py::test_no_setup_after_first_request: routes and hooks are read by
    # every serving thread, so set-up ends when serving begins.
    app = App(__name__)
    app.add_url_rule("/", "index", lambda: "x")
    assert app.test_client().get("/").text == "x"
    for late in (
        lambda: app.add_url_rule("/foo", endpoint="late"),
        lambda: app.before_request(lambda: None),
        lambda: app.errorhandler(404)(lambda error: "nf"),
        lambda: app.register_blueprint(Blueprint("late", __name__)),
        lambda: app.add_template_filter(str.upper, "shout"),
        lambda: app.teardown_appcontext(lambda error: None),
    ):
        with pytest.raises(AssertionError, match="first request"):
            late()


@pytest.mark.parametrize("host", ["evil.com/x?", "a b", "x.com@y", "é.com", "a:99999"])
def test_a_malformed_host_header_is_a_400_not_part_of_a_url(host: str) -> None:
    # test_reqctx.py::test_bad_environ_raises_bad_request: under a WSGI server that passes
    # any Host, url_for(_external=True) wrote http://evil.com/x?/ (a poisoned link).
    from tinyweb.testing import build_environ

    app = App(__name__)
    app.add_url_rule("/", "index", lambda: url_for("index", _external=True))
    environ = build_environ("/")
    environ["HTTP_HOST"] = host
    status = []
    body = b"".join(app(environ, lambda s, h, e=None: status.append(s)))
    assert status[0].startswith("400") and b"evil" not in body
    ok = build_environ("/")
    ok["HTTP_HOST"] = "[::1]:8080"
    assert b"".join(app(ok, lambda s, h, e=None: None)) == b"http://[::1]:8080/"


def test_an_app_is_freed_as_soon_as_the_last_reference_goes() -> None:
    # test_basic.py::test_app_freed_on_zero_refcount (Flask #3761): no reference cycle
    # through the static view, the JSON provider or the template environment's autoescape,
    # so an app made per test is freed at once, without the garbage collector.
    import gc
    import weakref

    from tinyweb import render_template_string

    def used_app() -> weakref.ref[App]:
        app = App(__name__)
        app.add_url_rule("/", "index", lambda: render_template_string("{{ 1 }}"))
        assert app.test_client().get("/").text == "1"
        app.json.dumps({})
        return weakref.ref(app)

    gc.disable()
    try:
        assert used_app()() is None
    finally:
        gc.enable()


def test_the_test_client_takes_werkzeugs_call_forms() -> None:
    # test_basic.py (base_url second, 19 times), test_testing.py::test_specify_url_scheme,
    # test_client_open_environ.
    from tinyweb import request
    from tinyweb.testing import build_environ

    app = App(__name__)
    app.add_url_rule("/", "index", lambda: request.url, methods=["GET", "POST"])
    client = app.test_client()
    assert client.get("/", "http://example.com:8080/").text == "http://example.com:8080/"
    assert client.post("/", "http://example.org/").text == "http://example.org/"
    assert client.get("/", url_scheme="https").text == "https://localhost/"
    with app.test_request_context(url_scheme="https"):
        assert request.url == "https://localhost/"
    environ = build_environ("/", base_url="http://from.environ/")
    assert client.open(environ).text == "http://from.environ/"
