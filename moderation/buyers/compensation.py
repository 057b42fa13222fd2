"""Compensation on a claim: asked of the marketplace's payment webhook, paid on confirmation.

The platform decides and the marketplace pays. A decision to compensate (in full or in
part) writes one Compensation row and, in the same transaction, an outbox message to the
payment webhook (delivery.py signs it and sends the compensation's idempotency key, so the
marketplace pays each key once however often the message goes out). The marketplace then
confirms the payment (POST /v1/compensations/{key}/paid), which records when it was paid.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints
from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation import audit, outbox, policy
from moderation.delivery import PAYMENT_RECIPIENT
from moderation.errors import Conflict, InvalidInput, NotFound
from moderation.schemas import Text
from moderation.tables import Buyer, Claim, Compensation, Decision, Order, utcnow

PAYMENT_KIND = "marketplace.compensation"


class PaymentIn(BaseModel):
    """The marketplace's confirmation that it paid a compensation."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    payment_reference: Annotated[Text, StringConstraints(min_length=1, max_length=128)]
    paid_at: datetime


def idempotency_key(*, claim_id: int, decision_id: int) -> str:
    """The key a decision's payment goes out under: the same on every retry of it."""
    return f"claim-{claim_id}-decision-{decision_id}"


def request_compensation(session: Session, *, claim: Claim, decision: Decision,
                         amount: Decimal, now: datetime | None = None) -> Compensation:
    """Record what the platform pays on this decision and queue the payment request (outbox),
    in the caller's transaction; asked twice for one decision, returns the first."""
    earlier = session.scalar(select(Compensation).where(Compensation.decision_id == decision.id))
    if earlier is not None:
        return earlier
    order = session.get(Order, claim.order_id)
    assert order is not None  # a claim's order is a foreign key
    if not Decimal("0") < amount <= order.value:
        raise InvalidInput(f"a compensation is more than 0 and at most the order's value, "
                           f"{order.value} {order.currency}", field="amount")
    buyer = session.get(Buyer, order.buyer_id)
    assert buyer is not None
    now = now or utcnow()
    row = Compensation(claim_id=claim.id, decision_id=decision.id, amount=amount,
                       currency=order.currency, requested_at=now,
                       idempotency_key=idempotency_key(claim_id=claim.id,
                                                       decision_id=decision.id))
    session.add(row)
    session.flush()
    outbox.notify(session, kind=PAYMENT_KIND, recipient=f"{PAYMENT_RECIPIENT}{buyer.external_id}",
                  payload={"idempotency_key": row.idempotency_key,
                           "compensation_id": row.id, "claim_id": claim.id,
                           "decision_id": decision.id, "action": decision.action,
                           "order": order.marketplace_id, "buyer": buyer.external_id,
                           "amount": f"{row.amount:.2f}", "currency": row.currency,
                           "requested_at": now.isoformat()})
    audit.record(session, actor=audit.SYSTEM, action="compensation.requested",
                 entity="compensation", entity_id=row.id, before=None,
                 after={"claim_id": claim.id, "decision_id": decision.id,
                        "amount": f"{row.amount:.2f}", "currency": row.currency,
                        "idempotency_key": row.idempotency_key})
    session.flush()
    return row


def get_compensation(session: Session, key: str, *, lock: bool = False) -> Compensation:
    """One compensation by its idempotency key, or NotFound."""
    query = select(Compensation).where(Compensation.idempotency_key == key)
    row = session.scalar(query.with_for_update() if lock else query)
    if row is None:
        raise NotFound(f"compensation {key} not found")
    return row


def record_payment(session: Session, key: str, *, data: PaymentIn, actor: str,
                   now: datetime) -> Compensation:
    """Record the marketplace's confirmation once; the same reference again changes nothing,
    another reference is a Conflict (the key was paid once already)."""
    paid_at = data.paid_at
    if paid_at.tzinfo is None:
        raise InvalidInput("paid_at needs its time zone (e.g. Z)", field="paid_at")
    if paid_at > now + policy.PAYMENT_CLOCK_SKEW:
        raise InvalidInput("paid_at is in the future", field="paid_at")
    # Locked: two confirmations at once must not both find it unpaid.
    row = get_compensation(session, key, lock=True)
    if row.paid_at is not None:
        if row.payment_reference == data.payment_reference:
            return row
        raise Conflict(f"compensation {key} was paid already under another reference",
                       field="payment_reference")
    row.paid_at, row.payment_reference = paid_at, data.payment_reference
    audit.record(session, actor=actor, action="compensation.paid", entity="compensation",
                 entity_id=row.id, before={"paid_at": None},
                 after={"paid_at": paid_at.isoformat(),
                        "payment_reference": data.payment_reference})
    session.flush()
    return row


def unconfirmed(session: Session, *, now: datetime, limit: int = 1000) -> list[Compensation]:
    """Compensations asked longer than policy.COMPENSATION_CONFIRM_WITHIN ago and not
    confirmed paid, oldest first: what an operator follows up with the marketplace."""
    cutoff = now - policy.COMPENSATION_CONFIRM_WITHIN
    return list(session.scalars(
        select(Compensation).where(Compensation.paid_at.is_(None),
                                   Compensation.requested_at <= cutoff)
        .order_by(Compensation.requested_at, Compensation.id).limit(limit)))
