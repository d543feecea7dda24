"""Context-locals: ``request``, ``g``, ``session`` and ``current_app``, on ``contextvars``.

Where it fits: ``App.wsgi_app`` pushes a ``RequestContext`` for every request (which pushes
an ``AppContext`` first) and pops it when the response is done. While it is pushed, a view
can write ``request.args`` instead of receiving the request as a parameter; that is the
whole point of this module, and the only global state tinyweb has.

How it works, in three pieces:

1. Two ``contextvars.ContextVar`` hold the current ``AppContext`` and ``RequestContext``.
   A ``ContextVar`` is per thread *and* per asyncio task, so concurrent requests in a
   threaded server never see each other's request (PEP 567).
2. Pushing a context sets the variable and keeps the returned token; popping resets the
   variable with that token, so pushes nest (a test request inside a shell session).
3. ``request``, ``g``, ``session`` and ``current_app`` are ``ContextProxy`` objects: each
   holds one small lookup function, and every attribute access, item access, ``in``,
   ``len``, iteration, comparison and call is forwarded to the object that function returns
   *now*. One class, one level: ``request.args`` is one lookup and one ``getattr``.

Two helpers keep a request's context for code that runs elsewhere, as Flask's do:
``stream_with_context`` pushes it again while a streamed body is iterated (after the view
returned), and ``copy_current_request_context`` pushes a copy of it in another thread.

Rules:
- Imports nothing from tinyweb but ``signals`` (to send ``appcontext_pushed`` and
  ``appcontext_popped``): the app is duck-typed (``app.do_teardown_request``,
  ``app.session_interface``, ...), so this module can be read on its own.
- Using a proxy with no context pushed raises a ``RuntimeError`` that says what to do.
- The session itself lives in ``tinyweb.sessions``; this module only opens it on first use
  (through ``app.session_interface``). ``NullSession`` is the read-only stand-in when the
  interface cannot open one (no ``SECRET_KEY``): reading gives an empty mapping, writing
  raises an error that explains what is missing.

Usage::

    with app.test_request_context("/hello?name=Ada"):
        assert request.args["name"] == "Ada"
        g.user = "ada"
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Iterator
from contextvars import ContextVar, Token
from typing import Any, Callable, NoReturn, TypeVar

from tinyweb.signals import appcontext_popped, appcontext_pushed

_app_context_var: ContextVar[AppContext] = ContextVar("tinyweb.app_context")
_request_context_var: ContextVar[RequestContext] = ContextVar("tinyweb.request_context")

Function = TypeVar("Function", bound=Callable[..., Any])

# pop() needs to tell "no exception given" from "explicitly no exception" (None).
_NOT_GIVEN: Any = object()

_OUTSIDE_APP_CONTEXT = (
    "Working outside of application context: {name} is only available while an app "
    "context is pushed. A request pushes one for you; elsewhere (a script, a CLI command, "
    "a test) write `with app.app_context():` around the code that uses it."
)
_ONLY_IN_A_REQUEST = (
    "'{name}' can only be used when a request context is active, such as in a view "
    "function: it keeps that context for code that runs later or in another thread."
)
_OUTSIDE_REQUEST_CONTEXT = (
    "Working outside of request context: {name} is only available while a request is "
    "handled (in a view, a before/after_request hook or a template it renders). In a test "
    "or a shell, write `with app.test_request_context('/path'):` around the code, or send "
    "a request through `app.test_client()`."
)


class AppGlobals:
    """The ``g`` namespace: per-app-context scratch space (a fresh one for each request).

    Example::

        g.user = load_user()
        if "user" in g: ...
        g.get("user"), g.pop("user", None), g.setdefault("hits", 0)
    """

    def get(self, name: str, default: Any = None) -> Any:
        """The attribute ``name``, or ``default`` if it is not set."""
        return self.__dict__.get(name, default)

    def pop(self, name: str, default: Any = _NOT_GIVEN) -> Any:
        """Remove and return ``name``; ``default`` (or ``KeyError``) if it is not set."""
        if default is _NOT_GIVEN:
            return self.__dict__.pop(name)
        return self.__dict__.pop(name, default)

    def setdefault(self, name: str, default: Any = None) -> Any:
        """The attribute ``name``, set to ``default`` first if it is not set."""
        return self.__dict__.setdefault(name, default)

    def __contains__(self, name: str) -> bool:
        return name in self.__dict__

    def __iter__(self) -> Iterator[str]:
        return iter(self.__dict__)

    def __repr__(self) -> str:
        app_context = _app_context_var.get(None)
        if app_context is not None:
            return f"<tinyweb.g of {app_context.app.name!r}>"
        return object.__repr__(self)


class AppContext:
    """The application context: makes ``current_app`` and ``g`` available.

    Pushed by every request, and by ``with app.app_context():`` for code that runs outside
    a request (CLI commands, scripts). Popping the outermost push runs the app's
    ``teardown_appcontext`` functions.
    """

    def __init__(self, app: Any) -> None:
        self.app = app
        # App.app_ctx_globals_class (Flask's name); a duck-typed app gets AppGlobals.
        self.g = getattr(app, "app_ctx_globals_class", AppGlobals)()
        self._tokens: list[Token[AppContext]] = []

    def push(self) -> None:
        """Make this context the current one (pushes nest); sends ``appcontext_pushed``."""
        self._tokens.append(_app_context_var.set(self))
        if appcontext_pushed.receivers:
            appcontext_pushed.send(self.app)

    def pop(self, exc: BaseException | None = _NOT_GIVEN) -> None:
        """Undo the last ``push``; the outermost pop runs ``teardown_appcontext``. Sends
        ``appcontext_popped`` once the context is no longer current."""
        if _app_context_var.get(None) is not self:
            raise RuntimeError(f"popped the wrong app context ({self!r} is not current)")
        try:
            if len(self._tokens) == 1:
                if exc is _NOT_GIVEN:
                    exc = sys.exc_info()[1]
                self.app.do_teardown_appcontext(exc)
        finally:
            _app_context_var.reset(self._tokens.pop())
            if appcontext_popped.receivers:  # (popped even when a teardown function raised)
                appcontext_popped.send(self.app)

    def __enter__(self) -> AppContext:
        self.push()
        return self

    def __exit__(self, exc_type: Any, exc_value: BaseException | None, traceback: Any) -> None:
        self.pop(exc_value)

    def __repr__(self) -> str:
        return f"<AppContext of {self.app.name!r}>"


class RequestContext:
    """The request context: makes ``request`` and ``session`` available for one request.

    ``App.wsgi_app`` creates one per request; ``app.test_request_context(...)`` creates one
    for tests. Pushing it also pushes an app context when the current one belongs to
    another app (or there is none). The session is opened on first use, so a request that
    never touches ``session`` never pays for reading its cookie.
    """

    def __init__(self, app: Any, request: Any) -> None:
        self.app = app
        self.request = request
        self._session: Any = None
        # Functions registered with after_this_request(), run before after_request hooks.
        self.after_request_functions: list[Callable[[Any], Any]] = []
        self._tokens: list[Token[RequestContext]] = []
        self._pushed_app_contexts: list[AppContext | None] = []

    @property
    def session(self) -> Any:
        """The session, opened through ``app.session_interface`` on first access."""
        if self._session is None:
            interface = self.app.session_interface
            session = interface.open_session(self.app, self.request)
            self._session = (
                session if session is not None else interface.make_null_session(self.app)
            )
        return self._session

    @session.setter
    def session(self, value: Any) -> None:
        self._session = value

    @property
    def session_opened(self) -> bool:
        """Whether anything has used the session during this request."""
        return self._session is not None

    def match_request(self) -> None:
        """Route the request: its ``url_rule`` and ``view_args``, or the routing error it
        will raise in ``routing_exception`` (Flask's; ``App.match_request`` does it)."""
        self.app.match_request(self.request)

    def copy(self) -> RequestContext:
        """A new context for the same request and session, to push in another thread.

        The copy has its own pushes (popping its outermost one runs the teardown
        functions, as Flask's copy does) and its own ``after_this_request`` list. The
        session is opened now, so that both contexts share the one session object.
        """
        copied = type(self)(self.app, self.request)
        copied.session = self.session
        return copied

    def push(self) -> None:
        """Make this the current request (and push an app context when needed)."""
        app_context = _app_context_var.get(None)
        if app_context is None or app_context.app is not self.app:
            app_context = self.app.app_context()
            app_context.push()
            self._pushed_app_contexts.append(app_context)
        else:
            self._pushed_app_contexts.append(None)
        self._tokens.append(_request_context_var.set(self))

    def pop(self, exc: BaseException | None = _NOT_GIVEN) -> None:
        """Undo the last ``push``; the outermost pop runs ``teardown_request`` functions."""
        if _request_context_var.get(None) is not self:
            raise RuntimeError(f"popped the wrong request context ({self!r} is not current)")
        if exc is _NOT_GIVEN:
            exc = sys.exc_info()[1]
        try:
            if len(self._tokens) == 1:
                self.app.do_teardown_request(exc)
                close = getattr(self.request, "close", None)
                if close is not None:
                    close()
        finally:
            _request_context_var.reset(self._tokens.pop())
            app_context = self._pushed_app_contexts.pop()
            if app_context is not None:
                app_context.pop(exc)

    def __enter__(self) -> RequestContext:
        self.push()
        return self

    def __exit__(self, exc_type: Any, exc_value: BaseException | None, traceback: Any) -> None:
        self.pop(exc_value)

    def __repr__(self) -> str:
        environ = getattr(self.request, "environ", {})
        target = f"{environ.get('REQUEST_METHOD', '?')} {environ.get('PATH_INFO', '?')}"
        return f"<RequestContext {target!r} of {self.app.name!r}>"


class ContextProxy:
    """Stands in for the object that ``lookup()`` returns at the moment of each use.

    Every operation is forwarded: ``proxy.name``, ``proxy.name = value``, ``proxy[key]``,
    ``key in proxy``, ``len``, ``iter``, ``==``, ``bool``, calls. Outside a context the
    lookup raises ``RuntimeError`` with instructions; ``bool(proxy)`` is then ``False`` and
    ``repr`` says "unbound", so debuggers and ``if session:`` do not explode.

    Example: ``current_user = ContextProxy(lambda: g.user, "current_user")``.
    """

    __slots__ = ("_lookup", "_name")

    def __init__(self, lookup: Callable[[], Any], name: str) -> None:
        object.__setattr__(self, "_lookup", lookup)
        object.__setattr__(self, "_name", name)

    def _get_current_object(self) -> Any:
        """The real object behind the proxy (for ``isinstance`` or sending elsewhere)."""
        return self._lookup()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._lookup(), name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._lookup(), name, value)

    def __delattr__(self, name: str) -> None:
        delattr(self._lookup(), name)

    def __getitem__(self, key: Any) -> Any:
        return self._lookup()[key]

    def __setitem__(self, key: Any, value: Any) -> None:
        self._lookup()[key] = value

    def __delitem__(self, key: Any) -> None:
        del self._lookup()[key]

    def __contains__(self, item: Any) -> bool:
        return item in self._lookup()

    def __iter__(self) -> Iterator[Any]:
        return iter(self._lookup())

    def __len__(self) -> int:
        return len(self._lookup())

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._lookup()(*args, **kwargs)

    def __eq__(self, other: object) -> bool:
        return bool(self._lookup() == other)

    def __ne__(self, other: object) -> bool:
        return bool(self._lookup() != other)

    __hash__ = None  # type: ignore[assignment]  # the target may change: not hashable

    def __bool__(self) -> bool:
        try:
            target = self._lookup()
        except RuntimeError:  # unbound: no context pushed
            return False
        return bool(target)

    def __str__(self) -> str:
        return str(self._lookup())

    def __repr__(self) -> str:
        try:
            target = self._lookup()
        except RuntimeError:
            return f"<unbound tinyweb proxy {self._name!r}>"
        return repr(target)


