"""Tests for the contexts as the App uses them: request/g/session in views, url_for,
app_context, test_request_context and the test client's context preservation."""

from __future__ import annotations

from typing import Any

import pytest

from tinyweb.app import App, url_for
from tinyweb.context import (
    current_app,
    g,
    has_app_context,
    has_request_context,
    request,
    session,
)
from tinyweb.routing import BuildError


def new_app(**config: Any) -> App:
    app = App(__name__)
    app.config.update(config)
    app.add_url_rule("/", "index", lambda: "index")
    app.add_url_rule("/users/<int:user_id>", "user", lambda user_id: str(user_id))
    app.add_url_rule("/files/<path:name>", "file", lambda name: name)
    return app


def test_request_and_current_app_inside_a_view() -> None:
    app = new_app()

    @app.get("/who")
    def who() -> dict[str, Any]:
        return {
            "app": current_app.name,
            "path": request.path,
            "name": request.args.get("name"),
            "endpoint": request.endpoint,
        }

    data = app.test_client().get("/who?name=Ada").json
    assert data == {"app": __name__, "path": "/who", "name": "Ada", "endpoint": "who"}
    assert not has_request_context() and not has_app_context()


def test_test_request_context_matches_the_url() -> None:
    app = new_app()
    with app.test_request_context("/users/7?page=2", method="GET"):
        assert request.args["page"] == "2"
        assert request.endpoint == "user"
        assert request.view_args == {"user_id": 7}
        assert current_app.name == __name__


def test_app_context_gives_current_app_and_g_but_not_request() -> None:
    app = new_app()
    with app.app_context():
        g.db = "connection"
        assert current_app.config is app.config
        with pytest.raises(RuntimeError, match="test_request_context"):
            request.path  # noqa: B018


def test_without_secret_key_the_session_reads_empty_and_refuses_writes() -> None:
    app = new_app()

    @app.get("/read")
    def read() -> str:
        return repr(session.get("user"))

    @app.get("/write")
    def write() -> str:
        session["user"] = "ada"
        return "unreachable"

    client = app.test_client()
    assert client.get("/read").text == "None"
    assert client.get("/write").status_code == 500
    app.testing = True
    with pytest.raises(RuntimeError, match="no secret key was set"):
        client.get("/write")


def test_session_round_trip_through_the_signed_cookie() -> None:
    app = new_app(SECRET_KEY="test secret")

    @app.post("/login")
    def login() -> str:
        session["user"] = request.args["name"]
        return "ok"

    @app.get("/me")
    def me() -> str:
        return str(session.get("user"))

    client = app.test_client()
    assert client.get("/me").text == "None"
    login_response = client.post("/login?name=ada")
    assert "session=" in login_response.headers["Set-Cookie"]
    assert "Cookie" in login_response.headers["Vary"]
    assert client.get("/me").text == "ada"
    app.secret_key = "another secret"  # the old cookie's signature no longer verifies
    assert client.get("/me").text == "None"


def test_flash_and_get_flashed_messages_in_a_template() -> None:
    from tinyweb import flash
    from tinyweb.rendering import render_template_string

    app = new_app(SECRET_KEY="test secret")

    @app.post("/save")
    def save() -> str:
        flash("Saved.", "info")
        return "saved"

    @app.get("/page")
    def page() -> str:
        return render_template_string(
            "{% for category, message in get_flashed_messages(with_categories=true) %}"
            "[{{ category }}: {{ message }}]{% endfor %}"
        )

    client = app.test_client()
    client.post("/save")
    assert client.get("/page").text == "[info: Saved.]"
    assert client.get("/page").text == ""  # shown once


def test_flask_documentation_flashing_template_works_as_written() -> None:
    # Flask's "Message Flashing" pattern, verbatim: {% with %} around the messages.
    from tinyweb import flash
    from tinyweb.rendering import render_template_string

    app = new_app(SECRET_KEY="test secret")
    layout = (
        "{% with messages = get_flashed_messages() %}\n"
        "  {% if messages %}\n"
        "    <ul class=flashes>\n"
        "    {% for message in messages %}\n"
        "      <li>{{ message }}</li>\n"
        "    {% endfor %}\n"
        "    </ul>\n"
        "  {% endif %}\n"
        "{% endwith %}"
    )

    @app.post("/login")
    def login() -> str:
        flash("You were <logged> in")
        return "ok"

    @app.get("/home")
    def home() -> str:
        return " ".join(render_template_string(layout).split())

    client = app.test_client()
    client.post("/login")
    assert client.get("/home").text == "<ul class=flashes> <li>You were &lt;logged&gt; in</li> </ul>"
    assert client.get("/home").text == ""


