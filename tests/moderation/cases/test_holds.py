"""Held means held: an offer screening holds, or a serious-risk alert surely matches later, is
`held` until a moderator decides, and the marketplace hears of it once on its webhook."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session

from moderation import cases
from moderation.cases import holds
from moderation.intake import offers
from moderation.programmes import decision_followups
from moderation.review import decisions
from moderation.safety.alerts import AlertIn, Code, store_alerts
from moderation.safety.matching import match_alert
from moderation.schemas import DecisionIn, OfferIn
from moderation.tables import (
    Case,
    Offer,
    OfferHold,
    OutboxMessage,
    SafetyAlert,
    Screening,
    Seller,
    utcnow,
)
from tests.factories import (
    learned,
    make_offer,
    make_staff,
    offer_event,
    screen_all,
)

LEASE = timedelta(minutes=5)
REVIEW_TITLE = "Bluza Supreme replika AAA tanio"  # a rule sends it to review
HEATER = dict(title="Grzejnik olejowy Termix TX-2000 11 żeberek", brand="Termix",
              category="Dom > Ogrzewanie", gtins=["5901234123457"], price="199.00",
              description="Grzejnik do domu.")
_numbers = iter(range(1, 10_000))


def alert(session: Session, *, risk_level: str = "serious", **fields: Any) -> SafetyAlert:
    """An active Safety Gate alert on the Termix heater."""
    values: dict[str, Any] = {"product": "Oil heater", "name": "Termix oil radiator",
                              "brand": "Termix", "model": "TX 2000", "codes": ()}
    values.update(fields)
    summary = store_alerts(session, [AlertIn(source="safety_gate",
                                             number=f"A12/{next(_numbers):05d}/26",
                                             risk_level=risk_level, **values)],
                           due_at=utcnow() + timedelta(days=3))
    return session.get_one(SafetyAlert, summary.created[0])


def told(session: Session, offer_id: int, kind: str = holds.HELD_KIND) -> list[OutboxMessage]:
    """The messages of this kind the marketplace was sent about the offer."""
    return [m for m in session.query(OutboxMessage).filter_by(kind=kind)
            if m.payload.get("offer_id") == offer_id]


def screening_of(session: Session, offer: Offer) -> Screening:
    return session.query(Screening).filter_by(offer_id=offer.id).order_by(
        Screening.id.desc()).first()  # type: ignore[return-value]


def decide(session: Session, case_id: int, action: str, reason_code: str) -> None:
    mod = make_staff(session).staff
    cases.claim(session, case_id=case_id, staff_id=mod.id, lease=LEASE)
    decisions.decide(session, case_id=case_id, staff_id=mod.id,
                     decision=DecisionIn(action=action, reason_code=reason_code),
                     followups=decision_followups())


def removed_lamp(session: Session) -> Offer:
    """A lamp a moderator removed as unsafe."""
    first = make_offer(session, title="Lampka nocna Gwiazdka LED dla dzieci", brand=None,
                       gtins=[])
    screen_all(session)
    case = cases.open_screening_case(session, offer_id=first.id, screening_id=None,
                                     priority=3, reason_code="TEST",
                                     due_at=utcnow() + timedelta(days=1))
    decide(session, case.id, "remove", "UNSAFE_PRODUCT")
    return first


def suspended_seller_offer(session: Session) -> Offer:
    """A new offer of a seller suspended for another week."""
    offer = make_offer(session, seller={"id": "held-seller-1"})
    seller = session.get_one(Seller, offer.seller_id)
    seller.suspended_until = utcnow() + timedelta(days=7)
    session.flush()
    return offer


HOLD_PATHS = {
    "SAFETY_ALERT_MATCH": lambda s: (alert(s, risk_level="low"), make_offer(s, **HEATER))[1],
    "SAFETY_ALERT_POSSIBLE": lambda s: (alert(s), make_offer(
        s, title="Grzejnik Termix oil radiator heater 11 żeberek", brand="Termix",
        gtins=[]))[1],
    "REMOVED_BEFORE": lambda s: (removed_lamp(s), make_offer(
        s, title="LAMPKA nocna gwiazdka - LED, dla dzieci!", brand=None, gtins=[]))[1],
    "SELLER_SUSPENDED": suspended_seller_offer,
}


@pytest.mark.parametrize("reason", list(HOLD_PATHS))
def test_each_hold_of_screening_holds_the_offer_and_tells_the_marketplace_once(
        session: Session, reason: str) -> None:
    offer = HOLD_PATHS[reason](session)
    screen_all(session)
    assert screening_of(session, offer).reason_code == reason
    assert offer.status == "held"
    case = session.query(Case).filter_by(offer_id=offer.id).one()
    (message,) = told(session, offer.id)
    assert message.recipient == holds.MARKETPLACE
    assert message.payload | {"held_at": None} == {
        "offer_id": offer.id, "marketplace_id": offer.marketplace_id, "status": "held",
        "may_be_shown": False, "reason_code": reason, "case_id": case.id, "held_at": None}
    statement = [m for m in session.query(OutboxMessage).filter_by(
        kind="seller.statement_of_reasons") if m.payload.get("restriction") == "hold"]
    assert [m.payload["offer"]["id"] for m in statement] == [offer.id]

    # The seller sends a new version while it waits: screened again, held, nobody told twice.
    event = offer_event(**{"marketplace_id": offer.marketplace_id, "version": 2,
                           "title": offer.title, "brand": offer.brand, "gtins": offer.gtins,
                           "seller": {"id": offer.seller.external_id}})
    offers.ingest(session, OfferIn.model_validate(event))
    screen_all(session)
    assert screening_of(session, offer).offer_version == 2
    assert offer.status == "held" and len(told(session, offer.id)) == 1
    assert session.query(OfferHold).filter_by(offer_id=offer.id).count() == 1


def test_an_ordinary_review_for_a_rule_hit_does_not_hold(session: Session) -> None:
    offer = make_offer(session, title=REVIEW_TITLE, brand=None, category="Odzież > Męska",
                       price="89.00", gtins=[])
    screen_all(session)
    assert screening_of(session, offer).route == "review"
    assert offer.status == "active" and told(session, offer.id) == []


def test_a_hold_beside_a_more_urgent_rule_still_holds(session: Session) -> None:
    offer = make_offer(session, title=REVIEW_TITLE, brand=None, category="Odzież > Męska",
                       price="89.00", gtins=[], seller={"id": "held-seller-2"})
    offer.seller.suspended_until = utcnow() + timedelta(days=7)
    session.flush()
    screen_all(session)
    screening = screening_of(session, offer)
    assert screening.route == "review" and screening.reason_code != "SELLER_SUSPENDED"
    assert offer.status == "held"
    assert session.query(OfferHold).filter_by(offer_id=offer.id).one().reason_code == \
        "SELLER_SUSPENDED"


def test_a_serious_alert_arriving_later_holds_the_active_offers_it_surely_matches(
        session: Session) -> None:
    sure = make_offer(session, **HEATER)
    by_name = make_offer(session, title="Grzejnik Termix oil radiator heater 11 żeberek",
                         brand="Termix", gtins=[])
    screen_all(session)
    assert (sure.status, by_name.status) == ("active", "active")
    found = alert(session, codes=(Code("gtin", "05901234123457"),))
    match_alert(session, found.id, learned=learned(session))
    assert sure.status == "held" and by_name.status == "active"  # a guess does not hold
    (message,) = told(session, sure.id)
    case = session.query(Case).filter_by(offer_id=sure.id).one()
    assert (message.payload["reason_code"], message.payload["case_id"]) == (
        "SAFETY_ALERT", case.id)
    match_alert(session, found.id, learned=learned(session))  # the job runs again
    assert len(told(session, sure.id)) == 1


def test_an_alert_of_lesser_risk_arriving_later_opens_a_case_and_holds_nothing(
        session: Session) -> None:
    offer = make_offer(session, **HEATER)
    screen_all(session)
    found = alert(session, risk_level="high", codes=(Code("gtin", "05901234123457"),))
    match_alert(session, found.id, learned=learned(session))
    assert session.query(Case).filter_by(offer_id=offer.id, kind="safety").count() == 1
    assert offer.status == "active" and told(session, offer.id) == []


@pytest.mark.parametrize(("action", "reason_code", "status", "shown"), [
    ("keep", "LAWFUL", "active", True),
    ("remove", "UNSAFE_PRODUCT", "removed", False),
])
def test_the_decision_ends_the_hold_and_tells_the_marketplace(
        session: Session, action: str, reason_code: str, status: str, shown: bool) -> None:
    alert(session, codes=(Code("gtin", "05901234123457"),))
    offer = make_offer(session, **HEATER)
    screen_all(session)
    case = session.query(Case).filter_by(offer_id=offer.id).one()
    assert offer.status == "held" and told(session, offer.id, holds.RELEASED_KIND) == []
    decide(session, case.id, action, reason_code)
    assert offer.status == status
    (message,) = told(session, offer.id, holds.RELEASED_KIND)
    assert (message.payload["status"], message.payload["may_be_shown"]) == (status, shown)
    hold = session.query(OfferHold).filter_by(offer_id=offer.id).one()
    assert hold.released_at is not None and hold.decision_id == message.payload["decision_id"]


def test_an_escalation_keeps_the_offer_held(session: Session) -> None:
    alert(session, codes=(Code("gtin", "05901234123457"),))
    offer = make_offer(session, **HEATER)
    screen_all(session)
    case = session.query(Case).filter_by(offer_id=offer.id).one()
    decide(session, case.id, "escalate", "UNSURE")
    assert offer.status == "held" and told(session, offer.id, holds.RELEASED_KIND) == []
