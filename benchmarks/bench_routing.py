"""Router benchmark: tinyweb's trie against Werkzeug, Bottle and Falcon, in one run.

Run from the repository root::

    .venv/bin/python benchmarks/bench_routing.py

Tables: the GitHub API (203 routes) and the Go static site (157 routes) from
julienschmidt/go-http-routing-benchmark, read from ``../shared/routes/*.json`` (never copied
into this repository), plus generated tables of 10, 100 and 1000 routes. For each table and
router it times one ``match`` per route (the average over all routes), a static probe, a
one-parameter probe and a 404. Peers: Werkzeug's bound ``MapAdapter.match``, Bottle's
``Router.match`` and Falcon's ``CompiledRouter.find`` (which does not look at the method).

The machine is shared, so routers run round-robin, each figure is the best of many short
rounds, and time is this process's CPU time (``time.process_time``): time spent waiting
for a core while other processes run does not count. Times are ns per call, loop overhead
included (printed once for reference; a single probe is repeated PROBE_BATCH times so that
every row pays the same overhead). Absolute targets (0.3 µs, 10 ms) assume an ordinary
unloaded machine, so they are also checked against calibrations measured in the same rounds:
the static hit next to a function doing one dict lookup and a method that only returns
``(endpoint, {})`` (the floor of ``match``'s API), the build next to a 1M-iteration loop
(the yardstick), and both are scaled to a yardstick of YARDSTICK_LAPTOP_MS.
"""

from __future__ import annotations

import json
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tinyweb.routing import Router

ROUTES_DIR = Path(__file__).resolve().parents[2] / "shared" / "routes"
ROUNDS = 25
TARGET_SECONDS = 0.004  # one timed batch: short, so some batches escape preemption
PROBE_BATCH = 100  # a single probe is timed as this many copies (same overhead as a table)
# The yardstick loop on an unloaded laptop with CPython 3.11 takes 25-40 ms; scaling to the
# slow end is the cautious choice (it makes the scaled figures the largest).
YARDSTICK_LAPTOP_MS = 40.0

Table = list[tuple[str, str]]  # (method, httprouter-style path)


# ------------------------------------------------------------------------------ tables


def load_table(name: str) -> Table | None:
    path = ROUTES_DIR / f"{name}.json"
    if not path.exists():
        print(f"skipping the {name} table: {path} is missing (it is not copied into this repo)")
        return None
    routes = json.loads(path.read_text(encoding="utf-8"))["routes"]
    return [(method, route) for method, route in routes]


def generated_table(count: int) -> Table:
    """``count`` routes, five shapes per resource: 10, 100 and 1000 are multiples of five,
    so every table has the same mix (20% static) and averages compare like for like."""
    shapes = [
        "/res{i}",
        "/res{i}/:id",
        "/res{i}/:id/items",
        "/res{i}/:id/items/:item",
        "/res{i}/search/:query",
    ]
    table: Table = []
    index = 0
    while len(table) < count:
        for shape in shapes:
            if len(table) < count:
                table.append(("GET", shape.format(i=index)))
        index += 1
    return table


def to_flask(route: str) -> str:
    route = re.sub(r":(\w+)", r"<\1>", route)
    return re.sub(r"\*(\w+)", r"<path:\1>", route)


def to_bottle(route: str) -> str:
    route = re.sub(r":(\w+)", r"<\1>", route)
    return re.sub(r"\*(\w+)", r"<\1:path>", route)


def to_falcon(route: str) -> str:
    route = re.sub(r":(\w+)", r"{\1}", route)
    return re.sub(r"\*(\w+)", r"{\1:path}", route)


def probe_path(route: str) -> str:
    """A concrete request path for a route: each parameter gets a sample value."""
    route = re.sub(r":(\w+)", lambda found: "v" + found.group(1), route)
    return re.sub(r"\*(\w+)", lambda found: "a/b/" + found.group(1), route)


def by_path(table: Table) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for method, route in table:
        grouped.setdefault(route, []).append(method)
    return grouped


# ----------------------------------------------------------------------------- routers

Matcher = Callable[[str, str], Any]


