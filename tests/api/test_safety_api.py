"""The authority channel over HTTP: orders in, reports out, each authority alone."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from moderation.domain import StaffRole
from moderation.tables import Offer, OutboxMessage, SafetyAlert, utcnow
from tests.factories import make_offer
from tests.moderation.safety.test_authority import authority_org, matched, order_body, submit

BOM = b"\xef\xbb\xbf"


def _key(member: Any) -> dict[str, str]:
    return {"X-API-Key": member.api_key}


def _report(session: Session) -> tuple[Any, Any, SafetyAlert, Offer]:
    """An order of authority A with one offer removed on it; authority B with nothing."""
    org, member = authority_org(session)
    _, other = authority_org(session)
    alert = submit(session, org, reference="UOKiK/DNR/12/2026",
                   product="Ładowarka „Żar” 65 W", requested_measure="Usunąć oferty.")
    offer = make_offer(session, title="=HYPERLINK(\"http://evil.example\") ładowarka Żar")
    removed_at = utcnow() - timedelta(minutes=10)
    matched(session, alert, offer, fields=("gtin", "brand"), status="closed",
            opened_at=removed_at - timedelta(hours=2), closed_at=removed_at,
            decisions=[("remove", "UNSAFE_PRODUCT", removed_at)])
    offer.status = "removed"
    session.flush()
    return member, other, alert, offer


def test_an_order_is_acknowledged_with_its_reference_and_deadline(
        session: Session, client: TestClient) -> None:
    _, member = authority_org(session)
    body = order_body(reference="DIH.7231.77.2026", kind="notice")
    response = client.post("/v1/safety/orders", headers=_key(member), json=body)
    assert response.status_code == 201, response.text
    order = response.json()
    assert order["reference"] == "DIH.7231.77.2026" and order["kind"] == "notice"
    assert order["due_at"] and order["time_left_seconds"] > 0
    assert order["state"] == "awaiting_matching" and order["matched_offers"] == 0
    assert order["barcodes"] == body["barcodes"]
    assert order["contact_email"] == body["contact_email"]
    alert = session.get(SafetyAlert, order["id"])
    assert alert is not None and alert.due_at is not None
    assert order["due_at"].startswith(alert.due_at.isoformat()[:16])
    assert session.query(OutboxMessage).filter_by(kind="authority.acknowledgement").count() == 1
    again = client.get(f"/v1/safety/orders/{order['id']}", headers=_key(member))
    assert again.status_code == 200 and again.json()["matches"] == []


@pytest.mark.parametrize(("change", "status", "field"), [
    ({"kind": "recall"}, 422, "kind"),
    ({"product": ""}, 422, "product"),
    ({"contact_email": "nope"}, 422, "contact_email"),
    ({"surprise": True}, 422, "surprise"),
    ({"reference": "TAKEN"}, 409, "reference"),
])
def test_bad_orders_name_the_field_and_store_nothing(
        session: Session, client: TestClient, change: dict[str, Any], status: int,
        field: str) -> None:
    org, member = authority_org(session)
    submit(session, org, reference="TAKEN")
    response = client.post("/v1/safety/orders", headers=_key(member),
                           json=order_body(**change))
    assert response.status_code == status and response.json()["field"] == field
    assert session.query(SafetyAlert).count() == 1


def test_an_incomplete_order_names_every_missing_field(session: Session,
                                                       client: TestClient) -> None:
    _, member = authority_org(session)
    response = client.post("/v1/safety/orders", headers=_key(member), json={"kind": "order"})
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {
        "reference", "product", "risk", "legal_basis", "requested_measure", "contact_email"}


ROUTES = [("POST", "/v1/safety/orders"), ("GET", "/v1/safety/orders"),
          ("GET", "/v1/safety/orders/{id}"), ("GET", "/v1/safety/orders/{id}/report.csv"),
          ("GET", "/v1/safety/orders/{id}/report.pdf")]


@pytest.mark.parametrize("role", list(StaffRole))
def test_who_may_call_what(session: Session, client: TestClient, keys: dict[str, str],
                           role: StaffRole) -> None:
    org, _ = authority_org(session)
    alert = submit(session, org)
    staff = role in (StaffRole.MODERATOR, StaffRole.LEAD, StaffRole.ADMIN)
    for method, path in ROUTES:
        url = path.format(id=alert.id)
        json = order_body() if method == "POST" else None
        response = client.request(method, url, headers={"X-API-Key": keys[role.value]},
                                  json=json)
        if role == StaffRole.AUTHORITY:
            # The default authority account is not the order's sender.
            expected = 201 if method == "POST" else 200 if path.endswith("orders") else 404
        elif staff and method == "GET":
            expected = 200
        else:
            expected = 403
        assert response.status_code == expected, (role, method, path, response.text)


def test_authorities_never_see_each_others_orders(session: Session,
                                                  client: TestClient) -> None:
    member, other, alert, _ = _report(session)
    for suffix in ("", "/report.csv", "/report.pdf"):
        assert client.get(f"/v1/safety/orders/{alert.id}{suffix}",
                          headers=_key(other)).status_code == 404
        assert client.get(f"/v1/safety/orders/{alert.id}{suffix}",
                          headers=_key(member)).status_code == 200
    assert client.get("/v1/safety/orders", headers=_key(other)).json()["items"] == []
    assert [o["id"] for o in client.get("/v1/safety/orders", headers=_key(member)).json()[
        "items"]] == [alert.id]
    assert client.get("/v1/safety/orders/999999", headers=_key(member)).status_code == 404


def test_staff_see_every_authoritys_orders(session: Session, client: TestClient,
                                           keys: dict[str, str]) -> None:
    a, _ = authority_org(session)
    b, _ = authority_org(session)
    ids = {submit(session, a).id, submit(session, b).id}
    listed = client.get("/v1/safety/orders", headers={"X-API-Key": keys["lead"]}).json()
    assert {o["id"] for o in listed["items"]} == ids


def test_the_order_shows_matched_offers_and_actions_with_times(
        session: Session, client: TestClient) -> None:
    member, _, alert, offer = _report(session)
    body = client.get(f"/v1/safety/orders/{alert.id}", headers=_key(member)).json()
    assert body["state"] == "handled" and body["matched_offers"] == 1
    (match,) = body["matches"]
    assert match["offer"] == {"id": offer.id, "marketplace_id": offer.marketplace_id,
                              "title": offer.title, "seller": offer.seller.external_id,
                              "status": "removed"}
    assert match["fields"] == ["gtin", "brand"] and match["confidence"] == "high"
    case = match["case"]
    assert case["status"] == "closed" and case["closed_in_time"] is True
    assert case["opened_at"] and case["closed_at"]
    assert [(a["action"], a["reason_code"]) for a in case["actions"]] == [
        ("remove", "UNSAFE_PRODUCT")]
    assert case["actions"][0]["decided_at"]


def test_the_csv_report_opens_in_excel(session: Session, client: TestClient) -> None:
    member, _, alert, offer = _report(session)
    response = client.get(f"/v1/safety/orders/{alert.id}/report.csv", headers=_key(member))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;") and "UOKiK-DNR-12-2026" in disposition
    assert disposition.endswith('.csv"')
    assert response.content.startswith(BOM)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    facts = {row[0]: row[1] for row in rows[:rows.index([])]}
    assert facts["Reference"] == "UOKiK/DNR/12/2026"
    assert facts["Product"] == "Ładowarka „Żar” 65 W"
    assert facts["Requested measure"] == "Usunąć oferty."
    assert facts["State"] == "handled"
    header, *lines = rows[rows.index([]) + 1:]
    table = [dict(zip(header, line, strict=True)) for line in lines]
    assert len(table) == 1
    (line,) = table
    assert line["Offer"] == offer.marketplace_id and line["Offer status"] == "removed"
    assert (line["Action"], line["Reason"]) == ("remove", "UNSAFE_PRODUCT")
    assert line["Decided at"] and line["Case closed"] and line["Closed by the deadline"] == "yes"
    # A seller's title must not run as a formula in the authority's spreadsheet.
    assert line["Title"] == "'" + offer.title


def test_the_pdf_report_is_a_pdf_named_after_the_reference(session: Session,
                                                           client: TestClient) -> None:
    member, _, alert, _ = _report(session)
    response = client.get(f"/v1/safety/orders/{alert.id}/report.pdf", headers=_key(member))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;") and "UOKiK-DNR-12-2026" in disposition
    assert disposition.endswith('.pdf"')
    assert response.content.startswith(b"%PDF-")
    assert response.content.rstrip().endswith(b"%%EOF")
    # The embedded (subset) Unicode font alone makes it this large.
    assert len(response.content) > 5_000


def test_an_order_with_no_matches_still_has_reports(session: Session,
                                                    client: TestClient) -> None:
    org, member = authority_org(session)
    alert = submit(session, org)
    for suffix in ("report.csv", "report.pdf"):
        response = client.get(f"/v1/safety/orders/{alert.id}/{suffix}", headers=_key(member))
        assert response.status_code == 200 and len(response.content) > 100
