"""The values templates work with: ``Undefined`` and the built-in filters.

Where it fits: ``templating.Environment`` copies ``FILTERS`` into ``env.filters`` (users
add their own there); compiled templates call them directly, ``{{ name|upper }}`` being
``upper(name)``. ``Undefined`` stands for a name or attribute that does not exist, with
Jinja's semantics. The tests (``x is even``) are in ``template_tests``.

Rules:
1. Every filter and test gives Jinja2's result for the same arguments (the tables in
   tests/test_templating_filters.py are written from Jinja's documentation).
2. A filter is a plain function ``filter(value, *args, **kwargs)``. One that must know
   whether autoescape is on carries ``pass_autoescape = True`` and receives it first;
   one marked ``pass_environment`` receives the ``Environment``, one marked
   ``pass_eval_context`` (Jinja's name) an ``EvalContext`` with both, and one marked
   ``pass_context`` the template's ``Context`` (``template_runtime``).
3. Attribute paths given to filters (``sort(attribute="user.name")``) never reach names
   that start with ``_``: templates cannot climb to ``__class__`` and friends.

Spec: https://jinja.palletsprojects.com/en/3.1.x/templates/#list-of-builtin-filters
"""

from __future__ import annotations

import copy
import json
import math
import random
import re
import string
from collections import abc
from collections.abc import Iterable, Iterator
from functools import partial
from itertools import chain, groupby, repeat
from pprint import pformat
from typing import Any, Callable, NamedTuple, NoReturn
from urllib.parse import quote

from .markup import Markup, escape, soft_str


class TemplateError(Exception):
    """Base of every template error; ``name`` and ``lineno`` locate it when known."""

    def __init__(self, message: str, lineno: int | None = None, name: str | None = None):
        """Keep the message and where in which template it happened."""
        super().__init__(message)
        self.message = message
        self.lineno = lineno
        self.name = name

    def __str__(self) -> str:
        if self.lineno is None and self.name is None:
            return self.message
        line = "" if self.lineno is None else f", line {self.lineno}"
        return f"{self.message} (template {self.name or '<string>'!r}{line})"


class TemplateRuntimeError(TemplateError):
    """An error while rendering (Jinja's class of that name): a required block nobody
    replaced, an attribute set on what is not a namespace; base of the two below."""


class FilterArgumentError(TemplateRuntimeError):
    """A filter was given an argument it cannot use (Jinja's class of that name):
    ``urlize(extra_schemes=["javascript"])``, a scheme without its colon."""


class UndefinedError(TemplateRuntimeError):
    """An undefined value was used in a way that needs a value (``missing.attr``)."""


class SecurityError(TemplateRuntimeError):
    """A template tried to reach an attribute starting with ``_`` (templates are trusted
    code, but this closes the classic ``''.__class__.__mro__`` climb)."""


_MISSING: Any = object()


def _type_name(value: Any) -> str:
    """How Jinja names a value's type in errors: ``'dict object'``, ``'app.User object'``."""
    kind = type(value)
    module = "" if kind.__module__ == "builtins" else f"{kind.__module__}."
    return "'None'" if value is None else f"'{module}{kind.__name__} object'"


