"""Screen 10,000 generated offers in process through rules + classifier, on one core.

    .venv/bin/python -m benchmarks.bench_screen [--n 10000] [--batch 500] [--repeat 5]

Prints offers/s and p50/p99 per offer (a batch's time divided by its size), median over
repeats. Target (issue 2): at least 2,000 offers/s on one core.
"""

from __future__ import annotations

import os

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import argparse  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from datetime import UTC, datetime  # noqa: E402

from benchmarks.offer_gen import offers  # noqa: E402
from moderation.schemas import OfferIn  # noqa: E402
from moderation.screening.screener import Screener  # noqa: E402
from rules.types import OfferText  # noqa: E402


def texts(n: int) -> list[OfferText]:
    now = datetime.now(UTC)
    out = []
    for raw in offers(n):
        e = OfferIn.model_validate(raw)
        created = e.seller.account_created_at
        out.append(OfferText(
            title=e.title, description=e.description, category=e.category, brand=e.brand,
            price=float(e.price) if e.price is not None else None, currency=e.currency,
            gtins=e.barcodes().valid,
            seller_account_age_days=(now - created).days if created else None,
            seller_activated=e.seller.activated, seller_strikes=0,
        ))
    return out


def run_once(screener: Screener, items: list[OfferText], batch: int) -> tuple[float, list[float]]:
    per_offer: list[float] = []
    start = time.perf_counter()
    for i in range(0, len(items), batch):
        chunk = items[i:i + batch]
        t0 = time.perf_counter()
        screener.assess(chunk)
        per_offer.extend([(time.perf_counter() - t0) / len(chunk)] * len(chunk))
    return len(items) / (time.perf_counter() - start), per_offer


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    screener = Screener()
    items = texts(args.n)
    screener.assess(items[:100])  # load rules and model outside the timing
    rates, p50s, p99s = [], [], []
    for _ in range(args.repeat):
        rate, per_offer = run_once(screener, items, args.batch)
        per_offer.sort()
        rates.append(rate)
        p50s.append(per_offer[len(per_offer) // 2] * 1000)
        p99s.append(per_offer[int(len(per_offer) * 0.99)] * 1000)
    print(f"offers={args.n} batch={args.batch} repeats={args.repeat} (one core)")
    print(f"rules+classifier: median {statistics.median(rates):,.0f} offers/s "
          f"(min {min(rates):,.0f}, max {max(rates):,.0f})")
    print(f"per offer: p50 {statistics.median(p50s):.3f} ms, p99 {statistics.median(p99s):.3f} ms")


if __name__ == "__main__":
    main()
