"""Fixtures: real PostgreSQL and Redis; each test gets a rolled-back transaction, a clean Redis."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from redis import Redis
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from api.app import create_app
from moderation import db, queue
from moderation.config import get_settings
from moderation.migrate import upgrade
from moderation.screening.screener import reset_screener

PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/9")


def reset_schema(engine: Engine) -> None:
    """Drop everything in the public schema and migrate from scratch."""
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    upgrade(engine.url.render_as_string(hide_password=False))


@pytest.fixture(scope="session")
def pg_engine() -> Iterator[Engine]:
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
def redis() -> Iterator[Redis]:
    conn = Redis.from_url(REDIS_URL)
    conn.flushdb()
    queue.set_redis(conn)
    yield conn
    queue.set_redis(None)
    conn.flushdb()
    conn.close()


@pytest.fixture
def connection(pg_engine: Engine) -> Iterator[Connection]:
    conn = pg_engine.connect()
    trans = conn.begin()
    yield conn
    trans.rollback()
    conn.close()


@pytest.fixture
def session(connection: Connection, redis: Redis) -> Iterator[Session]:
    """A session inside a transaction that is rolled back; commits become savepoints.

    Routes, jobs and CLI code get sessions from the same factory, so they all see (and
    undo) the same data.
    """
    factory = sessionmaker(bind=connection, join_transaction_mode="create_savepoint",
                           expire_on_commit=False)
    db.configure(factory)
    s = factory()
    yield s
    s.close()
    db.configure(None)


@pytest.fixture(scope="session", autouse=True)
def _fresh_screener() -> Iterator[None]:
    reset_screener()
    yield
    reset_screener()


@pytest.fixture
def client(session: Session) -> Iterator[TestClient]:
    """The application in process, on the test's transaction."""
    with TestClient(create_app()) as c:
        yield c
