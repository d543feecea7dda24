"""The default log handler of ``app.logger``: one stderr handler shared by every app.

Where it fits: ``App.logger`` (``tinyweb.app``) imports this module on first use and adds
``default_handler`` to the app's logger when logging is not configured (neither the logger
nor an ancestor has a handler). The server's own loggers (``tinyweb.access``,
``tinyweb.error``) are set up by ``tinyweb.server_options``, not here.

Rules:
- One handler object for the whole process, made when this module is first imported (the
  import lock runs that once). ``Logger.addHandler`` ignores a handler the logger already
  has, checking under logging's own lock. So when two worker threads read ``app.logger`` for
  the first time at once, or two apps of one name do, both may see "no handlers", yet the
  handler is added once. A handler made per call would be added twice, and every line
  would then print twice for the life of the process.
- The stream is looked up when a record is emitted, not when the handler is made, so the
  output follows a later ``sys.stderr`` swap (pytest's ``capsys``, a program redirecting
  its errors) instead of writing to a stream that has been replaced or closed.
- Standard library only, and no threads of its own (ARCHITECTURE.md): the locking is
  logging's.
"""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:  # StreamHandler is generic for type checkers only (at runtime from 3.11)
    _TextStreamHandler = logging.StreamHandler[TextIO]
else:
    _TextStreamHandler = logging.StreamHandler


class CurrentStderrHandler(_TextStreamHandler):
    """A ``StreamHandler`` that writes to whatever ``sys.stderr`` is when a line is logged.

    Example: ``logging.getLogger("myapp").addHandler(CurrentStderrHandler())``.
    """

    def __init__(self, level: int = logging.NOTSET) -> None:
        # Handler's constructor, not StreamHandler's: that one would store a stream, and
        # this handler has none of its own to store.
        logging.Handler.__init__(self, level)

    @property
    def stream(self) -> TextIO:  # type: ignore[override]  # read-only: it is sys.stderr
        """The current ``sys.stderr``, looked up for every record."""
        return sys.stderr


default_handler = CurrentStderrHandler()
default_handler.setFormatter(
    logging.Formatter("[%(asctime)s] %(levelname)s in %(module)s: %(message)s")
)
