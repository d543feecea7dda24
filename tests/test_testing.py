"""The test client: environ building, running any WSGI app, cookies, redirects and the
``with client:`` context protocol. Apps run under ``wsgiref.validate.validator`` too."""

from __future__ import annotations

import io
import json
import warnings
from collections.abc import Iterator
from typing import Any, Callable
from wsgiref.validate import validator

import pytest

from tinyweb.datastructures import FileStorage, MultiDict
from tinyweb.request import Request
from tinyweb.response import Response, redirect
from tinyweb.testing import (
    PRESERVE_CONTEXT_KEY,
    Client,
    Cookie,
    TestResponse,
    build_environ,
    parse_set_cookie,
    run_wsgi_app,
)


def echo(environ: dict[str, Any], start_response: Any) -> Any:
    """Describe the request as JSON (a plain WSGI function: no tinyweb App)."""
    request = Request(environ)
    description = {
        "method": request.method,
        "path": request.path,
        "root": request.root_path,
        "host": request.host,
        "scheme": request.scheme,
        "args": request.args.to_dict(flat=False),
        "form": request.form.to_dict(flat=False),
        "files": {
            name: [upload.filename, upload.content_type, upload.read().decode()]
            for name, upload in request.files.items(multi=True)
        },
        "json": request.get_json(silent=True),
        "data": request.get_data(as_text=True) if not request.files else "",
        "content_type": request.content_type,
        "cookie": environ.get("HTTP_COOKIE"),
        "headers": {name: value for name, value in request.headers if name.startswith("X-")},
    }
    body = json.dumps(description).encode()
    start_response("200 OK", [("Content-Type", "application/json")])
    return [body]


@pytest.fixture(params=["plain", "validated"])
def client(request: pytest.FixtureRequest) -> Client:
    application = echo if request.param == "plain" else validator(echo)
    return Client(application)


# -- build_environ ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "kwargs", "expected"),
    [
        (("/a",), {}, {"PATH_INFO": "/a", "QUERY_STRING": "", "REQUEST_METHOD": "GET"}),
        (("/a?x=1&y=2",), {}, {"PATH_INFO": "/a", "QUERY_STRING": "x=1&y=2"}),
        (("/caf%C3%A9",), {}, {"PATH_INFO": "/caf\xc3\xa9", "RAW_URI": "/caf%C3%A9"}),
        (("/café",), {}, {"PATH_INFO": "/caf\xc3\xa9"}),
        (("/", "post"), {}, {"REQUEST_METHOD": "POST"}),
        (("/",), {"query_string": {"a": ["1", "2"], "b": "x y"}}, {"QUERY_STRING": "a=1&a=2&b=x+y"}),
        (("/",), {"query_string": [("k", 1)]}, {"QUERY_STRING": "k=1"}),
        (("/",), {"query_string": "q=é"}, {"QUERY_STRING": "q=%C3%A9"}),
        (("/",), {"query_string": b"raw=%41"}, {"QUERY_STRING": "raw=%41"}),
        (
            ("https://example.com:8443/x?y=1",),
            {},
            {
                "wsgi.url_scheme": "https",
                "HTTP_HOST": "example.com:8443",
                "SERVER_NAME": "example.com",
                "SERVER_PORT": "8443",
                "PATH_INFO": "/x",
                "QUERY_STRING": "y=1",
            },
        ),
        (
            ("/x",),
            {"base_url": "https://example.com/app/"},
            {"SCRIPT_NAME": "/app", "PATH_INFO": "/x", "SERVER_PORT": "443", "RAW_URI": "/app/x"},
        ),
        (("/",), {"headers": {"X-A": "1", "Content-Type": "text/x"}}, {"HTTP_X_A": "1", "CONTENT_TYPE": "text/x"}),
        (("/",), {"headers": [("X-A", "1"), ("x-a", "2")]}, {"HTTP_X_A": "1, 2"}),
        (("/",), {"headers": [("Cookie", "a=1"), ("Cookie", "b=2")]}, {"HTTP_COOKIE": "a=1; b=2"}),
        (("/",), {"environ_overrides": {"REMOTE_ADDR": "10.1.1.1"}}, {"REMOTE_ADDR": "10.1.1.1"}),
        (("/",), {"data": "é"}, {"CONTENT_LENGTH": "2"}),
        (("/",), {"data": b"abc", "content_type": "text/plain"}, {"CONTENT_LENGTH": "3", "CONTENT_TYPE": "text/plain"}),
        (
            ("/",),
            {"data": {"a": "1", "b": ["2", "3"]}},
            {"CONTENT_TYPE": "application/x-www-form-urlencoded", "CONTENT_LENGTH": "11"},
        ),
        (("/",), {"json": {"b": 1, "a": None}}, {"CONTENT_TYPE": "application/json", "CONTENT_LENGTH": "16"}),
    ],
)  # fmt: skip
def test_build_environ(
    args: tuple[Any, ...], kwargs: dict[str, Any], expected: dict[str, Any]
) -> None:
    environ = build_environ(*args, **kwargs)
    for key, value in expected.items():
        assert environ[key] == value, key
    # Every environ is a valid PEP 3333 environ.
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a validator warning fails the test
        status, _, _ = run_wsgi_app(validator(echo), environ)
    assert status == "200 OK"


