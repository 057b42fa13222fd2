"""The case page and the JSON case say why a held offer is here: the alert's number, risk and
matched barcode or model, the earlier removal, the seller's sanction; not "no rule fired"."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from moderation.tables import Case, Decision, Offer
from tests.api.conftest import auth
from tests.api.console import logged_in
from tests.factories import TEST_PASSWORD, make_offer, make_staff, screen_all
from tests.hold_builders import (
    HEATER,
    alert,
    heater_under_alert,
    relisted_lamp,
    suspended_sellers_offer,
)


def _case_of(session: Session, offer: Offer) -> Case:
    screen_all(session)
    return session.query(Case).filter_by(offer_id=offer.id).one()


def _views(session: Session, client: TestClient, keys: dict[str, str], case: Case
           ) -> tuple[dict[str, Any], str]:
    """The case as JSON (a moderator's key) and its page (a moderator logged in, English)."""
    detail = client.get(f"/v1/cases/{case.id}", headers=auth(keys["moderator"]))
    assert detail.status_code == 200, detail.text
    person = make_staff(session, password=TEST_PASSWORD).staff
    page = logged_in(session, person.name, TEST_PASSWORD).get(f"/cases/{case.id}")
    assert page.status_code == 200
    return detail.json()["grounds"], page.text


def test_an_alert_match_shows_the_alert_its_risk_and_the_matched_barcode(
        session: Session, client: TestClient, keys: dict[str, str]) -> None:
    offer = heater_under_alert(session, risk_level="serious")
    case = _case_of(session, offer)
    grounds, page = _views(session, client, keys, case)
    (found,) = grounds["alerts"]
    number = found["number"]
    assert (found["risk_level"], found["confidence"], found["barcodes"]) == (
        "serious", "high", ["5901234123457"])
    assert grounds["hold"]["reason_code"] == "SAFETY_ALERT_MATCH"
    assert grounds["hold"]["released_at"] is None
    assert number in page and "serious risk" in page and "5901234123457" in page
    assert "Held since" in page and "No rule matched." not in page


def test_a_model_match_shows_the_matched_model(
        session: Session, client: TestClient, keys: dict[str, str]) -> None:
    alert(session)
    offer = make_offer(session, **{**HEATER, "gtins": []})
    grounds, page = _views(session, client, keys, _case_of(session, offer))
    (found,) = grounds["alerts"]
    assert (found["barcodes"], found["models"]) == ([], ["TX2000"])
    assert 'class="matched-model">TX2000' in page


def test_a_relisted_product_shows_the_earlier_removal(
        session: Session, client: TestClient, keys: dict[str, str]) -> None:
    offer = relisted_lamp(session)
    case = _case_of(session, offer)
    removal = session.query(Decision).filter_by(action="remove").one()
    grounds, page = _views(session, client, keys, case)
    assert grounds["removal"]["offer_id"] == removal.offer_id
    assert grounds["removal"]["decision_id"] == removal.id
    assert "Removed before as the same product" in page and f"#{removal.id}" in page
    assert "No rule matched." not in page


def test_a_suspended_sellers_offer_shows_the_suspension(
        session: Session, client: TestClient, keys: dict[str, str]) -> None:
    offer = suspended_sellers_offer(session)
    case = _case_of(session, offer)
    grounds, page = _views(session, client, keys, case)
    assert grounds["sanction"]["suspended_until"] is not None
    assert grounds["sanction"]["terminated_at"] is None
    assert "Account suspended until" in page and "No rule matched." not in page


def test_a_case_on_rules_alone_has_no_grounds(
        session: Session, client: TestClient, keys: dict[str, str]) -> None:
    offer = make_offer(session, title="Bluza Supreme replika AAA tanio", brand=None,
                       category="Odzież > Męska", price="89.00", gtins=[])
    grounds, _ = _views(session, client, keys, _case_of(session, offer))
    assert grounds == {"alerts": [], "removal": None, "sanction": None, "hold": None}
