"""Jinja2's own test suite against tinyweb's template engine, its failures held to a list.

Issue 5 promises Jinja2's output for the language tinyweb supports. Besides tinyweb's
hand-written tables and the differential fuzzer, this runs Jinja2's test suite: the
sdist of ``JINJA_VERSION`` is downloaded at run time with pip (Jinja's code is never
committed) and its tests import ``jinja2`` and ``markupsafe`` from ``jinja_shim/``, which
maps them onto tinyweb. Files about what tinyweb does not attempt (async, extensions,
native types, the bytecode cache, compiler and node internals, pickling, traceback layout)
are not run.

Every failing test must be listed in ``jinja_suite_expected.txt`` under the reason it
fails: a feature tinyweb does not offer, a difference docs/templates.md documents, a
Jinja-internal API, an error message in tinyweb's words. The run fails (exit 1) on a
failure that is not listed, which is a regression or a new difference to fix or document;
a listed test that now passes is reported, to be taken off the list.

Run from the repository root (needs network access to PyPI, or ``--sdist FILE``)::

    python benchmarks/jinja_suite.py                # ~30 seconds
    python benchmarks/jinja_suite.py --sdist jinja2-3.1.6.tar.gz --verbose
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tarfile
import tempfile
import xml.etree.ElementTree as ElementTree
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SHIM = HERE / "jinja_shim"
EXPECTED = HERE / "jinja_suite_expected.txt"
JINJA_VERSION = "3.1.6"
FILES = (
    "test_api.py", "test_core_tags.py", "test_filters.py", "test_imports.py",
    "test_inheritance.py", "test_lexnparse.py", "test_loader.py", "test_regression.py",
    "test_runtime.py", "test_security.py", "test_tests.py", "test_utils.py",
)  # fmt: skip


def download(directory: Path) -> Path | None:
    """The Jinja2 sdist, fetched into ``directory``; None (and why) when pip cannot."""
    command = [sys.executable, "-m", "pip", "download", f"jinja2=={JINJA_VERSION}",
               "--no-binary", ":all:", "--no-deps", "--quiet", "-d", str(directory)]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True)
    found = sorted(directory.glob("jinja2-*.tar.gz"))
    if result.returncode != 0 or not found:
        print(
            f"jinja_suite: could not download Jinja2 {JINJA_VERSION} ({result.stderr.strip()[-300:]})"
        )
        return None
    return found[0]


def extract_tests(sdist: Path, directory: Path) -> Path:
    """Unpack the sdist's ``tests/`` into ``directory``; return that folder."""
    with tarfile.open(sdist) as archive:
        members = [m for m in archive.getmembers() if "/tests/" in m.name and ".." not in m.name]
        if hasattr(tarfile, "data_filter"):
            archive.extractall(directory, members=members, filter="data")
        else:  # Python < 3.9.17 / 3.10.12 / 3.11.4: the ".." check above is the guard
            archive.extractall(directory, members=members)
    return next(directory.glob("*/tests"))


def run_tests(tests: Path, report: Path) -> None:
    """Jinja's test files in scope, with the shim first on the path; results to ``report``."""
    config = tests / "pytest.ini"
    config.write_text("[pytest]\n")  # not Jinja's or tinyweb's settings
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-c", str(config),
               "--tb=no", "--no-header", f"--junitxml={report}", *FILES]  # fmt: skip
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SHIM), str(ROOT)])}
    subprocess.run(command, cwd=tests, env=environment, capture_output=True, text=True)


def outcomes(report: Path) -> dict[str, tuple[str, str]]:
    """``{test id: (outcome, message)}`` from a JUnit XML report."""
    results = {}
    for case in ElementTree.parse(report).iter("testcase"):
        module, *classes = (case.get("classname") or "").split(".")
        test_id = "::".join([f"{module}.py", *classes, case.get("name") or ""])
        outcome, message = "passed", ""
        for child in case:
            if child.tag in ("failure", "error", "skipped"):
                outcome = "skipped" if child.tag == "skipped" else "failed"
                message = (
                    (child.get("message") or "").splitlines()[0] if child.get("message") else ""
                )
        results[test_id] = (outcome, message)
    return results


def expected_failures() -> dict[str, str]:
    """``{test id: reason}`` from the list: ``[reason]`` lines head their tests."""
    reasons, reason = {}, "?"
    for line in EXPECTED.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            reason = line[1:-1]
        else:
            reasons[line] = reason
    return reasons


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--sdist", type=Path, help=f"a jinja2-{JINJA_VERSION}.tar.gz to use")
    parser.add_argument("--verbose", action="store_true", help="list every expected failure")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch)
        sdist = arguments.sdist or download(directory)
        if sdist is None:
            print("jinja_suite: skipped")
            return 0
        report = directory / "report.xml"
        run_tests(extract_tests(sdist, directory), report)
        results = outcomes(report)
    listed = expected_failures()
    failed = {test: message for test, (outcome, message) in results.items() if outcome == "failed"}
    new = {test: message for test, message in failed.items() if test not in listed}
    fixed = [test for test in listed if results.get(test, ("missing", ""))[0] == "passed"]
    gone = [test for test in listed if test not in results]
    counts = {
        outcome: sum(1 for o, _ in results.values() if o == outcome)
        for outcome in ("passed", "failed", "skipped")
    }
    print(f"jinja_suite: Jinja2 {JINJA_VERSION}'s tests against tinyweb, {len(FILES)} files: "
          f"{counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped")  # fmt: skip
    by_reason: dict[str, int] = {}
    for test in failed:
        if test in listed:
            by_reason[listed[test]] = by_reason.get(listed[test], 0) + 1
    for reason, count in sorted(by_reason.items(), key=lambda item: -item[1]):
        print(f"  {count:3} expected: {reason}")
        if arguments.verbose:
            for test in failed:
                if listed.get(test) == reason:
                    print(f"        {test}")
    for test in fixed:
        print(f"  passes now, take it off {EXPECTED.name}: {test}")
    for test in gone:
        print(f"  listed but not run (renamed?): {test}")
    for test, message in new.items():
        print(f"  NEW FAILURE: {test}: {message[:160]}")
    return 1 if new else 0


if __name__ == "__main__":
    sys.exit(main())
