"""Offer intake and lookup."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from api.deps import Intake, IntakeCaller, Reader, RuntimeDep, SessionDep
from api.intake_groups import IntakeGroups, commit_intake
from api.rate_limits import IntakeLimit
from api.schemas.evidence import OfferDetail
from api.schemas.offers import (
    BatchItemReceipt,
    BatchOutcome,
    BatchReceipt,
    OfferBatchIn,
    OfferReceipt,
)
from api.schemas.problems import problems
from api.transactions import attempt_of
from moderation.errors import InvalidInput
from moderation.intake import offers
from moderation.intake.offers import IngestOutcome, IngestResult
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
async def post_offer(body: OfferIn, request: Request, _caller: IntakeCaller,
                     response: Response) -> OfferReceipt:
    """Create or update an offer; the same (marketplace id, version) twice stores one version.

    Answered once the commit that stored it is made; its screening goes out after that
    commit (a job the intake declared). 409 when a version is sent again with other content.
    """
    # Written with the other single offers in flight in this process (api/intake_groups.py).
    groups: IntakeGroups = request.app.state.intake_groups
    result = offers.refuse_conflict(await groups.ingest(body, attempt_of(request)))
    if result.outcome is IngestOutcome.UPDATED:
        response.status_code = 202
    elif result.outcome in (IngestOutcome.DUPLICATE, IngestOutcome.STALE):
        response.status_code = 200
    return OfferReceipt.model_validate(result)


@router.post("/batch", responses=problems(400, 413, 422))
def post_offers(body: OfferBatchIn, session: SessionDep, runtime: RuntimeDep, _caller: Intake
                ) -> BatchReceipt:
    """Create or update up to MAX_BATCH_OFFERS offers, each answered on its own, in order.

    Each event is validated alone: one that does not validate is answered `invalid`, naming
    its field (`offers[3].title`), and the others are taken in. Idempotent as POST
    /v1/offers: an event sent again is a `duplicate`, a version sent again with other
    content a `conflict`. What needs screening goes out in one job once the batch commits.
    422 for the whole request only when it is not a list of at most MAX_BATCH_OFFERS items.
    """
    limit = runtime.settings.max_batch_offers
    if len(body.offers) > limit:
        raise InvalidInput(f"offers: at most {limit} offer events per request", field="offers")
    parsed = [_parse_item(i, raw) for i, raw in enumerate(body.offers)]
    valid = [(i, item) for i, item in enumerate(parsed) if isinstance(item, OfferIn)]
    results = _ingest_committed(session, [item for _, item in valid])
    receipts: list[BatchItemReceipt | None] = [
        item if isinstance(item, BatchItemReceipt) else None for item in parsed]
    for (i, _), result in zip(valid, results, strict=True):
        receipts[i] = _receipt(i, result)
    items = [r for r in receipts if r is not None]
    counts: dict[BatchOutcome, int] = {}
    for r in items:
        counts[r.outcome] = counts.get(r.outcome, 0) + 1
    return BatchReceipt(items=items, counts=counts)


def _parse_item(index: int, raw: Any) -> OfferIn | BatchItemReceipt:
    """The event, or its `invalid` receipt naming the first field at fault."""
    try:
        return OfferIn.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = "".join(f".{p}" for p in first["loc"])
        readable = raw if isinstance(raw, dict) else {}
        mid, ver = readable.get("marketplace_id"), readable.get("version")
        return BatchItemReceipt(
            index=index, marketplace_id=mid if isinstance(mid, str) else None,
            version=ver if type(ver) is int and 0 <= ver <= 2**31 - 1 else None, id=None,
            outcome="invalid", field=f"offers[{index}]{where}", detail=first["msg"])


def _ingest_committed(session: Session, events: list[OfferIn]) -> list[IngestResult]:
    """Ingest the valid events in one transaction and commit it (once more after a race)."""
    if not events:
        return []
    return commit_intake(session, lambda: offers.ingest_many(session, events))


def _receipt(index: int, result: IngestResult) -> BatchItemReceipt:
    """The receipt of an event that was taken in, at its place in the request."""
    conflict = result.outcome is IngestOutcome.CONFLICT
    return BatchItemReceipt(
        index=index, marketplace_id=result.marketplace_id, version=result.version,
        id=result.offer_id, outcome=result.outcome.value,
        field=f"offers[{index}].version" if conflict else None,
        detail=(f"version {result.version} was already received with different content"
                if conflict else None))


@router.get("/{offer_id}", responses=problems(404, 422))
def get_offer(offer_id: Id, session: SessionDep, _caller: Reader) -> OfferDetail:
    """The offer, its status, its screening history and its cases."""
    return OfferDetail.model_validate(evidence.offer_history(session, offer_id))
