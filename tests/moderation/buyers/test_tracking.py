"""Tracking events: each stored once; `delivered` records the order's delivery."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from moderation.buyers import orders, tracking
from moderation.buyers.schemas import OrderIn, TrackingEventIn
from moderation.tables import Order
from tests.factories import make_offer
from tests.moderation.buyers.test_orders import order_event

T0 = datetime(2026, 11, 21, 8, tzinfo=UTC)


def _order(session: Session) -> Order:
    offer = make_offer(session, seller={"id": "s-orders"})
    return orders.record_order(session, OrderIn.model_validate(
        order_event(offer.marketplace_id, marketplace_id="o-track"))).order


def _event(event_id: str, status: str, hours: int) -> TrackingEventIn:
    return TrackingEventIn(event_id=event_id, status=status, carrier="InPost",
                           occurred_at=T0 + timedelta(hours=hours))


def test_events_are_stored_once_and_listed_in_time_order(session: Session) -> None:
    order = _order(session)
    first = [_event("e2", "in_transit", 5), _event("e1", "shipped", 0)]
    assert tracking.record_events(session, order, first) == 2
    assert tracking.record_events(session, order, [*first, _event("e3", "in_transit", 9)]) == 1
    assert [e.event_id for e in tracking.events_of(session, order)] == ["e1", "e2", "e3"]
    assert order.delivered_at is None


def test_the_first_delivered_event_records_the_delivery(session: Session) -> None:
    order = _order(session)
    tracking.record_events(session, order, [_event("d1", "delivered", 30)])
    tracking.record_events(session, order, [_event("d2", "delivered", 40)])
    assert order.delivered_at == T0 + timedelta(hours=30)
