"""The domain's own types, composed from the rules' and the models' types."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from models.bundle import Score
from rules.types import Hit


class OfferStatus(StrEnum):
    ACTIVE = "active"
    BLOCKED = "blocked"
    REMOVED = "removed"
    RESTORED = "restored"


class Route(StrEnum):
    ALLOW = "allow"
    REVIEW = "review"
    BLOCK = "block"


class CaseKind(StrEnum):
    SCREENING = "screening"


class CaseStatus(StrEnum):
    OPEN = "open"
    ESCALATED = "escalated"
    CLOSED = "closed"


class DecisionAction(StrEnum):
    REMOVE = "remove"
    KEEP = "keep"
    ESCALATE = "escalate"
    BLOCK = "block"  # system decisions by a blocking rule


class StaffRole(StrEnum):
    MODERATOR = "moderator"
    LEAD = "lead"
    ADMIN = "admin"
    INTEGRATION = "integration"  # the marketplace's offer service, which sends offers


# People log in to the console; API clients act for an organisation with a key only.
PEOPLE = frozenset({StaffRole.MODERATOR, StaffRole.LEAD, StaffRole.ADMIN})
API_CLIENTS = frozenset({StaffRole.INTEGRATION})


class OrganisationKind(StrEnum):
    MARKETPLACE = "marketplace"
    RIGHTS_HOLDER = "rights_holder"
    AUTHORITY = "authority"


@dataclass(frozen=True, slots=True)
class Assessment:
    """What screening concluded about one offer version, before anything is stored."""

    route: Route
    priority: int | None  # 1 most urgent .. 5; None unless routed to review
    due_in: timedelta | None
    reason_code: str
    statement_category: str | None
    hits: tuple[Hit, ...]
    score: Score
