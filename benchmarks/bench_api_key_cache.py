"""API keys from the per-process cache against a database read per request.

    .venv/bin/python -m benchmarks.bench_api_key_cache --database-url URL [--redis-url URL]
        [--requests 2000] [--repeat 5]

The app in process on the given (migrated) database: one moderator's key calls
`GET /v1/cases?limit=1` --requests times, with the cache (API_KEY_CACHE_SECONDS=5) and, as
the reference in the same run, without it (0: the key looked up per request). Prints the
median requests per second of --repeat rounds each, their ratio, and the statements that
read the accounts table per request. Creates one account of a fresh name and deletes it at
the end; flushes nothing.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager

from fastapi.testclient import TestClient
from sqlalchemy import delete, event

from api.app import create_app
from moderation.accounts.keys import KeyCache
from moderation.accounts.staff import create_staff
from moderation.config import Settings
from moderation.domain import StaffRole
from moderation.runtime import Runtime
from moderation.tables import Account, AuditEntry


@contextmanager
def _moderator(runtime: Runtime) -> Iterator[str]:
    with runtime.sessionmaker() as s:
        created = create_staff(s, name=f"bench-keys-{secrets.token_hex(4)}",
                               role=StaffRole.MODERATOR)
        s.commit()
    try:
        assert created.api_key
        yield created.api_key
    finally:
        with runtime.sessionmaker() as s:
            s.execute(delete(AuditEntry).where(AuditEntry.entity == "staff",
                                               AuditEntry.entity_id == created.staff.id))
            s.execute(delete(Account).where(Account.id == created.staff.id))
            s.commit()


def _round(client: TestClient, key: str, n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        answer = client.get("/v1/cases?limit=1", headers={"X-API-Key": key})
        assert answer.status_code == 200, answer.text
    return n / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL"))
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if not args.database_url:
        raise SystemExit("name the database: --database-url or DATABASE_URL (migrated)")
    runtime = Runtime.build(Settings(database_url=args.database_url, redis_url=args.redis_url))
    reads = 0

    def count(conn: object, cursor: object, statement: str, *rest: object) -> None:
        nonlocal reads
        if "FROM staff" in statement:
            reads += 1

    event.listen(runtime.engine, "before_cursor_execute", count)
    rates: dict[str, list[float]] = {"cached": [], "per request": []}
    per_request: dict[str, float] = {}
    with _moderator(runtime) as key:
        for label, seconds in (("cached", 5.0), ("per request", 0.0)):
            app = create_app(runtime)
            app.state.api_keys = KeyCache(seconds)
            with TestClient(app) as client:
                _round(client, key, 50)  # warm up: pool, caches, the first lookup
                reads = 0
                for _ in range(args.repeat):
                    rates[label].append(_round(client, key, args.requests))
                per_request[label] = reads / (args.requests * args.repeat)
    cached, reference = (statistics.median(rates[k]) for k in ("cached", "per request"))
    print(f"GET /v1/cases?limit=1, {args.requests} requests x {args.repeat}, one process")
    print(f"reference (key read per request): median {reference:.0f} req/s, "
          f"{per_request['per request']:.2f} accounts reads/request")
    print(f"cached ({5} s):                    median {cached:.0f} req/s, "
          f"{per_request['cached']:.4f} accounts reads/request")
    print(f"ratio cached/reference: {cached / reference:.2f}")


if __name__ == "__main__":
    main()
