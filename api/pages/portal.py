"""The rights holders' portal: their notices, a form to send one, their standing."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from api.deps import Lead, RightsHolder, SessionDep
from api.rate_limits import NoticesLimit
from api.templating import render
from moderation.protection import notices, notifiers, rights
from moderation.protection.notices import NOTICE_KINDS, NoticeIn
from moderation.schemas import Text, parse

router = APIRouter(include_in_schema=False)


@router.get("/portal")
def portal(request: Request, session: SessionDep, caller: RightsHolder) -> Response:
    assert caller.organisation_id is not None
    return render(request, "portal.html", {
        "notices": notices.list_notices(session, organisation_id=caller.organisation_id),
        "standing": notifiers.standing_of(session, caller.organisation_id),
        "caught": notices.caught_offers(session, organisation_id=caller.organisation_id,
                                        limit=50),
        "sent": request.query_params.get("sent"),
    })


@router.get("/portal/notices/new")
def new_notice(request: Request, session: SessionDep, caller: RightsHolder) -> Response:
    assert caller.organisation_id is not None
    verified = rights.list_rights(session, organisation_id=caller.organisation_id,
                                  status="verified")
    return render(request, "notice_new.html", {"rights": verified, "kinds": NOTICE_KINDS,
                                               "caller_name": caller.name})


# The form spends the same limit as POST /v1/notices: a page is no way around it.
@router.post("/portal/notices", dependencies=[NoticesLimit])
def send_notice(session: SessionDep, caller: RightsHolder,
                right_id: Annotated[str, Form()] = "", kind: Annotated[str, Form()] = "",
                offers: Annotated[str, Form(max_length=200_000)] = "",
                explanation: Annotated[str, Form(max_length=10_000)] = "",
                notifier_name: Annotated[str, Form(max_length=200)] = "",
                notifier_email: Annotated[str, Form(max_length=254)] = "",
                good_faith: Annotated[str, Form()] = "") -> Response:
    assert caller.organisation_id is not None
    data = parse(NoticeIn, {
        "right_id": right_id or None, "kind": kind or None,
        "offers": [line.strip() for line in offers.splitlines() if line.strip()],
        "explanation": explanation, "good_faith": good_faith == "yes",
        "notifier": {"name": notifier_name, "email": notifier_email}})
    receipt = notices.submit(session, organisation_id=caller.organisation_id,
                             submitted_by=caller.id, data=data)
    session.commit()
    return RedirectResponse(f"/portal/notices/{receipt.notice.reference}?sent=1",
                            status_code=303)


@router.get("/portal/notices/{reference}")
def notice_page(reference: Text, request: Request, session: SessionDep,
                caller: RightsHolder) -> Response:
    notice = notices.get_notice(session, reference, organisation_id=caller.organisation_id)
    return render(request, "notice.html", {
        "notice": notice, "items": notices.items_of(session, notice.id),
        "sent": request.query_params.get("sent")})


@router.get("/notifiers")
def notifiers_page(request: Request, session: SessionDep, _caller: Lead) -> Response:
    return render(request, "notifiers.html", {"standings": notifiers.standings(session)})
