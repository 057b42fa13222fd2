"""End to end: import 100,000 offers into PostgreSQL, two `moderation worker` processes on
Redis screen them; time from the import's start until every offer is screened.

    .venv/bin/python -m benchmarks.bench_e2e --database-url postgresql+psycopg://... \
        --redis-url redis://... [--n 100000] [--workers 2]

The database and Redis are given (or BENCH_DATABASE_URL / BENCH_REDIS_URL), never assumed:
the database's public schema is DROPPED and migrated afresh; Redis is not flushed, the
run's jobs go to queues of its own name, deleted after it (benchmarks/targets.py).
Prints the end-to-end rate, the in-process rate of bench_screen on the same offers
(three runs before the run and three after, their median), and their ratio. Target
(issue 13): >= 1,000 offers/s and >= 0.6 of the in-process rate.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text

from benchmarks.bench_screen import run_once, texts
from benchmarks.offer_gen import offers
from benchmarks.targets import add_options, drop_own_queues, env_of, reset_database, targets

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent / "moderation"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    add_options(parser)
    args = parser.parse_args()
    given = targets(parser, args)

    env = {**os.environ, **env_of(given), "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    os.environ.update(env_of(given))
    reset_database(given.database_url)

    path = Path(tempfile.mkdtemp()) / "offers.ndjson"
    with path.open("w", encoding="utf-8") as fh:
        for event in offers(args.n, seed=7):
            fh.write(json.dumps(event, ensure_ascii=False) + "\n")

    # The reference on either side of the run: this machine's speed drifts by a third from
    # one minute to the next, and one side alone made the ratio swing with it.
    before = _in_process_rates()
    workers = [subprocess.Popen([str(BIN), "worker"], env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL) for _ in range(args.workers)]
    engine = create_engine(given.database_url)
    try:
        time.sleep(3)  # workers load the rule pack and the model before the clock starts
        from moderation.intake.importer import import_offers
        from moderation.runtime import Runtime, freeze_loaded

        runtime = Runtime.build()
        freeze_loaded()  # as `moderation import-offers` does before its bulk run
        start = time.perf_counter()
        summary = import_offers(runtime.sessionmaker, path)
        imported = time.perf_counter() - start
        while True:
            with engine.connect() as conn:
                left = conn.scalar(text("SELECT count(*) FROM offers WHERE needs_screening"))
            if left == 0:
                break
            time.sleep(0.2)
        total = time.perf_counter() - start
        with engine.connect() as conn:
            screened = conn.scalar(text("SELECT count(*) FROM screenings"))
            routes = dict(conn.execute(text("SELECT route, count(*) FROM screenings "
                                            "GROUP BY route")).all())
    finally:
        for w in workers:
            w.terminate()
        for w in workers:
            w.wait(timeout=30)
        engine.dispose()
        drop_own_queues(given)

    after = _in_process_rates()
    in_process = statistics.median(before + after)
    e2e = args.n / total
    print(f"offers={args.n} workers={args.workers} accepted={summary.accepted} "
          f"screened={screened} routes={routes}")
    print(f"import alone: {imported:.1f} s ({args.n / imported:,.0f} offers/s)")
    print(f"end to end: {total:.1f} s -> {e2e:,.0f} offers/s")
    print(f"in-process (one core, median of 3 runs before and 3 after): {in_process:,.0f} "
          f"offers/s (before {_rates(before)}; after {_rates(after)})")
    print(f"ratio end-to-end / in-process: {e2e / in_process:.2f}")


def _in_process_rates() -> list[float]:
    """bench_screen's in-process rate on one core, three runs on 10,000 offers."""
    from moderation.screening.screener import Screener

    screener = Screener()
    items = texts(10_000)
    screener.assess(items[:100])
    return [run_once(screener, items, 500)[0] for _ in range(3)]


def _rates(rates: list[float]) -> str:
    return ", ".join(f"{r:,.0f}" for r in rates)


if __name__ == "__main__":
    main()
