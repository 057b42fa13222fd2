"""Reminders to rate: a buyer who has not rated an order hears once, through the outbox,
before the window to rate it closes.

A periodic job calls `send_due`; every run looks for every order due, so a run that failed
or never came is made up by the next one (it is its own sweep). Each order is reminded at
most once: the reminder row is unique per order and inserted before its message, and a
concurrent run that finds it written sends nothing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from moderation import outbox, policy
from moderation.buyers.feedback import BUYER_RECIPIENT
from moderation.db import is_postgres
from moderation.tables import Buyer, Feedback, FeedbackReminder, Order

REMINDER_MESSAGE = "buyer.feedback_reminder"
BATCH = 1_000


def due_orders(session: Session, *, now: datetime, limit: int = BATCH) -> list[int]:
    """Orders whose window closes within the reminder's lead, not rated nor reminded, of an
    activated buyer (no one else may rate), oldest first."""
    opens = now - policy.FEEDBACK_WINDOW
    reminds = now - (policy.FEEDBACK_WINDOW - policy.FEEDBACK_REMINDER_BEFORE)
    return list(session.scalars(
        select(Order.id).join(Buyer, Buyer.id == Order.buyer_id)
        .where(Order.ordered_at > opens, Order.ordered_at <= reminds, Buyer.activated.is_(True),
               ~exists().where(Feedback.order_id == Order.id),
               ~exists().where(FeedbackReminder.order_id == Order.id))
        .order_by(Order.ordered_at, Order.id).limit(limit)))


def send_due(session: Session, *, now: datetime, limit: int = BATCH) -> int:
    """Remind the buyers of one batch of due orders; return how many were reminded."""
    ids = due_orders(session, now=now, limit=limit)
    if not ids:
        return 0
    insert = (postgresql.insert if is_postgres(session)
              else sqlite.insert)
    claimed = {order_id: reminder_id for order_id, reminder_id in session.execute(
        insert(FeedbackReminder).on_conflict_do_nothing(index_elements=["order_id"])
        .returning(FeedbackReminder.order_id, FeedbackReminder.id),
        [{"order_id": oid, "sent_at": now} for oid in ids])}
    rows = session.execute(
        select(Order.id, Order.marketplace_id, Order.ordered_at, Buyer.external_id)
        .join(Buyer, Buyer.id == Order.buyer_id).where(Order.id.in_(claimed))
        .order_by(Order.id)).all()
    messages = [(claimed[order_id], outbox.notify(
        session, kind=REMINDER_MESSAGE, recipient=BUYER_RECIPIENT.format(buyer),
        payload={"order_id": marketplace_id, "buyer_id": buyer,
                 "rate_until": (ordered_at + policy.FEEDBACK_WINDOW).isoformat()}))
        for order_id, marketplace_id, ordered_at, buyer in rows]
    session.flush()  # the messages' ids, which the reminders keep
    if messages:
        session.execute(update(FeedbackReminder), [
            {"id": reminder_id, "outbox_id": message.id} for reminder_id, message in messages])
    return len(messages)
