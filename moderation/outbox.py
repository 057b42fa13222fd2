"""The notification outbox: written with the decision, delivered by a job (delivery.py)."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation.domain import OutboxStatus
from moderation.tables import Decision, Offer, OutboxMessage, Seller, utcnow

log = logging.getLogger(__name__)

REDRESS = (
    "You may appeal this decision through the internal complaint-handling system within "
    "6 months (DSA art. 20), use an out-of-court dispute settlement body (art. 21), or go "
    "to court."
)
# Contractual ground cited in statements of reasons (the marketplace's terms of service).
TERMS_GROUND = "Regulamin, Załącznik nr 1 (przedmioty zakazane i naruszające prawa)"


def statement_of_reasons(
    decision: Decision, offer: Offer, *, automated_detection: bool
) -> dict[str, Any]:
    """Build the DSA art. 17 statement of reasons for a restrictive decision."""
    return {
        "decision_id": decision.id,
        "offer": {"id": offer.id, "marketplace_id": offer.marketplace_id, "title": offer.title},
        "restriction": "removal" if decision.action in ("remove", "block") else decision.action,
        "facts_and_circumstances": decision.note or f"Rule or policy: {decision.reason_code}",
        "reason_code": decision.reason_code,
        "category": decision.statement_category,
        "automated_detection": automated_detection,
        "automated_decision": decision.automated,
        "ground": TERMS_GROUND,
        "redress": REDRESS,
        "decided_at": decision.decided_at.isoformat(),
    }


def notify_seller(session: Session, decision: Decision, offer: Offer, *,
                  automated_detection: bool, counter_notice_until: datetime | None = None,
                  seller_external_id: str | None = None) -> OutboxMessage:
    """Queue the seller's statement of reasons in the decision's transaction.

    A removal on a rights holder's notice tells the seller until when a counter-notice
    may be filed.
    """
    seller_ext = seller_external_id or session.scalar(
        select(Seller.external_id).where(Seller.id == offer.seller_id))
    payload = statement_of_reasons(decision, offer, automated_detection=automated_detection)
    if counter_notice_until is not None:
        payload["counter_notice"] = {
            "until": counter_notice_until.isoformat(),
            "how": "File a counter-notice through the marketplace, quoting the decision id; "
                   "a different moderator reviews it and the rights holder is told.",
        }
    return notify(session, kind="seller.statement_of_reasons", recipient=f"seller:{seller_ext}",
                  payload=payload)


def notify(session: Session, *, kind: str, recipient: str, payload: dict[str, Any]
           ) -> OutboxMessage:
    """Queue a message to a notifier, a seller or an organisation in the caller's transaction."""
    message = OutboxMessage(kind=kind, recipient=recipient, payload=payload,
                            status=OutboxStatus.PENDING.value, attempts=0, created_at=utcnow())
    session.add(message)
    return message

