"""`import-safety-gate` under faults: Redis restarted mid-import, and every database
connection of the import terminated again and again. Each alert stored once, every alert
matched (each copy of one alert the same offers), no duplicate case."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from tests.faults.checks import (
    assert_alerts_matched,
    assert_alerts_stored_once,
    assert_nothing_lost,
    pending_offers,
    stored_alerts,
)
from tests.faults.conftest import SAFETY_SAMPLE, Stack, wait_until, write_offers
from tests.faults.services import Cutter, RedisServer

pytestmark = pytest.mark.faults

OFFERS = 300
# The sample's 36 alerts, each under this many numbers: a file of 720 alerts in chunks of
# 10, so that the faults land between and inside its 72 transactions.
COPIES = 20
CHUNK = "10"
CUT_EVERY_SECONDS = 0.5


def write_alerts(path: Path) -> list[str]:
    """The sample's alerts, each copied under numbers of its own ("A12/00139/20-c7")."""
    rows = json.loads(SAFETY_SAMPLE.read_text(encoding="utf-8"))
    copies = [{**row, "Alert number": f"{row['Alert number']}-c{k}"}
              for k in range(COPIES) for row in rows]
    path.write_text(json.dumps(copies, ensure_ascii=False), encoding="utf-8")
    return [row["Alert number"] for row in copies]


def offers_screened(stack: Stack, db: Engine, tmp_path: Path) -> list[str]:
    """Offers (some with an alerted barcode) imported and screened, so matching finds some."""
    path = tmp_path / "offers.ndjson"
    mids = write_offers(path, OFFERS, safety_every=30)
    imported = stack.run("import-offers", str(path))
    assert imported.returncode == 0, imported.stderr[-2000:]
    wait_until(lambda: pending_offers(db) == 0, seconds=120, what="every offer screened")
    return mids


def assert_copies_matched_alike(engine: Engine) -> int:
    """Each copy of one sample alert matched the same offers, once each; the matches."""
    with engine.connect() as conn:
        per_copy = conn.execute(text(
            "SELECT split_part(a.number, '-c', 1), a.number, count(m.id), "
            "count(DISTINCT m.offer_id) FROM safety_alerts a "
            "LEFT JOIN safety_matches m ON m.alert_id = a.id GROUP BY a.number")).all()
    by_original: dict[str, set[int]] = {}
    for original, _, matches, offers in per_copy:
        assert matches == offers, "an offer matched twice by one alert"
        by_original.setdefault(original, set()).add(matches)
    unequal = {o: n for o, n in by_original.items() if len(n) > 1}
    assert not unequal, f"copies of one alert matched differently: {unequal}"
    return sum(int(m) for _, _, m, _ in per_copy)


def test_redis_restarted_mid_safety_gate_import_loses_no_matching(
        stack: Stack, db: Engine, redis_server: RedisServer, tmp_path: Path) -> None:
    worker = stack.spawn("worker", "worker")
    mids = offers_screened(stack, db, tmp_path)
    numbers = write_alerts(tmp_path / "alerts.json")
    importer = stack.spawn("safety", "import-safety-gate", str(tmp_path / "alerts.json"),
                           "--chunk", CHUNK)
    # Stored, and its matching queued (and maybe done): the restart loses every queued job.
    wait_until(lambda: stored_alerts(db) >= len(numbers) // 3, seconds=90,
               what="the import to get on", tick=0.05)
    mid_import = importer.poll() is None
    redis_server.restart(down_seconds=1.5)
    assert importer.wait(timeout=120) == 0, stack.log_of(importer)[-3000:]
    wait_until(lambda: _unmatched(db) == 0, seconds=180, what="every alert matched")
    assert worker.poll() is None, "the worker outlived the restart"
    assert mid_import, "Redis went away while the import ran"
    assert_alerts_stored_once(db, numbers)
    alerts, matches = assert_alerts_matched(db)
    assert assert_copies_matched_alike(db) == matches >= COPIES
    assert_nothing_lost(db, mids)
    print(f"faults: {alerts} alerts imported across a Redis restart, {matches} matches")


def test_connections_of_the_safety_gate_import_cut_again_and_again(
        stack: Stack, db: Engine, redis_server: RedisServer, tmp_path: Path) -> None:
    worker = stack.spawn("worker", "worker")
    mids = offers_screened(stack, db, tmp_path)
    numbers = write_alerts(tmp_path / "alerts.json")
    with Cutter(db, ["faults-safety"], every=CUT_EVERY_SECONDS) as cutter:
        importer = stack.spawn("safety", "import-safety-gate", str(tmp_path / "alerts.json"),
                               "--chunk", CHUNK, app="faults-safety")
        assert importer.wait(timeout=180) == 0, stack.log_of(importer)[-3000:]
    log = stack.log_of(importer)
    wait_until(lambda: _unmatched(db) == 0, seconds=180, what="every alert matched")
    assert worker.poll() is None
    assert cutter.connections >= 3, f"only {cutter.connections} connections were cut"
    assert "run again after an outage" in log, "the cuts hit the import's transactions"
    assert_alerts_stored_once(db, numbers)
    alerts, matches = assert_alerts_matched(db)
    assert assert_copies_matched_alike(db) == matches >= COPIES
    assert_nothing_lost(db, mids)
    print(f"faults: {alerts} alerts imported, {cutter.rounds} cut rounds "
          f"({cutter.connections} connections terminated), {matches} matches")


def _unmatched(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(
            "SELECT count(*) FROM safety_alerts WHERE status = 'active' AND matched_at IS NULL"
        )).scalar_one())