def test_build_environ_base_auth_and_multipart_content_type() -> None:
    environ = build_environ(
        "/",
        environ_base={"REMOTE_ADDR": "10.9.9.9", "PATH_INFO": "/ignored"},
        auth=("ada", "pw:1"),
        data={"a": "1"},
        content_type="multipart/form-data",  # as Flask tests often write it
    )
    assert environ["REMOTE_ADDR"] == "10.9.9.9" and environ["PATH_INFO"] == "/"
    assert environ["HTTP_AUTHORIZATION"] == "Basic YWRhOnB3OjE="
    request = Request(environ)
    assert request.mimetype == "multipart/form-data"
    assert request.form["a"] == "1"


def test_build_environ_without_body_has_no_content_length() -> None:
    environ = build_environ("/")
    assert "CONTENT_LENGTH" not in environ and "CONTENT_TYPE" not in environ
    assert environ["wsgi.input"].read() == b""


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"path": "/a?x=1", "query_string": "y=2"}, ValueError),
        ({"data": "x", "json": {}}, TypeError),
    ],
)
def test_build_environ_refuses_ambiguous_input(
    kwargs: dict[str, Any], error: type[Exception]
) -> None:
    with pytest.raises(error):
        build_environ(**kwargs)


# -- run_wsgi_app ----------------------------------------------------------------------------


def test_run_wsgi_app_collects_write_and_iterable_and_closes() -> None:
    closed: list[bool] = []

    class Body:
        def __iter__(self) -> Iterator[bytes]:
            return iter([b"b", b"c"])

        def close(self) -> None:
            closed.append(True)

    def application(environ: dict[str, Any], start_response: Any) -> Any:
        write = start_response("201 Created", [("X-A", "1")])
        write(b"a")
        return Body()

    assert run_wsgi_app(application, build_environ()) == ("201 Created", [("X-A", "1")], b"abc")
    assert closed == [True]


@pytest.mark.parametrize(
    ("application", "error"),
    [
        (lambda environ, start_response: [b"never started"], RuntimeError),
        (lambda environ, start_response: (start_response("200 OK", []), ["text"])[1], TypeError),
    ],
)
def test_run_wsgi_app_reports_broken_apps(application: Any, error: type[Exception]) -> None:
    with pytest.raises(error):
        run_wsgi_app(application, build_environ())


def test_run_wsgi_app_allows_replacing_headers_before_the_body() -> None:
    def application(environ: dict[str, Any], start_response: Any) -> Any:
        start_response("200 OK", [])
        try:
            raise ValueError("late")
        except ValueError:
            import sys

            start_response("500 Internal Server Error", [], sys.exc_info())
        return [b"error"]

    assert run_wsgi_app(application, build_environ())[0] == "500 Internal Server Error"


def test_closing_happens_even_when_iteration_fails() -> None:
    events: list[str] = []

    def generate() -> Iterator[bytes]:
        try:
            yield b"x"
            raise RuntimeError("mid-body")
        finally:
            events.append("closed")

    def application(environ: dict[str, Any], start_response: Any) -> Any:
        start_response("200 OK", [])
        return generate()

    with pytest.raises(RuntimeError, match="mid-body"):
        run_wsgi_app(application, build_environ())
    assert events == ["closed"]


# -- the client on any WSGI app --------------------------------------------------------------


def test_client_methods(client: Client) -> None:
    for method in ["get", "post", "put", "patch", "delete", "options"]:
        response = getattr(client, method)("/m")
        assert response.get_json()["method"] == method.upper()
    head = client.head("/m")
    assert head.status_code == 200 and head.data == b""


