"""JSON providers: how an app turns values into JSON and back (Flask's ``app.json``).

Where it fits: every app has ``app.json``, an instance of ``app.json_provider_class``
(``DefaultJSONProvider``). ``jsonify``, a view that returns a dict or a list, the test
client's ``json=`` and ``request.get_json()`` all go through it, so one line changes how
the whole app writes JSON::

    app.json.sort_keys = False      # keep the dicts' order
    app.json.ensure_ascii = False   # write "é", not "\\u00e9"
    app.json.compact = False        # indented, as in debug mode

or a subclass changes what it can encode (``default``) or which library it uses::

    class OrderProvider(DefaultJSONProvider):
        @staticmethod
        def default(value):
            if isinstance(value, Order):
                return value.to_dict()
            return DefaultJSONProvider.default(value)

    app.json_provider_class = OrderProvider   # before App() is made, or:
    app.json = OrderProvider(app)

How it stays fast: ``json.dumps`` with any option builds a new ``JSONEncoder`` per call,
which costs as much as encoding a small dict; the default provider keeps one encoder per
output style, made again when an option is set on it.

Rules:
- The output is Flask 3.1's byte for byte: ``response()`` (what ``jsonify`` uses) is
  compact unless ``compact`` is False, or None in debug mode (then indented by 2), and
  ends with a newline; ``dumps()`` writes ``json.dumps``'s spaces, as Flask's does.
- The module-level ``dumps``, ``loads`` and ``jsonify`` use the current app's provider,
  and the default rules when there is no app context (Flask needs one for ``jsonify``).

Spec: https://flask.palletsprojects.com/en/3.1.x/api/#flask.json.provider.JSONProvider
"""

from __future__ import annotations

import json
import weakref
from typing import IO, TYPE_CHECKING, Any, Callable, ClassVar

from tinyweb.context import current_app, has_app_context
from tinyweb.response import Response, json_default, json_dumps

if TYPE_CHECKING:  # pragma: no cover - names for annotations only
    from tinyweb.app import App

__all__ = ["DefaultJSONProvider", "JSONProvider", "dump", "dumps", "jsonify", "load", "loads"]


class JSONProvider:
    """The interface: ``dumps`` and ``loads`` (a subclass writes these two), ``dump``,
    ``load`` and ``response``. ``app`` is the app it serves."""

    def __init__(self, app: App) -> None:
        """Serve ``app`` (its ``response_class`` and ``debug``)."""
        # A weak proxy, as Flask's: the app holds its provider, and a strong reference
        # back would make a cycle that only the garbage collector frees.
        self._app: App = weakref.proxy(app)  # type: ignore[assignment]  # (a proxy acts as it)

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        """``obj`` as JSON text."""
        raise NotImplementedError

    def dump(self, obj: Any, fp: IO[str], **kwargs: Any) -> None:
        """Write ``obj`` as JSON to the text file ``fp``."""
        fp.write(self.dumps(obj, **kwargs))

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        """The value of the JSON text (or UTF-8 bytes) ``s``."""
        raise NotImplementedError

    def load(self, fp: IO[Any], **kwargs: Any) -> Any:
        """The value of the JSON read from ``fp``."""
        return self.loads(fp.read(), **kwargs)

    def response(self, *args: Any, **kwargs: Any) -> Response:
        """A JSON response of one value, of several (a list) or of keywords (a dict);
        nothing gives ``null``."""
        return self._app.response_class(
            self.dumps(_one_value(args, kwargs)), mimetype="application/json"
        )

    def response_for(self, value: Any) -> Response:
        """``response(value)``: what the app calls for a view that returns a dict or a
        list (one value, so a provider may answer it faster)."""
        return self.response(value)


