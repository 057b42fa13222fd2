"""Bulk import of offer events from NDJSON: chunked transactions, each chunk's screening
queued on the bulk lane once the chunk commits.

An import rides out a restart of PostgreSQL or Redis (for OUTAGE_RETRY_SECONDS) and goes on
where it was. A chunk is one transaction: one that failed is run again whole (ingest is
idempotent on marketplace id and version). When the connection broke during COMMIT, the
outcome is unknown: the next attempt first looks for the chunk's own job marker, which
only that transaction wrote, and if it is there the chunk is done and is not run again.
A screening job that Redis did not take is sent again as soon as Redis answers, and at
the end of the file; one still unsent then is left to the sweep (pending.py), which finds
its offers by the same marker.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from redis import Redis
from rq.job import Job as RqJob
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from moderation import jobs
from moderation.config import get_settings
from moderation.db import session_scope
from moderation.intake import offers
from moderation.intake.files import Rejected, read_offer_events
from moderation.retries import is_outage, outage_retrying
from moderation.schemas import OfferIn
from moderation.tables import Offer

log = logging.getLogger(__name__)

CHUNK = 500


@dataclass
class ImportSummary:
    outcomes: Counter[str] = field(default_factory=Counter)
    rejected: list[Rejected] = field(default_factory=list)
    enqueued_jobs: int = 0
    retried_chunks: int = 0  # chunks run again after an outage (or a lost race)
    left_to_sweep: int = 0  # screening jobs Redis never took: the sweep queues them

    @property
    def accepted(self) -> int:
        return sum(n for k, n in self.outcomes.items() if k != "conflict")


class ImportStopped(Exception):
    """The database stayed unreachable past the outage allowance: the import stopped.

    Every line before `line` is stored; importing the same file again resumes (the lines
    stored already come back as duplicates).
    """

    def __init__(self, summary: ImportSummary, line: int) -> None:
        super().__init__(f"stopped at line {line}: the database stayed unreachable")
        self.summary = summary
        self.line = line


@dataclass(frozen=True, slots=True)
class _Stored:
    """One chunk's committed results and the jobs its transaction declared."""

    results: list[offers.IngestResult]
    declared: list[jobs.Declared]
    redis: Redis
    attempts: int


def import_offers(
    session_factory: sessionmaker[Session], path: Path, *, chunk: int = CHUNK,
    on_progress: Callable[[int], None] | None = None, outage_seconds: float | None = None,
) -> ImportSummary:
    """Import an NDJSON file; each chunk commits, then its screening job goes out."""
    outage = get_settings().outage_retry_seconds if outage_seconds is None else outage_seconds
    summary = ImportSummary()
    batch: list[tuple[int, OfferIn]] = []
    unsent: list[tuple[Redis, jobs.Declared]] = []

    def flush() -> None:
        if not batch:
            return
        try:
            stored = _store_chunk(session_factory, [e for _, e in batch], outage=outage)
        except Exception as exc:
            if not is_outage(exc):
                raise
            summary.left_to_sweep = len(unsent)
            raise ImportStopped(summary, batch[0][0]) from exc
        summary.retried_chunks += stored.attempts > 1
        for (number, _), result in zip(batch, stored.results, strict=True):
            summary.outcomes[result.outcome.value] += 1
            if result.outcome is offers.IngestOutcome.CONFLICT:
                summary.rejected.append(Rejected(number, "version: already received with "
                                                         "different content"))
        unsent.extend((stored.redis, job) for job in stored.declared)
        summary.enqueued_jobs += _send(unsent)
        if on_progress:
            on_progress(len(batch))
        batch.clear()

    for number, item in read_offer_events(path):
        if isinstance(item, Rejected):
            summary.rejected.append(item)
            if on_progress:
                on_progress(1)
            continue
        batch.append((number, item))
        if len(batch) >= chunk:
            flush()
    flush()
    summary.enqueued_jobs += _send_patiently(unsent, outage=outage)
    summary.left_to_sweep = len(unsent)
    if unsent:
        log.warning("import: %d screening jobs could not be queued; the sweep will queue "
                    "their offers", len(unsent))
    return summary


def _store_chunk(session_factory: sessionmaker[Session], events: list[OfferIn], *,
                 outage: float) -> _Stored:
    """Store one chunk in a transaction of its own, run again on an outage or lost race."""
    prior: _Stored | None = None  # an attempt whose COMMIT may or may not have landed
    attempts = 0
    for attempt in outage_retrying(outage, what="import: storing a chunk"):
        with attempt:
            attempts += 1
            if prior is not None:
                if _committed(session_factory, prior.declared):
                    return _Stored(prior.results, prior.declared, prior.redis, attempts)
                prior = None  # it rolled back: run the chunk again
            with session_scope(session_factory) as session:
                results = offers.ingest_many(session, events)
                declared = jobs.declared(session)
                # Kept from here: if the commit below fails, whether it landed is unknown.
                prior = _Stored(results, declared, session.info[jobs.REDIS], attempts)
            return _Stored(results, declared, prior.redis, attempts)
    raise AssertionError("unreachable: the retrying loop returns or raises")


def _committed(session_factory: sessionmaker[Session], declared: Sequence[jobs.Declared]
               ) -> bool:
    """Whether the transaction that declared these jobs committed: its marker is stored."""
    ids = [job.job_id for job in declared if isinstance(job, jobs.Job)]
    if not ids:
        return False  # nothing marked: running the chunk again is the only way to know
    with session_scope(session_factory) as session:
        return session.scalar(select(Offer.id).where(Offer.queued_job.in_(ids)).limit(1)
                              ) is not None


def _send(unsent: list[tuple[Redis, jobs.Declared]], *, wait: bool = False) -> int:
    """Send the jobs Redis has not taken yet; drop those it holds; how many went out.

    The commit sent each job already, unless Redis was away: its job is then missing. Not
    `wait`ing, an outage leaves the rest for the next call; waiting, it is raised.
    """
    sent = 0
    try:
        while unsent:
            redis, job = unsent[0]
            if not _held(redis, job):
                jobs.send(redis, job)
            sent += 1
            unsent.pop(0)
    except Exception as exc:
        if wait or not is_outage(exc):
            raise
        log.warning("import: Redis unreachable (%s); %d screening jobs wait to be queued",
                    exc, len(unsent))
    return sent


def _held(redis: Redis, job: jobs.Declared) -> bool:
    """Whether Redis has this job (waiting, running or done): RQ stores it atomically."""
    if not isinstance(job, jobs.Job):
        return True  # a coalescing window's: never declared by an import
    return bool(RqJob.exists(job.job_id, connection=redis))


def _send_patiently(unsent: list[tuple[Redis, jobs.Declared]], *, outage: float) -> int:
    """Send what is left, waiting for Redis for up to `outage` seconds."""
    sent = 0
    try:
        for attempt in outage_retrying(outage, what="import: queueing screening"):
            with attempt:
                sent += _send(unsent, wait=True)
    except Exception as exc:
        if not is_outage(exc):
            raise
    return sent
