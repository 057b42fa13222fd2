"""What a moderator reads to decide a claim: the discussion, the order, the offer as it was
when bought, the parcel's tracking and the fraud signals."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation.buyers.claims import claim_of_case, get_claim
from moderation.buyers.discussions import messages_of
from moderation.tables import (
    Buyer,
    Claim,
    Compensation,
    Decision,
    Discussion,
    DiscussionMessage,
    Offer,
    OfferVersion,
    Order,
    Seller,
    TrackingEvent,
)


@dataclass(frozen=True, slots=True)
class ClaimEvidence:
    claim: Claim
    discussion: Discussion
    messages: list[DiscussionMessage]
    order: Order
    buyer: Buyer
    seller: Seller
    # The offer's version the buyer bought, as the marketplace sent it then (not the offer
    # now: a seller may have changed the description after the sale). None when that version
    # never reached us.
    offer_as_bought: dict[str, Any] | None
    offer_now: Offer
    tracking: list[TrackingEvent]  # oldest first
    fraud_signals: list[dict[str, Any]]
    decision: Decision | None
    compensations: list[Compensation]


def claim_evidence(session: Session, claim_id: int) -> ClaimEvidence:
    """Everything behind one claim."""
    claim = get_claim(session, claim_id)
    order = session.get_one(Order, claim.order_id)
    as_bought = session.scalar(select(OfferVersion.payload).where(
        OfferVersion.offer_id == order.offer_id, OfferVersion.version == order.offer_version))
    tracking = session.scalars(select(TrackingEvent).where(TrackingEvent.order_id == order.id)
                               .order_by(TrackingEvent.occurred_at, TrackingEvent.id))
    compensations = session.scalars(select(Compensation).where(Compensation.claim_id == claim.id)
                                    .order_by(Compensation.id))
    return ClaimEvidence(
        claim=claim, discussion=session.get_one(Discussion, claim.discussion_id),
        messages=messages_of(session, claim.discussion_id), order=order,
        buyer=session.get_one(Buyer, order.buyer_id),
        seller=session.get_one(Seller, order.seller_id), offer_as_bought=as_bought,
        offer_now=session.get_one(Offer, order.offer_id), tracking=list(tracking),
        fraud_signals=list(claim.fraud_signals or []),
        decision=session.get(Decision, claim.decision_id) if claim.decision_id else None,
        compensations=list(compensations))


def case_claim_evidence(session: Session, case_id: int) -> ClaimEvidence | None:
    """The evidence of the claim a case decides; None for a case of another kind."""
    claim = claim_of_case(session, case_id)
    return claim_evidence(session, claim.id) if claim is not None else None
