"""Discussions: opened on an order, answered, refused or settled between buyer and seller."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation import policy
from moderation.buyers import discussions
from moderation.buyers.discussions import DiscussionIn, MessageIn, StepIn
from moderation.errors import Conflict, NotFound
from moderation.tables import AuditEntry, utcnow
from tests.factories import discussion_event, make_discussion, make_order


def step(**message: object) -> StepIn:
    data: dict[str, object] = {"at": utcnow()}
    if message:
        data["message"] = {"sent_at": utcnow(), "body": "", **message}
    return StepIn.model_validate(data)


def test_a_discussion_opens_with_its_first_message_and_the_sellers_deadline(
        session: Session) -> None:
    d = make_discussion(session)
    assert d.status == "open"
    assert d.seller_answer_due_at == d.opened_at + policy.SELLER_ANSWER_DUE
    [message] = discussions.messages_of(session, d.id)
    assert message.author == "buyer"
    assert message.attachments == [{"name": "screen.png", "content_type": "image/png",
                                    "size": 48213, "sha256": "ab" * 32}]
    assert session.scalar(select(AuditEntry.action).where(
        AuditEntry.entity == "discussion", AuditEntry.entity_id == d.id)) == "discussion.opened"


def test_the_same_discussion_sent_again_is_stored_once(session: Session) -> None:
    order = make_order(session)
    event = DiscussionIn.model_validate(discussion_event(order))
    first = discussions.open_discussion(session, event)
    assert discussions.open_discussion(session, event).id == first.id
    assert len(discussions.messages_of(session, first.id)) == 1


def test_a_discussion_id_reused_for_another_order_is_a_conflict(session: Session) -> None:
    event = discussion_event(make_order(session))
    discussions.open_discussion(session, DiscussionIn.model_validate(event))
    other = {**event, "order_id": make_order(session).marketplace_id}
    with pytest.raises(Conflict):
        discussions.open_discussion(session, DiscussionIn.model_validate(other))


def test_an_unknown_order_is_named(session: Session) -> None:
    event = discussion_event(make_order(session), order_id="no-such-order")
    with pytest.raises(NotFound) as caught:
        discussions.open_discussion(session, DiscussionIn.model_validate(event))
    assert caught.value.field == "order_id"


@pytest.mark.parametrize(("field", "value"), [
    ("reason", "neutral"),  # not one of the programme's reasons
    ("opened_at", "2026-01-01T10:00:00"),  # no time zone
])
def test_bad_discussions_are_refused(session: Session, field: str, value: str) -> None:
    with pytest.raises(ValidationError) as caught:
        DiscussionIn.model_validate(discussion_event(make_order(session), **{field: value}))
    assert caught.value.errors()[0]["loc"] == (field,)


@pytest.mark.parametrize(("attachment", "field"), [
    ({"sha256": "xyz"}, "sha256"),
    ({"size": -1}, "size"),
    ({"content_type": "not a type"}, "content_type"),
    ({"name": "a\x00b"}, "name"),
])
def test_attachments_are_metadata_checked(attachment: dict[str, object], field: str) -> None:
    good = {"name": "a.jpg", "content_type": "image/jpeg", "size": 1, "sha256": "0" * 64}
    with pytest.raises(ValidationError) as caught:
        MessageIn.model_validate({"message_id": "m1", "author": "buyer", "sent_at": utcnow(),
                                  "attachments": [{**good, **attachment}]})
    assert caught.value.errors()[0]["loc"] == ("attachments", 0, field)


def test_messages_are_kept_once_per_marketplace_id(session: Session) -> None:
    d = make_discussion(session)
    message = MessageIn.model_validate({"message_id": "seller-1", "author": "seller",
                                        "body": "Sprawdzę u kuriera.", "sent_at": utcnow()})
    first = discussions.add_message(session, d.id, message)
    assert discussions.add_message(session, d.id, message).id == first.id
    assert [m.author for m in discussions.messages_of(session, d.id)] == ["buyer", "seller"]


def test_the_sellers_answer_and_refusal_are_recorded(session: Session) -> None:
    d = make_discussion(session)
    discussions.answer(session, d.id, step(message_id="s1", author="seller", body="Wysłane."))
    assert d.seller_answered_at is not None
    discussions.refuse(session, d.id, step())
    assert d.seller_refused_at is not None and d.status == "open"
    assert len(discussions.messages_of(session, d.id)) == 2


def test_a_settled_discussion_closes_and_takes_no_more_steps(session: Session) -> None:
    d = make_discussion(session)
    discussions.settle(session, d.id, step())
    assert d.status == "settled" and d.settled_at is not None
    assert discussions.settle(session, d.id, step()).status == "settled"  # sent again
    with pytest.raises(Conflict):
        discussions.refuse(session, d.id, step())


@pytest.mark.parametrize(("opened_ago", "refused", "may"), [
    (timedelta(0), False, False),  # the seller still has time
    (policy.SELLER_ANSWER_DUE - timedelta(minutes=1), False, False),
    (policy.SELLER_ANSWER_DUE + timedelta(minutes=1), False, True),  # the deadline passed
    (timedelta(0), True, True),  # the seller refused
])
def test_when_the_buyer_may_escalate(session: Session, opened_ago: timedelta, refused: bool,
                                     may: bool) -> None:
    d = make_discussion(session, opened_ago=opened_ago)
    if refused:
        discussions.refuse(session, d.id, step())
    assert (discussions.may_escalate(d, utcnow()) is None) is may
