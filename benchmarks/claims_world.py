"""What the Buyer Protection benchmarks stand on: sellers and offers taken in as the marketplace
sends them, buyers and their orders, and discussions opened, refused, settled and escalated
through the programme's own service functions (moderation/buyers)."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from moderation.accounts.staff import create_staff
from moderation.buyers import claims, discussions
from moderation.buyers.discussions import DiscussionIn, StepIn
from moderation.domain import StaffRole
from moderation.intake import offers
from moderation.schemas import OfferIn
from moderation.tables import Buyer, Claim, Discussion, Order

_seq = itertools.count(1)


def moderators(session: Session, n: int, *, tag: str) -> list[int]:
    """Staff ids of `n` moderators named after the run."""
    return [create_staff(session, name=f"{tag}-moderator-{i}", role=StaffRole.MODERATOR,
                         issue_key=False).staff.id for i in range(n)]


def offer_ids(session: Session, n: int, *, sellers: int, tag: str) -> list[int]:
    """Take in `n` lawful offers of `sellers` sellers, as one marketplace batch."""
    events = [OfferIn.model_validate({
        "marketplace_id": f"{tag}-offer-{i}", "version": 1,
        "seller": {"id": f"{tag}-seller-{i % sellers}", "activated": True},
        "title": f"Rower górski Kross Hexagon {i}", "description": "Stan bardzo dobry.",
        "category": "Sport > Rowery", "brand": "Kross", "price": "199.00",
        "currency": "PLN"}) for i in range(n)]
    ids: list[int] = []
    for start in range(0, n, 1000):
        for result in offers.ingest_many(session, events[start:start + 1000]):
            assert result.offer_id is not None  # a fresh marketplace id is always created
            ids.append(result.offer_id)
    return ids


def buyers(session: Session, n: int, *, tag: str, now: datetime,
           subscribed_share: float) -> list[Buyer]:
    """`n` activated buyers, the first `subscribed_share` of them subscription customers."""
    rows = [Buyer(external_id=f"{tag}-buyer-{i}", activated=True,
                  activated_at=now - timedelta(days=300),
                  account_created_at=now - timedelta(days=400), language="pl",
                  subscription_until=(now + timedelta(days=365)
                                      if i < n * subscribed_share else None))
            for i in range(n)]
    session.add_all(rows)
    session.flush()
    return rows


def order(session: Session, *, buyer: Buyer, offer_id: int, seller_id: int, value: Decimal,
          at: datetime, tag: str) -> Order:
    """An order as the marketplace sends it; a subscription customer's takes the fast track."""
    row = Order(marketplace_id=f"{tag}-order-{next(_seq)}", buyer_id=buyer.id,
                seller_id=seller_id, offer_id=offer_id, offer_version=1, quantity=1,
                value=value, currency="PLN", ordered_at=at,
                fast_track=buyer.subscription_until is not None and buyer.subscription_until > at)
    session.add(row)
    return row


def open_discussion(session: Session, row: Order, *, at: datetime, tag: str,
                    reason: str = "not_received") -> Discussion:
    """The buyer opens a discussion on an order, with a first message."""
    n = next(_seq)
    return discussions.open_discussion(session, DiscussionIn.model_validate({
        "marketplace_id": f"{tag}-discussion-{n}", "order_id": row.marketplace_id,
        "reason": reason, "opened_at": at.isoformat(),
        "message": {"message_id": f"{tag}-m-{n}", "author": "buyer",
                    "body": "Paczka nie dotarła.", "sent_at": at.isoformat()}}))


def escalate(session: Session, discussion: Discussion, *, at: datetime) -> Claim:
    """The seller refused, and the buyer takes the discussion to the platform."""
    discussions.refuse(session, discussion.id, StepIn(at=at))
    return claims.escalate(session, discussion.id, StepIn(at=at), now=at)


def settle(session: Session, discussion: Discussion, *, at: datetime) -> Discussion:
    """Buyer and seller settle between them: the discussion closes without the platform."""
    discussions.answer(session, discussion.id, StepIn(at=at))
    return discussions.settle(session, discussion.id, StepIn(at=at))
