"""The migrations build exactly the schema the ORM tables describe, on both databases."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, create_engine

from moderation.migrate import upgrade
from moderation.tables import Base


def _diff(engine: Engine) -> list[object]:
    with engine.connect() as conn:
        return list(compare_metadata(MigrationContext.configure(conn), Base.metadata))


def test_postgres_schema_matches_the_tables(pg_engine: Engine) -> None:
    assert _diff(pg_engine) == []


def test_sqlite_schema_matches_the_tables(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    upgrade(url)
    engine = create_engine(url)
    try:
        assert _diff(engine) == []
    finally:
        engine.dispose()
