"""Async views: a coroutine returned by a view, hook or handler is run to completion.

Where it fits: WSGI is synchronous, and so is tinyweb's server: a worker thread calls the
app and waits for its answer. An ``async def`` view called by ``App.dispatch_request``
returns a coroutine object, not a response; the app sees that (one ``type(x) is
CoroutineType`` test, the only cost for apps without async code) and hands the coroutine
to ``run_coroutine``, which runs it in an event loop of its own and returns its result.
The same goes for ``before_request``/``after_request``/teardown functions, error handlers
and context processors, where Flask calls ``app.ensure_sync``, and for signal receivers.

What this gives, as in Flask: ``await`` works inside a view (``asyncio.gather`` of several
HTTP calls or queries runs them concurrently), while the request still holds its worker
thread until the view returns. It is not an ASGI server: one slow async view still
occupies one worker, and the event loop is made and closed for every call (about 0.1 ms).

How: ``asyncio.run`` in the calling thread. The coroutine sees the request's context
(asyncio copies the context variables into the task), so ``request``, ``g`` and
``session`` work; a context variable *set* inside it does not leak out, as with any task.

Rules:
- Imports nothing from tinyweb; ``asyncio`` is imported on first use (``import tinyweb``
  and a synchronous app never load it).
- Called from a thread that already runs an event loop, there is no loop to make: that
  is a ``RuntimeError`` saying so, and the coroutine is closed (no "never awaited"
  warning).

Spec: https://flask.palletsprojects.com/en/3.1.x/async-await/
"""

from __future__ import annotations

import functools
from collections.abc import Coroutine
from types import CoroutineType
from typing import Any, Callable

__all__ = ["async_to_sync", "ensure_sync", "run_coroutine"]


def run_coroutine(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """Run ``coroutine`` to completion in a new event loop and return its result."""
    import asyncio

    try:
        asyncio.get_running_loop()
    except RuntimeError:  # the usual case: a WSGI worker thread has no loop
        return asyncio.run(coroutine)
    coroutine.close()
    raise RuntimeError(
        f"cannot run {getattr(coroutine, '__qualname__', coroutine)!r} to completion: this "
        "thread already runs an event loop. tinyweb runs async views for a synchronous "
        "(WSGI) caller; call the app from a thread without a running loop"
    )


def async_to_sync(function: Callable[..., Any]) -> Callable[..., Any]:
    """A synchronous function that calls ``function`` and runs the coroutine it returns
    (Flask's ``app.async_to_sync``)."""

    @functools.wraps(function)
    def run_to_completion(*args: Any, **kwargs: Any) -> Any:
        result = function(*args, **kwargs)
        if type(result) is CoroutineType:
            return run_coroutine(result)
        return result

    return run_to_completion


def ensure_sync(function: Callable[..., Any]) -> Callable[..., Any]:
    """``function`` itself when it is synchronous; wrapped by ``async_to_sync`` when it is
    an ``async def`` (Flask's ``app.ensure_sync``, for extensions that call it)."""
    import inspect  # (here: `import tinyweb` does not load inspect)

    if inspect.iscoroutinefunction(function):
        return async_to_sync(function)
    return function
