"""The classifier alone: offers/s and p50/p99 per offer on one core, and benign false positives.

    .venv/bin/python benchmarks/bench_classifier.py [--bundle DIR] [--n 10000] [--batch 500]
        [--repeat 5] [--benign CSV]

Offers are the seeded benchmark offers of `benchmarks/offer_gen.py` (Polish title, ~600-char
description). Per-offer latency is a batch's time divided by its size. The false-positive rate
is measured on real listings the model never saw: rows 5,000.. of the Flipkart file (the first
5,000 are the training sample), at the policy's review threshold. For the held-out shops and
the whole screening, see `moderation eval screening`.
"""

from __future__ import annotations

import os
import sys

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"
# Run as a script, the repository root is not on the path.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import argparse  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from benchmarks.offer_gen import BAD_MARKERS, offers  # noqa: E402
from models.bundle import DEV_SIGNING_KEY, Classifier, load_bundle  # noqa: E402
from models.listings import FLIPKART_TRAINING_ROWS  # noqa: E402
from models.train import DEFAULT_BUNDLE_DIR, read_benign  # noqa: E402
from moderation.policy import REVIEW_LAWFUL_SHARE  # noqa: E402
from rules.types import OfferText  # noqa: E402

BENIGN_CSV = Path("/work/shared/data/benign-listings/flipkart_titles_a.csv")
TRAINING_ROWS = FLIPKART_TRAINING_ROWS


def bench_offers(n: int) -> tuple[list[OfferText], np.ndarray]:
    """n seeded offers and whether each carries one of the generator's counterfeit markers."""
    raw = list(offers(n))
    items = [OfferText(title=r["title"], description=r["description"], category=r["category"],
                       brand=r["brand"]) for r in raw]
    bad = np.array([any(m in r["title"] for m in BAD_MARKERS) for r in raw])
    return items, bad


def run_once(clf: Classifier, items: list[OfferText], batch: int) -> tuple[float, list[float]]:
    per_offer: list[float] = []
    start = time.perf_counter()
    for i in range(0, len(items), batch):
        chunk = items[i:i + batch]
        t0 = time.perf_counter()
        clf.score_many(chunk)
        per_offer.extend([(time.perf_counter() - t0) / len(chunk)] * len(chunk))
    return len(items) / (time.perf_counter() - start), per_offer


def percentiles(per_offer: list[float]) -> tuple[float, float]:
    ordered = sorted(per_offer)
    return ordered[len(ordered) // 2] * 1000, ordered[int(len(ordered) * 0.99)] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, default=DEFAULT_BUNDLE_DIR)
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--benign", type=Path, default=BENIGN_CSV)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    clf = load_bundle(args.bundle, signing_key=os.environ.get(
        "MODEL_SIGNING_KEY", DEV_SIGNING_KEY.decode()).encode())
    items, bad = bench_offers(args.n)
    print(f"bundle {clf.version}  offers={args.n} batch={args.batch} (one core)")

    # The first pass sees every token for the first time (the normaliser memoises tokens).
    rate, per_offer = run_once(clf, items, args.batch)
    p50, p99 = percentiles(per_offer)
    print(f"first pass: {rate:,.0f} offers/s, per offer p50 {p50:.3f} ms, p99 {p99:.3f} ms")
    rates, p50s, p99s = [], [], []
    for _ in range(args.repeat):
        rate, per_offer = run_once(clf, items, args.batch)
        p50, p99 = percentiles(per_offer)
        rates.append(rate)
        p50s.append(p50)
        p99s.append(p99)
    print(f"repeats ({args.repeat}): median {statistics.median(rates):,.0f} offers/s "
          f"(min {min(rates):,.0f}, max {max(rates):,.0f}); per offer p50 "
          f"{statistics.median(p50s):.3f} ms, p99 {statistics.median(p99s):.3f} ms")

    threshold = clf.threshold_for(REVIEW_LAWFUL_SHARE)
    values = np.array([s.value for s in clf.score_many(items, explain=0)])
    print(f"review threshold (at most {REVIEW_LAWFUL_SHARE:.1%} of lawful listings out of "
          f"fold): {threshold:.4f}")
    print(f"benchmark offers with a counterfeit marker in the title: {int(bad.sum())}, "
          f"flagged {np.mean(values[bad] >= threshold):.1%}; without: flagged "
          f"{np.mean(values[~bad] >= threshold):.2%}")

    if not args.benign.exists():
        print(f"no held-out benign file at {args.benign}: skipping the false-positive rate")
        return
    held_out = read_benign(args.benign)[TRAINING_ROWS:]
    scores = clf.score_many(held_out, explain=3)
    flagged = [(s, e) for s, e in zip(scores, held_out, strict=True) if s.value >= threshold]
    share = len(flagged) / max(len(held_out), 1)
    print(f"held-out benign listings (rows {TRAINING_ROWS:,}..): {len(held_out):,}, above "
          f"threshold {len(flagged)} = {share:.2%}")
    for s, e in sorted(flagged, key=lambda p: -p[0].value)[:10]:
        print(f"  {s.value:.3f}  {e.title[:70]!r}  {[n for n, _ in s.features]}")


if __name__ == "__main__":
    main()
