"""Intake at marketplace load, against a bare endpoint measured in the same run.

    .venv/bin/python -m benchmarks.bench_intake --database-url URL --redis-url URL \\
        [--seconds 10] [--rounds 3] [--connections 32] [--batch 1000]

1. Single offers: POST /v1/offers at 32 connections (wrk, one thread, a fresh offer per
   request) against `moderation serve` (one process), and the same load against a bare
   FastAPI endpoint doing one INSERT of the body into a scratch table, in the same
   database, served by the same uvicorn.run settings. Target: >= 0.7 of the bare rate.
2. Batches: POST /v1/offers/batch of --batch offers against `moderation serve --workers 2`,
   and a bare endpoint doing one executemany INSERT of the batch, also two processes.
   Target: >= 5,000 offers/s.
Rounds alternate the two servers; medians are printed with their ratio. Needs `wrk`
(apt install wrk). The database given (or BENCH_DATABASE_URL) is reset: its public schema
dropped and migrated afresh. Redis (or BENCH_REDIS_URL) is never flushed: the servers'
jobs go to queues of the run's own name, deleted after it (nobody screens them here).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from benchmarks.targets import (
    Targets,
    add_options,
    drop_own_queues,
    env_of,
    reset_database,
    targets,
)

ROOT = Path(__file__).resolve().parent.parent
SCRATCH = "bench_bare_offers"

# A fresh offer per request (wrk's LuaJIT builds it): its own marketplace id, 500 sellers.
SINGLE_LUA = r"""
local n = 0
function setup(thread) n = n + 1; thread:set("tid", n) end
function init(args) prefix = args[1] .. "-" .. tid; counter = 0 end
function request()
  counter = counter + 1
  local body = string.format('{"marketplace_id":"%s-%d","version":1,"seller":{"id":"s-%d"},'
    .. '"title":"Rower górski Kross Hexagon %d","description":"Stan bardzo dobry, wysyłka '
    .. 'kurierem.","category":"Sport > Rowery","brand":"Kross","price":"1299.00",'
    .. '"currency":"PLN","gtins":["5901234123457"]}', prefix, counter, counter % 500, counter)
  return wrk.format("POST", nil, nil, body)
end
"""

# A batch of BATCH fresh offers per request.
BATCH_LUA = r"""
local n = 0
function setup(thread) n = n + 1; thread:set("tid", n) end
function init(args) prefix = args[1] .. "-" .. tid; size = tonumber(args[2]); counter = 0 end
function request()
  local items = {}
  for i = 1, size do
    counter = counter + 1
    items[i] = string.format('{"marketplace_id":"%s-%d","version":1,"seller":{"id":"s-%d"},'
      .. '"title":"Rower górski Kross Hexagon %d","description":"Stan bardzo dobry, wysyłka '
      .. 'kurierem.","category":"Sport > Rowery","brand":"Kross","price":"1299.00",'
      .. '"currency":"PLN","gtins":["5901234123457"]}', prefix, counter, counter % 500, counter)
  end
  return wrk.format("POST", nil, nil, '{"offers":[' .. table.concat(items, ",") .. ']}')
end
"""


def bare_app() -> Any:
    """The reference: FastAPI, one INSERT of the body per request (or one executemany of a
    batch), on a pool sized as the service's; no validation, no auth, no queue."""
    from fastapi import FastAPI
    from sqlalchemy import create_engine, text

    from moderation.config import get_settings

    settings = get_settings()
    engine = create_engine(settings.database_url, pool_size=settings.db_pool_size,
                           max_overflow=settings.db_max_overflow)
    insert = text(f"INSERT INTO {SCRATCH} (marketplace_id, body) "
                  "VALUES (:mid, CAST(:body AS json))")
    app = FastAPI()

    @app.post("/bare")
    def bare(body: dict[str, Any]) -> dict[str, str]:
        import json

        with engine.begin() as conn:
            conn.execute(insert, {"mid": body.get("marketplace_id"), "body": json.dumps(body)})
        return {"outcome": "created"}

    @app.post("/bare-batch")
    def bare_batch(body: dict[str, list[dict[str, Any]]]) -> dict[str, int]:
        import json

        rows = [{"mid": o.get("marketplace_id"), "body": json.dumps(o)} for o in body["offers"]]
        with engine.begin() as conn:
            conn.execute(insert, rows)
        return {"created": len(rows)}

    return app


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True, slots=True)
class Served:
    url: str
    pid: int


