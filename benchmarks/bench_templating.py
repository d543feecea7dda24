"""Template rendering: tinyweb vs Jinja2 vs Bottle SimpleTemplate vs a hand-written floor.

Two workloads, the same HTML from every engine (checked before timing):
- "bigtable": 1000 rows x 10 columns, every cell escaped.
- "page": a base layout with blocks and ``super()``, an included nav, and a 50-item loop
  with filters, escapes, ``loop.cycle`` and a conditional.
The "floor" is the plain Python function a careful person would write with the standard
library (``html.escape``, list appends, ``"".join``). The data holds no quotes, so
``html.escape``'s entities for quotes never differ from Jinja's; Bottle's output is
compared after whitespace is collapsed (its line syntax cannot express every layout).

Engines run round-robin in one process; the table shows the best round (min of N) and
the ratio to the floor. Cold compile is the time to compile the page's three templates
plus bigtable from source in a fresh environment (Bottle: translate + ``compile``).

Run: ``python benchmarks/bench_templating.py`` from the repository root (~1 minute).
"""

from __future__ import annotations

import html
import os
import statistics
import sys
import tempfile
import time
from typing import Any, Callable

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import bottle
import jinja2

from tinyweb import templating

ROUNDS = 20

# -- Data -------------------------------------------------------------------------------

TABLE = [
    {column: f"{column}{row}{'<&>'[row % 3] if (row + index) % 2 else ''}" for index, column in enumerate("abcdefghij")}
    for row in range(1000)
]
NAV = [{"url": f"/section/{index}", "title": f"Section <{index}>"} for index in range(6)]
ITEMS = [
    {
        "id": index,
        "name": f"Item number {index} with a rather long name & <markup>",
        "author": f"author-{index % 7} <{index}@example.com>",
        "price": index * 1.2345,
        "tags": [f"tag{index % 3}", f"t&{index % 5}"],
        "sold": index % 4 == 0,
    }
    for index in range(50)
]
PAGE_CONTEXT: dict[str, Any] = {
    "title": "the catalogue",
    "items": ITEMS,
    "nav": NAV,
    "current": "/section/2",
    "year": 2026,
}

# -- Jinja syntax (tinyweb and Jinja2 share these) ------------------------------------

JINJA_TEMPLATES = {
    "bigtable.html": "<table>\n{% for row in table %}<tr>{% for cell in row.values() %}"
    "<td>{{ cell }}</td>{% endfor %}</tr>\n{% endfor %}</table>",
    "base.html": "<!doctype html>\n<html>\n<head><title>{% block title %}Site{% endblock %}</title></head>\n"
    "<body>\n{% include 'nav.html' %}\n<main>{% block content %}{% endblock %}</main>\n"
    "<footer>{% block footer %}&copy; {{ year }}{% endblock %}</footer>\n</body>\n</html>\n",
    "nav.html": "<nav><ul>{% for link in nav %}<li{% if link.url == current %} class=active{% endif %}>"
    "<a href={{ link.url }}>{{ link.title }}</a></li>{% endfor %}</ul></nav>",
    "page.html": "{% extends 'base.html' %}\n"
    "{% block title %}{{ title|title }} - {{ super() }}{% endblock %}\n"
    "{% block content %}\n<h1>{{ title|title }}</h1>\n<ul class=items>\n"
    "{% for item in items %}<li class={{ loop.cycle('odd', 'even') }}>"
    "<a href=/item/{{ item.id }}>{{ item.name|truncate(30) }}</a> by {{ item.author }}: "
    "{{ item.price|round(2) }} ({{ item.tags|join(', ') }}){% if item.sold %} sold{% endif %}</li>\n"
    "{% endfor %}</ul>\n{% endblock %}\n",
}

# -- Bottle SimpleTemplate ------------------------------------------------------------

