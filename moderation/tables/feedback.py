"""Feedback: buyers' ratings and comments on orders, sellers' reports of a comment, and the
reminders sent to buyers who have not rated."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from moderation.tables.base import Base, BigId, UtcDateTime, utcnow


class Feedback(Base):
    """One buyer's rating of one order, with the comment as screened."""

    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    marketplace_id: Mapped[str] = mapped_column(String(64), unique=True)
    # One rating per order: the unique order is what makes a second rating a conflict.
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), unique=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("buyers.id"), index=True)
    seller_id: Mapped[int] = mapped_column(ForeignKey("sellers.id"))
    rating: Mapped[str] = mapped_column(String(8))  # domain.Rating: positive | negative
    comment: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16))  # domain.FeedbackStatus
    # The hits of the comment's latest screening ([] when it passed), and the rules' version.
    hits: Mapped[list[Any]] = mapped_column(JSON, default=list)
    rules_version: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    corrected_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    removed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # "buyer" (withdrawn) or "moderator" (a seller's report upheld).
    removed_by: Mapped[str | None] = mapped_column(String(16))

    __table_args__ = (
        # The seller's 12-month quality reads the ratings that stand, by seller and time.
        Index("ix_feedback_seller_created", "seller_id", "created_at",
              postgresql_where=text("status = 'published'"),
              sqlite_where=text("status = 'published'")),
    )


class FeedbackReport(Base):
    """A seller's report that a comment breaks the rules: a `feedback_report` case."""

    __tablename__ = "feedback_reports"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    feedback_id: Mapped[int] = mapped_column(ForeignKey("feedback.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    reason: Mapped[str] = mapped_column(String(32))  # domain.FeedbackReportReason
    explanation: Mapped[str] = mapped_column(Text, default="")
    # The comment as the seller saw it: a later correction does not change what was reported.
    comment: Mapped[str] = mapped_column(Text, default="")
    reported_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    outcome: Mapped[str | None] = mapped_column(String(16))  # keep | remove


class FeedbackReminder(Base):
    """A reminder to rate an order, sent once. A table of its own: the order has no feedback
    row while its buyer has not rated, and orders belong to the intake."""

    __tablename__ = "feedback_reminders"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), unique=True)
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id"))
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
