"""The template parser: the expression grammar of the template language.

Where it fits: ``template_lexer.tokenize`` turns template text into tokens;
``template_compiler.Compiler`` subclasses ``ExpressionParser`` and adds the statements and
the scopes; this module turns the tokens of an expression into Python source.
``ExpressionParser.resolve_name`` is the one hook: the compiler decides which Python
local a template name reads. ``Token``, ``tokenize`` and ``TemplateSyntaxError`` are
re-exported from ``template_lexer`` for the compiler.

Rules:
1. Literals and operator precedence follow Jinja2's parser exactly (``-2 ** 2`` is 4,
   ``**`` is left-associative, filters bind tighter than unary minus), so output
   matches Jinja's.
2. Template text reaches Python only through ``repr()``: names go through
   ``resolve_name``, strings, numbers, attribute and keyword names are ``repr``'d.
3. Every error is a ``TemplateSyntaxError`` with the template name, line and what was
   expected (fuzz/fuzz_templating.py checks nothing else escapes).

Spec: https://jinja.palletsprojects.com/en/3.1.x/templates/#expressions
"""

from __future__ import annotations

import re
import types
from collections.abc import Mapping
from functools import partial
from typing import Any, NoReturn

from .template_lexer import TemplateSyntaxError as TemplateSyntaxError
from .template_lexer import Token as Token
from .template_lexer import tokenize as tokenize

# Jinja's precedence levels, loosest first (its parse_or ... parse_pow chain).
_LEVELS = {"or": 1, "and": 2, "+": 5, "-": 5, "~": 6, "*": 7, "/": 7, "//": 7, "%": 7, "**": 8}
_NOT_LEVEL, _COMPARE_LEVEL = 3, 4
_LEVELS.update(dict.fromkeys(("==", "!=", "<", "<=", ">", ">=", "in", "not in"), _COMPARE_LEVEL))
_LITERALS = {"true": "True", "false": "False", "none": "None"}
_LITERALS.update({"True": "True", "False": "False", "None": "None"})
_LOOP_ATTRIBUTES = {"index", "index0", "revindex", "revindex0", "first", "last", "length"}
_LOOP_ATTRIBUTES |= {"cycle", "previtem", "nextitem", "depth", "depth0", "changed"}
# Loop attributes that need only the position: arithmetic on enumerate()'s counter.
_POSITIONAL = {"index": "({}_i + 1)", "index0": "{}_i", "first": "({}_i == 0)"}
_POSITIONAL.update({"depth": "1", "depth0": "0"})
_ESCAPE_FREE = re.compile(r"[^&<>\"']*\Z")
_DICT_ATTRIBUTES = frozenset(dir(dict))
_LOCAL = re.compile(r"v\d+\Z")  # a Python local holding a template variable
_KEYWORDS = {"not", "and", "or", "in", "is", "if", "else"}
_OPERAND_ENDS = {"variable_end", "block_end"}
_POSTFIX = {".", "[", "("}
# The kinds of global a call may pass the context to: checked by exact type, as a global
# may be a context-local proxy (``request``) whose attributes fail outside a request.
_FUNCTION_TYPES = (types.FunctionType, types.BuiltinFunctionType, types.MethodType, partial)


