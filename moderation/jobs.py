"""Jobs that must follow a commit: declared inside the transaction, sent once it commits.

A domain function that stores work for a job (an offer to screen, an alert to match) calls
`declare(session, ...)`; nothing is sent then. When the session's transaction commits, every
job it declared goes to the queue; when it (or the savepoint a job was declared in) rolls
back, the job is dropped, as Polar's services collect jobs during a request and flush them
after the commit. A job that cannot be sent (Redis down) is logged and left to the sweep
(pending.py), which finds its work by the marker the same transaction wrote. The jobs go to
the Redis of the runtime whose sessionmaker made the session (its `info`, under REDIS).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

from redis import Redis
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from moderation import queue

log = logging.getLogger(__name__)

_DECLARED = "moderation.jobs"
# The session's `info` key of the connection its declared jobs are sent on.
REDIS = "moderation.redis"


@dataclass(frozen=True, slots=True)
class Job:
    """A job by dotted path, with the id its work was marked with, on one lane."""

    func: str
    args: tuple[Any, ...]
    job_id: str
    lane: queue.Lane


@dataclass(frozen=True, slots=True)
class WindowedScreening:
    """Offers one commit stored, to screen in the coalescing window their job id names."""

    offer_ids: tuple[int, ...]
    window: int


Declared = Job | WindowedScreening


def new_job_id(kind: str) -> str:
    """A fresh job id; the work it covers is marked with it before the commit."""
    return f"{kind}-{uuid4().hex}"


def declare(session: Session, job: Declared) -> None:
    """Send this job once the session's current transaction commits (never before)."""
    if REDIS not in session.info:
        raise RuntimeError("a job declared on a session with no queue to send it to: "
                           "take sessions from the runtime's sessionmaker")
    transaction = (session.get_nested_transaction() or session.get_transaction()
                   or session.begin())
    session.info.setdefault(_DECLARED, []).append((transaction, job))


def declared(session: Session) -> list[Declared]:
    """The jobs waiting for this session's commit."""
    return [job for _, job in session.info.get(_DECLARED, [])]


def send(redis: Redis, job: Declared) -> None:
    """Put one job on its queue."""
    if isinstance(job, WindowedScreening):
        queue.request_screening(redis, job.offer_ids, window=job.window)
    else:
        queue.enqueue(redis, job.func, *job.args, job_id=job.job_id, lane=job.lane)


@event.listens_for(Session, "after_commit")
def _send_declared(session: Session) -> None:
    for _, job in session.info.pop(_DECLARED, []):
        try:
            send(session.info[REDIS], job)
        except Exception:
            # Committed but not queued: the sweep finds the work by its marker.
            log.exception("could not queue %s after commit; the sweep will", job)


@event.listens_for(Session, "after_soft_rollback")
def _drop_rolled_back(session: Session, previous_transaction: SessionTransaction) -> None:
    entries = session.info.get(_DECLARED)
    if not entries:
        return
    kept = [(t, job) for t, job in entries if not _within(t, previous_transaction)]
    if kept:
        session.info[_DECLARED] = kept
    else:
        session.info.pop(_DECLARED, None)


def _within(transaction: SessionTransaction | None, ended: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is ended:
            return True
        transaction = transaction.parent
    return False
