"""The authorities' portal: orders with deadlines, the form, an order's offers and actions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from moderation.domain import StaffRole
from moderation.tables import OutboxMessage, SafetyAlert, utcnow
from tests.api.console import csrf_of, logged_in
from tests.factories import TEST_PASSWORD, make_offer, make_staff
from tests.moderation.safety.test_authority import authority_org, matched, submit

FORM = {"kind": "order", "reference": "DIH.7231.9.2026",
        "product": "Lampka nocna dla dzieci Sówka", "brand": "Świetlik", "model": "SW-10",
        "barcodes": "5901234123457\nPARTIA 7, 4006381333931", "batch": "07/2026",
        "risk": "Porażenie prądem: dostępne części pod napięciem.", "risk_level": "serious",
        "legal_basis": "art. 22 GPSR", "requested_measure": "Usunięcie ofert.",
        "contact_email": "dih@wiih.example.gov.pl"}


def test_the_portal_lists_the_organisations_orders_with_deadlines(session: Session) -> None:
    org, member = authority_org(session)
    other, _ = authority_org(session)
    mine = submit(session, org, reference="DIH.1.2026")
    theirs = submit(session, other, reference="DIH.2.2026")
    browser = logged_in(session, member.staff.name, TEST_PASSWORD)
    page = browser.get("/authority")
    assert page.status_code == 200
    assert f'data-order="{mine.id}"' in page.text and "DIH.1.2026" in page.text
    assert f'data-order="{theirs.id}"' not in page.text and "DIH.2.2026" not in page.text
    assert 'data-state="awaiting_matching"' in page.text
    assert 'class="deadline green"' in page.text  # two working days left
    assert f'href="/authority/orders/{mine.id}"' in page.text


def test_the_form_sends_an_order(session: Session) -> None:
    _, member = authority_org(session)
    browser = logged_in(session, member.staff.name, TEST_PASSWORD)
    form = browser.get("/authority/orders/new")
    assert form.status_code == 200 and 'name="requested_measure"' in form.text
    sent = browser.post("/authority/orders", data={**FORM, "csrf_token": csrf_of(form.text)},
                        follow_redirects=False)
    assert sent.status_code == 303, sent.text
    alert = session.query(SafetyAlert).one()
    assert sent.headers["location"] == f"/authority/orders/{alert.id}?sent=1"
    assert alert.raw["barcodes"] == ["5901234123457", "PARTIA 7", "4006381333931"]
    assert (alert.kind, alert.risk_level, alert.submitted_by) == ("order", "serious",
                                                                  member.staff.id)
    page = browser.get(sent.headers["location"])
    assert "DIH.7231.9.2026" in page.text and 'role="status"' in page.text
    assert f'href="/v1/safety/orders/{alert.id}/report.csv"' in page.text
    assert f'href="/v1/safety/orders/{alert.id}/report.pdf"' in page.text
    # The report links work with the browser's session.
    report = browser.get(f"/v1/safety/orders/{alert.id}/report.csv")
    assert report.status_code == 200 and "DIH.7231.9.2026" in report.content.decode("utf-8-sig")
    assert session.query(OutboxMessage).filter_by(kind="authority.acknowledgement").count() == 1


@pytest.mark.parametrize(("change", "status"), [
    ({"product": ""}, 422),
    ({"kind": ""}, 422),
    ({"contact_email": "nope"}, 422),
    ({"risk_level": "apocalyptic"}, 422),
    ({"reference": "TAKEN"}, 409),
])
def test_a_wrong_form_is_refused_and_stores_nothing(session: Session, change: dict[str, str],
                                                    status: int) -> None:
    org, member = authority_org(session)
    submit(session, org, reference="TAKEN")
    browser = logged_in(session, member.staff.name, TEST_PASSWORD)
    token = csrf_of(browser.get("/authority/orders/new").text)
    refused = browser.post("/authority/orders", data={**FORM, **change, "csrf_token": token})
    assert refused.status_code == status
    assert session.query(SafetyAlert).count() == 1


def test_the_form_needs_its_csrf_token(session: Session) -> None:
    _, member = authority_org(session)
    browser = logged_in(session, member.staff.name, TEST_PASSWORD)
    assert browser.post("/authority/orders", data=FORM).status_code == 403
    assert session.query(SafetyAlert).count() == 0


def test_the_order_page_shows_matched_offers_and_actions(session: Session) -> None:
    org, member = authority_org(session)
    alert = submit(session, org)
    offer = make_offer(session, title="Lampka Sówka SW-10")
    decided = utcnow() - timedelta(minutes=5)
    matched(session, alert, offer, status="closed", closed_at=decided,
            decisions=[("remove", "UNSAFE_PRODUCT", decided)])
    offer.status = "removed"
    browser = logged_in(session, member.staff.name, TEST_PASSWORD)
    page = browser.get(f"/authority/orders/{alert.id}")
    assert page.status_code == 200
    assert f'data-offer="{offer.marketplace_id}"' in page.text
    assert 'data-action="remove"' in page.text and "UNSAFE_PRODUCT" in page.text
    assert 'data-state="handled"' in page.text


def test_another_authoritys_order_page_is_not_found(session: Session) -> None:
    _, member = authority_org(session)
    other, _ = authority_org(session)
    theirs = submit(session, other)
    browser = logged_in(session, member.staff.name, TEST_PASSWORD)
    assert browser.get(f"/authority/orders/{theirs.id}").status_code == 404
    assert browser.get(f"/v1/safety/orders/{theirs.id}/report.pdf").status_code == 404


@pytest.mark.parametrize("role", [StaffRole.MODERATOR, StaffRole.LEAD, StaffRole.RIGHTS_HOLDER])
def test_the_portal_is_for_authorities(session: Session, role: StaffRole) -> None:
    account = make_staff(session, role, password=TEST_PASSWORD).staff
    browser = logged_in(session, account.name, TEST_PASSWORD)
    assert browser.get("/authority").status_code == 403
    assert browser.get("/authority/orders/new").status_code == 403
