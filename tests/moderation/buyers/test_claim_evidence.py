"""A claim's evidence: the discussion, the order, the offer as bought, tracking, signals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from moderation import policy
from moderation.buyers import claims, discussions
from moderation.buyers.claim_evidence import case_claim_evidence, claim_evidence
from moderation.buyers.discussions import MessageIn, StepIn
from moderation.errors import NotFound
from moderation.tables import TrackingEvent, utcnow
from tests.factories import make_case, make_discussion, make_offer, make_order


def test_the_offer_is_shown_as_it_was_when_bought(session: Session) -> None:
    offer = make_offer(session, title="Rower Kross Hexagon, rama 19 cali, nowy")
    order = make_order(session, offer=offer)
    # The seller rewrites the listing after the sale.
    make_offer(session, marketplace_id=offer.marketplace_id, version=2,
               title="Rower Kross Hexagon, używany, rama 17 cali")
    assert offer.title.startswith("Rower Kross Hexagon, używany")
    d = make_discussion(session, order=order, reason="not_as_described",
                        opened_ago=policy.SELLER_ANSWER_DUE + timedelta(hours=1))
    claim = claims.escalate(session, d.id, StepIn(at=utcnow()), now=utcnow())
    ev = claim_evidence(session, claim.id)
    assert ev.offer_as_bought is not None
    assert ev.offer_as_bought["title"] == "Rower Kross Hexagon, rama 19 cali, nowy"
    assert ev.offer_now.version == 2


def test_the_discussion_and_tracking_come_in_order(session: Session) -> None:
    order = make_order(session)
    now = utcnow()
    session.add_all([
        TrackingEvent(order_id=order.id, event_id="e2", status="in_transit", carrier="InPost",
                      detail="Sortownia Warszawa", occurred_at=now - timedelta(days=5)),
        TrackingEvent(order_id=order.id, event_id="e1", status="shipped", carrier="InPost",
                      detail="", occurred_at=now - timedelta(days=6)),
    ])
    d = make_discussion(session, order=order)
    discussions.refuse(session, d.id, StepIn.model_validate({
        "at": now, "message": {"message_id": "s-1", "author": "seller",
                               "sent_at": utcnow() + timedelta(seconds=1),
                               "body": "Paczka została wysłana, proszę czekać."}}))
    claim = claims.escalate(session, d.id, StepIn(at=now), now=now)
    ev = case_claim_evidence(session, claim.case_id or 0)
    assert ev is not None and ev.claim.id == claim.id
    assert [t.event_id for t in ev.tracking] == ["e1", "e2"]
    assert [m.author for m in ev.messages] == ["buyer", "seller"]
    assert ev.messages[0].attachments[0]["name"] == "screen.png"
    assert (ev.order.id, ev.buyer.id) == (order.id, order.buyer_id)
    assert ev.decision is None and ev.compensations == []


def test_a_case_of_another_kind_has_no_claim_evidence(session: Session) -> None:
    assert case_claim_evidence(session, make_case(session).id) is None
    with pytest.raises(NotFound):
        claim_evidence(session, 10**12)


def test_messages_added_after_escalation_are_evidence_too(session: Session) -> None:
    d = make_discussion(session, opened_ago=policy.SELLER_ANSWER_DUE + timedelta(hours=1))
    claim = claims.escalate(session, d.id, StepIn(at=utcnow()), now=utcnow())
    discussions.add_message(session, d.id, MessageIn(message_id="p-1", author="platform",
                                                     body="Przekazano do rozpatrzenia.",
                                                     sent_at=utcnow()))
    assert [m.author for m in claim_evidence(session, claim.id).messages][-1] == "platform"
