"""The migrations build exactly the schema the ORM tables describe, on both databases, and
build the indexes of big tables in use without holding up their writers."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from psycopg.errors import LockNotAvailable
from sqlalchemy import Column, Connection, Engine, create_engine, inspect, text
from sqlalchemy.exc import OperationalError

from moderation.migrate import alembic_config, upgrade
from moderation.tables import Base


def _diff(engine: Engine) -> list[object]:
    with engine.connect() as conn:
        return list(compare_metadata(MigrationContext.configure(conn), Base.metadata))


def test_postgres_schema_matches_the_tables(pg_engine: Engine) -> None:
    assert _diff(pg_engine) == []


def _sqlite_indexes(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(conn.scalars(text("SELECT name FROM sqlite_master WHERE type = 'index'")))


# SQLite's reflection cannot read an index on expressions, so the comparison skips them and
# the test below looks for each by name.
@pytest.mark.filterwarnings("ignore:.*expression-based index")
def test_sqlite_schema_matches_the_tables(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    upgrade(url)
    engine = create_engine(url)
    try:
        assert _diff(engine) == []
        indexes = _sqlite_indexes(engine)
    finally:
        engine.dispose()
    on_expressions = {i.name for t in Base.metadata.tables.values() for i in t.indexes
                      if any(not isinstance(e, Column) for e in i.expressions)}
    assert on_expressions and on_expressions <= indexes


CLAIM_INDEXES = ("ix_cases_claimable", "ix_cases_claimable_kind", "ix_cases_leased")


def test_0017_downgrades_and_upgrades_on_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    upgrade(url)
    engine = create_engine(url)
    try:
        command.downgrade(alembic_config(url), "0016")
        assert not set(CLAIM_INDEXES) & _sqlite_indexes(engine)
        upgrade(url)
        assert set(CLAIM_INDEXES) <= _sqlite_indexes(engine)
    finally:
        engine.dispose()


@pytest.fixture
def at_0016(pg_engine: Engine) -> Iterator[str]:
    """The session's database taken back to before the claim indexes, and to head after."""
    url = pg_engine.url.render_as_string(hide_password=False)
    command.downgrade(alembic_config(url), "0016")
    try:
        yield url
    finally:
        upgrade(url)


def _index_waiting(conn: Connection) -> bool:
    return bool(conn.scalar(text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND pid <> pg_backend_pid() AND state = 'active' AND wait_event_type = 'Lock' "
        "AND query ILIKE '%INDEX%'")))


def _validity(conn: Connection, name: str) -> bool | None:
    return conn.scalar(text("SELECT indisvalid FROM pg_index "
                            "WHERE indexrelid = to_regclass(:name)"), {"name": name})


def _leave_an_invalid_index(engine: Engine, name: str) -> None:
    """What a concurrent build that was cancelled while it waited for a writer leaves."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("SET lock_timeout = '200ms'"))
        with pytest.raises(OperationalError) as cancelled:
            conn.execute(text(f"CREATE INDEX CONCURRENTLY {name} ON cases (id)"))
        assert isinstance(cancelled.value.orig, LockNotAvailable)
        assert _validity(conn, name) is False


def _wait_for_a_waiting_index_build(engine: Engine) -> None:
    deadline = time.monotonic() + 20
    while True:
        with engine.connect() as conn:
            if _index_waiting(conn):
                return
        assert time.monotonic() < deadline, "the migration never waited for the writer"
        time.sleep(0.05)


def test_0017_builds_while_cases_take_writes_and_over_an_invalid_leftover(
        pg_engine: Engine, at_0016: str) -> None:
    failures: list[BaseException] = []

    def migrate() -> None:
        try:
            command.upgrade(alembic_config(at_0016), "0017")
        except BaseException as exc:
            failures.append(exc)

    thread = threading.Thread(target=migrate)
    # An open write transaction, as the service always has one on cases somewhere.
    writer = pg_engine.connect()
    try:
        writer.execute(text("LOCK TABLE cases IN ROW EXCLUSIVE MODE"))
        _leave_an_invalid_index(pg_engine, "ix_cases_claimable")
        thread.start()
        _wait_for_a_waiting_index_build(pg_engine)
        # A plain CREATE INDEX would queue for its SHARE lock behind the open writer, and
        # every later writer behind it.
        with pg_engine.begin() as conn:
            conn.execute(text("SET LOCAL lock_timeout = '1s'"))
            conn.execute(text("UPDATE cases SET priority = priority WHERE id = -1"))
    finally:
        writer.commit()
        writer.close()
        if thread.ident is not None:
            thread.join(30)
    assert not thread.is_alive() and failures == []
    with pg_engine.connect() as conn:
        assert [_validity(conn, name) for name in CLAIM_INDEXES] == [True, True, True]
        assert "WHERE" in conn.scalar(text("SELECT pg_get_indexdef(to_regclass(:name))"),
                                      {"name": "ix_cases_claimable"})


def _staff_columns(engine: Engine) -> set[str]:
    return {c["name"] for c in inspect(engine).get_columns("staff")}


def test_0023_drops_the_old_lockout_adds_the_one_time_flag_and_downgrades(
        tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    upgrade(url)
    engine = create_engine(url)
    try:
        assert not {"failed_logins", "locked_until"} & _staff_columns(engine)
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO staff (name, role, locale, active, created_at) "
                              "VALUES ('kept', 'moderator', 'pl', 1, '2026-12-01')"))
            # An account written without the flag keeps the password it has.
            assert conn.scalar(text("SELECT password_must_change FROM staff")) == 0
        command.downgrade(alembic_config(url), "0022")
        columns = _staff_columns(engine)
        assert {"failed_logins", "locked_until"} <= columns
        assert "password_must_change" not in columns
        with engine.connect() as conn:
            # The account written after the drop comes back as never having failed.
            assert conn.execute(text("SELECT name, failed_logins, locked_until FROM staff")
                                ).all() == [("kept", 0, None)]
        upgrade(url)
        assert not {"failed_logins", "locked_until"} & _staff_columns(engine)
    finally:
        engine.dispose()
