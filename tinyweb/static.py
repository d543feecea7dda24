"""Serving files: ``safe_join``, ``send_file`` and ``send_from_directory``.

Where it fits: the app's ``/static/<path:filename>`` view and application views call
:func:`send_from_directory` (a folder and a client-chosen path) or :func:`send_file` (a path
or file object the application chose). Both return a :class:`tinyweb.response.Response`
whose body streams the file in blocks, through the server's ``wsgi.file_wrapper`` when it
offers one (PEP 3333 §"Optional Platform-Specific File Handling"; tinyweb's server may use
``os.sendfile`` for it). The request is read from ``environ`` when given, else from the
request context (:mod:`tinyweb.context`).

Rules:

1. A client-chosen path goes through :func:`safe_join`, which refuses, in every segment,
   ``..``, absolute paths, drive letters and ``:``, backslashes, NUL and other control
   characters, Windows device names (``CON``, ``con.txt``, ``COM1``) and names Windows
   would silently trim (trailing dot or space): path traversal, CWE-22. It answers ``None``
   (Werkzeug's convention); :func:`send_from_directory` turns that into ``404 Not Found``.
2. :func:`send_from_directory` also resolves symbolic links and refuses a file whose real
   path is outside the real folder, and only regular files are ever served (never a
   directory, FIFO or device: opening is non-blocking and checked with ``fstat``).
3. A file is never read whole into memory: it is sent in ``BLOCK_SIZE`` blocks.
4. Conditional requests follow RFC 9110 §13.2.2's order: ``If-Match``,
   ``If-Unmodified-Since`` (412), ``If-None-Match``, ``If-Modified-Since`` (304), then
   ``Range`` with ``If-Range`` (RFC 9110 §14). One satisfiable byte range gives ``206`` with
   ``Content-Range``; an unsatisfiable one raises ``RangeNotSatisfiable`` (416). Several
   ranges are answered with the whole file (200), which RFC 9110 §14.2 allows: tinyweb
   does not build ``multipart/byteranges`` bodies. The evaluation itself lives in
   :mod:`tinyweb.caching`, shared with ``Response.make_conditional``; ``ByteRange`` and
   ``parse_range`` are imported from there and stay importable from here.
"""

from __future__ import annotations

import errno
import io
import mimetypes
import os
import re
import stat
import time
import unicodedata
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, BinaryIO, Callable, Optional, Union
from urllib.parse import quote

from tinyweb.caching import (
    ByteRange,  # noqa: F401  (importable from here, as before caching.py existed)
    parse_range,  # noqa: F401
    precondition_status,
    quote_etag,
    requested_range,
)
from tinyweb.datastructures import Headers
from tinyweb.errors import NotFound, PreconditionFailed
from tinyweb.response import Response, http_date
from tinyweb.security import WINDOWS_DEVICE_NAMES

__all__ = [
    "BLOCK_SIZE",
    "FileChunks",
    "content_disposition",
    "safe_join",
    "send_file",
    "send_from_directory",
]

BLOCK_SIZE = 64 * 1024

PathOrFile = Union[str, "os.PathLike[str]", BinaryIO]
MaxAge = Union[int, Callable[[Optional[str]], Optional[int]], None]
LastModified = Union[datetime, int, float, None]

# A compressed file must not be announced as its uncompressed type: mimetypes says
# "x.tar.gz" is ("application/x-tar", "gzip"). Werkzeug sends Content-Encoding instead, and
# browsers then silently decompress a download; tinyweb names the compressed type.
_ENCODED_TYPES = {
    "gzip": "application/gzip",
    "bzip2": "application/x-bzip2",
    "xz": "application/x-xz",
    "compress": "application/x-compress",
    "br": "application/x-brotli",
}


# safe_join -----------------------------------------------------------------------------------

_DRIVE_OR_STREAM = re.compile(r"[:\\\x00-\x1f\x7f]")  # "C:", "a.txt::$DATA", "\", NUL, CTLs


def safe_join(directory: str | os.PathLike[str], *pathnames: str | os.PathLike[str]) -> str | None:
    """Join untrusted ``pathnames`` below the trusted ``directory``; ``None`` if unsafe.

    Each pathname is split on ``/``; empty and ``.`` segments are skipped, and any unsafe
    segment (see the module rules) makes the whole answer ``None``.

    >>> safe_join("/srv/static", "css/site.css")
    '/srv/static/css/site.css'
    >>> safe_join("/srv/static", "../secret") is None
    True
    """
    segments: list[str] = []
    for path in pathnames:
        pathname = os.fspath(path)  # a pathlib.Path too, as Flask's
        if pathname.startswith("/"):
            return None  # absolute: os.path.join would throw the directory away
        for segment in pathname.split("/"):
            if segment in ("", "."):
                continue
            if not _is_safe_segment(segment):
                return None
            segments.append(segment)
    return os.path.join(os.fspath(directory), *segments)


