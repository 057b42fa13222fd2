"""Restart Redis (a server of the test's own, without persistence) mid-import: nothing lost."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.faults.checks import assert_nothing_lost, pending_offers, stored_offers
from tests.faults.conftest import Stack, wait_until, write_offers
from tests.faults.services import RedisServer

pytestmark = pytest.mark.faults

OFFERS = 2000
RESTARTS = 2


def test_redis_restarted_mid_import_loses_nothing(
        stack: Stack, db: Engine, redis_server: RedisServer, tmp_path: Path) -> None:
    path = tmp_path / "offers.ndjson"
    mids = write_offers(path, OFFERS)
    # A worker started while Redis is away waits for it instead of exiting.
    redis_server.stop()
    worker = stack.spawn("worker", "worker")
    wait_until(lambda: "Redis unreachable" in stack.log_of(worker), seconds=90,
               what="the worker to find Redis away")
    redis_server.start()
    importer = stack.spawn("import", "import-offers", str(path), "--chunk", "100")
    mid_import = 0
    for n in range(1, RESTARTS + 1):
        # Each restart loses every queued job, the workers' registrations and the
        # coalescing windows: only what the database remembers survives.
        wait_until(lambda n=n: stored_offers(db, mids) >= n * OFFERS // (RESTARTS + 2),
                   seconds=90, what="the import to get on", tick=0.05)
        mid_import += importer.poll() is None
        redis_server.restart(down_seconds=1.5)
    assert importer.wait(timeout=120) == 0, "the import rode out the restarts"
    wait_until(lambda: pending_offers(db) == 0, seconds=120, what="every offer screened")
    assert worker.poll() is None, "the worker outlived the restarts"
    tally = assert_nothing_lost(db, mids)
    assert mid_import >= 1
    print(f"faults: {tally.offers} offers, {redis_server.restarts} Redis restarts "
          f"({mid_import} mid-import), {tally.blocked} blocked, {tally.reviewed} reviewed")
