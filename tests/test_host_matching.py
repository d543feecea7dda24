"""Hosts and subdomains in routing (tinyweb.host_routing), as Flask 3.1 over Werkzeug 3.1.

Tables of (host, path) -> status and body; then blueprints, url_for, static_host, bad
input, and a round-trip property: url_for of a subdomain rule routes back to its values.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from docs_snippets import markdown_python_blocks, run_snippet, same_output
from hypothesis import given, settings
from hypothesis import strategies as st

from tinyweb import App, Blueprint, url_for
from tinyweb.routing import BuildError, RuleError


def show(name: str) -> Any:
    """A view that answers ``name`` and its sorted view arguments."""

    def view(**values: Any) -> str:
        return name + "".join(f" {key}={value}" for key, value in sorted(values.items()))

    view.__name__ = name
    return view


def subdomain_app(**options: Any) -> App:
    """``index`` on the bare domain, ``api`` and ``<user>`` subdomains, ``item`` anywhere."""
    app = App(__name__, static_folder=None, **options)
    app.add_url_rule("/", "index", show("index"))
    app.add_url_rule("/", "api", show("api"), subdomain="api")
    app.add_url_rule("/status", "status", show("status"), subdomain="api")
    app.add_url_rule("/", "profile", show("profile"), subdomain="<user>")
    app.add_url_rule("/posts/<int:post>", "post", show("post"), subdomain="<user>")
    return app


def fetch(app: App, host: str, path: str = "/", method: str = "GET") -> tuple[int, str]:
    response = app.test_client().open(path, method=method, headers={"Host": host})
    return response.status_code, response.get_data(as_text=True)


SUBDOMAIN_TABLE = [
    ("example.com", "/", 200, "index"),
    ("api.example.com", "/", 200, "api"),
    ("api.example.com", "/status", 200, "status"),
    ("alice.example.com", "/", 200, "profile user=alice"),
    ("alice.example.com", "/posts/7", 200, "post post=7 user=alice"),
    ("alice.example.com", "/posts/x", 404, ""),
    # A static subdomain is tried first; a path it lacks falls to the pattern.
    ("api.example.com", "/posts/3", 200, "post post=3 user=api"),
    ("a.b.example.com", "/", 200, "profile user=a.b"),  # <user> takes dots, as Werkzeug
    ("example.com", "/status", 404, ""),
    # Hosts are compared lowercased, without the scheme's default port.
    ("ALICE.Example.COM", "/", 200, "profile user=alice"),
    ("alice.example.com:80", "/", 200, "profile user=alice"),
    # Outside SERVER_NAME, no rule matches: another domain, another port.
    ("example.org", "/", 404, ""),
    ("alice.example.org", "/", 404, ""),
    ("example.com:8080", "/", 404, ""),
    ("com", "/", 404, ""),
]


@pytest.mark.parametrize(("host", "path", "status", "body"), SUBDOMAIN_TABLE)
def test_subdomain_matching_reads_the_labels_before_server_name(
    host: str, path: str, status: int, body: str
) -> None:
    app = subdomain_app(subdomain_matching=True)
    app.config["SERVER_NAME"] = "example.com"
    got_status, got_body = fetch(app, host, path)
    assert got_status == status
    if status == 200:
        assert got_body == body


@pytest.mark.parametrize("host", ["example.com", "api.example.com", "other.org", "x:1"])
def test_without_subdomain_matching_subdomain_rules_are_for_url_for_only(host: str) -> None:
    # Flask 3.1: SERVER_NAME no longer restricts routing unless subdomain_matching is on.
    app = subdomain_app()
    app.config["SERVER_NAME"] = "example.com"
    assert fetch(app, host) == (200, "index")
    assert fetch(app, host, "/status")[0] == 404


def test_subdomain_matching_without_server_name_sees_no_subdomain() -> None:
    app = subdomain_app(subdomain_matching=True)
    assert fetch(app, "alice.example.com") == (200, "index")
    assert fetch(app, "api.example.com", "/status")[0] == 404


def test_server_name_with_a_port_must_match_the_port() -> None:
    app = subdomain_app(subdomain_matching=True)
    app.config["SERVER_NAME"] = "example.com:8080"
    assert fetch(app, "alice.example.com:8080") == (200, "profile user=alice")
    assert fetch(app, "alice.example.com")[0] == 404


def test_server_name_default_port_is_dropped_for_its_scheme() -> None:
    app = subdomain_app(subdomain_matching=True)
    app.config["SERVER_NAME"] = "example.com:80"
    assert fetch(app, "alice.example.com") == (200, "profile user=alice")


def test_missing_host_header_uses_server_name_and_port_of_the_environ() -> None:
    app = subdomain_app(subdomain_matching=True)
    app.config["SERVER_NAME"] = "example.com"
    client = app.test_client()
    overrides = {"HTTP_HOST": "", "SERVER_NAME": "bob.example.com", "SERVER_PORT": "80"}
    response = client.get("/", environ_overrides=overrides)
    assert response.get_data(as_text=True) == "profile user=bob"


@pytest.mark.parametrize(
    "host", ["a b.example.com", "ex/ample.com", "user@example.com", "[::1", "é.example.com"]
)
def test_a_malformed_host_is_a_400_not_a_crash(host: str) -> None:
    app = subdomain_app(subdomain_matching=True)
    app.config["SERVER_NAME"] = "example.com"
    status, body = fetch(app, host)
    assert status == 400
    assert "not a valid host name" in body


def test_a_malformed_host_does_not_matter_when_the_host_is_not_read() -> None:
    assert fetch(subdomain_app(), "a b") == (200, "index")


def test_405_and_308_work_as_for_path_only_rules() -> None:
    app = App(__name__, static_folder=None, subdomain_matching=True)
    app.config["SERVER_NAME"] = "example.com"
    app.add_url_rule("/items/", "items", show("items"), subdomain="api", methods=["POST"])
    app.add_url_rule("/items/", "list", show("list"), subdomain="<tenant>", methods=["PUT"])
    client = app.test_client()
    response = client.get("/items/", headers={"Host": "api.example.com"})
    assert response.status_code == 405
    assert response.headers["Allow"] == "OPTIONS, POST, PUT"  # both domains knew the path
    response = client.post("/items", headers={"Host": "api.example.com"})
    assert response.status_code == 308
    assert response.headers["Location"].endswith("/items/")
    response = client.options("/items/", headers={"Host": "api.example.com"})
    assert response.status_code == 200


# -- host matching ------------------------------------------------------------------------


def host_app() -> App:
    app = App(__name__, static_folder=None, host_matching=True)
    app.add_url_rule("/", "home", show("home"), host="example.com")
    app.add_url_rule("/", "site", show("site"), host="<site>.example.com")
    app.add_url_rule("/", "local", show("local"), host="[::1]:8080")
    app.add_url_rule("/", "nohost", show("nohost"))  # no host: only the empty host
    return app


@pytest.mark.parametrize(
    ("host", "status", "body"),
    [
        ("example.com", 200, "home"),
        ("EXAMPLE.COM:80", 200, "home"),
        ("blog.example.com", 200, "site site=blog"),
        ("[::1]:8080", 200, "local"),
        ("[::1]", 404, ""),
        ("example.com:8080", 404, ""),
        ("other.org", 404, ""),
    ],
)
def test_host_matching_matches_the_whole_host(host: str, status: int, body: str) -> None:
    got_status, got_body = fetch(host_app(), host)
    assert got_status == status
    if status == 200:
        assert got_body == body


def test_host_matching_keeps_the_flags_on_url_map_and_rules() -> None:
    app = host_app()
    assert app.url_map.host_matching is True
    hosts = {rule.endpoint: rule.host for rule in app.url_map.iter_rules()}
    assert hosts == {"home": "example.com", "site": "<site>.example.com",
                     "local": "[::1]:8080", "nohost": None}  # fmt: skip
    assert App(__name__).url_map.host_matching is False


def test_static_route_goes_on_static_host(tmp_path: Any) -> None:
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "site.css").write_text("body {}")
    app = App(__name__, root_path=str(tmp_path), host_matching=True, static_host="cdn.test")
    client = app.test_client()
    assert client.get("/static/site.css", headers={"Host": "cdn.test"}).text == "body {}"
    assert client.get("/static/site.css", headers={"Host": "example.com"}).status_code == 404
    with app.test_request_context("/", base_url="http://example.com/"):
        assert url_for("static", filename="site.css") == "http://cdn.test/static/site.css"
    with app.test_request_context("/", base_url="http://cdn.test/"):
        assert url_for("static", filename="site.css") == "/static/site.css"


@pytest.mark.parametrize("options", [{"host_matching": True}, {"static_host": "cdn.test"}])
def test_static_host_and_host_matching_go_together(options: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="static_host"):
        App(__name__, **options)


def test_host_matching_without_a_static_folder_needs_no_static_host() -> None:
    assert App(__name__, static_folder=None, host_matching=True).url_map.host_matching


def test_host_and_subdomain_each_need_their_mode() -> None:
    app = App(__name__, static_folder=None)
    with pytest.raises(ValueError, match="host_matching=True"):
        app.add_url_rule("/", "a", show("a"), host="example.com")
    with pytest.raises(ValueError, match="host_matching=False"):
        host_app().add_url_rule("/x", "b", show("b"), subdomain="api")


@pytest.mark.parametrize(
    ("pattern", "message"),
    [("API", "lowercase"), ("a/b", "without '/'"), ("<int:x", "invalid rule syntax")],
)
def test_bad_domain_patterns_fail_at_registration(pattern: str, message: str) -> None:
    with pytest.raises(RuleError, match=message):
        App(__name__).add_url_rule("/", "a", show("a"), subdomain=pattern)


def test_a_path_variable_may_not_repeat_the_domain_variable() -> None:
    with pytest.raises(RuleError, match="repeats"):
        App(__name__).add_url_rule("/<user>", "a", show("a"), subdomain="<user>")


def test_an_app_without_domains_matches_with_its_router_alone() -> None:
    app = App(__name__)
    app.add_url_rule("/", "index", show("index"))
    assert app.host_routes is None  # the default case pays one `is None` per request


# -- blueprints ---------------------------------------------------------------------------


def test_blueprint_subdomain_applies_to_its_rules_unless_a_rule_names_one() -> None:
    bp = Blueprint("admin", __name__, subdomain="admin")
    bp.add_url_rule("/", "home", show("home"))
    bp.add_url_rule("/help", "help", show("help"), subdomain="help")
    app = App(__name__, static_folder=None, subdomain_matching=True)
    app.config["SERVER_NAME"] = "example.com"
    app.register_blueprint(bp)
    assert fetch(app, "admin.example.com") == (200, "home")
    assert fetch(app, "help.example.com", "/help") == (200, "help")
    assert fetch(app, "example.com")[0] == 404


def test_register_blueprint_subdomain_overrides_the_blueprints() -> None:
    bp = Blueprint("shop", __name__, subdomain="shop")
    bp.add_url_rule("/", "home", show("home"))
    app = App(__name__, static_folder=None, subdomain_matching=True)
    app.config["SERVER_NAME"] = "example.com"
    app.register_blueprint(bp, subdomain="store")
    assert fetch(app, "store.example.com") == (200, "home")
    assert fetch(app, "shop.example.com")[0] == 404


@pytest.mark.parametrize(
    ("parent_subdomain", "child_subdomain", "expected"),
    [("api", "v1", "v1.api"), ("api", None, "api"), (None, "v1", "v1"), (None, None, "")],
)
def test_nested_blueprints_join_subdomains_child_first(
    parent_subdomain: str | None, child_subdomain: str | None, expected: str
) -> None:
    parent = Blueprint("parent", __name__, subdomain=parent_subdomain)
    child = Blueprint("child", __name__, subdomain=child_subdomain)
    child.add_url_rule("/c", "view", show("view"))
    parent.register_blueprint(child)
    app = App(__name__, static_folder=None, subdomain_matching=True)
    app.config["SERVER_NAME"] = "example.com"
    app.register_blueprint(parent)
    [rule] = app.url_map.iter_rules("parent.child.view")
    assert rule.subdomain == expected
    host = f"{expected}.example.com" if expected else "example.com"
    assert fetch(app, host, "/c") == (200, "view")


# -- url_for ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("request_host", "endpoint", "values", "url"),
    [
        ("example.com", "index", {}, "/"),
        ("example.com", "api", {}, "http://api.example.com/"),
        ("example.com", "profile", {"user": "bob"}, "http://bob.example.com/"),
        ("bob.example.com", "profile", {"user": "bob"}, "/"),
        ("bob.example.com", "post", {"user": "bob", "post": 2}, "/posts/2"),
        ("bob.example.com", "post", {"user": "eve", "post": 2}, "http://eve.example.com/posts/2"),
        ("bob.example.com", "index", {}, "http://example.com/"),
        ("api.example.com", "status", {"q": "x"}, "/status?q=x"),
    ],
)
def test_url_for_is_external_only_for_another_host(
    request_host: str, endpoint: str, values: dict[str, Any], url: str
) -> None:
    app = subdomain_app(subdomain_matching=True)
    app.config["SERVER_NAME"] = "example.com"
    with app.test_request_context("/", base_url=f"http://{request_host}/"):
        assert url_for(endpoint, **values) == url


def test_url_for_external_names_the_rules_host() -> None:
    app = subdomain_app(subdomain_matching=True)
    app.config["SERVER_NAME"] = "example.com"
    with app.test_request_context("/", base_url="https://bob.example.com/"):
        assert url_for("profile", user="bob", _external=True) == "https://bob.example.com/"
        assert url_for("api", _scheme="http", _external=True) == "http://api.example.com/"


def test_url_for_outside_a_request_uses_server_name() -> None:
    app = subdomain_app()
    app.config["SERVER_NAME"] = "example.com:8080"
    with app.app_context():
        assert url_for("profile", user="ann") == "http://ann.example.com:8080/"
        assert url_for("index") == "http://example.com:8080/"


def test_url_for_outside_a_request_keeps_the_server_names_port() -> None:
    """Werkzeug binds SERVER_NAME as it is outside a request, lowercased: ``:80`` stays."""
    app = subdomain_app(subdomain_matching=True)
    app.config["SERVER_NAME"] = "Example.COM:80"
    with app.app_context():
        assert url_for("api") == "http://api.example.com:80/"


def test_url_for_drops_the_default_port_of_the_requests_scheme_not_of_scheme() -> None:
    app = subdomain_app(subdomain_matching=True)
    app.config["SERVER_NAME"] = "example.com:80"
    with app.test_request_context("/", base_url="http://example.com/"):
        assert url_for("index", _external=True, _scheme="https") == "https://example.com/"
        assert url_for("api", _external=True, _scheme="https") == "https://api.example.com/"


def test_url_for_without_subdomain_matching_builds_on_server_name() -> None:
    app = subdomain_app()
    app.config["SERVER_NAME"] = "example.com"
    with app.test_request_context("/", base_url="http://other.org/"):
        assert url_for("index", _external=True) == "http://example.com/"
        assert url_for("api") == "http://api.example.com/"


def test_url_for_without_subdomain_matching_puts_subdomains_before_the_request_host() -> None:
    app = subdomain_app()
    with app.test_request_context("/", base_url="http://localhost:5000/"):
        assert url_for("api") == "http://api.localhost:5000/"
        assert url_for("index") == "/"


def test_url_for_with_host_matching() -> None:
    app = host_app()
    with app.test_request_context("/", base_url="http://example.com/"):
        assert url_for("home") == "/"
        assert url_for("site", site="blog") == "http://blog.example.com/"
        assert url_for("nohost") == "/"  # no host: the current one (Werkzeug: "http:///")
    app.config["SERVER_NAME"] = "blog.example.com"
    with app.app_context():
        assert url_for("site", site="blog", _external=False) == "/"
        assert url_for("home") == "http://example.com/"


@pytest.mark.parametrize("value", ["a b", "x/y", "a:1", "", "q?"])
def test_url_for_refuses_a_value_that_is_no_host(value: str) -> None:
    app = subdomain_app()
    with app.test_request_context("/"), pytest.raises(BuildError):
        url_for("profile", user=value)


def test_default_subdomain_is_the_subdomain_of_rules_without_one() -> None:
    app = subdomain_app(subdomain_matching=True)
    app.url_map.default_subdomain = "www"
    app.config["SERVER_NAME"] = "example.com"
    assert fetch(app, "www.example.com") == (200, "index")
    assert fetch(app, "example.com")[0] == 404
    with app.app_context():
        assert url_for("index") == "http://www.example.com/"


LABEL = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True)


@settings(max_examples=60, deadline=None)
@given(user=st.lists(LABEL, min_size=1, max_size=3).map(".".join), post=st.integers(0, 10**6))
def test_url_for_of_a_subdomain_rule_routes_back_to_its_values(user: str, post: int) -> None:
    app = subdomain_app(subdomain_matching=True)
    app.config["SERVER_NAME"] = "example.com"
    with app.app_context():
        url = url_for("post", user=user, post=post)
    response = app.test_client().get(url)
    assert response.get_data(as_text=True) == f"post post={post} user={user}"


def test_routing_md_host_snippets_run_and_print_what_the_page_shows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    text = (Path(__file__).parent.parent / "docs" / "routing.md").read_text("utf-8")
    section = text[text.index("## Hosts and subdomains") : text.index("## Introspection")]
    offset = text[: text.index("## Hosts and subdomains")].count("\n")
    snippets = list(markdown_python_blocks("\n" * offset + section, "docs/routing.md"))
    assert len(snippets) == 2 and all(snippet.output for snippet in snippets)
    namespace: dict[str, Any] = {"__name__": "docs_snippet"}
    for snippet in snippets:
        printed = run_snippet(snippet, namespace)
        assert same_output(printed, snippet.output or ""), f"{snippet.name} printed\n{printed}"


def test_url_for_says_which_host_value_is_missing() -> None:
    app = subdomain_app()
    with app.test_request_context("/"), pytest.raises(BuildError, match="needs values for user"):
        url_for("profile")
    with app.test_request_context("/"), pytest.raises(BuildError, match="no rule"):
        url_for("nothing")


def test_url_for_refuses_host_values_that_would_route_back_differently() -> None:
    app = App(__name__, static_folder=None, host_matching=True)
    app.add_url_rule("/", "pair", show("pair"), host="<a>-<b>.example.com")
    with app.test_request_context("/", base_url="http://example.com/"):
        assert url_for("pair", a="x", b="y") == "http://x-y.example.com/"
        with pytest.raises(BuildError, match="route back"):
            url_for("pair", a="x", b="y-z")
    assert fetch(app, "x-y.example.com") == (200, "pair a=x b=y")


def test_test_client_and_request_context_take_a_subdomain() -> None:
    app = subdomain_app(subdomain_matching=True)
    app.config["SERVER_NAME"] = "example.com"
    assert app.test_client().get("/", subdomain="carol").text == "profile user=carol"
    with app.test_request_context("/posts/3", subdomain="dan") as context:
        assert context.request.view_args == {"user": "dan", "post": 3}
        assert url_for("post", user="dan", post=4) == "/posts/4"
    with pytest.raises(ValueError, match="subdomain"):
        app.test_client().get("/", subdomain="x", base_url="http://example.com/")


@settings(max_examples=60, deadline=None)
@given(first=LABEL, second=LABEL)
def test_url_for_of_a_host_rule_routes_back_or_refuses(first: str, second: str) -> None:
    app = App(__name__, static_folder=None, host_matching=True)
    app.add_url_rule("/", "pair", show("pair"), host="<a>-<b>.example.com")
    with app.test_request_context("/", base_url="http://example.com/"):
        try:
            url = url_for("pair", a=first, b=second)
        except BuildError:
            assert "-" in first + second  # only a dash inside a value can shift the split
            return
    assert app.test_client().get(url).text == f"pair a={first} b={second}"


def test_url_for_prefers_the_rule_on_the_current_host() -> None:
    app = App(__name__, static_folder=None, host_matching=True)
    view = show("index")
    app.add_url_rule("/", "index", view, host="a.test")
    app.add_url_rule("/", "index", view, host="b.test")
    with app.test_request_context("/", base_url="http://b.test/"):
        assert url_for("index") == "/"
    with app.test_request_context("/", base_url="http://c.test/"):
        assert url_for("index") == "http://a.test/"  # none is current: the first


def test_is_endpoint_expecting_counts_the_domains_variables() -> None:
    app = subdomain_app()
    assert app.url_map.is_endpoint_expecting("post", "user", "post")
    assert not app.url_map.is_endpoint_expecting("index", "user")


def test_rules_declare_their_domain_and_its_variables() -> None:
    app = subdomain_app()
    rules = {rule.endpoint: rule for rule in app.url_map.iter_rules()}
    assert (rules["index"].subdomain, rules["index"].host, rules["index"].domain_arguments) == (
        "",
        None,
        (),
    )
    assert (rules["post"].subdomain, rules["post"].domain_arguments) == ("<user>", ("user",))
    assert rules["post"].arguments == ("post",)  # the path's variables only


def count_domain_readings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record each host that ``host_routing.request_domain`` is asked about."""
    from tinyweb import host_routing

    hosts: list[str] = []
    original = host_routing.request_domain

    def counting(host: str, *rest: Any) -> Any:
        hosts.append(host)
        return original(host, *rest)

    monkeypatch.setattr(host_routing, "request_domain", counting)
    return hosts


