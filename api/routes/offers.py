"""Offer intake and lookup."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Response
from sqlalchemy.exc import IntegrityError

from api.deps import Intake, Reader, SessionDep
from api.views import CaseView, DecisionView, OfferView, ScreeningView
from moderation import queue
from moderation.intake import offers
from moderation.intake.offers import IngestOutcome
from moderation.review import evidence
from moderation.schemas import OfferIn

log = logging.getLogger(__name__)
router = APIRouter(prefix="/v1/offers", tags=["offers"])


@router.post("", status_code=202)
def post_offer(body: OfferIn, session: SessionDep, _caller: Intake,
               response: Response) -> dict[str, Any]:
    """Create or update an offer; the same (marketplace id, version) twice stores one version."""
    try:
        result = offers.ingest(session, body)
        session.commit()
    except IntegrityError:
        # Another request created the same offer a moment earlier: now it is an update.
        session.rollback()
        result = offers.ingest(session, body)
        session.commit()
    if result.needs_screening:
        assert result.offer_id is not None
        try:
            queue.request_screening(result.offer_id)
        except Exception:
            # Committed but not enqueued: the periodic sweep will find it unscreened.
            log.exception("could not enqueue screening of offer %s", result.offer_id)
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
