"""The declarative base and the portable column types every table uses."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Integer,
    MetaData,
    String,
    TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

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


class AccountColumns:
    """What registration tells of an account, buyer's or seller's, and when it last did
    (moderation/buyers/accounts.py applies the marketplace's account events to both)."""

    account_created_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # Activation by a 1.01 zł transfer that confirms the account's data, and its date;
    # None: the marketplace has not said (unknown is not activated).
    activated: Mapped[bool | None] = mapped_column(Boolean)
    activated_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    terms_version: Mapped[str | None] = mapped_column(String(32))
    terms_accepted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # The time of the last account event applied: an older one arriving late is stale.
    # Offer events carry no such time and never set it.
    account_event_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
