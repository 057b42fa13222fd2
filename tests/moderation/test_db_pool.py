"""The PostgreSQL pool: one connection per request thread, kept; idle ones pinged before use."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import Engine, event, text

from moderation import db
from moderation.config import Settings
from tests.conftest import PG_URL


def _engine(**settings: Any) -> Engine:
    return db.make_engine(PG_URL, Settings(database_url=PG_URL, **settings))


@pytest.fixture
def engine() -> Iterator[Engine]:
    engine = _engine(db_pool_size=8, db_max_overflow=0)
    yield engine
    engine.dispose()


def test_busy_threads_reuse_their_connections(engine: Engine) -> None:
    opened: list[object] = []
    event.listen(engine, "connect", lambda conn, _record: opened.append(conn))

    def query(_: int) -> int:
        with engine.connect() as conn:
            return int(conn.scalar(text("SELECT 1")) or 0)

    with ThreadPoolExecutor(8) as pool:
        assert sum(pool.map(query, range(800))) == 800
    assert len(opened) <= 8  # not one per request (an overflow opened and closed each time)


def _kill_pooled_connection(engine: Engine) -> None:
    with engine.connect() as conn:
        pid = conn.scalar(text("SELECT pg_backend_pid()"))
    with _engine().connect() as other:
        other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})


def test_a_connection_dropped_while_idle_is_replaced_on_checkout() -> None:
    engine = _engine(db_pool_size=1, db_max_overflow=0, db_ping_after_idle_seconds=0)
    try:
        _kill_pooled_connection(engine)
        with engine.connect() as conn:
            assert conn.scalar(text("SELECT 1")) == 1
    finally:
        engine.dispose()


def test_a_connection_used_a_moment_ago_is_not_pinged() -> None:
    # Without the ping the dropped connection is handed out as it is: the statement fails.
    engine = _engine(db_pool_size=1, db_max_overflow=0, db_ping_after_idle_seconds=3600)
    try:
        _kill_pooled_connection(engine)
        with pytest.raises(Exception, match=r"terminat|closed|server"), engine.connect() as conn:
            conn.scalar(text("SELECT 1"))
    finally:
        engine.dispose()
