"""tinyweb: a Flask-shaped web framework with its own strict HTTP/1.1 server.

This module is the public face of the package: it re-exports the names an application
imports and holds no logic of its own. See ``docs/how-it-works.md`` for the reading order
of the package, and ``ARCHITECTURE.md`` for how the server half and the framework half
meet at WSGI (PEP 3333) and nowhere else.
"""

from __future__ import annotations

__version__ = "0.1.0.dev0"

__all__: list[str] = ["__version__"]
