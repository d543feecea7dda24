"""The runtime of compiled templates: the helpers their generated code calls.

Where it fits: ``template_compiler`` writes a module per template that calls short names
(``_lookup``, ``_attr``, ``_Loop``, ``_Macro``, ``_block``...); ``runtime_namespace``
gives those names their meaning, once per environment and autoescape setting, and
``templating.Template`` ``exec``s each compiled module in that namespace. Here live the
objects a template sees at run time: ``loop`` (``LoopContext``), macros (``Macro``),
``self`` (``TemplateReference``), an imported template (``TemplateModule``), what a
``pass_context`` function receives (``Context``), and the ``namespace``, ``cycler``,
``joiner`` and ``lipsum`` globals.

Rules:
1. Attribute lookup follows Jinja (attribute, then item; item, then attribute), refuses
   names starting with ``_`` (templating, rule 1) and returns ``Undefined`` for what is
   missing.
2. Plain dicts, the common context value, take the shortest path (see
   ``lookup_attribute``): the page benchmark reads thousands of keys per render.

Spec: https://jinja.palletsprojects.com/en/3.1.x/templates/ (loop variables, macros,
``self``, global functions).
"""

from __future__ import annotations

import random
import types
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Callable

from .markup import Markup, escape_text
from .template_filters import (
    FORMAT_METHODS,
    EvalContext,
    SecurityError,
    TemplateRuntimeError,
    Undefined,
    UndefinedError,
    refuse_private_fields,
)

if TYPE_CHECKING:  # (templating imports this module: only the type checker needs these)
    from .templating import Environment, Template

MISSING: Any = type("Missing", (), {"__repr__": lambda self: "missing"})()


class LoopContext:
    """The ``loop`` variable of a ``for`` loop, created when the body needs the object:
    attributes beyond the position, ``loop(...)``, or an include or scoped block in it.

    As Jinja's, it reads the items as the loop goes: ``last`` and ``nextitem`` look one
    item ahead, ``length`` (and ``revindex``) reads the rest only when the iterable has
    no ``len()`` (a generator, a filtered loop), so a loop over a generator streams and
    an error in a later item is raised when the loop gets there.
    """

    __slots__ = (
        "_after", "_before", "_changed", "_iterable", "_iterator", "_length", "_recurse",
        "_undefined", "depth", "index0",
    )  # fmt: skip

    def __init__(
        self,
        iterable: Iterable[Any],
        depth: int = 1,
        recurse: Callable[[Iterable[Any], int], str] | None = None,
        undefined: type[Undefined] = Undefined,
    ) -> None:
        """Loop over ``iterable``.

        A ``recursive`` loop passes its depth (1 at the top) and the function that
        renders the loop again, which ``loop(items)`` calls. ``undefined`` is the
        environment's kind, for ``previtem`` and ``nextitem`` at the ends.
        """
        self._iterable, self._iterator = iterable, iter(iterable)
        self._length: int | None = None
        self._before: Any = MISSING
        self._after: Any = MISSING  # the next item, once something looked ahead
        self._undefined = undefined
        self.index0 = -1
        self._changed: Any = MISSING
        self.depth, self._recurse = depth, recurse

    def __call__(self, iterable: Iterable[Any]) -> str:
        """``loop(children)`` in a ``recursive`` loop: the loop's output for ``iterable``,
        one level deeper."""
        if self._recurse is None:
            raise TypeError("loop() is only callable in a loop marked 'recursive'")
        return self._recurse(iterable, self.depth + 1)

    @property
    def depth0(self) -> int:
        """0-based nesting level of a recursive loop (0 outside one)."""
        return self.depth - 1

    def __iter__(self) -> Iterator[Any]:
        previous: Any = MISSING
        while True:
            item = self._after  # an item `last` or `nextitem` read ahead, if any
            if item is MISSING:
                item = next(self._iterator, MISSING)
                if item is MISSING:
                    return
            else:
                self._after = MISSING
            self.index0 += 1
            self._before = previous
            previous = item
            yield item

    def _peek(self) -> Any:
        """The next item (MISSING after the last), read once."""
        if self._after is MISSING:
            self._after = next(self._iterator, MISSING)
        return self._after

    @property
    def length(self) -> int:
        """How many items the loop has."""
        if self._length is None:
            try:
                self._length = len(self._iterable)  # type: ignore[arg-type]
            except TypeError:  # read the rest, and iterate over what was read
                rest = list(self._iterator)
                self._iterator = iter(rest)
                self._length = self.index0 + 1 + len(rest) + (self._after is not MISSING)
        return self._length

    @property
    def index(self) -> int:
        """1-based position."""
        return self.index0 + 1

    @property
    def revindex(self) -> int:
        """Items left, this one included."""
        length = self._length  # the property's call only the first time
        return (self.length if length is None else length) - self.index0

    @property
    def revindex0(self) -> int:
        """Items left after this one."""
        length = self._length
        return (self.length if length is None else length) - self.index0 - 1

    @property
    def first(self) -> bool:
        """Is this the first item?"""
        return self.index0 == 0

    @property
    def last(self) -> bool:
        """Is this the last item? (``_peek`` written out: it is read on every item of a
        loop that joins with commas; with the other loop changes of that commit, a
        1000-item ``{% if not loop.last %}`` loop went from 430 to 340 µs here.)"""
        if self._after is MISSING:
            self._after = next(self._iterator, MISSING)
        return self._after is MISSING

    @property
    def previtem(self) -> Any:
        """The previous item (undefined on the first)."""
        if self.index0 > 0:
            return self._before
        return self._undefined(hint="there is no previous item")

    @property
    def nextitem(self) -> Any:
        """The next item (undefined on the last)."""
        following = self._peek()
        if following is not MISSING:
            return following
        return self._undefined(hint="there is no next item")

    def cycle(self, *values: Any) -> Any:
        """The value for this iteration, cycling through ``values``."""
        if not values:
            raise TypeError("no items for cycling given")
        return values[self.index0 % len(values)]

    def changed(self, *values: Any) -> bool:
        """True when ``values`` differ from the last call's."""
        if values != self._changed:
            self._changed = values
            return True
        return False

    def __repr__(self) -> str:
        return f"<LoopContext {self.index}/{self.length}>"