def _is_safe_segment(segment: str) -> bool:
    """False for ``..``, separators, drives, control characters, device and trimmed names."""
    if segment == ".." or _DRIVE_OR_STREAM.search(segment):
        return False
    # Windows drops trailing dots and spaces ("secret.txt." opens "secret.txt", "..." is
    # ".."), and resolves device names in any folder and with any extension ("con.txt").
    if segment.endswith((".", " ")):
        return False
    stem = unicodedata.normalize("NFKC", segment.split(".")[0]).rstrip(" ").upper()
    return stem not in WINDOWS_DEVICE_NAMES


# The body --------------------------------------------------------------------------------------


class FileChunks:
    """The response body: ``length`` bytes (``None``: to the end) of ``file`` in blocks.

    The file is read from its current position; ``close()`` closes it (PEP 3333: the server
    calls it when the response is done, even after an error or a disconnect).
    """

    def __init__(self, file: BinaryIO, length: int | None, block_size: int = BLOCK_SIZE) -> None:
        self.file = file
        self.length = length
        self.block_size = block_size

    def __iter__(self) -> Iterator[bytes]:
        remaining = self.length
        while remaining is None or remaining > 0:
            size = self.block_size if remaining is None else min(self.block_size, remaining)
            block = self.file.read(size)
            if not block:
                # The file shrank while being sent; the server sees a body shorter than
                # Content-Length and closes the connection (HTTP.md, "Responses").
                return
            if remaining is not None:
                remaining -= len(block)
            yield block

    def close(self) -> None:
        """Close the file."""
        self.file.close()


@dataclass(frozen=True)
class _Source:
    """An open file to send: its size and mtime when known, its path when it has one."""

    file: BinaryIO
    size: int | None
    mtime: float | None
    path: str | None


# Names that cannot be a file to send: missing, a directory, too long, a symlink loop.
_NO_SUCH_FILE = frozenset(
    [errno.ENOENT, errno.ENOTDIR, errno.EISDIR, errno.ENAMETOOLONG, errno.ELOOP]
)


def _open_path(path: str) -> _Source:
    """Open a regular file without blocking (a FIFO would hang ``open``); else NotFound."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        descriptor = os.open(path, flags)
    except PermissionError:
        if os.path.isdir(path):  # Windows refuses to open a directory this way
            raise NotFound() from None
        raise
    except OSError as error:
        if error.errno in _NO_SUCH_FILE:
            raise NotFound() from None
        raise
    try:
        status = os.fstat(descriptor)  # of what was opened: no check-then-open race
        if not stat.S_ISREG(status.st_mode):
            raise NotFound()
        if hasattr(os, "set_blocking"):
            os.set_blocking(descriptor, True)
        file = os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise
    return _Source(file, status.st_size, status.st_mtime, path)


def _wrap_file(file: BinaryIO) -> _Source:
    """Measure a caller's binary file object from its current position, if it can seek."""
    if isinstance(file, io.TextIOBase):
        raise TypeError("send_file needs a binary file object (open it with 'rb')")
    size = None
    seekable = getattr(file, "seekable", None)  # plain objects with only read() are fine
    if seekable is not None and seekable():
        start = file.tell()
        size = file.seek(0, io.SEEK_END) - start
        file.seek(start)
    return _Source(file, size, None, None)


def _resolve(path: str) -> str:
    """Relative paths are relative to the application's root, as in Flask."""
    if os.path.isabs(path):
        return path
    from tinyweb.context import current_app, has_app_context  # lazily: works without an app

    if has_app_context():
        root = getattr(current_app, "root_path", None)
        if isinstance(root, str):
            return os.path.join(root, path)
    return os.path.abspath(path)


def _default_max_age() -> MaxAge:
    """Flask's default for ``max_age=None``: the active app's ``get_send_file_max_age``.

    So ``SEND_FILE_MAX_AGE_DEFAULT`` applies to a view's ``send_file`` as to static files;
    with no app (or no such method) the response says ``no-cache``.
    """
    from tinyweb.context import current_app, has_app_context  # lazily: works without an app

    if not has_app_context():
        return None
    getter = getattr(current_app, "get_send_file_max_age", None)
    return getter if callable(getter) else None


