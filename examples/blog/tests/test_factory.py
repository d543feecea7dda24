"""The application factory: configuration and a first route."""

from __future__ import annotations

from typing import Any

from blog import create_app


def test_config() -> None:
    """Without a test config the app is not in testing mode; with one, it is."""
    assert not create_app().testing
    assert create_app({"TESTING": True}).testing


def test_hello(client: Any) -> None:
    response = client.get("/hello")
    assert response.data == b"Hello, World!"
