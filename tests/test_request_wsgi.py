"""The request's WSGI side (tinyweb.request_wsgi): from_values, application, the server
flags, trusted hosts and the storage classes."""

from __future__ import annotations

import io
from typing import Any, ClassVar

import pytest

from tinyweb.datastructures import ImmutableMultiDict, MultiDict, UserAgent
from tinyweb.errors import BadRequest, NotFound, SecurityError
from tinyweb.request import Request, RequestDataDict
from tinyweb.request_wsgi import host_is_trusted
from tinyweb.response import Response
from tinyweb.testing import Client, build_environ

# -- from_values and application -------------------------------------------------------------


def test_from_values_builds_a_request_like_the_test_client() -> None:
    request = Request.from_values(
        "/search?q=tea", "http://example.com/shop/", method="POST", data={"size": "large"}
    )
    assert request.url == "http://example.com/shop/search?q=tea"
    assert (request.method, request.args["q"], request.form["size"]) == ("POST", "tea", "large")


def test_from_values_builds_the_class_it_is_called_on() -> None:
    class MyRequest(Request):
        pass

    assert type(MyRequest.from_values()) is MyRequest


def test_from_values_rejects_unknown_options() -> None:
    with pytest.raises(TypeError):
        Request.from_values("/", colour="blue")


@Request.application
def greet(request: Request) -> Any:
    if request.path == "/missing":
        raise NotFound()
    return Response(f"Hello {request.args.get('name', 'World')}!")


def test_application_answers_with_the_returned_response() -> None:
    response = Client(greet).get("/?name=Ada")
    assert (response.status_code, response.text) == (200, "Hello Ada!")


def test_application_answers_an_http_error_with_its_response() -> None:
    assert Client(greet).get("/missing").status_code == 404


def test_application_passes_the_request_last_so_methods_work() -> None:
    class Greeter:
        greeting = "Hi"

        @Request.application
        def __call__(self, request: Request) -> Any:
            return Response(f"{self.greeting} {request.path}")

    assert Client(Greeter()).get("/there").text == "Hi /there"


def test_application_closes_the_request() -> None:
    closed: list[bool] = []

    class TrackedRequest(Request):
        def close(self) -> None:
            closed.append(True)

    @TrackedRequest.application
    def app(request: Request) -> Any:
        assert not closed
        return Response("ok")

    Client(app).get("/")
    assert closed == [True]


def test_application_keeps_the_function_name() -> None:
    assert greet.__name__ == "greet"


# -- what the server says ---------------------------------------------------------------------


def test_server_flags_read_the_wsgi_keys() -> None:
    request = Request({"wsgi.multithread": True, "wsgi.multiprocess": False, "wsgi.run_once": 1})
    assert (request.is_multithread, request.is_multiprocess, request.is_run_once) == (
        True,
        False,
        True,
    )
    assert not Request({}).is_multithread


def test_input_stream_is_the_raw_wsgi_input() -> None:
    source = io.BytesIO(b"abc")
    assert Request({"wsgi.input": source}).input_stream is source
    assert Request({}).input_stream is None


def test_root_url_is_url_root() -> None:
    request = Request(build_environ("/x", base_url="https://example.com/app/"))
    assert request.root_url == request.url_root == "https://example.com/app/"


@pytest.mark.parametrize(("content_type", "wanted"), [("text/plain", True), (None, False)])
def test_want_form_data_parsed_follows_the_content_type(
    content_type: str | None, wanted: bool
) -> None:
    environ = {} if content_type is None else {"CONTENT_TYPE": content_type}
    assert Request(environ).want_form_data_parsed is wanted


# -- trusted hosts (rule 1) -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "trusted"),
    [
        ("example.com", True),
        ("example.com:8080", True),
        ("EXAMPLE.com", True),  # DNS names are case-insensitive (RFC 4343)
        ("api.example.com", False),
        ("example.com.evil.test", False),
        ("xexample.com", False),
        ("", False),
        ("exa mple.com", False),
        ("example.com:0", False),
        ("example.com:99999", False),
    ],
)
def test_host_is_trusted_matches_exact_names(host: str, trusted: bool) -> None:
    assert host_is_trusted(host, ["example.com"]) is trusted


@pytest.mark.parametrize(
    ("host", "trusted"),
    [("example.com", True), ("a.b.example.com", True), ("badexample.com", False)],
)
def test_a_leading_dot_trusts_subdomains(host: str, trusted: bool) -> None:
    assert host_is_trusted(host, [".example.com"]) is trusted


def test_trusted_names_are_compared_in_idna_and_ipv6_in_brackets() -> None:
    assert host_is_trusted("xn--bcher-kva.example", ["bücher.example"])
    assert host_is_trusted("[::1]:8000", ["[::1]"])
    assert host_is_trusted("localhost", "localhost")  # one name as a string


def test_an_untrusted_host_is_a_400_security_error() -> None:
    request = Request(build_environ("/", headers={"Host": "evil.test"}))
    request.trusted_hosts = ["example.com"]
    with pytest.raises(SecurityError) as raised:
        _ = request.host
    assert raised.value.code == 400
    assert isinstance(raised.value, BadRequest)
    assert "evil.test" in raised.value.description


