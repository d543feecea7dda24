"""MultiDict, Headers and FileStorage: tables of behaviours plus hypothesis properties."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tinyweb.datastructures import (
    Authorization,
    FileStorage,
    Headers,
    ImmutableMultiDict,
    MultiDict,
    parse_list_header,
)

# -- MultiDict -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected_pairs"),
    [
        (None, []),
        ([("a", "1"), ("a", "2"), ("b", "3")], [("a", "1"), ("a", "2"), ("b", "3")]),
        ({"a": "1", "b": "2"}, [("a", "1"), ("b", "2")]),
        ({"a": ["1", "2"], "b": "3"}, [("a", "1"), ("a", "2"), ("b", "3")]),
        ({"a": ("1", "2")}, [("a", "1"), ("a", "2")]),
        ({"a": []}, []),  # an empty list means "no value", so no key
        (MultiDict([("x", "1"), ("x", "2")]), [("x", "1"), ("x", "2")]),
    ],
)
def test_multidict_construction(source: object, expected_pairs: list[tuple[str, str]]) -> None:
    assert list(MultiDict(source).items(multi=True)) == expected_pairs  # type: ignore[arg-type]


def test_multidict_first_value_wins_and_missing_key_raises() -> None:
    data = MultiDict([("a", "1"), ("a", "2")])
    assert data["a"] == "1"
    assert data.getlist("a") == ["1", "2"]
    assert data.getlist("missing") == []
    with pytest.raises(KeyError):
        data["missing"]


@pytest.mark.parametrize(
    ("value", "kwargs", "expected"),
    [
        ("5", {"type": int}, 5),
        ("x", {"type": int}, None),
        ("x", {"default": 1, "type": int}, 1),
        ("", {"default": 3, "type": int}, 3),  # blank value: the conversion fails
        ("", {}, ""),  # a blank value is still a value
        ("1.5", {"type": float}, 1.5),
    ],
)
def test_multidict_get_with_type(value: str, kwargs: dict[str, object], expected: object) -> None:
    assert MultiDict({"k": value}).get("k", **kwargs) == expected  # type: ignore[arg-type]


def test_multidict_getlist_with_type_skips_bad_values() -> None:
    assert MultiDict([("n", "1"), ("n", "x"), ("n", "3")]).getlist("n", type=int) == [1, 3]


def test_multidict_mutation() -> None:
    data: MultiDict[str, str] = MultiDict()
    data.add("a", "1")
    data.add("a", "2")
    data["b"] = "3"
    data["a"] = "9"  # replaces every value
    assert list(data.items(multi=True)) == [("a", "9"), ("b", "3")]
    data.setlist("c", ["4", "5"])
    assert data.getlist("c") == ["4", "5"]
    data.setlist("c", [])
    assert "c" not in data
    assert data.setdefault("d", "6") == "6"
    assert data.setdefault("d", "7") == "6"
    assert data.pop("d") == "6"
    assert data.pop("d", None) is None and data.pop("d", default=0) == 0  # Werkzeug: a keyword too
    with pytest.raises(KeyError):
        data.pop("d")
    del data["b"]
    assert list(data) == ["a"]


def test_multidict_update_extends_like_werkzeug() -> None:
    data = MultiDict([("a", "1")])
    data.update({"a": "2"}, [("b", "3")], c="4")
    assert list(data.items(multi=True)) == [("a", "1"), ("a", "2"), ("b", "3"), ("c", "4")]
    assert data.poplist("a") == ["1", "2"]
    assert data.poplist("a") == []


def test_multidict_views_and_copies() -> None:
    data = MultiDict([("a", "1"), ("b", "2"), ("a", "3")])
    assert list(data.keys()) == ["a", "b"]
    assert list(data.values()) == ["1", "2"]
    assert list(data.items()) == [("a", "1"), ("b", "2")]
    assert list(data.lists()) == [("a", ["1", "3"]), ("b", ["2"])]
    assert data.to_dict() == {"a": "1", "b": "2"}
    assert data.to_dict(flat=False) == {"a": ["1", "3"], "b": ["2"]}
    duplicate = data.copy()
    duplicate.add("a", "4")
    assert data.getlist("a") == ["1", "3"]
    assert duplicate == MultiDict([("a", "1"), ("a", "3"), ("a", "4"), ("b", "2")])
    assert len(data) == 2
    assert "MultiDict" in repr(data)


@pytest.mark.parametrize(
    "mutate",
    [
        lambda data: data.__setitem__("a", "x"),
        lambda data: data.__delitem__("a"),
        lambda data: data.add("a", "x"),
        lambda data: data.setlist("a", ["x"]),
        lambda data: data.setdefault("z", "x"),
        lambda data: data.update({"a": "x"}),
        lambda data: data.pop("a"),
        lambda data: data.poplist("a"),
        lambda data: data.popitem(),
        lambda data: data.clear(),
    ],
)
def test_immutable_multidict_refuses_every_change(mutate: object) -> None:
    data = ImmutableMultiDict([("a", "1"), ("a", "2")])
    with pytest.raises(TypeError, match="immutable"):
        mutate(data)  # type: ignore[operator]
    assert list(data.items(multi=True)) == [("a", "1"), ("a", "2")]


def test_immutable_multidict_reads_hashes_and_copies() -> None:
    data = ImmutableMultiDict({"a": ["1", "2"]})
    assert data["a"] == "1" and data.getlist("a") == ["1", "2"]
    assert hash(data) == hash(ImmutableMultiDict([("a", "1"), ("a", "2")]))
    copy = data.copy()
    assert type(copy) is MultiDict
    copy.add("a", "3")
    assert data.getlist("a") == ["1", "2"]
    assert repr(data).startswith("ImmutableMultiDict(")


pairs_strategy = st.lists(st.tuples(st.text(max_size=5), st.text(max_size=5)), max_size=20)


@given(pairs_strategy)
def test_multidict_keeps_every_pair_grouped_by_first_appearance(
    pairs: list[tuple[str, str]],
) -> None:
    data = MultiDict(pairs)
    first_seen = list(dict.fromkeys(key for key, _ in pairs))
    expected = [(key, value) for key in first_seen for k, value in pairs if k == key]
    assert list(data.items(multi=True)) == expected
    assert MultiDict(data) == data
    assert MultiDict(data.to_dict(flat=False)) == data
    for key in first_seen:
        assert data[key] == next(value for k, value in pairs if k == key)


# -- Headers ---------------------------------------------------------------------------------


def test_headers_are_case_insensitive_and_keep_casing() -> None:
    headers = Headers([("Content-Type", "text/plain"), ("X-Tag", "a"), ("x-tag", "b")])
    assert headers["content-type"] == "text/plain"
    assert headers.getlist("X-TAG") == ["a", "b"]
    assert "CONTENT-TYPE" in headers
    assert 5 not in headers
    assert headers.items() == [("Content-Type", "text/plain"), ("X-Tag", "a"), ("x-tag", "b")]
    assert list(headers) == headers.items()
    assert headers.keys() == ["Content-Type", "X-Tag", "x-tag"]
    assert headers.values() == ["text/plain", "a", "b"]
    with pytest.raises(KeyError):
        headers["missing"]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ({"A": "1", "B": 2}, [("A", "1"), ("B", "2")]),  # non-str values become str
        ({"A": ["1", "2"]}, [("A", "1"), ("A", "2")]),
        ([("A", "1"), ("A", "2")], [("A", "1"), ("A", "2")]),
        (Headers([("A", "1")]), [("A", "1")]),
        (None, []),
    ],
)
def test_headers_construction(source: object, expected: list[tuple[str, str]]) -> None:
    assert Headers(source).to_wsgi_list() == expected  # type: ignore[arg-type]


def test_headers_get_with_type_and_default() -> None:
    headers = Headers({"Content-Length": "12", "X-Bad": "x"})
    assert headers.get("content-length", type=int) == 12
    assert headers.get("x-bad", 0, type=int) == 0
    assert headers.get("missing") is None
    assert headers.get("missing", "d") == "d"


def test_headers_set_replaces_all_in_place() -> None:
    headers = Headers([("A", "1"), ("B", "2"), ("a", "3"), ("C", "4")])
    headers["A"] = "9"
    assert headers.to_wsgi_list() == [("A", "9"), ("B", "2"), ("C", "4")]
    headers.set("D", "5")
    assert headers.to_wsgi_list()[-1] == ("D", "5")


def test_headers_mutation() -> None:
    headers = Headers()
    assert headers.setdefault("X", "1") == "1"
    assert headers.setdefault("x", "2") == "1"
    headers.add("Y", "a")
    headers.add("y", "b")
    assert headers.pop("Y") == "a"
    assert "y" not in headers
    assert headers.pop("Y", "none") == "none"
    headers.extend({"Z": "1"})
    headers.update({"z": "2", "W": "3"})
    assert headers.to_wsgi_list() == [("X", "1"), ("z", "2"), ("W", "3")]
    del headers["x"]
    with pytest.raises(KeyError):
        del headers["x"]
    headers.remove("nothing")  # no error
    duplicate = headers.copy()
    duplicate.clear()
    assert len(headers) == 2 and len(duplicate) == 0
    assert headers == Headers([("z", "2"), ("W", "3")])
    assert "Headers" in repr(headers)


@pytest.mark.parametrize("bad", ["a\rb", "a\nb", "a\r\nSet-Cookie: x=1", "a\x00b"])
@pytest.mark.parametrize("where", ["name", "value"])
@pytest.mark.parametrize("method", ["add", "set", "setitem", "extend", "init", "setdefault"])
def test_headers_refuse_cr_lf_nul(bad: str, where: str, method: str) -> None:
    name, value = (bad, "ok") if where == "name" else ("X-Ok", bad)
    headers = Headers()
    with pytest.raises(ValueError, match="CR, LF or NUL"):
        if method == "add":
            headers.add(name, value)
        elif method == "set":
            headers.set(name, value)
        elif method == "setitem":
            headers[name] = value
        elif method == "extend":
            headers.extend([(name, value)])
        elif method == "setdefault":
            headers.setdefault(name, value)
        else:
            Headers([(name, value)])
    assert len(headers) == 0


header_name = st.text(alphabet="abcdefghXYZ-", min_size=1, max_size=8)


@given(st.lists(st.tuples(header_name, st.text(alphabet="xyz 1", max_size=5)), max_size=10))
def test_headers_lookup_ignores_case(pairs: list[tuple[str, str]]) -> None:
    headers = Headers(pairs)
    for name, _ in pairs:
        expected = [value for other, value in pairs if other.lower() == name.lower()]
        assert headers.getlist(name.upper()) == expected
        assert headers.getlist(name.lower()) == expected
        assert headers[name.swapcase()] == expected[0]
    assert headers.to_wsgi_list() == pairs


# -- FileStorage -----------------------------------------------------------------------------


def test_file_storage_attributes_and_save(tmp_path: Path) -> None:
    upload = FileStorage(
        io.BytesIO(b"hello"),
        filename="a.txt",
        name="doc",
        headers=Headers({"Content-Type": "Text/Plain; charset=utf-8", "Content-Length": "5"}),
    )
    assert upload and upload.name == "doc"
    assert upload.content_type == "Text/Plain; charset=utf-8"
    assert upload.mimetype == "text/plain"
    assert upload.content_length == 5
    target = tmp_path / "out.txt"
    upload.save(target)
    assert target.read_bytes() == b"hello"
    upload.stream.seek(0)
    buffer = io.BytesIO()
    upload.save(buffer)
    assert buffer.getvalue() == b"hello"
    upload.stream.seek(0)
    assert upload.read(2) == b"he"
    assert list(upload) == [b"llo"]
    assert "a.txt" in repr(upload)
    upload.close()
    assert upload.stream.closed


def test_file_storage_takes_werkzeugs_positional_order() -> None:
    # Werkzeug: (stream, filename, name, content_type, content_length, headers); the type
    # and length go into the headers, where the properties read them.
    upload = FileStorage(io.BytesIO(b"hello"), "a.txt", "doc", "text/plain", 5)
    assert (upload.filename, upload.name, upload.content_type) == ("a.txt", "doc", "text/plain")
    assert upload.content_length == 5 and upload.headers["Content-Length"] == "5"
    assert upload.headers["Content-Type"] == "text/plain"
    empty = FileStorage()
    assert empty.read() == b"" and not empty


def test_headers_getlist_converts_and_keys_may_be_lowered() -> None:
    headers = Headers([("X-N", "1"), ("x-n", "two"), ("X-N", "3")])
    assert headers.getlist("x-n", type=int) == [1, 3]  # Werkzeug: a failed conversion is skipped
    assert headers.keys(lower=True) == ["x-n", "x-n", "x-n"]
    assert headers.items(lower=True)[0] == ("x-n", "1") and headers.items()[0] == ("X-N", "1")


def test_file_storage_without_a_filename_is_false() -> None:
    empty = FileStorage(io.BytesIO(b""), content_type="application/octet-stream")
    assert not empty
    assert empty.mimetype == "application/octet-stream"
    assert empty.content_length == 0


# -- Headers.get_all, parse_list_header, Authorization (Werkzeug's names) ------------------


def test_headers_get_all_is_getlist() -> None:
    headers = Headers([("Set-Cookie", "a=1"), ("X", "y"), ("set-cookie", "b=2")])
    assert headers.get_all("SET-COOKIE") == ["a=1", "b=2"]
    assert headers.get_all("missing") == []


@pytest.mark.parametrize(
    ("value", "items"),
    [
        ("a, b,c", ["a", "b", "c"]),
        ("  ", []),
        ("a,,  ,b", ["a", "b"]),  # empty items are dropped (RFC 9110 §5.6.1)
        ('"b, c", d', ["b, c", "d"]),  # a comma inside a quoted string does not split
        ('"a \\"q\\" b"', ['a "q" b']),  # quoted-pair unescaped
        ("203.0.113.7, 10.0.0.1", ["203.0.113.7", "10.0.0.1"]),
        ('"unterminated, x', ['"unterminated, x']),  # an open quote runs to the end
    ],
)
def test_parse_list_header(value: str, items: list[str]) -> None:
    assert parse_list_header(value) == items


def basic(credentials: bytes) -> str:
    return "Basic " + base64.b64encode(credentials).decode("ascii")


# (header, type, username, password, token, parameters): checked against Werkzeug 3.1.
AUTHORIZATION_CASES = [
    (basic(b"ada:s3cret"), "basic", "ada", "s3cret", None, {"username": "ada", "password": "s3cret"}),
    ("bAsIc  " + basic(b"ada")[6:] + " ", "basic", "ada", "", None, {"username": "ada", "password": ""}),
    (basic(b"a:b:c"), "basic", "a", "b:c", None, {"username": "a", "password": "b:c"}),
    (basic("é:ü".encode()), "basic", "é", "ü", None, {"username": "é", "password": "ü"}),
    ("Bearer abc.def==", "bearer", None, None, "abc.def==", {}),
    ("Bearer", "bearer", None, None, "", {}),
    (
        'Digest username="a b", realm="x,y", nc=00000001, qop',
        "digest", "a b", None, None,
        {"username": "a b", "realm": "x,y", "nc": "00000001", "qop": None},
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("header", "auth_type", "username", "password", "token", "parameters"), AUTHORIZATION_CASES
)
def test_authorization_from_header(
    header: str,
    auth_type: str,
    username: str | None,
    password: str | None,
    token: str | None,
    parameters: dict[str, str | None],
) -> None:
    auth = Authorization.from_header(header)
    assert auth is not None
    assert (auth.type, auth.username, auth.password, auth.token) == (
        auth_type,
        username,
        password,
        token,
    )
    assert auth.parameters == parameters
    for key, value in parameters.items():
        assert auth[key] == auth.get(key) == getattr(auth, key) == value
        assert key in auth
    assert auth == Authorization(auth_type, parameters or None, token)
    assert Authorization.from_header(auth.to_header()) == auth  # Werkzeug's inverse
    assert str(auth) == auth.to_header()


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "   ",
        "Basic ###",  # not base64
        "Basic YWRh OnM=",  # whitespace inside: strict base64 refuses it
        "Basic YWRhOnM",  # bad padding
        basic(b"\xff:x"),  # not UTF-8
        "Basic é",  # not ASCII at all
        '"quoted" scheme',  # a scheme is a token
    ],
)
def test_absent_or_malformed_authorization_is_none(header: str | None) -> None:
    assert Authorization.from_header(header) is None


def test_authorization_to_header_writes_the_credentials_back() -> None:
    assert Authorization("basic", {"username": "ada", "password": "s3cret"}).to_header() == basic(
        b"ada:s3cret"
    )
    assert Authorization("bearer", token="abc.def").to_header() == "Bearer abc.def"
    digest = Authorization("digest", {"username": "ada", "uri": "/a b", "nc": "1", "x": None})
    assert digest.to_header() == 'Digest username=ada, uri="/a b", nc=1, x'


def test_authorization_repr_does_not_leak_credentials() -> None:
    auth = Authorization.from_header(basic(b"ada:s3cret"))
    assert "s3cret" not in repr(auth) and "ada" not in repr(auth)
    assert auth is not None and auth.missing_parameter is None


@given(st.text())
def test_authorization_parsing_never_raises(text: str) -> None:
    for header in (text, "Basic " + text, "Digest " + text, "Bearer " + text):
        auth = Authorization.from_header(header)
        assert auth is None or auth.type == auth.type.lower()


# -- CallbackDict (Werkzeug's: a dict that reports every change) ---------------------------


def test_callback_dict_calls_on_update_after_each_change_and_not_for_reads() -> None:
    from tinyweb.datastructures import CallbackDict

    seen: list[dict[str, int]] = []
    data = CallbackDict({"a": 1}, lambda changed: seen.append(dict(changed)))
    assert data["a"] == 1 and data.get("b") is None and list(data) == ["a"] and seen == []
    data["b"] = 2
    del data["a"]
    data.update(c=3)
    data |= {"d": 4}
    assert data.setdefault("b", 9) == 2  # present: no change, no call
    assert data.setdefault("e", 5) == 5
    assert data.pop("absent", None) is None  # nothing removed: no call
    assert data.pop("e") == 5
    assert data.popitem() == ("d", 4)
    data.clear()
    assert seen == [
        {"a": 1, "b": 2}, {"b": 2}, {"b": 2, "c": 3}, {"b": 2, "c": 3, "d": 4},
        {"b": 2, "c": 3, "d": 4, "e": 5}, {"b": 2, "c": 3, "d": 4}, {"b": 2, "c": 3}, {},
    ]  # fmt: skip
    assert repr(CallbackDict({"x": 1})) == "<CallbackDict {'x': 1}>"
    with pytest.raises(KeyError):
        CallbackDict().pop("missing")
    CallbackDict()["no callback"] = 1  # on_update=None: changes are simply made
