"""Markup: text that is already safe HTML, and ``escape`` that makes any value so.

Where it fits: the template engine (``templating``) escapes every ``{{ expression }}`` with
``escape_text`` when autoescape is on; values that are ``Markup`` (or any object with an
``__html__`` method, the protocol shared by MarkupSafe, Django and others) pass through.
Views may return ``Markup`` to say "this HTML was built safely".

Rules:
1. Escaping replaces exactly the five characters that can change the meaning of HTML text or
   of a quoted attribute value: ``& < > " '`` (OWASP XSS prevention, rule 1 and 2), with the
   same entities as MarkupSafe (``&#34;`` and ``&#39;``), so output matches Jinja's.
2. Every ``Markup`` operation that mixes in other text (``+``, ``%``, ``format``, ``join``,
   ``replace``...) escapes that text first: ``Markup`` can only grow by safe pieces.
3. Escaping is idempotent on ``Markup``: ``escape(escape(x)) == escape(x)``.

This module imports nothing from tinyweb.
"""

from __future__ import annotations

import html
import string
from collections.abc import Iterable, Mapping
from typing import Any, Callable, SupportsIndex


def escape_text(value: Any) -> str:
    """Return ``value`` as HTML text: ``Markup`` as is, anything else escaped.

    This is the hot path of every ``{{ expression }}``, so it returns a plain ``str`` and
    tests the exact class ``str`` first (benchmarks/bench_templating.py, "bigtable": one
    class check and five C-speed ``str.replace`` calls that return the same object when
    there is nothing to replace).

    >>> escape_text("<b>")
    '&lt;b&gt;'
    """
    if value.__class__ is str:
        return (
            value.replace("&", "&amp;")
            .replace("<", "&lt;")
            .replace(">", "&gt;")
            .replace('"', "&#34;")
            .replace("'", "&#39;")
        )
    if value.__class__ is int or value.__class__ is float:  # digits, sign, dot, e: safe
        return str(value)
    to_html = getattr(value, "__html__", None)
    if to_html is not None:
        text = to_html()
        return text if isinstance(text, str) else str(text)
    return (
        str(value)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&#34;")
        .replace("'", "&#39;")
    )


def escape(value: Any) -> Markup:
    """Escape ``value`` into ``Markup``; objects with ``__html__`` are trusted as is.

    >>> escape("<a href='x'>")
    Markup('&lt;a href=&#39;x&#39;&gt;')
    >>> escape(escape("&")) == escape("&")
    True
    """
    return Markup._from_safe(escape_text(value))


def soft_str(value: Any) -> str:
    """``str(value)``, except that ``Markup`` stays ``Markup`` (not escaped again later)."""
    if isinstance(value, str):
        return value
    return str(value)


