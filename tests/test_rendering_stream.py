"""Tests for stream_template / stream_template_string (tinyweb/rendering.py), through the
test client and over a real socket with tinyweb's server."""

from __future__ import annotations

import http.client
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tinyweb import App, Response, session, stream_template, stream_template_string
from tinyweb.signals import before_render_template, template_rendered


@pytest.fixture
def app(tmp_path: Path) -> App:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "base.html").write_text("<h1>{% block title %}{% endblock %}</h1>{% block body %}{% endblock %}")
    (templates / "rows.html").write_text(
        "{% extends 'base.html' %}{% block title %}{{ title }}{% endblock %}"
        "{% block body %}{% for row in rows %}<p>{{ row }} {{ request.args['who'] }}"
        " {{ url_for('rows') }} {{ session.get('seen') }} {{ site }}</p>{% endfor %}{% endblock %}"
    )
    app = App(__name__, root_path=str(tmp_path))
    app.secret_key = "test"

    @app.context_processor
    def site() -> dict[str, str]:
        return {"site": "S"}

    @app.get("/rows")
    def rows() -> Any:
        session["seen"] = "yes"
        return stream_template("rows.html", title="<Rows>", rows=[1, 2, 3])

    @app.get("/string")
    def string() -> Any:
        return stream_template_string("{% for x in 'abc' %}{{ x }}{{ request.path }};{% endfor %}")

    return app


EXPECTED_ROWS = "<h1>&lt;Rows&gt;</h1>" + "".join(f"<p>{row} ann /rows yes S</p>" for row in (1, 2, 3))


def test_a_streamed_template_is_the_rendered_text_with_request_session_and_url_for(app: App) -> None:
    response = app.test_client().get("/rows?who=ann")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == EXPECTED_ROWS
    assert "Content-Length" not in response.headers  # streamed, not rendered first


def test_stream_template_string_streams_a_string_template(app: App) -> None:
    assert app.test_client().get("/string").get_data(as_text=True) == "a/string;b/string;c/string;"


def test_the_response_body_is_the_templates_pieces(app: App) -> None:
    with app.test_request_context("/rows?who=ann"):
        session["seen"] = "yes"
        pieces = list(stream_template("rows.html", title="T", rows=[1, 2]))
    assert len(pieces) > 5 and "".join(pieces).startswith("<h1>T</h1><p>1 ann")


def test_signals_are_sent_before_and_after_the_whole_template(app: App) -> None:
    events: list[tuple[str, Any]] = []

    def before(sender: App, template: Any, context: dict[str, Any], **extra: Any) -> None:
        events.append(("before", context["site"]))

    def after(sender: App, template: Any, context: dict[str, Any], **extra: Any) -> None:
        events.append(("after", template.name))

    with before_render_template.connected_to(before), template_rendered.connected_to(after):
        with app.test_request_context("/rows?who=x"):
            pieces = stream_template("rows.html", title="T", rows=[1])
            assert events == [("before", "S")]  # context processors ran, first signal sent
            next(pieces)
            assert events == [("before", "S")]
            list(pieces)
            assert events == [("before", "S"), ("after", "rows.html")]


def test_outside_a_request_the_stream_needs_only_the_app_context(app: App) -> None:
    with app.app_context():
        pieces = stream_template_string("{% for x in xs %}{{ x }}{% endfor %}{{ site }}", xs=[1, 2])
        assert list(pieces) == ["1", "2", "S"]


def test_without_an_app_context_stream_template_says_so() -> None:
    with pytest.raises(RuntimeError):
        stream_template_string("x")


def test_on_tinyweb_server_the_page_arrives_in_chunks_while_the_template_runs(app: App) -> None:
    from tinyweb.server import Server

    released = threading.Event()

    def wait_for_the_client() -> str:  # the template's second half waits for the client
        assert released.wait(5), "the client never saw the first chunk"
        return "after"

    @app.get("/slow")
    def slow() -> Iterator[str]:
        return stream_template_string(
            "before {{ request.args['n'] }}|{{ wait() }}|{% for x in 'xyz' %}{{ x }}{% endfor %}",
            wait=wait_for_the_client,
        )

    with Server(app, "127.0.0.1", 0) as server:
        connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=5)
        try:
            connection.request("GET", "/slow?n=7")
            response = connection.getresponse()
            assert response.getheader("Transfer-Encoding") == "chunked"
            first = response.read1()  # one chunk, sent before wait() returned
            released.set()
            chunks = [first]
            while True:
                chunk = response.read1()
                if not chunk:
                    break
                chunks.append(chunk)
        finally:
            connection.close()
    assert b"".join(chunks) == b"before 7|after|xyz"
    assert chunks[0] in (b"before ", b"before 7", b"before 7|") and len(chunks) >= 3


def test_on_tinyweb_server_a_streamed_page_is_complete(app: App) -> None:
    from tinyweb.server import Server

    with Server(app, "127.0.0.1", 0) as server:
        connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=5)
        try:
            connection.request("GET", "/rows?who=ann")
            response = connection.getresponse()
            body = response.read()
        finally:
            connection.close()
    assert response.status == 200 and body.decode() == EXPECTED_ROWS


def test_a_view_may_wrap_the_stream_in_a_response(app: App) -> None:
    @app.get("/wrapped")
    def wrapped() -> Response:
        return Response(stream_template_string("{{ 1 }}{{ 2 }}"), mimetype="text/plain")

    response = app.test_client().get("/wrapped")
    assert response.get_data(as_text=True) == "12" and response.mimetype == "text/plain"
