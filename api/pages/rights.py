"""Rights pages: the holders' portal (register, prove) and the leads' verification queue."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from api.deps import Lead, RightsHolder, SessionDep
from api.labels import N_
from api.rate_limits import NoticesLimit
from api.templating import render
from moderation.errors import Conflict, InvalidInput, PayloadTooLarge
from moderation.protection import rights
from moderation.protection.rights import DOCUMENT_KINDS, RIGHT_TYPES, RightIn
from moderation.schemas import Id, Text, parse

router = APIRouter(include_in_schema=False)
# What a holder or a lead can put right on the same page; anything else is an error page.
FORM_ERRORS = (InvalidInput, Conflict, PayloadTooLarge)
# How the stored words read (the templates translate them).
LABELS = {
    "trademark": N_("trade mark"), "copyright": N_("copyright"), "design": N_("design"),
    "patent": N_("patent"), "personal_rights": N_("personal rights"),
    "pending": N_("pending"), "verified": N_("verified"), "rejected": N_("rejected"),
    "registration_certificate": N_("registration certificate"),
    "power_of_attorney": N_("power of attorney"), "licence": N_("licence"), "other": N_("other"),
}


def _label(value: str) -> str:
    return LABELS.get(value, value)


def _split(text: str) -> list[str]:
    """Comma-separated terms, blanks dropped."""
    return [t.strip() for t in text.split(",") if t.strip()]


def _portal(request: Request, session: SessionDep, organisation_id: int, *,
            form: dict[str, Any] | None = None, error: Exception | None = None,
            status_code: int = 200) -> Response:
    return render(request, "rights_portal.html", {
        "rights": rights.list_rights(session, organisation_id=organisation_id),
        "types": RIGHT_TYPES, "form": form or {}, "error": error, "label": _label},
        status_code=status_code)


@router.get("/portal/rights")
def portal(request: Request, session: SessionDep, caller: RightsHolder) -> Response:
    return _portal(request, session, rights.holder_organisation(caller))


# A holder's writes spend the notices limit, as the same writes under /v1/rights do.
@router.post("/portal/rights", dependencies=[NoticesLimit])
def register(request: Request, session: SessionDep, caller: RightsHolder,
             type: Annotated[str, Form()] = "", office: Annotated[str, Form()] = "",
             number: Annotated[str, Form()] = "", owner: Annotated[str, Form()] = "",
             territory: Annotated[str, Form()] = "", valid_from: Annotated[str, Form()] = "",
             valid_until: Annotated[str, Form()] = "", brands: Annotated[str, Form()] = "",
             keywords: Annotated[str, Form()] = "",
             reference_price: Annotated[str, Form()] = "",
             agent: Annotated[str, Form()] = "") -> Response:
    organisation_id = rights.holder_organisation(caller)
    # Shown again, as typed, when the form has to be corrected.
    form: dict[str, Any] = {
        "type": type, "office": office, "number": number, "owner": owner,
        "territory": territory, "valid_from": valid_from, "valid_until": valid_until,
        "brands": brands, "keywords": keywords, "reference_price": reference_price,
        "agent": bool(agent)}
    try:
        data = parse(RightIn, {
            **form, "valid_from": valid_from or None, "valid_until": valid_until or None,
            "brands": _split(brands), "keywords": _split(keywords),
            # Polish forms write "599,99".
            "reference_price": reference_price.replace(",", ".").strip() or None})
        right = rights.register_right(session, organisation_id=organisation_id,
                                      actor_id=caller.id, data=data)
    except FORM_ERRORS as exc:
        session.rollback()
        return _portal(request, session, organisation_id, form=form, error=exc,
                       status_code=exc.status_code)
    session.commit()
    return RedirectResponse(f"/portal/rights/{right.id}", status_code=303)


def _right_page(request: Request, session: SessionDep, right_id: int, organisation_id: int, *,
                error: Exception | None = None, status_code: int = 200) -> Response:
    right = rights.get_right(session, right_id, organisation_id=organisation_id)
    return render(request, "right_portal.html", {
        "right": right, "documents": rights.list_documents(session, right.id),
        "kinds": DOCUMENT_KINDS, "open": right.status in rights.OPEN_FOR_DOCUMENTS,
        "error": error, "label": _label}, status_code=status_code)


@router.get("/portal/rights/{right_id}")
def right_page(right_id: Id, request: Request, session: SessionDep,
               caller: RightsHolder) -> Response:
    return _right_page(request, session, right_id, rights.holder_organisation(caller))


@router.post("/portal/rights/{right_id}/documents", dependencies=[NoticesLimit])
def upload(right_id: Id, request: Request, session: SessionDep, caller: RightsHolder,
           kind: Annotated[Text, Form(max_length=64)], file: UploadFile) -> Response:
    organisation_id = rights.holder_organisation(caller)
    try:
        rights.add_document(session, right_id=right_id, organisation_id=organisation_id,
                            actor_id=caller.id, kind=kind, filename=file.filename,
                            content_type=file.content_type or "", content=file.file.read())
    except FORM_ERRORS as exc:
        session.rollback()
        return _right_page(request, session, right_id, organisation_id, error=exc,
                           status_code=exc.status_code)
    session.commit()
    return RedirectResponse(f"/portal/rights/{right_id}?uploaded=1", status_code=303)


def _queue(request: Request, session: SessionDep, *, error: Exception | None = None,
           status_code: int = 200) -> Response:
    listed = rights.list_rights(session, organisation_id=None)
    return render(request, "rights_queue.html", {
        "pending": [r for r in listed if r.status == "pending"],
        "decided": [r for r in listed if r.status != "pending"],
        "documents": rights.documents_of(session, [r.id for r in listed
                                                   if r.status == "pending"]),
        "organisations": rights.organisation_names(session, {r.organisation_id
                                                             for r in listed}),
        "error": error, "done": request.query_params.get("done"), "label": _label},
        status_code=status_code)


@router.get("/rights")
def queue(request: Request, session: SessionDep, _caller: Lead) -> Response:
    return _queue(request, session)


@router.post("/rights/{right_id}/verification")
def verify(right_id: Id, request: Request, session: SessionDep, caller: Lead,
           decision: Annotated[str, Form()] = "",
           note: Annotated[str, Form(max_length=5_000)] = "") -> Response:
    try:
        if decision not in ("approve", "reject"):
            raise InvalidInput("choose approve or reject", field="decision")
        rights.verify_right(session, right_id=right_id, staff_id=caller.id,
                            approve=decision == "approve", note=note)
    except FORM_ERRORS as exc:
        session.rollback()
        return _queue(request, session, error=exc, status_code=exc.status_code)
    session.commit()
    return RedirectResponse(f"/rights?done={right_id}", status_code=303)
