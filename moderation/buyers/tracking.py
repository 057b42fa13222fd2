"""A parcel's tracking events, as the marketplace forwards them: evidence for a claim.

Each event is stored once by its id within the order (a resend changes nothing); a
`delivered` event records the order's delivery, the first one to arrive setting it.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from moderation import audit
from moderation.buyers import orders
from moderation.buyers.schemas import TrackingEventIn
from moderation.db import is_postgres
from moderation.tables import Order, TrackingEvent, utcnow

DELIVERED = "delivered"


def record_events(session: Session, order: Order, events: Sequence[TrackingEventIn], *,
                  actor: str = audit.SYSTEM) -> int:
    """Store the events not stored before; return how many were new."""
    insert = (postgresql.insert if is_postgres(session)
              else sqlite.insert)
    now = utcnow()
    new = 0
    for event in events:
        # ON CONFLICT DO NOTHING: a resend, even one racing the first, is stored once.
        stored = session.execute(
            insert(TrackingEvent).values(
                order_id=order.id, event_id=event.event_id, status=event.status,
                carrier=event.carrier, detail=event.detail, occurred_at=event.occurred_at,
                received_at=now)
            .on_conflict_do_nothing(index_elements=["order_id", "event_id"])
            .returning(TrackingEvent.id)).scalar()
        if stored is None:
            continue
        new += 1
        if event.status == DELIVERED:
            orders.mark_delivered(session, order, event.occurred_at, actor=actor)
    return new


def events_of(session: Session, order: Order) -> list[TrackingEvent]:
    """The order's tracking events, oldest first."""
    return list(session.scalars(select(TrackingEvent).where(TrackingEvent.order_id == order.id)
                                .order_by(TrackingEvent.occurred_at, TrackingEvent.id)))
