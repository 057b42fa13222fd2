"""Pending work: the marker each kind of queued work leaves in the database, and one sweep.

Work a job must do is stored first (an offer that needs screening, an alert not yet matched)
and marked, in the same transaction, with the id of the job that will do it (`queued_job`,
`queued_at`); the job is declared to follow the commit (jobs.py). The sweep finds what is
still pending and queues again only the work whose job is gone: never queued (Redis was
down at the commit), failed for good, or finished without doing it. Work whose job still
waits or runs is left alone, however long the queue, so a busy queue is not doubled.

Statements on their way to the Transparency Database are pending work too (TDB below):
marked in the transaction that writes them, queued again by the sweep when their job is
gone, only while TDB_URL is set.

Work done by periodic jobs (the outbox's undelivered messages, due deadline warnings, strikes
that ran out) is found by those jobs on every tick from its own marker (a status, a due
time); the ticker queues a periodic job only when its previous run is neither waiting nor
running (workers/main.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from redis import Redis
from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from moderation import jobs, queue
from moderation.config import Settings, get_settings
from moderation.domain import AlertStatus, TdbSubmissionStatus
from moderation.queue import Lane
from moderation.tables import Offer, SafetyAlert, TdbSubmission


@dataclass(frozen=True)
class PendingKind:
    """One kind of queued work: where it is marked, how to tell it is done, its job."""

    name: str
    model: type[Offer] | type[SafetyAlert] | type[TdbSubmission]
    waiting: ColumnElement[bool]  # true while the work is not done
    since: InstrumentedAttribute[datetime]  # when the work arose
    job: str
    lane: Lane


SCREENING = PendingKind("screen", Offer, Offer.needs_screening.is_(True), Offer.updated_at,
                        queue.SCREEN_OFFERS, Lane.BULK)
# An authority's order has a deadline of two working days: its matching goes first.
MATCHING = PendingKind("match", SafetyAlert,
                       and_(SafetyAlert.matched_at.is_(None),
                            SafetyAlert.status == AlertStatus.ACTIVE.value),
                       SafetyAlert.received_at, queue.MATCH_ALERTS, Lane.INTERACTIVE)
# Statements on their way to the Transparency Database: the periodic lane, beside the
# outbox. A batch told to wait (a 429, a 5xx) has its mark moved to when it is due again,
# so the sweep leaves it alone until then.
TDB = PendingKind("tdb", TdbSubmission,
                  TdbSubmission.status == TdbSubmissionStatus.PENDING.value,
                  TdbSubmission.created_at, queue.SUBMIT_TDB, Lane.PERIODIC)
KINDS = (SCREENING, MATCHING, TDB)


def kinds_enabled(settings: Settings) -> tuple[PendingKind, ...]:
    """The kinds of pending work this configuration does (no submitter without TDB_URL)."""
    return tuple(k for k in KINDS if k is not TDB or settings.tdb_enabled)


@dataclass(frozen=True, slots=True)
class ScreeningTicket:
    """The job an intake's offers will be screened in, chosen before they are written."""

    job_id: str
    window: int | None  # a coalescing window (offers sent one by one), or one bulk job


def screening_ticket(*, windowed: bool) -> ScreeningTicket:
    """Choose the job for offers about to be stored: a window's, or a fresh bulk job."""
    if windowed:
        window = queue.current_window()
        return ScreeningTicket(queue.window_job_id(window), window)
    return ScreeningTicket(jobs.new_job_id(SCREENING.name), None)


def declare_screening(session: Session, ticket: ScreeningTicket, offer_ids: Sequence[int]
                      ) -> None:
    """Screen these offers (already marked with the ticket) once the transaction commits."""
    if not offer_ids:
        return
    if ticket.window is not None:
        jobs.declare(session, jobs.WindowedScreening(tuple(offer_ids), ticket.window))
        return
    jobs.declare(session, jobs.Job(SCREENING.job, (list(offer_ids),), ticket.job_id,
                                   SCREENING.lane))


def queue_work(session: Session, kind: PendingKind, ids: Sequence[int], *, now: datetime,
               lane: Lane | None = None) -> str | None:
    """Mark this work with a new job and declare the job to follow the commit."""
    if not ids:
        return None
    job_id = jobs.new_job_id(kind.name)
    session.execute(update(kind.model).where(kind.model.id.in_(ids))
                    .values(queued_job=job_id, queued_at=now)
                    .execution_options(synchronize_session=False))
    jobs.declare(session, jobs.Job(kind.job, (list(ids),), job_id, lane or kind.lane))
    return job_id


def match_later(session: Session, alert_ids: Sequence[int], *, now: datetime) -> None:
    """Match these stored alerts against the offers once the transaction commits."""
    queue_work(session, MATCHING, list(dict.fromkeys(alert_ids)), now=now)


def lost(session: Session, kind: PendingKind, *, redis: Redis, now: datetime,
         grace: timedelta, limit: int) -> list[int]:
    """Ids of pending work of one kind whose job will not do it.

    Work marked within the grace period is trusted without asking; older marks are checked
    against the queue, in one round trip for the lot.
    """
    cutoff = now - grace
    marked = kind.model.queued_at
    rows = session.execute(
        select(kind.model.id, kind.model.queued_job)
        .where(kind.waiting,
               or_(and_(marked.is_(None), kind.since <= cutoff), marked <= cutoff))
        .order_by(kind.since).limit(limit)).all()
    still_queued = queue.alive(redis, (job for _, job in rows if job))
    return [item_id for item_id, job in rows if job not in still_queued]


def sweep(session: Session, *, redis: Redis, now: datetime, grace: timedelta,
          limit: int = 50_000) -> dict[str, int]:
    """Queue again every kind of pending work whose job is gone; how many of each."""
    settings = get_settings()
    chunk = settings.screen_batch_size
    requeued = {}
    for kind in kinds_enabled(settings):
        ids = lost(session, kind, redis=redis, now=now, grace=grace, limit=limit)
        for start in range(0, len(ids), chunk):
            queue_work(session, kind, ids[start:start + chunk], now=now)
        requeued[kind.name] = len(ids)
    return requeued
