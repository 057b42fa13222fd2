"""The counter-notice routes: the marketplace files, staff and the marketplace follow."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from moderation.protection.counter_notices import NOT_CONTESTABLE
from tests.api.conftest import auth
from tests.notice_builders import removal, remove_on_notice

STATEMENT = "The goods are genuine: bought from the brand's Polish distributor in 2025."


def body(decision_id: int, **changes: Any) -> dict[str, Any]:
    return {"decision_id": decision_id, "statement": STATEMENT,
            "contact_email": "sklep@example.pl", **changes}


def test_the_marketplace_files_a_counter_notice_and_staff_follow_it(
        client: TestClient, keys: dict[str, str], session: Session) -> None:
    removed = remove_on_notice(session)
    filed = client.post("/v1/counter-notices", json=body(removed.decision.id),
                        headers=auth(keys["integration"]))
    assert filed.status_code == 201
    created = filed.json()
    assert created["reference"].startswith("CN-") and created["status"] == "open"
    assert created["case_id"] and created["offer_id"] == removed.offer.id

    for role in ("moderator", "lead", "admin", "integration"):
        shown = client.get(f"/v1/counter-notices/{created['reference']}",
                           headers=auth(keys[role]))
        assert shown.status_code == 200, role
        assert shown.json()["case_id"] == created["case_id"]
        assert shown.json()["statement"] == STATEMENT

    case = client.get(f"/v1/cases/{created['case_id']}", headers=auth(keys["moderator"]))
    assert case.json()["case"]["kind"] == "counter_notice"


@pytest.mark.parametrize(("change", "status", "field"), [
    ({"contact_email": "nobody"}, 422, "contact_email"),
    ({"statement": "short"}, 422, "statement"),
    ({"decision_id": 10**9}, 404, "decision_id"),
    ({"note": "extra"}, 422, "note"),
])
def test_bad_counter_notices_answer_with_the_field(
        client: TestClient, keys: dict[str, str], session: Session,
        change: dict[str, Any], status: int, field: str) -> None:
    removed = remove_on_notice(session)
    answer = client.post("/v1/counter-notices", json={**body(removed.decision.id), **change},
                         headers=auth(keys["integration"]))
    assert answer.status_code == status and answer.json()["field"] == field


def test_a_removal_without_a_notice_cannot_be_contested_here(
        client: TestClient, keys: dict[str, str], session: Session) -> None:
    decision = removal(session, seller="s-api-plain")
    answer = client.post("/v1/counter-notices", json=body(decision.id),
                         headers=auth(keys["admin"]))
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json() == {"type": "/problems/invalid_input", "title": "Invalid input",
                             "status": 422, "detail": NOT_CONTESTABLE, "error": "invalid_input",
                             "field": "decision_id"}


def test_a_second_counter_notice_on_one_removal_is_a_conflict(
        client: TestClient, keys: dict[str, str], session: Session) -> None:
    removed = remove_on_notice(session)
    integration = auth(keys["integration"])
    first = client.post("/v1/counter-notices", json=body(removed.decision.id),
                        headers=integration)
    again = client.post("/v1/counter-notices", json=body(removed.decision.id),
                        headers=integration)
    assert first.status_code == 201 and again.status_code == 409
    assert first.json()["reference"] in again.json()["detail"]


@pytest.mark.parametrize("role", ["moderator", "lead", "rights_holder"])
def test_only_the_marketplace_and_admins_file(client: TestClient, keys: dict[str, str],
                                              session: Session, role: str) -> None:
    removed = remove_on_notice(session)
    answer = client.post("/v1/counter-notices", json=body(removed.decision.id),
                         headers=auth(keys[role]))
    assert answer.status_code == 403


def test_rights_holders_and_strangers_cannot_read_counter_notices(
        client: TestClient, keys: dict[str, str], session: Session) -> None:
    removed = remove_on_notice(session)
    reference = client.post("/v1/counter-notices", json=body(removed.decision.id),
                            headers=auth(keys["integration"])).json()["reference"]
    path = f"/v1/counter-notices/{reference}"
    assert client.get(path, headers=auth(keys["rights_holder"])).status_code == 403
    assert client.get(path).status_code == 401
    missing = client.get("/v1/counter-notices/CN-2026-999999", headers=auth(keys["moderator"]))
    assert missing.status_code == 404
