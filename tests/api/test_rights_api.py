"""The rights registry over HTTP: register, prove, verify; organisations never see each other."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.app import create_app
from moderation.accounts.staff import create_staff, ensure_organisation
from moderation.config import get_settings
from moderation.domain import OrganisationKind, StaffRole
from moderation.runtime import Runtime
from moderation.tables import AuditEntry, Right, RightDocument
from tests.factories import make_staff, runtime_of

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def right_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": "trademark", "office": "EUIPO", "number": "018000001",
        "owner": "Wittchenx S.A.", "territory": "EU", "valid_from": "2020-01-01",
        "valid_until": "2030-01-01", "brands": ["Wittchenx"], "keywords": [],
        "reference_price": "600.00", "agent": False,
    }
    body.update(overrides)
    return body


@pytest.fixture
def client(runtime: Runtime, session: Session) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def key(session: Session, role: StaffRole) -> dict[str, str]:
    """API key headers of a new account; rights holders join the default organisation."""
    return {"X-API-Key": make_staff(session, role).api_key or ""}


@pytest.fixture
def other(session: Session) -> dict[str, str]:
    """A member of a second rights holder."""
    org = ensure_organisation(session, "Other brand", OrganisationKind.RIGHTS_HOLDER)
    made = create_staff(session, name="other-brand-api", role=StaffRole.RIGHTS_HOLDER,
                        organisation_id=org.id)
    return {"X-API-Key": made.api_key or ""}


def count(session: Session, table: type[Right] | type[RightDocument]) -> int:
    return session.scalar(select(func.count()).select_from(table)) or 0


def register(client: TestClient, headers: dict[str, str], **overrides: Any) -> dict[str, Any]:
    response = client.post("/v1/rights", json=right_body(**overrides), headers=headers)
    assert response.status_code == 201, response.text
    right: dict[str, Any] = response.json()["right"]
    return right


def upload(client: TestClient, headers: dict[str, str], right_id: int,
           kind: str = "registration_certificate", content: bytes = PDF,
           content_type: str = "application/pdf", name: str = "certificate.pdf") -> Any:
    return client.post(f"/v1/rights/{right_id}/documents", headers=headers,
                       data={"kind": kind}, files={"file": (name, content, content_type)})


def test_register_upload_verify_and_download(session: Session, client: TestClient) -> None:
    holder, lead = key(session, StaffRole.RIGHTS_HOLDER), key(session, StaffRole.LEAD)
    right = register(client, holder)
    assert right["status"] == "pending" and right["reference_price"] == "600.00"
    uploaded = upload(client, holder, right["id"])
    assert uploaded.status_code == 201, uploaded.text
    doc = uploaded.json()["document"]
    assert doc["sha256"] == hashlib.sha256(PDF).hexdigest() and doc["size"] == len(PDF)
    assert "content" not in doc

    shown = client.get(f"/v1/rights/{right['id']}", headers=holder).json()
    assert [d["id"] for d in shown["documents"]] == [doc["id"]]

    verdict = client.post(f"/v1/rights/{right['id']}/verification", headers=lead,
                          json={"approve": True, "note": "Certificate matches EUIPO."})
    assert verdict.status_code == 200, verdict.text
    assert verdict.json()["right"]["status"] == "verified"

    for viewer in (holder, key(session, StaffRole.MODERATOR)):
        file = client.get(f"/v1/rights/{right['id']}/documents/{doc['id']}", headers=viewer)
        assert file.status_code == 200 and file.content == PDF
        assert file.headers["content-type"] == "application/pdf"
        assert file.headers["content-disposition"].startswith(
            'attachment; filename="certificate.pdf"')
        assert file.headers["x-content-type-options"] == "nosniff"
    audited = session.scalars(select(AuditEntry.action).where(
        AuditEntry.entity == "right", AuditEntry.entity_id == right["id"])).all()
    assert audited == ["right.registered", "right.document_added", "right.verified"]


BAD_BODIES: list[tuple[str, dict[str, Any], str]] = [
    ("unknown type", {"type": "logo"}, "type"),
    ("empty number", {"number": " "}, "number"),
    ("dates reversed", {"valid_from": "2024-02-01", "valid_until": "2024-01-01"}, "valid_until"),
    ("short brand", {"brands": ["W"]}, "brands.0"),
    ("trademark without brand or keyword", {"brands": []}, "brands"),
    ("free price", {"reference_price": 0}, "reference_price"),
    ("agent as text", {"agent": "yes"}, "agent"),
    ("unknown field", {"logo_url": "x"}, "logo_url"),
]


@pytest.mark.parametrize(("name", "overrides", "field"), BAD_BODIES,
                         ids=[b[0] for b in BAD_BODIES])
def test_bad_rights_answer_422_naming_the_field_and_store_nothing(
        session: Session, client: TestClient, name: str, overrides: dict[str, Any],
        field: str) -> None:
    holder = key(session, StaffRole.RIGHTS_HOLDER)
    response = client.post("/v1/rights", json=right_body(**overrides), headers=holder)
    assert response.status_code == 422, response.text
    assert response.json()["field"] == field
    assert count(session, Right) == 0


def test_a_duplicate_right_is_a_conflict(session: Session, client: TestClient,
                                         other: dict[str, str]) -> None:
    holder = key(session, StaffRole.RIGHTS_HOLDER)
    register(client, holder)
    again = client.post("/v1/rights", json=right_body(office="euipo"), headers=holder)
    assert again.status_code == 409 and again.json()["field"] == "number"
    register(client, other)  # the same number, claimed by another organisation
    assert count(session, Right) == 2


@pytest.fixture
def small_documents(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setenv("MAX_DOCUMENT_BYTES", "2048")
    get_settings.cache_clear()
    return 2048


BAD_UPLOADS: list[tuple[str, dict[str, Any], int, str]] = [
    ("unknown kind", {"kind": "selfie"}, 422, "kind"),
    ("html", {"content": b"<html></html>", "content_type": "text/html"}, 422, "file"),
    ("empty", {"content": b""}, 422, "file"),
    ("not what it claims", {"content": PNG}, 422, "file"),
    ("just over the limit", {"content": PDF + b"0" * 2048}, 413, "file"),
]


@pytest.mark.parametrize(("name", "overrides", "status", "field"), BAD_UPLOADS,
                         ids=[b[0] for b in BAD_UPLOADS])
def test_bad_uploads_are_refused_precisely_and_store_nothing(
        session: Session, small_documents: int, name: str, overrides: dict[str, Any],
        status: int, field: str) -> None:
    holder = key(session, StaffRole.RIGHTS_HOLDER)
    with TestClient(create_app(runtime_of(session))) as client:
        right = register(client, holder)
        response = upload(client, holder, right["id"], **overrides)
    assert response.status_code == status, response.text
    assert response.json()["field"] == field
    assert count(session, RightDocument) == 0


def test_missing_parts_of_an_upload_are_named(session: Session, client: TestClient) -> None:
    holder = key(session, StaffRole.RIGHTS_HOLDER)
    right = register(client, holder)
    url = f"/v1/rights/{right['id']}/documents"
    no_file = client.post(url, headers=holder, data={"kind": "licence"})
    no_kind = client.post(url, headers=holder, files={"file": ("a.pdf", PDF, "application/pdf")})
    assert (no_file.status_code, no_file.json()["field"]) == (422, "file")
    assert (no_kind.status_code, no_kind.json()["field"]) == (422, "kind")
    assert count(session, RightDocument) == 0


def test_uploads_may_be_larger_than_other_requests(session: Session,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAX_DOCUMENT_BYTES", str(300_000))
    get_settings.cache_clear()
    holder = key(session, StaffRole.RIGHTS_HOLDER)
    big = PDF + b"0" * 200_000  # over MAX_BODY_BYTES (64 KiB), under the document limit
    with TestClient(create_app(runtime_of(session))) as client:
        right = register(client, holder)
        assert upload(client, holder, right["id"], content=big).status_code == 201
        huge = upload(client, holder, right["id"], content=PDF + b"0" * 400_000)
        assert huge.status_code == 413 and huge.json()["error"] == "payload_too_large"
        padded = client.post("/v1/rights", headers=holder,
                             json=right_body(owner="x" * 200_000))
        assert padded.status_code == 413  # every other path keeps MAX_BODY_BYTES
    assert count(session, RightDocument) == 1


def test_organisations_never_see_each_others_rights(session: Session, client: TestClient,
                                                   other: dict[str, str]) -> None:
    holder = key(session, StaffRole.RIGHTS_HOLDER)
    colleague = key(session, StaffRole.RIGHTS_HOLDER)  # same default organisation
    right = register(client, holder)
    doc = upload(client, holder, right["id"]).json()["document"]
    theirs = register(client, other, number="999")
    base = f"/v1/rights/{right['id']}"

    for response in (
        client.get(base, headers=other),
        client.get(f"{base}/documents/{doc['id']}", headers=other),
        upload(client, other, right["id"]),
        client.get(f"/v1/rights/{theirs['id']}/documents/{doc['id']}", headers=other),
    ):
        assert response.status_code == 404, response.text
        assert response.json()["error"] == "not_found"
    unknown = client.get("/v1/rights/999999999", headers=other).json()
    hidden = client.get(base, headers=other).json()
    assert hidden["detail"].replace(str(right["id"]), "N") == unknown["detail"].replace(
        "999999999", "N")  # a foreign right reads exactly like a missing one
    assert [r["id"] for r in client.get("/v1/rights", headers=other).json()["items"]] == [
        theirs["id"]]
    assert client.get(base, headers=colleague).status_code == 200
    assert count(session, RightDocument) == 1

    moderator = key(session, StaffRole.MODERATOR)
    listed = client.get("/v1/rights", headers=moderator).json()["items"]
    assert {right["id"], theirs["id"]} <= {r["id"] for r in listed}
    assert client.get(f"/v1/rights/{theirs['id']}", headers=moderator).status_code == 200


@pytest.mark.parametrize(("role", "status"), [
    (StaffRole.RIGHTS_HOLDER, 403), (StaffRole.MODERATOR, 403), (StaffRole.INTEGRATION, 403),
    (StaffRole.LEAD, 409), (StaffRole.ADMIN, 409),  # let in; refused: no document yet
])
def test_only_leads_verify(session: Session, client: TestClient, role: StaffRole,
                           status: int) -> None:
    right = register(client, key(session, StaffRole.RIGHTS_HOLDER))
    response = client.post(f"/v1/rights/{right['id']}/verification", headers=key(session, role),
                           json={"approve": True, "note": ""})
    assert response.status_code == status, response.text
    assert session.get(Right, right["id"]).status == "pending"  # type: ignore[union-attr]


@pytest.mark.parametrize(("body", "status", "field"), [
    ({"approve": "yes", "note": ""}, 422, "approve"),
    ({"note": "fine"}, 422, "approve"),
    ({"approve": True, "note": "", "status": "verified"}, 422, "status"),
    ({"approve": False, "note": ""}, 422, "note"),
])
def test_bad_verdicts_are_refused(session: Session, client: TestClient, body: dict[str, Any],
                                  status: int, field: str) -> None:
    holder = key(session, StaffRole.RIGHTS_HOLDER)
    right = register(client, holder)
    upload(client, holder, right["id"])
    response = client.post(f"/v1/rights/{right['id']}/verification",
                           headers=key(session, StaffRole.LEAD), json=body)
    assert response.status_code == status and response.json()["field"] == field
    assert session.get(Right, right["id"]).status == "pending"  # type: ignore[union-attr]


def test_staff_filter_by_status(session: Session, client: TestClient) -> None:
    holder, lead = key(session, StaffRole.RIGHTS_HOLDER), key(session, StaffRole.LEAD)
    first, second = register(client, holder, number="1"), register(client, holder, number="2")
    upload(client, holder, first["id"])
    client.post(f"/v1/rights/{first['id']}/verification", headers=lead,
                json={"approve": True, "note": ""})
    pending = client.get("/v1/rights?status=pending", headers=lead).json()["items"]
    assert [r["id"] for r in pending] == [second["id"]]
    bad = client.get("/v1/rights?status=approved", headers=lead)
    assert bad.status_code == 422 and bad.json()["field"] == "status"
