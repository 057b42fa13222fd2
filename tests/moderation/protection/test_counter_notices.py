"""Counter-notices: a seller contests a removal on a notice; someone else reviews it."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from moderation import cases
from moderation.cases import strikes
from moderation.cases.reasons import reasons_for
from moderation.domain import CaseKind, StaffRole
from moderation.errors import Conflict, Forbidden, InvalidInput, ModerationError, NotFound
from moderation.programmes import decision_followups
from moderation.protection import counter_notices
from moderation.protection.counter_notices import NOT_CONTESTABLE, CounterNoticeIn
from moderation.review import decisions
from moderation.schemas import DecisionIn
from moderation.tables import (
    AuditEntry,
    Case,
    CaseSource,
    CounterNotice,
    Decision,
    Offer,
    OutboxMessage,
    Seller,
    utcnow,
)
from tests.factories import make_staff
from tests.notice_builders import (
    LEASE,
    RemovedOnNotice,
    add_to_case,
    backdate_strike,
    decide,
    make_notice,
    noticed_case,
    removal,
    remove_on_notice,
)

STATEMENT = "I bought these bags from the brand's authorised distributor; invoice attached."
EMAIL = "sprzedawca@example.pl"


def verdict(action: str) -> DecisionIn:
    """A decision on a counter-notice case with the first reason that fits it."""
    code = reasons_for(CaseKind.COUNTER_NOTICE.value)[action][0].code
    return DecisionIn(action=action, reason_code=code, note="Reviewed the seller's invoice.")


def contest(session: Session, decision: Decision, now: datetime | None = None) -> CounterNotice:
    data = CounterNoticeIn(decision_id=decision.id, statement=STATEMENT, contact_email=EMAIL)
    return counter_notices.file_counter_notice(session, data=data, now=now or utcnow())


def settle(session: Session, row: CounterNotice, action: str, staff_id: int) -> Decision:
    """Decide the counter-notice case, then run the follow-up as decisions.decide will."""
    case = session.get(Case, row.case_id)
    assert case is not None
    cases.claim(session, case_id=case.id, staff_id=staff_id, lease=LEASE,
                may_take_escalated=True)
    decision = decisions.decide(session, case_id=case.id, staff_id=staff_id,
                                decision=verdict(action), followups=decision_followups())
    counter_notices.on_case_decided(session, case=case, decision=decision)
    return decision


def outbox(session: Session, kind: str) -> list[OutboxMessage]:
    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)
                                .order_by(OutboxMessage.id)))


def test_a_counter_notice_opens_a_case_its_original_moderator_cannot_take(
        session: Session) -> None:
    removed = remove_on_notice(session)
    row = contest(session, removed.decision)
    assert re.fullmatch(rf"CN-{utcnow().year}-\d{{6}}", row.reference)
    assert row.status == "open" and row.offer_id == removed.offer.id

    case = session.get(Case, row.case_id)
    assert case is not None
    assert (case.kind, case.status, case.priority, case.reason_code, case.source) == (
        "counter_notice", "open", 2, "COUNTER_NOTICE", "seller")
    assert case.offer_id == removed.offer.id and case.not_for_staff_id == removed.moderator_id
    assert timedelta(hours=47) < case.due_at - utcnow() <= timedelta(hours=48)
    assert session.scalar(select(CaseSource.kind).where(CaseSource.case_id == case.id)) \
        == "counter_notice"

    ack = outbox(session, "seller.counter_notice_received")
    assert [m.recipient for m in ack] == [f"email:{EMAIL}"]
    assert ack[0].payload["reference"] == row.reference
    filed = session.scalars(select(AuditEntry).where(
        AuditEntry.entity == "counter_notice", AuditEntry.entity_id == row.id)).one()
    assert filed.action == "counter_notice.filed"
    assert filed.actor == f"seller:{removed.seller.external_id}"

    assert cases.claim_next(session, staff_id=removed.moderator_id, lease=LEASE) is None
    with pytest.raises(Forbidden):
        cases.claim(session, case_id=case.id, staff_id=removed.moderator_id, lease=LEASE)
    other = make_staff(session).staff
    claimed = cases.claim_next(session, staff_id=other.id, lease=LEASE)
    assert claimed is not None and claimed.id == case.id


def _suspended_by_second_removal(session: Session) -> tuple[RemovedOnNotice, Seller]:
    # Two infringements, days apart: the second suspends (one episode would be one rung).
    backdate_strike(session, remove_on_notice(session, seller="s-contests").strike)
    second = remove_on_notice(session, seller="s-contests")
    seller = second.seller
    assert seller.strikes == 2 and strikes.held_for_review(seller, utcnow())
    return second, seller


def test_an_upheld_counter_notice_restores_the_offer_and_lifts_the_suspension(
        session: Session) -> None:
    removed, seller = _suspended_by_second_removal(session)
    also = make_notice(session, notifier_email="legal@other-brand.example")
    add_to_case(session, also, removed.case)
    row = contest(session, removed.decision)

    reviewer = make_staff(session).staff
    settle(session, row, "keep", reviewer.id)

    offer = session.get(Offer, removed.offer.id)
    assert offer is not None and offer.status == "restored"
    assert row.status == "upheld" and row.decided_at is not None
    assert removed.strike.revoked_at is not None
    assert seller.strikes == 1 and seller.suspended_until is None
    assert not strikes.held_for_review(seller, utcnow())

    to_seller = outbox(session, "seller.counter_notice_outcome")
    assert [m.recipient for m in to_seller] == [f"email:{EMAIL}"]
    assert to_seller[0].payload["outcome"] == "upheld"
    assert to_seller[0].payload["offer_status"] == "restored"
    notified = outbox(session, "notifier.counter_notice_outcome")
    assert {(m.recipient, m.payload["notice_reference"]) for m in notified} == {
        (f"email:{removed.notice.notifier_email}", removed.notice.reference),
        ("email:legal@other-brand.example", also.reference)}
    assert all(m.payload["offer_id"] == offer.id and m.payload["outcome"] == "upheld"
               for m in notified)
    assert session.scalars(select(AuditEntry.action).where(
        AuditEntry.entity == "counter_notice", AuditEntry.entity_id == row.id)).all() == [
        "counter_notice.filed", "counter_notice.upheld"]

    # A repeated follow-up changes nothing and tells no one twice.
    case = session.get(Case, row.case_id)
    decision = session.scalars(select(Decision).where(Decision.case_id == row.case_id)).one()
    assert case is not None
    counter_notices.on_case_decided(session, case=case, decision=decision)
    assert len(outbox(session, "notifier.counter_notice_outcome")) == 2
    assert len(outbox(session, "seller.counter_notice_outcome")) == 1


def test_a_rejected_counter_notice_leaves_the_offer_removed(session: Session) -> None:
    removed, seller = _suspended_by_second_removal(session)
    row = contest(session, removed.decision)
    mod, lead = make_staff(session).staff, make_staff(session, StaffRole.LEAD).staff

    settle(session, row, "escalate", mod.id)
    assert row.status == "open"  # an escalation settles nothing
    settle(session, row, "remove", lead.id)

    offer = session.get(Offer, removed.offer.id)
    assert offer is not None and offer.status == "removed"
    assert row.status == "rejected" and row.decided_at is not None
    assert removed.strike.revoked_at is None and seller.strikes == 2
    assert strikes.held_for_review(seller, utcnow())
    [to_seller] = outbox(session, "seller.counter_notice_outcome")
    assert to_seller.payload["outcome"] == "rejected"
    [notified] = outbox(session, "notifier.counter_notice_outcome")
    assert notified.recipient == f"email:{removed.notice.notifier_email}"
    assert notified.payload["outcome"] == "rejected"
    assert notified.payload["notice_reference"] == removed.notice.reference


def test_a_counter_notice_on_the_last_day_is_accepted(session: Session) -> None:
    removed = remove_on_notice(session)
    row = contest(session, removed.decision, now=removed.decision.decided_at + timedelta(days=14))
    assert row.status == "open"


def _late(session: Session) -> tuple[int, Any, str]:
    decision = remove_on_notice(session).decision
    closes = (decision.decided_at + timedelta(days=14)).date().isoformat()
    return decision.id, decision.decided_at + timedelta(days=14, seconds=1), \
        f"the window closed on {closes}"


def _duplicate(session: Session) -> tuple[int, Any, str]:
    decision = remove_on_notice(session).decision
    first = contest(session, decision)
    return decision.id, utcnow(), f"already contested: {first.reference}"


def _without_notice(session: Session) -> tuple[int, Any, str]:
    return removal(session, seller="s-plain").id, utcnow(), NOT_CONTESTABLE


def _kept(session: Session) -> tuple[int, Any, str]:
    case, _ = noticed_case(session)
    kept = decide(session, case, DecisionIn(action="keep", reason_code="LAWFUL"))
    return kept.id, utcnow(), NOT_CONTESTABLE


def _unknown(session: Session) -> tuple[int, Any, str]:
    return 10**9, utcnow(), "decision 1000000000 not found"


@pytest.mark.parametrize(("setup", "error"), [
    (_late, InvalidInput),
    (_duplicate, Conflict),
    (_without_notice, InvalidInput),
    (_kept, InvalidInput),
    (_unknown, NotFound),
])
def test_counter_notices_that_cannot_be_filed_are_refused_and_store_nothing(
        session: Session, setup: Callable[[Session], tuple[int, Any, str]],
        error: type[ModerationError]) -> None:
    decision_id, now, message = setup(session)

    def stored() -> tuple[int | None, int | None]:
        return (session.scalar(select(func.count(CounterNotice.id))),
                session.scalar(select(func.count(Case.id)).where(Case.kind == "counter_notice")))

    before = stored()
    data = CounterNoticeIn(decision_id=decision_id, statement=STATEMENT, contact_email=EMAIL)
    with pytest.raises(error) as refused:
        counter_notices.file_counter_notice(session, data=data, now=now)
    assert message in refused.value.message and refused.value.field == "decision_id"
    assert stored() == before


@pytest.mark.parametrize(("change", "field"), [
    ({"statement": "too short"}, "statement"),
    ({"statement": "x" * 5001}, "statement"),
    ({"contact_email": "not-an-address"}, "contact_email"),
    ({"contact_email": "a b@example.pl"}, "contact_email"),
    ({"decision_id": 0}, "decision_id"),
    ({"offer_id": 5}, "offer_id"),
])
def test_counter_notice_input_is_checked(change: dict[str, Any], field: str) -> None:
    body = {"decision_id": 1, "statement": STATEMENT, "contact_email": EMAIL, **change}
    with pytest.raises(ValidationError) as invalid:
        CounterNoticeIn.model_validate(body)
    assert invalid.value.errors()[0]["loc"] == (field,)


def test_an_unknown_reference_is_not_found(session: Session) -> None:
    with pytest.raises(NotFound):
        counter_notices.get_counter_notice(session, "CN-2026-999999")
