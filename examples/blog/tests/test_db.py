"""The database helpers and the init-db command."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from blog.db import get_db


def test_get_close_db(app: Any) -> None:
    with app.app_context():
        db = get_db()
        assert db is get_db()

    with pytest.raises(sqlite3.ProgrammingError) as e:
        db.execute("SELECT 1")

    assert "closed" in str(e.value)


def test_init_db_command(runner: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    class Recorder:
        called = False

    def fake_init_db() -> None:
        Recorder.called = True

    monkeypatch.setattr("blog.db.init_db", fake_init_db)
    result = runner.invoke(args=["init-db"])
    assert "Initialized" in result.output
    assert Recorder.called
