"""Content negotiation: the ``Accept`` family of request headers, parsed.

Where it fits: ``request.accept_mimetypes``, ``accept_languages``, ``accept_encodings``
and ``accept_charsets`` (``tinyweb.request``) are built here, with Werkzeug's classes and names, so a Flask view's
``request.accept_mimetypes.best_match(["application/json", "text/html"])`` reads the same.
It imports only ``datastructures`` (its quote-aware list splitter).

Rules:

1. An item is ``value;q=...``; ``q`` (RFC 9110 §12.4.2) is a number from 0 to 1 and
   defaults to 1. An item whose ``q`` is not a number in that range is dropped, not
   guessed at (Werkzeug does the same); other parameters stay part of the value.
2. Items are ordered most specific first, then by quality, keeping the header's order for
   ties (a stable sort): ``text/html`` before ``text/*`` before ``*/*`` (RFC 9110
   §12.5.1: the most specific range that matches decides a type's quality).
3. ``quality(value)`` is the quality of the first (most specific) item that matches;
   ``q=0`` means "not acceptable" (§12.4.2), so ``best_match`` never picks it and ``in``
   says False. **Difference from Werkzeug**: its ``in`` (and ``accept_json``...) ignores
   ``q`` and says True for ``text/html;q=0``.
4. Without the header, the object is empty (``provided`` is False) and ``best_match``
   gives its ``default``, as Werkzeug's does: an app that wants "anything goes" for a
   missing header checks ``provided``.

Media ranges: RFC 9110 §12.5.1; language ranges: RFC 4647 §3 (basic filtering) with
Werkzeug's primary-tag fallback; charsets: RFC 9110 §12.5.2, names compared as Python's
codecs (Werkzeug's rule).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Iterator
from typing import Optional, TypeVar, Union, overload

from tinyweb.header_values import parse_list_header

__all__ = ["Accept", "CharsetAccept", "LanguageAccept", "MIMEAccept", "parse_accept_header"]

AcceptType = TypeVar("AcceptType", bound="Accept")

# What Werkzeug accepts as a q value; the range check (0..1) comes after.
_Q_VALUE = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_MIME_PARTS = re.compile(r"/|[ \t]*;[ \t]*")
_LANGUAGE_SEPARATOR = re.compile(r"[_-]")


class Accept:
    """``(value, quality)`` pairs, best first (module rule 2), with negotiation helpers.

    It reads like Werkzeug's (a sequence of pairs; ``accept["br"]`` is a quality)::

        >>> accept = Accept([("gzip", 1), ("br", 0.5)])
        >>> accept.best, accept["br"], accept["zstd"], "gzip" in accept, list(accept)[0]
        ('gzip', 0.5, 0, True, ('gzip', 1))
        >>> accept.best_match(["br", "identity"])
        'br'
    """

    def __init__(self, values: Optional[Iterable[tuple[str, float]]] = ()) -> None:
        self.provided = values is not None
        # reverse=True keeps ties in the header's order: Python's sort is stable either way.
        self._items = tuple(
            sorted(
                values or (),
                key=lambda item: (self._specificity(item[0]), item[1]),
                reverse=True,
            )
        )

    def __iter__(self) -> Iterator[tuple[str, float]]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Accept):
            return self._items == other._items
        if isinstance(other, (list, tuple)):
            return list(self._items) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # compares equal to lists

    @staticmethod
    def _specificity(value: str) -> tuple[bool, ...]:
        """How specific an item is (bigger is more specific): ``*`` is least."""
        return (value != "*",)

    def _value_matches(self, value: str, item: str) -> bool:
        """Does the server's ``value`` fall in the client's ``item``?"""
        return item == "*" or item.lower() == value.lower()

    @overload
    def __getitem__(self, key: str) -> float: ...
    @overload
    def __getitem__(self, key: int) -> tuple[str, float]: ...

    def __getitem__(self, key: Union[str, int]) -> Union[float, tuple[str, float]]:
        """``accept["text/html"]`` is a quality (0 if unacceptable); ``accept[0]`` a pair."""
        if isinstance(key, str):
            return self.quality(key)
        return self._items[key]

    def quality(self, value: str) -> float:
        """The quality the client gives ``value``: its most specific matching item's, else 0."""
        for item, quality in self:
            if self._value_matches(value, item):
                return quality
        return 0

    def __contains__(self, value: object) -> bool:
        return isinstance(value, str) and self.quality(value) > 0

    def values(self) -> Iterator[str]:
        """The values, best first (without their qualities)."""
        return (item for item, _ in self)

    @property
    def best(self) -> Optional[str]:
        """The client's first choice, or None when the header lists nothing."""
        return self._items[0][0] if self._items else None

    def best_match(self, matches: Iterable[str], default: Optional[str] = None) -> Optional[str]:
        """Of the server's ``matches``, the one the client prefers, or ``default``.

        Each candidate takes the quality of the most specific item that matches it; the
        highest quality wins, then the more specific item, then the earlier candidate.
        Quality 0 is never chosen.
        """
        result, best_quality = default, 0.0
        best_specificity: tuple[bool, ...] = ()
        for candidate in matches:
            for item, quality in self:
                if not self._value_matches(candidate, item):
                    continue
                specificity = self._specificity(item)
                if quality > best_quality or (
                    quality == best_quality > 0 and specificity > best_specificity
                ):
                    result, best_quality, best_specificity = candidate, quality, specificity
                break  # the first match is the most specific one (rule 2)
        return result

    def to_header(self) -> str:
        """The header value: ``text/html,application/json;q=0.5``."""
        return ",".join(value if q == 1 else f"{value};q={q}" for value, q in self)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({list(self)!r})"


