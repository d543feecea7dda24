"""Mutation fuzzer for tinyweb.multipart (standard library only).

Run from the repository root:

    python fuzz/fuzz_multipart.py --seconds 60     # or --count 100000, --seed 1234

Each input is a mutated multipart body (byte flips, insertions of grammar-significant
pieces such as CR, LF, ``--`` and the boundary, deletions, duplications, truncations). For
every input the fuzzer checks the parser's promises:

1. ``parse_multipart`` returns or raises :class:`MultipartError` with status 400 or 413;
   any other exception is a bug.
2. The sans-I/O decoder gives the same events however the input is split into chunks.
3. The bytes held back between chunks stay shorter than the delimiter (no rescanning).

A failing input is written to ``fuzz/crash-multipart-<n>.bin`` and the run exits 1.
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tinyweb.multipart import (
    MultipartDecoder,
    MultipartError,
    MultipartLimits,
    PartData,
    parse_multipart,
)

BOUNDARY = b"fuzzBoundary"
LIMITS = MultipartLimits(
    max_parts=20,
    max_field_size=512,
    spool_threshold=256,
    max_total_size=64 * 1024,
    max_header_size=512,
)
PIECES = [
    b"\r",
    b"\n",
    b"\r\n",
    b"\r\n\r\n",
    b"--",
    b"\r\n--" + BOUNDARY,
    b"--" + BOUNDARY + b"--",
    BOUNDARY,
    b'"',
    b"\\",
    b";",
    b"=",
    b"*",
    b"'",
    b"%",
    b"%E2%82",
    b" ",
    b"\t",
    b"\x00",
    b"\xff",
    b":",
    b"Content-Disposition: form-data; ",
    b'name="a"',
    b'filename="C:\\x\\a.txt"',
    b"filename*=UTF-8''%C3%A9",
    b"filename*0*=",
    b"Content-Type: text/plain; charset=latin-1",
]


def seeds() -> list[bytes]:
    """A few valid bodies to mutate."""
    delimiter = b"--" + BOUNDARY
    part_a = delimiter + b'\r\nContent-Disposition: form-data; name="a"\r\n\r\nvalue\r\n'
    part_file = (
        delimiter + b'\r\nContent-Disposition: form-data; name="f"; filename="x.txt"\r\n'
        b"Content-Type: text/plain\r\n\r\n\r\n-\r\r\n--fuzz\r\n"
    )
    part_ext = (
        delimiter + b'\r\nContent-Disposition: form-data; name="g"; '
        b"filename*=UTF-8''%E2%82%AC.txt\r\n\r\n" + b"\r" * 300 + b"\r\n"
    )
    close = delimiter + b"--\r\n"
    return [
        part_a + close,
        part_a + part_file + close,
        b"preamble\r\n" + part_ext + part_a + close + b"epilogue",
        close,
    ]


def mutate(data: bytes, rng: random.Random) -> bytes:
    """Apply one to four random mutations."""
    buffer = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        position = rng.randint(0, len(buffer))
        choice = rng.random()
        if choice < 0.35:
            buffer[position:position] = rng.choice(PIECES)
        elif choice < 0.55 and buffer:
            del buffer[position : position + rng.randint(1, 16)]
        elif choice < 0.7 and buffer:
            buffer[min(position, len(buffer) - 1)] = rng.randrange(256)
        elif choice < 0.85:
            buffer[position:position] = buffer[position : position + rng.randint(1, 200)]
        else:
            del buffer[position:]
    return bytes(buffer)


def decoder_events(data: bytes, cuts: list[int]) -> tuple[list[object], int]:
    """Events of a decoder fed ``data`` split at ``cuts`` (merged PartData) and its max tail."""
    decoder = MultipartDecoder(BOUNDARY)
    events: list[object] = []
    largest_tail = 0
    previous = 0
    for cut in [*sorted(cuts), len(data)]:
        chunk = data[previous:cut]
        previous = cut
        if not chunk:
            continue
        for event in decoder.feed(chunk):
            if isinstance(event, PartData) and events and isinstance(events[-1], PartData):
                events[-1] = PartData(events[-1].data + event.data)  # type: ignore[attr-defined]
            else:
                events.append(event)
        if decoder.state.name == "BODY" or decoder.state.name == "PREAMBLE":
            largest_tail = max(largest_tail, decoder.buffered)
    return events, largest_tail


def check(data: bytes, rng: random.Random) -> None:
    """Raise AssertionError when one of the promises above is broken."""
    try:
        _form, files = parse_multipart(io.BytesIO(data), BOUNDARY, len(data), LIMITS)
        for _name, storage in files.items(multi=True):
            storage.read()
            storage.close()
    except MultipartError as error:
        assert error.status in (400, 413), error.status
    try:
        whole, _ = decoder_events(data, [])
    except MultipartError:
        return
    cuts = [rng.randint(0, len(data)) for _ in range(rng.randint(1, 8))]
    split, largest_tail = decoder_events(data, cuts)
    assert split == whole, "chunking changed the events"
    assert largest_tail < len(b"\r\n--" + BOUNDARY) + 2, f"held back {largest_tail} bytes"


def main(argv: list[str] | None = None) -> int:
    """Run the fuzzer; return the process exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=None, help="run this long")
    parser.add_argument("--count", type=int, default=None, help="run this many inputs")
    parser.add_argument("--seed", type=int, default=None, help="random seed (printed)")
    arguments = parser.parse_args(argv)
    if arguments.seconds is None and arguments.count is None:
        arguments.seconds = 10.0
    seed = arguments.seed if arguments.seed is not None else random.randrange(2**32)
    rng = random.Random(seed)
    corpus = seeds()
    started = time.monotonic()
    count = 0
    while True:
        if arguments.count is not None and count >= arguments.count:
            break
        if arguments.seconds is not None and time.monotonic() - started >= arguments.seconds:
            break
        data = mutate(rng.choice(corpus), rng)
        try:
            check(data, rng)
        except Exception as error:  # any escape is a finding: keep the input
            crash = Path(__file__).resolve().parent / f"crash-multipart-{count}.bin"
            crash.write_bytes(data)
            print(f"FAILED on input {count} (seed {seed}): {error!r}; saved to {crash}")
            return 1
        if len(corpus) < 64 and rng.random() < 0.01:
            corpus.append(data)
        count += 1
    elapsed = max(time.monotonic() - started, 1e-9)
    print(
        f"fuzz_multipart: {count} inputs in {elapsed:.1f} s ({count / elapsed:.0f} inputs/s), "
        f"seed {seed}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
