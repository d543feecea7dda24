"""Tests for tinyweb/blueprints.py: registration, names, prefixes, scoped hooks and handlers,
templates and static files of blueprints (Flask 3.1's behaviour)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tinyweb import Blueprint, abort, request, url_for
from tinyweb.app import App
from tinyweb.rendering import render_template, render_template_string


def new_app(tmp_path: Path | None = None) -> App:
    app = App(__name__, root_path=str(tmp_path) if tmp_path else None)
    app.testing = True
    return app


def auth_blueprint() -> Blueprint:
    bp = Blueprint("auth", __name__, url_prefix="/auth")

    @bp.route("/login", methods=["GET", "POST"])
    def login() -> str:
        return f"{request.endpoint}|{request.blueprint}|{url_for('.login')}|{url_for('index')}"

    @bp.get("/")
    def home() -> str:
        return "auth home"

    return bp


def test_endpoints_are_namespaced_and_prefixed() -> None:
    app = new_app()
    app.add_url_rule("/", "index", lambda: "index")
    app.register_blueprint(auth_blueprint())
    client = app.test_client()
    assert client.get("/auth/login").text == "auth.login|auth|/auth/login|/"
    assert client.post("/auth/login").status_code == 200
    assert client.get("/auth/").text == "auth home"
    with app.test_request_context("/"):
        assert url_for("auth.login", next="/x") == "/auth/login?next=%2Fx"
    assert set(app.blueprints) == {"auth"}


@pytest.mark.parametrize(
    ("blueprint_prefix", "register_prefix", "rule", "url"),
    [
        (None, None, "/x", "/x"),
        ("/p", None, "/x", "/p/x"),
        ("/p/", None, "/x", "/p/x"),
        ("/p", "/q", "/x", "/q/x"),  # the registration's prefix wins
        ("/p", None, "", "/p"),  # an empty rule is the prefix itself
        (None, "/q", "/", "/q/"),
    ],
)
def test_url_prefixes_join(
    blueprint_prefix: str | None, register_prefix: str | None, rule: str, url: str
) -> None:
    app = new_app()
    bp = Blueprint("bp", __name__, url_prefix=blueprint_prefix)
    bp.add_url_rule(rule, "view", lambda: "ok")
    options = {} if register_prefix is None else {"url_prefix": register_prefix}
    app.register_blueprint(bp, **options)
    assert app.test_client().get(url).text == "ok"
    with app.test_request_context("/"):
        assert url_for("bp.view") == url


def test_nested_blueprints_join_names_and_prefixes() -> None:
    app = new_app()
    parent = Blueprint("parent", __name__, url_prefix="/parent")
    child = Blueprint("child", __name__, url_prefix="/child")
    grandchild = Blueprint("grandchild", __name__)

    @grandchild.get("/deep")
    def deep() -> str:
        return f"{request.endpoint}|{request.blueprints}|{url_for('.deep')}"

    @child.get("/")
    def index() -> str:
        return url_for(".index")

    child.register_blueprint(grandchild, url_prefix="/gc")
    parent.register_blueprint(child)
    app.register_blueprint(parent)
    client = app.test_client()
    assert client.get("/parent/child/").text == "/parent/child/"
    assert client.get("/parent/child/gc/deep").text == (
        "parent.child.grandchild.deep|"
        "['parent.child.grandchild', 'parent.child', 'parent']|/parent/child/gc/deep"
    )
    assert set(app.blueprints) == {"parent", "parent.child", "parent.child.grandchild"}


def test_one_blueprint_registered_twice_under_two_names() -> None:
    app = new_app()
    bp = Blueprint("items", __name__)
    bp.add_url_rule("/", "index", lambda: request.endpoint)
    app.register_blueprint(bp, url_prefix="/a")
    app.register_blueprint(bp, url_prefix="/b", name="items_b")
    client = app.test_client()
    assert client.get("/a/").text == "items.index"
    assert client.get("/b/").text == "items_b.index"


@pytest.mark.parametrize(
    ("make_error", "message"),
    [
        (lambda: Blueprint("", __name__), "non-empty"),
        (lambda: Blueprint("a.b", __name__), "may not contain a dot"),
        (lambda: Blueprint("a", __name__).add_url_rule("/", "x.y", lambda: ""), "dot"),
    ],
)
def test_blueprint_definition_errors(make_error: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make_error()


def test_registration_errors_are_clear() -> None:
    app = new_app()
    first, second = Blueprint("auth", __name__), Blueprint("auth", __name__)
    app.register_blueprint(first)
    with pytest.raises(ValueError, match="'auth' is already registered for a different blueprint"):
        app.register_blueprint(second)
    with pytest.raises(ValueError, match=r"already registered for this blueprint.*name="):
        app.register_blueprint(first)
    with pytest.raises(ValueError, match="dots"):
        app.register_blueprint(second, name="a.b")
    with pytest.raises(ValueError, match="on itself"):
        second.register_blueprint(second)


def test_a_registered_blueprint_is_sealed() -> None:
    app = new_app()
    bp = Blueprint("bp", __name__)
    app.register_blueprint(bp)
    with pytest.raises(AssertionError, match="already been registered"):
        bp.add_url_rule("/late", "late", lambda: "")
    with pytest.raises(AssertionError, match="before_request"):
        bp.before_request(lambda: None)


def test_two_blueprints_with_the_same_view_name_do_not_clash() -> None:
    app = new_app()
    for name in ("one", "two"):
        bp = Blueprint(name, __name__, url_prefix=f"/{name}")
        bp.add_url_rule("/", "index", lambda name=name: name)
        app.register_blueprint(bp)
    client = app.test_client()
    assert (client.get("/one/").text, client.get("/two/").text) == ("one", "two")


def test_hooks_are_scoped_to_the_blueprint_and_app_hooks_reach_everything() -> None:
    app = new_app()
    calls: list[str] = []
    bp = Blueprint("bp", __name__, url_prefix="/bp")
    bp.add_url_rule("/", "index", lambda: "bp")
    app.add_url_rule("/", "index", lambda: "app")
    bp.before_request(lambda: calls.append("bp.before"))
    bp.before_app_request(lambda: calls.append("app.before"))

    @bp.after_request
    def bp_after(response: Any) -> Any:
        calls.append("bp.after")
        return response

    @bp.after_app_request
    def app_after(response: Any) -> Any:
        calls.append("app.after")
        return response

    bp.teardown_request(lambda exc: calls.append("bp.teardown"))
    bp.teardown_app_request(lambda exc: calls.append("app.teardown"))
    app.register_blueprint(bp)
    client = app.test_client()
    client.get("/bp/")
    # Flask's order: app before blueprint on the way in, blueprint first on the way out.
    assert calls == ["app.before", "bp.before", "bp.after", "app.after", "bp.teardown", "app.teardown"]
    calls.clear()
    client.get("/")
    assert calls == ["app.before", "app.after", "app.teardown"]


def test_a_blueprint_before_request_can_short_circuit_its_views_only() -> None:
    app = new_app()
    bp = Blueprint("admin", __name__, url_prefix="/admin")
    bp.add_url_rule("/", "index", lambda: "secret")
    bp.before_request(lambda: ("login first", 401))
    app.register_blueprint(bp)
    app.add_url_rule("/", "index", lambda: "public")
    client = app.test_client()
    assert (client.get("/admin/").status_code, client.get("/").text) == (401, "public")


def test_error_handlers_blueprint_scoped_then_app_wide() -> None:
    app = new_app()
    bp = Blueprint("api", __name__, url_prefix="/api")

    @bp.get("/missing")
    def missing() -> str:
        abort(404)

    @bp.get("/broken")
    def broken() -> str:
        raise KeyError("k")

    bp.register_error_handler(404, lambda error: ({"error": "not found"}, 404))
    bp.errorhandler(KeyError)(lambda error: ("bp key error", 500))
    other = Blueprint("other", __name__)
    other.app_errorhandler(404)(lambda error: ("app-wide 404", 404))
    app.register_blueprint(bp)
    app.register_blueprint(other)
    app.add_url_rule("/abort", "abort_view", lambda: abort(404))
    client = app.test_client()
    assert client.get("/api/missing").json == {"error": "not found"}
    assert client.get("/api/broken").text == "bp key error"
    assert client.get("/abort").text == "app-wide 404"
    assert client.get("/nowhere").text == "app-wide 404"  # unmatched URL: app handlers only
    with pytest.raises(TypeError):
        bp.app_errorhandler("404")  # type: ignore[arg-type]


def test_an_apps_code_handler_wins_over_a_blueprints_class_handler() -> None:
    """Flask's order: status-code handlers (blueprint, then app) before class handlers."""
    app = new_app()
    bp = Blueprint("bp", __name__)
    bp.add_url_rule("/x", "x", lambda: abort(404))
    bp.register_error_handler(Exception, lambda error: ("bp Exception handler", 500))
    app.register_error_handler(404, lambda error: ("app 404 handler", 404))
    app.register_blueprint(bp)
    response = app.test_client().get("/x")
    assert (response.status_code, response.text) == (404, "app 404 handler")


