"""Signed-cookie sessions and flash messages: ``session["user_id"] = 7`` survives requests.

Where it fits: ``App.session_interface`` is a ``SecureCookieSessionInterface``. The request
context calls ``open_session(app, request)`` the first time anything touches ``session``;
``App.process_response`` calls ``save_session(app, session, response)`` at the end of the
request. ``flash()`` and ``get_flashed_messages()`` are a small queue kept in the session.

The cookie is the whole session: no server-side state, so any number of processes can
serve one user. Its value has three dot-separated parts, each base64url without padding
(RFC 4648 §5)::

    <payload>.<timestamp>.<signature>

    payload    the session dict as compact JSON, UTF-8 (tagged JSON, below)
    timestamp  the signing time, Unix seconds as a big-endian unsigned integer
    signature  HMAC-SHA256(signing key, b"<payload>.<timestamp>")   (RFC 2104)

The signing key is ``HMAC-SHA256(SECRET_KEY, b"cookie-session")``: a key derived for this
one purpose, so the raw secret is never the MAC key and a signature made for sessions
cannot be replayed anywhere else the same secret is used.

Rules:
- JSON only, never pickle: a forged or leaked cookie can never run code. Values JSON lacks
  (tuple, bytes, datetime, UUID, Markup) are wrapped in a one-key "tag" object; anything
  else raises ``TypeError`` naming the type when the session is saved.
- Verification is constant-time (``hmac.compare_digest``, against timing attacks) and
  tries ``SECRET_KEY`` and then every key in ``SECRET_KEY_FALLBACKS``; signing uses
  ``SECRET_KEY`` only. That is how a secret is rotated without logging everyone out.
- A cookie older than ``PERMANENT_SESSION_LIFETIME``, signed in the future, tampered
  with, signed with an unknown key, or malformed in any way gives an empty new session.
  Reading a cookie never raises: it is attacker-controlled input.
- Without ``SECRET_KEY`` the session is a read-only empty ``NullSession``; writing to it
  raises a ``RuntimeError`` that says to set the key.
- Any read of the session (``in``, ``len``, iteration, ``get``, ``[key]``) or write adds
  ``Vary: Cookie`` to the response (RFC 9110 §12.5.5), so a shared cache never hands one
  user's page to another.
- The cookie is not encrypted: the user can read (but not change) what is stored.

Usage::

    app.secret_key = secrets.token_hex(32)

    @app.post("/login")
    def login():
        session["user_id"] = 7
        flash("Welcome back!", "success")
        return redirect(url_for("index"))
"""

from __future__ import annotations

import base64
import binascii
import datetime
import hmac
import json
import re
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping, MutableMapping
from typing import Any, NoReturn

from tinyweb.config import DEFAULT_CONFIG
from tinyweb.context import NullSession, current_request_context, session
from tinyweb.markup import Markup
from tinyweb.signals import message_flashed

__all__ = [
    "BadSignature",
    "MissingSecretKeySession",
    "SecureCookieSession",
    "SecureCookieSessionInterface",
    "SessionInterface",
    "SessionMixin",
    "SessionSerializer",
    "flash",
    "get_flashed_messages",
]

# The session settings and their defaults, as every App's config starts with them (Flask
# 3.1's names; SameSite is Lax here). Read with ``app.config.get`` and these as the
# fallback, so an app whose config lacks them (a custom default_config) still works.
SESSION_DEFAULTS: dict[str, Any] = {
    name: DEFAULT_CONFIG[name]
    for name in DEFAULT_CONFIG
    if name.startswith(("SESSION_", "SECRET_KEY", "PERMANENT_SESSION"))
}

# Signed timestamps this far in the future are still accepted: servers behind one load
# balancer rarely agree on the time to the second.
CLOCK_SKEW_SECONDS = 60

# Three base64url parts (RFC 4648 §5, no padding). Checked before anything is decoded:
# base64 decoders silently skip characters outside the alphabet, which would let many
# different cookie strings carry one signature.
_COOKIE_SHAPE = re.compile(r"([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)")


