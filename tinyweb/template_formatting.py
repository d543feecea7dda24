"""The filters that format values as text for a page: ``wordwrap``, ``filesizeformat``
and ``xmlattr``.

Where it fits: ``templating.Environment`` adds ``FORMATTING_FILTERS`` to the built-in
``template_filters.FILTERS`` (as ``template_urlize`` adds ``urlize``); they follow that
module's rules: Jinja2's result for the same arguments, and the markers
(``pass_environment``, ``pass_autoescape``) for what a filter must know.

Rules:
1. ``xmlattr`` escapes keys and values and refuses a key that would end the attribute
   name in HTML (CVE-2024-22195, CVE-2024-34064): keys must never come from users.

Spec: https://jinja.palletsprojects.com/en/3.1.x/templates/#list-of-builtin-filters
"""

from __future__ import annotations

import re
import textwrap
from collections import abc
from typing import Any, Callable

from .markup import Markup, escape
from .template_filters import Undefined, pass_autoescape, pass_environment


@pass_environment
def do_wordwrap(
    environment: Any,
    value: str,
    width: int = 79,
    break_long_words: bool = True,
    wrapstring: str | None = None,
    break_on_hyphens: bool = True,
) -> str:
    """Lines of at most ``width`` characters joined by ``wrapstring`` (the environment's
    ``newline_sequence`` if it has one, else ``"\\n"``); each existing line is a paragraph
    wrapped on its own."""
    newline = getattr(environment, "newline_sequence", "\n") if wrapstring is None else wrapstring
    # Tabs and newlines stay as written (Jinja's choice), unlike textwrap's defaults.
    wrapper = textwrap.TextWrapper(width, expand_tabs=False, replace_whitespace=False)
    wrapper.break_long_words, wrapper.break_on_hyphens = break_long_words, break_on_hyphens
    # textwrap would run paragraphs together: each line is wrapped separately.
    return newline.join([newline.join(wrapper.wrap(line)) for line in value.splitlines()])


_PREFIXES = "kMGTPEZY"  # SI (k is lower case); binary ones are Ki, Mi, ... (IEC 80000-13)


def do_filesizeformat(value: str | float, binary: bool = False) -> str:
    """A human-readable size: ``1 Byte``, ``999 Bytes``, ``13.0 kB``, ``4.1 MB``; powers
    of 1024 with ``KiB``, ``MiB``... if ``binary``."""
    size = float(value)
    base = 1024 if binary else 1000
    if size < base:  # as Jinja, 1.5 is "1 Bytes": only exactly one is singular
        return "1 Byte" if size == 1 else f"{int(size)} Bytes"
    power = 1
    while power < len(_PREFIXES) and not size < base ** (power + 1):  # NaN: the last unit
        power += 1
    prefix = _PREFIXES[power - 1]
    unit = f"{prefix.upper()}iB" if binary else f"{prefix}B"
    # Jinja's arithmetic, base * size / base ** (power + 1), so the last digit agrees.
    return f"{base * size / base ** (power + 1):.1f} {unit}"


# A key with one of these characters ends the attribute name in HTML (WHATWG "attribute
# name state") and could smuggle in another attribute: CVE-2024-22195, CVE-2024-34064.
_ATTRIBUTE_NAME_END = re.compile(r"[\s/>=]", flags=re.ASCII)


@pass_autoescape
def do_xmlattr(autoescape: bool, value: abc.Mapping[str, Any], autospace: bool = True) -> str:
    """``{"class": "a", "id": none}|xmlattr`` gives `` class="a"``: keys and values
    escaped, none and undefined values left out. Keys must not come from users: one with
    a space, ``/``, ``>`` or ``=`` is a ``ValueError``."""
    pairs = []
    for key, item in value.items():
        if item is None or isinstance(item, Undefined):
            continue
        if _ATTRIBUTE_NAME_END.search(key) is not None:
            raise ValueError(f"Invalid character in attribute name: {key!r}")
        pairs.append(f'{escape(key)}="{escape(item)}"')
    text = (" " if autospace and pairs else "") + " ".join(pairs)
    return Markup(text) if autoescape else text


FORMATTING_FILTERS: dict[str, Callable[..., Any]] = {
    "wordwrap": do_wordwrap,
    "filesizeformat": do_filesizeformat,
    "xmlattr": do_xmlattr,
}
