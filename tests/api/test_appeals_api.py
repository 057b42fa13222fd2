"""The appeal routes: the marketplace relays sellers', notifiers file their own, staff decide
through the ordinary case routes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from moderation.domain import StaffRole
from moderation.schemas import DecisionIn
from moderation.tables import Offer, Organisation, Seller, utcnow
from tests.api.conftest import auth
from tests.appeal_builders import WHY, automatic_block, member_with_key, statement
from tests.factories import make_staff
from tests.notice_builders import decide, noticed_case, remove_on_notice


def body(decision_id: int, seller: str, **changes: Any) -> dict[str, Any]:
    return {"decision_id": decision_id, "seller_id": seller, "explanation": WHY, **changes}


def test_a_seller_appeal_is_filed_followed_and_decided_by_someone_else(
        client: TestClient, keys: dict[str, str], session: Session) -> None:
    removed = remove_on_notice(session)
    filed = client.post("/v1/appeals", json=body(removed.decision.id,
                                                 removed.seller.external_id),
                        headers=auth(keys["integration"]))
    assert filed.status_code == 201, filed.text
    appeal = filed.json()
    assert appeal["status"] == "open" and appeal["contested"] == "removal"
    for role in ("moderator", "lead", "admin", "integration"):
        shown = client.get(f"/v1/appeals/{appeal['id']}", headers=auth(keys[role]))
        assert shown.status_code == 200 and shown.json()["case_id"] == appeal["case_id"], role
    assert client.get(f"/v1/appeals/{appeal['id']}",
                      headers=auth(keys["rights_holder"])).status_code == 404

    case_path = f"/v1/cases/{appeal['case_id']}"
    original = auth(make_staff(session).api_key or "")  # not the one who removed
    detail = client.get(case_path, headers=original).json()
    assert detail["case"]["kind"] == "appeal"
    assert detail["appeal"]["appeal"]["reference"] == appeal["reference"]
    assert detail["appeal"]["contested_decision"]["id"] == removed.decision.id
    assert [n["reference"] for n in detail["appeal"]["notices"]] == [removed.notice.reference]

    assert client.post(f"{case_path}/claim", headers=original).status_code == 200
    no_why = client.post(f"{case_path}/decision", headers=original,
                         json={"action": "remove", "reason_code": "APPEAL_REJECTED"})
    assert no_why.status_code == 422 and no_why.json()["field"] == "note"
    upheld = client.post(f"{case_path}/decision", headers=original,
                         json={"action": "keep", "reason_code": "APPEAL_UPHELD"})
    assert upheld.status_code == 201
    after = client.get(f"/v1/appeals/{appeal['id']}", headers=auth(keys["integration"])).json()
    assert (after["status"], after["outcome"]) == ("decided", "upheld")


def test_the_original_moderator_is_refused_the_appeal(
        client: TestClient, keys: dict[str, str], session: Session) -> None:
    decider = make_staff(session)
    removed = remove_on_notice(session, moderator_id=decider.staff.id)
    appeal = client.post("/v1/appeals", json=body(removed.decision.id,
                                                  removed.seller.external_id),
                         headers=auth(keys["integration"])).json()
    answer = client.post(f"/v1/cases/{appeal['case_id']}/claim",
                         headers=auth(decider.api_key or ""))
    assert answer.status_code == 403


def test_a_rights_holder_appeals_a_keep_on_its_notice(
        client: TestClient, session: Session) -> None:
    case, notice = noticed_case(session)
    kept = decide(session, case, DecisionIn(action="keep", reason_code="LAWFUL"))
    holder = member_with_key(session, session.get_one(Organisation, notice.organisation_id),
                             StaffRole.RIGHTS_HOLDER)
    key = auth(holder.api_key or "")
    filed = client.post("/v1/appeals", headers=key,
                        json={"decision_id": kept.id, "explanation": WHY})
    assert filed.status_code == 201 and filed.json()["contested"] == "keep"
    assert client.get(f"/v1/appeals/{filed.json()['id']}", headers=key).status_code == 200
    with_seller = client.post("/v1/appeals", headers=key,
                              json={"decision_id": kept.id, "explanation": WHY,
                                    "seller_id": "s-1"})
    assert with_seller.status_code == 422 and with_seller.json()["field"] == "seller_id"


@pytest.mark.parametrize(("case", "status", "field"), [
    ("not_yours", 403, "decision_id"),
    ("unknown_decision", 404, "decision_id"),
    ("unknown_seller", 404, "seller_id"),
    ("both", 422, "decision_id"),
    ("neither", 422, "decision_id"),
    ("short", 422, "explanation"),
    ("too_late", 422, "statement_puid"),
    ("again", 409, "decision_id"),
])
def test_refusals_name_the_field(client: TestClient, keys: dict[str, str], session: Session,
                                 case: str, status: int, field: str) -> None:
    block = automatic_block(session)
    seller = block_seller(session, block.offer_id)
    other = block_seller(session, automatic_block(session).offer_id)
    # Told seven months ago: the earlier of two statements about an older block counts.
    old_block = automatic_block(session, seller=seller.external_id)
    late = statement(session, seller_id=seller.id, restriction="disabling", decision=old_block,
                     created_at=utcnow() - timedelta(days=213))
    bodies = {
        "not_yours": body(block.id, other.external_id),
        "unknown_decision": body(2**62, seller.external_id),
        "unknown_seller": body(block.id, "nobody-like-this"),
        "both": body(block.id, seller.external_id, statement_puid=late.puid),
        "neither": {"seller_id": seller.external_id, "explanation": WHY},
        "short": body(block.id, seller.external_id, explanation="too short"),
        "too_late": {"statement_puid": late.puid, "seller_id": seller.external_id,
                     "explanation": WHY},
        "again": body(block.id, seller.external_id),
    }
    integration = auth(keys["integration"])
    if case == "again":
        assert client.post("/v1/appeals", json=bodies[case], headers=integration
                           ).status_code == 201
    answer = client.post("/v1/appeals", json=bodies[case], headers=integration)
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["field"] == field


def block_seller(session: Session, offer_id: int) -> Seller:
    return session.get_one(Offer, offer_id).seller
