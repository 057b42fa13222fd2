"""Counter-notices as JSON: the marketplace relays a seller's, staff follow them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from api.deps import MODERATORS, SessionDep, allow
from moderation.domain import StaffRole
from moderation.protection import counter_notices
from moderation.protection.counter_notices import CounterNoticeIn
from moderation.tables import CounterNotice, Staff, utcnow

router = APIRouter(prefix="/v1/counter-notices", tags=["counter-notices"])

Relay = Annotated[Staff, Depends(allow(StaffRole.INTEGRATION, StaffRole.ADMIN))]
Follower = Annotated[Staff, Depends(allow(StaffRole.INTEGRATION, *MODERATORS))]


def _view(row: CounterNotice) -> dict[str, Any]:
    return {"reference": row.reference, "case_id": row.case_id, "status": row.status,
            "decision_id": row.decision_id, "offer_id": row.offer_id,
            "statement": row.statement, "filed_at": row.filed_at, "decided_at": row.decided_at}


@router.post("", status_code=201)
def file_counter_notice(body: CounterNoticeIn, session: SessionDep,
                        _caller: Relay) -> dict[str, Any]:
    """File a seller's counter-notice against a removal on a notice; 409 if already filed."""
    row = counter_notices.file_counter_notice(session, data=body, now=utcnow())
    session.commit()
    return _view(row)


@router.get("/{reference}")
def get_counter_notice(reference: str, session: SessionDep, _caller: Follower) -> dict[str, Any]:
    """One counter-notice and where its review stands."""
    return _view(counter_notices.get_counter_notice(session, reference))
