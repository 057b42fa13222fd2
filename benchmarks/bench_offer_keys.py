"""What indexing an offer for safety matching costs screening: offer_keys per offer, one core.

    .venv/bin/python -m benchmarks.bench_offer_keys [--n 10000] [--repeat 5]

Times `offer_keys` (GTIN, brand, model and title keys: what screening writes to
`offer_keys` for every offer) on generated offers (benchmarks/offer_gen.py: Polish titles
and ~600-character descriptions), title alone and title with description, and prints the
median microseconds per offer over the repeats and the keys per offer. It runs against
whatever `moderation.safety.keys` is importable, so an older checkout measures alike.
"""

from __future__ import annotations

import argparse
import inspect
import statistics
import time

from benchmarks.offer_gen import offers
from moderation.safety.keys import offer_keys


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    events = list(offers(args.n, seed=3))
    modes = {"title": False}
    if "description" in inspect.signature(offer_keys).parameters:
        modes["title + description"] = True
    for label, with_description in modes.items():
        timings, keys = [], 0
        for _ in range(args.repeat):
            start = time.perf_counter()
            keys = 0
            for e in events:
                extra = {"description": e["description"]} if with_description else {}
                keys += len(offer_keys(title=e["title"], brand=e.get("brand"),
                                       gtins=e.get("gtins") or (), **extra))
            timings.append((time.perf_counter() - start) / len(events) * 1e6)
        print(f"{label}: median {statistics.median(timings):.1f} us per offer "
              f"(min {min(timings):.1f}), {keys / len(events):.2f} keys per offer")


if __name__ == "__main__":
    main()
