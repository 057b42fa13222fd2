"""Changing policy safely: shadow screenings, the flood guard's counts and its trips."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from moderation.tables.base import Base, BigId, UtcDateTime, utcnow


class ShadowScreening(Base):
    """What a rule pack or model that does not route would have done with one offer version.

    `origin` says why it ran: "candidate" (SHADOW_RULES_DIR / SHADOW_MODEL_DIR) or "flood"
    (a rule or version the flood guard took out of routing). The live outcome is copied in,
    so that comparing the two is one table, and stays what it was when both were screened.
    """

    __tablename__ = "shadow_screenings"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id"))
    offer_version: Mapped[int] = mapped_column(Integer)
    origin: Mapped[str] = mapped_column(String(16))
    route: Mapped[str] = mapped_column(String(16))
    priority: Mapped[int | None] = mapped_column(Integer)
    reason_code: Mapped[str] = mapped_column(String(64))
    hits: Mapped[list[Any]] = mapped_column(JSON, default=list)
    score: Mapped[float] = mapped_column(Float)
    # What sent the offer towards review or block: rule id (or "model") -> outcome.
    flags: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    live_route: Mapped[str] = mapped_column(String(16))
    live_reason_code: Mapped[str] = mapped_column(String(64))
    live_flags: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Route or flags differ from the live screening: the rows the page's rule table reads.
    differs: Mapped[bool] = mapped_column(Boolean)
    rules_version: Mapped[str] = mapped_column(String(80))
    model_version: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    __table_args__ = (
        UniqueConstraint("offer_id", "offer_version", "origin"),
        Index("ix_shadow_screenings_created_at", "created_at"),
    )


class FloodCount(Base):
    """Offers screened and sent towards review or block, per minute and subject.

    kind "all" counts every screened offer (the denominator of a rule's share); "rule"
    counts the offers a rule flagged; "rules" and "model" count, per pack or model version,
    the offers screened with it and those it flagged. A batch adds to one of a few shards
    at random, so that workers on several hosts seldom wait on each other's row locks.
    """

    __tablename__ = "flood_counts"

    bucket_start: Mapped[datetime] = mapped_column(UtcDateTime(), primary_key=True)
    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    name: Mapped[str] = mapped_column(String(190), primary_key=True)
    shard: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    offers: Mapped[int] = mapped_column(Integer, default=0)
    flagged: Mapped[int] = mapped_column(Integer, default=0)


class FloodTrip(Base):
    """A rule or a version the flood guard put into shadow, with the rates that tripped it.

    At most one trip per subject is active (not lifted): the partial unique index is what
    makes concurrent workers agree on one trip, one message to leads, one audit entry.
    """

    __tablename__ = "flood_trips"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))  # rule | rules | model
    name: Mapped[str] = mapped_column(String(190))
    tripped_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    recent_flagged: Mapped[int] = mapped_column(Integer)
    recent_offers: Mapped[int] = mapped_column(Integer)
    recent_rate: Mapped[float] = mapped_column(Float)
    baseline_flagged: Mapped[int] = mapped_column(Integer)
    baseline_offers: Mapped[int] = mapped_column(Integer)
    baseline_rate: Mapped[float] = mapped_column(Float)
    # The share the recent rate had to exceed: FLOOD_RATIO x max(baseline, floor).
    threshold_rate: Mapped[float] = mapped_column(Float)
    lifted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    lifted_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    lift_note: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        Index("ix_flood_trips_active", "kind", "name", unique=True,
              postgresql_where=text("lifted_at IS NULL"),
              sqlite_where=text("lifted_at IS NULL")),
    )
