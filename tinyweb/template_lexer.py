"""The template lexer: template text in, tokens out, with Jinja's whitespace control.

Where it fits: ``template_compiler.compile_template`` calls ``tokenize`` with the lexer
options of ``templating.Environment`` (``trim_blocks``, ``lstrip_blocks``,
``keep_trailing_newline``, ``newline_sequence`` and the six delimiter strings);
``template_parser.ExpressionParser`` and the compiler read the tokens. Text between tags becomes ``data`` tokens; ``{{ }}`` and ``{% %}`` become a begin
token, the tokens of their expression and an end token; comments and the ``raw`` markers
leave no token at all.

Rules:
1. The whitespace a template renders is Jinja2 3.1's, so output matches Jinja's:

   - ``\\r\\n`` and ``\\r`` become ``\\n`` (in tags too); one trailing newline is
     dropped unless ``keep_trailing_newline``.
   - ``-`` inside a tag's opening (``{%-``, ``{{-``, ``{#-``) removes all whitespace
     before the tag; inside its closing (``-%}``, ``-}}``, ``-#}``), all after it.
   - ``trim_blocks`` removes the first newline after a block tag or a comment (``%}``,
     ``#}``, ``{% endraw %}``); never after ``}}``, and not after ``{% raw %}`` (neither
     does Jinja). ``+%}`` and ``+#}`` keep the newline.
   - ``lstrip_blocks`` removes the whitespace between the start of a line (or of the
     template) and a block tag or comment, ``raw`` and ``endraw`` included; ``{%+`` and
     ``{#+`` keep it. ``-`` wins over both options.
   - ``newline_sequence`` (``"\\n"``, ``"\\r\\n"`` or ``"\\r"``) replaces every newline of
     the text and of string literals as written (an escaped ``"\\n"`` stays ``"\\n"``).
   - Tags may be spelled with other ``Delimiters`` (``[[ x ]]``, for pages that also hold
     Vue or Angular templates); the rules above hold for them unchanged, and a start
     string is tried longest first.
2. Template text is never evaluated here: literals are decoded into values
   (``_literal_value``) and names stay strings; ``template_parser`` decides what they mean.
3. Every error is a ``TemplateSyntaxError`` naming the template and the line (an
   unclosed comment, raw block or tag, an unmatched bracket, a bad literal).

Spec: https://jinja.palletsprojects.com/en/3.1.x/templates/#whitespace-control,
https://jinja.palletsprojects.com/en/3.1.x/api/#jinja2.Environment (the options),
and Jinja2's ``lexer.py`` for the token grammar.
"""

from __future__ import annotations

import functools
import re
from typing import Any, NamedTuple

from .template_filters import TemplateError


class TemplateSyntaxError(TemplateError):
    """The template text is not valid: ``str(error)`` names the template and the line."""


class Token(NamedTuple):
    """One lexical unit: ``kind`` is data, name, string, integer, float, operator,
    variable_begin/end, block_begin/end or end_of_template."""

    kind: str
    value: Any
    lineno: int


class Delimiters(NamedTuple):
    """The strings that open and close the three kinds of tag (Jinja's
    ``block_start_string``, ``block_end_string`` and so on)."""

    block_start: str = "{%"
    block_end: str = "%}"
    variable_start: str = "{{"
    variable_end: str = "}}"
    comment_start: str = "{#"
    comment_end: str = "#}"


JINJA_DELIMITERS = Delimiters()
NEWLINE_SEQUENCES = ("\n", "\r\n", "\r")
_WHITESPACE = re.compile(r"\s*")
# The token grammar of Jinja's lexer (numbers with "_", 0b/0o/0x, both quote styles).
# Names and operators come first and the case-insensitive letters are spelled out
# (no re.IGNORECASE): most tokens then match on the first branch, which made the
# lexer's regex work 45% cheaper (benchmarks/bench_templating.py's templates).
# No two branches can start with the same character, so the order changes no token.
_TOKENS = r"""(?P<name>[^\W\d]\w*)
    |(?P<operator>//|\*\*|==|!=|>=|<=|[-+/*%~\[\](){}<>=.:|,;])
    |(?P<string>'[^'\\]*(?:\\.[^'\\]*)*'|"[^"\\]*(?:\\.[^"\\]*)*")
    |(?P<float>(?<!\.)(?:\d+_)*\d+(?:(?:\.(?:\d+_)*\d+)?[eE][+-]?(?:\d+_)*\d+|\.(?:\d+_)*\d+))
    |(?P<integer>0[bB](?:_?[01])+|0[oO](?:_?[0-7])+|0[xX](?:_?[\da-fA-F])+|[1-9](?:_?\d)*|0(?:_?0)*)"""
