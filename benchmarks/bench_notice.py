"""A notice of 300 offers: time from submission to 300 open cases (one HTTP request).

    .venv/bin/python -m benchmarks.bench_notice --database-url URL --redis-url URL \
        [--offers 300] [--repeat 10]

The database given (or BENCH_DATABASE_URL) is reset: its public schema dropped and migrated
afresh; Redis (or BENCH_REDIS_URL) is not flushed. Each run reports fresh
offers, so every run opens `--offers` new cases; the request commits before it answers, so
the cases are open when the receipt arrives. Prints the median and p90 in ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from sqlalchemy import create_engine, text

from benchmarks.targets import add_options, env_of, reset_database, targets


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--offers", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=10)
    add_options(parser)
    args = parser.parse_args()
    given = targets(parser, args)
    os.environ.update(env_of(given))
    reset_database(given.database_url)
    engine = create_engine(given.database_url)
    n = args.offers * (args.repeat + 1)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO sellers (external_id, activated, strikes, created_at) "
                          "VALUES ('bench-seller', true, 0, now())"))
        conn.execute(text("""
            INSERT INTO offers (marketplace_id, seller_id, version, title, description,
                                category, brand, price, currency, gtins, status,
                                screened_version, needs_screening, created_at, updated_at)
            SELECT 'n-' || g, 1, 1, 'Torebka Lumora ' || g, '', 'Moda > Torebki', 'Lumora',
                   99.00, 'PLN', '[]', 'active', 1, false, now(), now()
            FROM generate_series(1, :n) g"""), {"n": n})
    from fastapi.testclient import TestClient

    from api.app import create_app
    from moderation.accounts.staff import create_staff, ensure_organisation
    from moderation.db import session_scope
    from moderation.domain import OrganisationKind, StaffRole
    from moderation.runtime import Runtime
    from moderation.tables import Right, utcnow

    runtime = Runtime.build()
    with session_scope(runtime.sessionmaker) as session:
        org = ensure_organisation(session, "Lumora", OrganisationKind.RIGHTS_HOLDER)
        key = create_staff(session, name="bench-rh", role=StaffRole.RIGHTS_HOLDER,
                           organisation_id=org.id).api_key or ""
        right = Right(organisation_id=org.id, type="trademark", office="EUIPO",
                      number="018000001", owner="Lumora", territory="EU", brands=["Lumora"],
                      keywords=[], agent=False, status="verified", review_note="",
                      created_at=utcnow(), updated_at=utcnow())
        session.add(right)
        session.flush()
        right_id = right.id
    client = TestClient(create_app(runtime), headers={"X-API-Key": key})
    samples = []
    for run in range(args.repeat + 1):
        ids = [f"n-{run * args.offers + i + 1}" for i in range(args.offers)]
        body = {"right_id": right_id, "kind": "counterfeit", "offers": ids,
                "explanation": "Counterfeits of our registered mark, sold far below price.",
                "notifier": {"name": "Bench", "email": "bench@lumora.example"},
                "good_faith": True}
        start = time.perf_counter()
        response = client.post("/v1/notices", json=body)
        elapsed = (time.perf_counter() - start) * 1000
        assert response.status_code == 201, response.text
        if run:  # the first run warms up imports and the connection pool
            samples.append(elapsed)
    with engine.connect() as conn:
        open_cases = conn.scalar(text("SELECT count(*) FROM cases WHERE status = 'open'"))
    samples.sort()
    print(f"notice of {args.offers} offers, {args.repeat} runs: median "
          f"{statistics.median(samples):.0f} ms, p90 {samples[int(len(samples) * 0.9)]:.0f} ms "
          f"({statistics.median(samples) / args.offers:.2f} ms per offer); "
          f"open cases now {open_cases:,}")


if __name__ == "__main__":
    main()