def _mime_parts(value: str) -> tuple[str, str, list[str]]:
    """``Text/HTML; level=1`` -> ``("text", "html", ["level=1"])``."""
    type_, _, rest = value.lower().partition("/")
    subtype, *parameters = _MIME_PARTS.split(rest)
    return type_, subtype, sorted(parameters)


class MIMEAccept(Accept):
    """The ``Accept`` header: media ranges such as ``text/*`` match a family of types.

    ::

        >>> accept = MIMEAccept([("text/html", 1), ("application/json", 0.9), ("*/*", 0.1)])
        >>> accept.best_match(["application/json", "image/png"])
        'application/json'
        >>> accept.accept_html, accept["image/png"]
        (True, 0.1)
    """

    @staticmethod
    def _specificity(value: str) -> tuple[bool, ...]:
        """``*/*`` < ``text/*`` < ``text/html`` < ``text/html;level=1``."""
        return tuple(part != "*" for part in _MIME_PARTS.split(value))

    def _value_matches(self, value: str, item: str) -> bool:
        """Media-range matching (RFC 9110 §12.5.1); an invalid client item never matches."""
        if "/" not in value:
            raise ValueError(f"invalid mimetype {value!r}")  # the application's mistake
        value_type, value_subtype, value_parameters = _mime_parts(value)
        if value_type == "*" and value_subtype != "*":
            raise ValueError(f"invalid mimetype {value!r}")
        if "/" not in item:
            return False
        item_type, item_subtype, item_parameters = _mime_parts(item)
        if item_type == "*":
            return item_subtype == "*"  # "*/html" is not a media range
        if value_type == "*":
            return True
        if item_type != value_type:
            return False
        if "*" in (item_subtype, value_subtype):
            return True
        return item_subtype == value_subtype and item_parameters == value_parameters

    @property
    def accept_html(self) -> bool:
        """True if the client takes HTML (or XHTML)."""
        return "text/html" in self or self.accept_xhtml

    @property
    def accept_xhtml(self) -> bool:
        """True if the client takes XHTML (``application/xhtml+xml`` or XML)."""
        return "application/xhtml+xml" in self or "application/xml" in self

    @property
    def accept_json(self) -> bool:
        """True if the client takes ``application/json``."""
        return "application/json" in self


