"""Tests for ``Client.session_transaction()`` (tinyweb/testing.py, rule 5).

The session a test sets up in the block is what the next request's view sees, and what a
view stored is what the block sees: the block is one more "request" in the cookie jar's
life, run through the app's own session interface (Flask 3.1's behaviour).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from docs_snippets import markdown_python_blocks, run_snippet

from tinyweb.app import App
from tinyweb.context import NullSession, session
from tinyweb.response import Response
from tinyweb.sessions import SecureCookieSessionInterface
from tinyweb.testing import Client

DOCS = Path(__file__).resolve().parent.parent / "docs"


def make_app(**config: Any) -> App:
    app = App(__name__)
    app.config.update({"SECRET_KEY": "test secret", **config})

    @app.get("/read")
    def read() -> Any:
        return {key: session[key] for key in sorted(session)}

    @app.get("/write")
    def write() -> str:
        session["from_view"] = "yes"
        return "ok"

    @app.get("/permanent")
    def permanent() -> str:
        return "yes" if session.permanent else "no"

    return app


@pytest.fixture
def client() -> Client:
    client: Client = make_app().test_client()
    return client


def test_what_the_block_stores_the_next_request_sees(client: Client) -> None:
    with client.session_transaction() as transaction:
        assert transaction.new
        transaction["user_id"] = 7
    assert client.get("/read").get_json() == {"user_id": 7}


def test_the_block_sees_what_a_view_stored(client: Client) -> None:
    client.get("/write")
    with client.session_transaction() as transaction:
        assert not transaction.new
        assert dict(transaction) == {"from_view": "yes"}


def test_changes_in_the_block_keep_the_rest_of_the_session(client: Client) -> None:
    client.get("/write")
    with client.session_transaction() as transaction:
        transaction["more"] = [1, 2]
    assert client.get("/read").get_json() == {"from_view": "yes", "more": [1, 2]}


def test_deleting_a_key_in_the_block_removes_it(client: Client) -> None:
    client.get("/write")
    with client.session_transaction() as transaction:
        transaction["other"] = 1
    with client.session_transaction() as transaction:
        del transaction["from_view"]
    assert client.get("/read").get_json() == {"other": 1}


def test_emptying_the_session_deletes_the_cookie(client: Client) -> None:
    client.get("/write")
    assert client.get_cookie("session") is not None
    with client.session_transaction() as transaction:
        transaction.clear()
    assert client.get_cookie("session") is None
    assert client.get("/read").get_json() == {}


def test_a_block_that_changes_nothing_sets_no_cookie(client: Client) -> None:
    with client.session_transaction() as transaction:
        assert "anything" not in transaction
    assert client.get_cookie("session") is None


def test_an_exception_in_the_block_saves_nothing(client: Client) -> None:
    client.get("/write")
    before = client.get_cookie("session")
    with pytest.raises(KeyError), client.session_transaction() as transaction:
        transaction["lost"] = True
        raise KeyError("boom")
    assert client.get_cookie("session") == before
    assert client.get("/read").get_json() == {"from_view": "yes"}


def test_a_permanent_session_gets_a_lasting_cookie(client: Client) -> None:
    with client.session_transaction() as transaction:
        transaction.permanent = True
        transaction["user_id"] = 1
    cookie = client.get_cookie("session")
    assert cookie is not None and cookie.expires is not None
    assert client.get("/permanent").text == "yes"
    with client.session_transaction() as transaction:
        transaction.permanent = False
    assert client.get_cookie("session").expires is None  # type: ignore[union-attr]
    assert client.get("/permanent").text == "no"


def test_modifying_a_permanent_session_keeps_it_permanent(client: Client) -> None:
    with client.session_transaction() as transaction:
        transaction.permanent = True
    with client.session_transaction() as transaction:
        assert transaction.permanent
        transaction["cart"] = ["tea"]
    assert client.get("/permanent").text == "yes"
    assert client.get_cookie("session").expires is not None  # type: ignore[union-attr]


def test_the_cookie_follows_the_session_settings() -> None:
    app = make_app(SESSION_COOKIE_NAME="sid", SESSION_COOKIE_PATH="/read")
    client = app.test_client()
    with client.session_transaction("/read") as transaction:
        transaction["user_id"] = 3
    assert client.get_cookie("sid", path="/read") is not None
    assert client.get("/read").get_json() == {"user_id": 3}
    with client.session_transaction("/elsewhere") as transaction:
        assert dict(transaction) == {}  # the cookie's path does not cover /elsewhere


def test_server_name_decides_the_cookie_domain() -> None:
    app = make_app(SERVER_NAME="example.test")
    client = app.test_client()
    with client.session_transaction() as transaction:
        transaction["user_id"] = 5
    assert client.get_cookie("session", domain="example.test") is not None
    assert client.get("/read").get_json() == {"user_id": 5}


def test_the_request_arguments_reach_the_session_interface() -> None:
    seen: list[tuple[str, str, str]] = []

    class Recording(SecureCookieSessionInterface):
        def open_session(self, app: Any, request: Any) -> Any:
            seen.append((request.method, request.path, request.headers.get("X-Test", "")))
            return super().open_session(app, request)

    app = make_app()
    app.session_interface = Recording()
    with app.test_client().session_transaction(
        "/write", method="POST", headers={"X-Test": "1"}
    ) as transaction:
        transaction["a"] = 1
    assert seen == [("POST", "/write", "1")]


def test_the_session_interface_runs_inside_the_request_context() -> None:
    class NeedsContext(SecureCookieSessionInterface):
        def save_session(self, app: Any, session_: Any, response: Any) -> None:
            from tinyweb.context import request

            response.headers.set("X-Path", request.path)
            super().save_session(app, session_, response)

    app = make_app()
    app.session_interface = NeedsContext()
    client = app.test_client()
    with client.session_transaction("/somewhere") as transaction:
        transaction["a"] = 1
    assert client.get("/read").get_json() == {"a": 1}


def test_without_a_secret_key_it_is_a_runtime_error() -> None:
    app = make_app(SECRET_KEY=None)
    with pytest.raises(RuntimeError, match="did not open a session"):
        with app.test_client().session_transaction():
            pass  # pragma: no cover


def test_a_null_session_is_yielded_and_never_saved() -> None:
    class Null(SecureCookieSessionInterface):
        def open_session(self, app: Any, request: Any) -> Any:
            return NullSession()

        def save_session(self, app: Any, session_: Any, response: Response) -> None:
            raise AssertionError("a null session must not be saved")

    app = make_app()
    app.session_interface = Null()
    client = app.test_client()
    with client.session_transaction() as transaction:
        assert isinstance(transaction, NullSession)
    assert client.cookies == {}


def test_without_cookies_it_is_a_type_error() -> None:
    client = make_app().test_client(use_cookies=False)
    with pytest.raises(TypeError, match="use_cookies=True"):
        with client.session_transaction():
            pass  # pragma: no cover


def test_a_plain_wsgi_app_has_no_session_to_open() -> None:
    def plain(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", [])  # pragma: no cover
        return []  # pragma: no cover

    with pytest.raises(TypeError, match="needs an App"):
        with Client(plain).session_transaction():
            pass  # pragma: no cover


def test_a_bad_cookie_opens_a_new_session() -> None:
    client = make_app().test_client()
    client.set_cookie("session", "not.a.valid-cookie")
    with client.session_transaction() as transaction:
        assert transaction.new and dict(transaction) == {}


def test_the_documented_example_runs() -> None:
    text = (DOCS / "request-response.md").read_text("utf-8")
    snippets = [
        snippet
        for snippet in markdown_python_blocks(text, "docs/request-response.md")
        if "session_transaction" in snippet.code
    ]
    assert snippets
    namespace: dict[str, Any] = {"__name__": "docs_snippet"}
    for snippet in snippets:
        run_snippet(snippet, namespace)
