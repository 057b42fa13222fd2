"""Repeat infringers (DSA art. 23): strikes against sellers and the ladder of sanctions
they climb, one rung per distinct infringement, each rung with its statement of reasons.

Here, on the case store's floor, because more than one programme strikes a seller: rights
protection for removals, Buyer Protection for claims upheld past its threshold.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal, Protocol

from sqlalchemy import ColumnElement, and_, exists, func, select
from sqlalchemy.orm import Session

from moderation import audit, outbox, policy, statements
from moderation.config import get_settings
from moderation.domain import Restriction
from moderation.errors import NotFound
from moderation.tables import Seller, Statement, Strike

StepAction = Literal["warning", "suspend", "terminate"]
# A suspension longer than this is a termination in all but name (and would overflow dates).
MAX_SUSPENSION_DAYS = 3650
_DAYS = re.compile(r"[0-9]{1,5}")


@dataclass(frozen=True, slots=True)
class Step:
    """One rung of the ladder: what happens to a seller who reaches its strike count."""

    action: StepAction
    days: int | None = None  # suspensions only


def parse_ladder(text: str) -> list[Step]:
    """Parse the `strike_ladder` setting, e.g. "warning,suspend:7,suspend:30,terminate"."""
    if not text.strip():
        raise ValueError("strike ladder is empty: give at least one step, e.g. 'warning'")
    steps: list[Step] = []
    for position, raw in enumerate(text.split(","), start=1):
        token = raw.strip()
        name, colon, days = (part.strip() for part in token.partition(":"))
        where = f"strike ladder step {position} ({token!r})"
        if name == "suspend":
            if not colon or not _DAYS.fullmatch(days) or not 1 <= int(days) <= MAX_SUSPENSION_DAYS:
                raise ValueError(f"{where}: a suspension needs its length in whole days, "
                                 f"1 to {MAX_SUSPENSION_DAYS}, as in 'suspend:7'")
            steps.append(Step("suspend", int(days)))
        elif name in ("warning", "terminate"):
            if colon:
                raise ValueError(f"{where}: {name!r} takes no number of days")
            steps.append(Step("warning" if name == "warning" else "terminate"))
        else:
            raise ValueError(f"{where} is not one of 'warning', 'suspend:<days>', 'terminate'")
    return steps


def step_for(ladder: list[Step], count: int) -> Step | None:
    """The step for a seller with this many active strikes; past the last, the last."""
    if count < 1 or not ladder:
        return None
    return ladder[min(count, len(ladder)) - 1]


class Sanctioned(Protocol):
    """A seller, or a row with the seller's sanction columns."""

    suspended_until: datetime | None
    terminated_at: datetime | None


def held_for_review(seller: Sanctioned, now: datetime) -> bool:
    """Tell whether a seller's new offers wait for a moderator: suspended or terminated."""
    return seller.terminated_at is not None or (
        seller.suspended_until is not None and seller.suspended_until > now)


def _is_active(now: datetime) -> ColumnElement[bool]:
    return and_(Strike.revoked_at.is_(None), Strike.expires_at > now)


def _lock_seller(session: Session, seller_id: int) -> Seller:
    # Strikes of one seller are counted under this lock, so two removals at once both count.
    seller = session.get(Seller, seller_id, with_for_update=True, populate_existing=True)
    if seller is None:
        raise NotFound(f"seller {seller_id} not found")
    return seller


def _infringement() -> ColumnElement[int]:
    """The strike that stands for a strike's infringement: its own, or the one it joined."""
    return func.coalesce(Strike.counts_as_id, Strike.id)


def _recount(session: Session, seller: Seller, now: datetime) -> int:
    # The ladder counts infringements, not strikes: a notice on three offers is one.
    seller.strikes = session.scalar(
        select(func.count(_infringement().distinct()))
        .where(Strike.seller_id == seller.id, _is_active(now))
    ) or 0
    return seller.strikes


def _joins(session: Session, seller: Seller, *, notice_id: int | None,
           now: datetime) -> int | None:
    """The infringement a new strike is part of, if any: an active strike's from the same
    notice, or the last rung's when it is less than policy.STRIKE_EPISODE old."""
    active = select(Strike).where(Strike.seller_id == seller.id, _is_active(now))
    if notice_id is not None:
        same = session.scalar(active.where(Strike.notice_id == notice_id).order_by(Strike.id))
        if same is not None:
            return same.counts_as_id or same.id
    last = session.scalar(active.where(Strike.counts_as_id.is_(None))
                          .order_by(Strike.created_at.desc(), Strike.id.desc()))
    if last is not None and now - last.created_at < policy.STRIKE_EPISODE:
        return last.id
    return None


