"""The API process loads only what it serves: intake does not load the classifier's
libraries (scikit-learn, SciPy), which a page needing the screener loads on demand."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from moderation.accounts.staff import create_staff
from moderation.domain import StaffRole
from tests.conftest import PG_URL, REDIS_URL

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("sklearn", "scipy")

# Run in a fresh interpreter: the test process has loaded everything long ago.
SERVE_ONE_OFFER = """
import json, sys
from fastapi.testclient import TestClient
from api.app import create_app

with TestClient(create_app()) as client:
    offer = {"marketplace_id": "imports-1", "version": 1, "seller": {"id": "imports-s"},
             "title": "Rower górski Kross", "price": "999.00", "currency": "PLN"}
    status = client.post("/v1/offers", json=offer, headers={"X-API-Key": sys.argv[1]})
    after_intake = sorted(m for m in HEAVY if m in sys.modules)
    if len(sys.argv) > 2:
        client.get(sys.argv[2], headers={"X-API-Key": sys.argv[1]})
    after_page = sorted(m for m in HEAVY if m in sys.modules)
print(json.dumps({"status": status.status_code, "after_intake": after_intake,
                  "after_page": after_page}))
""".replace("HEAVY", repr(HEAVY))


@pytest.fixture
def admin_key(pg_engine: Engine) -> Iterator[str]:
    """An admin's API key, committed on the test database (and removed afterwards)."""
    with Session(pg_engine) as s:
        key = create_staff(s, name="imports-admin", role=StaffRole.ADMIN).api_key
        s.commit()
    assert key
    yield key
    with pg_engine.begin() as conn:
        conn.execute(text("TRUNCATE audit_log, offer_versions, offers, sellers, web_sessions, "
                          "staff, organisations RESTART IDENTITY CASCADE"))


def _serve_one_offer(key: str, *then: str) -> dict[str, object]:
    env = {**os.environ, "DATABASE_URL": PG_URL, "REDIS_URL": REDIS_URL,
           "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", SERVE_ONE_OFFER, key, *then], env=env,
                          cwd=ROOT, capture_output=True, text=True, timeout=120, check=True)
    answer: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return answer


def test_intake_does_not_load_the_classifiers_libraries(admin_key: str, redis: object) -> None:
    answer = _serve_one_offer(admin_key)
    assert answer["status"] == 201
    assert answer["after_intake"] == []


def test_a_page_that_shows_the_model_loads_it_on_demand(admin_key: str, redis: object) -> None:
    answer = _serve_one_offer(admin_key, "/admin")
    assert answer["after_intake"] == []
    assert answer["after_page"] == sorted(HEAVY)


def test_readiness_checks_the_model_without_loading_its_libraries(admin_key: str,
                                                                  redis: object) -> None:
    # /readyz is probed every few seconds: it checks the bundle's signatures and versions
    # as a worker's load would, and must not pull scikit-learn into the API for it.
    answer = _serve_one_offer(admin_key, "/readyz")
    assert answer["after_page"] == []