def _cpu_seconds(pid: int) -> float:
    """User and system CPU of a server process and its children (a `--workers` server's)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        if stat.parent.name == str(pid) or fields[1] == str(pid):
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


@contextmanager
def _server(args: list[str], env: dict[str, str], log: Path) -> Iterator[Served]:
    port = _free_port()
    out = log.open("wb")
    proc = subprocess.Popen([sys.executable, *args, "--port", str(port)], cwd=ROOT, env=env,
                            stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"{base}/healthz").status_code in (200, 404):
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError(f"server did not start: {log.read_text()[-2000:]}")
            time.sleep(0.2)
        yield Served(base, proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=60)
        out.close()


def _wrk(url: str, script: Path, *, key: str, connections: int, seconds: float,
         script_args: list[str]) -> tuple[float, int, str]:
    """Requests/s, non-2xx answers and the latency line of one wrk run."""
    done = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{int(seconds)}s", "--timeout", "30s", "--latency",
         "-s", str(script),
         "-H", f"X-API-Key: {key}", "-H", "Content-Type: application/json", url, "--",
         *script_args], capture_output=True, text=True, check=True)
    found = re.search(r"Requests/sec:\s+([\d.]+)", done.stdout)
    if found is None:
        raise RuntimeError(f"wrk said: {done.stdout}{done.stderr}")
    rate = float(found.group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", done.stdout)
    errors = re.search(r"Socket errors:.*", done.stdout)
    p50 = re.search(r"50%\s+(\S+)", done.stdout)
    p99 = re.search(r"99%\s+(\S+)", done.stdout)
    latency = f"p50 {p50.group(1) if p50 else '?'} p99 {p99.group(1) if p99 else '?'}"
    if errors:
        latency += f" ({errors.group(0)})"
    return rate, int(bad.group(1)) if bad else 0, latency


def _prepare(given: Targets) -> str:
    """Reset and migrate the database, add the scratch table; an intake client's key."""
    from sqlalchemy import text

    os.environ.update(env_of(given))
    from moderation.config import get_settings

    get_settings.cache_clear()
    reset_database(given.database_url)
    from moderation.accounts.staff import create_staff
    from moderation.db import session_scope
    from moderation.domain import StaffRole
    from moderation.runtime import Runtime

    runtime = Runtime.build()
    with session_scope(runtime.sessionmaker) as session:
        session.execute(text(f"CREATE TABLE {SCRATCH} (id bigserial PRIMARY KEY, "
                             "marketplace_id varchar(64), body json)"))
        key = create_staff(session, name="bench-intake", role=StaffRole.ADMIN).api_key
    runtime.engine.dispose()
    assert key
    return key


