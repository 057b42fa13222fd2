"""Cases, the sources that opened or joined them, and the decisions taken on them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from moderation.tables.base import Base, BigId, UtcDateTime, utcnow
from moderation.tables.offers import Offer

# The predicates of the claim indexes (written out in migration 0017 as well).
CLAIMABLE = "status = 'open' AND lease_holder_id IS NULL"
LEASED = "status = 'open' AND lease_holder_id IS NOT NULL"


class Case(Base):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id"), index=True)
    screening_id: Mapped[int | None] = mapped_column(ForeignKey("screenings.id"))
    status: Mapped[str] = mapped_column(String(16), default="open")
    priority: Mapped[int] = mapped_column(Integer)
    reason_code: Mapped[str] = mapped_column(String(64))
    # Who raised it: "rules" or "model" for screening; later a notifier or an authority.
    source: Mapped[str] = mapped_column(String(64), default="rules")
    due_at: Mapped[datetime] = mapped_column(UtcDateTime())
    lease_holder_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # A counter-notice is reviewed by someone other than who decided the original case.
    not_for_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    offer: Mapped[Offer] = relationship(lazy="select")

    __table_args__ = (
        # The queue's listing (open and escalated cases) walks this index in queue order.
        Index(
            "ix_cases_queue",
            "priority",
            "due_at",
            "id",
            postgresql_where=text("status <> 'closed'"),
            sqlite_where=text("status <> 'closed'"),
        ),
        # Claims take the first entry of an index that holds only free open cases: a claim
        # takes its case out, so the next claim does not walk past the leased ones. The
        # predicates are constants, which a generic plan can match (cases/leases.py).
        Index("ix_cases_claimable", "priority", "due_at", "id",
              postgresql_where=text(CLAIMABLE), sqlite_where=text(CLAIMABLE)),
        Index("ix_cases_claimable_kind", "kind", "priority", "due_at", "id",
              postgresql_where=text(CLAIMABLE), sqlite_where=text(CLAIMABLE)),
        # The leased open cases, few (about one per moderator at work), by when the lease
        # lapses: a claim finds the lapsed ones here, as unclaimed as the free ones.
        Index("ix_cases_leased", "lease_expires_at",
              postgresql_where=text(LEASED), sqlite_where=text(LEASED)),
    )

class CaseSource(Base):
    """Why a case exists: screening, and any notices or counter-notices merged into it."""

    __tablename__ = "case_sources"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    added_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

class OfferHold(Base):
    """An offer kept from buyers until a person decides: why, and how the hold ended.

    At most one open hold per offer (released_at NULL): a re-screen or a second alert of a
    held offer finds it and tells nobody twice.
    """

    __tablename__ = "offer_holds"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    reason_code: Mapped[str] = mapped_column(String(64))  # a CaseReason
    # What it rests on: the alert matched, or the offer removed before as the same product.
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("safety_alerts.id"))
    removed_offer_id: Mapped[int | None] = mapped_column(ForeignKey("offers.id"))
    # The status a "keep" gives back (active, or restored after an earlier case).
    previous_status: Mapped[str] = mapped_column(String(16))
    held_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    released_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))

    __table_args__ = (
        Index("ix_offer_holds_open", "offer_id", unique=True,
              postgresql_where=text("released_at IS NULL"),
              sqlite_where=text("released_at IS NULL")),
    )

class Decision(Base):
    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id"), index=True)
    action: Mapped[str] = mapped_column(String(16))
    reason_code: Mapped[str] = mapped_column(String(64))
    statement_category: Mapped[str | None] = mapped_column(String(80))
    note: Mapped[str] = mapped_column(Text, default="")
    moderator_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    automated: Mapped[bool] = mapped_column(Boolean, default=False)
    decided_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
