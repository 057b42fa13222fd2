"""Load test: offers at a steady rate for two minutes while moderators claim and decide.

    .venv/bin/python -m benchmarks.load_test --database-url URL --redis-url URL
        [--rate 200] [--seconds 120] [--moderators 8] [--workers 2] [--base-url URL]

Bounded and on loopback, run by hand (never in CI; tests/test_load_smoke.py runs a few
seconds of it). The database and Redis are the caller's (or LOAD_DATABASE_URL and
LOAD_REDIS_URL): the database is migrated to head and gets this run's accounts and offers
(their names and marketplace ids carry the run's tag), nothing is flushed or dropped. The
moderators take whatever case is open, so the queue should start empty.
Unless `--base-url` names a running service, it starts `moderation serve` on a free port
and `--workers` `moderation worker` processes on them (their output in
$TMPDIR/load-test-<tag>/), and stops them at the end.

An integration client posts offers (benchmarks/offer_gen.py, `--bad-share` of them with a
marker that sends them to review) at `--rate` per second, each sent at its own time
whatever the answers to earlier ones; intake latency counts from that time, so a stalled
service shows in it. Meanwhile each moderator (an API key) claims the next case, decides it
(keep, or remove one in five) and claims again, waiting `--think` seconds between cases
and a moment when the queue is empty. After the intake, once the workers have screened every
offer, they go on until the queue is empty (all within `--drain` seconds). Prints intake
throughput, p50/p99 of intake, claim and decision, the error count (any unexpected status
or failed request; must be 0) and the double claims and double decisions counted afterwards
in the database (must be 0), and exits 1 unless all three are 0.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import httpx
from sqlalchemy import text
from sqlalchemy.orm import sessionmaker

from benchmarks.offer_gen import offers
from moderation.accounts.staff import create_staff, ensure_organisation
from moderation.db import make_engine
from moderation.domain import ORGANISATION_KIND_OF, StaffRole
from moderation.migrate import upgrade

# The command as this interpreter runs it, on this checkout (`python -m moderation_cli`).
COMMAND = [sys.executable, "-m", "moderation_cli"]
EMPTY_QUEUE_PAUSE = 0.2  # a moderator facing an empty queue looks again after this


@dataclass
class Figures:
    """What the clients saw: latencies in seconds per kind of call, and the errors."""

    latencies: dict[str, list[float]] = field(
        default_factory=lambda: {"intake": [], "claim": [], "decide": []})
    errors: list[str] = field(default_factory=list)
    accepted: int = 0
    claimed: list[int] = field(default_factory=list)
    intake_seconds: float = 0.0


@dataclass(frozen=True)
class Summary:
    """The load test's outcome, as printed."""

    offers_sent: int
    offers_accepted: int
    intake_per_second: float
    p50_ms: dict[str, float]
    p99_ms: dict[str, float]
    decided: int
    errors: int
    double_claims: int
    double_decisions: int
    unscreened: int
    first_errors: list[str]

    @property
    def clean(self) -> bool:
        return self.errors == 0 and self.double_claims == 0 and self.double_decisions == 0


def _percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def make_accounts(database_url: str, tag: str, moderators: int) -> tuple[str, list[str]]:
    """An integration key and `moderators` moderator keys, named after this run."""
    engine = make_engine(database_url)
    try:
        with sessionmaker(bind=engine)() as session:
            org = ensure_organisation(session, f"Load test {tag}",
                                      ORGANISATION_KIND_OF[StaffRole.INTEGRATION])
            intake = create_staff(session, name=f"load-{tag}-intake", role=StaffRole.INTEGRATION,
                                  organisation_id=org.id).api_key
            keys = [create_staff(session, name=f"load-{tag}-mod-{i}",
                                 role=StaffRole.MODERATOR).api_key for i in range(moderators)]
            session.commit()
    finally:
        engine.dispose()
    assert intake is not None and all(keys)
    return intake, [k for k in keys if k]


# What a client's call can fail with: the connection, or the client's own timeout.
CALL_ERRORS = (aiohttp.ClientError, TimeoutError)


