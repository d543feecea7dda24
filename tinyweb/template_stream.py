"""Streaming templates: a second compilation in which the template yields its text.

Where it fits: ``templating.Template.generate`` (and ``stream``, which wraps it in a
``TemplateStream``) asks, the first time a template is streamed, for this variant of its
module: ``compile_stream`` runs ``template_compiler``'s ``Compiler`` with the few changes
of ``StreamCompiler``, and ``stream_namespace`` gives the generated code generator
versions of the runtime helpers that render blocks, includes and parents.

In the variant, ``root`` and the block functions are generators: ``{{ user.name }}`` at
the top level becomes ``yield _escape(...)`` instead of ``_append(_escape(...))``, and a
block, an include or the parent template is delegated with ``yield from``, so the first
piece of a page is available before the rest is evaluated (Jinja's ``generate``)::

    def root(ctx, blocks, _out):
        yield '<ul>'
        yield from _stream_block('items', ctx, blocks, _out)

Rules:
1. ``render`` pays nothing: the variant is compiled only when a template is first
   streamed (a parent or an included template when the streaming reaches it).
2. The text is ``render``'s, piece for piece joined (tests/test_template_stream.py checks
   it over the template fuzz seeds): the parser, scopes and escaping are the compiler's
   own; only where output goes changes.
3. Text needed as a value is still collected in a list, as in ``render`` and in Jinja:
   macro and call-block bodies, ``{% filter %}`` and ``{% set %}`` blocks, recursive loops,
   ``super()`` and ``self.name()``.
4. After a conditional ``{% extends %}`` ran, the child's own output is dropped, as
   ``render`` takes it back: each later top-level piece is still evaluated (its errors
   and side effects are ``render``'s) but yielded only while there is no parent.

Spec: https://jinja.palletsprojects.com/en/3.1.x/api/#jinja2.Template.generate and
``TemplateStream`` on the same page.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from typing import IO, TYPE_CHECKING, Any, Callable

from .template_compiler import Compiled, Compiler
from .template_filters import TemplateRuntimeError, UndefinedError
from .template_parser import tokenize
from .template_runtime import Blocks, extend_chain

if TYPE_CHECKING:  # (templating imports this module: only the type checker needs these)
    from .templating import Environment, Template

__all__ = [
    "StreamCompiler",
    "TemplateStream",
    "compile_stream",
    "generate_pieces",
    "stream_namespace",
]


class StreamCompiler(Compiler):
    """``Compiler`` writing generators: output of ``root`` and blocks is yielded."""

    def streaming(self) -> bool:
        """Does output here go to the page (``root`` or a block), not to a list?"""
        return bool(self.functions) and self.function.buffer == "_out"

    def after_extends(self) -> bool:
        """In ``root``, after an ``{% extends %}`` (a conditional one, or nothing would
        be output here): output is yielded only if no parent was loaded (rule 4)."""
        return self.function.kind == "root" and bool(self.extends_marks)

    def flush(self) -> None:
        """Write the queued output as ``yield`` statements, one per piece."""
        if not self.pending or not self.streaming():
            super().flush()
            return
        pieces, self.pending = self.pending, []
        builder = self.function.builder
        for piece, lineno in pieces:
            if self.after_extends():
                builder.line(f"_piece = {piece}", lineno)
                builder.line("if _parent is None: yield _piece", lineno)
            else:
                builder.line(f"yield {piece}", lineno)

    def render_call(self, helper: str, arguments: str, lineno: int, guarded: bool) -> None:
        """A block or include of ``root`` or a block is delegated to its generator helper
        (``_stream_block``...: same arguments, the output list unused) with ``yield from``;
        elsewhere (a macro, a ``{% set %}`` block) it still fills a list."""
        if not self.streaming():
            super().render_call(helper, arguments, lineno, guarded)
            return
        call = f"_stream{helper}({arguments})"
        if not guarded and self.after_extends():  # an include after an extends: rule 4
            call = f"_unless_extended(_parent, {call})"
        self.emit(
            f"if _parent is None: yield from {call}" if guarded else f"yield from {call}", lineno
        )

    def mark_extended(self) -> str:
        """As ``Compiler``'s, with no output list to mark: yielded text is never taken back."""
        return "_mark = _extended(_mark, 0)"

    def render_parent(self, take_back: bool) -> str:
        """Yield the parent's pieces (the child's own were yielded only with no parent)."""
        return "yield from _stream_parent(_parent, ctx, blocks)"


def compile_stream(
    source: str,
    name: str | None,
    filters: dict[str, Any],
    tests: dict[str, Any],
    globals: Mapping[str, Any] | None = None,
    finalize: Callable[..., Any] | None = None,
    **options: Any,
) -> Compiled:
    """Compile template text into the generator variant (``compile_template``'s
    arguments).

    >>> compiled = compile_stream("Hi {{ user }}!", None, {}, {})
    >>> "yield 'Hi '" in compiled.source
    True
    """
    tokens = tokenize(source, name, **options)
    return StreamCompiler(tokens, name, filters, tests, globals, finalize).compile()


def generate_pieces(
    function: Callable[..., Any], ctx: dict[str, Any], blocks: Blocks, *rest: Any
) -> Iterator[str]:
    """The pieces of a generated ``root`` or block function (one with no output at all
    compiles to a plain function, which returns None)."""
    return function(ctx, blocks, *rest, None) or iter(())


