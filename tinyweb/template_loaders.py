"""Template loaders: where an ``Environment`` finds a template's source by its name.

Where it fits: ``Environment.get_template`` (``tinyweb.templating``) asks its loader for
``get_source(environment, name)``, a triple ``(source, filename, uptodate)``, when a name
is not cached or its ``uptodate()`` says the source changed; ``Environment.list_templates``
asks ``list_templates()``. The loaders are Jinja 3.1's: ``FileSystemLoader`` (folders),
``PackageLoader`` (a package's folder), ``DictLoader`` (a dict), ``FunctionLoader`` (a
function), and two that combine others, ``ChoiceLoader`` (the first that has the name)
and ``PrefixLoader`` (the one the name's prefix picks). An app's environment is a
``ChoiceLoader`` over ``app.jinja_loader`` and its blueprints' (``tinyweb.rendering``).

Rules:
1. Every loader refuses, with ``TemplateNotFound``, a name that could leave its templates:
   ``..`` segments, absolute paths, backslashes, NUL (path traversal, CWE-22). One function
   decides, ``split_template_path``; a loader that combines others checks the name itself
   too, so a custom loader below it is never handed such a name.
2. ``uptodate`` is None (never reloaded) or a cheap function: ``get_template`` calls it on
   every cache hit while ``auto_reload`` is on.
3. Only ``Environment`` types are imported from ``templating`` (for the type checker):
   the engine's modules import this one, not the other way round.

Usage::

    env = Environment(loader=ChoiceLoader([
        FileSystemLoader("/srv/overrides"),
        PackageLoader("myapp"),          # myapp/templates/
    ]))

Spec: https://jinja.palletsprojects.com/en/3.1.x/api/#loaders (names and semantics).
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import zipimport
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Callable, Optional, Union

from .template_filters import TemplateError

if TYPE_CHECKING:  # pragma: no cover - names for annotations only
    from .templating import Environment

__all__ = [
    "BaseLoader",
    "ChoiceLoader",
    "DictLoader",
    "FileSystemLoader",
    "FunctionLoader",
    "PackageLoader",
    "PrefixLoader",
    "TemplateNotFound",
    "split_template_path",
]

Uptodate = Callable[[], bool]
Source = tuple[str, Optional[str], Optional[Uptodate]]  # what get_source returns
# What a FunctionLoader's function returns: nothing, the source, or get_source's triple.
LoadResult = Union[None, str, Source]


class TemplateNotFound(TemplateError, LookupError):
    """No loader found a template of this name (or the name was refused)."""

    def __init__(self, name: str | None, message: str | None = None) -> None:
        """``name`` is the template name that was asked for (``.name``, as in Jinja)."""
        super().__init__(message or f"template not found: {name!r}")
        self.name = self.template_name = name
        self.templates = [name]

    def __str__(self) -> str:
        return self.message  # ``name`` is the missing template's, not a location


def split_template_path(name: str) -> list[str]:
    """The path segments of a template name; refuses traversal (CWE-22).

    >>> split_template_path("pages/index.html")
    ['pages', 'index.html']
    """
    refused = "\x00" in name or name.startswith(("/", "\\")) or os.path.isabs(name)
    pieces = []
    for piece in name.split("/"):
        if piece == ".." or "\\" in piece or os.sep in piece or (os.altsep and os.altsep in piece):
            refused = True
        elif os.path.splitdrive(piece)[0]:  # "C:" on Windows
            refused = True
        elif piece and piece != ".":
            pieces.append(piece)
    if refused or not pieces:
        raise TemplateNotFound(name)
    return pieces


class BaseLoader:
    """Finds template source by name: subclasses implement ``get_source``."""

    def get_source(self, environment: Environment, name: str) -> Source:
        """``(source, filename or None, uptodate() or None)``, else ``TemplateNotFound``."""
        raise TemplateNotFound(name)

    def list_templates(self) -> list[str]:
        """Every template name this loader knows, sorted (not every loader can tell)."""
        raise TypeError(f"{type(self).__name__} cannot list its templates")


class FileSystemLoader(BaseLoader):
    """Templates from one or more directories, searched in order.

    >>> loader = FileSystemLoader(["templates", "shared/templates"])
    """

    def __init__(
        self,
        searchpath: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
        encoding: str = "utf-8",
    ) -> None:
        """Search ``searchpath`` (a directory or a list of them); files are ``encoding``."""
        if isinstance(searchpath, (str, os.PathLike)):
            searchpath = [searchpath]
        self.searchpath = [os.fspath(path) for path in searchpath]
        self.encoding = encoding

    def get_source(self, environment: Environment, name: str) -> Source:
        """Read the first ``<directory>/<name>`` that exists; uptodate compares mtimes."""
        pieces = split_template_path(name)
        for directory in self.searchpath:
            filename = os.path.join(directory, *pieces)
            try:
                with open(filename, "rb") as file:
                    source = file.read().decode(self.encoding)
                mtime = os.path.getmtime(filename)
            except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
                continue

            def uptodate(filename: str = filename, mtime: float = mtime) -> bool:
                try:
                    return os.path.getmtime(filename) == mtime
                except OSError:
                    return False

            return source, os.path.normpath(filename), uptodate
        raise TemplateNotFound(name)

    def list_templates(self) -> list[str]:
        """The files below the search path, as names with ``/`` separators, sorted."""
        found: set[str] = set()
        for directory in self.searchpath:
            for folder, _, files in os.walk(directory):
                relative = os.path.relpath(folder, directory)
                prefix = "" if relative == os.curdir else relative.replace(os.sep, "/") + "/"
                found.update(prefix + file for file in files)
        return sorted(found)


class PackageLoader(FileSystemLoader):
    """Templates from the folder ``package_path`` of an importable package (Jinja's).

    Example: ``PackageLoader("myapp")`` serves ``myapp/templates/``, wherever the package
    is installed.

    The package is imported to find its folder on the file system: for a namespace
    package, the first of its folders that holds ``package_path``; for a plain module,
    the folder of its file. Unlike Jinja's, it reads only packages installed as files:
    a package imported from a zip file (or by another kind of importer) is a
    ``ValueError`` here.
    """

    def __init__(
        self, package_name: str, package_path: str = "templates", encoding: str = "utf-8"
    ) -> None:
        """Find ``package_name``'s ``package_path`` folder (``ValueError`` when there is
        none on the file system); its files are ``encoding``."""
        package_path = os.path.normpath(package_path).rstrip(os.sep)
        self.package_name = package_name
        self.package_path = "" if package_path == os.curdir else package_path
        super().__init__(_package_folder(package_name, self.package_path), encoding)


def _package_folder(package_name: str, package_path: str) -> str:
    """The folder ``package_path`` of the package ``package_name``, on the file system."""
    importlib.import_module(package_name)  # a namespace package has a spec once imported
    spec = importlib.util.find_spec(package_name)
    if spec is None:  # pragma: no cover - the import above succeeded
        raise ValueError(f"no import spec for the package {package_name!r}")
    if isinstance(spec.loader, zipimport.zipimporter):
        raise ValueError(
            f"PackageLoader reads packages on the file system; {package_name!r} was "
            "imported from a zip file"
        )
    if spec.submodule_search_locations:  # a package: one folder, or several (namespace)
        roots = list(spec.submodule_search_locations)
    else:  # a module: the folder of its file
        roots = [os.path.dirname(spec.origin)] if spec.origin else []
    for root in roots:
        folder = os.path.join(root, package_path)
        if os.path.isdir(folder):
            return folder
    raise ValueError(
        f"the package {package_name!r} has no folder {package_path!r} on the file system"
    )


class DictLoader(BaseLoader):
    """Templates from a dict of name → source (tests, small apps).

    >>> DictLoader({"hi.html": "Hi {{ name }}"}).list_templates()
    ['hi.html']
    """

    def __init__(self, mapping: Mapping[str, str]) -> None:
        """Serve the sources in ``mapping`` (changes to it are seen with auto_reload)."""
        self.mapping = mapping

    def get_source(self, environment: Environment, name: str) -> Source:
        """The source for ``name``; uptodate while the mapping holds the same text."""
        split_template_path(name)
        if name not in self.mapping:
            raise TemplateNotFound(name)
        source = self.mapping[name]
        return source, None, lambda: self.mapping.get(name) == source

    def list_templates(self) -> list[str]:
        """The mapping's names, sorted."""
        return sorted(self.mapping)


