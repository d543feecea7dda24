"""The response's WSGI side: the body as a sequence, a stream or an app iterator.

Where it fits: ``Response`` (in ``response``) keeps the members a view uses every day and
hands Werkzeug's lower-level WSGI members to this module: buffering a streamed body
(``make_sequence``, ``freeze``, ``calculate_content_length``), the write-only
``response.stream``, the iterable a server receives (``AppIterator``), and the reverse
direction, a ``Response`` collected from any WSGI application (``from_app``,
``force_type``), which runs the app with ``testing.run_wsgi_app`` (imported lazily).
It imports ``response`` only for the type checker, and ``request`` lazily (the request URL
that ``autocorrect_location_header`` resolves ``Location`` against).

Rules:

1. A body is a *sequence* when it is a list or a tuple: its length is known. Anything else
   is streamed, and turning it into a sequence reads it whole and then closes it
   (PEP 3333 ``close()``). That is refused with ``RuntimeError`` when the response says
   not to read its body: ``direct_passthrough`` (a file for the server to send) or
   ``implicit_sequence_conversion = False`` (call ``make_sequence()`` yourself).
2. Text chunks are sent as UTF-8, as the rest of the response does.
3. The server gets an iterable whose ``close()`` closes the body and then runs every
   ``call_on_close`` function, even when one of them fails (PEP 3333).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Callable, TypeVar, cast
from urllib.parse import urljoin

if TYPE_CHECKING:
    from .response import Response

__all__ = ["AppIterator", "ResponseStream", "calculate_content_length", "freeze", "from_app"]

ResponseType = TypeVar("ResponseType", bound="Response")
WSGIApp = Callable[..., Iterable[bytes]]


def encode_chunk(chunk: str | bytes) -> bytes:
    """One body chunk as bytes (text as UTF-8, rule 2)."""
    return chunk.encode("utf-8") if isinstance(chunk, str) else bytes(chunk)


def iter_encoded(body: Iterable[Any]) -> Iterator[bytes]:
    """The chunks of ``body`` as bytes, read lazily."""
    for chunk in body:
        yield encode_chunk(chunk)


def close_all(body: object, on_close: tuple[Callable[[], Any], ...]) -> None:
    """Close ``body`` (if it can be closed), then call every ``on_close`` function (rule 3)."""
    close = getattr(body, "close", None)
    try:
        if close is not None:
            close()
    finally:
        for function in on_close:
            function()


class AppIterator:
    """The body iterable handed to the server: encodes text, then runs every close action.

    PEP 3333: the server calls ``close()`` once it is done, even after an error, so the
    body's own ``close()`` (a generator's ``finally``) and ``call_on_close`` functions run.
    """

    def __init__(
        self, body: Iterable[Any], send_body: bool, on_close: tuple[Callable[[], Any], ...]
    ):
        self._body = body
        self._chunks: Iterator[Any] = iter(body) if send_body else iter(())
        self._on_close = on_close

    def __iter__(self) -> Iterator[bytes]:
        return self

    def __next__(self) -> bytes:
        return encode_chunk(next(self._chunks))

    def close(self) -> None:
        """Close the body, then call the ``call_on_close`` functions (all, even if one fails)."""
        close_all(self._body, self._on_close)


# -- the body as a sequence (rule 1) ---------------------------------------------------------


def make_sequence(response: Response) -> None:
    """Read a streamed body into a list of bytes chunks and close it; a no-op on a sequence."""
    body = response.response
    if not isinstance(body, (list, tuple)):
        try:
            response.response = list(iter_encoded(body))
        finally:
            close_all(body, ())  # consumed (or failed): release it now (PEP 3333 close())


def ensure_sequence(response: Response, mutable: bool = False) -> Sequence[Any]:
    """The body as a sequence (a ``list`` when ``mutable``), buffering it if allowed (rule 1)."""
    if not isinstance(response.response, (list, tuple)):
        if response.direct_passthrough:
            raise RuntimeError(
                "Attempted to read a direct_passthrough response's body as a sequence"
            )
        if not response.implicit_sequence_conversion:
            raise RuntimeError(
                "The response body is streamed and implicit_sequence_conversion is off: "
                "call make_sequence() first"
            )
        make_sequence(response)
    if mutable and not isinstance(response.response, list):
        response.response = list(response.response)
    return cast("Sequence[Any]", response.response)


def calculate_content_length(response: Response) -> int | None:
    """The body's length in bytes, buffering a streamed body if allowed; else None (a
    ``direct_passthrough`` body, or ``implicit_sequence_conversion`` off: rule 1)."""
    if not response.is_sequence and (
        response.direct_passthrough or not response.implicit_sequence_conversion
    ):
        return None
    return body_length(ensure_sequence(response))


def body_length(chunks: Iterable[Any]) -> int:
    """The length in bytes of a body's chunks (text counted as UTF-8)."""
    return sum(map(len, iter_encoded(chunks)))