class Macro:
    """A ``{% macro %}`` (or a call block's ``caller``): call it to get its markup."""

    __slots__ = ("_function", "arguments", "caller", "catch_kwargs", "catch_varargs", "name")

    def __init__(
        self,
        function: Callable[..., str],
        name: str | None,
        arguments: tuple[str, ...],
        caller: bool,
        varargs: bool,
        kwargs: bool,
    ) -> None:
        """Wrap the generated ``function(*arguments, caller, varargs, kwargs)``; ``name``
        is None for a call block's ``caller``, anonymous as in Jinja."""
        self._function, self.name, self.arguments = function, name, arguments
        self.caller, self.catch_varargs, self.catch_kwargs = caller, varargs, kwargs

    def __call__(self, *args: Any, **kwargs: Any) -> str:
        """Bind arguments like Jinja: missing ones are undefined, extras are errors."""
        count, macro = len(self.arguments), self.name or "caller"  # (errors say "caller")
        if len(args) > count and not self.catch_varargs:
            raise TypeError(f"macro {macro!r} takes not more than {count} argument(s)")
        values = list(args[:count])
        for name in self.arguments[: len(values)]:
            if name in kwargs:
                raise TypeError(f"macro {macro!r} got multiple values for argument {name!r}")
        values += [kwargs.pop(name, MISSING) for name in self.arguments[len(values) :]]
        caller = kwargs.pop("caller", Undefined("caller")) if self.caller else None
        if kwargs and not self.catch_kwargs:
            raise TypeError(f"macro {macro!r} takes no keyword argument {next(iter(kwargs))!r}")
        return self._function(*values, caller, args[count:], kwargs)

    def __repr__(self) -> str:  # Jinja's, so {{ caller }} renders the same text
        return f"<Macro {'anonymous' if self.name is None else repr(self.name)}>"


class Namespace(types.SimpleNamespace):
    """``namespace(count=0)``: the one object templates may assign attributes to
    (``{% set ns.count = ns.count + 1 %}`` carries a value out of a loop). As Jinja's, it
    takes ``dict``'s arguments: ``namespace(defaults, count=0)``."""

    def __init__(self, /, *mapping: Any, **attributes: Any) -> None:
        super().__init__(**dict(*mapping, **attributes))

    def __repr__(self) -> str:  # Jinja's, so {{ ns }} renders the same text
        return f"<Namespace {self.__dict__!r}>"


