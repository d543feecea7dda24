"""Class-based views: ``View`` and ``MethodView``, as Flask's ``flask.views``.

Where it fits: a class is not a view function, so ``View.as_view(name)`` makes one. The
function it returns is registered like any other (``app.add_url_rule``, a blueprint's
``add_url_rule``); when a request arrives it calls the class's ``dispatch_request`` with
the URL's values. The function carries what ``add_url_rule`` reads from a view
(``methods``, ``provide_automatic_options``) and the class it came from (``view_class``).

Rules:
- Flask 3.1's observable behaviour: ``decorators`` wrap the generated function (the first
  in the list is the innermost), ``init_every_request = False`` makes one instance at
  ``as_view`` time and shares it between requests (so keep per-request data in ``g``).
- ``MethodView`` derives ``methods`` from the method functions the class (or a base)
  defines, and answers ``HEAD`` with ``get`` when it has no ``head``. A request for a
  method the class has no function for is a 405 with the ``Allow`` set of the functions
  it has (Flask fails an ``assert`` there, which is a 500).
- Imports only ``context`` (the current request's method) and ``errors``.

Usage::

    class UserAPI(MethodView):
        def get(self, user_id):
            return {"id": user_id}

        def delete(self, user_id):
            return "", 204

    app.add_url_rule("/users/<int:user_id>", view_func=UserAPI.as_view("user"))
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any, Callable, ClassVar, Optional

from tinyweb.context import request
from tinyweb.coroutines import resolve
from tinyweb.errors import MethodNotAllowed

# The lowercase names MethodView looks for: one function per HTTP method (RFC 9110 §9).
HTTP_METHOD_FUNCTIONS = frozenset(
    ["get", "post", "head", "options", "delete", "put", "trace", "patch"]
)


class View:
    """A view written as a class: override ``dispatch_request``, register ``as_view(name)``.

    Class attributes (all optional): ``methods`` (default: ``add_url_rule``'s, GET),
    ``provide_automatic_options`` (None: answer OPTIONS automatically unless ``methods``
    has it), ``decorators`` (applied to the generated function, first = innermost) and
    ``init_every_request`` (True: a new instance per request; False: one for all).

    Example::

        class Hello(View):
            init_every_request = False

            def dispatch_request(self, name):
                return f"Hello, {name}!"

        app.add_url_rule("/hello/<name>", view_func=Hello.as_view("hello"))
    """

    methods: ClassVar[Optional[Collection[str]]] = None
    provide_automatic_options: ClassVar[Optional[bool]] = None
    decorators: ClassVar[Sequence[Callable[..., Any]]] = ()
    init_every_request: ClassVar[bool] = True

    def dispatch_request(self, **kwargs: Any) -> Any:
        """Answer the request; the URL's values arrive as keyword arguments."""
        raise NotImplementedError(
            f"{type(self).__name__} must override dispatch_request() to answer requests"
        )

    @classmethod
    def as_view(cls, name: str, *class_args: Any, **class_kwargs: Any) -> Callable[..., Any]:
        """A view function for this class, named ``name`` (the endpoint by default).

        ``class_args`` and ``class_kwargs`` go to the class's ``__init__``: per request,
        or once, now, when ``init_every_request`` is False.
        """
        if cls.init_every_request:

            def view(**kwargs: Any) -> Any:
                instance = view.view_class(*class_args, **class_kwargs)  # type: ignore[attr-defined]
                return resolve(instance.dispatch_request(**kwargs))

        else:
            shared = cls(*class_args, **class_kwargs)

            def view(**kwargs: Any) -> Any:
                return resolve(shared.dispatch_request(**kwargs))

        if cls.decorators:
            # Decorators that copy the name (functools.wraps) must see the endpoint's.
            view.__name__ = name
            view.__module__ = cls.__module__
            for decorator in cls.decorators:
                view = decorator(view)
        # view_class on the function: the class can be found (or swapped, in a test)
        # from what the app registered.
        view.view_class = cls  # type: ignore[attr-defined]
        view.__name__ = name
        view.__doc__ = cls.__doc__
        view.__module__ = cls.__module__
        view.methods = cls.methods  # type: ignore[attr-defined]
        view.provide_automatic_options = cls.provide_automatic_options  # type: ignore[attr-defined]
        return view


class MethodView(View):
    """A view whose methods answer the HTTP methods of the same name: ``get`` for GET.

    ``methods`` is derived from the functions the class defines (and the ``methods`` of
    its bases), unless the class sets it. ``HEAD`` falls back to ``get``.

    Example::

        class Counter(MethodView):
            def get(self):
                return str(session.get("count", 0))

            def post(self):
                session["count"] = session.get("count", 0) + 1
                return redirect(url_for("counter"))

        app.add_url_rule("/counter", view_func=Counter.as_view("counter"))
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "methods" in cls.__dict__:
            return  # set by the class itself: taken as written
        methods: set[str] = set()
        for base in cls.__bases__:
            methods.update(getattr(base, "methods", None) or ())
        methods.update(name.upper() for name in HTTP_METHOD_FUNCTIONS if hasattr(cls, name))
        if methods:
            cls.methods = methods

    def dispatch_request(self, **kwargs: Any) -> Any:
        """Call the method function named after the request's method."""
        handler = getattr(self, request.method.lower(), None)
        if handler is None and request.method == "HEAD":
            handler = getattr(self, "get", None)
        if handler is None:
            raise MethodNotAllowed(self._implemented_methods())
        return resolve(handler(**kwargs))  # an async def method is run here, as in Flask

    def _implemented_methods(self) -> set[str]:
        """The Allow set: the methods this class has a function for (HEAD with GET), and
        OPTIONS unless the class opted out of the automatic answer."""
        implemented = {name.upper() for name in HTTP_METHOD_FUNCTIONS if hasattr(self, name)}
        if "GET" in implemented:
            implemented.add("HEAD")
        if self.provide_automatic_options is not False:
            implemented.add("OPTIONS")
        return implemented
