"""The content of a statement of reasons (DSA art. 17(3)): one JSON document, written once,
that the seller's webhook carries, the pages show and the templates render in a language."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from moderation import policy
from moderation.config import get_settings
from moderation.domain import (
    AutomatedDecision,
    Restriction,
    StatementSource,
    StatementSubject,
)
from moderation.statements.grounds import Ground
from moderation.transparency_db import personal_data

# What the redress section names besides the internal appeal (art. 20, 21 and 17(3)(f)).
APPEALS_API = "POST /v1/appeals"
OUT_OF_COURT = "art. 21 DSA"
# Free text a person wrote (a moderator's note) may hold an address or a number; neither
# belongs in a statement that goes to the Transparency Database. Addresses are found as the
# database's own check finds them; numbers more widely (a note needs no GTIN).
_PHONE = re.compile(r"\+?\d[\d \-]{7,}\d")


@dataclass(frozen=True, slots=True)
class Draft:
    """Everything a statement says, before it is written."""

    subject: StatementSubject
    restriction: Restriction
    ground: Ground
    category: str
    source_type: StatementSource
    automated_detection: bool
    automated_decision: AutomatedDecision
    starts_at: datetime
    ends_at: datetime | None
    facts: dict[str, Any]
    offer: dict[str, Any] | None = None
    decision_id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # counter-notice, account step


def redact(text: str) -> str:
    """Free text without e-mail addresses and phone numbers."""
    return _PHONE.sub("[…]", personal_data.EMAIL.sub("[…]", text)).strip()


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it has no such day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def appeal_until(starts_at: datetime) -> date:
    """The last day the internal appeal is open."""
    return add_months(starts_at.date(), policy.APPEAL_MONTHS)


def redress(puid: str, starts_at: datetime) -> dict[str, Any]:
    """The ways to contest a decision: appeal with its deadline and link, settlement, court."""
    base = get_settings().public_url.rstrip("/")
    return {"appeal": {"until": appeal_until(starts_at).isoformat(),
                       "url": f"{base}/appeals/new?statement={puid}", "api": APPEALS_API,
                       "free": True},
            "out_of_court": OUT_OF_COURT, "court": True}


def build(draft: Draft, *, puid: str, language: str) -> dict[str, Any]:
    """The statement as JSON, as the seller's webhook gets it."""
    g = draft.ground
    return {
        "puid": puid,
        "subject": draft.subject.value,
        "restriction": draft.restriction.value,
        "language": language,
        "decision_id": draft.decision_id,
        "offer": draft.offer,
        "territorial_scope": list(get_settings().marketplace_countries),
        "starts_at": draft.starts_at.isoformat(),
        "ends_at": None if draft.ends_at is None else draft.ends_at.isoformat(),
        "facts": draft.facts,
        "automated_detection": draft.automated_detection,
        "automated_decision": draft.automated_decision.value,
        "ground": {"type": g.ground.value, "key": g.key, "legal_ground": g.legal_ground,
                   "terms_ground": g.terms_ground},
        "category": draft.category,
        "category_specification": list(g.keywords),
        "source_type": draft.source_type.value,
        "redress": redress(puid, draft.starts_at),
        **draft.extra,
    }
