"""Tests for tinyweb/testing.py's Client.trace and Client.resolve_redirect (Werkzeug's names)."""

from __future__ import annotations

from typing import Any

from tinyweb import redirect, request
from tinyweb.app import App


def redirecting_app() -> App:
    app = App(__name__)
    app.add_url_rule("/old", "old", lambda: redirect("/new?from=old", 302), methods=["POST"])
    app.add_url_rule("/keep", "keep", lambda: redirect("/new", 307), methods=["POST"])
    app.add_url_rule(
        "/new",
        "new",
        lambda: (
            f"{request.method} {request.args.get('from')} {request.get_data(as_text=True)} "
            f"{request.headers.get('X-Trace')}"
        ),
        methods=["GET", "POST"],
    )
    return app


def test_trace_sends_a_trace_request() -> None:
    app = App(__name__)
    app.add_url_rule("/echo", "echo", lambda: request.method, methods=["TRACE"])
    assert app.test_client().trace("/echo").text == "TRACE"


def test_resolve_redirect_follows_one_redirect_as_a_get() -> None:
    client = redirecting_app().test_client()
    first = client.post("/old", data="body", headers={"X-Trace": "t1"})
    assert first.status_code == 302
    followed = client.resolve_redirect(first)
    assert followed.request.path == "/new"
    assert followed.text == "GET old  t1"  # headers repeated, body dropped


def test_resolve_redirect_keeps_method_and_body_for_307() -> None:
    client = redirecting_app().test_client()
    first = client.post("/keep", data="body", headers={"X-Trace": "t2"})
    assert client.resolve_redirect(first).text == "POST None body t2"


def test_resolve_redirect_sends_the_jar_cookies_once() -> None:
    app = App(__name__)
    app.add_url_rule("/set", "set", lambda: _set_cookie_then_redirect())
    app.add_url_rule("/show", "show", lambda: request.headers.get("Cookie", ""))
    client = app.test_client()
    first = client.get("/set")
    assert client.resolve_redirect(first).text == "flavour=oat"


def _set_cookie_then_redirect() -> object:
    response = redirect("/show")
    response.set_cookie("flavour", "oat")
    return response


def test_run_wsgi_app_returns_body_status_headers_and_keeps_cookies() -> None:
    from tinyweb.testing import build_environ

    app = App(__name__)
    app.add_url_rule("/set", "set", lambda: _set_cookie_then_redirect())
    client = app.test_client()
    body, status, headers = client.run_wsgi_app(build_environ("/set"))
    assert status == "302 FOUND" and headers["Location"] == "/show"
    assert b"Redirecting" in b"".join(body)
    assert client.get_cookie("flavour").decoded_value == "oat"  # type: ignore[union-attr]


def test_every_request_goes_through_run_wsgi_app() -> None:
    from tinyweb.testing import Client

    seen: list[str] = []

    class RecordingClient(Client):
        def run_wsgi_app(self, environ: dict[str, Any], buffered: bool = False) -> Any:
            seen.append(environ["PATH_INFO"])
            return super().run_wsgi_app(environ, buffered)

    app = App(__name__)
    app.add_url_rule("/set", "set", lambda: _set_cookie_then_redirect())
    app.add_url_rule("/show", "show", lambda: request.headers.get("Cookie", ""))
    app.test_client_class = RecordingClient
    response = app.test_client().get("/set", follow_redirects=True)
    assert response.text == "flavour=oat" and seen == ["/set", "/show"]


def test_client_environ_base_is_every_requests_default_and_a_call_overrides_it() -> None:
    # Flask's client.environ_base: REMOTE_ADDR and HTTP_USER_AGENT to start with.
    app = App(__name__)

    @app.route("/who")
    def who() -> str:
        return f"{request.remote_addr} {request.headers['User-Agent']}"

    @app.route("/away")
    def away() -> Any:
        return app.redirect("/who")

    client = app.test_client()
    assert client.environ_base == {"REMOTE_ADDR": "127.0.0.1", "HTTP_USER_AGENT": "tinyweb-test-client"}
    client.environ_base["REMOTE_ADDR"] = "203.0.113.9"
    assert client.get("/who").text == "203.0.113.9 tinyweb-test-client"
    assert client.get("/away", follow_redirects=True).text == "203.0.113.9 tinyweb-test-client"
    assert client.resolve_redirect(client.get("/away")).text == "203.0.113.9 tinyweb-test-client"
    assert client.get("/who", environ_base={"HTTP_USER_AGENT": "probe"}).text == "203.0.113.9 probe"
