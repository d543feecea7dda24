"""The template engine's public face: ``Environment``, ``Template`` (and the loaders).

Where it fits: ``render_template`` (framework half) asks an ``Environment`` for a
template by name; the environment loads the text through its loader (the loaders live in
``template_loaders`` and are re-exported here, Jinja's names in one place), compiles it once
with ``template_compiler`` into a Python module, caches it, and ``Template.render`` runs
the module's ``root`` function. The engine's other modules, in the order a template
goes through them: ``template_lexer`` (text to tokens, whitespace control),
``template_parser`` (expressions), ``template_compiler`` (statements, Python source, with
``template_codegen``), ``template_runtime`` (what the generated code calls: attribute
lookup, loops, macros, blocks), ``template_filters`` and ``markup`` (filters, tests and
escaping); ``template_stream`` compiles the generator variant ``Template.generate`` runs.

Rules:
1. Templates are trusted code written by the application's authors. This is not a
   sandbox: it only refuses attributes starting with ``_`` so that the classic
   ``''.__class__.__mro__`` climb fails loudly (``'{0.__class__}'.format(x)`` too:
   ``template_filters.refuse_private_fields``).
2. Loaders refuse names with ``..`` segments, absolute paths and NUL (path traversal,
   CWE-22; ``template_loaders``, rule 1); template names and text reach Python only through ``repr()`` and
   ``compile()``'s filename (template_compiler, rule 1).
3. Output equals Jinja2's for the supported language (whitespace included).
4. A runtime error's traceback shows template lines, not generated Python lines.

Usage::

    env = Environment(loader=FileSystemLoader("templates"))
    html = env.get_template("hello.html").render(name="<World>")

Spec: https://jinja.palletsprojects.com/en/3.1.x/api/ (names mirror Jinja's API).
"""

from __future__ import annotations

import functools
import linecache
import types
import warnings
from collections import ChainMap
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Callable, Optional

from .markup import Markup, escape
from .template_compiler import TemplateSyntaxError, compile_template
from .template_filters import (
    FILTERS,
    FilterArgumentError,
    SecurityError,
    StrictUndefined,
    TemplateError,
    TemplateRuntimeError,
    Undefined,
    UndefinedError,
    pass_context,
    pass_environment,
    pass_eval_context,
)
from .template_formatting import FORMATTING_FILTERS
from .template_lexer import Delimiters, check_options
from .template_loaders import (
    BaseLoader,
    ChoiceLoader,
    DictLoader,
    FileSystemLoader,
    FunctionLoader,
    PackageLoader,
    PrefixLoader,
    TemplateNotFound,
    Uptodate,
)
from .template_loaders import (
    split_template_path as split_template_path,  # re-exported: it lived here
)
from .template_runtime import (
    Blocks,
    Context,
    Cycler,
    Joiner,
    Namespace,
    TemplateModule,
    call_with_context,
    generate_lorem_ipsum,
    runtime_namespace,
)
from .template_stream import TemplateStream, compile_stream, generate_pieces, stream_namespace
from .template_tests import TESTS
from .template_urlize import do_urlize

__all__ = [
    "BaseLoader",
    "ChoiceLoader",
    "Context",
    "DictLoader",
    "Environment",
    "FileSystemLoader",
    "FilterArgumentError",
    "FunctionLoader",
    "Markup",
    "PackageLoader",
    "PrefixLoader",
    "SecurityError",
    "StrictUndefined",
    "Template",
    "TemplateError",
    "TemplateNotFound",
    "TemplateRuntimeError",
    "TemplateStream",
    "TemplateSyntaxError",
    "TemplatesNotFound",
    "Undefined",
    "UndefinedError",
    "escape",
    "pass_context",
    "pass_environment",
    "pass_eval_context",
    "select_autoescape",
]

Globals = Optional[Mapping[str, Any]]  # a template's own globals (Jinja's globals=)


class TemplatesNotFound(TemplateNotFound):
    """None of several names was found (``select_template``, ``{% include [...] %}``)."""

    def __init__(self, names: Sequence[Any] = ()) -> None:
        """``names``: the names tried, in order (``.templates``); ``.name`` is the last."""
        if names:
            tried = [
                name._undefined_message if isinstance(name, Undefined) else str(name)
                for name in names
            ]
            message = "none of the templates given were found: " + ", ".join(tried)
        else:
            message = "Tried to select from an empty list of templates."
        super().__init__(names[-1] if names else None, message)
        self.templates = list(names)


