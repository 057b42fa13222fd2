"""Claims per second: moderators racing through `claim_next`, against pgbench on the same SQL.

    .venv/bin/python -m benchmarks.bench_claims --database-url URL [--cases 100000]
        [--claimers 1,8,32] [--seconds 5] [--repeat 3] [--processes 1]

URL (or BENCH_DATABASE_URL) names the benchmark's own PostgreSQL database, which must exist:
it is migrated to head, its staff, sellers, offers, cases and audit rows are emptied and
seeded with `--cases` open cases; nothing else is created, and Redis is not used. For each
number of claimers, each claimer (a thread, spread over `--processes` processes) on a
connection of its own claims cases for `--seconds`, one committed transaction per claim
through `moderation.cases.claim_next`, as POST /v1/cases/claim-next does. The reference is
pgbench running the same claim statement (which appends the audit entry too), with
as many clients, prepared statements (`-M prepared`, as psycopg prepares a statement on its
fifth run) and 2 threads. Every round starts from the same free queue. Prints the median
claims/s of `--repeat` rounds, pgbench's median, their ratio, the claims claim_next made
(its audit rows, warm-up included) and the double claims counted afterwards from the audit
rows of both (cases claimed twice; must be 0).
Target (issue 13): >= 1,000 claims/s at 32 claimers.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Select, create_engine, make_url, text
from sqlalchemy.orm import Session, sessionmaker

from moderation.cases.leases import claim_params, claim_statement
from moderation.db import make_engine
from moderation.migrate import upgrade
from moderation.tables import utcnow

LEASE = timedelta(minutes=5)
WARM_UP = 6  # claims each claimer makes before the clock starts: past psycopg's prepare
STAFF = 32


def seed(engine: Engine, cases: int) -> list[int]:
    """Empty the benchmark's tables and fill the queue with `cases` open cases."""
    with engine.begin() as conn:
        conn.execute(text("TRUNCATE audit_log, outbox, decisions, case_sources, offer_holds, "
                          "cases, screenings, offer_versions, offers, sellers, staff "
                          "RESTART IDENTITY CASCADE"))
        staff = list(conn.scalars(text(
            "INSERT INTO staff (name, role, locale, active, created_at) "
            "SELECT 'bench-moderator-' || g, 'moderator', 'en', true, now() "
            "FROM generate_series(1, :n) g RETURNING id"), {"n": STAFF}))
        conn.execute(text("INSERT INTO sellers (external_id, activated, strikes, created_at) "
                          "VALUES ('bench-seller', true, 0, now())"))
        conn.execute(text(
            "INSERT INTO offers (marketplace_id, seller_id, version, title, description, "
            "gtins, barcode_flags, status, needs_screening, created_at, updated_at) "
            "SELECT 'bench-' || g, (SELECT id FROM sellers), 1, 'Offer ' || g, '', '[]', "
            "'[]', 'active', false, now(), now() FROM generate_series(1, :n) g"),
            {"n": cases})
        # Priorities 1-5 and deadlines spread over four days, as screening opens them.
        conn.execute(text(
            "INSERT INTO cases (kind, offer_id, status, priority, reason_code, source, "
            "due_at, opened_at) SELECT 'screening', id, 'open', 1 + id % 5, 'BENCH', "
            "'rules', now() + (id % 97) * interval '1 hour', now() FROM offers"))
    vacuum(engine)
    return staff