async def _post_offer(client: aiohttp.ClientSession, figures: Figures, event: dict[str, Any],
                      due: float) -> None:
    try:
        async with client.post("/v1/offers", json=event) as answer:
            status, body = answer.status, await answer.text()
    except CALL_ERRORS as exc:
        figures.errors.append(f"intake: {exc!r}")
        return
    figures.latencies["intake"].append(time.perf_counter() - due)
    if status in (200, 201, 202):
        figures.accepted += 1
    else:
        figures.errors.append(f"intake {status}: {body[:200]}")


async def intake(client: aiohttp.ClientSession, figures: Figures, *, tag: str, rate: float,
                 seconds: float, bad_share: float) -> None:
    """Post offers at a steady rate, each at its own time, for `seconds`."""
    total = int(rate * seconds)
    sent: list[asyncio.Task[None]] = []
    start = time.perf_counter()
    for i, event in enumerate(offers(total, seed=13, bad_share=bad_share)):
        event["marketplace_id"] = f"load-{tag}-{i}"
        due = start + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        sent.append(asyncio.create_task(_post_offer(client, figures, event, due)))
    await asyncio.gather(*sent)
    figures.intake_seconds = time.perf_counter() - start


async def moderator(client: aiohttp.ClientSession, figures: Figures, key: str, *,
                    stop: asyncio.Event, think: float) -> None:
    """Claim, decide, repeat; when told to stop, finish once the queue is empty."""
    headers = {"X-API-Key": key}
    n = 0
    while True:
        began = time.perf_counter()
        try:
            async with client.post("/v1/cases/claim-next", headers=headers) as claim:
                status, answer = claim.status, await claim.text()
        except CALL_ERRORS as exc:
            figures.errors.append(f"claim: {exc!r}")
            await asyncio.sleep(EMPTY_QUEUE_PAUSE)
            continue
        figures.latencies["claim"].append(time.perf_counter() - began)
        if status == 204:
            if stop.is_set():
                return
            await asyncio.sleep(EMPTY_QUEUE_PAUSE)
            continue
        if status != 200:
            figures.errors.append(f"claim {status}: {answer[:200]}")
            await asyncio.sleep(EMPTY_QUEUE_PAUSE)
            continue
        case = json.loads(answer)["case"]
        figures.claimed.append(case["id"])
        n += 1
        body = ({"action": "remove", "reason_code": "COUNTERFEIT"} if n % 5 == 0
                else {"action": "keep", "reason_code": "LAWFUL"})
        if think:
            await asyncio.sleep(think)
        began = time.perf_counter()
        try:
            async with client.post(f"/v1/cases/{case['id']}/decision", headers=headers,
                                   json=body) as decided:
                status, answer = decided.status, await decided.text()
        except CALL_ERRORS as exc:
            figures.errors.append(f"decide: {exc!r}")
            continue
        figures.latencies["decide"].append(time.perf_counter() - began)
        if status != 201:
            figures.errors.append(f"decide {status}: {answer[:200]}")


def _wait_screened(database_url: str, tag: str, timeout: float) -> None:
    """Wait until every offer of this run is screened (or the time is up)."""
    engine = make_engine(database_url)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                if not conn.scalar(text("SELECT count(*) FROM offers WHERE marketplace_id "
                                        "LIKE :p AND needs_screening"), {"p": f"load-{tag}-%"}):
                    return
            time.sleep(0.2)
    finally:
        engine.dispose()


