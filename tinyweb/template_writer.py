"""Where the template compiler's Python goes: the functions being written and their output.

Where it fits: ``template_compiler.Compiler`` is a ``Writer``: it parses a template's
statements (``template_parser`` parses its expressions) and, as it goes, opens functions
(``start_function``: ``root``, a block, a macro), writes statements (``emit``) and queues
the text to output (``output``). ``template_stream.StreamCompiler`` overrides the output
methods (``flush``, ``render_call``, ``mark_extended``, ``render_parent``) so that
``root`` and blocks yield their text instead of collecting it in a list.

Rules:
1. Output is queued and written before the next statement: neighbouring pieces become
   one ``extend`` call, one piece per Python line, so that a traceback names each
   piece's template line.
2. A function's output goes to its buffer: ``_out`` for ``root`` and blocks (the
   page), ``_buffer`` for a macro (its return value).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Callable

from .template_codegen import CodeBuilder, Frame, Function
from .template_parser import ExpressionParser, Token

__all__ = ["Writer"]


class Writer(ExpressionParser):
    """The functions being generated, innermost last (``function``, the current one),
    and the output waiting to be written into the current one."""

    def __init__(
        self,
        tokens: list[Token],
        name: str | None,
        filters: dict[str, Any],
        tests: dict[str, Any],
        globals: Mapping[str, Any] | None = None,
        finalize: Callable[..., Any] | None = None,
    ) -> None:
        """Write the code of ``tokens`` of template ``name`` (filters/tests by name;
        ``finalize``, the environment's, for every ``{{ }}``: ``variable_output``)."""
        super().__init__(tokens, name, filters, tests, globals)
        self.finalize = finalize
        self.counter = 0
        self.functions: list[Function] = []
        # The Python function being generated, functions[-1]: an attribute, not a property,
        # as the compiler reads it ~130 times for the benchmark's four templates.
        self.function: Function
        self.pending: list[tuple[str, int]] = []

    def new_name(self, prefix: str) -> str:
        """A fresh Python identifier such as ``v12``."""
        self.counter += 1
        return f"{prefix}{self.counter}"

    def start_function(self, kind: str, lineno: int, builder: CodeBuilder) -> CodeBuilder:
        """Open a function in ``builder``; return the section where its ``def`` goes."""
        self.flush()
        head = builder.section()
        body = builder.section(builder.indent + 1)
        buffer = "_buffer" if kind == "macro" else "_out"
        if kind == "macro":
            body.line("_buffer = []", lineno)
        parent = self.frame if kind == "macro" else None
        function = Function(
            body, Frame(self.new_name, parent, body.section()), buffer, "_append", kind
        )
        function.setup = function.frame.prologue
        self.push_function(function)
        return head

    def push_function(self, function: Function) -> None:
        """Generate ``function`` now, inside the current one."""
        self.functions.append(function)
        self.function = function

    def pop_function(self) -> Function:
        """Close the function being generated; the one around it is current again."""
        function = self.functions.pop()
        if self.functions:
            self.function = self.functions[-1]
        return function

    @property
    def frame(self) -> Frame:
        """The innermost scope."""
        return self.function.frame

    @property
    def builder(self) -> CodeBuilder:
        """Where the next statement's Python goes."""
        return self.function.builder

    def emit(self, text: str, lineno: int) -> None:
        """Write one statement (after any output waiting to be written)."""
        self.flush()
        self.builder.line(text, lineno)

    def variable_output(self, expression: str) -> str:
        """What a ``{{ expression }}`` writes: the value given to ``finalize`` (as in Jinja,
        only here, never the template's text), then escaped unless known safe."""
        if self.finalize is not None:  # what it returns is escaped like any value
            first = self.passed_first(self.finalize)
            return f"_escape{self.escaping}(_finalize({first}{expression}))"
        if expression in self.safe_expressions:
            return expression
        return f"_escape{self.escaping}({expression})"

    def output(self, expression: str, lineno: int) -> None:
        """Queue output; neighbours are written by one ``append``/``extend`` call."""
        self.pending.append((expression, lineno))

    def flush(self) -> None:
        """Write the queued output."""
        if not self.pending or not self.functions:
            return
        pieces, self.pending = self.pending, []
        function = self.function
        if len(pieces) == 1:
            if function.append == "_append" and function.setup is not None:
                function.setup.line(f"_append = {function.buffer}.append", pieces[0][1])
                function.setup = None  # bound once, at the top of the function
            function.builder.line(f"{function.append}({pieces[0][0]})", pieces[0][1])
            return
        # One piece per Python line: a traceback then names the piece's template line.
        # Not "_out += (...)": three tokens fewer for compile() (~2% of a cold compile),
        # but Python 3.11 does not specialise += on a list, and the bigtable benchmark
        # rendered 6-7% slower (A/B in alternating processes, 2026-11-24).
        function.builder.line(f"{function.buffer}.extend((", pieces[0][1])
        for piece, lineno in pieces:
            function.builder.line(f"    {piece},", lineno)
        function.builder.line("))", pieces[-1][1])

    # -- where rendered templates go (template_stream.StreamCompiler yields them) --

    def render_call(self, helper: str, arguments: str, lineno: int, guarded: bool) -> None:
        """Write a call of the runtime ``helper`` (``_block``, ``_required``, ``_include``)
        that renders into this function's output; ``guarded``: only while no parent
        template was loaded (a block after a conditional ``extends``)."""
        self.emit(("if _parent is None: " if guarded else "") + f"{helper}({arguments})", lineno)

    def mark_extended(self) -> str:
        """The statement saying an ``extends`` ran (``_extended`` fails on a second one)
        and where the output the parent replaces starts."""
        return "_mark = _extended(_mark, len(_out))"

    def render_parent(self, take_back: bool) -> str:
        """The statement ending ``root`` that renders the parent template; ``take_back``:
        first drop the output since ``_mark`` (after a conditional ``extends``)."""
        render = "_render_parent(_parent, ctx, blocks, _out)"
        return f"del _out[_mark:]; {render}" if take_back else render
