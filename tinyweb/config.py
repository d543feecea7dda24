"""Configuration: ``app.config``, a dict of UPPERCASE settings with loaders.

Where it fits: ``App`` creates one ``Config`` filled with ``DEFAULT_CONFIG``; the app reads
it on every request (``MAX_CONTENT_LENGTH``, ``PROPAGATE_EXCEPTIONS``, ...), and an
application fills it from code, objects, Python files or the environment.

Rules:
- Only UPPERCASE names are settings. Loaders that read objects, files or mappings skip
  every other name, so helper variables and imported modules never leak in (as Flask).
- ``Config`` is a plain ``dict`` subclass: reading a setting is a dict lookup, nothing more.
- Reading a Python file executes it: configuration files are trusted code.

Usage::

    app.config.from_mapping(SECRET_KEY="dev")
    app.config.from_pyfile("settings.py", silent=True)
    app.config.from_prefixed_env()          # TINYWEB_DEBUG=true -> app.config["DEBUG"] = True

``TINYWEB_DEBUG`` is also read when an ``App`` is made (``debug_flag``), as Flask reads
``FLASK_DEBUG``: ``python -m tinyweb --debug`` sets it before importing the app, so an app
factory sees debug mode while it runs.
"""

from __future__ import annotations

import datetime
import errno
import importlib
import json
import os
import types
from collections.abc import Mapping
from typing import Any, Callable

# The settings every App starts with (Flask 3.1's names and defaults where they overlap).
DEFAULT_CONFIG: dict[str, Any] = {
    "DEBUG": False,
    "TESTING": False,
    # None: follow TESTING/DEBUG (an unhandled error is re-raised instead of becoming a 500).
    "PROPAGATE_EXCEPTIONS": None,
    "SECRET_KEY": None,
    "SECRET_KEY_FALLBACKS": None,
    # None: no limit on the request body; an int: larger bodies are answered with 413.
    "MAX_CONTENT_LENGTH": None,
    "MAX_FORM_MEMORY_SIZE": 500_000,
    "MAX_FORM_PARTS": 1_000,
    "SERVER_NAME": None,
    "APPLICATION_ROOT": "/",
    "PREFERRED_URL_SCHEME": "http",
    "TEMPLATES_AUTO_RELOAD": None,
    "TRAP_HTTP_EXCEPTIONS": False,
    # None: trap a missing request key (BadRequestKeyError) in debug mode only (Flask).
    "TRAP_BAD_REQUEST_ERRORS": None,
    "TRUSTED_HOSTS": None,  # a list: other Host values are a 400 (request.trusted_hosts)
    # Sessions (tinyweb.sessions reads them; SameSite is Lax here, None in Flask).
    "SESSION_COOKIE_NAME": "session",
    "SESSION_COOKIE_DOMAIN": None,
    "SESSION_COOKIE_PATH": None,  # None: APPLICATION_ROOT, else "/"
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SECURE": False,
    "SESSION_COOKIE_PARTITIONED": False,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_REFRESH_EACH_REQUEST": True,
    "PERMANENT_SESSION_LIFETIME": datetime.timedelta(days=31),
}

DEBUG_ENVIRONMENT_VARIABLE = "TINYWEB_DEBUG"
_FALSE_WORDS = frozenset({"0", "false", "no"})  # Flask's get_debug_flag spellings of off


def debug_flag() -> bool | None:
    """Debug mode as ``TINYWEB_DEBUG`` says: None when unset; off for ``""``, ``0``,
    ``false``, ``no`` (any case); on for anything else, as Flask reads ``FLASK_DEBUG``."""
    value = os.environ.get(DEBUG_ENVIRONMENT_VARIABLE)
    if value is None:
        return None
    return bool(value) and value.lower() not in _FALSE_WORDS


def with_debug_flag(defaults: Mapping[str, Any]) -> dict[str, Any]:
    """``defaults`` with ``DEBUG`` from ``TINYWEB_DEBUG`` when it is set (a new app's config)."""
    flag = debug_flag()
    return {**defaults} if flag is None else {**defaults, "DEBUG": flag}


