"""URL converters and rule segments: the variables a rule can hold (``<int:id>``, ``<path:rest>``).

Where it fits: ``routing.py`` hands a rule to ``parse_rule``, which splits it on ``/``
and calls ``parse_segment`` once per distinct segment text; that builds one converter per ``<converter(arguments):name>`` and a
``SegmentPattern`` that runs them, shared by every trie edge for that text. While matching,
the router asks a converter's ``match`` whether a decoded segment has the right shape and
``to_python`` for the value handed to the view; ``Router.build`` asks ``to_url`` for the
text of a value. Applications add their own converters by subclassing ``BaseConverter`` and
calling ``Router.register_converter``. ``RuleError`` is raised here for bad segment syntax
and re-exported by ``routing``, which raises it for the rest.

Rules:
- ``match`` decides from the text (``int`` and ``float`` check ``min``/``max`` there, so
  ``Router.build``, which asks ``match`` alone, refuses what matching would); ``to_python``
  may still refuse it with ``ValueError``, and the router then tries the next pattern.
- Digits are ASCII digits: ``int()`` and ``str.isdigit()`` alone also accept other scripts
  (``١٢``), signs and underscores (``+1_0``), which would make two URLs name one resource.
- ``specificity`` and ``weight`` order the patterns tried at one position, so matching
  never depends on the order rules were added.
- This module imports nothing from tinyweb; option names follow Werkzeug's converters.
- ``order`` (specificity, weight, text) is a segment pattern's place among the dynamic
  edges of a trie node; lower is tried first.
"""

from __future__ import annotations

import decimal
import re
from collections.abc import Callable, Mapping
from enum import IntEnum
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple, Optional, Union

if TYPE_CHECKING:
    import uuid


class Specificity(IntEnum):
    """How much a segment pattern constrains a segment; lower values are tried first."""

    STATIC = 0
    CONSTRAINED = 1
    STRING = 2
    PATH = 3


# ---------------------------------------------------------------------------- converters


class BaseConverter:
    """A named kind of URL variable: which text it matches and how it maps to Python.

    Subclass it, set ``regex`` (or override ``match``), override ``to_python`` (raise
    ``ValueError`` to reject a segment) and ``to_url``, then register it::

        class ColorConverter(BaseConverter):
            regex = "[0-9a-f]{6}"
            def to_python(self, value: str) -> int: return int(value, 16)
            def to_url(self, value: int) -> str: return f"{value:06x}"

        router.register_converter("color", ColorConverter)
        router.add("/paint/<color:shade>", "paint")
    """

    regex: str = "[^/]+"  # used to find the variable inside a segment like <name>.json
    specificity: ClassVar[Specificity] = Specificity.CONSTRAINED
    weight: int = 100  # tie-breaker within one specificity; lower goes first
    _fullmatch: Callable[[str], Optional[re.Match[str]]]

    def match(self, value: str) -> bool:
        """True if ``value`` (one decoded segment, or several for ``path``) has this shape."""
        try:
            fullmatch = self._fullmatch
        except AttributeError:  # compiled once per converter, on first use
            fullmatch = self._fullmatch = re.compile(self.regex).fullmatch
        return fullmatch(value) is not None

    def to_python(self, value: str) -> Any:
        """The Python value handed to the view; raise ValueError to reject the match."""
        return value

    def to_url(self, value: Any) -> str:
        """The (unencoded) URL text for ``value``; the router percent-encodes it."""
        return str(value)


class StringConverter(BaseConverter):
    """``<name>`` or ``<string(minlength=1, maxlength=None, length=None):name>``: one segment."""

    specificity: ClassVar[Specificity] = Specificity.STRING

    def __init__(
        self, minlength: int = 1, maxlength: Optional[int] = None, length: Optional[int] = None
    ) -> None:
        self.minlength = max(1, length if length is not None else minlength)
        self.maxlength = length if length is not None else maxlength
        # A length limit is a constraint: try it before a plain <string>.
        self.weight = 100 if (self.minlength, self.maxlength) == (1, None) else 50

    def match(self, value: str) -> bool:
        """A non-empty segment within the length limits (segments never contain ``/``)."""
        size = len(value)
        if "/" in value or size < self.minlength:
            return False
        return self.maxlength is None or size <= self.maxlength


