"""Fraud signals on a claim: they raise its priority and show on its case.

Three things the programme watches (issue 14): a buyer who claims often, a seller whose
buyers are often found right, and a claim on an offer the platform removed as counterfeit
or unsafe. Each is a signal {code, detail}; the detail is what a moderator reads.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from moderation import policy
from moderation.domain import DecisionAction, OfferStatus
from moderation.tables import Claim, Decision, Offer, Order, utcnow

_REMOVING = (DecisionAction.REMOVE.value, DecisionAction.BLOCK.value)
_GONE = (OfferStatus.REMOVED.value, OfferStatus.BLOCKED.value)


def fraud_signals(session: Session, *, order: Order,
                  now: datetime | None = None) -> list[dict[str, Any]]:
    """The signals a claim on this order carries: [{code, detail}], most telling first."""
    now = now or utcnow()
    since = now - policy.FRAUD_WINDOW
    days = policy.FRAUD_WINDOW.days
    found: list[dict[str, Any]] = []
    removal = _removal(session, order.offer_id)
    if removal is not None:
        found.append(removal)
    upheld = session.scalar(
        select(func.count(Claim.id)).join(Order, Order.id == Claim.order_id)
        .where(Order.seller_id == order.seller_id, Claim.upheld.is_(True),
               Claim.decided_at >= since, Claim.decided_at <= now)) or 0
    if upheld >= policy.SELLER_MANY_UPHELD:
        found.append({"code": "SELLER_MANY_UPHELD",
                      "detail": f"the seller had {upheld} claims upheld in {days} days "
                                f"(signal from {policy.SELLER_MANY_UPHELD})"})
    # Claims on other orders only: whether the claim being opened is flushed yet or not, and
    # a second discussion on one parcel, say nothing of how often the buyer claims.
    claims = session.scalar(
        select(func.count(Claim.id)).join(Order, Order.id == Claim.order_id)
        .where(Order.buyer_id == order.buyer_id, Order.id != order.id,
               Claim.opened_at >= since, Claim.opened_at <= now)) or 0
    if claims >= policy.BUYER_MANY_CLAIMS:
        found.append({"code": "BUYER_MANY_CLAIMS",
                      "detail": f"the buyer opened {claims} claims on other orders in "
                                f"{days} days (signal from {policy.BUYER_MANY_CLAIMS})"})
    rank = list(policy.FRAUD_SIGNAL_WEIGHT)
    return sorted(found, key=lambda s: rank.index(s["code"]))


def _removal(session: Session, offer_id: int) -> dict[str, Any] | None:
    """The signal of an offer that is removed now for counterfeit or unsafe, if it is."""
    status = session.scalar(select(Offer.status).where(Offer.id == offer_id))
    if status not in _GONE:
        return None  # never removed, or restored after an appeal: the removal stands no more
    # The removal in force is the latest decision that removed or blocked the offer.
    latest = session.scalar(
        select(Decision).where(Decision.offer_id == offer_id, Decision.action.in_(_REMOVING))
        .order_by(Decision.decided_at.desc(), Decision.id.desc()).limit(1))
    if latest is None:
        return None
    if latest.reason_code.startswith(policy.COUNTERFEIT_REASON_PREFIX):
        code = "OFFER_REMOVED_COUNTERFEIT"
    elif latest.statement_category in policy.UNSAFE_CATEGORIES:
        code = "OFFER_REMOVED_UNSAFE"
    else:
        return None
    when = latest.decided_at.date().isoformat()
    return {"code": code,
            "detail": f"the offer was {status} on {when} ({latest.reason_code}, "
                      f"decision {latest.id})"}


def claim_priority(signals: list[dict[str, Any]], *, fast_track: bool) -> int:
    """The priority (1 most urgent) of a claim's case with these signals."""
    base = policy.CLAIM_BASE_PRIORITY[fast_track]
    raised = sum(policy.FRAUD_SIGNAL_WEIGHT.get(s["code"], 0) for s in signals)
    return max(1, min(5, base - raised))