class Undefined:
    """A missing value: renders as ``""``, is falsy, iterates as empty; anything more
    (an attribute, an item, a call, arithmetic) raises ``UndefinedError``.

    >>> str(Undefined("user")), bool(Undefined("user"))
    ('', False)
    """

    __slots__ = ("_undefined_hint", "_undefined_name", "_undefined_object")

    def __init__(self, name: Any = None, owner: Any = _MISSING, hint: str | None = None) -> None:
        """``name`` is what was looked up; ``owner`` the object it was looked up on;
        ``hint``, if given, is the error message instead (Jinja's ``hint``)."""
        self._undefined_name = name
        self._undefined_object = owner
        self._undefined_hint = hint

    @property
    def _undefined_message(self) -> str:
        """What the ``UndefinedError`` says (Jinja's name for it)."""
        name, owner = self._undefined_name, self._undefined_object
        if self._undefined_hint is not None:
            return self._undefined_hint
        if owner is _MISSING:
            return f"{name!r} is undefined"
        if isinstance(name, str):
            return f"{_type_name(owner)} has no attribute {name!r}"
        return f"{_type_name(owner)} has no element {name!r}"

    def _fail(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise UndefinedError(self._undefined_message)

    def __getattr__(self, name: str) -> Any:
        if name[:2] == "__":
            raise AttributeError(name)
        self._fail()

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _fail
    __truediv__ = __rtruediv__ = __floordiv__ = __rfloordiv__ = _fail
    __mod__ = __rmod__ = __pow__ = __rpow__ = __pos__ = __neg__ = _fail
    __call__ = __getitem__ = __lt__ = __le__ = __gt__ = __ge__ = _fail
    __int__ = __float__ = __complex__ = _fail  # not __abs__: abs() is a TypeError, as Jinja

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return id(type(self))

    def __str__(self) -> str:
        return ""

    def __len__(self) -> int:
        return 0

    def __iter__(self) -> Iterator[Any]:
        return iter(())

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "Undefined"


class StrictUndefined(Undefined):
    """An undefined value that raises on any use: printing, truth, iteration, comparison.

    Only ``is defined``, ``is undefined`` and ``|default`` may look at it.
    """

    __slots__ = ()
    __str__ = __len__ = __iter__ = __bool__ = __eq__ = __ne__ = __contains__ = Undefined._fail
    __hash__ = Undefined._fail


# -- Attribute paths used by sort/dictsort/sum/min/max/unique -------------------------

FORMAT_METHODS = frozenset({"format", "format_map"})
_FORMATTER = string.Formatter()


def refuse_private_fields(text: Any) -> None:
    """Raise ``SecurityError`` if the format string ``text`` reads an attribute starting
    with ``_``: ``str.format`` looks attributes up itself, and ``"{0.__class__}".format(x)``
    is the classic way around a template engine's attribute rule. Every lookup of a
    string's ``format``/``format_map`` (``FORMAT_METHODS``) goes through here first."""
    if not isinstance(text, str):
        return
    try:
        fields = list(_FORMATTER.parse(text))
    except ValueError:  # malformed: calling format raises that error itself
        return
    for _, field, specification, _ in fields:
        if field is not None and "._" in field:
            raise SecurityError(f"format field {field!r} reads an attribute starting with '_'")
        if specification:  # "{0:{1.__class__}}": fields nest inside the specification
            refuse_private_fields(specification)


def lookup_item(owner: Any, key: Any, undefined: type[Undefined] = Undefined) -> Any:
    """``owner[key]``, else the attribute ``key`` (never one starting with ``_``), else
    ``undefined`` (the environment's kind)."""
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


def _attribute_getter(
    environment: Any, attribute: str | int | None, lowercase: bool = False, default: Any = None
) -> Callable[[Any], Any]:
    """A key function for ``attribute`` (a dotted path; digits are indexes); a step that
    finds nothing gives ``default`` instead, if one is given (as Jinja's ``groupby``), else
    the environment's undefined kind (StrictUndefined fails where the key is used)."""
    parts: list[Any] = []
    if isinstance(attribute, str):
        parts = [int(part) if part.isdigit() else part for part in attribute.split(".")]
    elif attribute is not None:
        parts = [attribute]

    def key(item: Any) -> Any:
        for part in parts:
            item = lookup_item(item, part, environment.undefined)
            if default is not None and isinstance(item, Undefined):
                item = default
        if lowercase and isinstance(item, str):
            return item.lower()
        return item

    return key


def pass_autoescape(function: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a filter that receives ``autoescape`` (a bool) before the value."""
    function.pass_autoescape = True  # type: ignore[attr-defined]
    return function


def pass_environment(function: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a filter that receives the ``Environment`` before the value."""
    function.pass_environment = True  # type: ignore[attr-defined]
    return function


class EvalContext(NamedTuple):
    """What a ``pass_eval_context`` filter receives first: the environment, and whether
    the template being rendered autoescapes (Jinja's ``eval_ctx.autoescape``)."""

    environment: Any
    autoescape: bool


def pass_eval_context(function: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a filter that receives an ``EvalContext`` before the value, as Jinja's
    decorator of that name::

        @pass_eval_context
        def nl2br(eval_ctx, value):
            text = escape(value) if eval_ctx.autoescape else value
            return text.replace("\\n", Markup("<br>\\n"))
    """
    function.pass_eval_context = True  # type: ignore[attr-defined]
    return function


def pass_context(function: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a filter, test or global function that receives the template's ``Context``
    first (``ctx["user"]``, ``ctx.get(name)``, ``ctx.name``), as Jinja's decorator::

        @pass_context
        def current_user(ctx):
            return ctx.get("user", "guest")

    A global function passes the context when the template's call of it was compiled
    while the global was set (``env.globals``), not one given only to ``render``.
    """
    function.pass_context = True  # type: ignore[attr-defined]
    return function


# -- Filters: strings -------------------------------------------------------------------

_WORD_BEGINNING = re.compile(r"([-\s({\[<]+)")
_WORD = re.compile(r"\w+")
_PLAIN_TEXT = frozenset({str})


def do_title(value: Any) -> str:
    """Each word capitalized, words starting after spaces, dashes and opening brackets."""
    pieces = _WORD_BEGINNING.split(soft_str(value))
    return "".join(piece[0].upper() + piece[1:].lower() for piece in pieces if piece)


def do_truncate(
    value: Any, length: int = 255, killwords: bool = False, end: str = "...", leeway: int = 5
) -> str:
    """Cut to ``length`` characters (unless within ``leeway``), at a word unless
    ``killwords``, ending with ``end``; a ``length`` shorter than ``end`` is an error."""
    # Jinja asserts these two before measuring the value; a ValueError, so `python -O`
    # cannot skip the check, with Jinja's message.
    if length < len(end):
        raise ValueError(f"expected length >= {len(end)}, got {length}")
    if leeway < 0:
        raise ValueError(f"expected leeway >= 0, got {leeway}")
    if len(value) <= length + leeway:  # as Jinja: no conversion, short values pass as they are
        return value  # type: ignore[no-any-return]
    if killwords:
        return value[: length - len(end)] + end  # type: ignore[no-any-return]
    return value[: length - len(end)].rsplit(" ", 1)[0] + end  # type: ignore[no-any-return]


@pass_autoescape
def do_replace(autoescape: bool, value: Any, old: Any, new: Any, count: int = -1) -> str:
    """Replace ``old`` by ``new`` (the first ``count`` times)."""
    if not autoescape:
        return str(value).replace(str(old), str(new), count)
    safe_new = hasattr(new, "__html__") and not hasattr(value, "__html__")
    text = escape(value) if hasattr(old, "__html__") or safe_new else soft_str(value)
    return text.replace(soft_str(old), soft_str(new), count)


def do_format(value: Any, *args: Any, **kwargs: Any) -> str:
    """printf-style formatting: ``"%s, %s"|format(a, b)``."""
    if args and kwargs:
        raise TypeError("format takes positional or keyword arguments, not both")
    return soft_str(value) % (kwargs or args)


def do_indent(value: Any, width: int | str = 4, first: bool = False, blank: bool = False) -> str:
    """Indent every line but the first (unless ``first``) and blank ones (unless ``blank``)."""
    indentation: str = width if isinstance(width, str) else " " * width
    newline = "\n"
    text = copy.copy(value)  # as Jinja: not converted, so indenting a number is an error,
    if isinstance(text, Markup):
        indentation, newline = Markup(indentation), Markup(newline)
    text += newline  # and Jinja's steps give its errors (a list: no splitlines), unchanged
    lines = text.splitlines()
    if blank:
        result = (newline + indentation).join(lines)
    else:
        result = lines.pop(0)
        if lines:
            indented = (indentation + line if line else line for line in lines)
            result += newline + newline.join(indented)
    return indentation + result if first else result


def do_urlencode(value: Any) -> str:
    """Percent-encode a string (keeping ``/``) or a dict / pairs as a query string."""
    if isinstance(value, str) or not isinstance(value, abc.Iterable):
        return quote(str(value).encode("utf-8"), safe="/")
    pairs = value.items() if isinstance(value, dict) else value

    def component(item: Any) -> str:
        return quote(str(item).encode("utf-8"), safe="").replace("%20", "+")

    return "&".join(f"{component(key)}={component(item)}" for key, item in pairs)


@pass_eval_context
def do_tojson(context: EvalContext, value: Any, indent: int | None = None) -> Markup:
    """JSON that is safe inside HTML and ``<script>``: ``< > & '`` become ``\\u`` escapes.

    Serialized as Jinja does, by the environment's ``json.dumps_function`` policy (None:
    ``json.dumps``) with its ``json.dumps_kwargs`` (``sort_keys``); a tinyweb app sets the
    function to ``app.json.dumps``, as Flask, so dates and UUIDs serialize as in jsonify.
    """
    policies = context.environment.policies
    dumps = policies.get("json.dumps_function") or json.dumps
    options = dict(policies.get("json.dumps_kwargs") or {})
    if indent is not None:
        options["indent"] = indent
    text = dumps(value, **options)
    for character, replacement in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(character, replacement)
    return Markup(text.replace("'", "\\u0027"))


@pass_eval_context
def do_join(
    context: EvalContext, value: Iterable[Any], separator: str = "", attribute: Any = None
) -> str:
    """Join the items with ``separator``; with autoescape, safe items stay safe."""
    if attribute is not None:
        value = map(_attribute_getter(context.environment, attribute), value)
    if not context.autoescape:
        return str(separator).join(map(str, value))
    items = value if value.__class__ is list else list(value)
    if separator.__class__ is str and set(map(type, items)) <= _PLAIN_TEXT:
        return separator.join(items)  # the common case: plain strings, escaped on output
    if hasattr(separator, "__html__") or any(map(hasattr, items, repeat("__html__"))):
        return Markup(escape(separator)).join(items)
    return str(separator).join(map(str, items))


# -- Filters: numbers -------------------------------------------------------------------


def do_int(value: Any, default: int = 0, base: int = 10) -> int:
    """An int from ``value`` ("42.23" gives 42), else ``default``."""
    try:
        return int(value, base) if isinstance(value, str) else int(value)
    except (TypeError, ValueError):
        try:
            return int(float(value))
        except (TypeError, ValueError, OverflowError):
            return default


def do_float(value: Any, default: float = 0.0) -> float:
    """A float from ``value``, else ``default``."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def do_round(value: float, precision: int = 0, method: str = "common") -> float:
    """Round to ``precision`` digits; ``method`` is common (Python's), ceil or floor."""
    if method == "common":
        return round(value, precision)
    if method not in ("ceil", "floor"):
        raise ValueError("method must be common, ceil or floor")
    rounding = math.ceil if method == "ceil" else math.floor
    return float(rounding(value * 10**precision) / 10**precision)


@pass_environment
def do_sum(environment: Any, iterable: Iterable[Any], attribute: Any = None, start: Any = 0) -> Any:
    """The sum of the items (or of their ``attribute``)."""
    if attribute is not None:
        iterable = map(_attribute_getter(environment, attribute), iterable)
    return sum(iterable, start)


def _min_or_max(
    environment: Any,
    function: Callable[..., Any],
    value: Iterable[Any],
    case_sensitive: bool,
    attribute: Any,
) -> Any:
    items = iter(value)
    try:
        first = next(items)
    except StopIteration:  # the environment's kind: StrictUndefined makes it an error
        return environment.undefined("No aggregated item, sequence was empty.")
    key = _attribute_getter(environment, attribute, lowercase=not case_sensitive)
    return function(chain([first], items), key=key)


@pass_environment
def do_min(
    environment: Any, value: Iterable[Any], case_sensitive: bool = False, attribute: Any = None
) -> Any:
    """The smallest item (strings compared ignoring case unless ``case_sensitive``)."""
    return _min_or_max(environment, min, value, case_sensitive, attribute)


@pass_environment
def do_max(
    environment: Any, value: Iterable[Any], case_sensitive: bool = False, attribute: Any = None
) -> Any:
    """The largest item (strings compared ignoring case unless ``case_sensitive``)."""
    return _min_or_max(environment, max, value, case_sensitive, attribute)


# -- Filters: sequences -----------------------------------------------------------------


def do_default(value: Any, default_value: Any = "", boolean: bool = False) -> Any:
    """``default_value`` when ``value`` is undefined (or falsy, if ``boolean``)."""
    if isinstance(value, Undefined) or (boolean and not value):
        return default_value
    return value


@pass_environment
def do_first(environment: Any, value: Iterable[Any]) -> Any:
    """The first item, or undefined (the environment's kind)."""
    for item in value:
        return item
    return environment.undefined("No first item, sequence was empty.")


@pass_environment
def do_last(environment: Any, value: Any) -> Any:
    """The last item, or undefined (the environment's kind)."""
    for item in reversed(value):
        return item
    return environment.undefined("No last item, sequence was empty.")


@pass_environment
def do_sort(
    environment: Any,
    value: Iterable[Any],
    reverse: bool = False,
    case_sensitive: bool = False,
    attribute: Any = None,
) -> list[Any]:
    """The items sorted (strings ignoring case unless ``case_sensitive``); ``attribute``
    may name several, ``"age,name"``."""
    names = attribute.split(",") if isinstance(attribute, str) else [attribute]
    keys = [_attribute_getter(environment, name, lowercase=not case_sensitive) for name in names]
    # As Jinja, a key is a list of values: missing (undefined) values compare equal.
    return sorted(value, key=lambda item: [key(item) for key in keys], reverse=reverse)


def do_reverse(value: Any) -> Any:
    """A reversed string, or an iterator over the items in reverse."""
    if isinstance(value, str):
        return value[::-1]
    try:
        return reversed(value)
    except TypeError:
        pass
    try:
        items = list(value)
    except TypeError:  # Jinja's error for `5|reverse`
        raise FilterArgumentError("argument must be iterable") from None
    items.reverse()
    return items


def do_dictsort(
    value: Any, case_sensitive: bool = False, by: str = "key", reverse: bool = False
) -> list[tuple[Any, Any]]:
    """A dict's items as pairs sorted by key (or by value, ``by="value"``)."""
    if by not in ("key", "value"):
        raise ValueError('You can only sort by either "key" or "value"')
    position = 0 if by == "key" else 1

    def key(item: tuple[Any, Any]) -> Any:
        field = item[position]
        return field.lower() if not case_sensitive and isinstance(field, str) else field

    return sorted(value.items(), key=key, reverse=reverse)


def do_batch(value: Iterable[Any], linecount: int, fill_with: Any = None) -> Iterator[list[Any]]:
    """Lists of ``linecount`` items; the last one filled with ``fill_with`` if given."""
    batch: list[Any] = []
    for item in value:
        if len(batch) == linecount:
            yield batch
            batch = []
        batch.append(item)
    if batch:
        if fill_with is not None and len(batch) < linecount:
            batch += [fill_with] * (linecount - len(batch))
        yield batch


def do_items(value: Any) -> Iterator[tuple[Any, Any]]:
    """A mapping's ``(key, value)`` pairs; nothing for undefined."""
    if isinstance(value, Undefined):
        return
    if not isinstance(value, abc.Mapping):
        raise TypeError("Can only get item pairs from a mapping.")
    yield from value.items()


@pass_environment
def do_unique(
    environment: Any, value: Iterable[Any], case_sensitive: bool = False, attribute: Any = None
) -> Iterator[Any]:
    """The items without repeats (first occurrence kept)."""
    key = _attribute_getter(environment, attribute, lowercase=not case_sensitive)
    seen = set()
    for item in value:
        marker = key(item)
        if marker not in seen:
            seen.add(marker)
            yield item


@pass_environment
def do_random(environment: Any, value: abc.Sequence[Any]) -> Any:
    """A random item; undefined (the environment's kind) when there is none."""
    try:
        return random.choice(value)
    except IndexError:
        return environment.undefined("No random item, sequence was empty.")


def _call_by_name(
    context: EvalContext, kind: str, name: str, item: Any, args: Any, kwargs: Any
) -> Any:
    """Call the filter or test ``name`` of the environment on ``item`` (``map``, ``select``)."""
    environment = context.environment
    function = (environment.filters if kind == "filter" else environment.tests).get(name)
    if function is None:
        raise TemplateError(f"no {kind} named {name!r}")
    if getattr(function, "pass_context", False):  # map/select have no template context
        raise TemplateRuntimeError(f"the pass_context {kind} {name!r} cannot be called by name")
    if getattr(function, "pass_eval_context", False):  # (the compiler's order of markers)
        return function(context, item, *args, **kwargs)
    if getattr(function, "pass_environment", False):
        return function(environment, item, *args, **kwargs)
    if getattr(function, "pass_autoescape", False):
        return function(context.autoescape, item, *args, **kwargs)
    return function(item, *args, **kwargs)


@pass_eval_context
def do_map(context: EvalContext, value: Iterable[Any], *args: Any, **kwargs: Any) -> Iterator[Any]:
    """Each item's ``attribute=`` (or ``default=``), or each item through a filter."""
    if not args and "attribute" in kwargs:
        default = kwargs.pop("default", None)
        key = _attribute_getter(context.environment, kwargs.pop("attribute"))
        if kwargs:
            raise TypeError(f"unexpected keyword argument {next(iter(kwargs))!r}")
        for item in value or ():  # as Jinja: a falsy value (none, 0, undefined) maps to nothing
            result = key(item)
            yield default if default is not None and isinstance(result, Undefined) else result
        return
    if not args:
        raise TypeError("map requires a filter argument")
    for item in value or ():
        yield _call_by_name(context, "filter", args[0], item, args[1:], kwargs)


def _select(
    keep: bool, by_attribute: bool, context: EvalContext, value: Any, /, *args: Any, **kwargs: Any
) -> Iterator[Any]:
    """The items whose test (``args[0]``, else truth) is ``keep``; of an attribute if asked."""
    key: Callable[[Any], Any] = lambda item: item  # noqa: E731
    if by_attribute:
        if not args:
            raise TypeError("missing parameter for attribute name")
        key, args = _attribute_getter(context.environment, args[0]), args[1:]
    for item in value or ():
        subject = key(item)
        passed = (
            _call_by_name(context, "test", args[0], subject, args[1:], kwargs) if args else subject
        )
        if bool(passed) == keep:
            yield item


# -- Filters: grouping, layout and debugging ----------------------------------------------


class GroupTuple(NamedTuple):
    """One group of ``groupby``: the shared value (``grouper``) and its items (``list``).

    It unpacks as a pair (``{% for city, users in users|groupby("city") %}``) and prints
    as a plain tuple, as Jinja's does.
    """

    grouper: Any
    list: list[Any]

    def __repr__(self) -> str:
        return tuple.__repr__(self)


@pass_environment
def do_groupby(
    environment: Any,
    value: Iterable[Any],
    attribute: str | int,
    default: Any = None,
    case_sensitive: bool = False,
) -> list[GroupTuple]:
    """The items grouped by ``attribute`` (a dotted path), groups sorted by it; items
    without it fall in the group of ``default``. Strings group ignoring case unless
    ``case_sensitive``; the grouper then has the case of the group's first item."""
    key = _attribute_getter(environment, attribute, lowercase=not case_sensitive, default=default)
    grouper = _attribute_getter(environment, attribute, default=default)
    groups = [list(items) for _, items in groupby(sorted(value, key=key), key)]
    return [GroupTuple(grouper(items[0]), items) for items in groups]


def do_slice(value: Iterable[Any], slices: int, fill_with: Any = None) -> Iterator[list[Any]]:
    """The items cut into ``slices`` columns, in order; when they do not divide evenly the
    first columns hold one more, and the others end with ``fill_with`` (if given)."""
    items = list(value)
    size, longer = divmod(len(items), slices)
    for number in range(slices):
        start = number * size + min(number, longer)  # each earlier longer column: one more
        column = items[start : start + size + (1 if number < longer else 0)]
        if fill_with is not None and number >= longer:
            column.append(fill_with)
        yield column


@pass_environment
def do_attr(environment: Any, value: Any, name: str) -> Any:
    """``value|attr("name")``: the attribute only, never the item ``value["name"]``;
    undefined when missing. Names starting with ``_`` are refused (rule 3)."""
    if isinstance(name, str) and name.startswith("_"):
        raise SecurityError(f"access to attribute {name!r} is not allowed")
    if name in FORMAT_METHODS:
        refuse_private_fields(value)
    try:
        return getattr(value, name)
    except AttributeError:
        return environment.undefined(name, value)


def do_forceescape(value: Any) -> Markup:
    """Escape ``value`` even if it is ``Markup``: ``<b>`` becomes ``&lt;b&gt;``."""
    return escape(str(value.__html__() if hasattr(value, "__html__") else value))


FILTERS: dict[str, Callable[..., Any]] = {
    "map": do_map,
    "select": pass_eval_context(partial(_select, True, False)),
    "reject": pass_eval_context(partial(_select, False, False)),
    "selectattr": pass_eval_context(partial(_select, True, True)),
    "rejectattr": pass_eval_context(partial(_select, False, True)),
    "escape": escape,
    "e": escape,
    "safe": Markup,
    "default": do_default,
    "d": do_default,
    "length": len,
    "count": len,
    "join": do_join,
    "upper": lambda value: soft_str(value).upper(),
    "lower": lambda value: soft_str(value).lower(),
    "title": do_title,
    "capitalize": lambda value: soft_str(value).capitalize(),
    "trim": lambda value, chars=None: soft_str(value).strip(chars),
    "truncate": do_truncate,
    "replace": do_replace,
    "format": do_format,
    "int": do_int,
    "float": do_float,
    "round": do_round,
    "abs": abs,
    "first": do_first,
    "last": do_last,
    "random": do_random,
    "list": list,
    "sort": do_sort,
    "reverse": do_reverse,
    "dictsort": do_dictsort,
    "batch": do_batch,
    "striptags": lambda value: Markup(str(value)).striptags(),
    "urlencode": do_urlencode,
    "tojson": do_tojson,
    "center": lambda value, width=80: soft_str(value).center(width),
    "wordcount": lambda value: len(_WORD.findall(soft_str(value))),
    "indent": do_indent,
    "items": do_items,
    "sum": do_sum,
    "min": do_min,
    "max": do_max,
    "unique": do_unique,
    "string": soft_str,
    "groupby": do_groupby,
    "slice": do_slice,
    "attr": do_attr,
    "forceescape": do_forceescape,
    "pprint": lambda value: pformat(value),
}
