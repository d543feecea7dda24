"""Registration, login and logout."""

from __future__ import annotations

from typing import Any

import pytest
from blog.db import get_db

from tinyweb import g, session


def test_register(client: Any, app: Any) -> None:
    # The form renders.
    assert client.get("/auth/register").status_code == 200

    # Registering sends the browser on to the login page...
    response = client.post("/auth/register", data={"username": "a", "password": "a"})
    assert response.headers["Location"] == "/auth/login"

    # ...and the new row is in the database.
    with app.app_context():
        assert get_db().execute("SELECT * FROM user WHERE username = 'a'").fetchone() is not None


@pytest.mark.parametrize(
    ("username", "password", "message"),
    (
        ("", "", b"Username is required."),
        ("a", "", b"Password is required."),
        ("test", "test", b"already registered"),
    ),
)
def test_register_validate_input(client: Any, username: str, password: str, message: bytes) -> None:
    response = client.post("/auth/register", data={"username": username, "password": password})
    assert message in response.data


def test_login(client: Any, auth: Any) -> None:
    # The form renders.
    assert client.get("/auth/login").status_code == 200

    # A good login sends the browser to the home page.
    response = auth.login()
    assert response.headers["Location"] == "/"

    # Inside `with client`, the last request's session and g can still be read.
    with client:
        client.get("/")
        assert session["user_id"] == 1
        assert g.user["username"] == "test"


@pytest.mark.parametrize(
    ("username", "password", "message"),
    (("a", "test", b"Incorrect username."), ("test", "a", b"Incorrect password.")),
)
def test_login_validate_input(auth: Any, username: str, password: str, message: bytes) -> None:
    response = auth.login(username, password)
    assert message in response.data


def test_logout(client: Any, auth: Any) -> None:
    auth.login()

    with client:
        auth.logout()
        assert "user_id" not in session
