"""Escalation: a claim and its `buyer_claim` case in the review queue, due as policy says."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation import cases, policy
from moderation.buyers import claims, discussions
from moderation.buyers.discussions import StepIn
from moderation.cases import source_kinds
from moderation.domain import CaseKind, SourceKind
from moderation.errors import Conflict
from moderation.tables import Case, Decision, Offer, Order, OutboxMessage, utcnow
from tests.factories import make_discussion, make_order, make_staff

LATE = policy.SELLER_ANSWER_DUE + timedelta(hours=1)


def now_step() -> StepIn:
    return StepIn(at=utcnow())


def test_escalation_after_the_deadline_opens_a_claim_case(session: Session) -> None:
    d = make_discussion(session, opened_ago=LATE)
    now = utcnow()
    claim = claims.escalate(session, d.id, now_step(), now=now)
    case = session.get_one(Case, claim.case_id)
    order = session.get_one(Order, claim.order_id)
    assert (case.kind, case.status, case.offer_id) == (CaseKind.BUYER_CLAIM.value, "open",
                                                        order.offer_id)
    assert case.reason_code == "CLAIM_NOT_RECEIVED"
    assert case.due_at == now + policy.CLAIM_DUE
    assert source_kinds(session, case.id) == {SourceKind.BUYER_CLAIM.value}
    assert d.status == "escalated" and d.escalated_at == now
    assert (claim.status, claim.reason, claim.fast_track) == ("open", "not_received", False)
    kinds = set(session.scalars(select(OutboxMessage.kind)))
    assert {"buyer.claim_opened", "seller.claim_opened"} <= kinds


def test_a_fast_track_claim_is_due_sooner_and_ahead_in_the_queue(session: Session) -> None:
    ordinary = claims.escalate(session, make_discussion(session, opened_ago=LATE).id,
                               now_step(), now=utcnow())
    fast_order = make_order(session, fast_track=True)
    now = utcnow()
    fast = claims.escalate(session, make_discussion(session, order=fast_order,
                                                    opened_ago=LATE).id, now_step(), now=now)
    fast_case = session.get_one(Case, fast.case_id)
    assert fast.fast_track and fast_case.due_at == now + policy.CLAIM_FAST_TRACK_DUE
    assert fast_case.priority < session.get_one(Case, ordinary.case_id).priority
    # The same review queue: a moderator asking for claims gets the fast one first.
    staff = make_staff(session).staff
    got = cases.claim_next(session, staff_id=staff.id, lease=timedelta(minutes=5),
                           kind=CaseKind.BUYER_CLAIM.value)
    assert got is not None and got.id == fast.case_id


def test_escalation_before_the_deadline_is_a_conflict_saying_why(session: Session) -> None:
    d = make_discussion(session)
    with pytest.raises(Conflict) as caught:
        claims.escalate(session, d.id, now_step(), now=utcnow())
    assert "may answer until" in caught.value.message
    assert d.status == "open"
    assert session.scalar(select(Case.id).where(Case.kind == CaseKind.BUYER_CLAIM.value)) is None


def test_the_sellers_refusal_lets_the_buyer_escalate_at_once(session: Session) -> None:
    d = make_discussion(session)
    discussions.refuse(session, d.id, now_step())
    assert claims.escalate(session, d.id, now_step(), now=utcnow()).case_id is not None


def test_a_settled_discussion_is_never_escalated(session: Session) -> None:
    d = make_discussion(session, opened_ago=LATE)
    discussions.settle(session, d.id, now_step())
    with pytest.raises(Conflict) as caught:
        claims.escalate(session, d.id, now_step(), now=utcnow())
    assert "settled" in caught.value.message


def test_escalating_twice_returns_the_one_claim(session: Session) -> None:
    d = make_discussion(session, opened_ago=LATE)
    first = claims.escalate(session, d.id, now_step(), now=utcnow())
    assert claims.escalate(session, d.id, now_step(), now=utcnow()).id == first.id
    assert len(session.scalars(select(Case).where(
        Case.kind == CaseKind.BUYER_CLAIM.value)).all()) == 1


def test_fraud_signals_show_on_the_claim_and_raise_its_priority(session: Session) -> None:
    order = make_order(session)
    plain = claims.escalate(session, make_discussion(session, opened_ago=LATE).id, now_step(),
                            now=utcnow())
    # The offer was removed as counterfeit before the buyer claimed.
    session.add(Decision(case_id=None, offer_id=order.offer_id, action="remove",
                         reason_code="COUNTERFEIT", moderator_id=None, automated=False,
                         decided_at=utcnow()))
    session.get_one(Offer, order.offer_id).status = "removed"
    session.flush()
    flagged = claims.escalate(session, make_discussion(session, order=order,
                                                       opened_ago=LATE).id,
                              now_step(), now=utcnow())
    assert [s["code"] for s in flagged.fraud_signals] == ["OFFER_REMOVED_COUNTERFEIT"]
    assert (session.get_one(Case, flagged.case_id).priority
            < session.get_one(Case, plain.case_id).priority)


def test_a_notice_on_the_offer_opens_its_own_case_beside_the_claim(session: Session) -> None:
    claim = claims.escalate(session, make_discussion(session, opened_ago=LATE).id, now_step(),
                            now=utcnow())
    claim_case = session.get_one(Case, claim.case_id)
    now = utcnow()
    ids, joined = cases.open_or_join(
        session, [claim_case.offer_id], kind=CaseKind.NOTICE.value, reason_code="COUNTERFEIT",
        source="notice", priority=3, due_at=now + timedelta(days=1), now=now,
        origin=cases.Origin(SourceKind.NOTICE))
    assert joined == 0 and ids != [claim_case.id]
    assert source_kinds(session, claim_case.id) == {SourceKind.BUYER_CLAIM.value}
