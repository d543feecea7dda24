"""The template compiler: template text in, Python source of one module out.

Where it fits: ``templating.Environment`` calls ``compile_template(source, name, filters,
tests)`` once per template, ``exec``s the returned source in a namespace of runtime helpers
(listed in ``template_runtime.runtime_namespace``) and keeps the module's ``root`` function and
``BLOCKS``. This is the 500-Lines "Templite" design grown to Jinja's semantics: the lexer
lives in ``template_lexer``, the expression grammar in ``template_parser`` and the
functions being written with their output in ``template_writer``; this module parses the
statements and writes Python as it goes through the ``CodeBuilder``, ``Frame`` and
``Function`` of ``template_codegen`` (sections let a loop header be decided after its
body is parsed). ``{% for user in users %}<li>{{ user.name }}</li>
{% endfor %}`` becomes::

    def root(ctx, blocks, _out):
        [v1] = _lookup(ctx, 'users')  # every free name of the function, in one call
        for v2 in v1:
            _out.extend((
                '<li>',
                _escape((v2['name'] if v2.__class__ is _dict and 'name' in v2
                         else _attr(v2, 'name'))),
                '</li>',
            ))
    BLOCKS = {}

Rules:
1. Template text reaches the generated code only through ``repr()``: variable names
   become numbered locals (``v3``), strings and attribute names are ``repr``'d literals.
2. Every syntax error is a ``TemplateSyntaxError`` naming the template, the line and what
   was expected; nothing else escapes: absurd nesting (a ``RecursionError`` here) is
   "template nested too deeply" at the line the parser reached (fuzz/fuzz_templating.py
   checks).
3. Each generated line remembers its template line (``Compiled.line_map``), so runtime
   errors can point at the template.
4. Scoping is Jinja's: ``for``, ``with``, ``filter`` and block ``set`` bodies, macros and
   blocks are scopes; ``if`` is not;
   top-level ``set`` and ``macro`` also write the shared context (seen by includes and
   parent templates); blocks see only the context.

Spec: https://jinja.palletsprojects.com/en/3.1.x/templates/ (the language),
Jinja2's lexer for whitespace control, newline normalisation and token rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Callable

from .template_codegen import CodeBuilder, Frame
from .template_parser import TemplateSyntaxError, Token, tokenize
from .template_writer import Writer

__all__ = ["Compiled", "Compiler", "TemplateSyntaxError", "compile_template"]


@dataclass(frozen=True)
class Compiled:
    """The Python source of a template module and its line map (Python → template)."""

    source: str
    line_map: list[int]
    filters: dict[str, str]
    tests: dict[str, str]
    uses_context: bool = False  # needs ``_context`` and ``_call_context`` (pass_context)


_END_TAGS = {"for": ("endfor", "else"), "if": ("endif", "elif", "else")}
# The runtime names that depend on autoescape, in the order of template_runtime's
# escaping_names (``_escaping(value)`` returns their values as a tuple in that order).
_ESCAPING_NAMES = ("_escape", "_markup", "_autoescape", "_eval_context", "_concat", "_call")


class Compiler(Writer):
    """Parses statements and writes the template module as it parses (``Writer``'s
    functions and output)."""

    def __init__(
        self,
        tokens: list[Token],
        name: str | None,
        filters: dict[str, Any],
        tests: dict[str, Any],
        globals: Mapping[str, Any] | None = None,
        finalize: Callable[..., Any] | None = None,
    ) -> None:
        """Prepare to compile ``tokens`` of template ``name`` (filters/tests by name,
        ``globals`` for the calls that pass the context, ``finalize`` for every
        ``{{ }}``: the environment's, called as ``_finalize``)."""
        super().__init__(tokens, name, filters, tests, globals, finalize)
        self.module = CodeBuilder()
        self.blocks: dict[str, str] = {}
        self.extends_always = False  # an `extends` at the top level, outside if/for
        # Each compiled `extends` (maybe conditional): where its `_mark = len(_out)` may go.
        self.extends_marks: list[tuple[CodeBuilder, int]] = []
        self.nesting = 0  # depth of if/for bodies in the function being generated
        self.if_frame: Frame | None = None  # the scope whose `if` is being parsed

    def resolve_name(self, name: str) -> str:
        """A variable of the current scope, ``super()`` inside a block, or ``self``."""
        if name == "super" and self.at("operator", "("):
            enclosing = [function.block for function in self.functions if function.block]
            if enclosing:
                self.expect("operator", "(")
                self.expect("operator", ")")
                call = f"_super(ctx, blocks, {enclosing[-1]!r}, _level)"  # markup as where called:
                return f"_markup{self.escaping}({call})" if self.escaping else call
        if name == "self" and not self.frame.binds("self"):  # {{ self.title() }}
            return "_TemplateReference(ctx, blocks)"
        return self.frame.resolve(name)

    def lenient(self) -> bool:
        """In an ``if``'s condition or bodies (not in a scope opened there: a ``for``, a
        macro), an unknown filter or test fails only when called, as in Jinja."""
        return super().lenient() or self.frame is self.if_frame

    # -- the template --

    def compile(self) -> Compiled:
        """Compile the whole template into a module with ``root`` and ``BLOCKS``."""
        self.start_function("root", 1, self.module).line("def root(ctx, blocks, _out):", 1)
        root = self.function
        root.frame.exports = True
        try:
            self.parse_body(())
        except RecursionError:  # thousands of nested brackets or tags: say where it was
            self.fail("template nested too deeply")
        self.flush()
        root.frame.write_prologue()
        if len(self.extends_marks) == 1 and self.extends_always:
            # The common case, one unconditional extends: nothing after it is output,
            # so there is nothing to take back and no "did it run?" flag to test.
            root.builder.line(self.render_parent(take_back=False), 1)
        elif self.extends_marks:
            root.frame.prologue.line("_parent = _mark = None", 1)
            for mark, lineno in self.extends_marks:  # a second one to run is an error
                mark.line(self.mark_extended(), lineno)
            root.builder.line(f"if _parent is not None: {self.render_parent(True)}", 1)
        elif root.builder.is_empty():
            root.builder.line("pass", 1)
        entries = ", ".join(f"{name!r}: {function}" for name, function in self.blocks.items())
        self.module.line(f"BLOCKS = {{{entries}}}", 1)
        lines, line_map = self.module.render([], [])
        return Compiled(
            "\n".join(lines) + "\n", line_map, self.used_filters, self.used_tests, self.uses_context
        )

    def parse_body(self, end_tags: tuple[str, ...]) -> str:
        """Parse statements until one of ``end_tags``; return the tag that ended it."""
        # What may close this body: the error for an unknown tag or a missing end says it.
        expected = f", expected {' or '.join(map(repr, end_tags))}" if end_tags else ""
        while True:
            token = self.advance()
            if token.kind == "data":
                if not self.suppressed():
                    self.output(repr(token.value), token.lineno)
            elif token.kind == "variable_begin":
                expression = self.parse_tuple()
                self.expect("variable_end")
                self.check_known_names()
                expression = self.variable_output(expression)
                if not self.suppressed():
                    self.output(expression, token.lineno)
            elif token.kind == "block_begin":
                tag = self.expect("name")
                if tag.value in end_tags:
                    return str(tag.value)
                self.parse_statement(tag, expected)
            elif expected:
                self.fail(f"unexpected end of template{expected}")
            else:
                return ""

    def suppressed(self) -> bool:
        """After an unconditional ``extends``, a child's own output is never shown."""
        return self.extends_always and self.function.kind == "root"

    def parse_statement(self, tag: Token, expected: str) -> None:
        """Dispatch a ``{% tag ... %}`` to its parser; ``expected`` (``", expected
        'endfor' or 'else'"``) ends the error for an unknown tag."""
        self.flush()
        parser: Callable[[Token], None] | None = getattr(self, f"parse_{tag.value}_tag", None)
        if parser is None:
            self.fail(f"unknown tag {tag.value!r}{expected}", tag.lineno)
        parser(tag)

    def parse_nested(
        self, builder: CodeBuilder, end_tags: tuple[str, ...], frame: Frame | None = None
    ) -> str:
        """Parse a body into ``builder`` (an if/for body), in ``frame`` if given (a scope
        from ``open_scope``); return the ending tag."""
        self.flush()
        function = self.function
        saved = function.builder, function.frame
        function.builder, function.frame = builder, frame or function.frame
        self.nesting += 1
        try:
            end = self.parse_body(end_tags)
            self.flush()
        finally:
            (function.builder, function.frame), self.nesting = saved, self.nesting - 1
        if builder.is_empty():
            builder.line("pass", self.current.lineno)
        return end

    # -- statements --

    def parse_if_tag(self, tag: Token) -> None:
        """``{% if %}...{% elif %}...{% else %}...{% endif %}``."""
        saved, self.if_frame = self.if_frame, self.frame
        condition = self.parse_tuple(with_condexpr=False)
        self.end_of_tag("if")
        self.emit(f"if {condition}:", tag.lineno)
        while True:
            end = self.parse_nested(self.builder.section(self.builder.indent + 1), _END_TAGS["if"])
            if end == "elif":
                line = self.current.lineno
                condition = self.parse_tuple(with_condexpr=False)
                self.end_of_tag("elif")
                self.emit(f"elif {condition}:", line)
                continue
            if end == "else":
                self.end_of_tag("else")
                self.emit("else:", self.current.lineno)
                end = self.parse_nested(self.builder.section(self.builder.indent + 1), ("endif",))
            self.if_frame = saved
            self.end_of_tag(end)
            return

    def parse_for_tag(self, tag: Token) -> None:
        """``{% for target in iterable if condition [recursive] %}...{% else %}...
        {% endfor %}``."""
        names, is_tuple = self.parse_assign_target()
        if "loop" in names:  # Jinja refuses it: the body could not reach the loop
            self.fail("cannot assign to the special loop variable in a for-loop target")
        self.expect("name", "in")
        iterable = self.parse_tuple(with_condexpr=False)
        outer, function = self.function.frame, self.function
        definition = self.builder.section()  # a recursive loop's `def` goes here
        head = self.builder.section()
        body = self.builder.section(self.builder.indent + 1)
        frame = Frame(self.new_name, outer, body.section())
        targets = ", ".join(frame.bind(name, initialise=False) for name in names)
        loop = self.new_name("loop")
        saved = function.builder, function.buffer, function.append
        function.frame = frame
        try:
            condition = self.parse_expression() if self.skip("name", "if") else None
            entry = None
            if self.skip("name", "recursive"):
                entry, iterable = iterable, f"{loop}_items"
                self.start_recursion(definition, (head, body), loop, tag.lineno)
            if condition is not None:
                iterable = _filtered(iterable, targets, is_tuple, condition)
            self.end_of_tag("for")
            frame.specials["loop"] = loop
            (self.full_loops if entry else self.loop_locals).add(loop)
            end = self.parse_nested(body, _END_TAGS["for"])
        finally:
            function.frame = outer
        if end == "else":
            head.line(f"{loop}_ran = False", tag.lineno)
            body.parts.insert(0, (body.indent, f"{loop}_ran = True", tag.lineno))
        self.write_loop_head(head, frame, (targets, iterable, tag.lineno), entry is not None)
        if end == "else":  # a scope of its own, as in Jinja
            self.end_of_tag("else")
            self.emit(f"if not {loop}_ran:", self.current.lineno)
            branch = self.builder.section(self.builder.indent + 1)
            end = self.parse_nested(branch, ("endfor",), self.open_scope(branch))
        self.end_of_tag(end)
        if entry is not None:
            self.finish_recursion(saved, f"{loop}_render({entry}, 1)", tag.lineno)

    def start_recursion(
        self, definition: CodeBuilder, loop_parts: tuple[CodeBuilder, CodeBuilder], loop: str,
        lineno: int,
    ) -> None:  # fmt: skip
        """Turn the loop being parsed into a function ``loop(items)`` can call again.

        ``def loop3_render(loop3_items, loop3_depth):`` returns the loop's output as
        markup; the loop's head and body move one level in, and output goes to the
        function's own buffer until ``parse_for_tag`` closes it.
        """
        definition.line(f"def {loop}_render({loop}_items, {loop}_depth):", lineno)
        function = self.function
        function.builder = function.builder.section(definition.indent + 1)  # after the body
        for part in loop_parts:
            part.shift()
        function.buffer = self.new_name("_buffer")
        function.append = f"{function.buffer}.append"
        loop_parts[0].line(f"{function.buffer} = []", lineno)

    def finish_recursion(self, saved: tuple[CodeBuilder, str, str], call: str, lineno: int) -> None:
        """Close a recursive loop's function (``start_recursion``), output goes back to
        the enclosing function's buffer, and ``call`` renders the loop there."""
        function = self.function
        self.flush()
        self.builder.line(f"return _markup{self.escaping}(''.join({function.buffer}))", lineno)
        function.builder, function.buffer, function.append = saved
        if not self.suppressed():
            self.output(call, lineno)

    def write_loop_head(
        self, head: CodeBuilder, frame: Frame, parts: tuple[str, str, int], recursive: bool
    ) -> None:
        """The ``for`` line, with a ``LoopContext`` only when the body reads ``loop`` (or
        the loop is ``recursive``: its ``loop(items)`` renders it again)."""
        targets, iterable, lineno = parts
        loop = frame.specials["loop"]
        if recursive:
            head.line(f"{loop} = _Loop({iterable}, {loop}_depth, {loop}_render)", lineno)
            iterable = loop
        elif "loop" not in frame.used_specials:
            head.line(f"for {targets} in {iterable}:", lineno)
            return
        elif loop in self.full_loops:
            head.line(f"{loop} = _Loop({iterable})", lineno)
            iterable = loop
        head.line(f"for {loop}_i, ({targets}) in enumerate({iterable}):", lineno)

    def parse_assign_target(
        self, attributes: list[str | None] | None = None
    ) -> tuple[list[str], bool]:
        """Names to assign (``a`` or ``a, b`` or ``(a, b)``) and whether it is a tuple.

        With ``attributes`` (a ``set``'s target), a name may be followed by
        ``.attribute`` (``ns.count``, a namespace's); the list gets each target's
        attribute, or None for a plain name (not inside brackets: Jinja refuses those).
        """
        parenthesised = self.skip("operator", "(")
        if parenthesised and attributes is not None:
            attributes = None
        names = [self.parse_target_name(attributes)]
        is_tuple = parenthesised
        while self.skip("operator", ","):
            is_tuple = True
            if not self.at("name"):
                break
            names.append(self.parse_target_name(attributes))
        if parenthesised:
            self.expect("operator", ")")
        for name in names:
            if name in ("true", "false", "none", "True", "False", "None"):
                self.fail(f"cannot assign to {name!r}")
        return names, is_tuple

    def parse_target_name(self, attributes: list[str | None] | None) -> str:
        """One name of an assignment target (see ``parse_assign_target``)."""
        name = str(self.expect("name").value)
        if attributes is not None:
            dotted = self.skip("operator", ".")
            attributes.append(str(self.expect("name").value) if dotted else None)
        return name

    def parse_set_tag(self, tag: Token) -> None:
        """``{% set x = value %}`` or the block form ``{% set x %}...{% endset %}``; a
        target may be a namespace's attribute (``ns.count``), also in a tuple."""
        attributes: list[str | None] = []
        names, is_tuple = self.parse_assign_target(attributes)
        if self.skip("operator", "="):
            value = self.parse_tuple()
            self.end_of_tag("set")
        else:
            if is_tuple:
                self.fail("a block set assigns one name")
            # As Jinja, a block set's body is rendered even after an extends (for its value).
            extends_always, self.extends_always = self.extends_always, False
            value = self.parse_captured(tag, "endset", self.parse_filters("_captured"))
            self.extends_always = extends_always
        if any(attributes):
            self.assign_attributes(names, attributes, (value, is_tuple), tag.lineno)
            return
        locals_ = [self.frame.bind(name, initialise=True) for name in names]
        self.emit(f"{', '.join(locals_)}{',' if is_tuple else ''} = {value}", tag.lineno)
        self.export(names, locals_, tag.lineno)

    def assign_attributes(
        self, names: list[str], attributes: list[str | None], value: tuple[str, bool], lineno: int
    ) -> None:
        """A ``set`` with a namespace attribute among its targets: the value goes to
        temporaries first, then each to its name or attribute (``_set_attribute`` refuses
        anything but a namespace, as Jinja)."""
        source, is_tuple = value
        temporaries = [self.new_name("_value") for _ in names]
        self.emit(f"{', '.join(temporaries)}{',' if is_tuple else ''} = {source}", lineno)
        for name, attribute, temporary in zip(names, attributes, temporaries):
            if attribute is None:
                local = self.frame.bind(name, initialise=True)
                self.emit(f"{local} = {temporary}", lineno)
                self.export([name], [local], lineno)
            else:
                target = self.frame.resolve(name)
                self.emit(f"_set_attribute({target}, {attribute!r}, {temporary})", lineno)

    def parse_captured(self, tag: Token, end_tag: str, wrapper: str) -> str:
        """Render a body (a scope) into its own buffer; return ``wrapper`` applied to the
        text. Block ``set`` and ``filter`` bodies are captured."""
        self.end_of_tag(str(tag.value))
        function = self.function
        buffer = self.new_name("_buffer")
        self.emit(f"{buffer} = []", tag.lineno)
        saved = function.buffer, function.append
        function.buffer, function.append = buffer, f"{buffer}.append"
        try:
            end = self.parse_nested(self.builder, (end_tag,), self.open_scope())
        finally:
            function.buffer, function.append = saved
        self.end_of_tag(end)
        return wrapper.replace("_captured", f"_markup{self.escaping}(''.join({buffer}))")

    def open_scope(self, builder: CodeBuilder | None = None) -> Frame:
        """A scope for a ``with``, ``filter``, block ``set`` or for-``else`` body, starting
        here in the function (or in ``builder``).

        Its names are new Python locals: one assigned inside starts from the enclosing
        value (in the frame's prologue) and is forgotten after the body, as in Jinja.
        """
        self.flush()
        return Frame(self.new_name, self.frame, (builder or self.builder).section())

    def parse_with_tag(self, tag: Token) -> None:
        """``{% with a = 1, b = x %}...{% endwith %}``: names for the body only.

        The values are read in the enclosing scope (``b = a`` above reads the outer
        ``a``), as in Jinja.
        """
        frame = self.open_scope()
        while not self.at("block_end"):
            if frame.names:
                self.expect("operator", ",")
            names, is_tuple = self.parse_assign_target()
            self.expect("operator", "=")
            value = self.parse_expression()
            locals_ = [frame.bind(name, initialise=False) for name in names]
            self.emit(f"{', '.join(locals_)}{',' if is_tuple else ''} = {value}", tag.lineno)
        self.end_of_tag("with")
        self.end_of_tag(self.parse_nested(self.builder, ("endwith",), frame))

    def parse_autoescape_tag(self, tag: Token) -> None:
        """``{% autoescape false %}...{% endautoescape %}``: escaping switched for the
        body, a scope. For ``true`` and ``false`` the switch is made when compiling (the
        runtime names ending ``_on``/``_off``), so the body costs nothing more; for any
        other expression when rendering: its truth picks those names for the body's
        locals (``_escape_e7``, ...; ``_escaping`` in template_runtime)."""
        value = self.parse_expression()
        self.end_of_tag("autoescape")
        suffix = {"True": "_on", "False": "_off"}.get(value) or self.new_name("_e")
        if value not in ("True", "False"):
            names = ", ".join(name + suffix for name in _ESCAPING_NAMES)
            self.emit(f"{names} = _escaping({value})", tag.lineno)
        saved, self.escaping = self.escaping, suffix
        try:
            end = self.parse_nested(self.builder, ("endautoescape",), self.open_scope())
        finally:
            self.escaping = saved
        self.end_of_tag(end)

    def parse_filter_tag(self, tag: Token) -> None:
        """``{% filter upper|replace("A", "B") %}...{% endfilter %}``: the body's text
        through the filters, written as the last filter returns it (not escaped again)."""
        # The chain's first filter has no bar in front: read it as if it had one.
        self.tokens.insert(self.position, Token("operator", "|", tag.lineno))
        value = self.parse_captured(tag, "endfilter", self.parse_filters("_captured"))
        if not self.suppressed():
            self.output(value, tag.lineno)

    def export(self, names: list[str], locals_: list[str], lineno: int) -> None:
        """Top-level assignments also go to the context (includes, parents see them)."""
        if self.frame.exports:
            for name, local in zip(names, locals_):
                self.emit(f"ctx[{name!r}] = {local}", lineno)

    def parse_block_tag(self, tag: Token) -> None:
        """``{% block name %}...{% endblock %}``: a function any child may replace."""
        name = self.expect("name").value
        scoped, required = self.skip("name", "scoped"), self.skip("name", "required")
        self.end_of_tag("block")
        if name in self.blocks:
            self.fail(f"block {name!r} defined twice", tag.lineno)
        function_name = self.blocks[name] = self.new_name("block_")
        context = self.context_with_locals() if scoped else "ctx"  # scoped: sees the loop
        render = "_required" if required else "_block"  # required: a child must replace it
        if not self.suppressed():  # after an extends in root: only if it did not run
            arguments = f"{name!r}, {context}, blocks, {self.function.buffer}"
            guarded = bool(self.extends_marks) and self.function.kind == "root"
            self.render_call(render, arguments, tag.lineno, guarded)
        text = self.required_body(name) if required else self.text_only_body("endblock")
        if text is not None:  # no function to compile (a `def` costs ~25 µs of compile())
            self.blocks[name], end = f"_text_block({text!r})", "endblock"
        else:
            # A block has the template's own escaping, whatever {% autoescape %} is around
            # it (as in Jinja: it is a function of its own, rendered from other places).
            saved_state, (self.nesting, self.escaping) = (self.nesting, self.escaping), (0, "")
            head = self.start_function("block", tag.lineno, self.module)
            head.line(f"def {function_name}(ctx, blocks, _level, _out):", tag.lineno)
            self.function.block = name
            end = self.parse_body(("endblock",))
            self.flush()
            self.frame.write_prologue()
            block = self.pop_function().builder
            if block.is_empty():
                block.line("pass", tag.lineno)
            self.nesting, self.escaping = saved_state
        if end and self.at("name") and self.advance().value != name:
            self.fail(f"endblock should close block {name!r}")
        self.end_of_tag(end)

    def parse_extends_tag(self, tag: Token) -> None:
        """``{% extends "base.html" %}``: render the parent with this template's blocks."""
        if self.function.kind != "root" or self.frame.parent is not None:
            self.fail("extends is only allowed outside blocks, macros and scopes (for, with...)")
        parent = self.parse_expression()
        self.end_of_tag("extends")
        # The "extended multiple times" check (written in the section when there are several
        # extends) comes before the load, as in Jinja: a second extends loads nothing.
        self.flush()
        self.extends_marks.append((self.builder.section(), tag.lineno))
        self.emit(f"_parent = _load({parent})", tag.lineno)
        self.extends_always = self.extends_always or self.nesting == 0

    def parse_include_tag(self, tag: Token) -> None:
        """``{% include name [ignore missing] [with|without context] %}``."""
        template = self.parse_expression()
        ignore_missing = self.skip("name", "ignore")
        if ignore_missing:
            self.expect("name", "missing")
        context = self.parse_context_clause(default=True)
        self.end_of_tag("include")
        if not self.suppressed():
            arguments = f"{template}, {context}, {self.function.buffer}, {ignore_missing}"
            self.render_call("_include", arguments, tag.lineno, guarded=False)

    def parse_context_clause(self, default: bool) -> str:
        """``with context`` / ``without context`` as the context expression to pass."""
        with_context = default
        if self.at("name", "with") or self.at("name", "without"):
            with_context = self.advance().value == "with"
            self.expect("name", "context")
        return self.context_with_locals() if with_context else "None"

    def context_clause_follows(self) -> bool:
        """Do ``with context`` or ``without context`` come next?"""
        return (self.at("name", "with") or self.at("name", "without")) and self.peek_is(
            "name", "context"
        )

    def parse_import_tag(self, tag: Token) -> None:
        """``{% import "forms.html" as forms %}``: the template's macros as attributes."""
        template = self.parse_expression()
        self.expect("name", "as")
        name = str(self.expect("name").value)
        context = self.parse_context_clause(default=False)
        self.end_of_tag("import")
        local = self.frame.bind(name, initialise=True)
        self.emit(f"{local} = _import({template}, {context})", tag.lineno)
        self.export([name], [local], tag.lineno)

    def parse_from_tag(self, tag: Token) -> None:
        """``{% from "forms.html" import field, button as b %}``."""
        template = self.parse_expression()
        self.expect("name", "import")
        names: list[tuple[str, str]] = []
        # As Jinja: names separated by commas, a trailing comma only before the context
        # clause; `with`, not followed by `context`, is a name.
        while not self.context_clause_follows():
            imported = str(self.expect("name").value)
            alias = str(self.expect("name").value) if self.skip("name", "as") else imported
            if imported.startswith("_"):
                self.fail(f"names starting with an underscore cannot be imported: {imported!r}")
            names.append((imported, alias))
            if self.context_clause_follows() or not self.skip("operator", ","):
                break
        context = self.parse_context_clause(default=False)
        self.end_of_tag("from")
        module = self.new_name("_module")
        self.emit(f"{module} = _import({template}, {context})", tag.lineno)
        position = f"line {tag.lineno}" + ("" if self.name is None else f" in {self.name!r}")
        for imported, alias in names:
            local = self.frame.bind(alias, initialise=True)
            self.emit(f"{local} = _exported({module}, {imported!r}, {position!r})", tag.lineno)
            self.export([alias], [local], tag.lineno)

    def context_with_locals(self) -> str:
        """The context plus the local names visible here (``Frame.visible_locals``), for
        an include or a scoped block; a ``loop`` passed on becomes a ``LoopContext``."""
        visible, loop = self.frame.visible_locals()
        if loop is not None:
            self.full_loops.add(loop)
        if not visible:
            return "ctx"
        return "{**ctx, " + ", ".join(f"{name!r}: {local}" for name, local in visible.items()) + "}"

    def parse_macro_tag(self, tag: Token) -> None:
        """``{% macro name(a, b=default) %}...{% endmacro %}``: a callable returning markup."""
        name = self.expect("name").value
        local = self.frame.bind(name, initialise=True)  # (under a false `if`: as before)
        self.expect("operator", "(")
        head, macro = self.parse_signature(tag)
        self.end_of_tag("macro")
        end = self.parse_body(("endmacro",))
        self.skip("name", name)
        value = self.finish_macro(head, macro, name, tag)
        self.end_of_tag(end)
        self.emit(f"{local} = {value}", tag.lineno)
        self.export([name], [local], tag.lineno)

    def parse_call_tag(self, tag: Token) -> None:
        """``{% call(args) macro(...) %}body{% endcall %}``: the body becomes ``caller``."""
        parameters = self.skip("operator", "(")
        head, macro = self.parse_signature(tag, parameters)
        body = self.pop_function()  # the callee is an expression of the enclosing scope
        callee = self.parse_call_target()
        self.push_function(body)
        self.end_of_tag("call")
        end = self.parse_body(("endcall",))
        caller = self.finish_macro(head, macro, None, tag)  # anonymous, as Jinja
        self.end_of_tag(end)
        if not self.suppressed():
            self.output(f"_escape{self.escaping}({callee}caller={caller}))", tag.lineno)

    def parse_signature(
        self, tag: Token, has_parameters: bool = True
    ) -> tuple[CodeBuilder, list[str]]:
        """Open a macro function and read its parameters (after the ``(``)."""
        head = self.start_function("macro", tag.lineno, self.builder)
        frame = self.frame
        for special in ("caller", "varargs", "kwargs"):
            frame.specials[special] = self.new_name(special)
        names: list[str] = []
        defaults = False  # a parameter with a default was seen: the next ones need one
        while has_parameters and not self.skip("operator", ")"):
            if names:
                self.expect("operator", ",")
                if self.skip("operator", ")"):
                    break
            name = self.expect("name").value
            if name in names:  # else Python's compile() fails, with a message about Python
                self.fail(f"the parameter {name!r} appears twice", tag.lineno)
            local = frame.bind(name, initialise=False)
            if self.skip("operator", "="):
                default = self.parse_expression()
                defaults = True
            elif defaults:  # Jinja's rule, checked when compiling
                self.fail(f"the parameter {name!r} without a default follows one with a default")
            else:
                default = f"_undefined({name!r})"
            self.builder.line(f"if {local} is _missing: {local} = {default}", tag.lineno)
            names.append(name)
        return head, names

    def finish_macro(
        self, head: CodeBuilder, names: list[str], name: str | None, tag: Token
    ) -> str:
        """Close the macro function; return the expression that makes the ``Macro``."""
        self.flush()
        function = self.pop_function()
        frame = function.frame
        # Markup with the template's own setting; in an {% autoescape %} body, _call makes
        # a call's result markup (or not) by that body's setting, as Jinja's eval context.
        function.builder.line("return _markup(''.join(_buffer))", tag.lineno)
        specials = [frame.specials[special] for special in ("caller", "varargs", "kwargs")]
        parameters = [frame.names[parameter] for parameter in names] + specials
        python_name = self.new_name("macro_")
        head.line(f"def {python_name}({', '.join(parameters)}):", tag.lineno)
        flags = ", ".join(str(special in frame.used_specials) for special in frame.specials)
        return f"_Macro({python_name}, {name!r}, {tuple(names)!r}, {flags})"


def _filtered(iterable: str, targets: str, is_tuple: bool, condition: str) -> str:
    """A generator of the items of ``iterable`` that pass ``condition`` (``for ... if``),
    which reads the loop's ``targets``; a tuple target is unpacked once per item."""
    if is_tuple:
        # (_each, not _item: the condition may call the runtime's _item, `x[0]`)
        return f"(_each for _each in {iterable} for {targets} in (_each,) if {condition})"
    return f"({targets} for {targets} in {iterable} if {condition})"


def compile_template(
    source: str,
    name: str | None,
    filters: dict[str, Any],
    tests: dict[str, Any],
    globals: Mapping[str, Any] | None = None,
    finalize: Callable[..., Any] | None = None,
    **options: Any,
) -> Compiled:
    """Compile template text into Python module source (see ``Compiler``).

    ``options`` are Jinja's lexer options (``trim_blocks``, ``lstrip_blocks``,
    ``keep_trailing_newline``, ``newline_sequence``, ``delimiters``), passed on to
    ``tokenize``. ``globals`` are the template's at compile time: a call of one marked
    ``pass_context`` passes the context. ``finalize``: the environment's, or None.

    >>> compiled = compile_template("Hi {{ user }}!", None, {}, {}, trim_blocks=True)
    >>> "def root(ctx, blocks, _out):" in compiled.source
    True
    """
    tokens = tokenize(source, name, **options)
    return Compiler(tokens, name, filters, tests, globals, finalize).compile()
