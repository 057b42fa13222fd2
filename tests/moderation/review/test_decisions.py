"""Decisions on a leased case: offer, audit and outbox together; one decision per case."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from moderation import cases
from moderation.domain import StaffRole
from moderation.errors import CaseClosed, LeaseNotHeld
from moderation.programmes import decision_followups
from moderation.review import decisions
from moderation.schemas import DecisionIn
from moderation.tables import AuditEntry, Case, Decision, Offer, OutboxMessage
from tests.factories import make_case, make_staff

LEASE = timedelta(minutes=5)


def test_remove_decision_changes_offer_audits_and_notifies_in_one_go(session: Session) -> None:
    case = make_case(session)
    mod = make_staff(session).staff
    cases.claim_next(session, staff_id=mod.id, lease=LEASE)
    decision = decisions.decide(session, case_id=case.id, staff_id=mod.id,
                                decision=DecisionIn(action="remove", reason_code="COUNTERFEIT",
                                                    note="Logo i cena wskazują na podróbkę"),
                                followups=decision_followups())
    offer = session.get(Offer, case.offer_id)
    assert offer is not None and offer.status == "removed"
    assert case.status == "closed" and case.lease_holder_id is None
    actions = {a.action for a in session.query(AuditEntry).filter_by(entity_id=case.id,
                                                                     entity="case")}
    assert {"case.opened", "case.claimed", "decision.remove"} <= actions
    msg = session.query(OutboxMessage).filter(
        OutboxMessage.payload["decision_id"].as_integer() == decision.id).one()
    assert msg.kind == "seller.statement_of_reasons"
    assert "redress" in msg.payload and msg.payload["automated_decision"] == "not"


def test_second_decision_on_a_closed_case_is_a_conflict(session: Session) -> None:
    case = make_case(session)
    mod = make_staff(session).staff
    cases.claim_next(session, staff_id=mod.id, lease=LEASE)
    decisions.decide(session, case_id=case.id, staff_id=mod.id,
                     decision=DecisionIn(action="keep", reason_code="LAWFUL"),
                     followups=decision_followups())
    with pytest.raises(CaseClosed):
        decisions.decide(session, case_id=case.id, staff_id=mod.id,
                         decision=DecisionIn(action="remove", reason_code="COUNTERFEIT"),
                         followups=decision_followups())
    assert session.query(Decision).filter_by(case_id=case.id).count() == 1


def test_only_the_lease_holder_may_decide(session: Session) -> None:
    case = make_case(session)
    holder, other = make_staff(session).staff, make_staff(session, StaffRole.LEAD).staff
    with pytest.raises(LeaseNotHeld):
        decisions.decide(session, case_id=case.id, staff_id=holder.id,
                         decision=DecisionIn(action="keep", reason_code="LAWFUL"),
                         followups=decision_followups())
    cases.claim_next(session, staff_id=holder.id, lease=LEASE)
    with pytest.raises(LeaseNotHeld):
        decisions.decide(session, case_id=case.id, staff_id=other.id,
                         decision=DecisionIn(action="keep", reason_code="LAWFUL"),
                         followups=decision_followups())


def test_escalation_keeps_case_open_at_top_priority(session: Session) -> None:
    case = make_case(session, priority=4)
    mod = make_staff(session).staff
    cases.claim_next(session, staff_id=mod.id, lease=LEASE)
    decisions.decide(session, case_id=case.id, staff_id=mod.id,
                     decision=DecisionIn(action="escalate", reason_code="UNSURE"),
                     followups=decision_followups())
    assert (case.status, case.priority, case.lease_holder_id) == ("escalated", 1, None)
    offer = session.get(Offer, case.offer_id)
    assert offer is not None and offer.status == "active"
    assert session.query(Case).filter_by(id=case.id, status="escalated").count() == 1
