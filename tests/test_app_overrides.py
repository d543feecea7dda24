"""Tests for the App members a subclass overrides (Flask's names): url_for's build error
handlers, test_client_class, test_cli_runner_class, config_class and make_config,
app_ctx_globals_class, auto_find_instance_path."""

from __future__ import annotations

import os
from typing import Any

import pytest

from tinyweb import g, url_for
from tinyweb.app import App
from tinyweb.commands import CliRunner
from tinyweb.config import Config
from tinyweb.context import AppGlobals
from tinyweb.routing import BuildError
from tinyweb.testing import Client


def new_app() -> App:
    app = App(__name__)
    app.add_url_rule("/", "index", lambda: "home")
    return app


# -- url_for's BuildError goes through handle_url_build_error ------------------------------


def test_a_url_build_error_handler_may_give_the_url() -> None:
    app = new_app()
    seen: list[tuple[str, dict[str, Any]]] = []

    def legacy(error: Exception, endpoint: str, values: dict[str, Any]) -> str | None:
        seen.append((endpoint, dict(values)))
        return "/legacy/" + endpoint if endpoint.startswith("old") else None

    app.url_build_error_handlers.append(legacy)
    with app.test_request_context("/"):
        assert url_for("oldpage", page=2) == "/legacy/oldpage"
        assert url_for("index") == "/"  # a rule that builds never asks
        with pytest.raises(BuildError):
            url_for("unknown")  # the handler answered None: the error stands
    assert seen[0] == (
        "oldpage",
        {"page": 2, "_anchor": None, "_method": None, "_scheme": None, "_external": None},
    )
    assert [endpoint for endpoint, _ in seen] == ["oldpage", "unknown"]


def test_a_url_build_error_handler_may_raise_its_own_build_error() -> None:
    app = new_app()
    replacement = BuildError("from the first handler")
    errors: list[Exception] = []

    def first(error: Exception, endpoint: str, values: dict[str, Any]) -> None:
        raise replacement

    def second(error: Exception, endpoint: str, values: dict[str, Any]) -> None:
        errors.append(error)

    app.url_build_error_handlers.extend([first, second])
    with app.test_request_context("/"), pytest.raises(BuildError) as raised:
        url_for("unknown")
    assert errors == [replacement] and raised.value is replacement


def test_handle_url_build_error_can_be_overridden() -> None:
    class FallbackApp(App):
        def handle_url_build_error(
            self, error: BuildError, endpoint: str, values: dict[str, Any]
        ) -> str:
            return "#missing-" + endpoint

    app = FallbackApp(__name__)
    with app.test_request_context("/"):
        assert url_for("nowhere") == "#missing-nowhere"


# -- test_client_class, test_cli_runner_class -------------------------------------------------


def test_test_client_class_is_what_test_client_builds() -> None:
    class TaggedClient(Client):
        def __init__(self, *arguments: Any, tag: str = "", **options: Any) -> None:
            super().__init__(*arguments, **options)
            self.tag = tag

    app = new_app()
    assert type(app.test_client()) is Client
    app.test_client_class = TaggedClient
    client = app.test_client(use_cookies=False, tag="mine")
    assert type(client) is TaggedClient and client.tag == "mine" and client.cookies is None
    assert client.get("/").text == "home"


def test_test_cli_runner_class_is_what_test_cli_runner_builds() -> None:
    class VerboseRunner(CliRunner):
        def __init__(self, app: Any, verbose: bool = False) -> None:
            super().__init__(app)
            self.verbose = verbose

    class RunnerApp(App):
        test_cli_runner_class = VerboseRunner

    runner = RunnerApp(__name__).test_cli_runner(verbose=True)
    assert type(runner) is VerboseRunner and runner.verbose is True
    assert type(new_app().test_cli_runner()) is CliRunner


# -- config_class, make_config, app_ctx_globals_class, auto_find_instance_path ----------------


def test_config_class_is_the_class_of_app_config() -> None:
    class AttributeConfig(Config):
        def __getattr__(self, name: str) -> Any:
            return self[name]

    class AttributeApp(App):
        config_class = AttributeConfig

    app = AttributeApp(__name__)
    assert type(app.config) is AttributeConfig and app.config.TESTING is False


