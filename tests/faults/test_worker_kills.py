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
# Kills go on past KILLS until half of them landed inside a job: on a loaded machine the
# worker can drain the queue faster than the import fills it, and a kill between jobs
# tests less. Bounded, so that a worker that never runs a job still fails the test.
MAX_KILLS = 3 * KILLS


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
    killed: set[tuple[str, str]] = set()  # executions a kill ended: their entries linger

    def running() -> set[tuple[str, str]]:
        """The jobs the living worker runs now (each run of a job is its own execution)."""
        return set(started.get_job_and_execution_ids()) - killed

    def finished() -> bool:
        return importer.poll() is not None and pending_offers(db) == 0

    kills = mid_job = 0
    while kills < KILLS or (mid_job < KILLS // 2 and kills < MAX_KILLS):
        before = screenings(db)

        def screening(before: int = before) -> bool:
            return bool(running()) and screenings(db) > before

        # Killed once it is screening: its batches commit one by one, so the kill lands
        # between two transactions of a job, or inside one.
        wait_until(lambda: finished() or screening(), seconds=90,
                   what="the worker to screen", tick=0.05)
        if finished():
            break
        time.sleep(rng.uniform(0.0, 0.2))
        inside = running()
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=20)
        kills += 1
        mid_job += bool(inside)
        killed |= inside
        worker = stack.spawn("worker", "worker")
    assert importer.wait(timeout=120) == 0, "the import saw no rejected line"
    wait_until(lambda: pending_offers(db) == 0, seconds=120, what="every offer screened")
    tally = assert_nothing_lost(db, mids)
    assert kills >= KILLS, f"the import ended after {kills} of {KILLS} kills"
    assert mid_job >= KILLS // 2, f"only {mid_job} of {kills} kills landed inside a job"
    print(f"faults: {tally.offers} offers, {kills} worker kills ({mid_job} mid-job), "
          f"{tally.blocked} blocked, {tally.reviewed} reviewed")
