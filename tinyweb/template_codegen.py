"""The pieces the template compiler writes Python with: lines, scopes and functions.

Where it fits: ``template_compiler.Compiler`` parses statements and, as it goes, writes
Python into ``CodeBuilder``s (one per function, with *sections* to fill in later), resolves
template names through ``Frame``s (Jinja's scopes) and keeps one ``Function`` per Python
function it is generating (``root``, a block, a macro). Nothing here knows the template
language; the compiler decides what to write, this module only keeps it in order.

Rules:
1. Each generated line carries its template line, so ``CodeBuilder.render`` can return
   the line map that turns a Python traceback into a template position.
2. A ``Frame`` hands out fresh Python locals (``v12``) for template names: template text
   never becomes a Python identifier.

Spec: Jinja's scoping rules (https://jinja.palletsprojects.com/en/3.1.x/templates/,
"Assignments" and "Scoping Behavior").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Union

__all__ = ["CodeBuilder", "Frame", "Function"]

# -- Code builder -----------------------------------------------------------------------

Line = Union["CodeBuilder", "tuple[int, str, int]"]


class CodeBuilder:
    """Lines of Python with their indentation and template line; ``section()`` reserves a
    place to fill later (a frame's prologue, a loop header decided after its body)."""

    def __init__(self, indent: int = 0) -> None:
        """Start empty at ``indent`` levels."""
        self.parts: list[Line] = []
        self.indent = indent

    def line(self, text: str, lineno: int) -> None:
        """Add one line of Python generated for template line ``lineno``."""
        self.parts.append((self.indent, text, lineno))

    def section(self, indent: int | None = None) -> CodeBuilder:
        """A nested builder whose lines appear here, however late they are written."""
        child = CodeBuilder(self.indent if indent is None else indent)
        self.parts.append(child)
        return child

    def shift(self) -> None:
        """Indent everything here one level more (a loop found to be recursive)."""
        self.indent += 1
        for index, part in enumerate(self.parts):
            if isinstance(part, CodeBuilder):
                part.shift()
            else:
                self.parts[index] = (part[0] + 1, part[1], part[2])

    def is_empty(self) -> bool:
        """True when no line was written here (nor in any section)."""
        for part in self.parts:
            if not isinstance(part, CodeBuilder) or not part.is_empty():
                return False
        return True

    def render(self, lines: list[str], line_map: list[int]) -> tuple[list[str], list[int]]:
        """Append the Python lines and, for each, the template line it came from."""
        for part in self.parts:
            if isinstance(part, CodeBuilder):
                part.render(lines, line_map)
            else:  # (indent, text, lineno)
                lines.append("    " * part[0] + part[1])
                line_map.append(part[2])
        return lines, line_map


# -- Scopes -----------------------------------------------------------------------------


class Frame:
    """One Jinja scope: template names bound here → their Python locals.

    A frame without parent resolves free names from the context ``ctx`` in its prologue;
    a nested frame starts each name it assigns from the enclosing frame's value.
    """

    def __init__(
        self, new_name: Callable[[str], str], parent: Frame | None, prologue: CodeBuilder
    ) -> None:
        """A scope inside ``parent`` (None: a function reading the context); ``new_name``
        makes fresh Python identifiers (``new_name("v")`` → ``v12``)."""
        self.new_name, self.parent, self.prologue = new_name, parent, prologue
        self.names: dict[str, str] = {}
        self.specials: dict[str, str] = {}  # macro frames: caller/varargs/kwargs
        self.used_specials: set[str] = set()
        self.exports = False  # the template's top level: assignments also go to ctx
        self.context_reads: list[tuple[str, str]] = []  # (local, name) read from ctx

    def write_prologue(self) -> None:
        """Read every free name from the context in one statement at the top.

        ``[v1, v4] = _lookup(ctx, 'nav', 'current')`` is a quarter of the Python tokens of
        one ``ctx[...] if ... in ctx else _undefined(...)`` per name, and Python's own
        ``compile()`` costs ~1.5 µs per token (benchmarks/bench_templating.py, cold
        compile); it runs once per call of the function, never in a loop.
        """
        if self.context_reads:
            targets = ", ".join(local for local, _ in self.context_reads)
            names = ", ".join(repr(name) for _, name in self.context_reads)
            self.prologue.line(f"[{targets}] = _lookup(ctx, {names})", 0)

    def resolve(self, name: str) -> str:
        """The Python expression that reads template name ``name`` here."""
        frame: Frame = self
        while True:
            if name in frame.names:
                return frame.names[name]
            if name in frame.specials:
                frame.use_special(name)
                return frame.specials[name]
            if frame.parent is None:
                return frame.bind(name, initialise=True)
            frame = frame.parent

    def use_special(self, name: str) -> None:
        """Mark this frame's special ``name`` used; as Jinja, a ``caller``, ``varargs``
        or ``kwargs`` read in a nested macro is one of every macro around it too (each
        then accepts one), while ``loop`` is only the innermost loop's."""
        frame: Frame | None = self
        while frame is not None:
            if name in frame.specials:
                frame.used_specials.add(name)
                if name == "loop":
                    return
            frame = frame.parent

    def binds(self, name: str) -> bool:
        """Whether ``name`` is assigned here or in an enclosing frame (not the context)."""
        frame: Frame | None = self
        while frame is not None:
            if name in frame.names:
                return True
            frame = frame.parent
        return False

    def visible_locals(self) -> tuple[dict[str, str], str | None]:
        """Template names → Python locals visible here, for an include or a scoped block:
        the variables of the enclosing scopes, a macro's ``caller``/``varargs``/``kwargs``
        that its body used, and ``loop``: as Jinja, that of the innermost loop whose body
        used it so far, else the innermost loop's (also returned, marked as used)."""
        visible: dict[str, str] = {}
        loops: list[Frame] = []
        frame: Frame | None = self
        while frame is not None:
            if not frame.exports:
                for name, local in frame.names.items():
                    visible.setdefault(name, local)
                for special, local in frame.specials.items():
                    if special == "loop":
                        loops.append(frame)
                    elif special in frame.used_specials:
                        visible.setdefault(special, local)
            frame = frame.parent
        if not loops or "loop" in visible:
            return visible, None
        frame = next((loop for loop in loops if "loop" in loop.used_specials), loops[0])
        frame.used_specials.add("loop")
        visible["loop"] = frame.specials["loop"]
        return visible, visible["loop"]

    def bind(self, name: str, initialise: bool) -> str:
        """A new Python local for ``name`` in this frame (kept if it exists)."""
        if name in self.names:
            return self.names[name]
        local = self.new_name("v")
        if initialise and self.parent is not None:
            self.prologue.line(f"{local} = {self.parent.resolve(name)}", 0)
        elif initialise:
            self.context_reads.append((local, name))  # one statement, see write_prologue
        self.names[name] = local
        return local


@dataclass
class Function:
    """A Python function being generated: its builder, top frame and output names."""

    builder: CodeBuilder
    frame: Frame
    buffer: str  # the list output goes to, and its bound append method
    append: str
    kind: str  # "root", "block", "macro"
    block: str | None = None
    setup: CodeBuilder | None = None  # where `_append = ...` goes once it is used
