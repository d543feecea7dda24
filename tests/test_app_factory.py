"""Tests for App factory support: instance_path, instance_relative_config, open_resource,
open_instance_resource, app_context() with teardown_appcontext and g."""

from __future__ import annotations

import os
import sys
import sysconfig
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tinyweb import current_app, g
from tinyweb.app import App
from tinyweb.scaffold import find_instance_path


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A package ``factoryblog`` in ``tmp_path/src`` with a create_app factory."""
    source = tmp_path / "src"
    (source / "factoryblog").mkdir(parents=True)
    (source / "factoryblog" / "__init__.py").write_text(
        "from tinyweb import App\n"
        "def create_app(test_config=None):\n"
        "    app = App(__name__, instance_relative_config=True)\n"
        "    app.config.from_mapping(SECRET_KEY='dev')\n"
        "    if test_config is None:\n"
        "        app.config.from_pyfile('config.py', silent=True)\n"
        "    else:\n"
        "        app.config.from_mapping(test_config)\n"
        "    return app\n"
    )
    (source / "factoryblog" / "schema.sql").write_text("CREATE TABLE t (x);")
    (source / "lonemodule.py").write_text("from tinyweb import App\napp = App(__name__)\n")
    monkeypatch.syspath_prepend(str(source))
    yield source
    for name in [name for name in sys.modules if name.startswith(("factoryblog", "lonemodule"))]:
        del sys.modules[name]


def test_instance_path_is_next_to_the_package(package: Path) -> None:
    from factoryblog import create_app  # type: ignore[import-not-found]

    app = create_app()
    assert app.root_path == str(package / "factoryblog")
    assert app.instance_path == str(package / "instance")


def test_instance_path_of_a_module_is_next_to_it(package: Path) -> None:
    from lonemodule import app  # type: ignore[import-not-found]

    assert app.instance_path == str(package / "instance")


def test_instance_path_of_a_package_not_imported_yet(package: Path) -> None:
    assert "factoryblog" not in sys.modules
    assert App("factoryblog").instance_path == str(package / "instance")


def test_instance_path_of_a_namespace_package_is_next_to_it(
    package: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder without __init__.py (as examples/ here): not the working directory's parent."""
    (package / "nsblog").mkdir()
    (package / "nsblog" / "site.py").write_text("from tinyweb import App\napp = App(__name__)\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    try:
        from nsblog.site import app  # type: ignore[import-not-found]

        assert app.instance_path == str(package / "instance")
    finally:
        for name in [name for name in sys.modules if name.startswith("nsblog")]:
            del sys.modules[name]


def test_instance_relative_config_reads_from_the_instance_folder(package: Path) -> None:
    from factoryblog import create_app

    (package / "instance").mkdir()
    (package / "instance" / "config.py").write_text("SECRET_KEY = 'from instance'\n")
    assert create_app().config["SECRET_KEY"] == "from instance"
    assert create_app({"SECRET_KEY": "test"}).config["SECRET_KEY"] == "test"


def test_config_is_relative_to_root_path_by_default(tmp_path: Path) -> None:
    (tmp_path / "settings.py").write_text("DEBUG = True\n")
    app = App("plain", root_path=str(tmp_path))
    assert app.config.from_pyfile("settings.py") and app.config["DEBUG"] is True


def test_explicit_instance_path_must_be_absolute(tmp_path: Path) -> None:
    assert App("x", instance_path=str(tmp_path)).instance_path == str(tmp_path)
    with pytest.raises(ValueError, match="absolute"):
        App("x", instance_path="relative/instance")


def test_an_installed_package_keeps_its_instance_under_the_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    installed = sysconfig.get_paths()["purelib"]
    monkeypatch.setattr("tinyweb.scaffold.root_path_of", lambda name: os.path.join(installed, "pkg"))
    assert find_instance_path("pkg", "pkg") == os.path.join(sys.prefix, "var", "pkg-instance")


def test_open_resource_reads_from_the_root_path(package: Path) -> None:
    from factoryblog import create_app

    app = create_app()
    with app.open_resource("schema.sql") as file:
        assert file.read() == b"CREATE TABLE t (x);"
    with app.open_resource("schema.sql", "r", encoding="utf-8") as file:
        assert file.read() == "CREATE TABLE t (x);"
    with pytest.raises(ValueError, match="only reads"):
        app.open_resource("schema.sql", "w")


def test_open_instance_resource_reads_and_writes(tmp_path: Path) -> None:
    app = App("x", instance_path=str(tmp_path))
    with app.open_instance_resource("notes.txt", "w") as file:
        file.write("héllo")
    with app.open_instance_resource("notes.txt") as file:
        assert file.read() == "héllo".encode()
    with app.open_instance_resource("notes.txt", "r") as file:
        assert file.read() == "héllo"


def test_app_context_gives_current_app_and_g_and_tears_down() -> None:
    app = App("ctx")
    closed: list[Any] = []

    @app.teardown_appcontext
    def close(exc: BaseException | None) -> None:
        closed.append((g.pop("db", None), exc))

    with app.app_context():
        assert current_app.name == "ctx"
        g.db = "connection"
    assert closed == [("connection", None)]
    with pytest.raises(KeyError), app.app_context():
        g.db = "second"
        raise KeyError("boom")
    assert closed[1][0] == "second" and isinstance(closed[1][1], KeyError)
    with app.app_context():
        assert "db" not in g  # a fresh g for every app context


def test_the_factory_pattern_end_to_end(package: Path) -> None:
    from factoryblog import create_app

    app = create_app({"TESTING": True})
    app.add_url_rule("/", "index", lambda: current_app.config["SECRET_KEY"])
    assert app.testing and app.test_client().get("/").text == "dev"
