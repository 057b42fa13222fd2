"""SIGKILL a worker mid-batch, again and again, while an import runs: nothing is lost."""

from __future__ import annotations

import random
import signal
import time
from pathlib import Path

import pytest
from rq.registry import StartedJobRegistry
from sqlalchemy import Engine, text

from moderation import queue
from tests.faults.checks import assert_nothing_lost, pending_offers
from tests.faults.conftest import Stack, wait_until, write_offers
from tests.faults.services import RedisServer

pytestmark = pytest.mark.faults

OFFERS = 2000
KILLS = 4


def screenings(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM screenings")).scalar_one())


def test_a_worker_killed_mid_batch_again_and_again_loses_nothing(
        stack: Stack, db: Engine, redis_server: RedisServer, tmp_path: Path) -> None:
    path = tmp_path / "offers.ndjson"
    mids = write_offers(path, OFFERS)
    redis = redis_server.client()
    started = StartedJobRegistry(queue=queue.get_queue(redis, queue.Lane.BULK))
    worker = stack.spawn("worker", "worker")
    importer = stack.spawn("import", "import-offers", str(path), "--chunk", "300")
    rng = random.Random(13)
    kills = mid_job = 0
    while kills < KILLS:
        before = screenings(db)
        # Killed once it is screening: its batches commit one by one, so the kill lands
        # between two transactions of a job, or inside one.
        wait_until(lambda before=before: screenings(db) > before, seconds=90,
                   what="the worker to screen")
        time.sleep(rng.uniform(0.05, 0.5))
        mid_job += started.count > 0
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=20)
        kills += 1
        worker = stack.spawn("worker", "worker")
    assert importer.wait(timeout=120) == 0, "the import saw no rejected line"
    wait_until(lambda: pending_offers(db) == 0, seconds=120, what="every offer screened")
    tally = assert_nothing_lost(db, mids)
    assert mid_job >= KILLS // 2, f"only {mid_job} of {KILLS} kills landed inside a job"
    print(f"faults: {tally.offers} offers, {kills} worker kills ({mid_job} mid-job), "
          f"{tally.blocked} blocked, {tally.reviewed} reviewed")
