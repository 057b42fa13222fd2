"""The discussion and claim routes: the marketplace relays each step; moderators decide a
claim through its case."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from moderation import cases, policy, programmes
from moderation.appeals.filing import AppealIn, file_appeal
from moderation.buyers import claims
from moderation.buyers.claim_decisions import ClaimDecisionIn, decide_claim
from moderation.buyers.discussions import StepIn
from moderation.domain import StaffRole
from moderation.tables import Buyer, Discussion, Order, utcnow
from tests.api.conftest import auth
from tests.api.console import csrf_of, logged_in
from tests.factories import (
    TEST_PASSWORD,
    discussion_event,
    make_discussion,
    make_order,
    make_staff,
)


def opened(client: TestClient, keys: dict[str, str], order: Order,
           **changes: Any) -> dict[str, Any]:
    made = client.post("/v1/discussions", json=discussion_event(order, **changes),
                       headers=auth(keys["integration"]))
    assert made.status_code == 201, made.text
    body: dict[str, Any] = made.json()
    return body


def step(**message: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"at": utcnow().isoformat()}
    if message:
        body["message"] = {"sent_at": utcnow().isoformat(), **message}
    return body


def test_a_discussion_from_opening_to_a_decided_claim(
        client: TestClient, keys: dict[str, str], session: Session) -> None:
    order = make_order(session, value=Decimal("120.00"))
    d = opened(client, keys, order)
    did = d["discussion"]["id"]
    assert d["discussion"]["status"] == "open" and d["may_escalate"] is False
    assert d["messages"][0]["attachments"][0]["sha256"] == "ab" * 32
    market = auth(keys["integration"])

    early = client.post(f"/v1/discussions/{did}/escalate", json=step(), headers=market)
    assert early.status_code == 409 and "may answer until" in early.json()["detail"]
    refused = client.post(f"/v1/discussions/{did}/refuse", headers=market,
                          json=step(message_id="s-1", author="seller", body="Nie uznaję."))
    assert refused.status_code == 200 and refused.json()["may_escalate"] is True
    made = client.post(f"/v1/discussions/{did}/escalate", json=step(), headers=market)
    assert made.status_code == 201, made.text
    claim = made.json()
    assert claim["claim"]["status"] == "open" and claim["order"]["value"] == "120.00"
    assert [m["author"] for m in claim["messages"]] == ["buyer", "seller"]

    moderator = auth(keys["moderator"])
    case_path = f"/v1/cases/{claim['claim']['case_id']}"
    shown = client.get(case_path, headers=moderator).json()
    assert shown["case"]["kind"] == "buyer_claim"
    assert shown["claim"]["claim"]["id"] == claim["claim"]["id"]
    assert shown["claim"]["offer_as_bought"]["title"]
    assert client.post(f"{case_path}/claim", headers=moderator).status_code == 200
    too_much = client.post(f"{case_path}/claim-decision", headers=moderator,
                           json={"action": "compensate", "amount": "120.01"})
    assert too_much.status_code == 422 and too_much.json()["field"] == "amount"
    decided = client.post(f"{case_path}/claim-decision", headers=moderator,
                          json={"action": "partial", "amount": "60.00",
                                "note": "One of the two items arrived."})
    assert decided.status_code == 201, decided.text
    assert decided.json()["decision"]["action"] == "partial"
    again = client.post(f"{case_path}/claim-decision", headers=moderator,
                        json={"action": "reject", "note": "no"})
    assert again.status_code == 409

    followed = client.get(f"/v1/claims/{claim['claim']['id']}", headers=market).json()
    assert followed["claim"]["status"] == "partial" and followed["claim"]["upheld"] is True
    assert [c["amount"] for c in followed["compensations"]] == ["60.00"]
    assert client.get(f"/v1/discussions/{did}", headers=market).json()["claim_id"] == (
        claim["claim"]["id"])


def test_settled_discussions_close_without_the_platform(
        client: TestClient, keys: dict[str, str], session: Session) -> None:
    d = opened(client, keys, make_order(session))
    did = d["discussion"]["id"]
    market = auth(keys["integration"])
    settled = client.post(f"/v1/discussions/{did}/settle", json=step(), headers=market)
    assert settled.status_code == 200 and settled.json()["discussion"]["status"] == "settled"
    assert client.post(f"/v1/discussions/{did}/escalate", json=step(),
                       headers=market).status_code == 409
    assert client.post(f"/v1/discussions/{did}/answer", json=step(),
                       headers=market).status_code == 409


def test_an_overdue_discussion_escalates_without_the_sellers_word(
        client: TestClient, keys: dict[str, str], session: Session) -> None:
    late = (utcnow() - policy.SELLER_ANSWER_DUE - timedelta(minutes=5)).isoformat()
    d = opened(client, keys, make_order(session, fast_track=True), opened_at=late)
    made = client.post(f"/v1/discussions/{d['discussion']['id']}/escalate", json=step(),
                       headers=auth(keys["integration"]))
    assert made.status_code == 201 and made.json()["claim"]["fast_track"] is True


def test_messages_are_added_once(client: TestClient, keys: dict[str, str],
                                 session: Session) -> None:
    did = opened(client, keys, make_order(session))["discussion"]["id"]
    message = {"message_id": "b-2", "author": "buyer", "body": "Dodaję zdjęcie.",
               "sent_at": utcnow().isoformat(),
               "attachments": [{"name": "paczka.jpg", "content_type": "image/jpeg",
                                "size": 1024, "sha256": "cd" * 32}]}
    market = auth(keys["integration"])
    for _ in range(2):
        added = client.post(f"/v1/discussions/{did}/messages", json=message, headers=market)
        assert added.status_code == 201, added.text
    assert len(client.get(f"/v1/discussions/{did}", headers=market).json()["messages"]) == 2
    assert session.get_one(Discussion, did).status == "open"


@pytest.mark.parametrize(("changes", "field"), [
    ({"reason": "neutral"}, "reason"),
    ({"order_id": "unknown-order"}, "order_id"),
    ({"marketplace_id": "bad id with spaces"}, "marketplace_id"),
    ({"opened_at": "2026-01-01T00:00:00"}, "opened_at"),
])
def test_bad_discussions_name_the_field(client: TestClient, keys: dict[str, str],
                                        session: Session, changes: dict[str, Any],
                                        field: str) -> None:
    answer = client.post("/v1/discussions", json=discussion_event(make_order(session), **changes),
                         headers=auth(keys["integration"]))
    assert answer.status_code in (404, 422)
    assert answer.json()["field"].endswith(field), answer.json()


def test_only_the_marketplace_relays_discussions(client: TestClient, keys: dict[str, str],
                                                 session: Session) -> None:
    event = discussion_event(make_order(session))
    for role in ("moderator", "lead", "rights_holder"):
        assert client.post("/v1/discussions", json=event,
                           headers=auth(keys[role])).status_code == 403, role
    assert client.get("/v1/claims/1", headers=auth(make_staff(session).api_key or "")
                      ).status_code == 404


def test_the_case_page_of_an_appeal_on_a_claim_shows_the_claim_and_its_form(
        session: Session) -> None:
    order = make_order(session, value=Decimal("80.00"))
    d = make_discussion(session, order=order,
                        opened_ago=policy.SELLER_ANSWER_DUE + timedelta(hours=1))
    claim = claims.escalate(session, d.id, StepIn(at=utcnow()), now=utcnow())
    decider = make_staff(session).staff.id
    cases.claim(session, case_id=claim.case_id or 0, staff_id=decider, lease=timedelta(minutes=5))
    first = decide_claim(session, case_id=claim.case_id or 0, staff_id=decider,
                         data=ClaimDecisionIn(action="reject", note="Delivered, signed for."),
                         followups=programmes.decision_followups())
    appeal = file_appeal(session, data=AppealIn(
        decision_id=first.id, buyer_id=session.get_one(Buyer, order.buyer_id).external_id,
        explanation="The signature on the delivery is not mine at all."),
        caller=make_staff(session, StaffRole.INTEGRATION).staff, now=utcnow())
    reviewer = make_staff(session, password=TEST_PASSWORD)
    session.commit()
    browser = logged_in(session, reviewer.staff.name, TEST_PASSWORD)
    page = browser.get(f"/cases/{appeal.case_id}")
    assert page.status_code == 200
    assert 'class="claim-evidence"' in page.text and "The signature" in page.text
    browser.post(f"/cases/{appeal.case_id}/claim", data={"csrf_token": csrf_of(page.text)})
    page = browser.get(f"/cases/{appeal.case_id}")
    assert f'action="/cases/{appeal.case_id}/claim-decision"' in page.text
    decided = browser.post(f"/cases/{appeal.case_id}/claim-decision", follow_redirects=False,
                           data={"csrf_token": csrf_of(page.text), "action": "compensate",
                                 "amount": "", "note": ""})
    assert decided.status_code == 303, decided.text
    session.refresh(appeal)
    assert appeal.outcome == "upheld"