async def drive(base_url: str, intake_key: str, moderator_keys: list[str], *, tag: str,
                rate: float, seconds: float, bad_share: float, think: float,
                drain: float, database_url: str) -> Figures:
    """Run the intake and the moderators together; once every offer is screened, the
    moderators empty the queue and stop."""
    figures = Figures()
    # aiohttp, not httpx: httpx's AsyncClient took 3.2 ms of CPU per request on this
    # machine against aiohttp's 0.22 ms (benchmarks/bench_http_clients.py), so at 200
    # offers/s the client alone filled a core and the service was left waiting for
    # requests (56 offers/s accepted, p99 390 s).
    timeout = aiohttp.ClientTimeout(total=60)
    async with (aiohttp.ClientSession(base_url=base_url, headers={"X-API-Key": intake_key},
                                      connector=aiohttp.TCPConnector(limit=64),
                                      timeout=timeout) as offers_client,
                aiohttp.ClientSession(base_url=base_url, timeout=timeout) as staff_client):
        stop = asyncio.Event()
        staff = [asyncio.create_task(moderator(staff_client, figures, key, stop=stop,
                                               think=think)) for key in moderator_keys]
        await intake(offers_client, figures, tag=tag, rate=rate, seconds=seconds,
                     bad_share=bad_share)
        began = time.monotonic()
        await asyncio.to_thread(_wait_screened, database_url, tag, drain)
        stop.set()
        _done, late = await asyncio.wait(staff, timeout=max(1.0, drain - (time.monotonic()
                                                                          - began)))
        for task in late:
            task.cancel()
    return figures


def check_database(database_url: str, tag: str) -> tuple[int, int, int, int]:
    """Decisions, cases claimed twice, cases decided twice and offers not yet screened,
    among this run's offers, as the database records them."""
    engine = make_engine(database_url)
    run = {"pattern": f"load-{tag}-%"}
    try:
        with engine.connect() as conn:
            per_case = conn.execute(text(
                "SELECT count(*) FILTER (WHERE claims > 1), count(*) FILTER (WHERE decided > 1), "
                "coalesce(sum(decided), 0) FROM (SELECT c.id, "
                "(SELECT count(*) FROM audit_log a WHERE a.entity = 'case' "
                " AND a.entity_id = c.id AND a.action = 'case.claimed') AS claims, "
                "(SELECT count(*) FROM decisions d WHERE d.case_id = c.id "
                " AND NOT d.automated) AS decided "
                "FROM cases c JOIN offers o ON o.id = c.offer_id "
                "WHERE o.marketplace_id LIKE :pattern) per_case"), run).one()
            unscreened = conn.scalar(text(
                "SELECT count(*) FROM offers WHERE marketplace_id LIKE :pattern "
                "AND needs_screening"), run)
    finally:
        engine.dispose()
    twice_claimed, twice_decided, decided = (int(v) for v in per_case)
    return int(decided), twice_claimed, twice_decided, int(unscreened or 0)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _wait_until(ready: Any, what: str, timeout: float, procs: list[subprocess.Popen[bytes]]
                ) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if any(p.poll() is not None for p in procs):
            raise RuntimeError(f"a service process exited before {what}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not happen in {timeout:.0f} s")
        time.sleep(0.1)


