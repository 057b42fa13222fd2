from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from moderation.domain import StaffRole
from tests.factories import make_staff


@pytest.fixture
def keys(session: Session) -> dict[str, str]:
    """One API key per role."""
    return {role.value: make_staff(session, role).api_key for role in StaffRole}


def auth(key: str) -> dict[str, str]:
    return {"X-API-Key": key}
