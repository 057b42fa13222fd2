"""Which database failures are transient, and running a unit of work again on them."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from moderation.retries import ATTEMPTS, is_outage, is_retryable, is_transient, retry_transient


def busy_snapshot(folder: Path) -> OperationalError:
    """SQLite refusing a write on a stale snapshot, as pysqlite raises it."""
    path = folder / "stale.db"
    first = sqlite3.connect(path, isolation_level=None)
    second = sqlite3.connect(path, timeout=5, isolation_level=None)
    first.execute("PRAGMA journal_mode=WAL")
    first.execute("CREATE TABLE t (x)")
    second.execute("BEGIN")
    second.execute("SELECT * FROM t").fetchall()
    first.execute("INSERT INTO t VALUES (1)")
    try:
        second.execute("INSERT INTO t VALUES (2)")
    except sqlite3.OperationalError as exc:
        return OperationalError("INSERT INTO t VALUES (2)", {}, exc)
    finally:
        first.close()
        second.close()
    raise AssertionError("SQLite took a write on a stale snapshot")


def _pg_failure(pg_engine: Engine, first: list[str], second: list[str]) -> DBAPIError:
    """Run two transactions side by side on PostgreSQL, each statement list in turn."""
    errors: list[DBAPIError] = []
    step = threading.Barrier(2, timeout=10)

    def run(statements: list[str]) -> None:
        with pg_engine.connect() as conn:
            try:
                with conn.begin():
                    conn.execute(text("SET LOCAL deadlock_timeout = '50ms'"))
                    for statement in statements:
                        step.wait()
                        conn.execute(text(statement))
            except DBAPIError as exc:
                errors.append(exc)
                step.abort()
            except threading.BrokenBarrierError:
                pass

    threads = [threading.Thread(target=run, args=(s,)) for s in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(15)
    assert len(errors) == 1
    return errors[0]


def test_sqlite_busy_and_stale_snapshots_are_transient(tmp_path: Path) -> None:
    assert is_transient(busy_snapshot(tmp_path))
    other = sqlite3.connect(tmp_path / "locked.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    waiting = sqlite3.connect(tmp_path / "locked.db", timeout=0.05, isolation_level=None)
    with pytest.raises(sqlite3.OperationalError) as caught:
        waiting.execute("BEGIN IMMEDIATE")
    assert is_transient(OperationalError("BEGIN IMMEDIATE", {}, caught.value))


def test_postgres_deadlocks_are_transient(pg_engine: Engine) -> None:
    lock = "SELECT pg_advisory_xact_lock({})"
    failure = _pg_failure(pg_engine, [lock.format(7101), lock.format(7102)],
                          [lock.format(7102), lock.format(7101)])
    assert is_transient(failure)


def test_postgres_serialization_failures_are_transient(pg_engine: Engine) -> None:
    with pg_engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS retry_probe (id int PRIMARY KEY, n int)"))
        conn.execute(text("INSERT INTO retry_probe VALUES (1, 0) ON CONFLICT DO NOTHING"))
    try:
        rr = "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"
        failure = _pg_failure(
            pg_engine,
            [rr, "SELECT n FROM retry_probe", "SELECT 1", "UPDATE retry_probe SET n = n + 1"],
            ["SELECT 1", "SELECT 1", "UPDATE retry_probe SET n = n + 1", "SELECT 1"])
    finally:
        with pg_engine.begin() as conn:
            conn.execute(text("DROP TABLE retry_probe"))
    assert is_transient(failure)


def test_other_failures_are_not_transient(tmp_path: Path) -> None:
    duplicate = sqlite3.IntegrityError("UNIQUE constraint failed: staff.name")
    assert not is_transient(IntegrityError("INSERT", {}, duplicate))
    assert not is_transient(OperationalError("SELECT", {}, sqlite3.OperationalError("no such "
                                                                                      "table")))
    assert not is_transient(ValueError("database is locked"))


def _flaky(failures: list[BaseException]) -> tuple[Callable[[], str], list[int]]:
    calls: list[int] = []

    @retry_transient
    def work() -> str:
        calls.append(1)
        if len(calls) <= len(failures):
            raise failures[len(calls) - 1]
        return "done"

    return work, calls


def test_a_unit_of_work_runs_again_after_a_transient_failure(tmp_path: Path) -> None:
    busy = busy_snapshot(tmp_path)
    work, calls = _flaky([busy, busy])
    assert work() == "done"
    assert len(calls) == 3


def test_a_unit_of_work_gives_up_after_the_last_attempt(tmp_path: Path) -> None:
    busy = busy_snapshot(tmp_path)
    work, calls = _flaky([busy] * ATTEMPTS)
    with pytest.raises(OperationalError):
        work()
    assert len(calls) == ATTEMPTS


def test_other_failures_are_not_run_again() -> None:
    work, calls = _flaky([ValueError("no")])
    with pytest.raises(ValueError):
        work()
    assert len(calls) == 1


def test_a_connection_terminated_by_the_server_is_an_outage(pg_engine: Engine) -> None:
    with pg_engine.connect() as victim, pg_engine.connect() as admin:
        pid = victim.execute(text("SELECT pg_backend_pid()")).scalar_one()
        admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        with pytest.raises(DBAPIError) as caught:
            victim.execute(text("SELECT 1"))
    assert is_outage(caught.value) and is_retryable(caught.value)
    assert not is_transient(caught.value), "a lost connection is not a lost race"


def test_an_unreachable_database_or_redis_is_an_outage() -> None:
    engine = create_engine("postgresql+psycopg://postgres@127.0.0.1:1/nowhere")
    with pytest.raises(DBAPIError) as caught:
        engine.connect()
    assert is_outage(caught.value)
    with pytest.raises(RedisConnectionError) as refused:
        Redis(port=1, socket_connect_timeout=0.2).ping()
    assert is_outage(refused.value)


def test_bad_statements_and_lost_races_are_not_outages(pg_engine: Engine) -> None:
    with pg_engine.connect() as conn, pytest.raises(DBAPIError) as caught:
        conn.execute(text("SELECT * FROM no_such_table"))
    assert not is_outage(caught.value) and not is_retryable(caught.value)
    duplicate = sqlite3.IntegrityError("UNIQUE constraint failed: staff.name")
    assert not is_outage(IntegrityError("INSERT", {}, duplicate))
    assert not is_outage(ValueError("connection refused"))
