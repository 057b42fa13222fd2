"""Jobs declared in a transaction go out after its commit, and never after a rollback."""

from __future__ import annotations

import pytest
from redis import Redis
from sqlalchemy.orm import Session

from moderation import jobs, queue
from tests.conftest import redis_down
from tests.factories import make_offer

INTERACTIVE = queue.Lane.INTERACTIVE


def _job(name: str) -> jobs.Job:
    return jobs.Job(queue.MATCH_ALERTS, ([1],), jobs.new_job_id(name), INTERACTIVE)


def _queued(redis: Redis) -> list[str]:
    return queue.get_queue(redis, INTERACTIVE).get_job_ids()


def test_a_declared_job_goes_out_only_when_the_transaction_commits(
        session: Session, redis: Redis) -> None:
    job = _job("kept")
    make_offer(session)  # the transaction the job depends on
    jobs.declare(session, job)
    session.flush()
    assert job.job_id not in _queued(redis), "a flush is not a commit"
    session.commit()
    assert job.job_id in _queued(redis)
    assert jobs.declared(session) == []


def test_a_rolled_back_transaction_sends_nothing(session: Session, redis: Redis) -> None:
    make_offer(session)
    session.commit()
    before = set(_queued(redis))
    make_offer(session)
    jobs.declare(session, _job("dropped"))
    session.rollback()
    session.commit()
    assert set(_queued(redis)) == before


def test_a_rolled_back_savepoint_drops_only_its_own_jobs(session: Session, redis: Redis) -> None:
    outer, inner = _job("outer"), _job("inner")
    jobs.declare(session, outer)
    nested = session.begin_nested()
    jobs.declare(session, inner)
    nested.rollback()
    assert jobs.declared(session) == [outer]
    session.commit()
    assert outer.job_id in _queued(redis) and inner.job_id not in _queued(redis)


def test_a_job_redis_refuses_is_logged_and_the_commit_stands(
        session: Session, redis: Redis, caplog: pytest.LogCaptureFixture) -> None:
    offer = make_offer(session)
    with redis_down(redis):
        session.commit()
    assert offer.id is not None and offer.queued_job  # stored, marked, for the sweep
    assert any("the sweep will" in r.getMessage() for r in caplog.records)