class Markup(str):
    """A string that is safe HTML: it is never escaped again.

    >>> Markup("<b>%s</b>") % "<i>"
    Markup('<b>&lt;i&gt;</b>')
    >>> Markup("<br>").join(["a", "<"])
    Markup('a<br>&lt;')
    """

    __slots__ = ()

    def __new__(cls, base: Any = "") -> Markup:
        """Wrap ``base`` (trusted!) as safe markup; ``__html__`` objects give their HTML."""
        to_html = getattr(base, "__html__", None)
        if to_html is not None:
            base = to_html()
        return super().__new__(cls, base)

    @classmethod
    def _from_safe(cls, text: str) -> Markup:
        return str.__new__(cls, text)

    @classmethod
    def escape(cls, value: Any) -> Markup:
        """Escape ``value`` (``Markup.escape(x)`` is ``escape(x)``)."""
        return cls._from_safe(escape_text(value))

    def __html__(self) -> Markup:
        """The HTML of this value: itself."""
        return self

    def __repr__(self) -> str:
        return f"Markup({str.__repr__(self)})"

    def __add__(self, other: Any) -> Markup:
        if isinstance(other, str) or hasattr(other, "__html__"):
            return self._from_safe(str.__add__(self, escape_text(other)))
        return NotImplemented

    def __radd__(self, other: Any) -> Markup:
        if isinstance(other, str) or hasattr(other, "__html__"):
            return self._from_safe(escape_text(other) + str(self))
        return NotImplemented

    def __mul__(self, count: SupportsIndex) -> Markup:
        return self._from_safe(str.__mul__(self, count))

    __rmul__ = __mul__

    def __mod__(self, arguments: Any) -> Markup:
        # %-formatting escapes each argument. Python treats any non-string with
        # __getitem__ as a mapping ("%(key)s"), so, as MarkupSafe, such an argument is
        # wrapped whole and escapes the values looked up in it.
        if isinstance(arguments, tuple):
            escaped: Any = tuple(_EscapedArgument(item) for item in arguments)
        elif hasattr(type(arguments), "__getitem__") and not isinstance(arguments, str):
            escaped = _EscapedArgument(arguments)
        else:
            escaped = (_EscapedArgument(arguments),)
        return self._from_safe(str.__mod__(self, escaped))

    def join(self, iterable: Iterable[Any]) -> Markup:
        """Join the escaped items with this markup as separator."""
        return self._from_safe(str.join(self, map(escape_text, iterable)))

    def format(self, *args: Any, **kwargs: Any) -> Markup:
        """``str.format`` with every replacement field escaped."""
        return self._from_safe(_EscapingFormatter().vformat(self, args, kwargs))

    def format_map(self, mapping: Mapping[str, Any]) -> Markup:  # type: ignore[override]
        """``str.format_map`` with every replacement field escaped (str's own would not)."""
        return self._from_safe(_EscapingFormatter().vformat(self, (), mapping))

    def striptags(self) -> str:
        """The text with comments and tags removed, spaces collapsed, entities decoded.

        One pass from each ``<`` to its ``>`` (``-->`` for a comment), and an unclosed
        tag or comment ends the stripping: MarkupSafe 3's rules, so ``|striptags``
        gives Jinja2's text for malformed HTML too.
        """
        text, position = str(self), 0
        pieces: list[str] = []
        while (start := text.find("<", position)) != -1:
            comment = text.startswith("<!--", start)
            end = text.find("-->", start + 4) if comment else text.find(">", start)
            if end == -1:
                break
            pieces.append(text[position:start])
            position = end + (3 if comment else 1)
        pieces.append(text[position:])
        return html.unescape(" ".join("".join(pieces).split()))

    def unescape(self) -> str:
        """The text with HTML entities decoded (no longer safe: a plain ``str``)."""
        return html.unescape(str(self))

    def split(self, sep: Any = None, maxsplit: SupportsIndex = -1) -> list[str]:
        """``str.split`` keeping each piece ``Markup``."""
        return [self._from_safe(part) for part in str.split(self, sep, maxsplit)]

    def rsplit(self, sep: Any = None, maxsplit: SupportsIndex = -1) -> list[str]:
        """``str.rsplit`` keeping each piece ``Markup`` (the ``truncate`` filter cuts with it)."""
        return [self._from_safe(part) for part in str.rsplit(self, sep, maxsplit)]

    def partition(self, sep: str) -> tuple[Markup, Markup, Markup]:
        """``str.partition`` keeping the three parts ``Markup``: each is a piece of this
        safe text (the separator as found in it), so none is escaped, as in MarkupSafe 3.

        >>> Markup("a<br>b").partition("<br>")
        (Markup('a'), Markup('<br>'), Markup('b'))
        """
        before, found, after = str.partition(self, sep)
        return self._from_safe(before), self._from_safe(found), self._from_safe(after)

    def rpartition(self, sep: str) -> tuple[Markup, Markup, Markup]:
        """``str.rpartition`` keeping the three parts ``Markup`` (see ``partition``)."""
        before, found, after = str.rpartition(self, sep)
        return self._from_safe(before), self._from_safe(found), self._from_safe(after)

    def splitlines(self, keepends: bool = False) -> list[str]:
        """``str.splitlines`` keeping each line ``Markup`` (the ``indent`` filter uses it)."""
        return [self._from_safe(line) for line in str.splitlines(self, keepends)]


class _EscapedArgument:
    """An argument of ``Markup % args`` that escapes itself when formatted."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __str__(self) -> str:
        return escape_text(self.value)

    def __repr__(self) -> str:
        return escape_text(repr(self.value))

    def __int__(self) -> int:
        return int(self.value)

    def __float__(self) -> float:
        return float(self.value)

    def __index__(self) -> int:
        return int(self.value)

    def __getitem__(self, key: Any) -> _EscapedArgument:
        return _EscapedArgument(self.value[key])


class _EscapingFormatter(string.Formatter):
    """``str.format`` machinery that escapes each formatted field."""

    def format_field(self, value: Any, format_spec: str) -> str:
        return escape_text(format(value, format_spec))


def _wrap_method(name: str, inserted: int | None = None) -> Callable[..., Markup]:
    """A ``str`` method returning ``Markup``; its argument number ``inserted`` (text it puts
    into the markup) is escaped. As MarkupSafe: ``replace``'s old text and ``strip``'s
    characters are matched as given, so ``Markup("a<br>b").replace("<br>", " ")`` works."""
    method = getattr(str, name)

    def wrapped(self: Markup, *args: Any, **kwargs: Any) -> Markup:
        if inserted is not None and len(args) > inserted:
            args = (*args[:inserted], escape_text(args[inserted]), *args[inserted + 1 :])
        return self._from_safe(method(self, *args, **kwargs))

    wrapped.__name__ = name
    escaping = "" if inserted is None else " escaping the text it inserts"
    wrapped.__doc__ = f"``str.{name}``{escaping}; the result stays ``Markup``."
    return wrapped


for _name in ("__getitem__", "capitalize", "title", "lower", "upper", "swapcase", "zfill"):
    setattr(Markup, _name, _wrap_method(_name))
for _name in ("strip", "lstrip", "rstrip", "expandtabs"):  # characters matched as given
    setattr(Markup, _name, _wrap_method(_name))
for _name in ("replace", "ljust", "rjust", "center"):  # the new text, the fill character
    setattr(Markup, _name, _wrap_method(_name, inserted=1))
