"""Single offers in flight together are written in one transaction, each answered its own way.

The events are handed to the groups all at once (asyncio.gather): the writer starts after
every one of them waits, so they form one group. The database refusing an event is real
(a trigger on the test's transaction, rolled back with it).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from prometheus_client import REGISTRY
from redis import Redis
from sqlalchemy import event, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from api.intake_groups import IntakeGroups
from api.transactions import Attempt
from moderation import queue
from moderation.intake.offers import IngestOutcome, IngestResult
from moderation.retries import is_transient
from moderation.runtime import Runtime
from moderation.schemas import OfferIn
from moderation.tables import Offer
from tests.factories import offer_event


def groups_ended(outcome: str) -> float:
    return REGISTRY.get_sample_value("moderation_intake_group_size_count",
                                     {"outcome": outcome}) or 0.0


def events(n: int, **overrides: Any) -> list[OfferIn]:
    return [OfferIn.model_validate(offer_event(**overrides)) for _ in range(n)]


def written_together(runtime: Runtime, sent: list[OfferIn],
                     attempts: list[Attempt] | None = None
                     ) -> list[IngestResult | BaseException]:
    groups = IntakeGroups(runtime.sessionmaker, max_group=100)
    runs = attempts or [Attempt() for _ in sent]

    async def send_all() -> list[IngestResult | BaseException]:
        return await asyncio.gather(*(groups.ingest(e, a) for e, a in zip(sent, runs,
                                                                            strict=True)),
                                    return_exceptions=True)

    return asyncio.run(send_all())


@pytest.fixture
def commits(runtime: Runtime) -> Iterator[list[Session]]:
    """The sessions of the runtime that committed, in order."""
    seen: list[Session] = []

    def committed(session: Session) -> None:
        seen.append(session)

    event.listen(runtime.sessionmaker, "after_commit", committed)
    yield seen
    event.remove(runtime.sessionmaker, "after_commit", committed)


def refuse_titles(session: Session, title: str, *, sqlstate: str) -> None:
    """A trigger refusing offers with this title, raising this SQLSTATE."""
    session.execute(text(f"""
        CREATE FUNCTION refuse_offer() RETURNS trigger AS $$
        BEGIN
          IF NEW.title = '{title}' THEN
            RAISE EXCEPTION 'refused by the test' USING ERRCODE = '{sqlstate}';
          END IF;
          RETURN NEW;
        END $$ LANGUAGE plpgsql"""))
    session.execute(text("CREATE TRIGGER refuse_offer BEFORE INSERT ON offers "
                         "FOR EACH ROW EXECUTE FUNCTION refuse_offer()"))


def test_events_in_flight_together_are_written_in_one_commit(
        session: Session, runtime: Runtime, redis: Redis, commits: list[Session]) -> None:
    sent = events(10)
    attempts = [Attempt() for _ in sent]
    results = written_together(runtime, sent, attempts)
    assert [r.outcome for r in results if isinstance(r, IngestResult)] == [
        IngestOutcome.CREATED] * 10
    assert len(commits) == 1
    assert all(a.committed for a in attempts)
    ids = [r.offer_id for r in results if isinstance(r, IngestResult) and r.offer_id]
    stored = session.scalars(select(Offer).where(Offer.id.in_(ids))).all()
    assert {o.marketplace_id for o in stored} == {e.marketplace_id for e in sent}
    # Their screening went out in one request to the window every one is marked with.
    jobs = {o.queued_job for o in stored}
    assert len(jobs) == 1
    window = int(str(jobs.pop()).removeprefix("screen-window-"))
    queued = [int(x) for x in redis.lrange(queue.WINDOW_KEY.format(window), 0, -1)]
    assert sorted(queued) == sorted(ids)


def test_a_conflict_is_the_answer_of_its_own_event_only(session: Session,
                                                        runtime: Runtime) -> None:
    first = offer_event()
    assert isinstance(written_together(runtime, [OfferIn.model_validate(first)])[0],
                      IngestResult)
    resent_otherwise = OfferIn.model_validate({**first, "title": "Zupełnie inny tytuł"})
    results = written_together(runtime, [*events(1), resent_otherwise, *events(1)])
    assert [r.outcome for r in results if isinstance(r, IngestResult)] == [
        IngestOutcome.CREATED, IngestOutcome.CONFLICT, IngestOutcome.CREATED]


def test_an_event_the_database_refuses_fails_its_own_request_alone(
        session: Session, runtime: Runtime, commits: list[Session]) -> None:
    refuse_titles(session, "Zatruta oferta", sqlstate="P0001")
    sent = [*events(2), *events(1, title="Zatruta oferta"), *events(2)]
    attempts = [Attempt() for _ in sent]
    split_before = groups_ended("split")
    results = written_together(runtime, sent, attempts)
    assert groups_ended("split") == split_before + 1
    assert [isinstance(r, IngestResult) for r in results] == [True, True, False, True, True]
    assert isinstance(results[2], DBAPIError) and "refused by the test" in str(results[2])
    # The group failed as a whole, then each event was written on its own.
    assert len(commits) == 4
    assert [a.committed for a in attempts] == [True, True, False, True, True]
    stored = session.scalars(select(Offer.title).where(Offer.marketplace_id.in_(
        [e.marketplace_id for e in sent]))).all()
    assert len(stored) == 4 and "Zatruta oferta" not in stored


def test_a_lost_race_fails_every_request_of_the_group_and_stores_none(
        session: Session, runtime: Runtime, commits: list[Session]) -> None:
    # A serialization failure is the database's, not an event's: each request is served
    # again by RetryTransient, so the group is not split (that would write the others twice).
    refuse_titles(session, "Wyścig", sqlstate="40001")
    sent = [*events(2), *events(1, title="Wyścig")]
    attempts = [Attempt() for _ in sent]
    failed_before = groups_ended("failed")
    results = written_together(runtime, sent, attempts)
    assert groups_ended("failed") == failed_before + 1
    assert all(isinstance(r, DBAPIError) and is_transient(r) for r in results)
    assert commits == [] and not any(a.committed for a in attempts)
    assert session.scalars(select(Offer.id).where(Offer.marketplace_id.in_(
        [e.marketplace_id for e in sent]))).all() == []


def test_a_request_given_up_on_before_its_turn_is_not_written(session: Session,
                                                              runtime: Runtime) -> None:
    groups = IntakeGroups(runtime.sessionmaker, max_group=100)
    first, dropped = events(2)

    async def send() -> IngestResult:
        kept = asyncio.ensure_future(groups.ingest(first))
        gone = asyncio.ensure_future(groups.ingest(dropped))
        await asyncio.sleep(0)  # both wait now; the writer has not run yet
        gone.cancel()
        return await kept

    assert asyncio.run(send()).outcome is IngestOutcome.CREATED
    assert session.scalar(select(Offer.id).where(
        Offer.marketplace_id == dropped.marketplace_id)) is None


def test_requests_waiting_on_a_writer_that_is_stopped_do_not_wait_forever(
        session: Session, runtime: Runtime) -> None:
    groups = IntakeGroups(runtime.sessionmaker, max_group=100)

    async def send() -> list[IngestResult | BaseException]:
        waiting = [asyncio.ensure_future(groups.ingest(e)) for e in events(3)]
        await asyncio.sleep(0)  # each request waits; the writer is started
        await asyncio.sleep(0)  # the writer has taken the group and writes it in a thread
        assert groups._writer is not None
        groups._writer.cancel()  # as the server stopping does
        return await asyncio.wait_for(asyncio.gather(*waiting, return_exceptions=True), 10)

    assert all(isinstance(r, asyncio.CancelledError) for r in asyncio.run(send()))