class Config(dict):  # type: ignore[type-arg]
    """A ``dict`` of settings with loaders for mappings, objects, files and the environment.

    ``root_path`` anchors relative file names given to ``from_pyfile``/``from_file``.

    Example::

        config = Config("/srv/app", {"DEBUG": False})
        config.from_mapping({"SECRET_KEY": "dev"}, TESTING=True)
        assert config["TESTING"] is True
    """

    def __init__(
        self, root_path: str | os.PathLike[str] = ".", defaults: Mapping[str, Any] | None = None
    ) -> None:
        super().__init__(defaults or {})
        self.root_path = os.fspath(root_path)

    def from_mapping(self, mapping: Mapping[str, Any] | None = None, **settings: Any) -> bool:
        """Copy the UPPERCASE keys of ``mapping`` and of the keyword arguments; return True.

        Example: ``config.from_mapping({"DEBUG": True}, SECRET_KEY="dev")``.
        """
        merged: dict[str, Any] = dict(mapping or {})
        merged.update(settings)
        for key, value in merged.items():
            if key.isupper():
                self[key] = value
        return True

    def from_object(self, source: object | str) -> None:
        """Copy the UPPERCASE attributes of an object, class or module.

        A string is imported first: ``"package.settings"`` (a module) or
        ``"package.settings:ProductionConfig"`` / ``"package.settings.ProductionConfig"``.

        Example: ``config.from_object("myapp.default_settings")``.
        """
        if isinstance(source, str):
            source = import_string(source)
        for name in dir(source):
            if name.isupper():
                self[name] = getattr(source, name)

    def from_pyfile(self, filename: str | os.PathLike[str], silent: bool = False) -> bool:
        """Execute a Python file and copy its UPPERCASE globals; False if missing and silent.

        A relative ``filename`` is taken from ``root_path``. The file is executed, so it
        must be as trusted as the application's own code.

        Example: ``config.from_pyfile("settings.cfg", silent=True)``.
        """
        path = os.path.join(self.root_path, filename)
        module = types.ModuleType("config")
        module.__file__ = path
        try:
            with open(path, "rb") as config_file:
                source = config_file.read()
        except OSError as error:
            if silent and error.errno in (errno.ENOENT, errno.EISDIR, errno.ENOTDIR):
                return False
            error.strerror = f"Unable to load configuration file ({error.strerror})"
            raise
        exec(compile(source, path, "exec"), module.__dict__)
        self.from_object(module)
        return True

    def from_envvar(self, variable_name: str, silent: bool = False) -> bool:
        """``from_pyfile`` of the file the environment variable names.

        ``RuntimeError`` if the variable is unset or empty (False instead if ``silent``).
        Example: ``app.config.from_envvar("BLOG_SETTINGS")``.
        """
        filename = os.environ.get(variable_name)
        if not filename:
            if silent:
                return False
            raise RuntimeError(
                f"the environment variable {variable_name!r} is not set, so no configuration "
                "file could be loaded: set it to the path of one"
            )
        return self.from_pyfile(filename, silent=silent)

    def from_file(
        self,
        filename: str | os.PathLike[str],
        load: Callable[[Any], Mapping[str, Any]],
        silent: bool = False,
        text: bool = True,
    ) -> bool:
        """Load a data file (JSON, TOML, ...) with ``load(file)`` and copy its UPPERCASE keys.

        Example: ``config.from_file("config.json", load=json.load)`` or, for TOML,
        ``config.from_file("config.toml", load=tomllib.load, text=False)``.
        """
        path = os.path.join(self.root_path, filename)
        try:
            with open(path, "r" if text else "rb") as data_file:
                data = load(data_file)
        except OSError as error:
            if silent and error.errno in (errno.ENOENT, errno.EISDIR):
                return False
            error.strerror = f"Unable to load configuration file ({error.strerror})"
            raise
        return self.from_mapping(data)

    def from_prefixed_env(
        self, prefix: str = "TINYWEB", *, loads: Callable[[str], Any] = json.loads
    ) -> bool:
        """Load every environment variable named ``TINYWEB_<KEY>`` into ``config[KEY]``.

        Values go through ``loads`` (JSON by default, so ``true``, ``5`` and ``{"a": 1}``
        become ``True``, ``5`` and a dict); a value that does not parse stays a string.
        ``TINYWEB_DB__HOST=x`` sets ``config["DB"]["HOST"]`` (``__`` separates nested keys;
        missing intermediate dicts are created). Variables are read in sorted order.
        The prefix may be given with or without its trailing underscore.

        Example: with ``TINYWEB_SECRET_KEY='"abc"'``, ``config["SECRET_KEY"] == "abc"``.
        """
        prefix = prefix if prefix.endswith("_") else prefix + "_"
        for name in sorted(os.environ):
            if name.startswith(prefix) and len(name) > len(prefix):
                self._set_nested(name[len(prefix) :], _parse_value(os.environ[name], loads))
        return True

    def _set_nested(self, key: str, value: Any) -> None:
        """Set ``key``; ``A__B`` walks into (or creates) the dict ``self["A"]``."""
        *parents, leaf = key.split("__")
        current: dict[str, Any] = self
        for part in parents:
            current = current.setdefault(part, {})
        current[leaf] = value

    def get_namespace(
        self, namespace: str, lowercase: bool = True, trim_namespace: bool = True
    ) -> dict[str, Any]:
        """The settings whose names start with ``namespace``, e.g. for a database client.

        Example: with ``DB_HOST`` and ``DB_PORT`` set, ``config.get_namespace("DB_")``
        returns ``{"host": ..., "port": ...}``.
        """
        found: dict[str, Any] = {}
        for key, value in self.items():
            if not key.startswith(namespace):
                continue
            name = key[len(namespace) :] if trim_namespace else key
            found[name.lower() if lowercase else name] = value
        return found

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {dict.__repr__(self)}>"


def _parse_value(text: str, loads: Callable[[str], Any]) -> Any:
    """``loads(text)``, or ``text`` itself when it does not parse (as Flask)."""
    try:
        return loads(text)
    except Exception:
        return text


def import_string(dotted_name: str) -> Any:
    """Import ``"module"``, ``"module:attribute"`` or ``"module.attribute"``.

    Example: ``import_string("os.path:join") is os.path.join``.
    """
    if ":" in dotted_name:
        module_name, _, attribute = dotted_name.partition(":")
        return getattr(importlib.import_module(module_name), attribute)
    try:
        return importlib.import_module(dotted_name)
    except ImportError:
        module_name, _, attribute = dotted_name.rpartition(".")
        if not module_name:
            raise
        module = importlib.import_module(module_name)
    try:
        return getattr(module, attribute)
    except AttributeError:
        raise ImportError(f"module {module_name!r} has no attribute {attribute!r}") from None
