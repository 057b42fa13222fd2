"""Cut every database connection under a running worker (and the import): nothing lost,
and every Safety Gate alert matched."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from tests.faults.checks import assert_alerts_matched, assert_nothing_lost, pending_offers
from tests.faults.conftest import SAFETY_SAMPLE, Stack, wait_until, write_offers
from tests.faults.services import Cutter, RedisServer

pytestmark = pytest.mark.faults

OFFERS = 2000
CUT_EVERY_SECONDS = 1.0
# What the worker and the import call themselves (libpq's PGAPPNAME), so that the cuts hit
# them and not the test's own connections nor the safety gate command (whose cuts are
# test_safety_gate_import.py's).
VICTIMS = ("faults-worker", "faults-import")


def test_connections_cut_under_a_running_worker_lose_nothing(
        stack: Stack, db: Engine, redis_server: RedisServer, tmp_path: Path) -> None:
    path = tmp_path / "offers.ndjson"
    mids = write_offers(path, OFFERS, safety_every=250)
    worker = stack.spawn("worker", "worker", app="faults-worker")
    with Cutter(db, VICTIMS, every=CUT_EVERY_SECONDS) as cutter:
        importer = stack.spawn("import", "import-offers", str(path), "--chunk", "200",
                               app="faults-import")
        assert importer.wait(timeout=180) == 0, "the import rode out the cuts"
        wait_until(lambda: pending_offers(db) == 0, seconds=120, what="every offer screened")
        # Alerts stored between two cuts, matched by the worker under them.
        imported = stack.run("import-safety-gate", str(SAFETY_SAMPLE))
        assert imported.returncode == 0, imported.stderr[-2000:]
        wait_until(lambda: _unmatched(db) == 0, seconds=120, what="every alert matched")
        time.sleep(2 * CUT_EVERY_SECONDS)  # one more cut after the matching: nothing undone
    assert worker.poll() is None, "the worker outlived the cuts"
    tally = assert_nothing_lost(db, mids)
    alerts, matches = assert_alerts_matched(db)
    assert cutter.connections >= 5, f"only {cutter.connections} connections were cut"
    assert matches >= 1, "the offers with an alerted barcode were found"
    print(f"faults: {tally.offers} offers, {cutter.rounds} cut rounds "
          f"({cutter.connections} connections terminated), {alerts} alerts matched "
          f"({matches} matches), {tally.blocked} blocked, {tally.reviewed} reviewed")


def _unmatched(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(
            "SELECT count(*) FROM safety_alerts WHERE status = 'active' AND matched_at IS NULL"
        )).scalar_one())