def _app_context(name: str) -> AppContext:
    """The current app context, or a RuntimeError explaining how to push one."""
    app_context = _app_context_var.get(None)
    if app_context is None:
        raise RuntimeError(_OUTSIDE_APP_CONTEXT.format(name=name))
    return app_context


def _request_context(name: str) -> RequestContext:
    """The current request context, or a RuntimeError explaining how to push one."""
    request_context = _request_context_var.get(None)
    if request_context is None:
        raise RuntimeError(_OUTSIDE_REQUEST_CONTEXT.format(name=name))
    return request_context


def _lookup_app() -> Any:
    return _app_context("current_app").app


def _lookup_g() -> AppGlobals:
    return _app_context("g").g


def _lookup_request() -> Any:
    # The hot path of every `request.x` in a view: one ContextVar.get, one attribute.
    request_context = _request_context_var.get(None)
    if request_context is None:
        raise RuntimeError(_OUTSIDE_REQUEST_CONTEXT.format(name="request"))
    return request_context.request


def _lookup_session() -> Any:
    return _request_context("session").session


# Typed Any: this module may not import Request (see the import table), and a proxy is
# used exactly like the object it stands for.
current_app: Any = ContextProxy(_lookup_app, "current_app")
g: Any = ContextProxy(_lookup_g, "g")
request: Any = ContextProxy(_lookup_request, "request")
session: Any = ContextProxy(_lookup_session, "session")


