"""A connection PostgreSQL drops: under a statement, or after a commit landed but before its
answer came back (what an importer must not take for a failed commit)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import psycopg
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from moderation.db import session_scope


def cut_off(statement: str) -> OperationalError:
    """What SQLAlchemy raises when PostgreSQL drops the connection under a statement."""
    return OperationalError(statement, {}, psycopg.OperationalError(
        "server closed the connection unexpectedly"), connection_invalidated=True)


def first_commit_cut() -> Callable[[sessionmaker[Session]], AbstractContextManager[Session]]:
    """A session_scope whose first unit of work commits, sends what follows its commit, and
    then fails as if the connection broke before the answer to COMMIT arrived."""
    calls = 0

    def commit_then_cut(factory: sessionmaker[Session]) -> AbstractContextManager[Session]:
        nonlocal calls
        calls += 1
        scope = session_scope(factory)
        if calls != 1:
            return scope

        class Cut:
            def __enter__(self) -> Session:
                return scope.__enter__()

            def __exit__(self, *exc: Any) -> None:
                scope.__exit__(*exc)  # committed, and its job sent ...
                raise cut_off("COMMIT")  # ... but the answer never came back

        return Cut()

    return commit_then_cut