BOTTLE_TEMPLATES = {
    "bigtable.tpl": "<table>\n% for row in table:\n<tr>\\\\\n% for cell in row.values():\n"
    "<td>{{cell}}</td>\\\\\n% end\n</tr>\n% end\n</table>",
    "base.tpl": "<!doctype html>\n<html>\n<head><title>{{title}}</title></head>\n<body>\n"
    "% include('nav.tpl')\n<main>{{!base}}</main>\n<footer>&copy; {{year}}</footer>\n</body>\n</html>\n",
    "nav.tpl": "<nav><ul>\\\\\n% for link in nav:\n<li{{!' class=active' if link['url'] == current else ''}}>"
    "<a href={{link['url']}}>{{link['title']}}</a></li>\\\\\n% end\n</ul></nav>",
    "page.tpl": "% rebase('base.tpl', title=title.title() + ' - Site')\n<h1>{{title.title()}}</h1>\n<ul class=items>\n"
    "% for index, item in enumerate(items):\n<li class={{('odd', 'even')[index % 2]}}>"
    "<a href=/item/{{item['id']}}>{{truncate(item['name'], 30)}}</a> by {{item['author']}}: "
    "{{round(item['price'], 2)}} ({{', '.join(item['tags'])}}){{!' sold' if item['sold'] else ''}}</li>\n"
    "% end\n</ul>\n",
}

# -- The floor: hand-written Python -------------------------------------------------


def truncate(text: str, length: int) -> str:
    """Jinja's truncate (leeway 5, cut at a word, "...")."""
    if len(text) <= length + 5:
        return text
    return text[: length - 3].rsplit(" ", 1)[0] + "..."


def floor_bigtable(table: list[dict[str, str]]) -> str:
    escape = html.escape
    out = ["<table>\n"]
    append = out.append
    for row in table:
        append("<tr>")
        for cell in row.values():
            append("<td>" + escape(cell) + "</td>")
        append("</tr>\n")
    append("</table>")
    return "".join(out)


def floor_nav(nav: list[dict[str, str]], current: str) -> str:
    escape = html.escape
    out = ["<nav><ul>"]
    for link in nav:
        active = " class=active" if link["url"] == current else ""
        out.append(f"<li{active}><a href={escape(link['url'])}>{escape(link['title'])}</a></li>")
    out.append("</ul></nav>")
    return "".join(out)


def floor_page(title: str, items: list[dict[str, Any]], nav: list[dict[str, str]], current: str, year: int) -> str:
    escape = html.escape
    heading = escape(title.title())
    out = [f"<!doctype html>\n<html>\n<head><title>{heading} - Site</title></head>\n<body>\n"]
    out.append(floor_nav(nav, current))
    out.append(f"\n<main>\n<h1>{heading}</h1>\n<ul class=items>\n")
    append = out.append
    for index, item in enumerate(items):
        sold = " sold" if item["sold"] else ""
        append(
            f"<li class={('odd', 'even')[index % 2]}><a href=/item/{item['id']}>"
            f"{escape(truncate(item['name'], 30))}</a> by {escape(item['author'])}: "
            f"{round(item['price'], 2)} ({escape(', '.join(item['tags']))}){sold}</li>\n"
        )
    append(f"</ul>\n</main>\n<footer>&copy; {year}</footer>\n</body>\n</html>")
    return "".join(out)


# -- Engines ----------------------------------------------------------------------------


def tinyweb_engine() -> dict[str, Callable[[], str]]:
    env = templating.Environment(loader=templating.DictLoader(JINJA_TEMPLATES))
    bigtable, page = env.get_template("bigtable.html"), env.get_template("page.html")
    return {"bigtable": lambda: bigtable.render(table=TABLE), "page": lambda: page.render(PAGE_CONTEXT)}


def jinja_engine() -> dict[str, Callable[[], str]]:
    env = jinja2.Environment(loader=jinja2.DictLoader(JINJA_TEMPLATES), autoescape=True)
    bigtable, page = env.get_template("bigtable.html"), env.get_template("page.html")
    return {"bigtable": lambda: bigtable.render(table=TABLE), "page": lambda: page.render(PAGE_CONTEXT)}


