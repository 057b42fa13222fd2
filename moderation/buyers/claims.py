"""Claims: a discussion the seller did not settle, escalated to the platform.

A claim is a `buyer_claim` case in the one review queue, opened through the case store like
every other case, with its fraud signals shown on it and setting its priority, and its due
time from the programme's promise (the fast track for subscription customers).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation import audit, outbox, policy
from moderation.buyers import fraud
from moderation.buyers.discussions import StepIn, get_discussion, may_escalate, record_message
from moderation.cases import Origin, open_case
from moderation.domain import CaseKind, ClaimStatus, Contested, DiscussionStatus, SourceKind
from moderation.errors import Conflict, NotFound
from moderation.tables import Appeal, Buyer, Claim, Decision, Discussion, Order, Seller

# How a claim's case names where it came from (Case.source).
CLAIM_SOURCE = "buyer"


def claim_reason_code(reason: str) -> str:
    """The case's reason code for a claim of this reason (e.g. CLAIM_NOT_RECEIVED)."""
    return f"CLAIM_{reason.upper()}"


def get_claim(session: Session, claim_id: int) -> Claim:
    """One claim, or NotFound."""
    claim = session.get(Claim, claim_id)
    if claim is None:
        raise NotFound(f"claim {claim_id} not found")
    return claim


def claim_of_case(session: Session, case_id: int) -> Claim | None:
    """The claim a case decides: a claim's own case, or an appeal's against its decision."""
    claim = session.scalar(select(Claim).where(Claim.case_id == case_id))
    if claim is not None:
        return claim
    contested = (select(Decision.case_id).join(Appeal, Appeal.decision_id == Decision.id)
                 .where(Appeal.case_id == case_id,
                        Appeal.contested == Contested.CLAIM_DECISION.value)
                 .scalar_subquery())
    return session.scalar(select(Claim).where(Claim.case_id == contested))


def escalate(session: Session, discussion_id: int, data: StepIn, *, now: datetime) -> Claim:
    """Take a discussion to the platform: a claim and its case; 409 while the seller may still
    answer, or when the discussion was settled. Escalated again, returns the claim."""
    discussion = get_discussion(session, discussion_id, for_update=True)
    if discussion.status == DiscussionStatus.ESCALATED.value:
        known = session.scalar(select(Claim).where(Claim.discussion_id == discussion.id))
        assert known is not None
        return known
    why_not = may_escalate(discussion, now)
    if why_not is not None:
        raise Conflict(f"discussion {discussion_id} cannot be escalated yet: {why_not}")
    order = session.get_one(Order, discussion.order_id)
    signals = fraud.fraud_signals(session, order=order, now=now)
    priority = fraud.claim_priority(signals, fast_track=order.fast_track)
    due = now + (policy.CLAIM_FAST_TRACK_DUE if order.fast_track else policy.CLAIM_DUE)
    discussion.status = DiscussionStatus.ESCALATED.value
    discussion.escalated_at = now
    claim = Claim(discussion_id=discussion.id, order_id=order.id, reason=discussion.reason,
                  status=ClaimStatus.OPEN.value, fast_track=order.fast_track,
                  fraud_signals=signals, opened_at=now)
    session.add(claim)
    session.flush()
    buyer = session.get_one(Buyer, order.buyer_id)
    case = open_case(session, kind=CaseKind.BUYER_CLAIM.value, offer_id=order.offer_id,
                     reason_code=claim_reason_code(discussion.reason), source=CLAIM_SOURCE,
                     priority=priority, due_at=due, now=now,
                     origin=Origin(SourceKind.BUYER_CLAIM, {"claim": claim.id}),
                     actor=f"buyer:{buyer.external_id}")
    claim.case_id = case.id
    session.flush()
    audit.record(session, actor=f"buyer:{buyer.external_id}", action="discussion.escalated",
                 entity="discussion", entity_id=discussion.id,
                 after={"status": discussion.status, "claim_id": claim.id,
                        "case_id": case.id})
    if data.message is not None:
        record_message(session, discussion, data.message)
    _tell_opened(session, discussion, claim, order, buyer, due=due)
    return claim


def _tell_opened(session: Session, discussion: Discussion, claim: Claim, order: Order,
                 buyer: Buyer, *, due: datetime) -> None:
    seller = session.get_one(Seller, order.seller_id)
    payload = {"claim_id": claim.id, "discussion": discussion.marketplace_id,
               "order": order.marketplace_id, "reason": claim.reason,
               "fast_track": claim.fast_track, "decision_due_at": due.isoformat()}
    outbox.notify(session, kind="buyer.claim_opened", recipient=f"buyer:{buyer.external_id}",
                  payload=payload)
    outbox.notify(session, kind="seller.claim_opened", recipient=f"seller:{seller.external_id}",
                  payload=payload)
