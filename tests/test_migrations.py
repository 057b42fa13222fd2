"""The migrations build exactly the schema the ORM tables describe, on both databases."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Column, Engine, create_engine, inspect, text

from moderation.migrate import alembic_config, upgrade
from moderation.tables import Base


def _diff(engine: Engine) -> list[object]:
    with engine.connect() as conn:
        return list(compare_metadata(MigrationContext.configure(conn), Base.metadata))


def test_postgres_schema_matches_the_tables(pg_engine: Engine) -> None:
    assert _diff(pg_engine) == []


# SQLite's reflection cannot read an index on expressions, so the comparison skips them and
# the test below looks for each by name.
@pytest.mark.filterwarnings("ignore:.*expression-based index")
def test_sqlite_schema_matches_the_tables(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    upgrade(url)
    engine = create_engine(url)
    try:
        assert _diff(engine) == []
        with engine.connect() as conn:
            indexes = set(conn.scalars(text("SELECT name FROM sqlite_master "
                                            "WHERE type = 'index'")))
    finally:
        engine.dispose()
    on_expressions = {i.name for t in Base.metadata.tables.values() for i in t.indexes
                      if any(not isinstance(e, Column) for e in i.expressions)}
    assert on_expressions and on_expressions <= indexes


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
