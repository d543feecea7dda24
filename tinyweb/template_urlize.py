"""The ``urlize`` filter: links, e-mail addresses and ``www.`` names in text become ``<a>``.

Where it fits: ``templating.Environment`` adds ``do_urlize`` to ``env.filters`` beside
``template_filters.FILTERS``; its defaults come from ``env.policies`` (``urlize.rel``,
``urlize.target``, ``urlize.extra_schemes``), as in Jinja.

Rules:
1. The output is Jinja 3.1's, byte for byte: the same words are links, the same
   punctuation stays outside them, the same text is escaped (a fuzz against Jinja checked
   tens of thousands of random texts; tests/test_template_urlize.py keeps the tricky ones).
2. The whole text is escaped first, autoescape or not (a link's text is HTML), so every
   rule below sees ``&lt;``, not ``<``; with autoescape on the result is ``Markup``.
3. Text is cut at whitespace; each word is ``head`` (opening brackets), ``middle`` (the
   candidate) and ``tail`` (closing punctuation), and only the middle can become a link.

Spec: https://jinja.palletsprojects.com/en/3.1.x/templates/#jinja-filters.urlize
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from .markup import Markup, escape
from .template_filters import EvalContext, FilterArgumentError, pass_eval_context

__all__ = ["do_urlize", "urlize"]

# A web address, in named pieces. `www.` or a scheme, dotted labels and a top-level
# domain; or a bare name ending in one of a few generic domains; or a scheme and an IP
# address. Any of them may have a port and a path/query/fragment (up to the word's end).
_SCHEME = r"https?://"
_LABELS = r"(?:[\w%-]+\.)*"
_TOP_LEVEL = r"(?:[a-z]{2,63}|xn--[\w%]{2,59})"  # letters, or an IDNA (punycode) name
_BARE_NAME = r"(?:[\w%-]{2,63}\.)+(?:com|net|int|edu|gov|org|info|mil)"
_IPV4 = r"\d{1,3}(?:\.\d{1,3}){3}"
_IPV6 = r"\[(?:[\da-f]{0,4}:){2}(?:[\da-f]{0,4}:?){1,6}\]"
_NAMED_HOST = rf"(?:{_SCHEME}|www\.){_LABELS}{_TOP_LEVEL}"
_IP_HOST = rf"{_SCHEME}(?:{_IPV4}|{_IPV6})"
_HOST = rf"(?:{_NAMED_HOST}|{_BARE_NAME}|{_IP_HOST})"
_WEB_ADDRESS = re.compile(rf"{_HOST}(?::\d{{1,5}})?(?:[/?#]\S*)?\Z", re.IGNORECASE)
_EMAIL_ADDRESS = re.compile(r"\S+@\w[\w.-]*\.\w+\Z")
_URI_SCHEME = re.compile(r"[\w.+-]{2,}:/{0,2}")  # what `extra_schemes` may hold: "ftp://"

_WHITESPACE = re.compile(r"(\s+)")
_OPENING = re.compile(r"(?:[(<]|&lt;)+")
_CLOSING = re.compile(r"(?:[).,>\n]|&gt;)+\Z")
_CLOSING_ENDS = (")", ".", ",", ">", "\n", "&gt;")
_PAIRS = (("(", ")"), ("<", ">"), ("&lt;", "&gt;"))


def _split_word(word: str) -> tuple[str, str, str]:
    """``(head, middle, tail)``: opening brackets, the candidate, closing punctuation."""
    opening = _OPENING.match(word)
    head = opening.group() if opening else ""
    middle, tail = word[len(head) :], ""
    if middle.endswith(_CLOSING_ENDS):  # (tested first: the regex alone would backtrack)
        closing = _CLOSING.search(middle)
        if closing:
            middle, tail = middle[: closing.start()], closing.group()
    # A closing bracket the middle opened belongs to it: "(see http://a.com/x_(y))."
    for opener, closer in _PAIRS:
        opened = middle.count(opener)
        if opened <= middle.count(closer):
            continue
        for _ in range(min(opened, tail.count(closer))):
            cut = tail.index(closer) + len(closer)
            middle, tail = middle + tail[:cut], tail[cut:]
    return head, middle, tail


def _link(middle: str, attributes: str, trim_url_limit: int | None, schemes: Iterable[str]) -> str:
    """``middle`` as a link if it is one, else unchanged."""
    if _WEB_ADDRESS.match(middle):
        shown = middle
        if trim_url_limit is not None and len(middle) > trim_url_limit:
            shown = middle[:trim_url_limit] + "..."
        # Jinja tests the lower-case scheme here: "HTTP://A.COM" gets "https://" in front.
        has_scheme = middle.startswith(("https://", "http://"))
        href = middle if has_scheme else f"https://{middle}"
        return f'<a href="{href}"{attributes}>{shown}</a>'
    if middle.startswith("mailto:") and _EMAIL_ADDRESS.match(middle[7:]):
        return f'<a href="{middle}">{middle[7:]}</a>'
    if (
        "@" in middle
        and not middle.startswith(("www.", "@"))  # not "@a@b.com"
        and ":" not in middle
        and _EMAIL_ADDRESS.match(middle)
    ):
        return f'<a href="mailto:{middle}">{middle}</a>'
    for scheme in schemes:
        if middle != scheme and middle.startswith(scheme):
            return f'<a href="{middle}"{attributes}>{middle}</a>'
    return middle


def urlize(
    text: Any,
    trim_url_limit: int | None = None,
    rel: str | None = None,
    target: Any = None,
    extra_schemes: Iterable[str] = (),
) -> str:
    """The text, escaped, with its addresses made links (the filter's text work).

    >>> urlize("see www.example.com, or mail a@b.org")
    'see <a href="https://www.example.com">www.example.com</a>, or mail <a href="mailto:a@b.org">a@b.org</a>'
    """
    attributes = f' rel="{escape(rel)}"' if rel else ""
    attributes += f' target="{escape(target)}"' if target else ""
    schemes = list(extra_schemes)
    words = _WHITESPACE.split(str(escape(text)))
    for index, word in enumerate(words):
        head, middle, tail = _split_word(word)
        words[index] = head + _link(middle, attributes, trim_url_limit, schemes) + tail
    return "".join(words)


@pass_eval_context
def do_urlize(
    context: EvalContext,
    value: Any,
    trim_url_limit: int | None = None,
    nofollow: bool = False,
    target: Any = None,
    rel: str | None = None,
    extra_schemes: Iterable[str] | None = None,
) -> str:
    """``{{ text|urlize }}``: see ``urlize``. ``rel`` gains ``nofollow`` and the policy's
    words (sorted, as Jinja); ``target`` and ``extra_schemes`` default to the policies."""
    policies = context.environment.policies
    words = set((rel or "").split()) | set((policies["urlize.rel"] or "").split())
    if nofollow:
        words.add("nofollow")
    if target is None:
        target = policies["urlize.target"]
    if extra_schemes is None:
        extra_schemes = policies["urlize.extra_schemes"] or ()
    for scheme in extra_schemes:
        if _URI_SCHEME.fullmatch(scheme) is None:
            raise FilterArgumentError(f"{scheme!r} is not a valid URI scheme prefix.")
    linked = urlize(value, trim_url_limit, " ".join(sorted(words)), target, extra_schemes)
    return Markup(linked) if context.autoescape else linked
