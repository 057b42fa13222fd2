"""Notices over HTTP: receipts, precise refusals that store nothing, each organisation alone."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from moderation.tables import Notice, NoticeItem
from tests.api.console import csrf_of, logged_in
from tests.rights_builders import notice_body, offers, rights_holder, verified_right


def _key(member: Any) -> dict[str, str]:
    return {"X-API-Key": member.api_key}


def test_a_notice_is_acknowledged_with_a_reference_and_its_cases(session: Session,
                                                                 client: TestClient) -> None:
    org, member = rights_holder(session)
    right = verified_right(session, org)
    named = offers(session, 2)
    response = client.post("/v1/notices", headers=_key(member), json=notice_body(right, named))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["reference"].startswith("N-") and body["status"] == "open"
    assert [i["offer"]["marketplace_id"] for i in body["items"]] == [
        o.marketplace_id for o in named]
    assert all(i["case_id"] and i["outcome"] == "pending" for i in body["items"])
    again = client.get(f"/v1/notices/{body['reference']}", headers=_key(member))
    assert again.status_code == 200 and again.json()["items"] == body["items"]


def test_an_incomplete_notice_names_every_missing_field(session: Session,
                                                        client: TestClient) -> None:
    _, member = rights_holder(session)
    response = client.post("/v1/notices", headers=_key(member),
                           json={"kind": "counterfeit", "notifier": {"name": "Jan"}})
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields >= {"right_id", "offers", "explanation", "notifier.email", "good_faith"}
    assert session.query(Notice).count() == 0


@pytest.mark.parametrize(("change", "status", "field"), [
    ({"good_faith": False}, 422, "good_faith"),
    ({"kind": "vibes"}, 422, "kind"),
    ({"explanation": "too short"}, 422, "explanation"),
    ({"notifier": {"name": "Jan", "email": "not-an-address"}}, 422, "notifier.email"),
    ({"offers": []}, 422, "offers"),
    ({"offers": ["nope-1", "nope-2"]}, 422, "offers"),
    ({"right_id": 999_999}, 422, "right_id"),
    ({"surprise": 1}, 422, "surprise"),
])
def test_bad_notices_get_a_precise_error_and_store_nothing(
        session: Session, client: TestClient, change: dict[str, Any], status: int,
        field: str) -> None:
    org, member = rights_holder(session)
    right = verified_right(session, org)
    body = {**notice_body(right, offers(session, 1)), **change}
    response = client.post("/v1/notices", headers=_key(member), json=body)
    assert response.status_code == status and response.json()["field"] == field
    assert session.query(Notice).count() == 0 and session.query(NoticeItem).count() == 0


def test_organisations_never_see_each_others_notices(session: Session,
                                                     client: TestClient) -> None:
    _, a = rights_holder(session)
    b_org, b = rights_holder(session)
    sent = client.post("/v1/notices", headers=_key(b),
                       json=notice_body(verified_right(session, b_org), offers(session, 1)))
    reference = sent.json()["reference"]
    assert client.get(f"/v1/notices/{reference}", headers=_key(a)).status_code == 404
    assert client.get("/v1/notices", headers=_key(a)).json()["items"] == []
    assert [n["reference"] for n in client.get("/v1/notices", headers=_key(b)).json()[
        "items"]] == [reference]
    # B's right is not A's to rely on.
    foreign = client.post("/v1/notices", headers=_key(a),
                          json=notice_body(verified_right(session, b_org), offers(session, 1)))
    assert foreign.status_code == 422 and foreign.json()["field"] == "right_id"
    portal = logged_in(session, a.staff.name, "correct horse battery")
    assert portal.get(f"/portal/notices/{reference}").status_code == 404


def test_the_portal_form_sends_a_notice(session: Session) -> None:
    org, member = rights_holder(session)
    right = verified_right(session, org)
    named = offers(session, 2)
    portal = logged_in(session, member.staff.name, "correct horse battery")
    form = portal.get("/portal/notices/new")
    assert f'value="{right.id}"' in form.text
    sent = portal.post("/portal/notices", data={
        "csrf_token": csrf_of(form.text), "right_id": str(right.id), "kind": "logo",
        "offers": "\n".join(o.marketplace_id for o in named) + "\n",
        "explanation": "The logo on these bags is our registered figurative mark.",
        "notifier_name": "Anna Nowak", "notifier_email": "anna@lumora.example",
        "good_faith": "yes"}, follow_redirects=False)
    assert sent.status_code == 303 and "/portal/notices/N-" in sent.headers["location"]
    page = portal.get(sent.headers["location"]).text
    assert all(f'data-offer="{o.marketplace_id}"' in page for o in named)
    missing = portal.post("/portal/notices", data={"csrf_token": csrf_of(form.text),
                                                   "right_id": str(right.id)})
    assert missing.status_code == 422
    assert session.query(Notice).count() == 1
