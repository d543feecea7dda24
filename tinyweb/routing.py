"""The URL router: Flask rule syntax, a trie of path segments, and URL building.

Where it fits: the app registers rules with ``Router.add`` and calls ``Router.match`` once per
request with the decoded ``PATH_INFO`` (PEP 3333) and the method; ``url_for`` calls
``Router.build``. A ``routes`` command lists the rules by iterating over the router. This
module imports only ``converters`` (the kinds of variable) and ``errors``: ``match`` raises
``NotFound``, ``MethodNotAllowed`` and ``RequestRedirect`` (308), which render themselves.

How matching works (read ``Router.match``, then ``_Search``):
- A rule is split on ``/`` into segments. Rules without variables go into a dict keyed by
  the whole path: two dict lookups (path, then method) answer them.
- Every rule also lives in a trie: each node has a dict of static children and a short list
  of dynamic edges (converters), sorted by specificity. Matching walks the request's
  segments depth-first, so the cost grows with the depth of the path, not with the number
  of rules, and a dead end backtracks into the next edge (``/a/b/c`` vs ``/a/<x>/d``).
- Registering is cheap too (1000 rules in a few ms): each distinct segment text is parsed
  once (``converters.parse_segment``) and each distinct methods list normalized once, and
  ``Router.add`` walks the trie a single time.

Rules:
- Priority is by specificity, never by registration order: a static segment beats a
  constrained converter (int, float, uuid, any, custom), which beats ``string``, which
  beats ``path``. Ties between converters of one class are broken by ``weight``, then by
  their text, so the order of ``add`` calls never matters.
- Registration fails loudly (``RuleError``): invalid syntax, the same rule and method
  twice, two rules that no request could tell apart, two parameter names for one position.
- ``HEAD`` is answered by the ``GET`` rule unless one is registered for ``HEAD``;
  ``OPTIONS`` is answered automatically (``AutomaticOptions``) unless registered.
- Strict slashes as Werkzeug: rule ``/x/`` answers ``/x`` with a 308 to ``/x/`` (query
  kept); rule ``/x`` answers ``/x/`` with 404; ``strict_slashes=False`` accepts both.
- Segments are matched on the *decoded* path, so ``%2F`` is a ``/``: see docs/routing.md.

Specs: RFC 3986 §3.3 (path segments, pchar), RFC 9110 §9.3.7 (OPTIONS), §15.4.9 (308),
§15.5.6 (405 and Allow).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple, Optional
from urllib.parse import quote

from .converters import (
    DEFAULT_CONVERTERS,
    BaseConverter,
    RuleError,
    Segment,
    SegmentPattern,
    parse_rule,
)
from .errors import MethodNotAllowed, NotFound, RequestRedirect

# The converter classes and the parse of one segment live in tinyweb.converters;
# BaseConverter is re-exported here because register_converter needs it, RuleError
# because add raises it.
__all__ = ["AutomaticOptions", "BaseConverter", "BuildError", "Router", "Rule", "RuleError"]


class BuildError(LookupError):
    """``Router.build`` found no rule for the endpoint, method and values given."""


# ------------------------------------------------------------------------- rule parsing

# RFC 3986 §3.3: pchar = unreserved / pct-encoded / sub-delims / ":" / "@".
_SEGMENT_SAFE = "!$&'()*+,;=:@"
_GET_ONLY = frozenset({"GET"})
_COMMON_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")  # RFC 9110 §5.6.2 (method names)


# --------------------------------------------------------------------------- the rules


class Rule:
    """One registered rule, as the ``routes`` command and ``build`` see it.

    ``methods`` holds the registered methods plus ``HEAD`` when ``GET`` is present
    (``OPTIONS`` is answered for every path automatically, so it is not listed);
    ``explicit_methods`` holds only the registered ones. ``subdomain`` (``""``), ``host``
    (None) and ``domain_arguments`` (``()``, the domain's variables) name a rule's domain,
    as ``tinyweb.host_routing`` sets them. Treat a rule as read-only: the router indexes
    rules by these fields. ::

        for rule in router:
            print(rule.rule, rule.endpoint, sorted(rule.methods), rule.arguments)
    """

    # A plain class with __slots__, not a frozen dataclass: a frozen dataclass sets each
    # field through object.__setattr__, and making 1000 rules took 2.6 ms instead of
    # 0.6 ms (of the 25 ms that registering them took; benchmarks/bench_routing.py).
    # Equality, hashing and repr are the ones the dataclass had.
    __slots__ = (
        "arguments",
        "domain_arguments",
        "endpoint",
        "explicit_methods",
        "host",
        "methods",
        "rule",
        "segments",
        "strict_slashes",
        "subdomain",
    )

    def __init__(
        self,
        rule: str,
        endpoint: Any,
        methods: frozenset[str],
        strict_slashes: bool,
        arguments: tuple[str, ...],
        explicit_methods: frozenset[str],
        segments: tuple[Segment, ...],
    ) -> None:
        self.rule = rule
        self.endpoint = endpoint
        self.methods = methods
        self.strict_slashes = strict_slashes
        self.arguments = arguments
        self.explicit_methods = explicit_methods
        self.segments = segments
        # The rule's domain, in Werkzeug's names: set by the router of a subdomain or host
        # (tinyweb.host_routing.DomainRouter); ``arguments`` are the path's variables only.
        self.subdomain = ""
        self.host: Optional[str] = None
        self.domain_arguments: tuple[str, ...] = ()

    def __str__(self) -> str:
        return self.rule  # {{ request.url_rule }} shows "/users/<int:id>", as in Werkzeug

    def __repr__(self) -> str:
        return (
            f"Rule(rule={self.rule!r}, endpoint={self.endpoint!r}, methods={self.methods!r}, "
            f"strict_slashes={self.strict_slashes!r}, arguments={self.arguments!r})"
        )

    def _key(self) -> tuple[Any, ...]:
        return (
            self.rule,
            self.endpoint,
            self.methods,
            self.strict_slashes,
            self.arguments,
            self.explicit_methods,
        )

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Rule)
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def build_path(self, values: Mapping[str, Any]) -> str:
        """The percent-encoded path for ``values`` (BuildError if one does not fit)."""
        texts = [self._build_segment(segment, values) for segment in self.segments]
        return "/".join(texts)

    def _build_segment(self, segment: Segment, values: Mapping[str, Any]) -> str:
        pieces: list[str] = []
        texts: dict[str, str] = {}  # variable name -> its text
        for part in segment.parts:
            if isinstance(part, str):
                pieces.append(part)
                continue
            text = texts[part.name] = part.converter.to_url(values[part.name])
            # match alone, not to_python: that may look a model up, or raise NotFound.
            if not part.converter.match(text):
                raise BuildError(
                    f"value {values[part.name]!r} for {part.name!r} does not fit the "
                    f"converter of rule {self.rule!r}, so the URL would not route back"
                )
            pieces.append(text)
        built = "".join(pieces)
        pattern = segment.pattern
        if pattern is not None and pattern.regex is not None:
            # "<a>-<b>" with a="x", b="y-z" builds "x-y-z", which match splits as a="x-y".
            found = pattern.regex.fullmatch(built)
            if found is None or any(found[name] != text for name, text in texts.items()):
                raise BuildError(f"{built!r} would not route back to {texts} in rule {self.rule!r}")
        return quote(built, safe=_SEGMENT_SAFE + "/")  # static text holds no "/"


class AutomaticOptions(NamedTuple):
    """The endpoint ``match`` returns for an ``OPTIONS`` request no rule registered.

    The app answers it with an empty 200 whose ``Allow`` is ``endpoint.allowed``
    (RFC 9110 §9.3.7), written as every ``Allow`` is (``header_sets.HeaderSet``).
    ``rule`` and ``values`` are the first rule the path matched under another method,
    and its values: the request's endpoint and view arguments, so that a blueprint's
    hooks run for a CORS preflight, as in Flask::

        endpoint, params = router.match("/users", "OPTIONS")
        if isinstance(endpoint, AutomaticOptions):
            headers = [("Allow", HeaderSet(endpoint.allowed).to_header())]
    """

    allowed: tuple[str, ...]
    rule: Optional[Rule] = None
    values: tuple[tuple[str, Any], ...] = ()


class _Methods:
    """A rule's methods, normalized, with the sets the indexes need (built once per list).

    Apps pass a handful of distinct lists (``["GET"]``, ``["GET", "POST"]``), so the router
    interns them: normalizing each rule's list again cost about 1.4 ms of the 25 ms that
    1000 rules took to register (benchmarks/bench_routing.py).
    """

    __slots__ = ("allowed", "explicit", "shown")

    def __init__(self, explicit: frozenset[str], automatic_options: bool = True) -> None:
        self.explicit = explicit  # as registered
        self.shown = explicit | {"HEAD"} if "GET" in explicit else explicit  # Rule.methods
        # The Allow set a path with this rule gets; without OPTIONS, an OPTIONS request
        # for a path whose rules all opted out of the automatic answer is a 405 (Flask's
        # provide_automatic_options=False).
        self.allowed = self.shown | {"OPTIONS"} if automatic_options else self.shown


# ---------------------------------------------------------------------------- the trie


class _Edge:
    """A dynamic edge out of a trie node: a segment's pattern and the node it leads to.

    The fields the matcher reads are copied from the shared ``SegmentPattern``, so following
    an edge costs no extra attribute hop.
    """

    __slots__ = ("convert", "is_path", "name", "names", "node", "order", "plain", "signature")

    def __init__(self, segment: Segment, pattern: SegmentPattern, node: _Node) -> None:
        self.signature = segment.signature
        self.names = segment.names
        self.name = segment.names[0]
        self.order = pattern.order
        self.is_path = pattern.is_path
        self.plain = pattern.plain
        self.convert = pattern.convert
        self.node = node


_NO_HANDLERS: dict[str, Rule] = {}  # the handlers of every node without such rules
# Shared: since Python 3.10 each frozenset() is a new 216-byte object. With the loop
# in _Node.add_rule, 1000 rules register 0.5 ms sooner (benchmarks/bench_routing.py).
_NO_METHODS: frozenset[str] = frozenset()
_NO_ENDPOINTS: dict[str, Any] = {}  # what Router.match finds for a path without static rules


def _index_by_method(rule: Rule, handlers: dict[str, Rule]) -> None:
    """Add ``rule`` to ``handlers`` (method -> rule): HEAD is answered by the GET rule
    unless a rule registers HEAD itself (RFC 9110 §9.3.2), whichever comes first."""
    for method in rule.explicit_methods:
        handlers[method] = rule  # an explicit HEAD replaces the one GET implied
    if "GET" in rule.explicit_methods:
        handlers.setdefault("HEAD", rule)


class _Node:
    """A trie node: static children by segment text, dynamic edges by priority, and the
    rules that end here, indexed by method for matching."""

    __slots__ = (
        "allowed",
        "dynamic",
        "handlers",
        "loose_allowed",
        "loose_handlers",
        "plain",
        "rules",
        "static",
    )

    def __init__(self) -> None:
        # Most nodes have static children or dynamic edges, not both, and a third have
        # neither: they share empty containers until add_child makes their own. Fewer
        # containers, fewer garbage-collector passes while 1000 rules are registered
        # (the collector took a fifth of the 25 ms; benchmarks/bench_routing.py).
        self.static: dict[str, _Node] = _NO_CHILDREN  # shared: never written
        self.dynamic: Sequence[_Edge] = ()  # sorted by _Edge.order
        # The first dynamic edge when it is a plain <string>: then no constrained edge
        # comes before it, and the fast path takes it without looping over edges.
        self.plain: Optional[_Edge] = None
        # The rules ending here, in the node itself rather than in an object of their
        # own: one object less per rule, 0.7 ms less per 1000 rules. Nodes without rules
        # share the empty containers, as above.
        self.rules: tuple[Rule, ...] = ()
        self.handlers: dict[str, Rule] = _NO_HANDLERS  # method -> rule
        self.allowed: frozenset[str] = _NO_METHODS  # the Allow set of this path
        # The same two, for strict_slashes=False rules.
        self.loose_handlers: dict[str, Rule] = _NO_HANDLERS
        self.loose_allowed: frozenset[str] = _NO_METHODS

    def check(self, rule: Rule) -> None:
        """RuleError if a rule here already answers one of the methods of ``rule``."""
        for existing in self.rules:
            overlap = existing.explicit_methods & rule.explicit_methods
            if not overlap:
                continue
            shown = ", ".join(sorted(overlap))
            problem = f"is already registered for {shown} (endpoint {existing.endpoint!r})"
            if existing.rule != rule.rule:
                problem = f"and {existing.rule!r} match the same URLs for {shown}: no request"
                problem += " could tell them apart"
            raise RuleError(f"rule {rule.rule!r} {problem}")

    def add_rule(self, rule: Rule, methods: _Methods) -> None:
        """Index ``rule`` here (``check`` has passed: its methods are new here)."""
        if self.rules:
            _index_by_method(rule, self.handlers)
            self.allowed = self.allowed | methods.allowed
        else:
            # Most paths have one rule: its index comes straight from its interned
            # methods (HEAD is in them when GET is, as _index_by_method does). A loop,
            # not dict.fromkeys: calling the dict class costs twice as much (530
            # against 270 ns here), and from a frozenset it sizes the dict for any key
            # type (352 bytes instead of 184 for GET and HEAD).
            self.handlers = {}
            for method in methods.shown:
                self.handlers[method] = rule
            self.allowed = methods.allowed
        self.rules += (rule,)
        if not rule.strict_slashes:
            if self.loose_handlers is _NO_HANDLERS:
                self.loose_handlers = {}
            _index_by_method(rule, self.loose_handlers)
            self.loose_allowed = self.loose_allowed | methods.allowed

    def find_edge(self, segment: Segment, rule: str) -> Optional[_Node]:
        """The child for a segment with variables; RuleError if it names them differently."""
        for existing in self.dynamic:
            if existing.signature == segment.signature:
                if existing.names != segment.names:
                    raise RuleError(
                        f"rule {rule!r} names a variable {segment.names} where another rule "
                        f"names it {existing.names}: one position must have one name"
                    )
                return existing.node
        return None

    def add_child(self, segment: Segment) -> _Node:
        """A new child for ``segment`` (none exists yet)."""
        child = _Node()
        if segment.static_text is not None:
            if self.static is _NO_CHILDREN:
                self.static = {}
            self.static[segment.static_text] = child
            return child
        assert segment.pattern is not None  # a segment without static text has variables
        edge = _Edge(segment, segment.pattern, child)
        if self.dynamic:  # a few, at startup
            self.dynamic = sorted([*self.dynamic, edge], key=_edge_order)
        else:  # the usual case, a node's only edge: 0.5 ms less per 1000 rules than sorting
            self.dynamic = (edge,)
        self.plain = self.dynamic[0] if self.dynamic[0].plain else None
        return child


_NO_CHILDREN: dict[str, _Node] = {}  # the static children of every node without any


def _edge_order(edge: _Edge) -> tuple[Any, ...]:
    return edge.order


class _SlashRequired(Exception):
    """Raised inside the search: the path matches a ``strict_slashes`` rule plus a ``/``."""


class _Search:
    """One depth-first search for a request: static child, then dynamic edges by priority.

    ``values`` keeps the pairs found so far (a dead end truncates it again); ``allowed``
    collects the methods of paths that matched under another method (for 405 and
    OPTIONS); ``dead_ends`` remembers ``(node, index)`` states that failed, which only
    ``path`` edges can reach twice: without it, nested ``path`` rules would make a long
    path cost O(n³) (a denial of service), with it every state is searched once.
    """

    __slots__ = ("allowed", "dead_ends", "first", "method", "segments", "values")

    def __init__(self, segments: list[str], method: str) -> None:
        self.segments = segments
        self.method = method
        self.values: list[tuple[str, Any]] = []
        self.allowed: set[str] = set()
        self.first: Optional[tuple[Rule, tuple[tuple[str, Any], ...]]] = None  # for OPTIONS
        self.dead_ends: set[tuple[_Node, int]] = set()

    def passed(self, rules: Iterable[Rule]) -> None:
        """The path matched ``rules`` under other methods: remember the first one found."""
        if self.first is None:
            self.first = next(((rule, tuple(self.values)) for rule in rules), None)

    def run(self, node: _Node, index: int) -> Optional[Rule]:
        """The rule matching the segments from ``index`` on, starting at ``node``, or None."""
        segments = self.segments
        if index == len(segments):
            return self.at_end(node)
        segment = segments[index]
        child = node.static.get(segment)
        if child is not None:
            rule = self.run(child, index + 1)
            if rule is not None:
                return rule
        for edge in node.dynamic:
            if edge.is_path:
                rule = self.spans(edge, index)
            else:
                pairs = edge.convert(segment)
                if pairs is None:
                    continue
                mark = len(self.values)
                self.values.extend(pairs)
                rule = self.run(edge.node, index + 1)
                if rule is None:
                    del self.values[mark:]
            if rule is not None:
                return rule
        if segment == "" and index + 1 == len(segments) and node.rules:
            # Request "/x/" for rule "/x" with strict_slashes=False (as Werkzeug).
            rule = node.loose_handlers.get(self.method)
            if rule is None:
                self.allowed.update(node.loose_allowed)
                self.passed(rule for rule in node.rules if not rule.strict_slashes)
            return rule
        return None

    def at_end(self, node: _Node) -> Optional[Rule]:
        """The path is consumed: a rule here, or a rule one trailing slash further."""
        rule = node.handlers.get(self.method)
        if rule is not None:
            return rule
        self.allowed.update(node.allowed)
        self.passed(node.rules)
        slash_node = node.static.get("")
        if slash_node is None or not slash_node.rules:
            return None
        rule = slash_node.handlers.get(self.method)
        if rule is None and self.method == "OPTIONS":
            rule = slash_node.rules[0]  # automatic OPTIONS follows the redirect too
            if not rule.strict_slashes:
                self.allowed.update(slash_node.allowed)
                self.passed(slash_node.rules)
                return None
        if rule is not None and rule.strict_slashes:
            raise _SlashRequired()
        return rule

    def spans(self, edge: _Edge, index: int) -> Optional[Rule]:
        """A ``path`` edge: spans of one, two, ... segments (shortest first, as Werkzeug).

        The rest of the path is searched first and the value joined only for a span that
        leads to a rule, so a long path costs O(n) joins, not O(n²).
        """
        segments = self.segments
        if segments[index] == "":  # a path value never starts with "/"
            return None
        child = edge.node
        last = len(segments)
        # A path to a node with no further edges must take every remaining segment.
        first_end = last if not child.static and not child.dynamic else index + 1
        for end in range(first_end, last + 1):
            if (child, end) in self.dead_ends:
                continue
            mark, first = len(self.values), self.first
            rule = self.run(child, end)
            if rule is None:
                self.dead_ends.add((child, end))
                if first is None and self.first is not None:  # OPTIONS: the path's value too
                    pairs = edge.convert("/".join(segments[index:end]))
                    self.first = (
                        None if pairs is None else (self.first[0], (*self.first[1], *pairs))
                    )
                continue
            pairs = edge.convert("/".join(segments[index:end]))
            if pairs is not None:
                self.values.extend(pairs)
                return rule
            del self.values[mark:]
        return None


def _follow_first_choices(
    node: _Node, segments: list[str], values: dict[str, Any]
) -> Optional[_Node]:
    """The fast path: take the first choice at every segment, without backtracking.

    The first choices are what ``_Search.run`` tries first, so when they lead to a rule
    for the method, the search would return the same rule and values. Anything else (a dead
    end, a ``path`` edge, a trailing-slash case, another method) goes to ``_Search``.
    This loop is why the GitHub table matches in a few hundred ns (benchmarks/).
    """
    for segment in segments:
        child = node.static.get(segment)
        if child is None:
            plain = node.plain
            if plain is not None and segment:
                values[plain.name] = segment
                child = plain.node
            else:
                child = _first_dynamic_choice(node, segment, values)
                if child is None:
                    return None
        node = child
    return node


def _first_dynamic_choice(node: _Node, segment: str, values: dict[str, Any]) -> Optional[_Node]:
    """The fast path at a segment no static child or leading plain <string> takes."""
    for edge in node.dynamic:
        if edge.is_path:
            return None  # path spans need the full search
        if edge.plain:
            if segment:
                values[edge.name] = segment
                return edge.node
            continue
        pairs = edge.convert(segment)
        if pairs is not None:
            values.update(pairs)
            return edge.node
    return None


# -------------------------------------------------------------------------- the router


class Router:
    """Rules in, endpoints out: ``add`` at startup, ``match`` per request, ``build`` for URLs.

    ::

        router = Router()
        router.add("/", "index")
        router.add("/users/<int:user_id>", "user", methods=["GET", "POST"])
        router.match("/users/42", "GET")          # ("user", {"user_id": 42})
        router.build("user", {"user_id": 42, "tab": "posts"})   # "/users/42?tab=posts"
    """

    def __init__(self) -> None:
        self.converters: dict[str, type[BaseConverter]] = dict(DEFAULT_CONVERTERS)
        self._root = _Node()
        # Rules without variables: path -> method -> endpoint, for match's fast path.
        self._static: dict[str, dict[str, Any]] = {}
        self._rules: list[Rule] = []
        self._by_endpoint: dict[Any, list[Rule]] = {}
        self._segment_cache: dict[str, Segment] = {}
        self._method_sets: dict[Any, _Methods] = {}

    def register_converter(self, name: str, converter_class: type[BaseConverter]) -> None:
        """Make ``<name:...>`` available in rules added from now on.

        ::

            router.register_converter("color", ColorConverter)
            router.add("/paint/<color:shade>", "paint")
        """
        if not isinstance(name, str) or not name.isidentifier():
            raise RuleError(f"a converter name must be an identifier, got {name!r}")
        if not (isinstance(converter_class, type) and issubclass(converter_class, BaseConverter)):
            raise RuleError(f"converter {name!r} must be a subclass of BaseConverter")
        # Trie edges are keyed by the class's qualified name: two classes must not share one.
        taken = {
            f"{known.__module__}.{known.__qualname__}": known for known in self.converters.values()
        }
        qualified = f"{converter_class.__module__}.{converter_class.__qualname__}"
        if taken.get(qualified, converter_class) is not converter_class:
            raise RuleError(f"another converter class is already named {qualified}")
        self.converters[name] = converter_class
        self._segment_cache.clear()  # parses that named the old class must not be reused

    def add(
        self,
        rule: str,
        endpoint: Any,
        methods: Any = None,
        strict_slashes: bool = True,
        automatic_options: bool = True,
    ) -> Rule:
        """Register ``rule`` for ``endpoint`` and ``methods`` (default ``["GET"]``).

        With ``automatic_options=False`` the rule does not make ``match`` answer
        ``OPTIONS`` with an ``AutomaticOptions`` (unless ``methods`` has it, or another
        rule of the path does): the request is a 405. Raises RuleError for invalid syntax, a duplicate, or an ambiguity; the router is
        unchanged when it does. ::

            router.add("/posts/<slug>/", "post", methods=["GET", "DELETE"])
        """
        interned = self._interned_methods(methods, rule, bool(automatic_options))
        segments, arguments = parse_rule(rule, self.converters, self._segment_cache)
        new_rule = Rule(
            rule,
            endpoint,
            interned.shown,
            bool(strict_slashes),
            arguments,
            interned.explicit,
            tuple(segments),
        )
        node = self._insert(new_rule, segments, interned)
        if not arguments:  # the path's endpoints by method, the node's index copied
            handlers = node.handlers.items()
            self._static[rule] = {method: handler.endpoint for method, handler in handlers}
        self._rules.append(new_rule)
        self._by_endpoint.setdefault(endpoint, []).append(new_rule)
        return new_rule

    def _interned_methods(self, methods: Any, rule: str, automatic_options: bool) -> _Methods:
        """The ``_Methods`` for a ``methods`` argument, normalized once per distinct list."""
        if methods is not None and not isinstance(methods, str):
            methods = tuple(methods)  # a generator can be read only once
        key = (methods, automatic_options)
        try:
            return self._method_sets[key]
        except KeyError:
            cacheable = True
        except TypeError:  # an unhashable item: normalizing refuses it
            cacheable = False
        interned = _Methods(_normalize_methods(methods, rule), automatic_options)
        if cacheable:
            self._method_sets[key] = interned
        return interned

    def _insert(self, rule: Rule, segments: list[Segment], methods: _Methods) -> _Node:
        """Put ``rule`` into the trie; RuleError, with the trie unchanged, on a conflict."""
        # A failed add leaves no trace: a conflict can only show while following nodes that
        # exist (a variable named differently, then the rules at the end), and once a node
        # is created the rest of the path is new. One pass, so each segment is looked up
        # once (two passes cost about 1 ms per 1000 rules, benchmarks/bench_routing.py).
        node = self._root
        for segment in segments:
            text = segment.static_text
            if text is not None:  # most segments: one lookup, no call (0.1 ms per 1000 rules)
                child = node.static.get(text)
            else:
                child = node.find_edge(segment, rule.rule)
            node = child if child is not None else node.add_child(segment)
        if node.rules:
            node.check(rule)
        node.add_rule(rule, methods)
        return node

    def has_endpoint(self, endpoint: Any) -> bool:
        """Whether a rule has ``endpoint`` (``host_routing`` asks before building)."""
        return endpoint in self._by_endpoint

    def __iter__(self) -> Iterator[Rule]:
        """The rules in registration order (for a ``routes`` command)."""
        return iter(list(self._rules))

    def __len__(self) -> int:
        """How many rules are registered."""
        return len(self._rules)

    def match(self, path: str, method: str, query: str = "") -> tuple[Any, dict[str, Any]]:
        """The endpoint and converted values for a decoded path and a method.

        ``query`` is the raw query string, kept by a trailing-slash redirect. Raises
        ``NotFound``, ``MethodNotAllowed`` (with the Allow set) or ``RequestRedirect``
        (308); for an unregistered ``OPTIONS`` it returns an ``AutomaticOptions``. ::

            endpoint, values = router.match("/users/42", "GET")
        """
        # The hot path, kept flat: a static hit is two dict lookups and no branch until
        # the method is found (a path with no static rule gets the shared empty dict),
        # 30-40 ns less than testing for None in between. The endpoint is stored
        # directly, not its Rule: 25 ns less than reading rule.endpoint. What remains is
        # mostly the call itself and the new tuple and dict, which views may change
        # (benchmarks/bench_routing.py, "calibration"). An endpoint that is None goes on
        # to the trie, which gives the same answer. A dynamic route is one trie walk.
        endpoint = self._static.get(path, _NO_ENDPOINTS).get(method)
        if endpoint is not None:
            return endpoint, {}
        # "/users/42".split("/") starts with "", the root's only static child: a path
        # without its leading "/" finds no child there and falls through to a 404.
        values: dict[str, Any] = {}
        node = _follow_first_choices(self._root, path.split("/"), values)
        if node is not None:
            rule = node.handlers.get(method)
            if rule is not None:
                return rule.endpoint, values
        return self._search(path, method, query)

    def _search(self, path: str, method: str, query: str) -> tuple[Any, dict[str, Any]]:
        """The full search: backtracking, trailing slashes, 405 and automatic OPTIONS."""
        if not path.startswith("/"):
            if path:
                raise NotFound()
            path = "/"  # PEP 3333: an app mounted at SCRIPT_NAME may get an empty PATH_INFO
        segments = path.split("/")
        top = self._root.static.get("")  # the node after the leading "/"
        if top is None or (not top.dynamic and segments[1] and segments[1] not in top.static):
            raise NotFound()  # an unknown first segment, the usual 404 (/wp-admin, /.env)
        search = _Search(segments, method)
        try:
            rule = search.run(self._root, 0)
        except _SlashRequired:
            raise RequestRedirect(_redirect_target(path, query)) from None
        if rule is not None:
            return rule.endpoint, dict(search.values)
        if not search.allowed:
            raise NotFound()
        if method == "OPTIONS" and "OPTIONS" in search.allowed:
            return AutomaticOptions(tuple(sorted(search.allowed)), *(search.first or ())), {}
        raise MethodNotAllowed(search.allowed)

    def build(
        self,
        endpoint: Any,
        values: Optional[Mapping[str, Any]] = None,
        method: Optional[str] = None,
    ) -> str:
        """The percent-encoded URL path for ``endpoint``; extra values become the query.

        Of the endpoint's rules, the one using the most of the given values wins. Lists
        repeat their key in the query; ``None`` values are left out. Raises BuildError. ::

            router.build("user", {"user_id": 7, "tags": ["a", "b"]})  # "/users/7?tags=a&tags=b"
        """
        given = {key: value for key, value in (values or {}).items() if value is not None}
        rule = self._rule_to_build(endpoint, given, method)
        extra = [(key, value) for key, value in given.items() if key not in rule.arguments]
        try:  # a query value may fail to encode too (a lone surrogate is no UTF-8)
            path, query = rule.build_path(given), _encode_query(extra)
        except (TypeError, ValueError) as error:
            raise BuildError(f"cannot build {rule.rule!r} from {given!r}: {error}") from None
        return path + "?" + query if query else path  # not "/x?" when every item is None

    def _rule_to_build(
        self, endpoint: Any, given: Mapping[str, Any], method: Optional[str]
    ) -> Rule:
        rules = self._by_endpoint.get(endpoint)
        if not rules:
            raise BuildError(f"no rule has the endpoint {endpoint!r}")
        if method is not None:
            rules = [rule for rule in rules if method in rule.methods or method == "OPTIONS"]
            if not rules:
                raise BuildError(f"endpoint {endpoint!r} has no rule for method {method!r}")
        fitting = [rule for rule in rules if all(name in given for name in rule.arguments)]
        if not fitting:
            needed = [name for name in rules[0].arguments if name not in given]
            raise BuildError(
                f"endpoint {endpoint!r} needs values for {', '.join(needed)} "
                f"(rule {rules[0].rule!r})"
            )
        return max(fitting, key=lambda rule: len(rule.arguments))  # first of the longest


def _normalize_methods(methods: Optional[Any], rule: str) -> frozenset[str]:
    """``None`` -> {"GET"}; names upper-cased; RuleError for a bare string or a non-token."""
    if methods is None:
        return _GET_ONLY
    if isinstance(methods, str):
        raise RuleError(f"methods for {rule!r} must be a list such as ['GET'], not a string")
    if not all(isinstance(method, str) for method in methods):  # str(None) is "NONE"
        raise RuleError(f"methods for {rule!r} must be strings, got {list(methods)!r}")
    normalized = frozenset([method.upper() for method in methods])
    if not normalized:
        raise RuleError(f"rule {rule!r} has an empty methods list")
    if normalized <= _COMMON_METHODS:
        return normalized
    for method in normalized - _COMMON_METHODS:
        if not _TOKEN.fullmatch(method):
            raise RuleError(f"{method!r} is not a valid method name (RFC 9110 §9.1)")
    return normalized


def _redirect_target(path: str, query: str) -> str:
    """``path + "/"`` percent-encoded, with the query kept; never ``//host`` (open redirect)."""
    # surrogatepass: a lone surrogate (no UTF-8 for it) must not turn a 308 into a crash.
    target = quote(path, safe=_SEGMENT_SAFE + "/", errors="surrogatepass") + "/"
    # A Location starting with "//" names another host (RFC 3986 §4.2, network-path
    # reference); a backslash is encoded above because browsers read "/\\" as "//".
    target = "/" + target.lstrip("/")
    if query:
        # QUERY_STRING is the raw bytes as latin-1 (PEP 3333): latin-1 gives them back.
        target += "?" + quote(
            query, safe=_SEGMENT_SAFE + "/?%", encoding="latin-1", errors="replace"
        )
    return target


def _encode_query(pairs: list[tuple[str, Any]]) -> str:
    """``[("q", "a b"), ("tag", ["x", "y"])]`` -> ``"q=a%20b&tag=x&tag=y"``."""
    encoded: list[str] = []
    for key, value in pairs:
        items = value if isinstance(value, (list, tuple)) else [value]
        for item in items:
            if item is not None:
                encoded.append(f"{quote(str(key), safe='')}={quote(str(item), safe='')}")
    return "&".join(encoded)
