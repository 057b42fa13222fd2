"""`import-offers` rides out PostgreSQL and Redis outages and resumes where it was."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from moderation import outage, queue
from moderation.intake import importer, offers
from moderation.runtime import Runtime
from moderation.screening.screener import Screener
from moderation.tables import Offer, Screening
from tests.commit_cuts import cut_off, first_commit_cut
from tests.conftest import runtime_on
from tests.factories import offer_event
from tests.faults.services import redis_server
from workers import tasks
from workers.context import running
from workers.main import make_worker


def write_offers(path: Path, n: int) -> list[str]:
    events = [offer_event() for _ in range(n)]
    path.write_text("".join(json.dumps(e) + "\n" for e in events), encoding="utf-8")
    return [e["marketplace_id"] for e in events]


def bulk_jobs(runtime: Runtime) -> list[Any]:
    return queue.get_queue(runtime.redis, queue.Lane.BULK).get_jobs()


def test_a_chunk_cut_off_during_its_commit_is_not_run_again(
        runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "offers.ndjson"
    write_offers(path, 30)
    ingests = 0
    real_ingest = offers.ingest_many

    def counting_ingest(*args: Any, **kwargs: Any) -> list[offers.IngestResult]:
        nonlocal ingests
        ingests += 1
        return real_ingest(*args, **kwargs)

    monkeypatch.setattr(importer.offers, "ingest_many", counting_ingest)
    monkeypatch.setattr(outage, "session_scope", first_commit_cut())
    summary = importer.import_offers(runtime.sessionmaker, path, chunk=10, outage_seconds=5)

    assert summary.outcomes == {"created": 30}, "the cut chunk was not redone as duplicates"
    assert summary.retried_chunks == 1
    assert ingests == 3, "three chunks, each ingested once"
    assert summary.enqueued_jobs == 3
    assert len(bulk_jobs(runtime)) == 3, "one screening job per chunk, none twice"


def test_a_chunk_cut_off_before_its_commit_is_run_again(
        runtime: Runtime, session: Session, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "offers.ndjson"
    ids = write_offers(path, 20)
    real_ingest = offers.ingest_many
    failures = iter([True, True, False])

    def flaky_ingest(*args: Any, **kwargs: Any) -> list[offers.IngestResult]:
        if next(failures, False):
            raise cut_off("INSERT INTO offers ...")
        return real_ingest(*args, **kwargs)

    monkeypatch.setattr(importer.offers, "ingest_many", flaky_ingest)
    summary = importer.import_offers(runtime.sessionmaker, path, chunk=10, outage_seconds=5)
    assert summary.outcomes == {"created": 20}
    assert summary.retried_chunks == 1
    assert len(bulk_jobs(runtime)) == 2
    stored = session.scalar(select(func.count(Offer.id))
                            .where(Offer.marketplace_id.in_(ids)))
    assert stored == 20


def test_an_outage_longer_than_the_allowance_stops_the_import_with_its_summary(
        runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "offers.ndjson"
    write_offers(path, 25)
    real_ingest = offers.ingest_many
    chunks = 0

    def dies_at_the_third_chunk(*args: Any, **kwargs: Any) -> list[offers.IngestResult]:
        nonlocal chunks
        chunks += 1
        if chunks >= 3:
            raise cut_off("SELECT ...")
        return real_ingest(*args, **kwargs)

    monkeypatch.setattr(importer.offers, "ingest_many", dies_at_the_third_chunk)
    with pytest.raises(importer.ImportStopped) as stopped:
        importer.import_offers(runtime.sessionmaker, path, chunk=10, outage_seconds=0.3)
    assert stopped.value.line == 21
    assert stopped.value.summary.outcomes == {"created": 20}


def test_redis_going_away_mid_import_loses_no_offer(
        connection: Connection, screener: Screener, tmp_path: Path, no_grace: None) -> None:
    path = tmp_path / "offers.ndjson"
    ids = write_offers(path, 300)
    with redis_server(tmp_path) as server:
        runtime = runtime_on(connection, server.client(), screener)
        done = 0
        restarted = threading.Event()

        def progress(n: int) -> None:
            nonlocal done
            done += n
            if done == 100:  # two chunks in: their jobs are queued, and about to be lost
                server.stop()

                def back() -> None:
                    server.restart(down_seconds=1.0)
                    restarted.set()

                threading.Thread(target=back, daemon=True).start()

        summary = importer.import_offers(runtime.sessionmaker, path, chunk=50,
                                         on_progress=progress, outage_seconds=30)
        assert restarted.wait(10) and server.restarts == 1
        assert summary.outcomes == {"created": 300}
        assert summary.enqueued_jobs == 6
        assert summary.left_to_sweep == 0, "every job went out once Redis answered"

        screen_everything(runtime)

        with runtime.sessionmaker() as session:
            per_offer = dict(session.execute(
                select(Offer.marketplace_id, func.count(Screening.id))
                .join(Screening, Screening.offer_id == Offer.id, isouter=True)
                .where(Offer.marketplace_id.in_(ids)).group_by(Offer.marketplace_id)).all())
        assert len(per_offer) == 300
        assert set(per_offer.values()) == {1}, "every offer screened exactly once"


def screen_everything(runtime: Runtime, *, rounds: int = 5) -> None:
    """Work the queue off and sweep until the sweep finds nothing lost."""
    with running(runtime):
        for _ in range(rounds):
            make_worker(runtime).work(burst=True, logging_level="WARNING")
            if tasks.sweep()["screen"] == 0:
                return
        pytest.fail("the sweep kept finding lost screening work")
