"""app.json: the JSON provider (Flask 3.1's DefaultJSONProvider and its interface), used by
jsonify, dict/list returns and request.get_json."""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import io
import json
import uuid
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tinyweb import App, jsonify, request
from tinyweb.json_provider import DefaultJSONProvider, JSONProvider, dumps, loads
from tinyweb.markup import Markup


def make_app(**config: Any) -> App:
    app = App(__name__)
    app.config.update(config)
    return app


@dataclasses.dataclass
class Point:
    x: int
    y: int


# Flask 3.1's output for each value: dumps() (json.dumps's spaces) and response() (compact).
FLASK_OUTPUT = [
    ({"b": 1, "a": "é"}, '{"a": "\\u00e9", "b": 1}', '{"a":"\\u00e9","b":1}\n'),
    ([1, None, True], "[1, null, true]", "[1,null,true]\n"),
    (datetime.date(2026, 11, 24), '"Tue, 24 Nov 2026 00:00:00 GMT"', '"Tue, 24 Nov 2026 00:00:00 GMT"\n'),
    (decimal.Decimal("1.50"), '"1.50"', '"1.50"\n'),
    (uuid.UUID(int=1), '"00000000-0000-0000-0000-000000000001"',
     '"00000000-0000-0000-0000-000000000001"\n'),
    (Point(1, 2), '{"x": 1, "y": 2}', '{"x":1,"y":2}\n'),
    (Markup("<b>hi</b>"), '"<b>hi</b>"', '"<b>hi</b>"\n'),
]  # fmt: skip


@pytest.mark.parametrize("value, dumped, response_body", FLASK_OUTPUT)
def test_the_default_provider_writes_what_flask_writes(
    value: Any, dumped: str, response_body: str
) -> None:
    app = make_app()
    assert app.json.dumps(value) == dumped
    response = app.json.response(value)
    assert response.get_data(as_text=True) == response_body
    assert response.mimetype == "application/json"


def test_an_unknown_type_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="Object of type object is not JSON serializable"):
        make_app().json.dumps(object())


def test_dumps_keywords_win_over_the_options() -> None:
    app = make_app()
    assert app.json.dumps({"b": 1, "a": 2}, sort_keys=False, indent=1) == '{\n "b": 1,\n "a": 2\n}'


def test_the_options_change_the_output_even_after_first_use() -> None:
    app = make_app()

    @app.route("/")
    def index() -> Any:
        return {"b": "é", "a": 1}

    client = app.test_client()
    assert client.get("/").text == '{"a":1,"b":"\\u00e9"}\n'
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    assert client.get("/").text == '{"b":"é","a":1}\n'
    app.json.compact = False
    assert client.get("/").text == '{\n  "b": "é",\n  "a": 1\n}\n'
    assert app.json.dumps({"b": 1}) == '{"b": 1}'


def test_debug_mode_indents_unless_compact_is_set() -> None:
    app = make_app(DEBUG=True)
    app.route("/")(lambda: jsonify(a=1))
    client = app.test_client()
    assert client.get("/").text == '{\n  "a": 1\n}\n'
    app.json.compact = True
    assert client.get("/").text == '{"a":1}\n'


def test_a_custom_default_encodes_the_apps_own_types() -> None:
    class Order:
        def __init__(self, number: int) -> None:
            self.number = number

    class OrderProvider(DefaultJSONProvider):
        @staticmethod
        def default(value: Any) -> Any:
            if isinstance(value, Order):
                return {"order": value.number}
            return DefaultJSONProvider.default(value)

    class OrderApp(App):
        json_provider_class = OrderProvider

    app = OrderApp(__name__)
    app.add_url_rule("/", "orders", lambda: {"orders": [Order(1), Order(2)]})
    app.add_url_rule("/jsonify", "one", lambda: jsonify(Order(3)))
    client = app.test_client()
    assert client.get("/").get_json() == {"orders": [{"order": 1}, {"order": 2}]}
    assert client.get("/jsonify").get_json() == {"order": 3}
    assert isinstance(app.json, OrderProvider)


def test_a_whole_provider_may_replace_app_json() -> None:
    class UpperProvider(JSONProvider):
        """A provider written from the interface alone: dumps and loads."""

        def dumps(self, obj: Any, **kwargs: Any) -> str:
            return json.dumps(obj).upper()

        def loads(self, s: str | bytes, **kwargs: Any) -> Any:
            return {"parsed by": "provider", "text": s}

    app = make_app()
    app.json = UpperProvider(app)

    @app.route("/echo", methods=["POST"])
    def echo() -> Any:
        return jsonify(request.get_json())

    response = app.test_client().post("/echo", json={"a": "b"})
    # the client encoded the body with UpperProvider.dumps too
    assert response.text == '{"PARSED BY": "PROVIDER", "TEXT": "{\\"A\\": \\"B\\"}"}'
    buffer = io.StringIO()
    app.json.dump([1], buffer)
    assert buffer.getvalue() == "[1]"
    assert app.json.load(io.StringIO("x")) == {"parsed by": "provider", "text": "x"}


