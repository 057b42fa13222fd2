"""The declared contract: a valid OpenAPI document, what it promises, docs that work offline."""

from __future__ import annotations

import re
from typing import Any

import schemathesis
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from sqlalchemy.orm import Session

from api.app import create_app
from tests.api.conftest import auth
from tests.api.test_counter_notices_api import body as counter_notice
from tests.api.test_rights_api import PDF, register, upload
from tests.factories import make_case, offer_event, runtime_of
from tests.notice_builders import remove_on_notice
from tests.rights_builders import notice_body, rights_holder, verified_right

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}


def _schema(client: TestClient) -> dict[str, Any]:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    return response.json()


def _resolved(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """A response schema with its references inlined, checkable on its own."""
    return {**schema, "components": document["components"]}


def test_the_document_is_valid_openapi(client: TestClient) -> None:
    validate(_schema(client))


def test_every_json_operation_declares_its_answers_the_key_and_problem_errors(
        client: TestClient) -> None:
    document = _schema(client)
    assert document["components"]["securitySchemes"]["ApiKey"] == {
        "type": "apiKey", "in": "header", "name": "X-API-Key",
        "description": "The API key of a staff or client account"}
    operations = [(path, method, op) for path, ops in document["paths"].items()
                  for method, op in ops.items()]
    assert operations and all(path.startswith("/v1/") for path, _, _ in operations)
    for path, method, op in operations:
        where = f"{method.upper()} {path}"
        assert op["security"] == [{"ApiKey": []}], where
        success = [s for s in op["responses"] if s.startswith("2")]
        assert success, where
        for status in success:
            content = op["responses"][status].get("content", {})
            if status != "204":
                assert content, where  # a body, and what it is
            for body in content.values():
                assert body["schema"] not in ({}, {"type": "object"}), where
        for status in ("401", "403"):
            assert op["responses"][status]["content"] == {
                "application/problem+json": {"schema": PROBLEM_REF}}, where
        for status, answer in op["responses"].items():
            if status.startswith("4"):
                assert answer["content"] == {"application/problem+json": {"schema": PROBLEM_REF}}
    assert "HTTPValidationError" not in document["components"]["schemas"]


def test_offer_intake_documents_each_status_it_answers(client: TestClient) -> None:
    responses = _schema(client)["paths"]["/v1/offers"]["post"]["responses"]
    assert {"200", "201", "202", "409", "422"} <= set(responses)
    for status in ("200", "201", "202"):
        assert responses[status]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/OfferReceipt"}


def test_a_created_offer_carries_the_fields_the_schema_promises(
        client: TestClient, keys: dict[str, str]) -> None:
    document = _schema(client)
    created = document["paths"]["/v1/offers"]["post"]["responses"]["201"]
    receipt = _resolved(document, created["content"]["application/json"]["schema"])
    promised = document["components"]["schemas"]["OfferReceipt"]
    assert set(promised["required"]) >= {"id", "marketplace_id", "version", "outcome"}

    event = offer_event()
    answer = client.post("/v1/offers", json=event, headers=auth(keys["integration"]))
    assert answer.status_code == 201
    Draft202012Validator(receipt).validate(answer.json())
    assert answer.json()["marketplace_id"] == event["marketplace_id"]
    assert answer.json()["outcome"] == "created" and answer.json()["id"] >= 1

    again = client.post("/v1/offers", json=event, headers=auth(keys["integration"]))
    assert again.status_code == 200 and again.json()["outcome"] == "duplicate"
    newer = client.post("/v1/offers", json={**event, "version": 2, "title": "Rower Kross 2"},
                        headers=auth(keys["integration"]))
    assert newer.status_code == 202 and newer.json()["outcome"] == "updated"
    for answered in (again, newer):
        Draft202012Validator(receipt).validate(answered.json())


def test_reports_are_documented_with_their_media_types(client: TestClient) -> None:
    paths = _schema(client)["paths"]
    report = "/v1/safety/orders/{order_id}/report"
    assert set(paths[report + ".csv"]["get"]["responses"]["200"]["content"]) == {"text/csv"}
    assert set(paths[report + ".pdf"]["get"]["responses"]["200"]["content"]) == {
        "application/pdf"}
    document = "/v1/rights/{right_id}/documents/{document_id}"
    assert set(paths[document]["get"]["responses"]["200"]["content"]) == {
        "application/pdf", "image/png", "image/jpeg"}


def test_pages_stay_out_of_the_document(client: TestClient) -> None:
    paths = _schema(client)["paths"]
    assert not [p for p in paths if not p.startswith("/v1/")]


def test_the_docs_pages_load_nothing_from_another_host(client: TestClient) -> None:
    for page in ("/docs", "/redoc"):
        html = client.get(page)
        assert html.status_code == 200
        links = re.findall(r"""(?:src|href|spec-url)=["']([^"']+)""", html.text)
        urls = re.findall(r"""url: *["']([^"']+)""", html.text)
        assert links and not re.search(r"https?://|//[a-z]", html.text), page
        for asset in links + urls:
            assert asset.startswith("/"), (page, asset)
            assert client.get(asset).status_code == 200, (page, asset)
    # Swagger UI's default would show a badge fetched from its online validator.
    assert '"validatorUrl": null' in client.get("/docs").text


def test_the_answers_fuzzing_seldom_reaches_match_their_schemas(
        session: Session, client: TestClient, keys: dict[str, str]) -> None:
    """Successes that need a coherent body and state: a decision, a notice, a counter-notice,
    a proof and its download, each checked against what the document declares."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(runtime_of(session)))
    moderator = auth(keys["moderator"])
    case = make_case(session)
    org, member = rights_holder(session)
    holder = auth(member.api_key or "")
    right = verified_right(session, org)
    removed = remove_on_notice(session)
    session.flush()
    pending = register(client, holder, number="77")

    answers = [
        ("POST", "/v1/cases/{case_id}/claim",
         client.post(f"/v1/cases/{case.id}/claim", headers=moderator)),
        ("POST", "/v1/cases/{case_id}/decision",
         client.post(f"/v1/cases/{case.id}/decision", headers=moderator,
                     json={"action": "keep", "reason_code": "LAWFUL"})),
        ("POST", "/v1/notices",
         client.post("/v1/notices", headers=holder,
                     json=notice_body(right, [make_case(session).offer]))),
        ("POST", "/v1/counter-notices",
         client.post("/v1/counter-notices", headers=auth(keys["integration"]),
                     json=counter_notice(removed.decision.id))),
        ("POST", "/v1/rights/{right_id}/documents", upload(client, holder, pending["id"])),
    ]
    document = answers[-1][2].json()["document"]
    answers.append(("GET", "/v1/rights/{right_id}/documents/{document_id}", client.get(
        f"/v1/rights/{pending['id']}/documents/{document['id']}", headers=holder)))
    for method, path, answer in answers:
        assert answer.status_code in (200, 201), (path, answer.text)
        schema[path][method].validate_response(answer)
    assert answers[-1][2].content == PDF
