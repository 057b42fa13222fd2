"""The seller's quality shown to buyers: 12 months of ratings that stand and upheld claims."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from moderation.buyers import seller_quality
from moderation.errors import NotFound
from moderation.tables import Claim, Discussion, Feedback, Offer, Order, Seller, utcnow
from tests.factories import feedback_order, make_offer


def rated(session: Session, offer: Offer, rating: str, *, days_ago: float,
          status: str = "published") -> Feedback:
    order = feedback_order(session, offer=offer, days_ago=days_ago)
    row = Feedback(marketplace_id=f"q-{order.marketplace_id}", order_id=order.id,
                   buyer_id=order.buyer_id, seller_id=order.seller_id, rating=rating,
                   comment="", status=status, hits=[],
                   created_at=utcnow() - timedelta(days=days_ago))
    session.add(row)
    session.flush()
    return row


def claimed(session: Session, order: Order, *, upheld: bool | None,
            decided_at: datetime | None) -> Claim:
    discussion = Discussion(marketplace_id=f"d-{order.marketplace_id}", order_id=order.id,
                            reason="not_received", opened_at=utcnow() - timedelta(days=40),
                            seller_answer_due_at=utcnow() - timedelta(days=38))
    session.add(discussion)
    session.flush()
    claim = Claim(discussion_id=discussion.id, order_id=order.id, reason="not_received",
                  status="compensated" if upheld else "rejected", upheld=upheld,
                  decided_at=decided_at)
    session.add(claim)
    session.flush()
    return claim


def quality(session: Session, offer: Offer) -> seller_quality.SellerQuality:
    external = session.get_one(Seller, offer.seller_id).external_id
    return seller_quality.seller_quality(session, external, now=utcnow())


@pytest.fixture
def offer(session: Session) -> Offer:
    # A seller of its own: the factories' offers share five sellers among them.
    return make_offer(session, seller={"id": f"quality-{utcnow().timestamp()}"})


def test_only_ratings_that_stand_in_the_last_12_months_count(session: Session,
                                                            offer: Offer) -> None:
    for days in (1, 100, 364):
        rated(session, offer, "positive", days_ago=days)
    rated(session, offer, "negative", days_ago=30)
    rated(session, offer, "positive", days_ago=366)  # too old
    rated(session, offer, "negative", days_ago=400)  # too old
    rated(session, offer, "negative", days_ago=5, status="removed")
    rated(session, offer, "negative", days_ago=5, status="held")
    shown = quality(session, offer)
    assert (shown.positive, shown.negative, shown.ratings) == (3, 1, 4)
    assert shown.share_positive == pytest.approx(0.75)
    assert shown.until - shown.since == timedelta(days=365)


def test_upheld_claims_decided_in_the_12_months_count(session: Session, offer: Offer) -> None:
    now = utcnow()
    for upheld, decided in [(True, now - timedelta(days=10)), (True, now - timedelta(days=200)),
                            (True, now - timedelta(days=370)), (False, now - timedelta(days=5)),
                            (None, None)]:
        claimed(session, feedback_order(session, offer=offer), upheld=upheld,
                decided_at=decided)
    other = make_offer(session, seller={"id": f"other-{now.timestamp()}"})
    claimed(session, feedback_order(session, offer=other), upheld=True,
            decided_at=now - timedelta(days=1))
    assert quality(session, offer).upheld_claims == 2


def test_a_seller_without_ratings_has_no_share(session: Session, offer: Offer) -> None:
    shown = quality(session, offer)
    assert shown.ratings == 0 and shown.share_positive is None and shown.upheld_claims == 0


def test_an_unknown_seller_is_not_found(session: Session) -> None:
    with pytest.raises(NotFound):
        seller_quality.seller_quality(session, "no-such-seller", now=utcnow())