class TemplateModule(types.SimpleNamespace):
    """What ``{% import %}`` and ``Template.module`` give (Jinja's ``TemplateModule``): the
    template's top-level macros and ``set`` names as attributes; as text, what the
    template wrote (``{{ forms }}``, markup as in Jinja), which ``vars()`` does not list."""

    __slots__ = ("_body", "_template_name")

    def __init__(self, template_name: str | None, body: str, exports: dict[str, Any]) -> None:
        super().__init__(**exports)
        self._template_name, self._body = template_name, body

    def __str__(self) -> str:
        return self._body

    def __html__(self) -> Markup:
        return Markup(self._body)


class Context:
    """What a filter, test or global function marked ``pass_context`` receives first:
    the template's variables (Jinja's ``Context``, its read-only basics).

    ``ctx["user"]`` (``KeyError`` if missing), ``ctx.get("user", default)``,
    ``ctx.resolve("user")`` (``Undefined`` if missing), ``"user" in ctx``; ``ctx.name``
    (the template's, None for a string template), ``ctx.environment``, ``ctx.eval_ctx``
    (``.autoescape`` where the function is called). The variables are the template's
    own: those given to ``render``, the globals and the top-level ``{% set %}`` names, not
    a loop variable or a macro argument (as in Jinja). ``ctx.parent`` is the globals,
    ``ctx.vars`` the others (Jinja counts ``render``'s variables in ``parent``), and
    ``ctx.get_all()`` all of them. Made only when such a function is called.
    """

    __slots__ = ("_variables", "environment", "eval_ctx", "name", "parent")

    def __init__(
        self,
        environment: Environment,
        name: str | None,
        parent: Mapping[str, Any],
        variables: dict[str, Any],
        autoescape: bool,
    ) -> None:
        """The context of template ``name`` rendering with ``variables`` (its ``ctx``)."""
        self.environment, self.name, self.parent = environment, name, parent
        self._variables = variables
        self.eval_ctx = EvalContext(environment, autoescape)

    def __getitem__(self, key: str) -> Any:
        return self._variables[key]

    def __contains__(self, key: object) -> bool:
        return key in self._variables

    def get(self, key: str, default: Any = None) -> Any:
        """The variable ``key``, or ``default``."""
        return self._variables.get(key, default)

    def resolve(self, key: str) -> Any:
        """The variable ``key``, or an ``Undefined`` of that name."""
        value = self._variables.get(key, MISSING)
        return self.environment.undefined(key) if value is MISSING else value

    def get_all(self) -> dict[str, Any]:
        """Every variable, globals included (a copy)."""
        return dict(self._variables)

    @property
    def vars(self) -> dict[str, Any]:
        """The variables that are not globals: ``render``'s and the top-level sets."""
        parent = self.parent
        return {
            key: value
            for key, value in self._variables.items()
            if key not in parent or parent[key] is not value
        }

    def __repr__(self) -> str:
        return f"<Context {self._variables!r} of {self.name!r}>"


def call_with_context(
    context: Context, function: Callable[..., Any], *args: Any, **kwargs: Any
) -> Any:
    """Call ``function``, with ``context`` first if it is marked ``pass_context``: what a
    template's call of a global so marked at compile time compiles to (a variable of the
    same name given to ``render`` may be another function)."""
    if getattr(function, "pass_context", False):
        return function(context, *args, **kwargs)
    return function(*args, **kwargs)


class Cycler:
    """``cycler("odd", "even")``: ``next()`` gives the items in turn, forever, across
    loops (``loop.cycle`` restarts in each loop); ``current`` and ``reset()`` as in Jinja.

    >>> rows = Cycler("odd", "even")
    >>> rows.next(), rows.next(), rows.next(), rows.current
    ('odd', 'even', 'odd', 'even')
    """

    def __init__(self, *items: Any) -> None:
        """Cycle through ``items`` (at least one)."""
        if not items:
            raise RuntimeError("cycler() needs at least one item")  # as Jinja
        self.items, self.pos = items, 0  # (Jinja names)

    @property
    def current(self) -> Any:
        """The item ``next()`` returns next."""
        return self.items[self.pos]

    def next(self) -> Any:
        """The current item; then move to the following one (after the last: the first)."""
        item = self.current
        self.pos = (self.pos + 1) % len(self.items)
        return item

    __next__ = next

    def reset(self) -> None:
        """Start again from the first item."""
        self.pos = 0


