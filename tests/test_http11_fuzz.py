"""A smoke run of fuzz/fuzz_http11.py's core loop, so the fuzzer itself cannot rot.

The long runs are ``make fuzz``; here a few hundred mutated inputs go through every
invariant of the fuzzer (only ProtocolError escapes, splits agree, accepted input is
clean, a failed parser stays dead).
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "fuzz"))

import fuzz_http11


def test_the_fuzzer_core_loop_holds_every_invariant_for_a_few_hundred_inputs() -> None:
    outcomes = fuzz_http11.fuzz(count=400, seconds=None, seed=20241123)
    assert sum(outcomes.values()) == 400
    assert "parsed" in outcomes and "400" in outcomes  # it reaches both sides


def test_the_fuzzer_is_seeded_from_the_tables() -> None:
    from test_http11 import MALFORMED, VALID

    assert len(fuzz_http11.seeds()) == len(VALID) + len(MALFORMED) >= 150


@pytest.mark.parametrize("mutation", fuzz_http11.MUTATIONS, ids=lambda m: m.__name__)
def test_every_mutation_changes_a_request(mutation: fuzz_http11.Mutation) -> None:
    rng = random.Random(1)
    original = b"POST /a?b=1 HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi"
    changed = set()
    for _ in range(20):
        buffer = bytearray(original)
        mutation(buffer, [b"GET / HTTP/1.0\r\n\r\n"], rng)
        changed.add(bytes(buffer) != original)
    assert True in changed


def test_a_broken_invariant_is_reported_with_its_input(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(data: bytes, rng: random.Random) -> object:
        raise AssertionError("boom")

    monkeypatch.setattr(fuzz_http11, "check", broken)
    with pytest.raises(AssertionError, match="invariant broken for input b"):
        fuzz_http11.fuzz(count=1, seconds=None, seed=1)