def test_an_untouched_session_without_cookies_sends_nothing() -> None:
    app = new_app(SECRET_KEY="test secret")
    response = app.test_client().get("/")
    assert "Set-Cookie" not in response.headers and "Vary" not in response.headers


# (url_for arguments, environ overrides, expected URL)
URL_FOR_CASES: list[tuple[str, dict[str, Any], dict[str, Any], str]] = [
    ("index", {}, {}, "/"),
    ("user", {"user_id": 7}, {}, "/users/7"),
    ("user", {"user_id": 7, "tab": "posts", "q": None}, {}, "/users/7?tab=posts"),
    ("user", {"user_id": 7, "tag": ["a", "b"]}, {}, "/users/7?tag=a&tag=b"),
    ("file", {"name": "a b/ü.txt"}, {}, "/files/a%20b/%C3%BC.txt"),
    ("user", {"user_id": 1}, {"SCRIPT_NAME": "/mounted"}, "/mounted/users/1"),
    ("index", {"_anchor": "top part"}, {}, "/#top%20part"),
    ("user", {"user_id": 1, "_external": True}, {}, "http://localhost/users/1"),
    ("index", {"_external": True, "_scheme": "https"}, {}, "https://localhost/"),
    ("index", {"_scheme": "https"}, {}, "https://localhost/"),  # a scheme makes it external
    (
        "index",
        {"_external": True},
        {"SCRIPT_NAME": "/app", "HTTP_HOST": "example.com:8080"},
        "http://example.com:8080/app/",
    ),
]


@pytest.mark.parametrize(("endpoint", "values", "overrides", "expected"), URL_FOR_CASES)
def test_url_for_inside_a_request(
    endpoint: str, values: dict[str, Any], overrides: dict[str, Any], expected: str
) -> None:
    app = new_app()
    with app.test_request_context("/", environ_overrides=overrides):
        assert url_for(endpoint, **values) == expected
        assert app.url_for(endpoint, **values) == expected


def test_url_for_method_picks_among_rules_of_one_endpoint() -> None:
    app = new_app()
    app.add_url_rule("/items", "items", lambda: "list", methods=["GET"])
    app.add_url_rule("/items/create", "items", methods=["POST"])
    with app.test_request_context("/"):
        assert url_for("items") == "/items"
        assert url_for("items", _method="POST") == "/items/create"


def test_url_for_prefers_a_rule_for_the_requests_method() -> None:
    """Flask's default: the current request's method picks first, then any rule."""
    app = new_app()
    app.add_url_rule("/items/new", "item", lambda: "form", methods=["POST"])
    app.add_url_rule("/items", "item", methods=["GET"])
    app.add_url_rule("/only-put", "put_only", lambda: "", methods=["PUT"])
    with app.test_request_context("/", method="GET"):
        assert url_for("item") == "/items"
        assert url_for("put_only") == "/only-put"  # no GET rule: any rule
    with app.test_request_context("/", method="POST"):
        assert url_for("item") == "/items/new"
    with app.test_request_context("/", method="HEAD"):
        assert url_for("item") == "/items"


def test_str_of_the_url_rule_is_the_rule() -> None:
    app = new_app()
    app.add_url_rule("/u/<int:n>", "u", lambda n: str(request.url_rule))
    assert app.test_client().get("/u/3").text == "/u/<int:n>"


def test_url_for_errors() -> None:
    app = new_app()
    with app.test_request_context("/"):
        with pytest.raises(BuildError):
            url_for("no_such_endpoint")
        with pytest.raises(BuildError):
            url_for("user")  # a missing value
        with pytest.raises(ValueError, match="_external"):
            url_for("index", _scheme="https", _external=False)


def test_url_for_outside_a_request_needs_server_name() -> None:
    app = new_app()
    with app.app_context():
        with pytest.raises(RuntimeError, match="SERVER_NAME"):
            url_for("index")
        app.config.update(SERVER_NAME="example.org", PREFERRED_URL_SCHEME="https")
        assert url_for("user", user_id=3) == "https://example.org/users/3"
        assert url_for("user", user_id=3, _external=False) == "/users/3"


