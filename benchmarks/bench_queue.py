"""The queue page with 100,000 open cases: time to render it, plain and filtered.

    .venv/bin/python -m benchmarks.bench_queue --database-url URL --redis-url URL \
        [--cases 100000] [--repeat 20]

The database (--database-url or BENCH_DATABASE_URL) is reset: its public schema dropped
and migrated afresh; Redis (--redis-url or BENCH_REDIS_URL) is not flushed. Seeds sellers,
offers and open cases with bulk SQL, then times GET /queue (the whole page: auth, counts,
filters, 50 rows, template) through the ASGI app, and the next-case claim. Prints medians
and p90.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable

from sqlalchemy import create_engine, text

from benchmarks.targets import add_options, env_of, reset_database, targets


def seed(url: str, n: int) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("""
            INSERT INTO sellers (external_id, account_created_at, activated, strikes, created_at)
            SELECT 'seller-' || g, now() - interval '400 days', true, 0, now()
            FROM generate_series(1, 5000) g"""))
        conn.execute(text("""
            INSERT INTO offers (marketplace_id, seller_id, version, title, description, category,
                                brand, price, currency, gtins, status, screened_version,
                                needs_screening, created_at, updated_at)
            SELECT 'o-' || g, 1 + g % 5000, 1, 'Oferta testowa numer ' || g, 'Opis ' || g,
                   (ARRAY['Moda > Torebki', 'Elektronika > Telefony', 'Dom > Kuchnia',
                          'Zabawki'])[1 + g % 4], 'Marka', 99.00, 'PLN', '[]', 'active', 1,
                   false, now(), now()
            FROM generate_series(1, :n) g"""), {"n": n})
        conn.execute(text("""
            INSERT INTO cases (kind, offer_id, status, priority, reason_code, source, due_at,
                               opened_at)
            SELECT 'screening', g, 'open', 1 + g % 5,
                   (ARRAY['COUNTERFEIT_MARKER', 'MODEL_SCORE', 'PROHIBITED_WEAPON'])[1 + g % 3],
                   (ARRAY['rules', 'model'])[1 + g % 2],
                   now() + (g % 48 - 6) * interval '1 hour', now()
            FROM generate_series(1, :n) g"""), {"n": n})
        conn.execute(text("ANALYZE"))
    engine.dispose()


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.9)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    add_options(parser)
    args = parser.parse_args()
    given = targets(parser, args)
    os.environ.update(env_of(given))
    reset_database(given.database_url)
    seed(given.database_url, args.cases)
    from fastapi.testclient import TestClient

    from api.app import create_app
    from moderation.accounts.staff import create_staff
    from moderation.db import session_scope
    from moderation.domain import StaffRole
    from moderation.runtime import Runtime

    runtime = Runtime.build()
    with session_scope(runtime.sessionmaker) as session:
        key = create_staff(session, name="bench", role=StaffRole.LEAD).api_key or ""
    client = TestClient(create_app(runtime), headers={"X-API-Key": key})
    print(f"open cases: {args.cases:,}; {args.repeat} requests each; ms median / p90")
    for label, url in [("queue, first page", "/queue"),
                       ("queue, page 500", "/queue?page=500"),
                       ("queue, category filter", "/queue?category=Moda"),
                       ("queue, overdue + reason", "/queue?overdue=true&reason=MODEL_SCORE"),
                       ("escalations", "/escalations"),
                       ("dashboard", "/dashboard")]:
        def get(url: str = url) -> None:
            assert client.get(url).status_code == 200
        p50, p90 = timed(get, args.repeat)
        print(f"  {label:<26} {p50:7.1f} {p90:7.1f}")

    def claim() -> None:
        assert client.post("/v1/cases/claim-next").status_code == 200
    p50, p90 = timed(claim, args.repeat)
    print(f"  {'claim next (JSON API)':<26} {p50:7.1f} {p90:7.1f}")


if __name__ == "__main__":
    main()
