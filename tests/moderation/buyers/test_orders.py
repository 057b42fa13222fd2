"""Orders: stored once on an offer version we received; the same id with other content is a
conflict naming the field."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from moderation.buyers import orders
from moderation.buyers.schemas import OrderIn
from moderation.errors import InvalidInput, VersionConflict
from moderation.tables import AuditEntry, Buyer, Order
from tests.factories import make_offer

ORDERED = datetime(2026, 11, 20, 10, tzinfo=UTC)


def order_event(offer_id: str, /, **overrides: Any) -> dict[str, Any]:
    """An order of version 1 of the offer, from seller `s-orders`."""
    return {"marketplace_id": "o-1", "buyer": {"id": "b-1"}, "seller_id": "s-orders",
            "offer_id": offer_id, "offer_version": 1, "quantity": 2, "value": "59.98",
            "currency": "PLN", "ordered_at": ORDERED.isoformat(), **overrides}


@pytest.fixture
def offer_id(session: Session) -> str:
    return make_offer(session, marketplace_id="off-ord", seller={"id": "s-orders"}).marketplace_id


def _record(session: Session, body: dict[str, Any]) -> orders.OrderResult:
    return orders.record_order(session, OrderIn.model_validate(body))


def test_an_order_is_stored_with_its_buyer(session: Session, offer_id: str) -> None:
    result = _record(session, order_event(offer_id, fast_track=True, buyer={
        "id": "b-new", "account": {"at": ORDERED.isoformat(), "activated": True}}))
    order = result.order
    assert result.created
    assert (order.quantity, order.value, order.fast_track, order.offer_version) == (
        2, Decimal("59.98"), True, 1)
    buyer = session.get_one(Buyer, order.buyer_id)
    assert (buyer.external_id, buyer.activated) == ("b-new", True)


def test_the_same_order_resent_is_stored_once(session: Session, offer_id: str) -> None:
    first = _record(session, order_event(offer_id))
    again = _record(session, order_event(offer_id))
    assert (first.created, again.created) == (True, False)
    assert first.order.id == again.order.id
    assert session.scalar(select(func.count()).select_from(Order)
                          .where(Order.marketplace_id == "o-1")) == 1
    assert session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.entity == "order", AuditEntry.entity_id == first.order.id)) == 1


@pytest.mark.parametrize(("change", "field"), [
    ({"value": "60.00"}, "value"),
    ({"quantity": 3}, "quantity"),
    ({"buyer": {"id": "b-other"}}, "buyer.id"),
    ({"fast_track": True}, "fast_track"),
    ({"ordered_at": (ORDERED + timedelta(minutes=1)).isoformat()}, "ordered_at"),
])
def test_the_same_id_with_other_content_is_a_conflict(
        session: Session, offer_id: str, change: dict[str, Any], field: str) -> None:
    _record(session, order_event(offer_id))
    with pytest.raises(VersionConflict) as caught:
        _record(session, order_event(offer_id, **change))
    assert caught.value.field == field


def test_a_delivery_may_come_with_a_resend(session: Session, offer_id: str) -> None:
    _record(session, order_event(offer_id))
    delivered = ORDERED + timedelta(days=2)
    again = _record(session, order_event(offer_id, delivered_at=delivered.isoformat()))
    assert not again.created and again.order.delivered_at == delivered


@pytest.mark.parametrize(("change", "field"), [
    ({"offer_id": "never-sent"}, "offer_id"),
    ({"offer_version": 7}, "offer_version"),
    ({"seller_id": "someone-else"}, "seller_id"),
])
def test_an_order_on_what_we_never_received_is_refused(
        session: Session, offer_id: str, change: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        _record(session, order_event(offer_id, **change))
    assert caught.value.field == field
    assert session.scalar(select(func.count()).select_from(Order)) == 0
