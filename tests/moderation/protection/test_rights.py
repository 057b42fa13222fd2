"""The rights registry: registering, proving and verifying rights, and which ones notices use."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from moderation.accounts.staff import create_staff, ensure_organisation
from moderation.config import get_settings
from moderation.domain import OrganisationKind, StaffRole
from moderation.errors import Conflict, InvalidInput, NotFound, PayloadTooLarge
from moderation.protection import rights
from moderation.protection.rights import RightIn
from moderation.schemas import parse
from moderation.tables import Account, AuditEntry, Right, RightDocument
from tests.factories import make_staff

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
TODAY = date(2025, 6, 1)


def right_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "type": "trademark", "office": "EUIPO", "number": "018000001",
        "owner": "Wittchenx S.A.", "territory": "EU", "valid_from": "2020-01-01",
        "valid_until": "2030-01-01", "brands": ["Wittchenx"], "keywords": ["Neverfullx"],
        "reference_price": "600.00", "agent": False,
    }
    data.update(overrides)
    return data


def holder(session: Session, organisation: str | None = None) -> Account:
    """A rights holder's account; another organisation when one is named."""
    if organisation is None:
        return make_staff(session, StaffRole.RIGHTS_HOLDER).staff
    org = ensure_organisation(session, organisation, OrganisationKind.RIGHTS_HOLDER)
    return create_staff(session, name=f"{organisation}-member", role=StaffRole.RIGHTS_HOLDER,
                        organisation_id=org.id).staff


def org_of(staff: Account) -> int:
    assert staff.organisation_id is not None
    return staff.organisation_id


def register(session: Session, staff: Account, **overrides: Any) -> Right:
    return rights.register_right(session, organisation_id=org_of(staff), actor_id=staff.id,
                                 data=parse(RightIn, right_data(**overrides)))


def add(session: Session, staff: Account, right: Right, kind: str = "registration_certificate",
        content: bytes = PDF, content_type: str = "application/pdf",
        filename: str = "certificate.pdf") -> RightDocument:
    return rights.add_document(session, right_id=right.id, organisation_id=org_of(staff),
                               actor_id=staff.id, kind=kind, filename=filename,
                               content_type=content_type, content=content)


def lead(session: Session) -> Account:
    return make_staff(session, StaffRole.LEAD).staff


def count(session: Session, table: type[Right] | type[RightDocument]) -> int:
    return session.scalar(select(func.count()).select_from(table)) or 0


def actions(session: Session, right: Right) -> list[str]:
    return list(session.scalars(select(AuditEntry.action).where(
        AuditEntry.entity == "right", AuditEntry.entity_id == right.id).order_by(AuditEntry.id)))


def test_register_prove_verify_then_notices_may_rely_on_it(session: Session) -> None:
    member, reviewer = holder(session), lead(session)
    right = register(session, member)
    assert (right.status, right.brands, right.reference_price) == (
        "pending", ["Wittchenx"], Decimal("600.00"))
    doc = add(session, member, right)
    assert doc.sha256 == hashlib.sha256(PDF).hexdigest() and doc.size == len(PDF)
    assert rights.get_document(session, right_id=right.id, document_id=doc.id,
                               organisation_id=org_of(member)).content == PDF
    verified = rights.verify_right(session, right_id=right.id, staff_id=reviewer.id,
                                   approve=True, note="Certificate matches EUIPO.")
    assert verified.status == "verified" and verified.verified_by == reviewer.id
    assert verified.verified_at is not None and verified.updated_at == verified.verified_at
    assert verified.review_note == "Certificate matches EUIPO."
    assert rights.usable_right(session, right_id=right.id, organisation_id=org_of(member),
                               today=TODAY) is right
    assert actions(session, right) == ["right.registered", "right.document_added",
                                       "right.verified"]
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "right.verified",
                                                     AuditEntry.entity_id == right.id)).one()
    assert entry.actor == f"staff:{reviewer.id}"
    assert entry.before == {"status": "pending"}
    assert entry.after is not None and entry.after["status"] == "verified"


