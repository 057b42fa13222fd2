"""SQLite as the embedded default: writers take the lock at BEGIN, readers never wait."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from moderation import db
from moderation.accounts.staff import create_staff
from moderation.domain import StaffRole
from moderation.errors import Conflict
from moderation.migrate import upgrade
from moderation.tables import Account


@pytest.fixture
def sqlite(tmp_path: Path) -> Iterator[Engine]:
    """The service's engine on a migrated SQLite file."""
    url = f"sqlite:///{tmp_path / 'moderation.db'}"
    upgrade(url)
    engine = db.make_engine(url)
    yield engine
    engine.dispose()


@pytest.fixture
def factory(sqlite: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=sqlite, expire_on_commit=False)


def _staff(session: Session, name: str) -> None:
    create_staff(session, name=name, role=StaffRole.MODERATOR, password=None)


def _count(engine: Engine) -> int:
    with Session(engine) as s:
        return int(s.scalar(select(func.count(Account.id))) or 0)


def test_a_writer_that_read_first_still_writes_after_another_writer(
        sqlite: Engine, factory: sessionmaker[Session]) -> None:
    # Check, then insert in a savepoint, as an authority order is stored. Begun deferred,
    # the first writer's snapshot is stale by its INSERT: refused at once, busy timeout or not.
    first_read = threading.Event()
    errors: list[BaseException] = []

    def slow_writer() -> None:
        try:
            with db.session_scope(factory) as s, s.begin_nested():
                s.scalar(select(func.count(Account.id)))
                first_read.set()
                time.sleep(0.3)
                _staff(s, "slow")
        except BaseException as exc:
            errors.append(exc)
            first_read.set()

    thread = threading.Thread(target=slow_writer)
    thread.start()
    first_read.wait(5)
    with db.session_scope(factory) as s:
        _staff(s, "quick")
    thread.join(10)
    assert errors == []
    assert _count(sqlite) == 2


def test_a_reader_does_not_wait_for_a_writer(
        sqlite: Engine, factory: sessionmaker[Session]) -> None:
    with db.session_scope(factory) as s:
        _staff(s, "before")
    with db.session_scope(factory) as writer:
        _staff(writer, "pending")
        started = time.monotonic()
        with db.read_only(factory()) as reader:
            assert reader.scalar(select(func.count(Account.id))) == 1
        assert time.monotonic() - started < 0.5


def test_a_writer_holds_the_lock_from_its_first_read(
        sqlite: Engine, factory: sessionmaker[Session]) -> None:
    assert sqlite.url.database is not None
    other = sqlite3.connect(sqlite.url.database, timeout=0.1, isolation_level=None)
    with db.session_scope(factory) as s:
        s.scalar(select(func.count(Account.id)))
        with pytest.raises(sqlite3.OperationalError, match="database is locked"):
            other.execute("BEGIN IMMEDIATE")
    other.execute("BEGIN IMMEDIATE")  # free again once the writer committed
    other.execute("ROLLBACK")
    other.close()


def test_rolling_back_undoes_a_released_savepoint(
        sqlite: Engine, factory: sessionmaker[Session]) -> None:
    # pysqlite's own BEGIN came only before a write: a SAVEPOINT after a read was a
    # transaction of its own, committed on release.
    with factory() as s:
        s.scalar(select(func.count(Account.id)))
        with s.begin_nested():
            _staff(s, "inside")
        s.rollback()
    assert _count(sqlite) == 0


def test_a_duplicate_written_at_the_same_moment_is_a_conflict(
        sqlite: Engine, factory: sessionmaker[Session]) -> None:
    with db.session_scope(factory) as s:
        _staff(s, "taken")
    with (pytest.raises(Conflict, match="an account of this name already exists") as caught,
          db.session_scope(factory) as s):
        s.add(Account(name="taken", role="moderator", locale="pl", active=True))
    assert caught.value.field == "name"
    assert _count(sqlite) == 1
