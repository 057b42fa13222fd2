"""The support routes: the marketplace sends ratings of support and survey answers; leads
close the loop in JSON and on their page."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from moderation.domain import StaffRole
from tests.api.conftest import auth
from tests.api.console import csrf_of, logged_in
from tests.factories import TEST_PASSWORD, make_case, make_staff

RATED_AT = "2026-05-04T10:00:00+02:00"


def rating(**changes: Any) -> dict[str, Any]:
    return {"rating_id": "r-1", "rater_kind": "buyer", "rater_id": "b-1", "contact_id": "c-9",
            "positive": False, "comment": "Waited two days", "rated_at": RATED_AT, **changes}


def answer(**changes: Any) -> dict[str, Any]:
    return {"answer_id": "a-1", "respondent_kind": "buyer", "respondent_id": "b-1",
            "score": 9, "used_programme": True, "answered_at": RATED_AT, **changes}


def test_a_negative_rating_opens_one_task_a_lead_closes(
        client: TestClient, keys: dict[str, str]) -> None:
    market, lead = auth(keys["integration"]), auth(keys["lead"])
    sent = client.post("/v1/support/ratings", json=rating(), headers=market)
    assert sent.status_code == 201, sent.text
    task_id = sent.json()["task_id"]
    assert sent.json()["negative"] is True and task_id is not None
    again = client.post("/v1/support/ratings", json=rating(), headers=market)
    assert again.status_code == 201 and again.json() == sent.json()
    positive = client.post("/v1/support/ratings", headers=market,
                           json=rating(rating_id="r-2", positive=None, score=4))
    assert positive.status_code == 201 and positive.json()["task_id"] is None
    listed = client.get("/v1/support/tasks", headers=lead).json()["items"]
    assert [(t["id"], t["rating_id"], t["rater_id"], t["comment"]) for t in listed] == [
        (task_id, "r-1", "b-1", "Waited two days")]
    done = client.post(f"/v1/support/tasks/{task_id}/done", json={"note": "Called, sorry"},
                       headers=lead)
    assert done.status_code == 200, done.text
    assert (done.json()["status"], done.json()["note"]) == ("done", "Called, sorry")
    assert client.get("/v1/support/tasks", headers=lead).json()["items"] == []
    assert [t["id"] for t in client.get("/v1/support/tasks?status=done",
                                        headers=lead).json()["items"]] == [task_id]
    twice = client.post(f"/v1/support/tasks/{task_id}/done", json={"note": "x"}, headers=lead)
    assert twice.status_code == 409
    assert client.post("/v1/support/tasks/999999/done", json={"note": "x"},
                       headers=lead).status_code == 404


@pytest.mark.parametrize(("body", "status", "field"), [
    (rating(rating_id="r-2", rater_id="b\x00"), 422, "rater_id"),
    (rating(rating_id="r-2", case_id=2**63), 422, "case_id"),
    (rating(rating_id="r-2", case_id=2**62, contact_id=None), 404, "case_id"),
    (rating(rating_id="r-2", score=2), 422, "score"),
    (rating(rating_id="r-2", contact_id=None), 422, "contact_id"),
    (rating(rating_id="r-2", rated_at="2026-05-04T10:00:00"), 422, "rated_at"),
    (rating(rating_id="r-2", extra="no"), 422, "extra"),
    (rating(comment="Changed"), 409, "rating_id"),  # r-1 was sent with another comment
])
def test_ratings_refused_name_the_field(client: TestClient, keys: dict[str, str],
                                        body: dict[str, Any], status: int, field: str) -> None:
    market = auth(keys["integration"])
    assert client.post("/v1/support/ratings", json=rating(), headers=market).status_code == 201
    refused = client.post("/v1/support/ratings", json=body, headers=market)
    assert refused.status_code == status, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["field"].endswith(field)


def test_a_rating_names_one_of_our_cases(client: TestClient, keys: dict[str, str],
                                         session: Session) -> None:
    case = make_case(session)
    sent = client.post("/v1/support/ratings", headers=auth(keys["integration"]),
                       json=rating(case_id=case.id, contact_id=None))
    assert sent.status_code == 201, sent.text
    [task] = client.get("/v1/support/tasks", headers=auth(keys["lead"])).json()["items"]
    assert (task["case_id"], task["contact_id"]) == (case.id, None)


@pytest.mark.parametrize(("body", "status"), [
    (answer(), 201),
    (answer(score=11), 422),
    (answer(score=-1), 422),
    (answer(respondent_kind="courier"), 422),
    (answer(respondent_id="x" * 65), 422),
])
def test_survey_answers(client: TestClient, keys: dict[str, str], body: dict[str, Any],
                        status: int) -> None:
    sent = client.post("/v1/surveys/answers", json=body, headers=auth(keys["integration"]))
    assert sent.status_code == status, sent.text
    if status == 201:
        assert (sent.json()["answer_id"], sent.json()["score"]) == ("a-1", 9)
        same = client.post("/v1/surveys/answers", json=body, headers=auth(keys["integration"]))
        assert same.json() == sent.json()
        other = client.post("/v1/surveys/answers", json=answer(score=2),
                            headers=auth(keys["integration"]))
        assert other.status_code == 409


def test_the_leads_page_lists_tasks_and_marks_one_done(
        client: TestClient, keys: dict[str, str], session: Session) -> None:
    for n in (1, 2):
        assert client.post("/v1/support/ratings", headers=auth(keys["integration"]),
                           json=rating(rating_id=f"r-{n}", rater_id=f"b-{n}",
                                       comment=f"<b>comment {n}</b>")).status_code == 201
    lead = make_staff(session, StaffRole.LEAD, password=TEST_PASSWORD).staff
    browser = logged_in(session, lead.name, TEST_PASSWORD)
    page = browser.get("/console/support/tasks")
    assert page.status_code == 200
    assert page.text.count('class="done"') == 2
    assert "&lt;b&gt;comment 1&lt;/b&gt;" in page.text  # the marketplace's text, escaped
    assert "<script>" not in page.text.split("</header>")[-1]
    assert "script-src 'self'" in page.headers["content-security-policy"]
    [first] = [t["id"] for t in client.get("/v1/support/tasks", headers=auth(keys["lead"])
                                           ).json()["items"] if t["rater_id"] == "b-1"]
    no_token = browser.post(f"/console/support/tasks/{first}/done", data={"note": "x"},
                            follow_redirects=False)
    assert no_token.status_code == 403
    done = browser.post(f"/console/support/tasks/{first}/done", follow_redirects=False,
                        data={"note": "Phoned", "csrf_token": csrf_of(page.text)})
    assert done.status_code == 303 and done.headers["location"].endswith(f"?done={first}")
    after = browser.get(done.headers["location"])
    assert after.text.count('class="done"') == 1 and f"task-{first}" not in after.text
    empty = browser.post(f"/console/support/tasks/{first + 1}/done",
                         data={"note": "  ", "csrf_token": csrf_of(page.text)})
    assert empty.status_code == 422
    shown = browser.get("/console/support/tasks?status=done")
    assert "Phoned" in shown.text and f"task-{first}" in shown.text
