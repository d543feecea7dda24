"""Benchmark: tinyweb.http11.RequestParser against h11, side by side in one run.

Run from the repository root::

    python benchmarks/bench_http11.py            # about 20 s
    python benchmarks/bench_http11.py --rounds 3 # quicker, noisier
    python benchmarks/bench_http11.py --runs 3   # medians of three whole runs (docs figures)

Cases (issue 2):
  (a) a 700-byte browser GET with 9 header fields and cookies,
  (b) a POST with a 1 KiB Content-Length body,
  (c) a chunked upload of 64 KiB in 4 KiB chunks.

Each measurement parses the whole request with a fresh parser (h11: a fresh server
``Connection``), fed in one piece, and pulls events up to the end of the message; both
parsers validate fully. The machine is shared and noisy, so the implementations run
round-robin, time is this process's CPU time (time spent descheduled does not count), and
each figure is the best of all rounds; with ``--runs N`` the whole measurement is repeated
and the medians are printed. The ratio is h11 time / tinyweb time: above 1 means tinyweb
is faster. The target for (a) is 4x.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import timeit
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import h11  # a benchmark peer, from the `bench` extra

from tinyweb.http11 import Data, EndOfMessage, RequestParser

COOKIE = (
    b"sessionid=3f9a1c0e7b2d4a6f8e1c3b5a7d9f0e2c; csrftoken=Xq7Lp2Zr9Tn4Wk1Vb6Hm3Js8Dc5Fg0Ya;"
    b" theme=dark; lang=en-GB; _ga=GA1.2.1234567890.1700000000; _gid=GA1.2.987654321.1700000000;"
    b" consent=analytics%3Dtrue%2Cads%3Dfalse%2Cpersonalisation%3Dfalse"
)
BROWSER_GET = (
    b"GET /articles/2024/11/how-http-parsers-work?page=2&sort=newest HTTP/1.1\r\n"
    b"Host: www.example.com\r\n"
    b"User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0\r\n"
    b"Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
    b"Accept-Language: en-GB,en;q=0.7,fr;q=0.3\r\n"
    b"Accept-Encoding: gzip, deflate, br, zstd\r\n"
    b"Referer: https://www.example.com/articles/2024/11/\r\n"
    b"Connection: keep-alive\r\n"
    b"Cookie: " + COOKIE + b"\r\n"
    b"Upgrade-Insecure-Requests: 1\r\n"
    b"\r\n"
)
POST_BODY = bytes(range(256)) * 4
POST_1K = (
    b"POST /api/v1/items HTTP/1.1\r\n"
    b"Host: api.example.com\r\n"
    b"Content-Type: application/octet-stream\r\n"
    b"Content-Length: 1024\r\n"
    b"\r\n" + POST_BODY
)
CHUNK = bytes(range(256)) * 16  # 4 KiB
CHUNKED_64K = (
    b"POST /upload HTTP/1.1\r\n"
    b"Host: upload.example.com\r\n"
    b"Content-Type: application/octet-stream\r\n"
    b"Transfer-Encoding: chunked\r\n"
    b"\r\n" + (b"1000\r\n" + CHUNK + b"\r\n") * 16 + b"0\r\n\r\n"
)
CASES = {
    "(a) browser GET, 9 fields": BROWSER_GET,
    "(b) POST, 1 KiB body": POST_1K,
    "(c) chunked, 64 KiB in 4 KiB": CHUNKED_64K,
}


def parse_with_tinyweb(request: bytes) -> int:
    """Parse one request; return the body size (so the work cannot be skipped)."""
    parser = RequestParser()
    parser.feed(request)
    size = 0
    while True:
        event = parser.next_event()
        if type(event) is Data:
            size += len(event.data)
        elif type(event) is EndOfMessage:
            return size


def parse_with_h11(request: bytes) -> int:
    """The same with h11's server-side Connection."""
    connection = h11.Connection(h11.SERVER)
    connection.receive_data(request)
    size = 0
    while True:
        event = connection.next_event()
        if type(event) is h11.Data:
            size += len(event.data)
        elif type(event) is h11.EndOfMessage:
            return size


PARSERS: dict[str, Callable[[bytes], int]] = {"tinyweb": parse_with_tinyweb, "h11": parse_with_h11}


def check_agreement() -> None:
    """Both parsers must see the same body for every case, or the race is meaningless."""
    for name, request in CASES.items():
        sizes = {label: parse(request) for label, parse in PARSERS.items()}
        assert len(set(sizes.values())) == 1, (name, sizes)


def time_per_call(parse: Callable[[bytes], int], request: bytes, number: int) -> float:
    """Seconds per call of ``parse(request)`` over ``number`` calls."""
    timer = timeit.Timer(lambda: parse(request), timer=time.process_time)
    return timer.timeit(number=number) / number


def measure(rounds: int, seconds_per_timing: float) -> dict[tuple[str, str], float]:
    """Best µs per request for every (case, parser), interleaved round-robin."""
    numbers: dict[tuple[str, str], int] = {}
    for name, request in CASES.items():
        for label, parse in PARSERS.items():
            once = time_per_call(parse, request, 20)
            numbers[name, label] = max(20, int(seconds_per_timing / once))
    best = {key: float("inf") for key in numbers}
    for _ in range(rounds):
        for name, request in CASES.items():
            for label, parse in PARSERS.items():
                seconds = time_per_call(parse, request, numbers[name, label])
                best[name, label] = min(best[name, label], seconds * 1e6)
    return best


def main() -> int:
    """Run the benchmark and print the table (medians over ``--runs`` whole runs)."""
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--rounds", type=int, default=15)
    options.add_argument("--seconds", type=float, default=0.25, help="per timing")
    options.add_argument("--runs", type=int, default=1, help="whole runs; medians printed")
    arguments = options.parse_args()
    check_agreement()
    runs = [measure(arguments.rounds, arguments.seconds) for _ in range(arguments.runs)]
    print(
        f"Python {sys.version.split()[0]}, h11 {h11.__version__}, best of {arguments.rounds}"
        f" rounds, median of {arguments.runs} run(s)"
    )
    print(f"{'case':32} {'bytes':>7} {'tinyweb µs':>11} {'h11 µs':>9} {'h11/tinyweb':>12}")
    for name, request in CASES.items():
        ours = statistics.median(best[name, "tinyweb"] for best in runs)
        theirs = statistics.median(best[name, "h11"] for best in runs)
        # The median of the per-run ratios: each run's pair was measured side by side.
        ratio = statistics.median(best[name, "h11"] / best[name, "tinyweb"] for best in runs)
        print(f"{name:32} {len(request):7} {ours:11.1f} {theirs:9.1f} {ratio:11.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
