"""A seller reports a comment: a feedback_report case, decided like any case, whose
decision removes or keeps the feedback and leaves the offer alone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation import cases, policy, programmes
from moderation.appeals.filing import AppealIn, file_appeal
from moderation.buyers import feedback, feedback_reports
from moderation.buyers.feedback import FeedbackIn
from moderation.buyers.feedback_reports import ReportIn
from moderation.cases import source_kinds
from moderation.domain import CaseKind, SourceKind, StaffRole
from moderation.errors import Conflict, InvalidInput
from moderation.review import decisions
from moderation.schemas import DecisionIn
from moderation.tables import (
    Buyer,
    Case,
    Decision,
    Feedback,
    FeedbackReport,
    Offer,
    OfferHold,
    Order,
    OutboxMessage,
    Seller,
    Statement,
    utcnow,
)
from tests.factories import feedback_order, make_staff

LEASE = timedelta(minutes=5)
NEGATIVE = "Sprzedawca kłamie w opisie, to nie jest nowy towar"


def published(session: Session, comment: str = NEGATIVE) -> Feedback:
    order = feedback_order(session)
    row, _ = feedback.submit_feedback(
        session, FeedbackIn.model_validate({"feedback_id": f"fb-{order.marketplace_id}",
                                            "order_id": order.marketplace_id,
                                            "rating": "negative", "comment": comment}),
        rules=feedback.comment_rules(), now=utcnow())
    return row


def seller_of(session: Session, row: Feedback) -> str:
    return session.get_one(Seller, row.seller_id).external_id


def report(session: Session, row: Feedback, **changes: str) -> FeedbackReport:
    data = ReportIn.model_validate({"seller_id": seller_of(session, row), "reason": "false",
                                    "explanation": "The item was new, see the photos.",
                                    **changes})
    return feedback_reports.report_feedback(session, row.marketplace_id, data, now=utcnow())


def decide(session: Session, case_id: int, action: str, reason_code: str,
           note: str = "") -> Decision:
    moderator = make_staff(session).staff
    cases.claim(session, case_id=case_id, staff_id=moderator.id, lease=LEASE)
    return decisions.decide(session, case_id=case_id, staff_id=moderator.id,
                            decision=DecisionIn(action=action, reason_code=reason_code,
                                                note=note),
                            followups=programmes.decision_followups())


def test_a_report_opens_a_feedback_report_case_on_the_order_s_offer(session: Session) -> None:
    row = published(session)
    filed = report(session, row)
    case = session.get_one(Case, filed.case_id)
    assert case.kind == CaseKind.FEEDBACK_REPORT.value and case.status == "open"
    assert case.reason_code == policy.FEEDBACK_REPORT_REASON
    assert case.priority == policy.FEEDBACK_REPORT_PRIORITY
    assert case.offer_id == session.get_one(Order, row.order_id).offer_id
    assert source_kinds(session, case.id) == {SourceKind.FEEDBACK_REPORT.value}
    assert filed.comment == NEGATIVE and filed.reason == "false" and filed.outcome is None


def test_a_removal_takes_the_feedback_down_and_leaves_the_offer_as_it_was(
        session: Session) -> None:
    row = published(session)
    filed = report(session, row)
    case = session.get_one(Case, filed.case_id)
    offer_status = session.get_one(Offer, case.offer_id).status
    decision = decide(session, case.id, "remove", "COMMENT_UNTRUE",
                      note="The photos show a new item.")
    assert row.status == "removed" and row.removed_by == "moderator"
    assert filed.outcome == "remove" and filed.decided_at == decision.decided_at
    assert decision.statement_category == "STATEMENT_CATEGORY_OTHER_VIOLATION_TC"
    offer = session.get_one(Offer, case.offer_id)
    assert offer.status == offer_status
    # No statement about the offer, no hold released: the decision was on a comment.
    assert session.scalars(select(Statement).where(
        Statement.decision_id == decision.id)).all() == []
    assert session.scalars(select(OfferHold).where(OfferHold.offer_id == offer.id)).all() == []
    told = {m.kind: m for m in session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind.in_([feedback_reports.BUYER_OUTCOME,
                                feedback_reports.SELLER_OUTCOME])))}
    buyer = session.get_one(Buyer, row.buyer_id)
    assert told[feedback_reports.BUYER_OUTCOME].recipient == (
        f"buyer:{buyer.external_id}")
    assert told[feedback_reports.BUYER_OUTCOME].payload["outcome"] == "remove"
    assert told[feedback_reports.BUYER_OUTCOME].payload["explanation"] == (
        "The photos show a new item.")
    assert told[feedback_reports.SELLER_OUTCOME].recipient == f"seller:{seller_of(session, row)}"


def test_a_kept_comment_stays_published_and_may_be_reported_again(session: Session) -> None:
    row = published(session)
    first = report(session, row)
    decide(session, first.case_id, "keep", "COMMENT_FAIR")
    assert row.status == "published" and first.outcome == "keep"
    again = report(session, row, reason="abusive")
    assert again.case_id != first.case_id


@pytest.mark.parametrize(("action", "code"), [("remove", "COUNTERFEIT"), ("keep", "LAWFUL")])
def test_an_offer_s_reason_does_not_fit_a_comment(session: Session, action: str,
                                                  code: str) -> None:
    filed = report(session, published(session))
    with pytest.raises(InvalidInput, match="COMMENT_"):
        decide(session, filed.case_id, action, code)


def test_a_second_report_while_one_is_open_is_a_conflict(session: Session) -> None:
    row = published(session)
    filed = report(session, row)
    with pytest.raises(Conflict, match=f"case {filed.case_id}"):
        report(session, row)


def test_only_the_rated_seller_may_report(session: Session) -> None:
    row = published(session)
    with pytest.raises(InvalidInput) as caught:
        report(session, row, seller_id="someone-else")
    assert caught.value.field == "seller_id"


def test_a_held_or_removed_comment_or_none_cannot_be_reported(session: Session) -> None:
    held = published(session, "Zapraszam do mojego sklepu")
    assert held.status == "held"
    with pytest.raises(Conflict, match="held"):
        report(session, held)
    gone = published(session)
    feedback.remove_feedback(session, gone.marketplace_id, now=utcnow())
    with pytest.raises(Conflict, match="removed"):
        report(session, gone)
    with pytest.raises(InvalidInput, match="no comment"):
        report(session, published(session, ""))


def test_a_decision_on_a_feedback_the_buyer_withdrew_meanwhile_keeps_it_removed(
        session: Session) -> None:
    row = published(session)
    filed = report(session, row)
    feedback.remove_feedback(session, row.marketplace_id, now=utcnow())
    decide(session, filed.case_id, "remove", "COMMENT_ABUSIVE")
    assert row.status == "removed" and row.removed_by == "buyer" and filed.outcome == "remove"


def test_the_seller_cannot_appeal_a_comment_s_removal_as_one_of_its_offer(
        session: Session) -> None:
    row = published(session)
    filed = report(session, row)
    decision = decide(session, filed.case_id, "remove", "COMMENT_ABUSIVE")
    with pytest.raises(InvalidInput, match="restricts nothing"):
        file_appeal(session, data=AppealIn(
            decision_id=decision.id, seller_id=seller_of(session, row),
            explanation="This removal is not about my offer, but let us try anyway."),
            caller=make_staff(session, StaffRole.INTEGRATION).staff, now=utcnow())
