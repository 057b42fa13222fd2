"""The notification outbox: written with the decision, delivered by a job (delivery.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from moderation.domain import OutboxStatus
from moderation.tables import Decision, Offer, OutboxMessage, utcnow


def notify_seller(session: Session, decision: Decision, offer: Offer, *,
                  automated_detection: bool, counter_notice_until: datetime | None = None,
                  seller_external_id: str | None = None) -> OutboxMessage:
    """Write the statement of reasons of a removal or block, and queue it to the seller.

    Kept for its callers: the statement is the statements room's (moderation/statements),
    which finds the seller and its language itself (`seller_external_id` is not needed).
    A removal on a rights holder's notice tells the seller until when a counter-notice
    may be filed.
    """
    from moderation import statements  # the room writes its messages through notify()

    return statements.decision_statement(session, decision, offer,
                                         automated_detection=automated_detection,
                                         counter_notice_until=counter_notice_until).message


def notify(session: Session, *, kind: str, recipient: str, payload: dict[str, Any]
           ) -> OutboxMessage:
    """Queue a message to a notifier, a seller or an organisation in the caller's transaction."""
    message = OutboxMessage(kind=kind, recipient=recipient, payload=payload,
                            status=OutboxStatus.PENDING.value, attempts=0, created_at=utcnow())
    session.add(message)
    return message

