"""tinyweb/accept.py: Accept-family headers, q-values, specificity and best_match.

The expected values of the tables were checked against Werkzeug 3.1 (except where a
comment says tinyweb differs on purpose: ``in`` honours ``q=0``).
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tinyweb.accept import Accept, CharsetAccept, LanguageAccept, MIMEAccept, parse_accept_header
from tinyweb.request import Request

# -- parsing ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "items"),
    [
        ("text/html", [("text/html", 1)]),
        # parameters stay part of the value (names lower-cased); q is taken out
        ("Text/HTML;Level=1;q=0.5, */*;q=0.1", [("Text/HTML; level=1", 0.5), ("*/*", 0.1)]),
        # an invalid or out-of-range q drops the item, it is not guessed at
        ("text/html;q=abc, a/b;q=1.5, c/d;q=0", [("c/d", 0)]),
        # most specific first, then quality; ties keep the header's order
        (
            "text/*, text/plain;format=flowed, */*;q=0.01, application/json;q=0.9",
            [
                ("text/plain; format=flowed", 1),
                ("application/json", 0.9),
                ("text/*", 1),
                ("*/*", 0.01),
            ],
        ),
        ('a/b; x="1;2"; q=0.3', [('a/b; x="1;2"', 0.3)]),  # a quoted ";" does not split
        ("text/html;q=0.5000", [("text/html", 0.5)]),
        ("b/b, a/a", [("b/b", 1), ("a/a", 1)]),
        (" , ,", []),
    ],
)
def test_parse_mime_accept(header: str, items: list[tuple[str, float]]) -> None:
    accept = parse_accept_header(header, MIMEAccept)
    assert list(accept) == items
    assert accept == items
    assert accept.provided


@pytest.mark.parametrize("header", [None, ""])
def test_a_missing_header_is_empty_and_not_provided(header: str | None) -> None:
    accept = parse_accept_header(header, MIMEAccept)
    assert (list(accept), accept.provided, accept.best) == ([], False, None)
    assert accept.best_match(["text/html"]) is None  # Werkzeug: the default
    assert accept.best_match(["text/html"], default="text/html") == "text/html"


# -- MIME matching ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "matches", "best"),
    [
        (
            "application/json, text/html;q=0.9",
            ["text/html", "application/json"],
            "application/json",
        ),
        ("text/*;q=0.5, text/html", ["text/plain", "text/html"], "text/html"),
        ("*/*", ["text/html", "application/json"], "text/html"),  # a tie: the server's order
        ("text/html;q=0, */*", ["text/html", "image/png"], "image/png"),  # q=0: refused
        ("text/html;q=0", ["text/html"], None),
        ("image/*;q=0.8, */*;q=0.1", ["application/json", "image/webp"], "image/webp"),
        ("TEXT/HTML", ["text/html"], "text/html"),  # case-insensitive
        ("text/html;level=1", ["text/html"], None),  # parameters must agree
        ("text/html;level=1", ["text/html;level=1"], "text/html;level=1"),
        ("*/html", ["text/html"], None),  # not a media range: never matches
        ("texthtml", ["text/html"], None),
        ("text/html", ["*/*"], "*/*"),  # the server offering anything
        ("text/plain;q=0.5, text/*;q=0.5", ["text/html", "text/plain"], "text/plain"),
    ],
)
def test_mime_best_match(header: str, matches: list[str], best: str | None) -> None:
    assert parse_accept_header(header, MIMEAccept).best_match(matches) == best


def test_quality_comes_from_the_most_specific_matching_range() -> None:
    # RFC 9110 §12.5.1's example
    accept = parse_accept_header(
        "text/*;q=0.3, text/plain;q=0.7, text/plain;format=flowed, text/plain;format=fixed;q=0.4, */*;q=0.5",
        MIMEAccept,
    )
    assert accept["text/plain;format=flowed"] == 1
    assert accept["text/plain"] == 0.7
    assert accept["text/html"] == 0.3
    assert accept["image/jpeg"] == 0.5
    assert accept["text/plain;format=fixed"] == 0.4
    assert accept.quality("text/plain") == 0.7


def test_containment_and_shortcuts() -> None:
    accept = parse_accept_header("text/html, application/json;q=0", MIMEAccept)
    assert "text/html" in accept and "TEXT/HTML" in accept
    # tinyweb differs from Werkzeug on purpose: q=0 means "not acceptable" (RFC 9110 §12.4.2)
    assert "application/json" not in accept
    assert (accept.accept_html, accept.accept_json, accept.accept_xhtml) == (True, False, False)
    assert parse_accept_header("application/xml", MIMEAccept).accept_html is True
    assert 3 not in accept


def test_an_invalid_mimetype_from_the_application_is_a_value_error() -> None:
    accept = parse_accept_header("*/*", MIMEAccept)
    for bad in ("html", "*/html"):
        with pytest.raises(ValueError, match="invalid mimetype"):
            accept.best_match([bad])


def test_sequence_behaviour_and_header_round_trip() -> None:
    accept = parse_accept_header("a/b;q=0.5, c/d", MIMEAccept)
    assert (len(accept), accept[0], accept.best) == (2, ("c/d", 1), "c/d")
    assert list(accept.values()) == ["c/d", "a/b"]
    assert accept.to_header() == "c/d,a/b;q=0.5"
    assert parse_accept_header(accept.to_header(), MIMEAccept) == accept
    assert repr(accept) == "MIMEAccept([('c/d', 1.0), ('a/b', 0.5)])"


# -- languages and the generic Accept -------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "matches", "best"),
    [
        ("de-CH, de;q=0.9, en;q=0.8, *;q=0.1", ["en-US", "fr"], "en-US"),  # "en" takes en-US
        ("de-CH, de;q=0.9, en;q=0.8, *;q=0.1", ["fr"], "fr"),  # only "*"
        ("de-CH, de;q=0.9", ["de_ch", "de"], "de_ch"),  # _ and - alike, case-insensitive
        ("de-CH", ["de", "fr"], "de"),  # the client's primary tag
        ("en", ["fr", "en-GB", "en-US"], "en-GB"),  # the candidates' primary tags
        ("fr;q=0, *", ["fr", "it"], "it"),
        ("en", ["fr"], None),
    ],
)
def test_language_best_match(header: str, matches: list[str], best: str | None) -> None:
    assert parse_accept_header(header, LanguageAccept).best_match(matches) == best


def test_generic_accept_for_encodings() -> None:
    accept = parse_accept_header("gzip, br;q=0.9, *;q=0.1, identity;q=0", Accept)
    assert accept.best_match(["identity", "br"]) == "br"
    assert accept["zstd"] == 0.1 and "identity" not in accept


def test_request_properties() -> None:
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/",
        "HTTP_ACCEPT": "application/json, text/html;q=0.9",
        "HTTP_ACCEPT_LANGUAGE": "fr-CA, fr;q=0.9",
        "HTTP_ACCEPT_ENCODING": "gzip",
        "HTTP_ACCEPT_CHARSET": "iso-8859-1;q=0.5, utf-8",
    }
    request = Request(environ)
    assert (
        request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"
    )
    assert request.accept_languages.best_match(["en", "fr"]) == "fr"
    assert "gzip" in request.accept_encodings
    assert request.accept_charsets.best_match(["latin1", "UTF8"]) == "UTF8"
    assert not Request({"REQUEST_METHOD": "GET", "PATH_INFO": "/"}).accept_mimetypes.provided


@pytest.mark.parametrize(
    ("header", "value", "quality"),
    [
        # names compare as Python's codecs do: one charset, many spellings
        ("utf-8", "UTF8", 1),
        ("UTF8;q=0.7", "utf_8", 0.7),
        ("latin1", "ISO-8859-1", 1),
        ("iso-8859-1;q=0.2, *;q=0.1", "cp1252", 0.1),  # another charset: only * matches
        # names Python does not know compare case-insensitively, and never crash
        ("x-unknown", "X-Unknown", 1),
        ("x-unknown", "x-other", 0),
        ("a\x00b", "a\x00b", 1),  # a NUL makes codecs.lookup raise ValueError (Werkzeug: 500)
        ("utf-8", "a\x00b", 0),
    ],
)
def test_charset_names_match_as_codecs(header: str, value: str, quality: float) -> None:
    assert parse_accept_header(header, CharsetAccept).quality(value) == quality


def test_charset_best_match_returns_the_candidate_as_written() -> None:
    accept = parse_accept_header("utf-8, iso-8859-1;q=0.5", CharsetAccept)
    assert accept.best_match(["latin1", "utf8"]) == "utf8"
    assert accept.best_match(["ascii"]) is None


# -- properties -----------------------------------------------------------------------------

_HEADER_TEXT = st.text(alphabet=st.sampled_from('abtexhml/*;q=0.15, "\\-_'), max_size=60)


@given(_HEADER_TEXT, st.lists(st.sampled_from(["text/html", "a/b", "*/*", "x/*"]), max_size=4))
def test_mime_best_match_is_a_candidate_with_positive_quality(
    header: str, matches: list[str]
) -> None:
    accept = parse_accept_header(header, MIMEAccept)
    best = accept.best_match(matches)
    assert best is None or (best in matches and accept.quality(best) > 0)
    if best is not None:  # nothing the client likes better
        assert all(accept.quality(match) <= accept.quality(best) for match in matches)


@given(st.text(max_size=80))
def test_parsing_never_raises_and_qualities_are_in_range(header: str) -> None:
    for cls in (Accept, MIMEAccept, LanguageAccept):
        accept = parse_accept_header(header, cls)
        assert all(0 <= quality <= 1 for _, quality in accept)
        accept.best_match(["en", "de-DE"] if cls is LanguageAccept else ["text/html"])
