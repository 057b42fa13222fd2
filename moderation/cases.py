"""The review queue: open, list, claim, release. Decisions live in decisions.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.orm import Session

from moderation import audit
from moderation.db import is_postgres
from moderation.domain import CaseKind, CaseStatus
from moderation.errors import LeaseNotHeld, NotFound
from moderation.tables import Case, utcnow

OPEN_STATES = (CaseStatus.OPEN.value, CaseStatus.ESCALATED.value)


def open_screening_case(
    session: Session, *, offer_id: int, screening_id: int | None, priority: int,
    reason_code: str,
    due_at: datetime,
) -> Case:
    """Open a case for an offer screening sent to review, or fold it into the open one."""
    case = session.scalar(
        select(Case).where(Case.offer_id == offer_id, Case.status.in_(OPEN_STATES),
                           Case.kind == CaseKind.SCREENING.value)
    )
    if case is not None:
        before = {"priority": case.priority, "due_at": case.due_at.isoformat(),
                  "screening_id": case.screening_id}
        case.screening_id = screening_id
        case.priority = min(case.priority, priority)
        case.due_at = min(case.due_at, due_at)
        session.flush()
        audit.record(session, actor=audit.SYSTEM, action="case.rescreened", entity="case",
                     entity_id=case.id, before=before,
                     after={"priority": case.priority, "due_at": case.due_at.isoformat(),
                            "screening_id": screening_id})
        return case
    case = Case(kind=CaseKind.SCREENING.value, offer_id=offer_id, screening_id=screening_id,
                status=CaseStatus.OPEN.value, priority=priority, reason_code=reason_code,
                due_at=due_at, opened_at=utcnow())
    session.add(case)
    session.flush()
    audit.record(session, actor=audit.SYSTEM, action="case.opened", entity="case",
                 entity_id=case.id, after={"status": case.status, "priority": priority,
                                           "reason_code": reason_code,
                                           "due_at": due_at.isoformat()})
    return case


def get_case(session: Session, case_id: int, *, for_update: bool = False) -> Case:
    """Return one case or raise NotFound."""
    query = select(Case).where(Case.id == case_id)
    if for_update and is_postgres(session):
        query = query.with_for_update()
    case = session.scalar(query)
    if case is None:
        raise NotFound(f"case {case_id} not found")
    return case


@dataclass(frozen=True, slots=True)
class CasePage:
    items: list[Case]
    total: int


def list_cases(
    session: Session, *, kind: str | None = None, status: str | None = None,
    limit: int = 50, offset: int = 0,
) -> CasePage:
    """List cases in queue order: priority, then due time."""
    query = select(Case)
    if kind:
        query = query.where(Case.kind == kind)
    if status:
        query = query.where(Case.status == status)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = session.scalars(
        query.order_by(Case.priority, Case.due_at, Case.id).limit(limit).offset(offset)
    ).all()
    return CasePage(list(items), total)


def _claimable(now: datetime) -> ColumnElement[bool]:
    return and_(
        Case.status == CaseStatus.OPEN.value,
        or_(Case.lease_expires_at.is_(None), Case.lease_expires_at < now),
    )


def claim_next(
    session: Session, *, staff_id: int, lease: timedelta, kind: str | None = None
) -> Case | None:
    """Lease the best unclaimed case to this moderator; an expired lease counts as unclaimed.

    One statement: on PostgreSQL the inner SELECT skips rows other claimers have locked, so
    racing moderators each get a different case without waiting on each other.
    """
    now = utcnow()
    pick = select(Case.id).where(_claimable(now))
    if kind:
        pick = pick.where(Case.kind == kind)
    pick = pick.order_by(Case.priority, Case.due_at, Case.id).limit(1)
    if is_postgres(session):
        pick = pick.with_for_update(skip_locked=True)
    claimed_id = session.scalar(
        update(Case)
        .where(Case.id == pick.scalar_subquery())
        .where(_claimable(now))
        .values(lease_holder_id=staff_id, lease_expires_at=now + lease)
        .returning(Case.id)
        .execution_options(synchronize_session=False)
    )
    if claimed_id is None:
        return None
    audit.record(session, actor=audit.actor_of(staff_id), action="case.claimed", entity="case",
                 entity_id=claimed_id, after={"lease_holder_id": staff_id,
                                              "lease_expires_at": (now + lease).isoformat()})
    case = session.get(Case, claimed_id, populate_existing=True)
    assert case is not None
    return case


def holds_lease(case: Case, staff_id: int, now: datetime | None = None) -> bool:
    """Tell whether this moderator holds a live lease on the case."""
    now = now or utcnow()
    return (case.lease_holder_id == staff_id and case.lease_expires_at is not None
            and case.lease_expires_at > now)


def release(session: Session, *, case_id: int, staff_id: int) -> Case:
    """Give a claimed case back to the queue."""
    case = get_case(session, case_id, for_update=True)
    if not holds_lease(case, staff_id):
        raise LeaseNotHeld(f"case {case_id} is not leased to you")
    case.lease_holder_id = None
    case.lease_expires_at = None
    session.flush()
    audit.record(session, actor=audit.actor_of(staff_id), action="case.released",
                 entity="case", entity_id=case.id, before={"lease_holder_id": staff_id},
                 after={"lease_holder_id": None})
    return case


def open_cases_for_offer(session: Session, offer_id: int) -> list[Case]:
    """All cases about one offer, newest first."""
    return list(session.scalars(
        select(Case).where(Case.offer_id == offer_id).order_by(Case.opened_at.desc())
    ))
