"""The rights registry as JSON: rights holders register rights and prove them, leads verify."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Response, UploadFile
from pydantic import BaseModel

from api.deps import MODERATORS, Lead, RightsHolder, SessionDep, allow
from moderation.accounts.staff import organisation_scope
from moderation.domain import StaffRole
from moderation.protection import rights
from moderation.protection.rights import RightIn, VerificationIn
from moderation.tables import Right, RightDocument, Staff

router = APIRouter(prefix="/v1/rights", tags=["rights"])
# A rights holder sees its own organisation's rights; moderators, leads and admins all.
RightsViewer = Annotated[Staff, Depends(allow(StaffRole.RIGHTS_HOLDER, *MODERATORS))]


class DocumentView(BaseModel):
    id: int
    right_id: int
    kind: str
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_by: int | None
    created_at: datetime

    @classmethod
    def of(cls, d: RightDocument) -> DocumentView:
        return cls(id=d.id, right_id=d.right_id, kind=d.kind, filename=d.filename,
                   content_type=d.content_type, size=d.size, sha256=d.sha256,
                   uploaded_by=d.uploaded_by, created_at=d.created_at)


class RightView(BaseModel):
    id: int
    organisation_id: int
    type: str
    office: str
    number: str
    owner: str
    territory: str
    valid_from: date | None
    valid_until: date | None
    brands: list[str]
    keywords: list[str]
    reference_price: Decimal | None
    agent: bool
    status: str
    verified_by: int | None
    verified_at: datetime | None
    review_note: str
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, r: Right) -> RightView:
        return cls(id=r.id, organisation_id=r.organisation_id, type=r.type, office=r.office,
                   number=r.number, owner=r.owner, territory=r.territory,
                   valid_from=r.valid_from, valid_until=r.valid_until, brands=r.brands,
                   keywords=r.keywords, reference_price=r.reference_price, agent=r.agent,
                   status=r.status, verified_by=r.verified_by, verified_at=r.verified_at,
                   review_note=r.review_note, created_at=r.created_at, updated_at=r.updated_at)


def attachment(doc: RightDocument) -> Response:
    """A stored document as a download, never rendered in the browser's origin."""
    ascii_name = doc.filename.encode("ascii", "replace").decode().replace("?", "_")
    return Response(doc.content, media_type=doc.content_type, headers={
        "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; "
                               f"filename*=UTF-8''{quote(doc.filename)}",
        "X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"})


@router.post("", status_code=201)
def register(body: RightIn, session: SessionDep, caller: RightsHolder) -> dict[str, Any]:
    """Register a right of the caller's organisation; it waits for verification."""
    right = rights.register_right(session, organisation_id=rights.holder_organisation(caller),
                                  actor_id=caller.id, data=body)
    session.commit()
    return {"right": RightView.of(right), "documents": []}


@router.get("")
def list_rights(session: SessionDep, caller: RightsViewer,
                status: str | None = None) -> dict[str, Any]:
    """The caller's organisation's rights (staff: everyone's), pending first."""
    items = rights.list_rights(session, organisation_id=organisation_scope(caller), status=status)
    return {"items": [RightView.of(r) for r in items]}


@router.get("/{right_id}")
def get_right(right_id: int, session: SessionDep, caller: RightsViewer) -> dict[str, Any]:
    """One right with its documents' metadata."""
    right = rights.get_right(session, right_id, organisation_id=organisation_scope(caller))
    return {"right": RightView.of(right),
            "documents": [DocumentView.of(d) for d in rights.list_documents(session, right.id)]}


@router.post("/{right_id}/documents", status_code=201)
def add_document(right_id: int, session: SessionDep, caller: RightsHolder,
                 kind: Annotated[str, Form(max_length=64)], file: UploadFile) -> dict[str, Any]:
    """Attach a proof (PDF, PNG or JPEG) to a right not yet verified."""
    doc = rights.add_document(session, right_id=right_id,
                              organisation_id=rights.holder_organisation(caller),
                              actor_id=caller.id, kind=kind, filename=file.filename,
                              content_type=file.content_type or "", content=file.file.read())
    session.commit()
    return {"document": DocumentView.of(doc)}


@router.get("/{right_id}/documents/{document_id}")
def download(right_id: int, document_id: int, session: SessionDep,
             caller: RightsViewer) -> Response:
    """The document as uploaded."""
    return attachment(rights.get_document(session, right_id=right_id, document_id=document_id,
                                          organisation_id=organisation_scope(caller)))


@router.post("/{right_id}/verification")
def verify(right_id: int, body: VerificationIn, session: SessionDep,
           caller: Lead) -> dict[str, Any]:
    """Accept or reject a pending right (leads)."""
    right = rights.verify_right(session, right_id=right_id, staff_id=caller.id,
                                approve=body.approve, note=body.note)
    session.commit()
    return {"right": RightView.of(right)}
