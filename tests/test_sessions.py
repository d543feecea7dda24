"""Tests for tinyweb/sessions.py: signed-cookie sessions and flash messages.

Most tests go through a real ``App`` and its test client, as an application would be
tested. The cookie format is checked against an independent re-implementation of the
documented format (``sign_raw``), so a forged cookie is built exactly as an attacker who
knows the format (but not the key) would build it.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
import time
import uuid
from types import SimpleNamespace
from typing import Any, Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tinyweb.app import App
from tinyweb.context import request, session
from tinyweb.markup import Markup
from tinyweb.request import Request
from tinyweb.response import Response
from tinyweb.sessions import (
    BadSignature,
    MissingSecretKeySession,
    SecureCookieSession,
    SecureCookieSessionInterface,
    SessionSerializer,
    flash,
    get_flashed_messages,
)
from tinyweb.testing import Client, build_environ

SECRET = "test secret key"
DAY = 24 * 60 * 60
FIXED_NOW = 1_700_000_000


def new_app(**config: Any) -> App:
    """An app with sessions and a few views that read and write them."""
    app = App(__name__)
    app.config.update({"TESTING": True, "SECRET_KEY": SECRET})
    app.config.update(config)
    app.session_interface = SecureCookieSessionInterface()

    @app.route("/set", methods=["POST"])
    def set_values() -> str:
        session.update(request.get_json())
        return "set"

    @app.route("/get")
    def get_values() -> Any:
        return {key: session[key] for key in session}

    @app.route("/untouched")
    def untouched() -> str:
        return "no session here"

    @app.route("/clear")
    def clear() -> str:
        session.clear()
        return "cleared"

    @app.route("/permanent")
    def make_permanent() -> str:
        session.permanent = True
        return "permanent"

    return app


def encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def sign_parts(payload_text: str, timestamp_text: str, secret: str = SECRET) -> str:
    """A cookie built from the documented format, independently of tinyweb.sessions."""
    key = hmac.new(secret.encode(), b"cookie-session", hashlib.sha256).digest()
    signed = payload_text + "." + timestamp_text
    signature = hmac.new(key, signed.encode(), hashlib.sha256).digest()
    return signed + "." + encode(signature)


def sign_raw(payload: bytes, timestamp: int, secret: str = SECRET) -> str:
    """``payload`` signed at ``timestamp`` with ``secret``, in the documented format."""
    timestamp_bytes = timestamp.to_bytes(8, "big").lstrip(b"\0")
    return sign_parts(encode(payload), encode(timestamp_bytes), secret)


def cookie_of(client: Client) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None, "no session cookie in the jar"
    return cookie.decoded_value


def set_cookie_header(response: Response) -> str:
    headers = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("session=")]
    assert len(headers) == 1, headers
    return headers[0]


def session_for_cookie(cookie: str, **config: Any) -> Any:
    """What open_session makes of a raw cookie value."""
    app = new_app(**config)
    request = Request(build_environ("/", headers={"Cookie": f"session={cookie}"}))
    return app.session_interface.open_session(app, request)


# -- round trip and format ---------------------------------------------------------------------


def test_session_round_trips_through_the_cookie() -> None:
    client = new_app().test_client()
    response = client.post("/set", json={"user_id": 7, "name": "Ada"})
    assert response.headers["Vary"] == "Cookie"
    assert client.get("/get").json == {"user_id": 7, "name": "Ada"}


def test_default_cookie_attributes() -> None:
    response = new_app().test_client().post("/set", json={"a": 1})
    header = set_cookie_header(response)
    attributes = [part.strip() for part in header.split(";")][1:]
    assert sorted(attributes) == ["HttpOnly", "Path=/", "SameSite=Lax"]


def test_cookie_follows_the_documented_format() -> None:
    client = new_app().test_client()
    before = int(time.time())
    client.post("/set", json={"user_id": 7})
    payload, timestamp, _signature = cookie_of(client).split(".")
    padding = "=" * (-len(payload) % 4)
    assert json.loads(base64.urlsafe_b64decode(payload + padding)) == {"user_id": 7}
    signed_at = int.from_bytes(
        base64.urlsafe_b64decode(timestamp + "=" * (-len(timestamp) % 4)), "big"
    )
    assert before <= signed_at <= time.time()
    assert cookie_of(client) == sign_raw(
        json.dumps({"user_id": 7}).replace(" ", "").encode(), signed_at
    )


def test_cookie_built_from_the_format_is_accepted() -> None:
    cookie = sign_raw(b'{"user_id":7}', int(time.time()))
    opened = session_for_cookie(cookie)
    assert opened == {"user_id": 7}
    assert opened.new is False


def test_untouched_session_sends_nothing() -> None:
    client = new_app().test_client()
    client.post("/set", json={"a": 1})
    response = client.get("/untouched")
    assert "Set-Cookie" not in response.headers
    assert "Vary" not in response.headers


def test_reading_does_not_resend_the_cookie() -> None:
    client = new_app().test_client()
    client.post("/set", json={"a": 1})
    response = client.get("/get")
    assert "Set-Cookie" not in response.headers
    assert response.headers["Vary"] == "Cookie"


def test_no_cookie_gives_a_new_empty_session() -> None:
    app = new_app()
    with app.test_request_context("/"):
        assert session.new is True
        assert dict(session.items()) == {}


# -- tampered, forged, expired, malformed --------------------------------------------------------


def flip(text: str, index: int) -> str:
    replacement = "A" if text[index] != "A" else "B"
    return text[:index] + replacement + text[index + 1 :]


def valid_cookie() -> str:
    return SessionSerializer(SECRET).dumps({"user_id": 7, "admin": False})


def good_cookie_variants() -> dict[str, str]:
    cookie = valid_cookie()
    payload, timestamp, signature = cookie.split(".")
    now = int(time.time())
    return {
        "payload_changed": flip(payload, 3) + "." + timestamp + "." + signature,
        "timestamp_changed": payload + "." + flip(timestamp, 0) + "." + signature,
        "signature_changed": payload + "." + timestamp + "." + flip(signature, 5),
        "signature_truncated": cookie[:-1],
        "signature_missing": payload + "." + timestamp,
        "signature_empty": payload + "." + timestamp + ".",
        "extra_dot_part": cookie + ".AAAA",
        "leading_dot": "." + cookie,
        "admin_forged_with_other_key": sign_raw(b'{"user_id":7,"admin":true}', now, "guess"),
        "forged_with_raw_secret_as_key": forged_with_raw_secret(b'{"admin":true}', now),
        "signature_of_other_salt": SessionSerializer(SECRET, salt="other").dumps({"a": 1}),
        "not_base64": "!!!!.????.####",
        "padding_inside": payload + "==." + timestamp + "." + signature,
        "plain_text": "hello",
        "json_text": '{"admin": true}',
        "unicode": "séssion.ü.ñ",
        "expired": sign_raw(b'{"user_id":7}', now - 32 * DAY),
        "future": sign_raw(b'{"user_id":7}', now + 3600),
        "signed_list_not_dict": sign_raw(b"[1,2]", now),
        "signed_string_not_dict": sign_raw(b'"admin"', now),
        "signed_bad_json": sign_raw(b"{not json", now),
        "signed_bad_utf8": sign_raw(b'{"a":"\xff"}', now),
        "signed_bad_tag": sign_raw(b'{"a":{" b":5}}', now),
        "signed_bad_tagged_bytes": sign_raw(b'{"a":{" b":"!!"}}', now),
        "signed_impossible_base64_length": sign_parts("e30AA", encode(now.to_bytes(4, "big"))),
        "signed_impossible_timestamp_length": sign_parts("e30", "AAAAA"),
    }


def forged_with_raw_secret(payload: bytes, timestamp: int) -> str:
    """Signed with the secret itself as the MAC key (no key derivation): must be refused."""
    signed = encode(payload) + "." + encode(timestamp.to_bytes(4, "big"))
    signature = hmac.new(SECRET.encode(), signed.encode(), hashlib.sha256).digest()
    return signed + "." + encode(signature)


@pytest.mark.parametrize("name", sorted(good_cookie_variants()))
def test_bad_cookie_gives_an_empty_new_session(name: str) -> None:
    opened = session_for_cookie(good_cookie_variants()[name])
    assert isinstance(opened, SecureCookieSession)
    assert dict.items(opened) == {}.items()
    assert opened.new is True


def test_bad_cookie_through_the_client_is_an_empty_session() -> None:
    client = new_app().test_client()
    client.set_cookie("session", good_cookie_variants()["admin_forged_with_other_key"])
    assert client.get("/get").json == {}


def test_valid_cookie_control_case() -> None:
    assert session_for_cookie(valid_cookie()) == {"user_id": 7, "admin": False}


@pytest.mark.parametrize(
    ("age", "lifetime", "accepted"),
    [
        (30 * DAY, None, True),  # default lifetime: 31 days
        (32 * DAY, None, False),
        (50, 60, True),  # lifetime in seconds (an int in the config)
        (70, 60, False),
        (70, datetime.timedelta(minutes=2), True),
        (-30, None, True),  # a little in the future: clock skew between servers
        (-120, None, False),
    ],
)
def test_cookie_age_is_checked(age: int, lifetime: Any, accepted: bool) -> None:
    config = {} if lifetime is None else {"PERMANENT_SESSION_LIFETIME": lifetime}
    cookie = SessionSerializer(SECRET).dumps({"a": 1}, now=time.time() - age)
    assert session_for_cookie(cookie, **config) == ({"a": 1} if accepted else {})


# -- keys: fallbacks and the missing secret ------------------------------------------------------


def test_fallback_key_verifies_and_new_key_signs() -> None:
    old_cookie = SessionSerializer("old secret").dumps({"user_id": 7})
    client = new_app(
        SECRET_KEY="new secret", SECRET_KEY_FALLBACKS=["older", "old secret"]
    ).test_client()
    client.set_cookie("session", old_cookie)
    assert client.get("/get").json == {"user_id": 7}
    client.post("/set", json={"seen": True})
    resigned = cookie_of(client)
    assert SessionSerializer("new secret").loads(resigned) == {"user_id": 7, "seen": True}
    with pytest.raises(BadSignature):
        SessionSerializer("old secret").loads(resigned)


def test_changing_the_key_at_runtime_takes_effect() -> None:
    app = new_app(SECRET_KEY="first")
    client = app.test_client()
    client.post("/set", json={"a": 1})
    app.config.update(SECRET_KEY="second", SECRET_KEY_FALLBACKS=["first"])
    assert client.get("/get").json == {"a": 1}
    app.config.update(SECRET_KEY="third", SECRET_KEY_FALLBACKS=None)
    assert client.get("/get").json == {}


def test_a_single_fallback_key_given_as_text_works() -> None:
    client = new_app(SECRET_KEY="new secret", SECRET_KEY_FALLBACKS="old secret").test_client()
    client.set_cookie("session", SessionSerializer("old secret").dumps({"a": 1}))
    assert client.get("/get").json == {"a": 1}


def test_cookie_of_a_retired_key_is_refused() -> None:
    old_cookie = SessionSerializer("old secret").dumps({"user_id": 7})
    client = new_app(SECRET_KEY="new secret").test_client()
    client.set_cookie("session", old_cookie)
    assert client.get("/get").json == {}


def test_bytes_secret_key_works() -> None:
    client = new_app(SECRET_KEY=b"\x00\xffbytes key").test_client()
    client.post("/set", json={"a": 1})
    assert client.get("/get").json == {"a": 1}


@pytest.mark.parametrize("secret", [None, ""])
def test_missing_secret_key_reads_empty(secret: Any) -> None:
    client = new_app(SECRET_KEY=secret).test_client()
    client.set_cookie("session", valid_cookie())
    response = client.get("/get")
    assert response.json == {}
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize(
    "write",
    [
        lambda: session.__setitem__("a", 1),
        lambda: session.update(a=1),
        lambda: session.setdefault("a", 1),
        lambda: session.pop("a", None),
        lambda: session.clear(),
        lambda: setattr(session, "permanent", True),
        lambda: flash("hello"),
    ],
)
def test_missing_secret_key_write_raises_a_clear_error(write: Callable[[], Any]) -> None:
    app = new_app(SECRET_KEY=None)
    with app.test_request_context("/"):
        assert isinstance(session._get_current_object(), MissingSecretKeySession)
        with pytest.raises(RuntimeError, match=r"no secret key was set.*app\.secret_key"):
            write()


def test_missing_secret_key_error_reaches_the_client() -> None:
    client = new_app(SECRET_KEY=None).test_client()
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        client.post("/set", json={"a": 1})


# -- Vary: Cookie --------------------------------------------------------------------------------

ACCESSES: dict[str, Callable[[Any], Any]] = {
    "in": lambda s: "a" in s,
    "len": len,
    "bool": bool,
    "iter": list,
    "reversed": lambda s: list(reversed(s)),
    "dict": dict,
    "splat": lambda s: {**s},
    "union": lambda s: s | {},
    "json": json.dumps,
    "repr": repr,
    "get": lambda s: s.get("a"),
    "item": lambda s: s["a"],
    "keys": lambda s: s.keys(),
    "values": lambda s: s.values(),
    "items": lambda s: s.items(),
    "copy": lambda s: s.copy(),
    "equality": lambda s: s == {},
    "permanent": lambda s: s.permanent,
    "set": lambda s: s.__setitem__("b", 2),
    "setdefault": lambda s: s.setdefault("a", 0),
    "pop": lambda s: s.pop("missing", None),
}


@pytest.mark.parametrize("name", sorted(ACCESSES))
def test_any_access_adds_vary_cookie(name: str) -> None:
    app = new_app()

    @app.route("/access")
    def access() -> Response:
        ACCESSES[name](session._get_current_object())  # the proxy lacks reversed/|
        response = Response("ok")
        response.headers["Vary"] = "Accept-Encoding"
        return response

    client = app.test_client()
    client.post("/set", json={"a": 1})
    response = client.get("/access")
    assert response.headers["Vary"] == "Accept-Encoding, Cookie"


@pytest.mark.parametrize("name", sorted(ACCESSES))
def test_any_access_marks_the_session_accessed(name: str) -> None:
    opened = SecureCookieSession({"a": 1})
    ACCESSES[name](opened)
    assert opened.accessed is True


@pytest.mark.parametrize(
    ("operation", "modified"),
    [
        (lambda s: s.__setitem__("b", 2), True),
        (lambda s: s.__delitem__("a"), True),
        (lambda s: s.update(b=2), True),
        (lambda s: s.setdefault("b", 2), True),
        (lambda s: s.pop("a"), True),
        (lambda s: s.popitem(), True),
        (lambda s: s.clear(), True),
        (lambda s: s.__ior__({"b": 2}), True),
        (lambda s: setattr(s, "permanent", True), True),
        (lambda s: s.get("a"), False),
        (lambda s: list(s.items()), False),
    ],
)
def test_writes_mark_the_session_modified(operation: Callable[[Any], Any], modified: bool) -> None:
    opened = SecureCookieSession({"a": 1})
    operation(opened)
    assert opened.modified is modified


def _raises_key_error(operation: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def run(opened: Any) -> None:
        with pytest.raises(KeyError):
            operation(opened)

    return run


# Werkzeug's CallbackDict rule: a write that changes nothing does not mark the session
# modified, so Flask sends no Set-Cookie for it (a logout that pops an absent key).
@pytest.mark.parametrize(
    "operation",
    [
        pytest.param(lambda s: s.pop("absent", None), id="pop-missing-with-default"),
        pytest.param(_raises_key_error(lambda s: s.pop("absent")), id="pop-missing"),
        pytest.param(lambda s: s.setdefault("a", 2), id="setdefault-present"),
        pytest.param(_raises_key_error(lambda s: s.__delitem__("absent")), id="del-missing"),
    ],
)
def test_writes_that_change_nothing_leave_the_session_unmodified(
    operation: Callable[[Any], Any],
) -> None:
    opened = SecureCookieSession({"a": 1})
    operation(opened)
    assert opened.modified is False
    assert opened.accessed is True  # still a read: the response depends on the cookie
    assert dict(opened.items()) == {"a": 1}


def test_popitem_of_an_empty_session_raises_and_leaves_it_unmodified() -> None:
    opened = SecureCookieSession()
    with pytest.raises(KeyError):
        opened.popitem()
    assert opened.modified is False


def test_a_view_that_changes_nothing_sends_no_cookie() -> None:
    app = new_app()
    app.add_url_rule("/logout", "logout", lambda: str(session.pop("user_id", None)))
    app.add_url_rule("/default", "default", lambda: str(session.setdefault("a", 2)))
    client = app.test_client()
    assert "Set-Cookie" not in client.get("/logout").headers
    client.post("/set", json={"a": 1})
    response = client.get("/default")
    assert response.get_data() == b"1"
    assert "Set-Cookie" not in response.headers


def test_augmented_union_keeps_the_session_object() -> None:
    opened = SecureCookieSession({"a": 1})
    opened |= {"b": 2}
    assert isinstance(opened, SecureCookieSession)
    assert dict(opened.items()) == {"a": 1, "b": 2}


# -- saving: deletion, permanence, flags ---------------------------------------------------------


def test_emptied_session_deletes_the_cookie() -> None:
    client = new_app().test_client()
    client.post("/set", json={"a": 1})
    response = client.get("/clear")
    header = set_cookie_header(response)
    assert header.startswith("session=;")
    assert "Max-Age=0" in header and "Expires=Thu, 01 Jan 1970 00:00:00 GMT" in header
    assert "Path=/" in header and "HttpOnly" in header
    assert response.headers["Vary"] == "Cookie"
    assert client.get_cookie("session") is None


def test_empty_unmodified_session_sets_nothing() -> None:
    app = new_app()

    @app.route("/peek")
    def peek() -> str:
        return str(len(session))

    response = app.test_client().get("/peek")
    assert "Set-Cookie" not in response.headers
    assert response.headers["Vary"] == "Cookie"


def expires_of(header: str) -> datetime.datetime:
    for part in header.split(";"):
        name, _, value = part.strip().partition("=")
        if name == "Expires":
            parsed = datetime.datetime.strptime(value, "%a, %d %b %Y %H:%M:%S GMT")
            return parsed.replace(tzinfo=datetime.timezone.utc)
    raise AssertionError(f"no Expires in {header!r}")


@pytest.mark.parametrize("lifetime", [datetime.timedelta(days=31), 3600])
def test_permanent_session_expires_after_the_lifetime(lifetime: Any) -> None:
    client = new_app(PERMANENT_SESSION_LIFETIME=lifetime).test_client()
    response = client.get("/permanent")
    seconds = lifetime if isinstance(lifetime, int) else lifetime.total_seconds()
    expected = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=seconds)
    assert abs((expires_of(set_cookie_header(response)) - expected).total_seconds()) < 60


def test_non_permanent_session_is_a_browser_session_cookie() -> None:
    header = set_cookie_header(new_app().test_client().post("/set", json={"a": 1}))
    assert "Expires" not in header and "Max-Age" not in header


@pytest.mark.parametrize(("refresh", "resent"), [(True, True), (False, False)])
def test_permanent_session_refresh_each_request(refresh: bool, resent: bool) -> None:
    client = new_app(SESSION_REFRESH_EACH_REQUEST=refresh).test_client()
    client.get("/permanent")
    response = client.get("/get")
    assert ("Set-Cookie" in response.headers) is resent
    assert response.json == {"_permanent": True}


@pytest.mark.parametrize(
    ("config", "present", "absent"),
    [
        ({}, ["HttpOnly", "SameSite=Lax", "Path=/"], ["Secure", "Domain="]),
        ({"SESSION_COOKIE_HTTPONLY": False}, [], ["HttpOnly"]),
        ({"SESSION_COOKIE_SECURE": True}, ["Secure"], []),
        ({"SESSION_COOKIE_SAMESITE": "Strict"}, ["SameSite=Strict"], ["SameSite=Lax"]),
        ({"SESSION_COOKIE_SAMESITE": None}, [], ["SameSite"]),
        ({"SESSION_COOKIE_DOMAIN": "example.com"}, ["Domain=example.com"], []),
        ({"SESSION_COOKIE_PATH": "/app"}, ["Path=/app"], ["Path=/;"]),
        ({"APPLICATION_ROOT": "/root"}, ["Path=/root"], []),
        ({"SESSION_COOKIE_PARTITIONED": True}, ["Partitioned", "Secure"], []),
    ],
)
def test_cookie_flags_come_from_config(
    config: dict[str, Any], present: list[str], absent: list[str]
) -> None:
    header = set_cookie_header(new_app(**config).test_client().post("/set", json={"a": 1})) + ";"
    for attribute in present:
        assert attribute in header
    for attribute in absent:
        assert attribute not in header


def test_cookie_name_comes_from_config() -> None:
    client = new_app(SESSION_COOKIE_NAME="sid").test_client()
    response = client.post("/set", json={"a": 1})
    assert response.headers["Set-Cookie"].startswith("sid=")
    assert client.get("/get").json == {"a": 1}


# -- what a session can hold ---------------------------------------------------------------------

TAGGED_VALUES: dict[str, Any] = {
    "tuple": (1, "two", (3,)),
    "bytes": b"\x00\xffraw",
    "naive_datetime": datetime.datetime(2024, 2, 29, 12, 30, 15, 123456),
    "aware_datetime": datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc),
    "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "markup": Markup("<b>bold</b>"),
    "dict_with_tag_key": {" t": [1, 2]},
    "dict_with_dict_tag_key": {" di": {" b": "x"}},
    "two_keys_with_tags": {" t": 1, " b": 2},
    "nested": {"list": [(1, 2), {"bytes": b"x"}], "empty": {}},
    "text_that_looks_like_a_tag": '{" t":[1]}',
    "lone_surrogate_and_non_ascii": "\ud800 é ✓ 𝄞 \x00",
    "list_of_tag_lookalikes": ['{" b":"x"}', {"k": '{" d":1}'}],
}


@pytest.mark.parametrize("name", sorted(TAGGED_VALUES))
def test_tagged_values_round_trip(name: str) -> None:
    serializer = SessionSerializer(SECRET)
    value = TAGGED_VALUES[name]
    loaded = serializer.loads(serializer.dumps({"value": value}))["value"]
    assert loaded == value
    assert type(loaded) is type(value)


def test_dict_whose_only_key_is_a_tag_round_trips_at_top_level() -> None:
    serializer = SessionSerializer(SECRET)
    assert serializer.loads(serializer.dumps({" t": [1]})) == {" t": [1]}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (object(), "Object of type object cannot be stored in the session"),
        ({1, 2}, "Object of type set"),
        (datetime.date(2024, 1, 1), "Object of type date"),
        ({1: "one"}, "Session keys must be strings, not int 1"),
    ],
)
def test_unserialisable_values_raise_type_error(value: Any, message: str) -> None:
    client = new_app().test_client()
    app = client.application

    @app.route("/bad")
    def bad() -> str:
        session["value"] = value
        return "never sent"

    with pytest.raises(TypeError, match=message):
        client.get("/bad")


# -- flash ---------------------------------------------------------------------------------------


def flash_app() -> App:
    app = new_app()

    @app.route("/flash")
    def add_flashes() -> str:
        flash("plain")
        flash("careful", "warning")
        flash(Markup("<b>done</b>"), "success")
        flash("broken", "error")
        return "flashed"

    @app.route("/show")
    def show() -> Any:
        first = get_flashed_messages()
        again = get_flashed_messages()
        return {
            "messages": first,
            "same_again": first == again,
            "with_categories": get_flashed_messages(with_categories=True),
            "filtered": get_flashed_messages(category_filter=["warning", "error"]),
            "filtered_with_categories": get_flashed_messages(True, ["success"]),
        }

    return app


def test_flash_messages_show_once_on_the_next_request() -> None:
    client = flash_app().test_client()
    client.get("/flash")
    shown = client.get("/show").json
    assert shown == {
        "messages": ["plain", "careful", "<b>done</b>", "broken"],
        "same_again": True,
        "with_categories": [
            ["message", "plain"],
            ["warning", "careful"],
            ["success", "<b>done</b>"],
            ["error", "broken"],
        ],
        "filtered": ["careful", "broken"],
        "filtered_with_categories": [["success", "<b>done</b>"]],
    }
    assert client.get("/show").json["messages"] == []
    assert client.get_cookie("session") is None  # popping the last key emptied the session


def test_flash_and_read_in_the_same_request() -> None:
    app = new_app()
    with app.test_request_context("/"):
        flash("hello", "info")
        assert get_flashed_messages(with_categories=True) == [("info", "hello")]
        assert get_flashed_messages() == ["hello"]
        assert "_flashes" not in session


def test_flashed_markup_stays_markup() -> None:
    app = flash_app()
    captured: list[Any] = []

    @app.route("/capture")
    def capture() -> str:
        captured.extend(get_flashed_messages(category_filter=["success"]))
        return "ok"

    client = app.test_client()
    client.get("/flash")
    client.get("/capture")
    assert captured == ["<b>done</b>"] and isinstance(captured[0], Markup)


def test_no_flashes_is_an_empty_list_without_a_cookie() -> None:
    response = flash_app().test_client().get("/show")
    assert response.json["messages"] == []
    assert "Set-Cookie" not in response.headers
    assert response.headers["Vary"] == "Cookie"


def test_get_flashed_messages_with_a_missing_secret_key_is_empty() -> None:
    app = new_app(SECRET_KEY=None)
    with app.test_request_context("/"):
        assert get_flashed_messages() == []


# -- properties ----------------------------------------------------------------------------------

json_scalars = st.none() | st.booleans() | st.integers() | st.text() | st.floats(allow_nan=False)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4)
    ),
    max_leaves=10,
)
json_dicts = st.dictionaries(st.text(), json_values, max_size=6)


@settings(max_examples=100)
@given(json_dicts)
def test_any_json_dict_round_trips(data: dict[str, Any]) -> None:
    serializer = SessionSerializer(SECRET, ["old"])
    assert serializer.loads(serializer.dumps(data), max_age=60) == data


@settings(max_examples=30)
@given(json_dicts)
def test_any_json_dict_round_trips_through_the_app(data: dict[str, Any]) -> None:
    client = new_app().test_client()
    client.post("/set", json=data)
    assert client.get("/get").json == data


@given(st.text())
def test_any_cookie_text_opens_a_session_without_raising(cookie: str) -> None:
    app = new_app()

    request_with_cookie = SimpleNamespace(cookies={"session": cookie})
    opened = app.session_interface.open_session(app, request_with_cookie)
    assert isinstance(opened, SecureCookieSession)


@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.="))
def test_any_cookie_shaped_text_is_refused_without_a_valid_signature(cookie: str) -> None:
    with pytest.raises(BadSignature):
        SessionSerializer(SECRET).loads(cookie)


@given(st.data())
def test_any_single_character_change_is_refused(data: st.DataObject) -> None:
    # A fixed signing time: the drawn data must not depend on the clock.
    cookie = SessionSerializer(SECRET).dumps({"user_id": 7, "role": "user"}, now=FIXED_NOW)
    index = data.draw(st.integers(0, len(cookie) - 1))
    replacement = data.draw(st.sampled_from("ABCabc019-_.").filter(lambda c: c != cookie[index]))
    with pytest.raises(BadSignature):
        changed = cookie[:index] + replacement + cookie[index + 1 :]
        SessionSerializer(SECRET).loads(changed, now=FIXED_NOW)


def test_flashes_render_in_a_template() -> None:
    from tinyweb.rendering import render_template_string

    app = flash_app()
    app.template_global()(get_flashed_messages)  # until the App provides it by default

    @app.route("/page")
    def page() -> str:
        return render_template_string(
            "{% for category, message in get_flashed_messages(with_categories=true) %}"
            "<p class={{ category }}>{{ message }}</p>{% endfor %}"
            "{{ get_flashed_messages()|length }}"
        )

    client = app.test_client()
    client.get("/flash")
    assert client.get("/page").text == (
        "<p class=message>plain</p><p class=warning>careful</p>"
        "<p class=success><b>done</b></p><p class=error>broken</p>4"
    )


# -- SessionMixin: what a custom session class builds on (Flask's) ---------------------------


def test_session_mixin_gives_permanent_and_flasks_defaults() -> None:
    from tinyweb.sessions import SessionMixin

    class Plain(dict, SessionMixin):  # type: ignore[type-arg,misc]
        pass

    plain = Plain()
    assert (plain.new, plain.modified, plain.accessed, plain.permanent) == (False, True, False, False)
    plain.permanent = 1  # type: ignore[assignment]
    assert plain == {"_permanent": True} and plain.permanent is True
    assert isinstance(SecureCookieSession(), SessionMixin)


def test_a_custom_interface_with_a_callback_dict_session_is_saved_when_changed() -> None:
    from tinyweb.datastructures import CallbackDict
    from tinyweb.sessions import SessionInterface, SessionMixin

    store: dict[str, dict[str, Any]] = {"s1": {"n": 1}}

    class ServerSide(CallbackDict, SessionMixin):  # type: ignore[type-arg,misc]
        def __init__(self, initial: Any = None, sid: str = "") -> None:
            def changed(session: ServerSide) -> None:
                session.modified = True

            super().__init__(initial, changed)
            self.sid, self.modified = sid, False

    class StoreInterface(SessionInterface):
        def open_session(self, app: Any, request: Any) -> ServerSide:
            sid = request.cookies.get("sid", "new")
            return ServerSide(store.get(sid, {}), sid)

        def save_session(self, app: Any, session: Any, response: Any) -> None:
            if self.should_set_cookie(app, session):
                store[session.sid] = dict(session)
                response.set_cookie("sid", session.sid)

    app = App(__name__)
    app.session_interface = StoreInterface()

    @app.route("/read")
    def read() -> str:
        return str(session["n"])

    @app.route("/bump")
    def bump() -> str:
        session["n"] = session.get("n", 0) + 1
        return "ok"

    client = Client(app)
    client.set_cookie("sid", "s1")
    assert client.get("/read").text == "1"
    assert "set-cookie" not in client.get("/read").headers  # read only: not saved
    assert client.get("/bump").headers["Set-Cookie"].startswith("sid=s1")
    assert store["s1"] == {"n": 2}