def _rewrite_traceback(error: BaseException) -> BaseException:
    """Point the traceback's template frames at template lines (their ``_line_map``)."""
    entries = []
    traceback = error.__traceback__
    while traceback is not None:
        entries.append(traceback)
        traceback = traceback.tb_next
    rewritten: types.TracebackType | None = None
    location: tuple[int, str] | None = None
    for entry in reversed(entries):
        namespace = entry.tb_frame.f_globals
        line_map = namespace.get("_line_map") if "_template_name" in namespace else None
        if line_map is None or not 0 < entry.tb_lineno <= len(line_map):
            rewritten = types.TracebackType(
                rewritten, entry.tb_frame, entry.tb_lasti, entry.tb_lineno
            )
            continue
        lineno = line_map[entry.tb_lineno - 1]
        location = location or (lineno, namespace["_template_name"])
        # tb_lasti -1: tracebacks then use tb_lineno, not the Python line (3.11+).
        rewritten = types.TracebackType(rewritten, entry.tb_frame, -1, lineno)
    if location is not None:
        # A TemplateNotFound's name is the missing template's (Jinja's), not where it was asked for.
        if (
            isinstance(error, TemplateError)
            and error.lineno is None
            and not isinstance(error, TemplateNotFound)
        ):
            error.lineno, error.name = location
        elif hasattr(error, "add_note"):
            error.add_note(f"in template {location[1]!r}, line {location[0]}")
    return error.with_traceback(rewritten)


# -- Environment and Template -----------------------------------------------------------


def select_autoescape(
    enabled_extensions: Iterable[str] = ("html", "htm", "xml", "svg"),
    disabled_extensions: Iterable[str] = (),
    default_for_string: bool = True,
    default: bool = False,
) -> Callable[[str | None], bool]:
    """An ``autoescape`` function of the template name, as Jinja's ``select_autoescape``.

    >>> select_autoescape()("page.html"), select_autoescape()("mail.txt")
    (True, False)
    """
    enabled = tuple(f".{extension.lstrip('.').lower()}" for extension in enabled_extensions)
    disabled = tuple(f".{extension.lstrip('.').lower()}" for extension in disabled_extensions)

    def autoescape(name: str | None) -> bool:
        if name is None:
            return default_for_string
        name = name.lower()
        if name.endswith(enabled):
            return True
        return False if name.endswith(disabled) else default

    return autoescape


DEFAULT_POLICIES: dict[str, Any] = {
    "urlize.rel": "noopener",  # words always in a link's rel (nofollow=True adds one)
    "urlize.target": None,  # a link's target when the filter is given none
    "urlize.extra_schemes": None,  # schemes linked besides http(s), mailto and www.
    "json.dumps_function": None,  # what |tojson serializes with (None: json.dumps)
    "json.dumps_kwargs": {"sort_keys": True},  # and the keywords it passes
}


