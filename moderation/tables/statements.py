"""Statements of reasons (DSA art. 17): one row per restriction told to the person it affects.

A statement is written with the decision or sanction it explains, in the same transaction,
and never changed afterwards: what the seller was told is what the Transparency Database
gets (art. 24(5)) and what the transparency report counts.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from moderation.tables.base import Base, BigId, UtcDateTime, utcnow


class Statement(Base):
    __tablename__ = "statements"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # The platform's unique identifier of this statement in the Transparency Database: never
    # reused, also when a statement is withdrawn.
    puid: Mapped[str] = mapped_column(String(500), unique=True)
    # What is restricted: an offer (its visibility or its sale) or the seller's account.
    subject: Mapped[str] = mapped_column(String(16))
    # Our word for the restriction (domain.Restriction), e.g. removal, hold, suspension.
    restriction: Mapped[str] = mapped_column(String(32))
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"), index=True)
    offer_id: Mapped[int | None] = mapped_column(ForeignKey("offers.id"), index=True)
    seller_id: Mapped[int] = mapped_column(ForeignKey("sellers.id"), index=True)
    strike_id: Mapped[int | None] = mapped_column(ForeignKey("strikes.id"))
    appeal_id: Mapped[int | None] = mapped_column(BigId)  # the appeal whose outcome it tells
    # Art. 17(3)(b): where and how long the restriction holds.
    territorial_scope: Mapped[list[Any]] = mapped_column(JSON, default=list)
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ends_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # Art. 17(3)(d)/(e): illegal content (a legal ground) or terms and conditions.
    ground: Mapped[str] = mapped_column(String(16))
    category: Mapped[str] = mapped_column(String(80))
    category_specification: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # Art. 17(3)(b)/(c): what set it off (domain.StatementSource) and how automated it was.
    source_type: Mapped[str] = mapped_column(String(32))
    automated_detection: Mapped[bool] = mapped_column(Boolean)
    automated_decision: Mapped[str] = mapped_column(String(16))  # fully / partially / not
    language: Mapped[str] = mapped_column(String(8))
    # The whole statement as the recipient got it (the webhook's JSON), no personal data.
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    facts: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)

    __table_args__ = (Index("ix_statements_seller_created", "seller_id", "created_at"),)
