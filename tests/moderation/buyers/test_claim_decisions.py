"""Deciding a claim: compensate, partial or reject, by the moderator holding the lease."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation import cases, policy, programmes
from moderation.buyers import claims
from moderation.buyers.claim_decisions import ClaimDecisionIn, amount_for, decide_claim
from moderation.buyers.discussions import StepIn
from moderation.domain import DecisionAction
from moderation.errors import CaseClosed, InvalidInput, LeaseNotHeld
from moderation.tables import (
    AuditEntry,
    Case,
    Claim,
    Compensation,
    Decision,
    Offer,
    OutboxMessage,
    utcnow,
)
from tests.factories import make_buyer, make_case, make_discussion, make_order, make_staff

LEASE = timedelta(minutes=10)
VALUE = Decimal("200.00")


def leased_claim(session: Session, *, buyer_language: str = "pl") -> tuple[Claim, int]:
    """A claim on a 200 zł order, its case leased to a fresh moderator (returned)."""
    order = make_order(session, value=VALUE, buyer=make_buyer(session, language=buyer_language))
    d = make_discussion(session, order=order,
                        opened_ago=policy.SELLER_ANSWER_DUE + timedelta(hours=1))
    claim = claims.escalate(session, d.id, StepIn(at=utcnow()), now=utcnow())
    staff = make_staff(session).staff
    assert claim.case_id is not None
    cases.claim(session, case_id=claim.case_id, staff_id=staff.id, lease=LEASE)
    return claim, staff.id


def decide(session: Session, claim: Claim, staff_id: int, **data: object) -> Decision:
    assert claim.case_id is not None
    return decide_claim(session, case_id=claim.case_id, staff_id=staff_id,
                        data=ClaimDecisionIn.model_validate(data),
                        followups=programmes.decision_followups())


@pytest.mark.parametrize(("action", "amount", "expected"), [
    (DecisionAction.COMPENSATE, None, VALUE),  # the order's value by default
    (DecisionAction.COMPENSATE, Decimal("200.00"), VALUE),
    (DecisionAction.COMPENSATE, Decimal("150"), Decimal("150.00")),
    (DecisionAction.COMPENSATE, Decimal("200.01"), None),  # past the order's value
    (DecisionAction.COMPENSATE, Decimal("0"), None),
    (DecisionAction.PARTIAL, Decimal("0.01"), Decimal("0.01")),
    (DecisionAction.PARTIAL, Decimal("199.99"), Decimal("199.99")),
    (DecisionAction.PARTIAL, Decimal("200.00"), None),  # that is in full
    (DecisionAction.PARTIAL, None, None),  # partial names its amount
    (DecisionAction.PARTIAL, Decimal("-5"), None),
    (DecisionAction.REJECT, None, None),
    (DecisionAction.REJECT, Decimal("10"), None),  # a rejection pays nothing
])
def test_amounts(action: DecisionAction, amount: Decimal | None,
                 expected: Decimal | None) -> None:
    refused = expected is None and not (action is DecisionAction.REJECT and amount is None)
    if refused:
        with pytest.raises(InvalidInput) as caught:
            amount_for(action, amount, VALUE)
        assert caught.value.field == "amount"
    else:
        assert amount_for(action, amount, VALUE) == expected


def test_compensation_closes_case_and_claim_and_leaves_the_offer_alone(session: Session) -> None:
    claim, staff_id = leased_claim(session)
    case = session.get_one(Case, claim.case_id)
    offer_status = session.get_one(Offer, case.offer_id).status
    decision = decide(session, claim, staff_id, action="compensate")
    assert (decision.action, decision.reason_code, decision.offer_id) == (
        "compensate", "CLAIM_UPHELD", case.offer_id)
    assert case.status == "closed" and case.lease_holder_id is None
    assert (claim.status, claim.upheld, claim.decision_id) == ("compensated", True, decision.id)
    assert claim.decided_at == decision.decided_at
    assert session.get_one(Offer, case.offer_id).status == offer_status
    [paid] = session.scalars(select(Compensation).where(Compensation.claim_id == claim.id))
    assert paid.amount == VALUE and paid.decision_id == decision.id
    actions = set(session.scalars(select(AuditEntry.action).where(
        AuditEntry.entity.in_(("case", "claim")))))
    assert {"decision.compensate", "claim.compensated"} <= actions


def test_both_sides_are_told_in_their_own_language(session: Session) -> None:
    claim, staff_id = leased_claim(session, buyer_language="en")
    decide(session, claim, staff_id, action="partial", amount="50.00",
           note="The photos show one of two items missing.")
    told = {m.kind: m for m in session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind.like("%.claim_decision")))}
    assert set(told) == {"buyer.claim_decision", "seller.claim_decision"}
    buyer, seller = told["buyer.claim_decision"], told["seller.claim_decision"]
    assert buyer.recipient.startswith("buyer:") and seller.recipient.startswith("seller:")
    assert buyer.payload["amount"] == "50.00" and buyer.payload["action"] == "partial"
    assert "Your claim" in buyer.payload["text"] and "50.00 PLN" in buyer.payload["text"]
    assert "one of two items missing" in buyer.payload["text"]
    assert "Roszczenie kupującego" in seller.payload["text"]  # the seller reads Polish
    assert "Możesz odwołać się" in seller.payload["text"]


def test_a_rejection_needs_a_note_and_pays_nothing(session: Session) -> None:
    claim, staff_id = leased_claim(session)
    with pytest.raises(InvalidInput) as caught:
        decide(session, claim, staff_id, action="reject")
    assert caught.value.field == "note"
    decision = decide(session, claim, staff_id, action="reject",
                      note="Tracking shows the parcel delivered and signed for.")
    assert (claim.status, claim.upheld, decision.reason_code) == ("rejected", False,
                                                                  "CLAIM_REJECTED")
    assert session.scalar(select(Compensation.id).where(Compensation.claim_id == claim.id)) is None


def test_only_the_lease_holder_decides_and_only_once(session: Session) -> None:
    claim, staff_id = leased_claim(session)
    other = make_staff(session).staff.id
    with pytest.raises(LeaseNotHeld):
        decide(session, claim, other, action="compensate")
    decide(session, claim, staff_id, action="compensate")
    with pytest.raises(CaseClosed):
        decide(session, claim, staff_id, action="compensate")


def test_a_case_of_another_kind_is_not_decided_as_a_claim(session: Session) -> None:
    case = make_case(session)
    staff_id = make_staff(session).staff.id
    cases.claim(session, case_id=case.id, staff_id=staff_id, lease=LEASE)
    with pytest.raises(InvalidInput):
        decide_claim(session, case_id=case.id, staff_id=staff_id,
                     data=ClaimDecisionIn(action="compensate"),
                     followups=programmes.decision_followups())
