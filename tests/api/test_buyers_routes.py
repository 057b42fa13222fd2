"""The programme's intake over HTTP: accounts, orders and tracking from the integration key."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.api.conftest import auth
from tests.factories import make_offer

T0 = "2026-11-20T10:00:00+00:00"
T1 = "2026-11-21T10:00:00+00:00"


@pytest.fixture
def offer_id(session: Session) -> str:
    return make_offer(session, seller={"id": "s-http"}).marketplace_id


def _order(offer_id: str, /, **overrides: Any) -> dict[str, Any]:
    return {"marketplace_id": "o-http", "buyer": {"id": "b-http"}, "seller_id": "s-http",
            "offer_id": offer_id, "offer_version": 1, "value": "19.99", "ordered_at": T0,
            **overrides}


def test_a_buyer_account_is_created_then_updated_and_an_older_event_is_stale(
        client: TestClient, keys: dict[str, str]) -> None:
    key = auth(keys["integration"])
    created = client.put("/v1/buyers/b-1", headers=key, json={"at": T1, "activated": True,
                                                               "activated_at": T0})
    assert created.status_code == 201, created.text
    assert created.json()["account"]["activated"] is True
    stale = client.put("/v1/buyers/b-1", headers=key, json={"at": T0, "activated": False})
    assert (stale.status_code, stale.json()["outcome"]) == (200, "stale")
    assert stale.json()["account"]["activated"] is True
    again = client.put("/v1/buyers/b-1", headers=key, json={"at": T1, "activated": True})
    assert again.json()["outcome"] == "unchanged"


def test_a_seller_account_without_activation_is_unknown(
        client: TestClient, keys: dict[str, str]) -> None:
    answer = client.put("/v1/sellers/s-new/account", headers=auth(keys["integration"]),
                        json={"at": T0, "terms_version": "2026-10", "terms_accepted_at": T0})
    assert answer.status_code == 201, answer.text
    assert answer.json()["account"]["activated"] is None


def test_an_order_is_stored_once_and_shown_with_its_tracking(
        client: TestClient, keys: dict[str, str], offer_id: str) -> None:
    key = auth(keys["integration"])
    first = client.post("/v1/orders", headers=key, json=_order(offer_id))
    assert first.status_code == 201, first.text
    assert first.json()["buyer_id"] == "b-http" and first.json()["value"] == "19.99"
    assert client.post("/v1/orders", headers=key, json=_order(offer_id)).status_code == 200
    conflict = client.post("/v1/orders", headers=key, json=_order(offer_id, value="20.00"))
    assert (conflict.status_code, conflict.json()["field"]) == (409, "value")
    events = {"events": [{"event_id": "t1", "status": "shipped", "occurred_at": T0},
                         {"event_id": "t2", "status": "delivered", "occurred_at": T1}]}
    tracked = client.post("/v1/orders/o-http/tracking", headers=key, json=events)
    assert tracked.status_code == 200, tracked.text
    assert tracked.json()["stored"] == 2
    resent = client.post("/v1/orders/o-http/tracking", headers=key, json=events)
    assert resent.json()["stored"] == 0
    shown = client.get("/v1/orders/o-http", headers=auth(keys["moderator"])).json()
    assert [e["event_id"] for e in shown["tracking"]] == ["t1", "t2"]
    assert shown["delivered_at"] is not None


@pytest.mark.parametrize(("change", "field"), [
    ({"value": "-1.00"}, "value"),
    ({"value": "1.001"}, "value"),
    ({"quantity": 2**63}, "quantity"),
    ({"ordered_at": "2026-11-20T10:00:00"}, "ordered_at"),  # no zone
    # Read back from the database, year 0 would not be a Python datetime (a 500).
    ({"ordered_at": "0001-01-01T00:00:00+14:00"}, "ordered_at"),
    ({"delivered_at": "9999-12-31T23:59:59-12:00"}, "delivered_at"),
    ({"buyer": {"id": "b\x00"}}, "buyer.id"),
    ({"currency": "złote"}, "currency"),
    ({"offer_id": "never-sent"}, "offer_id"),
    ({"offer_version": 9}, "offer_version"),
    ({"seller_id": "s-other"}, "seller_id"),
])
def test_an_invalid_order_answers_422_naming_the_field(
        client: TestClient, keys: dict[str, str], offer_id: str, change: dict[str, Any],
        field: str) -> None:
    answer = client.post("/v1/orders", headers=auth(keys["integration"]),
                         json=_order(offer_id, **change))
    assert answer.status_code == 422, answer.text
    assert answer.json()["field"] == field


@pytest.mark.parametrize(("method", "url", "body"), [
    ("PUT", "/v1/buyers/b-x", {"at": T0}),
    ("PUT", "/v1/sellers/s-x/account", {"at": T0}),
    ("POST", "/v1/orders", None),
    ("POST", "/v1/orders/o-x/tracking",
     {"events": [{"event_id": "e", "status": "shipped", "occurred_at": T0}]}),
])
@pytest.mark.parametrize(("role", "status"), [(None, 401), ("bogus", 401),
                                              ("moderator", 403), ("rights_holder", 403)])
def test_writes_need_the_integration_key(
        client: TestClient, keys: dict[str, str], offer_id: str, method: str, url: str,
        body: dict[str, Any] | None, role: str | None, status: int) -> None:
    headers = {} if role is None else auth(keys.get(role, "not-a-key"))
    answer = client.request(method, url, headers=headers, json=body or _order(offer_id))
    assert answer.status_code == status


def test_tracking_of_an_unknown_order_is_404(client: TestClient, keys: dict[str, str]) -> None:
    answer = client.post("/v1/orders/o-none/tracking", headers=auth(keys["integration"]),
                         json={"events": [{"event_id": "e", "status": "shipped",
                                           "occurred_at": T0}]})
    assert answer.status_code == 404
    assert client.get("/v1/orders/o-none", headers=auth(keys["integration"])).status_code == 404