def tinyweb_rules(table: Table) -> list[tuple[str, str, list[str]]]:
    return [(to_flask(route), route, methods) for route, methods in by_path(table).items()]


def tinyweb_router(table: Table) -> Matcher:
    router = Router()
    for rule, endpoint, methods in tinyweb_rules(table):
        router.add(rule, endpoint, methods=methods)
    return router.match


def werkzeug_router(table: Table) -> Matcher:
    from werkzeug.routing import Map, Rule

    rules = [
        Rule(to_flask(route), endpoint=route, methods=methods)
        for route, methods in by_path(table).items()
    ]
    adapter = Map(rules).bind("localhost")
    return lambda path, method: adapter.match(path, method)


def bottle_router(table: Table) -> Matcher:
    import bottle

    router = bottle.Router()
    for method, route in table:
        router.add(to_bottle(route), method, route)
    return lambda path, method: router.match({"PATH_INFO": path, "REQUEST_METHOD": method})


def falcon_router(table: Table) -> Matcher:
    from falcon.routing import CompiledRouter

    class Resource:
        def __init__(self, route: str) -> None:
            self.route = route

    router = CompiledRouter()
    for route in by_path(table):
        router.add_route(to_falcon(route), Resource(route))
    find = router.find
    find("/")  # Falcon compiles its matcher on the first find()
    return lambda path, method: find(path)


ROUTERS: dict[str, Callable[[Table], Matcher]] = {
    "tinyweb": tinyweb_router,
    "werkzeug": werkzeug_router,
    "bottle": bottle_router,
    "falcon": falcon_router,
}


# ----------------------------------------------------------------------------- timing


def run_probes(match: Matcher, probes: list[tuple[str, str]], repeat: int) -> float:
    """Seconds for ``repeat`` passes over ``probes``; errors (404s) are part of the work."""
    start = time.process_time()
    for _ in range(repeat):
        for path, method in probes:
            try:
                match(path, method)
            except Exception:
                pass
    return time.process_time() - start


Probes = list[tuple[str, str]]


def best_ns(matchers: dict[str, Matcher], probes: Probes) -> dict[str, float]:
    """Best-of-ROUNDS ns per probe for each router on the same probes, round-robin."""
    return best_of({name: (match, probes) for name, match in matchers.items()})


def best_of(entries: dict[str, tuple[Matcher, Probes]]) -> dict[str, float]:
    """Best-of-ROUNDS ns per probe for each (matcher, probes) entry, round-robin."""
    repeats = {}
    for name, (match, probes) in entries.items():
        single = max(run_probes(match, probes, 1), 1e-6)
        repeats[name] = max(1, int(TARGET_SECONDS / single))
    best = {name: float("inf") for name in entries}
    for _ in range(ROUNDS):
        for name, (match, probes) in entries.items():
            elapsed = run_probes(match, probes, repeats[name])
            best[name] = min(best[name], elapsed * 1e9 / (repeats[name] * len(probes)))
    return best


def scaling_ratio() -> tuple[float, float]:
    """tinyweb's 10- and 1000-route averages, measured side by side (same rounds)."""
    entries = {}
    for count in (10, 1000):
        table = generated_table(count)
        entries[str(count)] = (tinyweb_router(table), probes_for(table)["all routes"])
    timings = best_of(entries)
    return timings["10"], timings["1000"]


def check(name: str, match: Matcher, table: Table) -> int:
    """How many routes the router gets wrong (a benchmark of wrong answers is worthless)."""
    wrong = 0
    for method, route in table:
        try:
            result = match(probe_path(route), method)
        except Exception:
            wrong += 1
            continue
        found = result[0] if isinstance(result, tuple) else result
        found = getattr(found, "route", getattr(found, "rule", found))
        if found != route and found != to_bottle(route):
            wrong += 1
    if wrong:
        print(f"  warning: {name} matched {wrong} routes wrongly")
    return wrong