def test_client_request_shapes(client: Client) -> None:
    response = client.post(
        "/p?x=1",
        data={"name": "Ada", "tags": ["a", "é"]},
        headers={"X-Trace": "t1"},
    )
    body = response.get_json()
    assert body["args"] == {"x": ["1"]}
    assert body["form"] == {"name": ["Ada"], "tags": ["a", "é"]}
    assert body["headers"] == {"X-Trace": "t1"}
    assert client.post("/", json=[1, "é"]).get_json()["json"] == [1, "é"]
    assert (
        client.put("/", data="raw text", content_type="text/plain").get_json()["data"] == "raw text"
    )
    assert client.get("/", query_string={"q": "a b"}).get_json()["args"] == {"q": ["a b"]}


@pytest.mark.parametrize(
    "make_file",
    [
        lambda: (io.BytesIO(b"content"), "notes.txt"),
        lambda: (io.BytesIO(b"content"), "notes.txt", "text/plain"),
        lambda: (b"content", "notes.txt"),
        lambda: FileStorage(io.BytesIO(b"content"), "notes.txt", content_type="text/plain"),
    ],
)
def test_client_uploads_files_as_multipart(client: Client, make_file: Any) -> None:
    body = client.post("/upload", data={"title": "T", "doc": make_file()}).get_json()
    assert body["form"] == {"title": ["T"]}
    name, content_type, content = body["files"]["doc"]
    assert name == "notes.txt" and content == "content"
    assert content_type in ("text/plain", "application/octet-stream")
    assert body["content_type"].startswith("multipart/form-data; boundary=")


def test_client_takes_werkzeugs_mimetype_and_buffered(client: Client) -> None:
    # Flask tests write client.post(url, data=..., mimetype=...) and buffered=True.
    answer = client.post("/", data="<a/>", mimetype="application/xml", buffered=True).get_json()
    assert answer["content_type"] == "application/xml" and answer["data"] == "<a/>"


def test_client_uploads_an_open_file(client: Client, tmp_path: Any) -> None:
    path = tmp_path / "report.csv"
    path.write_bytes(b"a,b\n")
    with open(path, "rb") as handle:
        body = client.post("/", data=MultiDict([("f", handle)])).get_json()
    assert body["files"]["f"][0] == "report.csv"
    assert body["files"]["f"][2] == "a,b\n"


def test_test_response_attributes(client: Client) -> None:
    response = client.get("/x?y=1")
    assert isinstance(response, TestResponse) and isinstance(response, Response)
    assert response.status_code == 200 and response.status == "200 OK"
    assert response.headers["Content-Type"] == "application/json"
    assert response.json == response.get_json() == json.loads(response.text)
    assert response.data == response.text.encode()
    assert isinstance(response.request, Request)
    assert response.request.path == "/x" and response.request.args["y"] == "1"
    assert response.history == ()


def test_test_response_shows_only_the_headers_the_app_sent() -> None:
    def no_content(environ: dict[str, Any], start_response: Any) -> Any:
        start_response("204 No Content", [])
        return []

    response = Client(no_content).get("/")
    assert response.status_code == 204
    assert response.headers.to_wsgi_list() == []


def test_client_runs_a_tinyweb_response_as_an_app() -> None:
    response = Client(validator(Response("hi", 201, {"X-A": "1"}))).get("/")
    assert (response.status_code, response.text, response.headers["X-A"]) == (201, "hi", "1")


# -- cookies ---------------------------------------------------------------------------------


def cookie_app(environ: dict[str, Any], start_response: Any) -> Any:
    """Sets cookies as the query asks (?set=name:value:attributes), echoes Cookie."""
    request = Request(environ)
    response = Response(environ.get("HTTP_COOKIE", ""), mimetype="text/plain")
    for instruction in request.args.getlist("set"):
        name, value, *attributes = instruction.split(":")
        options: dict[str, Any] = {}
        for attribute in attributes:
            key, _, argument = attribute.partition("=")
            if key == "nopath":
                options["path"] = None
                continue
            options[key] = int(argument) if argument.lstrip("-").isdigit() else (argument or True)
        response.set_cookie(name, value, **options)
    for name in request.args.getlist("delete"):
        response.delete_cookie(name)
    return response(environ, start_response)


@pytest.fixture(params=["plain", "validated"])
def cookie_client(request: pytest.FixtureRequest) -> Client:
    return Client(cookie_app if request.param == "plain" else validator(cookie_app))