def freeze(response: Response) -> None:
    """Buffer the body (whatever the response's flags say), set ``Content-Length`` and an
    ``ETag`` unless there is one: the response no longer depends on anything open."""
    make_sequence(response)
    response.response = list(iter_encoded(response.response))
    response.headers.set("Content-Length", str(body_length(response.response)))
    response.add_etag()


def add_content_length(response: Response, headers: list[tuple[str, str]]) -> None:
    """Append the length of a sequence body to ``headers`` unless they have one."""
    for name, _ in headers:
        if name.lower() == "content-length":
            return
    headers.append(("Content-Length", str(body_length(response.response))))


def make_location_absolute(headers: list[tuple[str, str]], environ: dict[str, Any]) -> None:
    """Resolve a relative ``Location`` in ``headers`` against the request's URL without
    its query (RFC 3986 §5.2), for ``autocorrect_location_header``."""
    from .request import Request  # lazy: only responses that ask for it pay for it

    for index, (name, value) in enumerate(headers):
        if name.lower() == "location":
            headers[index] = (name, urljoin(Request(environ).base_url, value))


# -- the write-only stream -------------------------------------------------------------------


class ResponseStream:
    """A write-only file over a response's body: each ``write`` appends a chunk.

    ``response.stream`` returns one (the same one every time), so code written for a file
    can produce the body::

        >>> from tinyweb import Response
        >>> response = Response()
        >>> print("Hello,", "world", file=response.stream)
        >>> response.get_data()
        b'Hello, world\\n'

    Writing buffers a streamed body first (rule 1) and drops ``Content-Length``, which the
    response then computes again when it is sent.
    """

    mode = "wb+"
    encoding = "utf-8"

    def __init__(self, response: Response) -> None:
        self.response = response
        self.closed = False

    @classmethod
    def of(cls, response: Response) -> ResponseStream:
        """The stream of ``response``, made on first use."""
        stream: ResponseStream | None = vars(response).get("_stream")
        if stream is None:
            stream = vars(response)["_stream"] = cls(response)
        return stream

    def _check_open(self) -> None:
        if self.closed:
            raise ValueError("I/O operation on closed file")

    def write(self, value: str | bytes) -> int:
        """Append ``value`` to the body; returns its length."""
        self._check_open()
        body = ensure_sequence(self.response, mutable=True)
        cast("list[Any]", body).append(value)
        self.response.headers.remove("Content-Length")
        return len(value)

    def writelines(self, lines: Iterable[str | bytes]) -> None:
        """Append each item of ``lines``."""
        for line in lines:
            self.write(line)

    def tell(self) -> int:
        """How much the body holds so far (the sum of its chunks' lengths)."""
        return sum(map(len, ensure_sequence(self.response)))

    def flush(self) -> None:
        """Nothing to flush: the body is in memory (``ValueError`` once closed)."""
        self._check_open()

    def isatty(self) -> bool:
        """False: the body is not a terminal (``ValueError`` once closed)."""
        self._check_open()
        return False

    def close(self) -> None:
        """Refuse further writes; the body stays as written."""
        self.closed = True


# -- a response from a WSGI application ------------------------------------------------------


def from_app(
    response_class: type[ResponseType], application: WSGIApp, environ: dict[str, Any]
) -> ResponseType:
    """Call ``application`` with ``environ`` and collect its answer into a response.

    The body is read whole (what the app yields and what it passes to ``write()``), and
    the app's iterable is closed, before this returns.
    """
    from .testing import run_wsgi_app  # lazy: the test client's faithful WSGI caller

    status, headers, body = run_wsgi_app(application, environ)
    return response_class(body, status, headers)