def test_template_folders_are_searched_after_the_apps(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "shared.html").write_text("from the app")
    bp_root = tmp_path / "auth"
    (bp_root / "templates" / "auth").mkdir(parents=True)
    (bp_root / "templates" / "shared.html").write_text("from the blueprint")
    (bp_root / "templates" / "auth" / "login.html").write_text("login {{ 1 + 1 }}")
    app = new_app(tmp_path)
    bp = Blueprint("auth", __name__, template_folder="templates", root_path=str(bp_root))
    bp.add_url_rule("/login", "login", lambda: render_template("auth/login.html"))
    bp.add_url_rule("/shared", "shared", lambda: render_template("shared.html"))
    assert app.template_environment is not None  # created before the registration: the folder is still added
    app.register_blueprint(bp)
    client = app.test_client()
    assert client.get("/login").text == "login 2"
    assert client.get("/shared").text == "from the app"


def test_app_template_filters_globals_and_context_processors() -> None:
    app = new_app()
    bp = Blueprint("bp", __name__)
    bp.app_template_filter("shout")(lambda text: text.upper())
    bp.app_template_global()(lambda: "G")  # named "<lambda>": use add_ with a name instead
    bp.add_app_template_global(lambda: "global", "site_name")
    bp.app_template_test("short")(lambda text: len(text) < 3)
    bp.add_app_template_test(lambda text: text == "a", "just_a")
    bp.app_context_processor(lambda: {"everywhere": "yes"})
    bp.context_processor(lambda: {"scoped": "bp only"})
    template = (
        "{{ 'a'|shout }} {{ site_name() }} {{ everywhere }} {{ scoped }}"
        "{% if 'a' is short and 'a' is just_a and 'abc' is not short %}!{% endif %}"
    )
    bp.add_url_rule("/in", "inside", lambda: render_template_string(template))
    app.add_url_rule("/out", "outside", lambda: render_template_string(template))
    app.register_blueprint(bp)
    client = app.test_client()
    assert client.get("/in").text == "A global yes bp only!"
    assert client.get("/out").text == "A global yes !"


