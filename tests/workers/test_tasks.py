from __future__ import annotations

import time
from datetime import timedelta

import pytest
from redis import Redis
from rq import Queue
from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation import queue
from moderation.runtime import Runtime
from moderation.tables import Screening, utcnow
from tests.factories import make_offer
from workers import tasks
from workers.main import PRUNE_FLOOD_COUNTS, make_worker, tick

pytestmark = pytest.mark.usefixtures("as_worker")


def _screened(session: Session, offer_id: int) -> int:
    return len(session.scalars(select(Screening).where(Screening.offer_id == offer_id)).all())


def test_offers_arriving_together_share_one_window_job(session: Session, runtime: Runtime,
                                                      redis: Redis) -> None:
    offers = [make_offer(session) for _ in range(5)]
    q: Queue = queue.get_queue(redis, queue.Lane.INTERACTIVE)
    assert len(q) == 0, "nothing goes out before the commit"
    session.commit()
    assert 1 <= len(q) <= 2, "five offers in one short window must not become five jobs"
    make_worker(runtime).work(burst=True)
    assert all(_screened(session, o.id) == 1 for o in offers)
    assert len({o.queued_job for o in offers}) <= 2


def test_an_offer_committed_after_its_window_was_read_is_screened_without_the_sweep(
        session: Session, runtime: Runtime, redis: Redis) -> None:
    # The load test found offers marked with a window job that had finished without them:
    # the window is chosen before the commit, the id sent after it.
    offer = make_offer(session)
    window = int(offer.queued_job.removeprefix("screen-window-"))
    key = queue.WINDOW_KEY.format(window)
    redis.set(key + ":job", 1)  # an earlier offer of the window enqueued its job ...
    assert queue.take_window_ids(redis, window) == []  # ... which has read the ids
    session.commit()  # this commit comes late
    make_worker(runtime).work(burst=True)
    session.refresh(offer)
    assert _screened(session, offer.id) == 1 and offer.needs_screening is False


def test_a_job_delivered_twice_screens_once(session: Session, redis: Redis) -> None:
    offer = make_offer(session)
    session.commit()
    assert tasks.screen_offers([offer.id])["screened"] == 1
    assert tasks.screen_offers([offer.id])["screened"] == 0
    assert _screened(session, offer.id) == 1


def test_sweep_requeues_an_offer_whose_enqueue_was_lost(session: Session, runtime: Runtime,
                                                       redis: Redis) -> None:
    offer = make_offer(session)
    offer.updated_at = offer.queued_at = utcnow() - timedelta(minutes=10)
    session.commit()
    redis.flushdb()  # committed, but its job never reached the queue
    assert tasks.sweep()["requeued"] == 1
    make_worker(runtime).work(burst=True)
    session.refresh(offer)
    assert _screened(session, offer.id) == 1 and offer.needs_screening is False


def test_sweep_leaves_alone_an_offer_whose_job_is_still_waiting(session: Session,
                                                                redis: Redis) -> None:
    offer = make_offer(session)
    offer.updated_at = offer.queued_at = utcnow() - timedelta(minutes=10)
    session.commit()  # its window job waits on the queue, however long ago it was queued
    assert tasks.sweep()["requeued"] == 0
    assert len(queue.get_queue(redis, queue.Lane.BULK)) == 0


def test_tick_enqueues_periodic_jobs_once_per_period_across_workers(redis: Redis) -> None:
    tick(redis, interval=60)
    tick(redis, interval=60)  # a second worker in the same period
    # each periodic job once, on the periodic lane
    periodic = queue.get_queue(redis, queue.Lane.PERIODIC)
    assert sorted(job.func_name for job in periodic.jobs) == sorted([
        queue.DELIVER_OUTBOX, queue.EXPIRE_STRIKES, queue.SWEEP, queue.WARN_DEADLINES,
        queue.IMPORT_SAFETY_FEED, PRUNE_FLOOD_COUNTS, queue.PURGE_RETENTION,
        queue.REMIND_FEEDBACK])


def test_tick_does_not_queue_a_periodic_job_behind_its_own_waiting_run(redis: Redis) -> None:
    tick(redis, interval=1)
    periodic = queue.get_queue(redis, queue.Lane.PERIODIC)
    waiting = len(periodic)
    time.sleep(1.05)  # the next period: without the check, each job would be queued again
    tick(redis, interval=1)
    assert len(periodic) == waiting


def test_deliver_outbox_marks_messages_sent(session: Session, redis: Redis) -> None:
    from moderation.tables import OutboxMessage

    session.add(OutboxMessage(kind="seller.statement_of_reasons", recipient="seller:x",
                              payload={"a": 1}, status="pending", attempts=0))
    session.commit()
    assert tasks.deliver_outbox() >= 1
    assert session.scalar(select(OutboxMessage.status)
                          .where(OutboxMessage.recipient == "seller:x")) == "sent"


def test_expire_strikes_job_recounts_sellers(session: Session) -> None:
    from datetime import timedelta

    from moderation.tables import Seller, Strike, utcnow
    from tests.notice_builders import remove_on_notice

    removed = remove_on_notice(session)
    seller = session.get(Seller, removed.offer.seller_id)
    assert seller is not None and seller.strikes == 1
    strike = session.query(Strike).filter_by(seller_id=seller.id).one()
    strike.expires_at = utcnow() - timedelta(seconds=1)
    session.commit()
    assert tasks.expire_strikes() == 1
    session.refresh(seller)
    assert seller.strikes == 0