BAD_RIGHTS: list[tuple[str, dict[str, Any], str, str]] = [
    ("unknown type", {"type": "brand"}, "type", "trademark"),
    ("empty office", {"office": "  "}, "office", "at least 1"),
    ("office too long", {"office": "E" * 65}, "office", "at most 64"),
    ("no number", {"number": ""}, "number", "at least 1"),
    ("owner too long", {"owner": "O" * 201}, "owner", "at most 200"),
    ("no territory", {"territory": ""}, "territory", "at least 1"),
    ("until before from", {"valid_from": "2024-01-02", "valid_until": "2024-01-01"},
     "valid_until", "before valid_from"),
    ("not a date", {"valid_from": "2024-13-01"}, "valid_from", "date"),
    ("too many brands", {"brands": [f"Brand{i}" for i in range(51)]}, "brands", "at most 50"),
    ("one-letter brand", {"brands": ["W"]}, "brands.0", "at least 2"),
    ("brand too long", {"brands": ["W" * 121]}, "brands.0", "at most 120"),
    ("brand without letters", {"brands": ["!!"]}, "brands", "no letters or digits"),
    ("too many keywords", {"keywords": [f"kw{i}" for i in range(101)]}, "keywords",
     "at most 100"),
    ("trademark without brand or keyword", {"brands": [], "keywords": []}, "brands",
     "at least one brand or keyword"),
    ("zero price", {"reference_price": "0"}, "reference_price", "greater than 0"),
    ("negative price", {"reference_price": "-5"}, "reference_price", "greater than 0"),
    ("price with fractions of a grosz", {"reference_price": "1.001"}, "reference_price",
     "decimal places"),
    ("agent as text", {"agent": "yes"}, "agent", "boolean"),
    ("unknown field", {"colour": "red"}, "colour", "Extra inputs"),
]


@pytest.mark.parametrize(("name", "overrides", "field", "message"), BAD_RIGHTS,
                         ids=[b[0] for b in BAD_RIGHTS])
def test_bad_rights_are_refused_naming_the_field(name: str, overrides: dict[str, Any],
                                                 field: str, message: str) -> None:
    with pytest.raises(InvalidInput) as info:
        parse(RightIn, right_data(**overrides))
    assert info.value.field == field
    assert message in info.value.message


def test_input_is_tidied() -> None:
    data = parse(RightIn, right_data(office=" UPRP ", brands=[" Wittchenx ", "WITTCHENX"],
                                     keywords=[]))
    assert data.office == "UPRP" and data.brands == ["Wittchenx"]
    # Only trademarks need a brand or keyword: other rights may be proved without them.
    assert parse(RightIn, right_data(type="copyright", office="copyright", brands=[],
                                     keywords=[])).brands == []


def test_a_right_is_registered_once_per_organisation(session: Session) -> None:
    member = holder(session)
    first = register(session, member)
    with pytest.raises(Conflict) as info:
        register(session, member, office="euipo", number="018000001")
    assert info.value.field == "number" and f"right {first.id}" in info.value.message
    other = register(session, holder(session, "Other brand"))  # someone else may claim it
    assert other.id != first.id
    assert count(session, Right) == 2


def test_organisations_see_only_their_rights_and_staff_see_all(session: Session) -> None:
    a, b = holder(session), holder(session, "Other brand")
    mine, theirs = register(session, a), register(session, b, number="42")
    assert rights.list_rights(session, organisation_id=org_of(a)) == [mine]
    assert {r.id for r in rights.list_rights(session, organisation_id=None)} >= {mine.id,
                                                                              theirs.id}
    with pytest.raises(NotFound) as hidden:
        rights.get_right(session, theirs.id, organisation_id=org_of(a))
    with pytest.raises(NotFound) as unknown:
        rights.get_right(session, 10**9, organisation_id=org_of(a))
    assert hidden.value.message == f"no right {theirs.id}"
    assert unknown.value.message == f"no right {10**9}"
    assert rights.get_right(session, theirs.id, organisation_id=None) is theirs


