"""Safety Gate imports on PostgreSQL: idempotent per alert number, feed directories per file."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from moderation.runtime import Runtime
from moderation.safety.alerts import codes_of
from moderation.safety.importer import MARKER, import_feed_directory, import_safety_gate
from moderation.tables import SafetyAlert

DATA = Path(__file__).parents[2] / "data" / "safety_gate"
SAMPLE = DATA / "alerts_sample.json"
FEED = DATA / "weekly_feed.xml"
NOW = datetime(2020, 2, 3, 9, 0, tzinfo=UTC)


def alerts_in(session: Session, number: str) -> list[SafetyAlert]:
    return list(session.scalars(select(SafetyAlert).where(SafetyAlert.number == number)))


def count_alerts(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(SafetyAlert)) or 0


def test_importing_the_sample_twice_creates_nothing_the_second_time(session: Session) -> None:
    first = import_safety_gate(session, SAMPLE, now=NOW)
    session.commit()
    second = import_safety_gate(session, SAMPLE, now=NOW + timedelta(days=7))
    session.commit()
    assert (len(first.created), first.updated, first.unchanged, first.rejected) == (36, [], 0, [])
    assert (second.created, second.updated, second.unchanged) == ([], [], 36)
    assert second.alert_ids == []
    assert count_alerts(session) == 36
    [bunny] = alerts_in(session, "A12/00049/19")
    assert [(c.kind, c.value) for c in codes_of(session, bunny.id)][:2] == [
        ("gtin", "05635235514906"), ("gtin", "05635235514883")]
    assert len(codes_of(session, bunny.id)) == 7


def write_alerts(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_changed_alert_is_updated_not_duplicated(session: Session, tmp_path: Path) -> None:
    rows = json.loads(SAMPLE.read_text(encoding="utf-8"))[:5]
    first = import_safety_gate(session, write_alerts(tmp_path / "w1.json", rows), now=NOW)
    rows[2]["Brand"] = "Mercedes-Benz"
    rows[2]["Barcode"] = "5901234123457"
    again = import_safety_gate(session, write_alerts(tmp_path / "w2.json", rows), now=NOW)
    number = rows[2]["Alert number"]
    [alert] = alerts_in(session, number)
    assert again.updated == [alert.id] == [first.created[2]]
    assert (again.created, again.unchanged) == ([], 4)
    assert (alert.brand, alert.brand_key) == ("Mercedes-Benz", "mercedes benz")
    assert [(c.kind, c.value) for c in codes_of(session, alert.id)] == [
        ("gtin", "05901234123457")]


def test_new_alerts_get_the_deadline_and_the_progress_bar_its_total(
    session: Session, tmp_path: Path
) -> None:
    calls: list[tuple[int, int]] = []
    summary = import_safety_gate(session, FEED, now=NOW, chunk=2,
                                 due_at=lambda received: received + timedelta(days=3),
                                 on_progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 4), (3, 4), (4, 4)]
    assert [(r.index, r.reason) for r in summary.rejected] == [(4, "no alert number")]
    [bear] = alerts_in(session, "A12/09001/20")
    assert (bear.received_at, bear.due_at) == (NOW, NOW + timedelta(days=3))
    assert (bear.source, bear.kind, bear.risk_level) == ("safety_gate", "notice", "serious")


def test_the_feed_directory_imports_each_file_once(session: Session, runtime: Runtime,
                                                   tmp_path: Path) -> None:
    feed = tmp_path / "feed"
    feed.mkdir()
    shutil.copy(SAMPLE, feed / "2020-w05.json")
    shutil.copy(FEED, feed / "2020-w06.xml")
    (feed / "notes.txt").write_text("not an export", encoding="utf-8")
    (feed / "broken.xml").write_text("<notifications><notification>", encoding="utf-8")

    first = import_feed_directory(runtime.sessionmaker, feed, now=NOW)
    assert [(s.file, len(s.created), s.error is None) for s in first] == [
        ("2020-w05.json", 36, True), ("2020-w06.xml", 3, True), ("broken.xml", 0, False)]
    assert count_alerts(session) == 39
    marked = (feed / MARKER).read_text(encoding="utf-8").splitlines()
    assert sorted(line.split("  ")[1] for line in marked) == ["2020-w05.json", "2020-w06.xml"]

    # only the unreadable file is tried again
    again = import_feed_directory(runtime.sessionmaker, feed, now=NOW)
    assert [s.file for s in again] == ["broken.xml"]

    # a file rewritten under the same name is imported again; only its changes count
    rows = json.loads(SAMPLE.read_text(encoding="utf-8"))
    rows[0]["Brand"] = "Bombka"
    write_alerts(feed / "2020-w05.json", rows)
    (feed / "broken.xml").unlink()
    changed = import_feed_directory(runtime.sessionmaker, feed, now=NOW)
    assert [(s.file, s.created, len(s.updated), s.unchanged) for s in changed] == [
        ("2020-w05.json", [], 1, 35)]
    assert changed[0].alert_ids == [a.id for a in alerts_in(session, rows[0]["Alert number"])]
    assert import_feed_directory(runtime.sessionmaker, feed, now=NOW) == []
