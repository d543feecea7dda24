"""benchmarks/bench_wire.py's table against tinyweb alone: every case is graded a pass.

The benchmark compares servers on hostile and unusual requests; its peers are not
installed for the tests, but its cases, its client and its grading are standard library,
so tinyweb's column is checked here on every run. A regression in the server, or a case
whose grading stopped meaning what its rule says for tinyweb, fails this test instead of
going unnoticed until someone runs ``make bench``.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tinyweb.server import Server


def load_bench_wire() -> ModuleType:
    path = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_wire.py"
    spec = importlib.util.spec_from_file_location("bench_wire", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_wire"] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


bench_wire = load_bench_wire()


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with Server(bench_wire.app, "127.0.0.1", 0, access_log=False) as running:
        yield running


def test_the_table_has_every_grade() -> None:
    grades = {case.grade for case in bench_wire.CASES}
    assert grades == {"MUST", "SHOULD", "policy", "app", "valid"}


@pytest.mark.parametrize("case", bench_wire.CASES, ids=lambda case: case.name)
def test_tinyweb_passes_the_case(server: Server, case: Any) -> None:
    outcome = bench_wire.exchange(server.server_address[1], case.payload, pause=0.02, quiet=2.0)
    assert case.check(outcome), (case.rule, outcome)


def test_a_lenient_answer_fails_a_refusal_case() -> None:
    """The grading can fail: an app answer where a refusal is due is not a pass."""
    case = next(case for case in bench_wire.CASES if case.name == "space before colon")
    lenient = bench_wire.Outcome([bench_wire.Response(200, b"app POST /case body=5")], closed=False)
    kept_open = bench_wire.Outcome(
        [bench_wire.Response(400, b"bad"), bench_wire.Response(200, b"app GET /probe ")], False
    )
    assert not case.check(lenient)
    assert not case.check(kept_open)
    assert case.check(bench_wire.Outcome([bench_wire.Response(400, b"bad")], closed=True))