def test_blueprint_static_folder_and_endpoint(tmp_path: Path) -> None:
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "admin.css").write_text("body{}")
    app = new_app()
    bp = Blueprint("admin", __name__, url_prefix="/admin", static_folder="static", root_path=str(tmp_path))
    app.register_blueprint(bp)
    client = app.test_client()
    response = client.get("/admin/static/admin.css")
    assert (response.status_code, response.text) == (200, "body{}")
    assert response.headers["Content-Type"].startswith("text/css")
    assert client.get("/admin/static/../static/admin.css").status_code == 404
    with app.test_request_context("/"):
        assert url_for("admin.static", filename="admin.css") == "/admin/static/admin.css"


def test_url_defaults_reach_the_views() -> None:
    app = new_app()
    bp = Blueprint("lang", __name__, url_prefix="/<lang>", url_defaults={"section": "news"})

    @bp.get("/")
    def index(lang: str, section: str) -> str:
        return f"{lang}:{section}"

    app.register_blueprint(bp)
    assert app.test_client().get("/fr/").text == "fr:news"


def test_request_blueprint_is_none_for_app_views() -> None:
    app = new_app()
    app.add_url_rule("/", "index", lambda: repr(request.blueprint))
    assert app.test_client().get("/").text == "None"


def test_flask_tutorial_index_alias_is_built_but_never_routed() -> None:
    """flaskr: ``app.add_url_rule("/", endpoint="index")`` repeats the blog's "/"."""
    app = new_app()
    blog = Blueprint("blog", __name__)
    blog.add_url_rule("/", "index", lambda: request.endpoint)
    app.register_blueprint(blog)
    app.add_url_rule("/", endpoint="index")
    with pytest.raises(Exception, match="already registered"):
        app.add_url_rule("/", "other", lambda: "a second view for / is a mistake")
    assert app.test_client().get("/").text == "blog.index"
    with app.test_request_context("/"):
        assert (url_for("index"), url_for("blog.index")) == ("/", "/")


def test_request_url_rule_is_the_matched_rule() -> None:
    app = new_app()
    bp = Blueprint("users", __name__, url_prefix="/users")

    @bp.route("/<int:user_id>", methods=["GET", "POST"])
    def show(user_id: int) -> str:
        rule = request.url_rule
        return f"{rule.rule}|{rule.endpoint}|{sorted(rule.methods)}|{rule.arguments}"

    app.register_blueprint(bp)
    assert app.test_client().get("/users/7").text == (
        "/users/<int:user_id>|users.show|['GET', 'HEAD', 'POST']|('user_id',)"
    )
    with app.test_request_context("/users/7"):
        assert request.url_rule.rule == "/users/<int:user_id>"
        assert request.endpoint == "users.show" and isinstance(request.endpoint, str)
    with app.test_request_context("/nowhere"):
        assert request.url_rule is None


def test_a_blueprint_static_folder_without_prefix_is_shadowed_by_the_apps(tmp_path: Path) -> None:
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "x.css").write_text("app")
    bp_root = tmp_path / "bp"
    (bp_root / "static").mkdir(parents=True)
    (bp_root / "static" / "x.css").write_text("blueprint")
    app = new_app(tmp_path)
    app.register_blueprint(Blueprint("bp", __name__, static_folder="static", root_path=str(bp_root)))
    assert app.test_client().get("/static/x.css").text == "app"
    with app.test_request_context("/"):
        assert url_for("bp.static", filename="x.css") == "/static/x.css"


def test_endpoint_decorator_gives_a_view_to_a_rule() -> None:
    app = new_app()
    app.add_url_rule("/later", "later")

    @app.endpoint("later")
    def later_view() -> str:
        return "bound later"

    assert app.test_client().get("/later").text == "bound later"
