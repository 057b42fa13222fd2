"""Alerts find their offers: by barcode, by model and brand, by name; and again on reposting."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from moderation import cases
from moderation.programmes import decision_followups
from moderation.review import decisions
from moderation.safety.alerts import AlertIn, Code, store_alerts
from moderation.safety.matching import match_alert
from moderation.schemas import DecisionIn
from moderation.tables import Case, Offer, SafetyAlert, SafetyMatch, Screening, utcnow
from tests.factories import learned, make_offer, make_staff, screen_all

HEATER = dict(title="Grzejnik olejowy Termix TX-2000 11 żeberek", brand="Termix",
              category="Dom > Ogrzewanie", gtins=["5901234123457"], price="199.00",
              description="Grzejnik do domu.")


def _alert(session: Session, number: str = "A12/00001/26", **fields: object) -> SafetyAlert:
    values: dict[str, object] = {"product": "Oil heater", "name": "Termix oil radiator",
                                 "brand": "Termix", "model": "TX 2000", "codes": ()}
    values.update(fields)
    summary = store_alerts(session, [AlertIn(source="safety_gate", number=number,
                                             **values)],  # type: ignore[arg-type]
                           due_at=utcnow() + timedelta(days=3))
    alert = session.get(SafetyAlert, (summary.created or summary.updated)[0])
    assert alert is not None
    return alert


def test_a_barcode_matches_exactly_and_opens_an_urgent_case(session: Session) -> None:
    offer = make_offer(session, **{**HEATER, "brand": None, "title": "Grzejnik elektryczny"})
    other = make_offer(session, title="Kubek ceramiczny 300 ml", brand=None,
                       gtins=["4006381333931"])
    screen_all(session)
    alert = _alert(session, brand="", model="", codes=(Code("gtin", "05901234123457"),
                                                       Code("text", "Unknown batch 12")))
    matches = match_alert(session, alert.id, learned=learned(session))
    assert [(m.offer_id, m.confidence, m.fields[0]) for m in matches] == [
        (offer.id, "high", "gtin")]
    row = session.query(SafetyMatch).filter_by(alert_id=alert.id).one()
    case = session.get(Case, row.case_id)
    assert case is not None and (case.kind, case.priority) == ("safety", 1)
    assert case.due_at == alert.due_at and case.offer_id != other.id


def test_model_and_brand_together_are_a_sure_match(session: Session) -> None:
    offer = make_offer(session, **{**HEATER, "gtins": []})
    screen_all(session)
    (match,) = match_alert(session, _alert(session).id, learned=learned(session))
    assert (match.offer_id, match.confidence) == (offer.id, "high")
    assert {"model", "brand"} <= set(match.fields)


def test_weaker_matches_open_ordinary_cases_and_strangers_none(session: Session) -> None:
    by_name = make_offer(session, title="Grzejnik Termix oil radiator heater 11 żeberek",
                         brand="Termix", gtins=[])
    other_product = make_offer(session, title="Termix czajnik elektryczny 1,7 l",
                               brand="Termix", gtins=[])
    other_brand = make_offer(session, title="Grzejnik olejowy Zorro TX-2000", brand="Zorro",
                             gtins=[])
    screen_all(session)
    found = {m.offer_id: m for m in match_alert(session, _alert(session).id,
                                                learned=learned(session))}
    assert found[by_name.id].confidence == "medium" and "name" in found[by_name.id].fields
    assert other_product.id not in found
    # The same model code under another brand is never a sure match.
    assert other_brand.id not in found or found[other_brand.id].confidence == "medium"
    case = session.query(Case).filter(Case.offer_id == by_name.id).one()
    assert (case.kind, case.priority) == ("safety", 3)


def test_matching_again_changes_nothing_and_joins_open_cases(session: Session) -> None:
    offer = make_offer(session, **HEATER)
    screen_all(session)
    existing = cases.open_screening_case(session, offer_id=offer.id, screening_id=None,
                                         priority=4, reason_code="TEST",
                                         due_at=utcnow() + timedelta(days=9))
    alert = _alert(session)
    match_alert(session, alert.id, learned=learned(session))
    match_alert(session, alert.id, learned=learned(session))
    assert session.query(SafetyMatch).filter_by(alert_id=alert.id).count() == 1
    assert session.query(Case).filter_by(offer_id=offer.id).count() == 1
    assert existing.priority == 1 and existing.due_at == alert.due_at


def test_offers_already_removed_need_no_case(session: Session) -> None:
    offer = make_offer(session, **HEATER)
    screen_all(session)
    session.get(Offer, offer.id).status = "removed"  # type: ignore[union-attr]
    session.flush()
    assert match_alert(session, _alert(session).id, learned=learned(session)) == []


def test_a_reposted_dangerous_product_is_held_at_screening(session: Session) -> None:
    alert = _alert(session, codes=(Code("gtin", "05901234123457"),))
    offer = make_offer(session, **HEATER)
    screen_all(session)
    screening = session.query(Screening).filter_by(offer_id=offer.id).one()
    assert (screening.route, screening.reason_code) == ("review", "SAFETY_ALERT_MATCH")
    case = session.query(Case).filter_by(offer_id=offer.id).one()
    assert (case.priority, case.source) == (1, "reappearance")
    match = session.query(SafetyMatch).filter_by(alert_id=alert.id, offer_id=offer.id).one()
    assert match.case_id == case.id


def test_a_removed_offer_posted_again_is_held(session: Session) -> None:
    first = make_offer(session, title="Lampka nocna Gwiazdka LED dla dzieci", brand=None,
                       gtins=[])
    screen_all(session)
    case = cases.open_screening_case(session, offer_id=first.id, screening_id=None,
                                     priority=3, reason_code="TEST",
                                     due_at=utcnow() + timedelta(days=1))
    mod = make_staff(session).staff
    cases.claim(session, case_id=case.id, staff_id=mod.id, lease=timedelta(minutes=5))
    decisions.decide(session, case_id=case.id, staff_id=mod.id,
                     decision=DecisionIn(action="remove", reason_code="UNSAFE_PRODUCT"),
                     followups=decision_followups())
    again = make_offer(session, title="LAMPKA nocna gwiazdka - LED, dla dzieci!", brand=None,
                       gtins=[])
    screen_all(session)
    screening = session.query(Screening).filter_by(offer_id=again.id).one()
    assert (screening.route, screening.reason_code) == ("review", "REMOVED_BEFORE")


def test_once_the_model_is_found_under_its_brand_siblings_are_not_matched(session: Session
                                                                          ) -> None:
    exact = make_offer(session, **{**HEATER, "gtins": []})
    sibling = make_offer(session, title="Grzejnik olejowy Termix TX-3000 13 żeberek",
                         brand="Termix", gtins=[])
    screen_all(session)
    found = {m.offer_id: m for m in match_alert(session, _alert(session).id,
                                                learned=learned(session))}
    assert found[exact.id].confidence == "high" and sibling.id not in found
