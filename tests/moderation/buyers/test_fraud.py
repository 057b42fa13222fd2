"""Fraud signals on a claim, read from what the database holds, and the priority they give."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session

from moderation import policy
from moderation.buyers.fraud import claim_priority, fraud_signals
from moderation.domain import DecisionAction, OfferStatus, StatementCategory
from moderation.tables import utcnow
from tests.claim_rows import make_claim, make_decision, make_order
from tests.factories import make_buyer, make_offer

_UNSAFE = StatementCategory.UNSAFE_AND_PROHIBITED.value
_IP = StatementCategory.INTELLECTUAL_PROPERTY.value
_SCAMS = StatementCategory.SCAMS_AND_FRAUD.value


def _codes(signals: list[dict[str, Any]]) -> list[str]:
    return [s["code"] for s in signals]


def test_a_plain_order_carries_no_signal(session: Session) -> None:
    assert fraud_signals(session, order=make_order(session)) == []


@pytest.mark.parametrize(("others", "days_ago", "expected"), [
    (policy.BUYER_MANY_CLAIMS, 1, ["BUYER_MANY_CLAIMS"]),
    (policy.BUYER_MANY_CLAIMS - 1, 1, []),
    # Claims older than the window no longer count.
    (policy.BUYER_MANY_CLAIMS, policy.FRAUD_WINDOW.days + 1, []),
])
def test_a_buyer_with_many_claims_on_other_orders(session: Session, others: int,
                                                  days_ago: int, expected: list[str]) -> None:
    buyer = make_buyer(session)
    for _ in range(others):
        make_claim(session, make_order(session, buyer=buyer),
                   opened_at=utcnow() - timedelta(days=days_ago))
    signals = fraud_signals(session, order=make_order(session, buyer=buyer))
    assert _codes(signals) == expected
    if expected:
        assert f"{others} claims" in signals[0]["detail"]


def test_claims_on_the_same_order_do_not_make_a_buyer_suspect(session: Session) -> None:
    order = make_order(session)
    for _ in range(policy.BUYER_MANY_CLAIMS):
        make_claim(session, order)
    assert fraud_signals(session, order=order) == []


@pytest.mark.parametrize(("upheld", "count", "expected"), [
    (True, policy.SELLER_MANY_UPHELD, ["SELLER_MANY_UPHELD"]),
    (True, policy.SELLER_MANY_UPHELD - 1, []),
    # Rejected claims are the seller's answer standing, not buyers found right.
    (False, policy.SELLER_MANY_UPHELD, []),
])
def test_a_seller_with_many_upheld_claims(session: Session, upheld: bool, count: int,
                                          expected: list[str]) -> None:
    offer = make_offer(session)
    for _ in range(count):
        make_claim(session, make_order(session, offer=offer), upheld=upheld)
    assert _codes(fraud_signals(session, order=make_order(session, offer=offer))) == expected


def test_upheld_claims_older_than_the_window_do_not_count(session: Session) -> None:
    offer = make_offer(session)
    old = utcnow() - policy.FRAUD_WINDOW - timedelta(days=1)
    for _ in range(policy.SELLER_MANY_UPHELD):
        make_claim(session, make_order(session, offer=offer), upheld=True, decided_at=old)
    assert fraud_signals(session, order=make_order(session, offer=offer)) == []


@pytest.mark.parametrize(("status", "action", "reason", "category", "expected"), [
    (OfferStatus.REMOVED, DecisionAction.REMOVE, "COUNTERFEIT", _IP,
     ["OFFER_REMOVED_COUNTERFEIT"]),
    (OfferStatus.BLOCKED, DecisionAction.BLOCK, "COUNTERFEIT_MARKER_WITH_BRAND", _IP,
     ["OFFER_REMOVED_COUNTERFEIT"]),
    (OfferStatus.REMOVED, DecisionAction.REMOVE, "UNSAFE_PRODUCT", _UNSAFE,
     ["OFFER_REMOVED_UNSAFE"]),
    (OfferStatus.BLOCKED, DecisionAction.BLOCK, "PROHIBITED_EXPLOSIVES", _UNSAFE,
     ["OFFER_REMOVED_UNSAFE"]),
    # Removed, but for something else: no signal.
    (OfferStatus.REMOVED, DecisionAction.REMOVE, "SCAM", _SCAMS, []),
    (OfferStatus.REMOVED, DecisionAction.REMOVE, "COPYRIGHT", _IP, []),
    # Restored after the removal (an appeal won): the removal stands no more.
    (OfferStatus.RESTORED, DecisionAction.REMOVE, "COUNTERFEIT", _IP, []),
])
def test_a_claim_on_an_offer_removed_as_counterfeit_or_unsafe(
        session: Session, status: OfferStatus, action: DecisionAction, reason: str,
        category: str, expected: list[str]) -> None:
    offer = make_offer(session)
    make_decision(session, offer_id=offer.id, action=action, reason_code=reason,
                  statement_category=category)
    offer.status = status.value
    signals = fraud_signals(session, order=make_order(session, offer=offer))
    assert _codes(signals) == expected
    if expected:
        assert reason in signals[0]["detail"]


def test_the_removal_in_force_is_the_latest(session: Session) -> None:
    offer = make_offer(session)
    make_decision(session, offer_id=offer.id, action=DecisionAction.REMOVE,
                  reason_code="SCAM", statement_category=_SCAMS,
                  decided_at=utcnow() - timedelta(days=5))
    make_decision(session, offer_id=offer.id, action=DecisionAction.REMOVE,
                  reason_code="UNSAFE_PRODUCT", statement_category=_UNSAFE)
    offer.status = OfferStatus.REMOVED.value
    assert _codes(fraud_signals(session, order=make_order(session, offer=offer))) == [
        "OFFER_REMOVED_UNSAFE"]


def test_signals_come_most_telling_first(session: Session) -> None:
    offer = make_offer(session)
    buyer = make_buyer(session)
    for _ in range(policy.SELLER_MANY_UPHELD):
        make_claim(session, make_order(session, offer=offer), upheld=True)
    for _ in range(policy.BUYER_MANY_CLAIMS):
        make_claim(session, make_order(session, buyer=buyer))
    make_decision(session, offer_id=offer.id, action=DecisionAction.REMOVE,
                  reason_code="COUNTERFEIT", statement_category=_IP)
    offer.status = OfferStatus.REMOVED.value
    signals = fraud_signals(session, order=make_order(session, buyer=buyer, offer=offer))
    assert _codes(signals) == ["OFFER_REMOVED_COUNTERFEIT", "SELLER_MANY_UPHELD",
                               "BUYER_MANY_CLAIMS"]
    assert all(isinstance(s["detail"], str) and s["detail"] for s in signals)


def _signal(code: str) -> dict[str, Any]:
    return {"code": code, "detail": "..."}


@pytest.mark.parametrize(("codes", "fast_track", "expected"), [
    ([], False, 4),
    ([], True, 2),
    (["BUYER_MANY_CLAIMS"], False, 3),
    (["SELLER_MANY_UPHELD", "BUYER_MANY_CLAIMS"], False, 2),
    (["OFFER_REMOVED_UNSAFE"], False, 2),
    (["OFFER_REMOVED_COUNTERFEIT", "SELLER_MANY_UPHELD"], False, 1),
    (["BUYER_MANY_CLAIMS"], True, 1),
    # Never past the most urgent; an unknown code raises nothing.
    (["OFFER_REMOVED_UNSAFE", "SELLER_MANY_UPHELD", "BUYER_MANY_CLAIMS"], True, 1),
    (["SOMETHING_ELSE"], False, 4),
])
def test_claim_priority(codes: list[str], fast_track: bool, expected: int) -> None:
    assert claim_priority([_signal(c) for c in codes], fast_track=fast_track) == expected
