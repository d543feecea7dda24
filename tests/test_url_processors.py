"""url_value_preprocessor and url_defaults: Flask's hooks around URL values.

A URL value preprocessor sees ``(endpoint, view_args)`` before the ``before_request``
hooks and may take values out of ``view_args`` (the classic use: a ``<lang_code>`` prefix
read into ``g`` so that no view has to accept it). A URL defaults function sees
``(endpoint, values)`` in ``url_for`` and may add values (the same ``lang_code``, put
back). Both are scoped like the other hooks: the app's run for every request or URL, a
blueprint's only for its own endpoints, the app's first, then outer blueprints, then
inner ones.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from docs_snippets import markdown_python_blocks, run_snippet

from tinyweb import App, Blueprint, g, url_for


def test_value_preprocessor_gets_endpoint_and_view_args_and_may_take_values() -> None:
    app = App(__name__)
    seen: list[tuple[Any, Any]] = []

    @app.url_value_preprocessor
    def pull_lang(endpoint: str | None, values: dict[str, Any] | None) -> None:
        seen.append((endpoint, dict(values or {})))
        g.lang = values.pop("lang") if values else None

    @app.get("/<lang>/page/<int:number>")
    def page(number: int) -> str:  # "lang" was taken out before the view was called
        return f"{g.lang} {number}"

    response = app.test_client().get("/de/page/3")
    assert response.text == "de 3"
    assert seen == [("page", {"lang": "de", "number": 3})]


def test_value_preprocessors_run_before_before_request_hooks() -> None:
    app = App(__name__)
    order: list[str] = []
    app.before_request(lambda: order.append("before_request"))
    app.url_value_preprocessor(lambda endpoint, values: order.append("url_value"))
    app.add_url_rule("/", "index", lambda: "ok")
    app.test_client().get("/")
    assert order == ["url_value", "before_request"]


def test_value_preprocessor_on_a_routing_error_gets_none_twice_as_in_flask() -> None:
    app = App(__name__)
    seen: list[tuple[Any, Any]] = []
    app.url_value_preprocessor(lambda endpoint, values: seen.append((endpoint, values)))
    assert app.test_client().get("/nowhere").status_code == 404
    assert seen == [(None, None)]


def test_blueprint_value_preprocessor_runs_for_its_own_endpoints_only() -> None:
    app = App(__name__)
    bp = Blueprint("bp", __name__, url_prefix="/bp")
    calls: list[str] = []
    bp.url_value_preprocessor(lambda endpoint, values: calls.append(endpoint))
    bp.add_url_rule("/inside", "inside", lambda: "in")
    app.add_url_rule("/outside", "outside", lambda: "out")
    app.register_blueprint(bp)
    client = app.test_client()
    client.get("/outside")
    client.get("/bp/inside")
    assert calls == ["bp.inside"]


def test_scopes_run_app_then_outer_then_inner_blueprint() -> None:
    app = App(__name__)
    outer = Blueprint("outer", __name__, url_prefix="/outer")
    inner = Blueprint("inner", __name__, url_prefix="/inner")
    order: list[str] = []
    app.url_value_preprocessor(lambda endpoint, values: order.append("app"))
    outer.url_value_preprocessor(lambda endpoint, values: order.append("outer"))
    inner.url_value_preprocessor(lambda endpoint, values: order.append("inner"))
    inner.add_url_rule("/x", "x", lambda: "x")
    outer.register_blueprint(inner)
    app.register_blueprint(outer)
    assert app.test_client().get("/outer/inner/x").text == "x"
    assert order == ["app", "outer", "inner"]


def test_app_url_value_preprocessor_from_a_blueprint_runs_for_every_request() -> None:
    app = App(__name__)
    bp = Blueprint("bp", __name__)
    calls: list[Any] = []
    bp.app_url_value_preprocessor(lambda endpoint, values: calls.append(endpoint))
    app.add_url_rule("/", "index", lambda: "ok")
    app.register_blueprint(bp)
    app.test_client().get("/")
    assert calls == ["index"]


def test_url_defaults_adds_values_to_url_for() -> None:
    app = App(__name__)
    seen: list[tuple[str, dict[str, Any]]] = []

    @app.url_defaults
    def add_lang(endpoint: str, values: dict[str, Any]) -> None:
        seen.append((endpoint, dict(values)))
        values.setdefault("lang", "en")

    app.add_url_rule("/<lang>/about", "about", lambda lang: lang)
    with app.test_request_context("/"):
        assert url_for("about") == "/en/about"
        assert url_for("about", lang="fr") == "/fr/about"
        assert url_for("about", tab=None) == "/en/about"  # None values still dropped
    assert seen == [("about", {}), ("about", {"lang": "fr"}), ("about", {"tab": None})]


def test_url_defaults_see_the_resolved_endpoint_of_a_relative_name() -> None:
    app = App(__name__)
    bp = Blueprint("bp", __name__, url_prefix="/bp")
    seen: list[str] = []
    app.url_defaults(lambda endpoint, values: seen.append(endpoint))
    bp.add_url_rule("/a", "a", lambda: url_for(".b"))
    bp.add_url_rule("/b", "b", lambda: "b")
    app.register_blueprint(bp)
    assert app.test_client().get("/bp/a").text == "/bp/b"
    assert seen == ["bp.b"]


def test_blueprint_url_defaults_apply_to_its_endpoints_in_scope_order() -> None:
    app = App(__name__)
    outer = Blueprint("outer", __name__, url_prefix="/outer")
    inner = Blueprint("inner", __name__, url_prefix="/inner")
    order: list[str] = []
    app.url_defaults(lambda endpoint, values: order.append("app"))
    outer.url_defaults(lambda endpoint, values: order.append("outer"))
    inner.url_defaults(lambda endpoint, values: order.append("inner"))
    inner.add_url_rule("/x", "x", lambda: "x")
    outer.add_url_rule("/y", "y", lambda: "y")
    app.add_url_rule("/z", "z", lambda: "z")
    outer.register_blueprint(inner)
    app.register_blueprint(outer)
    with app.test_request_context("/"):
        url_for("outer.inner.x")
        assert order == ["app", "outer", "inner"]
        order.clear()
        url_for("outer.y")
        assert order == ["app", "outer"]
        order.clear()
        url_for("z")
        assert order == ["app"]


def test_app_url_defaults_from_a_blueprint_apply_to_every_endpoint() -> None:
    app = App(__name__)
    bp = Blueprint("bp", __name__)
    bp.app_url_defaults(lambda endpoint, values: values.setdefault("v", "1"))
    app.add_url_rule("/", "index", lambda: "ok")
    app.register_blueprint(bp)
    with app.test_request_context("/"):
        assert url_for("index") == "/?v=1"


def test_url_defaults_run_outside_a_request_too() -> None:
    app = App(__name__)
    app.config["SERVER_NAME"] = "example.com"
    app.url_defaults(lambda endpoint, values: values.setdefault("lang", "en"))
    app.add_url_rule("/<lang>/", "home", lambda lang: lang)
    with app.app_context():
        assert url_for("home") == "http://example.com/en/"


def test_the_language_prefix_recipe_from_flasks_docs() -> None:
    """Both hooks together: the language code lives in the URL, not in every view."""
    app = App(__name__)
    bp = Blueprint("frontend", __name__, url_prefix="/<lang_code>")

    @bp.url_defaults
    def add_language_code(endpoint: str, values: dict[str, Any]) -> None:
        values.setdefault("lang_code", g.lang_code)

    @bp.url_value_preprocessor
    def pull_lang_code(endpoint: str | None, values: dict[str, Any]) -> None:
        g.lang_code = values.pop("lang_code")

    @bp.get("/")
    def index() -> str:
        return url_for(".about")

    @bp.get("/about")
    def about() -> str:
        return "about " + g.lang_code

    app.register_blueprint(bp)
    client = app.test_client()
    assert client.get("/de/").text == "/de/about"
    assert client.get("/fr/about").text == "about fr"


@pytest.mark.parametrize("method_name", ["url_value_preprocessor", "url_defaults"])
def test_registering_on_a_registered_blueprint_is_refused_like_other_hooks(
    method_name: str,
) -> None:
    app = App(__name__)
    bp = Blueprint("bp", __name__)
    bp.add_url_rule("/", "index", lambda: "ok")
    app.register_blueprint(bp)
    with pytest.raises(AssertionError, match=method_name):
        getattr(bp, method_name)(lambda endpoint, values: None)


def test_the_recipe_in_app_md_runs() -> None:
    page = Path(__file__).resolve().parent.parent / "docs" / "app.md"
    snippets = markdown_python_blocks(page.read_text("utf-8"), "docs/app.md")
    [recipe] = [snippet for snippet in snippets if "add_language_code" in snippet.code]
    run_snippet(recipe, {"__name__": "docs_snippet"})
