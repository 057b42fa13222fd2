"""The matcher and the classifier with one BLAS/OpenMP thread against the libraries' default.

    .venv/bin/python -m benchmarks.bench_threads [--pairs 100] [--offers 500] [--repeat 30]

Scores the same 100 product pairs (tests/data/product_matching) and the same batch of 500
offers again and again, alternating between the default pools (a thread per core) and
`workers.threads.limit_threads(1)`, as a worker sets them (WORKER_THREADS). Prints the
median and p90 milliseconds per call of each. Run it while the machine is busy: that is
when spinning threads cost most.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from threadpoolctl import threadpool_limits

from rules.types import OfferText

ROOT = Path(__file__).resolve().parent.parent
PAIRS = ROOT / "tests" / "data" / "product_matching" / "Abt-Buy_train.txt"


def _time(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pairs", type=int, default=100)
    parser.add_argument("--offers", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    from benchmarks.offer_gen import offers as generate
    from models.matching.model import load_matcher
    from models.matching.records import read_pairs
    from moderation.screening.screener import Screener

    matcher = load_matcher()
    pairs = list(read_pairs(PAIRS))[:args.pairs]
    classifier = Screener().current().classifier
    offers = [OfferText(title=e["title"], description=e["description"],
                        category=e["category"], brand=e["brand"], price=float(e["price"]),
                        currency=e["currency"]) for e in generate(args.offers)]
    default = os.cpu_count() or 1  # what the pools start with when nothing caps them
    jobs = {f"matcher, {len(pairs)} pairs": lambda: matcher.score(pairs),
            f"classifier, {len(offers)} offers": lambda: classifier.score_many(offers)}
    for name, job in jobs.items():
        job()  # warm
        times: dict[int, list[float]] = {default: [], 1: []}
        for _ in range(args.repeat):
            for threads in times:
                with threadpool_limits(limits=threads):
                    times[threads].append(_time(job))
        for threads, values in times.items():
            values.sort()
            print(f"{name:<26} {threads} thread(s): median {statistics.median(values):7.1f} ms, "
                  f"p90 {values[int(0.9 * (len(values) - 1))]:7.1f} ms")


if __name__ == "__main__":
    main()