# (SERVER_NAME, the request's base URL, url_for arguments, expected URL); Flask 3.1's
# answers for an app without host or subdomain rules.
SERVER_NAME_CASES: list[tuple[str | None, str, dict[str, Any], str]] = [
    # External URLs name SERVER_NAME, whatever host the request came to.
    ("example.com", "http://other.org/", {"_external": True}, "http://example.com/"),
    ("example.com", "https://other.org/", {"_external": True}, "https://example.com/"),
    ("example.com", "http://other.org/", {"_external": True, "_scheme": "https"},
     "https://example.com/"),
    ("example.com:8080", "http://example.com/", {"_external": True},
     "http://example.com:8080/"),
    # The request's script root stays; SERVER_NAME is lowercased.
    ("EXAMPLE.com", "http://other.org/root/", {"_external": True},
     "http://example.com/root/"),
    # The default port of the request's scheme is dropped, not that of _scheme.
    ("example.com:80", "http://other.org/", {"_external": True, "_scheme": "https"},
     "https://example.com/"),
    ("example.com:80", "https://other.org/", {"_external": True}, "https://example.com:80/"),
    ("example.com:443", "https://other.org/", {"_external": True}, "https://example.com/"),
    ("example.com:443", "http://other.org/", {"_external": True}, "http://example.com:443/"),
    # Relative URLs are relative; without SERVER_NAME the request's host is the host.
    ("example.com", "http://other.org/", {}, "/"),
    (None, "http://other.org:8080/", {"_external": True}, "http://other.org:8080/"),
]


@pytest.mark.parametrize(("server_name", "base_url", "values", "expected"), SERVER_NAME_CASES)
def test_url_for_external_inside_a_request_uses_server_name(
    server_name: str | None, base_url: str, values: dict[str, Any], expected: str
) -> None:
    app = new_app(SERVER_NAME=server_name)
    with app.test_request_context("/", base_url=base_url):
        assert url_for("index", **values) == expected


def test_server_name_does_not_restrict_which_hosts_are_served() -> None:
    """Flask 3.1: without subdomain_matching, a request to another host is routed."""
    app = new_app(SERVER_NAME="example.com")
    app.add_url_rule("/here", "here", lambda: url_for("here", _external=True))
    response = app.test_client().get("/here", headers={"Host": "other.org"})
    assert (response.status_code, response.text) == (200, "http://example.com/here")


def test_url_for_outside_a_request_lowercases_server_name_and_keeps_its_port() -> None:
    app = new_app(SERVER_NAME="Example.COM:80")
    with app.app_context():
        assert url_for("index") == "http://example.com:80/"


def test_with_client_preserves_the_last_request_context() -> None:
    app = new_app()
    torn_down: list[Any] = []
    app.teardown_request(torn_down.append)

    @app.get("/mark")
    def mark() -> str:
        g.mark = request.args["value"]
        return "ok"

    client = app.test_client()
    with client:
        client.get("/mark?value=1")
        assert request.args["value"] == "1" and g.mark == "1"
        assert torn_down == []  # the preserved context is not torn down yet
        client.get("/mark?value=2")
        assert request.args["value"] == "2"
        assert torn_down == [None]
    assert not has_request_context()
    assert torn_down == [None, None]


def test_test_request_context_uses_the_configured_server() -> None:
    """Flask builds the test URL from SERVER_NAME, APPLICATION_ROOT and the scheme."""
    app = new_app()
    app.config.update(SERVER_NAME="example.org", APPLICATION_ROOT="/shop")
    app.config["PREFERRED_URL_SCHEME"] = "https"
    app.add_url_rule("/cart", "cart", lambda: "")
    with app.test_request_context("/cart"):
        assert request.url == "https://example.org/shop/cart"
        assert url_for("cart", _external=True) == "https://example.org/shop/cart"
    with app.test_request_context("/cart", base_url="http://other.test/"):
        assert request.url == "http://other.test/cart"
    assert new_app().test_base_url() == "http://localhost/"


def test_the_test_client_uses_the_configured_server_too() -> None:
    app = new_app()
    app.config.update(SERVER_NAME="example.org", PREFERRED_URL_SCHEME="https")
    app.add_url_rule("/where", "where", lambda: request.url)
    client = app.test_client()
    assert client.get("/where").text == "https://example.org/where"
    assert client.get("/where", base_url="http://other.test/").text == "http://other.test/where"
