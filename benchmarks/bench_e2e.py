"""End to end: import 100,000 offers into PostgreSQL, two `moderation worker` processes on
Redis screen them; time from the import's start until every offer is screened.

    .venv/bin/python benchmarks/bench_e2e.py [--n 100000] [--workers 2]

Uses database `moderation_bench` (created if missing; its tables are reset) and Redis db 8.
Prints the end-to-end rate, the in-process rate of bench_screen on the same offers, and
their ratio. Target (issue 2): >= 1,000 offers/s and >= half the in-process rate.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from redis import Redis
from sqlalchemy import create_engine, text

from benchmarks.bench_screen import run_once, texts
from benchmarks.offer_gen import offers

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent / "moderation"
ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
DB_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/moderation_bench"
REDIS_URL = "redis://127.0.0.1:6379/8"


def reset_database(url: str = DB_URL) -> None:
    """Create the benchmark's database if missing and empty its schema."""
    name = url.rsplit("/", 1)[1]
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    env = {**os.environ, "DATABASE_URL": DB_URL, "REDIS_URL": REDIS_URL,
           "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    os.environ.update(DATABASE_URL=DB_URL, REDIS_URL=REDIS_URL)
    reset_database()
    subprocess.run([str(BIN), "migrate"], env=env, check=True, capture_output=True)
    Redis.from_url(REDIS_URL).flushdb()

    path = Path(tempfile.mkdtemp()) / "offers.ndjson"
    with path.open("w", encoding="utf-8") as fh:
        for event in offers(args.n, seed=7):
            fh.write(json.dumps(event, ensure_ascii=False) + "\n")

    workers = [subprocess.Popen([str(BIN), "worker"], env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL) for _ in range(args.workers)]
    engine = create_engine(DB_URL)
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

    from moderation.screening.screener import Screener

    screener = Screener()
    items = texts(10_000)
    screener.assess(items[:100])
    in_process = sorted(run_once(screener, items, 500)[0] for _ in range(3))[1]
    e2e = args.n / total
    print(f"offers={args.n} workers={args.workers} accepted={summary.accepted} "
          f"screened={screened} routes={routes}")
    print(f"import alone: {imported:.1f} s ({args.n / imported:,.0f} offers/s)")
    print(f"end to end: {total:.1f} s -> {e2e:,.0f} offers/s")
    print(f"in-process (one core, median of 3): {in_process:,.0f} offers/s")
    print(f"ratio end-to-end / in-process: {e2e / in_process:.2f}")


if __name__ == "__main__":
    main()