def _state(seller: Seller) -> dict[str, Any]:
    return {
        "strikes": seller.strikes,
        "suspended_until": seller.suspended_until.isoformat() if seller.suspended_until else None,
        "terminated_at": seller.terminated_at.isoformat() if seller.terminated_at else None,
    }


def _notify(session: Session, seller: Seller, kind: str, payload: dict[str, Any]) -> None:
    outbox.notify(session, kind=kind, recipient=f"seller:{seller.external_id}", payload=payload)


def add_strike(session: Session, *, seller_id: int, decision_id: int, notice_id: int | None,
               now: datetime) -> Strike:
    """Record a strike for a removal and apply the ladder step; idempotent on the decision.

    A strike from a notice already counted, or within policy.STRIKE_EPISODE of the last
    rung, joins that infringement: recorded, but no new rung.
    """
    seller = _lock_seller(session, seller_id)
    existing = session.scalar(select(Strike).where(Strike.decision_id == decision_id))
    if existing is not None:
        return existing
    joins = _joins(session, seller, notice_id=notice_id, now=now)
    strike = Strike(seller_id=seller.id, decision_id=decision_id, notice_id=notice_id,
                    counts_as_id=joins, created_at=now,
                    expires_at=now + timedelta(days=get_settings().strike_expiry_days))
    session.add(strike)
    session.flush()
    before = _state(seller)
    count = _recount(session, seller, now)
    audit.record(session, actor=audit.SYSTEM, action="seller.strike", entity="seller",
                 entity_id=seller.id, before={"strikes": before["strikes"]},
                 after={"strikes": count, "strike_id": strike.id, "decision_id": decision_id,
                        "notice_id": notice_id, "counts_as_id": joins,
                        "expires_at": strike.expires_at.isoformat()})
    if joins is not None:
        session.flush()
        return strike
    ladder = parse_ladder(get_settings().strike_ladder)
    step = step_for(ladder, count)
    if step is not None and step.action != "warning" and not _warned(session, seller, ladder,
                                                                     now=now):
        # The ladder warns first: a seller never told (a strike from before statements
        # were written) is warned now, and the harsher rung waits for the next one.
        step = Step("warning")
    if step is not None:
        _apply(session, seller, step, strike=strike, now=now, next_step=step_for(ladder, count + 1))
    session.flush()
    return strike


def _warned(session: Session, seller: Seller, ladder: list[Step], *, now: datetime) -> bool:
    """Whether the seller was sent the ladder's warning (its statement written) while the
    strikes that count now could have been given; true for a ladder with no warning."""
    if not any(s.action == "warning" for s in ladder):
        return True
    since = now - timedelta(days=get_settings().strike_expiry_days)
    return session.scalar(select(Statement.id).where(
        Statement.seller_id == seller.id, Statement.restriction == Restriction.STRIKE.value,
        Statement.starts_at >= since, Statement.starts_at <= now).limit(1)) is not None


def _apply(session: Session, seller: Seller, step: Step, *, strike: Strike, now: datetime,
           next_step: Step | None) -> None:
    """Sanction a seller for reaching a step, with its statement of reasons; a sanction
    already in force is not repeated."""
    before = _state(seller)
    common = {"strikes": seller.strikes, "decision_id": strike.decision_id,
              "strike_expires_at": strike.expires_at.isoformat()}
    following = None if next_step is None else {"action": next_step.action,
                                                 "days": next_step.days}
    ends_at = None
    if step.action == "warning":
        action, restriction = "seller.warned", Restriction.STRIKE
        # Said plainly in the warning: what one more strike would bring.
        payload = {**common, "next_step": following}
    elif step.action == "suspend":
        assert step.days is not None
        until = now + timedelta(days=step.days)
        if seller.suspended_until is not None and seller.suspended_until >= until:
            return  # a longer suspension already runs
        seller.suspended_until = ends_at = until
        action, restriction = "seller.suspended", Restriction.SUSPENSION
        payload = {**common, "days": step.days, "suspended_until": until.isoformat()}
    else:
        if seller.terminated_at is not None:
            return
        seller.terminated_at = now
        action, restriction = "seller.terminated", Restriction.TERMINATION
        payload = {**common, "terminated_at": now.isoformat()}
    audit.record(session, actor=audit.SYSTEM, action=action, entity="seller",
                 entity_id=seller.id, before=before, after=_state(seller))
    statements.rung_statement(session, seller=seller, restriction=restriction, strike=strike,
                              strikes=seller.strikes, starts_at=now, ends_at=ends_at,
                              next_step=following, message=payload)