class Joiner:
    """``joiner(", ")``: a function that returns ``""`` the first time it is called and the
    separator afterwards, to put separators between items that are output conditionally.

    >>> comma = Joiner(", ")
    >>> comma() + "a" + comma() + "b"
    'a, b'
    """

    def __init__(self, sep: str = ", ") -> None:
        """Join with ``sep``."""
        self.sep, self.used = sep, False

    def __call__(self) -> str:
        """``""`` on the first call, ``sep`` on every later one."""
        if self.used:
            return self.sep
        self.used = True
        return ""


# The words of the printers' classic placeholder passage ("Lorem ipsum dolor sit amet...").
_LOREM_WORDS = tuple(
    sorted(
        set(
            """lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor
            incididunt ut labore et dolore magna aliqua enim ad minim veniam quis nostrud
            exercitation ullamco laboris nisi aliquip ex ea commodo consequat duis aute irure
            in reprehenderit voluptate velit esse cillum eu fugiat nulla pariatur excepteur
            sint occaecat cupidatat non proident sunt culpa qui officia deserunt mollit anim
            id est laborum""".split()
        )
    )
)


def _lorem_paragraph(length: int) -> str:
    """``length`` placeholder words: a word never twice in a row, sentences of 10 to 19
    words, a comma every 3 to 7 words within them, a full stop at the end."""
    words: list[str] = []
    since_comma = since_stop = 0
    sentence_length, clause_length = random.randrange(10, 20), random.randrange(3, 8)
    for _ in range(length):
        word = random.choice(_LOREM_WORDS)
        while words and word == words[-1].rstrip(",.").lower():
            word = random.choice(_LOREM_WORDS)
        since_comma, since_stop = since_comma + 1, since_stop + 1
        if since_stop == 1:
            word = word.capitalize()
        if since_stop == sentence_length:
            word += "."
            since_comma = since_stop = 0
            sentence_length = random.randrange(10, 20)
        elif since_comma == clause_length:
            word += ","
            since_comma, clause_length = 0, random.randrange(3, 8)
        words.append(word)
    return " ".join(words).rstrip(",.") + "."


def generate_lorem_ipsum(
    n: int = 5,
    html: bool = True,
    min: int = 20,  # Jinja's keyword names, builtins or not: lipsum(min=5, max=10)
    max: int = 100,
) -> str:
    """``lipsum()``, the global: ``n`` paragraphs of placeholder Latin, each of ``min``
    to ``max - 1`` words (Python's ``randrange``, as Jinja; ``ValueError`` if none fits),
    as ``Markup`` ``<p>`` elements on their own lines, or plain text paragraphs separated
    by a blank line when not ``html``. Jinja's shape, not its word list.

    >>> text = generate_lorem_ipsum(2, html=False, min=3, max=4)
    >>> [len(paragraph.split()) for paragraph in text.splitlines() if paragraph]
    [3, 3]
    """
    paragraphs = [_lorem_paragraph(random.randrange(min, max)) for _ in range(n)]
    if not html:
        return "\n\n".join(paragraphs)
    return Markup("\n".join(f"<p>{escape_text(paragraph)}</p>" for paragraph in paragraphs))


def _set_attribute(target: Any, name: str, value: Any) -> None:
    if not isinstance(target, Namespace) or name.startswith("_"):
        raise TemplateRuntimeError(f"cannot assign attribute {name!r} on a non-namespace object")
    setattr(target, name, value)


_DICT_ATTRIBUTES = frozenset(dir(dict))


def escaping_names(environment: Environment, autoescape: bool, suffix: str) -> dict[str, Any]:
    """The runtime names whose meaning depends on autoescape (``_escape``, ``_markup``,
    ``_autoescape``, ``_eval_context``, ``_concat``), each name ending in ``suffix``."""

    def concat(parts: Sequence[Any]) -> str:
        # As Jinja's `~`: every operand becomes text with str() unless it is one already,
        # so only str subclasses (Markup) keep their safety, not any object's __html__.
        texts = [part if isinstance(part, str) else str(part) for part in parts]
        if autoescape and any(hasattr(text, "__html__") for text in texts):
            return Markup("").join(texts)
        return "".join(texts)

    def call(callee: Any, /, *args: Any, **kwargs: Any) -> Any:  # callee= is an argument
        result = callee(*args, **kwargs)
        if callee.__class__ is Macro or callee.__class__ is BlockReference:
            return (Markup if autoescape else str)(result)
        return result

    names = {
        "_escape": escape_text if autoescape else str,
        "_markup": Markup if autoescape else str,
        "_autoescape": autoescape,
        "_eval_context": EvalContext(environment, autoescape),
        "_concat": concat,
        "_call": call,
    }
    return {name + suffix: value for name, value in names.items()}


