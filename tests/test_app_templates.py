"""Tests for the template glue in tinyweb/app.py: render_template and friends."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tinyweb.app import App
from tinyweb.context import g
from tinyweb.rendering import render_template, render_template_string, stream_template
from tinyweb.templating import TemplatesNotFound


@pytest.fixture
def app(tmp_path: Path) -> App:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "hello.html").write_text("Hello {{ name }}!")
    (templates / "globals.html").write_text(
        "{{ request.path }}|{{ url_for('user', user_id=3) }}|{{ g.who }}|"
        "{{ config['GREETING'] }}|{{ session.get('x') }}"
    )
    (templates / "base.html").write_text("<title>{% block title %}{% endblock %}</title>")
    (templates / "page.html").write_text(
        '{% extends "base.html" %}{% block title %}{{ title|shout }}{% endblock %}'
    )
    app = App(__name__, root_path=str(tmp_path))
    app.config["GREETING"] = "hi"
    app.add_url_rule("/users/<int:user_id>", "user")
    return app


def test_render_template_escapes_by_default(app: App) -> None:
    app.add_url_rule("/", "index", lambda: render_template("hello.html", name="<b>Ada</b>"))
    assert app.test_client().get("/").text == "Hello &lt;b&gt;Ada&lt;/b&gt;!"


def test_templates_see_request_url_for_g_config_and_session(app: App) -> None:
    @app.get("/page")
    def page() -> str:
        g.who = "ada"
        return render_template("globals.html")

    assert app.test_client().get("/page").text == "/page|/users/3|ada|hi|None"


def test_template_filter_and_inheritance(app: App) -> None:
    @app.template_filter("shout")
    def shout(text: str) -> str:
        return text.upper() + "!"

    app.add_url_rule("/", "index", lambda: render_template("page.html", title="home"))
    assert app.test_client().get("/").text == "<title>HOME!</title>"


def test_context_processors_add_values_and_render_arguments_win(app: App) -> None:
    app.context_processor(lambda: {"name": "from processor", "extra": "x"})
    with app.test_request_context("/"):
        assert render_template("hello.html") == "Hello from processor!"
        assert render_template("hello.html", name="given") == "Hello given!"


def test_render_template_takes_a_list_of_names_or_a_template(app: App) -> None:
    # Flask: render_template(template_name_or_list), the first that exists (theme fallbacks).
    with app.test_request_context("/"):
        assert render_template(["theme/hello.html", "hello.html"], name="Ada") == "Hello Ada!"
        template = app.jinja_env.from_string("Hi {{ name }}")
        assert render_template(template, name="Ada") == "Hi Ada"
        assert "".join(stream_template(["nope.html", "hello.html"], name="B")) == "Hello B!"
        with pytest.raises(TemplatesNotFound, match=r"nope\.html, gone\.html") as caught:
            render_template(["nope.html", "gone.html"])
        assert caught.value.templates == ["nope.html", "gone.html"]


def test_template_global(app: App) -> None:
    @app.template_global()
    def double(number: int) -> int:
        return number * 2

    with app.app_context():
        assert render_template_string("{{ double(21) }}") == "42"


def test_template_test_as_in_flask(app: App) -> None:
    @app.template_test()
    def prime(number: int) -> bool:
        return number > 1 and all(number % k for k in range(2, number))

    app.add_template_test(lambda text: text.startswith("/"), "absolute")
    with app.app_context():
        source = "{{ 7 is prime }} {{ 8 is prime }} {{ '/a' is absolute }} {{ 3 is not prime }}"
        assert render_template_string(source) == "True False True False"


def test_registering_decorators_return_the_function_unchanged(app: App) -> None:
    def shout(text: str) -> str:
        return text.upper()

    assert app.template_filter()(shout) is shout
    assert app.template_test()(shout) is shout
    assert app.template_global()(shout) is shout


def test_render_template_string_autoescapes(app: App) -> None:
    with app.test_request_context("/"):
        assert render_template_string("{{ v }}", v="<i>") == "&lt;i&gt;"


def test_missing_template_names_the_template(app: App) -> None:
    with app.test_request_context("/"), pytest.raises(Exception, match=r"nope\.html"):
        render_template("nope.html")


def test_jinja_env_is_the_template_environment(app: App) -> None:
    assert app.jinja_env is app.template_environment
    context: dict[str, Any] = {}
    with app.app_context():
        app.update_template_context(context)
    assert context == {}


def test_jinja_options_on_a_subclass_reach_the_environment(tmp_path: Path) -> None:
    """Flask's idiom for other delimiters: a subclass with its own jinja_options."""
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "vue.html").write_text(
        "<div id=app>{{ message }}</div>\n{% if true %}\n[[ name ]]\n{% endif %}\n"
    )

    class VueApp(App):
        jinja_options = {  # noqa: RUF012 (Flask's idiom: a class attribute)
            **App.jinja_options,
            "variable_start_string": "[[",
            "variable_end_string": "]]",
            "trim_blocks": True,
        }

    app = VueApp(__name__, root_path=str(tmp_path))
    with app.test_request_context("/"):
        assert render_template("vue.html", name="<Ann>") == (
            "<div id=app>{{ message }}</div>\n&lt;Ann&gt;\n"
        )
    assert App.jinja_options == {}  # the base class is untouched