def test_a_trusted_host_passes_and_no_list_trusts_all() -> None:
    request = Request(build_environ("/", base_url="http://api.example.com/"))
    request.trusted_hosts = [".example.com"]
    assert request.host == "api.example.com"
    assert Request(build_environ("/", headers={"Host": "any.test"})).host == "any.test"


def test_a_request_class_can_trust_hosts() -> None:
    class Guarded(Request):
        trusted_hosts: ClassVar[list[str]] = ["example.com"]

    with pytest.raises(SecurityError):
        _ = Guarded(build_environ("/")).url  # the test client's host is localhost


# -- storage classes --------------------------------------------------------------------------


def test_default_storage_classes() -> None:
    assert Request.parameter_storage_class is RequestDataDict
    assert Request.dict_storage_class is RequestDataDict
    assert Request.list_storage_class is list
    assert Request.user_agent_class is UserAgent


class Mutable(Request):
    parameter_storage_class = MultiDict
    dict_storage_class = MultiDict
    list_storage_class = tuple


def test_storage_classes_are_used_for_request_data() -> None:
    request = Mutable(
        build_environ(
            "/?q=1",
            method="POST",
            data={"name": "ada"},
            headers={"Cookie": "theme=dark", "X-Forwarded-For": "1.2.3.4, 10.0.0.1"},
        )
    )
    assert type(request.args) is MultiDict and type(request.form) is MultiDict
    assert type(request.files) is MultiDict and type(request.cookies) is MultiDict
    assert request.access_route == ("1.2.3.4", "10.0.0.1")
    request.args.add("q", "2")  # a mutable class, as asked; the same object every time
    assert request.args.getlist("q") == ["1", "2"]


def test_storage_classes_apply_to_empty_data_too() -> None:
    request = Mutable({"REQUEST_METHOD": "POST", "REMOTE_ADDR": "127.0.0.1"})
    assert type(request.form) is MultiDict and type(request.files) is MultiDict
    assert request.access_route == ("127.0.0.1",)


def test_multipart_data_uses_the_parameter_storage_class() -> None:
    upload = (io.BytesIO(b"x"), "a.txt")
    request = Mutable(build_environ("/", method="POST", data={"doc": upload, "k": "v"}))
    assert type(request.form) is MultiDict and type(request.files) is MultiDict
    assert request.files["doc"].read() == b"x"


def test_default_request_data_stays_immutable() -> None:
    request = Request(build_environ("/?q=1"))
    assert isinstance(request.args, ImmutableMultiDict)
    with pytest.raises(TypeError):
        request.args.add("q", "2")  # type: ignore[attr-defined]


# -- the user agent ---------------------------------------------------------------------------


def test_user_agent_is_the_header_text_with_werkzeug_fields() -> None:
    agent = Request(build_environ("/", headers={"User-Agent": "curl/8.5"})).user_agent
    assert agent == "curl/8.5" and str(agent) == "curl/8.5"
    assert (agent.string, agent.to_header()) == ("curl/8.5", "curl/8.5")
    assert (agent.platform, agent.browser, agent.version, agent.language) == (None,) * 4


def test_user_agent_class_can_parse() -> None:
    class CurlAgent(UserAgent):
        def __init__(self, string: str) -> None:
            super().__init__(string)
            if string.startswith("curl/"):
                self.browser, self.version = "curl", string[5:]

    class CurlRequest(Request):
        user_agent_class = CurlAgent

    agent = CurlRequest(build_environ("/", headers={"User-Agent": "curl/8.5"})).user_agent
    assert (agent.browser, agent.version) == ("curl", "8.5")


def test_user_agent_is_empty_without_the_header() -> None:
    agent = Request({}).user_agent
    assert agent == "" and agent.string == ""


def test_from_values_takes_werkzeugs_environ_options() -> None:
    source = io.BytesIO(b"a=1&b=2")
    request = Request.from_values(
        "/",
        method="POST",
        input_stream=source,
        content_length=3,
        mimetype="application/x-www-form-urlencoded",
        multithread=True,
        multiprocess=True,
        run_once=True,
    )
    assert request.input_stream is source
    assert request.form == {"a": "1"}  # the body stops at the declared length
    assert (request.is_multithread, request.is_multiprocess, request.is_run_once) == (
        True,
        True,
        True,
    )


def test_server_is_the_environs_server_name_and_port_as_werkzeug() -> None:
    assert Request({"SERVER_NAME": "example.com", "SERVER_PORT": "8080"}).server == ("example.com", 8080)
    assert Request({"SERVER_NAME": "/run/app.sock", "SERVER_PORT": ""}).server == ("/run/app.sock", None)
    assert Request({"SERVER_NAME": "h", "SERVER_PORT": "x"}).server == ("h", None)
    assert Request({}).server is None


def test_service_names_with_underscores_are_hosts_and_lookalike_letters_are_not() -> None:
    # Docker/compose service names carry "_" (a reg-name character, RFC 3986 §3.2.2);
    # the Kelvin sign (U+212A) lower-cases to "k" but is no ASCII host letter.
    assert host_is_trusted("my_app:5000", ["my_app"])
    assert not host_is_trusted("\u212aiosk.test", ["kiosk.test"])


def test_an_empty_trusted_list_trusts_no_host_as_werkzeug() -> None:
    request = Request(build_environ("/", headers={"Host": "example.com"}))
    request.trusted_hosts = []
    with pytest.raises(SecurityError):
        _ = request.host