def runtime_namespace(environment: Environment, autoescape: bool) -> dict[str, Any]:
    """The names generated code uses (see template_compiler), for one environment and
    one autoescape setting."""
    undefined = environment.undefined
    markup: Callable[[str], str] = Markup if autoescape else str

    def lookup_attribute(owner: Any, name: str) -> Any:
        # Plain dicts are the common case: item access without raising AttributeError
        # (benchmarks/bench_templating.py, "page"); dict methods still win, as in Jinja.
        if owner.__class__ is dict and name not in _DICT_ATTRIBUTES:
            value = owner.get(name, MISSING)
            return undefined(name, owner) if value is MISSING else value
        if name in FORMAT_METHODS:
            refuse_private_fields(owner)
        try:
            return getattr(owner, name)
        except AttributeError:
            pass
        try:
            return owner[name]
        except (TypeError, LookupError):
            return undefined(name, owner)

    def lookup_private(owner: Any, name: str) -> Any:
        try:
            return owner[name]
        except (AttributeError, TypeError, LookupError):
            raise SecurityError(f"access to attribute {name!r} is not allowed") from None

    def lookup_item(owner: Any, key: Any) -> Any:
        try:
            return owner[key]
        except (AttributeError, TypeError, LookupError):
            if isinstance(key, str) and not key.startswith("_"):
                if key in FORMAT_METHODS:
                    refuse_private_fields(owner)
                try:
                    return getattr(owner, key)
                except AttributeError:
                    pass
            return undefined(key, owner)

    def exported(module: TemplateModule, name: str, position: str) -> Any:
        # `{% from "forms.html" import feild %}`: Jinja's message names the template.
        value = vars(module).get(name, MISSING)
        if value is not MISSING:
            return value
        return undefined(
            name,
            hint=f"the template {module._template_name!r} (imported on {position})"
            f" does not export the requested name {name!r}",
        )

    def lookup(ctx: dict[str, Any], *names: str) -> list[Any]:
        return [ctx[name] if name in ctx else undefined(name) for name in names]

    def render_super(ctx: dict[str, Any], blocks: Blocks, name: str, level: int) -> Any:
        chain = blocks[name]
        if level + 1 >= len(chain):
            raise UndefinedError(f"there is no parent block called {name!r}")
        buffer: list[str] = []
        chain[level + 1](ctx, blocks, level + 1, buffer)
        return markup("".join(buffer))

    switched_on = escaping_names(environment, True, "_on")
    switched_off = escaping_names(environment, False, "_off")
    choices = (tuple(switched_off.values()), tuple(switched_on.values()))
    namespace = {
        "__builtins__": __builtins__,
        **escaping_names(environment, autoescape, ""),
        # `{% autoescape false %}` in an autoescaped template (and the reverse) uses these
        **switched_on,
        **switched_off,
        # ... and `{% autoescape expression %}` one set of them, chosen when rendering
        "_escaping": lambda value: choices[bool(value)],
        "_environment": environment,
        "_undefined": undefined,
        "_else_undefined": Undefined,
        "_lookup": lookup,
        "_block": _render_block,
        "_text_block": _text_block,
        "_required": _render_required,
        "_missing": MISSING,
        "_attr": lookup_attribute,
        "_dict": dict,
        "_private_attr": lookup_private,
        "_item": lookup_item,
        # The class itself for the default undefined (a functools.partial cost a call per
        # loop: a 1000 x 10 table with loop.last went from 9.1 to 7.7 ms with this commit).
        "_Loop": LoopContext if undefined is Undefined else _loop_class(undefined),
        "_Macro": Macro,
        "_super": render_super,
        "_load": environment.get_template,
        "_include": environment._include,
        "_import": environment._import,
        "_exported": exported,
        "_set_attribute": _set_attribute,
        "_render_parent": _render_parent,
        "_extended": _extended,
        "_TemplateReference": lambda ctx, blocks: TemplateReference(ctx, blocks, markup),
    }
    return namespace