def test_make_config_is_relative_to_the_instance_folder_when_asked(tmp_path: Any) -> None:
    app = App(__name__, instance_path=str(tmp_path / "instance"))
    assert app.make_config().root_path == app.root_path
    assert app.make_config(instance_relative=True).root_path == str(tmp_path / "instance")
    assert app.make_config()["DEBUG"] is False and app.make_config() is not app.config


def test_make_config_override_builds_app_config() -> None:
    class PresetApp(App):
        def make_config(self, instance_relative: bool = False) -> Config:
            config = super().make_config(instance_relative)
            config["PRESET"] = "yes"
            return config

    assert PresetApp(__name__).config["PRESET"] == "yes"


def test_app_ctx_globals_class_is_the_class_of_g() -> None:
    class DefaultingGlobals(AppGlobals):
        def __getattr__(self, name: str) -> Any:
            return "default"

    class GlobalsApp(App):
        app_ctx_globals_class = DefaultingGlobals

    app = GlobalsApp(__name__)
    with app.app_context():
        assert g.anything == "default"
    with new_app().app_context():
        assert type(g._get_current_object()) is AppGlobals


def test_auto_find_instance_path_gives_the_instance_path_when_none_is_given(
    tmp_path: Any,
) -> None:
    class SomewhereApp(App):
        def auto_find_instance_path(self) -> str:
            return str(tmp_path / "elsewhere")

    assert SomewhereApp(__name__).instance_path == str(tmp_path / "elsewhere")
    given = SomewhereApp(__name__, instance_path=str(tmp_path / "given"))
    assert given.instance_path == str(tmp_path / "given")  # an explicit one wins
    here = os.path.dirname(os.path.abspath(__file__))  # a module: instance/ beside it
    assert App(__name__).auto_find_instance_path() == os.path.join(here, "instance")


# -- the template environment: Flask's names ----------------------------------------------------


def template_app(tmp_path: Any, **options: Any) -> App:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "page.html").write_text("<p>{{ text }}</p>")
    (tmp_path / "templates" / "page.svg").write_text("<text>{{ text }}</text>")
    (tmp_path / "templates" / "mail.txt").write_text("{{ text }}")
    return App(__name__, root_path=str(tmp_path), **options)


def test_select_jinja_autoescape_follows_flask_list(tmp_path: Any) -> None:
    app = template_app(tmp_path)
    assert [app.select_jinja_autoescape(name) for name in (None, "a.html", "a.htm")] == [
        True,
        True,
        True,
    ]
    assert app.select_jinja_autoescape("a.xhtml") and app.select_jinja_autoescape("a.svg")
    assert not app.select_jinja_autoescape("mail.txt")
    assert app.select_jinja_autoescape("PAGE.HTML")  # case-insensitive (safer than Flask)
    with app.app_context():
        environment = app.jinja_env
        assert environment.get_template("page.svg").render(text="<b>") == "<text>&lt;b&gt;</text>"
        assert environment.get_template("mail.txt").render(text="<b>") == "<b>"


def test_select_jinja_autoescape_override_decides(tmp_path: Any) -> None:
    class NoEscapeApp(App):
        def select_jinja_autoescape(self, filename: str | None) -> bool:
            return False

    app = NoEscapeApp(__name__, root_path=str(template_app(tmp_path).root_path))
    template = app.jinja_env.get_template("page.html")
    assert template.render(text="<b>") == "<p><b></p>"


def test_jinja_environment_is_the_class_create_jinja_environment_uses(tmp_path: Any) -> None:
    from tinyweb.templating import Environment

    class MarkedEnvironment(Environment):
        pass

    class MarkedApp(App):
        jinja_environment = MarkedEnvironment

    assert App.jinja_environment is Environment
    assert type(template_app(tmp_path).jinja_env) is Environment
    assert type(MarkedApp(__name__).jinja_env) is MarkedEnvironment


