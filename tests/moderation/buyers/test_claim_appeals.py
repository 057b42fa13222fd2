"""Appeals on a claim's decision: filed by the side it went against, decided anew as a claim
by someone else, the appeal settled through the decision follow-ups."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation import cases, policy, programmes
from moderation.appeals import filing
from moderation.appeals.filing import AppealIn
from moderation.buyers import claims
from moderation.buyers.claim_decisions import ClaimDecisionIn, decide_claim
from moderation.buyers.discussions import StepIn
from moderation.domain import StaffRole
from moderation.errors import Forbidden, InvalidInput
from moderation.review import decisions
from moderation.schemas import DecisionIn
from moderation.tables import (
    Appeal,
    Buyer,
    Case,
    Claim,
    Compensation,
    Decision,
    Order,
    OutboxMessage,
    Seller,
    utcnow,
)
from tests.factories import make_case, make_discussion, make_order, make_staff

LEASE = timedelta(minutes=10)
WHY = "The parcel never came: the tracking stops at the depot for three weeks."


def decided_claim(session: Session, action: str, amount: str | None = None) -> Claim:
    """A claim on a 200 zł order decided by a moderator as told."""
    order = make_order(session, value=Decimal("200.00"))
    d = make_discussion(session, order=order,
                        opened_ago=policy.SELLER_ANSWER_DUE + timedelta(hours=1))
    claim = claims.escalate(session, d.id, StepIn(at=utcnow()), now=utcnow())
    decide_on(session, claim.case_id or 0, action=action, amount=amount, note="First look.")
    return claim


def decide_on(session: Session, case_id: int, **data: object) -> Decision:
    staff_id = make_staff(session).staff.id
    cases.claim(session, case_id=case_id, staff_id=staff_id, lease=LEASE)
    return decide_claim(session, case_id=case_id, staff_id=staff_id,
                        data=ClaimDecisionIn.model_validate(data),
                        followups=programmes.decision_followups())


def appeal(session: Session, claim: Claim, *, by: str) -> Appeal:
    order = session.get_one(Order, claim.order_id)
    who = ({"buyer_id": session.get_one(Buyer, order.buyer_id).external_id} if by == "buyer"
           else {"seller_id": session.get_one(Seller, order.seller_id).external_id})
    market = make_staff(session, StaffRole.INTEGRATION).staff
    assert claim.decision_id is not None
    return filing.file_appeal(session, data=AppealIn(decision_id=claim.decision_id,
                                                     explanation=WHY, **who),
                              caller=market, now=utcnow())


def test_a_buyers_upheld_appeal_pays_the_rest(session: Session) -> None:
    claim = decided_claim(session, "partial", "50.00")
    first = claim.decision_id
    filed = appeal(session, claim, by="buyer")
    case = session.get_one(Case, filed.case_id)
    assert (filed.appellant_kind, filed.contested, case.kind) == ("buyer", "claim_decision",
                                                                  "appeal")
    decided = decide_on(session, case.id, action="compensate")
    assert decided.reason_code == "APPEAL_UPHELD"
    assert (filed.status, filed.outcome, filed.outcome_decision_id) == ("decided", "upheld",
                                                                        decided.id)
    assert (claim.status, claim.upheld, claim.decision_id) == ("compensated", True, decided.id)
    paid = {c.decision_id: c.amount for c in session.scalars(
        select(Compensation).where(Compensation.claim_id == claim.id))}
    assert paid == {first: Decimal("50.00"), decided.id: Decimal("150.00")}
    kinds = [m.kind for m in session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]
    assert "buyer.appeal_received" in kinds and "buyer.appeal_outcome" in kinds
    told = session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == "buyer.claim_decision").order_by(OutboxMessage.id)).all()
    assert told[-1].payload["appeal"] == filed.reference
    assert "ostateczna" in told[-1].payload["text"]  # final here: the buyer reads Polish


def test_a_sellers_upheld_appeal_clears_the_claim_and_claws_nothing_back(
        session: Session) -> None:
    claim = decided_claim(session, "compensate")
    filed = appeal(session, claim, by="seller")
    decided = decide_on(session, filed.case_id or 0, action="reject",
                        note="The buyer collected the parcel: the locker's log shows it.")
    assert (decided.reason_code, filed.outcome) == ("APPEAL_UPHELD", "upheld")
    assert (claim.status, claim.upheld) == ("rejected", False)
    assert [c.amount for c in session.scalars(
        select(Compensation).where(Compensation.claim_id == claim.id))] == [Decimal("200.00")]


@pytest.mark.parametrize(("first", "by", "again", "outcome"), [
    (("partial", "50.00"), "buyer", ("partial", "50.00"), "rejected"),  # the same: it stands
    (("partial", "50.00"), "buyer", ("partial", "20.00"), None),  # worse for the buyer
    (("partial", "50.00"), "seller", ("partial", "80.00"), None),  # worse for the seller
    (("partial", "50.00"), "seller", ("partial", "10.00"), "upheld"),
    (("reject", None), "buyer", ("partial", "1.00"), "upheld"),
])
def test_what_a_new_decision_on_appeal_means(session: Session, first: tuple[str, str | None],
                                             by: str, again: tuple[str, str | None],
                                             outcome: str | None) -> None:
    claim = decided_claim(session, first[0], first[1])
    filed = appeal(session, claim, by=by)
    data = {"action": again[0], "amount": again[1], "note": "Looked again at the photos."}
    if outcome is None:
        with pytest.raises(InvalidInput) as caught:
            decide_on(session, filed.case_id or 0, **data)
        assert caught.value.field == "amount"
        return
    decide_on(session, filed.case_id or 0, **data)
    assert filed.outcome == outcome


def test_a_rejected_appeal_needs_a_note(session: Session) -> None:
    claim = decided_claim(session, "reject")
    filed = appeal(session, claim, by="buyer")
    with pytest.raises(InvalidInput) as caught:
        decide_on(session, filed.case_id or 0, action="reject")
    assert caught.value.field == "note"


@pytest.mark.parametrize(("action", "amount", "by"), [
    ("compensate", None, "buyer"),  # paid in full: nothing against the buyer
    ("reject", None, "seller"),  # nothing against the seller
])
def test_only_the_side_a_decision_went_against_appeals(session: Session, action: str,
                                                       amount: str | None, by: str) -> None:
    claim = decided_claim(session, action, amount)
    with pytest.raises(InvalidInput):
        appeal(session, claim, by=by)


def test_another_buyer_cannot_appeal_and_a_buyer_appeals_only_claims(session: Session) -> None:
    claim = decided_claim(session, "reject")
    stranger = make_order(session)  # another buyer
    market = make_staff(session, StaffRole.INTEGRATION).staff
    other = session.get_one(Buyer, stranger.buyer_id).external_id
    with pytest.raises(Forbidden):
        filing.file_appeal(session, data=AppealIn(decision_id=claim.decision_id,
                                                  buyer_id=other, explanation=WHY),
                           caller=market, now=utcnow())
    # A removal of an offer decides no claim: a buyer has nothing there to appeal.
    case = make_case(session)
    staff_id = make_staff(session).staff.id
    cases.claim(session, case_id=case.id, staff_id=staff_id, lease=LEASE)
    removal = decisions.decide(session, case_id=case.id, staff_id=staff_id,
                               decision=DecisionIn(action="remove", reason_code="COUNTERFEIT"),
                               followups=programmes.decision_followups())
    with pytest.raises(InvalidInput) as caught:
        filing.file_appeal(session, data=AppealIn(decision_id=removal.id, buyer_id=other,
                                                  explanation=WHY),
                           caller=market, now=utcnow())
    assert "decides no claim" in caught.value.message


def test_the_moderator_who_decided_does_not_review_the_appeal(session: Session) -> None:
    claim = decided_claim(session, "reject")
    decider = session.get_one(Decision, claim.decision_id).moderator_id
    filed = appeal(session, claim, by="buyer")
    assert session.get_one(Case, filed.case_id).not_for_staff_id == decider
    with pytest.raises(Forbidden):
        cases.claim(session, case_id=filed.case_id or 0, staff_id=decider or 0, lease=LEASE)


def test_an_appeal_on_a_claim_is_not_answered_by_keeping_the_offer(session: Session) -> None:
    claim = decided_claim(session, "reject")
    filed = appeal(session, claim, by="buyer")
    staff_id = make_staff(session).staff.id
    cases.claim(session, case_id=filed.case_id or 0, staff_id=staff_id, lease=LEASE)
    with pytest.raises(InvalidInput) as caught:
        decisions.decide(session, case_id=filed.case_id or 0, staff_id=staff_id,
                         decision=DecisionIn(action="keep", reason_code="APPEAL_UPHELD"),
                         followups=programmes.decision_followups())
    assert "decide it as a claim" in caught.value.message