class IntegerConverter(BaseConverter):
    """``<int:name>``: ASCII digits only (``int()`` would also take ``١٢``, ``+1`` and ``1_0``).

    Options: ``fixed_digits`` (zero-padded width), ``min``, ``max``, ``signed`` (allow ``-``).
    """

    regex: str = "-?[0-9]+"
    weight: int = 50

    def __init__(
        self,
        fixed_digits: int = 0,
        min: Optional[int] = None,
        max: Optional[int] = None,
        signed: bool = False,
    ) -> None:
        self.fixed_digits, self.min, self.max, self.signed = fixed_digits, min, max, signed

    def match(self, value: str) -> bool:
        """ASCII digits, an optional leading ``-`` when signed, the fixed width if set,
        within ``min`` and ``max``."""
        digits = value[1:] if self.signed and value.startswith("-") else value
        if not (digits.isascii() and digits.isdigit()):
            return False
        if self.fixed_digits and len(digits) != self.fixed_digits:
            return False
        return (self.min is None and self.max is None) or _within(self, value, int)

    def to_python(self, value: str) -> int:
        """The integer, or ValueError when outside ``min``/``max``."""
        number = int(value)
        if not _in_range(self, number):
            raise ValueError(f"{number} is out of range")
        return number

    def to_url(self, value: Any) -> str:
        """Decimal digits, zero-padded to ``fixed_digits``."""
        number = int(value)
        sign = "-" if number < 0 else ""
        return sign + str(abs(number)).zfill(self.fixed_digits)


class FloatConverter(BaseConverter):
    """``<float:name>``: ``digits.digits`` in ASCII (as Werkzeug); ``min``, ``max``, ``signed``."""

    regex: str = "-?[0-9]+\\.[0-9]+"
    weight: int = 50

    def __init__(
        self,
        min: Optional[float] = None,
        max: Optional[float] = None,
        signed: bool = False,
    ) -> None:
        self.min, self.max, self.signed = min, max, signed

    def match(self, value: str) -> bool:
        """Digits, a dot, digits; a leading ``-`` only when signed; within ``min`` and ``max``."""
        if value.startswith("-") and not self.signed:
            return False
        if not super().match(value):
            return False
        return (self.min is None and self.max is None) or _within(self, value, float)

    def to_python(self, value: str) -> float:
        """The float, or ValueError when outside ``min``/``max``."""
        number = float(value)
        if not _in_range(self, number):
            raise ValueError(f"{number} is out of range")
        return number

    def to_url(self, value: Any) -> str:
        """Positional notation that round-trips (``1e-05`` becomes ``0.00001``)."""
        text = format(decimal.Decimal(repr(float(value))), "f")
        return text if "." in text else text + ".0"


def _within(converter: Any, text: str, number_type: Callable[[str], float]) -> bool:
    """Whether ``text`` as a number lies within the converter's ``min`` and ``max``.

    ``match`` checks the range, not only ``to_python``: ``Router.build`` asks ``match``
    alone, and ``/0`` built for ``<int(min=1):n>`` would be a URL that answers 404.
    """
    try:
        number = number_type(text)
    except ValueError:  # Python 3.11+ refuses an int of over 4300 digits (CVE-2020-10735)
        return False
    return _in_range(converter, number)


def _in_range(converter: Any, number: float) -> bool:
    """``min <= number <= max``, for the bounds the converter has (``to_python`` too)."""
    return (converter.min is None or number >= converter.min) and (
        converter.max is None or number <= converter.max
    )


class PathConverter(BaseConverter):
    """``<path:name>``: one or more segments, slashes included (``static/css/site.css``)."""

    specificity: ClassVar[Specificity] = Specificity.PATH

    def match(self, value: str) -> bool:
        """Non-empty and not starting with ``/``."""
        return value != "" and not value.startswith("/")


