"""Safety jobs: an authority's order matched by a real worker, the feed directory, warnings."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from redis import Redis
from sqlalchemy.orm import Session

from moderation.config import get_settings
from moderation.runtime import Runtime
from moderation.tables import Case, OutboxMessage, SafetyAlert, SafetyMatch, utcnow
from tests.factories import make_offer, screen_all
from tests.moderation.safety.test_authority import authority_org, order_body
from workers import tasks
from workers.main import make_worker

pytestmark = pytest.mark.usefixtures("as_worker")

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "safety_gate" / "alerts_sample.json"


def test_an_authority_order_is_matched_by_the_worker_after_the_commit(
        session: Session, runtime: Runtime, redis: Redis, client: TestClient) -> None:
    offer = make_offer(session, title="Hulajnoga elektryczna Żwawa ZW-200 dla dzieci",
                       brand="Żwawa", gtins=["5901234123457"])
    screen_all(session)
    session.commit()
    _, member = authority_org(session)
    session.commit()
    sent = client.post("/v1/safety/orders", headers={"X-API-Key": member.api_key or ""},
                       json=order_body())
    assert sent.status_code == 201, sent.text
    order_id = sent.json()["id"]
    assert session.query(SafetyMatch).filter_by(alert_id=order_id).count() == 0
    make_worker(runtime).work(burst=True)
    match = session.query(SafetyMatch).filter_by(alert_id=order_id).one()
    assert (match.offer_id, match.confidence) == (offer.id, "high")
    case = session.get(Case, match.case_id)
    alert = session.get(SafetyAlert, order_id)
    assert case is not None and alert is not None
    assert (case.kind, case.priority, case.due_at) == ("safety", 1, alert.due_at)
    shown = client.get(f"/v1/safety/orders/{order_id}",
                       headers={"X-API-Key": member.api_key or ""}).json()
    assert offer.marketplace_id in str(shown)


def test_the_feed_directory_is_imported_once_and_matched(
        session: Session, runtime: Runtime, redis: Redis, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(SAMPLE, tmp_path / "week-05.json")
    monkeypatch.setenv("SAFETY_FEED_DIR", str(tmp_path))
    get_settings.cache_clear()
    first = tasks.import_safety_feed()
    assert first["files"] == 1 and first["alerts"] > 30
    assert tasks.import_safety_feed() == {"files": 0, "alerts": 0}
    alert = session.query(SafetyAlert).filter_by(source="safety_gate").first()
    assert alert is not None and alert.due_at is not None
    assert alert.due_at - alert.received_at >= timedelta(days=3)  # three working days
    make_worker(runtime).work(burst=True)
    assert session.query(SafetyAlert).filter(SafetyAlert.matched_at.is_not(None)).count() > 30


def test_leads_are_warned_before_a_safety_deadline(session: Session, redis: Redis) -> None:
    offer = make_offer(session, title="Grzejnik Termix TX-2000", brand="Termix", gtins=[])
    session.add(Case(kind="safety", offer_id=offer.id, status="open", priority=1,
                     reason_code="SAFETY_ALERT", source="safety_gate",
                     due_at=utcnow() + timedelta(hours=2), opened_at=utcnow()))
    session.commit()
    assert tasks.warn_deadlines() == 1
    assert tasks.warn_deadlines() == 0  # warned once
    assert session.query(OutboxMessage).filter_by(kind="leads.deadline_warning").count() == 1
