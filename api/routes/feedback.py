"""Feedback as JSON: the marketplace relays buyers' ratings, corrections and withdrawals and
sellers' reports of a comment, and reads a seller's 12-month quality."""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.deps import Intake, Moderator, Reader, SessionDep
from api.schemas.feedback import (
    FeedbackReportDetail,
    FeedbackReportView,
    FeedbackView,
    SellerQualityView,
)
from api.schemas.problems import problems
from moderation.buyers import feedback, feedback_reports, seller_quality
from moderation.buyers.feedback import CorrectionIn, FeedbackIn, MarketplaceId
from moderation.buyers.feedback_reports import ReportIn
from moderation.schemas import Id
from moderation.tables import utcnow

router = APIRouter(tags=["feedback"], responses=problems(401, 403))


@router.post("/v1/feedback", status_code=201, responses=problems(400, 404, 409, 413, 422))
def submit_feedback(body: FeedbackIn, session: SessionDep, _caller: Intake,
                    response: Response) -> FeedbackView:
    """Take a buyer's rating in, its comment screened (held when it breaks a rule).

    404 when the order is unknown; 422 when the buyer's account is not activated or the
    90 days are over; 409 when the order is rated already. The same feedback sent again
    answers 200 with what was stored.
    """
    row, new = feedback.submit_feedback(session, body, rules=feedback.comment_rules(),
                                        now=utcnow())
    session.commit()
    if not new:
        response.status_code = 200
    return FeedbackView.model_validate(row)


@router.get("/v1/feedback/{feedback_id}", responses=problems(404, 422))
def get_feedback(feedback_id: MarketplaceId, session: SessionDep,
                 _caller: Reader) -> FeedbackView:
    """One feedback as it stands."""
    return FeedbackView.model_validate(feedback.get_feedback(session, feedback_id))


@router.put("/v1/feedback/{feedback_id}", responses=problems(400, 404, 409, 413, 422))
def correct_feedback(feedback_id: MarketplaceId, body: CorrectionIn, session: SessionDep,
                     _caller: Intake) -> FeedbackView:
    """Replace a comment with the buyer's correction, screened again; 409 once removed."""
    row = feedback.correct_feedback(session, feedback_id, body,
                                    rules=feedback.comment_rules(), now=utcnow())
    session.commit()
    return FeedbackView.model_validate(row)


@router.delete("/v1/feedback/{feedback_id}", responses=problems(404, 413, 422))
def remove_feedback(feedback_id: MarketplaceId, session: SessionDep,
                    _caller: Intake) -> FeedbackView:
    """Withdraw a feedback at the buyer's wish: it is no longer shown nor counted."""
    row = feedback.remove_feedback(session, feedback_id, now=utcnow())
    session.commit()
    return FeedbackView.model_validate(row)


@router.post("/v1/feedback/{feedback_id}/report", status_code=201,
             responses=problems(400, 404, 409, 413, 422))
def report_feedback(feedback_id: MarketplaceId, body: ReportIn, session: SessionDep,
                    _caller: Intake) -> FeedbackReportView:
    """Open a case on a comment its seller says breaks the rules.

    422 when the seller is not the one rated or there is no comment; 409 when the comment
    is not shown or is reported already.
    """
    report = feedback_reports.report_feedback(session, feedback_id, body, now=utcnow())
    session.commit()
    return FeedbackReportView.model_validate(report)


@router.get("/v1/cases/{case_id}/feedback-report", responses=problems(404, 422))
def get_feedback_report(case_id: Id, session: SessionDep,
                        _caller: Moderator) -> FeedbackReportDetail:
    """The report behind a feedback_report case and the comment it is about; 404 for a case
    of another kind."""
    report, row = feedback_reports.report_for_review(session, case_id)
    return FeedbackReportDetail(report=FeedbackReportView.model_validate(report),
                                explanation=report.explanation, reported_comment=report.comment,
                                feedback=FeedbackView.model_validate(row))


@router.get("/v1/sellers/{external_id}/quality", responses=problems(404, 422))
def get_seller_quality(external_id: MarketplaceId, session: SessionDep,
                       _caller: Reader) -> SellerQualityView:
    """A seller's quality as buyers see it: the last 12 months' ratings that stand, and
    the claims upheld against the seller."""
    quality = seller_quality.seller_quality(session, external_id, now=utcnow())
    return SellerQualityView(seller_id=quality.seller_id, since=quality.since,
                             until=quality.until, positive=quality.positive,
                             negative=quality.negative, ratings=quality.ratings,
                             share_positive=quality.share_positive,
                             upheld_claims=quality.upheld_claims)