def test_the_interface_needs_dumps_and_loads() -> None:
    provider = JSONProvider(make_app())
    with pytest.raises(NotImplementedError):
        provider.dumps(1)
    with pytest.raises(NotImplementedError):
        provider.loads("1")


def test_get_json_uses_the_app_providers_loads() -> None:
    class DecimalProvider(DefaultJSONProvider):
        def loads(self, s: str | bytes, **kwargs: Any) -> Any:
            return json.loads(s, parse_float=decimal.Decimal, **kwargs)

    app = make_app()
    app.json = DecimalProvider(app)
    app.route("/", methods=["POST"])(lambda: repr(request.json["price"]))
    assert app.test_client().post("/", json={"price": 1.1}).text == "Decimal('1.1')"


def test_get_json_still_refuses_bad_bodies_with_a_provider() -> None:
    app = make_app()
    app.route("/", methods=["POST"])(lambda: str(request.get_json()))
    client = app.test_client()
    assert client.post("/", data="{", content_type="application/json").status_code == 400
    assert client.post("/", data=b"\xff", content_type="application/json").status_code == 400
    assert client.post("/", data="1", content_type="text/plain").status_code == 415


def test_response_arguments_as_flask_reads_them() -> None:
    app = make_app()  # (kept: a provider holds its app weakly, as Flask's)
    provider = app.json
    assert provider.response().get_data() == b"null\n"
    assert provider.response(1, 2).get_data() == b"[1,2]\n"
    assert provider.response(a=1).get_data() == b'{"a":1}\n'
    assert provider.response([1]).get_data() == b"[1]\n"
    with pytest.raises(TypeError, match="either args or kwargs"):
        provider.response(1, a=2)


def test_the_mimetype_is_an_option() -> None:
    app = make_app()
    app.json.mimetype = "application/vnd.api+json"
    app.route("/")(lambda: {"a": 1})
    assert app.test_client().get("/").headers["Content-Type"] == "application/vnd.api+json"


def test_module_functions_use_the_current_app_or_the_defaults() -> None:
    app = make_app()
    app.json.sort_keys = False
    value = {"b": 1, "a": 2}
    assert dumps(value) == '{"b": 1, "a": 2}'  # no app context: json.dumps's order
    assert dumps(datetime.date(2026, 1, 1)) == '"Thu, 01 Jan 2026 00:00:00 GMT"'
    assert jsonify(value).get_data() == b'{"a":2,"b":1}\n'
    with app.app_context():
        assert dumps(value) == '{"b": 1, "a": 2}'
        assert jsonify(value).get_data() == b'{"b":1,"a":2}\n'
        assert loads('{"a": 1}') == {"a": 1}
    assert loads(b"[1]") == [1]


def test_each_app_has_its_own_provider() -> None:
    first, second = make_app(), make_app()
    first.json.sort_keys = False
    assert second.json.sort_keys is True
    assert DefaultJSONProvider.sort_keys is True


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=5), children, max_size=4),
    max_leaves=15,
)


@given(JSON_VALUES, st.booleans(), st.booleans(), st.sampled_from([None, True, False]))
def test_any_value_round_trips_whatever_the_options(
    value: Any, sort_keys: bool, ensure_ascii: bool, compact: bool | None
) -> None:
    app = make_app()  # (kept: a provider holds its app weakly, as Flask's)
    provider = app.json
    provider.sort_keys, provider.ensure_ascii, provider.compact = sort_keys, ensure_ascii, compact
    assert provider.loads(provider.dumps(value)) == value
    body = provider.response(value).get_data(as_text=True)
    assert body.endswith("\n")
    assert json.loads(body) == value
    options: dict[str, Any] = {"sort_keys": sort_keys, "ensure_ascii": ensure_ascii}
    if compact is False:
        assert body == json.dumps(value, indent=2, **options) + "\n"
    else:
        assert body == json.dumps(value, separators=(",", ":"), **options) + "\n"