class UUIDConverter(BaseConverter):
    """``<uuid:name>``: ``8-4-4-4-12`` hex digits, converted to ``uuid.UUID``."""

    regex: str = "[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}"
    weight: int = 50

    def to_python(self, value: str) -> uuid.UUID:
        """The ``uuid.UUID``."""
        # Imported here: uuid (with platform) was ~7 ms of `import tinyweb`, and most apps
        # never route on a UUID (benchmarks/bench_app.py measures import time).
        import uuid

        return uuid.UUID(value)


class AnyConverter(BaseConverter):
    """``<any(about, help, "terms"):page>``: exactly one of the listed words."""

    weight: int = 40

    def __init__(self, *items: Any) -> None:
        if not items:
            raise TypeError("any() needs at least one item")
        self.items = frozenset(str(item) for item in items)
        if any("/" in item or not item for item in self.items):
            raise TypeError("any() items must be non-empty and contain no '/'")
        self.regex = "|".join(re.escape(item) for item in sorted(self.items, key=len, reverse=True))

    def match(self, value: str) -> bool:
        """One of the items."""
        return value in self.items


# ---------------------------------------------------------------------- segment patterns


class Variable(NamedTuple):
    """One ``<converter:name>`` of a rule, with its converter built."""

    name: str
    converter: BaseConverter
    signature: str  # converter name and normalized arguments: equal means same matcher


class SegmentPattern:
    """How a rule segment with variables matches a request's segment, and its priority.

    A segment that is one variable (``<int:id>``) is matched by its converter; a segment
    mixing text and variables (``<name>.json``) by a regex built from its pieces, then
    each variable's converter. Built once per segment text and shared by every edge for
    it: apps repeat ``<id>`` hundreds of times, and building it per edge was about 2 ms of
    the 25 ms that 1000 rules took to register (benchmarks/bench_routing.py). ::

        user_id = Variable("user_id", IntegerConverter(), "int")
        SegmentPattern((user_id,), "<int>").convert("42")   # [("user_id", 42)]
    """

    __slots__ = ("is_path", "order", "plain", "regex", "variables")

    def __init__(self, parts: tuple[Union[str, Variable], ...], signature: str) -> None:
        self.variables = [part for part in parts if isinstance(part, Variable)]
        converter = self.variables[0].converter
        self.regex: Optional[re.Pattern[str]] = None
        self.order: tuple[Any, ...] = (converter.specificity, converter.weight, signature)
        if len(parts) > 1:
            # Named groups, so groups inside a converter's own regex cannot shift values.
            pieces = [
                re.escape(part)
                if isinstance(part, str)
                else f"(?P<{part.name}>{part.converter.regex})"
                for part in parts
            ]
            self.regex = re.compile("".join(pieces))
            # Literal text constrains a segment more than any lone converter.
            self.order = (Specificity.CONSTRAINED, 0, signature)
        lone = self.regex is None
        self.is_path = lone and converter.specificity is Specificity.PATH
        # A plain <string> takes any non-empty segment as it is: the matcher skips the
        # converter calls for it (the GitHub table is almost all plain strings).
        self.plain = lone and type(converter) is StringConverter and converter.weight == 100

    def convert(self, text: str) -> Optional[list[tuple[str, Any]]]:
        """The ``(name, value)`` pairs for ``text``, or None if this pattern does not match.

        A ValueError from ``to_python`` means "no match": the search moves on.
        """
        if self.regex is None:  # one converter, the whole segment: the common case
            variable = self.variables[0]
            converter = variable.converter
            if not converter.match(text):
                return None
            try:
                return [(variable.name, converter.to_python(text))]
            except ValueError:
                return None
        else:
            found = self.regex.fullmatch(text)
            if found is None:
                return None
            pieces = [(variable, found.group(variable.name)) for variable in self.variables]
        pairs = []
        for variable, piece in pieces:
            if not variable.converter.match(piece):
                return None
            try:
                pairs.append((variable.name, variable.converter.to_python(piece)))
            except ValueError:
                return None
        return pairs