def _due_sanctions(active: list[Strike], now: datetime) -> tuple[datetime | None, bool]:
    """Replay the ladder over active strikes: the suspension end and termination they justify."""
    # One rung per infringement, dated from the strike that took it (or, were that one
    # revoked, the first that remains of it), as add_strike applied it.
    ladder = parse_ladder(get_settings().strike_ladder)
    taken: dict[int, datetime] = {}
    for strike in sorted(active, key=lambda s: (s.created_at, s.id)):
        taken.setdefault(strike.counts_as_id or strike.id, strike.created_at)
    until: datetime | None = None
    terminate = False
    for count, at in enumerate(sorted(taken.values()), 1):
        step = step_for(ladder, count)
        if step is None:
            continue
        if step.action == "terminate":
            terminate = True
        elif step.action == "suspend" and step.days is not None:
            end = at + timedelta(days=step.days)
            until = end if until is None else max(until, end)
    return (until if until is not None and until > now else None), terminate


def revoke_strike(session: Session, *, decision_id: int, now: datetime,
                  reason: str) -> Strike | None:
    """Stop a decision's strike counting (its removal was overturned) and lift what it caused."""
    query = select(Strike).where(Strike.decision_id == decision_id)
    strike = session.scalar(query)
    if strike is None or strike.revoked_at is not None:
        return strike
    seller = _lock_seller(session, strike.seller_id)
    # Read again under the seller's lock: a concurrent revocation may have won.
    strike = session.scalars(query.execution_options(populate_existing=True)).one()
    if strike.revoked_at is not None:
        return strike
    was_active = strike.expires_at > now
    strike.revoked_at = now
    session.flush()
    before = _state(seller)
    count = _recount(session, seller, now)
    audit.record(session, actor=audit.SYSTEM, action="seller.strike_revoked", entity="seller",
                 entity_id=seller.id, before={"strikes": before["strikes"]},
                 after={"strikes": count, "strike_id": strike.id, "decision_id": decision_id,
                        "reason": reason})
    # An expired strike no longer weighed on the seller: revoking it lifts nothing.
    if was_active:
        _lift(session, seller, now=now, reason=reason)
    session.flush()
    return strike


def _lift(session: Session, seller: Seller, *, now: datetime, reason: str) -> None:
    """Lower sanctions to what the remaining active strikes justify by themselves."""
    # Never raised here: with no other strikes a suspension or termination ends; with two
    # left, the shorter suspension of the second step may still run out its days.
    active = list(session.scalars(
        select(Strike).where(Strike.seller_id == seller.id, _is_active(now))))
    due_until, due_termination = _due_sanctions(active, now)
    before = _state(seller)
    if seller.terminated_at is not None and not due_termination:
        seller.terminated_at = None
    current = seller.suspended_until
    if current is not None and current > now and (due_until is None or due_until < current):
        seller.suspended_until = due_until
    after = _state(seller)
    if after == before:
        return
    action = "seller.sanction_reduced" if held_for_review(seller, now) else "seller.reinstated"
    audit.record(session, actor=audit.SYSTEM, action=action, entity="seller",
                 entity_id=seller.id, before=before, after=after)
    _notify(session, seller, action, {**after, "reason": reason})


def expire_strikes(session: Session, *, now: datetime) -> int:
    """Recount sellers whose strikes expired; return how many changed (a periodic job)."""
    # Nothing is lifted: a suspension given for a strike that later expires runs its course.
    expired = exists().where(Strike.seller_id == Seller.id, Strike.revoked_at.is_(None),
                             Strike.expires_at <= now)
    active = (select(func.count(Strike.id))
              .where(Strike.seller_id == Seller.id, _is_active(now))
              .correlate(Seller).scalar_subquery())
    seller_ids = list(session.scalars(
        select(Seller.id).where(expired, Seller.strikes != active).order_by(Seller.id)))
    changed = 0
    for seller_id in seller_ids:
        seller = _lock_seller(session, seller_id)
        before = seller.strikes
        if _recount(session, seller, now) != before:
            changed += 1
            audit.record(session, actor=audit.SYSTEM, action="seller.strikes_expired",
                         entity="seller", entity_id=seller.id, before={"strikes": before},
                         after={"strikes": seller.strikes})
    session.flush()
    return changed