def _alternate(label: str, pair: dict[str, tuple[Served, str, Path, list[str]]], *, key: str,
               connections: int, seconds: float, rounds: int, per_request: int) -> float:
    """Run the two loads in turn, `rounds` times; print medians and return the ratio."""
    rates: dict[str, list[float]] = {name: [] for name in pair}
    cpu: dict[str, list[float]] = {name: [] for name in pair}
    for name, (served, path, script, extra) in pair.items():  # warm-up: pools, caches, JIT
        _wrk(served.url + path, script, key=key, connections=connections, seconds=2,
             script_args=[f"warm-{name}", *extra])
    for r in range(rounds):
        for name, (served, path, script, extra) in pair.items():
            used = _cpu_seconds(served.pid)
            rate, bad, latency = _wrk(served.url + path, script, key=key,
                                      connections=connections, seconds=seconds,
                                      script_args=[f"r{r}-{name}", *extra])
            # The server's CPU per offer: what the ratio is made of, free of the machine's
            # speed of the moment (wrk's own and PostgreSQL's CPU are not in it).
            per_offer = (_cpu_seconds(served.pid) - used) / (rate * per_request * seconds)
            rates[name].append(rate * per_request)
            cpu[name].append(per_offer * 1000)
            print(f"  {label} round {r + 1} {name:<9} {rate * per_request:9,.0f} offers/s "
                  f"{latency} non-2xx={bad} server CPU {per_offer * 1000:.3f} ms/offer",
                  flush=True)
    service, bare = (statistics.median(rates[name]) for name in pair)
    cpu_service, cpu_bare = (statistics.median(cpu[name]) for name in pair)
    print(f"{label}: service median {service:,.0f} offers/s, bare median {bare:,.0f} "
          f"offers/s, ratio {service / bare:.2f}; server CPU median {cpu_service:.3f} against "
          f"{cpu_bare:.3f} ms/offer", flush=True)
    return service


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--batch-connections", type=int, default=4)
    parser.add_argument("--only", choices=["single", "batch"], default=None)
    parser.add_argument("--serve-bare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    add_options(parser)
    args = parser.parse_args()
    if args.serve_bare:  # the reference server's own process, started below
        import uvicorn

        if args.workers > 1:
            uvicorn.run("benchmarks.bench_intake:bare_app", factory=True, host="127.0.0.1",
                        port=args.port, workers=args.workers, log_level="info")
        else:
            uvicorn.run(bare_app(), host="127.0.0.1", port=args.port, log_level="info")
        return
    if shutil.which("wrk") is None:
        parser.error("needs wrk (apt install wrk)")
    given = targets(parser, args)
    key = _prepare(given)
    env = {**os.environ, **env_of(given), "PYTHONPATH": str(ROOT)}
    tmp = Path(tempfile.mkdtemp())
    single, batch = tmp / "single.lua", tmp / "batch.lua"
    single.write_text(SINGLE_LUA)
    batch.write_text(BATCH_LUA)
    bare = ["-m", "benchmarks.bench_intake", "--serve-bare"]
    serve = ["-m", "moderation_cli", "serve"]
    try:
        if args.only in (None, "single"):
            print(f"single offers, {args.connections} connections, one process each, "
                  f"{args.rounds} x {args.seconds:g} s:", flush=True)
            with _server(serve, env, tmp / "serve.log") as ours, \
                    _server(bare, env, tmp / "bare.log") as ref:
                _alternate("single", {"service": (ours, "/v1/offers", single, []),
                                      "bare": (ref, "/bare", single, [])},
                           key=key, connections=args.connections, seconds=args.seconds,
                           rounds=args.rounds, per_request=1)
        if args.only in (None, "batch"):
            print(f"batches of {args.batch}, {args.batch_connections} connections, two "
                  f"processes each, {args.rounds} x {args.seconds:g} s:", flush=True)
            with _server([*serve, "--workers", "2"], env, tmp / "serve2.log") as ours, \
                    _server([*bare, "--workers", "2"], env, tmp / "bare2.log") as ref:
                rate = _alternate(
                    "batch", {"service": (ours, "/v1/offers/batch", batch, [str(args.batch)]),
                              "bare": (ref, "/bare-batch", batch, [str(args.batch)])},
                    key=key, connections=args.batch_connections, seconds=args.seconds,
                    rounds=args.rounds, per_request=args.batch)
                print(f"batch: target 5,000 offers/s -> {rate / 5000:.2f} of it", flush=True)
    finally:
        drop_own_queues(given)


if __name__ == "__main__":
    main()
