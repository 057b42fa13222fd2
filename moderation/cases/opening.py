"""Opening cases: for offers a screening sent to review, for offers a notice or an alert names
(joining the offer's open case if it has one), and for a seller's counter-notice.

Every case is opened here, each with its `case.opened` audit entry, so that what a case
stands on (cases/sources.py) is recorded the same way whichever programme opened it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from moderation import audit
from moderation.cases.listing import OPEN_STATES
from moderation.cases.sources import Origin, join_sources
from moderation.domain import CaseKind, CaseStatus
from moderation.tables import Case, utcnow

# Kinds of case reviewed apart from what else comes up about the offer: a seller's
# counter-notice, an appeal against an earlier decision, a buyer's claim about one sale (a
# notice or an alert on the offer is not decided by compensating a buyer).
APART = (CaseKind.COUNTER_NOTICE.value, CaseKind.APPEAL.value, CaseKind.BUYER_CLAIM.value)


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
                 origin: Origin) -> tuple[list[int], int]:
    """One case per offer: an open case on the offer takes the new reason in (its priority
    and deadline tightened), else a new case opens; either way the origin becomes one of its
    sources. Returns the case ids in offer order and how many were joined."""
    open_cases = {c.offer_id: c for c in session.scalars(
        select(Case).where(Case.offer_id.in_(offer_ids), Case.status.in_(OPEN_STATES),
                           Case.kind.not_in(APART))
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
         "before": None, "after": {"status": CaseStatus.OPEN.value, "priority": priority,
                                   "reason_code": reason_code, **origin.audit}}
        for cid in created] + [
        {"actor": audit.SYSTEM, "action": "case.reason_added", "entity": "case",
         "entity_id": c.id, "before": None,
         "after": {"reason_code": reason_code, "priority": c.priority, **origin.audit}}
        for c in open_cases.values()])
    session.flush()
    ids = [open_cases[oid].id if oid in open_cases else by_offer[oid] for oid in offer_ids]
    join_sources(session, ids, origin, now=now)
    return ids, len(open_cases)


def open_case(session: Session, *, kind: str, offer_id: int, reason_code: str, source: str,
              priority: int, due_at: datetime, now: datetime, origin: Origin, actor: str,
              not_for_staff_id: int | None = None,
              status: str = CaseStatus.OPEN.value) -> Case:
    """Open a case of its own, joining none (a counter-notice's or an appeal's, reviewed
    apart from the decision it contests), with the origin as its source; `actor` opened it.
    An escalated one (`status`) waits for a lead."""
    case = Case(kind=kind, offer_id=offer_id, screening_id=None, status=status,
                priority=priority, reason_code=reason_code, source=source, due_at=due_at,
                not_for_staff_id=not_for_staff_id, opened_at=now)
    session.add(case)
    session.flush()
    join_sources(session, [case.id], origin, now=now)
    audit.record(session, actor=actor, action="case.opened", entity="case", entity_id=case.id,
                 after={"status": case.status, "priority": priority, "reason_code": reason_code,
                        "due_at": due_at.isoformat(), "not_for_staff_id": not_for_staff_id,
                        **origin.audit})
    return case
