"""Filing appeals: who may appeal what, within six months, once; each opens its own case."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation import cases, policy
from moderation.appeals.contested import add_months, closes_at
from moderation.domain import SourceKind, StaffRole
from moderation.errors import Conflict, Forbidden, InvalidInput, NotFound
from moderation.schemas import DecisionIn
from moderation.tables import AuditEntry, Case, CaseSource, Offer, Organisation, OutboxMessage
from tests.appeal_builders import (
    authority,
    automatic_block,
    decide_case,
    member,
    notifier_appeal,
    safety_case,
    seller_appeal,
    statement,
)
from tests.notice_builders import decide, noticed_case, remove_on_notice

KEEP = DecisionIn(action="keep", reason_code="LAWFUL", note="Genuine goods.")


def test_a_seller_appeals_an_automatic_block_and_a_case_opens_in_the_queue(
        session: Session) -> None:
    block = automatic_block(session)
    appeal = seller_appeal(session, block)
    assert appeal.reference.startswith("AP-") and appeal.status == "open"
    assert appeal.contested == "disabling" and appeal.appellant_kind == "seller"
    case = session.get_one(Case, appeal.case_id)
    assert (case.kind, case.status, case.reason_code) == ("appeal", "open", "APPEAL")
    assert case.priority == policy.APPEAL_PRIORITY and case.not_for_staff_id is None
    assert case.due_at - case.opened_at == policy.APPEAL_DUE
    assert session.scalars(select(CaseSource.kind).where(
        CaseSource.case_id == case.id)).all() == ["appeal"]
    filed = session.scalars(select(AuditEntry).where(AuditEntry.action == "appeal.filed")).one()
    assert filed.entity_id == appeal.id and filed.after["case_id"] == case.id
    received = session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == "seller.appeal_received")).one()
    assert received.payload["appeal"] == appeal.reference
    listed = cases.list_cases(session, filters=cases.CaseFilter(kind="appeal")).items
    assert [c.id for c in listed] == [case.id]


def test_the_moderator_who_removed_cannot_review_the_appeal(session: Session) -> None:
    removed = remove_on_notice(session)
    appeal = seller_appeal(session, removed.decision)
    case = session.get_one(Case, appeal.case_id)
    assert case.not_for_staff_id == removed.moderator_id and case.status == "open"
    assert appeal.contested == "removal"


def test_a_notifier_appeals_a_keep_on_its_own_notice_only(session: Session) -> None:
    case, notice = noticed_case(session)
    kept = decide(session, case, KEEP)
    holder = member(session, session.get_one(Organisation, notice.organisation_id),
                    StaffRole.RIGHTS_HOLDER)
    appeal = notifier_appeal(session, kept, holder)
    assert appeal.appellant_kind == "notifier" and appeal.contested == "keep"
    assert appeal.organisation_id == notice.organisation_id
    stranger_case, _ = noticed_case(session)
    other = decide(session, stranger_case, KEEP)
    with pytest.raises(Forbidden):
        notifier_appeal(session, other, holder)


def test_an_authority_appeals_a_keep_on_its_order(session: Session) -> None:
    org = authority(session)
    kept = decide_case(session, safety_case(session, org), KEEP)
    appeal = notifier_appeal(session, kept, member(session, org, StaffRole.AUTHORITY))
    assert appeal.contested == "keep" and appeal.told_at == kept.decided_at
    with pytest.raises(Forbidden):
        notifier_appeal(session, kept, member(session, authority(session), StaffRole.AUTHORITY))


def test_a_seller_appeals_a_safety_removal(session: Session) -> None:
    removed = decide_case(session, safety_case(session, authority(session)),
                          DecisionIn(action="remove", reason_code="UNSAFE_PRODUCT"))
    assert seller_appeal(session, removed).contested == "removal"


def test_a_strike_and_a_suspension_are_appealed_by_their_statements(session: Session) -> None:
    removed = remove_on_notice(session)
    for restriction in ("strike", "suspension"):
        told = statement(session, seller_id=removed.seller.id, restriction=restriction,
                         strike=removed.strike)
        appeal = seller_appeal(session, puid=told.puid, seller=removed.seller.external_id)
        assert appeal.contested == restriction and appeal.statement_id == told.id
        assert appeal.decision_id == removed.decision.id  # the strike's
        assert session.get_one(Case, appeal.case_id).not_for_staff_id == removed.moderator_id


@pytest.mark.parametrize(("later", "allowed"), [
    (timedelta(0), True), (timedelta(days=-1), True), (timedelta(seconds=1), False),
    (timedelta(days=40), False)])
def test_an_appeal_is_taken_within_six_months_of_being_told(
        session: Session, later: timedelta, allowed: bool) -> None:
    told_at = datetime(2026, 1, 31, 12, 0, tzinfo=UTC)
    block = automatic_block(session)
    # The seller was told when the statement was written, a day after the decision.
    statement(session, seller_id=session.get_one(Offer, block.offer_id).seller_id,
              restriction="disabling", decision=block, created_at=told_at - timedelta(days=1))
    now = closes_at(told_at - timedelta(days=1)) + later
    if allowed:
        assert seller_appeal(session, block, now=now).status == "open"
    else:
        with pytest.raises(InvalidInput, match="six months") as refused:
            seller_appeal(session, block, now=now)
        assert refused.value.field == "decision_id"


@pytest.mark.parametrize(("start", "end"), [
    (datetime(2026, 1, 15, 9, tzinfo=UTC), datetime(2026, 7, 15, 9, tzinfo=UTC)),
    (datetime(2026, 8, 31, 9, tzinfo=UTC), datetime(2027, 2, 28, 9, tzinfo=UTC)),
    (datetime(2027, 8, 31, 9, tzinfo=UTC), datetime(2028, 2, 29, 9, tzinfo=UTC)),
    (datetime(2026, 12, 1, 0, tzinfo=UTC), datetime(2027, 6, 1, 0, tzinfo=UTC)),
])
def test_six_months_are_calendar_months(start: datetime, end: datetime) -> None:
    assert add_months(start, 6) == end == closes_at(start)


def test_one_appeal_per_decision_and_appellant(session: Session) -> None:
    block = automatic_block(session)
    first = seller_appeal(session, block)
    with pytest.raises(Conflict, match=first.reference):
        seller_appeal(session, block)


def test_refusals_name_the_field(session: Session) -> None:
    removed = remove_on_notice(session)
    other = session.get_one(Offer, automatic_block(session).offer_id)
    with pytest.raises(Forbidden) as not_theirs:  # another seller's decision
        seller_appeal(session, removed.decision, seller=other.seller.external_id)
    assert not_theirs.value.field == "decision_id"
    with pytest.raises(NotFound) as unknown:
        seller_appeal(session, removed.decision, seller="nobody-at-all")
    assert unknown.value.field == "seller_id"
    case, _ = noticed_case(session)
    kept = decide(session, case, KEEP)
    with pytest.raises(InvalidInput) as keep:  # a keep restricts nothing of the seller's
        seller_appeal(session, kept)
    assert keep.value.field == "decision_id"
    holder = member(session, session.get_one(Organisation, removed.notice.organisation_id),
                    StaffRole.RIGHTS_HOLDER)
    with pytest.raises(InvalidInput, match="keep"):  # the removal is what the notifier asked
        notifier_appeal(session, removed.decision, holder)
    with pytest.raises(NotFound) as puid:
        seller_appeal(session, puid="no-such-puid", seller=removed.seller.external_id)
    assert puid.value.field == "statement_puid"


def test_a_new_notice_does_not_join_an_appeals_case(session: Session) -> None:
    removed = remove_on_notice(session)
    appeal = seller_appeal(session, removed.decision)
    now = datetime.now(UTC)
    ids, joined = cases.open_or_join(
        session, [removed.offer.id], kind="notice", reason_code="NOTICE_COUNTERFEIT",
        source="notice", priority=3, due_at=now + timedelta(days=1), now=now,
        origin=cases.Origin(SourceKind.NOTICE))
    assert joined == 0 and ids != [appeal.case_id]
