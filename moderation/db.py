"""The engine, its SQLite pragmas and BEGIN; session_scope() for jobs and the CLI.

The process's engine and session factory are its runtime's (moderation/runtime.py).

SQLite lets one writer in at a time. A transaction that began by reading and then writes
after another writer committed cannot write on its old snapshot: SQLite refuses it at once
(SQLITE_BUSY_SNAPSHOT, "database is locked") without waiting out the busy timeout. So a
transaction begins with BEGIN IMMEDIATE, which takes the write lock first, waiting for it
under the busy timeout; only a session declared read-only (a GET's) begins a plain BEGIN,
which in WAL never waits. Nothing changes on PostgreSQL, which locks rows, not the database.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DisconnectionError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from moderation.config import Settings, get_settings
from moderation.conflicts import conflict_for

# How long a writer waits for SQLite's write lock before "database is locked".
SQLITE_BUSY_TIMEOUT_SECONDS = 30
# Enough connections for every request thread (AnyIO's 40) and the in-process worker, so that
# a reader never queues for a connection behind writers waiting for the lock.
SQLITE_POOL_SIZE = 10
SQLITE_MAX_OVERFLOW = 40
# The execution option that marks a read-only connection (read by the BEGIN listener).
READ_ONLY = "moderation_read_only"
_LAST_USED = "moderation_last_used"  # a pooled connection's record: when it was checked in


def make_engine(url: str, settings: Settings | None = None) -> Engine:
    """Create an engine with the pragmas and pool settings this service relies on."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url, pool_size=SQLITE_POOL_SIZE, max_overflow=SQLITE_MAX_OVERFLOW,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_SECONDS})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            # pysqlite's own BEGIN (deferred, and only before a write) is turned off: the
            # listener below emits BEGIN, so that SAVEPOINT and writers work as documented.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            # WAL lets the in-process worker write while the API reads.
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Connection) -> None:
            read_only = conn.get_execution_options().get(READ_ONLY, False)
            conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

        return engine
    settings = settings or get_settings()
    # As many pooled connections as request threads (AnyIO's 40 by default): a pool smaller
    # than the threads opened and closed an overflow connection per request under load (310
    # new PostgreSQL sessions in 10 s at 32 connections). The ping on checkout, a round trip
    # per request, is only made for a connection that sat idle (see _ping_after_idle).
    engine = create_engine(url, pool_size=settings.db_pool_size,
                           max_overflow=settings.db_max_overflow,
                           pool_recycle=settings.db_pool_recycle_seconds, paramstyle="format")
    _ping_after_idle(engine, settings.db_ping_after_idle_seconds)
    return engine


def _ping_after_idle(engine: Engine, idle_seconds: float) -> None:
    """Ping a pooled connection on checkout only if it sat idle this long (SQLAlchemy's
    pessimistic disconnect handling, made conditional): one that failed is replaced.

    A connection the server dropped while busy requests used it fails its statement, the
    pool is invalidated (SQLAlchemy does that on a disconnect) and the request runs again
    (api/transactions.py).
    """
    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_conn: Any, record: Any) -> None:
        record.info[_LAST_USED] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        last = record.info.get(_LAST_USED)
        if last is None or time.monotonic() - last < idle_seconds:
            return
        try:
            cursor = dbapi_conn.cursor()
            cursor.execute("SELECT 1")
            cursor.close()
        except Exception as exc:
            # The pool discards this connection and checks out (or opens) another.
            raise DisconnectionError("an idle pooled connection was dropped") from exc


def read_only(session: Session) -> Session:
    """Let the session's transactions begin as a reader's: on SQLite they do not take the
    write lock, and one that writes all the same may be refused (and run again)."""
    bind = session.get_bind()
    if isinstance(bind, Engine) and bind.dialect.name == "sqlite":
        session.bind = bind.execution_options(**{READ_ONLY: True})
    return session


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """Give a session for one job or command: commit at the edge, roll back on error.

    A unique constraint broken by a concurrent write comes out as the domain's Conflict.
    """
    session = factory()
    try:
        yield session
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        conflict = conflict_for(exc)
        if conflict is None:
            raise
        raise conflict from exc
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def is_postgres(session: Session) -> bool:
    """Tell whether the session talks to PostgreSQL (for SKIP LOCKED and ON CONFLICT)."""
    return session.get_bind().dialect.name == "postgresql"
