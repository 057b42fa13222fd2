"""The README's backup and restore, tried: scripts/backup.sh then scripts/restore.sh into a
new database give the same rows in every table and the same schema version."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from redis import Redis
from sqlalchemy import Engine, create_engine, make_url, text

from moderation import outbox
from moderation.config import get_settings
from moderation.db import session_scope
from moderation.intake import offers
from moderation.migrate import upgrade
from moderation.runtime import Runtime
from moderation.schemas import OfferIn
from moderation.screening import batches
from moderation.screening.screener import Screener
from moderation.tables import Base
from tests.conftest import PG_URL
from tests.databases import drop_database, recreate_database
from tests.factories import make_staff, offer_event

ROOT = Path(__file__).resolve().parents[1]
TABLES = sorted(Base.metadata.tables)


@pytest.fixture
def own_databases(pg_engine: Engine) -> Iterator[tuple[str, str]]:
    """Two databases of this test's own naming: the one backed up (created and migrated
    here) and the one restored into (the restore script creates it); both dropped after."""
    url = make_url(PG_URL)
    names = (f"{url.database}_backup", f"{url.database}_restore")
    drop_database(PG_URL, *names)
    recreate_database(PG_URL, names[0])
    try:
        source, target = (url.set(database=n).render_as_string(hide_password=False)
                          for n in names)
        yield source, target
    finally:
        drop_database(PG_URL, *names)


def counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            found = {t: conn.scalar(text(f'SELECT count(*) FROM "{t}"')) or 0 for t in TABLES}
            found["alembic_version"] = conn.scalar(text("SELECT version_num FROM "
                                                        "alembic_version"))
            return found
    finally:
        engine.dispose()


def test_a_backup_restores_into_a_new_database_with_every_row(
        own_databases: tuple[str, str], redis: Redis, live_screener: Screener,
        tmp_path: Path) -> None:
    source, target = own_databases
    upgrade(source)
    runtime = Runtime.build(get_settings().model_copy(update={"database_url": source}),
                            redis=redis, screener=live_screener)
    with session_scope(runtime.sessionmaker) as session:
        for _ in range(20):
            event = offer_event()
            for version in (1, 2):
                offers.ingest(session, OfferIn.model_validate({**event, "version": version}))
        make_staff(session)
        outbox.notify(session, kind="test", recipient="log:test", payload={"n": 1})
    with session_scope(runtime.sessionmaker) as session:
        batches.screen_pending(session, live_screener, limit=1000)
    runtime.engine.dispose()
    before = counts(source)
    assert before["offers"] == 20 and before["offer_versions"] == 40
    assert before["screenings"] == 20 and before["staff"] == 1

    dump = tmp_path / "backups" / "moderation.dump"
    done = subprocess.run(["bash", "scripts/backup.sh", source, str(dump)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert dump.stat().st_size > 0 and not dump.with_suffix(".dump.partial").exists()
    done = subprocess.run(["bash", "scripts/restore.sh", str(dump), target], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr

    assert counts(target) == before
    # A restore never goes over a database that exists.
    again = subprocess.run(["bash", "scripts/restore.sh", str(dump), target], cwd=ROOT,
                           capture_output=True, text=True, timeout=300)
    assert again.returncode != 0 and "already exists" in again.stderr
