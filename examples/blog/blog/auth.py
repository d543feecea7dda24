"""Registration, login and logout: the ``auth`` blueprint, under ``/auth``.

The logged-in user's id is the only thing kept in the session (a signed cookie); before
every request ``load_logged_in_user`` loads that user into ``g.user``, and views that need
a user are wrapped in ``login_required``.
"""

from __future__ import annotations

import functools
from typing import Any, Callable

from tinyweb import Blueprint, flash, g, redirect, render_template, request, session, url_for
from tinyweb.security import check_password_hash, generate_password_hash

from .db import get_db

bp = Blueprint("auth", __name__, url_prefix="/auth")


def login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a view so that visitors who are not logged in go to the login page instead."""

    @functools.wraps(view)
    def wrapped_view(**kwargs: Any) -> Any:
        if g.user is None:
            return redirect(url_for("auth.login"))

        return view(**kwargs)

    return wrapped_view


@bp.before_app_request
def load_logged_in_user() -> None:
    """Before every request: ``g.user`` is the logged-in user's row, or None."""
    user_id = session.get("user_id")

    if user_id is None:
        g.user = None
    else:
        g.user = get_db().execute("SELECT * FROM user WHERE id = ?", (user_id,)).fetchone()


@bp.route("/register", methods=("GET", "POST"))
def register() -> Any:
    """Register a new user: check the name is free, store the password's hash."""
    if request.method == "POST":
        username = request.form["username"]
        password = request.form["password"]
        db = get_db()
        error = None

        if not username:
            error = "Username is required."
        elif not password:
            error = "Password is required."

        if error is None:
            try:
                db.execute(
                    "INSERT INTO user (username, password) VALUES (?, ?)",
                    (username, generate_password_hash(password)),
                )
                db.commit()
            except db.IntegrityError:
                # The UNIQUE constraint on username failed.
                error = f"User {username} is already registered."
            else:
                # Success: go to the login page.
                return redirect(url_for("auth.login"))

        flash(error)

    return render_template("auth/register.html")


@bp.route("/login", methods=("GET", "POST"))
def login() -> Any:
    """Log a registered user in by putting their id in the session."""
    if request.method == "POST":
        username = request.form["username"]
        password = request.form["password"]
        db = get_db()
        error = None
        user = db.execute("SELECT * FROM user WHERE username = ?", (username,)).fetchone()

        if user is None:
            error = "Incorrect username."
        elif not check_password_hash(user["password"], password):
            error = "Incorrect password."

        if error is None:
            # A new session: nothing from before the login survives it.
            session.clear()
            session["user_id"] = user["id"]
            return redirect(url_for("index"))

        flash(error)

    return render_template("auth/login.html")


@bp.route("/logout")
def logout() -> Any:
    """Forget the user: empty the session (tinyweb then deletes its cookie)."""
    session.clear()
    return redirect(url_for("index"))