Blocks = dict[str, list[Callable[..., None]]]


class BlockReference:
    """``self.name`` in a template: calling it renders that block again (Jinja's name).
    Like a macro's, its result is markup by the autoescape setting where it is called
    (``_call`` in an ``{% autoescape %}`` body)."""

    __slots__ = ("_blocks", "_ctx", "_function", "_markup")

    def __init__(
        self,
        function: Callable[..., Any],
        ctx: dict[str, Any],
        blocks: Blocks,
        markup: Callable[[str], str],
    ) -> None:
        """Render the block ``function`` with ``ctx`` and the template's ``blocks``."""
        self._function, self._ctx, self._blocks, self._markup = function, ctx, blocks, markup

    def __call__(self) -> str:
        out: list[str] = []
        # A streamed template's blocks (template_stream) return their pieces instead.
        pieces = self._function(self._ctx, self._blocks, 0, out)
        return self._markup("".join(out if pieces is None else pieces))


class TemplateReference:
    """``self`` in a template: ``{{ self.title() }}`` renders the block ``title`` again
    (its most derived version), as markup when autoescaping; as Jinja's ``self``."""

    __slots__ = ("_blocks", "_ctx", "_markup")

    def __init__(self, ctx: dict[str, Any], blocks: Blocks, markup: Callable[[str], str]):
        """Refer to the blocks of the template being rendered with ``ctx``."""
        self._ctx, self._blocks, self._markup = ctx, blocks, markup

    def __getitem__(self, name: str) -> BlockReference:
        """What renders block ``name``; ``KeyError`` if there is none."""
        return BlockReference(self._blocks[name][0], self._ctx, self._blocks, self._markup)

    def __repr__(self) -> str:
        return f"<TemplateReference of blocks {sorted(self._blocks)}>"


def _render_block(name: str, ctx: dict[str, Any], blocks: Blocks, out: list[str]) -> None:
    """Render block ``name``: the most derived template's version (first in its chain)."""
    blocks[name][0](ctx, blocks, 0, out)


def _text_block(text: str) -> Callable[..., None]:
    """A block whose body is only text, without a generated function (template_compiler)."""

    def render_text(ctx: dict[str, Any], blocks: Blocks, level: int, out: list[str]) -> None:
        out.append(text)

    return render_text


def _render_required(name: str, ctx: dict[str, Any], blocks: Blocks, out: list[str]) -> None:
    """A ``required`` block where it is declared: an error unless a template replaced it
    (Jinja checks there only; ``self.name()`` or a parent's own call renders it as text)."""
    if len(blocks[name]) <= 1:
        raise TemplateRuntimeError(f"required block {name!r} not found")
    _render_block(name, ctx, blocks, out)


def extend_chain(blocks: Blocks, parent_blocks: dict[str, Callable[..., Any]]) -> None:
    """Put a parent template's blocks after the child's in each block's chain (the child's
    version renders; ``super()`` reaches the parent's)."""
    for name, function in parent_blocks.items():
        blocks.setdefault(name, []).append(function)


def _render_parent(parent: Template, ctx: dict[str, Any], blocks: Blocks, out: list[str]) -> None:
    """Render ``parent`` with the child's blocks first in each block's chain."""
    extend_chain(blocks, parent.blocks)
    parent.root(ctx, blocks, out)


def _extended(mark: int | None, position: int) -> int:
    """Where a conditional ``{% extends %}`` ran in the output (what follows is taken
    back); a template extended twice is an error, as in Jinja."""
    if mark is not None:
        raise TemplateRuntimeError("extended multiple times")
    return position


def _loop_class(undefined: type[Undefined]) -> type[LoopContext]:
    """``LoopContext`` for an environment whose undefined kind is ``undefined``."""

    class EnvironmentLoop(LoopContext):
        def __init__(
            self,
            iterable: Iterable[Any],
            depth: int = 1,
            recurse: Callable[[Iterable[Any], int], str] | None = None,
        ) -> None:
            super().__init__(iterable, depth, recurse, undefined)

    return EnvironmentLoop