def _language_parts(tag: str) -> list[str]:
    """``en_US`` and ``en-us`` compare equal: lower case, ``_`` or ``-`` between subtags."""
    return _LANGUAGE_SEPARATOR.split(tag.lower())


def _primary(tag: str) -> str:
    """The primary subtag: ``en`` of ``en-US``."""
    return _LANGUAGE_SEPARATOR.split(tag, 1)[0]


class LanguageAccept(Accept):
    """The ``Accept-Language`` header; ``best_match`` falls back to primary tags.

    ::

        >>> accept = LanguageAccept([("de-CH", 1), ("en", 0.8)])
        >>> accept.best_match(["en-US", "fr"]), accept.best_match(["de"]), accept.best_match(["fr"])
        ('en-US', 'de', None)
    """

    def _value_matches(self, value: str, item: str) -> bool:
        """Tags match case-insensitively, ``_`` and ``-`` alike; ``*`` matches all."""
        return item == "*" or _language_parts(value) == _language_parts(item)

    def best_match(self, matches: Iterable[str], default: Optional[str] = None) -> Optional[str]:
        """The preferred of ``matches``: an exact tag match first; else the client's
        primary tags (``de-CH`` offers ``de``); else the candidates' primary tags (an
        ``en`` client takes ``en-US``), giving back the candidate as written."""
        candidates = list(matches)
        result = super().best_match(candidates)
        if result is not None:
            return result
        by_primary = Accept([(_primary(item), quality) for item, quality in self])
        result = by_primary.best_match(candidates)
        if result is not None:
            return result
        result = super().best_match([_primary(candidate) for candidate in candidates])
        if result is not None:
            return next(candidate for candidate in candidates if _primary(candidate) == result)
        return default


def _charset(name: str) -> str:
    """A charset's canonical name (``utf8``, ``UTF-8`` -> ``utf-8``), else ``name`` lowered."""
    try:
        return codecs.lookup(name).name
    except (LookupError, ValueError):  # unknown, or a NUL in the name (ValueError)
        return name.lower()


class CharsetAccept(Accept):
    """The ``Accept-Charset`` header; charset names compare as Python's codecs do.

    ::

        >>> parse_accept_header("utf-8, latin1;q=0.5", CharsetAccept).best_match(["ISO-8859-1"])
        'ISO-8859-1'
    """

    def _value_matches(self, value: str, item: str) -> bool:
        """``utf8`` is ``UTF-8``; ``*`` matches all."""
        return item == "*" or _charset(value) == _charset(item)


def _item(text: str) -> Optional[tuple[str, float]]:
    """One ``value;param=x;q=0.5`` item, or None when its ``q`` is invalid (rule 1)."""
    value, _, rest = text.partition(";")
    if not value.strip():
        return None  # ";q=1" names nothing
    quality = 1.0
    parameters = parse_list_header(rest, separator=";")
    kept: list[str] = []
    for parameter in parameters:
        name, _, raw = parameter.partition("=")
        name, raw = name.strip().lower(), raw.strip()
        if name == "q":
            if not _Q_VALUE.fullmatch(raw) or not 0 <= float(raw) <= 1:
                return None
            quality = float(raw)
        else:
            kept.append(f"{name}={raw}")
    return "; ".join([value.strip(), *kept]), quality


def parse_accept_header(value: Optional[str], cls: type[AcceptType]) -> AcceptType:
    """An ``Accept``-family header value as ``cls`` (rules 1 and 4).

    ::

        >>> parse_accept_header("text/*;q=0.5, text/html", MIMEAccept)
        MIMEAccept([('text/html', 1.0), ('text/*', 0.5)])
    """
    if not value:
        return cls(None)
    items = (_item(text) for text in parse_list_header(value))
    return cls([item for item in items if item is not None])
