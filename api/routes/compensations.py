"""Compensations as JSON: the marketplace confirms what it paid, staff and it read them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from api.deps import Reader, SessionDep, allow
from api.schemas.compensations import CompensationView
from api.schemas.problems import problems
from moderation import audit
from moderation.buyers import compensation
from moderation.buyers.compensation import PaymentIn
from moderation.domain import StaffRole
from moderation.schemas import NO_NUL
from moderation.tables import Account, utcnow

router = APIRouter(prefix="/v1/compensations", tags=["compensations"],
                   responses=problems(401, 403))

# Only the marketplace pays, so only it says what it paid.
Payer = Annotated[Account, Depends(allow(StaffRole.INTEGRATION))]
Key = Annotated[str, Path(max_length=64, pattern=NO_NUL,
                          description="The Idempotency-Key the payment was asked with")]


@router.post("/{idempotency_key}/paid", responses=problems(400, 404, 409, 413, 422))
def confirm_payment(idempotency_key: Key, body: PaymentIn, session: SessionDep,
                    caller: Payer) -> CompensationView:
    """Record that the marketplace paid this compensation; the same reference again is
    answered as before, another one is 409."""
    row = compensation.record_payment(session, idempotency_key, data=body,
                                      actor=audit.actor_of(caller.id), now=utcnow())
    session.commit()
    return CompensationView.model_validate(row)


@router.get("/{idempotency_key}", responses=problems(404, 422))
def get_compensation(idempotency_key: Key, session: SessionDep,
                     _caller: Reader) -> CompensationView:
    """One compensation: what was asked, and whether and when it was paid."""
    return CompensationView.model_validate(compensation.get_compensation(session,
                                                                         idempotency_key))