DEFAULT_CONVERTERS: Mapping[str, type[BaseConverter]] = {
    "default": StringConverter,
    "string": StringConverter,
    "int": IntegerConverter,
    "float": FloatConverter,
    "path": PathConverter,
    "uuid": UUIDConverter,
    "any": AnyConverter,
}


# ------------------------------------------------------------------------ rule segments


class RuleError(ValueError):
    """A rule could not be registered: bad syntax, a duplicate or an ambiguity."""


# <converter(arguments):name> or <name>; names are ASCII identifiers (they become
# keyword arguments of the view, as in Werkzeug).
_VARIABLE = re.compile(
    r"<(?:(?P<converter>[A-Za-z_][A-Za-z0-9_]*)(?:\((?P<arguments>[^()]*)\))?:)?"
    r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)>"
)


class Segment:
    """One segment of a parsed rule: text, one variable, or a mix (``<name>.json``).

    Read-only by contract. A plain class with ``__slots__``, not a NamedTuple: registering
    reads these fields for every segment of every rule, a NamedTuple field costs twice
    as much to read as a slot (45 against 20 ns here; CPython 3.11 does not specialize
    ``_tuplegetter``), and 1000 rules registered 1.2 ms sooner (of 13;
    benchmarks/bench_routing.py).
    """

    __slots__ = ("names", "parts", "pattern", "signature", "static_text")

    def __init__(
        self,
        parts: tuple[Union[str, Variable], ...],
        static_text: Optional[str],
        signature: str,
        names: tuple[str, ...],
        pattern: Optional[SegmentPattern] = None,
    ) -> None:
        self.parts = parts
        self.static_text = static_text  # the text if there is no variable ("" for a "/" end)
        self.signature = signature  # equal signatures match exactly the same segments
        self.names = names
        # How a segment with variables matches; None for static text. Built once per
        # segment text, with the parse: edges for the same text share it.
        self.pattern = pattern


def parse_rule(
    rule: str, converters: Mapping[str, type[BaseConverter]], cache: dict[str, Segment]
) -> tuple[list[Segment], tuple[str, ...]]:
    """``"/users/<int:id>/"`` -> segments for ``users``, ``<int:id>`` and ``""``, checked.

    ``cache`` maps segment text to its parse: apps repeat ``<int:id>`` a lot, and
    registering 1000 rules must stay within milliseconds (benchmarks/bench_routing.py).
    """
    if not isinstance(rule, str) or not rule.startswith("/"):
        raise RuleError(f"a rule must be a string starting with '/', got {rule!r}")
    segments = []
    names: tuple[str, ...] = ()
    # One plain loop, no generator: this is the part of add that runs per segment
    # (1.9 ms against 3.1 ms for 1000 rules with a tuple(generator) for the names).
    for text in rule.split("/"):  # the first segment is the "" before the leading "/"
        segment = cache.get(text)
        if segment is None:
            segment = cache[text] = parse_segment(text, rule, converters)
        segments.append(segment)
        if segment.names:
            names += segment.names
    if "//" in rule:
        raise RuleError(f"empty segment ('//') in rule {rule!r}")
    if len(names) > 1 and len(set(names)) != len(names):
        raise RuleError(f"a variable name appears twice in rule {rule!r}")
    return segments, names


def parse_segment(text: str, rule: str, converters: Mapping[str, type[BaseConverter]]) -> Segment:
    """Split one rule segment into static text and variables; RuleError on bad syntax.

    ``rule`` is the whole rule, for messages. ::

        parse_segment("<int:id>.json", "/users/<int:id>.json", DEFAULT_CONVERTERS).names
        # ("id",)
    """
    if "<" not in text and ">" not in text:
        return Segment((text,) if text else (), text, text, ())
    parts: list[Union[str, Variable]] = []
    position = 0
    for found in _VARIABLE.finditer(text):
        parts.extend((text[position : found.start()], _make_variable(found, rule, converters)))
        position = found.end()
    parts.append(text[position:])
    if any("<" in part or ">" in part for part in parts if isinstance(part, str)):
        raise RuleError(f"invalid rule syntax in {rule!r}: unbalanced or malformed '<...>'")
    kept = tuple(part for part in parts if part != "")
    if len(kept) > 1 and any(
        isinstance(part, Variable) and part.converter.specificity is Specificity.PATH
        for part in kept
    ):
        raise RuleError(f"a path converter must fill whole segments in rule {rule!r}")
    signature = "".join(part if isinstance(part, str) else f"<{part.signature}>" for part in kept)
    names = tuple(part.name for part in kept if isinstance(part, Variable))
    return Segment(kept, None, signature, names, SegmentPattern(kept, signature))


