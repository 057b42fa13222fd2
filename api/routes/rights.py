"""The rights registry as JSON: rights holders register rights and prove them, leads verify."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Response, UploadFile

from api.deps import MODERATORS, Lead, RightsHolder, SessionDep, allow
from api.rate_limits import NoticesLimit
from api.schemas.problems import problems
from api.schemas.rights import DocumentResult, DocumentView, RightDetail, RightList, RightResult
from moderation.accounts.staff import organisation_scope
from moderation.domain import StaffRole
from moderation.protection import rights
from moderation.protection.rights import CONTENT_TYPES, RightIn, VerificationIn
from moderation.schemas import Id, Text
from moderation.tables import Account, RightDocument

router = APIRouter(prefix="/v1/rights", tags=["rights"], responses=problems(401, 403))
# A rights holder sees its own organisation's rights; moderators, leads and admins all.
RightsViewer = Annotated[Account, Depends(allow(StaffRole.RIGHTS_HOLDER, *MODERATORS))]
DOCUMENT_CONTENT = {media: {"schema": {"type": "string", "format": "binary"}}
                    for media in CONTENT_TYPES}


def attachment(doc: RightDocument) -> Response:
    """A stored document as a download, never rendered in the browser's origin."""
    ascii_name = doc.filename.encode("ascii", "replace").decode().replace("?", "_")
    return Response(doc.content, media_type=doc.content_type, headers={
        "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; "
                               f"filename*=UTF-8''{quote(doc.filename)}",
        "X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"})


# What rights holders send (rights, their proofs) spends the notices limit, as their
# notices do: registrations and uploads of up to MAX_DOCUMENT_BYTES are no cheaper.
@router.post("", status_code=201, dependencies=[NoticesLimit],
             responses=problems(400, 409, 413, 422, 429))
def register(body: RightIn, session: SessionDep, caller: RightsHolder) -> RightDetail:
    """Register a right of the caller's organisation; it waits for verification."""
    right = rights.register_right(session, organisation_id=rights.holder_organisation(caller),
                                  actor_id=caller.id, data=body)
    session.commit()
    return RightDetail.model_validate({"right": right, "documents": []})


@router.get("", responses=problems(422))
def list_rights(session: SessionDep, caller: RightsViewer,
                status: Text | None = None) -> RightList:
    """The caller's organisation's rights (staff: everyone's), pending first."""
    items = rights.list_rights(session, organisation_id=organisation_scope(caller), status=status)
    return RightList.model_validate({"items": items})


@router.get("/{right_id}", responses=problems(404, 422))
def get_right(right_id: Id, session: SessionDep, caller: RightsViewer) -> RightDetail:
    """One right with its documents' metadata."""
    right = rights.get_right(session, right_id, organisation_id=organisation_scope(caller))
    return RightDetail.model_validate(
        {"right": right, "documents": rights.list_documents(session, right.id)})


@router.post("/{right_id}/documents", status_code=201, dependencies=[NoticesLimit],
             responses=problems(400, 404, 409, 413, 422, 429))
def add_document(right_id: Id, session: SessionDep, caller: RightsHolder,
                 kind: Annotated[Text, Form(max_length=64)], file: UploadFile) -> DocumentResult:
    """Attach a proof (PDF, PNG or JPEG) to a right not yet verified."""
    doc = rights.add_document(session, right_id=right_id,
                              organisation_id=rights.holder_organisation(caller),
                              actor_id=caller.id, kind=kind, filename=file.filename,
                              content_type=file.content_type or "", content=file.file.read())
    session.commit()
    return DocumentResult(document=DocumentView.model_validate(doc))


@router.get("/{right_id}/documents/{document_id}", response_class=Response,
            responses={200: {"description": "The document as uploaded",
                             "content": DOCUMENT_CONTENT}, **problems(404, 422)})
def download(right_id: Id, document_id: Id, session: SessionDep,
             caller: RightsViewer) -> Response:
    """The document as uploaded."""
    return attachment(rights.get_document(session, right_id=right_id, document_id=document_id,
                                          organisation_id=organisation_scope(caller)))


@router.post("/{right_id}/verification", responses=problems(400, 404, 409, 413, 422))
def verify(right_id: Id, body: VerificationIn, session: SessionDep,
           caller: Lead) -> RightResult:
    """Accept or reject a pending right (leads)."""
    right = rights.verify_right(session, right_id=right_id, staff_id=caller.id,
                                approve=body.approve, note=body.note)
    session.commit()
    return RightResult.model_validate({"right": right})
