"""The Buyer Protection Programme's rows: buyers' accounts, orders and what the marketplace
tells about them (tracking), discussions with sellers, claims and their compensation."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from moderation.tables.base import AccountColumns, Base, BigId, UtcDateTime, utcnow


class Buyer(AccountColumns, Base):
    """A buyer's account as registration tells it. `activated` None: the marketplace has not
    said (unknown is not activated)."""

    __tablename__ = "buyers"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), unique=True)
    # A customer of the fast-delivery subscription until then (claims take the fast track).
    subscription_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    language: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class Order(Base):
    """A transaction as the marketplace sends it: who bought which offer, as it was then."""

    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    marketplace_id: Mapped[str] = mapped_column(String(64), unique=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("buyers.id"), index=True)
    seller_id: Mapped[int] = mapped_column(ForeignKey("sellers.id"), index=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id"), index=True)
    # The offer's version the buyer saw when buying (offer_versions holds its text).
    offer_version: Mapped[int] = mapped_column(Integer)
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    value: Mapped[Decimal] = mapped_column(Numeric(14, 2))  # what the buyer paid, in total
    currency: Mapped[str] = mapped_column(String(3), default="PLN")
    # The buyer was a subscription customer when ordering: a claim takes the fast track.
    fast_track: Mapped[bool] = mapped_column(Boolean, default=False)
    # Indexed: the hourly feedback reminders and the programme's figures read orders by it.
    ordered_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    received_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class TrackingEvent(Base):
    """A parcel's event as the marketplace forwards it; evidence for a claim."""

    __tablename__ = "tracking_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    # The marketplace's id of the event: a resent event is stored once.
    event_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(32))  # e.g. shipped, in_transit, delivered
    carrier: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(Text, default="")
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime())
    received_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    __table_args__ = (UniqueConstraint("order_id", "event_id"),)


class Discussion(Base):
    """A buyer's problem with an order, taken up with the seller before the platform."""

    __tablename__ = "discussions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    marketplace_id: Mapped[str] = mapped_column(String(64), unique=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    reason: Mapped[str] = mapped_column(String(32))  # domain.BuyerReason
    status: Mapped[str] = mapped_column(String(16), default="open")  # DiscussionStatus
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # The seller is to answer by then; after it, or on the seller's refusal, the buyer may
    # escalate to a claim.
    seller_answer_due_at: Mapped[datetime] = mapped_column(UtcDateTime())
    seller_answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    seller_refused_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    settled_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    escalated_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    __table_args__ = (
        # The sweep for discussions whose seller did not answer in time.
        Index("ix_discussions_open_due", "seller_answer_due_at",
              postgresql_where=text("status = 'open'"), sqlite_where=text("status = 'open'")),
    )


class DiscussionMessage(Base):
    __tablename__ = "discussion_messages"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    discussion_id: Mapped[int] = mapped_column(ForeignKey("discussions.id"), index=True)
    message_id: Mapped[str] = mapped_column(String(64))  # the marketplace's: resent once
    author: Mapped[str] = mapped_column(String(16))  # buyer, seller or platform
    body: Mapped[str] = mapped_column(Text, default="")
    # Metadata only, never the file: [{name, content_type, size, sha256}].
    attachments: Mapped[list[Any]] = mapped_column(JSON, default=list)
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (UniqueConstraint("discussion_id", "message_id"),)


class Claim(Base):
    """A discussion escalated to the platform: a `buyer_claim` case in the review queue."""

    __tablename__ = "claims"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    discussion_id: Mapped[int] = mapped_column(ForeignKey("discussions.id"), unique=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), unique=True)
    reason: Mapped[str] = mapped_column(String(32))  # domain.BuyerReason
    status: Mapped[str] = mapped_column(String(16), default="open")  # ClaimStatus
    fast_track: Mapped[bool] = mapped_column(Boolean, default=False)
    # What raised its priority, as shown on the case: [{code, detail}].
    fraud_signals: Mapped[list[Any]] = mapped_column(JSON, default=list)
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))
    # The buyer was found right (compensate or partial): counts in the seller's quality.
    upheld: Mapped[bool | None] = mapped_column(Boolean)


class Compensation(Base):
    """What the platform pays a buyer on a claim: asked of the marketplace's payment webhook
    through the outbox, paid when the marketplace confirms."""

    __tablename__ = "compensations"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), unique=True)
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    currency: Mapped[str] = mapped_column(String(3), default="PLN")
    # Sent with the payment request; the marketplace pays each key once.
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    paid_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    payment_reference: Mapped[str | None] = mapped_column(String(128))
