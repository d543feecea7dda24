"""The App under strict WSGI checking and on real servers.

- ``wsgiref.validate.validator`` checks every PEP 3333 obligation of the app's responses.
- ``wsgiref.simple_server``: the framework half needs nothing of tinyweb's server half.
- tinyweb's own ``Server``: the two halves meet at WSGI and nowhere else.
Real sockets on 127.0.0.1, port 0; every server thread is joined.
"""

from __future__ import annotations

import http.client
import threading
import wsgiref.simple_server
import wsgiref.validate
from collections.abc import Iterator
from typing import Any

import pytest

from tinyweb.app import App
from tinyweb.context import request
from tinyweb.errors import abort
from tinyweb.testing import Client


def build_app() -> App:
    app = App(__name__)

    @app.get("/")
    def hello() -> str:
        return "Hello, World!"

    @app.get("/items/<int:item_id>")
    def item(item_id: int) -> dict[str, Any]:
        return {"id": item_id, "q": request.args.get("q")}

    @app.post("/echo")
    def echo() -> Any:
        return request.get_json(), 201

    @app.get("/stream")
    def stream() -> Iterator[str]:
        return (f"{n}," for n in range(3))

    @app.get("/forbidden")
    def forbidden() -> Any:
        abort(403)

    @app.get("/boom")
    def boom() -> Any:
        raise RuntimeError("boom")

    app.add_url_rule("/slash/", "slash", lambda: "slash")
    return app


# (method, path, expected status, expected body or None to skip)
REQUESTS: list[tuple[str, str, int, bytes | None]] = [
    ("GET", "/", 200, b"Hello, World!"),
    ("GET", "/items/5?q=x", 200, b'{"id":5,"q":"x"}\n'),
    ("GET", "/stream", 200, b"0,1,2,"),
    ("HEAD", "/", 200, b""),
    ("GET", "/forbidden", 403, None),
    ("GET", "/boom", 500, None),
    ("GET", "/missing", 404, None),
    ("DELETE", "/", 405, None),
    ("OPTIONS", "/", 200, b""),
    ("GET", "/slash", 308, None),
]


@pytest.mark.parametrize(("method", "path", "status", "body"), REQUESTS)
def test_every_response_passes_the_wsgi_validator(
    method: str, path: str, status: int, body: bytes | None
) -> None:
    client = Client(wsgiref.validate.validator(build_app()))
    response = client.open(path, method=method)
    assert response.status_code == status
    if body is not None:
        assert response.data == body


def test_json_post_passes_the_validator() -> None:
    client = Client(wsgiref.validate.validator(build_app()))
    response = client.post("/echo", json={"a": [1, 2]})
    assert (response.status_code, response.json) == (201, {"a": [1, 2]})


class QuietHandler(wsgiref.simple_server.WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def fetch(port: int, method: str, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def check_all_requests(port: int) -> None:
    for method, path, status, body in REQUESTS:
        got_status, got_body = fetch(port, method, path)
        assert got_status == status, (method, path)
        if body is not None:
            assert got_body == body, (method, path)


def test_served_by_wsgiref_simple_server() -> None:
    server = wsgiref.simple_server.make_server(
        "127.0.0.1", 0, build_app(), handler_class=QuietHandler
    )
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        check_all_requests(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
    assert not thread.is_alive()


def test_served_by_tinyweb_server() -> None:
    from tinyweb.server import Server

    baseline = threading.active_count()
    with Server(build_app(), "127.0.0.1", 0) as server:  # __enter__ starts it
        check_all_requests(server.server_address[1])
    assert threading.active_count() == baseline