def test_cookies_are_stored_and_sent_back(cookie_client: Client) -> None:
    cookie_client.get("/", query_string={"set": ["a:1", "b:x y"]})
    assert cookie_client.get("/").text == 'a=1; b="x y"'
    cookie = cookie_client.get_cookie("b")
    assert cookie is not None and cookie.value == '"x y"' and cookie.decoded_value == "x y"


def test_cookie_deletion(cookie_client: Client) -> None:
    cookie_client.get("/", query_string={"set": ["a:1", "b:2"]})
    cookie_client.get("/", query_string={"delete": "a"})  # Max-Age=0 and Expires in 1970
    assert cookie_client.get("/").text == "b=2"
    cookie_client.get("/", query_string={"set": "b:2:max_age=-1"})
    assert cookie_client.get("/").text == ""


def test_cookie_with_an_expiry_in_the_future_is_kept(cookie_client: Client) -> None:
    cookie_client.get("/", query_string={"set": "a:1:max_age=3600"})
    cookie = cookie_client.get_cookie("a")
    assert cookie is not None and cookie.expires is not None
    assert cookie_client.get("/").text == "a=1"


@pytest.mark.parametrize(
    ("set_path", "request_path", "sent"),
    [
        ("/", "/anything", True),
        ("/admin", "/admin", True),
        ("/admin", "/admin/users", True),
        ("/admin", "/administrator", False),  # RFC 6265 §5.1.4: whole segments only
        ("/admin/", "/admin/x", True),
        ("/admin", "/", False),
    ],
)
def test_cookie_path_matching(set_path: str, request_path: str, sent: bool) -> None:
    client = Client(cookie_app)
    client.get("/", query_string={"set": f"a:1:path={set_path}"})
    assert (client.get(request_path).text == "a=1") is sent


def test_cookie_default_path_is_the_request_directory() -> None:
    client = Client(cookie_app)
    client.get("/docs/page", query_string={"set": "a:1:nopath"})  # no Path attribute
    assert client.get("/docs/other").text == "a=1"
    assert client.get("/elsewhere").text == ""


def test_longer_paths_are_sent_first() -> None:
    client = Client(cookie_app)
    client.get("/", query_string={"set": ["a:root", "a:deep:path=/x"]})
    assert client.get("/x/y").text == "a=deep; a=root"


@pytest.mark.parametrize(
    ("domain", "host", "sent"),
    [
        (None, "localhost", True),
        (None, "other.test", False),
        ("example.com", "example.com", True),
        ("example.com", "www.example.com", True),
        ("example.com", "badexample.com", False),
    ],
)
def test_cookie_domain_matching(domain: str | None, host: str, sent: bool) -> None:
    client = Client(cookie_app)
    base = f"http://{domain or 'localhost'}/"
    setting = "a:1" + (f":domain={domain}" if domain else "")
    client.get("/", query_string={"set": setting}, base_url=base)
    assert (client.get("/", base_url=f"http://{host}/").text == "a=1") is sent


def test_secure_cookies_only_over_https_or_to_localhost() -> None:
    client = Client(cookie_app)
    client.get("/", query_string={"set": "a:1:secure"}, base_url="https://example.com/")
    assert client.get("/", base_url="https://example.com/").text == "a=1"
    assert client.get("/", base_url="http://example.com/").text == ""
    # Browsers treat localhost as a secure origin (Secure Contexts §3.1), and Flask's test
    # client sends Secure cookies over http: a test with SESSION_COOKIE_SECURE keeps its
    # session on the default http://localhost/.
    client.get("/", query_string={"set": "b:2:secure"})
    assert client.get("/").text == "b=2"


def test_client_cookie_api() -> None:
    client = Client(cookie_app)
    client.set_cookie("manual", "v")
    assert client.get("/").text == "manual=v"
    client.delete_cookie("manual")
    assert client.get("/").text == ""
    assert client.get_cookie("missing") is None
    client.set_cookie("a", "1")
    assert client.get("/", headers={"Cookie": "extra=2"}).text == "extra=2; a=1"


def test_cookies_disabled() -> None:
    client = Client(cookie_app, use_cookies=False)
    client.get("/", query_string={"set": "a:1"})
    assert client.get("/").text == ""
    with pytest.raises(TypeError):
        client.get_cookie("a")


