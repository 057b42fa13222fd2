"""What the flood guard and a shadow run cost a screening batch, on PostgreSQL, one core.

    .venv/bin/python -m benchmarks.bench_guard [--batches 6] [--batch 500] [--rounds 3]

The database (--database-url or BENCH_DATABASE_URL) is reset: its public schema dropped and
migrated afresh. Ingests
the offers, then screens them with `screen_pending` (one transaction and commit per batch,
as a worker does) three ways, batch by batch in turn: guard off; guard on (the default);
guard on plus a shadow rule pack (a copy of the shipped packs). Prints the median
milliseconds per batch and the ratio to guard off.
"""

from __future__ import annotations

import os

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import argparse  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from sqlalchemy import text  # noqa: E402

from benchmarks.offer_gen import offers  # noqa: E402
from benchmarks.targets import add_options, reset_database, targets  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batches", type=int, default=6)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    add_options(parser, redis=False)
    args = parser.parse_args()
    db_url = targets(parser, args).database_url
    os.environ["DATABASE_URL"] = db_url
    reset_database(db_url)

    from moderation.config import Settings, get_settings
    from moderation.db import make_engine
    from moderation.intake.offers import ingest
    from moderation.runtime import Runtime
    from moderation.schemas import OfferIn
    from moderation.screening import batches
    from moderation.screening.screener import Screener
    from rules.loader import DEFAULT_PACKS_DIR

    engine = make_engine(db_url)
    factory = Runtime.build(bind=engine).sessionmaker
    shadow_dir = Path(tempfile.mkdtemp()) / "rules"
    shutil.copytree(DEFAULT_PACKS_DIR, shadow_dir / "packs")
    shutil.copytree(DEFAULT_PACKS_DIR.parent / "data", shadow_dir / "data")
    screeners = {"guard off": Screener(Settings()), "guard on": Screener(Settings()),
                 "guard on + shadow pack": Screener(Settings(
                     shadow_rules_dir=shadow_dir / "packs"))}
    guard = {"guard off": "false", "guard on": "true", "guard on + shadow pack": "true"}
    for screener in screeners.values():  # load everything outside the timing
        screener.current()
        screener.shadow()
    timings: dict[str, list[float]] = {name: [] for name in screeners}
    with factory() as session:
        for event in offers(args.rounds * args.batches * len(screeners) * args.batch, seed=11):
            ingest(session, OfferIn.model_validate(event))
        session.commit()
    # Batch by batch in turn, so that the machine's noise falls on every configuration.
    for _ in range(args.rounds * args.batches):
        for name, screener in screeners.items():
            os.environ["FLOOD_GUARD"] = guard[name]
            get_settings.cache_clear()
            start = time.perf_counter()
            with factory() as session:
                batches.screen_pending(session, screener, limit=args.batch)
                session.commit()
            timings[name].append((time.perf_counter() - start) * 1000)
    base = statistics.median(timings["guard off"])
    print(f"{args.rounds} rounds x {args.batches} batches of {args.batch} offers, PostgreSQL")
    for name, values in timings.items():
        median = statistics.median(values)
        print(f"{name:<24} median {median:7.1f} ms/batch  ({args.batch / median * 1000:,.0f} "
              f"offers/s)  x{median / base:.2f}")
    with engine.connect() as conn:
        print("shadow screenings stored:",
              conn.scalar(text("SELECT count(*) FROM shadow_screenings")),
              "· flood count rows:", conn.scalar(text("SELECT count(*) FROM flood_counts")),
              "· trips:", conn.scalar(text("SELECT count(*) FROM flood_trips")))
    engine.dispose()


if __name__ == "__main__":
    main()