def vacuum(engine: Engine) -> None:
    """Start a round from clean tables and fresh statistics, as a quiet queue would be."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE cases, audit_log"))


def reset(engine: Engine) -> None:
    """Give every claimed case back and forget the claims: each round starts the same."""
    with engine.begin() as conn:
        conn.execute(text("UPDATE cases SET lease_holder_id = NULL, lease_expires_at = NULL "
                          "WHERE lease_holder_id IS NOT NULL"))
        conn.execute(text("DELETE FROM audit_log WHERE action = 'case.claimed'"))
    vacuum(engine)


def double_claims(engine: Engine) -> tuple[int, int, int]:
    """Claims recorded, cases claimed, and cases claimed more than once (the audit's word)."""
    with engine.connect() as conn:
        row = conn.execute(text(
            "SELECT coalesce(sum(n), 0), count(*), count(*) FILTER (WHERE n > 1) FROM "
            "(SELECT entity_id, count(*) AS n FROM audit_log WHERE action = 'case.claimed' "
            "GROUP BY entity_id) per_case")).one()
    return int(row[0]), int(row[1]), int(row[2])


def _claimer(url: str, staff_id: int, seconds: float, start: Any, out: Any) -> None:
    """Claim for `seconds` once all have warmed up, one committed transaction per claim."""
    engine = make_engine(url)
    factory = sessionmaker(bind=engine, expire_on_commit=False)

    def claim() -> bool:
        with factory() as session:
            case = _claim_next(session, staff_id)
            session.commit()
        return case is not None

    for _ in range(WARM_UP):
        claim()
    start.wait()
    deadline = time.perf_counter() + seconds
    done = 0
    while time.perf_counter() < deadline and claim():
        done += 1
    out.put(done)
    engine.dispose()


def _claim_next(session: Session, staff_id: int) -> object:
    from moderation.cases import claim_next

    return claim_next(session, staff_id=staff_id, lease=LEASE)


def _claimers(url: str, staff_ids: list[int], seconds: float, start: Any, out: Any) -> None:
    """Run one claimer thread per staff id in this process."""
    threads = [threading.Thread(target=_claimer, args=(url, staff_id, seconds, start, out))
               for staff_id in staff_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def run_domain(url: str, staff: list[int], claimers: int, seconds: float,
               processes: int) -> float:
    """Claims per second of `claimers` racing through claim_next for `seconds`.

    The claimers are threads spread over `processes` forked processes: one process per core
    lets Python use both, and threads share a process's memory where 32 processes thrash
    the caches of two cores (2.5 ms of CPU per claim against 0.6 in threads, measured on
    a busy 2-core machine).
    """
    ctx = multiprocessing.get_context("fork")
    start: Any = ctx.Barrier(claimers + 1)
    out: Any = ctx.Queue()
    ids = [staff[i % len(staff)] for i in range(claimers)]
    processes = max(1, min(processes, claimers))
    workers = [ctx.Process(target=_claimers, args=(url, ids[p::processes], seconds, start, out))
               for p in range(processes)]
    for w in workers:
        w.start()
    start.wait(timeout=120)
    began = time.perf_counter()
    total = sum(out.get(timeout=seconds + 120) for _ in range(claimers))
    elapsed = time.perf_counter() - began
    for w in workers:
        w.join(timeout=60)
    return total / elapsed


def pgbench_script(staff_ids: list[int]) -> str:
    """claim_next's statement (the claim and its audit entry) as a pgbench transaction."""
    statement = claim_statement(by_kind=False, postgres=True)
    assert isinstance(statement, Select)
    # Any values: each placeholder is replaced below by name (render_postcompile wants some).
    statement = statement.params(claim_params(staff_id=1, lease=LEASE, now=utcnow()))
    compiled = statement.compile(dialect=make_engine("postgresql+psycopg://").dialect,
                                 compile_kwargs={"render_postcompile": True})
    expires = f"now() + interval '{int(LEASE.total_seconds())} seconds'"
    # What claim_params gives, from pgbench's variables and the server's clock.
    by_name = {
        "claimer": ":staff", "now": "now()", "expires": f"({expires})",
        "actor": "('staff:' || :staff)",
        # A timestamptz in JSON is ISO 8601, as Python's isoformat() writes it.
        "after": f"json_build_object('lease_holder_id', :staff::bigint, "
                 f"'lease_expires_at', {expires})",
    }
    values = iter(by_name[name] for name in compiled.positiontup or [])
    sql = " ".join(re.sub(r"%s", lambda _m: next(values), compiled.string).split())
    lo, hi = min(staff_ids), max(staff_ids)
    return f"\\set staff random({lo}, {hi})\nBEGIN;\n{sql};\nEND;\n"


def run_pgbench(url: str, script: str, clients: int, seconds: float) -> float:
    """Transactions per second of pgbench running the claim script."""
    u = make_url(url)
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as fh:
        fh.write(script)
    try:
        result = subprocess.run(
            ["pgbench", "-n", "-M", "prepared", "-f", fh.name, "-c", str(clients),
             "-j", str(min(clients, 2)), "-T", str(max(1, round(seconds))),
             "-h", u.host or "127.0.0.1", "-p", str(u.port or 5432),
             "-U", u.username or "postgres", u.database or ""],
            capture_output=True, text=True, check=False,
            env={**os.environ, **({"PGPASSWORD": u.password} if u.password else {})})
    finally:
        Path(fh.name).unlink()
    found = re.search(r"tps = ([\d.]+) \(without initial connection time\)", result.stdout)
    if result.returncode != 0 or not found:
        sys.exit(f"pgbench failed:\n{result.stdout}\n{result.stderr}")
    return float(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--claimers", default="1,8,32")
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--processes", type=int, default=1,
                        help="processes the claimer threads are spread over")
    args = parser.parse_args()
    if not args.database_url:
        parser.error("name the benchmark's database: --database-url or BENCH_DATABASE_URL")
    url = args.database_url
    upgrade(url)
    admin = create_engine(url)
    staff = seed(admin, args.cases)
    script = pgbench_script(staff)
    print(f"cases={args.cases} seconds={args.seconds} repeat={args.repeat} "
          f"processes={args.processes}")
    print(f"{'claimers':>8} {'claim_next/s':>13} {'pgbench/s':>10} {'ratio':>6} "
          f"{'claims':>7} {'double':>6}")
    for claimers in (int(c) for c in args.claimers.split(",")):
        ours, theirs, doubles, claims = [], [], 0, 0
        for _ in range(args.repeat):
            reset(admin)
            admin.dispose()  # no pooled connection is shared with a forked claimer
            ours.append(run_domain(url, staff, claimers, args.seconds, args.processes))
            recorded, _cases, twice = double_claims(admin)
            claims += recorded
            doubles += twice
            reset(admin)
            theirs.append(run_pgbench(url, script, claimers, args.seconds))
            doubles += double_claims(admin)[2]
        mine, ref = statistics.median(ours), statistics.median(theirs)
        print(f"{claimers:>8} {mine:>13,.0f} {ref:>10,.0f} {mine / ref:>6.2f} "
              f"{claims:>7} {doubles:>6}")
    reset(admin)
    admin.dispose()


if __name__ == "__main__":
    main()
