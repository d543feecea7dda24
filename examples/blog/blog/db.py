"""The blog's database: one sqlite3 connection per request, and the ``init-db`` command.

``get_db()`` opens the connection on first use and keeps it in ``g``; ``close_db`` runs
when the application context ends (``teardown_appcontext``), so every request closes
what it opened, even when a view raised.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from tinyweb import App, current_app, g
from tinyweb.commands import command


def get_db() -> sqlite3.Connection:
    """Connect to the configured database; one connection per application context."""
    if "db" not in g:
        g.db = sqlite3.connect(current_app.config["DATABASE"], detect_types=sqlite3.PARSE_DECLTYPES)
        # Rows that behave like dicts: post["title"] in views and templates.
        g.db.row_factory = sqlite3.Row
    return g.db


def close_db(e: BaseException | None = None) -> None:
    """Close the connection if this context opened one."""
    db = g.pop("db", None)
    if db is not None:
        db.close()


def init_db() -> None:
    """(Re)create the tables from schema.sql: every existing row is lost."""
    db = get_db()
    with current_app.open_resource("schema.sql") as f:
        db.executescript(f.read().decode("utf8"))


@command("init-db")
def init_db_command() -> None:
    """``init-db``: drop the tables and create them again, empty."""
    init_db()
    print("Initialized the database.")


# Python 3.12 deprecates sqlite3's built-in TIMESTAMP converter: register our own.
sqlite3.register_converter("timestamp", lambda v: datetime.fromisoformat(v.decode()))


def init_app(app: App) -> None:
    """Wire the database into ``app``: close connections at teardown, add ``init-db``."""
    app.teardown_appcontext(close_db)
    app.cli.add_command(init_db_command)
