"""The rights protection programme: rights, notices, counter-notices, strikes."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from moderation.tables.base import Base, BigId, UtcDateTime, utcnow


class Right(Base):
    """A right a rights holder relies on; notices may cite it once staff verified it."""

    __tablename__ = "rights"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    type: Mapped[str] = mapped_column(String(32))  # trademark, copyright, design, patent, ...
    office: Mapped[str] = mapped_column(String(64))  # the registry: EUIPO, UPRP, WIPO, ...
    number: Mapped[str] = mapped_column(String(64))
    owner: Mapped[str] = mapped_column(String(200))
    territory: Mapped[str] = mapped_column(String(64))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    brands: Mapped[list[Any]] = mapped_column(JSON, default=list)
    keywords: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # The genuine goods' usual price: far below it, a branded offer is suspicious.
    reference_price: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    agent: Mapped[bool] = mapped_column(Boolean, default=False)  # acting for the owner
    status: Mapped[str] = mapped_column(String(16), default="pending")
    verified_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    verified_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    review_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    __table_args__ = (UniqueConstraint("organisation_id", "office", "number"),)


# The registry and the number in any letter case: "EUIPO 018" and "euipo 018" are one right,
# as the registration checks; this stops two registrations sent at the same moment.
Index("uq_rights_organisation_id_folded_office_number", Right.organisation_id,
      func.lower(Right.office), func.lower(Right.number), unique=True)


class RightDocument(Base):
    """Proof of a right: a registration certificate, a power of attorney for an agent."""

    __tablename__ = "right_documents"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    right_id: Mapped[int] = mapped_column(ForeignKey("rights.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

class Notice(Base):
    """A DSA art. 16 notice from a rights holder about one or many offers."""

    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    right_id: Mapped[int] = mapped_column(ForeignKey("rights.id"))
    submitted_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    kind: Mapped[str] = mapped_column(String(32))
    explanation: Mapped[str] = mapped_column(Text)
    notifier_name: Mapped[str] = mapped_column(String(200))
    notifier_email: Mapped[str] = mapped_column(String(254))
    good_faith: Mapped[bool] = mapped_column(Boolean)
    fast_track: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="open")
    received_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

class NoticeItem(Base):
    """One offer named in a notice, and what became of it."""

    __tablename__ = "notice_items"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"), index=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    outcome: Mapped[str] = mapped_column(String(16), default="pending")
    manifestly_unfounded: Mapped[bool] = mapped_column(Boolean, default=False)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    __table_args__ = (UniqueConstraint("notice_id", "offer_id"),)

class CounterNotice(Base):
    """A seller's answer to a removal on a notice: reviewed again by someone else."""

    __tablename__ = "counter_notices"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), unique=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    statement: Mapped[str] = mapped_column(Text)
    contact_email: Mapped[str] = mapped_column(String(254))
    status: Mapped[str] = mapped_column(String(16), default="open")
    filed_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

class Strike(Base):
    """One upheld infringement against a seller; it counts until it expires or is revoked."""

    __tablename__ = "strikes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    seller_id: Mapped[int] = mapped_column(ForeignKey("sellers.id"), index=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), unique=True)
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id"))
    # The strike whose infringement this one is part of (the same notice, or the same
    # episode: policy.STRIKE_EPISODE); None when it took a rung of the ladder of its own.
    counts_as_id: Mapped[int | None] = mapped_column(ForeignKey("strikes.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

class RightsCatch(Base):
    """An offer a rights holder's verified brands caught at screening, before any notice."""

    __tablename__ = "rights_catches"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    right_id: Mapped[int] = mapped_column(ForeignKey("rights.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id"))
    screening_id: Mapped[int] = mapped_column(ForeignKey("screenings.id"))
    rule_id: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    __table_args__ = (UniqueConstraint("screening_id", "rule_id"),)
