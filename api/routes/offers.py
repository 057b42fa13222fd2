"""Offer intake and lookup."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from sqlalchemy.exc import IntegrityError

from api.deps import Intake, Reader, SessionDep
from api.views import CaseView, DecisionView, OfferView, ScreeningView
from moderation.intake import offers
from moderation.intake.offers import IngestOutcome
from moderation.review import evidence
from moderation.schemas import OfferIn

router = APIRouter(prefix="/v1/offers", tags=["offers"])


@router.post("", status_code=202)
def post_offer(body: OfferIn, session: SessionDep, _caller: Intake,
               response: Response) -> dict[str, Any]:
    """Create or update an offer; the same (marketplace id, version) twice stores one version.

    Its screening goes out once the commit is made (a job the intake declared).
    """
    try:
        result = offers.ingest(session, body)
        session.commit()
    except IntegrityError:
        # Another request created the same offer a moment earlier: now it is an update.
        session.rollback()
        result = offers.ingest(session, body)
        session.commit()
    if result.outcome is IngestOutcome.CREATED:
        response.status_code = 201
    elif result.outcome in (IngestOutcome.DUPLICATE, IngestOutcome.STALE):
        response.status_code = 200
    return {"id": result.offer_id, "marketplace_id": result.marketplace_id,
            "version": result.version, "outcome": result.outcome.value}


@router.get("/{offer_id}")
def get_offer(offer_id: int, session: SessionDep, _caller: Reader) -> dict[str, Any]:
    """The offer, its status, its screening history and its cases."""
    history = evidence.offer_history(session, offer_id)
    return {
        "offer": OfferView.of(history.offer),
        "screenings": [ScreeningView.of(s) for s in history.screenings],
        "cases": [CaseView.of(c) for c in history.cases],
        "decisions": [DecisionView.of(d) for d in history.decisions],
    }
