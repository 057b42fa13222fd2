"""Notices from rights holders, and notifiers' standing, as JSON."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from api.deps import MODERATORS, Lead, SessionDep, allow
from moderation.accounts.staff import organisation_scope
from moderation.domain import StaffRole
from moderation.protection import notices, notifiers
from moderation.tables import Notice, Staff

router = APIRouter(tags=["notices"])
Notifier = Annotated[Staff, Depends(allow(StaffRole.RIGHTS_HOLDER))]
NoticeReader = Annotated[Staff, Depends(allow(StaffRole.RIGHTS_HOLDER, *MODERATORS))]


def notice_json(session: SessionDep, notice: Notice, *, with_items: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "reference": notice.reference, "kind": notice.kind, "right_id": notice.right_id,
        "status": notice.status, "fast_track": notice.fast_track,
        "received_at": notice.received_at, "closed_at": notice.closed_at,
        "notifier": {"name": notice.notifier_name, "email": notice.notifier_email},
    }
    if with_items:
        body["items"] = [
            {"offer": {"id": offer.id, "marketplace_id": offer.marketplace_id,
                       "title": offer.title, "status": offer.status},
             "case_id": item.case_id, "outcome": item.outcome, "decided_at": item.decided_at}
            for item, offer in notices.items_of(session, notice.id)]
    return body


@router.post("/v1/notices", status_code=201)
def submit_notice(body: notices.NoticeIn, session: SessionDep,
                  caller: Notifier) -> dict[str, Any]:
    """Take a notice; the receipt carries its reference and one case per offer."""
    assert caller.organisation_id is not None
    receipt = notices.submit(session, organisation_id=caller.organisation_id,
                             submitted_by=caller.id, data=body)
    session.commit()
    return {**notice_json(session, receipt.notice, with_items=True),
            "merged_into_open_cases": receipt.merged}


@router.get("/v1/notices")
def list_notices(session: SessionDep, caller: NoticeReader,
                 limit: int = Query(100, ge=1, le=500),
                 offset: int = Query(0, ge=0)) -> dict[str, Any]:
    """Notices, newest first: a rights holder's own, or all for staff."""
    found = notices.list_notices(session, organisation_id=organisation_scope(caller), limit=limit,
                                 offset=offset)
    return {"items": [notice_json(session, n, with_items=False) for n in found]}


@router.get("/v1/notices/{reference}")
def get_notice(reference: str, session: SessionDep, caller: NoticeReader) -> dict[str, Any]:
    """One notice with what became of each offer."""
    notice = notices.get_notice(session, reference, organisation_id=organisation_scope(caller))
    return notice_json(session, notice, with_items=True)


@router.get("/v1/caught-offers")
def caught_offers(session: SessionDep, caller: Notifier,
                  limit: int = Query(100, ge=1, le=500)) -> dict[str, Any]:
    """Offers the caller's verified brands caught at screening, before any notice."""
    assert caller.organisation_id is not None
    return {"items": [
        {"offer": {"id": offer.id, "marketplace_id": offer.marketplace_id,
                   "title": offer.title, "status": offer.status},
         "right_id": catch.right_id, "rule_id": catch.rule_id, "caught_at": catch.created_at}
        for catch, offer in notices.caught_offers(session, organisation_id=caller.organisation_id,
                                                  limit=limit)]}


@router.get("/v1/notifiers")
def list_notifiers(session: SessionDep, _caller: Lead) -> dict[str, Any]:
    """Every rights holder's accuracy, fast track and sanctions (leads)."""
    return {"items": [
        {"organisation_id": s.organisation_id, "name": s.name, "decided": s.decided,
         "upheld": s.upheld, "accuracy": s.accuracy, "trusted": s.trusted,
         "manifestly_unfounded": s.unfounded, "warned_at": s.warned_at,
         "suspended_until": s.suspended_until}
        for s in notifiers.standings(session)]}