def probes_for(table: Table) -> dict[str, list[tuple[str, str]]]:
    static = next(route for method, route in table if ":" not in route and "*" not in route)
    one_parameter = next(
        (route for method, route in table if route.count(":") == 1 and "*" not in route), None
    )
    probes = {
        "all routes": [(probe_path(route), method) for method, route in table],
        "static": [(static, "GET")] * PROBE_BATCH,
        "404": [("/no/such/route/here", "GET")] * PROBE_BATCH,
    }
    if one_parameter:
        probes["1 param"] = [(probe_path(one_parameter), "GET")] * PROBE_BATCH
    return probes


def bench_table(title: str, table: Table) -> dict[str, dict[str, float]]:
    matchers = {name: make(table) for name, make in ROUTERS.items()}
    print(f"\n{title}: {len(table)} routes")
    for name, match in matchers.items():
        if name != "falcon":  # Falcon ignores methods, so it cannot be checked per route
            check(name, match, table)
    results = {label: best_ns(matchers, probes) for label, probes in probes_for(table).items()}
    header = f"  {'probe':<11}" + "".join(f"{name:>11}" for name in matchers)
    header += "".join(f"{name[:4] + '/tw':>10}" for name in matchers if name != "tinyweb")
    print(header)
    for label, timings in results.items():
        row = f"  {label:<11}" + "".join(f"{timings[name]:>9.0f}ns" for name in matchers)
        ratios = [timings[name] / timings["tinyweb"] for name in matchers if name != "tinyweb"]
        print(row + "".join(f"{ratio:>9.1f}x" for ratio in ratios))
    return results


def build_ms(rules: list[tuple[str, str, list[str]]]) -> float:
    """Milliseconds to register ``rules`` in a new Router."""
    start = time.process_time()
    router = Router()
    for rule, endpoint, methods in rules:
        router.add(rule, endpoint, methods=methods)
    return (time.process_time() - start) * 1000


def machine_speed_ms() -> float:
    """Milliseconds for a plain 1M-iteration Python loop: the yardstick for absolute targets
    (25-40 ms on an unloaded 2020s laptop running CPython 3.11)."""
    start = time.process_time()
    total = 0
    for number in range(1_000_000):
        total += number
    return (time.process_time() - start) * 1000


def build_time(table: Table) -> tuple[float, float]:
    """Best of ROUNDS build ms (as the match figures), and the median over ROUNDS of
    build ms / yardstick ms, measured alternately so that each ratio compares two figures
    taken under the same load."""
    rules = tinyweb_rules(table)  # rule syntax converted beforehand: not the router's work
    builds, ratios = [], []
    for _ in range(ROUNDS):
        yardstick = machine_speed_ms()
        build = min(build_ms(rules) for _ in range(3))
        builds.append(build)
        ratios.append(build / yardstick)
    return min(builds), statistics.median(ratios)


