"""A few seconds of benchmarks/load_test.py on the test's own database and Redis: the script
starts the service, posts offers, claims and decides, and counts what it should."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from redis import Redis
from sqlalchemy import Engine, text

from benchmarks.load_test import run
from moderation.tables import Base
from tests.conftest import PG_URL, REDIS_URL


@pytest.fixture
def committed_run(pg_engine: Engine, redis: Redis) -> Iterator[None]:
    """The service commits for real: empty every table afterwards, as other tests expect."""
    yield
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with pg_engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


def test_the_load_test_runs_clean_on_a_small_load(committed_run: None) -> None:
    # The worker runs inside `serve` (--worker): a worker process of its own takes ten
    # seconds more to start on a busy machine, and the script starts those the same way.
    # In a thread of its own: the script runs its own event loop, and the browser tests'
    # Playwright (sync API) keeps one running on this thread for the whole session.
    with ThreadPoolExecutor(1) as pool:
        summary = pool.submit(run, [
            "--database-url", PG_URL, "--redis-url", REDIS_URL, "--rate", "20",
            "--seconds", "3", "--moderators", "2", "--workers", "0", "--serve-arg=--worker",
            "--bad-share", "0.5", "--drain", "30"]).result()
    assert summary.offers_accepted == summary.offers_sent == 60
    assert summary.unscreened == 0
    assert summary.decided > 0, "the moderators decided the cases the offers opened"
    assert summary.errors == 0, summary.first_errors
    assert summary.double_claims == summary.double_decisions == 0
    assert summary.clean
