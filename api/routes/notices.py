"""Notices from rights holders, and notifiers' standing, as JSON."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.deps import MODERATORS, Lead, SessionDep, allow
from api.rate_limits import NoticesLimit
from api.schemas.notices import (
    CaughtOffer,
    CaughtOfferList,
    NoticeDetail,
    NoticeList,
    NoticeReceipt,
    NoticeSummary,
    NotifierStanding,
    NotifierStandingList,
)
from api.schemas.problems import problems
from moderation.accounts.staff import organisation_scope
from moderation.domain import StaffRole
from moderation.protection import notices, notifiers
from moderation.schemas import Offset, Text
from moderation.tables import Account

router = APIRouter(tags=["notices"], responses=problems(401, 403))
Notifier = Annotated[Account, Depends(allow(StaffRole.RIGHTS_HOLDER))]
NoticeReader = Annotated[Account, Depends(allow(StaffRole.RIGHTS_HOLDER, *MODERATORS))]


@router.post("/v1/notices", status_code=201, dependencies=[NoticesLimit],
             responses=problems(400, 404, 409, 413, 422, 429))
def submit_notice(body: notices.NoticeIn, session: SessionDep,
                  caller: Notifier) -> NoticeReceipt:
    """Take a notice; the receipt carries its reference and one case per offer.

    409 when an offer is already reported by the caller's organisation and still under
    review; 403 while the organisation is suspended for manifestly unfounded notices.
    """
    assert caller.organisation_id is not None
    receipt = notices.submit(session, organisation_id=caller.organisation_id,
                             submitted_by=caller.id, data=body)
    session.commit()
    return NoticeReceipt.of_receipt(receipt.notice, notices.items_of(session, receipt.notice.id),
                                    merged=receipt.merged)


@router.get("/v1/notices", responses=problems(422))
def list_notices(session: SessionDep, caller: NoticeReader,
                 limit: int = Query(100, ge=1, le=500),
                 offset: Offset = 0) -> NoticeList:
    """Notices, newest first: a rights holder's own, or all for staff."""
    found = notices.list_notices(session, organisation_id=organisation_scope(caller), limit=limit,
                                 offset=offset)
    return NoticeList(items=[NoticeSummary.of(n) for n in found])


@router.get("/v1/notices/{reference}", responses=problems(404, 422))
def get_notice(reference: Text, session: SessionDep, caller: NoticeReader) -> NoticeDetail:
    """One notice with what became of each offer."""
    notice = notices.get_notice(session, reference, organisation_id=organisation_scope(caller))
    return NoticeDetail.with_items(notice, notices.items_of(session, notice.id))


@router.get("/v1/caught-offers", responses=problems(422))
def caught_offers(session: SessionDep, caller: Notifier,
                  limit: int = Query(100, ge=1, le=500)) -> CaughtOfferList:
    """Offers the caller's verified brands caught at screening, before any notice."""
    assert caller.organisation_id is not None
    return CaughtOfferList(items=[
        CaughtOffer.of(catch, offer)
        for catch, offer in notices.caught_offers(session, organisation_id=caller.organisation_id,
                                                  limit=limit)])


@router.get("/v1/notifiers")
def list_notifiers(session: SessionDep, _caller: Lead) -> NotifierStandingList:
    """Every rights holder's accuracy, fast track and sanctions (leads)."""
    return NotifierStandingList(items=[NotifierStanding.model_validate(s)
                                       for s in notifiers.standings(session)])
