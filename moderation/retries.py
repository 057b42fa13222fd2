"""Transient failures of concurrent transactions, and running a whole transaction again on them.

SQLite answers "database is locked" when its one write lock stays taken past the busy timeout,
or at once when a transaction that read first can no longer write on its snapshot;
PostgreSQL aborts one of two deadlocked transactions and, above READ COMMITTED, a transaction
that would not serialise. Each time the database kept nothing of the loser, so running the
whole unit of work again, on a fresh session, is safe and usually succeeds.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from typing import Any, TypeVar, cast

from sqlalchemy.exc import DBAPIError
from tenacity import (
    before_sleep_log,
    retry,
    retry_if_exception,
    stop_after_attempt,
    wait_random_exponential,
)
from tenacity.wait import wait_base

log = logging.getLogger(__name__)

ATTEMPTS = 5
_SQLITE_BUSY = (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)  # and their extended codes
_PG_TRANSIENT = frozenset({"40001", "40P01"})  # serialization_failure, deadlock_detected

F = TypeVar("F", bound=Callable[..., Any])


def is_transient(exc: BaseException) -> bool:
    """Tell whether the database refused this work only because of a concurrent transaction."""
    if not isinstance(exc, DBAPIError):
        return False
    orig = exc.orig
    if isinstance(orig, sqlite3.Error):
        code = getattr(orig, "sqlite_errorcode", None)
        return code is not None and code & 0xFF in _SQLITE_BUSY
    return getattr(orig, "sqlstate", None) in _PG_TRANSIENT


def backoff() -> wait_base:
    """Full jitter between attempts, so that the losers of one race do not meet again."""
    return wait_random_exponential(multiplier=0.02, max=1.0)


def retry_transient(func: F) -> F:
    """Run the decorated unit of work again on a transient failure (at most ATTEMPTS times).

    For edges only (a job, a command's transaction), whose every run opens its own session
    and which are safe to run twice.
    """
    decorated = retry(stop=stop_after_attempt(ATTEMPTS), wait=backoff(),
                      retry=retry_if_exception(is_transient), reraise=True,
                      before_sleep=before_sleep_log(log, logging.WARNING))(func)
    return cast(F, decorated)
