"""Leases on cases: a moderator claims one (the next or a chosen one), renews, hands on, releases.

A lease is a time-limited claim: a lapsed one counts as unclaimed, so a case someone walked
away from goes back to the queue by itself.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import (
    CTE,
    BigInteger,
    ColumnElement,
    Executable,
    Integer,
    String,
    bindparam,
    insert,
    literal,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.orm import Session, aliased

from moderation import audit
from moderation.cases.listing import get_case
from moderation.db import is_postgres
from moderation.domain import LEADS, PEOPLE, CaseStatus
from moderation.errors import CaseClosed, Forbidden, InvalidInput, LeaseNotHeld
from moderation.tables import Account, AuditEntry, Case, UtcDateTime, utcnow

PEOPLE_ROLES = frozenset(r.value for r in PEOPLE)
LEAD_ROLES = frozenset(r.value for r in LEADS)


def check_reviewer(session: Session, case: Case, staff_id: int) -> None:
    """Refuse a case that reviews the caller's own decision (a counter-notice, an appeal).

    A lead may take it when nobody else could: no other active person for an open case, no
    other lead for an escalated one (e.g. the decision was the only lead's).
    """
    if case.not_for_staff_id is None or case.not_for_staff_id != staff_id:
        return
    staff = session.get(Account, staff_id)
    roles = LEAD_ROLES if case.status == CaseStatus.ESCALATED.value else PEOPLE_ROLES
    someone_else = session.scalar(select(Account.id).where(
        Account.id != staff_id, Account.active, Account.role.in_(roles)).limit(1))
    if staff is None or staff.role not in LEAD_ROLES or someone_else is not None:
        raise Forbidden(f"case {case.id} reviews your own decision: someone else takes it")


def case_to_decide(session: Session, case_id: int, staff_id: int) -> Case:
    """The case, locked, when the caller may decide it now: open, leased to them, escalated
    only for a lead, and not a review of their own decision (every programme's decisions)."""
    case = get_case(session, case_id, for_update=True)
    if case.status == CaseStatus.CLOSED.value:
        raise CaseClosed(f"case {case_id} is already decided")
    if not holds_lease(case, staff_id):
        raise LeaseNotHeld(f"case {case_id} is not leased to you; claim it first")
    staff = session.get(Account, staff_id)
    if case.status == CaseStatus.ESCALATED.value and (staff is None or staff.role not in LEADS):
        raise Forbidden(f"case {case_id} is escalated: a lead decides it")
    # Checked again here, not only at claim: a lease may have come by reassignment or bulk.
    check_reviewer(session, case, staff_id)
    return case


# Written into the SQL, never bound: PostgreSQL uses a partial index only when it can prove
# the query implies the index's predicate, and a generic plan (psycopg prepares a statement
# on its fifth run) cannot see a bound parameter's value. The same goes for LIMIT: a bound one
# is planned as "a tenth of the rows", which favours a sort over walking the index.
OPEN = literal(CaseStatus.OPEN.value, String, literal_execute=True)
ONE = literal(1, Integer, literal_execute=True)
CLAIMED = "case.claimed"


@cache  # built once: building and keying a statement this size costs more than running it
def claim_statement(*, by_kind: bool, postgres: bool) -> Executable:
    """The claim: lease the best case that is free or whose lease lapsed, and return it.

    Two small candidates, each the first entry of a partial index (tables/cases.py): the
    best free case (ix_cases_claimable, or ix_cases_claimable_kind for one kind) and the best
    case whose lease lapsed (ix_cases_leased holds only the leased open cases, so the lapsed
    ones are a few rows away). Leased cases are not in the free index, so a claim never walks
    past them. On PostgreSQL the candidates skip rows other claimers have locked, so racing
    moderators each get a different case without waiting, and the same statement appends
    the claim's audit entry (one round trip); SQLite, one writer at a time, needs neither.
    Parameters: claimer, now, expires, of_kind (`by_kind`), actor and after (`postgres`);
    none is named as a column, which an UPDATE would take for a value to set.
    """
    claimer = bindparam("claimer", type_=BigInteger)
    now = bindparam("now", type_=UtcDateTime())
    not_mine = or_(Case.not_for_staff_id.is_(None), Case.not_for_staff_id != claimer)

    def first(name: str, *where: ColumnElement[bool]) -> CTE:
        pick = select(Case.id, Case.priority, Case.due_at).where(Case.status == OPEN,
                                                                 not_mine, *where)
        if by_kind:
            pick = pick.where(Case.kind == bindparam("of_kind", type_=String))
        pick = pick.order_by(Case.priority, Case.due_at, Case.id).limit(ONE)
        if postgres:
            pick = pick.with_for_update(skip_locked=True)
        return pick.cte(name)

    free = first("free", Case.lease_holder_id.is_(None))
    lapsed = first("lapsed", Case.lease_holder_id.is_not(None), Case.lease_expires_at < now)
    both = union_all(select(free), select(lapsed)).subquery("candidates")
    best = (select(both.c.id).order_by(both.c.priority, both.c.due_at, both.c.id)
            .limit(ONE).scalar_subquery())
    lease = (
        update(Case)
        # Checked again on the row itself: a claimer that raced for it may have won.
        .where(Case.id == best, Case.status == OPEN,
               or_(Case.lease_holder_id.is_(None), Case.lease_expires_at < now))
        .values(lease_holder_id=claimer,
                lease_expires_at=bindparam("expires", type_=UtcDateTime()))
        .returning(Case)
    )
    if not postgres:
        return lease
    claimed = lease.cte("claimed")
    logged = insert(AuditEntry).from_select(
        ["at", "actor", "action", "entity", "entity_id", "after"],
        select(now, bindparam("actor", type_=String), literal(CLAIMED, literal_execute=True),
               literal("case", literal_execute=True),
               claimed.c.id, bindparam("after", type_=AuditEntry.after.type)),
    ).cte("logged")
    return select(aliased(Case, claimed)).add_cte(logged)


def claim_params(*, staff_id: int, lease: timedelta, now: datetime, kind: str | None = None
                 ) -> dict[str, Any]:
    """The parameters of claim_statement for this claim (actor and after: its audit entry)."""
    expires = now + lease
    params: dict[str, Any] = {
        "claimer": staff_id, "now": now, "expires": expires,
        "actor": audit.actor_of(staff_id),
        "after": {"lease_holder_id": staff_id, "lease_expires_at": expires.isoformat()}}
    if kind:
        params["of_kind"] = kind
    return params


def claim_next(
    session: Session, *, staff_id: int, lease: timedelta, kind: str | None = None
) -> Case | None:
    """Lease the best unclaimed case to this moderator; an expired lease counts as unclaimed.

    Escalated cases are a lead's to choose (`claim`), never handed out here.
    """
    postgres = is_postgres(session)
    params = claim_params(staff_id=staff_id, lease=lease, now=utcnow(), kind=kind)
    case = session.scalars(claim_statement(by_kind=bool(kind), postgres=postgres), params,
                           execution_options={"synchronize_session": False,
                                              "populate_existing": True}).one_or_none()
    if case is not None and not postgres:
        audit.record(session, actor=params["actor"], action=CLAIMED, entity="case",
                     entity_id=case.id, after=params["after"])
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
    check_reviewer(session, case, staff_id)
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
    target = session.get(Account, to_staff_id)
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
