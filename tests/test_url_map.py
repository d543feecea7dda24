"""app.url_map: the part of Werkzeug's ``Map`` that Flask apps use, over tinyweb's router.

Flask code reaches for ``app.url_map`` for four things: registering a converter
(``app.url_map.converters["name"] = Converter``), relaxing trailing slashes for every
rule (``app.url_map.strict_slashes = False``), listing the rules (``iter_rules``), and
asking whether an endpoint takes a value (``is_endpoint_expecting``, in Flask's
language-code recipe). Each works here on the app's ``Router``.
"""

from __future__ import annotations

from typing import Any

import pytest

from tinyweb import App, Blueprint, url_for
from tinyweb.converters import BaseConverter, IntegerConverter
from tinyweb.routing import RuleError


class RegexConverter(BaseConverter):
    """Flask's classic recipe, in tinyweb's shape: the rule's arguments, no map first."""

    def __init__(self, pattern: str) -> None:
        self.regex = pattern


def test_setting_a_converter_makes_it_usable_in_rules() -> None:
    app = App(__name__)
    app.url_map.converters["regex"] = RegexConverter

    @app.get('/word/<regex("[abc]+"):word>')
    def word(word: str) -> str:
        return word

    client = app.test_client()
    assert client.get("/word/abba").text == "abba"
    assert client.get("/word/xyz").status_code == 404
    with app.test_request_context("/"):
        assert url_for("word", word="cab") == "/word/cab"


def test_converters_reads_like_a_dict_with_werkzeugs_default_names() -> None:
    app = App(__name__)
    converters = app.url_map.converters
    assert {"default", "string", "any", "path", "int", "float", "uuid"} <= set(converters)
    assert converters["int"] is IntegerConverter
    assert "regex" not in converters
    assert len(converters) == len(list(converters))


def test_a_converter_that_is_not_a_converter_class_is_refused_at_once() -> None:
    app = App(__name__)
    with pytest.raises(RuleError, match="subclass of BaseConverter"):
        app.url_map.converters["bad"] = object  # type: ignore[assignment]


def test_converters_cannot_be_deleted() -> None:
    app = App(__name__)
    with pytest.raises(TypeError, match="cannot be removed"):
        del app.url_map.converters["int"]


def test_strict_slashes_false_on_the_map_relaxes_rules_added_afterwards() -> None:
    app = App(__name__)
    app.url_map.strict_slashes = False
    app.add_url_rule("/about", "about", lambda: "about")
    app.add_url_rule("/kept", "kept", lambda: "kept", strict_slashes=True)  # explicit wins
    client = app.test_client()
    assert client.get("/about/").text == "about"
    assert client.get("/kept/").status_code == 404


def test_strict_slashes_defaults_to_true() -> None:
    app = App(__name__)
    assert app.url_map.strict_slashes is True
    app.add_url_rule("/about", "about", lambda: "about")
    assert app.test_client().get("/about/").status_code == 404


def test_blueprint_rules_follow_the_maps_strict_slashes() -> None:
    app = App(__name__)
    app.url_map.strict_slashes = False
    bp = Blueprint("bp", __name__, url_prefix="/bp")
    bp.add_url_rule("/page", "page", lambda: "page")
    app.register_blueprint(bp)
    assert app.test_client().get("/bp/page/").text == "page"


def test_iter_rules_lists_every_rule_and_filters_by_endpoint() -> None:
    app = App(__name__, static_folder=None)
    app.add_url_rule("/", "index", lambda: "")
    app.add_url_rule("/users/<int:user_id>", "user", str, methods=["GET", "POST"])
    app.add_url_rule("/u/<int:user_id>", "user", str)
    rules = {(rule.rule, rule.endpoint) for rule in app.url_map.iter_rules()}
    assert rules == {("/", "index"), ("/users/<int:user_id>", "user"), ("/u/<int:user_id>", "user")}
    assert [rule.rule for rule in app.url_map.iter_rules("user")] == [
        "/users/<int:user_id>",
        "/u/<int:user_id>",
    ]
    assert list(app.url_map.iter_rules("nowhere")) == []
    # HEAD is added for GET; OPTIONS is answered for every path, so no rule lists it
    # (Flask's rules list OPTIONS too).
    assert sorted(next(app.url_map.iter_rules("user")).methods) == ["GET", "HEAD", "POST"]
    assert {rule.rule for rule in app.url_map} == {rule for rule, _ in rules}


def test_iter_rules_includes_a_rule_kept_for_url_for_only() -> None:
    """flaskr's second "/" (endpoint "index", no view) is a rule Werkzeug's map lists too."""
    app = App(__name__, static_folder=None)
    bp = Blueprint("blog", __name__)
    bp.add_url_rule("/", "index", lambda: "blog")
    app.register_blueprint(bp)
    app.add_url_rule("/", endpoint="index")
    assert sorted(rule.endpoint for rule in app.url_map.iter_rules()) == ["blog.index", "index"]


def test_is_endpoint_expecting() -> None:
    app = App(__name__)
    app.add_url_rule("/<lang_code>/about", "about", lambda lang_code: "")
    app.add_url_rule("/<lang_code>/user/<int:id>", "user", dict)
    app.add_url_rule("/user/<int:id>", "user", dict)
    app.add_url_rule("/plain", "plain", lambda: "")
    url_map = app.url_map
    assert url_map.is_endpoint_expecting("about", "lang_code")
    assert url_map.is_endpoint_expecting("user", "lang_code", "id")  # one rule takes both
    assert url_map.is_endpoint_expecting("plain")  # no arguments asked: any rule will do
    assert not url_map.is_endpoint_expecting("plain", "lang_code")
    assert not url_map.is_endpoint_expecting("unknown", "lang_code")


def test_the_recipe_that_uses_is_endpoint_expecting() -> None:
    """Flask's docs: add the language code only to URLs whose rule takes one."""
    app = App(__name__)
    app.add_url_rule("/<lang_code>/about", "about", lambda lang_code: lang_code)
    app.add_url_rule("/contact", "contact", lambda: "")

    @app.url_defaults
    def add_language_code(endpoint: str, values: dict[str, Any]) -> None:
        if "lang_code" not in values and app.url_map.is_endpoint_expecting(endpoint, "lang_code"):
            values["lang_code"] = "en"

    with app.test_request_context("/"):
        assert url_for("about") == "/en/about"
        assert url_for("contact") == "/contact"


def test_the_map_is_the_apps_router_not_a_copy() -> None:
    app = App(__name__)
    app.router.register_converter("regex", RegexConverter)
    assert app.url_map.converters["regex"] is RegexConverter
    assert "Map" in repr(app.url_map)
