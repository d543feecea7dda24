"""The loaders of tinyweb/template_loaders.py, against Jinja 3.1's documented semantics:
``get_source`` gives ``(source, filename, uptodate)`` or raises ``TemplateNotFound``,
``list_templates`` where Jinja's loader can list, and tinyweb's name safety in every one.
"""

from __future__ import annotations

import os
import sys
import zipfile
from pathlib import Path
from typing import Any, Callable

import pytest

from tinyweb import templating
from tinyweb.templating import (
    BaseLoader,
    ChoiceLoader,
    DictLoader,
    Environment,
    FunctionLoader,
    PackageLoader,
    PrefixLoader,
    TemplateNotFound,
)


class AnythingLoader(BaseLoader):
    """A careless custom loader: serves every name it is asked for, even ``../x``."""

    def get_source(self, environment: Any, name: str) -> tuple[str, str | None, None]:
        return f"any {name}", None, None


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A package ``loaderpkg`` on sys.path with ``templates/`` and ``other/`` folders."""
    root = tmp_path / "site" / "loaderpkg"
    (root / "templates" / "mail").mkdir(parents=True)
    (root / "other").mkdir()
    (root / "__init__.py").write_text("")
    (root / "templates" / "page.html").write_text("page {{ x }}")
    (root / "templates" / "mail" / "welcome.txt").write_text("welcome")
    (root / "other" / "page.html").write_text("other page")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    monkeypatch.delitem(sys.modules, "loaderpkg", raising=False)
    return root


# -- re-exports -------------------------------------------------------------------------


def test_templating_re_exports_every_loader_name() -> None:
    from tinyweb import template_loaders

    for name in ("BaseLoader", "FileSystemLoader", "DictLoader", "ChoiceLoader",
                 "PrefixLoader", "FunctionLoader", "PackageLoader", "TemplateNotFound",
                 "split_template_path"):  # fmt: skip
        assert getattr(templating, name) is getattr(template_loaders, name)
    for name in ("ChoiceLoader", "PrefixLoader", "FunctionLoader", "PackageLoader", "BaseLoader"):
        assert name in templating.__all__


# -- ChoiceLoader -----------------------------------------------------------------------


def test_choice_loader_asks_each_loader_in_order() -> None:
    first = DictLoader({"a.html": "first a"})
    second = DictLoader({"a.html": "second a", "b.html": "second b"})
    env = Environment(loader=ChoiceLoader([first, second]))
    assert env.get_template("a.html").render() == "first a"
    assert env.get_template("b.html").render() == "second b"
    with pytest.raises(TemplateNotFound) as caught:
        env.get_template("c.html")
    assert caught.value.name == "c.html"
    assert env.list_templates() == ["a.html", "b.html"]  # the union, sorted


def test_choice_loader_reads_its_loaders_attribute_each_time() -> None:
    # Jinja's ChoiceLoader keeps ``loaders`` as given: a loader added later is asked too.
    loader = ChoiceLoader([DictLoader({})])
    loader.loaders.append(DictLoader({"late.html": "late"}))
    assert loader.get_source(Environment(), "late.html")[0] == "late"


# -- PrefixLoader -----------------------------------------------------------------------


def test_prefix_loader_picks_the_loader_by_the_names_prefix() -> None:
    loader = PrefixLoader({
        "app": DictLoader({"index.html": "app index", "sub/x.html": "app x"}),
        "admin": DictLoader({"index.html": "admin index"}),
    })  # fmt: skip
    env = Environment(loader=loader)
    assert env.get_template("app/index.html").render() == "app index"
    assert env.get_template("app/sub/x.html").render() == "app x"
    assert env.get_template("admin/index.html").render() == "admin index"
    assert env.list_templates() == ["admin/index.html", "app/index.html", "app/sub/x.html"]
    for missing in ("blog/index.html", "admin/x.html", "index.html", "app"):
        with pytest.raises(TemplateNotFound) as caught:
            env.get_template(missing)
        assert caught.value.name == missing  # the whole name, as in Jinja


def test_prefix_loader_with_another_delimiter() -> None:
    loader = PrefixLoader({"app": DictLoader({"index.html": "app index"})}, delimiter=":")
    assert loader.get_source(Environment(), "app:index.html")[0] == "app index"
    assert loader.list_templates() == ["app:index.html"]
    with pytest.raises(TemplateNotFound):
        loader.get_source(Environment(), "app/index.html")
    assert loader.get_loader("app:index.html")[1] == "index.html"


# -- FunctionLoader ---------------------------------------------------------------------


def test_function_loader_takes_none_a_string_or_a_triple() -> None:
    def load(name: str) -> Any:
        if name == "text.html":
            return "just text"
        if name == "triple.html":
            return "triple", "/virtual/triple.html", lambda: True
        return None

    loader = FunctionLoader(load)
    env = Environment(loader=loader)
    assert loader.get_source(env, "text.html") == ("just text", None, None)
    source, filename, uptodate = loader.get_source(env, "triple.html")
    assert (source, filename, uptodate is not None and uptodate()) == (
        "triple", "/virtual/triple.html", True,
    )  # fmt: skip
    assert env.get_template("triple.html").filename == "/virtual/triple.html"
    with pytest.raises(TemplateNotFound) as caught:
        env.get_template("missing.html")
    assert caught.value.name == "missing.html"
    with pytest.raises(TypeError):  # as in Jinja: a function cannot list its templates
        loader.list_templates()


# -- PackageLoader ----------------------------------------------------------------------


def test_package_loader_reads_a_packages_templates_folder(package: Path) -> None:
    loader = PackageLoader("loaderpkg")
    env = Environment(loader=loader)
    assert env.get_template("page.html").render(x=1) == "page 1"
    source, filename, _ = loader.get_source(env, "mail/welcome.txt")
    assert source == "welcome"
    assert filename == os.path.join(str(package), "templates", "mail", "welcome.txt")
    assert loader.list_templates() == ["mail/welcome.txt", "page.html"]
    assert (loader.package_name, loader.package_path) == ("loaderpkg", "templates")
    with pytest.raises(TemplateNotFound):
        env.get_template("mail")  # a folder is not a template
    with pytest.raises(TemplateNotFound):
        env.get_template("nope.html")


def test_package_loader_package_path_and_encoding(package: Path) -> None:
    (package / "other" / "latin.txt").write_bytes("café".encode("latin-1"))
    loader = PackageLoader("loaderpkg", "other", encoding="latin-1")
    assert loader.get_source(Environment(), "page.html")[0] == "other page"
    assert loader.get_source(Environment(), "latin.txt")[0] == "café"
    assert PackageLoader("loaderpkg", "./other/").list_templates() == ["latin.txt", "page.html"]
    assert PackageLoader("loaderpkg", "").list_templates()[0] == "__init__.py"


def test_package_loader_of_a_single_module_uses_its_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "solo.html").write_text("solo")
    (tmp_path / "lonemod_loaders.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert PackageLoader("lonemod_loaders").get_source(Environment(), "solo.html")[0] == "solo"


def test_package_loader_of_a_namespace_package_uses_the_first_folder_with_templates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for part, has_templates in (("one", False), ("two", True)):
        folder = tmp_path / part / "nsloaderpkg"
        folder.mkdir(parents=True)
        if has_templates:
            (folder / "templates").mkdir()
            (folder / "templates" / "ns.html").write_text("from two")
        monkeypatch.syspath_prepend(str(tmp_path / part))
    monkeypatch.delitem(sys.modules, "nsloaderpkg", raising=False)
    assert PackageLoader("nsloaderpkg").get_source(Environment(), "ns.html")[0] == "from two"


def test_package_loader_refuses_what_it_cannot_read(
    package: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ValueError, match="loaderpkg"):
        PackageLoader("loaderpkg", "no_such_folder")
    with pytest.raises(ModuleNotFoundError):
        PackageLoader("no_such_package_anywhere")
    archive = tmp_path / "zipped.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("zippkg_loaders/__init__.py", "")
        zipped.writestr("zippkg_loaders/templates/z.html", "zipped")
    monkeypatch.syspath_prepend(str(archive))
    with pytest.raises(ValueError, match="zip"):
        PackageLoader("zippkg_loaders")


# -- name safety (CWE-22), one rule for every loader ------------------------------------

REFUSED_NAMES = ["../x.html", "a/../../x.html", "/etc/passwd", "a\\b.html", "a\x00.html", ""]


def every_loader(package: Path) -> list[BaseLoader]:
    def load(name: str) -> str:
        return f"function {name}"

    return [
        ChoiceLoader([AnythingLoader()]),
        PrefixLoader({"p": AnythingLoader(), "..": AnythingLoader()}),
        FunctionLoader(load),
        PackageLoader("loaderpkg"),
    ]


@pytest.mark.parametrize("name", REFUSED_NAMES)
def test_every_loader_refuses_traversal_names(package: Path, name: str) -> None:
    for loader in every_loader(package):
        with pytest.raises(TemplateNotFound):
            loader.get_source(Environment(), name)
    prefixed = every_loader(package)[1]  # the part after a known prefix is checked too
    with pytest.raises(TemplateNotFound):
        prefixed.get_source(Environment(), f"p/{name}")


def test_package_loader_cannot_climb_out_of_its_folder(package: Path) -> None:
    loader = PackageLoader("loaderpkg")
    with pytest.raises(TemplateNotFound):
        loader.get_source(Environment(), "../__init__.py")


# -- caching and auto_reload through every loader ---------------------------------------


def reloading_cases(package: Path) -> list[tuple[BaseLoader, str, Callable[[str, str], None]]]:
    """(loader, name, change(name, text)): each loader serving ``name``, and how to
    change it."""
    choices, prefixed = {"t.html": "v1"}, {"t.html": "v1"}

    function_sources = {"t.html": "v1"}

    def load(name: str) -> Any:
        source = function_sources.get(name)
        return None if source is None else (source, None, lambda: function_sources[name] == source)


    page = package / "templates" / "page.html"
    page.write_text("v1")

    def set_file(name: str, text: str) -> None:
        before = os.path.getmtime(page)
        page.write_text(text)
        os.utime(page, (before + 5, before + 5))  # a new mtime even on coarse clocks

    return [
        (ChoiceLoader([DictLoader({}), DictLoader(choices)]), "t.html", choices.__setitem__),
        (PrefixLoader({"p": DictLoader(prefixed)}), "p/t.html", prefixed.__setitem__),
        (FunctionLoader(load), "t.html", function_sources.__setitem__),
        (PackageLoader("loaderpkg"), "page.html", set_file),
    ]


def test_a_changed_source_is_recompiled_through_every_loader(package: Path) -> None:
    for loader, name, change in reloading_cases(package):
        env = Environment(loader=loader)
        first = env.get_template(name)
        assert first.render() == "v1"
        assert env.get_template(name) is first  # cached while up to date
        change("t.html", "v2")
        assert env.get_template(name).render() == "v2", type(loader).__name__
        frozen = Environment(loader=loader, auto_reload=False)
        assert frozen.get_template(name).render() == "v2"
        change("t.html", "v3")
        assert frozen.get_template(name).render() == "v2"  # auto_reload off: kept


def test_a_function_loader_without_uptodate_is_never_reloaded() -> None:
    sources = {"t.html": "v1"}
    env = Environment(loader=FunctionLoader(sources.get))
    assert env.get_template("t.html").render() == "v1"
    sources["t.html"] = "v2"
    assert env.get_template("t.html").render() == "v1"  # uptodate None: always up to date
