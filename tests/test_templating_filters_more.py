"""The Jinja2 filters added after the first set: groupby, slice, wordwrap, filesizeformat,
xmlattr, attr, forceescape, pprint and random (tinyweb/template_filters.py and
tinyweb/template_formatting.py).

Every expected string was written down from Jinja2 3.1's documented behaviour and checked
against Jinja 3.1.6 by hand, whitespace and escaping included; this file does not import
Jinja. Each table row is rendered with autoescape on and off (a row gives both outputs
where they differ). Hypothesis checks what each filter promises whatever the input:
groupby partitions its items, slice keeps them in order, forceescape and xmlattr leave
no raw HTML special character, wordwrap loses no character and keeps to its width.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple, Optional

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tinyweb.markup import Markup
from tinyweb.template_filters import (
    FilterArgumentError,
    SecurityError,
    Undefined,
    UndefinedError,
    do_forceescape,
    do_groupby,
    do_slice,
)
from tinyweb.template_formatting import FORMATTING_FILTERS, do_filesizeformat, do_xmlattr
from tinyweb.templating import Environment

# -- What the templates see ------------------------------------------------------------


class Person:
    def __init__(self, name: str, city: str) -> None:
        self.name, self.city = name, city


class Thing:
    """An attribute, a private one, item access and ``__html__``."""

    label = "<x>"
    _secret = "hidden"

    def __getitem__(self, key: str) -> str:
        return "item"

    def __html__(self) -> str:
        return "<i>thing</i>"


USERS = [
    {"name": "ann", "city": "NY", "address": {"zip": "10001"}},
    {"name": "bob", "city": "ca", "address": {"zip": "90001"}},
    {"name": "cid", "city": "CA", "address": {"zip": "10001"}},
]


def context() -> dict[str, Any]:
    return {
        "users": USERS,
        "homeless": [*USERS, {"name": "dan"}],
        "people": [Person("Ann", "Oslo"), Person("Bob", "Bergen"), Person("Eve", "Oslo")],
        "pairs": [[1, "a"], [0, "b"], [1, "c"]],
        "thing": Thing(),
        "bold": Markup("<b>x</b>"),
        "mapping": {"a": 1},
        "none": None,
        "text": "Lorem ipsum dolor sit amet, consectetur adipiscing-elit sed do\n\n"
        "second para here that is long enough\r\nthird",
        "big": 10**30,
        "attributes": {"class": "<&>", "id": None, "skip": Undefined("skip"), "n": 1, "m": Markup("<b>")},
    }


class Case(NamedTuple):
    """One row: template text, output with autoescape on, output with it off (None: same)."""

    name: str
    source: str
    escaped: str
    plain: Optional[str] = None


def render(source: str, autoescape: bool = True, **extra: Any) -> str:
    return Environment(autoescape=autoescape).from_string(source).render(**{**context(), **extra})


def both_ways(table: list[Case]) -> Any:
    """Parametrize a test over every row, rendered with autoescape on and off."""
    rows = []
    for case in table:
        rows.append(pytest.param(case.source, True, case.escaped, id=f"{case.name}-on"))
        plain = case.escaped if case.plain is None else case.plain
        rows.append(pytest.param(case.source, False, plain, id=f"{case.name}-off"))
    return pytest.mark.parametrize(("source", "autoescape", "expected"), rows)


# -- groupby -------------------------------------------------------------------------------

GROUPBY = [
    Case("unpacks_as_pairs",
         '{% for city, items in users|groupby("city") %}{{ city }}:{{ items|map(attribute="name")|join(",") }};{% endfor %}',
         "ca:bob,cid;NY:ann;"),
    Case("fields_grouper_and_list",
         '{% for group in people|groupby("city") %}{{ group.grouper }}={{ group.list|map(attribute="name")|join("+") }} {% endfor %}',
         "Bergen=Bob Oslo=Ann+Eve "),
    Case("ignores_case_and_keeps_first_items_case",
         '{% for g in users|groupby("city") %}{{ g.grouper }}{{ g.list|length }} {% endfor %}', "ca2 NY1 "),
    Case("case_sensitive",
         '{% for g in users|groupby("city", case_sensitive=true) %}{{ g.grouper }}{{ g.list|length }} {% endfor %}',
         "CA1 NY1 ca1 "),
    Case("default_for_missing_attribute",
         '{% for city, items in homeless|groupby("city", default="X") %}{{ city }}:{{ items|length }};{% endfor %}',
         "ca:2;NY:1;X:1;"),
    Case("dotted_path",
         '{% for zip, items in users|groupby("address.zip") %}{{ zip }}:{{ items|map(attribute="name")|join(",") }};{% endfor %}',
         "10001:ann,cid;90001:bob;"),
    Case("integer_index", "{% for key, items in pairs|groupby(0) %}{{ key }}{{ items }};{% endfor %}",
         "0[[0, &#39;b&#39;]];1[[1, &#39;a&#39;], [1, &#39;c&#39;]];",
         "0[[0, 'b']];1[[1, 'a'], [1, 'c']];"),
    Case("keyword_attribute", '{{ pairs|groupby(attribute=0)|map(attribute="grouper")|list }}', "[0, 1]"),
    Case("numbers_sort_as_numbers", '{{ [{"n": 10}, {"n": 9}, {"n": 10}]|groupby("n")|map(attribute="grouper")|join(",") }}',
         "9,10"),
    Case("prints_as_plain_tuples", '{{ [{"a": "<"}]|groupby("a") }}',
         "[(&#39;&lt;&#39;, [{&#39;a&#39;: &#39;&lt;&#39;}])]", "[('<', [{'a': '<'}])]"),
    Case("one_group_prints_as_tuple", '{{ [{"a": 1}]|groupby("a")|first }}',
         "(1, [{&#39;a&#39;: 1}])", "(1, [{'a': 1}])"),
    Case("grouper_is_escaped", '{% for g in [{"a": "<b>"}]|groupby("a") %}{{ g.grouper }}{% endfor %}', "&lt;b&gt;", "<b>"),
    Case("undefined_input_is_empty", "{{ missing|groupby('a') }}", "[]"),
    Case("single_item_without_attribute", "{{ [1]|groupby('a') }}", "[(Undefined, [1])]"),
    Case("empty_list", "{{ []|groupby('a')|length }}", "0"),
]


@both_ways(GROUPBY)
def test_groupby(source: str, autoescape: bool, expected: str) -> None:
    assert render(source, autoescape) == expected


# -- slice ---------------------------------------------------------------------------------

SLICE = [
    Case("first_columns_take_the_rest", "{{ [1, 2, 3, 4, 5, 6, 7]|slice(3)|list }}", "[[1, 2, 3], [4, 5], [6, 7]]"),
    Case("fill_with_pads_short_columns", "{{ [1, 2, 3, 4, 5, 6, 7]|slice(3, 0)|list }}", "[[1, 2, 3], [4, 5, 0], [6, 7, 0]]"),
    Case("fill_with_pads_every_even_column", '{{ [1, 2, 3, 4, 5, 6]|slice(3, "x")|list }}',
         "[[1, 2, &#39;x&#39;], [3, 4, &#39;x&#39;], [5, 6, &#39;x&#39;]]", "[[1, 2, 'x'], [3, 4, 'x'], [5, 6, 'x']]"),
    Case("keyword_fill_with", '{{ [1, 2, 3, 4]|slice(3, fill_with="-")|list }}',
         "[[1, 2], [3, &#39;-&#39;], [4, &#39;-&#39;]]", "[[1, 2], [3, '-'], [4, '-']]"),
    Case("more_slices_than_items", "{{ [1, 2]|slice(4)|list }}", "[[1], [2], [], []]"),
    Case("string", "{{ 'abc'|slice(2)|list }}", "[[&#39;a&#39;, &#39;b&#39;], [&#39;c&#39;]]", "[['a', 'b'], ['c']]"),
    Case("undefined_input", "{{ missing|slice(2)|list }}", "[[], []]"),
    Case("negative_slices", "{{ [1]|slice(-1)|list }}", "[]"),
    Case("columns_in_a_loop",
         "{% for column in range(5)|slice(2) %}<ul>{% for item in column %}<li>{{ item }}{% endfor %}</ul>{% endfor %}",
         "<ul><li>0<li>1<li>2</ul><ul><li>3<li>4</ul>"),
]


@both_ways(SLICE)
def test_slice(source: str, autoescape: bool, expected: str) -> None:
    assert render(source, autoescape) == expected


# -- wordwrap ------------------------------------------------------------------------------

WORDWRAP = [
    Case("paragraphs_wrap_separately", "{{ text|wordwrap(20) }}",
         "Lorem ipsum dolor\nsit amet,\nconsectetur\nadipiscing-elit sed\ndo\n\nsecond para here\nthat is long enough\nthird"),
    Case("wrapstring_is_escaped", '{{ text|wordwrap(10, wrapstring="<br>") }}',
         "Lorem&lt;br&gt;ipsum&lt;br&gt;dolor sit&lt;br&gt;amet, cons&lt;br&gt;ectetur ad&lt;br&gt;ipiscing-&lt;br&gt;"
         "elit sed&lt;br&gt;do&lt;br&gt;&lt;br&gt;second&lt;br&gt;para here&lt;br&gt;that is&lt;br&gt;long&lt;br&gt;enough"
         "&lt;br&gt;third",
         "Lorem<br>ipsum<br>dolor sit<br>amet, cons<br>ectetur ad<br>ipiscing-<br>elit sed<br>do<br><br>second"
         "<br>para here<br>that is<br>long<br>enough<br>third"),
    Case("safe_wrapstring_escapes_the_lines", '{{ "a<b c"|wordwrap(3, wrapstring="<br>"|safe) }}', "a&lt;b<br>c"),
    Case("long_words_break", "{{ 'aaaaaaaaaa'|wordwrap(4) }}", "aaaa\naaaa\naa"),
    Case("long_words_kept", "{{ 'aaaaaaaaaa'|wordwrap(4, false) }}", "aaaaaaaaaa"),
    Case("breaks_on_hyphens", "{{ 'ab-cd-ef gh'|wordwrap(4) }}", "ab-\ncd-\nef\ngh"),
    Case("not_on_hyphens", "{{ 'ab-cd-ef gh'|wordwrap(4, break_on_hyphens=false) }}", "ab-c\nd-ef\ngh"),
    Case("markup_is_text_again", "{{ bold|wordwrap(2) }}", "&lt;b\n&gt;x\n&lt;/\nb&gt;", "<b\n>x\n</\nb>"),
    Case("output_is_escaped", "{{ 'a<b c&d'|wordwrap(3) }}", "a&lt;b\nc&amp;d", "a<b\nc&d"),
    Case("empty", "[{{ ''|wordwrap }}]", "[]"),
    Case("trailing_newline_dropped", "[{{ 'a\n'|wordwrap }}]", "[a]"),
    Case("leading_space_and_tabs_kept", "[{{ '  a   b  \t c '|wordwrap(3) }}]", "[  a\nb\nc]"),
    Case("short_text_unchanged", "{{ 'hello world'|wordwrap }}", "hello world"),
]


@both_ways(WORDWRAP)
def test_wordwrap(source: str, autoescape: bool, expected: str) -> None:
    assert render(source, autoescape) == expected


def test_wordwrap_joins_with_the_environments_newline_sequence() -> None:
    class WindowsEnvironment:
        newline_sequence = "\r\n"

    wordwrap = FORMATTING_FILTERS["wordwrap"]
    assert wordwrap(WindowsEnvironment(), "ab cd", 2) == "ab\r\ncd"
    assert wordwrap(object(), "ab cd\nef", 2) == "ab\ncd\nef"


# -- filesizeformat ------------------------------------------------------------------------

FILESIZEFORMAT = [
    Case("one_byte", "{{ 1|filesizeformat }}", "1 Byte"),
    Case("bytes", "{{ 0|filesizeformat }} {{ 999|filesizeformat }} {{ -5|filesizeformat }}", "0 Bytes 999 Bytes -5 Bytes"),
    Case("fraction_below_two_is_plural", "{{ 1.5|filesizeformat }}", "1 Bytes"),
    Case("decimal_units", "{{ 1000|filesizeformat }} {{ 1500000|filesizeformat }} {{ 2500000000|filesizeformat }}",
         "1.0 kB 1.5 MB 2.5 GB"),
    Case("rounds_up_within_a_unit", "{{ 999999|filesizeformat }}", "1000.0 kB"),
    Case("binary_units", "{{ 1023|filesizeformat(true) }} {{ 1024|filesizeformat(true) }} {{ 1572864|filesizeformat(binary=true) }}",
         "1023 Bytes 1.0 KiB 1.5 MiB"),
    Case("largest_unit", "{{ (1000 ** 9)|filesizeformat }} {{ big|filesizeformat }} {{ big|filesizeformat(true) }}",
         "1000.0 YB 1000000.0 YB 827180.6 YiB"),
    # float(1000 ** 8) is a little under 10 ** 24, so it stays in ZB, as in Jinja.
    Case("float_rounding_at_a_boundary", "{{ (1000 ** 8)|filesizeformat }} {{ (1024 ** 8)|filesizeformat(true) }}",
         "1000.0 ZB 1.0 YiB"),
    Case("every_unit", "{% for p in range(1, 8) %}{{ (1000 ** p)|filesizeformat }} {{ (1024 ** p)|filesizeformat(true) }} {% endfor %}",
         "1.0 kB 1.0 KiB 1.0 MB 1.0 MiB 1.0 GB 1.0 GiB 1.0 TB 1.0 TiB 1.0 PB 1.0 PiB 1.0 EB 1.0 EiB "
         "1.0 ZB 1.0 ZiB "),
    Case("numeric_string", "{{ '2000'|filesizeformat }}", "2.0 kB"),
    Case("infinity", "{{ 'inf'|filesizeformat }} {{ 'nan'|filesizeformat }}", "inf YB nan YB"),
]


@both_ways(FILESIZEFORMAT)
def test_filesizeformat(source: str, autoescape: bool, expected: str) -> None:
    assert render(source, autoescape) == expected


# -- xmlattr -------------------------------------------------------------------------------

XMLATTR = [
    Case("escapes_values_skips_none_and_undefined", "<p{{ attributes|xmlattr }}>",
         '<p class="&lt;&amp;&gt;" n="1" m="<b>">'),
    Case("literal_dict", "<ul{{ {'class': 'my_list', 'missing': none, 'id': 'list-%d'|format(42)}|xmlattr }}>",
         '<ul class="my_list" id="list-42">'),
    Case("undefined_value_skipped", "[{{ {'a': missing, 'b': 2}|xmlattr }}]", '[ b="2"]'),
    Case("no_autospace", "{{ {'a': 1}|xmlattr(false) }} {{ {'a': 1}|xmlattr(autospace=false) }}", 'a="1" a="1"'),
    Case("nothing_no_space", "[{{ {}|xmlattr }}][{{ {'a': none}|xmlattr }}]", "[][]"),
    Case("key_is_escaped", "{{ {'<': 1, 'a\"': 2}|xmlattr }}", ' &lt;="1" a&#34;="2"'),
    Case("non_ascii_space_is_allowed", "{{ {'a\u00a0b': 1}|xmlattr }}", ' a\u00a0b="1"'),
    Case("refused_key_with_none_value_is_skipped", "[{{ {'a b': none}|xmlattr }}]", "[]"),
    # Safe markup with autoescape on; a plain string when it is off, so |e escapes again.
    Case("result_is_markup_only_with_autoescape", "{{ {'a': '<'}|xmlattr|e }}", ' a="&lt;"', " a=&#34;&amp;lt;&#34;"),
]


@both_ways(XMLATTR)
def test_xmlattr(source: str, autoescape: bool, expected: str) -> None:
    assert render(source, autoescape) == expected


# -- attr ----------------------------------------------------------------------------------

ATTR = [
    Case("attribute", "{{ thing|attr('label') }}", "&lt;x&gt;", "<x>"),
    Case("missing_attribute_is_undefined", "[{{ thing|attr('nope') }}] {{ thing|attr('nope') is undefined }}", "[] True"),
    Case("no_item_fallback", "[{{ mapping|attr('a') }}] {{ mapping.a }}", "[] 1"),
    Case("methods_are_attributes", "{{ mapping|attr('keys') is callable }} {{ (thing|attr('label')|attr('upper'))() }}",
         "True &lt;X&gt;", "True <X>"),
    Case("none_has_no_attribute", "[{{ none|attr('a') }}]", "[]"),
    Case("undefined_attribute_is_falsy", "{{ thing|attr('nope')|default('d') }} {{ thing|attr('nope')|length }}", "d 0"),
]


@both_ways(ATTR)
def test_attr(source: str, autoescape: bool, expected: str) -> None:
    assert render(source, autoescape) == expected


def test_attr_undefined_follows_the_environment() -> None:
    strict = Environment(undefined="strict").from_string("{{ thing|attr('nope') }}")
    with pytest.raises(UndefinedError, match="Thing object' has no attribute 'nope'"):
        strict.render(thing=Thing())


# -- forceescape and pprint ----------------------------------------------------------------

FORCEESCAPE_AND_PPRINT = [
    Case("forceescape_escapes_markup", "{{ bold|forceescape }}", "&lt;b&gt;x&lt;/b&gt;"),
    Case("forceescape_escapes_html_objects", "{{ thing|forceescape }}", "&lt;i&gt;thing&lt;/i&gt;"),
    Case("forceescape_five_characters", "{{ '<&>\\'\"'|forceescape }}", "&lt;&amp;&gt;&#39;&#34;"),
    Case("forceescape_other_values", "[{{ missing|forceescape }}] {{ 3|forceescape }} {{ none|forceescape }}", "[] 3 None"),
    Case("forceescape_safe_twice", "{{ '&'|forceescape|forceescape }}", "&amp;amp;"),
    Case("pprint_sorts_dicts", "{{ {'b': [1, 2], 'a': '<'}|pprint }}",
         "{&#39;a&#39;: &#39;&lt;&#39;, &#39;b&#39;: [1, 2]}", "{'a': '<', 'b': [1, 2]}"),
    Case("pprint_string", "{{ 'x'|pprint }}", "&#39;x&#39;", "'x'"),
    Case("pprint_markup", "{{ bold|pprint }}", "Markup(&#39;&lt;b&gt;x&lt;/b&gt;&#39;)", "Markup('<b>x</b>')"),
    Case("pprint_undefined", "{{ missing|pprint }}", "Undefined"),
    Case("pprint_wraps_at_80_columns", "{{ range(30)|list|pprint }}",
         "[" + ",\n ".join(str(number) for number in range(30)) + "]"),
]


@both_ways(FORCEESCAPE_AND_PPRINT)
def test_forceescape_and_pprint(source: str, autoescape: bool, expected: str) -> None:
    assert render(source, autoescape) == expected


def test_table_ids_are_unique() -> None:
    names = [case.name for table in (GROUPBY, SLICE, WORDWRAP, FILESIZEFORMAT, XMLATTR, ATTR, FORCEESCAPE_AND_PPRINT)
             for case in table]
    assert len(names) == len(set(names))


# -- Errors: where Jinja raises, so do we, with the same type ------------------------------

ERRORS = [
    ("groupby_missing_attribute_cannot_sort", "{{ [{'a': 1}, {'b': 2}]|groupby('a') }}", UndefinedError,
     "'dict object' has no attribute 'a'"),
    ("groupby_needs_an_attribute", "{{ users|groupby }}", TypeError, "attribute"),
    ("slice_by_zero", "{{ [1]|slice(0)|list }}", ZeroDivisionError, "by zero"),
    ("wordwrap_width_zero", "{{ 'x y'|wordwrap(0) }}", ValueError, "invalid width 0 (must be > 0)"),
    ("wordwrap_not_a_string", "{{ 123|wordwrap }}", AttributeError, "splitlines"),
    ("wordwrap_undefined", "{{ missing|wordwrap }}", UndefinedError, "'missing' is undefined"),
    ("filesizeformat_not_a_number", "{{ 'x'|filesizeformat }}", ValueError, "could not convert string to float: 'x'"),
    ("filesizeformat_none", "{{ none|filesizeformat }}", TypeError, "float() argument"),
    ("filesizeformat_undefined", "{{ missing|filesizeformat }}", UndefinedError, "'missing' is undefined"),
    ("xmlattr_key_with_space", "{{ {'a b': 1}|xmlattr }}", ValueError, "Invalid character in attribute name: 'a b'"),
    ("xmlattr_key_with_tab", "{{ {'a\tb': 1}|xmlattr }}", ValueError, "Invalid character in attribute name: 'a\\tb'"),
    ("xmlattr_key_with_newline", "{{ {'a\nb': 1}|xmlattr }}", ValueError, "Invalid character in attribute name: 'a\\nb'"),
    ("xmlattr_key_with_solidus", "{{ {'a/': 1}|xmlattr }}", ValueError, "Invalid character in attribute name: 'a/'"),
    ("xmlattr_key_with_greater_than", "{{ {'a>': 1}|xmlattr }}", ValueError, "Invalid character in attribute name: 'a>'"),
    ("xmlattr_key_with_equals", "{{ {'onclick=alert(1) a': 1}|xmlattr }}", ValueError, "Invalid character"),
    ("xmlattr_key_not_a_string", "{{ {1: 1}|xmlattr }}", TypeError, "expected string"),
    ("xmlattr_not_a_mapping", "{{ [1]|xmlattr }}", AttributeError, "items"),
    ("xmlattr_undefined", "{{ missing|xmlattr }}", UndefinedError, "'missing' is undefined"),
    ("attr_private_name", "{{ thing|attr('_secret') }}", SecurityError, "'_secret'"),
    ("attr_dunder_name", "{{ ''|attr('__class__') }}", SecurityError, "'__class__'"),
    ("attr_format_climb", "{{ ('{0.__class__}'|attr('format'))(1) }}", SecurityError, "'0.__class__'"),
    ("attr_name_not_a_string", "{{ thing|attr(1) }}", TypeError, "attribute name must be string"),
    ("attr_of_undefined", "{{ missing|attr('a') }}", UndefinedError, "'missing' is undefined"),
    ("attr_undefined_used", "{{ (thing|attr('nope')).x }}", UndefinedError, "Thing object' has no attribute 'nope'"),
    ("pprint_takes_no_arguments", "{{ 1|pprint(2) }}", TypeError, "argument"),
]


@pytest.mark.parametrize(("source", "error", "message"), [case[1:] for case in ERRORS], ids=[case[0] for case in ERRORS])
@pytest.mark.parametrize("autoescape", [True, False], ids=["on", "off"])
def test_errors_match_jinja(source: str, error: type[Exception], message: str, autoescape: bool) -> None:
    with pytest.raises(error, match=re.escape(message)):
        render(source, autoescape)


def test_private_attribute_refused_as_by_the_dot() -> None:
    with pytest.raises(SecurityError):
        render("{{ people[0]._secret }}")


# -- Properties ------------------------------------------------------------------------------

ENTITIES = ("&amp;", "&lt;", "&gt;", "&#34;", "&#39;")


def assert_no_raw_specials(html: str) -> None:
    assert not set(html) & set("<>\"'"), html
    for index, character in enumerate(html):
        if character == "&":
            assert html.startswith(ENTITIES, index), html


keys = st.one_of(st.integers(-3, 3), st.sampled_from(["a", "A", "b", "B", "ab"]))


@given(st.lists(st.tuples(keys, st.integers())), st.booleans())
def test_groupby_partitions_its_input(rows: list[tuple[Any, int]], case_sensitive: bool) -> None:
    items = [{"key": key, "id": number} for number, (key, _) in enumerate(rows)]
    same_kind = {type(item["key"]) for item in items}
    if len(same_kind) > 1:  # ints and strings do not sort together, in Jinja either
        items = [item for item in items if isinstance(item["key"], int)]
    groups = do_groupby(Environment(), items, "key", case_sensitive=case_sensitive)
    flattened = [item for group in groups for item in group.list]
    assert sorted(item["id"] for item in flattened) == [item["id"] for item in items]

    def fold(key: Any) -> Any:
        return key.lower() if isinstance(key, str) and not case_sensitive else key

    folded = [fold(group.grouper) for group in groups]
    assert folded == sorted(set(folded))  # one group per key, in key order
    for group in groups:
        assert group.grouper == group.list[0]["key"]
        assert {fold(item["key"]) for item in group.list} == {fold(group.grouper)}
        assert [item["id"] for item in group.list] == sorted(item["id"] for item in group.list)  # stable


@given(st.lists(st.integers()), st.integers(1, 12))
def test_slice_keeps_every_item_in_order(items: list[int], slices: int) -> None:
    columns = list(do_slice(items, slices))
    assert len(columns) == slices
    assert [item for column in columns for item in column] == items
    lengths = [len(column) for column in columns]
    assert lengths == sorted(lengths, reverse=True) and lengths[0] - lengths[-1] <= 1
    filled = list(do_slice(items, slices, fill_with=None if not items else "fill"))
    if items:
        assert len({len(column) for column in filled}) == 1


@given(st.one_of(st.text(), st.text().map(Markup), st.integers()))
def test_forceescape_leaves_no_raw_special_character(value: Any) -> None:
    output = do_forceescape(value)
    assert isinstance(output, Markup)
    assert_no_raw_specials(output)
    assert output.unescape() == str(value)


@given(st.dictionaries(st.text(st.characters(blacklist_characters=" \t\n\r\f\v/>="), min_size=1), st.text()))
def test_xmlattr_keeps_every_value_inside_its_quotes(attributes: dict[str, str]) -> None:
    output = do_xmlattr(True, attributes)
    assert isinstance(output, Markup)
    assert output.count('"') == 2 * len(attributes)
    for pair in re.findall(r'"[^"]*"', output):
        assert_no_raw_specials(pair[1:-1])


@given(st.text(alphabet=" -\tab\n", max_size=60), st.integers(1, 12))
def test_wordwrap_loses_no_character_and_keeps_its_width(text: str, width: int) -> None:
    output = render("{{ text|wordwrap(width) }}", False, text=text, width=width)
    assert "".join(output.split()) == "".join(text.split())
    for line in output.split("\n"):
        assert len(line) <= width or line.strip(" \t") == "", (line, width)


@given(st.integers(0, 10**28), st.booleans())
def test_filesizeformat_stays_within_rounding(size: int, binary: bool) -> None:
    output = do_filesizeformat(size, binary)
    number, unit = output.split(" ")
    if unit in ("Byte", "Bytes"):
        assert int(number) == size and (unit == "Byte") == (size == 1)
        return
    base = 1024 if binary else 1000
    prefix = unit[0].lower() if unit[0] == "K" else unit[0]
    power = 1 + "kMGTPEZY".index(prefix)
    assert unit == (f"{prefix.upper()}iB" if binary else f"{prefix}B")
    assert 1.0 <= float(number) and (float(number) <= base or power == 8)  # 1000.1 KiB is fine
    assert abs(float(number) - size / base**power) <= 0.05 + 1e-9


# -- random ----------------------------------------------------------------------------


def test_random_gives_an_item_of_the_sequence() -> None:
    assert render("{{ ['only']|random }}|{{ 'a'|random }}") == "only|a"
    drawn = {render("{{ items|random }}", items=["a", "b", "c"]) for _ in range(200)}
    assert drawn == {"a", "b", "c"}  # each missed with probability (2/3)**200


def test_random_of_an_empty_sequence_is_undefined_as_in_jinja() -> None:
    assert render("[{{ []|random }}]|{{ ([]|random) is undefined }}|{{ ''|random is undefined }}") == "[]|True|True"
    strict = Environment(undefined="strict").from_string("{{ []|random }}")
    with pytest.raises(UndefinedError):
        strict.render()


def test_random_of_what_is_not_a_sequence_is_an_error_as_in_jinja() -> None:
    with pytest.raises(TypeError):
        render("{{ 5|random }}")


# -- first, last, min and max of nothing ------------------------------------------------


@pytest.mark.parametrize("name", ["first", "last", "min", "max"])
def test_an_empty_sequence_gives_the_environments_undefined_as_in_jinja(name: str) -> None:
    assert render(f"[{{{{ []|{name} }}}}]|{{{{ ([]|{name}) is undefined }}}}") == "[]|True"
    strict = Environment(undefined="strict").from_string(f"{{{{ []|{name} }}}}")
    with pytest.raises(UndefinedError):
        strict.render()
    assert Environment(undefined="strict").from_string(f"{{{{ ([]|{name}) is defined }}}}").render() == "False"


def test_reverse_of_what_is_not_iterable_is_a_filter_argument_error_as_in_jinja() -> None:
    with pytest.raises(FilterArgumentError, match="argument must be iterable"):
        render("{{ 5|reverse }}")


@pytest.mark.parametrize("attribute", ["previtem", "nextitem"])
def test_loop_neighbours_at_the_ends_are_the_environments_undefined(attribute: str) -> None:
    source = "{% for i in [1] %}{{ loop." + attribute + " }}{% endfor %}"
    assert render(source) == ""
    with pytest.raises(UndefinedError):
        Environment(undefined="strict").from_string(source).render()
    recursive = "{% for i in [1] recursive %}{{ loop." + attribute + " is defined }}{% endfor %}"
    assert Environment(undefined="strict").from_string(recursive).render() == "False"


def test_indent_of_a_list_fails_as_in_jinja_and_leaves_the_list_alone() -> None:
    items = ["b", "a"]
    with pytest.raises(AttributeError, match="splitlines"):
        render("{{ items|indent }}", items=items)
    assert items == ["b", "a"]


@pytest.mark.parametrize("undefined", ["default", "strict"])
def test_abs_of_undefined_is_a_type_error_as_in_jinja(undefined: str) -> None:
    # Jinja's Undefined has no __abs__: abs() fails as for any object without one.
    environment = Environment() if undefined == "default" else Environment(undefined="strict")
    with pytest.raises(TypeError, match="bad operand type for abs"):
        environment.from_string("{{ missing|abs }}").render()


# -- attribute paths give the environment's undefined ------------------------------------


@pytest.mark.parametrize("source", [
    "{{ items|sort(attribute='missing')|list }}",
    "{{ items|selectattr('missing')|list }}",
    "{{ items|map(attribute='missing')|join }}",
    "{{ items|join(',', attribute='missing') }}",
    "{{ items|sum(attribute='missing') }}",
    "{{ items|unique(attribute='missing')|list }}",
    "{{ items|min(attribute='missing') }}",
    "{{ items|groupby('missing')|list }}",
])  # fmt: skip
def test_attribute_paths_give_the_environments_undefined_as_in_jinja(source: str) -> None:
    # Jinja's attribute getters make environment.undefined: with StrictUndefined, sorting,
    # testing, joining or summing a missing attribute is an error, not a silent blank.
    items = [{"a": 1}, {"a": 2}]
    with pytest.raises(UndefinedError):
        Environment(undefined="strict").from_string(source).render(items=items)
