"""Transient failures of concurrent transactions, and running a whole transaction again on them.

SQLite answers "database is locked" when its one write lock stays taken past the busy timeout,
or at once when a transaction that read first can no longer write on its snapshot;
PostgreSQL aborts one of two deadlocked transactions and, above READ COMMITTED, a transaction
that would not serialise. Each time the database kept nothing of the loser, so running the
whole unit of work again, on a fresh session, is safe and usually succeeds.

An outage is another kind: PostgreSQL or Redis restarting, a connection cut under a running
transaction (`pg_terminate_backend`, a failover). Nothing is wrong with the work, only the
service is gone for a while; a bulk command waits it out with a longer backoff
(`retry_outage`, for OUTAGE_RETRY_SECONDS) instead of dying half-way through a file.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from typing import Any, TypeVar, cast

import psycopg
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.exc import DBAPIError
from tenacity import (
    RetryCallState,
    Retrying,
    before_sleep_log,
    retry,
    retry_if_exception,
    stop_after_attempt,
    stop_after_delay,
    wait_random_exponential,
)
from tenacity.wait import wait_base

log = logging.getLogger(__name__)

ATTEMPTS = 5
_SQLITE_BUSY = (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)  # and their extended codes
_PG_TRANSIENT = frozenset({"40001", "40P01"})  # serialization_failure, deadlock_detected
# connection_exception (08...), and the server going away: admin_shutdown (what
# pg_terminate_backend sends), crash_shutdown, cannot_connect_now (starting up).
_PG_GONE_CLASS = "08"
_PG_GONE = frozenset({"57P01", "57P02", "57P03"})

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


def is_outage(exc: BaseException) -> bool:
    """Tell whether PostgreSQL or Redis could not be reached, or dropped the connection."""
    if isinstance(exc, RedisConnectionError | RedisTimeoutError):
        return True  # BusyLoadingError (a restarted Redis loading its data) is one too
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    orig = exc.orig
    if not isinstance(orig, psycopg.OperationalError | psycopg.InterfaceError):
        return False
    state = getattr(orig, "sqlstate", None)
    # No SQLSTATE: the client could not connect, or lost the server mid-statement.
    return state is None or state.startswith(_PG_GONE_CLASS) or state in _PG_GONE


def is_retryable(exc: BaseException) -> bool:
    """A lost race or an outage: running the same unit of work again may succeed."""
    return is_transient(exc) or is_outage(exc)


def outage_retrying(seconds: float, *, what: str) -> Retrying:
    """Attempts of one unit of work for up to `seconds` of failures, backing off to 5 s.

    For bulk commands that must not die on a restart of PostgreSQL or Redis; each attempt
    runs the whole unit again (`for attempt in outage_retrying(s, what=...): with attempt:`).
    """
    def before_sleep(state: RetryCallState) -> None:
        failure = state.outcome.exception() if state.outcome else None
        log.warning("%s failed (attempt %d, %.1f s so far): %s; again in %.1f s", what,
                    state.attempt_number, state.seconds_since_start, failure,
                    state.upcoming_sleep)

    return Retrying(stop=stop_after_delay(seconds),
                    wait=wait_random_exponential(multiplier=0.1, max=5.0),
                    retry=retry_if_exception(is_retryable), reraise=True,
                    before_sleep=before_sleep)


# A job rides out a short outage itself: a connection cut under it costs one batch run again
# (pool_pre_ping gives the next attempt a fresh connection), not a failed job that RQ runs
# again only after 1, 5, 15, 60 or 300 seconds. A longer outage fails the job as before.
JOB_OUTAGE_SECONDS = 20


def retry_job(func: F) -> F:
    """Run the decorated job again on a lost race or an outage, for up to
    JOB_OUTAGE_SECONDS; for jobs only, which re-read their state and are safe to run twice."""
    decorated = retry(stop=stop_after_delay(JOB_OUTAGE_SECONDS),
                      wait=wait_random_exponential(multiplier=0.05, max=2.0),
                      retry=retry_if_exception(is_retryable), reraise=True,
                      before_sleep=before_sleep_log(log, logging.WARNING))(func)
    return cast(F, decorated)