def _request_environ() -> Mapping[str, Any]:
    """The WSGI environ of the current request (``environ`` was not given)."""
    from tinyweb.context import has_request_context, request

    if not has_request_context():
        raise RuntimeError(
            "send_file() outside a request needs the WSGI environ: send_file(..., environ=environ)"
        )
    environ: Mapping[str, Any] = request.environ
    return environ


# Header values ---------------------------------------------------------------------------------


def _guess_mimetype(name: str) -> str:
    """The type ``mimetypes`` guesses from a file name; compressed files keep their own."""
    mimetype, encoding = mimetypes.guess_type(name)
    if encoding is not None:
        return _ENCODED_TYPES.get(encoding, "application/octet-stream")
    return mimetype or "application/octet-stream"


def _quoted_string(text: str) -> str:
    """RFC 9110 §5.6.4 quoted-string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def content_disposition(disposition: str, filename: str) -> str:
    """A ``Content-Disposition`` value with an ASCII ``filename`` and, for non-ASCII names,
    an RFC 5987 ``filename*`` (RFC 6266 §4.3: recipients prefer ``filename*``).

    >>> content_disposition("attachment", "résumé.pdf")
    'attachment; filename="resume.pdf"; filename*=UTF-8\\'\\'r%C3%A9sum%C3%A9.pdf'
    """
    # Control characters can only do harm here (CR/LF: response splitting, CWE-113).
    filename = "".join(char for char in filename if char >= " " and char != "\x7f")
    if filename.isascii():
        return f"{disposition}; filename={_quoted_string(filename)}"
    fallback = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
    encoded = quote(filename, safe="!#$&+-.^_`|~")  # RFC 5987 §3.2.1 attr-char
    return f"{disposition}; filename={_quoted_string(fallback)}; filename*=UTF-8''{encoded}"


def _entity_tag(etag: bool | str, source: _Source) -> str | None:
    """The quoted ETag: given, or made from the path, mtime and size (paths only)."""
    if isinstance(etag, str):
        if etag.startswith(('"', 'W/"')):
            return etag
        return quote_etag(etag)
    if not etag or source.path is None or source.mtime is None:
        return None
    checksum = zlib.adler32(os.fsencode(source.path)) & 0xFFFFFFFF
    return f'"{int(source.mtime * 1e6):x}-{source.size:x}-{checksum:x}"'


def _last_modified(value: LastModified, source: _Source) -> int | None:
    """Whole seconds since the epoch (the resolution of an HTTP-date)."""
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        return int(moment.timestamp())
    if value is not None:
        return int(value)
    if source.mtime is None:
        return None
    # RFC 9110 §8.8.2.1: never later than the response's Date (clocks and copies drift).
    return int(min(source.mtime, time.time()))


def _cache_headers(headers: Headers, max_age: MaxAge, path: str | None) -> None:
    """``no-cache`` by default (revalidate with the ETag); ``public, max-age`` when given."""
    seconds = max_age(path) if callable(max_age) else max_age
    if seconds is None:
        headers.set("Cache-Control", "no-cache")
        return
    headers.set(
        "Cache-Control", f"public, max-age={seconds}" if seconds > 0 else "no-cache, max-age=0"
    )
    headers.set("Expires", http_date(time.time() + seconds))


# send_file / send_from_directory -------------------------------------------------------------


def send_file(
    path_or_file: PathOrFile,
    mimetype: str | None = None,
    as_attachment: bool = False,
    download_name: str | None = None,
    conditional: bool = True,
    etag: bool | str = True,
    last_modified: LastModified = None,
    max_age: MaxAge = None,
    *,
    environ: Mapping[str, Any] | None = None,
) -> Response:
    """A streamed response for a file: a path the application chose, or a binary file.

    Flask's signature, plus ``environ`` (the WSGI environ; by default the current
    request's). The type is guessed from ``download_name`` or the path; a name gives a
    ``Content-Disposition`` (``attachment`` when ``as_attachment``, else ``inline``);
    ``ETag`` (quoted) and ``Last-Modified`` come from the file; ``conditional`` enables 304,
    412, 206 and 416 answers (module rule 4). ``max_age`` (seconds, or a function of the
    path) sets ``Cache-Control: public, max-age=N``; left at ``None``, it is the active app's
    ``get_send_file_max_age`` (``SEND_FILE_MAX_AGE_DEFAULT``, as Flask), and without an app
    or with that setting at ``None`` responses say ``no-cache``.
    A relative path is relative to ``current_app.root_path`` when an app is active.

    ::

        return send_file("reports/2024.pdf", as_attachment=True)
        return send_file(io.BytesIO(png_bytes), mimetype="image/png", environ=environ)
    """
    if environ is None:
        environ = _request_environ()
    if max_age is None:
        max_age = _default_max_age()
    if isinstance(path_or_file, (str, os.PathLike)):
        source = _open_path(_resolve(os.fspath(path_or_file)))
    else:
        source = _wrap_file(path_or_file)
    try:
        if download_name is None and source.path is not None:
            download_name = os.path.basename(source.path)
        if mimetype is None:
            if download_name is None:
                raise TypeError(
                    "cannot guess the MIME type of a file object: pass mimetype= or download_name="
                )
            mimetype = _guess_mimetype(download_name)
        headers = _file_headers(source, as_attachment, download_name, max_age)
        entity_tag = _entity_tag(etag, source)
        modified = _last_modified(last_modified, source)
        if entity_tag is not None:
            headers.set("ETag", entity_tag)
        if modified is not None:
            headers.set("Last-Modified", http_date(modified))
        return _respond(environ, source, headers, mimetype, conditional, entity_tag, modified)
    except BaseException:
        source.file.close()
        raise


def _file_headers(
    source: _Source, as_attachment: bool, download_name: str | None, max_age: MaxAge
) -> Headers:
    """Content-Disposition and caching headers."""
    headers = Headers()
    if download_name is not None:
        disposition = "attachment" if as_attachment else "inline"
        headers.set("Content-Disposition", content_disposition(disposition, download_name))
    elif as_attachment:
        raise TypeError("as_attachment=True needs a download_name for a file object")
    _cache_headers(headers, max_age, source.path)
    return headers


def _respond(
    environ: Mapping[str, Any],
    source: _Source,
    headers: Headers,
    mimetype: str,
    conditional: bool,
    entity_tag: str | None,
    modified: int | None,
) -> Response:
    """Evaluate the conditional headers and build the 200, 206 or 304 response."""
    byte_range = None
    if conditional:
        status = precondition_status(environ, entity_tag, modified)
        if status == 412:
            raise PreconditionFailed()
        if status == 304:
            source.file.close()
            return Response(None, status=304, headers=headers)
        if source.size is not None:
            headers.set("Accept-Ranges", "bytes")
            byte_range = requested_range(environ, source.size, entity_tag, modified)
    if byte_range is not None:
        source.file.seek(byte_range.start, io.SEEK_CUR)
        headers.set("Content-Range", byte_range.content_range())
        headers.set("Content-Length", str(byte_range.length))
        body = FileChunks(source.file, byte_range.length)
        return Response(
            body, status=206, headers=headers, mimetype=mimetype, direct_passthrough=True
        )
    if source.size is not None:
        headers.set("Content-Length", str(source.size))
    file_wrapper = environ.get("wsgi.file_wrapper")
    whole: Any = (
        file_wrapper(source.file, BLOCK_SIZE)
        if file_wrapper
        else FileChunks(source.file, source.size)
    )
    return Response(whole, status=200, headers=headers, mimetype=mimetype, direct_passthrough=True)


def send_from_directory(directory: str | os.PathLike[str], path: str, **kwargs: Any) -> Response:
    """Send ``path`` (untrusted, e.g. from the URL) from inside ``directory`` (trusted).

    ``404 Not Found`` when :func:`safe_join` refuses the path, when the file's real path
    (symbolic links resolved) leaves the real directory, or when it is not a regular file.
    Keyword arguments go to :func:`send_file`.

    ::

        @app.route("/uploads/<path:name>")
        def download(name):
            return send_from_directory(app.config["UPLOAD_FOLDER"], name, as_attachment=True)
    """
    root = _resolve(os.fspath(directory))
    joined = safe_join(root, path)
    if joined is None:
        raise NotFound()
    real_root = os.path.realpath(root)
    real_file = os.path.realpath(joined)
    if not _is_inside(real_file, real_root):
        raise NotFound()  # a symbolic link that points out of the folder
    kwargs.setdefault("download_name", os.path.basename(joined))
    return send_file(real_file, **kwargs)


def _is_inside(path: str, folder: str) -> bool:
    """True when ``path`` is strictly below ``folder`` (both already resolved)."""
    try:
        return path != folder and os.path.commonpath([folder, path]) == folder
    except ValueError:  # different drives on Windows
        return False