class ReturnOnly:
    """A matcher with ``Router.match``'s signature that looks nothing up: its call and its
    new ``(endpoint, {})`` result are the floor of any router with that API."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint

    def match(self, path: str, method: str, query: str = "") -> tuple[str, dict[str, Any]]:
        return self.endpoint, {}


def static_calibration(table: Table, repeats: int = 5) -> dict[str, float]:
    """Medians over ``repeats`` of the static hit next to an empty matcher, a function
    doing one dict lookup and a method returning ``(endpoint, {})`` (round-robin: the
    floors any Python router pays per call here), and of the static hit scaled by
    YARDSTICK_LAPTOP_MS / the yardstick measured with it."""
    routes = {route: {method: route} for method, route in table}
    static = next(route for method, route in table if ":" not in route and "*" not in route)
    probes = [(static, "GET")] * PROBE_BATCH
    matchers: dict[str, Matcher] = {
        "empty call": lambda path, method: None,
        "one dict lookup": lambda path, method: routes.get(path),
        "return (endpoint, {})": ReturnOnly(static).match,
        "tinyweb static hit": tinyweb_router(table),
    }
    runs: dict[str, list[float]] = {name: [] for name in [*matchers, "scaled"]}
    for _ in range(repeats):
        yardstick = machine_speed_ms()
        for name, ns in best_ns(matchers, probes).items():
            runs[name].append(ns)
        runs["scaled"].append(runs["tinyweb static hit"][-1] * YARDSTICK_LAPTOP_MS / yardstick)
    return {name: statistics.median(values) for name, values in runs.items()}


def loop_overhead_ns() -> float:
    probes = [("/x", "GET")] * 100
    return best_ns({"empty": lambda path, method: None}, probes)["empty"]


# ------------------------------------------------------------------------------ report


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def main() -> int:
    print("tinyweb router benchmark (ns per match, best of rounds; ratios = peer / tinyweb)")
    print(
        f"Python {sys.version.split()[0]}; machine yardstick: a 1M-iteration loop takes "
        f"{min(machine_speed_ms() for _ in range(5)):.0f} ms (about 25-40 ms on an unloaded laptop)"
    )
    print(f"loop + call overhead of an empty matcher: {loop_overhead_ns():.0f} ns")
    # First, on a fresh heap (as an app builds its router at startup): later figures come
    # after the peers' tables have been allocated and freed, so memory is less compact.
    ten, thousand = scaling_ratio()
    results: dict[str, dict[str, dict[str, float]]] = {}
    static_table = generated_table(1000)
    for name in ("github", "static"):
        table = load_table(name)
        if table is not None:
            results[name] = bench_table(f"{name} table", table)
            static_table = table if name == "static" else static_table
    for count in (10, 100, 1000):
        results[str(count)] = bench_table("generated table", generated_table(count))
    thousand_ms, build_ratio = build_time(generated_table(1000))
    build_scaled = build_ratio * YARDSTICK_LAPTOP_MS
    print(
        f"\nbuilding a 1000-route tinyweb Router: {thousand_ms:.1f} ms (best of {ROUNDS}); "
        f"median {build_ratio:.3f} yardsticks = {build_scaled:.1f} ms at a "
        f"{YARDSTICK_LAPTOP_MS:.0f} ms yardstick"
    )
    calibration = static_calibration(static_table)
    print("\ncalibration, static probe (ns per call, medians):")
    for name, ns in calibration.items():
        if name != "scaled":
            print(f"  {name:<22}{ns:>7.0f} ns")
    static_scaled = calibration["scaled"]
    print(
        f"  static hit scaled to a {YARDSTICK_LAPTOP_MS:.0f} ms yardstick: {static_scaled:.0f} ns"
    )
    print_targets(results, ten, thousand, thousand_ms, build_scaled, static_scaled)
    return 0


def print_targets(
    results: dict[str, dict[str, dict[str, float]]],
    ten: float,
    thousand: float,
    thousand_ms: float,
    build_scaled: float,
    static_scaled: float,
) -> None:
    print("\ntargets (absolute ones: as measured here / scaled to an unloaded laptop):")
    if "github" in results:
        github = results["github"]["all routes"]
        print(
            f"  GitHub average {github['tinyweb']:.0f} ns <= Werkzeug/7 "
            f"({github['werkzeug'] / 7:.0f} ns): {verdict(github['tinyweb'] * 7 <= github['werkzeug'])}"
        )
        print(
            f"  GitHub average <= Falcon ({github['falcon']:.0f} ns): "
            f"{verdict(github['tinyweb'] <= github['falcon'])}"
        )
    static_ns = results.get("static", results["1000"])["static"]["tinyweb"]
    print(
        f"  static hit {static_ns:.0f} / {static_scaled:.0f} ns <= 300 ns: "
        f"{verdict(static_ns <= 300)} / {verdict(static_scaled <= 300)}"
    )
    scale = thousand / ten
    print(
        f"  1000-route / 10-route average ({thousand:.0f} / {ten:.0f} ns, side by side on a "
        f"fresh heap) {scale:.2f} <= 1.15: {verdict(scale <= 1.15)}"
    )
    print(
        f"  1000 routes build in {thousand_ms:.1f} / {build_scaled:.1f} ms <= 10 ms: "
        f"{verdict(thousand_ms <= 10)} / {verdict(build_scaled <= 10)}"
    )


if __name__ == "__main__":
    raise SystemExit(main())
