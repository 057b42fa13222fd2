"""Where a benchmark runs: the database and Redis it was given, and nothing else.

A benchmark takes them from --database-url / --redis-url or BENCH_DATABASE_URL /
BENCH_REDIS_URL and refuses to run without them. The database's public schema is dropped
and migrated afresh (the benchmark says so in its help); the database itself is never
created. Redis is never flushed: the benchmark's jobs go to queues of a name of its own
(QUEUE_NAME), whose keys it deletes when it is done (with its screening windows' keys).
What workers started by a benchmark mark under shared names (the ticker's last runs,
moderation:periodic:*) expires by itself within the hour: give a Redis no deployment uses.
"""

from __future__ import annotations

import argparse
import os
import uuid
from dataclasses import dataclass

from redis import Redis
from sqlalchemy import create_engine, text

from moderation.queue import WINDOW_KEY, WINDOW_READ

WINDOW_JOB = "screen-window-"
RESET_NOTE = ("its public schema is DROPPED and migrated afresh; Redis is not flushed, the "
              "run's own queue keys are deleted after it")


@dataclass(frozen=True, slots=True)
class Targets:
    database_url: str
    redis_url: str | None
    queue_name: str  # the run's own RQ queues: <queue_name>-<lane>


def add_options(parser: argparse.ArgumentParser, *, redis: bool = True) -> None:
    """Add --database-url (and --redis-url) to a benchmark's options."""
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"),
                        help="PostgreSQL database to run on (or BENCH_DATABASE_URL): "
                        + RESET_NOTE)
    if redis:
        parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL"),
                            help="Redis to queue on (or BENCH_REDIS_URL); never flushed")


def targets(parser: argparse.ArgumentParser, args: argparse.Namespace) -> Targets:
    """The database and Redis given, or exit with the parser's error."""
    if not args.database_url:
        parser.error("give the database: --database-url or BENCH_DATABASE_URL ("
                     + RESET_NOTE + ")")
    redis_url = getattr(args, "redis_url", None)
    if "redis_url" in vars(args) and not redis_url:
        parser.error("give Redis: --redis-url or BENCH_REDIS_URL")
    return Targets(args.database_url, redis_url, f"bench-{uuid.uuid4().hex[:8]}")


def env_of(t: Targets) -> dict[str, str]:
    """The environment variables that point a process (or this one) at the targets."""
    env = {"DATABASE_URL": t.database_url, "QUEUE_NAME": t.queue_name}
    if t.redis_url:
        env["REDIS_URL"] = t.redis_url
    return env


def reset_database(url: str) -> None:
    """Drop the given database's public schema and migrate it afresh (never CREATE DATABASE)."""
    from moderation.migrate import upgrade

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    upgrade(url)


def drop_own_queues(t: Targets) -> int:
    """Delete the run's queues and their jobs' keys from Redis; how many keys went."""
    if not t.redis_url:
        return 0
    redis = Redis.from_url(t.redis_url)
    prefix = f"rq:queue:{t.queue_name}-"
    queues = [k.decode() for k in redis.scan_iter(match=f"{prefix}*")]
    job_ids = {j.decode() for q in queues for j in redis.lrange(q, 0, -1)}
    for registry in redis.scan_iter(match=f"rq:*:{t.queue_name}-*"):
        if redis.type(registry) == b"zset":
            job_ids.update(j.decode() for j in redis.zrange(registry, 0, -1))
    # A window job's offer ids and its once-only mark (moderation/queue.py), beside the job.
    windows = [WINDOW_KEY.format(j.removeprefix(WINDOW_JOB)) for j in job_ids
               if j.startswith(WINDOW_JOB)]
    keys = [*queues, *(f"rq:job:{j}" for j in job_ids), *(f"rq:results:{j}" for j in job_ids),
            *windows, *(f"{w}:job" for w in windows), *(f"{w}{WINDOW_READ}" for w in windows),
            *(k.decode() for k in redis.scan_iter(match=f"rq:*:{t.queue_name}-*"))]
    removed = int(redis.delete(*keys)) if keys else 0
    redis.close()
    return removed
