"""Opening a case of its own: its fields, its source row, its audit entry by whoever opened it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation import cases
from moderation.cases import Origin
from moderation.domain import CaseKind, SourceKind
from moderation.tables import AuditEntry, CaseSource, utcnow
from tests.factories import make_case, make_staff


def test_a_case_of_its_own_joins_none_and_is_audited_as_its_opener(session: Session) -> None:
    open_one = make_case(session)
    reviewer = make_staff(session).staff
    now = utcnow()
    case = cases.open_case(
        session, kind=CaseKind.COUNTER_NOTICE.value, offer_id=open_one.offer_id,
        reason_code="COUNTER_NOTICE", source="seller", priority=2,
        due_at=now + timedelta(hours=48), now=now, origin=Origin(SourceKind.COUNTER_NOTICE),
        actor="seller:s-1", not_for_staff_id=reviewer.id)
    assert case.id != open_one.id and case.status == "open"
    assert session.scalars(select(CaseSource.kind).where(CaseSource.case_id == case.id)
                           ).all() == ["counter_notice"]
    entry = session.scalars(select(AuditEntry).where(AuditEntry.entity == "case",
                                                     AuditEntry.entity_id == case.id)).one()
    assert (entry.actor, entry.action) == ("seller:s-1", "case.opened")
    assert entry.after == {"status": "open", "priority": 2, "reason_code": "COUNTER_NOTICE",
                           "due_at": case.due_at.isoformat(), "not_for_staff_id": reviewer.id}
