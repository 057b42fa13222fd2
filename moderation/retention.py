"""Retention: what the service stops keeping, in batches, safe to run again at any time.

Three kinds of rows go: web sessions expired more than SESSION_RETENTION_DAYS ago, outbox
messages delivered more than OUTBOX_RETENTION_DAYS ago (pending and failed ones stay: they
are still someone's work), and offer versions beyond each offer's latest OFFER_VERSIONS_KEEP.

An offer version is the offer as the marketplace sent it. No foreign key points at
offer_versions (screenings, cases and decisions name an offer and a version number), so the
database would let any of them go; these stay whatever their age:
- a version screened into review or block, or whose screening a case shows as evidence;
- the version an offer stood at when a case was opened on it or a decision taken on it
  (the latest version received by then): what a statement of reasons and an appeal are
  about.
A resent version that was purged is taken in again as a stale version, never as a change.

Each call deletes at most one batch of each kind and flushes; the caller (the periodic job,
`moderation purge`) commits after each and calls again until nothing is left, so no
transaction holds a table's worth of locks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Select, SQLColumnExpression, delete, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from moderation.config import Settings
from moderation.domain import OutboxStatus, Route
from moderation.tables import Case, Decision, OfferVersion, OutboxMessage, Screening, WebSession


@dataclass(frozen=True, slots=True)
class Purged:
    """Rows deleted, by kind."""

    sessions: int = 0
    outbox: int = 0
    offer_versions: int = 0

    @property
    def total(self) -> int:
        return self.sessions + self.outbox + self.offer_versions

    def __add__(self, other: Purged) -> Purged:
        return Purged(sessions=self.sessions + other.sessions,
                      outbox=self.outbox + other.outbox,
                      offer_versions=self.offer_versions + other.offer_versions)

    def as_dict(self) -> dict[str, int]:
        return {"sessions": self.sessions, "outbox": self.outbox,
                "offer_versions": self.offer_versions}


def purge_sessions(session: Session, *, before: datetime, limit: int) -> int:
    """Delete up to `limit` web sessions that expired before this time."""
    ids = (select(WebSession.id).where(WebSession.expires_at < before)
           .order_by(WebSession.id).limit(limit))
    return _delete_ids(session, WebSession, ids)


def purge_outbox(session: Session, *, before: datetime, limit: int) -> int:
    """Delete up to `limit` outbox messages delivered before this time."""
    ids = (select(OutboxMessage.id)
           .where(OutboxMessage.status == OutboxStatus.SENT.value,
                  OutboxMessage.sent_at < before)
           .order_by(OutboxMessage.id).limit(limit))
    return _delete_ids(session, OutboxMessage, ids)


def purge_offer_versions(session: Session, *, keep: int, limit: int) -> int:
    """Delete up to `limit` offer versions beyond each offer's latest `keep` that nothing
    rests on (see the module's docstring)."""
    ov = OfferVersion
    newer = aliased(OfferVersion)
    rank = (select(func.count()).where(newer.offer_id == ov.offer_id,
                                       newer.version > ov.version)
            .correlate_except(newer).scalar_subquery())
    ids = (select(ov.id).where(rank >= keep, ~_rested_on())
           .order_by(ov.id).limit(limit))
    return _delete_ids(session, OfferVersion, ids)


def _rested_on() -> ColumnElement[bool]:
    """Whether the outer offer version is evidence of a screening, a case or a decision."""
    ov = OfferVersion
    screened = exists().where(
        Screening.offer_id == ov.offer_id, Screening.offer_version == ov.version,
        or_(Screening.route != Route.ALLOW.value,
            # Through the offer's cases (indexed by offer), not a scan for the screening.
            exists().where(Case.offer_id == Screening.offer_id,
                           Case.screening_id == Screening.id)))
    return or_(screened, _current_at(Case.offer_id, Case.opened_at),
               _current_at(Decision.offer_id, Decision.decided_at))


def _current_at(offer_id: SQLColumnExpression[int], when: SQLColumnExpression[datetime]
                ) -> ColumnElement[bool]:
    """Whether the outer offer version was its offer's latest at some row's time (a case's
    opening, a decision)."""
    ov = OfferVersion
    by_then = aliased(OfferVersion)
    latest = (select(func.max(by_then.version))
              .where(by_then.offer_id == offer_id, by_then.received_at <= when)
              .correlate_except(by_then).scalar_subquery())
    return exists().where(offer_id == ov.offer_id, latest == ov.version)


def _delete_ids(session: Session, table: type[WebSession | OutboxMessage | OfferVersion],
                ids: Select[int]) -> int:
    # Through a list of ids, not DELETE ... WHERE id IN (subquery): the same statement on
    # SQLite and PostgreSQL (whose DELETE takes no LIMIT).
    found = list(session.scalars(ids))
    if not found:
        return 0
    session.execute(delete(table).where(table.id.in_(found)))
    session.flush()
    return len(found)


def purge_batch(session: Session, settings: Settings, *, now: datetime) -> Purged:
    """Delete one batch of each kind; call again (after committing) until it deletes 0."""
    limit = settings.retention_batch_size
    return Purged(
        sessions=purge_sessions(
            session, before=now - timedelta(days=settings.session_retention_days),
            limit=limit),
        outbox=purge_outbox(
            session, before=now - timedelta(days=settings.outbox_retention_days),
            limit=limit),
        offer_versions=purge_offer_versions(
            session, keep=settings.offer_versions_keep, limit=limit),
    )


def purge_all(batch: Callable[[], Purged]) -> Purged:
    """Run `batch` (one committed transaction of purge_batch, with the caller's retries)
    until a run deletes nothing; the total of all runs."""
    total = Purged()
    while (step := batch()).total:
        total += step
    return total