@pytest.mark.parametrize(
    ("header", "key", "value", "path", "deleted"),
    [
        ("a=1", "a", "1", "/docs", False),
        ("a=1; Path=/x; HttpOnly", "a", "1", "/x", False),
        ("a=1; Max-Age=0", "a", "1", "/docs", True),
        ("a=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT", "a", "1", "/docs", True),
        ("a=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=60", "a", "1", "/docs", False),
        ("a=1; Expires=not a date", "a", "1", "/docs", False),
        ("a=1; Path=relative", "a", "1", "/docs", False),  # invalid Path: default used
    ],
)
def test_parse_set_cookie(header: str, key: str, value: str, path: str, deleted: bool) -> None:
    cookie, is_deleted = parse_set_cookie(header, "localhost", "/docs/page")
    assert (cookie.key, cookie.value, cookie.path, is_deleted) == (key, value, path, deleted)


def test_cookie_dataclass_defaults() -> None:
    cookie = Cookie("a", "1", "localhost", "/")
    assert cookie.origin_only and not cookie.secure and cookie.expires is None


# -- redirects -------------------------------------------------------------------------------


def redirecting(environ: dict[str, Any], start_response: Any) -> Any:
    """``/r/<code>?to=...`` redirects; everything else is echoed."""
    request = Request(environ)
    if request.path.startswith("/r/") and request.path[3:].isdigit():
        code = int(request.path[3:])
        return redirect(request.args.get("to", "/landed"), code)(environ, start_response)
    if request.path == "/loop":
        return redirect("/loop")(environ, start_response)
    return echo(environ, start_response)


@pytest.mark.parametrize(
    ("code", "method", "final_method", "keeps_body"),
    [
        (301, "POST", "GET", False),
        (302, "POST", "GET", False),
        (303, "POST", "GET", False),
        (303, "PUT", "GET", False),
        (302, "HEAD", "HEAD", False),
        (307, "POST", "POST", True),
        (308, "PUT", "PUT", True),
        (302, "GET", "GET", False),
    ],
)
def test_follow_redirects(code: int, method: str, final_method: str, keeps_body: bool) -> None:
    client = Client(validator(redirecting))
    response = client.open(
        f"/r/{code}",
        method,
        data={"field": "v"},
        headers={"X-Keep": "1"},
        auth=("u", "p"),
        follow_redirects=True,
    )
    assert [item.status_code for item in response.history] == [code]
    assert response.request.method == final_method
    assert response.request.path == "/landed"
    if final_method == "HEAD":
        assert response.data == b""
        return
    body = response.get_json()
    assert body["method"] == final_method
    assert body["headers"] == {"X-Keep": "1"}
    assert response.request.headers["Authorization"].startswith("Basic ")
    assert body["form"] == ({"field": ["v"]} if keeps_body else {})


@pytest.mark.parametrize(
    ("query_string", "expected"),
    [
        ({"a": "1", "b": None}, "a=1"),
        ({"a": ["1", None, "2"]}, "a=1&a=2"),
        ([("a", None), ("b", 0)], "b=0"),  # only None: 0 and "" are values
        ({"a": ""}, "a="),
    ],
)
def test_query_string_values_of_none_are_left_out(query_string: Any, expected: str) -> None:
    environ = build_environ("/", query_string=query_string)
    assert environ["QUERY_STRING"] == expected


def test_form_values_of_none_are_left_out() -> None:
    environ = build_environ("/", "POST", data={"a": "1", "b": None, "c": ["x", None]})
    assert environ["wsgi.input"].read() == b"a=1&c=x"


def test_redirect_not_followed_by_default() -> None:
    response = Client(redirecting).get("/r/302")
    assert response.status_code == 302
    assert response.headers["Location"] == "/landed"


@pytest.mark.parametrize(
    ("location", "path", "args"),
    [
        ("/landed?x=1", "/landed", {"x": ["1"]}),
        ("landed", "/r/landed", {}),  # relative to /r/302
        ("http://localhost/abs", "/abs", {}),
    ],
)
def test_redirect_targets(location: str, path: str, args: dict[str, list[str]]) -> None:
    response = Client(redirecting).get(
        "/r/302", query_string={"to": location}, follow_redirects=True
    )
    body = response.get_json()
    assert (body["path"], body["args"]) == (path, args)


@pytest.mark.parametrize(
    ("base_url", "location", "host"),
    [
        ("http://localhost/", "https://localhost:8443/x", "localhost:8443"),  # scheme, port
        ("http://localhost/", "http://LOCALHOST/x", "LOCALHOST"),  # names ignore case
        ("http://example.test:5000/", "https://example.test/x", "example.test"),
        ("http://[::1]:5000/", "http://[::1]/x", "[::1]"),
    ],
)
def test_redirect_to_the_same_host_name_is_followed(
    base_url: str, location: str, host: str
) -> None:
    response = Client(redirecting).get(
        "/r/302", base_url=base_url, query_string={"to": location}, follow_redirects=True
    )
    body = response.get_json()
    assert (body["host"], body["path"]) == (host, "/x")


