"""Offers, their versions and screenings; sellers."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from moderation.tables.base import AccountColumns, Base, BigId, UtcDateTime, utcnow


class Seller(AccountColumns, Base):
    __tablename__ = "sellers"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), unique=True)
    strikes: Mapped[int] = mapped_column(Integer, default=0)  # active (unexpired) strikes
    # Repeat-infringer ladder: new offers of a suspended or terminated seller are held.
    suspended_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    terminated_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # What statements of reasons are written in (domain.Language); None: Polish.
    language: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

class Offer(Base):
    __tablename__ = "offers"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    marketplace_id: Mapped[str] = mapped_column(String(64), unique=True)
    seller_id: Mapped[int] = mapped_column(ForeignKey("sellers.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str | None] = mapped_column(String(200))
    brand: Mapped[str | None] = mapped_column(String(120))
    price: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    currency: Mapped[str | None] = mapped_column(String(3))
    gtins: Mapped[list[Any]] = mapped_column(JSON, default=list)  # valid GTINs, digits only
    # Barcodes given that are not valid GTINs, as written: {value, problem, source}.
    barcode_flags: Mapped[list[Any]] = mapped_column(JSON, default=list,
                                                     server_default=text("'[]'"))
    status: Mapped[str] = mapped_column(String(16), default="active")
    # The version last screened; the sweep looks for offers where this lags `version`.
    screened_version: Mapped[int | None] = mapped_column(Integer)
    needs_screening: Mapped[bool] = mapped_column(Boolean, default=True)
    # The job its screening was queued in, and when: the sweep asks the queue whether that
    # job still waits or runs before it queues the offer again.
    queued_job: Mapped[str | None] = mapped_column(String(64))
    queued_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    seller: Mapped[Seller] = relationship(lazy="joined", innerjoin=True)

    __table_args__ = (
        Index(
            "ix_offers_pending",
            "updated_at",
            postgresql_where=text("needs_screening"),
            sqlite_where=text("needs_screening"),
        ),
    )

class OfferVersion(Base):
    """Every version received, as sent: the idempotency record for intake."""

    __tablename__ = "offer_versions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id"))
    version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    __table_args__ = (UniqueConstraint("offer_id", "version"),)

class Screening(Base):
    __tablename__ = "screenings"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id"))
    offer_version: Mapped[int] = mapped_column(Integer)
    route: Mapped[str] = mapped_column(String(16))
    priority: Mapped[int | None] = mapped_column(Integer)
    reason_code: Mapped[str] = mapped_column(String(64))
    hits: Mapped[list[Any]] = mapped_column(JSON, default=list)
    score: Mapped[float] = mapped_column(Float)
    score_features: Mapped[list[Any]] = mapped_column(JSON, default=list)
    rules_version: Mapped[str] = mapped_column(String(80))
    model_version: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    __table_args__ = (UniqueConstraint("offer_id", "offer_version"),)
