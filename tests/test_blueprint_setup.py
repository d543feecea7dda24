"""Tests for tinyweb/blueprints.py's set-up members (Flask's names): record_once,
make_setup_state (and what a record function receives), get_send_file_max_age."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tinyweb.app import App
from tinyweb.blueprints import Blueprint, BlueprintSetupState


def test_record_passes_a_setup_state_with_flask_attributes() -> None:
    states: list[BlueprintSetupState] = []
    parent, child = Blueprint("parent", __name__), Blueprint("child", __name__)
    child.record(states.append)
    parent.register_blueprint(child, url_prefix="/c")
    app = App(__name__)
    app.register_blueprint(parent, url_prefix="/p")
    (state,) = states
    assert (state.app, state.blueprint, state.name, state.name_prefix) == (
        app,
        child,
        "parent.child",
        "parent",
    )
    assert state.url_prefix == "/p/c" and state.first_registration is True
    assert state.options["url_prefix"] == "/p/c"  # the options of this registration


def test_record_once_runs_on_the_first_registration_only() -> None:
    calls: list[tuple[str, bool]] = []
    blueprint = Blueprint("shop", __name__)
    blueprint.record_once(lambda state: calls.append((state.name, state.first_registration)))
    blueprint.record(lambda state: calls.append(("every", state.first_registration)))
    app = App(__name__)
    app.register_blueprint(blueprint)
    app.register_blueprint(blueprint, name="shop2", url_prefix="/2")
    assert calls == [("shop", True), ("every", True), ("every", False)]
    other = App(__name__)
    other.register_blueprint(blueprint)  # first on this app: runs again
    assert calls[-2:] == [("shop", True), ("every", True)]


def test_make_setup_state_override_gives_record_functions_a_subclass() -> None:
    class TaggedState(BlueprintSetupState):
        tag = "tagged"

    class TaggedBlueprint(Blueprint):
        def make_setup_state(
            self, app: App, options: dict[str, Any], first_registration: bool = False
        ) -> BlueprintSetupState:
            state = super().make_setup_state(app, options, first_registration)
            return TaggedState(
                **{name: getattr(state, name) for name in state.__dataclass_fields__}
            )

    seen: list[Any] = []
    blueprint = TaggedBlueprint("api", __name__, url_prefix="/api")
    blueprint.record(lambda state: seen.append(getattr(state, "tag", None)))
    blueprint.add_url_rule("/items", "items", lambda: "items")
    app = App(__name__)
    app.register_blueprint(blueprint)
    assert seen == ["tagged"]
    assert app.test_client().get("/api/items").text == "items"


def test_make_setup_state_names_and_prefixes_from_options() -> None:
    blueprint = Blueprint("blog", __name__, url_prefix="/blog", subdomain="www")
    app = App(__name__)
    state = blueprint.make_setup_state(app, {"name": "news", "url_prefix": "/news"})
    assert (state.name, state.url_prefix, state.subdomain) == ("news", "/news", "www")
    assert state.first_registration is False


def test_blueprint_get_send_file_max_age_reads_the_app_setting(tmp_path: Any) -> None:
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "site.css").write_text("body {}")
    blueprint = Blueprint(
        "theme", __name__, root_path=str(tmp_path), static_folder="static", url_prefix="/theme"
    )
    app = App(__name__)
    app.register_blueprint(blueprint)
    with app.app_context():
        assert blueprint.get_send_file_max_age("site.css") is None
        app.config["SEND_FILE_MAX_AGE_DEFAULT"] = timedelta(hours=1)
        assert blueprint.get_send_file_max_age("site.css") == 3600
    response = app.test_client().get("/theme/static/site.css")
    assert "max-age=3600" in response.headers["Cache-Control"]


def test_blueprint_get_send_file_max_age_override_sets_its_static_caching(
    tmp_path: Any,
) -> None:
    class LongCache(Blueprint):
        def get_send_file_max_age(self, filename: str | None) -> int | None:
            return 86400 if filename and filename.endswith(".css") else None

    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "site.css").write_text("body {}")
    blueprint = LongCache(
        "theme", __name__, root_path=str(tmp_path), static_folder="static", url_prefix="/theme"
    )
    app = App(__name__)
    app.register_blueprint(blueprint)
    response = app.test_client().get("/theme/static/site.css")
    assert "max-age=86400" in response.headers["Cache-Control"]