class Environment:
    """Configuration and cache of compiled templates.

    >>> env = Environment(loader=DictLoader({"a.html": "{{ x|upper }}"}))
    >>> env.get_template("a.html").render(x="<b>")
    '&lt;B&gt;'

    ``autoescape`` is a bool or a function of the template name (default: on for
    ``.html .htm .xml .svg`` names and for string templates). ``undefined`` is
    ``Undefined`` (Jinja's default), ``StrictUndefined`` or the string ``"strict"``.

    ``trim_blocks``, ``lstrip_blocks`` and ``keep_trailing_newline`` are Jinja's lexer
    options, off by default (rules in ``template_lexer``): trim_blocks drops the first
    newline after a block tag or comment, lstrip_blocks the indentation before one,
    keep_trailing_newline keeps the template's final newline. They are plain attributes,
    read whenever a template is compiled, so ``env.trim_blocks = True`` (Flask's
    ``app.jinja_env.trim_blocks = True``) works after construction. Templates already
    compiled and cached keep the whitespace they were compiled with (Jinja does not
    invalidate them either): set the options before loading templates, or clear
    ``env.cache``. So are ``newline_sequence`` (``"\\r\\n"`` writes the template's
    newlines as CRLF) and the delimiters, ``block_start_string`` (``"{%"``),
    ``block_end_string``, ``variable_start_string``, ``variable_end_string``,
    ``comment_start_string`` and ``comment_end_string``, for pages that also hold
    templates of a JavaScript framework:

    >>> Environment(variable_start_string="[[", variable_end_string="]]").from_string(
    ...     "[[ user ]] {{ message }}").render(user="Ann")
    'Ann {{ message }}'

    ``finalize``, as in Jinja, is called with the value of every ``{{ }}`` before it is
    escaped and written (not with the template's text); it may be marked
    ``pass_context``, ``pass_eval_context`` or ``pass_environment``. Like the options
    above it is read when a template is compiled:

    >>> Environment(finalize=lambda v: "" if v is None else v).from_string(
    ...     "[{{ note }}]").render(note=None)
    '[]'

    >>> env = Environment(trim_blocks=True, lstrip_blocks=True)
    >>> env.from_string("<ul>\\n  {% for x in 'ab' %}\\n  <li>{{ x }}\\n  {% endfor %}\\n</ul>").render()
    '<ul>\\n  <li>a\\n  <li>b\\n</ul>'
    """

    # The class get_template and from_string make (Jinja's attribute; set below Template).
    template_class: type[Template]

    def __init__(
        self,
        loader: BaseLoader | None = None,
        autoescape: bool | Callable[[str | None], bool] = select_autoescape(),
        auto_reload: bool = True,
        undefined: type[Undefined] | str = Undefined,
        trim_blocks: bool = False,
        lstrip_blocks: bool = False,
        keep_trailing_newline: bool = False,
        newline_sequence: str = "\n",
        block_start_string: str = "{%",
        block_end_string: str = "%}",
        variable_start_string: str = "{{",
        variable_end_string: str = "}}",
        comment_start_string: str = "{#",
        comment_end_string: str = "#}",
        finalize: Callable[..., Any] | None = None,
    ) -> None:
        """Create an environment; ``globals``, ``filters`` and ``tests`` may be extended,
        ``policies`` changed (``env.policies["urlize.target"] = "_blank"``).

        ``ValueError`` for lexer options Jinja refuses too (``template_lexer.check_options``).
        """
        self.loader = loader
        self.trim_blocks = trim_blocks
        self.lstrip_blocks = lstrip_blocks
        self.keep_trailing_newline = keep_trailing_newline
        self.newline_sequence = newline_sequence
        self.block_start_string, self.block_end_string = block_start_string, block_end_string
        self.variable_start_string = variable_start_string
        self.variable_end_string = variable_end_string
        self.comment_start_string = comment_start_string
        self.comment_end_string = comment_end_string
        check_options(newline_sequence, self.delimiters())
        self.autoescape = autoescape
        self.auto_reload = auto_reload
        self.finalize = finalize
        if isinstance(undefined, str):
            if undefined not in ("strict", "default"):
                raise ValueError("undefined must be 'default', 'strict' or an Undefined class")
            undefined = StrictUndefined if undefined == "strict" else Undefined
        self.undefined: type[Undefined] = undefined
        self.globals: dict[str, Any] = {
            "range": range,
            "dict": dict,
            "namespace": Namespace,
            "cycler": Cycler,
            "joiner": Joiner,
            "lipsum": generate_lorem_ipsum,
        }
        self.filters: dict[str, Callable[..., Any]] = {
            **FILTERS,
            **FORMATTING_FILTERS,
            "urlize": do_urlize,
        }
        self.tests: dict[str, Callable[..., bool]] = dict(TESTS)
        # Jinja's policies that tinyweb reads: the urlize filter's defaults.
        self.policies: dict[str, Any] = dict(DEFAULT_POLICIES)
        self.cache: dict[str, Template] = {}
        self._namespaces: dict[tuple[bool, bool], dict[str, Any]] = {}

    def get_template(
        self, name: str | Template | Undefined, parent: str | None = None, globals: Globals = None
    ) -> Template:
        """The compiled template ``name`` (cached; recompiled when its source changed).

        As in Jinja: ``parent`` is the name of the template asking (``join_path`` may
        resolve ``name`` against it), and ``globals`` are the template's own, added to a
        cached template's, and read before the environment's. An undefined ``name``
        (``{% include page %}`` without ``page``) raises its ``UndefinedError``."""
        if isinstance(name, Template):
            return name
        if isinstance(name, Undefined):
            name._fail()
        if parent is not None:
            name = self.join_path(name, parent)
        template = self.cache.get(name)
        if template is not None and (not self.auto_reload or template.is_up_to_date()):
            template.globals.maps[0].update(globals or {})
            return template
        if self.loader is None:
            raise TypeError("no loader for this environment specified")
        source, filename, uptodate = self.loader.get_source(self, name)
        template = self.template_class(source, self, name, filename, uptodate, globals=globals)
        self.cache[name] = template
        return template

    def list_templates(
        self,
        extensions: Iterable[str] | None = None,
        filter_func: Callable[[str], bool] | None = None,
    ) -> list[str]:
        """The loader's template names, sorted: those ending in one of ``extensions``
        (``["html"]``), or those ``filter_func`` accepts, as in Jinja."""
        if self.loader is None:
            raise TypeError("no loader for this environment specified")
        if extensions is not None:
            if filter_func is not None:
                raise TypeError("either extensions or filter_func can be passed, but not both")
            wanted = set(extensions)
            filter_func = lambda name: "." in name and name.rsplit(".", 1)[1] in wanted  # noqa: E731
        names = self.loader.list_templates()
        return names if filter_func is None else [name for name in names if filter_func(name)]

    def join_path(self, template: str, parent: str) -> str:
        """The name ``template`` asked for from ``parent``: unchanged (Jinja's default, for
        subclasses that resolve relative names)."""
        return template

    def select_template(
        self,
        names: Iterable[str | Template],
        parent: str | None = None,
        globals: Globals = None,
    ) -> Template:
        """The first of ``names`` that exists (a ``Template`` is taken as it is), as
        Jinja's; ``TemplatesNotFound`` when none does. Flask's ``render_template`` and
        ``{% include [...] %}`` pick a template this way; an undefined name in the list
        is skipped, as in Jinja."""
        if isinstance(names, Undefined):
            names._fail()
        names = list(names)
        for name in names:
            try:
                return self.get_template(name, parent, globals)
            except (TemplateNotFound, UndefinedError):
                continue
        raise TemplatesNotFound(names)

    def get_or_select_template(
        self,
        name: str | Template | Iterable[str | Template],
        parent: str | None = None,
        globals: Globals = None,
    ) -> Template:
        """``get_template`` for a name, a ``Template`` or an undefined value,
        ``select_template`` for a list."""
        if isinstance(name, (str, Template, Undefined)):
            return self.get_template(name, parent, globals)
        return self.select_template(name, parent, globals)

    def from_string(
        self, source: str, globals: Globals = None, template_class: type[Template] | None = None
    ) -> Template:
        """Compile template text that has no name (autoescape: the string default), with
        its own ``globals`` and of ``template_class`` if given, as in Jinja."""
        return (template_class or self.template_class)(source, self, globals=globals)

    def delimiters(self) -> Delimiters:
        """The six delimiter strings, as the attributes say now."""
        return Delimiters(
            self.block_start_string,
            self.block_end_string,
            self.variable_start_string,
            self.variable_end_string,
            self.comment_start_string,
            self.comment_end_string,
        )

    def select_autoescape(self, name: str | None) -> bool:
        """Is autoescape on for the template ``name``?"""
        if callable(self.autoescape):
            return bool(self.autoescape(name))
        return bool(self.autoescape)

    def namespace(self, autoescape: bool, stream: bool = False) -> dict[str, Any]:
        """The runtime names for generated code (built once per autoescape setting), or
        for the generator variant of ``Template.generate`` (``stream``)."""
        key = (autoescape, stream)
        if key not in self._namespaces:
            make = stream_namespace if stream else runtime_namespace
            self._namespaces[key] = make(self, autoescape)
        return self._namespaces[key]

    def _included(self, name: Any, ignore_missing: bool) -> Template | None:
        """The template ``{% include %}`` renders: the first of ``name`` (a name, a
        ``Template`` or a list of them) that exists, or None if missing is allowed."""
        try:
            return self.get_or_select_template(name)
        except TemplateNotFound:
            if ignore_missing:
                return None
            raise

    @staticmethod
    def _context_for(template: Template, ctx: dict[str, Any] | None) -> dict[str, Any]:
        """A copy of the including template's context, or ``template``'s globals
        (``without context``)."""
        return template.global_context() if ctx is None else dict(ctx)

    def _include(
        self, name: Any, ctx: dict[str, Any] | None, out: list[str], ignore_missing: bool
    ) -> None:
        """Render the template(s) ``name`` into ``out`` with a copy of the context."""
        template = self._included(name, ignore_missing)
        if template is not None:
            template.root(self._context_for(template, ctx), template.new_blocks(), out)

    def _stream_include(
        self, name: Any, ctx: dict[str, Any] | None, out: None, ignore_missing: bool
    ) -> Iterator[str]:
        """``_include`` for a streamed template: yield the included template's pieces."""
        template = self._included(name, ignore_missing)
        if template is not None:
            yield from template.stream_root(self._context_for(template, ctx))

    def _import(self, name: Any, ctx: dict[str, Any] | None) -> TemplateModule:
        """Run template ``name`` for its top-level macros and sets (``{% import %}``)."""
        return self._module_of(self.get_template(name), ctx)

    def _module_of(self, template: Template, ctx: dict[str, Any] | None) -> TemplateModule:
        """``template``'s exports, run with ``ctx`` (``with context``) or the globals only."""
        if ctx is None and template._module is not None:
            return template._module  # without context, a template's exports never change
        context = self._context_for(template, ctx)
        before = set(context)
        out: list[str] = []
        template.root(context, template.new_blocks(), out)
        exports = {
            key: value for key, value in context.items() if key not in before or ctx is not None
        }
        public = {key: exports[key] for key in exports if not key.startswith("_")}
        module = TemplateModule(template.name, "".join(out), public)
        if ctx is None:
            template._module = module
        return module


