"""A consumer ombudsman files consumer notices (not binding), never binding orders; the market
surveillance authority (UOKiK) still files orders."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from moderation.accounts.staff import NewStaff, create_staff, ensure_organisation
from moderation.domain import OrganisationKind, StaffRole
from moderation.safety.matching import match_alert
from moderation.tables import Case, SafetyAlert
from tests.api.console import logged_in
from tests.factories import TEST_PASSWORD, learned, make_offer, screen_all
from tests.moderation.safety.test_authority import authority_org, order_body


def _ombudsman(session: Session) -> NewStaff:
    org = ensure_organisation(session, "Miejski Rzecznik Konsumentów w Lublinie",
                              OrganisationKind.CONSUMER_OMBUDSMAN)
    return create_staff(session, name="rzecznik-lublin", role=StaffRole.AUTHORITY,
                        organisation_id=org.id, password=TEST_PASSWORD, locale="en")


@pytest.mark.parametrize("kind", ["order", "notice"])
def test_an_ombudsman_may_not_file_binding_orders_or_the_authoritys_notices(
        session: Session, client: TestClient, kind: str) -> None:
    member = _ombudsman(session)
    response = client.post("/v1/safety/orders", headers={"X-API-Key": str(member.api_key)},
                           json=order_body(kind=kind))
    assert response.status_code == 403, response.text
    problem = response.json()
    assert problem["field"] == "kind"
    assert "consumer ombudsman" in problem["detail"] and "UOKiK" in problem["detail"]
    assert session.query(SafetyAlert).count() == 0


def test_an_ombudsmans_consumer_notice_is_taken_and_matched_as_a_notice(
        session: Session, client: TestClient) -> None:
    offer = make_offer(session, title="Hulajnoga elektryczna Żwawa ZW-200", brand="Żwawa")
    screen_all(session)
    member = _ombudsman(session)
    response = client.post("/v1/safety/orders", headers={"X-API-Key": str(member.api_key)},
                           json=order_body(kind="consumer"))
    assert response.status_code == 201, response.text
    assert response.json()["kind"] == "consumer"
    alert = session.get_one(SafetyAlert, response.json()["id"])
    assert alert.kind == "consumer" and alert.due_at is not None
    match_alert(session, alert.id, learned=learned(session))
    case = session.query(Case).filter_by(offer_id=offer.id, kind="safety").one()
    assert case.reason_code == "AUTHORITY_ORDER"


def test_the_market_surveillance_authority_still_files_orders(
        session: Session, client: TestClient) -> None:
    _, member = authority_org(session)
    response = client.post("/v1/safety/orders", headers={"X-API-Key": str(member.api_key)},
                           json=order_body(kind="order"))
    assert response.status_code == 201, response.text
    assert response.json()["kind"] == "order"


def test_the_ombudsmans_portal_offers_the_consumer_notice_alone(session: Session) -> None:
    member = _ombudsman(session)
    form = logged_in(session, member.staff.name, TEST_PASSWORD).get("/authority/orders/new")
    assert form.status_code == 200
    assert '<option value="consumer">' in form.text
    assert '<option value="order">' not in form.text
    _, authority_member = authority_org(session)
    uokik = logged_in(session, authority_member.staff.name, TEST_PASSWORD)
    assert '<option value="order">' in uokik.get("/authority/orders/new").text
