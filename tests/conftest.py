"""Fixtures: real PostgreSQL and Redis; each test gets a rolled-back transaction, a clean Redis,
and a runtime of its own on both (the screener alone is shared: its artifacts take seconds
to load)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import pytest
from fastapi.testclient import TestClient
from redis import ConnectionPool, Redis
from sqlalchemy import Connection, Engine, create_engine, make_url, text
from sqlalchemy.orm import Session

from api.app import create_app
from moderation.config import Settings, get_settings
from moderation.migrate import upgrade
from moderation.runtime import Runtime
from moderation.screening.screener import Screener
from tests.databases import recreate_database
from tests.factories import RUNTIME
from workers.context import running

DEAD_REDIS = "redis://127.0.0.1:1/0"
# `make test` runs pytest on both cores (pytest-xdist, `-n 2`). Each process has databases
# and Redis databases of its own, as one run alone would: the first process takes the ones
# named (here, and in the browser and fault suites' conftests), process N the database
# `<name>_gwN` (created by the fixture that creates it) and the Redis database 2N past the
# one named (the one between is the browser tests').
WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))


def database_of_this_process(name: str) -> str:
    """This pytest process's own database of this name."""
    return f"{name}_gw{WORKER}" if WORKER else name


def redis_of_this_process(url: str) -> str:
    """This pytest process's own Redis database in place of the one this URL names."""
    if not WORKER:
        return url
    parts = urlsplit(url)
    index = int(parts.path.lstrip("/") or 0) + 2 * WORKER
    if index > 15:
        raise RuntimeError(f"pytest process {WORKER} would need Redis database {index} for "
                           f"{url}: name a lower database or run fewer processes")
    return urlunsplit(parts._replace(path=f"/{index}"))


def _pg_of_this_process(url: str) -> str:
    parsed = make_url(url)
    return parsed.set(database=database_of_this_process(parsed.database or "")
                      ).render_as_string(hide_password=False)


PG_URL = _pg_of_this_process(os.environ.get(
    "TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
REDIS_URL = redis_of_this_process(os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/9"))


def reset_schema(engine: Engine) -> None:
    """Drop everything in the public schema and migrate from scratch."""
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    upgrade(engine.url.render_as_string(hide_password=False))


@pytest.fixture(scope="session")
def pg_engine() -> Iterator[Engine]:
    if WORKER:  # the first process's database is the one given, made by whoever runs us
        recreate_database(PG_URL, make_url(PG_URL).database or "")
    engine = create_engine(PG_URL, pool_size=20, max_overflow=20)
    reset_schema(engine)
    yield engine
    engine.dispose()


@pytest.fixture(autouse=True)
def _settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("DATABASE_URL", PG_URL)
    monkeypatch.setenv("REDIS_URL", REDIS_URL)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def no_grace(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The sweep checks every mark at once instead of trusting it for a minute."""
    monkeypatch.setenv("SWEEP_GRACE_SECONDS", "0")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def redis() -> Iterator[Redis]:
    conn = Redis.from_url(REDIS_URL)
    conn.flushdb()
    yield conn
    conn.flushdb()
    conn.close()


@contextmanager
def redis_down(conn: Redis) -> Iterator[None]:
    """Every call on this connection fails for a while, as when the server is down."""
    pool = conn.connection_pool
    conn.connection_pool = ConnectionPool.from_url(DEAD_REDIS, socket_connect_timeout=0.2)
    try:
        yield
    finally:
        conn.connection_pool.disconnect()
        conn.connection_pool = pool


@pytest.fixture
def connection(pg_engine: Engine) -> Iterator[Connection]:
    conn = pg_engine.connect()
    trans = conn.begin()
    yield conn
    trans.rollback()
    conn.close()


@pytest.fixture(scope="session")
def live_screener() -> Screener:
    """The shipped rule pack and model, loaded once for the whole run."""
    return Screener(Settings())


@pytest.fixture
def screener(live_screener: Screener) -> Screener:
    """The screener of the test's runtime; a module needing other settings overrides it."""
    return live_screener


def runtime_on(connection: Connection, redis: Redis, screener: Screener) -> Runtime:
    """A runtime on the test's transaction (commits become savepoints) and this Redis."""
    return Runtime.build(get_settings(), bind=connection, redis=redis, screener=screener,
                         join_transaction_mode="create_savepoint")


@pytest.fixture
def runtime(connection: Connection, redis: Redis, screener: Screener) -> Runtime:
    """The test's runtime: what routes, jobs and commands get their sessions and queue from."""
    return runtime_on(connection, redis, screener)


@pytest.fixture
def as_worker(runtime: Runtime) -> Iterator[Runtime]:
    """Jobs called by the test run as in a worker of the test's runtime."""
    with running(runtime):
        yield runtime


@pytest.fixture
def session(runtime: Runtime) -> Iterator[Session]:
    """A session inside a transaction that is rolled back; commits become savepoints.

    Routes, jobs and CLI code get sessions from the same runtime, so they all see (and
    undo) the same data.
    """
    s = runtime.sessionmaker()
    s.info[RUNTIME] = runtime  # for the factories that screen, and for logged-in clients
    yield s
    s.close()


@pytest.fixture
def client(runtime: Runtime, session: Session) -> Iterator[TestClient]:
    """The application in process, on the test's transaction."""
    with TestClient(create_app(runtime)) as c:
        yield c
