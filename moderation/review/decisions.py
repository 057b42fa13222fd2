"""Decisions: a moderator's on a leased case, or the system's on a blocking rule."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation import audit, policy, statements
from moderation.cases import (
    DecisionFollowups,
    case_to_decide,
    claim,
    holds,
    notices_behind,
)
from moderation.cases.reasons import NOT_ABOUT_THE_OFFER, check_reason
from moderation.config import get_settings
from moderation.domain import (
    Assessment,
    CaseStatus,
    DecisionAction,
    OfferStatus,
)
from moderation.errors import ModerationError
from moderation.schemas import DecisionIn
from moderation.tables import Decision, Offer, Screening, utcnow


def decide(session: Session, *, case_id: int, staff_id: int, decision: DecisionIn,
           followups: DecisionFollowups) -> Decision:
    """Record a moderator's decision: offer status, case, audit and outbox together, then
    what the programmes do when a case of theirs closes (`followups`)."""
    case = case_to_decide(session, case_id, staff_id)
    reason = check_reason(case.kind, decision.action, decision.reason_code, decision.note)
    offer = session.get(Offer, case.offer_id, with_for_update=True)
    assert offer is not None
    now = utcnow()
    action = DecisionAction(decision.action)
    statement_category = reason.statement_category
    if statement_category is None and action is DecisionAction.REMOVE and case.screening_id:
        hits = session.scalar(select(Screening.hits).where(Screening.id == case.screening_id))
        statement_category = hits[0].get("statement_category") if hits else None
    row = Decision(case_id=case.id, offer_id=offer.id, action=action.value,
                   reason_code=decision.reason_code, statement_category=statement_category,
                   note=decision.note, moderator_id=staff_id, automated=False, decided_at=now)
    session.add(row)

    case_before = {"status": case.status, "lease_holder_id": case.lease_holder_id}
    offer_before = offer.status
    # A decision on a buyer's comment is not one on the offer: its programme's follow-up
    # carries it out, and the offer, its holds and its statements stay as they are.
    on_offer = case.kind not in NOT_ABOUT_THE_OFFER
    if action is DecisionAction.ESCALATE:
        case.status = CaseStatus.ESCALATED.value
        case.priority = policy.ESCALATED_PRIORITY
    else:
        case.status = CaseStatus.CLOSED.value
        case.closed_at = now
        if on_offer and action is DecisionAction.REMOVE:
            offer.status = OfferStatus.REMOVED.value
        elif on_offer and offer.status in (OfferStatus.BLOCKED.value, OfferStatus.REMOVED.value):
            offer.status = OfferStatus.RESTORED.value
    case.lease_holder_id = None
    case.lease_expires_at = None
    offer.updated_at = now if offer.status != offer_before else offer.updated_at
    session.flush()
    if action is not DecisionAction.ESCALATE and on_offer:
        # A held offer kept is shown again as it was before the hold, one removed is off
        # for good; either way the marketplace is told the hold ended.
        holds.release(session, offer, decision=row, removed=action is DecisionAction.REMOVE,
                      now=now)

    actor = audit.actor_of(staff_id)
    audit.record(session, actor=actor, action=f"decision.{action.value}", entity="case",
                 entity_id=case.id, before=case_before,
                 after={"status": case.status, "decision_id": row.id,
                        "reason_code": decision.reason_code})
    if offer.status != offer_before:
        audit.record(session, actor=actor, action="offer.status", entity="offer",
                     entity_id=offer.id, before={"status": offer_before},
                     after={"status": offer.status, "decision_id": row.id})
    if action is DecisionAction.REMOVE and on_offer:
        until = (now + timedelta(days=get_settings().counter_notice_days)
                 if notices_behind(session, case.id) else None)
        # How the offer was found and what set the removal off: the statements room reads
        # it from what stands behind the case (moderation/statements/basis.py).
        statements.decision_statement(session, row, offer,
                                      automated_detection=case.screening_id is not None,
                                      counter_notice_until=until)
    session.flush()
    if action is not DecisionAction.ESCALATE:  # an escalation settles nothing yet
        followups.run(session, case=case, decision=row)
    return row


@dataclass(frozen=True, slots=True)
class BulkOutcome:
    case_id: int
    decision_id: int | None
    error: str | None


def decide_many(session: Session, *, case_ids: Sequence[int], staff_id: int,
                decision: DecisionIn, lease: timedelta,
                followups: DecisionFollowups) -> list[BulkOutcome]:
    """One decision on many cases (a lead's bulk action): each claimed, decided and recorded
    on its own; a case someone else holds, or one already decided, is reported and skipped."""
    outcomes = []
    for case_id in dict.fromkeys(case_ids):
        try:
            with session.begin_nested():
                claim(session, case_id=case_id, staff_id=staff_id, lease=lease,
                      may_take_escalated=True)
                row = decide(session, case_id=case_id, staff_id=staff_id, decision=decision,
                             followups=followups)
            outcomes.append(BulkOutcome(case_id, row.id, None))
        except ModerationError as exc:
            outcomes.append(BulkOutcome(case_id, None, exc.message))
    return outcomes


@dataclass(frozen=True, slots=True)
class Block:
    """An offer a rule says to block, and the status it had before."""

    offer_id: int
    previous_status: str
    assessment: Assessment


def system_blocks(session: Session, blocks: Sequence[Block]) -> list[Decision]:
    """Block offers on rules that say block, each with a statement of reasons to its seller;
    a handful of statements for a whole screening batch."""
    if not blocks:
        return []
    offers = {o.id: o for o in session.scalars(
        select(Offer).where(Offer.id.in_([b.offer_id for b in blocks])))}
    now = utcnow()
    rows = []
    for b in blocks:
        offer = offers[b.offer_id]
        offer.status = OfferStatus.BLOCKED.value
        offer.updated_at = now
        top = [h.rule_id for h in b.assessment.hits if h.outcome.value == "block"]
        rows.append(Decision(case_id=None, offer_id=b.offer_id,
                             action=DecisionAction.BLOCK.value,
                             reason_code=b.assessment.reason_code,
                             statement_category=b.assessment.statement_category,
                             note=f"Blocked automatically by rule(s): {', '.join(top)}",
                             moderator_id=None, automated=True, decided_at=now))
    session.add_all(rows)
    session.flush()  # one batched INSERT gives the decisions the ids their statements cite
    audit.record_many(session, [
        {"actor": audit.SYSTEM, "action": "offer.status", "entity": "offer",
         "entity_id": b.offer_id, "before": {"status": b.previous_status},
         "after": {"status": OfferStatus.BLOCKED.value, "decision_id": row.id}}
        for b, row in zip(blocks, rows, strict=True)
        if b.previous_status != OfferStatus.BLOCKED.value])
    statements.offers_disabled(session, [(row, offers[b.offer_id], b.assessment)
                                         for b, row in zip(blocks, rows, strict=True)])
    return rows