class ExpressionParser:
    """Recursive descent over the tokens; each ``parse_*`` returns Python source."""

    def __init__(
        self,
        tokens: list[Token],
        name: str | None,
        filters: dict[str, Any],
        tests: dict[str, Any],
        globals: Mapping[str, Any] | None = None,
    ) -> None:
        """Parse ``tokens`` of template ``name``; filters and tests are checked by name,
        and a call of a global function marked ``pass_context`` passes the context."""
        self.tokens, self.position, self.name = tokens, 0, name
        self.filters, self.tests, self.globals = filters, tests, globals or {}
        self.context_callees: set[str] = set()  # locals holding a pass_context global
        self.uses_context = False  # does the code make a Context (``_context``)?
        self.used_filters: dict[str, str] = {}  # filter name -> its Python name
        self.used_tests: dict[str, str] = {}
        self.loop_locals: set[str] = set()  # Python names of `loop` variables
        self.full_loops: set[str] = set()  # ... of those that need a whole LoopContext
        self.safe_expressions: set[str] = set()  # always text free of characters to escape
        self.escaping = ""  # "_on"/"_off" inside {% autoescape %}: the runtime names to use
        self.unknown: list[tuple[str, str, int]] = []  # (kind, name, line): to report

    def resolve_name(self, name: str) -> str:
        """The Python expression reading template variable ``name`` (the compiler's)."""
        raise NotImplementedError

    def lenient(self) -> bool:
        """May an unknown filter or test fail only when called (the compiler's ``if``)?"""
        return False

    def note_unknown(self, kind: str, name: str) -> None:
        """A filter or test the environment lacks: a syntax error at the end of the tag
        (``check_known_names``), unless it stands where Jinja 3 defers the error to the
        call (an ``if``, a conditional expression): ``{% if "md" is filter %}``."""
        if not self.lenient():
            self.unknown.append((kind, name, self.current.lineno))

    def check_known_names(self) -> None:
        """Fail on the first unknown filter or test noted since the last check."""
        if self.unknown:
            kind, name, lineno = self.unknown[0]
            self.fail(f"no {kind} named {name!r}", lineno)

    def end_of_tag(self, tag: str) -> None:
        """The ``%}`` closing a tag; anything else is an error naming the tag."""
        token = self.tokens[self.position]
        if token.kind != "block_end":
            self.fail(f"expected end of {tag!r} tag, got {self.describe(token)}")
        self.check_known_names()
        self.position += 1

    # -- token stream --

    @property
    def current(self) -> Token:
        """The next token to read."""
        return self.tokens[self.position]

    def advance(self) -> Token:
        """Read and return the next token."""
        token = self.tokens[self.position]
        if token.kind != "end_of_template":  # the last token is never passed
            self.position += 1
        return token

    def at(self, kind: str, value: Any = None) -> bool:
        """Is the next token of ``kind`` (and ``value``, when given)?"""
        token = self.tokens[self.position]
        return token.kind == kind and (value is None or token.value == value)

    def skip(self, kind: str, value: Any = None) -> bool:
        """Read the next token if it matches; say whether it did."""
        token = self.tokens[self.position]  # at(), inlined: the parser's most frequent call
        if token.kind == kind and (value is None or token.value == value):
            self.position += 1
            return True
        return False

    def expect(self, kind: str, value: Any = None) -> Token:
        """Read the next token, which must match, else a syntax error saying so."""
        token = self.tokens[self.position]
        if token.kind != kind or (value is not None and token.value != value):
            wanted = repr(value) if value is not None else kind.replace("_", " ")
            self.fail(f"expected {wanted}, got {self.describe(token)}")
        if kind != "end_of_template":  # the last token is never passed (see advance)
            self.position += 1
        return token

    def text_only_body(self, end_tag: str) -> str | None:
        """The text of a body that holds nothing else before ``{% end_tag``, read up to
        that tag's name (``{% block title %}Site{% endblock %}``: ``"Site"``); None,
        reading nothing, for any other body."""
        tokens, index = self.tokens, self.position
        text = tokens[index].value if tokens[index].kind == "data" else ""
        index += tokens[index].kind == "data"
        if tokens[index].kind != "block_begin" or tokens[index + 1][:2] != ("name", end_tag):
            return None
        self.position = index + 2
        return str(text)

    def required_body(self, name: str) -> str:
        """The body of a ``required`` block: whitespace and comments only, as in Jinja."""
        text = ""
        while self.at("data") and not str(self.current.value).strip():
            text += self.advance().value
        if not self.at("block_begin") or self.tokens[self.position + 1][:2] != ("name", "endblock"):
            self.fail(f"required block {name!r} may only contain comments or whitespace")
        self.position += 2
        return text

    def describe(self, token: Token) -> str:
        """A token as error messages show it."""
        if token.kind in ("name", "operator", "string", "integer", "float"):
            return repr(token.value)
        return token.kind.replace("_", " ")

    def fail(self, message: str, lineno: int | None = None) -> NoReturn:
        """Raise a syntax error at ``lineno`` (default: the next token's line)."""
        raise TemplateSyntaxError(message, lineno or self.current.lineno, self.name)

    # -- expressions: each parser returns Python source, parenthesised --

    def parse_expression(self) -> str:
        """A full expression (with ``a if b else c``)."""
        return self.parse_condexpr()

    def parse_tuple(self, with_condexpr: bool = True, explicit: bool = False) -> str:
        """One expression, or several separated by commas (a tuple)."""
        parse = self.parse_condexpr if with_condexpr else self.parse_or
        items: list[str] = []
        is_tuple = False
        while True:
            if items:
                self.expect("operator", ",")
            token = self.tokens[self.position]
            if token.kind in _OPERAND_ENDS or token[:2] == ("operator", ")"):
                break
            items.append(parse())
            if not self.at("operator", ","):
                break
            is_tuple = True
        if not is_tuple:
            if items:
                return items[0]
            if not explicit:
                self.fail(f"expected an expression, got {self.describe(self.current)}")
        return "(" + "".join(item + ", " for item in items) + ")"

    def lone_operand(self) -> bool:
        """Is the next expression a name or literal with ``.name`` steps, ending the tag?

        Most template expressions are (``{{ item.name }}``, ``{% for x in items %}``);
        they skip the ten precedence levels, the unary operators and the filters (a
        primary and its postfix steps), so compiling stays cheaper than Bottle's.
        """
        tokens, index = self.tokens, self.position
        token = tokens[index]
        if token.kind not in ("name", "string", "integer", "float") or token.value in _KEYWORDS:
            return False
        while tokens[index + 1][:2] == ("operator", ".") and tokens[index + 2].kind in (
            "name",
            "integer",
        ):
            index += 2
        return tokens[index + 1].kind in _OPERAND_ENDS

    def parse_condexpr(self) -> str:
        """``a if condition else b`` (no else: undefined)."""
        if self.lone_operand():
            return self.parse_postfix(self.parse_primary())
        noted = len(self.unknown)
        expression = self.parse_or()
        while self.at("name", "if"):
            lineno = self.advance().lineno
            condition = self.parse_or()
            otherwise = self.parse_condexpr() if self.skip("name", "else") else self.no_else(lineno)
            expression = f"({expression} if {condition} else {otherwise})"
            del self.unknown[noted:]  # each part runs only if chosen: unknown names may wait
        return expression

    def no_else(self, lineno: int) -> str:
        """The value of ``a if false`` without ``else``: Jinja's plain ``Undefined`` with
        its hint, whatever the environment's undefined kind (it renders as nothing even
        under ``StrictUndefined``)."""
        where = f"line {lineno}" + ("" if self.name is None else f" in {self.name!r}")
        hint = f"the inline if-expression on {where} evaluated to false and no else section"
        hint += " was defined."
        return f"_else_undefined(hint={hint!r})"

    def parse_or(self) -> str:
        """An expression without ``if``/``else``: all binary operators, ``or`` loosest."""
        if self.lone_operand():
            return self.parse_postfix(self.parse_primary())
        return self.parse_binary(1)

    def parse_binary(self, level: int) -> str:
        """Operators that bind at least as tightly as ``level`` (precedence climbing over
        Jinja's levels; every operator is left-associative, ``**`` included)."""
        if level <= _NOT_LEVEL and self.skip("name", "not"):
            left = f"(not {self.parse_binary(_NOT_LEVEL)})"
        else:
            left = self.parse_unary()
        while True:
            operator = self.binary_operator()
            if operator is None or _LEVELS[operator] < level:
                return left
            operator_level = _LEVELS[operator]
            self.position += 2 if operator == "not in" else 1
            if operator_level == _COMPARE_LEVEL:  # a chain, as Python's: a < b <= c
                parts = [left, operator, self.parse_binary(_COMPARE_LEVEL + 1)]
                while _LEVELS.get(self.binary_operator() or "") == _COMPARE_LEVEL:
                    operator = str(self.binary_operator())
                    self.position += 2 if operator == "not in" else 1
                    parts += [operator, self.parse_binary(_COMPARE_LEVEL + 1)]
                left = "(" + " ".join(parts) + ")"
            elif operator == "~":  # concatenation of strings, markup-aware
                parts = [left, self.parse_binary(operator_level + 1)]
                while self.skip("operator", "~"):
                    parts.append(self.parse_binary(operator_level + 1))
                left = f"_concat{self.escaping}(({', '.join(parts)},))"
            else:
                left = f"({left} {operator} {self.parse_binary(operator_level + 1)})"

    def binary_operator(self) -> str | None:
        """The binary operator at the next token, if any (``not in`` is two tokens)."""
        token = self.tokens[self.position]
        if token.kind == "operator":
            return token.value if token.value in _LEVELS else None
        if token.kind == "name":
            if token.value in ("or", "and", "in"):
                return str(token.value)
            if token.value == "not" and self.peek_is("name", "in"):
                return "not in"
        return None

    def peek_is(self, kind: str, value: Any) -> bool:
        """Is the token after the next one ``kind``/``value``?"""
        token = self.tokens[min(self.position + 1, len(self.tokens) - 1)]
        return token.kind == kind and token.value == value

    def parse_unary(self, with_filters: bool = True) -> str:
        """Unary ``-``/``+``, then a primary with its postfix operators and filters."""
        kind, value, _ = self.tokens[self.position]
        if kind == "operator" and value in ("-", "+"):
            self.position += 1
            expression = f"({value}{self.parse_unary(False)})"
        else:
            expression = self.parse_primary()
        expression = self.parse_postfix(expression)
        return self.parse_filter_expression(expression) if with_filters else expression

    def parse_primary(self) -> str:
        """Names, literals, and parenthesised, list and dict displays."""
        token = self.advance()
        if token.kind == "name":
            return self.parse_name(token)
        if token.kind == "string":
            value = token.value
            while self.at("string"):  # adjacent literals concatenate, as in Python
                value += self.advance().value
            if _ESCAPE_FREE.match(value):
                self.safe_expressions.add(repr(value))
            return repr(value)
        if token.kind in ("integer", "float"):
            if token.value != token.value or token.value in (float("inf"), float("-inf")):
                self.fail("number literal out of range", token.lineno)
            return repr(token.value)
        if token.kind == "operator" and token.value == "(":
            expression = self.parse_tuple(explicit=True)
            self.expect("operator", ")")
            return expression
        if token.kind == "operator" and token.value == "[":
            return "[" + ", ".join(self.parse_items("]")) + "]"
        if token.kind == "operator" and token.value == "{":
            return "{" + ", ".join(self.parse_items("}", pairs=True)) + "}"
        return self.fail(f"expected an expression, got {self.describe(token)}", token.lineno)

    def parse_name(self, token: Token) -> str:
        """A constant (``true``, ``None``...) or a variable."""
        name = str(token.value)
        node = _LITERALS.get(name) or self.resolve_name(name)
        kind, value, _ = self.tokens[self.position]  # a call? (cheapest test first)
        if value == "(" and kind == "operator" and name in self.globals:
            function = self.globals[name]
            if type(function) in _FUNCTION_TYPES and getattr(function, "pass_context", False):
                self.context_callees.add(node)  # called with the context (open_call)
        return node

    def parse_items(self, closing: str, pairs: bool = False) -> list[str]:
        """Comma-separated items of a list or dict display, up to ``closing``."""
        items: list[str] = []
        while not self.skip("operator", closing):
            if items:
                self.expect("operator", ",")
                if self.skip("operator", closing):
                    break
            item = self.parse_expression()
            if pairs:
                self.expect("operator", ":")
                item = f"{item}: {self.parse_expression()}"
            items.append(item)
        return items

    def parse_postfix(self, node: str, once: bool = False) -> str:
        """``.name``, ``.0``, ``[key]``, ``[a:b]`` and calls, left to right."""
        if node in self.loop_locals:
            node = self.parse_loop_attribute(node)
        while True:
            kind, value, _ = self.tokens[self.position]
            if kind != "operator" or value not in _POSTFIX:
                return node
            if self.skip("operator", "."):
                token = self.advance()
                if token.kind == "integer":
                    node = f"_item({node}, {token.value!r})"
                elif token.kind != "name":
                    self.fail(f"expected an attribute name after '.', got {self.describe(token)}")
                elif node in self.full_loops and token.value in _LOOP_ATTRIBUTES:
                    node = f"{node}.{token.value}"  # a LoopContext: a known, safe attribute
                elif str(token.value).startswith("_"):
                    node = f"_private_attr({node}, {token.value!r})"
                elif _LOCAL.match(node) and token.value not in _DICT_ATTRIBUTES:
                    # A plain dict's key, without a call (benchmarks/bench_templating.py, page:
                    # 0.2 µs per lookup); everything else goes through _attr's full rules.
                    key = repr(token.value)
                    node = (
                        f"({node}[{key}] if {node}.__class__ is _dict and {key} in {node} "
                        f"else _attr({node}, {key}))"
                    )
                else:
                    node = f"_attr({node}, {token.value!r})"
            elif self.skip("operator", "["):
                keys = [self.parse_subscript()]
                while self.skip("operator", ","):
                    keys.append(self.parse_subscript())  # a[1, 2] is a[(1, 2)], as in Jinja
                key = keys[0] if len(keys) == 1 else "(" + "".join(k + ", " for k in keys) + ")"
                # A slice is Python's own subscription, as in Jinja (None[1:] is a TypeError).
                node = f"{node}[{key}]" if key.startswith("slice(") else f"_item({node}, {key})"
                self.expect("operator", "]")
            elif self.at("operator", "(") and not once:
                node = self.call(node, self.parse_arguments())
            else:
                return node
            if once:
                return node

    def parse_loop_attribute(self, loop: str) -> str:
        """``loop.index``/``index0``/``first``/``cycle(...)`` as arithmetic on the loop's
        counter (``{loop}_i``); any other use of ``loop`` needs a ``LoopContext``.

        The page benchmark's ``loop.cycle('odd', 'even')`` becomes a tuple index with no
        call and, its strings being free of ``&<>"'``, no escaping either.
        """
        tokens, index = self.tokens, self.position
        if tokens[index][:2] == ("operator", ".") and tokens[index + 1].kind == "name":
            attribute = tokens[index + 1].value
            if attribute in _POSITIONAL:
                self.position += 2
                return _POSITIONAL[attribute].format(loop)
            if attribute == "cycle" and tokens[index + 2][:2] == ("operator", "("):
                position, values = index + 3, []
                while tokens[position].kind == "string":
                    values.append(tokens[position].value)
                    position += 1
                    if tokens[position][:2] != ("operator", ","):
                        break
                    position += 1
                if values and tokens[position][:2] == ("operator", ")"):
                    self.position = position + 1
                    expression = f"{tuple(values)!r}[{loop}_i % {len(values)}]"
                    if all(_ESCAPE_FREE.match(value) for value in values):
                        self.safe_expressions.add(expression)
                    return expression
        self.full_loops.add(loop)
        return loop

    def call(self, callee: str, arguments: str) -> str:
        """A call; in an ``{% autoescape %}`` body through ``_call``, which makes a macro's
        result markup, or not, by that body's setting (Jinja's runtime eval context)."""
        return f"{self.open_call(callee)}{arguments})"

    def open_call(self, callee: str) -> str:
        """A call up to its arguments: ``f(``, or ``_call_on(f, `` in an autoescape body,
        or ``_call_context(context, f, `` for a global marked ``pass_context`` when the
        template was compiled (``_call_context`` checks the mark again: a variable of the
        same name may stand for another function when rendering)."""
        if callee in self.context_callees:
            return f"_call_context({self.context_argument()}, {callee}, "
        return f"_call{self.escaping}({callee}, " if self.escaping else f"{callee}("

    def context_argument(self) -> str:
        """The ``Context`` a ``pass_context`` function receives, made when it is called."""
        self.uses_context = True
        return f"_context(ctx, _autoescape{self.escaping})"

    def parse_call_target(self) -> str:
        """The macro call of a call block, left open for the ``caller=`` argument."""
        node = self.parse_primary()
        while True:
            if self.at("operator", "("):
                arguments = self.parse_arguments()
                if self.at("block_end"):
                    return self.open_call(node) + arguments + (", " if arguments else "")
                node = self.call(node, arguments)
            elif self.at("operator", ".") or self.at("operator", "["):
                node = self.parse_postfix(node, once=True)
            else:
                return self.fail("expected a macro call in the call block")

    def parse_subscript(self) -> str:
        """An index or a slice ``start:stop:step`` inside ``[...]``."""
        start = "None" if self.at("operator", ":") else self.parse_expression()
        if not self.skip("operator", ":"):
            return start
        bounds = [start]
        for _ in range(2):
            ends = self.at("operator", "]") or self.at("operator", ":")
            bounds.append("None" if ends else self.parse_expression())
            if not self.skip("operator", ":"):
                break
        return f"slice({', '.join(bounds)})"

    def parse_arguments(self) -> str:
        """``(a, b, key=value, *rest, **options)`` as Python call arguments."""
        self.expect("operator", "(")
        positional: list[str] = []
        keywords: list[str] = []
        # Jinja's order: positional arguments, then keywords and one *args, then one **kwargs.
        star = double_star = False
        while not self.skip("operator", ")"):
            if positional or keywords:
                self.expect("operator", ",")
                if self.skip("operator", ")"):
                    break
            if self.at("name") and self.peek_is("operator", "="):
                if double_star:
                    self.fail("keyword argument after **")
                key = self.advance().value
                self.advance()
                keywords.append(f"{key!r}: {self.parse_expression()}")
            elif self.skip("operator", "**"):
                if double_star:
                    self.fail("** given twice")
                double_star = True
                keywords.append(f"**{self.parse_expression()}")
            elif self.skip("operator", "*"):
                if star or double_star:
                    self.fail("* given twice or after **")
                star = True
                positional.append(f"*{self.parse_expression()}")
            elif keywords or star:
                self.fail("positional argument after a keyword argument or *")
            else:
                positional.append(self.parse_expression())
        if keywords:  # keyword names are template text: passed as repr'd dict keys
            positional.append("**{" + ", ".join(keywords) + "}")
        return ", ".join(positional)

    def parse_filter_expression(self, node: str) -> str:
        """Filters ``|f(args)``, tests ``is [not] t(args)`` and calls on their results."""
        while True:
            kind, value, _ = self.tokens[self.position]
            if kind == "operator" and value == "|":
                node = self.parse_filters(node)
            elif kind == "name" and value == "is":
                self.position += 1
                node = self.parse_test(node)
            elif kind == "operator" and value == "(":
                node = f"{node}({self.parse_arguments()})"
            else:
                return node

    def parse_filters(self, node: str) -> str:
        """A chain ``|f|g(args)`` applied to ``node``."""
        while self.skip("operator", "|"):
            name = self.dotted_name()
            function = self.filters.get(name)
            if function is None:
                self.note_unknown("filter", name)
            local = self.used_filters.setdefault(name, f"_filter{len(self.used_filters)}")
            arguments = self.parse_arguments() if self.at("operator", "(") else ""
            prefix = self.passed_first(function)
            node = f"{local}({prefix}{node}{', ' if arguments else ''}{arguments})"
        return node

    def passed_first(self, function: Any) -> str:
        """What a marked filter receives before its value (template_filters, rule 2)."""
        if getattr(function, "pass_context", False):
            return f"{self.context_argument()}, "
        if getattr(function, "pass_eval_context", False):
            return f"_eval_context{self.escaping}, "
        if getattr(function, "pass_environment", False):
            return "_environment, "
        if getattr(function, "pass_autoescape", False):
            return f"_autoescape{self.escaping}, "
        return ""

    def dotted_name(self) -> str:
        """A filter or test name (``a`` or ``a.b``)."""
        name = str(self.expect("name").value)
        while self.skip("operator", "."):
            name += "." + str(self.expect("name").value)
        return name

    def parse_test(self, node: str) -> str:
        """``is [not] name``, ``is name(args)`` or ``is name argument``."""
        negated = self.skip("name", "not")
        name = self.dotted_name()
        if name not in self.tests:
            self.note_unknown("test", name)
        local = self.used_tests.setdefault(name, f"_test{len(self.used_tests)}")
        prefix = self.passed_first(self.tests.get(name))  # `is filter` gets the environment
        if self.at("operator", "("):
            arguments = self.parse_arguments()
        elif self.starts_test_argument():
            arguments = self.parse_postfix(self.parse_primary())
        else:
            arguments = ""
        test = f"{local}({prefix}{node}{', ' if arguments else ''}{arguments})"
        return f"(not {test})" if negated else test

    def starts_test_argument(self) -> bool:
        """Does a bare test argument follow (``divisibleby 3``)?"""
        token = self.current
        if token.kind in ("string", "integer", "float"):
            return True
        if token.kind == "name":
            return token.value not in ("else", "or", "and", "is", "if", "in", "not")
        return token.kind == "operator" and token.value in ("[", "{")