def stream_namespace(environment: Environment, autoescape: bool) -> dict[str, Any]:
    """The runtime names of the generator variant: ``runtime_namespace``'s, with blocks,
    includes and parents rendered by generators."""
    namespace = dict(environment.namespace(autoescape))
    markup: Callable[[str], str] = namespace["_markup"]

    def stream_block(name: str, ctx: dict[str, Any], blocks: Blocks, out: Any) -> Iterator[str]:
        yield from generate_pieces(blocks[name][0], ctx, blocks, 0)

    def stream_required(name: str, ctx: dict[str, Any], blocks: Blocks, out: Any) -> Iterator[str]:
        if len(blocks[name]) <= 1:  # (template_runtime's _render_required)
            raise TemplateRuntimeError(f"required block {name!r} not found")
        yield from stream_block(name, ctx, blocks, out)

    def block_into(name: str, ctx: dict[str, Any], blocks: Blocks, out: list[str]) -> None:
        out.extend(stream_block(name, ctx, blocks, out))  # a block inside {% filter %}...

    def required_into(name: str, ctx: dict[str, Any], blocks: Blocks, out: list[str]) -> None:
        out.extend(stream_required(name, ctx, blocks, out))

    def render_super(ctx: dict[str, Any], blocks: Blocks, name: str, level: int) -> Any:
        chain = blocks[name]
        if level + 1 >= len(chain):
            raise UndefinedError(f"there is no parent block called {name!r}")
        return markup("".join(generate_pieces(chain[level + 1], ctx, blocks, level + 1)))

    def text_block(text: str) -> Callable[..., Iterator[str]]:
        def render_text(ctx: dict[str, Any], blocks: Blocks, level: int, out: Any) -> Iterator[str]:
            yield text

        return render_text

    def stream_parent(parent: Template, ctx: dict[str, Any], blocks: Blocks) -> Iterator[str]:
        root, parent_blocks = parent.streaming_functions()
        extend_chain(blocks, parent_blocks)
        yield from generate_pieces(root, ctx, blocks)

    namespace.update(
        _stream_block=stream_block,
        _stream_required=stream_required,
        _stream_include=environment._stream_include,
        _stream_parent=stream_parent,
        _block=block_into,
        _required=required_into,
        _super=render_super,
        _text_block=text_block,
        _unless_extended=_unless_extended,
    )
    return namespace


def _unless_extended(parent: Template | None, pieces: Iterable[str]) -> Iterator[str]:
    """``pieces`` (an include's), all computed, yielded only when ``parent`` is None."""
    for piece in pieces:
        if parent is None:
            yield piece


class TemplateStream:
    """The pieces of a streamed template, as Jinja's ``TemplateStream``: iterate it for
    ``str`` pieces, ``dump`` it to a file; ``enable_buffering`` joins pieces in groups.

    >>> from tinyweb.templating import Template
    >>> stream = Template("{% for x in 'abc' %}{{ x }}{% endfor %}").stream()
    >>> stream.enable_buffering(size=2)
    >>> list(stream)
    ['ab', 'c']
    """

    def __init__(self, pieces: Iterator[str]) -> None:
        """Stream ``pieces`` (a ``Template.generate`` iterator), unbuffered."""
        self._pieces = pieces
        self.buffered = False
        self._next: Callable[[], str] = self._pieces.__next__

    def disable_buffering(self) -> None:
        """Give each piece as soon as the template produced it (the default)."""
        self.buffered = False
        self._next = self._pieces.__next__

    def enable_buffering(self, size: int = 5) -> None:
        """Give ``size`` non-empty pieces at a time, joined (fewer writes to a socket).

        ``ValueError`` when ``size`` is below 2, as in Jinja.
        """
        if size <= 1:
            raise ValueError("buffer size too small")
        self.buffered = True
        self._next = self._buffered(size).__next__

    def _buffered(self, size: int) -> Iterator[str]:
        group: list[str] = []
        count = 0
        for piece in self._pieces:
            group.append(piece)
            count += 1 if piece else 0
            if count >= size:
                yield "".join(group)
                group, count = [], 0
        if count:
            yield "".join(group)

    def dump(
        self,
        fp: str | os.PathLike[str] | IO[Any],
        encoding: str | None = None,
        errors: str = "strict",
    ) -> None:
        """Write the whole stream to ``fp``: a file name (written as ``encoding``, UTF-8
        by default) or an open file, written ``str`` or, with an ``encoding``, bytes.

        >>> import io
        >>> from tinyweb.templating import Template
        >>> buffer = io.StringIO()
        >>> Template("Hi {{ name }}").stream(name="Ann").dump(buffer)
        >>> buffer.getvalue()
        'Hi Ann'
        """
        if isinstance(fp, (str, os.PathLike)):
            with open(fp, "wb") as file:
                self.dump(file, encoding or "utf-8", errors)
            return
        pieces: Iterable[Any] = self
        if encoding is not None:
            pieces = (piece.encode(encoding, errors) for piece in self)
        for piece in pieces:
            fp.write(piece)

    def __iter__(self) -> TemplateStream:
        return self

    def __next__(self) -> str:
        return self._next()
