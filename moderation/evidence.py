"""What a reviewer or the marketplace sees about an offer or a case, gathered in one place."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from moderation.cases import get_case, open_cases_for_offer
from moderation.offers import get_offer
from moderation.tables import AuditEntry, Case, Decision, Offer, Screening


@dataclass(frozen=True, slots=True)
class OfferHistory:
    offer: Offer
    screenings: list[Screening]
    cases: list[Case]
    decisions: list[Decision]


@dataclass(frozen=True, slots=True)
class CaseEvidence:
    case: Case
    offer: Offer
    screening: Screening | None
    history: OfferHistory
    audit: list[AuditEntry]


def offer_history(session: Session, offer_id: int) -> OfferHistory:
    """An offer with its screenings, cases and decisions, newest first."""
    offer = get_offer(session, offer_id)
    screenings = session.scalars(
        select(Screening).where(Screening.offer_id == offer_id)
        .order_by(Screening.offer_version.desc())
    ).all()
    decisions = session.scalars(
        select(Decision).where(Decision.offer_id == offer_id).order_by(Decision.id.desc())
    ).all()
    return OfferHistory(offer, list(screenings), open_cases_for_offer(session, offer_id),
                        list(decisions))


def case_evidence(session: Session, case_id: int) -> CaseEvidence:
    """A case with the screening behind it, the offer's history and the audit trail."""
    case = get_case(session, case_id)
    history = offer_history(session, case.offer_id)
    screening = session.get(Screening, case.screening_id) if case.screening_id else None
    trail = session.scalars(
        select(AuditEntry)
        .where(or_((AuditEntry.entity == "case") & (AuditEntry.entity_id == case.id),
                   (AuditEntry.entity == "offer") & (AuditEntry.entity_id == case.offer_id)))
        .order_by(AuditEntry.id)
    ).all()
    return CaseEvidence(case, history.offer, screening, history, list(trail))
