"""Deciding leased cases: a lapsed lease, escalations for leads, reason codes, bulk decisions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from moderation import cases
from moderation.domain import StaffRole
from moderation.errors import CaseClosed, Forbidden, InvalidInput, LeaseNotHeld
from moderation.programmes import decision_followups
from moderation.review import decisions
from moderation.schemas import DecisionIn
from moderation.tables import Decision, Offer, utcnow
from tests.factories import make_case, make_staff

LEASE = timedelta(minutes=5)
KEEP = DecisionIn(action="keep", reason_code="LAWFUL")
REMOVE = DecisionIn(action="remove", reason_code="COUNTERFEIT")


def test_a_renewed_lease_lasts_and_a_lost_one_is_refused(session: Session) -> None:
    case = make_case(session)
    mod, other = make_staff(session).staff, make_staff(session).staff
    cases.claim(session, case_id=case.id, staff_id=mod.id, lease=timedelta(seconds=30))
    renewed = cases.renew_lease(session, case_id=case.id, staff_id=mod.id, lease=LEASE)
    assert renewed.lease_expires_at is not None
    assert renewed.lease_expires_at > utcnow() + timedelta(minutes=4)
    case.lease_expires_at = utcnow() - timedelta(seconds=1)
    cases.claim_next(session, staff_id=other.id, lease=LEASE)
    with pytest.raises(LeaseNotHeld):
        cases.renew_lease(session, case_id=case.id, staff_id=mod.id, lease=LEASE)
    with pytest.raises(LeaseNotHeld):
        decisions.decide(session, case_id=case.id, staff_id=mod.id, decision=KEEP,
                         followups=decision_followups())


def test_escalated_cases_are_for_leads(session: Session) -> None:
    case = make_case(session)
    mod, lead = make_staff(session).staff, make_staff(session, StaffRole.LEAD).staff
    cases.claim(session, case_id=case.id, staff_id=mod.id, lease=LEASE)
    decisions.decide(session, case_id=case.id, staff_id=mod.id,
                     decision=DecisionIn(action="escalate", reason_code="UNSURE"),
                     followups=decision_followups())
    assert cases.claim_next(session, staff_id=mod.id, lease=LEASE) is None
    with pytest.raises(Forbidden):
        cases.claim(session, case_id=case.id, staff_id=mod.id, lease=LEASE)
    cases.claim(session, case_id=case.id, staff_id=lead.id, lease=LEASE,
                may_take_escalated=True)
    decisions.decide(session, case_id=case.id, staff_id=lead.id, decision=REMOVE,
                     followups=decision_followups())
    assert case.status == "closed"
    with pytest.raises(CaseClosed):
        cases.claim(session, case_id=case.id, staff_id=lead.id, lease=LEASE,
                    may_take_escalated=True)


def test_a_moderator_holding_an_escalated_case_still_may_not_decide_it(session: Session) -> None:
    case = make_case(session)
    mod, lead = make_staff(session).staff, make_staff(session, StaffRole.LEAD).staff
    cases.claim(session, case_id=case.id, staff_id=mod.id, lease=LEASE)
    decisions.decide(session, case_id=case.id, staff_id=mod.id,
                     decision=DecisionIn(action="escalate", reason_code="UNSURE"),
                     followups=decision_followups())
    cases.reassign(session, case_id=case.id, to_staff_id=mod.id, by_staff_id=lead.id,
                   lease=LEASE)
    with pytest.raises(Forbidden):
        decisions.decide(session, case_id=case.id, staff_id=mod.id, decision=KEEP,
                         followups=decision_followups())


@pytest.mark.parametrize(("action", "code", "ok"), [
    ("remove", "COUNTERFEIT", True),
    ("remove", "LAWFUL", False),  # a keep reason on a removal
    ("keep", "AUTHORISED_RESELLER", True),
    ("keep", "COUNTERFEIT", False),
    ("escalate", "LEGAL_QUESTION", True),
    ("remove", "MADE_UP", False),
])
def test_reason_codes_must_fit_the_action(session: Session, action: str, code: str,
                                          ok: bool) -> None:
    case = make_case(session)
    mod = make_staff(session).staff
    cases.claim(session, case_id=case.id, staff_id=mod.id, lease=LEASE)
    decision = DecisionIn(action=action, reason_code=code)
    if ok:
        decisions.decide(session, case_id=case.id, staff_id=mod.id, decision=decision,
                         followups=decision_followups())
    else:
        with pytest.raises(InvalidInput) as err:
            decisions.decide(session, case_id=case.id, staff_id=mod.id, decision=decision,
                             followups=decision_followups())
        assert err.value.field == "reason_code"
        assert session.query(Decision).filter_by(case_id=case.id).count() == 0


def test_removal_carries_the_reasons_dsa_category(session: Session) -> None:
    case = make_case(session)
    mod = make_staff(session).staff
    cases.claim(session, case_id=case.id, staff_id=mod.id, lease=LEASE)
    row = decisions.decide(session, case_id=case.id, staff_id=mod.id,
                           decision=DecisionIn(action="remove", reason_code="UNSAFE_PRODUCT"),
                           followups=decision_followups())
    assert row.statement_category == "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS"


def test_bulk_decision_records_each_case_and_skips_what_it_cannot_take(session: Session) -> None:
    free = [make_case(session) for _ in range(3)]
    held, done = make_case(session), make_case(session)
    lead, mod = make_staff(session, StaffRole.LEAD).staff, make_staff(session).staff
    cases.claim(session, case_id=held.id, staff_id=mod.id, lease=LEASE)
    cases.claim(session, case_id=done.id, staff_id=lead.id, lease=LEASE)
    decisions.decide(session, case_id=done.id, staff_id=lead.id, decision=KEEP,
                     followups=decision_followups())
    ids = [c.id for c in free] + [held.id, done.id, free[0].id]
    outcomes = decisions.decide_many(session, case_ids=ids, staff_id=lead.id, decision=REMOVE,
                                     lease=LEASE, followups=decision_followups())
    by_case = {o.case_id: o for o in outcomes}
    assert len(outcomes) == 5  # the repeated id is decided once
    assert all(by_case[c.id].decision_id for c in free)
    assert by_case[held.id].error and "someone else" in by_case[held.id].error
    assert by_case[done.id].error and "already decided" in by_case[done.id].error
    for c in free:
        offer = session.get(Offer, c.offer_id)
        assert offer is not None and offer.status == "removed"
        assert session.query(Decision).filter_by(case_id=c.id, moderator_id=lead.id).count() == 1
    assert cases.holds_lease(held, mod.id) and held.status == "open"