class BadSignature(ValueError):
    """A cookie value that is malformed, tampered with, forged or expired."""


# -- tagged JSON -----------------------------------------------------------------------------
#
# JSON has no tuple, bytes or datetime. Such a value is stored as a one-key object whose key
# starts with a space (a "tag"), e.g. (1, 2) -> {" t": [1, 2]}. A real one-key dict whose key
# happens to be a tag is itself wrapped in {" di": ...}, so decoding is never ambiguous.

_TAG_TUPLE, _TAG_BYTES, _TAG_MARKUP = " t", " b", " m"
_TAG_UUID, _TAG_DATETIME, _TAG_DICT = " u", " d", " di"
_TAGS = frozenset({_TAG_TUPLE, _TAG_BYTES, _TAG_MARKUP, _TAG_UUID, _TAG_DATETIME, _TAG_DICT})
_PLAIN_TYPES = (str, int, float, bool, type(None))


def _tag(value: Any) -> Any:
    """``value`` as plain JSON data; ``TypeError`` for a type the session cannot hold."""
    if type(value) in _PLAIN_TYPES:  # the common case first: exact types, no subclasses
        return value
    if hasattr(value, "__html__"):  # Markup is a str subclass: test it before str
        return {_TAG_MARKUP: str(value.__html__())}
    if isinstance(value, dict):
        return _tag_dict(value)
    if isinstance(value, list):
        return [_tag(item) for item in value]
    if isinstance(value, tuple):
        return {_TAG_TUPLE: [_tag(item) for item in value]}
    if isinstance(value, (bytes, bytearray)):
        return {_TAG_BYTES: base64.b64encode(value).decode("ascii")}
    if isinstance(value, uuid.UUID):
        return {_TAG_UUID: value.hex}
    if isinstance(value, datetime.datetime):
        return {_TAG_DATETIME: value.isoformat()}
    if isinstance(value, _PLAIN_TYPES):  # subclasses such as IntEnum: JSON writes the value
        return value
    raise TypeError(
        f"Object of type {type(value).__name__} cannot be stored in the session: use "
        "dict, list, str, int, float, bool or None (or tuple, bytes, datetime, UUID, Markup)"
    )


def _tag_dict(mapping: Mapping[Any, Any]) -> dict[str, Any]:
    """A dict with string keys and tagged values (JSON object keys are always strings)."""
    tagged: dict[str, Any] = {}
    for key, item in mapping.items():
        if not isinstance(key, str):
            # json.dumps would turn 1 into "1" silently: the value would come back changed.
            raise TypeError(f"Session keys must be strings, not {type(key).__name__} {key!r}")
        tagged[key] = _tag(item)
    if len(tagged) == 1 and next(iter(tagged)) in _TAGS:
        return {_TAG_DICT: tagged}
    return tagged


