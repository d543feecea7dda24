"""The examples work: examples/hello.py and examples/api.py (a JSON CRUD API on sqlite3)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from examples.api import create_app
from examples.hello import app as hello_app


def test_hello_example() -> None:
    response = hello_app.test_client().get("/")
    assert response.status_code == 200
    assert response.text == "<p>Hello, World!</p>"


@pytest.fixture
def client(tmp_path: Path) -> Any:
    return create_app({"DATABASE": str(tmp_path / "api.sqlite3"), "TESTING": True}).test_client()


def test_crud_round_trip(client: Any) -> None:
    assert client.get("/todos").json == []
    created = client.post("/todos", json={"title": "  tea  "})
    assert created.status_code == 201
    assert created.json == {"id": 1, "title": "tea", "done": False}
    assert created.headers["Location"] == "/todos/1"
    assert client.get("/todos/1").json == created.json
    patched = client.patch("/todos/1", json={"done": True})
    assert patched.json == {"id": 1, "title": "tea", "done": True}
    replaced = client.put("/todos/1", json={"title": "coffee"})
    assert replaced.json == {"id": 1, "title": "coffee", "done": True}
    assert [todo["title"] for todo in client.get("/todos").json] == ["coffee"]
    deleted = client.delete("/todos/1")
    assert (deleted.status_code, deleted.data) == (204, b"")
    assert client.get("/todos/1").status_code == 404


# (body sent as JSON, the fields the 400 must name)
INVALID_BODIES: list[tuple[Any, set[str]]] = [
    ({}, {"title"}),
    ({"title": ""}, {"title"}),
    ({"title": "   "}, {"title"}),
    ({"title": 5}, {"title"}),
    ({"title": "x" * 201}, {"title"}),
    ({"title": "ok", "done": "yes"}, {"done"}),
    ({"title": "ok", "owner": "me"}, {"owner"}),
    ([1, 2], {"body"}),
    ("text", {"body"}),
]


@pytest.mark.parametrize(("body", "fields"), INVALID_BODIES)
def test_validation_errors_are_400_json(client: Any, body: Any, fields: set[str]) -> None:
    response = client.post("/todos", json=body)
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/json"
    assert set(response.json["fields"]) == fields
    assert client.get("/todos").json == []


@pytest.mark.parametrize(
    ("method", "path", "options", "status"),
    [
        ("GET", "/todos/99", {}, 404),
        ("DELETE", "/todos", {}, 405),
        ("POST", "/todos", {"data": b"{broken", "content_type": "application/json"}, 400),
        ("POST", "/todos", {"data": b"title=x", "content_type": "text/plain"}, 415),
        ("GET", "/nowhere", {}, 404),
    ],
)
def test_every_error_is_json(
    client: Any, method: str, path: str, options: dict[str, Any], status: int
) -> None:
    response = client.open(path, method=method, **options)
    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/json"
    assert set(response.json) == {"error", "description"}
    if status == 405:
        assert "POST" in response.headers["Allow"]


def test_patch_of_a_missing_todo_is_404(client: Any) -> None:
    assert client.patch("/todos/7", json={"done": True}).status_code == 404
