"""What rules read (an offer's text and fields) and what they return (hits with spans)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Outcome(StrEnum):
    ALLOW = "allow"
    REVIEW = "review"
    BLOCK = "block"


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


@dataclass(frozen=True, slots=True)
class OfferText:
    """The part of an offer that rules and the classifier read."""

    title: str
    description: str = ""
    category: str | None = None
    brand: str | None = None
    price: float | None = None
    currency: str | None = None
    gtins: tuple[str, ...] = ()
    seller_account_age_days: int | None = None
    seller_activated: bool | None = None
    seller_strikes: int = 0


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of the original (not normalised) text of one field."""

    field: str  # "title" | "description" | "brand" | "category"
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Hit:
    """One rule that matched one offer, with the evidence."""

    rule_id: str
    outcome: Outcome
    severity: Severity
    reason_code: str
    statement_category: str
    priority: int | None = None  # 1 (most urgent) .. 5, for review outcomes
    spans: tuple[Span, ...] = field(default_factory=tuple)
    detail: str = ""  # e.g. "brand 'Nike' at 97.5 (cutoff 90)", "price 39.00 < 20% of 450.00"
