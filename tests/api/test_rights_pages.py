"""Rights pages: the holders' portal and the leads' verification queue, over the real service."""

from __future__ import annotations

import re

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.app import create_app
from moderation.accounts.staff import create_staff, ensure_organisation
from moderation.domain import OrganisationKind, StaffRole
from moderation.tables import Account, AuditEntry, Right, RightDocument
from tests.api.console import csrf_of, logged_in
from tests.api.test_rights_api import PDF
from tests.factories import TEST_PASSWORD, make_staff, runtime_of

FORM = {"type": "trademark", "office": "UPRP", "number": "Z.512345", "owner": "Wittchenx S.A.",
        "territory": "PL", "valid_from": "2020-01-01", "valid_until": "",
        "brands": "Wittchenx, Witt Bags", "keywords": "", "reference_price": "599,99"}


def person(session: Session, role: StaffRole) -> Account:
    return make_staff(session, role, password=TEST_PASSWORD).staff


def browser(session: Session, name: str) -> TestClient:
    """A logged-in browser."""
    return logged_in(session, name, TEST_PASSWORD)


def register(client: TestClient, **overrides: str) -> int:
    token = csrf_of(client.get("/portal/rights").text)
    done = client.post("/portal/rights", data={**FORM, **overrides, "csrf_token": token},
                       follow_redirects=False)
    assert done.status_code == 303, done.text
    match = re.fullmatch(r"/portal/rights/(\d+)", done.headers["location"])
    assert match, done.headers["location"]
    return int(match.group(1))


def upload(client: TestClient, right_id: int, content: bytes = PDF,
           content_type: str = "application/pdf") -> httpx.Response:
    token = csrf_of(client.get(f"/portal/rights/{right_id}").text)
    return client.post(f"/portal/rights/{right_id}/documents",
                       data={"kind": "registration_certificate", "csrf_token": token},
                       files={"file": ("świadectwo.pdf", content, content_type)},
                       follow_redirects=False)


def test_a_holder_registers_and_proves_a_right_and_a_lead_approves_it(session: Session) -> None:
    holder = browser(session, person(session, StaffRole.RIGHTS_HOLDER).name)
    right_id = register(holder, agent="true")
    right = session.get(Right, right_id)
    assert right is not None
    assert (right.brands, str(right.reference_price), right.agent) == (
        ["Wittchenx", "Witt Bags"], "599.99", True)
    page = holder.get("/portal/rights").text
    assert f'data-right="{right_id}"' in page and "Wittchenx, Witt Bags" in page

    done = upload(holder, right_id)
    assert done.status_code == 303
    detail = holder.get(f"/portal/rights/{right_id}").text
    [doc_id] = session.scalars(select(RightDocument.id)
                               .where(RightDocument.right_id == right_id)).all()
    assert f'href="/v1/rights/{right_id}/documents/{doc_id}"' in detail
    assert holder.get(f"/v1/rights/{right_id}/documents/{doc_id}").content == PDF

    lead = browser(session, person(session, StaffRole.LEAD).name)
    queue = lead.get("/rights").text
    assert f'data-right="{right_id}"' in queue and "świadectwo.pdf" in queue
    # An agent's right needs a power of attorney: the approval is refused on the page.
    refused = lead.post(f"/rights/{right_id}/verification",
                        data={"decision": "approve", "note": "", "csrf_token": csrf_of(queue)},
                        follow_redirects=False)
    assert refused.status_code == 409 and "power of attorney" in refused.text
    token = csrf_of(queue)
    no_note = lead.post(f"/rights/{right_id}/verification",
                            data={"decision": "reject", "note": "", "csrf_token": token},
                            follow_redirects=False)
    assert no_note.status_code == 422 and 'data-field="note"' in no_note.text
    rejected = lead.post(f"/rights/{right_id}/verification",
                         data={"decision": "reject", "note": "Brak pełnomocnictwa.",
                               "csrf_token": token}, follow_redirects=False)
    assert rejected.status_code == 303 and rejected.headers["location"] == (
        f"/rights?done={right_id}")
    session.refresh(right)
    assert right.status == "rejected" and right.review_note == "Brak pełnomocnictwa."
    assert "Brak pełnomocnictwa." in holder.get(f"/portal/rights/{right_id}").text


