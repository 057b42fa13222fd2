"""The programme end to end: proactive catches, decisions on notices, strikes, sanctions."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from moderation import cases
from moderation.programmes import decision_followups
from moderation.protection import notices
from moderation.review import decisions
from moderation.schemas import DecisionIn
from moderation.tables import (
    AuditEntry,
    Case,
    Decision,
    Notice,
    NoticeItem,
    Offer,
    OutboxMessage,
    RightsCatch,
    Screening,
    Seller,
    utcnow,
)
from tests.factories import make_offer, make_staff, screen_all
from tests.rights_builders import offers, rights_holder, send_notice, verified_right

LEASE = timedelta(minutes=5)


def _decide(session: Session, case_id: int, action: str, reason: str) -> None:
    mod = make_staff(session).staff
    cases.claim(session, case_id=case_id, staff_id=mod.id, lease=LEASE)
    decisions.decide(session, case_id=case_id, staff_id=mod.id,
                     decision=DecisionIn(action=action, reason_code=reason),
                     followups=decision_followups())


def test_verified_brands_catch_counterfeits_before_any_notice(session: Session) -> None:
    org, _ = rights_holder(session)
    right = verified_right(session, org, brands=("Zorvex",))
    fake = make_offer(session, title="Torebka Zorvex replika skóra", brand=None,
                      category="Moda > Torebki", price="120.00")
    honest = make_offer(session, title="Torebka Zorvex skórzana oryginalna", brand="Zorvex",
                        category="Moda > Torebki", price="899.00")
    screen_all(session)
    caught = {c.offer_id: c for c in session.query(RightsCatch).filter_by(
        organisation_id=org.id)}
    assert set(caught) == {fake.id} and caught[fake.id].right_id == right.id
    screening = session.query(Screening).filter_by(offer_id=fake.id).one()
    assert screening.route == "review" and "+rights:" in screening.rules_version
    assert [o.id for _, o in notices.caught_offers(session, organisation_id=org.id)] == [
        fake.id]
    other, _ = rights_holder(session)
    assert notices.caught_offers(session, organisation_id=other.id) == []
    assert session.query(Case).filter_by(offer_id=honest.id).count() == 0


def test_an_upheld_notice_removes_strikes_and_tells_the_notifier(session: Session) -> None:
    org, _ = rights_holder(session)
    right = verified_right(session, org)
    offer = offers(session, 1)[0]
    receipt = send_notice(session, org, right, [offer])
    _decide(session, receipt.items[0].case_id or 0, "remove", "COUNTERFEIT")
    item = session.get(NoticeItem, receipt.items[0].id)
    notice = session.get(Notice, receipt.notice.id)
    seller = session.get(Seller, offer.seller_id)
    assert item is not None and item.outcome == "upheld" and item.decided_at is not None
    assert notice is not None and notice.status == "closed"
    assert seller is not None and seller.strikes == 1
    told = session.query(OutboxMessage).filter_by(kind="notifier.outcome").one()
    assert told.payload["reference"] == notice.reference
    assert told.payload["outcome"] == "removed"
    statement = session.query(OutboxMessage).filter_by(
        kind="seller.statement_of_reasons").one()
    assert "counter_notice" in statement.payload  # the seller learns how to contest it
    assert session.get(Offer, offer.id).status == "removed"  # type: ignore[union-attr]


def test_manifestly_unfounded_notices_lead_to_a_warning_then_a_suspension(session: Session
                                                                          ) -> None:
    org, _ = rights_holder(session)
    right = verified_right(session, org)
    for n in range(1, 6):
        receipt = send_notice(session, org, right, offers(session, 1))
        _decide(session, receipt.items[0].case_id or 0, "keep", "MANIFESTLY_UNFOUNDED")
        session.refresh(org)
        if n == 3:
            assert org.warned_at is not None and org.suspended_until is None
    assert org.suspended_until is not None
    actions = [a.action for a in session.query(AuditEntry).filter_by(
        entity="organisation", entity_id=org.id).order_by(AuditEntry.id)]
    assert actions[-2:] == ["notifier.warned", "notifier.suspended"]
    items = session.query(NoticeItem).join(Notice).filter(Notice.organisation_id == org.id)
    assert all(i.outcome == "rejected" and i.manifestly_unfounded for i in items)


def test_an_escalation_leaves_the_notice_pending(session: Session) -> None:
    org, _ = rights_holder(session)
    receipt = send_notice(session, org, verified_right(session, org), offers(session, 1))
    _decide(session, receipt.items[0].case_id or 0, "escalate", "LEGAL_QUESTION")
    item = session.get(NoticeItem, receipt.items[0].id)
    assert item is not None and item.outcome == "pending"
    assert session.query(OutboxMessage).filter_by(kind="notifier.outcome").count() == 0


def test_suspended_sellers_new_offers_are_held_for_review(session: Session) -> None:
    offer = make_offer(session, title="Rower miejski Kross Trans 5.0")
    seller = session.get(Seller, offer.seller_id)
    assert seller is not None
    seller.suspended_until = utcnow() + timedelta(days=7)
    session.flush()
    screen_all(session)
    case = session.query(Case).filter_by(offer_id=offer.id).one()
    assert (case.reason_code, case.source) == ("SELLER_SUSPENDED", "seller")


def test_an_upheld_counter_notice_restores_and_counts_against_the_notice(session: Session
                                                                         ) -> None:
    from moderation.protection import counter_notices

    org, _ = rights_holder(session)
    offer = offers(session, 1)[0]
    receipt = send_notice(session, org, verified_right(session, org), [offer])
    case_id = receipt.items[0].case_id or 0
    _decide(session, case_id, "remove", "COUNTERFEIT")
    removal = session.query(Decision).filter_by(case_id=case_id).one()
    filed = counter_notices.file_counter_notice(session, data=counter_notices.CounterNoticeIn(
        decision_id=removal.id, statement="I bought these bags from the brand's distributor.",
        contact_email="seller@example.com"), now=utcnow())
    assert filed.case_id is not None
    _decide(session, filed.case_id, "keep", "COUNTER_NOTICE_UPHELD")
    session.expire_all()
    assert session.get(Offer, offer.id).status == "restored"  # type: ignore[union-attr]
    assert session.get(Seller, offer.seller_id).strikes == 0  # type: ignore[union-attr]
    item = session.get(NoticeItem, receipt.items[0].id)
    assert item is not None and item.outcome == "rejected"
