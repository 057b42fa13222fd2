"""The case store every programme stands on: opening, sources, leases, listing, follow-ups."""

from moderation.cases.followups import DecisionFollowups, Followup, FollowupHandler
from moderation.cases.leases import (
    case_to_decide,
    check_reviewer,
    claim,
    claim_next,
    holds_lease,
    reassign,
    release,
    renew_lease,
)
from moderation.cases.listing import (
    OPEN_STATES,
    CaseFilter,
    CasePage,
    QueueFacets,
    cases_of_offer,
    get_case,
    list_cases,
    queue_facets,
)
from moderation.cases.opening import (
    ScreeningReview,
    open_case,
    open_or_join,
    open_screening_case,
    open_screening_cases,
)
from moderation.cases.sources import Origin, join_sources, notices_behind, source_kinds

__all__ = [
    "OPEN_STATES", "CaseFilter", "CasePage", "DecisionFollowups", "Followup", "FollowupHandler",
    "Origin", "QueueFacets", "ScreeningReview", "case_to_decide", "cases_of_offer",
    "check_reviewer", "claim", "claim_next", "get_case", "holds_lease", "join_sources",
    "list_cases", "notices_behind",
    "open_case", "open_or_join", "open_screening_case", "open_screening_cases", "queue_facets",
    "reassign", "release", "renew_lease", "source_kinds",
]
