"""The one door to the queue: RQ on Redis, or on an in-process Redis stand-in.

Jobs are enqueued by dotted path ("workers.tasks.screen_offers"), so nothing here imports the
workers package. Without REDIS_URL the same RQ code runs against fakeredis, and a worker
thread in the serving process (see `workers.main.start_in_process_worker`) executes the jobs.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from typing import Any

from redis import Redis
from rq import Queue, Retry

from moderation.config import get_settings

SCREEN_OFFERS = "workers.tasks.screen_offers"
SCREEN_WINDOW = "workers.tasks.screen_window"
SWEEP = "workers.tasks.sweep"
DELIVER_OUTBOX = "workers.tasks.deliver_outbox"
EXPIRE_STRIKES = "workers.tasks.expire_strikes"
MATCH_ALERTS = "workers.tasks.match_alerts"
IMPORT_SAFETY_FEED = "workers.tasks.import_safety_feed"
WARN_DEADLINES = "workers.tasks.warn_deadlines"

WINDOW_KEY = "moderation:screen-window:{}"
# Generous: a job may wait behind others; ids left behind are still swept from the database.
WINDOW_TTL_SECONDS = 3600
RETRY = Retry(max=5, interval=[1, 5, 15, 60, 300])

_lock = threading.Lock()
_redis: Redis | None = None


def get_redis() -> Redis:
    """Return the process-wide Redis connection (fakeredis when REDIS_URL is unset)."""
    global _redis
    with _lock:
        if _redis is None:
            url = get_settings().redis_url
            if url:
                _redis = Redis.from_url(url)
            else:
                import fakeredis

                _redis = fakeredis.FakeRedis(server=fakeredis.FakeServer())
        return _redis


def set_redis(connection: Redis | None) -> None:
    """Point the queue at another connection (tests; the in-process default)."""
    global _redis
    with _lock:
        _redis = connection


def get_queue() -> Queue:
    """Return the service's RQ queue."""
    return Queue(get_settings().queue_name, connection=get_redis())


def enqueue(func: str, *args: Any, job_id: str | None = None, **kwargs: Any) -> str:
    """Enqueue a job by dotted path, with retries; return its id."""
    job = get_queue().enqueue(func, *args, job_id=job_id, retry=RETRY, **kwargs)
    return job.id


def screen_offers(offer_ids: Sequence[int], *, chunk: int | None = None) -> list[str]:
    """Enqueue screening for known ids (an import chunk), one job per chunk of ids."""
    size = chunk or get_settings().screen_batch_size
    ids = list(offer_ids)
    return [enqueue(SCREEN_OFFERS, ids[i:i + size]) for i in range(0, len(ids), size)]


def request_screening(offer_id: int) -> str:
    """Ask for one offer to be screened, coalesced with others arriving in the same window.

    Single-offer jobs would cap screening at the queue's job rate (about 30 a second per
    forking worker here), so ids arriving within a short window share one batch job.
    """
    window_ms = get_settings().screen_window_ms
    window = int(time.time() * 1000) // window_ms
    key = WINDOW_KEY.format(window)
    redis = get_redis()
    pipe = redis.pipeline()
    pipe.rpush(key, offer_id)
    pipe.expire(key, WINDOW_TTL_SECONDS)
    # The first id of a window enqueues its job; SET NX makes that exactly one job.
    pipe.set(key + ":job", 1, nx=True, ex=WINDOW_TTL_SECONDS)
    _, _, first = pipe.execute()
    job_id = f"screen-window-{window}"
    if first:
        enqueue(SCREEN_WINDOW, window, job_id=job_id)
    return job_id


def window_ids(window: int) -> list[int]:
    """Offer ids collected in one window."""
    return [int(x) for x in get_redis().lrange(WINDOW_KEY.format(window), 0, -1)]


def window_end(window: int) -> float:
    """The time (epoch seconds) a window closes."""
    return (window + 1) * get_settings().screen_window_ms / 1000
