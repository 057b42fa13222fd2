"""Rows of the Buyer Protection Programme for tests: buyers, orders, claims and decisions,
written directly, as the programme's services will have left them."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from moderation.buyers import compensation
from moderation.domain import DecisionAction
from moderation.tables import (
    Buyer,
    Claim,
    Compensation,
    Decision,
    Discussion,
    Offer,
    Order,
    utcnow,
)
from tests import factories

_seq = itertools.count(1)


def make_order(session: Session, *, buyer: Buyer | None = None, offer: Offer | None = None,
               value: str = "199.00", fast_track: bool = False) -> Order:
    """An order of an offer (a fresh one unless given) by a buyer (likewise), of `value`."""
    return factories.make_order(session, offer=offer, buyer=buyer, value=Decimal(value),
                                fast_track=fast_track)


def make_claim(session: Session, order: Order, *, opened_at: datetime | None = None,
               upheld: bool | None = None, decided_at: datetime | None = None) -> Claim:
    """A claim on an order, escalated from a discussion of its own; decided when upheld is
    given (at decided_at, or now)."""
    opened_at = opened_at or utcnow()
    discussion = Discussion(marketplace_id=f"disc-c-{next(_seq)}", order_id=order.id,
                            reason="not_received", status="escalated",
                            opened_at=opened_at - timedelta(days=3),
                            seller_answer_due_at=opened_at - timedelta(days=1),
                            escalated_at=opened_at)
    session.add(discussion)
    session.flush()
    claim = Claim(discussion_id=discussion.id, order_id=order.id, reason=discussion.reason,
                  fast_track=order.fast_track, opened_at=opened_at, upheld=upheld)
    if upheld is not None:
        claim.decided_at = decided_at or utcnow()
        claim.status = "compensated" if upheld else "rejected"
    session.add(claim)
    session.flush()
    return claim


def make_decision(session: Session, *, offer_id: int,
                  action: DecisionAction = DecisionAction.COMPENSATE,
                  reason_code: str = "CLAIM_UPHELD", statement_category: str | None = None,
                  decided_at: datetime | None = None) -> Decision:
    """A moderator's decision on an offer, with no case (the claim's case is not needed)."""
    decision = Decision(offer_id=offer_id, action=action.value, reason_code=reason_code,
                        statement_category=statement_category, note="",
                        decided_at=decided_at or utcnow())
    session.add(decision)
    session.flush()
    return decision


def compensation_asked(session: Session, *, value: str = "300.00") -> Compensation:
    """A claim on a fresh order compensated in full, its payment asked for."""
    order = make_order(session, value=value)
    claim = make_claim(session, order)
    decision = make_decision(session, offer_id=order.offer_id)
    return compensation.request_compensation(session, claim=claim, decision=decision,
                                             amount=Decimal(value))
