"""The feedback routes: the marketplace relays ratings, corrections, withdrawals and
sellers' reports; a moderator decides a report in the ordinary queue."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from moderation.tables import Order, Seller
from tests.api.conftest import auth
from tests.factories import feedback_order, make_case, make_offer


def rating(order: Order, **changes: Any) -> dict[str, Any]:
    return {"feedback_id": f"api-{order.marketplace_id}", "order_id": order.marketplace_id,
            "rating": "negative", "comment": "Towar niezgodny z opisem, kolor inny", **changes}


def test_a_rating_is_taken_corrected_reported_decided_and_counted(
        client: TestClient, keys: dict[str, str], session: Session) -> None:
    relay = auth(keys["integration"])
    offer = make_offer(session, seller={"id": "fb-api-seller"})
    order = feedback_order(session, offer=offer)
    sent = client.post("/v1/feedback", json=rating(order, comment="debil"), headers=relay)
    assert sent.status_code == 201, sent.text
    assert sent.json()["status"] == "held"
    assert sent.json()["hits"][0]["rule_id"] == "feedback.vulgar_insult"
    assert client.post("/v1/feedback", json=rating(order, comment="debil"),
                       headers=relay).status_code == 200  # the same one again
    fid = sent.json()["feedback_id"]

    fixed = client.put(f"/v1/feedback/{fid}", json={"comment": "Kolor inny niż na zdjęciu"},
                       headers=relay)
    assert fixed.status_code == 200 and fixed.json()["status"] == "published"
    quality = client.get("/v1/sellers/fb-api-seller/quality", headers=relay).json()
    assert (quality["negative"], quality["positive"], quality["share_positive"]) == (1, 0, 0.0)

    reported = client.post(f"/v1/feedback/{fid}/report", headers=relay,
                           json={"seller_id": "fb-api-seller", "reason": "false"})
    assert reported.status_code == 201, reported.text
    case_id = reported.json()["case_id"]
    mod = auth(keys["moderator"])
    case = client.get(f"/v1/cases/{case_id}", headers=mod).json()
    assert case["case"]["kind"] == "feedback_report"
    read = client.get(f"/v1/cases/{case_id}/feedback-report", headers=mod)
    assert read.status_code == 200, read.text
    assert read.json()["reported_comment"] == "Kolor inny niż na zdjęciu"
    assert read.json()["feedback"]["rating"] == "negative"
    assert read.json()["report"]["reason"] == "false"
    other = client.get(f"/v1/cases/{make_case(session).id}/feedback-report", headers=mod)
    assert other.status_code == 404
    assert client.post(f"/v1/cases/{case_id}/claim", headers=mod).status_code == 200
    decided = client.post(f"/v1/cases/{case_id}/decision", headers=mod,
                          json={"action": "remove", "reason_code": "COMMENT_UNTRUE",
                                "note": "The photos show the colour described."})
    assert decided.status_code == 201, decided.text

    shown = client.get(f"/v1/feedback/{fid}", headers=relay).json()
    assert shown["status"] == "removed" and shown["removed_by"] == "moderator"
    assert client.get("/v1/sellers/fb-api-seller/quality", headers=relay).json()["ratings"] == 0
    assert client.get(f"/v1/offers/{offer.id}", headers=mod).json()["offer"]["status"] == (
        offer.status)


def test_the_buyer_withdraws_a_rating(client: TestClient, keys: dict[str, str],
                                      session: Session) -> None:
    relay = auth(keys["integration"])
    order = feedback_order(session)
    fid = client.post("/v1/feedback", json=rating(order), headers=relay).json()["feedback_id"]
    gone = client.delete(f"/v1/feedback/{fid}", headers=relay)
    assert gone.status_code == 200 and gone.json()["status"] == "removed"
    again = client.put(f"/v1/feedback/{fid}", json={"comment": "x"}, headers=relay)
    assert again.status_code == 409


@pytest.mark.parametrize(("changes", "field"), [
    ({"rating": "neutral"}, "rating"),
    ({"rating": None}, "rating"),
    ({"comment": "zły\x00"}, "comment"),
    ({"comment": "x" * 2001}, "comment"),
    ({"feedback_id": ""}, "feedback_id"),
    ({"stars": 5}, "stars"),
])
def test_bad_input_is_refused_naming_the_field(client: TestClient, keys: dict[str, str],
                                               session: Session, changes: dict[str, Any],
                                               field: str) -> None:
    response = client.post("/v1/feedback", json=rating(feedback_order(session), **changes),
                           headers=auth(keys["integration"]))
    assert response.status_code == 422, response.text
    assert response.json()["field"] == field


@pytest.mark.parametrize(("activated", "days_ago", "status"), [
    (False, 5, 422), (None, 5, 422), (True, 91, 422), (True, 5, 201)])
def test_who_may_rate_and_when(client: TestClient, keys: dict[str, str], session: Session,
                               activated: bool | None, days_ago: float, status: int) -> None:
    order = feedback_order(session, activated=activated, days_ago=days_ago)
    response = client.post("/v1/feedback", json=rating(order),
                           headers=auth(keys["integration"]))
    assert response.status_code == status, response.text
    if status == 422:
        assert response.json()["field"] == "order_id"


def test_a_second_rating_of_an_order_and_an_unknown_order(
        client: TestClient, keys: dict[str, str], session: Session) -> None:
    relay = auth(keys["integration"])
    order = feedback_order(session)
    assert client.post("/v1/feedback", json=rating(order), headers=relay).status_code == 201
    second = client.post("/v1/feedback", json=rating(order, feedback_id="other"),
                         headers=relay)
    assert second.status_code == 409
    unknown = client.post("/v1/feedback", json={**rating(order), "order_id": "nope",
                                                "feedback_id": "n"}, headers=relay)
    assert unknown.status_code == 404


def test_a_report_by_another_seller_is_refused(client: TestClient, keys: dict[str, str],
                                               session: Session) -> None:
    relay = auth(keys["integration"])
    order = feedback_order(session)
    fid = client.post("/v1/feedback", json=rating(order), headers=relay).json()["feedback_id"]
    seller = session.get_one(Seller, order.seller_id).external_id
    refused = client.post(f"/v1/feedback/{fid}/report", headers=relay,
                          json={"seller_id": seller + "-not", "reason": "abusive"})
    assert refused.status_code == 422 and refused.json()["field"] == "seller_id"
    bad_reason = client.post(f"/v1/feedback/{fid}/report", headers=relay,
                             json={"seller_id": seller, "reason": "dislike"})
    assert bad_reason.status_code == 422 and bad_reason.json()["field"] == "reason"


@pytest.mark.parametrize(("role", "method", "url"), [
    ("moderator", "POST", "/v1/feedback"),
    ("rights_holder", "GET", "/v1/sellers/x/quality"),
    ("moderator", "DELETE", "/v1/feedback/x"),
])
def test_only_the_integration_relays_feedback(client: TestClient, keys: dict[str, str],
                                              role: str, method: str, url: str) -> None:
    response = client.request(method, url, headers=auth(keys[role]), json={})
    assert response.status_code == 403