class FunctionLoader(BaseLoader):
    """Templates from a function of the name (Jinja's): it returns None (no such
    template), the source, or ``(source, filename, uptodate)`` as ``get_source`` does.

    >>> FunctionLoader({"hi.html": "Hi!"}.get).get_source(None, "hi.html")
    ('Hi!', None, None)

    A source alone is never reloaded (its ``uptodate`` is None). Names the loaders refuse
    (``../x``) never reach the function.
    """

    def __init__(self, load_func: Callable[[str], LoadResult]) -> None:
        """Ask ``load_func(name)`` for each template not in the cache."""
        self.load_func = load_func

    def get_source(self, environment: Environment, name: str) -> Source:
        """What ``load_func`` returns for ``name``, as a triple; None is ``TemplateNotFound``."""
        split_template_path(name)
        loaded = self.load_func(name)
        if loaded is None:
            raise TemplateNotFound(name)
        if isinstance(loaded, str):
            return loaded, None, None
        return loaded


class ChoiceLoader(BaseLoader):
    """Asks its loaders in order; the first that has the name serves it (Jinja's).

    >>> loader = ChoiceLoader([FileSystemLoader("/srv/overrides"), FileSystemLoader("templates")])

    ``loaders`` is read on every call, so a list changed later (or any iterable that
    yields loaders) is followed: an app's environment dispatches to ``app.jinja_loader``
    and its blueprints' this way.
    """

    def __init__(self, loaders: Iterable[BaseLoader]) -> None:
        """Ask ``loaders`` in order."""
        self.loaders = loaders

    def get_source(self, environment: Environment, name: str) -> Source:
        """The first loader's source for ``name``; ``TemplateNotFound`` if none has it."""
        split_template_path(name)
        for loader in self.loaders:
            try:
                return loader.get_source(environment, name)
            except TemplateNotFound:
                continue
        raise TemplateNotFound(name)

    def list_templates(self) -> list[str]:
        """Every loader's names, once each, sorted."""
        found: set[str] = set()
        for loader in self.loaders:
            found.update(loader.list_templates())
        return sorted(found)


