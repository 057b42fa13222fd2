"""The cost of one /metrics scrape's state gauges on a large database, against references.

    .venv/bin/python benchmarks/bench_metrics.py --database-url URL --redis-url URL
        [--rows 100000] [--scrapes 50]

The database must be PostgreSQL, migrated to head (`moderation migrate`); its URL and Redis's
come from the options or DATABASE_URL / REDIS_URL. Nothing is created or flushed: the rows
(`--rows` offers with a case each, a tenth open, over every kind, a safety share due soon;
as many outbox messages, 4% pending and 1% failed) are written in one transaction that is
rolled back at the end, and Redis is only read. Printed: the median time of a scrape of the
gauges (StateCollector: a few grouped queries and two Redis round trips, rendered as
Prometheus text), of a whole /metrics body, and of two references measured in the same run:
a `SELECT 1` round trip on the same connection and the rendering of an empty registry.
"""

from __future__ import annotations

import os
import sys

# Run as a script, the repository root is not on the path.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import timedelta

from prometheus_client import CollectorRegistry, generate_latest
from redis import Redis
from sqlalchemy import Connection, create_engine, text
from sqlalchemy.orm import sessionmaker

from api.metrics import exposition
from moderation.metrics import StateCollector

KINDS = "ARRAY['screening','notice','counter_notice','safety','appeal']"
SEED = [
    "INSERT INTO sellers (external_id, activated, strikes, created_at) "
    "VALUES ('bench-metrics-seller', true, 0, now())",
    # One offer per row, every one screened.
    "INSERT INTO offers (marketplace_id, seller_id, version, title, description, gtins, status,"
    " needs_screening, created_at, updated_at) SELECT 'bench-metrics-' || g, "
    "(SELECT id FROM sellers WHERE external_id = 'bench-metrics-seller'), 1, 'Oferta ' || g,"
    " '', '[]', 'active', false, now(), now() FROM generate_series(1, :rows) g",
    # A case per offer: one in ten open, of every kind; safety ones due within hours.
    f"INSERT INTO cases (kind, offer_id, status, priority, reason_code, source, due_at, "
    f"opened_at, closed_at) SELECT ({KINDS})[1 + (o.id / 10) % 5], o.id, "
    "CASE WHEN o.id % 10 = 0 THEN 'open' ELSE 'closed' END, 3, 'BENCH', 'rules', "
    "now() + (o.id % 48) * interval '1 hour', now() - (o.id % 500) * interval '1 hour', "
    "CASE WHEN o.id % 10 = 0 THEN NULL ELSE now() END "
    "FROM offers o WHERE o.marketplace_id LIKE 'bench-metrics-%'",
    "INSERT INTO outbox (kind, recipient, payload, status, attempts, created_at) "
    "SELECT 'seller.statement_of_reasons', 'seller:bench-' || g, '{}', "
    "CASE WHEN g % 100 < 4 THEN 'pending' WHEN g % 100 = 4 THEN 'failed' ELSE 'sent' END, 1,"
    " now() - (g % 1000) * interval '1 minute' FROM generate_series(1, :rows) g",
    "ANALYZE sellers", "ANALYZE offers", "ANALYZE cases", "ANALYZE outbox",
]


def median_ms(run: Callable[[], object], times: int) -> float:
    samples = []
    for _ in range(times):
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def seed(conn: Connection, rows: int) -> None:
    start = time.perf_counter()
    for statement in SEED:
        conn.execute(text(statement), {"rows": rows})
    print(f"seeded {rows:,} offers and cases, {rows:,} outbox messages in "
          f"{time.perf_counter() - start:.1f} s (rolled back at the end)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL"))
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--scrapes", type=int, default=50)
    args = parser.parse_args()
    if not args.database_url or not args.database_url.startswith("postgresql"):
        parser.error("--database-url (or DATABASE_URL) of a migrated PostgreSQL is required")
    if not args.redis_url:
        parser.error("--redis-url (or REDIS_URL) is required")
    engine = create_engine(args.database_url)
    redis = Redis.from_url(args.redis_url)
    with engine.connect() as conn:
        trans = conn.begin()
        try:
            seed(conn, args.rows)
            sessions = sessionmaker(bind=conn, join_transaction_mode="create_savepoint")
            state = CollectorRegistry(auto_describe=False)
            state.register(StateCollector(sessions, redis, warning=timedelta(hours=8)))
            generate_latest(state)  # warm: plans cached, connections open
            gauges = median_ms(lambda: generate_latest(state), args.scrapes)
            whole = median_ms(lambda: exposition(state), args.scrapes)
            select_1 = median_ms(lambda: conn.execute(text("SELECT 1")).scalar(),
                                 args.scrapes)
            empty = median_ms(lambda: generate_latest(CollectorRegistry()), args.scrapes)
        finally:
            trans.rollback()
    print(f"median of {args.scrapes} scrapes, {args.rows:,} cases / offers / outbox rows:")
    print(f"  state gauges (StateCollector)     {gauges:8.2f} ms")
    print(f"  whole /metrics body               {whole:8.2f} ms")
    print(f"  reference: SELECT 1 round trip    {select_1:8.3f} ms   "
          f"ratio gauges / SELECT 1 = {gauges / select_1:.0f}")
    print(f"  reference: empty registry render  {empty:8.3f} ms")


if __name__ == "__main__":
    main()
