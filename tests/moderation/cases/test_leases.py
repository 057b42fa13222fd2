"""Leases: the next case or a chosen one, a lapsed lease back in the queue, handed on, released."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from moderation import cases
from moderation.db import make_engine
from moderation.domain import CaseKind, CaseStatus, StaffRole
from moderation.errors import InvalidInput, LeaseNotHeld
from moderation.migrate import upgrade
from moderation.tables import Account, AuditEntry, Case, Offer, Seller, utcnow
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


def test_a_lapsed_lease_is_handed_out_in_queue_order_among_the_free_cases(
        session: Session) -> None:
    lapsed = make_case(session, priority=1)
    free = make_case(session, priority=2)
    first, second = make_staff(session).staff, make_staff(session).staff
    assert cases.claim_next(session, staff_id=first.id, lease=LEASE).id == lapsed.id  # type: ignore[union-attr]
    lapsed.lease_expires_at = utcnow() - timedelta(seconds=1)
    session.flush()
    order = [cases.claim_next(session, staff_id=second.id, lease=LEASE) for _ in range(3)]
    assert [c.id if c else None for c in order] == [lapsed.id, free.id, None]
    assert not cases.holds_lease(lapsed, first.id) and cases.holds_lease(lapsed, second.id)


def test_claim_next_of_one_kind_takes_only_that_kind(session: Session) -> None:
    screening = make_case(session, priority=1)
    notice = make_case(session, priority=5)
    notice.kind = CaseKind.NOTICE.value
    session.flush()
    mod = make_staff(session).staff
    got = cases.claim_next(session, staff_id=mod.id, lease=LEASE, kind=CaseKind.NOTICE.value)
    assert got is not None and got.id == notice.id
    assert cases.claim_next(session, staff_id=mod.id, lease=LEASE,
                            kind=CaseKind.NOTICE.value) is None
    assert cases.claim_next(session, staff_id=mod.id, lease=LEASE).id == screening.id  # type: ignore[union-attr]


def test_claim_next_skips_a_case_reviewing_the_callers_decision_and_escalated_ones(
        session: Session) -> None:
    mine = make_case(session, priority=1)
    escalated = make_case(session, priority=1)
    mod, other = make_staff(session).staff, make_staff(session).staff
    mine.not_for_staff_id = mod.id
    escalated.status = CaseStatus.ESCALATED.value
    session.flush()
    assert cases.claim_next(session, staff_id=mod.id, lease=LEASE) is None
    assert cases.claim_next(session, staff_id=other.id, lease=LEASE).id == mine.id  # type: ignore[union-attr]
    assert cases.claim_next(session, staff_id=other.id, lease=LEASE) is None


def test_each_claim_is_audited_with_its_lease(session: Session) -> None:
    case = make_case(session)
    mod = make_staff(session).staff
    claimed = cases.claim_next(session, staff_id=mod.id, lease=LEASE)
    assert claimed is case and case.lease_holder_id == mod.id
    entry = session.query(AuditEntry).filter_by(entity="case", entity_id=case.id,
                                                action="case.claimed").one()
    assert entry.actor == f"staff:{mod.id}"
    assert case.lease_expires_at is not None and entry.after == {
        "lease_holder_id": mod.id, "lease_expires_at": case.lease_expires_at.isoformat()}


def test_claims_on_sqlite_hand_out_free_and_lapsed_cases_in_queue_order(
        tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'claims.db'}"
    upgrade(url)
    engine = make_engine(url)
    try:
        with Session(engine) as s:
            seller = Seller(external_id="s-1")
            s.add(seller)
            s.flush()
            offer = Offer(marketplace_id="m-1", seller_id=seller.id, version=1, title="t")
            mod, other = Account(name="a", role="moderator"), Account(name="b", role="moderator")
            s.add_all([offer, mod, other])
            s.flush()
            now = utcnow()
            made = [Case(kind=CaseKind.SCREENING.value, offer_id=offer.id, priority=p,
                         reason_code="TEST", due_at=now + timedelta(hours=1)) for p in (2, 1)]
            s.add_all(made)
            s.flush()
            low, high = made
            assert cases.claim_next(s, staff_id=mod.id, lease=LEASE) is high
            high.lease_expires_at = now - timedelta(seconds=1)
            s.commit()
            order = [cases.claim_next(s, staff_id=other.id, lease=LEASE) for _ in range(3)]
            assert order == [high, low, None]
            assert s.query(AuditEntry).filter_by(action="case.claimed").count() == 3
    finally:
        engine.dispose()
