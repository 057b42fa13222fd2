"""Input PostgreSQL cannot take is refused first: 422 naming the field, as problem details."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from moderation.domain import StaffRole
from tests.api.conftest import auth
from tests.factories import make_case, make_offer, make_staff, offer_event

TOO_BIG = 2**63  # one past PostgreSQL's BIGINT
BIGGEST = 2**63 - 1


def _refused(response: Any, field: str) -> None:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["field"] == field
    assert problem["type"] == "/problems/invalid_input" and problem["status"] == 422
    assert field in {e["field"] for e in problem["errors"]}


@pytest.mark.parametrize(("role", "method", "url", "json", "field"), [
    ("integration", "POST", "/v1/offers", offer_event(title="Rower\x00"), "title"),
    ("integration", "POST", "/v1/offers",
     offer_event(seller={"id": "s\x00"}), "seller.id"),
    ("integration", "POST", "/v1/offers", offer_event(gtins=["590\x00"]), "gtins.0"),
    ("moderator", "POST", "/v1/cases/claim-next", {"kind": "screening\x00"}, "kind"),
    ("lead", "POST", "/v1/cases/bulk-decision",
     {"case_ids": [1], "decision": {"action": "keep", "reason_code": "OK\x00"}},
     "decision.reason_code"),
    ("integration", "POST", "/v1/appeals",
     {"decision_id": 1, "seller_id": "s-1", "explanation": "Oferta jest legalna\x00 i zgodna"},
     "explanation"),
    ("integration", "POST", "/v1/appeals",
     {"statement_puid": "p\x00", "seller_id": "s-1", "explanation": "x" * 30},
     "statement_puid"),
    ("integration", "POST", "/v1/appeals",
     {"decision_id": 1, "seller_id": "s\x00", "explanation": "x" * 30}, "seller_id"),
    ("authority", "POST", "/v1/safety/orders",
     {"kind": "order", "reference": "R-1", "product": "Czajnik\x00", "risk": "prąd",
      "legal_basis": "art. 22", "requested_measure": "usunięcie",
      "contact_email": "dnr@uokik.example"}, "product"),
    ("authority", "POST", "/v1/safety/orders",
     {"kind": "order", "reference": "R-1", "product": "Czajnik", "risk": "prąd",
      "legal_basis": "art. 22", "requested_measure": "usunięcie",
      "contact_email": "dnr\x00@uokik.example"}, "contact_email"),
    ("rights_holder", "POST", "/v1/rights",
     {"type": "trademark", "office": "EUIPO", "number": "1", "owner": "Lumora\x00",
      "territory": "EU", "brands": ["Lumora"]}, "owner"),
    ("rights_holder", "POST", "/v1/rights",
     {"type": "trademark", "office": "EUIPO", "number": "1", "owner": "Lumora",
      "territory": "EU", "brands": ["Lu\x00mora"]}, "brands.0"),
])
def test_a_nul_in_a_body_is_refused_naming_the_field(
        client: TestClient, keys: dict[str, str], role: str, method: str, url: str,
        json: dict[str, Any], field: str) -> None:
    _refused(client.request(method, url, json=json, headers=auth(keys[role])), field)


@pytest.mark.parametrize(("role", "url", "field"), [
    ("moderator", "/v1/cases?kind=screening%00", "kind"),
    ("moderator", "/v1/cases?status=%00", "status"),
    ("moderator", "/v1/rights?status=pending%00", "status"),
    ("moderator", "/v1/notices/N-1%00", "reference"),
    ("moderator", "/v1/counter-notices/CN-%00", "reference"),
    ("moderator", "/v1/appeals/1%00", "appeal_id"),
    ("lead", "/audit?actor=%00", "actor"),
    ("moderator", "/queue?category=Moda%00", "category"),
])
def test_a_nul_in_a_query_or_path_is_refused_naming_the_field(
        client: TestClient, keys: dict[str, str], role: str, url: str, field: str) -> None:
    _refused(client.get(url, headers={**auth(keys[role]), "Accept": "application/json"}),
             field)


@pytest.mark.parametrize(("role", "method", "url", "json", "field"), [
    ("moderator", "GET", f"/v1/offers/{TOO_BIG}", None, "offer_id"),
    ("moderator", "GET", f"/v1/cases/{TOO_BIG}", None, "case_id"),
    ("moderator", "POST", f"/v1/cases/{TOO_BIG}/claim", None, "case_id"),
    ("moderator", "GET", f"/v1/cases?offset={TOO_BIG}", None, "offset"),
    ("moderator", "GET", f"/v1/notices?offset={TOO_BIG}", None, "offset"),
    ("moderator", "GET", f"/v1/safety/orders?offset={TOO_BIG}", None, "offset"),
    ("moderator", "GET", f"/v1/safety/orders/{TOO_BIG}/report.csv", None, "order_id"),
    ("moderator", "GET", f"/v1/rights/1/documents/{TOO_BIG}", None, "document_id"),
    ("lead", "POST", "/v1/cases/1/reassign", {"staff_id": TOO_BIG}, "staff_id"),
    ("lead", "POST", "/v1/cases/bulk-decision",
     {"case_ids": [1, TOO_BIG], "decision": {"action": "keep", "reason_code": "OK"}},
     "case_ids.1"),
    ("integration", "POST", "/v1/counter-notices",
     {"decision_id": TOO_BIG, "statement": "x" * 30, "contact_email": "a@b.pl"},
     "decision_id"),
    ("integration", "POST", "/v1/appeals",
     {"decision_id": TOO_BIG, "seller_id": "s-1", "explanation": "x" * 30}, "decision_id"),
    ("moderator", "GET", f"/v1/appeals/{TOO_BIG}", None, "appeal_id"),
    ("rights_holder", "POST", "/v1/notices",
     {"right_id": TOO_BIG, "kind": "counterfeit", "offers": ["t-1"],
      "explanation": "x" * 30, "notifier": {"name": "Jan", "email": "jan@lumora.example"},
      "good_faith": True}, "right_id"),
    ("lead", "GET", f"/audit?entity_id={TOO_BIG}", None, "entity_id"),
])
def test_an_integer_past_bigint_is_refused_naming_the_field(
        client: TestClient, keys: dict[str, str], role: str, method: str, url: str,
        json: dict[str, Any] | None, field: str) -> None:
    _refused(client.request(method, url, json=json,
                            headers={**auth(keys[role]), "Accept": "application/json"}), field)


def test_the_biggest_bigint_is_a_plain_not_found(client: TestClient,
                                                 keys: dict[str, str]) -> None:
    for url in (f"/v1/offers/{BIGGEST}", f"/v1/cases/{BIGGEST}",
                f"/v1/safety/orders/{BIGGEST}"):
        response = client.get(url, headers=auth(keys["moderator"]))
        assert response.status_code == 404, url
        assert response.json()["error"] == "not_found"
    page = client.get(f"/v1/cases?offset={BIGGEST}", headers=auth(keys["moderator"]))
    assert page.status_code == 200 and page.json()["items"] == []


def test_like_wildcards_in_the_category_filter_match_themselves(
        session: Session, client: TestClient) -> None:
    lead = auth(make_staff(session, StaffRole.LEAD).api_key or "")
    cases = {}
    for category in ("Moda > Torebki", "M_da > Buty", "100% > Bawełna"):
        case = make_case(session)
        case.offer.category = category
        cases[category] = case.id
    make_offer(session)  # no case: the filter counts cases
    session.flush()

    def shown(category: str) -> int:
        page = client.get("/queue", params={"category": category}, headers=lead)
        assert page.status_code == 200
        return sum(f'href="/cases/{case_id}"' in page.text for case_id in cases.values())

    assert shown("M_da") == 1  # not "Moda > Torebki" through the "_"
    assert shown("Moda") == 1
    assert shown("%") == 0 and shown("100%") == 1 and shown("M\\") == 0


def test_unknown_routes_and_methods_answer_problem_details(client: TestClient) -> None:
    missing = client.get("/v1/nothing-here")
    assert (missing.status_code, missing.headers["content-type"]) == (
        404, "application/problem+json")
    assert missing.json()["type"] == "/problems/not_found"
    assert missing.json()["detail"] == "Not Found: GET /v1/nothing-here"
    wrong = client.delete("/v1/offers")
    assert wrong.status_code == 405 and wrong.json()["error"] == "method_not_allowed"
    assert wrong.headers["allow"] == "POST"


def test_an_oversized_body_answers_problem_details(client: TestClient,
                                                   keys: dict[str, str]) -> None:
    huge = client.post("/v1/offers", content=b"{" + b" " * 3_000_000 + b"}",
                       headers={**auth(keys["integration"]), "Content-Type": "application/json"})
    assert (huge.status_code, huge.headers["content-type"]) == (413, "application/problem+json")
    assert huge.json()["type"] == "/problems/payload_too_large"
    assert huge.json()["status"] == 413
