"""Organisation A can never read or change organisation B's data, through any route."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from moderation.domain import StaffRole
from moderation.schemas import DecisionIn
from moderation.tables import Case, Notice, Right, RightDocument, RightsCatch, utcnow
from tests.api.console import csrf_of, logged_in
from tests.api.test_access_matrix import DESIGN
from tests.appeal_builders import notifier_appeal
from tests.factories import make_offer, screen_all
from tests.notice_builders import decide
from tests.rights_builders import notice_body, offers, rights_holder, send_notice, verified_right

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n%%EOF\n"
PASSWORD = "correct horse battery"


def _b_data(session: Session) -> dict[str, Any]:
    """Everything organisation B owns: a right with a document, a notice, a caught offer."""
    org, member = rights_holder(session, "Brand B")
    right = verified_right(session, org, brands=("Quexalt",))
    document = RightDocument(right_id=right.id, kind="registration_certificate",
                             filename="b.pdf", content_type="application/pdf", size=len(PDF),
                             sha256="0" * 64, content=PDF, created_at=utcnow())
    session.add(document)
    receipt = send_notice(session, org, right, offers(session, 1))
    kept = decide(session, session.get_one(Case, receipt.items[0].case_id),
                  DecisionIn(action="keep", reason_code="LAWFUL"))
    appeal = notifier_appeal(session, kept, member.staff)
    make_offer(session, title="Portfel Quexalt replika tanio", brand=None)
    screen_all(session)
    assert session.query(RightsCatch).filter_by(organisation_id=org.id).count() == 1
    session.flush()
    return {"org": org, "member": member, "right": right, "document": document,
            "notice": receipt.notice, "kept": kept, "appeal": appeal}


def test_every_rights_holder_route_keeps_b_out_of_a_s_reach(session: Session) -> None:
    b = _b_data(session)
    a_org, a_member = rights_holder(session, "Brand A")
    verified_right(session, a_org, brands=("Ambrix",))  # A has rights of its own
    params = {"right_id": str(b["right"].id), "document_id": str(b["document"].id),
              "reference": b["notice"].reference, "appeal_id": str(b["appeal"].id)}
    secrets = [b["right"].number, b["notice"].reference, "Quexalt"]
    browser = logged_in(session, a_member.staff.name, PASSWORD)
    token = csrf_of(browser.get("/portal").text)
    key = {"X-API-Key": a_member.api_key or ""}
    routes = [(m, p) for (m, p), roles in DESIGN.items()
              if roles and StaffRole.RIGHTS_HOLDER in roles and p not in ("/logout",)]
    assert len(routes) >= 12
    for method, path in routes:
        url = path.format(**params)
        if method == "GET":
            response = browser.get(url) if not url.startswith("/v1/") else browser.get(
                url, headers=key)
            if "{" in path:
                assert response.status_code == 404, (method, path, response.status_code)
            else:
                assert response.status_code == 200, (method, path)
                assert not any(s in response.text for s in secrets), (method, path)
            continue
        # Writes: aimed at B's right, with A's credentials.
        if path == "/v1/notices":
            response = browser.post(url, headers=key, json=notice_body(
                b["right"], offers(session, 1)))
            assert response.status_code == 422 and response.json()["field"] == "right_id"
        elif path == "/portal/notices":
            response = browser.post(url, data={
                "csrf_token": token, "right_id": str(b["right"].id), "kind": "counterfeit",
                "offers": offers(session, 1)[0].marketplace_id,
                "explanation": "An attempt to use another organisation's right.",
                "notifier_name": "A", "notifier_email": "a@a.example", "good_faith": "yes"})
            assert response.status_code == 422
        elif path.endswith("/documents"):
            files = {"file": ("x.pdf", PDF, "application/pdf")}
            response = (browser.post(url, headers=key, data={"kind": "other"}, files=files)
                        if url.startswith("/v1/") else
                        browser.post(url, data={"kind": "other", "csrf_token": token},
                                     files=files))
            assert response.status_code == 404, (method, path, response.status_code)
        elif path == "/v1/appeals":  # appealing B's notice's outcome
            response = browser.post(url, headers=key, json={
                "decision_id": b["kept"].id, "explanation": "An attempt to appeal for B."})
            assert response.status_code == 403 and response.json()["field"] == "decision_id"
        elif path in ("/v1/rights", "/portal/rights"):
            continue  # registering creates A's own right: nothing of B's is touched
        elif path in ("/settings/language", "/account/password"):
            continue  # the caller's own account: nothing of an organisation's
        else:
            raise AssertionError(f"no isolation check written for {method} {path}")
    session.expire_all()
    assert session.query(RightDocument).filter_by(right_id=b["right"].id).count() == 1
    assert session.query(Notice).filter_by(organisation_id=a_org.id).count() == 0
    assert session.get(Right, b["right"].id).status == "verified"  # type: ignore[union-attr]
