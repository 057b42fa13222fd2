"""`import-safety-gate` rides out PostgreSQL and Redis outages: each alert stored once, each
stored chunk's matching queued once, or found by the sweep."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from redis import Redis
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from moderation import outage, queue
from moderation.runtime import Runtime
from moderation.safety import importer
from moderation.safety.alerts import StoreSummary
from moderation.tables import SafetyAlert
from tests.commit_cuts import cut_off, first_commit_cut
from tests.conftest import redis_down
from workers import tasks

SAMPLE = Path(__file__).parents[2] / "data" / "safety_gate" / "alerts_sample.json"
ALERTS = 36  # in the sample; chunks of 10 make four transactions


def matching_jobs(redis: Redis) -> list[Any]:
    return queue.get_queue(redis, queue.Lane.INTERACTIVE).get_jobs()


def marks(session: Session) -> dict[str | None, int]:
    return dict(session.execute(select(SafetyAlert.queued_job, func.count())
                                .group_by(SafetyAlert.queued_job)).all())


def test_a_chunk_cut_off_during_its_commit_is_not_run_again(
        runtime: Runtime, session: Session, redis: Redis,
        monkeypatch: pytest.MonkeyPatch) -> None:
    stores = 0
    real_store = importer.store_alerts

    def counting_store(*args: Any, **kwargs: Any) -> StoreSummary:
        nonlocal stores
        stores += 1
        return real_store(*args, **kwargs)

    monkeypatch.setattr(importer, "store_alerts", counting_store)
    monkeypatch.setattr(outage, "session_scope", first_commit_cut())
    summary = importer.import_safety_gate_file(runtime.sessionmaker, SAMPLE, chunk=10,
                                               outage_seconds=5)
    assert (len(summary.created), summary.unchanged) == (ALERTS, 0), "not redone as unchanged"
    assert (summary.retried_chunks, stores, summary.matching_jobs) == (1, 4, 4)
    jobs = matching_jobs(redis)
    assert len(jobs) == 4, "one matching job per chunk, none twice"
    assert marks(session) == {job.id: n for job, n in zip(jobs, (10, 10, 10, 6), strict=True)}


def test_jobs_redis_did_not_take_go_out_once_it_answers(
        runtime: Runtime, redis: Redis) -> None:
    away = ExitStack()

    def progress(done: int, total: int) -> None:
        if done == 0:
            away.enter_context(redis_down(redis))  # before the first chunk's commit
        elif done == 20:
            away.close()  # back after the second

    summary = importer.import_safety_gate_file(runtime.sessionmaker, SAMPLE, chunk=10,
                                               on_progress=progress, outage_seconds=5)
    assert (len(summary.created), summary.matching_jobs, summary.left_to_sweep) == (
        ALERTS, 4, 0)
    assert len(matching_jobs(redis)) == 4


@pytest.mark.usefixtures("as_worker")
def test_alerts_whose_job_never_went_out_are_found_by_the_sweep(
        runtime: Runtime, session: Session, redis: Redis, no_grace: None) -> None:
    with redis_down(redis):
        summary = importer.import_safety_gate_file(runtime.sessionmaker, SAMPLE, chunk=10,
                                                   outage_seconds=0.5)
    assert (len(summary.created), summary.matching_jobs, summary.left_to_sweep) == (
        ALERTS, 0, 4)
    assert matching_jobs(redis) == []
    assert tasks.sweep()["match"] == ALERTS, "the sweep finds every alert never matched"
    assert len(matching_jobs(redis)) == 1
    assert tasks.sweep()["match"] == 0, "queued again once only"


def test_a_database_away_past_the_allowance_stops_with_the_summary(
        runtime: Runtime, session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    real_store = importer.store_alerts
    chunks = 0

    def dies_at_the_third_chunk(*args: Any, **kwargs: Any) -> StoreSummary:
        nonlocal chunks
        chunks += 1
        if chunks >= 3:
            raise cut_off("SELECT ...")
        return real_store(*args, **kwargs)

    monkeypatch.setattr(importer, "store_alerts", dies_at_the_third_chunk)
    with pytest.raises(importer.ImportStopped) as stopped:
        importer.import_safety_gate_file(runtime.sessionmaker, SAMPLE, chunk=10,
                                         outage_seconds=0.3)
    assert len(stopped.value.summary.created) == 20
    assert str(stopped.value).startswith("stopped after 20 alerts")
    assert session.scalar(select(func.count()).select_from(SafetyAlert)) == 20