def test_jinja_options_may_replace_the_defaults(tmp_path: Path) -> None:
    app = App(__name__, root_path=str(tmp_path))
    app.jinja_options = {"auto_reload": False, "autoescape": False}
    assert app.jinja_env.auto_reload is False
    with app.test_request_context("/"):
        assert render_template_string("{{ x }}", x="<b>") == "<b>"


# -- Flask's loader dispatch: app.jinja_loader, then each blueprint's -------------------


def test_flask_recipe_a_choice_loader_in_app_jinja_loader(app: App, tmp_path: Path) -> None:
    # The Flask recipe: templates of a user folder first, the app's own after them.
    from tinyweb.templating import ChoiceLoader, FileSystemLoader

    userdata = tmp_path / "userdata"
    userdata.mkdir()
    (userdata / "hello.html").write_text("Howdy {{ name }}!")
    app.template_filter("shout")(str.upper)  # the environment exists before the assignment
    app.jinja_loader = ChoiceLoader([FileSystemLoader(str(userdata)), app.jinja_loader])
    app.add_url_rule("/hello", "hello", lambda: render_template("hello.html", name="Ann"))
    app.add_url_rule("/page", "page", lambda: render_template("page.html", title="t"))
    client = app.test_client()
    assert client.get("/hello").text == "Howdy Ann!"
    assert client.get("/page").text == "<title>T</title>"  # the app's templates still found
    assert app.jinja_env.list_templates() == ["base.html", "globals.html", "hello.html", "page.html"]


def test_an_app_subclass_may_override_jinja_loader(tmp_path: Path) -> None:
    from tinyweb.templating import DictLoader

    class DictApp(App):
        @property
        def jinja_loader(self) -> DictLoader:  # type: ignore[override]
            return DictLoader({"hello.html": "from the dict"})

    app = DictApp(__name__, root_path=str(tmp_path))
    with app.test_request_context("/"):
        assert render_template("hello.html") == "from the dict"


def test_a_blueprints_jinja_loader_is_used(app: App, tmp_path: Path) -> None:
    from tinyweb.blueprints import Blueprint
    from tinyweb.templating import DictLoader

    assigned = Blueprint("assigned", __name__)
    assigned.jinja_loader = DictLoader({"assigned/a.html": "assigned {{ 1 + 1 }}"})

    class ThemedBlueprint(Blueprint):
        @property
        def jinja_loader(self) -> DictLoader:  # type: ignore[override]
            return DictLoader({"themed/t.html": "themed", "hello.html": "not the app's"})

    assert app.jinja_env is not None  # made before the registrations: they are seen
    app.register_blueprint(assigned)
    app.register_blueprint(ThemedBlueprint("themed", __name__))
    app.add_url_rule("/a", "a", lambda: render_template("assigned/a.html"))
    app.add_url_rule("/t", "t", lambda: render_template("themed/t.html"))
    app.add_url_rule("/hello", "hello", lambda: render_template("hello.html", name="Ann"))
    client = app.test_client()
    assert client.get("/t").text == "themed"
    assert client.get("/hello").text == "Hello Ann!"  # the app's loader is asked first
    assert "assigned/a.html" in app.jinja_env.list_templates()
    assert "themed/t.html" in app.jinja_env.list_templates()
    assert client.get("/a").text == "assigned 2"


def test_blueprint_loaders_are_asked_in_registration_order(tmp_path: Path) -> None:
    from tinyweb.blueprints import Blueprint
    from tinyweb.templating import DictLoader

    app = App(__name__, root_path=str(tmp_path))  # no templates/ folder: nothing found there
    for name in ("first", "second"):
        blueprint = Blueprint(name, __name__)
        blueprint.jinja_loader = DictLoader({"shared.html": f"from {name}"})
        app.register_blueprint(blueprint)
    with app.test_request_context("/"):
        assert render_template("shared.html") == "from first"


def test_no_app_loader_leaves_the_blueprints(app: App, tmp_path: Path) -> None:
    # As in Flask: app.jinja_loader None (or template_folder=None) searches no app folder.
    from tinyweb.blueprints import Blueprint
    from tinyweb.templating import DictLoader, TemplateNotFound

    blueprint = Blueprint("bp", __name__)
    blueprint.jinja_loader = DictLoader({"bp.html": "bp"})
    app.register_blueprint(blueprint)
    app.jinja_loader = None
    with app.test_request_context("/"), pytest.raises(TemplateNotFound):
        render_template("hello.html")
    bare = App(__name__, root_path=str(tmp_path), template_folder=None)
    bare.register_blueprint(blueprint)
    with bare.test_request_context("/"):
        assert render_template("bp.html") == "bp"
        with pytest.raises(TemplateNotFound):
            render_template("hello.html")
