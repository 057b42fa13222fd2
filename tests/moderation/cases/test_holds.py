"""Held means held: an offer screening holds, or a serious-risk alert surely matches later, is
`held` until a moderator decides, and the marketplace hears of it once on its webhook."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from moderation.cases import holds
from moderation.intake import offers
from moderation.safety.matching import match_alert
from moderation.schemas import OfferIn
from moderation.tables import (
    Case,
    Offer,
    OfferHold,
    OutboxMessage,
    Screening,
    utcnow,
)
from tests.factories import learned, make_offer, offer_event, screen_all
from tests.hold_builders import (
    HEATER,
    HEATER_CODE,
    HOLD_PATHS,
    alert,
    decide,
    heater_under_alert,
)

REVIEW_TITLE = "Bluza Supreme replika AAA tanio"  # a rule sends it to review


def told(session: Session, offer_id: int, kind: str = holds.HELD_KIND) -> list[OutboxMessage]:
    """The messages of this kind the marketplace was sent about the offer."""
    return [m for m in session.query(OutboxMessage).filter_by(kind=kind)
            if m.payload.get("offer_id") == offer_id]


def screening_of(session: Session, offer: Offer) -> Screening:
    return session.query(Screening).filter_by(offer_id=offer.id).order_by(
        Screening.id.desc()).first()  # type: ignore[return-value]


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
    found = alert(session, codes=(HEATER_CODE,))
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
    found = alert(session, risk_level="high", codes=(HEATER_CODE,))
    match_alert(session, found.id, learned=learned(session))
    assert session.query(Case).filter_by(offer_id=offer.id, kind="safety").count() == 1
    assert offer.status == "active" and told(session, offer.id) == []


@pytest.mark.parametrize(("action", "reason_code", "status", "shown"), [
    ("keep", "LAWFUL", "active", True),
    ("remove", "UNSAFE_PRODUCT", "removed", False),
])
def test_the_decision_ends_the_hold_and_tells_the_marketplace(
        session: Session, action: str, reason_code: str, status: str, shown: bool) -> None:
    offer = heater_under_alert(session, risk_level="serious")
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
    offer = heater_under_alert(session, risk_level="serious")
    screen_all(session)
    case = session.query(Case).filter_by(offer_id=offer.id).one()
    decide(session, case.id, "escalate", "UNSURE")
    assert offer.status == "held" and told(session, offer.id, holds.RELEASED_KIND) == []


def test_a_held_offer_a_rule_blocked_meanwhile_still_has_its_hold_ended(
        session: Session) -> None:
    offer = heater_under_alert(session, risk_level="serious")
    screen_all(session)
    case = session.query(Case).filter_by(offer_id=offer.id).one()
    offer.status = "blocked"  # as a blocking rule on a new version would
    session.flush()
    decide(session, case.id, "keep", "LAWFUL")
    assert offer.status == "restored"
    (message,) = told(session, offer.id, holds.RELEASED_KIND)
    assert (message.payload["status"], message.payload["may_be_shown"]) == ("restored", True)
    assert holds.open_hold(session, offer.id) is None