_FLAGS = re.VERBOSE | re.DOTALL
_TOKEN = re.compile(r"\s*(?:" + _TOKENS + ")", _FLAGS)
_CLOSER = {"(": ")", "[": "]", "{": "}"}
_CLOSING = frozenset(_CLOSER.values())
_new_token = tuple.__new__  # Token(...) runs a Python-level __new__; this is the C one
# A tag's kind is named by the second character of Jinja's own delimiter for it, whatever
# the delimiters are: "{" a variable ({{ }}), "%" a block ({% %}), "#" a comment ({# #}).
_BEGIN_KINDS = {"{": "variable_begin", "%": "block_begin"}
_END_KINDS = {"{": "variable_end", "%": "block_end"}
_NEVER = re.compile(r"(?!)")


class _Patterns(NamedTuple):
    """The regexes of one set of delimiters and one ``trim_blocks`` setting."""

    tag_start: re.Pattern[str]
    kinds: dict[str, str]  # start delimiter -> "{", "%" or "#"
    tag_ends: dict[str, str]  # kind -> end delimiter, for messages
    token_or_end: dict[str, re.Pattern[str]]
    simple_tag: dict[str, re.Pattern[str]]
    comment_end: re.Pattern[str]
    raw_begin: re.Pattern[str]
    raw_end: re.Pattern[str]


@functools.lru_cache(maxsize=16)
def _patterns(trim_blocks: bool, delimiters: Delimiters) -> _Patterns:
    """Compile the tag starts and ends: ``-%}`` eats all whitespace after it; ``+%}``
    and ``%}`` eat nothing, except that with ``trim_blocks`` a plain ``%}`` eats one
    newline. The same holds for ``#}``; ``}}`` never trims. (Shown with Jinja's
    delimiters; others are escaped into the same places.)"""
    block_start, block, _, variable, _, comment = map(re.escape, delimiters)
    kinds = {
        delimiters.variable_start: "{",
        delimiters.block_start: "%",
        delimiters.comment_start: "#",
    }
    # Longest first, so that a start string that begins another never hides it.
    starts = "|".join(map(re.escape, sorted(kinds, key=len, reverse=True)))
    newline = r"\n?" if trim_blocks else ""
    # Without trim_blocks, "+%}" is "%}": one branch fewer to try at every tag's end.
    block_end = (
        f"-{block}\\s*|\\+{block}|{block}\\n?" if trim_blocks else f"-{block}\\s*|\\+?{block}"
    )
    variable_end = f"-{variable}\\s*|{variable}"
    # One match per token: leading space, then the tag's end (outside brackets) or a
    # token. "-}}" is always an end with whitespace control, never a minus (as in Jinja).
    token_or_end = {
        "{": re.compile(r"\s*(?:(?P<end>" + variable_end + ")|" + _TOKENS + ")", _FLAGS),
        "%": re.compile(r"\s*(?:(?P<end>" + block_end + ")|" + _TOKENS + ")", _FLAGS),
    }
    # A tag of ASCII letters, "_", dots and pipes on one line, up to its end (see
    # simple_tag). No digits: "a.0" and "x is divisibleby 3" hold numbers, which the
    # general lexer reads. Only where no end delimiter holds such a character: then the
    # two lexers cannot disagree on where a tag ends.
    simple = re.compile(r"[A-Za-z_.| \t]")
    if any(simple.search(end) for end in delimiters[1::2]):
        simple_tag = {"{": _NEVER, "%": _NEVER}
    else:
        simple_tag = {
            "{": re.compile(r"([A-Za-z_.| \t]*)(?:" + variable_end + ")"),
            "%": re.compile(r"([A-Za-z_.| \t]*)(?:" + block_end + ")"),
        }
    return _Patterns(
        tag_start=re.compile(f"({starts})([-+]?)"),
        kinds=kinds,
        tag_ends={"{": delimiters.variable_end, "%": delimiters.block_end},
        token_or_end=token_or_end,
        simple_tag=simple_tag,
        comment_end=re.compile(f"\\+{comment}|-{comment}\\s*|{comment}{newline}"),
        # "{% raw %}" never trims the newline after it, even with trim_blocks (as in Jinja).
        raw_begin=re.compile(f"{block_start}[-+]?\\s*raw\\s*(?:-{block}\\s*|{block})"),
        raw_end=re.compile(f"{block_start}([-+]?)\\s*endraw\\s*(?:{block_end})"),
    )