def test_create_jinja_environment_override_builds_the_environment(tmp_path: Any) -> None:
    class ShoutingApp(App):
        def create_jinja_environment(self) -> Any:
            environment = super().create_jinja_environment()
            environment.filters["shout"] = lambda text: text.upper() + "!"
            return environment

    app = ShoutingApp(__name__)
    assert app.jinja_env.from_string("{{ 'hi'|shout }}").render() == "HI!"
    assert app.create_template_environment() is not app.jinja_env  # a new one each call


def test_jinja_loader_is_the_template_folder_loader(tmp_path: Any) -> None:
    from tinyweb.blueprints import Blueprint

    app = template_app(tmp_path)
    assert app.jinja_loader is not None
    assert app.jinja_loader.searchpath == [str(tmp_path / "templates")]  # type: ignore[attr-defined]
    assert app.jinja_loader is app.jinja_loader  # made once
    assert App(__name__, template_folder=None).jinja_loader is None
    blueprint = Blueprint("admin", __name__, root_path=str(tmp_path), template_folder="admin")
    assert blueprint.jinja_loader.searchpath == [str(tmp_path / "admin")]  # type: ignore[union-attr]
    assert Blueprint("plain", __name__).jinja_loader is None


def test_create_global_jinja_loader_searches_the_app_then_its_blueprints(
    tmp_path: Any,
) -> None:
    from tinyweb.blueprints import Blueprint

    app = template_app(tmp_path)
    (tmp_path / "admin").mkdir()
    (tmp_path / "admin" / "panel.html").write_text("panel")
    app.register_blueprint(
        Blueprint("admin", __name__, root_path=str(tmp_path), template_folder="admin")
    )
    (tmp_path / "templates" / "mail.txt").write_text("the app's")
    (tmp_path / "admin" / "mail.txt").write_text("the blueprint's")
    loader = app.create_global_jinja_loader()  # Flask's dispatch: app.jinja_loader, then bps
    assert loader.get_source(app.jinja_env, "mail.txt")[0] == "the app's"
    assert loader.get_source(app.jinja_env, "panel.html")[0] == "panel"
    assert loader.list_templates() == ["mail.txt", "page.html", "page.svg", "panel.html"]
    assert app.jinja_env.get_template("panel.html").render() == "panel"


def test_app_extensions_is_a_dict_per_app_for_extension_state() -> None:
    # Flask's app.extensions: where an extension keeps its state, by the extension's name.
    first, second = App("first"), App("second")
    first.extensions["cache"] = {"size": 3}
    assert first.extensions == {"cache": {"size": 3}} and second.extensions == {}


def test_trusted_hosts_config_refuses_other_hosts_with_a_400() -> None:
    # Flask 3.1: TRUSTED_HOSTS goes into request.trusted_hosts before routing; another
    # Host is a SecurityError (400) that the request's hooks and handlers see.
    app = App(__name__)
    app.config["TRUSTED_HOSTS"] = ["example.com", ".example.org"]

    @app.route("/")
    def index() -> str:
        return "ok"

    client = app.test_client()
    assert client.get("/", base_url="http://example.com/").status_code == 200
    assert client.get("/", base_url="http://api.example.org/").status_code == 200
    refused = client.get("/", base_url="http://evil.test/")
    assert refused.status_code == 400
    assert App(__name__).config["TRUSTED_HOSTS"] is None  # the default: any host


def test_an_apps_own_attributes_are_slots_so_its_dict_stays_small(tmp_path: Any) -> None:
    # CPython keeps attribute access fast only for objects whose __dict__ has fewer than
    # 30 keys; an App has more attributes than that, so they are App.__slots__ (see there).
    # A new attribute set in __init__ or by a feature belongs in that tuple.
    from tinyweb import Blueprint, render_template_string, session

    app = App(__name__, instance_path=str(tmp_path))
    app.secret_key = "test"
    app.register_blueprint(Blueprint("part", __name__))

    @app.route("/")
    def index() -> str:
        session["seen"] = True
        app.logger.debug("rendering")
        return render_template_string("{{ 1 + 1 }}")

    assert app.test_client().get("/").text == "2"
    assert app.cli is not None and app.jinja_env is not None and app.url_map is not None
    assert vars(app) == {}
    app.db = "an application's own attribute"  # type: ignore[attr-defined]
    assert vars(app) == {"db": "an application's own attribute"}