def bottle_engine(directory: str) -> dict[str, Callable[[], str]]:
    bigtable = bottle.SimpleTemplate(name="bigtable.tpl", lookup=[directory])
    page = bottle.SimpleTemplate(name="page.tpl", lookup=[directory])
    context = dict(PAGE_CONTEXT, truncate=truncate, round=round)
    return {"bigtable": lambda: bigtable.render(table=TABLE), "page": lambda: page.render(**context)}


def floor_engine() -> dict[str, Callable[[], str]]:
    return {"bigtable": lambda: floor_bigtable(TABLE), "page": lambda: floor_page(**PAGE_CONTEXT)}


def normalise(text: str) -> str:
    """Bottle's quote entities and whitespace, for the equality check only."""
    return "".join(text.replace("&#039;", "&#39;").replace("&quot;", "&#34;").split())


def check_outputs(engines: dict[str, dict[str, Callable[[], str]]]) -> dict[str, str]:
    """Every engine renders the floor's HTML (Bottle: modulo whitespace); say how."""
    verdicts = {}
    for name, engine in engines.items():
        exact = all(engine[workload]() == engines["floor"][workload]() for workload in ("bigtable", "page"))
        loose = all(
            normalise(engine[workload]()) == normalise(engines["floor"][workload]())
            for workload in ("bigtable", "page")
        )
        if not loose:
            for workload in ("bigtable", "page"):
                if normalise(engine[workload]()) != normalise(engines["floor"][workload]()):
                    print(f"OUTPUT DIFFERS: {name} {workload}\n{engine[workload]()[:600]}\n---\n{engines['floor'][workload]()[:600]}")
            raise SystemExit(1)
        verdicts[name] = "identical" if exact else "same modulo whitespace"
    return verdicts


def time_call(function: Callable[[], str], repeat: int) -> float:
    started = time.perf_counter()
    for _ in range(repeat):
        function()
    return (time.perf_counter() - started) / repeat


def cold_compile(directory: str) -> dict[str, float]:
    """Best-of-N seconds to compile the four templates from source, per engine."""

    def tinyweb_compile() -> None:
        env = templating.Environment(loader=templating.DictLoader(JINJA_TEMPLATES))
        for name in JINJA_TEMPLATES:
            env.get_template(name)

    def jinja_compile() -> None:
        env = jinja2.Environment(loader=jinja2.DictLoader(JINJA_TEMPLATES), autoescape=True)
        for name in JINJA_TEMPLATES:
            env.get_template(name)

    def bottle_compile() -> None:
        for name in BOTTLE_TEMPLATES:
            bottle.SimpleTemplate(name=name, lookup=[directory]).co  # noqa: B018 (compiles)

    results: dict[str, list[float]] = {"tinyweb": [], "jinja2": [], "bottle": []}
    for _ in range(15):
        for name, function in (("tinyweb", tinyweb_compile), ("jinja2", jinja_compile), ("bottle", bottle_compile)):
            started = time.perf_counter()
            function()
            results[name].append(time.perf_counter() - started)
    return {name: min(times) for name, times in results.items()}