def check_options(newline_sequence: str, delimiters: Delimiters) -> None:
    """``ValueError`` for options Jinja refuses too: a newline sequence other than
    ``"\\n"``, ``"\\r\\n"`` and ``"\\r"``, an empty delimiter, or two kinds of tag
    that start alike."""
    if newline_sequence not in NEWLINE_SEQUENCES:
        raise ValueError(f"newline_sequence must be one of {NEWLINE_SEQUENCES}")
    if not all(isinstance(text, str) and text for text in delimiters):
        raise ValueError("template delimiters must be non-empty strings")
    if len({delimiters.block_start, delimiters.variable_start, delimiters.comment_start}) < 3:
        raise ValueError("block, variable and comment start strings must be different")


def tokenize(
    source: str,
    name: str | None,
    *,
    trim_blocks: bool = False,
    lstrip_blocks: bool = False,
    keep_trailing_newline: bool = False,
    newline_sequence: str = "\n",
    delimiters: Delimiters = JINJA_DELIMITERS,
) -> list[Token]:
    """Split template text into tokens, applying Jinja's whitespace control.

    Newlines (``\\r\\n``, ``\\r``) are normalised to ``\\n`` and one trailing newline is
    dropped unless ``keep_trailing_newline``, as Jinja does. Not ``str.splitlines``:
    form feeds, ``\\x85`` or ``\\u2028`` are text to Jinja, not line ends. The options
    mean what Jinja's ``Environment`` options of the same names mean (module rule 1);
    ``ValueError`` for delimiters or a newline sequence Jinja refuses too.

    >>> tokens = tokenize("  {% if x %}\\nA{% endif %}\\n", None, lstrip_blocks=True)
    >>> [token.value for token in tokens if token.kind == "data"]
    ['\\nA']
    """
    text = source.replace("\r\n", "\n").replace("\r", "\n")
    if text.endswith("\n") and not keep_trailing_newline:
        text = text[:-1]
    if newline_sequence != "\n" or delimiters != JINJA_DELIMITERS:  # (Jinja's are valid)
        check_options(newline_sequence, delimiters)
    patterns = _patterns(trim_blocks, delimiters)
    tokens = _Lexer(text, name, patterns, lstrip_blocks, newline_sequence).tokenize()
    if newline_sequence != "\n":
        tokens = [
            Token(kind, value.replace("\n", newline_sequence), line) if kind == "data" else token
            for token in tokens
            for kind, value, line in (token,)
        ]
    return tokens


