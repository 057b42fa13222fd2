"""A seller's quality as buyers are shown it: the ratings that stand and the claims upheld
against the seller, over the last 12 months only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from moderation import policy
from moderation.domain import FeedbackStatus, Rating
from moderation.errors import NotFound
from moderation.tables import Claim, Feedback, Order, Seller


@dataclass(frozen=True, slots=True)
class SellerQuality:
    seller_id: str
    since: datetime
    until: datetime
    positive: int
    negative: int
    # Claims decided for the buyer (compensated in full or in part) in the period.
    upheld_claims: int

    @property
    def ratings(self) -> int:
        return self.positive + self.negative

    @property
    def share_positive(self) -> float | None:
        """Positive ratings as a share of all that stand; None without any."""
        return self.positive / self.ratings if self.ratings else None


def seller_quality(session: Session, external_id: str, *, now: datetime) -> SellerQuality:
    """Count a seller's published ratings and upheld claims of the last 12 months.

    Held comments (waiting for the buyer's correction) and removed feedback do not count;
    a rating counts from when it was given, a claim from when it was decided.
    """
    seller_id = session.scalar(select(Seller.id).where(Seller.external_id == external_id))
    if seller_id is None:
        raise NotFound(f"seller {external_id} not found")
    since = now - policy.SELLER_QUALITY_PERIOD
    counts = {rating: n for rating, n in session.execute(
        select(Feedback.rating, func.count()).where(
            Feedback.seller_id == seller_id, Feedback.status == FeedbackStatus.PUBLISHED.value,
            Feedback.created_at > since, Feedback.created_at <= now)
        .group_by(Feedback.rating))}
    upheld = session.scalar(
        select(func.count()).select_from(Claim).join(Order, Order.id == Claim.order_id)
        .where(Order.seller_id == seller_id, Claim.upheld.is_(True),
               Claim.decided_at > since, Claim.decided_at <= now)) or 0
    return SellerQuality(seller_id=external_id, since=since, until=now,
                         positive=counts.get(Rating.POSITIVE.value, 0),
                         negative=counts.get(Rating.NEGATIVE.value, 0), upheld_claims=upheld)
