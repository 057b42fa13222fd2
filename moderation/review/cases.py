"""The review queue: open, list, claim, release. Decisions live in decisions.py."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, func, insert, or_, select, update
from sqlalchemy import case as when
from sqlalchemy.orm import Session, joinedload

from moderation import audit
from moderation.db import is_postgres
from moderation.domain import PEOPLE, CaseKind, CaseStatus
from moderation.errors import CaseClosed, Forbidden, InvalidInput, LeaseNotHeld, NotFound
from moderation.tables import Case, Offer, Staff, utcnow

OPEN_STATES = (CaseStatus.OPEN.value, CaseStatus.ESCALATED.value)
PEOPLE_ROLES = frozenset(r.value for r in PEOPLE)


@dataclass(frozen=True, slots=True)
class ScreeningReview:
    """An offer a screening sent to review: what its case should say."""

    offer_id: int
    screening_id: int | None
    priority: int
    reason_code: str
    due_at: datetime
    source: str = "rules"


def open_screening_cases(session: Session, reviews: Sequence[ScreeningReview]
                         ) -> dict[int, Case]:
    """Open a case per offer a screening sent to review, or fold it into the offer's open
    one (priority and deadline tightened); one query and one flush for a whole batch.

    Returns the case of each offer. Offers are expected once each, as a screening batch has.
    """
    if not reviews:
        return {}
    open_cases = {c.offer_id: c for c in session.scalars(
        select(Case).where(Case.offer_id.in_({r.offer_id for r in reviews}),
                           Case.status.in_(OPEN_STATES), Case.kind == CaseKind.SCREENING.value)
        .order_by(Case.id))}
    now = utcnow()
    entries: list[dict[str, Any]] = []
    opened: list[tuple[ScreeningReview, Case]] = []
    for r in reviews:
        case = open_cases.get(r.offer_id)
        if case is None:
            case = Case(kind=CaseKind.SCREENING.value, offer_id=r.offer_id,
                        screening_id=r.screening_id, status=CaseStatus.OPEN.value,
                        priority=r.priority, reason_code=r.reason_code, source=r.source,
                        due_at=r.due_at, opened_at=now)
            session.add(case)
            opened.append((r, case))
            open_cases[r.offer_id] = case
            continue
        before = {"priority": case.priority, "due_at": case.due_at.isoformat(),
                  "screening_id": case.screening_id}
        case.screening_id = r.screening_id
        case.priority = min(case.priority, r.priority)
        case.due_at = min(case.due_at, r.due_at)
        entries.append({"actor": audit.SYSTEM, "action": "case.rescreened", "entity": "case",
                        "entity_id": case.id, "before": before,
                        "after": {"priority": case.priority, "due_at": case.due_at.isoformat(),
                                  "screening_id": r.screening_id}})
    session.flush()  # one batched INSERT for the new cases gives them their ids
    entries += [{"actor": audit.SYSTEM, "action": "case.opened", "entity": "case",
                 "entity_id": case.id, "before": None,
                 "after": {"status": case.status, "priority": r.priority,
                           "reason_code": r.reason_code, "due_at": r.due_at.isoformat()}}
                for r, case in opened]
    audit.record_many(session, entries)
    return {r.offer_id: open_cases[r.offer_id] for r in reviews}


def open_screening_case(
    session: Session, *, offer_id: int, screening_id: int | None, priority: int,
    reason_code: str, due_at: datetime, source: str = "rules",
) -> Case:
    """Open a case for one offer a screening sent to review, or fold it into the open one."""
    review = ScreeningReview(offer_id=offer_id, screening_id=screening_id, priority=priority,
                             reason_code=reason_code, due_at=due_at, source=source)
    return open_screening_cases(session, [review])[offer_id]


def open_or_join(session: Session, offer_ids: Sequence[int], *, kind: str, reason_code: str,
                 source: str, priority: int, due_at: datetime, now: datetime,
                 origin: dict[str, Any]) -> tuple[list[int], int]:
    """One case per offer: an open case on the offer takes the new reason in (its priority
    and deadline tightened), else a new case opens. Returns the case ids in offer order and
    how many were joined. `origin` goes into the audit entries (a notice, an alert...)."""
    open_cases = {c.offer_id: c for c in session.scalars(
        select(Case).where(Case.offer_id.in_(offer_ids), Case.status.in_(OPEN_STATES),
                           Case.kind != CaseKind.COUNTER_NOTICE.value)
        .order_by(Case.id).with_for_update())}
    for case in open_cases.values():
        case.priority = min(case.priority, priority)
        case.due_at = min(case.due_at, due_at)
    new = [oid for oid in dict.fromkeys(offer_ids) if oid not in open_cases]
    created = list(session.scalars(
        insert(Case).returning(Case.id, sort_by_parameter_order=True),
        [{"kind": kind, "offer_id": oid, "status": CaseStatus.OPEN.value, "priority": priority,
          "reason_code": reason_code, "source": source, "due_at": due_at, "opened_at": now}
         for oid in new])) if new else []
    by_offer = dict(zip(new, created, strict=True))
    audit.record_many(session, [
        {"actor": audit.SYSTEM, "action": "case.opened", "entity": "case", "entity_id": cid,
         "before": None, "after": {"status": "open", "priority": priority,
                                   "reason_code": reason_code, **origin}}
        for cid in created] + [
        {"actor": audit.SYSTEM, "action": "case.reason_added", "entity": "case",
         "entity_id": c.id, "before": None,
         "after": {"reason_code": reason_code, "priority": c.priority, **origin}}
        for c in open_cases.values()])
    session.flush()
    ids = [open_cases[oid].id if oid in open_cases else by_offer[oid] for oid in offer_ids]
    return ids, len(open_cases)


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


@dataclass(frozen=True, slots=True)
class CaseFilter:
    """What the queue shows; None means any. Status None means open or escalated."""

    kind: str | None = None
    status: str | None = None
    reason: str | None = None
    category: str | None = None  # the offer's category or any below it ("Moda" > "Moda > Torebki")
    source: str | None = None
    overdue: bool = False


def list_cases(
    session: Session, *, filters: CaseFilter | None = None, limit: int = 50, offset: int = 0,
    now: datetime | None = None,
) -> CasePage:
    """List cases in queue order: priority, then due time; each with its offer loaded."""
    f = filters or CaseFilter()
    query = select(Case)
    query = query.where(Case.status == f.status if f.status else Case.status.in_(OPEN_STATES))
    if f.kind:
        query = query.where(Case.kind == f.kind)
    if f.reason:
        query = query.where(Case.reason_code == f.reason)
    if f.source:
        query = query.where(Case.source == f.source)
    if f.overdue:
        query = query.where(Case.due_at < (now or utcnow()))
    if f.category:
        query = query.join(Offer, Offer.id == Case.offer_id).where(
            or_(Offer.category == f.category,
                Offer.category.startswith(f.category + " > ", autoescape=True)))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = session.scalars(
        query.options(joinedload(Case.offer))
        .order_by(Case.priority, Case.due_at, Case.id).limit(limit).offset(offset)
    ).all()
    return CasePage(list(items), total)


@dataclass(frozen=True, slots=True)
class QueueFacets:
    """The open queue at a glance: counts, and the values its filters can take."""

    open_by_kind: dict[str, int]  # not closed: open or escalated
    escalated: int
    overdue: int
    kinds: list[str]
    reasons: list[str]
    sources: list[str]


def queue_facets(session: Session, *, now: datetime) -> QueueFacets:
    """Count the cases not yet closed by kind, escalation and deadline, in one pass."""
    query = (
        select(Case.kind, Case.status, Case.reason_code, Case.source, func.count(Case.id),
               func.sum(when((Case.due_at < now, 1), else_=0)))
        .where(Case.status.in_(OPEN_STATES))
        .group_by(Case.kind, Case.status, Case.reason_code, Case.source)
    )
    by_kind: dict[str, int] = {}
    escalated = overdue = 0
    kinds, reasons, sources = set(), set(), set()
    for kind, status, reason, source, count, late in session.execute(query):
        by_kind[kind] = by_kind.get(kind, 0) + count
        overdue += int(late or 0)
        if status == CaseStatus.ESCALATED.value:
            escalated += count
        kinds.add(kind)
        reasons.add(reason)
        sources.add(source)
    return QueueFacets(dict(sorted(by_kind.items())), escalated, overdue, sorted(kinds),
                       sorted(reasons), sorted(sources))


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
    pick = select(Case.id).where(_claimable(now)).where(
        or_(Case.not_for_staff_id.is_(None), Case.not_for_staff_id != staff_id))
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


def _leased_to_another(case: Case, staff_id: int, now: datetime) -> bool:
    return (case.lease_holder_id not in (None, staff_id) and case.lease_expires_at is not None
            and case.lease_expires_at > now)


def claim(session: Session, *, case_id: int, staff_id: int, lease: timedelta,
          may_take_escalated: bool = False) -> Case:
    """Lease one chosen case to this moderator (or extend their own lease)."""
    case = get_case(session, case_id, for_update=True)
    now = utcnow()
    if case.status == CaseStatus.CLOSED.value:
        raise CaseClosed(f"case {case_id} is already decided")
    if case.status == CaseStatus.ESCALATED.value and not may_take_escalated:
        raise Forbidden(f"case {case_id} is escalated: a lead decides it")
    if case.not_for_staff_id == staff_id:
        raise Forbidden(f"case {case_id} reviews your own decision: someone else takes it")
    if _leased_to_another(case, staff_id, now):
        raise LeaseNotHeld(f"case {case_id} is being reviewed by someone else")
    before = {"lease_holder_id": case.lease_holder_id}
    case.lease_holder_id = staff_id
    case.lease_expires_at = now + lease
    session.flush()
    if before["lease_holder_id"] != staff_id:
        audit.record(session, actor=audit.actor_of(staff_id), action="case.claimed",
                     entity="case", entity_id=case.id, before=before,
                     after={"lease_holder_id": staff_id,
                            "lease_expires_at": case.lease_expires_at.isoformat()})
    return case


def renew_lease(session: Session, *, case_id: int, staff_id: int, lease: timedelta) -> Case:
    """Extend a lease the caller still holds; one that lapsed or moved on is an error."""
    case = get_case(session, case_id, for_update=True)
    if case.status == CaseStatus.CLOSED.value:
        raise CaseClosed(f"case {case_id} is already decided")
    if not holds_lease(case, staff_id):
        raise LeaseNotHeld(f"you no longer hold case {case_id}: it went back to the queue or "
                           "to someone else")
    case.lease_expires_at = utcnow() + lease
    session.flush()
    return case


def reassign(session: Session, *, case_id: int, to_staff_id: int, by_staff_id: int,
             lease: timedelta) -> Case:
    """Hand a case to a named moderator (a lead's move), whoever held it."""
    case = get_case(session, case_id, for_update=True)
    if case.status == CaseStatus.CLOSED.value:
        raise CaseClosed(f"case {case_id} is already decided")
    target = session.get(Staff, to_staff_id)
    if target is None or not target.active or target.role not in PEOPLE_ROLES:
        raise InvalidInput(f"no active moderator with id {to_staff_id}", field="staff_id")
    if case.not_for_staff_id == to_staff_id:
        raise InvalidInput(f"case {case_id} reviews that moderator's own decision",
                           field="staff_id")
    before = {"lease_holder_id": case.lease_holder_id}
    case.lease_holder_id = to_staff_id
    case.lease_expires_at = utcnow() + lease
    session.flush()
    audit.record(session, actor=audit.actor_of(by_staff_id), action="case.reassigned",
                 entity="case", entity_id=case.id, before=before,
                 after={"lease_holder_id": to_staff_id})
    return case


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