def test_the_portal_form_is_shown_again_with_the_error(session: Session) -> None:
    holder = browser(session, person(session, StaffRole.RIGHTS_HOLDER).name)
    token = csrf_of(holder.get("/portal/rights").text)
    cases = [
        ({"brands": "", "keywords": ""}, 422, "brands"),
        ({"valid_from": "2024-02-01", "valid_until": "2024-01-01"}, 422, "valid_until"),
        ({"reference_price": "-1"}, 422, "reference_price"),
        ({"type": "logo"}, 422, "type"),
    ]
    for overrides, status, field in cases:
        page = holder.post("/portal/rights", data={**FORM, **overrides, "csrf_token": token})
        assert page.status_code == status, (overrides, page.text)
        assert f'data-field="{field}"' in page.text
        assert 'value="Z.512345"' in page.text  # what was typed is kept
    assert session.scalar(select(func.count()).select_from(Right)) == 0
    register(holder)
    duplicate = holder.post("/portal/rights", data={**FORM, "csrf_token": token})
    assert duplicate.status_code == 409 and 'data-field="number"' in duplicate.text


def test_a_bad_upload_is_explained_on_the_page(session: Session) -> None:
    holder = browser(session, person(session, StaffRole.RIGHTS_HOLDER).name)
    right_id = register(holder)
    page = upload(holder, right_id, content=b"<html>", content_type="text/html")
    assert page.status_code == 422
    assert "PDF, PNG or JPEG" in page.text
    assert session.scalar(select(func.count()).select_from(RightDocument)) == 0


def test_forms_need_the_csrf_token(session: Session) -> None:
    holder = browser(session, person(session, StaffRole.RIGHTS_HOLDER).name)
    refused = holder.post("/portal/rights", data=FORM, follow_redirects=False)
    assert refused.status_code == 403
    assert session.scalar(select(func.count()).select_from(Right)) == 0


def test_another_organisation_never_sees_the_right(session: Session) -> None:
    mine = browser(session, person(session, StaffRole.RIGHTS_HOLDER).name)
    right_id = register(mine)
    assert upload(mine, right_id).status_code == 303
    [doc_id] = session.scalars(select(RightDocument.id)).all()
    org = ensure_organisation(session, "Other brand", OrganisationKind.RIGHTS_HOLDER)
    stranger = create_staff(session, name="other-brand-person", role=StaffRole.RIGHTS_HOLDER,
                            password=TEST_PASSWORD, organisation_id=org.id).staff
    theirs = browser(session, stranger.name)
    token = csrf_of(theirs.get("/portal/rights").text)
    assert f'data-right="{right_id}"' not in theirs.get("/portal/rights").text
    for response in (
        theirs.get(f"/portal/rights/{right_id}"),
        theirs.post(f"/portal/rights/{right_id}/documents",
                    data={"kind": "licence", "csrf_token": token},
                    files={"file": ("x.pdf", PDF, "application/pdf")}),
        theirs.get(f"/v1/rights/{right_id}/documents/{doc_id}"),
    ):
        assert response.status_code == 404
    assert session.scalar(select(func.count()).select_from(RightDocument)) == 1


def test_who_may_open_the_pages(session: Session) -> None:
    moderator = browser(session, person(session, StaffRole.MODERATOR).name)
    assert moderator.get("/rights").status_code == 403
    assert moderator.get("/portal/rights").status_code == 403
    holder = browser(session, person(session, StaffRole.RIGHTS_HOLDER).name)
    assert holder.get("/rights").status_code == 403
    lead = browser(session, person(session, StaffRole.LEAD).name)
    assert lead.get("/portal/rights").status_code == 403
    anonymous = TestClient(create_app(runtime_of(session))).get("/rights",
                                                                follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")


def test_approving_from_the_queue_is_audited(session: Session) -> None:
    holder = browser(session, person(session, StaffRole.RIGHTS_HOLDER).name)
    right_id = register(holder)
    upload(holder, right_id)
    lead_account = person(session, StaffRole.LEAD)
    lead = browser(session, lead_account.name)
    token = csrf_of(lead.get("/rights").text)
    done = lead.post(f"/rights/{right_id}/verification",
                     data={"decision": "approve", "note": "OK", "csrf_token": token},
                     follow_redirects=False)
    assert done.status_code == 303
    entry = session.scalars(select(AuditEntry).where(
        AuditEntry.action == "right.verified", AuditEntry.entity_id == right_id)).one()
    assert entry.actor == f"staff:{lead_account.id}"
    after = lead.get(f"/rights?done={right_id}").text
    assert f"Right {right_id} reviewed." in after
    assert "verified" in holder.get(f"/portal/rights/{right_id}").text
