"""Submissions to the DSA Transparency Database: one row per statement of reasons to send.

The row is the submitter's whole memory, so that nothing is sent twice or lost across
restarts: `sending_since` is written and committed before a batch goes out, so a batch whose
answer never came (a timeout, a 5xx, a killed worker) is known to be uncertain and is looked
up by its PUID before it is sent again.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from moderation.tables.base import Base, BigId, UtcDateTime, utcnow


class TdbSubmission(Base):
    __tablename__ = "tdb_submissions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("statements.id"), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # TdbSubmissionStatus
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    # The database's own id of the statement, from its answer (unknown when found by PUID
    # in a refusal of a duplicate).
    uuid: Mapped[str | None] = mapped_column(String(64))
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # Set (and committed) just before the batch is posted; cleared by its answer. Still set
    # later means the outcome is unknown: look the PUID up before sending again.
    sending_since: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # Not before this (a 429's Retry-After, a 5xx's backoff).
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # The pending-work marker (moderation/pending.py): the job that will send it, and when.
    queued_job: Mapped[str | None] = mapped_column(String(64))
    queued_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    __table_args__ = (Index("ix_tdb_submissions_status_created", "status", "created_at"),)
