"""Mutation fuzzer for tinyweb.http11.RequestParser, seeded from the test tables.

Run from the repository root (``make fuzz`` runs it for ``FUZZ_SECONDS``)::

    python fuzz/fuzz_http11.py --seconds 60
    python fuzz/fuzz_http11.py --count 100000 --seed 7
    python fuzz/fuzz_http11.py --atheris          # only if atheris is installed

Each input is a seed request from tests/test_http11.py (valid and malformed) with a few
mutations: bit flips, inserted ``\\r \\n \\x00 \\x0b \\x85 \\xa0``, SP/HTAB at token
boundaries, deleted or duplicated bytes and lines, changed numbers, spliced seeds. The
invariants checked for every input:

1. Only ProtocolError (with a status from the contract and ``str(error) == reason``)
   ever escapes; the parser stops (no endless events, no wait after the peer closed).
2. Splitting the input at random points gives the same outcome (events with Data merged,
   or the same status): no state depends on how bytes arrive.
3. What the parser accepts is clean: field names are tokens, values have no CTL but HTAB,
   targets are visible ASCII, a Content-Length body has exactly that many bytes.
4. After an error the parser is dead: every later call raises the same error.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path
from typing import Any, Callable, Union

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from tinyweb.http11 import (  # noqa: E402
    FIELD_LINE,
    NEED_DATA,
    PAUSED,
    ConnectionClosed,
    Data,
    EndOfMessage,
    Framing,
    Limits,
    ProtocolError,
    RequestHead,
    RequestParser,
)

STATUSES = {400, 413, 414, 431, 501, 505}
# Small limits, so that mutations reach every limit check quickly.
LIMITS = Limits(
    max_request_line=200,
    max_header_section=600,
    max_field_size=150,
    max_field_count=12,
    max_body_size=300,
    max_chunk_line=40,
    max_trailer_section=120,
)
INSERTIONS = [b"\r", b"\n", b"\x00", b"\x0b", b"\x85", b"\xa0", b"\r\n", b"\n\n", b"\x7f"]
BOUNDARIES = b" :\r\n;=,/?"
Outcome = Union[list[Any], int]
Mutation = Callable[[bytearray, list[bytes], random.Random], None]


def seeds() -> list[bytes]:
    """Every request of the byte tables in tests/test_http11.py."""
    from test_http11 import MALFORMED, VALID

    return [case[1] for case in VALID] + [case[1] for case in MALFORMED]


# ---------------------------------------------------------------------------------------
# Mutations.
# ---------------------------------------------------------------------------------------


def mutate(data: bytes, corpus: list[bytes], rng: random.Random) -> bytes:
    """``data`` with one to four random mutations."""
    buffer = bytearray(data)
    for _ in range(rng.choice((1, 1, 2, 3, 4))):  # mostly one: keep inputs near valid
        rng.choice(MUTATIONS)(buffer, corpus, rng)
    return bytes(buffer)


def flip_bit(buffer: bytearray, corpus: list[bytes], rng: random.Random) -> None:
    if buffer:
        buffer[rng.randrange(len(buffer))] ^= 1 << rng.randrange(8)


def insert_special(buffer: bytearray, corpus: list[bytes], rng: random.Random) -> None:
    position = rng.randint(0, len(buffer))
    buffer[position:position] = rng.choice(INSERTIONS)


def whitespace_at_boundary(buffer: bytearray, corpus: list[bytes], rng: random.Random) -> None:
    """SP or HTAB just before or after a separator: the classic smuggling spots."""
    spots = [index for index, byte in enumerate(buffer) if byte in BOUNDARIES]
    position = rng.choice(spots) + rng.randint(0, 1) if spots else 0
    buffer[position:position] = rng.choice([b" ", b"\t", b"  "])


def delete_bytes(buffer: bytearray, corpus: list[bytes], rng: random.Random) -> None:
    if buffer:
        start = rng.randrange(len(buffer))
        del buffer[start : start + rng.randint(1, 4)]


def duplicate_line(buffer: bytearray, corpus: list[bytes], rng: random.Random) -> None:
    lines = bytes(buffer).split(b"\r\n")
    if len(lines) > 2:
        index = rng.randrange(1, len(lines) - 1)
        lines.insert(index, lines[index])
        buffer[:] = b"\r\n".join(lines)


def change_number(buffer: bytearray, corpus: list[bytes], rng: random.Random) -> None:
    digits = [index for index, byte in enumerate(buffer) if 0x30 <= byte <= 0x39]
    if digits:
        position = rng.choice(digits)
        buffer[position : position + 1] = str(rng.choice([0, 1, 9, 10, 99, 300, 4096])).encode()


def splice(buffer: bytearray, corpus: list[bytes], rng: random.Random) -> None:
    other = rng.choice(corpus)
    buffer[rng.randint(0, len(buffer)) :] = other[rng.randint(0, len(other)) :]


def swap_case(buffer: bytearray, corpus: list[bytes], rng: random.Random) -> None:
    letters = [index for index, byte in enumerate(buffer) if 0x41 <= byte <= 0x7A]
    if letters:
        buffer[rng.choice(letters)] ^= 0x20


MUTATIONS: list[Mutation] = [
    flip_bit,
    insert_special,
    insert_special,
    whitespace_at_boundary,
    whitespace_at_boundary,
    delete_bytes,
    duplicate_line,
    change_number,
    splice,
    swap_case,
]


# ---------------------------------------------------------------------------------------
# The target and its invariants.
# ---------------------------------------------------------------------------------------


def run(pieces: list[bytes], limits: Limits = LIMITS) -> Outcome:
    """Parse the pieces fed one by one, then a close; events (Data merged) or a status."""
    parser = RequestParser(limits)
    events: list[Any] = []
    try:
        for piece in [*filter(None, pieces), b""]:
            parser.feed(piece)
            if pull_events(parser, events):
                return events
    except ProtocolError as error:
        assert error.status in STATUSES, error.status
        assert str(error) == error.reason
        check_dead(parser, error)
        return error.status
    raise AssertionError("the peer closed and the parser still waits for data")


def pull_events(parser: RequestParser, events: list[Any]) -> bool:
    """Pull until NEED_DATA (False) or ConnectionClosed (True), checking each event."""
    for _ in range(10_000):
        event = parser.next_event()
        if event is NEED_DATA:
            return False
        if event is PAUSED:
            parser.start_next_request()
        elif isinstance(event, ConnectionClosed):
            return True
        elif isinstance(event, Data) and events and isinstance(events[-1], Data):
            events[-1] = Data(events[-1].data + event.data)
        else:
            check_clean(event, events)
            events.append(event)
    raise AssertionError("the parser never stops producing events")


def check_clean(event: Any, earlier: list[Any]) -> None:
    """Invariant 3: whatever the parser accepted is clean."""
    if isinstance(event, RequestHead):
        check_fields(event.headers)
        assert all(0x21 <= byte <= 0x7E for byte in event.target), event.target
        assert event.version in (b"1.0", b"1.1")
    elif isinstance(event, EndOfMessage):
        check_fields(event.trailers)
        start = max(i for i, e in enumerate(earlier) if isinstance(e, RequestHead))
        head = earlier[start]
        size = sum(len(e.data) for e in earlier[start:] if isinstance(e, Data))
        assert size <= LIMITS.max_body_size
        if head.framing is Framing.LENGTH:
            assert size == head.content_length
        if head.framing is Framing.NONE:
            assert size == 0


def check_fields(fields: list[tuple[bytes, bytes]]) -> None:
    for name, value in fields:
        assert FIELD_LINE.fullmatch(name + b": " + value + b"\r\n"), (name, value)


def check_dead(parser: RequestParser, error: ProtocolError) -> None:
    """Invariant 4: never resynchronise after an error."""
    for call in (parser.next_event, lambda: parser.feed(b"GET / HTTP/1.1\r\n\r\n")):
        try:
            call()
        except ProtocolError as again:
            assert again is error
        else:
            raise AssertionError("a dead parser answered")


def check(data: bytes, rng: random.Random) -> Outcome:
    """Every invariant for one input; returns its outcome."""
    whole = run([data])
    cuts = sorted(rng.randint(0, len(data)) for _ in range(rng.randint(1, 6)))
    pieces = [data[start:stop] for start, stop in zip([0, *cuts], [*cuts, len(data)])]
    split = run(pieces)
    assert split == whole, f"split {cuts} gave {split!r}, whole gave {whole!r}"
    return whole


# ---------------------------------------------------------------------------------------
# Drivers.
# ---------------------------------------------------------------------------------------


def fuzz(count: int | None, seconds: float | None, seed: int) -> dict[str, int]:
    """Run until ``count`` inputs or ``seconds`` pass; returns outcome counts.

    Raises AssertionError (with the input) on the first broken invariant.
    """
    rng = random.Random(seed)
    corpus = seeds()
    outcomes: dict[str, int] = {}
    deadline = None if seconds is None else time.monotonic() + seconds
    done = 0
    while (count is None or done < count) and (deadline is None or time.monotonic() < deadline):
        data = mutate(rng.choice(corpus), corpus, rng)
        try:
            outcome = check(data, rng)
        except Exception as error:
            raise AssertionError(f"invariant broken for input {data!r}: {error!r}") from error
        key = str(outcome) if isinstance(outcome, int) else "parsed"
        outcomes[key] = outcomes.get(key, 0) + 1
        done += 1
    return outcomes


def fuzz_with_atheris() -> None:
    """Let atheris (coverage-guided, optional) drive the same invariants."""
    import atheris  # type: ignore[import-not-found]

    def one_input(data: bytes) -> None:
        check(data, random.Random(len(data)))

    atheris.Setup(sys.argv[:1], one_input)
    atheris.Fuzz()


def main() -> int:
    """Command line: ``--seconds N`` or ``--count N`` (default: 10 seconds)."""
    options = argparse.ArgumentParser(description="Mutation fuzzer for tinyweb.http11")
    options.add_argument("--seconds", type=float, default=None)
    options.add_argument("--count", type=int, default=None)
    options.add_argument("--seed", type=int, default=None)
    options.add_argument("--atheris", action="store_true", help="use atheris if installed")
    arguments = options.parse_args()
    if arguments.atheris:
        fuzz_with_atheris()
        return 0
    seconds = arguments.seconds
    if seconds is None and arguments.count is None:
        seconds = 10.0
    seed = arguments.seed if arguments.seed is not None else random.randrange(2**32)
    started = time.monotonic()
    outcomes = fuzz(arguments.count, seconds, seed)
    elapsed = time.monotonic() - started
    total = sum(outcomes.values())
    print(f"fuzz_http11: seed {seed}: {total} inputs in {elapsed:.1f} s", end=" ")
    print(f"({total / max(elapsed, 1e-9):.0f} inputs/s), all invariants held")
    print("outcomes:", ", ".join(f"{key}={value}" for key, value in sorted(outcomes.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