def _make_variable(
    found: re.Match[str], rule: str, converters: Mapping[str, type[BaseConverter]]
) -> Variable:
    """Build the converter named in ``<converter(arguments):name>``."""
    converter_name = found.group("converter") or "default"
    if converter_name not in converters:
        raise RuleError(f"unknown converter {converter_name!r} in rule {rule!r}")
    converter_class = converters[converter_name]
    try:
        arguments, keywords = parse_arguments(found.group("arguments") or "")
        converter = converter_class(*arguments, **keywords)
        canonical = _canonical_arguments(converter_class, arguments, keywords)
    except (TypeError, ValueError) as error:
        raise RuleError(f"bad arguments for {converter_name!r} in rule {rule!r}: {error}") from None
    class_name = f"{converter_class.__module__}.{converter_class.__qualname__}"
    return Variable(found.group("name"), converter, f"{class_name}({canonical})")


def _canonical_arguments(
    converter_class: type[BaseConverter], arguments: tuple[Any, ...], keywords: dict[str, Any]
) -> str:
    """One text for every spelling of one converter call, defaults left out.

    ``int``, ``int(0)`` and ``int(signed=False)`` build the same matcher: with different
    signatures the second rule would sit unreachable behind the first instead of being
    refused as a rule no request can tell apart. ``"fixed_digits=4"`` for ``int(4)``.
    """
    if not arguments and not keywords:
        return ""
    import inspect  # here: most rules have no converter arguments (import time, as uuid)

    try:
        signature = inspect.signature(converter_class)
        bound = signature.bind(*arguments, **keywords).arguments
    except (TypeError, ValueError):  # no signature to read: the arguments as written
        return f"{arguments!r}{sorted(keywords.items())!r}"
    texts = []
    for name, value in bound.items():
        if value == signature.parameters[name].default:
            continue
        # **options collects a dict: its order is the order written, not the meaning.
        texts.append(f"{name}={sorted(value.items()) if isinstance(value, dict) else value!r}")
    return ", ".join(texts)


# One converter argument: optional keyword, then a quoted string or a bare literal.
_ARGUMENT = re.compile(
    r"\s*(?:(?P<keyword>[A-Za-z_]\w*)\s*=\s*)?"
    r"""(?P<value>"[^"]*"|'[^']*'|[^,"'=]*?)\s*(?:,|$)"""
)


def _literal(text: str) -> Any:
    """A converter argument: a quoted string, True/False/None, an int, a float or a word."""
    if text[:1] in "\"'" and len(text) >= 2:
        return text[1:-1]
    named = {"True": True, "False": False, "None": None}
    if text in named:
        return named[text]
    for number_type in (int, float):
        try:
            return number_type(text)
        except ValueError:
            pass
    return text


def parse_arguments(text: str) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """``"1, max=5"`` -> ``((1,), {"max": 5})``; ValueError for anything malformed."""
    positional: list[Any] = []
    keywords: dict[str, Any] = {}
    position = 0
    while position < len(text):
        found = _ARGUMENT.match(text, position)
        if found is None or found.end() == position or not found.group("value"):
            raise ValueError(f"cannot parse converter arguments {text!r}")
        value = _literal(found.group("value"))
        if found.group("keyword"):
            keywords[found.group("keyword")] = value
        elif keywords:
            raise ValueError(f"positional argument after keyword in {text!r}")
        else:
            positional.append(value)
        position = found.end()
    return tuple(positional), keywords
