"""Tests for tinyweb/views.py: View and MethodView, and how add_url_rule reads a view.

Each behaviour is Flask 3.1's (flask/views.py and Flask.add_url_rule), checked through
the test client; the one deliberate difference (a MethodView asked for a method it has no
function for answers 405, where Flask fails an assert) has its own test.
"""

from __future__ import annotations

import functools
from typing import Any, Callable

import pytest

from tinyweb import App, Blueprint, MethodView, View, g, request, url_for
from tinyweb.routing import RuleError


def make_app() -> App:
    app = App(__name__)
    app.testing = True
    return app


# -- View ------------------------------------------------------------------------------


class Greeting(View):
    """Says hello."""

    def __init__(self, greeting: str = "Hello") -> None:
        self.greeting = greeting

    def dispatch_request(self, name: str) -> str:  # type: ignore[override]
        return f"{self.greeting}, {name}!"


def test_as_view_calls_dispatch_request_with_the_url_values() -> None:
    app = make_app()
    app.add_url_rule("/hello/<name>", view_func=Greeting.as_view("hello"))
    assert app.test_client().get("/hello/Ada").get_data(as_text=True) == "Hello, Ada!"


def test_as_view_arguments_go_to_the_class() -> None:
    app = make_app()
    app.add_url_rule("/hi/<name>", view_func=Greeting.as_view("hi", "Hi"))
    app.add_url_rule("/yo/<name>", view_func=Greeting.as_view("yo", greeting="Yo"))
    client = app.test_client()
    assert client.get("/hi/Ada").get_data(as_text=True) == "Hi, Ada!"
    assert client.get("/yo/Ada").get_data(as_text=True) == "Yo, Ada!"


def test_the_view_function_carries_name_doc_module_class_and_route_attributes() -> None:
    view = Greeting.as_view("hello")
    assert view.__name__ == "hello"
    assert view.__doc__ == "Says hello."
    assert view.__module__ == __name__
    assert view.view_class is Greeting  # type: ignore[attr-defined]
    assert view.methods is None  # type: ignore[attr-defined]
    assert view.provide_automatic_options is None  # type: ignore[attr-defined]


def test_the_name_is_the_endpoint_and_url_for_builds_it() -> None:
    app = make_app()
    app.add_url_rule("/hello/<name>", view_func=Greeting.as_view("hello"))

    @app.get("/link")
    def link() -> str:
        return url_for("hello", name="Bob")

    assert app.test_client().get("/link").get_data(as_text=True) == "/hello/Bob"


def test_a_new_instance_per_request_by_default() -> None:
    created: list[object] = []

    class Counting(View):
        def __init__(self) -> None:
            created.append(self)

        def dispatch_request(self) -> str:  # type: ignore[override]
            return str(id(self))

    app = make_app()
    app.add_url_rule("/", view_func=Counting.as_view("counting"))
    assert created == []  # nothing made at as_view time
    client = app.test_client()
    client.get("/")
    client.get("/")
    assert len(created) == 2 and created[0] is not created[1]


def test_init_every_request_false_makes_one_instance_at_as_view_time() -> None:
    created: list[object] = []

    class Shared(View):
        init_every_request = False

        def __init__(self) -> None:
            created.append(self)
            self.hits = 0

        def dispatch_request(self) -> str:  # type: ignore[override]
            self.hits += 1
            return str(self.hits)

    view = Shared.as_view("shared")
    assert len(created) == 1
    app = make_app()
    app.add_url_rule("/", view_func=view)
    client = app.test_client()
    assert [client.get("/").get_data(as_text=True) for _ in range(3)] == ["1", "2", "3"]
    assert len(created) == 1


def test_the_view_class_attribute_is_what_is_instantiated() -> None:
    # Flask's reason for view_class: a test can swap the class behind a registered view.
    class Real(View):
        def dispatch_request(self) -> str:  # type: ignore[override]
            return "real"

    class Fake(View):
        def dispatch_request(self) -> str:  # type: ignore[override]
            return "fake"

    view = Real.as_view("thing")
    app = make_app()
    app.add_url_rule("/", view_func=view)
    view.view_class = Fake  # type: ignore[attr-defined]
    assert app.test_client().get("/").get_data(as_text=True) == "fake"


