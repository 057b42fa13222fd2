"""Upheld claims past the policy's threshold count as strikes on the seller.

Every policy.CLAIM_STRIKE_THRESHOLD claims upheld against a seller within
policy.CLAIM_STRIKE_WINDOW make one strike on the repeat-infringer ladder (cases/strikes.py),
given for the decision that completed the set. The count starts after the seller's last
strike for claims, so the claims of one strike never count toward the next.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from moderation import audit, policy
from moderation.cases import strikes
from moderation.domain import DecisionAction
from moderation.tables import Claim, Decision, Order, Seller, Strike

UPHOLDING = frozenset({DecisionAction.COMPENSATE.value, DecisionAction.PARTIAL.value})


def count_upheld_claim(session: Session, *, claim: Claim, decision: Decision) -> None:
    """After a claim is upheld (compensate or partial): strike the seller when their upheld
    claims in the policy's window pass its threshold; in the caller's transaction."""
    if decision.action not in UPHOLDING:
        return
    order = session.get(Order, claim.order_id)
    assert order is not None  # a claim's order is a foreign key
    # Upheld claims of one seller are counted under the seller's lock, so that two decided
    # at once are both counted, once; a decision counted before is not counted again.
    session.get(Seller, order.seller_id, with_for_update=True)
    if session.scalar(select(Strike.id).where(Strike.decision_id == decision.id)) is not None:
        return
    now = decision.decided_at
    since = now - policy.CLAIM_STRIKE_WINDOW
    # A strike for claims is one given for a claim decision (only those compensate), found
    # by its decision's action: a claim's decision_id moves to its appeal's decision.
    last = session.scalar(
        select(func.max(Strike.created_at))
        .join(Decision, Decision.id == Strike.decision_id)
        .where(Strike.seller_id == order.seller_id, Strike.revoked_at.is_(None),
               Decision.action.in_(UPHOLDING)))
    if last is not None and last > since:
        since = last
    others = list(session.scalars(
        select(Claim.id).join(Order, Order.id == Claim.order_id)
        .where(Order.seller_id == order.seller_id, Claim.upheld.is_(True),
               Claim.id != claim.id, Claim.decided_at > since, Claim.decided_at <= now)
        .order_by(Claim.id)))
    counted = [*others, claim.id]
    if len(counted) < policy.CLAIM_STRIKE_THRESHOLD:
        return
    strike = strikes.add_strike(session, seller_id=order.seller_id, decision_id=decision.id,
                                notice_id=None, now=now)
    audit.record(session, actor=audit.SYSTEM, action="seller.claims_strike", entity="seller",
                 entity_id=order.seller_id, before=None,
                 after={"strike_id": strike.id, "decision_id": decision.id,
                        "upheld_claims": counted,
                        "window_days": policy.CLAIM_STRIKE_WINDOW.days})
    session.flush()
