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
occupies one worker, and the event loop is made and closed for every call (about 0.15 ms
on the test machine, where ``asyncio.run`` takes 0.22 ms).

How: a new event loop in the calling thread, closed as ``asyncio.run`` closes its own
but never made the thread's current loop. The coroutine sees the request's context
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

__all__ = ["async_to_sync", "ensure_sync", "resolve", "run_coroutine"]


def run_coroutine(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """Run ``coroutine`` to completion in a new event loop and return its result.

    As ``asyncio.run``, but the thread's current event loop (one a test harness set and
    is not running) is left as it was: the new loop is never made current.
    """
    import asyncio

    try:
        asyncio.get_running_loop()
    except RuntimeError:  # the usual case: a WSGI worker thread runs no loop
        pass
    else:
        coroutine.close()
        raise RuntimeError(
            f"cannot run {getattr(coroutine, '__qualname__', coroutine)!r} to completion: "
            "this thread already runs an event loop. tinyweb runs async views for a "
            "synchronous (WSGI) caller; call the app from a thread without a running loop"
        )
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(coroutine)
    finally:
        _close(loop)


def _close(loop: Any) -> None:
    """What ``asyncio.run`` does once its coroutine is done: cancel the tasks it left
    running, finish async generators and the default executor, close the loop."""
    import asyncio

    try:
        leftover = asyncio.all_tasks(loop)
        if leftover:
            for task in leftover:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*leftover, return_exceptions=True))
        # Each pass costs a turn of the loop (a third of the whole), so it is skipped when
        # there is nothing to finish. The loop's own record says so; a Python whose loop
        # does not keep it under these names gets both passes, as asyncio.run does.
        if getattr(loop, "_asyncgens", True):
            loop.run_until_complete(loop.shutdown_asyncgens())
        if getattr(loop, "_default_executor", True) is not None:
            loop.run_until_complete(loop.shutdown_default_executor())
    finally:
        loop.close()


def resolve(value: Any) -> Any:
    """``value``, or its result when it is a coroutine (what an ``async def`` view, hook,
    handler or class-based view method returned), run by ``run_coroutine``."""
    if type(value) is CoroutineType:
        return run_coroutine(value)
    return value


def async_to_sync(function: Callable[..., Any]) -> Callable[..., Any]:
    """A synchronous function that calls ``function`` and runs the coroutine it returns
    (Flask's ``app.async_to_sync``)."""

    @functools.wraps(function)
    def run_to_completion(*args: Any, **kwargs: Any) -> Any:
        return resolve(function(*args, **kwargs))

    return run_to_completion


def ensure_sync(function: Callable[..., Any]) -> Callable[..., Any]:
    """``function`` itself when it is synchronous; wrapped by ``async_to_sync`` when it is
    an ``async def`` (Flask's ``app.ensure_sync``, for extensions that call it)."""
    import inspect  # (here: `import tinyweb` does not load inspect)

    if inspect.iscoroutinefunction(function):
        return async_to_sync(function)
    return function
