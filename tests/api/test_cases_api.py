from __future__ import annotations

from fastapi.testclient import TestClient
from redis import Redis
from sqlalchemy.orm import Session

from tests.api.conftest import auth
from tests.factories import make_case, offer_event, runtime_of
from workers.main import make_worker


def test_review_flow_from_intake_to_removed_offer(client: TestClient, keys: dict[str, str],
                                                  session: Session, redis: Redis) -> None:
    event = offer_event(title="Bluza Supreme replika AAA tanio", brand=None,
                        category="Odzież > Męska", price="89.00")
    offer_id = client.post("/v1/offers", json=event, headers=auth(keys["integration"])).json()["id"]
    make_worker(runtime_of(session)).work(burst=True)

    mod = auth(keys["moderator"])
    listed = client.get("/v1/cases", params={"status": "open"}, headers=mod).json()
    assert any(c["offer_id"] == offer_id for c in listed["items"])
    claimed = client.post("/v1/cases/claim-next", headers=mod)
    assert claimed.status_code == 200
    case = claimed.json()["case"]
    assert case["offer_id"] == offer_id and case["lease_holder_id"] is not None

    evidence = client.get(f"/v1/cases/{case['id']}", headers=mod).json()
    assert evidence["screening"]["hits"] and evidence["offer"]["title"] == event["title"]
    assert [a["action"] for a in evidence["audit"]][:2] == ["case.opened", "case.claimed"]

    decided = client.post(f"/v1/cases/{case['id']}/decision", headers=mod,
                          json={"action": "remove", "reason_code": "COUNTERFEIT"})
    assert decided.status_code == 201
    again = client.post(f"/v1/cases/{case['id']}/decision", headers=mod,
                        json={"action": "keep", "reason_code": "LAWFUL"})
    assert again.status_code == 409 and again.json()["error"] == "case_closed"
    offer = client.get(f"/v1/offers/{offer_id}", headers=mod).json()
    assert offer["offer"]["status"] == "removed"
    assert offer["decisions"][0]["action"] == "remove"


def test_claim_next_on_an_empty_queue_answers_204(client: TestClient,
                                                  keys: dict[str, str]) -> None:
    assert client.post("/v1/cases/claim-next", headers=auth(keys["moderator"])).status_code == 204


def test_decision_by_someone_without_the_lease_is_refused(client: TestClient,
                                                          keys: dict[str, str],
                                                          session: Session) -> None:
    case = make_case(session)
    client.post("/v1/cases/claim-next", headers=auth(keys["moderator"]))
    response = client.post(f"/v1/cases/{case.id}/decision", headers=auth(keys["lead"]),
                           json={"action": "remove", "reason_code": "COUNTERFEIT"})
    assert response.status_code == 409 and response.json()["error"] == "lease_not_held"


def test_release_returns_the_case(client: TestClient, keys: dict[str, str],
                                  session: Session) -> None:
    case = make_case(session)
    mod, lead = auth(keys["moderator"]), auth(keys["lead"])
    client.post("/v1/cases/claim-next", headers=mod)
    assert client.post(f"/v1/cases/{case.id}/release", headers=lead).status_code == 409
    assert client.post(f"/v1/cases/{case.id}/release", headers=mod).status_code == 200
    assert client.post("/v1/cases/claim-next", headers=lead).json()["case"]["id"] == case.id


def test_bad_decision_answers_422_with_the_field(client: TestClient, keys: dict[str, str],
                                                 session: Session) -> None:
    case = make_case(session)
    response = client.post(f"/v1/cases/{case.id}/decision", headers=auth(keys["moderator"]),
                           json={"action": "delete-everything", "reason_code": "X"})
    assert response.status_code == 422 and response.json()["field"] == "action"


def test_integration_keys_cannot_read_the_queue(client: TestClient, keys: dict[str, str]) -> None:
    assert client.get("/v1/cases", headers=auth(keys["integration"])).status_code == 403
    assert client.get("/v1/cases").status_code == 401
