"""Leases: the next case or a chosen one, a lapsed lease back in the queue, handed on, released."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from moderation import cases
from moderation.domain import StaffRole
from moderation.errors import InvalidInput, LeaseNotHeld
from moderation.tables import AuditEntry, utcnow
from tests.factories import make_case, make_staff

LEASE = timedelta(minutes=5)


def test_claim_hands_out_by_priority_then_due_time(session: Session) -> None:
    late = make_case(session, priority=2, due_in_hours=10)
    urgent = make_case(session, priority=1, due_in_hours=20)
    early = make_case(session, priority=2, due_in_hours=1)
    mod = make_staff(session).staff
    order = [cases.claim_next(session, staff_id=mod.id, lease=LEASE) for _ in range(4)]
    assert [c.id if c else None for c in order] == [urgent.id, early.id, late.id, None]


def test_expired_lease_returns_the_case_to_the_queue(session: Session) -> None:
    case = make_case(session)
    first, second = make_staff(session).staff, make_staff(session).staff
    assert cases.claim_next(session, staff_id=first.id, lease=LEASE).id == case.id  # type: ignore[union-attr]
    assert cases.claim_next(session, staff_id=second.id, lease=LEASE) is None
    case.lease_expires_at = utcnow() - timedelta(seconds=1)
    session.flush()
    again = cases.claim_next(session, staff_id=second.id, lease=LEASE)
    assert again is not None and again.id == case.id and again.lease_holder_id == second.id


def test_release_gives_the_case_back(session: Session) -> None:
    case = make_case(session)
    mod, other = make_staff(session).staff, make_staff(session).staff
    cases.claim_next(session, staff_id=mod.id, lease=LEASE)
    with pytest.raises(LeaseNotHeld):
        cases.release(session, case_id=case.id, staff_id=other.id)
    cases.release(session, case_id=case.id, staff_id=mod.id)
    assert cases.claim_next(session, staff_id=other.id, lease=LEASE).id == case.id  # type: ignore[union-attr]


def test_a_chosen_case_is_leased_unless_someone_else_holds_it(session: Session) -> None:
    case = make_case(session)
    first, second = make_staff(session).staff, make_staff(session).staff
    cases.claim(session, case_id=case.id, staff_id=first.id, lease=LEASE)
    with pytest.raises(LeaseNotHeld):
        cases.claim(session, case_id=case.id, staff_id=second.id, lease=LEASE)
    case.lease_expires_at = utcnow() - timedelta(seconds=1)
    assert cases.claim(session, case_id=case.id, staff_id=second.id,
                       lease=LEASE).lease_holder_id == second.id


def test_a_lead_reassigns_a_case_and_it_is_audited(session: Session) -> None:
    case = make_case(session)
    lead, mod, other = (make_staff(session, StaffRole.LEAD).staff, make_staff(session).staff,
                        make_staff(session).staff)
    cases.claim(session, case_id=case.id, staff_id=mod.id, lease=LEASE)
    cases.reassign(session, case_id=case.id, to_staff_id=other.id, by_staff_id=lead.id,
                   lease=LEASE)
    assert cases.holds_lease(case, other.id) and not cases.holds_lease(case, mod.id)
    entry = session.query(AuditEntry).filter_by(entity="case", entity_id=case.id,
                                                action="case.reassigned").one()
    assert entry.actor == f"staff:{lead.id}" and entry.after == {"lease_holder_id": other.id}
    integration = make_staff(session, StaffRole.INTEGRATION).staff
    with pytest.raises(InvalidInput):
        cases.reassign(session, case_id=case.id, to_staff_id=integration.id,
                       by_staff_id=lead.id, lease=LEASE)