def tag(label: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorator(function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def wrapper(**kwargs: Any) -> str:
            return f"{label}({function(**kwargs)})"

        return wrapper

    return decorator


def test_decorators_wrap_the_view_function_first_one_innermost() -> None:
    class Decorated(View):
        decorators = (tag("inner"), tag("outer"))

        def dispatch_request(self) -> str:  # type: ignore[override]
            return "view"

    app = make_app()
    app.add_url_rule("/", view_func=Decorated.as_view("decorated"))
    assert app.test_client().get("/").get_data(as_text=True) == "outer(inner(view))"


def test_decorators_see_the_endpoint_name_and_the_result_keeps_the_attributes() -> None:
    seen: list[str] = []

    def record_name(function: Callable[..., Any]) -> Callable[..., Any]:
        seen.append(function.__name__)
        return tag("x")(function)

    class Decorated(View):
        """Documented."""

        decorators = (record_name,)
        methods = ("POST",)

        def dispatch_request(self) -> str:  # type: ignore[override]
            return "view"

    view = Decorated.as_view("endpoint_name")
    assert seen == ["endpoint_name"]
    assert view.__name__ == "endpoint_name" and view.__doc__ == "Documented."
    assert view.view_class is Decorated  # type: ignore[attr-defined]
    assert view.methods == ("POST",)  # type: ignore[attr-defined]


def test_a_decorator_that_refuses_short_circuits_the_view() -> None:
    def login_required(function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def wrapper(**kwargs: Any) -> Any:
            if "user" not in request.args:
                return "login first", 401
            return function(**kwargs)

        return wrapper

    class Secret(View):
        decorators = (login_required,)

        def dispatch_request(self) -> str:  # type: ignore[override]
            return "secret"

    app = make_app()
    app.add_url_rule("/secret", view_func=Secret.as_view("secret"))
    client = app.test_client()
    assert client.get("/secret").status_code == 401
    assert client.get("/secret?user=ada").get_data(as_text=True) == "secret"


def test_view_methods_are_the_rules_methods() -> None:
    class Form(View):
        methods = ("GET", "POST")

        def dispatch_request(self) -> str:  # type: ignore[override]
            return request.method

    app = make_app()
    app.add_url_rule("/form", view_func=Form.as_view("form"))
    client = app.test_client()
    assert client.post("/form").get_data(as_text=True) == "POST"
    response = client.put("/form")
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS, POST"


def test_methods_given_to_add_url_rule_win_over_the_views() -> None:
    class Form(View):
        methods = ("GET", "POST")

        def dispatch_request(self) -> str:  # type: ignore[override]
            return request.method

    app = make_app()
    app.add_url_rule("/form", view_func=Form.as_view("form"), methods=["PUT"])
    client = app.test_client()
    assert client.put("/form").get_data(as_text=True) == "PUT"
    assert client.post("/form").status_code == 405


def test_a_view_without_dispatch_request_says_what_to_override() -> None:
    class Empty(View):
        pass

    app = make_app()
    app.add_url_rule("/", view_func=Empty.as_view("empty"))
    with pytest.raises(NotImplementedError, match="must override dispatch_request"):
        app.test_client().get("/")


# -- MethodView ------------------------------------------------------------------------


class ItemAPI(MethodView):
    def get(self, item_id: int) -> str:
        return f"get {item_id}"

    def post(self, item_id: int) -> str:
        return f"post {item_id}"


def test_method_view_methods_come_from_its_functions() -> None:
    assert ItemAPI.methods == {"GET", "POST"}


def test_method_view_dispatches_on_the_request_method() -> None:
    app = make_app()
    app.add_url_rule("/items/<int:item_id>", view_func=ItemAPI.as_view("item"))
    client = app.test_client()
    assert client.get("/items/3").get_data(as_text=True) == "get 3"
    assert client.post("/items/3").get_data(as_text=True) == "post 3"
    assert client.delete("/items/3").status_code == 405


def test_head_falls_back_to_get() -> None:
    calls: list[str] = []

    class Page(MethodView):
        def get(self) -> str:
            calls.append(request.method)
            return "body"

    app = make_app()
    app.add_url_rule("/", view_func=Page.as_view("page"))
    response = app.test_client().head("/")
    assert response.status_code == 200 and response.data == b""
    assert response.headers["Content-Length"] == "4"
    assert calls == ["HEAD"]


def test_a_head_function_answers_head_itself() -> None:
    class Page(MethodView):
        def get(self) -> str:
            return "body"

        def head(self) -> tuple[str, int, dict[str, str]]:
            return "", 204, {"X-Head": "own"}

    assert Page.methods == {"GET", "HEAD"}
    app = make_app()
    app.add_url_rule("/", view_func=Page.as_view("page"))
    assert app.test_client().head("/").headers["X-Head"] == "own"


def test_automatic_options_lists_the_class_methods() -> None:
    app = make_app()
    app.add_url_rule("/items/<int:item_id>", view_func=ItemAPI.as_view("item"))
    response = app.test_client().options("/items/3")
    assert response.status_code == 200
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS, POST"


def test_an_options_function_answers_options() -> None:
    class Preflight(MethodView):
        def get(self) -> str:
            return "get"

        def options(self) -> tuple[str, int, dict[str, str]]:
            return "", 204, {"Access-Control-Allow-Origin": "*"}

    app = make_app()
    app.add_url_rule("/", view_func=Preflight.as_view("preflight"))
    response = app.test_client().options("/")
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_methods_are_inherited_and_extended() -> None:
    class Base(MethodView):
        def get(self) -> str:
            return "base get"

    class Child(Base):
        def delete(self) -> tuple[str, int]:
            return "", 204

    assert Child.methods == {"GET", "DELETE"}
    app = make_app()
    app.add_url_rule("/", view_func=Child.as_view("child"))
    client = app.test_client()
    assert client.get("/").get_data(as_text=True) == "base get"
    assert client.delete("/").status_code == 204


def test_a_mixin_without_methods_still_contributes_its_functions() -> None:
    class PatchMixin:
        def patch(self) -> str:
            return "patched"

    class Resource(PatchMixin, MethodView):
        def get(self) -> str:
            return "got"

    assert Resource.methods == {"GET", "PATCH"}


def test_methods_set_on_the_class_are_taken_as_written() -> None:
    class ReadOnly(MethodView):
        methods = ("GET",)

        def get(self) -> str:
            return "got"

        def post(self) -> str:
            return "posted"

    app = make_app()
    app.add_url_rule("/", view_func=ReadOnly.as_view("read_only"))
    assert app.test_client().post("/").status_code == 405


def test_a_routed_method_without_a_function_is_405_with_the_class_methods() -> None:
    # Flask fails an assert here (a 500); a 405 naming what the class has is the answer.
    class Partial(MethodView):
        methods = ("GET", "PUT")

        def get(self) -> str:
            return "got"

    app = make_app()
    app.add_url_rule("/", view_func=Partial.as_view("partial"))
    response = app.test_client().put("/")
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS"


def test_the_405_of_a_class_without_automatic_options_does_not_offer_options() -> None:
    class Partial(MethodView):
        methods = ("POST", "PUT")
        provide_automatic_options = False

        def post(self) -> str:
            return "posted"

    app = make_app()
    app.add_url_rule("/", view_func=Partial.as_view("partial"))
    assert app.test_client().put("/").headers["Allow"] == "POST"


def test_a_method_view_without_functions_has_no_methods() -> None:
    class Nothing(MethodView):
        pass

    assert Nothing.methods is None


def test_per_request_state_lives_on_the_instance_or_in_g() -> None:
    class Stateful(MethodView):
        def __init__(self) -> None:
            self.seen: list[str] = []

        def get(self) -> str:
            self.seen.append("get")
            g.count = len(self.seen)
            return str(g.count)

    app = make_app()
    app.add_url_rule("/", view_func=Stateful.as_view("stateful"))
    client = app.test_client()
    assert [client.get("/").get_data(as_text=True) for _ in range(2)] == ["1", "1"]


# -- blueprints ------------------------------------------------------------------------


def test_class_based_views_on_a_blueprint() -> None:
    api = Blueprint("api", __name__, url_prefix="/api")
    api.add_url_rule("/items/<int:item_id>", view_func=ItemAPI.as_view("item"))

    @api.get("/link")
    def link() -> str:
        return url_for(".item", item_id=5) + " " + url_for("api.item", item_id=6)

    app = make_app()
    app.register_blueprint(api)
    client = app.test_client()
    assert client.post("/api/items/4").get_data(as_text=True) == "post 4"
    assert client.get("/api/link").get_data(as_text=True) == "/api/items/5 /api/items/6"
    assert client.options("/api/items/4").headers["Allow"] == "GET, HEAD, OPTIONS, POST"
    assert client.put("/api/items/4").status_code == 405


def test_blueprint_refuses_a_view_name_with_a_dot() -> None:
    api = Blueprint("api", __name__)
    with pytest.raises(ValueError, match="may not contain a dot"):
        api.add_url_rule("/", view_func=ItemAPI.as_view("api.item"))


# -- add_url_rule reads a view's attributes, as Flask ----------------------------------


def test_provide_automatic_options_false_makes_options_a_405() -> None:
    class NoOptions(View):
        provide_automatic_options = False

        def dispatch_request(self) -> str:  # type: ignore[override]
            return "ok"

    app = make_app()
    app.add_url_rule("/", view_func=NoOptions.as_view("no_options"))
    response = app.test_client().options("/")
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, HEAD"


def test_provide_automatic_options_false_on_a_plain_function_and_as_an_argument() -> None:
    app = make_app()

    def plain() -> str:
        return "plain"

    plain.provide_automatic_options = False  # type: ignore[attr-defined]
    app.add_url_rule("/plain", view_func=plain)

    @app.route("/argument", provide_automatic_options=False)
    def argument() -> str:
        return "argument"

    client = app.test_client()
    assert client.options("/plain").status_code == 405
    assert client.options("/argument").status_code == 405
    assert client.get("/argument").get_data(as_text=True) == "argument"


def test_opting_out_leaves_other_rules_of_the_path_answering_options() -> None:
    app = make_app()
    app.add_url_rule("/", "read", lambda: "read", provide_automatic_options=False)
    app.add_url_rule("/", "write", lambda: "write", methods=["POST"])
    response = app.test_client().options("/")
    assert response.status_code == 200
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS, POST"


def test_provide_automatic_options_true_answers_options_even_if_the_view_lists_it() -> None:
    calls: list[str] = []

    def view() -> str:
        calls.append(request.method)
        return "view"

    app = make_app()
    app.add_url_rule("/", "view", view, methods=["GET", "OPTIONS"], provide_automatic_options=True)
    response = app.test_client().options("/")
    assert response.status_code == 200 and response.data == b""
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS"
    assert calls == []


def test_options_in_methods_without_a_choice_goes_to_the_view() -> None:
    app = make_app()
    app.add_url_rule("/", "view", lambda: ("mine", 200), methods=["GET", "OPTIONS"])
    assert app.test_client().options("/").get_data(as_text=True) == "mine"


def test_required_methods_are_added_to_the_rule() -> None:
    def view() -> str:
        return request.method

    view.required_methods = ["POST"]  # type: ignore[attr-defined]
    app = make_app()
    app.add_url_rule("/", view_func=view)
    client = app.test_client()
    assert client.get("/").get_data(as_text=True) == "GET"
    assert client.post("/").get_data(as_text=True) == "POST"


def test_a_string_for_methods_is_refused_clearly() -> None:
    class Wrong(View):
        methods = "GET"  # type: ignore[assignment]

    app = make_app()
    with pytest.raises(TypeError, match="must be a list of strings"):
        app.add_url_rule("/", view_func=Wrong.as_view("wrong"))


def test_a_rule_registered_twice_for_the_same_method_still_fails() -> None:
    app = make_app()
    app.add_url_rule("/", view_func=ItemAPI.as_view("one"))
    with pytest.raises(RuleError):
        app.add_url_rule("/", view_func=ItemAPI.as_view("two"))
