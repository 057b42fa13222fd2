"""Pending work is found again by the sweep when its job was lost, and only then."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from redis import Redis
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from moderation import pending, queue
from moderation.intake.importer import import_offers
from moderation.runtime import Runtime
from moderation.tables import Case, SafetyAlert, Screening, utcnow
from tests.conftest import redis_down
from tests.factories import make_offer, offer_event
from tests.moderation.safety.test_authority import authority_org, order_body
from workers import tasks
from workers.main import make_worker

pytestmark = pytest.mark.usefixtures("as_worker")


def test_an_order_taken_while_redis_is_down_is_matched_once_it_returns(
        session: Session, runtime: Runtime, client: TestClient, redis: Redis,
        no_grace: None) -> None:
    offer = make_offer(session, title="Hulajnoga elektryczna Żwawa ZW-200 dla dzieci",
                       brand="Żwawa")
    session.commit()
    make_worker(runtime).work(burst=True)  # screened and indexed
    _, member = authority_org(session)
    session.commit()
    with redis_down(redis):
        response = client.post("/v1/safety/orders", headers={"X-API-Key": member.api_key},
                               json=order_body(reference="DIH.7231.404.2026"))
    assert response.status_code == 201, response.text  # stored: the authority is done
    order_id = response.json()["id"]
    assert all(len(q) == 0 for q in queue.get_queues(redis)), "nothing reached the queue"

    assert tasks.sweep()["match"] == 1  # Redis is back: the next tick's sweep finds it
    make_worker(runtime).work(burst=True)
    alert = session.get(SafetyAlert, order_id, populate_existing=True)
    assert alert is not None and alert.matched_at is not None
    assert session.scalar(select(Case.id).where(Case.offer_id == offer.id,
                                                Case.kind == "safety")) is not None
    report = client.get(f"/v1/safety/orders/{order_id}",
                        headers={"X-API-Key": member.api_key}).json()
    assert report["matched_offers"] == 1
    assert tasks.sweep()["match"] == 0, "matched work is not queued again"


def test_an_import_waiting_behind_one_slow_worker_is_not_queued_twice(
        session: Session, runtime: Runtime, redis: Redis, no_grace: None,
        tmp_path: Path) -> None:
    total = 20_000
    path = tmp_path / "offers.ndjson"
    with path.open("w", encoding="utf-8") as out:
        for _ in range(total):
            out.write(json.dumps(offer_event()) + "\n")
    summary = import_offers(runtime.sessionmaker, path, chunk=1_000)
    assert summary.accepted == total
    worker = make_worker(runtime)
    requeued = 0
    # One job at a time, a sweep after each: every mark is old enough to be checked.
    while any(len(q) for q in queue.get_queues(redis)):
        requeued += tasks.sweep()["screen"]
        worker.work(burst=True, max_jobs=1)
    requeued += tasks.sweep()["screen"]
    assert requeued / total < 0.01, f"{requeued} offers were queued while they only waited"
    screened = session.scalar(select(func.count(Screening.id))) or 0
    assert screened >= total
    assert session.scalar(select(func.count()).select_from(
        select(Screening.offer_id).group_by(Screening.offer_id)
        .having(func.count() > 1).subquery())) == 0, "an offer was screened twice"


def test_unmarked_work_is_found_only_after_the_grace_period(session: Session,
                                                           redis: Redis) -> None:
    offer = make_offer(session)
    offer.queued_job = offer.queued_at = None  # stored before the queue knew of it
    session.flush()
    grace = timedelta(minutes=1)
    assert offer.id not in pending.lost(session, pending.SCREENING, redis=redis, now=utcnow(),
                                        grace=grace, limit=100)
    offer.updated_at = utcnow() - timedelta(minutes=5)
    session.flush()
    assert offer.id in pending.lost(session, pending.SCREENING, redis=redis, now=utcnow(),
                                    grace=grace, limit=100)
