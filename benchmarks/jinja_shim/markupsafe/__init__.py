"""A stand-in ``markupsafe`` for Jinja2's tests (jinja_suite.py): tinyweb's Markup."""

from tinyweb.markup import Markup, escape, soft_str

__all__ = ["Markup", "escape", "soft_str"]