def compile_phases(directory: str) -> dict[str, float]:
    """Best-of-N milliseconds of each step of tinyweb's and Bottle's cold compiles.

    tinyweb lex: text to tokens; lex+parse: text to Python source; python compile():
    ``compile()`` of that source. The rest of the total is loading, namespaces, ``exec``.
    Bottle translate: file to Python source (its expressions are copied, not parsed);
    python compile(): ``compile()`` of that source. Side by side they show where the
    gap is: tinyweb's ``compile()`` alone costs about Bottle's whole cold compile.
    """
    from tinyweb.template_compiler import compile_template
    from tinyweb.template_parser import tokenize

    env = templating.Environment()
    sources = {
        name: compile_template(text, name, env.filters, env.tests).source
        for name, text in JINJA_TEMPLATES.items()
    }
    bottle_sources = {
        name: bottle.SimpleTemplate(name=name, lookup=[directory]).code for name in BOTTLE_TEMPLATES
    }
    steps: dict[str, Callable[[], object]] = {
        "lex": lambda: [tokenize(text, name) for name, text in JINJA_TEMPLATES.items()],
        "lex+parse": lambda: [
            compile_template(text, name, env.filters, env.tests) for name, text in JINJA_TEMPLATES.items()
        ],
        "python compile()": lambda: [compile(source, name, "exec") for name, source in sources.items()],
        "bottle translate": lambda: [
            bottle.SimpleTemplate(name=name, lookup=[directory]).code for name in BOTTLE_TEMPLATES
        ],
        "bottle python compile()": lambda: [
            compile(source, name, "exec") for name, source in bottle_sources.items()
        ],
    }
    best: dict[str, float] = {}
    for _ in range(30):
        for step, function in steps.items():
            started = time.perf_counter()
            function()
            elapsed = time.perf_counter() - started
            best[step] = min(best.get(step, elapsed), elapsed)
    return {step: seconds * 1000 for step, seconds in best.items()}


def main() -> int:
    with tempfile.TemporaryDirectory() as directory:
        for name, source in BOTTLE_TEMPLATES.items():
            with open(os.path.join(directory, name), "w", encoding="utf-8") as file:
                file.write(source)
        engines = {
            "floor": floor_engine(),
            "tinyweb": tinyweb_engine(),
            "jinja2": jinja_engine(),
            "bottle": bottle_engine(directory),
        }
        verdicts = check_outputs(engines)
        samples: dict[tuple[str, str], list[float]] = {}
        for _ in range(ROUNDS):
            for workload, repeat in (("bigtable", 5), ("page", 200)):
                for name, engine in engines.items():
                    samples.setdefault((name, workload), []).append(time_call(engine[workload], repeat))
        compile_times = cold_compile(directory)
        phases = compile_phases(directory)
    best = {key: min(values) for key, values in samples.items()}
    median = {key: statistics.median(values) for key, values in samples.items()}
    print(f"Python {sys.version.split()[0]}, jinja2 {jinja2.__version__}, bottle {bottle.__version__}; best of {ROUNDS} rounds")
    print(f"{'engine':<9} {'bigtable µs':>12} {'× floor':>8} {'page µs':>9} {'× floor':>8} {'median ×':>14} {'compile ms':>11}  output")
    for name in engines:
        big, page = best[(name, "bigtable")], best[(name, "page")]
        ratios = (big / best[("floor", "bigtable")], page / best[("floor", "page")])
        median_ratios = (
            median[(name, "bigtable")] / median[("floor", "bigtable")],
            median[(name, "page")] / median[("floor", "page")],
        )
        compiled = f"{compile_times[name] * 1000:.2f}" if name in compile_times else "-"
        print(
            f"{name:<9} {big * 1e6:>12.0f} {ratios[0]:>8.2f} {page * 1e6:>9.1f} {ratios[1]:>8.2f} "
            f"{median_ratios[0]:>6.2f}/{median_ratios[1]:<6.2f} {compiled:>11}  {verdicts[name]}"
        )
    steps = ", ".join(f"{step} {ms:.2f}" for step, ms in phases.items() if not step.startswith("bottle"))
    bottle_steps = ", ".join(f"{step[7:]} {ms:.2f}" for step, ms in phases.items() if step.startswith("bottle"))
    print(f"cold compile by step (ms): tinyweb {steps}; bottle {bottle_steps}; bottle/tinyweb compile = "
          f"{compile_times['bottle'] / compile_times['tinyweb']:.2f}")
    print("targets: tinyweb bigtable <= 1.3x floor, page <= 1.7x floor, compile <= bottle")
    return 0


if __name__ == "__main__":
    sys.exit(main())
