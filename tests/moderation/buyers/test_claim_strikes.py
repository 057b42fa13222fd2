"""Upheld claims strike a seller on the repeat-infringer ladder, one strike a set."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from moderation import policy
from moderation.buyers.claim_strikes import count_upheld_claim
from moderation.domain import DecisionAction, Restriction
from moderation.tables import Offer, Seller, Statement, Strike, utcnow
from tests.claim_rows import make_claim, make_decision, make_order
from tests.factories import make_offer

T0 = utcnow() - timedelta(days=30)
N = policy.CLAIM_STRIKE_THRESHOLD


def _uphold(session: Session, offer: Offer, at: datetime,
            action: DecisionAction = DecisionAction.COMPENSATE) -> Strike | None:
    """Decide one claim on the seller's offer at this time and count it, as B's decision does."""
    claim = make_claim(session, make_order(session, offer=offer), opened_at=at - timedelta(hours=2))
    decision = make_decision(session, offer_id=offer.id, action=action, decided_at=at)
    claim.decision_id, claim.decided_at = decision.id, at
    claim.upheld = action is not DecisionAction.REJECT
    session.flush()
    count_upheld_claim(session, claim=claim, decision=decision)
    count_upheld_claim(session, claim=claim, decision=decision)  # a retry counts nothing more
    return session.scalar(select(Strike).where(Strike.decision_id == decision.id))


def _strikes(session: Session, seller_id: int) -> int:
    return session.scalar(select(func.count(Strike.id)).where(Strike.seller_id == seller_id)
                          ) or 0


def test_the_claim_that_completes_a_set_strikes_the_seller_and_warns(session: Session) -> None:
    offer = make_offer(session)
    found = [_uphold(session, offer, T0 + timedelta(days=i)) for i in range(N)]
    assert found[:-1] == [None] * (N - 1)
    strike = found[-1]
    assert strike is not None and strike.notice_id is None
    seller = session.get(Seller, offer.seller_id)
    assert seller is not None and seller.strikes == 1
    assert session.scalar(select(Statement.restriction).where(
        Statement.strike_id == strike.id)) == Restriction.STRIKE.value


def test_the_claims_of_one_strike_do_not_count_toward_the_next(session: Session) -> None:
    offer = make_offer(session)
    for day in range(N):
        _uphold(session, offer, T0 + timedelta(days=day))
    later = [_uphold(session, offer, T0 + timedelta(days=N + 2 + i)) for i in range(N)]
    assert later[:-1] == [None] * (N - 1) and later[-1] is not None
    assert _strikes(session, offer.seller_id) == 2


@pytest.mark.parametrize(("action", "spacing", "struck"), [
    (DecisionAction.COMPENSATE, timedelta(days=1), True),
    (DecisionAction.PARTIAL, timedelta(days=1), True),
    # Rejections are the seller found right: nothing counts.
    (DecisionAction.REJECT, timedelta(days=1), False),
    # Spread wider than the window, no set is ever complete within it.
    (DecisionAction.COMPENSATE, policy.CLAIM_STRIKE_WINDOW / (N - 1) + timedelta(days=1),
     False),
])
def test_only_upheld_claims_within_the_window_count(
        session: Session, action: DecisionAction, spacing: timedelta, struck: bool) -> None:
    offer = make_offer(session)
    start = utcnow() - spacing * N
    for i in range(N):
        _uphold(session, offer, start + spacing * i, action)
    assert _strikes(session, offer.seller_id) == (1 if struck else 0)


def test_claims_on_another_sellers_offers_do_not_count(session: Session) -> None:
    mine, other = make_offer(session), make_offer(session)
    while other.seller_id == mine.seller_id:
        other = make_offer(session)
    for day in range(N - 1):
        _uphold(session, other, T0 + timedelta(days=day))
    assert _uphold(session, mine, T0 + timedelta(days=N)) is None
    assert _strikes(session, mine.seller_id) == 0
