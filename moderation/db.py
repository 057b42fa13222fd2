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

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from moderation.conflicts import conflict_for

# How long a writer waits for SQLite's write lock before "database is locked".
SQLITE_BUSY_TIMEOUT_SECONDS = 30
# Enough connections for every request thread (AnyIO's 40) and the in-process worker, so that
# a reader never queues for a connection behind writers waiting for the lock.
SQLITE_POOL_SIZE = 10
SQLITE_MAX_OVERFLOW = 40
# The execution option that marks a read-only connection (read by the BEGIN listener).
READ_ONLY = "moderation_read_only"


def make_engine(url: str) -> Engine:
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
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20,
                         paramstyle="format")


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
