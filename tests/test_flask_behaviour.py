"""Behaviours of Flask 3.1 that its own test suite checks and tinyweb once lacked.

Flask's tests were run against tinyweb through a shim (not committed: Flask's code stays
out of this repository); each test here is a small, independent restatement of a gap
that run found, with the Flask test's name, so that the gap stays closed.
"""

from __future__ import annotations

import pathlib

from tinyweb import App, Blueprint, send_from_directory, url_for
from tinyweb.request import Request


def test_a_nested_blueprint_keeps_its_prefix_when_registered_with_none() -> None:
    # test_blueprints.py::test_nesting_url_prefixes[/parent-/child-None-None]
    app = App(__name__)
    parent, child = Blueprint("parent", __name__, url_prefix="/parent"), Blueprint(
        "child", __name__, url_prefix="/child"
    )
    child.add_url_rule("/", "index", lambda: "child")
    parent.register_blueprint(child, url_prefix=None)
    app.register_blueprint(parent)
    assert app.test_client().get("/parent/child/").text == "child"


def test_send_from_directory_takes_a_path_object(tmp_path: pathlib.Path) -> None:
    # test_helpers.py::TestSendfile::test_static_file
    (tmp_path / "a.txt").write_text("hello")
    app = App(__name__)
    app.add_url_rule("/", "f", lambda: send_from_directory(tmp_path, pathlib.Path("a.txt")))
    response = app.test_client().get("/")
    assert (response.status_code, response.text) == (200, "hello")


def test_the_same_bound_method_may_serve_one_endpoint_twice() -> None:
    # test_basic.py::test_multi_route_class_views: each v.index is a new bound method
    class Views:
        def index(self, test: str = "a") -> str:
            return test

    app, views = App(__name__), Views()
    app.add_url_rule("/", "index", views.index)
    app.add_url_rule("/<test>/", "index", views.index)
    client = app.test_client()
    assert (client.get("/").text, client.get("/b/").text) == ("a", "b")


def test_url_for_builds_a_variable_named_self() -> None:
    # test_helpers.py::TestUrlFor::test_url_for_with_self
    app = App(__name__)
    app.add_url_rule("/<self>", "index", lambda self: self)
    with app.test_request_context():
        assert url_for("index", self="2") == "/2"
        assert app.url_for("index", self="3") == "/3"


def test_a_bare_request_reads_werkzeugs_form_memory_limit() -> None:
    # test_request.py::test_limit_config (Werkzeug's Request default is 500_000)
    assert Request({}).max_form_memory_size == 500_000
