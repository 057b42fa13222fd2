"""What a reviewer or the marketplace sees about an offer or a case, gathered in one place."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from moderation.cases import cases_of_offer, get_case, notices_behind
from moderation.cases.grounds import CaseGrounds, case_grounds
from moderation.intake.offers import get_offer
from moderation.review.appeal_evidence import AppealEvidence, appeal_evidence
from moderation.tables import (
    AuditEntry,
    Case,
    CounterNotice,
    Decision,
    Notice,
    Offer,
    Organisation,
    Right,
    Screening,
    Seller,
)


@dataclass(frozen=True, slots=True)
class OfferHistory:
    offer: Offer
    screenings: list[Screening]
    cases: list[Case]
    decisions: list[Decision]


@dataclass(frozen=True, slots=True)
class SellerHistory:
    seller: Seller
    cases: list[Case]  # on the seller's other offers, newest first, each with its offer
    decisions: list[Decision]  # on the seller's other offers, newest first


@dataclass(frozen=True, slots=True)
class NoticeEvidence:
    notice: Notice
    right: Right
    organisation: Organisation


@dataclass(frozen=True, slots=True)
class CaseEvidence:
    case: Case
    offer: Offer
    screening: Screening | None
    history: OfferHistory
    seller: SellerHistory
    audit: list[AuditEntry]
    notices: list[NoticeEvidence]  # the rights holders' notices merged into the case
    counter_notice: CounterNotice | None  # the seller's statement, on a counter-notice case
    appeal: AppealEvidence | None  # the appeal and the decision it contests, on an appeal case
    grounds: CaseGrounds  # alerts matched, an earlier removal, the seller's sanction, the hold


SELLER_HISTORY_LIMIT = 50


def seller_history(session: Session, seller_id: int, *, except_offer: int) -> SellerHistory:
    """The seller and what happened to their other offers: earlier cases and decisions."""
    seller = session.get(Seller, seller_id)
    assert seller is not None
    others = select(Offer.id).where(Offer.seller_id == seller_id, Offer.id != except_offer)
    cases = session.scalars(
        select(Case).where(Case.offer_id.in_(others)).options(joinedload(Case.offer))
        .order_by(Case.opened_at.desc()).limit(SELLER_HISTORY_LIMIT)
    ).all()
    decisions = session.scalars(
        select(Decision).where(Decision.offer_id.in_(others))
        .order_by(Decision.decided_at.desc()).limit(SELLER_HISTORY_LIMIT)
    ).all()
    return SellerHistory(seller, list(cases), list(decisions))


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
    return OfferHistory(offer, list(screenings), cases_of_offer(session, offer_id),
                        list(decisions))


def case_evidence(session: Session, case_id: int) -> CaseEvidence:
    """A case with the screening behind it, the offer's history and the audit trail."""
    case = get_case(session, case_id)
    history = offer_history(session, case.offer_id)
    screening = session.get(Screening, case.screening_id) if case.screening_id else None
    appeal = appeal_evidence(session, case.id)
    # An appeal's trail is the whole history: the contested case's and the appeal's own too.
    case_ids = [case.id] + ([appeal.original_case.id] if appeal and appeal.original_case else [])
    trail = session.scalars(
        select(AuditEntry)
        .where(or_((AuditEntry.entity == "case") & AuditEntry.entity_id.in_(case_ids),
                   (AuditEntry.entity == "offer") & (AuditEntry.entity_id == case.offer_id),
                   (AuditEntry.entity == "appeal")
                   & (AuditEntry.entity_id == (appeal.appeal.id if appeal else None))))
        .order_by(AuditEntry.id)
    ).all()
    seller = seller_history(session, history.offer.seller_id, except_offer=case.offer_id)
    notices = [NoticeEvidence(n, session.get_one(Right, n.right_id),
                              session.get_one(Organisation, n.organisation_id))
               for n in notices_behind(session, case.id)]
    counter = session.scalar(select(CounterNotice).where(CounterNotice.case_id == case.id))
    return CaseEvidence(case, history.offer, screening, history, seller, list(trail), notices,
                        counter, appeal, case_grounds(session, case))

