"""Reminders to rate: once per order, before the window closes, only to who may rate."""

from __future__ import annotations

import pytest
from redis import Redis
from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation import policy
from moderation.buyers import feedback, feedback_reminders
from moderation.buyers.feedback import FeedbackIn
from moderation.runtime import Runtime
from moderation.tables import Buyer, FeedbackReminder, Order, OutboxMessage, utcnow
from tests.factories import feedback_order
from workers import tasks

WINDOW = policy.FEEDBACK_WINDOW.days
LEAD = policy.FEEDBACK_REMINDER_BEFORE.days


def reminders(session: Session) -> list[OutboxMessage]:
    return list(session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == feedback_reminders.REMINDER_MESSAGE).order_by(OutboxMessage.id)))


@pytest.mark.parametrize(("days_ago", "activated", "reminded"), [
    (WINDOW - LEAD + 0.5, True, True),  # inside the reminder's lead
    (WINDOW - 0.5, True, True),  # the last day
    (WINDOW - LEAD - 0.5, True, False),  # too early
    (WINDOW + 0.5, True, False),  # the window has closed
    (WINDOW - 1, False, False),  # may not rate
    (WINDOW - 1, None, False),  # unknown is not activated
])
def test_who_is_reminded(session: Session, days_ago: float, activated: bool | None,
                         reminded: bool) -> None:
    order = feedback_order(session, days_ago=days_ago, activated=activated)
    sent = feedback_reminders.send_due(session, now=utcnow())
    assert sent == int(reminded)
    found = reminders(session)
    assert [m.payload["order_id"] for m in found] == ([order.marketplace_id] if reminded
                                                       else [])
    if reminded:
        buyer = session.get_one(Buyer, order.buyer_id)
        assert found[0].recipient == f"buyer:{buyer.external_id}"
        assert found[0].payload["rate_until"] == (order.ordered_at
                                                  + policy.FEEDBACK_WINDOW).isoformat()
        row = session.scalar(select(FeedbackReminder).where(
            FeedbackReminder.order_id == order.id))
        assert row is not None and row.outbox_id == found[0].id


def test_each_order_is_reminded_once_and_a_rated_one_not_at_all(session: Session) -> None:
    due = [feedback_order(session, days_ago=WINDOW - 2) for _ in range(3)]
    rated = feedback_order(session, days_ago=WINDOW - 2)
    feedback.submit_feedback(session, FeedbackIn.model_validate(
        {"feedback_id": "r-1", "order_id": rated.marketplace_id, "rating": "positive"}),
        rules=feedback.comment_rules(), now=utcnow())
    assert feedback_reminders.send_due(session, now=utcnow(), limit=2) == 2
    assert feedback_reminders.send_due(session, now=utcnow()) == 1
    assert feedback_reminders.send_due(session, now=utcnow()) == 0
    assert sorted(m.payload["order_id"] for m in reminders(session)) == sorted(
        o.marketplace_id for o in due)


def test_the_periodic_job_reminds_once_an_hour_across_workers(
        runtime: Runtime, redis: Redis, as_worker: Runtime) -> None:
    with runtime.sessionmaker() as session:
        order = feedback_order(session, days_ago=WINDOW - 1)
        session.commit()
        order_id = order.id
    assert tasks.remind_feedback() == 1
    assert tasks.remind_feedback() == 0  # the hour is not over: not looked for again
    redis.delete(tasks.FEEDBACK_REMINDERS_RAN)
    assert tasks.remind_feedback() == 0  # looked for again: already reminded
    with runtime.sessionmaker() as session:
        assert session.scalar(select(Order.id).join(
            FeedbackReminder, FeedbackReminder.order_id == Order.id)) == order_id
