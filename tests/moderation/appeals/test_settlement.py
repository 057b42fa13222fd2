"""Deciding appeals: someone else decides; upheld reverses what the decision caused, everyone
concerned is told; rejected says why; both are audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation import cases
from moderation.config import get_settings
from moderation.domain import StaffRole
from moderation.errors import Forbidden, InvalidInput
from moderation.programmes import decision_followups
from moderation.review import decisions
from moderation.schemas import DecisionIn
from moderation.tables import (
    AuditEntry,
    Case,
    NoticeItem,
    Offer,
    Organisation,
    OutboxMessage,
    Seller,
    Strike,
    utcnow,
)
from tests.appeal_builders import (
    answer,
    authority,
    automatic_block,
    decide_case,
    member,
    notifier_appeal,
    safety_case,
    seller_appeal,
    statement,
)
from tests.factories import make_staff
from tests.notice_builders import LEASE, decide, noticed_case, remove_on_notice


def sent(session: Session, kind: str) -> list[OutboxMessage]:
    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)
                                .order_by(OutboxMessage.id)))


def audited(session: Session, action: str) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_an_upheld_appeal_against_a_block_restores_the_offer_and_tells_the_seller(
        session: Session) -> None:
    block = automatic_block(session)
    appeal = seller_appeal(session, block)
    decision = answer(session, appeal, action="keep", upheld=True)
    offer = session.get_one(Offer, block.offer_id)
    assert offer.status == "restored"
    assert (appeal.status, appeal.outcome, appeal.outcome_decision_id) == (
        "decided", "upheld", decision.id)
    [told] = sent(session, "seller.appeal_outcome")
    assert told.recipient == f"seller:{offer.seller.external_id}"
    assert told.payload["outcome"] == "upheld" and told.payload["offer_status"] == "restored"
    [entry] = audited(session, "appeal.upheld")
    assert entry.entity_id == appeal.id and entry.actor == f"staff:{decision.moderator_id}"


def test_an_upheld_appeal_against_a_removal_on_a_notice_undoes_strike_and_notice(
        session: Session) -> None:
    removed = remove_on_notice(session)
    appeal = seller_appeal(session, removed.decision)
    answer(session, appeal, action="keep", upheld=True)
    assert removed.offer.status == "restored"
    assert session.get_one(Strike, removed.strike.id).revoked_at is not None
    assert session.get_one(Seller, removed.seller.id).strikes == 0
    item = session.scalars(select(NoticeItem).where(
        NoticeItem.notice_id == removed.notice.id)).one()
    assert item.outcome == "rejected"  # counts against the notifier's accuracy
    [notifier] = sent(session, "notifier.appeal_outcome")
    assert notifier.recipient == f"email:{removed.notice.notifier_email}"
    assert notifier.payload["notice_reference"] == removed.notice.reference
    assert sent(session, "seller.appeal_outcome")[0].payload["outcome"] == "upheld"
    assert audited(session, "seller.strike_revoked")


def test_an_upheld_appeal_against_a_suspension_lifts_it(
        session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STRIKE_LADDER", "suspend:7")
    get_settings.cache_clear()
    removed = remove_on_notice(session)
    seller = session.get_one(Seller, removed.seller.id)
    assert seller.suspended_until is not None and seller.suspended_until > utcnow()
    told = statement(session, seller_id=seller.id, restriction="suspension",
                     strike=removed.strike)
    appeal = seller_appeal(session, puid=told.puid, seller=seller.external_id)
    # The removal may stand while the suspension goes: the moderator says which.
    answer(session, appeal, action="remove", upheld=True)
    assert seller.suspended_until is None and seller.strikes == 0
    assert removed.offer.status == "removed"
    item = session.scalars(select(NoticeItem).where(
        NoticeItem.notice_id == removed.notice.id)).one()
    assert item.outcome == "upheld"  # the notice was right about the offer
    assert sent(session, "seller.reinstated")
    assert sent(session, "notifier.appeal_outcome") == []


def test_a_notifiers_upheld_appeal_against_a_keep_removes_the_offer(session: Session) -> None:
    case, notice = noticed_case(session)
    kept = decide(session, case, DecisionIn(action="keep", reason_code="MANIFESTLY_UNFOUNDED"))
    holder = member(session, session.get_one(Organisation, notice.organisation_id),
                    StaffRole.RIGHTS_HOLDER)
    appeal = notifier_appeal(session, kept, holder)
    assert session.get_one(Case, appeal.case_id).not_for_staff_id == kept.moderator_id
    decision = answer(session, appeal, action="remove", upheld=True)
    offer = session.get_one(Offer, case.offer_id)
    assert offer.status == "removed"
    item = session.scalars(select(NoticeItem).where(NoticeItem.notice_id == notice.id)).one()
    assert item.outcome == "upheld" and not item.manifestly_unfounded
    strike = session.scalars(select(Strike).where(Strike.decision_id == decision.id)).one()
    assert strike.seller_id == offer.seller_id
    [told] = sent(session, "notifier.appeal_outcome")
    assert told.recipient == f"organisation:{notice.organisation_id}"
    statements = sent(session, "seller.statement_of_reasons")
    assert statements[-1].payload["decision_id"] == decision.id


def test_a_seller_upheld_against_a_safety_removal_the_authority_is_told(
        session: Session) -> None:
    org = authority(session)
    removed = decide_case(session, safety_case(session, org),
                          DecisionIn(action="remove", reason_code="UNSAFE_PRODUCT"))
    answer(session, seller_appeal(session, removed), action="keep", upheld=True)
    assert session.get_one(Offer, removed.offer_id).status == "restored"
    [told] = sent(session, "notifier.appeal_outcome")
    assert told.recipient == f"organisation:{org.id}"


def test_a_rejected_appeal_needs_its_why_and_tells_it(session: Session) -> None:
    removed = remove_on_notice(session)
    appeal = seller_appeal(session, removed.decision)
    moderator = make_staff(session).staff.id
    with pytest.raises(InvalidInput) as no_why:
        answer(session, appeal, action="remove", upheld=False, note="  ",
               moderator_id=moderator)
    assert no_why.value.field == "note"
    why = "The photos show the counterfeit logo the notice describes."
    answer(session, appeal, action="remove", upheld=False, note=why, moderator_id=moderator)
    assert (appeal.outcome, appeal.outcome_note) == ("rejected", why)
    assert removed.offer.status == "removed"
    assert session.get_one(Strike, removed.strike.id).revoked_at is None
    [told] = sent(session, "seller.appeal_outcome")
    assert told.payload["explanation"] == why and "out-of-court" in told.payload["redress"]
    assert audited(session, "appeal.rejected")[0].after["note"] == why


@pytest.mark.parametrize(("action", "upheld"), [("remove", True), ("keep", False)])
def test_the_action_must_fit_the_answer(session: Session, action: str, upheld: bool) -> None:
    appeal = seller_appeal(session, automatic_block(session))
    with pytest.raises(InvalidInput) as wrong:
        answer(session, appeal, action=action, upheld=upheld)
    assert wrong.value.field == "action"


def test_the_original_moderator_can_neither_claim_nor_decide(session: Session) -> None:
    removed = remove_on_notice(session)
    appeal = seller_appeal(session, removed.decision)
    case = session.get_one(Case, appeal.case_id)
    with pytest.raises(Forbidden):
        cases.claim(session, case_id=case.id, staff_id=removed.moderator_id, lease=LEASE)
    assert cases.claim_next(session, staff_id=removed.moderator_id, lease=LEASE) is None
    # A lease come by any other way does not let them decide either.
    case.lease_holder_id, case.lease_expires_at = removed.moderator_id, utcnow() + LEASE
    session.flush()
    with pytest.raises(Forbidden):
        decisions.decide(session, case_id=case.id, staff_id=removed.moderator_id,
                         decision=DecisionIn(action="keep", reason_code="APPEAL_UPHELD"),
                         followups=decision_followups())
    case.lease_holder_id = case.lease_expires_at = None
    answer(session, appeal, action="keep", upheld=True)  # someone else may
    assert appeal.outcome == "upheld"


def test_an_appeal_against_a_leads_decision_waits_for_a_lead(session: Session) -> None:
    lead = make_staff(session, StaffRole.LEAD).staff
    removed = remove_on_notice(session, moderator_id=lead.id)
    appeal = seller_appeal(session, removed.decision)
    case = session.get_one(Case, appeal.case_id)
    assert case.status == "escalated"
    moderator = make_staff(session).staff
    with pytest.raises(Forbidden):
        cases.claim(session, case_id=case.id, staff_id=moderator.id, lease=LEASE)
    # The only lead is the one who decided: they may take it, as nobody else can.
    answer(session, appeal, action="keep", upheld=True, moderator_id=lead.id)
    assert appeal.outcome == "upheld"


def test_a_lead_may_not_review_their_own_decision_when_another_lead_can(
        session: Session) -> None:
    lead = make_staff(session, StaffRole.LEAD).staff
    removed = remove_on_notice(session, moderator_id=lead.id)
    appeal = seller_appeal(session, removed.decision)
    other = make_staff(session, StaffRole.LEAD).staff
    with pytest.raises(Forbidden):
        cases.claim(session, case_id=appeal.case_id, staff_id=lead.id, lease=LEASE,
                    may_take_escalated=True)
    answer(session, appeal, action="keep", upheld=True, moderator_id=other.id)
    assert appeal.decided_at is not None and appeal.decided_at - appeal.filed_at < timedelta(
        minutes=1)