def start_service(database_url: str, redis_url: str, workers: int, *, serve_args: list[str],
                  logs: Path, timeout: float = 60) -> tuple[str, list[subprocess.Popen[bytes]]]:
    """Start `moderation serve` and the workers, their output in `logs`; return the base URL
    once all are up."""
    from redis import Redis
    from rq import Worker

    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url,
           "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    port = _free_port()
    redis = Redis.from_url(redis_url)
    before = len(Worker.all(connection=redis))
    logs.mkdir(parents=True, exist_ok=True)

    def start(name: str, *args: str) -> subprocess.Popen[bytes]:
        with (logs / f"{name}.log").open("wb") as log:
            return subprocess.Popen([*COMMAND, *args], env=env, stdout=log,
                                    stderr=subprocess.STDOUT)

    procs = [start("serve", "serve", "--host", "127.0.0.1", "--port", str(port), *serve_args)]
    procs += [start(f"worker-{i}", "worker") for i in range(workers)]
    base = f"http://127.0.0.1:{port}"

    def serving() -> bool:
        try:
            return httpx.get(f"{base}/healthz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    try:
        _wait_until(serving, "the API answered", timeout, procs)
        _wait_until(lambda: len(Worker.all(connection=redis)) >= before + workers,
                    "the workers registered", timeout, procs)
    except BaseException:
        stop_service(procs)
        raise
    finally:
        redis.close()
    return base, procs


def stop_service(procs: list[subprocess.Popen[bytes]]) -> None:
    """Stop what start_service started: SIGTERM, then SIGKILL after 20 s."""
    for p in procs:
        if p.poll() is None:
            p.terminate()
    for p in procs:
        try:
            p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def run(argv: Sequence[str] | None = None) -> Summary:
    """Run the load test with these arguments; print and return its summary."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("LOAD_DATABASE_URL"))
    parser.add_argument("--redis-url", default=os.environ.get("LOAD_REDIS_URL"))
    parser.add_argument("--base-url", help="a running service (it must use the same "
                        "database); none: start serve and workers")
    parser.add_argument("--rate", type=float, default=200, help="offers per second")
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--moderators", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--bad-share", type=float, default=0.2,
                        help="share of offers with a marker that sends them to review")
    parser.add_argument("--think", type=float, default=0.0,
                        help="seconds a moderator looks at a case before deciding")
    parser.add_argument("--drain", type=float, default=60,
                        help="at most this long after the intake to empty the queue")
    parser.add_argument("--serve-arg", action="append", default=[],
                        help="passed on to `moderation serve` (repeat), e.g. --workers=2")
    args = parser.parse_args(argv)
    if not args.database_url or (not args.redis_url and not args.base_url):
        parser.error("name the database and Redis: --database-url and --redis-url "
                     "(or LOAD_DATABASE_URL, LOAD_REDIS_URL)")
    tag = secrets.token_hex(4)
    upgrade(args.database_url)
    intake_key, moderator_keys = make_accounts(args.database_url, tag, args.moderators)
    procs: list[subprocess.Popen[bytes]] = []
    base = args.base_url
    logs = Path(tempfile.gettempdir()) / f"load-test-{tag}"
    if base is None:
        base, procs = start_service(args.database_url, args.redis_url, args.workers,
                                    serve_args=args.serve_arg, logs=logs)
    try:
        figures = asyncio.run(drive(base, intake_key, moderator_keys, tag=tag, rate=args.rate,
                                    seconds=args.seconds, bad_share=args.bad_share,
                                    think=args.think, drain=args.drain,
                                    database_url=args.database_url))
    finally:
        stop_service(procs)
    decided, twice_claimed, twice_decided, unscreened = check_database(args.database_url, tag)
    seen_twice = len(figures.claimed) - len(set(figures.claimed))
    summary = Summary(
        offers_sent=int(args.rate * args.seconds), offers_accepted=figures.accepted,
        intake_per_second=figures.accepted / figures.intake_seconds
        if figures.intake_seconds else 0.0,
        p50_ms={k: _percentile(v, 0.50) * 1000 for k, v in figures.latencies.items()},
        p99_ms={k: _percentile(v, 0.99) * 1000 for k, v in figures.latencies.items()},
        decided=decided, errors=len(figures.errors),
        double_claims=max(twice_claimed, seen_twice), double_decisions=twice_decided,
        unscreened=unscreened, first_errors=figures.errors[:5])
    _print(summary, args, tag)
    if procs:
        print(f"service logs: {logs}")
    return summary


def _print(s: Summary, args: argparse.Namespace, tag: str) -> None:
    print(f"run {tag}: rate={args.rate:g}/s seconds={args.seconds:g} "
          f"moderators={args.moderators} workers={args.workers} bad_share={args.bad_share}")
    print(f"intake: {s.offers_accepted}/{s.offers_sent} accepted, "
          f"{s.intake_per_second:,.0f} offers/s; unscreened at the end: {s.unscreened}")
    for kind in ("intake", "claim", "decide"):
        print(f"{kind:>7} p50 {s.p50_ms[kind]:8.1f} ms   p99 {s.p99_ms[kind]:8.1f} ms")
    print(f"decided {s.decided}; errors {s.errors}; double claims {s.double_claims}; "
          f"double decisions {s.double_decisions}")
    for error in s.first_errors:
        print(f"  {error}")


def main() -> None:
    sys.exit(0 if run().clean else 1)


if __name__ == "__main__":
    main()
