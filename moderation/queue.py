"""The one door to the queue: RQ on Redis, or on an in-process Redis stand-in.

Jobs are enqueued by dotted path ("workers.tasks.screen_offers"), so nothing here imports the
workers package. Without REDIS_URL the same RQ code runs against fakeredis, and a worker
thread in the serving process (see `workers.main.start_in_process_worker`) executes the jobs.
The connection is the process's runtime's (moderation/runtime.py), handed to each call.

Work runs on three lanes, each its own RQ queue, which every worker takes in this order:
interactive (an offer sent through the API, an authority's order), periodic (sweep, outbox,
deadline warnings) and bulk (an import's screening). An import of 40,000 offers so never
holds back an order with a two-working-day deadline, nor the delivery of statements.
Domain code does not enqueue: it declares jobs that follow its commit (jobs.py).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import Any

from redis import Redis
from rq import Queue, Retry
from rq.job import Job, JobStatus

from moderation.config import get_settings

SCREEN_OFFERS = "workers.tasks.screen_offers"
SCREEN_WINDOW = "workers.tasks.screen_window"
SWEEP = "workers.tasks.sweep"
DELIVER_OUTBOX = "workers.tasks.deliver_outbox"
EXPIRE_STRIKES = "workers.tasks.expire_strikes"
MATCH_ALERTS = "workers.tasks.match_alerts"
IMPORT_SAFETY_FEED = "workers.tasks.import_safety_feed"
WARN_DEADLINES = "workers.tasks.warn_deadlines"
SUBMIT_TDB = "workers.tasks.submit_tdb"
PURGE_RETENTION = "workers.tasks.purge_retention"
REMIND_FEEDBACK = "workers.tasks.remind_feedback"  # buyers who have not rated (issue 14)

WINDOW_KEY = "moderation:screen-window:{}"
WINDOW_READ = ":read"  # suffix of the key saying a window's job has read its ids
# Generous: a job may wait behind others; ids left behind are still swept from the database.
WINDOW_TTL_SECONDS = 3600
RETRY = Retry(max=5, interval=[1, 5, 15, 60, 300])
# A job in one of these states will still run: its work is not lost.
ALIVE = frozenset({JobStatus.QUEUED, JobStatus.STARTED, JobStatus.DEFERRED,
                   JobStatus.SCHEDULED})
# Each worker process sets this key, from a thread of its own, while it lives. A job stays
# STARTED in RQ after its worker was killed (RQ finds it abandoned only in its ten-minute
# maintenance), so a started job counts as alive only while its worker's key does. The key
# lives WORKER_ALIVE_SECONDS (settings.worker_alive_seconds).
WORKER_ALIVE_KEY = "moderation:worker-alive:{}"


class Lane(StrEnum):
    """Which queue a job waits on; workers take the lanes in this order."""

    INTERACTIVE = "interactive"
    PERIODIC = "periodic"
    BULK = "bulk"


def connect(url: str | None) -> Redis:
    """A connection to Redis at this URL; without one, to a new in-process stand-in."""
    if url:
        return Redis.from_url(url)
    import fakeredis

    return fakeredis.FakeRedis(server=fakeredis.FakeServer())


def get_queue(redis: Redis, lane: Lane = Lane.BULK) -> Queue:
    """Return the RQ queue of one lane."""
    return Queue(f"{get_settings().queue_name}-{lane.value}", connection=redis)


def get_queues(redis: Redis) -> list[Queue]:
    """Every lane's queue, in the order workers take them."""
    return [get_queue(redis, lane) for lane in Lane]


def enqueue(redis: Redis, func: str, *args: Any, job_id: str | None = None,
            lane: Lane = Lane.BULK, **kwargs: Any) -> str:
    """Enqueue a job by dotted path on one lane, with retries; return its id."""
    job = get_queue(redis, lane).enqueue(func, *args, job_id=job_id, retry=RETRY, **kwargs)
    return job.id


def alive(redis: Redis, job_ids: Iterable[str]) -> set[str]:
    """The ids among these whose jobs are still waiting or running (one round trip)."""
    ids = sorted(set(job_ids))
    if not ids:
        return set()
    jobs = [job for job in Job.fetch_many(ids, connection=redis)
            if job is not None and job.get_status(refresh=False) in ALIVE]
    started = [job for job in jobs if job.get_status(refresh=False) == JobStatus.STARTED]
    workers = {job.worker_name for job in started if job.worker_name}
    pipe = redis.pipeline()
    for name in sorted(workers):
        pipe.exists(WORKER_ALIVE_KEY.format(name))
    living = {name for name, found in zip(sorted(workers), pipe.execute() if workers else [],
                                          strict=True) if found}
    return {job.id for job in jobs
            if job.get_status(refresh=False) != JobStatus.STARTED or job.worker_name in living}


def worker_alive(redis: Redis, worker_name: str, seconds: int) -> None:
    """Say that this worker lives, for this many seconds (said again every third of them)."""
    redis.set(WORKER_ALIVE_KEY.format(worker_name), 1, ex=seconds)


def current_window() -> int:
    """The coalescing window an offer arriving now falls into."""
    return int(time.time() * 1000) // get_settings().screen_window_ms


def window_job_id(window: int) -> str:
    """The id of the job that screens one window's offers."""
    return f"screen-window-{window}"


def request_screening(redis: Redis, offer_ids: Sequence[int], *, window: int | None = None
                      ) -> str:
    """Ask for offers to be screened, coalesced with others arriving in the same window.

    Single-offer jobs would cap screening at the queue's job rate (about 30 a second per
    forking worker here), so ids arriving within a short window share one batch job. The
    ids one commit stored go in one round trip.

    The window is chosen before the intake's commit and the ids sent after it, so a slow
    commit can send them after the window's job has read its ids: that job would finish
    without them, and the offers would wait for the sweep. Both sides are atomic (MULTI), so
    such late ids see the window read and get a job of their own.
    """
    window = current_window() if window is None else window
    key = WINDOW_KEY.format(window)
    pipe = redis.pipeline(transaction=True)
    pipe.rpush(key, *offer_ids)
    pipe.expire(key, WINDOW_TTL_SECONDS)
    # The first ids of a window enqueue its job; SET NX makes that exactly one job.
    pipe.set(key + ":job", 1, nx=True, ex=WINDOW_TTL_SECONDS)
    pipe.exists(key + WINDOW_READ)
    _, _, first, read = pipe.execute()
    job_id = window_job_id(window)
    if first:
        enqueue(redis, SCREEN_WINDOW, window, job_id=job_id, lane=Lane.INTERACTIVE)
    if read:
        # The window's job has read its ids without these (the offers' marker names that
        # job, which the sweep would wait out): screen them on their own, now.
        return enqueue(redis, SCREEN_OFFERS, list(offer_ids), lane=Lane.INTERACTIVE)
    return job_id


def take_window_ids(redis: Redis, window: int) -> list[int]:
    """Offer ids collected in one window, marking the window read in the same step."""
    key = WINDOW_KEY.format(window)
    pipe = redis.pipeline(transaction=True)
    pipe.lrange(key, 0, -1)
    pipe.set(key + WINDOW_READ, 1, ex=WINDOW_TTL_SECONDS)
    ids, _ = pipe.execute()
    return [int(x) for x in ids]


def window_end(window: int) -> float:
    """The time (epoch seconds) a window closes."""
    return (window + 1) * get_settings().screen_window_ms / 1000