def test_a_subclass_that_writes_response_gets_dict_returns_too() -> None:
    class EnvelopeProvider(DefaultJSONProvider):
        def response(self, *args: Any, **kwargs: Any) -> Any:
            return super().response({"data": args[0] if args else kwargs})

    app = make_app()
    app.json = EnvelopeProvider(app)
    app.add_url_rule("/dict", "dict", lambda: {"a": 1})
    app.add_url_rule("/jsonify", "jsonify", lambda: jsonify(b=2))
    client = app.test_client()
    assert client.get("/dict").get_json() == {"data": {"a": 1}}
    assert client.get("/jsonify").get_json() == {"data": {"b": 2}}


def test_the_test_client_encodes_json_with_the_apps_provider() -> None:
    class Tag:
        pass

    class TagProvider(DefaultJSONProvider):
        @staticmethod
        def default(value: Any) -> Any:
            return "a tag" if isinstance(value, Tag) else DefaultJSONProvider.default(value)

    app = make_app()
    app.json = TagProvider(app)
    app.route("/", methods=["POST"])(lambda: {"got": request.get_json(), "type": request.mimetype})
    response = app.test_client().post("/", json={"tag": Tag()})
    assert response.get_json() == {"got": {"tag": "a tag"}, "type": "application/json"}
    with pytest.raises(TypeError, match="either data= or json="):
        app.test_client().post("/", json={}, data="x")


def test_a_subclass_that_writes_dumps_gets_every_response() -> None:
    # Flask's response() calls self.dumps: overriding dumps (for another JSON library)
    # changes jsonify and dict returns too. Found by review.
    class ShoutingProvider(DefaultJSONProvider):
        def dumps(self, obj: Any, **kwargs: Any) -> str:
            return super().dumps(obj, **kwargs).upper()

    app = make_app()
    app.json = ShoutingProvider(app)
    app.add_url_rule("/dict", "dict", lambda: {"a": "b"})
    app.add_url_rule("/jsonify", "jsonify", lambda: jsonify(a="b"))
    client = app.test_client()
    assert client.get("/dict").text == '{"A":"B"}\n'
    assert client.get("/jsonify").text == '{"A":"B"}\n'
    app.json.compact = False
    assert client.get("/dict").text == '{\n  "A": "B"\n}\n'


def test_options_are_per_provider_and_the_class_gives_their_defaults(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Set on the instance (app.json.sort_keys = False), an option takes effect at once.
    # A change to the class is a new default: providers made afterwards see it.
    monkeypatch.setattr(DefaultJSONProvider, "sort_keys", False)
    app = make_app()
    app.add_url_rule("/", "index", lambda: {"b": 1, "a": 2})
    assert app.test_client().get("/").text == '{"b":1,"a":2}\n'


@pytest.mark.parametrize(
    "value", ["plain text é", float("nan"), 1e400, {1: "int key"}, [1.5, -0.0], ("a", "tuple")]
)
def test_the_providers_encoders_write_what_json_dumps_writes(value: Any) -> None:
    app = make_app()  # (kept: a provider holds its app weakly, as Flask's)
    provider = app.json
    expected = json.dumps(value, sort_keys=True, separators=(",", ":"))
    assert provider.response(value).get_data(as_text=True) == expected + "\n"
    assert provider.dumps(value) == json.dumps(value, sort_keys=True)


def test_a_circular_value_is_the_same_error_as_json_dumps_every_time() -> None:
    app = make_app()  # (kept: a provider holds its app weakly, as Flask's)
    provider = app.json
    circular: list[Any] = []
    circular.append(circular)
    for _ in range(2):  # no marker left behind by the first failure
        with pytest.raises(ValueError, match="Circular reference detected"):
            provider.response(circular)
    assert provider.response([[], []]).get_data() == b"[[],[]]\n"  # shared, not circular


def test_module_dump_and_load_use_files_and_the_current_apps_provider() -> None:
    # flask.json.dump / flask.json.load: the module functions on a file.
    from tinyweb.json_provider import dump, load

    buffer = io.StringIO()
    dump({"b": 1, "a": datetime.date(2026, 11, 24)}, buffer)  # no app: the default options
    assert buffer.getvalue() == '{"b": 1, "a": "Tue, 24 Nov 2026 00:00:00 GMT"}'
    assert load(io.StringIO('{"x": [1, 2]}')) == {"x": [1, 2]}

    class Shouting(DefaultJSONProvider):
        def loads(self, s: str | bytes, **kwargs: Any) -> Any:
            return {"loaded": super().loads(s, **kwargs)}

    app = App(__name__)
    app.json = Shouting(app)
    with app.app_context():
        buffer = io.StringIO()
        dump({"b": 1, "a": 2}, buffer)
        assert buffer.getvalue() == '{"a": 2, "b": 1}'  # the app's provider: sorted keys
        assert load(io.BytesIO(b'{"x": 1}')) == {"loaded": {"x": 1}}
