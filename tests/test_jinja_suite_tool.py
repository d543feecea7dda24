"""benchmarks/jinja_suite.py's own parts: its list of expected failures and its report
reading (the run itself needs Jinja2's sdist from PyPI: ``make jinja-suite``)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType


def load_runner() -> ModuleType:
    path = Path(__file__).resolve().parent.parent / "benchmarks" / "jinja_suite.py"
    spec = importlib.util.spec_from_file_location("jinja_suite", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["jinja_suite"] = module
    spec.loader.exec_module(module)
    return module


jinja_suite = load_runner()


def test_every_expected_failure_has_a_reason_and_a_file_in_scope() -> None:
    listed = jinja_suite.expected_failures()
    assert len(listed) > 100
    for test, reason in listed.items():
        assert reason != "?", test
        assert test.split("::")[0] in jinja_suite.FILES, test
    text = jinja_suite.EXPECTED.read_text(encoding="utf-8")
    ids = [line for line in text.splitlines() if line.startswith("test_")]
    assert len(ids) == len(set(ids)), "a test is listed twice"


def test_the_junit_report_is_read_into_pytest_ids(tmp_path: Path) -> None:
    report = tmp_path / "report.xml"
    report.write_text(
        '<testsuites><testsuite name="pytest">'
        '<testcase classname="test_api.TestUndefined" name="test_debug" />'
        '<testcase classname="test_utils" name="test_missing[0]">'
        '<failure message="AssertionError: no&#10;second line">trace</failure></testcase>'
        '<testcase classname="test_loader.TestLoaders" name="test_choice">'
        '<error message="failed on setup" /></testcase>'
        '<testcase classname="test_tests" name="test_skip"><skipped message="why" /></testcase>'
        "</testsuite></testsuites>"
    )
    assert jinja_suite.outcomes(report) == {
        "test_api.py::TestUndefined::test_debug": ("passed", ""),
        "test_utils.py::test_missing[0]": ("failed", "AssertionError: no"),
        "test_loader.py::TestLoaders::test_choice": ("failed", "failed on setup"),
        "test_tests.py::test_skip": ("skipped", "why"),
    }
