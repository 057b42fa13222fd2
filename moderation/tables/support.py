"""Support standards' rows: ratings of support, the follow-up tasks a negative one opens
("close the loop"), and the answers to the marketplace's survey (NPS)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from moderation.tables.base import Base, BigId, UtcDateTime, utcnow


class SupportRating(Base):
    """A buyer's or seller's rating of how support handled a case or a contact."""

    __tablename__ = "support_ratings"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # The marketplace's id of the rating: a resent rating is stored, and followed up, once.
    marketplace_id: Mapped[str] = mapped_column(String(64), unique=True)
    rater_kind: Mapped[str] = mapped_column(String(16))  # buyer or seller
    rater_id: Mapped[str] = mapped_column(String(64))  # the marketplace's account id
    # What is rated: a case of ours, or a contact the marketplace's support desk keeps.
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    contact_id: Mapped[str | None] = mapped_column(String(64))
    # A thumbs up or down, or a score of 1 to 5 (policy says which scores are negative).
    score: Mapped[int | None] = mapped_column(Integer)
    negative: Mapped[bool] = mapped_column(Boolean)
    comment: Mapped[str] = mapped_column(Text, default="")
    rated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    received_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class FollowUpTask(Base):
    """A lead's task to contact whoever rated support negatively, with its due time."""

    __tablename__ = "follow_up_tasks"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # One task per rating: a resent rating finds the task it opened.
    rating_id: Mapped[int] = mapped_column(ForeignKey("support_ratings.id"), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open or done
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime())
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    note: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        # The leads' list of open tasks, soonest due first.
        Index("ix_follow_up_tasks_open_due", "due_at",
              postgresql_where=text("status = 'open'"), sqlite_where=text("status = 'open'")),
    )


class SurveyAnswer(Base):
    """One answer to the marketplace's survey: how likely to recommend it, 0 to 10."""

    __tablename__ = "survey_answers"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    marketplace_id: Mapped[str] = mapped_column(String(64), unique=True)
    respondent_kind: Mapped[str] = mapped_column(String(16))  # buyer or seller
    respondent_id: Mapped[str] = mapped_column(String(64), index=True)
    score: Mapped[int] = mapped_column(Integer)
    # The respondent used the Buyer Protection Programme (the programme's NPS counts them).
    used_programme: Mapped[bool] = mapped_column(Boolean)
    answered_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
