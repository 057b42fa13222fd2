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
    NOTICE = "notice"  # opened by a rights holder's notice
    COUNTER_NOTICE = "counter_notice"  # a seller contests a removal on a notice
    SAFETY = "safety"  # an offer matching a product-safety alert or an authority order


class SourceKind(StrEnum):
    """What a case stands on besides screening, one source row each (see cases/sources.py)."""

    NOTICE = "notice"  # a rights holder's notice naming the offer
    COUNTER_NOTICE = "counter_notice"  # the seller's counter-notice behind its own case
    SAFETY_ALERT = "safety_alert"  # a product-safety alert or an authority order


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
    RIGHTS_HOLDER = "rights_holder"  # a member or API client of a rights holder
    AUTHORITY = "authority"  # the market surveillance authority (UOKiK), consumer ombudsmen


# Staff log in to the console. Accounts of organisations act for one (a key, and for
# rights holders' members also a password for the portal).
PEOPLE = frozenset({StaffRole.MODERATOR, StaffRole.LEAD, StaffRole.ADMIN})
API_CLIENTS = frozenset({StaffRole.INTEGRATION, StaffRole.RIGHTS_HOLDER, StaffRole.AUTHORITY})


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


# The kind of organisation each organisation-bound role acts for.
ORGANISATION_KIND_OF = {StaffRole.INTEGRATION: OrganisationKind.MARKETPLACE,
                        StaffRole.RIGHTS_HOLDER: OrganisationKind.RIGHTS_HOLDER,
                        StaffRole.AUTHORITY: OrganisationKind.AUTHORITY}