@pytest.mark.parametrize(
    ("location", "message"),
    [
        ("https://auth.example.com/login", "external"),
        ("//evil.test/x", "external"),  # scheme-relative: another host
        ("http://localhost.evil.test/x", "external"),
        ("http://api.localhost/x", "subdomain"),
    ],
)
def test_redirect_to_another_host_is_refused(location: str, message: str) -> None:
    client = Client(redirecting)
    with pytest.raises(RuntimeError, match=f"Following {message} redirects"):
        client.get("/r/302", query_string={"to": location}, follow_redirects=True)
    # Not followed means answered as it is.
    assert client.get("/r/302", query_string={"to": location}).status_code == 302


def test_subdomain_redirects_are_followed_when_allowed() -> None:
    client = Client(redirecting)
    client.allow_subdomain_redirects = True
    response = client.get(
        "/r/302", query_string={"to": "http://api.localhost/x"}, follow_redirects=True
    )
    assert response.get_json()["host"] == "api.localhost"


def test_redirect_under_a_script_root() -> None:
    client = Client(redirecting)
    response = client.get(
        "/r/302",
        base_url="http://localhost/app/",
        query_string={"to": "/app/landed"},
        follow_redirects=True,
    )
    body = response.get_json()
    assert (body["root"], body["path"]) == ("/app", "/landed")


def test_redirect_chain_and_loop() -> None:
    client = Client(redirecting)
    response = client.get("/r/301", query_string={"to": "/r/302"}, follow_redirects=True)
    assert [item.status_code for item in response.history] == [301, 302]
    with pytest.raises(RuntimeError, match="redirect loop"):
        client.get("/loop", follow_redirects=True)


def test_cookies_set_during_redirects_are_kept() -> None:
    def app(environ: dict[str, Any], start_response: Any) -> Any:
        if environ["PATH_INFO"] == "/login":
            response = redirect("/home")
            response.set_cookie("session", "s1")
            return response(environ, start_response)
        return Response(environ.get("HTTP_COOKIE", ""))(environ, start_response)

    assert Client(app).post("/login", follow_redirects=True).text == "session=s1"


# -- context preservation (rule 4) -----------------------------------------------------------


class FakeContext:
    def __init__(self, log: list[str], name: str) -> None:
        self.log, self.name = log, name

    def pop(self) -> None:
        self.log.append(f"pop {self.name}")


def context_app(log: list[str]) -> Callable[..., Any]:
    """An app that follows the protocol: hands its context over when asked."""

    def application(environ: dict[str, Any], start_response: Any) -> Any:
        context = FakeContext(log, environ["PATH_INFO"])
        preserve = environ.get(PRESERVE_CONTEXT_KEY)
        log.append(f"push {context.name}")
        if preserve is not None:
            preserve(context)
        else:
            context.pop()
        return Response("ok")(environ, start_response)

    return application


def test_contexts_are_popped_at_once_outside_a_with_block() -> None:
    log: list[str] = []
    Client(context_app(log)).get("/a")
    assert log == ["push /a", "pop /a"]


def test_with_client_keeps_the_last_context_until_the_next_request_and_exit() -> None:
    log: list[str] = []
    client = Client(context_app(log))
    with client:
        client.get("/a")
        assert log == ["push /a"]  # still pushed: assertions may read it
        client.get("/b")
        assert log == ["push /a", "pop /a", "push /b"]
    assert log == ["push /a", "pop /a", "push /b", "pop /b"]
    client.get("/c")
    assert log[-2:] == ["push /c", "pop /c"]


def test_with_client_pops_every_context_of_a_redirect_chain() -> None:
    log: list[str] = []
    inner = context_app(log)

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        if environ["PATH_INFO"] == "/go":
            inner(environ, lambda *args: None)
            return redirect("/done")(environ, start_response)
        return inner(environ, start_response)

    client = Client(app)
    with client:
        client.get("/go", follow_redirects=True)
        assert log == ["push /go", "pop /go", "push /done"]
    assert log[-1] == "pop /done"


def test_nested_with_client_is_an_error() -> None:
    client = Client(echo)
    with client:
        with pytest.raises(RuntimeError, match="nest"):
            client.__enter__()


def test_apps_that_ignore_the_key_work_in_a_with_block() -> None:
    client = Client(validator(echo))
    with client:
        assert client.get("/").status_code == 200
