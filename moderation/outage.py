"""Bulk imports that ride out an outage: a transaction per chunk, its jobs sent after it.

`import-offers` and `import-safety-gate` store a file chunk by chunk. A chunk is one
transaction that marks its work with the job that will do it (pending.py) and declares that
job to follow the commit (jobs.py). A chunk that failed on a lost race or an outage is run
again whole, for up to the outage allowance (retries.outage_retrying). When the connection
broke during COMMIT, whether it landed is unknown: the next attempt first looks for the
chunk's own job marker, which only that transaction wrote, and if it is there takes the
chunk as done instead of redoing it. A job Redis did not take is sent again as soon as
Redis answers (`Outbound`), and waited for at the end of the file; one still unsent then is
left to the sweep, which finds its work by the same marker.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from redis import Redis
from rq.job import Job as RqJob
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from moderation import jobs
from moderation.db import session_scope
from moderation.retries import is_outage, outage_retrying
from moderation.tables import Offer, SafetyAlert

log = logging.getLogger(__name__)

T = TypeVar("T")
# Tables whose rows carry the id of the job queued for them (`queued_job`).
Marked = type[Offer] | type[SafetyAlert]


@dataclass(frozen=True, slots=True)
class Stored(Generic[T]):
    """One chunk's committed result and the jobs its transaction declared."""

    result: T
    declared: list[jobs.Declared]
    redis: Redis
    attempts: int


def store_chunk(session_factory: sessionmaker[Session], work: Callable[[Session], T], *,
                marked: Marked, outage: float, what: str) -> Stored[T]:
    """Run `work` in a transaction of its own and commit, again on an outage or lost race.

    `work` must be safe to run again after a rollback, and mark what it queues in `marked`.
    """
    prior: Stored[T] | None = None  # an attempt whose COMMIT may or may not have landed
    attempts = 0
    for attempt in outage_retrying(outage, what=what):
        with attempt:
            attempts += 1
            if prior is not None:
                if committed(session_factory, marked, prior.declared):
                    return Stored(prior.result, prior.declared, prior.redis, attempts)
                prior = None  # it rolled back: run the chunk again
            with session_scope(session_factory) as session:
                result = work(session)
                declared = jobs.declared(session)
                # Kept from here: if the commit below fails, whether it landed is unknown.
                prior = Stored(result, declared, session.info[jobs.REDIS], attempts)
            return Stored(result, declared, prior.redis, attempts)
    raise AssertionError("unreachable: the retrying loop returns or raises")


def committed(session_factory: sessionmaker[Session], marked: Marked,
              declared: Sequence[jobs.Declared]) -> bool:
    """Whether the transaction that declared these jobs committed: its marker is stored."""
    ids = [job.job_id for job in declared if isinstance(job, jobs.Job)]
    if not ids:
        return False  # nothing marked: running the chunk again is the only way to know
    with session_scope(session_factory) as session:
        return session.scalar(select(marked.id).where(marked.queued_job.in_(ids)).limit(1)
                              ) is not None


@dataclass
class Outbound:
    """Jobs of committed chunks that Redis may not have taken yet, sent until it has."""

    what: str  # "screening", "matching": for the log
    unsent: list[tuple[Redis, jobs.Declared]] = field(default_factory=list)

    def add(self, stored: Stored[Any]) -> None:
        self.unsent.extend((stored.redis, job) for job in stored.declared)

    def send(self, *, wait: bool = False) -> int:
        """Send the jobs Redis has not taken yet; drop those it holds; how many went out.

        The commit sent each job already, unless Redis was away: its job is then missing.
        Not `wait`ing, an outage leaves the rest for the next call; waiting, it is raised.
        """
        sent = 0
        try:
            while self.unsent:
                redis, job = self.unsent[0]
                if not _held(redis, job):
                    jobs.send(redis, job)
                sent += 1
                self.unsent.pop(0)
        except Exception as exc:
            if wait or not is_outage(exc):
                raise
            log.warning("import: Redis unreachable (%s); %d %s jobs wait to be queued",
                        exc, len(self.unsent), self.what)
        return sent

    def send_patiently(self, *, outage: float) -> int:
        """Send what is left, waiting for Redis for up to `outage` seconds."""
        sent = 0
        try:
            for attempt in outage_retrying(outage, what=f"import: queueing {self.what}"):
                with attempt:
                    sent += self.send(wait=True)
        except Exception as exc:
            if not is_outage(exc):
                raise
        if self.unsent:
            log.warning("import: %d %s jobs could not be queued; the sweep will queue "
                        "their work", len(self.unsent), self.what)
        return sent


def _held(redis: Redis, job: jobs.Declared) -> bool:
    """Whether Redis has this job (waiting, running or done): RQ stores it atomically."""
    if not isinstance(job, jobs.Job):
        return True  # a coalescing window's: never declared by an import
    return bool(RqJob.exists(job.job_id, connection=redis))