class DefaultJSONProvider(JSONProvider):
    """The standard library's ``json`` with Flask 3.1's defaults.

    ``default`` encodes what ``json`` cannot: dates as HTTP dates, ``Decimal`` and
    ``UUID`` as strings, dataclasses as dicts, ``Markup`` (anything with ``__html__``) as
    its HTML. ``ensure_ascii`` and ``sort_keys`` are True; ``compact`` None (compact
    unless in debug mode); ``mimetype`` ``application/json``.
    """

    default: Callable[[Any], Any] = staticmethod(json_default)
    ensure_ascii: bool = True
    sort_keys: bool = True
    compact: bool | None = None
    mimetype: str = "application/json"

    # Set for a subclass that writes its own dumps: responses then go through it.
    _custom_dumps: ClassVar[bool] = False

    def __init__(self, app: App) -> None:
        """Serve ``app``; the encoders are made on first use."""
        super().__init__(app)
        self._encoders: dict[str, Callable[[Any], str]] = {}  # by output style

    def __setattr__(self, name: str, value: Any) -> None:
        """Set an attribute; setting an encoding option forgets the encoders made."""
        object.__setattr__(self, name, value)
        if name in ("default", "ensure_ascii", "sort_keys"):
            self._encoders = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """A subclass that writes its own ``response`` gets it for dict returns too; one
        that writes its own ``dumps`` gets it for every response, as in Flask."""
        super().__init_subclass__(**kwargs)
        if "response" in cls.__dict__ and "response_for" not in cls.__dict__:
            cls.response_for = JSONProvider.response_for
        cls._custom_dumps = cls.dumps is not DefaultJSONProvider.dumps

    def _encoder(self, style: str) -> Callable[[Any], str]:
        """The encoder for ``style`` (``plain``: json.dumps's spaces, ``compact`` or
        ``indented``), made with the options on first use and kept until one of them is
        set on this provider (``app.json.sort_keys = False``). Options are per instance,
        as Flask's docs set them: changing the class later is not seen by a provider
        that already made its encoders."""
        encode = self._encoders.get(style)
        if encode is None:
            encoder = json.JSONEncoder(
                default=self.default,
                ensure_ascii=self.ensure_ascii,
                sort_keys=self.sort_keys,
                indent=2 if style == "indented" else None,
                separators=(",", ":") if style == "compact" else None,
            )
            encode = encoder.encode if style == "indented" else _one_shot(encoder)
            self._encoders[style] = encode
        return encode

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        """``json.dumps(obj, **kwargs)`` with this provider's ``default``,
        ``ensure_ascii`` and ``sort_keys`` unless ``kwargs`` say otherwise."""
        if not kwargs:
            return self._encoder("plain")(obj)
        kwargs.setdefault("default", self.default)
        kwargs.setdefault("ensure_ascii", self.ensure_ascii)
        kwargs.setdefault("sort_keys", self.sort_keys)
        return json.dumps(obj, **kwargs)

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        """``json.loads(s, **kwargs)``."""
        return json.loads(s, **kwargs)

    def response(self, *args: Any, **kwargs: Any) -> Response:
        """A JSON response (see ``JSONProvider.response``), compact unless ``compact``
        is False or None in debug mode, with a final newline and ``mimetype``."""
        return self._respond(_one_value(args, kwargs))

    def _respond(self, value: Any) -> Response:
        """The JSON response of one value: ``response(value)`` without packing arguments
        (``response_for``; once per JSON response, so kept flat)."""
        compact = self.compact
        app = self._app
        if compact is None:
            compact = not app.config["DEBUG"]
        style = "compact" if compact else "indented"
        if self._custom_dumps:
            options = {"separators": (",", ":")} if compact else {"indent": 2}
            text = self.dumps(value, **options)
        else:
            encode = self._encoders.get(style) or self._encoder(style)
            text = encode(value)
        return app.response_class(text + "\n", mimetype=self.mimetype)

    response_for = _respond


def _one_shot(encoder: json.JSONEncoder) -> Callable[[Any], str]:
    """``encoder.encode``, minus its per-call set-up: what ``JSONEncoder.iterencode``
    does before it calls the C encoder (a closure, a few tests) is a quarter of encoding
    a small dict. Same output, circular references included (fresh markers each call);
    without the C accelerator, ``encoder.encode`` itself."""
    from json.encoder import c_make_encoder  # type: ignore[attr-defined]

    if c_make_encoder is None or encoder.indent is not None:
        return encoder.encode
    encoders = json.encoder
    strings = (
        encoders.encode_basestring_ascii if encoder.ensure_ascii else encoders.encode_basestring
    )
    options = (encoder.default, strings, None, encoder.key_separator, encoder.item_separator)
    flags = (encoder.sort_keys, encoder.skipkeys, encoder.allow_nan)

    def encode(value: Any) -> str:
        if isinstance(value, str):
            return strings(value)
        return "".join(c_make_encoder({}, *options, *flags)(value, 0))

    return encode


def _one_value(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """What ``response(*args, **kwargs)`` serializes, as Flask reads its arguments."""
    if args and kwargs:
        raise TypeError("app.json.response() takes either args or kwargs, not both")
    if len(args) == 1:
        return args[0]
    return list(args) if args else (kwargs or None)


def dumps(obj: Any, **kwargs: Any) -> str:
    """JSON text: the current app's ``app.json.dumps``; outside an app context,
    ``json.dumps`` with the default provider's ``default`` (Flask's ``flask.json.dumps``)."""
    if has_app_context():
        return current_app.json.dumps(obj, **kwargs)  # type: ignore[no-any-return]
    kwargs.setdefault("default", json_default)
    return json.dumps(obj, **kwargs)


def loads(s: str | bytes, **kwargs: Any) -> Any:
    """A value from JSON: the current app's ``app.json.loads``, else ``json.loads``."""
    if has_app_context():
        return current_app.json.loads(s, **kwargs)
    return json.loads(s, **kwargs)


def dump(obj: Any, fp: IO[str], **kwargs: Any) -> None:
    """Write ``obj`` as JSON to the text file ``fp``: ``dumps``'s text (``flask.json.dump``)."""
    fp.write(dumps(obj, **kwargs))


def load(fp: IO[Any], **kwargs: Any) -> Any:
    """The value of the JSON read from ``fp`` (text or bytes): ``loads`` of its content."""
    return loads(fp.read(), **kwargs)


def jsonify(*args: Any, **kwargs: Any) -> Response:
    """A JSON response, as Flask's ``jsonify``: ``app.json.response(*args, **kwargs)``.

    One argument is that value, several a list, keywords a dict::

        return jsonify(id=7, name="tea")          # {"id":7,"name":"tea"}
        return jsonify([1, 2, 3])

    Outside an app context it uses the default provider's rules (compact).
    """
    if has_app_context():
        return current_app.json.response(*args, **kwargs)  # type: ignore[no-any-return]
    return Response(json_dumps(_one_value(args, kwargs)) + "\n", mimetype="application/json")
