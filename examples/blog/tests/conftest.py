"""Fixtures for the blog's tests: a fresh app and database per test, a client, a CLI runner."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from typing import Any

import pytest
from blog import create_app
from blog.db import get_db, init_db

# The rows every test starts from: users "test" and "other", one post by "test".
with open(os.path.join(os.path.dirname(__file__), "data.sql"), "rb") as f:
    _data_sql = f.read().decode("utf8")


@pytest.fixture
def app() -> Iterator[Any]:
    """A new app for each test, on a temporary database of its own filled from data.sql."""
    # mkstemp gives this test a file nobody else uses.
    db_fd, db_path = tempfile.mkstemp()
    # TESTING: exceptions reach the test instead of becoming 500 pages.
    app = create_app({"TESTING": True, "DATABASE": db_path})

    # Tables from schema.sql, then the rows of data.sql.
    with app.app_context():
        init_db()
        get_db().executescript(_data_sql)

    yield app

    # The file goes away with the test.
    os.close(db_fd)
    os.unlink(db_path)


@pytest.fixture
def client(app: Any) -> Any:
    """A test client for the app."""
    return app.test_client()


@pytest.fixture
def runner(app: Any) -> Any:
    """A test runner for the app's CLI commands."""
    return app.test_cli_runner()


class AuthActions:
    """Log in and out through the real views, as a browser would."""

    def __init__(self, client: Any) -> None:
        self._client = client

    def login(self, username: str = "test", password: str = "test") -> Any:
        return self._client.post("/auth/login", data={"username": username, "password": password})

    def logout(self) -> Any:
        return self._client.get("/auth/logout")


@pytest.fixture
def auth(client: Any) -> AuthActions:
    return AuthActions(client)
