"""Product safety: alerts, their barcodes, offer lookup keys, matches."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from moderation.tables.base import Base, BigId, UtcDateTime, utcnow


class SafetyAlert(Base):
    """A product-safety alert: from the EU Safety Gate, or an order or notice from an authority.

    Both arrive in one shape, so that matching them against offers is one mechanism.
    """

    __tablename__ = "safety_alerts"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    source: Mapped[str] = mapped_column(String(32))  # safety_gate, authority
    # The alert number, or "<organisation id>:<the sender's reference>".
    number: Mapped[str] = mapped_column(String(100))
    # What the marketplace owes: "order" (authority, 2 working days), "notice" (3), "consumer" (5)
    kind: Mapped[str] = mapped_column(String(16))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"),
                                                        index=True)
    submitted_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    product: Mapped[str] = mapped_column(String(300), default="")  # what it is ("Toy car")
    name: Mapped[str] = mapped_column(String(300), default="")  # its product name
    brand: Mapped[str] = mapped_column(String(200), default="")
    model: Mapped[str] = mapped_column(String(300), default="")  # type / number of model
    brand_key: Mapped[str] = mapped_column(String(120), default="", index=True)
    model_key: Mapped[str] = mapped_column(String(120), default="", index=True)
    batch: Mapped[str] = mapped_column(String(300), default="")
    category: Mapped[str] = mapped_column(String(200), default="")
    risk_type: Mapped[str] = mapped_column(String(300), default="")
    risk_level: Mapped[str] = mapped_column(String(64), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    measures: Mapped[str] = mapped_column(Text, default="")  # adopted, or requested of us
    legal_basis: Mapped[str] = mapped_column(Text, default="")
    country_of_origin: Mapped[str] = mapped_column(String(200), default="")
    counterfeit: Mapped[bool | None] = mapped_column(Boolean)
    url: Mapped[str] = mapped_column(String(500), default="")
    raw: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="active")  # active, withdrawn
    received_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    matched_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # The job its matching was queued in, and when (see Offer.queued_job).
    queued_job: Mapped[str | None] = mapped_column(String(64))
    queued_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    __table_args__ = (
        UniqueConstraint("source", "number"),
        Index("ix_safety_alerts_unmatched", "received_at",
              postgresql_where=text("matched_at IS NULL"),
              sqlite_where=text("matched_at IS NULL")),
    )

class AlertCode(Base):
    """A barcode of an alert: a valid GTIN (as GTIN-14) matches exactly; anything else is text."""

    __tablename__ = "alert_codes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("safety_alerts.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # gtin, text
    value: Mapped[str] = mapped_column(String(200), index=True)

class OfferKey(Base):
    """Lookup keys of an offer's screened version: "g:" GTIN-14, "b:" brand, "m:" model code,
    "t:" normalised title hash. Alerts find candidates through this index, never by a scan."""

    __tablename__ = "offer_keys"

    # (offer_id, key) is the primary key; it also serves replacing an offer's keys.
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(140), primary_key=True)

    __table_args__ = (
        # Newest offers of a key first, straight from the index (brand blocks are capped).
        Index("ix_offer_keys_key_offer", "key", "offer_id"),
    )

class SafetyMatch(Base):
    """An offer found for an alert, how sure the match is and on which fields."""

    __tablename__ = "safety_matches"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("safety_alerts.id"), index=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id"), index=True)
    score: Mapped[float] = mapped_column(Float)
    confidence: Mapped[str] = mapped_column(String(16))  # high, medium
    fields: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # The lookup keys both sides shared ("g:" barcodes, "m:"/"n:" model codes): what the
    # case page shows as the matched barcode or model.
    agreed: Mapped[list[Any]] = mapped_column(JSON, default=list, server_default=text("'[]'"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    __table_args__ = (UniqueConstraint("alert_id", "offer_id"),)
