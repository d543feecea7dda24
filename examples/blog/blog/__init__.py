"""The blog example: Flask's tutorial app ("flaskr") ported to tinyweb.

``create_app`` is the application factory: ``python -m tinyweb --app blog run`` (with
``examples/blog`` on the path) calls it, and so does every test, each with its own
configuration and database. The port from Flask renames imports and nothing else:
``flask`` -> ``tinyweb``, ``Flask`` -> ``App``, ``werkzeug.security`` -> ``tinyweb.security``.
"""

from __future__ import annotations

import os
from typing import Any

from tinyweb import App


def create_app(test_config: dict[str, Any] | None = None) -> App:
    """Build the blog app; ``test_config`` (from the tests) replaces the instance config."""
    app = App(__name__, instance_relative_config=True)
    app.config.from_mapping(
        # The default secret is only for development: override it in instance/config.py.
        SECRET_KEY="dev",
        # The database lives in the instance folder, which is never committed.
        DATABASE=os.path.join(app.instance_path, "blog.sqlite"),
    )

    if test_config is None:
        # Outside tests: the settings in instance/config.py, if that file exists.
        app.config.from_pyfile("config.py", silent=True)
    else:
        # In tests: the settings each test chooses.
        app.config.from_mapping(test_config)

    # The instance folder must exist: sqlite3 creates the file, not its folder.
    os.makedirs(app.instance_path, exist_ok=True)

    @app.route("/hello")
    def hello() -> str:
        return "Hello, World!"

    from . import db

    db.init_app(app)

    from . import auth, blog

    app.register_blueprint(auth.bp)
    app.register_blueprint(blog.bp)

    # The blog blueprint has no url_prefix, so its index is the site's index: the
    # endpoint "index" lets url_for("index") and url_for("blog.index") both give "/".
    app.add_url_rule("/", endpoint="index")

    return app