def _missing(kind: str, name: str) -> Callable[..., Any]:
    """What a template calls for a filter or test the environment lacks: one used under
    an ``if`` compiles (template_parser's ``note_unknown``) and fails only here."""

    def fail(*args: Any, **kwargs: Any) -> Any:
        raise TemplateRuntimeError(f"no {kind} named {name!r}")

    return fail


@functools.lru_cache(maxsize=16)
def _shared_environment(**options: Any) -> Environment:
    """The environment of ``Template(source, **options)``: one per set of options."""
    return Environment(**options)


class Template:
    """A compiled template: ``render(**context)`` returns the text.

    >>> Template("Hello {{ name }}!").render(name="<World>")
    'Hello &lt;World&gt;!'

    Without an environment, keyword options are ``Environment``'s (as in Jinja), and
    templates with the same options share one:

    >>> Template("{% if true %}\\nA{% endif %}", trim_blocks=True).render()
    'A'
    """

    def __init__(
        self,
        source: str,
        environment: Environment | None = None,
        name: str | None = None,
        filename: str | None = None,
        uptodate: Uptodate | None = None,
        *,
        globals: Globals = None,
        **options: Any,
    ) -> None:
        """Compile ``source`` (``Template(source)`` alone uses a default Environment).

        ``globals``: the template's own, read before the environment's (``.globals``).
        """
        if environment is None:
            environment = _shared_environment(**options)
        elif options:
            raise TypeError("options belong to the environment: Environment(**options)")
        self.environment, self.name, self.filename = environment, name, filename
        self.globals = ChainMap(dict(globals or {}), environment.globals)
        self.uptodate = uptodate
        self._module: TemplateModule | None = None  # exports, made on first use
        self.autoescape = environment.select_autoescape(name)
        self._finalize = environment.finalize  # as compiled, for the streaming variant too
        self.root, self.blocks = self._compile(source)
        # The generator variant, compiled when first streamed (template_stream, rule 1).
        self._source = source
        self._streaming: tuple[Callable[..., Any], dict[str, Callable[..., Any]]] | None = None

    def _compile(
        self, source: str, stream: bool = False
    ) -> tuple[Callable[..., Any], dict[str, Callable[..., Any]]]:
        environment = self.environment
        compiled = (compile_stream if stream else compile_template)(
            source,
            self.name,
            environment.filters,
            environment.tests,
            self.globals,
            self._finalize,
            trim_blocks=environment.trim_blocks,
            lstrip_blocks=environment.lstrip_blocks,
            keep_trailing_newline=environment.keep_trailing_newline,
            newline_sequence=environment.newline_sequence,
            delimiters=environment.delimiters(),
        )
        namespace = dict(environment.namespace(self.autoescape, stream))
        for kind, used in (("filter", compiled.filters), ("test", compiled.tests)):
            functions = environment.filters if kind == "filter" else environment.tests
            for name, local in used.items():
                namespace[local] = functions.get(name) or _missing(kind, name)
        if compiled.uses_context:  # only a template that passes the context pays for it
            namespace["_context"] = functools.partial(Context, environment, self.name, self.globals)
            namespace["_call_context"] = call_with_context
        namespace["_line_map"] = compiled.line_map
        namespace["_template_name"] = self.name or "<string>"
        namespace["_finalize"] = self._finalize
        filename = self.filename or f"<template {self.name or '<string>'}>"
        if self.filename is None and self.name is not None:  # show DictLoader lines too
            # Split where the lexer counts lines (\r\n, \r, \n; a form feed is no line end).
            text = source.replace("\r\n", "\n").replace("\r", "\n")
            lines = [f"{line}\n" for line in text.split("\n")]
            linecache.cache[filename] = (len(source), None, lines, filename)
        try:
            with warnings.catch_warnings():  # "1.5()" is a runtime TypeError, as in Jinja
                warnings.simplefilter("ignore", SyntaxWarning)
                code = compile(compiled.source, filename, "exec")
        except (SyntaxError, RecursionError, MemoryError) as error:  # Python's nesting limits
            # "too many statically nested blocks" names a generated line: map it back.
            line_map, python_line = compiled.line_map, getattr(error, "lineno", None) or 0
            lineno = line_map[python_line - 1] if 0 < python_line <= len(line_map) else None
            raise TemplateSyntaxError("template nested too deeply", lineno, self.name) from None
        exec(code, namespace)
        return namespace["root"], namespace["BLOCKS"]

    @property
    def module(self) -> TemplateModule:
        """What the template defines at its top level (macros, ``{% set %}`` names not
        starting with ``_``), run once without a context, as ``{% import %}`` sees it.

        >>> Template("{% macro hi(name) %}Hi {{ name }}!{% endmacro %}").module.hi("<b>")
        Markup('Hi &lt;b&gt;!')
        """
        return self.environment._module_of(self, None)

    def is_up_to_date(self) -> bool:
        """False when the loader says the source changed since compiling."""
        return self.uptodate is None or self.uptodate()

    def new_blocks(self, blocks: dict[str, Callable[..., Any]] | None = None) -> Blocks:
        """A fresh block chain for one render (children extend it with their parents): of
        ``blocks``, the streaming variant's, or else of the template's own."""
        chosen = self.blocks if blocks is None else blocks
        return {name: [function] for name, function in chosen.items()}

    def global_context(self) -> dict[str, Any]:
        """A fresh context of the globals alone: the environment's, then the template's."""
        return {**self.environment.globals, **self.globals.maps[0]}

    def render(self, *args: Any, **kwargs: Any) -> str:
        """Render with the context given like ``dict(...)`` arguments.

        >>> Template("{% for x in items %}{{ loop.index }}{% endfor %}").render(items="ab")
        '12'
        """
        ctx = self.global_context()
        ctx.update(*args, **kwargs)
        out: list[str] = []
        try:
            self.root(ctx, self.new_blocks(), out)
        except Exception as error:
            # The same exception, its cause and context kept; only the traceback changes.
            raise _rewrite_traceback(error)  # noqa: B904
        return "".join(out)

    def streaming_functions(self) -> tuple[Callable[..., Any], dict[str, Callable[..., Any]]]:
        """``root`` and the blocks of the template's generator variant (template_stream),
        compiled the first time they are asked for."""
        if self._streaming is None:
            self._streaming = self._compile(self._source, stream=True)
        return self._streaming

    def stream_root(self, ctx: dict[str, Any]) -> Iterator[str]:
        """The pieces of the generator variant's ``root`` run with ``ctx`` and a fresh
        block chain (``generate``, and a streamed ``{% include %}``)."""
        root, blocks = self.streaming_functions()
        return generate_pieces(root, ctx, self.new_blocks(blocks))

    def generate(self, *args: Any, **kwargs: Any) -> Iterator[str]:
        """Render piece by piece: an iterator of ``str`` whose first piece is produced
        before the rest of the template runs (Jinja's ``generate``). Joined, the pieces
        are ``render``'s text; an error is raised by the iteration that reaches it, its
        traceback pointing at template lines as ``render``'s does.

        >>> list(Template("<ul>{% for x in 'ab' %}<li>{{ x }}{% endfor %}</ul>").generate())
        ['<ul>', '<li>', 'a', '<li>', 'b', '</ul>']
        """
        ctx = self.global_context()
        ctx.update(*args, **kwargs)
        try:
            yield from self.stream_root(ctx)
        except Exception as error:
            raise _rewrite_traceback(error)  # noqa: B904 (as in render)

    def stream(self, *args: Any, **kwargs: Any) -> TemplateStream:
        """``generate``'s pieces as a ``TemplateStream`` (buffering, ``dump`` to a file).

        >>> "".join(Template("Hi {{ name }}!").stream(name="Ann"))
        'Hi Ann!'
        """
        return TemplateStream(self.generate(*args, **kwargs))

    def __repr__(self) -> str:
        return f"<Template {self.name or '<string>'!r}>"


Environment.template_class = Template
