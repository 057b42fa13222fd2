"""Ratings: who may give them, when, one per order; comments screened, held, corrected."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation.buyers import feedback
from moderation.buyers.feedback import CorrectionIn, FeedbackIn
from moderation.errors import Conflict, InvalidInput, NotFound
from moderation.tables import Buyer, Feedback, OutboxMessage, utcnow
from tests.factories import feedback_order

RULES = feedback.comment_rules()


def rate(session: Session, order_id: str, *, rating: str = "positive", comment: str = "",
         feedback_id: str | None = None) -> tuple[Feedback, bool]:
    data = FeedbackIn.model_validate({"feedback_id": feedback_id or f"fb-{order_id}",
                                      "order_id": order_id, "rating": rating,
                                      "comment": comment})
    return feedback.submit_feedback(session, data, rules=RULES, now=utcnow())


def messages(session: Session, kind: str) -> list[OutboxMessage]:
    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)))


def test_an_activated_buyer_rates_an_order_and_a_clean_comment_is_published(
        session: Session) -> None:
    order = feedback_order(session)
    row, new = rate(session, order.marketplace_id, comment="Szybka wysyłka, polecam!")
    assert new and row.status == "published" and row.hits == []
    assert row.seller_id == order.seller_id and row.rating == "positive"
    assert row.rules_version == RULES.version
    assert messages(session, feedback.HELD_MESSAGE) == []


@pytest.mark.parametrize("activated", [False, None], ids=["not activated", "unknown"])
def test_only_an_activated_account_may_rate(session: Session, activated: bool | None) -> None:
    order = feedback_order(session, activated=activated)
    with pytest.raises(InvalidInput, match="activated") as caught:
        rate(session, order.marketplace_id)
    assert caught.value.field == "order_id"


@pytest.mark.parametrize(("days_ago", "allowed"), [
    (1, True), (89.9, True), (90.1, False), (400, False)])
def test_a_rating_is_taken_within_90_days_of_the_order(session: Session, days_ago: float,
                                                       allowed: bool) -> None:
    order = feedback_order(session, days_ago=days_ago)
    if allowed:
        assert rate(session, order.marketplace_id)[1]
    else:
        with pytest.raises(InvalidInput, match="may be rated until"):
            rate(session, order.marketplace_id)


@pytest.mark.parametrize("rating", ["neutral", "", "POSITIVE ", 1])
def test_a_rating_is_positive_or_negative_only(rating: object) -> None:
    with pytest.raises(ValidationError) as caught:
        FeedbackIn.model_validate({"feedback_id": "f", "order_id": "o", "rating": rating})
    assert caught.value.errors()[0]["loc"] == ("rating",)


def test_one_rating_per_order_and_a_resend_is_answered_with_what_was_stored(
        session: Session) -> None:
    order = feedback_order(session)
    first, _ = rate(session, order.marketplace_id, rating="negative", feedback_id="f-1")
    again, new = rate(session, order.marketplace_id, rating="positive", feedback_id="f-1")
    assert not new and again.id == first.id and again.rating == "negative"
    with pytest.raises(Conflict, match="already rated"):
        rate(session, order.marketplace_id, feedback_id="f-2")
    other = feedback_order(session)
    with pytest.raises(Conflict, match="another order"):
        rate(session, other.marketplace_id, feedback_id="f-1")


def test_an_unknown_order_is_not_found(session: Session) -> None:
    with pytest.raises(NotFound) as caught:
        rate(session, "no-such-order")
    assert caught.value.field == "order_id"


def test_a_comment_that_breaks_a_rule_is_held_and_the_buyer_told_why(session: Session) -> None:
    order = feedback_order(session)
    comment = "Towar OK, dzwońcie 601 234 567"
    row, _ = rate(session, order.marketplace_id, comment=comment)
    assert row.status == "held"
    assert [h["rule_id"] for h in row.hits] == ["feedback.phone_number"]
    assert row.hits[0]["spans"][0]["text"] == "601 234 567"
    [told] = messages(session, feedback.HELD_MESSAGE)
    buyer = session.get_one(Buyer, order.buyer_id)
    assert told.recipient == f"buyer:{buyer.external_id}"
    assert told.payload["feedback_id"] == row.marketplace_id and told.payload["may_correct"]
    assert told.payload["hits"] == row.hits


def test_a_corrected_comment_is_screened_again_and_published_when_it_passes(
        session: Session) -> None:
    order = feedback_order(session)
    row, _ = rate(session, order.marketplace_id, comment="Sprzedawca to debil")
    assert row.status == "held"
    fixed = feedback.correct_feedback(session, row.marketplace_id,
                                      CorrectionIn(comment="Sprzedawca nie odpisywał"),
                                      rules=RULES, now=utcnow())
    assert fixed.status == "published" and fixed.hits == [] and fixed.corrected_at
    worse = feedback.correct_feedback(session, row.marketplace_id,
                                      CorrectionIn(comment="Pisz na jan.nowak@gmail.com"),
                                      rules=RULES, now=utcnow())
    assert worse.status == "held" and worse.hits[0]["rule_id"] == "feedback.email_address"
    assert len(messages(session, feedback.HELD_MESSAGE)) == 2


def test_the_buyer_may_remove_the_feedback_once_and_then_not_correct_it(
        session: Session) -> None:
    order = feedback_order(session)
    row, _ = rate(session, order.marketplace_id, comment="Dobrze")
    removed = feedback.remove_feedback(session, row.marketplace_id, now=utcnow())
    assert removed.status == "removed" and removed.removed_by == "buyer"
    at = removed.removed_at
    assert feedback.remove_feedback(session, row.marketplace_id,
                                    now=utcnow() + timedelta(hours=1)).removed_at == at
    with pytest.raises(Conflict, match="removed"):
        feedback.correct_feedback(session, row.marketplace_id, CorrectionIn(comment="x"),
                                  rules=RULES, now=utcnow())

