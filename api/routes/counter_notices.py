"""Counter-notices as JSON: the marketplace relays a seller's, staff follow them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from api.deps import MODERATORS, SessionDep, allow
from api.schemas.counter_notices import CounterNoticeView
from api.schemas.problems import problems
from moderation.domain import StaffRole
from moderation.protection import counter_notices
from moderation.protection.counter_notices import CounterNoticeIn
from moderation.schemas import Text
from moderation.tables import Account, utcnow

router = APIRouter(prefix="/v1/counter-notices", tags=["counter-notices"],
                   responses=problems(401, 403))

Relay = Annotated[Account, Depends(allow(StaffRole.INTEGRATION, StaffRole.ADMIN))]
Follower = Annotated[Account, Depends(allow(StaffRole.INTEGRATION, *MODERATORS))]


@router.post("", status_code=201, responses=problems(400, 404, 409, 413, 422))
def file_counter_notice(body: CounterNoticeIn, session: SessionDep,
                        _caller: Relay) -> CounterNoticeView:
    """File a seller's counter-notice against a removal on a notice; 409 if already filed.

    404 when the decision is unknown; 422 when it cannot be contested or the time ran out.
    """
    row = counter_notices.file_counter_notice(session, data=body, now=utcnow())
    session.commit()
    return CounterNoticeView.model_validate(row)


@router.get("/{reference}", responses=problems(404, 422))
def get_counter_notice(reference: Text, session: SessionDep,
                       _caller: Follower) -> CounterNoticeView:
    """One counter-notice and where its review stands."""
    return CounterNoticeView.model_validate(
        counter_notices.get_counter_notice(session, reference))
