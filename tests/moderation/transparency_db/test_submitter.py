"""The submitter against a local fake of the Transparency Database, over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation.config import Settings
from moderation.domain import Restriction, TdbSubmissionStatus
from moderation.runtime import Runtime
from moderation.tables import Statement, TdbSubmission, utcnow
from moderation.transparency_db import submitter
from moderation.transparency_db.client import BatchAnswer, TdbClient
from tests.fakes.tdb_server import TOKEN, FakeTdb, serving
from tests.statement_rows import make_bare_offer, make_statement

TIMEOUT = 0.5


class Clock:
    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def fake() -> Iterator[tuple[FakeTdb, Settings]]:
    tdb = FakeTdb()
    with serving(tdb) as base:
        yield tdb, Settings(tdb_url=base, tdb_token=TOKEN, tdb_timeout_seconds=TIMEOUT)


def pending_submissions(session: Session, n: int) -> list[int]:
    offer = make_bare_offer(session, gtins=["5901234123457"])
    rows = [TdbSubmission(statement_id=make_statement(session, offer=offer).id, attempts=0,
                          status="pending") for _ in range(n)]
    session.add_all(rows)
    session.flush()
    return [r.id for r in rows]


def rows(session: Session, ids: list[int]) -> list[TdbSubmission]:
    session.expire_all()
    return list(session.scalars(select(TdbSubmission).where(TdbSubmission.id.in_(ids))
                                .order_by(TdbSubmission.id)))


def puid_of(session: Session, submission: TdbSubmission) -> str:
    statement = session.get(Statement, submission.statement_id)
    assert statement is not None
    return statement.puid


def test_batches_of_at_most_a_hundred_all_sent_once(
        runtime: Runtime, session: Session, fake: tuple[FakeTdb, Settings]) -> None:
    tdb, settings = fake
    ids = pending_submissions(session, 250)
    summary = submitter.submit(runtime.sessionmaker, ids, settings=settings)
    assert tdb.calls == [100, 100, 50]
    assert summary.sent == 250
    done = rows(session, ids)
    assert {r.status for r in done} == {"sent"}
    assert all(r.uuid == tdb.stored[puid_of(session, r)]["uuid"] for r in done)
    assert tdb.stored[puid_of(session, done[0])]["content_id"] == {"EAN-13": "5901234123457"}
    # Run again (RQ delivers at least once): nothing more goes out.
    again = submitter.submit(runtime.sessionmaker, ids, settings=settings)
    assert again.sent == 0 and tdb.calls == [100, 100, 50]


def test_a_refused_statement_is_rejected_and_the_rest_of_its_batch_sent_again(
        runtime: Runtime, session: Session, fake: tuple[FakeTdb, Settings]) -> None:
    tdb, settings = fake
    ids = pending_submissions(session, 5)
    refused = puid_of(session, rows(session, ids)[3])
    tdb.refuse_puids = {refused}
    summary = submitter.submit(runtime.sessionmaker, ids, settings=settings)
    assert tdb.calls == [5, 4]  # all or nothing: the first call created none
    assert (summary.sent, summary.rejected) == (4, 1)
    by_status = {r.id: r for r in rows(session, ids)}
    assert by_status[ids[3]].status == "rejected"
    assert "category" in (by_status[ids[3]].last_error or "")
    assert refused not in tdb.stored and len(tdb.stored) == 4


def test_what_our_rules_refuse_is_never_sent(
        runtime: Runtime, session: Session, fake: tuple[FakeTdb, Settings]) -> None:
    tdb, settings = fake
    ids = pending_submissions(session, 2)
    bad = session.get(Statement, rows(session, ids)[0].statement_id)
    assert bad is not None
    bad.facts = "Seller reachable at jan@example.com"
    session.flush()
    summary = submitter.submit(runtime.sessionmaker, ids, settings=settings)
    assert (summary.sent, summary.rejected) == (1, 1)
    assert tdb.calls == [1]
    assert "personal data" in (rows(session, ids)[0].last_error or "")


@pytest.mark.parametrize("failure", ["500 after commit", "timeout after commit"])
def test_an_uncertain_batch_is_looked_up_and_not_sent_twice(
        runtime: Runtime, session: Session, fake: tuple[FakeTdb, Settings],
        failure: str) -> None:
    tdb, settings = fake
    clock = Clock()
    ids = pending_submissions(session, 3)
    if failure.startswith("500"):
        tdb.fail_after_commit_next = 1
    else:
        tdb.hang_after_commit_next = 1
    first = submitter.submit(runtime.sessionmaker, ids, settings=settings, clock=clock)
    assert first.deferred == 3 and len(tdb.stored) == 3  # created, but we were not told
    waiting = rows(session, ids)
    assert all(r.status == "pending" and r.sending_since is not None for r in waiting)
    assert all(r.queued_at == r.next_attempt_at for r in waiting)
    clock.advance(submitter.backoff(1).total_seconds() + 5)
    second = submitter.submit(runtime.sessionmaker, ids, settings=settings, clock=clock)
    assert second.found == 3 and second.sent == 0
    assert tdb.calls == [3] and len(tdb.lookups) == 3
    assert all(r.status == "sent" and r.uuid for r in rows(session, ids))


def test_an_uncertain_batch_the_lookup_cannot_see_yet_is_refused_as_duplicate(
        runtime: Runtime, session: Session, fake: tuple[FakeTdb, Settings]) -> None:
    tdb, settings = fake
    clock = Clock()
    ids = pending_submissions(session, 3)
    tdb.fail_after_commit_next, tdb.lookup_blind = 1, True  # the lookup's 24-hour delay
    submitter.submit(runtime.sessionmaker, ids, settings=settings, clock=clock)
    clock.advance(3600)
    summary = submitter.submit(runtime.sessionmaker, ids, settings=settings, clock=clock)
    assert summary.found == 3
    assert tdb.calls == [3, 3] and len(tdb.stored) == 3  # the second call created nothing
    assert {r.status for r in rows(session, ids)} == {"sent"}


class _KilledAfterSending(TdbClient):
    """A worker killed after the batch went out, before its answer was written down."""

    def post_batch(self, records: list[dict[str, Any]]) -> BatchAnswer:
        super().post_batch(records)
        raise SystemExit("killed")


def test_a_restart_between_sending_and_marking_sends_nothing_twice(
        runtime: Runtime, session: Session, fake: tuple[FakeTdb, Settings]) -> None:
    tdb, settings = fake
    clock = Clock()
    ids = pending_submissions(session, 4)
    with pytest.raises(SystemExit), _KilledAfterSending(settings) as dying:
        submitter.submit(runtime.sessionmaker, ids, settings=settings, clock=clock,
                         client=dying)
    assert all(r.sending_since is not None for r in rows(session, ids))
    # Another job right away leaves the batch alone: it may still be in flight.
    assert submitter.submit(runtime.sessionmaker, ids, settings=settings, clock=clock).found == 0
    clock.advance(2 * TIMEOUT + 2)
    summary = submitter.submit(runtime.sessionmaker, ids, settings=settings, clock=clock)
    assert summary.found == 4 and tdb.calls == [4]
    assert {r.status for r in rows(session, ids)} == {"sent"}


def test_a_429_is_waited_out_as_retry_after_says(
        runtime: Runtime, session: Session, fake: tuple[FakeTdb, Settings]) -> None:
    tdb, settings = fake
    ids = pending_submissions(session, 2)
    tdb.rate_limit_next, tdb.retry_after = 1, "2"
    slept: list[float] = []
    summary = submitter.submit(runtime.sessionmaker, ids, settings=settings,
                               sleep=slept.append)
    assert slept == [2.0] and summary.sent == 2 and tdb.calls == [2]


def test_a_429_that_lasts_leaves_the_batch_for_later(
        runtime: Runtime, session: Session, fake: tuple[FakeTdb, Settings]) -> None:
    tdb, settings = fake
    clock = Clock()
    ids = pending_submissions(session, 2)
    tdb.rate_limit_next, tdb.retry_after = 10, "600"  # more than the limiter's minute
    slept: list[float] = []
    summary = submitter.submit(runtime.sessionmaker, ids, settings=settings, clock=clock,
                               sleep=slept.append)
    assert slept == [60.0] * 3 and summary.deferred == 2 and not tdb.stored
    later = rows(session, ids)
    assert all(r.status == TdbSubmissionStatus.PENDING and r.sending_since is None
               for r in later)
    assert all(r.next_attempt_at == clock.now + timedelta(seconds=60) for r in later)


def test_a_refused_token_sends_nothing_and_keeps_the_work(
        runtime: Runtime, session: Session, fake: tuple[FakeTdb, Settings]) -> None:
    tdb, settings = fake
    ids = pending_submissions(session, 2)
    wrong = settings.model_copy(update={"tdb_token": "wrong"})
    summary = submitter.submit(runtime.sessionmaker, ids, settings=wrong)
    assert summary.deferred == 2 and not tdb.stored
    assert all(r.status == "pending" and "401" in (r.last_error or "")
               for r in rows(session, ids))


def test_account_restrictions_go_with_offer_restrictions(
        runtime: Runtime, session: Session, fake: tuple[FakeTdb, Settings]) -> None:
    tdb, settings = fake
    statements = [make_statement(session, restriction=Restriction.SUSPENSION,
                                 ends_at=utcnow() + timedelta(days=7)),
                  make_statement(session)]
    subs = [TdbSubmission(statement_id=s.id, attempts=0, status="pending") for s in statements]
    session.add_all(subs)
    session.flush()
    summary = submitter.submit(runtime.sessionmaker, [s.id for s in subs], settings=settings)
    assert summary.sent == 2
    assert tdb.stored[statements[0].puid]["decision_account"] == "DECISION_ACCOUNT_SUSPENDED"
