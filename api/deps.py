"""Request-scoped dependencies: the session and the caller."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Header
from sqlalchemy.orm import Session

from moderation import staff as staff_service
from moderation.db import get_sessionmaker
from moderation.domain import StaffRole
from moderation.tables import Staff


def get_session() -> Iterator[Session]:
    """One session per request; the route commits, anything uncommitted is rolled back."""
    session = get_sessionmaker()()
    try:
        yield session
    finally:
        session.rollback()
        session.close()


SessionDep = Annotated[Session, Depends(get_session)]


def allow(*roles: StaffRole) -> Callable[..., Staff]:
    """Declare who may call a route: the caller's API key must belong to one of these roles."""

    def _caller(
        session: SessionDep, x_api_key: Annotated[str | None, Header()] = None
    ) -> Staff:
        return staff_service.require_role(staff_service.authenticate(session, x_api_key), *roles)

    return _caller


MODERATORS = (StaffRole.MODERATOR, StaffRole.LEAD, StaffRole.ADMIN)
Moderator = Annotated[Staff, Depends(allow(*MODERATORS))]
Intake = Annotated[Staff, Depends(allow(StaffRole.INTEGRATION, StaffRole.ADMIN))]
Reader = Annotated[Staff, Depends(allow(*MODERATORS, StaffRole.INTEGRATION))]
