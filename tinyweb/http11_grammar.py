"""The HTTP/1.1 grammar as regexes: each a named piece of the RFC's ABNF, quoted beside it.

Where it fits: ``http11.RequestParser`` validates every protocol element of a request with
these anchored patterns (rule 2 of ``http11``: bytes, not text, and one strict grammar).
They live apart from the parser so that the grammar reads as one page, next to the RFC.
This module imports nothing from tinyweb.

Rules:
- None of the patterns has a nested quantifier over overlapping character classes, so a
  failed match backtracks in linear time (ReDoS).
- Numbers are read by ``parse_number`` from digits a pattern has already validated, never
  by ``int()``.

Spec references: RFC 9112 (§2.3 version, §3 request line, §5 field lines, §7.1 chunks),
RFC 9110 (§5.5 field values, §5.6 tokens, lists and quoted strings, §7.2 Host, §8.6
Content-Length), RFC 3986 §3.2 (authority).
"""

from __future__ import annotations

import re

# RFC 9110 §5.6.2: token = 1*tchar
#   tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`"
#           / "|" / "~" / DIGIT / ALPHA
TCHAR = rb"[-!#$%&'*+.^_`|~0-9A-Za-z]"
TOKEN = TCHAR + rb"+"

# RFC 9112 §3.2: request-target = origin-form / absolute-form / authority-form / asterisk-form.
# Policy (HTTP.md): no SP, CTL, NUL or non-ASCII anywhere in it; and no "#", since a
# fragment is never part of a request-target (RFC 9112 §3.2). The forms are told apart below.
REQUEST_TARGET = rb"[\x21\x22\x24-\x7e]+"

# RFC 9112 §2.3: HTTP-version = HTTP-name "/" DIGIT "." DIGIT ; HTTP-name = %s"HTTP"
HTTP_VERSION = rb"HTTP/([0-9]\.[0-9])"

# Only used to choose between 400 and 505 for a line the strict grammar refused.
LOOSE_REQUEST_LINE = re.compile(rb"[^ ]+ [^ ]+ HTTP/([1-9][0-9]*)\.[0-9]+")

# RFC 9112 §3: request-line = method SP request-target SP HTTP-version ; method = token
# With the CRLF that ends it (RFC 9112 §2.1), so that one match also finds the line's end.
REQUEST_LINE = re.compile(
    rb"(" + TOKEN + rb") (" + REQUEST_TARGET + rb") " + HTTP_VERSION + rb"\r\n"
)

# RFC 9110 §5.5: field-value = *field-content
#   field-content = field-vchar [ 1*( SP / HTAB / field-vchar ) field-vchar ]
#   field-vchar = VCHAR / obs-text        (obs-text = %x80-FF: allowed, HTTP.md)
# The inner run must end on a field-vchar, so it and the trailing OWS never compete for
# the same bytes: a failed match backtracks in linear time.
FIELD_VCHAR = rb"[\x21-\x7e\x80-\xff]"
FIELD_CONTENT = FIELD_VCHAR + rb"(?:[\x21-\x7e\x80-\xff \t]*" + FIELD_VCHAR + rb")?"

# RFC 9112 §5: field-line = field-name ":" OWS field-value OWS ; field-name = token
#   OWS = *( SP / HTAB ). No space before the colon, no obs-fold (a line starting with
#   SP/HTAB cannot start with a token). "^" in MULTILINE mode anchors each match at a line
#   start; RequestParser counts LFs to prove every line matched (see _parse_field_lines).
FIELD_LINE = re.compile(
    rb"^(" + TOKEN + rb"):[ \t]*(?:(" + FIELD_CONTENT + rb")[ \t]*)?\r\n", re.MULTILINE
)
# Fast path: the common field line, whose value is not empty and does not end in OWS. Its
# value runs to the CRLF, and the look-behind refuses a SP/HTAB before it: no optional
# group, which sre runs with its slow generic repeat. A section it does not wholly match
# (an empty value, trailing OWS, or an error) is parsed again with FIELD_LINE. Measured on
# benchmark (a)'s nine fields: 8.4 µs -> 6.8 µs.
COMMON_FIELD_LINE = re.compile(
    rb"^(" + TOKEN + rb"):[ \t]*(" + FIELD_VCHAR + rb"[\x21-\x7e\x80-\xff \t]*)(?<![ \t])\r\n",
    re.MULTILINE,
)

