"""Appeals as JSON: the marketplace relays a seller's, notifiers file their own, staff follow."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from api.deps import MODERATORS, SessionDep, allow
from api.schemas.appeals import AppealView
from api.schemas.problems import problems
from moderation.appeals import filing
from moderation.appeals.filing import AppealIn
from moderation.domain import StaffRole
from moderation.schemas import Id
from moderation.tables import Account, utcnow

router = APIRouter(prefix="/v1/appeals", tags=["appeals"], responses=problems(401, 403))

APPELLANTS = (StaffRole.INTEGRATION, StaffRole.RIGHTS_HOLDER, StaffRole.AUTHORITY)
Appellant = Annotated[Account, Depends(allow(*APPELLANTS))]
Follower = Annotated[Account, Depends(allow(*APPELLANTS, *MODERATORS))]


@router.post("", status_code=201, responses=problems(400, 404, 409, 413, 422))
def file_appeal(body: AppealIn, session: SessionDep, caller: Appellant) -> AppealView:
    """Appeal a decision (or an account's statement) within six months of being told.

    The marketplace names the seller (`seller_id`); a rights holder or an authority appeals a
    "keep" on its own notice or order. 403 when it is not the appellant's decision, 404 when
    unknown, 409 when already appealed, 422 when it cannot be appealed or the time ran out.
    """
    appeal = filing.file_appeal(session, data=body, caller=caller, now=utcnow())
    session.commit()
    return AppealView.model_validate(appeal)


@router.get("/{appeal_id}", responses=problems(404, 422))
def get_appeal(appeal_id: Id, session: SessionDep, caller: Follower) -> AppealView:
    """One appeal and where its review stands; an organisation sees only its own."""
    return AppealView.model_validate(filing.get_appeal(session, appeal_id, caller=caller))
