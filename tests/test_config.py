"""Tests for tinyweb/config.py: loaders copy UPPERCASE settings only, as Flask does."""

from __future__ import annotations

import json
import types
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tinyweb.app import App
from tinyweb.config import DEFAULT_CONFIG, Config, import_string
from tinyweb.sessions import SESSION_DEFAULTS


class Settings:
    DEBUG = True
    SECRET_KEY = "class-secret"
    lowercase = "ignored"
    _PRIVATE_LOOKING = "copied: uppercase names are settings"


def test_defaults_are_copied_not_shared() -> None:
    config = Config(".", DEFAULT_CONFIG)
    config["DEBUG"] = True
    assert DEFAULT_CONFIG["DEBUG"] is False


def test_from_mapping_takes_uppercase_keys_and_keywords() -> None:
    config = Config()
    assert config.from_mapping({"DEBUG": True, "lower": 1}, SECRET_KEY="dev", other=2)
    assert config == {"DEBUG": True, "SECRET_KEY": "dev"}


def test_from_object_reads_uppercase_attributes_of_a_class() -> None:
    config = Config()
    config.from_object(Settings)
    assert config["DEBUG"] is True
    assert config["SECRET_KEY"] == "class-secret"
    assert "lowercase" not in config
    assert config["_PRIVATE_LOOKING"].startswith("copied")


@pytest.mark.parametrize(
    "dotted_name", ["json", "tests.test_config:Settings", "tests.test_config.Settings"]
)
def test_from_object_imports_a_string(dotted_name: str) -> None:
    config = Config()
    config.from_object(dotted_name)
    assert config == {key: getattr(import_string(dotted_name), key) for key in config}


def test_import_string_reports_a_missing_attribute() -> None:
    with pytest.raises(ImportError, match="no attribute 'Nope'"):
        import_string("tests.test_config.Nope")
    with pytest.raises(ImportError):
        import_string("no_such_module_anywhere")


def test_from_pyfile_is_relative_to_root_path(tmp_path: Path) -> None:
    (tmp_path / "settings.py").write_text("import os\nSECRET_KEY = 'file'\nhelper = 1\n")
    config = Config(tmp_path)
    assert config.from_pyfile("settings.py") is True
    assert config == {"SECRET_KEY": "file"}


def test_from_pyfile_missing_file_silent_or_loud(tmp_path: Path) -> None:
    config = Config(tmp_path)
    assert config.from_pyfile("missing.py", silent=True) is False
    with pytest.raises(FileNotFoundError, match="Unable to load configuration file"):
        config.from_pyfile("missing.py")


def test_from_file_with_json(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text('{"DEBUG": true, "x": 1}')
    config = Config(tmp_path)
    assert config.from_file("config.json", load=json.load)
    assert config == {"DEBUG": True}
    assert config.from_file("nope.json", load=json.load, silent=True) is False


ENV_CASES = [
    # (environment value, parsed value): JSON when it parses, the string otherwise.
    ("true", True),
    ("5", 5),
    ("1.5", 1.5),
    ('"quoted"', "quoted"),
    ('{"a": [1]}', {"a": [1]}),
    ("plain text", "plain text"),
    ("", ""),
]


@pytest.mark.parametrize(("raw", "parsed"), ENV_CASES)
def test_from_prefixed_env_parses_json_when_possible(
    monkeypatch: pytest.MonkeyPatch, raw: str, parsed: object
) -> None:
    monkeypatch.setenv("TINYWEB_VALUE", raw)
    config = Config()
    assert config.from_prefixed_env() is True
    assert config["VALUE"] == parsed


def test_from_prefixed_env_prefix_spellings_and_nesting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TINYWEB_DB__HOST", "db.local")
    monkeypatch.setenv("TINYWEB_DB__PORT", "5432")
    monkeypatch.setenv("MYAPP_NAME", "x")
    config = Config()
    config.from_prefixed_env("TINYWEB_")
    assert config["DB"] == {"HOST": "db.local", "PORT": 5432}
    assert "NAME" not in config
    config.from_prefixed_env("MYAPP")
    assert config["NAME"] == "x"


def test_get_namespace() -> None:
    config = Config()
    config.from_mapping(DB_HOST="h", DB_PORT=1, OTHER=2)
    assert config.get_namespace("DB_") == {"host": "h", "port": 1}
    assert config.get_namespace("DB_", lowercase=False, trim_namespace=False) == {
        "DB_HOST": "h",
        "DB_PORT": 1,
    }


def test_repr_names_the_class() -> None:
    assert repr(Config(".", {"A": 1})) == "<Config {'A': 1}>"


@given(st.dictionaries(st.text(min_size=1, max_size=8), st.integers(), max_size=8))
def test_only_uppercase_keys_are_ever_loaded(mapping: dict[str, int]) -> None:
    config = Config()
    config.from_mapping(mapping)
    config.from_object(
        types.SimpleNamespace(**{k: v for k, v in mapping.items() if k.isidentifier()})
    )
    assert all(key.isupper() for key in config)
    assert {k: v for k, v in mapping.items() if k.isupper()} == {
        k: config[k] for k in mapping if k.isupper()
    }


def test_from_envvar_loads_the_file_the_variable_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = tmp_path / "settings.py"
    settings.write_text("SECRET_KEY = 'from env'\nlower = 1\n")
    monkeypatch.setenv("TINYWEB_TEST_SETTINGS", str(settings))
    config = Config(str(tmp_path))
    assert config.from_envvar("TINYWEB_TEST_SETTINGS") is True
    assert config["SECRET_KEY"] == "from env" and "lower" not in config


def test_from_envvar_unset_is_an_error_unless_silent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TINYWEB_TEST_SETTINGS", raising=False)
    with pytest.raises(RuntimeError, match="TINYWEB_TEST_SETTINGS"):
        Config().from_envvar("TINYWEB_TEST_SETTINGS")
    assert Config().from_envvar("TINYWEB_TEST_SETTINGS", silent=True) is False
    monkeypatch.setenv("TINYWEB_TEST_SETTINGS", "/nonexistent/settings.py")
    assert Config().from_envvar("TINYWEB_TEST_SETTINGS", silent=True) is False
    with pytest.raises(OSError):
        Config().from_envvar("TINYWEB_TEST_SETTINGS")


def test_every_session_setting_is_in_the_apps_config() -> None:
    """Flask's config holds them, so ``app.config["PERMANENT_SESSION_LIFETIME"]`` works."""
    app = App(__name__)
    assert app.config["PERMANENT_SESSION_LIFETIME"] == timedelta(days=31)
    assert app.config["SESSION_COOKIE_SECURE"] is False
    assert app.config["SESSION_REFRESH_EACH_REQUEST"] is True
    assert set(SESSION_DEFAULTS) <= set(app.config)
    assert app.permanent_session_lifetime == timedelta(days=31)
    app.permanent_session_lifetime = 3600  # type: ignore[assignment]
    assert app.permanent_session_lifetime == timedelta(hours=1)