# RFC 3986 §3.2.2 / RFC 9110 §7.2: Host = uri-host [ ":" port ]
#   uri-host = IP-literal / IPv4address / reg-name ; port = *DIGIT
#   reg-name = *( unreserved / pct-encoded / sub-delims )
#   unreserved = ALPHA / DIGIT / "-" / "." / "_" / "~" ; pct-encoded = "%" HEXDIG HEXDIG
#   sub-delims = "!" / "$" / "&" / "'" / "(" / ")" / "*" / "+" / "," / ";" / "="
# Policy (HTTP.md): no userinfo ("@"), no comma (a list of hosts), no space. IP-literal is
# checked as "[" hex, ":" and "." "]"; the port has at most 5 digits. A port needs a host
# (RFC 9110 §4.2.1: an http URI with an empty host is invalid, so ":80" is refused); an
# empty Host field is allowed (RFC 9112 §3.2), and absolute-form refuses it itself.
# reg-name is written as "run (pct-encoded run)*", so that every byte has one way to match.
REG_NAME_CHAR = rb"[-A-Za-z0-9._~!$&'()*+;=]"
REG_NAME = rb"(?!:)" + REG_NAME_CHAR + rb"*(?:%[0-9A-Fa-f]{2}" + REG_NAME_CHAR + rb"*)*"
IP_LITERAL = rb"\[[0-9A-Fa-f:.]+\]"
HOST = re.compile(rb"(?:" + IP_LITERAL + rb"|" + REG_NAME + rb")(?::[0-9]{0,5})?")

# RFC 9112 §3.2.2: absolute-form = absolute-URI; for "http"/"https" (RFC 9110 §4.2):
#   "http:" "//" authority path-abempty [ "?" query ]. The authority is checked with HOST.
ABSOLUTE_FORM = re.compile(rb"([A-Za-z][-A-Za-z0-9+.]*)://([^/?]*)(.*)")

# RFC 9110 §8.6: Content-Length = 1*DIGIT. Capped at 18 digits so the value stays a small
# integer; anything longer is refused rather than parsed.
CONTENT_LENGTH = re.compile(rb"[0-9]{1,18}")

# RFC 9112 §7.1: chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
#   chunk-size = 1*HEXDIG  (capped at 16 digits)
#   chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
#   chunk-ext-name = token ; chunk-ext-val = token / quoted-string
# RFC 9110 §5.6.4: quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE
#   qdtext = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text
#   quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text )
QUOTED_STRING = rb'"(?:[\t \x21\x23-\x5b\x5d-\x7e\x80-\xff]|\\[\t \x21-\x7e\x80-\xff])*"'
CHUNK_EXT_VALUE = rb"(?:" + TOKEN + rb"|" + QUOTED_STRING + rb")"
CHUNK_EXT = rb"(?:[ \t]*;[ \t]*" + TOKEN + rb"(?:[ \t]*=[ \t]*" + CHUNK_EXT_VALUE + rb")?)*"
CHUNK_LINE = re.compile(rb"([0-9A-Fa-f]{1,16})" + CHUNK_EXT)

# A control character no request line or field line may hold anywhere (HTAB, CR and LF
# are excluded: they have places in the grammar). Seeing one decides a 400 at once.
CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# Why a field section failed, for a clear 400: the first of these that matches (the slow
# path, errors only: RequestParser raises it). A name that breaks none of them is not a token.
FIELD_LINE_ERRORS = (
    (re.compile(rb"(?:\A|[^\r])\n"), "bare LF in a field line"),
    (re.compile(rb"\r(?!\n)"), "bare CR in a field line"),
    (re.compile(rb"^[ \t]", re.MULTILINE), "obs-fold (line folding) is not allowed"),
    (re.compile(rb"^[^:\r\n]*?[ \t]:", re.MULTILINE), "whitespace before the colon"),
    (re.compile(rb"^[^:\r\n]*\r", re.MULTILINE), "field line without a colon"),
    (CONTROL, "control character in a field"),
)

# RFC 9110 §5.6.1: #element lists (Connection, Transfer-Encoding) are split on "," and
# their elements trimmed of OWS only.
OWS_BYTES = b" \t"

HEX_DIGITS = b"0123456789abcdef"


def parse_number(digits: bytes, base: int) -> int:
    """The value of ASCII digits that an anchored regex has already validated.

    Written out instead of ``int()``, which would also accept ``+``, ``_``, spaces and
    non-ASCII digits if a check were ever loosened (HTTP.md, "Parsing bytes, not text").
    """
    value = 0
    for byte in digits:
        value = value * base + HEX_DIGITS.index(byte | 0x20)  # | 0x20: "A" -> "a"
    return value
