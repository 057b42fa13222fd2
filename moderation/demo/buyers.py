"""Demo data of the Buyer Protection Programme: the demo shops' accounts, a few buyers, their
orders of demo offers and the parcels' tracking, sent through the same services as the API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from moderation.buyers import accounts, claims, discussions, orders, tracking
from moderation.buyers.schemas import (
    AccountIn,
    BuyerAccountIn,
    OrderBuyerIn,
    OrderIn,
    TrackingEventIn,
)
from moderation.domain import BuyerReason, DiscussionStatus
from moderation.tables import utcnow

# Fixed, so that loading the demo twice changes nothing (every event is idempotent).
REGISTERED = datetime(2019, 5, 1, tzinfo=UTC)
SENT = datetime(2026, 11, 1, tzinfo=UTC)
# The established demo shops (moderation/demo/offers.jsonl): registration told their
# activation. The new sellers' offers say theirs themselves.
SHOPS = [f"s-{n}" for n in range(7)]
# (buyer, activated, a subscription customer)
BUYERS = [("demo-buyer-1", True, True), ("demo-buyer-2", True, False),
          ("demo-buyer-3", None, False)]
# (order, buyer, seller, offer, value, fast track, tracking statuses, days after ordering)
ORDERS = [
    ("demo-order-1", "demo-buyer-1", "s-0", "demo-0001", "529.00", True,
     [("shipped", 0), ("delivered", 1)]),
    ("demo-order-2", "demo-buyer-2", "s-6", "demo-0007", "1899.00", False,
     [("shipped", 1), ("in_transit", 2)]),
    ("demo-order-3", "demo-buyer-3", "s-1", "demo-0009", "1399.00", False, [("shipped", 2)]),
    ("demo-order-4", "demo-buyer-2", "s-0", "demo-0008", "689.00", False,
     [("shipped", 1), ("delivered", 3)]),
]


def load_shop_accounts(session: Session) -> None:
    """Tell the demo shops' accounts before their offers arrive (screening reads them)."""
    for shop in SHOPS:
        accounts.upsert_seller(session, shop, AccountIn(
            at=SENT, account_created_at=REGISTERED, activated=True,
            activated_at=REGISTERED + timedelta(days=1), terms_version="2026-10",
            terms_accepted_at=SENT))


def load_orders(session: Session) -> None:
    """The demo buyers, their orders of demo offers and the parcels' tracking."""
    for buyer, activated, subscribed in BUYERS:
        accounts.upsert_buyer(session, buyer, BuyerAccountIn(
            at=SENT, account_created_at=SENT - timedelta(days=400), activated=activated,
            activated_at=SENT - timedelta(days=399) if activated else None,
            subscription_until=SENT + timedelta(days=365) if subscribed else None))
    for n, (order_id, buyer, seller, offer, value, fast, parcel) in enumerate(ORDERS):
        ordered = SENT + timedelta(days=10 + n)
        order = orders.record_order(session, OrderIn(
            marketplace_id=order_id, buyer=OrderBuyerIn(id=buyer), seller_id=seller, offer_id=offer,
            offer_version=1, value=Decimal(value), fast_track=fast, ordered_at=ordered)).order
        tracking.record_events(session, order, [
            TrackingEventIn(event_id=f"{order_id}-{i}", status=status, carrier="InPost",
                            occurred_at=ordered + timedelta(days=days, hours=9))
            for i, (status, days) in enumerate(parcel)])


def load_claim(session: Session) -> None:
    """A parcel that never came: the buyer's discussion, the seller's refusal, and the claim
    it became, waiting in the review queue (dated from now, so that it is not overdue)."""
    now = utcnow()
    discussion = discussions.open_discussion(session, discussions.DiscussionIn(
        marketplace_id="demo-discussion-1", order_id="demo-order-2",
        reason=BuyerReason.NOT_RECEIVED, opened_at=now - timedelta(days=4),
        message=discussions.MessageIn(
            message_id="demo-discussion-1-1", author="buyer",
            body="Paczka utknęła w sortowni od tygodnia, przewoźnik nic nie wie.",
            attachments=[discussions.AttachmentIn(
                name="sledzenie.png", content_type="image/png", size=48_213,
                sha256="9f" * 32)],
            sent_at=now - timedelta(days=4))))
    if discussion.status != DiscussionStatus.OPEN.value:
        return  # loaded before: the claim is there
    at = now - timedelta(days=3)
    discussions.refuse(session, discussion.id, discussions.StepIn(
        at=at, message=discussions.MessageIn(
            message_id="demo-discussion-1-2", author="seller",
            body="Wysłaliśmy, reszta to sprawa przewoźnika.", sent_at=at)))
    claims.escalate(session, discussion.id, discussions.StepIn(at=now), now=now)
