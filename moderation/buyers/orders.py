"""Orders as the marketplace sends them: stored once each, on an offer version we received.

An order is what a claim is later judged on (what was bought, as it was then, for how much),
so it is stored once, by the marketplace's id, and never rewritten: the same id sent again
with the same content is a resend, with other content a conflict. Only its delivery may come
later (here, or from a tracking event).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from moderation import audit
from moderation.buyers import accounts
from moderation.buyers.schemas import OrderIn
from moderation.db import is_postgres
from moderation.errors import InvalidInput, NotFound, VersionConflict
from moderation.tables import Offer, OfferVersion, Order, Seller, utcnow


@dataclass(frozen=True, slots=True)
class OrderResult:
    order: Order
    created: bool  # False: this order was received before, with the same content


def record_order(session: Session, event: OrderIn, *, actor: str = audit.SYSTEM
                 ) -> OrderResult:
    """Store an order event once; the same id with other content is a VersionConflict."""
    offer = session.scalars(select(Offer).where(Offer.marketplace_id == event.offer_id)).first()
    if offer is None:
        raise InvalidInput(f"offer_id: offer {event.offer_id} was never received",
                           field="offer_id")
    bought = session.scalars(select(OfferVersion).where(
        OfferVersion.offer_id == offer.id, OfferVersion.version == event.offer_version)).first()
    if bought is None:
        raise InvalidInput(f"offer_version: version {event.offer_version} of offer "
                           f"{event.offer_id} was never received", field="offer_version")
    # The version as bought names its seller: an order from another one is not this offer's.
    if bought.payload.get("seller", {}).get("id") != event.seller_id:
        raise InvalidInput(f"seller_id: version {event.offer_version} of offer "
                           f"{event.offer_id} was not offered by {event.seller_id}",
                           field="seller_id")
    seller = session.scalars(select(Seller).where(Seller.external_id == event.seller_id)).one()
    buyer = accounts.upsert_buyer(session, event.buyer.id, event.buyer.account,
                                  actor=actor).account
    values = {"marketplace_id": event.marketplace_id, "buyer_id": buyer.id,
              "seller_id": seller.id, "offer_id": offer.id,
              "offer_version": event.offer_version, "quantity": event.quantity,
              "value": event.value, "currency": event.currency,
              "fast_track": event.fast_track, "ordered_at": event.ordered_at,
              "delivered_at": event.delivered_at, "received_at": utcnow()}
    insert = (postgresql.insert if is_postgres(session)
              else sqlite.insert)
    # ON CONFLICT DO NOTHING: the same order sent twice at once is stored once, not a 500.
    new_id = session.execute(insert(Order).values(**values)
                             .on_conflict_do_nothing(index_elements=["marketplace_id"])
                             .returning(Order.id)).scalar()
    order = session.scalars(select(Order).where(Order.marketplace_id == event.marketplace_id)
                            .with_for_update().execution_options(populate_existing=True)).one()
    if new_id is not None:
        audit.record(session, actor=actor, action="order.received", entity="order",
                     entity_id=order.id, after=_facts(values))
        return OrderResult(order, created=True)
    differs = [field for column, field in _IDENTITY.items()
               if getattr(order, column) != values[column]]
    if differs:
        raise VersionConflict(f"order {event.marketplace_id} was already received with "
                              f"another {differs[0]}", field=differs[0])
    if event.delivered_at is not None and order.delivered_at is None:
        mark_delivered(session, order, event.delivered_at, actor=actor)
    return OrderResult(order, created=False)


def mark_delivered(session: Session, order: Order, at: datetime, *, actor: str) -> bool:
    """Record the order's delivery unless it is known already; True when it was not."""
    if order.delivered_at is not None:
        return False
    order.delivered_at = at
    session.flush()
    audit.record(session, actor=actor, action="order.delivered", entity="order",
                 entity_id=order.id, after={"delivered_at": at.isoformat()})
    return True


def get_order(session: Session, marketplace_id: str) -> Order:
    """Return an order by the marketplace's id or raise NotFound."""
    order = session.scalars(select(Order).where(Order.marketplace_id == marketplace_id)).first()
    if order is None:
        raise NotFound(f"order {marketplace_id} not found")
    return order


# What an order is (column: the field of the event): sent again, these must be the same.
# Delivery may arrive later.
_IDENTITY = {"buyer_id": "buyer.id", "seller_id": "seller_id", "offer_id": "offer_id",
             **{name: name for name in ("offer_version", "quantity", "value", "currency",
                                        "fast_track", "ordered_at")}}


def _facts(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, datetime) else
                str(v) if isinstance(v, Decimal) else v)
            for k, v in values.items() if k != "received_at"}
