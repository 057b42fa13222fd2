"""A seller's report that a buyer's comment breaks the rules: a `feedback_report` case in
the review queue, and what the moderator's decision on it does to the comment.

The moderator decides it like any case (review.decisions.decide); a case of this kind
leaves its offer alone (cases.reasons.NOT_ABOUT_THE_OFFER), and the step below, run by
DecisionFollowups on the case's FEEDBACK_REPORT source, removes the feedback or keeps it
and tells both sides. A removed feedback no longer counts in the seller's quality.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints
from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation import audit, outbox, policy
from moderation.buyers.feedback import BUYER_RECIPIENT, MarketplaceId, get_feedback, mark_removed
from moderation.cases import Followup, Origin, open_case
from moderation.domain import (
    CaseKind,
    DecisionAction,
    FeedbackReportReason,
    FeedbackStatus,
    SourceKind,
)
from moderation.errors import Conflict, InvalidInput, NotFound
from moderation.schemas import Text
from moderation.tables import Buyer, Case, Decision, Feedback, FeedbackReport, Order, Seller

REPORT_SOURCE = "seller"
BUYER_OUTCOME = "buyer.feedback_decision"
SELLER_OUTCOME = "seller.feedback_report_outcome"


class ReportIn(BaseModel):
    """A seller's report of a comment, relayed by the marketplace."""

    model_config = ConfigDict(extra="forbid")

    seller_id: MarketplaceId  # the reporting seller's external id: the one rated
    reason: FeedbackReportReason
    explanation: Annotated[Text, StringConstraints(strip_whitespace=True, max_length=2_000)] = ""


def report_feedback(session: Session, marketplace_id: str, data: ReportIn, *, now: datetime
                    ) -> FeedbackReport:
    """Open a case on a published comment the rated seller says breaks the rules; one open
    report per feedback."""
    row = get_feedback(session, marketplace_id, for_update=True)
    seller = session.get_one(Seller, row.seller_id)
    if seller.external_id != data.seller_id:
        raise InvalidInput("only the seller the feedback rates may report it",
                           field="seller_id")
    if not row.comment:
        raise InvalidInput(f"feedback {marketplace_id} has no comment to report")
    if row.status != FeedbackStatus.PUBLISHED.value:
        raise Conflict(f"feedback {marketplace_id} is {row.status}: only a shown comment "
                       "can be reported")
    open_case_id = session.scalar(select(FeedbackReport.case_id).where(
        FeedbackReport.feedback_id == row.id, FeedbackReport.outcome.is_(None)))
    if open_case_id is not None:
        raise Conflict(f"feedback {marketplace_id} is already reported: case {open_case_id}")
    offer_id = session.scalar(select(Order.offer_id).where(Order.id == row.order_id))
    assert offer_id is not None
    priority = policy.FEEDBACK_REPORT_PRIORITY
    # The case's offer is the order's: the queue shows what the transaction was about.
    case = open_case(session, kind=CaseKind.FEEDBACK_REPORT.value, offer_id=offer_id,
                     reason_code=policy.FEEDBACK_REPORT_REASON, source=REPORT_SOURCE,
                     priority=priority, due_at=now + policy.FEEDBACK_REPORT_DUE, now=now,
                     origin=Origin(SourceKind.FEEDBACK_REPORT,
                                   audit={"feedback": marketplace_id,
                                          "reason": data.reason.value}),
                     actor=f"seller:{seller.external_id}")
    report = FeedbackReport(feedback_id=row.id, case_id=case.id, reason=data.reason.value,
                            explanation=data.explanation, comment=row.comment,
                            reported_at=now)
    session.add(report)
    session.flush()
    return report


def report_of_case(session: Session, case_id: int) -> FeedbackReport | None:
    """The report a case was opened on."""
    return session.scalar(select(FeedbackReport).where(FeedbackReport.case_id == case_id))


def report_for_review(session: Session, case_id: int) -> tuple[FeedbackReport, Feedback]:
    """What a moderator reads to decide a report: the report and the feedback as it stands."""
    report = report_of_case(session, case_id)
    if report is None:
        raise NotFound(f"case {case_id} is not a report of a comment")
    return report, session.get_one(Feedback, report.feedback_id)


def settle_report(session: Session, *, case: Case, decision: Decision) -> None:
    """After the decision: remove the feedback or keep it, and tell the buyer and seller."""
    report = report_of_case(session, case.id)
    if report is None or report.outcome is not None:
        return  # decided before (a job run twice) or not a report of ours
    row = session.get_one(Feedback, report.feedback_id, with_for_update=True)
    removed = decision.action == DecisionAction.REMOVE.value
    report.outcome = DecisionAction.REMOVE.value if removed else DecisionAction.KEEP.value
    report.decided_at = decision.decided_at
    if removed and row.status != FeedbackStatus.REMOVED.value:
        before = {"status": row.status}
        mark_removed(row, by="moderator", now=decision.decided_at)
        audit.record(session, actor=audit.actor_of(decision.moderator_id),
                     action="feedback.removed", entity="feedback", entity_id=row.id,
                     before=before, after={"status": row.status, "decision_id": decision.id})
    session.flush()
    buyer = session.get_one(Buyer, row.buyer_id)
    seller = session.get_one(Seller, row.seller_id)
    outcome = {"feedback_id": row.marketplace_id, "outcome": report.outcome,
               "reported_comment": report.comment, "report_reason": report.reason,
               "reason_code": decision.reason_code,
               "statement_category": decision.statement_category,
               "explanation": decision.note, "decision_id": decision.id,
               "decided_at": decision.decided_at.isoformat(), "decided_by_a_person": True}
    # The buyer wrote the comment: a removal restricts what they posted and is told with its
    # reasons; a kept one is told too, as the report was about them.
    outbox.notify(session, kind=BUYER_OUTCOME,
                  recipient=BUYER_RECIPIENT.format(buyer.external_id),
                  payload={**outcome, "buyer_id": buyer.external_id})
    outbox.notify(session, kind=SELLER_OUTCOME, recipient=f"seller:{seller.external_id}",
                  payload={**outcome, "seller_id": seller.external_id})


def decision_followups() -> tuple[Followup, ...]:
    """What the feedback programme does after a decision on a case of its own."""
    return (Followup(SourceKind.FEEDBACK_REPORT, settle_report),)
