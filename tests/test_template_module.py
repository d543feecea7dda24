"""Template.module and get_template_attribute: calling a template's macros from Python.

Jinja's ``Template.module`` runs a template without a context and exposes what it
defines at the top level (macros, ``{% set %}`` names), as ``{% import %}`` does; Flask's
``get_template_attribute(name, attribute)`` is ``getattr`` on it, for the app's
templates (a macro that renders a fragment for an AJAX answer, say).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tinyweb import App, get_template_attribute
from tinyweb.markup import Markup
from tinyweb.templating import DictLoader, Environment, Template, UndefinedError

MACROS = (
    "{% macro hello(name) %}Hello {{ name }}!{% endmacro %}"
    "{% set version = 3 %}{% set _hidden = 1 %}"
    "text that only rendering shows"
)


def test_module_exposes_top_level_macros_and_sets() -> None:
    module = Template(MACROS).module
    assert module.hello("<World>") == "Hello &lt;World&gt;!"
    assert isinstance(module.hello("x"), Markup)  # an autoescaped macro's result is safe
    assert module.version == 3


def test_module_hides_private_names_and_has_no_output() -> None:
    module = Template(MACROS).module
    assert not hasattr(module, "_hidden")
    assert "text" not in vars(module).values()


def test_module_is_made_once_and_shared_with_import() -> None:
    environment = Environment(loader=DictLoader({"macros.html": MACROS}))
    template = environment.get_template("macros.html")
    assert template.module is template.module
    page = environment.from_string(
        "{% import 'macros.html' as m %}{{ m.hello('Ada') }} v{{ m.version }}"
    )
    assert page.render() == "Hello Ada! v3"


def test_module_sees_the_environments_globals_only() -> None:
    environment = Environment()
    environment.globals["site"] = "tinyweb"
    template = environment.from_string("{% set title = site ~ ' docs' %}{% set who = user %}")
    module = template.module
    assert module.title == "tinyweb docs"
    assert not module.who and str(module.who) == ""  # no render context: `user` is undefined
    with pytest.raises(UndefinedError):
        module.who.name  # noqa: B018 (an attribute of an undefined value raises)


@pytest.fixture
def app(tmp_path: Path) -> App:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "_helpers.html").write_text(
        "{% macro link(url, text) %}<a href=\"{{ url }}\">{{ text }}</a>{% endmacro %}"
        "{% macro here() %}{{ request.path }}{% endmacro %}"
    )
    return App(__name__, root_path=str(tmp_path))


def test_get_template_attribute_calls_a_macro_of_an_app_template(app: App) -> None:
    with app.app_context():
        link = get_template_attribute("_helpers.html", "link")
        assert link("/a?b&c", "<A>") == '<a href="/a?b&amp;c">&lt;A&gt;</a>'


def test_a_macro_from_python_sees_the_request_through_the_globals(app: App) -> None:
    with app.test_request_context("/somewhere"):
        assert get_template_attribute("_helpers.html", "here")() == "/somewhere"


def test_get_template_attribute_of_a_missing_name_is_an_attribute_error(app: App) -> None:
    with app.app_context(), pytest.raises(AttributeError, match="nothing"):
        get_template_attribute("_helpers.html", "nothing")