def test_the_queue_lists_pending_rights_first_and_filters_by_status(session: Session) -> None:
    member, reviewer = holder(session), lead(session)
    done = register(session, member, number="1")
    add(session, member, done)
    rights.verify_right(session, right_id=done.id, staff_id=reviewer.id, approve=True, note="")
    waiting = register(session, member, number="2")
    assert rights.list_rights(session, organisation_id=org_of(member)) == [waiting, done]
    assert rights.list_rights(session, organisation_id=org_of(member),
                              status="verified") == [done]
    with pytest.raises(InvalidInput) as info:
        rights.list_rights(session, organisation_id=None, status="approved")
    assert info.value.field == "status"


@pytest.fixture
def small_documents(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setenv("MAX_DOCUMENT_BYTES", "2048")
    get_settings.cache_clear()
    return 2048


BAD_DOCUMENTS: list[tuple[str, dict[str, Any], type[Exception], str | None, str]] = [
    ("unknown kind", {"kind": "passport"}, InvalidInput, "kind", "registration_certificate"),
    ("not an allowed type", {"content_type": "text/html", "content": b"<html>"}, InvalidInput,
     "file", "PDF, PNG or JPEG"),
    ("no type", {"content_type": ""}, InvalidInput, "file", "PDF, PNG or JPEG"),
    ("empty", {"content": b""}, InvalidInput, "file", "empty"),
    ("larger than allowed", {"content": PDF + b"0" * 2048}, PayloadTooLarge, "file",
     "at most 2048 bytes"),
    ("a page called a PDF", {"content": b"<script>alert(1)</script>"}, InvalidInput, "file",
     "not a PDF"),
    ("a PDF called a PNG", {"content_type": "image/png"}, InvalidInput, "file", "not a PNG"),
]


@pytest.mark.parametrize(("name", "overrides", "error", "field", "message"), BAD_DOCUMENTS,
                         ids=[b[0] for b in BAD_DOCUMENTS])
def test_bad_documents_are_refused_and_nothing_is_stored(
        session: Session, small_documents: int, name: str, overrides: dict[str, Any],
        error: type[Exception], field: str | None, message: str) -> None:
    member = holder(session)
    right = register(session, member)
    with pytest.raises(error) as info:
        add(session, member, right, **overrides)
    assert isinstance(info.value, InvalidInput | PayloadTooLarge)
    assert info.value.field == field and message in info.value.message
    assert count(session, RightDocument) == 0
    assert actions(session, right) == ["right.registered"]


@pytest.mark.parametrize(("content_type", "content"), [
    ("application/pdf", PDF), ("image/png", PNG), ("image/jpeg", JPEG),
    ("IMAGE/JPEG; charset=binary", JPEG),
])
def test_pdf_png_and_jpeg_are_accepted(session: Session, content_type: str,
                                       content: bytes) -> None:
    member = holder(session)
    doc = add(session, member, register(session, member), content=content,
              content_type=content_type, filename="../../etc/scan \"1\".png")
    assert doc.content_type == content_type.split(";")[0].lower()
    assert doc.filename == "scan _1_.png"  # no path, no quotes


def test_documents_of_another_organisation_stay_hidden(session: Session) -> None:
    a, b = holder(session), holder(session, "Other brand")
    theirs = register(session, b)
    doc = add(session, b, theirs)
    with pytest.raises(NotFound):
        add(session, a, theirs)
    with pytest.raises(NotFound):
        rights.get_document(session, right_id=theirs.id, document_id=doc.id,
                            organisation_id=org_of(a))
    mine = register(session, a)
    with pytest.raises(NotFound):  # the document exists, but not under this right
        rights.get_document(session, right_id=mine.id, document_id=doc.id,
                            organisation_id=org_of(a))
    assert rights.get_document(session, right_id=theirs.id, document_id=doc.id,
                               organisation_id=None) is doc


def test_verification_needs_the_right_documents(session: Session) -> None:
    member, reviewer = holder(session), lead(session)
    right = register(session, member, agent=True)
    with pytest.raises(Conflict, match="no document"):
        rights.verify_right(session, right_id=right.id, staff_id=reviewer.id, approve=True,
                            note="")
    add(session, member, right)
    with pytest.raises(Conflict, match="power of attorney"):
        rights.verify_right(session, right_id=right.id, staff_id=reviewer.id, approve=True,
                            note="")
    add(session, member, right, kind="power_of_attorney", content=PNG,
        content_type="image/png", filename="poa.png")
    rights.verify_right(session, right_id=right.id, staff_id=reviewer.id, approve=True,
                        note="")
    with pytest.raises(Conflict, match="already verified"):
        rights.verify_right(session, right_id=right.id, staff_id=reviewer.id, approve=True,
                            note="")
    with pytest.raises(Conflict, match="can no longer change"):
        add(session, member, right)
    with pytest.raises(NotFound):
        rights.verify_right(session, right_id=10**9, staff_id=reviewer.id, approve=True,
                            note="")


def test_a_rejected_right_is_proved_again_and_returns_to_the_queue(session: Session) -> None:
    member, reviewer = holder(session), lead(session)
    right = register(session, member)
    with pytest.raises(InvalidInput) as info:
        rights.verify_right(session, right_id=right.id, staff_id=reviewer.id, approve=False,
                            note="  ")
    assert info.value.field == "note" and right.status == "pending"
    rights.verify_right(session, right_id=right.id, staff_id=reviewer.id, approve=False,
                        note="The certificate names another owner.")
    assert right.status == "rejected" and right.verified_by == reviewer.id
    with pytest.raises(Conflict, match="already rejected"):
        rights.verify_right(session, right_id=right.id, staff_id=reviewer.id, approve=True,
                            note="")
    add(session, member, right, filename="corrected.pdf")
    assert right.status == "pending"
    rights.verify_right(session, right_id=right.id, staff_id=reviewer.id, approve=True,
                        note="")
    assert actions(session, right) == ["right.registered", "right.rejected",
                                       "right.document_added", "right.verified"]
    resubmitted = session.scalars(select(AuditEntry).where(
        AuditEntry.action == "right.document_added", AuditEntry.entity_id == right.id)).one()
    assert resubmitted.before == {"status": "rejected"}


USABLE: list[tuple[str, dict[str, Any], str | None]] = [
    ("verified and valid", {}, None),
    ("first valid day", {"valid_from": "2025-06-01"}, None),
    ("last valid day", {"valid_until": "2025-06-01"}, None),
    ("no dates", {"valid_from": None, "valid_until": None}, None),
    ("not yet verified", {"status": "pending"}, "right {id} is not verified yet"),
    ("rejected", {"status": "rejected"}, "right {id} was rejected"),
    ("not yet valid", {"valid_from": "2025-06-02"}, "right {id} is valid only from 2025-06-02"),
    ("expired", {"valid_until": "2025-05-31"}, "right {id} expired on 2025-05-31"),
]


@pytest.mark.parametrize(("name", "state", "message"), USABLE, ids=[u[0] for u in USABLE])
def test_which_rights_a_notice_may_cite(session: Session, name: str, state: dict[str, Any],
                                        message: str | None) -> None:
    member = holder(session)
    dates = {k: v for k, v in state.items() if k.startswith("valid")}
    right = register(session, member, **{"valid_from": None, "valid_until": None, **dates})
    right.status = state.get("status", "verified")
    session.flush()
    if message is None:
        assert rights.usable_right(session, right_id=right.id, organisation_id=org_of(member),
                                   today=TODAY) is right
        return
    with pytest.raises(InvalidInput) as info:
        rights.usable_right(session, right_id=right.id, organisation_id=org_of(member),
                            today=TODAY)
    assert info.value.field == "right_id"
    assert info.value.message == message.format(id=right.id)


def test_unknown_or_foreign_rights_are_not_yours_to_cite(session: Session) -> None:
    a, b = holder(session), holder(session, "Other brand")
    theirs = register(session, b)
    theirs.status = "verified"
    session.flush()
    for right_id in (theirs.id, 10**9):
        with pytest.raises(InvalidInput) as info:
            rights.usable_right(session, right_id=right_id, organisation_id=org_of(a),
                                today=TODAY)
        assert info.value.message == f"no right {right_id} registered by your organisation"
        assert info.value.field == "right_id"