class _Lexer:
    """One pass over the text; line numbers are counted as the position moves forward."""

    def __init__(
        self,
        source: str,
        name: str | None,
        patterns: _Patterns,
        lstrip_blocks: bool,
        newline_sequence: str,
    ) -> None:
        self.source, self.name, self.lstrip_blocks = source, name, lstrip_blocks
        self.newline_sequence = newline_sequence  # for string literals (data: tokenize)
        # Unpacked: one attribute lookup per tag, as cheap as the module globals they were.
        self.tag_start, self.kinds, self.tag_ends = (
            patterns.tag_start, patterns.kinds, patterns.tag_ends
        )  # fmt: skip
        self.token_or_end, self.simple_tags = patterns.token_or_end, patterns.simple_tag
        self.comment_end, self.raw_end = patterns.comment_end, patterns.raw_end
        self.raw_begin = patterns.raw_begin
        self.tokens: list[Token] = []
        self.counted, self.line = 0, 1

    def line_at(self, position: int) -> int:
        if position > self.counted:
            self.line += self.source.count("\n", self.counted, position)
            self.counted = position
        return self.line

    def error(self, message: str, position: int) -> TemplateSyntaxError:
        return TemplateSyntaxError(message, self.line_at(position), self.name)

    def tokenize(self) -> list[Token]:
        source, position, lstrip_blocks = self.source, 0, self.lstrip_blocks
        tag_start, kinds = self.tag_start, self.kinds
        tokens = self.tokens
        while True:
            start = tag_start.search(source, position)
            if start is None:
                break
            opening, sign = start.groups()
            text = source[position : start.start()]
            if sign == "-":
                text = text.rstrip()
            elif lstrip_blocks and kinds[opening] != "{" and sign != "+":
                text = self.without_indentation(text, position)
            if text:
                tokens.append(_new_token(Token, ("data", text, self.line_at(position))))
            position = self.tag(start, kinds[opening])
        if position < len(source):
            tokens.append(_new_token(Token, ("data", source[position:], self.line_at(position))))
        tokens.append(Token("end_of_template", None, self.line_at(len(source))))
        return tokens

    def without_indentation(self, text: str, position: int) -> str:
        """``text`` (which starts at ``position``) without the whitespace between its
        last line start and the block tag or comment after it (``lstrip_blocks``).

        A line starts after a newline and at the start of the template. Whitespace is
        any ``str.isspace`` character (tabs, form feeds, ``\\xa0``): Jinja's ``\\s``.
        """
        line_start = text.rfind("\n") + 1
        if line_start == 0 and position > 0 and self.source[position - 1] != "\n":
            return text  # the text follows another tag on the same line: no indentation
        return text[:line_start] if text[line_start:].isspace() else text

    def tag(self, start: re.Match[str], kind: str) -> int:
        """Lex one ``{{ }}``, ``{% %}`` or ``{# #}`` (``kind`` "{", "%" or "#"); return
        the position after it."""
        source, inside = self.source, start.end()
        if kind == "#":
            end = self.comment_end.search(source, inside)
            if end is None:
                raise self.error("missing end of comment tag", start.start())
            return end.end()
        simple = self.simple_tags[kind].match(source, inside)
        if kind == "%" and (simple is None or "raw" in simple[1]):
            raw = self.raw_begin.match(source, start.start())
            if raw is not None:
                return self.raw(raw)
        self.tokens.append(
            _new_token(Token, (_BEGIN_KINDS[kind], None, self.line_at(start.start())))
        )
        if simple is None:
            return self.expression(inside, kind)
        return self.simple_tag(simple, kind)

    def simple_tag(self, simple: re.Match[str], kind: str) -> int:
        """The tokens of a tag of letters, dots and pipes on one line (``{% endfor %}``,
        ``{{ item.name }}``, ``{{ x|title }}``, two tags in three): the same tokens as
        ``expression`` gives (tests/test_template_compiler.py compares them) from one
        ``str.split`` instead of a regex match per token; the lexing of the benchmark's
        four templates ~0.67 -> ~0.52 ms, best of 500 (benchmarks/bench_templating.py).
        """
        line, append = self.line, self.tokens.append
        for piece in simple[1].replace(".", " . ").replace("|", " | ").split():
            append(_new_token(Token, ("operator" if piece in ".|" else "name", piece, line)))
        append(_new_token(Token, (_END_KINDS[kind], None, line)))
        return simple.end()

    def raw(self, raw: re.Match[str]) -> int:
        """The text of ``{% raw %}...{% endraw %}`` as one data token, untouched except
        for the whitespace control of the ``endraw`` tag (module rule 1)."""
        end = self.raw_end.search(self.source, raw.end())
        if end is None:
            raise self.error("missing end of raw directive ('endraw')", raw.start())
        text = self.source[raw.end() : end.start()]
        if end.group(1) == "-":
            text = text.rstrip()
        elif self.lstrip_blocks and end.group(1) != "+":
            text = self.without_indentation(text, raw.end())
        if text:
            self.tokens.append(Token("data", text, self.line_at(raw.end())))
        return end.end()

    def expression(self, position: int, kind: str) -> int:
        """The tokens inside a tag up to its end delimiter (not counted inside brackets).

        Lexing is a fifth of a cold compile (benchmarks/bench_templating.py). One
        ``finditer`` walks the tag instead of one ``match`` call per token, tokens are made
        with ``tuple.__new__`` (a NamedTuple's own ``__new__`` is Python code): with the
        reordered token regex, ~0.68 -> ~0.62 ms for the benchmark's four templates.
        """
        source, append, name = self.source, self.tokens.append, self.name
        brackets: list[str] = []
        pattern, end_kind = self.token_or_end[kind], _END_KINDS[kind]
        while True:  # a new pass only after "}}" inside brackets (a dict's closing braces)
            restart = False
            for match in pattern.finditer(source, position):
                if match.start() != position:
                    break  # finditer skipped a character no token starts with
                token_kind = match.lastgroup or "operator"
                if token_kind == "end" and brackets:  # "}}" closes brackets, as in Jinja
                    inner = _TOKEN.match(source, position)  # "}", "-", "+", "%": operators
                    if inner is None:
                        break
                    match, restart = inner, True
                    token_kind = match.lastgroup or "operator"
                # Newlines hide only in the spaces before a token or in a string.
                multiline = "\n" in match[0]
                lineno = self.line_at(match.start(token_kind)) if multiline else self.line
                if token_kind == "end":
                    append(_new_token(Token, (end_kind, None, lineno)))
                    return match.end()
                value: Any = match[token_kind]
                if token_kind == "operator":
                    if value in _CLOSER:
                        brackets.append(_CLOSER[value])  # the bracket expected next
                    elif value in _CLOSING:
                        closer = brackets.pop() if brackets else self.tag_ends[kind]
                        if value != closer:
                            raise self.error(f"unexpected {value!r}, expected {closer!r}", position)
                elif token_kind == "string" and self.newline_sequence != "\n":
                    value = _literal_value(
                        "string", value.replace("\n", self.newline_sequence), lineno, name
                    )
                elif token_kind != "name":
                    value = _literal_value(token_kind, value, lineno, name)
                append(_new_token(Token, (token_kind, value, lineno)))
                position = match.end()
                if multiline and token_kind == "string":
                    self.line_at(position)
                if restart:
                    break
            if not restart:
                raise self.unexpected(position, kind)

    def unexpected(self, position: int, kind: str) -> TemplateSyntaxError:
        """The error for text no token matches at ``position`` (or a missing tag end)."""
        # (\s* matches everywhere, so match() never returns None here)
        position = _WHITESPACE.match(self.source, position).end()  # type: ignore[union-attr]
        if position >= len(self.source):
            return self.error(
                f"unexpected end of template, expected {self.tag_ends[kind]!r}", position
            )
        return self.error(f"unexpected character {self.source[position]!r}", position)


