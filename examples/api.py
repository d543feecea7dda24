"""A JSON CRUD API for to-do items on the standard library's sqlite3.

Run it with ``python -m tinyweb run examples.api:app`` and try::

    curl -s localhost:8000/todos -H 'Content-Type: application/json' -d '{"title": "tea"}'
    curl -s localhost:8000/todos
    curl -s -X PATCH localhost:8000/todos/1 -H 'Content-Type: application/json' \\
        -d '{"done": true}'
    curl -s -X DELETE localhost:8000/todos/1

Every error is JSON: ``{"error": ..., "description": ...}`` with the HTTP status; invalid
input is a 400 whose ``fields`` say what is wrong with each field.

``create_app({"DATABASE": path})`` builds an app on another database (the tests use one
per test); one sqlite3 connection is opened per request, on first use, and closed when the
request ends.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from typing import Any

from tinyweb import App, abort, current_app, g, request, url_for
from tinyweb.errors import HTTPError

SCHEMA = """
CREATE TABLE IF NOT EXISTS todo (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    done INTEGER NOT NULL DEFAULT 0
)
"""
MAX_TITLE_LENGTH = 200


class ValidationError(Exception):
    """Invalid input; ``fields`` maps each bad field to what is wrong with it."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__(fields)
        self.fields = fields


def create_app(config: dict[str, Any] | None = None) -> App:
    """Build the API app; ``config`` may set ``DATABASE`` (a file path)."""
    app = App(__name__)
    app.config.from_mapping(
        DATABASE=os.path.join(tempfile.gettempdir(), "tinyweb-example-api.sqlite3")
    )
    app.config.from_mapping(config)
    with sqlite3.connect(app.config["DATABASE"]) as connection:
        connection.execute(SCHEMA)
    register_views(app)
    register_error_handlers(app)
    app.teardown_appcontext(close_database)
    return app


def database() -> sqlite3.Connection:
    """This request's connection, opened on first use."""
    if "database" not in g:
        g.database = sqlite3.connect(current_app.config["DATABASE"])
        g.database.row_factory = sqlite3.Row
    return g.database


def close_database(exc: BaseException | None) -> None:
    """Close the request's connection, if one was opened."""
    connection = g.pop("database", None)
    if connection is not None:
        connection.close()


def as_json(row: sqlite3.Row) -> dict[str, Any]:
    """One to-do as the API shows it."""
    return {"id": row["id"], "title": row["title"], "done": bool(row["done"])}


def find_todo(todo_id: int) -> sqlite3.Row:
    """The to-do ``todo_id``, or a 404."""
    row = database().execute("SELECT * FROM todo WHERE id = ?", (todo_id,)).fetchone()
    if row is None:
        abort(404, f"There is no to-do with id {todo_id}.")
    return row


def validated(data: Any, partial: bool) -> dict[str, Any]:
    """The fields of a to-do from a JSON body; ``partial`` (PATCH) allows missing ones."""
    if not isinstance(data, dict):
        raise ValidationError({"body": "must be a JSON object"})
    errors: dict[str, str] = {}
    unknown = set(data) - {"title", "done"}
    for name in sorted(unknown):
        errors[name] = "unknown field"
    if "title" in data or not partial:
        title = data.get("title")
        if not isinstance(title, str) or not title.strip():
            errors["title"] = "required: a non-empty string"
        elif len(title) > MAX_TITLE_LENGTH:
            errors["title"] = f"at most {MAX_TITLE_LENGTH} characters"
    if "done" in data and not isinstance(data["done"], bool):
        errors["done"] = "must be true or false"
    if errors:
        raise ValidationError(errors)
    return {name: data[name] for name in ("title", "done") if name in data}


def register_views(app: App) -> None:
    """The CRUD routes."""

    @app.get("/todos")
    def list_todos() -> Any:
        rows = database().execute("SELECT * FROM todo ORDER BY id").fetchall()
        return [as_json(row) for row in rows]

    @app.post("/todos")
    def create_todo() -> Any:
        fields = validated(request.get_json(), partial=False)
        with database() as connection:
            cursor = connection.execute(
                "INSERT INTO todo (title, done) VALUES (?, ?)",
                (fields["title"].strip(), int(fields.get("done", False))),
            )
        todo = as_json(find_todo(cursor.lastrowid or 0))
        return todo, 201, {"Location": url_for("get_todo", todo_id=todo["id"])}

    @app.get("/todos/<int:todo_id>")
    def get_todo(todo_id: int) -> Any:
        return as_json(find_todo(todo_id))

    @app.route("/todos/<int:todo_id>", methods=["PUT", "PATCH"])
    def update_todo(todo_id: int) -> Any:
        todo = as_json(find_todo(todo_id))
        todo.update(validated(request.get_json(), partial=request.method == "PATCH"))
        with database() as connection:
            connection.execute(
                "UPDATE todo SET title = ?, done = ? WHERE id = ?",
                (todo["title"].strip(), int(todo["done"]), todo_id),
            )
        return as_json(find_todo(todo_id))

    @app.delete("/todos/<int:todo_id>")
    def delete_todo(todo_id: int) -> Any:
        find_todo(todo_id)
        with database() as connection:
            connection.execute("DELETE FROM todo WHERE id = ?", (todo_id,))
        return "", 204


def register_error_handlers(app: App) -> None:
    """Every error as JSON."""

    @app.errorhandler(ValidationError)
    def invalid(error: ValidationError) -> Any:
        return {"error": "Bad Request", "description": "Invalid input.", "fields": error.fields}, 400

    @app.errorhandler(HTTPError)
    def http_error(error: HTTPError) -> Any:
        # Keep the headers the status needs (Allow on 405), but not the HTML content type.
        headers = [(name, value) for name, value in error.get_headers() if name != "Content-Type"]
        return {"error": error.name, "description": error.description}, error.code, headers


app = create_app()
