"""ORM tables. Portable column types: the same schema on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# SQLite has no BIGSERIAL; INTEGER PRIMARY KEY is its rowid, so ids are BIGINT only elsewhere.
BigId = BigInteger().with_variant(Integer(), "sqlite")

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC timestamps on both databases; SQLite keeps no zone, so it stores UTC.

    A TypeDecorator, not a DateTime subclass: the dialect swaps a plain subclass for its own
    DATETIME type and the conversion would silently not run.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class Seller(Base):
    __tablename__ = "sellers"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), unique=True)
    account_created_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    activated: Mapped[bool] = mapped_column(Boolean, default=True)
    strikes: Mapped[int] = mapped_column(Integer, default=0)  # active (unexpired) strikes
    # Repeat-infringer ladder: new offers of a suspended or terminated seller are held.
    suspended_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    terminated_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
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
    gtins: Mapped[list[Any]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default="active")
    # The version last screened; the sweep looks for offers where this lags `version`.
    screened_version: Mapped[int | None] = mapped_column(Integer)
    needs_screening: Mapped[bool] = mapped_column(Boolean, default=True)
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


class Organisation(Base):
    """Who an API client acts for: the marketplace itself, a rights holder, an authority."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    # Notifier sanctions for manifestly unfounded notices (DSA art. 23).
    warned_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    suspended_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class Staff(Base):
    """Accounts: people who log in with a password, and API clients; secrets stored hashed."""

    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    api_key_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    locale: Mapped[str] = mapped_column(String(8), default="pl")
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_login_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class WebSession(Base):
    """A logged-in browser: the cookie holds a random token, the table only its hash."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())


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
        # The claim query walks this index in queue order.
        Index(
            "ix_cases_queue",
            "priority",
            "due_at",
            "id",
            postgresql_where=text("status <> 'closed'"),
            sqlite_where=text("status <> 'closed'"),
        ),
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


class AuditEntry(Base):
    """Append-only: who changed what, when, from what to what."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[int] = mapped_column(BigInteger)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    __table_args__ = (Index("ix_audit_log_entity", "entity", "entity_id"),)


class OutboxMessage(Base):
    """Notifications written in the same transaction as the decision, delivered later."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    recipient: Mapped[str] = mapped_column(String(300))  # "email:" + up to 254 characters
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    __table_args__ = (
        Index(
            "ix_outbox_pending",
            "id",
            postgresql_where=text("status = 'pending'"),
            sqlite_where=text("status = 'pending'"),
        ),
    )


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


class CaseSource(Base):
    """Why a case exists: screening, and any notices or counter-notices merged into it."""

    __tablename__ = "case_sources"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    added_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


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
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    __table_args__ = (UniqueConstraint("source", "number"),)


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

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id"))
    key: Mapped[str] = mapped_column(String(140))

    __table_args__ = (
        UniqueConstraint("offer_id", "key"),  # also serves replacing an offer's keys
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
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    __table_args__ = (UniqueConstraint("alert_id", "offer_id"),)