# A backslash and the ASCII character after it (pairs are taken left to right, so two
# backslashes are one pair); _keep_unknown_escape() doubles the backslash of a pair the codec does not
# know. (Before a non-ASCII character the backslash meets backslashreplace's escape
# and decodes as it does in Jinja, without a warning.)
_ESCAPE_PAIR = re.compile(r"\\([\x00-\x7f])")
_KNOWN_ESCAPES = frozenset("\\'\"abfnrtv01234567xuUN\n")


def _keep_unknown_escape(pair: re.Match[str]) -> str:
    """A known escape as it is; an unknown one with its backslash doubled."""
    return pair.group() if pair.group(1) in _KNOWN_ESCAPES else "\\" + pair.group()


def _literal_value(kind: str, text: str, lineno: int, name: str | None) -> Any:
    """The value of a string, integer or float literal, as Jinja's lexer decodes it."""
    try:
        if kind == "string":
            # Jinja decodes backslash escapes with Python's unicode-escape codec, which
            # keeps an unknown escape ('\.') as it is but warns (DeprecationWarning):
            # doubling that backslash first gives the same text without the warning.
            body = text[1:-1]
            if "\\" not in body:
                return body  # nothing to decode (most literals): the codec would return it
            body = _ESCAPE_PAIR.sub(_keep_unknown_escape, body)
            return body.encode("ascii", "backslashreplace").decode("unicode-escape")
        if kind == "integer":
            return int(text.replace("_", ""), 0)
        if kind == "float":
            return float(text.replace("_", ""))
    except (UnicodeDecodeError, ValueError, OverflowError) as error:
        raise TemplateSyntaxError(f"invalid {kind} literal: {error}", lineno, name) from None
    return text
