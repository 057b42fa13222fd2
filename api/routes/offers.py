"""Offer intake and lookup."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from sqlalchemy.exc import IntegrityError

from api.deps import Intake, Reader, SessionDep
from api.rate_limits import IntakeLimit
from api.schemas.evidence import OfferDetail
from api.schemas.offers import OfferReceipt
from api.schemas.problems import problems
from moderation.intake import offers
from moderation.intake.offers import IngestOutcome
from moderation.review import evidence
from moderation.schemas import Id, OfferIn

# Writes here (one offer or a batch) spend the intake rate limit; reads do not.
router = APIRouter(prefix="/v1/offers", tags=["offers"], dependencies=[IntakeLimit],
                   responses=problems(401, 403, 429))
# The same answer for every outcome of an offer event; the status tells them apart.
RECEIPTS: dict[int | str, dict[str, Any]] = {
    200: {"model": OfferReceipt, "description": "This version was received before (duplicate), "
                                                 "or a newer one was (stale): nothing changed"},
    202: {"model": OfferReceipt, "description": "A newer version of a known offer: stored, "
                                                 "queued for screening"},
}


@router.post("", status_code=201, response_description="A new offer: stored, queued for "
             "screening", responses={**RECEIPTS, **problems(400, 409, 413, 422)})
def post_offer(body: OfferIn, session: SessionDep, _caller: Intake,
               response: Response) -> OfferReceipt:
    """Create or update an offer; the same (marketplace id, version) twice stores one version.

    Its screening goes out once the commit is made (a job the intake declared). 409 when a
    version is sent again with other content.
    """
    try:
        result = offers.ingest(session, body)
        session.commit()
    except IntegrityError:
        # Another request created the same offer a moment earlier: now it is an update.
        session.rollback()
        result = offers.ingest(session, body)
        session.commit()
    if result.outcome is IngestOutcome.UPDATED:
        response.status_code = 202
    elif result.outcome in (IngestOutcome.DUPLICATE, IngestOutcome.STALE):
        response.status_code = 200
    return OfferReceipt.model_validate(result)


@router.get("/{offer_id}", responses=problems(404, 422))
def get_offer(offer_id: Id, session: SessionDep, _caller: Reader) -> OfferDetail:
    """The offer, its status, its screening history and its cases."""
    return OfferDetail.model_validate(evidence.offer_history(session, offer_id))
