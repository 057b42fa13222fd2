"""The Transparency Database submitter's throughput against the local fake over loopback.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_tdb_submit.py \
        [--database-url URL] [--n 2000] [--repeat 5]

Statements/s through `submitter.submit` (batches of 100, with all its bookkeeping: the due
query, records built and checked, the marks committed before and after each call, the
duplicate-safe answers) and, in the same run, a reference: the same records posted in
batches of 100 with a bare httpx client, no database at all. Both against a fresh fake
(tests/fakes/tdb_server.py) served by uvicorn in a thread of this process, so the fake's
own validation is in both figures. Median of the runs.

The database is TEST_DATABASE_URL unless given: it is migrated (never dropped), and the
rows the benchmark writes are deleted after each run; nothing else is touched. No Redis:
the submitter needs none.
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import argparse
import statistics
import time

import httpx
from sqlalchemy import delete
from sqlalchemy.orm import Session, sessionmaker

from moderation.config import Settings
from moderation.db import make_engine
from moderation.migrate import upgrade
from moderation.tables import Offer, Seller, Statement, TdbSubmission
from moderation.transparency_db import records, submitter
from tests.fakes.tdb_server import TOKEN, FakeTdb, serving
from tests.statement_rows import make_bare_offer, make_statement


def seed(maker: sessionmaker[Session], n: int) -> tuple[list[int], list[dict], dict]:
    """n statements with pending submissions; their ids, records and what to delete."""
    with maker() as session:
        offer = make_bare_offer(session, gtins=["5901234123457"])
        statements = [make_statement(session, offer=offer) for _ in range(n)]
        subs = [TdbSubmission(statement_id=s.id, attempts=0, status="pending")
                for s in statements]
        session.add_all(subs)
        session.flush()
        built = [records.build_record(s, offer) for s in statements]
        owned = {"subs": [s.id for s in subs], "statements": [s.id for s in statements],
                 "offer": offer.id, "seller": offer.seller_id}
        session.commit()
    return owned["subs"], [r for r in built if r is not None], owned


def clean(maker: sessionmaker[Session], owned: dict) -> None:
    with maker() as session:
        session.execute(delete(TdbSubmission).where(TdbSubmission.id.in_(owned["subs"])))
        session.execute(delete(Statement).where(Statement.id.in_(owned["statements"])))
        session.execute(delete(Offer).where(Offer.id == owned["offer"]))
        session.execute(delete(Seller).where(Seller.id == owned["seller"]))
        session.commit()


def run_submitter(maker: sessionmaker[Session], n: int) -> float:
    ids, _, owned = seed(maker, n)
    fake = FakeTdb()
    try:
        with serving(fake) as base:
            settings = Settings(tdb_url=base, tdb_token=TOKEN)
            start = time.perf_counter()
            summary = submitter.submit(maker, ids, settings=settings)
            elapsed = time.perf_counter() - start
        assert summary.sent == n and len(fake.stored) == n, summary
    finally:
        clean(maker, owned)
    return n / elapsed


def run_reference(maker: sessionmaker[Session], n: int) -> float:
    _, built, owned = seed(maker, n)
    clean(maker, owned)
    fake = FakeTdb()
    with serving(fake) as base, httpx.Client(
            headers={"Authorization": f"Bearer {TOKEN}"}) as http:
        start = time.perf_counter()
        for first in range(0, len(built), 100):
            response = http.post(f"{base}/statements",
                                 json={"statements": built[first:first + 100]})
            assert response.status_code == 201, response.text
        elapsed = time.perf_counter() - start
    assert len(fake.stored) == n
    return n / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=os.environ.get(
        "TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    upgrade(args.database_url)
    maker = sessionmaker(bind=make_engine(args.database_url), expire_on_commit=False)
    ours, bare = [], []
    for _ in range(args.repeat):
        ours.append(run_submitter(maker, args.n))
        bare.append(run_reference(maker, args.n))
    print(f"{args.n} statements, batches of 100, {args.repeat} runs, "
          f"database {args.database_url.rsplit('/', 1)[-1]}")
    print(f"submitter (bookkeeping in the database): median {statistics.median(ours):,.0f} "
          f"statements/s (runs: {', '.join(f'{x:,.0f}' for x in ours)})")
    print(f"reference (bare httpx POSTs, same records): median {statistics.median(bare):,.0f} "
          f"statements/s (runs: {', '.join(f'{x:,.0f}' for x in bare)})")
    print(f"submitter / reference: {statistics.median(ours) / statistics.median(bare):.2f}")


if __name__ == "__main__":
    main()
