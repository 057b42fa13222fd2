from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.app import create_app
from moderation.domain import StaffRole
from tests.factories import make_staff


@pytest.fixture
def client(session: Session) -> Iterator[TestClient]:
    with TestClient(create_app()) as c:
        yield c


@pytest.fixture
def keys(session: Session) -> dict[str, str]:
    """One API key per role."""
    return {role.value: make_staff(session, role).api_key for role in StaffRole}


def auth(key: str) -> dict[str, str]:
    return {"X-API-Key": key}