def has_request_context() -> bool:
    """Whether a request context is pushed (so ``request`` and ``session`` work).

    Example: ``remote = request.remote_addr if has_request_context() else None``.
    """
    return _request_context_var.get(None) is not None


def has_app_context() -> bool:
    """Whether an app context is pushed (so ``current_app`` and ``g`` work)."""
    return _app_context_var.get(None) is not None


def current_request_context() -> RequestContext:
    """The current ``RequestContext`` object (raises the usual error outside a request)."""
    # Called a few times per request by the app: the ContextVar read is inlined.
    request_context = _request_context_var.get(None)
    if request_context is None:
        raise RuntimeError(_OUTSIDE_REQUEST_CONTEXT.format(name="the request context"))
    return request_context


def current_app_context() -> AppContext:
    """The current ``AppContext`` object (raises the usual error outside one)."""
    return _app_context("the app context")


def after_this_request(function: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Run ``function(response)`` after the current request, before ``after_request`` hooks.

    Example::

        @app.get("/")
        def index():
            @after_this_request
            def add_header(response):
                response.headers["X-Foo"] = "Parachute"
                return response
            return "Hello"
    """
    _request_context("after_this_request").after_request_functions.append(function)
    return function


def copy_current_request_context(function: Function) -> Function:
    """Decorator: ``function`` runs inside a copy of the current request context.

    For work handed to another thread, where ``request`` and ``session`` would otherwise
    be unbound. The copy is made now (it shares the request and session objects); each
    call pushes it around ``function`` and pops it afterwards, which runs the
    ``teardown_request`` functions in that thread, as in Flask. The other thread gets its
    own app context, so its ``g`` is a fresh one.

    Example::

        @app.get("/")
        def index():
            @copy_current_request_context
            def log_visit():
                print("visited", request.path)

            threading.Thread(target=log_visit).start()
            return "Hello"
    """
    context = _request_context_var.get(None)
    if context is None:
        raise RuntimeError(_ONLY_IN_A_REQUEST.format(name="copy_current_request_context"))
    copied = context.copy()

    def run_in_context(*args: Any, **kwargs: Any) -> Any:
        with copied:  # (an async def is run to completion, as Flask's ensure_sync does)
            return copied.app.ensure_sync(function)(*args, **kwargs)

    return functools.update_wrapper(run_in_context, function)  # type: ignore[return-value]


def stream_with_context(generator_or_function: Any) -> Any:
    """Keep the request context pushed while a streamed body runs.

    A streamed body is iterated after the view returned, when the request context has
    been popped. Wrapped, the generator runs with the current request's context (and app
    context) pushed again: ``request``, ``session`` and ``g`` work in it. Use it around
    a generator, ``Response(stream_with_context(generate()))``, or as a decorator of a
    generator function. The context is popped when the generator ends or when the server
    calls ``close()`` (PEP 3333); that pop is the outermost one again, so the
    ``teardown_request`` and ``teardown_appcontext`` functions run a second time then, as
    in Flask 3.1 (the first time was when the view's response was returned).

    Example::

        @app.get("/stream")
        def streamed():
            @stream_with_context
            def generate():
                yield "Hello "
                yield request.args["name"]

            return generate()
    """
    try:
        body = iter(generator_or_function)
    except TypeError:
        if not callable(generator_or_function):
            raise TypeError(
                "stream_with_context() takes an iterable or a generator function, not "
                f"{type(generator_or_function).__name__}"
            ) from None
        return _streaming_decorator(generator_or_function)
    request_context = _request_context_var.get(None)
    if request_context is None:
        raise RuntimeError(_ONLY_IN_A_REQUEST.format(name="stream_with_context"))
    stream = _stream_in_context(generator_or_function, body, request_context)
    next(stream)  # to the first yield: from there, close() reaches the body (PEP 3333)
    return stream


def _streaming_decorator(function: Callable[..., Any]) -> Callable[..., Any]:
    """``@stream_with_context`` on a generator function: wrap each generator it makes."""

    def make_stream(*args: Any, **kwargs: Any) -> Any:
        return stream_with_context(function(*args, **kwargs))

    return functools.update_wrapper(make_stream, function)


def _stream_in_context(
    body: Any, chunks: Iterator[Any], request_context: RequestContext
) -> Iterator[Any]:
    """Yield the ``chunks`` of ``body`` with the contexts pushed; pop them when done.

    Pushed at the second ``next()`` (the first only primes the generator), in the thread
    that iterates: a ``ContextVar`` token must be reset where it was set. The app
    context goes first, so the request context reuses it (and ``g``) instead of making
    another. ``body.close()`` is called exactly once: inside the contexts after the last
    chunk, an error or ``close()``; outside them when closed before the first chunk.
    """
    app_context = _app_context_var.get(None)
    if app_context is None or app_context.app is not request_context.app:
        app_context = request_context.app.app_context()
    try:
        yield None  # the priming stop, outside the contexts
    except GeneratorExit:
        _close(body)  # closed before the first chunk: nothing was pushed
        raise
    with app_context, request_context:
        try:
            # A loop, not ``yield from``: that would call body.close() on close() too.
            for chunk in chunks:  # noqa: UP028
                yield chunk
        finally:
            _close(body)


def _close(body: Any) -> None:
    close = getattr(body, "close", None)
    if close is not None:  # a generator, or any WSGI iterable with close()
        close()


class NullSession(dict):  # type: ignore[type-arg]
    """A read-only, empty session: what ``session`` is when none could be opened.

    Writing raises a ``RuntimeError`` that says what is missing, instead of silently
    dropping the data at the end of the request. ``tinyweb.sessions`` subclasses it with
    a message about ``SECRET_KEY``.
    """

    def _fail(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise RuntimeError(
            "The session is read-only: the app's session interface opened no session for "
            "this request. With tinyweb's signed-cookie sessions, set app.config['SECRET_KEY']."
        )

    __setitem__ = __delitem__ = clear = pop = popitem = update = setdefault = _fail

    permanent = False
    modified = False
    accessed = False
    new = False