class PrefixLoader(BaseLoader):
    """Picks a loader by the name's prefix: ``"admin/index.html"`` is ``index.html`` of
    ``mapping["admin"]`` (Jinja's).

    >>> loader = PrefixLoader({"app": FileSystemLoader("templates"),
    ...                        "admin": FileSystemLoader("admin/templates")})
    """

    def __init__(self, mapping: Mapping[str, BaseLoader], delimiter: str = "/") -> None:
        """Map prefixes to loaders; ``delimiter`` ends the prefix."""
        self.mapping = mapping
        self.delimiter = delimiter

    def get_loader(self, name: str) -> tuple[BaseLoader, str]:
        """The loader ``name``'s prefix picks and the rest of the name
        (``TemplateNotFound`` without a known prefix)."""
        prefix, found, rest = name.partition(self.delimiter)
        loader = self.mapping.get(prefix) if found else None
        try:  # the whole name, and the part the loader below is handed (rule 1)
            split_template_path(name)
            split_template_path(rest)
        except TemplateNotFound:
            loader = None
        if loader is None:
            raise TemplateNotFound(name)
        return loader, rest

    def get_source(self, environment: Environment, name: str) -> Source:
        """The picked loader's source for the rest of the name; a missing template is
        ``TemplateNotFound`` of the whole name, as in Jinja."""
        loader, rest = self.get_loader(name)
        try:
            return loader.get_source(environment, rest)
        except TemplateNotFound as error:
            raise TemplateNotFound(name) from error

    def list_templates(self) -> list[str]:
        """Every loader's names with their prefix, sorted."""
        return sorted(
            prefix + self.delimiter + name
            for prefix, loader in self.mapping.items()
            for name in loader.list_templates()
        )
