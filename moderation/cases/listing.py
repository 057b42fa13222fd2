"""Reading the case store: one case, the queue in order with its filters, an offer's cases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case as when
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, joinedload

from moderation.db import is_postgres
from moderation.domain import CaseStatus
from moderation.errors import NotFound
from moderation.tables import Case, Offer, utcnow

# Not yet closed: what the queue shows, and what a new reason can still join.
OPEN_STATES = (CaseStatus.OPEN.value, CaseStatus.ESCALATED.value)


def get_case(session: Session, case_id: int, *, for_update: bool = False) -> Case:
    """Return one case or raise NotFound."""
    query = select(Case).where(Case.id == case_id)
    if for_update and is_postgres(session):
        query = query.with_for_update()
    case = session.scalar(query)
    if case is None:
        raise NotFound(f"case {case_id} not found")
    return case


def cases_of_offer(session: Session, offer_id: int) -> list[Case]:
    """All cases about one offer, open or closed, newest first."""
    return list(session.scalars(
        select(Case).where(Case.offer_id == offer_id).order_by(Case.opened_at.desc())
    ))


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
                # A category's own % or _ match themselves, not any text.
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
