"""Two workers flood at once on PostgreSQL with real commits: one trip, one message, one entry."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from redis import Redis
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session, sessionmaker

from moderation.config import get_settings
from moderation.runtime import Runtime
from moderation.screening import batches, flood
from moderation.tables import AuditEntry, FloodTrip, OutboxMessage, Screening, utcnow
from tests.factories import make_offer
from tests.moderation.screening.guard_packs import PLAIN_TITLE, rule, write_pack

WORKERS = 2


@pytest.fixture
def runtime(pg_engine: Engine, redis: Redis, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
            ) -> Iterator[Runtime]:
    """Workers' runtime on a test pack, committing for real."""
    directory = write_pack(tmp_path / "rules" / "packs", rule("test.sudden", "zzsudden"))
    monkeypatch.setenv("RULES_DIR", str(directory))
    monkeypatch.setenv("FLOOD_MIN_OFFERS", "20")
    get_settings.cache_clear()
    yield Runtime.build(get_settings(), bind=pg_engine, redis=redis)
    with pg_engine.begin() as conn:
        conn.execute(text(
            "TRUNCATE flood_counts, flood_trips, shadow_screenings, audit_log, outbox, "
            "decisions, case_sources, cases, screenings, offer_keys, offer_versions, offers, "
            "sellers, staff RESTART IDENTITY CASCADE"))


@pytest.fixture
def committed(runtime: Runtime) -> sessionmaker[Session]:
    return runtime.sessionmaker


def _offers(s: Session, word: str, n: int) -> list[int]:
    return [make_offer(s, title=f"{PLAIN_TITLE} {word}".strip(), brand=None).id
            for _ in range(n)]


def test_racing_workers_trip_a_rule_once(runtime: Runtime, committed: sessionmaker[Session],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    with committed() as s:
        _offers(s, "zzsudden", 1)
        _offers(s, "", 99)
        with monkeypatch.context() as m:  # an ordinary half hour ago
            m.setattr(batches, "utcnow", lambda: utcnow() - timedelta(minutes=30))
            batches.screen_pending(s, runtime.screener, limit=1000)
        batch_ids = [_offers(s, "zzsudden", 40) for _ in range(WORKERS)]
        s.commit()

    start = threading.Barrier(WORKERS)
    errors: list[BaseException] = []

    def worker(ids: list[int]) -> None:
        try:
            start.wait()
            with committed() as s:
                batches.screen_pending(s, runtime.screener, offer_ids=ids)
                s.commit()
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(ids,)) for ids in batch_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors

    with committed() as s:
        # The rule floods, and so does the pack version it is the only rule of: one trip
        # each, and per trip one message and one audit entry, though both workers saw it.
        stored = sorted(s.scalars(select(FloodTrip)), key=lambda t: (t.kind, t.name))
        trips = [(t.kind, t.name) for t in stored]
        assert [kind for kind, _ in trips] == ["rule", "rules"] and trips[0][1] == "test.sudden"
        messages = sorted(m.payload["subject"] for m in s.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == flood.MESSAGE)))
        assert messages == [flood.label(t) for t in trips]
        assert sorted(e.entity_id for e in s.scalars(select(AuditEntry).where(
            AuditEntry.action == flood.TRIPPED))) == sorted(t.id for t in stored)
        # Whichever worker lost the race still kept the flood out of the queue.
        every = [i for ids in batch_ids for i in ids]
        assert set(s.scalars(select(Screening.route).where(
            Screening.offer_id.in_(every)))) == {"allow"}
