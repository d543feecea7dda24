"""The WSGI gateway: PEP 3333's server side, between the HTTP parser and an application.

Where it fits: ``server.py`` owns the socket. For every request head it builds an
``Exchange`` with a ``Channel`` (three callables: ``send``, ``receive`` and an optional
``sendfile``) and calls ``Exchange.run(app)``. The exchange turns the ``http11.RequestHead``
into an environ, offers the body as a lazy ``wsgi.input`` that pulls events from the same
``http11.RequestParser``, calls the application, frames its response (Content-Length,
chunked or close-delimited) and reports an ``Outcome`` saying whether the connection may be
reused.

Rules:
1. No sockets, threads or selectors here: every byte goes out through ``Channel.send`` and
   comes in through ``Channel.receive``. That keeps the whole of PEP 3333 testable by feeding
   a parser and collecting bytes.
2. The application's ``close()`` is called in every case: errors, disconnects, HEAD.
3. Nothing the client sent is echoed back in a server-made error page.
4. When in doubt, close the connection: a response whose framing we cannot vouch for
   (short Content-Length, an app error after the head, an unread body we may not drain)
   must never be followed by another response on the same connection.

Spec references: PEP 3333 (WSGI 1.0.1), RFC 9112 §6 (message body length), §9.3 (persistence),
RFC 9110 §10.1.1 (100-continue), §7.6.1 (hop-by-hop fields), ``HTTP.md`` (the project's wire policy, docs/README.md).
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import re
import stat
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from http import HTTPStatus
from types import TracebackType
from typing import IO, Any, Callable, NamedTuple, Optional
from urllib.parse import unquote_to_bytes

from . import http11

error_log = logging.getLogger("tinyweb.error")

SERVER_SOFTWARE = "tinyweb"

# The request's framing, read once per request: an Enum member lookup through its class
# is Python code on CPython 3.11 (~0.18 µs); a module global is a dictionary lookup.
_NO_REQUEST_BODY, _LENGTH_REQUEST_BODY = http11.Framing.NONE, http11.Framing.LENGTH
_CHUNKED_REQUEST_BODY = http11.Framing.CHUNKED

ExcInfo = Optional[tuple[type[BaseException], BaseException, Optional[TracebackType]]]
WSGIApplication = Callable[..., Iterable[bytes]]

# RFC 9110 §7.6.1: these describe one connection, so an application (which does not own the
# connection) may not set them; the gateway frames and persists the connection itself.
HOP_BY_HOP = frozenset(
    "connection keep-alive proxy-authenticate proxy-authorization proxy-connection"
    " te trailer trailers transfer-encoding upgrade".split(" ")
)

# The environ keys that build_environ sets for every request (ConnectionInfo.base_environ).
_REQUEST_KEYS = ("REQUEST_METHOD", "PATH_INFO", "QUERY_STRING", "REQUEST_URI", "RAW_URI",
                 "SERVER_PROTOCOL", "wsgi.input")  # fmt: skip

# PEP 3333 "The status argument": "999 Message here". The reason may be empty.
STATUS_LINE = re.compile(r"([1-9][0-9]{2})(?: ([^\x00-\x08\x0a-\x1f\x7f]*))?")

DIGITS = re.compile(r"[0-9]{1,18}")  # never int() on raw text: it accepts "+1_0" and " 5"

CONTINUE_RESPONSE = b"HTTP/1.1 100 Continue\r\n\r\n"

# A byte is looked for in bytes by its value: ``b"%" in path`` first tries its operand as
# an integer, and raises and swallows a TypeError (0.27 µs against 0.03 µs on 3.11).
PERCENT = ord("%")


@dataclass(frozen=True)
class Channel:
    """How the gateway reaches its connection: the seam between gateway and server.

    ``send(data)`` writes all of ``data`` or raises ``OSError``; ``receive()`` returns the
    next bytes from the client, ``b""`` once it closed, or raises ``OSError`` (a timeout);
    ``sendfile(file, offset, count)`` (optional) copies ``count`` bytes of a real file to
    the client with ``os.sendfile`` and returns how many it sent.

    Example::

        sent = []
        channel = Channel(send=sent.append, receive=lambda: b"")
    """

    send: Callable[[bytes], None]
    receive: Callable[[], bytes]
    sendfile: Optional[Callable[[IO[bytes], int, int], int]] = None


@dataclass(frozen=True)
class ConnectionInfo:
    """The addresses the environ reports (``SERVER_NAME``, ``REMOTE_ADDR``, ...).

    Example: ``ConnectionInfo("127.0.0.1", 8000, "127.0.0.1", 51234)``.
    """

    server_name: str
    server_port: int
    remote_addr: str
    remote_port: int
    url_scheme: str = "http"

    @functools.cached_property
    def base_environ(self) -> dict[str, Any]:
        """The environ keys that are the same for every request on this connection, and
        placeholders for the keys that ``build_environ`` sets for every request."""
        environ = {
            "SCRIPT_NAME": "",
            "SERVER_NAME": self.server_name,
            "SERVER_PORT": str(self.server_port),
            "SERVER_SOFTWARE": SERVER_SOFTWARE,
            "REMOTE_ADDR": self.remote_addr,
            "REMOTE_PORT": str(self.remote_port),
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": self.url_scheme,
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            "wsgi.input_terminated": True,
            "wsgi.file_wrapper": FileWrapper,
        }
        # dict.copy() keeps the table size of the dict it copies. Grown past 32 slots (a
        # 22nd key, removed again), the template leaves each copy room for ~20 header
        # fields, where a copy of a full table grew on the first field (measured: 1,100
        # fewer instructions a request, 1.2% of a hello-world exchange).
        environ.update(dict.fromkeys(_REQUEST_KEYS, ""))
        environ["room"] = None
        del environ["room"]
        return environ


class Outcome(NamedTuple):
    """What became of one exchange, for the server (persistence) and the access log.

    ``keep_alive``: the response was framed so that another may follow on this connection.
    ``body_complete``: the request body was read to its end; when false (and ``keep_alive``)
    the server must drain the rest before reusing the connection, or close it.
    A ``NamedTuple`` rather than a frozen dataclass, though it is just as immutable: one
    is made per request, and the frozen dataclass ``__init__`` cost 1.7 µs against 0.7 µs
    (Python 3.11; one per cent of the server's CPU per request).
    """

    status: int
    body_bytes: int
    keep_alive: bool
    body_complete: bool


class InputError(OSError):
    """``wsgi.input`` cannot deliver the body: malformed, over a limit, or the client left.

    ``status`` is the HTTP status a server answers with (400, 413, ...) if it still can.
    """

    def __init__(self, status: int, reason: str) -> None:
        """Keep the status next to the human reason."""
        super().__init__(reason)
        self.status = status


class ClientDisconnected(InputError):
    """The client closed the connection (or timed out) before sending the whole body."""


def _nothing() -> None:
    """What ``close()`` does for an iterable that has none."""


class _ConnectionLost(Exception):
    """Internal: ``Channel.send`` failed, so nothing more can reach the client."""


_date_cache: tuple[int, str] = (0, "")


def current_date() -> str:
    """The ``Date`` header value, formatted at most once per second (RFC 9110 §6.6.1).

    Example: ``current_date()`` -> ``"Sun, 06 Nov 1994 08:49:37 GMT"``.
    """
    global _date_cache
    second = int(time.time())
    cached_second, text = _date_cache  # one tuple read: safe across threads
    if cached_second != second:
        text = http11.http_date(second)
        _date_cache = (second, text)
    return text


def error_response(status: int, reason: str = "", head_only: bool = False) -> bytes:
    """A complete, short plain-text response made by the server itself (never echoes input).

    ``reason`` must be the server's own words (``ProtocolError.reason`` is). It always says
    ``Connection: close`` (HTTP.md: every server-made error closes the connection).
    ``head_only`` leaves the body out (RFC 9110 §9.3.2: the answer to a HEAD request).

    Example: ``error_response(413, "body too large")`` -> ``b"HTTP/1.1 413 ..."``.
    """
    phrase = PHRASES.get(status, "Unknown")
    text = f"{status} {phrase}\n" if not reason else f"{status} {phrase}: {reason}\n"
    body = text.encode("utf-8", "replace")
    headers = [
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Content-Length", str(len(body))),
        ("Date", current_date()),
        ("Server", SERVER_SOFTWARE),
        ("Connection", "close"),
    ]
    return http11.format_response_head(status, phrase, headers) + (b"" if head_only else body)


# RFC 9110 renamed a few reason phrases; older Pythons' HTTPStatus still has the old ones.
PHRASES = {status.value: status.phrase for status in HTTPStatus}
PHRASES.update({413: "Content Too Large", 414: "URI Too Long", 422: "Unprocessable Content"})


class RequestBody:
    """``wsgi.input``: the request body, pulled lazily from the parser as the app reads.

    It stops at the body's end (never reads into a pipelined request), decodes chunked on
    the fly (``wsgi.input_terminated`` is true, so ``read()`` without a size is safe), and
    raises ``InputError`` instead of returning a silently short body.

    Example (inside an app)::

        first_line = environ["wsgi.input"].readline()
        rest = environ["wsgi.input"].read()
    """

    def __init__(
        self,
        parser: http11.RequestParser,
        receive: Callable[[], bytes],
        before_first_read: Callable[[], None] | None = None,
    ) -> None:
        """Read from ``parser``, feeding it ``receive()`` whenever it needs data."""
        self._parser = parser
        self._receive = receive
        self._before_first_read = before_first_read
        self._buffer = bytearray()
        self._finished = False
        self.error: InputError | None = None
        self.bytes_received = 0

    @property
    def finished(self) -> bool:
        """True once the end of the body (``EndOfMessage``) was reached."""
        return self._finished

    @property
    def started(self) -> bool:
        """True once the application asked for body bytes (100 Continue was due)."""
        return self._before_first_read is None

    def end_empty(self) -> None:
        """Step the parser past the end of a body its head declared empty (no framing).

        The one event left is EndOfMessage, which needs no data and cannot fail, so this
        skips ``read()``'s machinery (measured: 3.5 -> 1.8 µs, one of every GET request).
        """
        if not self._finished:
            self._parser.next_event()
            self._finished = True

    def _pull(self) -> bool:
        """Move the next piece of body into the buffer; False at the end of the body."""
        if self._finished:
            return False
        if self.error is not None:
            raise self.error
        if self._before_first_read is not None:
            announce, self._before_first_read = self._before_first_read, None
            announce()
        while True:
            event = self._next_event()
            if isinstance(event, http11.Data):
                self._buffer += event.data
                self.bytes_received += len(event.data)
                return True
            if event is http11.NEED_DATA:
                self._feed_from_client()
                continue
            # EndOfMessage (or PAUSED, which only follows it): the body is over.
            self._finished = True
            return False

    def _next_event(self) -> object:
        try:
            return self._parser.next_event()
        except http11.ProtocolError as error:
            if self._parser.peer_closed:
                self.error = ClientDisconnected(error.status, "client closed mid-body")
            else:
                self.error = InputError(error.status, error.reason)
            raise self.error from None

    def _feed_from_client(self) -> None:
        try:
            data = self._receive()
        except OSError as error:  # timeout or reset: the body will never arrive whole
            self.error = ClientDisconnected(408, "no progress on the request body")
            raise self.error from error
        self._parser.feed(data)

    def read(self, size: int | None = -1) -> bytes:
        """Up to ``size`` bytes (all the rest if ``size`` is negative or None); b"" at the end."""
        if size is None or size < 0:
            while self._pull():
                pass
            size = len(self._buffer)
        else:
            while len(self._buffer) < size and self._pull():
                pass
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data

    def readline(self, size: int | None = -1) -> bytes:
        """One line including its ``\\n`` (at most ``size`` bytes); b"" at the end."""
        limit = size if size is not None and size >= 0 else sys.maxsize
        scanned = 0
        while self._buffer.find(b"\n", scanned) < 0 and len(self._buffer) < limit:
            scanned = len(self._buffer)  # don't rescan: a long line must not cost O(n**2)
            if not self._pull():
                break
        end = min(self._buffer.find(b"\n", scanned) + 1 or len(self._buffer), limit)
        data = bytes(self._buffer[:end])
        del self._buffer[:end]
        return data

    def readlines(self, hint: int | None = -1) -> list[bytes]:
        """All remaining lines (stopping once ``hint`` bytes were collected, if given)."""
        lines: list[bytes] = []
        total = 0
        for line in self:
            lines.append(line)
            total += len(line)
            if hint is not None and 0 < hint <= total:
                break
        return lines

    def __iter__(self) -> Iterator[bytes]:
        """Iterate over lines, like a file."""
        return iter(self.readline, b"")  # call readline() until it returns b""

    def drain(self, max_bytes: int, max_seconds: float = float("inf")) -> bool:
        """Discard the unread body: at most ``max_bytes`` of it, reading for at most
        ``max_seconds`` (checked between reads). True if the end of the body was reached.

        The server calls this before reusing the connection (HTTP.md "Connections"): a body
        the app ignored must never be parsed as the next request (request smuggling). Both
        caps are totals, so a client trickling its body cannot keep a worker here.
        """
        deadline = time.monotonic() + max_seconds
        discarded = len(self._buffer)
        self._buffer.clear()
        try:
            while discarded <= max_bytes and time.monotonic() < deadline and self._pull():
                discarded += len(self._buffer)
                self._buffer.clear()
        except InputError:
            return False
        return self._finished


class FileWrapper:
    """``wsgi.file_wrapper``: lets the server send a real file with ``os.sendfile``.

    Iterating yields ``block_size`` chunks (the portable fallback); ``close()`` closes the
    file. Example::

        return environ["wsgi.file_wrapper"](open(path, "rb"), 32768)
    """

    def __init__(self, file: IO[bytes], block_size: int = 8192) -> None:
        """Wrap an open binary file."""
        self.file = file
        self.block_size = block_size

    def __iter__(self) -> Iterator[bytes]:
        """Yield the file's contents block by block."""
        while True:
            block = self.file.read(self.block_size)
            if not block:
                return
            yield block

    def close(self) -> None:
        """Close the wrapped file (PEP 3333: the server calls this)."""
        getattr(self.file, "close", _nothing)()

    def remaining_size(self) -> int | None:
        """Bytes left from the current position if this is a regular file, else None."""
        try:
            descriptor = self.file.fileno()
            status = os.fstat(descriptor)
            position = self.file.tell()
        except (AttributeError, OSError, ValueError):
            return None
        if not stat.S_ISREG(status.st_mode):
            return None
        return max(status.st_size - position, 0)


class Framing:
    """How the response body is delimited (RFC 9112 §6.3); plain constants for speed."""

    NONE = "none"  # HEAD, 204, 205, 304: no body at all
    LENGTH = "length"  # Content-Length
    CHUNKED = "chunked"  # HTTP/1.1 without a known length
    CLOSE = "close"  # HTTP/1.0 without a known length: the end is the connection's end


def build_environ(
    head: http11.RequestHead, info: ConnectionInfo, body: RequestBody
) -> dict[str, Any]:
    """The PEP 3333 environ for ``head``: native strings of latin-1-decoded bytes.

    Example: ``build_environ(head, info, body)["PATH_INFO"]`` -> ``"/caf\\xc3\\xa9"``.
    """
    path, _, query = head.path.partition(b"?")
    target = head.target.decode("latin-1")
    environ = info.base_environ.copy()  # a C-level copy: cheaper than building the dict
    environ["REQUEST_METHOD"] = head.method.decode("latin-1")
    environ["PATH_INFO"] = (unquote_to_bytes(path) if PERCENT in path else path).decode("latin-1")
    environ["QUERY_STRING"] = query.decode("latin-1")
    environ["REQUEST_URI"] = environ["RAW_URI"] = target
    environ["SERVER_PROTOCOL"] = "HTTP/1.0" if head.version == b"1.0" else "HTTP/1.1"
    environ["wsgi.input"] = body
    for field_name, field_value in head.headers:
        key = _environ_key(field_name)
        if key is None:
            continue
        value = field_value.decode("latin-1")
        if key in environ:  # RFC 9110 §5.3: repeated fields combine with commas
            environ[key] = environ[key] + "," + value
        else:
            environ[key] = value
    if head.framing is _LENGTH_REQUEST_BODY and head.content_length is not None:
        environ["CONTENT_LENGTH"] = str(head.content_length)
    if head.authority and head.target[:1] != b"/":
        # RFC 9112 §3.2.2: an absolute-form target's authority wins over Host; the app
        # must see the host the parser validated (host confusion otherwise).
        environ["HTTP_HOST"] = head.authority.decode("latin-1")
    return environ


@functools.lru_cache(maxsize=512)  # field names repeat from request to request
def _environ_key(field_name: bytes) -> str | None:
    """The environ key for a request header field, or None if it must not appear."""
    name = field_name.decode("latin-1").upper()
    if "_" in name:  # HTTP.md: X_Forwarded_For must not impersonate X-Forwarded-For
        return None
    if name in ("CONTENT-LENGTH", "TRANSFER-ENCODING"):
        return None  # framing is the gateway's business (CONTENT_LENGTH is set from head)
    return "CONTENT_TYPE" if name == "CONTENT-TYPE" else "HTTP_" + name.replace("-", "_")


class Exchange:
    """One request and its response: PEP 3333's ``start_response``, ``write`` and framing.

    Example (what ``server.py`` does for each request head)::

        exchange = Exchange(head, parser, channel, info)
        outcome = exchange.run(app)
        if not outcome.keep_alive:
            ...close the connection...
    """

    def __init__(
        self,
        head: http11.RequestHead,
        parser: http11.RequestParser,
        channel: Channel,
        info: ConnectionInfo,
        may_keep_alive: Callable[[], bool] | None = None,
    ) -> None:
        """Prepare the environ; nothing is sent until the application answers.

        ``may_keep_alive`` is asked when the response head is built; False makes this the
        connection's last response (the server uses it while shutting down).
        """
        self.head = head
        self.channel = channel
        self.is_head_request = head.method == b"HEAD"
        self.http10 = head.version == b"1.0"
        self.keep_alive = head.keep_alive
        self.may_keep_alive = may_keep_alive
        # RFC 9110 §10.1.1: only HTTP/1.1 clients wait for 100; an empty body needs none.
        self.continue_due = head.expects_continue and (
            head.framing is _CHUNKED_REQUEST_BODY or bool(head.content_length)
        )
        announce = self._send_continue if self.continue_due else None
        self.body = RequestBody(parser, channel.receive, announce)
        self.environ = build_environ(head, info, self.body)
        self.status, self.reason = 0, ""
        self.headers: list[tuple[str, str]] = []
        self.facts = NO_HEADER_FACTS
        self.headers_sent = False
        self.framing, self.body_bytes = Framing.NONE, 0
        self.content_length: int | None = None  # as the response head announced it
        self.known_length: int | None = None  # computed when the whole body is in view

    def _send_continue(self) -> None:
        if not self.headers_sent:
            self._send_raw(CONTINUE_RESPONSE)

    def _send_raw(self, data: bytes) -> None:
        try:
            self.channel.send(data)
        except OSError as error:
            self.keep_alive = False
            raise _ConnectionLost() from error

    # -- PEP 3333: start_response and write ------------------------------------------

    def start_response(
        self, status: str, headers: list[tuple[str, str]], exc_info: ExcInfo = None
    ) -> Callable[[bytes], None]:
        """Record the status and headers; they go out with the first non-empty body chunk.

        A second call is allowed only with ``exc_info`` (PEP 3333), and only before the head
        was sent; afterwards the original exception is re-raised.
        """
        if exc_info is not None:
            try:
                if self.headers_sent:
                    raise exc_info[1].with_traceback(exc_info[2])
            finally:
                exc_info = None  # break the traceback cycle (PEP 3333)
        elif self.status:
            raise AssertionError("start_response() called twice without exc_info")
        self.status, self.reason = _parse_status(status)
        if not isinstance(headers, list):
            raise TypeError("response headers must be a list of (name, value) tuples")
        try:
            self.facts = _header_facts(tuple(headers))
        except TypeError:  # unhashable (a list instead of a tuple): check without the cache
            self.facts = _header_facts.__wrapped__(tuple(headers))
        self.headers = list(headers)
        return self.write

    def write(self, data: bytes) -> None:
        """Send ``data`` as part of the body (PEP 3333's imperative ``write()``)."""
        if not self.status:
            raise AssertionError("write() before start_response()")
        if not isinstance(data, bytes):
            raise TypeError(f"WSGI body chunks must be bytes, not {type(data).__name__}")
        if not self.headers_sent:
            if not data:
                return  # PEP 3333: headers wait for the first non-empty chunk
            self._send_head(data)
        elif data:
            self._send_body(data)

    # -- framing -----------------------------------------------------------------------

    def _choose_framing(self) -> None:
        """Decide Content-Length / chunked / close and whether the connection persists."""
        app_length = self.facts.content_length
        if self.is_head_request or self.status in (204, 205, 304):
            self.framing = Framing.NONE
            if self.status in (204, 205):  # RFC 9110 §8.6: no length; §15.3.6: 205 says 0
                self.headers = [(n, v) for n, v in self.headers if n.lower() != "content-length"]
                self.headers += [("Content-Length", "0")] if self.status == 205 else []
            elif self.is_head_request and app_length is None and self.known_length is not None:
                self.headers.append(("Content-Length", str(self.known_length)))
            return
        if app_length is None and self.known_length is not None:
            app_length = self.known_length
            self.headers.append(("Content-Length", str(app_length)))
        if app_length is not None:
            self.framing, self.content_length = Framing.LENGTH, app_length
        elif self.http10:
            self.framing, self.keep_alive = Framing.CLOSE, False
        else:
            self.framing = Framing.CHUNKED
            self.headers.append(("Transfer-Encoding", "chunked"))

    def _send_head(self, first_chunk: bytes) -> None:
        """Frame the response and send its head, with the first chunk in the same segment."""
        self._choose_framing()
        if self.may_keep_alive is not None and not self.may_keep_alive():
            self.keep_alive = False
        if self.continue_due and not self.body.started and not self.body.finished:
            # We never said 100 Continue, so the client may or may not send the body:
            # the connection's next bytes are unknowable. RFC 9110 §10.1.1 lets us close.
            self.keep_alive = False
        headers = self.headers  # our own copy (start_response): extended in place
        if not self.facts.has_date:
            headers.append(("Date", current_date()))
        if not self.facts.has_server:
            headers.append(("Server", SERVER_SOFTWARE))
        if not self.keep_alive:
            headers.append(("Connection", "close"))
        elif self.http10:
            headers.append(("Connection", "keep-alive"))
        # RFC 9110 §2.5: the response says HTTP/1.1 (the highest version we conform to)
        # to an HTTP/1.0 client too; the framing and Connection above respect its version.
        # A ValueError for a bad header leaves nothing sent, so _fail can still answer 500.
        head = _format_head(self.status, self.reason, tuple(headers), "HTTP/1.1")
        self.headers_sent = True
        self._send_raw(head + self._frame(first_chunk))  # one segment for small responses

    def _send_body(self, data: bytes) -> None:
        body = self._frame(data)
        if body:
            self._send_raw(body)

    def _frame(self, data: bytes) -> bytes:
        """``data`` as it goes on the wire under the chosen framing (and count it)."""
        if self.framing is Framing.NONE or not data:
            return b""
        if self.framing is Framing.LENGTH:
            assert self.content_length is not None
            room = self.content_length - self.body_bytes
            if len(data) > room:  # the app lied about Content-Length: never overrun it
                error_log.error("application sent more than its Content-Length; truncated")
                self.keep_alive = False
                data = data[:room]
            self.body_bytes += len(data)
            return data
        self.body_bytes += len(data)
        if self.framing is Framing.CHUNKED:
            return http11.encode_chunk(data)
        return data

    def _finish_body(self) -> None:
        """After the app's last chunk: send an unsent head, end chunks, check the length."""
        if not self.headers_sent:
            if self.known_length is None and not self.is_head_request:
                self.known_length = 0  # the body turned out to be empty (for HEAD, unknown:
                # apps yield nothing then, and GET's length must not be said to be 0)
            self._send_head(b"")
        if self.framing is Framing.CHUNKED:
            self._send_raw(http11.LAST_CHUNK)
        elif self.framing is Framing.LENGTH and self.body_bytes < (self.content_length or 0):
            # RFC 9112 §6.3: the client would wait for the missing bytes; closing tells it.
            error_log.error("application sent less than its Content-Length; closing")
            self.keep_alive = False

    # -- running the application -------------------------------------------------------

    def run(self, app: WSGIApplication) -> Outcome:
        """Call ``app``, send its response, call its ``close()``; never raises ``Exception``."""
        try:
            result = app(self.environ, self.start_response)
            try:
                self._send_result(result)
            finally:
                close = getattr(result, "close", None)  # PEP 3333: in every case
                if close is not None:
                    close()
        except _ConnectionLost:
            self.keep_alive = False  # the client left; nothing to tell anyone
        except Exception as error:
            self._fail(error)
        if self.head.framing is _NO_REQUEST_BODY:
            self.body.end_empty()  # so the server neither drains nor lingers for it
        status = self.status if self.headers_sent else 0
        return Outcome(status, self.body_bytes, self.keep_alive, self.body.finished)

    def _send_result(self, result: Iterable[bytes]) -> None:
        if isinstance(result, (list, tuple)) and len(result) == 1 and not self.headers_sent:
            self.known_length = len(result[0])  # PEP 3333 allows computing Content-Length
        elif isinstance(result, FileWrapper) and not self.headers_sent:
            self.known_length = result.remaining_size()  # a regular file knows its size
            if self._send_file(result):
                return
        for chunk in result:
            self.write(chunk)
            if not self.keep_alive and self.body_bytes == self.content_length:
                break  # a Content-Length overrun was cut: nothing more can be sent
        if not self.status:
            raise AssertionError("the application returned without calling start_response()")
        self._finish_body()

    def _send_file(self, wrapper: FileWrapper) -> bool:
        """Send a real file with ``Channel.sendfile``; False to fall back to iteration."""
        size = self.known_length
        if self.channel.sendfile is None or not self.status or size is None:
            return False
        self._send_head(b"")
        # Nothing to copy for HEAD, no-body statuses and empty files (socket.sendfile
        # refuses a count of 0): then the head is everything.
        count = min(size, self.content_length or 0) if self.framing is Framing.LENGTH else 0
        if count:
            try:
                self.body_bytes += self.channel.sendfile(wrapper.file, wrapper.file.tell(), count)
            except OSError as error:
                self.keep_alive = False
                raise _ConnectionLost() from error
        self._finish_body()
        return True

    def _fail(self, error: Exception) -> None:
        """An exception escaped the application: answer 500 if we still can, else close."""
        self.keep_alive = False
        input_error = self.body.error or (error if isinstance(error, InputError) else None)
        if input_error is None:
            method, target = self.environ["REQUEST_METHOD"], self.environ["REQUEST_URI"]
            error_log.error("error in WSGI application (%s %s)", method, target, exc_info=error)
        elif isinstance(input_error, ClientDisconnected):
            return  # nobody to answer
        if self.headers_sent:
            return  # the client sees a truncated response and a closed connection
        # A body that broke a limit while the app read it gets its own status (413, 400).
        self.status = input_error.status if input_error is not None else 500
        with contextlib.suppress(OSError):
            self.channel.send(error_response(self.status, head_only=self.is_head_request))
            self.headers_sent = True


# Fast path: an application sends the same status line and headers again and again (the
# Date changes once a second), so validation and serialization are cached by value. Together
# with the per-connection environ base this cut a hello-world request (parser + gateway, no
# sockets) from ~173 to ~131 microseconds on the shared 2-core test machine.


@functools.lru_cache(maxsize=256)
def _parse_status(status: str) -> tuple[int, str]:
    if not isinstance(status, str):
        raise TypeError(f"status must be a str, not {type(status).__name__}")
    match = STATUS_LINE.fullmatch(status)
    if match is None:
        raise ValueError(f"invalid status line {status!r}: want '200 OK'")
    if match.group(1) < "200":
        # RFC 9110 §15.2: a 1xx is an interim response, before the final one, and never
        # for an HTTP/1.0 client. WSGI has one status per response, so it cannot be that.
        raise ValueError(f"status {status!r}: WSGI cannot send an interim (1xx) response")
    return int(match.group(1)), match.group(2) or ""


@dataclass(frozen=True)
class HeaderFacts:
    """What the gateway needs to know about the application's response headers."""

    content_length: Optional[int]
    has_date: bool
    has_server: bool


NO_HEADER_FACTS = HeaderFacts(None, False, False)


@functools.lru_cache(maxsize=1024)
def _header_facts(headers: tuple[tuple[str, str], ...]) -> HeaderFacts:
    """Type and hop-by-hop checks; token/CR/LF checks happen when the head is serialized."""
    content_length, names = None, set()
    for pair in headers:
        if not (isinstance(pair, tuple) and len(pair) == 2):
            raise TypeError(f"response header {pair!r} is not a (name, value) tuple")
        name, value = pair
        if not (isinstance(name, str) and isinstance(value, str)):
            raise TypeError(f"response header {name!r} must be str: str")
        lowered = name.lower()
        if lowered in HOP_BY_HOP:
            raise ValueError(f"hop-by-hop header {name!r} is the server's to set (PEP 3333)")
        if lowered == "content-length":
            # RFC 9110 §8.6: a second length (even an equal one) leaves the end ambiguous.
            if content_length is not None or DIGITS.fullmatch(value) is None:
                raise ValueError(f"invalid or repeated Content-Length {value!r} from the app")
            content_length = int(value)
        names.add(lowered)
    return HeaderFacts(content_length, "date" in names, "server" in names)


@functools.lru_cache(maxsize=1024)
def _format_head(
    status: int, reason: str, headers: tuple[tuple[str, str], ...], version: str
) -> bytes:
    return http11.format_response_head(status, reason, headers, version)