def _untag(value: Any) -> Any:
    """The Python value for JSON data written by ``_tag`` (outermost object first)."""
    if isinstance(value, list):
        return [_untag(item) for item in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        ((key, item),) = value.items()
        if key in _TAGS:
            return _untag_one(key, item)
    return {key: _untag(item) for key, item in value.items()}


def _untag_one(tag: str, item: Any) -> Any:
    """Undo one tag; ``ValueError``/``TypeError`` if the tagged value has the wrong shape."""
    if tag == _TAG_DICT:
        if not isinstance(item, dict):
            raise TypeError("a dict tag must wrap an object")
        return {key: _untag(inner) for key, inner in item.items()}
    if tag == _TAG_TUPLE:
        if not isinstance(item, list):
            raise TypeError("a tuple tag must wrap an array")
        return tuple(_untag(inner) for inner in item)
    if not isinstance(item, str):
        raise TypeError(f"the tag {tag!r} must wrap a string")
    if tag == _TAG_BYTES:
        return base64.b64decode(item, validate=True)
    if tag == _TAG_MARKUP:
        return Markup(item)
    if tag == _TAG_UUID:
        return uuid.UUID(hex=item)
    return datetime.datetime.fromisoformat(item)


def dumps_session_data(data: Mapping[str, Any]) -> bytes:
    """The session dict as compact tagged JSON, UTF-8 (``TypeError`` for what JSON lacks)."""
    text = json.dumps(_tag_dict(data), separators=(",", ":"), ensure_ascii=False)
    # surrogatepass: a lone surrogate in a str ("\ud800") is valid Python text; keep it.
    return text.encode("utf-8", "surrogatepass")


def loads_session_data(payload: bytes) -> dict[str, Any]:
    """The session dict from ``dumps_session_data`` output; ``ValueError`` if it is not one."""
    text = payload.decode("utf-8", "surrogatepass")
    data = json.loads(text)
    # Every tag is written as '{" x":', so text without '{" ' has none and the walk that
    # undoes tags can be skipped: on a typical session (an id, a token, a flash) the walk
    # costs as much as json.loads itself (10 us against 12 us, CPython 3.11).
    if '{" ' in text:
        data = _untag(data)
    if not isinstance(data, dict):
        raise ValueError("the session payload is not a JSON object")
    return data


# -- signing ---------------------------------------------------------------------------------


def _base64url_encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _base64url_decode(text: str) -> bytes:
    # binascii.Error (a ValueError) when the length is impossible (1 mod 4).
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def derive_key(secret_key: str | bytes, salt: str) -> bytes:
    """The MAC key for one purpose: ``HMAC-SHA256(secret_key, salt)``.

    Example: ``derive_key("dev", "cookie-session")`` (32 bytes).
    """
    if isinstance(secret_key, str):
        secret_key = secret_key.encode("utf-8")
    return hmac.digest(secret_key, salt.encode("utf-8"), "sha256")


class SessionSerializer:
    """Turns a session dict into a signed, timestamped cookie value and back.

    Signs with ``secret_key``; verifies with it and with each of ``fallback_keys``::

        serializer = SessionSerializer("new secret", fallback_keys=["old secret"])
        cookie = serializer.dumps({"user_id": 7})
        assert serializer.loads(cookie, max_age=3600) == {"user_id": 7}
    """

    def __init__(
        self,
        secret_key: str | bytes,
        fallback_keys: Iterable[str | bytes] = (),
        salt: str = "cookie-session",
    ) -> None:
        self.signing_key = derive_key(secret_key, salt)
        self.verifying_keys = [self.signing_key]
        self.verifying_keys.extend(derive_key(key, salt) for key in fallback_keys)

    @staticmethod
    def _signature(key: bytes, signed_text: str) -> str:
        return _base64url_encode(hmac.digest(key, signed_text.encode("ascii"), "sha256"))

    def dumps(self, data: Mapping[str, Any], now: float | None = None) -> str:
        """The cookie value for ``data``, signed at ``now`` (default: the current time)."""
        timestamp = int(time.time() if now is None else now)
        timestamp_bytes = timestamp.to_bytes(max(1, (timestamp.bit_length() + 7) // 8), "big")
        signed_text = (
            _base64url_encode(dumps_session_data(data)) + "." + _base64url_encode(timestamp_bytes)
        )
        return signed_text + "." + self._signature(self.signing_key, signed_text)

    def loads(
        self, cookie: str, max_age: float | None = None, now: float | None = None
    ) -> dict[str, Any]:
        """The dict inside ``cookie``; ``BadSignature`` unless it is intact, ours and fresh.

        ``max_age`` (seconds) limits how long ago it may have been signed.
        """
        match = _COOKIE_SHAPE.fullmatch(cookie)
        if match is None:
            raise BadSignature("not a signed session cookie")
        payload_text, timestamp_text, signature = match.groups()
        signed_text = f"{payload_text}.{timestamp_text}"
        # Every key is tried, so the time taken does not say which key (if any) matched.
        matches = [
            hmac.compare_digest(self._signature(key, signed_text), signature)
            for key in self.verifying_keys
        ]
        if not any(matches):
            raise BadSignature("signature does not match")
        self._check_age(timestamp_text, max_age, time.time() if now is None else now)
        try:
            return loads_session_data(_base64url_decode(payload_text))
        except (ValueError, TypeError) as error:  # a signed payload we cannot read
            raise BadSignature("unreadable payload") from error

    @staticmethod
    def _check_age(timestamp_text: str, max_age: float | None, now: float) -> None:
        """``BadSignature`` if the signing time is in the future or more than max_age ago."""
        try:
            timestamp_bytes = _base64url_decode(timestamp_text)
        except binascii.Error as error:
            raise BadSignature("bad timestamp") from error
        timestamp = int.from_bytes(timestamp_bytes, "big")
        if timestamp > now + CLOCK_SKEW_SECONDS:
            raise BadSignature("signed in the future")
        if max_age is not None and now - timestamp > max_age:
            raise BadSignature("expired")


# -- the session object ----------------------------------------------------------------------


class SessionMixin(MutableMapping[str, Any]):
    """What every session has (Flask's ``SessionMixin``): ``permanent``, stored under
    ``"_permanent"``, and the flags the interface reads. A custom session class mixes it
    in; its defaults (``modified`` True: always saved) suit a class that tracks nothing,
    and a class that tracks changes sets the flags itself (``CallbackDict``'s
    ``on_update``; ``SecureCookieSession`` does)."""

    new = False  # the request brought no session
    modified = True  # the data changed: save it
    accessed = False  # the data was read: the response varies with the cookie

    @property
    def permanent(self) -> bool:
        """Whether the cookie outlives the browser session."""
        return bool(self.get("_permanent", False))

    @permanent.setter
    def permanent(self, value: bool) -> None:
        self["_permanent"] = bool(value)


class SecureCookieSession(dict[str, Any], SessionMixin):
    """The session: a dict that records whether it was read (``accessed``) or changed.

    ``modified`` is set by every write through the dict's own methods that changes the
    data (``session.pop("absent", None)`` does not, as in Flask). A change *inside* a
    stored value (``session["cart"].append(3)``) is invisible: set ``session.modified =
    True`` yourself. ``new`` is True when the request carried no valid session cookie.
    ``permanent`` lives in the data under ``"_permanent"``::

        session["user_id"] = 7
        session.permanent = True      # cookie lasts PERMANENT_SESSION_LIFETIME
    """

    def __init__(self, initial: Mapping[str, Any] | None = None, new: bool = False) -> None:
        super().__init__(initial or {})
        self.new = new
        self.modified = False
        self.accessed = False

    # ``permanent`` is SessionMixin's: its ``get`` is this class's, so reading it is a read.

    # Reads: each one makes the response depend on the cookie (Vary: Cookie).

    def __getitem__(self, key: str) -> Any:
        self.accessed = True
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        """``session[key]``, or ``default`` if the key is missing."""
        self.accessed = True
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        self.accessed = True
        return super().__contains__(key)

    def __len__(self) -> int:  # also bool(session): `if session:`
        self.accessed = True
        return super().__len__()

    def __iter__(self) -> Iterator[str]:
        self.accessed = True
        return super().__iter__()

    def __reversed__(self) -> Iterator[str]:
        self.accessed = True
        return super().__reversed__()

    def keys(self) -> Any:
        """The keys (marks the session accessed)."""
        self.accessed = True
        return super().keys()

    def values(self) -> Any:
        """The values (marks the session accessed)."""
        self.accessed = True
        return super().values()

    def items(self) -> Any:
        """The ``(key, value)`` pairs (marks the session accessed)."""
        self.accessed = True
        return super().items()

    def copy(self) -> dict[str, Any]:
        """A plain ``dict`` copy of the data."""
        self.accessed = True
        return dict(super().items())

    def __eq__(self, other: object) -> bool:
        self.accessed = True
        return super().__eq__(other)

    def __ne__(self, other: object) -> bool:
        self.accessed = True
        return super().__ne__(other)

    # Writes: each one that changes the data means the cookie must be sent again. A write
    # that changes nothing (pop of a missing key, setdefault of a present one, del or
    # popitem that raise KeyError) leaves ``modified`` alone, as Werkzeug's CallbackDict
    # does, so a logout view that pops an absent key sends no Set-Cookie. The others
    # (assignment, update, clear, |=) always count, as in Werkzeug.

    def _changed(self) -> None:
        self.modified = True
        self.accessed = True

    def __setitem__(self, key: str, value: Any) -> None:
        self._changed()
        super().__setitem__(key, value)

    def __delitem__(self, key: str) -> None:
        self.accessed = True
        super().__delitem__(key)  # KeyError when missing: nothing changed
        self.modified = True

    def setdefault(self, key: str, default: Any = None) -> Any:
        """``session[key]``, stored as ``default`` first if missing (only that modifies)."""
        self.accessed = True
        if not super().__contains__(key):
            self.modified = True
        return super().setdefault(key, default)

    def pop(self, key: str, *default: Any) -> Any:
        """Remove ``key`` and return its value (or ``default``; else ``KeyError``).

        Only removing a key that was there marks the session modified.
        """
        self.accessed = True
        if super().__contains__(key):
            self.modified = True
        return super().pop(key, *default)

    def popitem(self) -> tuple[str, Any]:
        """Remove and return the last ``(key, value)`` pair (``KeyError`` when empty)."""
        self.accessed = True
        item = super().popitem()
        self.modified = True
        return item

    def update(self, *mappings: Any, **values: Any) -> None:
        """Like ``dict.update``."""
        self._changed()
        super().update(*mappings, **values)

    def clear(self) -> None:
        """Remove everything (the cookie is deleted at the end of the request)."""
        self._changed()
        super().clear()

    def __ior__(self, other: Any) -> SecureCookieSession:  # type: ignore[override,misc]
        self._changed()
        super().update(other)
        return self

    def __repr__(self) -> str:
        # A read too: a view may return str(session), and then the page depends on it.
        self.accessed = True
        return f"<{type(self).__name__} {dict.__repr__(self)}>"


class MissingSecretKeySession(NullSession):
    """The session when no ``SECRET_KEY`` is set: reads as empty, refuses every write."""

    def _fail(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise RuntimeError(
            "The session is unavailable because no secret key was set. Set app.secret_key "
            "(app.config['SECRET_KEY']) to a long random value, for example the output of "
            "python -c 'import secrets; print(secrets.token_hex(32))', to use the session "
            "and flash()."
        )

    __setitem__ = __delitem__ = clear = pop = popitem = update = setdefault = _fail
    __ior__ = _fail

    @property
    def permanent(self) -> bool:
        """Always False: there is nothing to keep."""
        return False

    @permanent.setter
    def permanent(self, value: bool) -> None:
        self._fail()


# -- the interface the app calls -------------------------------------------------------------


def _setting(app: Any, name: str) -> Any:
    """``app.config[name]``, or tinyweb's default when the config does not have it."""
    return app.config.get(name, SESSION_DEFAULTS[name])


def permanent_session_lifetime(app: Any) -> datetime.timedelta:
    """``PERMANENT_SESSION_LIFETIME`` as a ``timedelta`` (the config may hold seconds)."""
    lifetime = _setting(app, "PERMANENT_SESSION_LIFETIME")
    if isinstance(lifetime, datetime.timedelta):
        return lifetime
    return datetime.timedelta(seconds=lifetime)


class SessionInterface:
    """How the app opens and saves sessions (Flask's ``SessionInterface`` shape).

    Subclass it for another storage (a database, Redis): implement ``open_session`` and
    ``save_session``; the cookie settings below come from ``app.config``.
    """

    null_session_class: type[NullSession] = MissingSecretKeySession

    def make_null_session(self, app: Any) -> NullSession:
        """The stand-in session used when ``open_session`` returns None."""
        return self.null_session_class()

    def is_null_session(self, session: object) -> bool:
        """Whether ``session`` is a stand-in that is never saved."""
        return isinstance(session, NullSession)

    def get_cookie_name(self, app: Any) -> str:
        """``SESSION_COOKIE_NAME`` (default ``"session"``)."""
        return str(_setting(app, "SESSION_COOKIE_NAME"))

    def get_cookie_domain(self, app: Any) -> str | None:
        """``SESSION_COOKIE_DOMAIN``; None (the default) means this host only."""
        return _setting(app, "SESSION_COOKIE_DOMAIN") or None

    def get_cookie_path(self, app: Any) -> str:
        """``SESSION_COOKIE_PATH``, else ``APPLICATION_ROOT``, else ``"/"``."""
        path = _setting(app, "SESSION_COOKIE_PATH") or app.config.get("APPLICATION_ROOT")
        return str(path or "/")

    def get_cookie_httponly(self, app: Any) -> bool:
        """``SESSION_COOKIE_HTTPONLY`` (default True: scripts cannot read the cookie)."""
        return bool(_setting(app, "SESSION_COOKIE_HTTPONLY"))

    def get_cookie_secure(self, app: Any) -> bool:
        """``SESSION_COOKIE_SECURE`` (default False; set True when served over HTTPS)."""
        return bool(_setting(app, "SESSION_COOKIE_SECURE"))

    def get_cookie_samesite(self, app: Any) -> str | None:
        """``SESSION_COOKIE_SAMESITE`` (default ``"Lax"``; None sends no attribute)."""
        samesite = _setting(app, "SESSION_COOKIE_SAMESITE")
        return None if samesite is None else str(samesite)

    def get_cookie_partitioned(self, app: Any) -> bool:
        """``SESSION_COOKIE_PARTITIONED`` (default False; CHIPS)."""
        return bool(_setting(app, "SESSION_COOKIE_PARTITIONED"))

    def get_expiration_time(self, app: Any, session: Any) -> datetime.datetime | None:
        """When a permanent session's cookie expires; None (browser session) otherwise."""
        if session.permanent:
            now = datetime.datetime.now(datetime.timezone.utc)
            return now + permanent_session_lifetime(app)
        return None

    def should_set_cookie(self, app: Any, session: Any) -> bool:
        """Send the cookie if the session changed, or to refresh a permanent session's
        expiry on every request (``SESSION_REFRESH_EACH_REQUEST``)."""
        if session.modified:
            return True
        return bool(session.permanent and _setting(app, "SESSION_REFRESH_EACH_REQUEST"))

    def open_session(self, app: Any, request: Any) -> Any:
        """The session for ``request``, or None to use ``make_null_session``."""
        raise NotImplementedError

    def save_session(self, app: Any, session: Any, response: Any) -> None:
        """Write ``session`` into ``response`` (a cookie, a header, ...)."""
        raise NotImplementedError


class SecureCookieSessionInterface(SessionInterface):
    """Sessions stored whole in a signed cookie (tinyweb's default backend).

    Example::

        app.session_interface = SecureCookieSessionInterface()
        app.secret_key = "a long random string"
    """

    salt = "cookie-session"
    session_class: type[SecureCookieSession] = SecureCookieSession

    def __init__(self) -> None:
        # The last serializer made, with the keys it was made for: deriving the keys costs
        # one HMAC per key (making a serializer took half as long as verifying a typical
        # cookie with it), and the keys rarely change between requests.
        self._cached: tuple[tuple[Any, ...], SessionSerializer] | None = None

    def get_signing_serializer(self, app: Any) -> SessionSerializer | None:
        """A serializer for the app's keys, or None when ``SECRET_KEY`` is not set."""
        secret_key = _setting(app, "SECRET_KEY")
        if not secret_key:
            return None
        fallbacks = _setting(app, "SECRET_KEY_FALLBACKS") or ()
        if isinstance(fallbacks, (str, bytes)):  # one key, not a list of one-letter keys
            fallbacks = (fallbacks,)
        keys = (secret_key, *fallbacks)
        cached = self._cached
        if cached is None or cached[0] != keys:
            cached = (keys, SessionSerializer(secret_key, keys[1:], self.salt))
            self._cached = cached
        return cached[1]

    def open_session(self, app: Any, request: Any) -> SecureCookieSession | None:
        """The session in the request's cookie; empty and ``new`` if it is missing or bad."""
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        cookie = request.cookies.get(self.get_cookie_name(app))
        if not cookie:
            return self.session_class(new=True)
        max_age = permanent_session_lifetime(app).total_seconds()
        try:
            return self.session_class(serializer.loads(cookie, max_age=max_age))
        except BadSignature:
            return self.session_class(new=True)

    def save_session(self, app: Any, session: Any, response: Any) -> None:
        """Set, refresh or delete the cookie; add ``Vary: Cookie`` if the session was used."""
        name = self.get_cookie_name(app)
        attributes: dict[str, Any] = {
            "domain": self.get_cookie_domain(app),
            "path": self.get_cookie_path(app),
            "secure": self.get_cookie_secure(app),
            "httponly": self.get_cookie_httponly(app),
            "samesite": self.get_cookie_samesite(app),
            "partitioned": self.get_cookie_partitioned(app),
        }
        if session.accessed:
            response.add_vary("Cookie")
        data = dict(dict.items(session))  # dict's own method: saving is not a user read
        if not data:
            if session.modified:  # emptied during this request: the browser must forget it
                response.delete_cookie(name, **attributes)
                response.add_vary("Cookie")
            return
        if not self.should_set_cookie(app, session):
            return
        serializer = self.get_signing_serializer(app)
        if serializer is None:  # SECRET_KEY was removed while this request was handled
            raise RuntimeError("The session cannot be saved: SECRET_KEY is not set")
        value = serializer.dumps(data)
        expires = self.get_expiration_time(app, session)
        response.set_cookie(name, value, expires=expires, **attributes)
        response.add_vary("Cookie")


# -- flash messages --------------------------------------------------------------------------

# Where get_flashed_messages keeps this request's messages once it has taken them out of
# the session, so every call in one request (a layout and a page) sees the same list.
_FLASHES_ENVIRON_KEY = "tinyweb.flashes"


def flash(message: str, category: str = "message") -> None:
    """Queue ``message`` for the next page that calls ``get_flashed_messages()``.

    ``category`` is free text; ``"message"``, ``"error"``, ``"info"`` and ``"warning"``
    are customary. Stored in the session, so it needs ``SECRET_KEY``::

        flash("Post created.")
        flash("Wrong password.", "error")
    """
    flashes = session.get("_flashes", [])
    flashes.append([category, message])  # a list: what JSON gives back
    session["_flashes"] = flashes
    if message_flashed.receivers:
        app = current_request_context().app
        message_flashed.send(app, message=message, category=category)


def get_flashed_messages(
    with_categories: bool = False, category_filter: Iterable[str] = ()
) -> list[Any]:
    """The flashed messages, taken out of the session (they are shown once).

    Every call in the same request returns the same messages. ``with_categories=True``
    gives ``(category, message)`` tuples; ``category_filter`` keeps only those categories::

        {% for category, message in get_flashed_messages(with_categories=true) %}
          <div class="flash {{ category }}">{{ message }}</div>
        {% endfor %}
    """
    environ = current_request_context().request.environ
    flashes = environ.get(_FLASHES_ENVIRON_KEY)
    if flashes is None:
        stored = session.pop("_flashes") if "_flashes" in session else []
        flashes = [(category, message) for category, message in stored]
        environ[_FLASHES_ENVIRON_KEY] = flashes
    if category_filter:
        flashes = [pair for pair in flashes if pair[0] in category_filter]
    if with_categories:
        return list(flashes)
    return [message for _category, message in flashes]
