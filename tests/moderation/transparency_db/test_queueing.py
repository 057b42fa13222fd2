"""A statement's submission follows its commit, and the sweep finds lost ones, once."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from redis import Redis
from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation import queue
from moderation.config import get_settings
from moderation.domain import Restriction
from moderation.runtime import Runtime
from moderation.tables import TdbSubmission, utcnow
from moderation.transparency_db import enqueue_statement
from tests.conftest import redis_down
from tests.fakes.tdb_server import TOKEN, FakeTdb, serving
from tests.statement_rows import make_statement
from workers import tasks
from workers.main import make_worker

pytestmark = pytest.mark.usefixtures("as_worker")


@pytest.fixture
def tdb(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeTdb]:
    """The fake database configured as the service's, and a sweep that checks every mark."""
    fake = FakeTdb()
    with serving(fake) as base:
        monkeypatch.setenv("TDB_URL", base)
        monkeypatch.setenv("TDB_TOKEN", TOKEN)
        monkeypatch.setenv("SWEEP_GRACE_SECONDS", "0")
        get_settings.cache_clear()
        yield fake
    get_settings.cache_clear()


def queued(redis: Redis) -> int:
    return sum(len(q) for q in queue.get_queues(redis))


def test_a_statement_is_sent_by_the_job_its_commit_queued(
        session: Session, runtime: Runtime, redis: Redis, tdb: FakeTdb) -> None:
    statement = make_statement(session)
    submission = enqueue_statement(session, statement, now=utcnow())
    assert submission is not None and submission.queued_job
    assert queued(redis) == 0, "nothing goes out before the commit"
    session.commit()
    assert queued(redis) == 1
    make_worker(runtime).work(burst=True)
    session.refresh(submission)
    assert submission.status == "sent" and statement.puid in tdb.stored


def test_a_strike_gets_no_submission(session: Session, tdb: FakeTdb) -> None:
    strike = make_statement(session, restriction=Restriction.STRIKE)
    assert enqueue_statement(session, strike, now=utcnow()) is None


def test_the_sweep_queues_lost_submissions_again_and_queued_ones_not(
        session: Session, runtime: Runtime, redis: Redis, tdb: FakeTdb) -> None:
    statement = make_statement(session)
    with redis_down(redis):
        enqueue_statement(session, statement, now=utcnow())
        session.commit()  # the job could not be queued: the commit stands
    assert queued(redis) == 0
    assert tasks.sweep()["tdb"] == 1
    assert tasks.sweep()["tdb"] == 0, "its job waits in the queue: not queued twice"
    make_worker(runtime).work(burst=True)
    assert statement.puid in tdb.stored and tdb.calls == [1]
    assert tasks.sweep()["tdb"] == 0, "sent work is not queued again"


def test_the_sweep_adopts_statements_written_without_a_submission(
        session: Session, runtime: Runtime, redis: Redis, tdb: FakeTdb) -> None:
    statement = make_statement(session)
    make_statement(session, restriction=Restriction.STRIKE)  # not for the database
    session.commit()
    assert tasks.sweep()["tdb"] == 1
    make_worker(runtime).work(burst=True)
    submission = session.scalar(select(TdbSubmission)
                                .where(TdbSubmission.statement_id == statement.id))
    assert submission is not None and submission.status == "sent"
    assert list(tdb.stored) == [statement.puid]
