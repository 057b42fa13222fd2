"""The engine and its SQLite pragmas; session_scope() for jobs and the CLI.

The process's engine and session factory are its runtime's (moderation/runtime.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str) -> Engine:
    """Create an engine with the pragmas and pool settings this service relies on."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            # WAL lets the in-process worker write while the API reads.
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20,
                         paramstyle="format")


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """Give a session for one job or command: commit at the edge, roll back on error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def is_postgres(session: Session) -> bool:
    """Tell whether the session talks to PostgreSQL (for SKIP LOCKED and ON CONFLICT)."""
    return session.get_bind().dialect.name == "postgresql"
