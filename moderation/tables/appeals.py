"""Appeals (DSA art. 20): someone a decision affects contests it, and another person decides."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from moderation.tables.base import Base, BigId, UtcDateTime, utcnow


class Appeal(Base):
    __tablename__ = "appeals"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    # domain.Appellant: the seller, or a notifier (a rights holder, an authority).
    appellant_kind: Mapped[str] = mapped_column(String(16))
    # Who appeals, as one value the uniqueness rule can hold: "seller:<id>" or
    # "organisation:<id>" (the row ids, which never change).
    appellant: Mapped[str] = mapped_column(String(64))
    seller_id: Mapped[int | None] = mapped_column(ForeignKey("sellers.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"),
                                                        index=True)
    filed_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    # What is appealed, as one value: "decision:<id>" or "statement:<id>" (an account's).
    target: Mapped[str] = mapped_column(String(64))
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"), index=True)
    statement_id: Mapped[int | None] = mapped_column(ForeignKey("statements.id"))
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id"), index=True)
    contested: Mapped[str] = mapped_column(String(32))  # domain.Contested
    explanation: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="open")
    outcome: Mapped[str | None] = mapped_column(String(16))  # domain.AppealOutcome
    # The deciding moderator's why: required when the appeal is rejected.
    outcome_note: Mapped[str] = mapped_column(Text, default="")
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    outcome_decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))
    # When the appellant was told of the decision: the six months to appeal run from here.
    told_at: Mapped[datetime] = mapped_column(UtcDateTime())
    filed_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    # One appeal per decision (or account statement) and appellant: the internal appeal is
    # had once; after its outcome the redress is out-of-court settlement or a court.
    __table_args__ = (UniqueConstraint("appellant", "target"),)