def test_the_requests_domain_is_worked_out_once_per_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = subdomain_app(subdomain_matching=True)
    app.config["SERVER_NAME"] = "example.com"
    hosts = count_domain_readings(monkeypatch)
    with app.test_request_context("/", base_url="http://bob.example.com/"):
        urls = [url_for("index"), url_for("profile", user="bob"), url_for("api")]
    assert urls == ["http://example.com/", "/", "http://api.example.com/"]
    assert hosts == ["bob.example.com"]  # routing read it; url_for reused it


def test_a_changed_server_name_is_not_answered_from_the_old_reading() -> None:
    app = subdomain_app(subdomain_matching=True)
    app.config["SERVER_NAME"] = "example.com"
    with app.test_request_context("/", base_url="http://bob.example.com/"):
        assert url_for("profile", user="bob") == "/"
        app.config["SERVER_NAME"] = "bob.example.com"  # the request is now on the bare name
        assert url_for("index") == "/"


def test_url_for_on_a_malformed_host_names_every_host() -> None:
    app = subdomain_app(subdomain_matching=True)
    app.config["SERVER_NAME"] = "example.com"
    with app.test_request_context("/", base_url="http://a b/"):
        assert url_for("index") == "http://example.com/"
        assert url_for("index") == "http://example.com/"  # asked again, same answer
