"""Real Chromium against a real server process on its own PostgreSQL database.

The server runs `moderation serve` on a database of its own (`moderation_browser`), so the
pages see committed data exactly as in production; each test starts from empty tables.
Screenshots go to artifacts/screenshots/ (kept by CI as test artefacts).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Playwright, sync_playwright
from redis import Redis
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session

from moderation.config import get_settings
from moderation.migrate import upgrade
from moderation.runtime import Runtime
from moderation.screening.screener import Screener
from tests.conftest import database_of_this_process, redis_of_this_process
from tests.databases import recreate_database
from tests.factories import RUNTIME

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent / "moderation"
ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
# Overridable so that two checkouts can run their suites side by side on one machine.
# Each pytest process its own (tests/conftest.py).
DB_NAME = database_of_this_process(os.environ.get("TEST_BROWSER_DATABASE", "moderation_browser"))
DB_URL = f"postgresql+psycopg://postgres@127.0.0.1:5432/{DB_NAME}"
REDIS_URL = redis_of_this_process(os.environ.get("TEST_BROWSER_REDIS_URL",
                                                 "redis://127.0.0.1:6379/10"))
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Short leases so a page's renewal (every third of the lease) can be watched in a test.
LEASE_SECONDS = 15


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def browser_db() -> Iterator[Engine]:
    recreate_database(DB_URL, DB_NAME)
    upgrade(DB_URL)
    engine = create_engine(DB_URL)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def base_url(browser_db: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": DB_URL, "REDIS_URL": REDIS_URL,
           "LEASE_SECONDS": str(LEASE_SECONDS)}
    log_path = tmp_path_factory.mktemp("server") / "server.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen([str(BIN), "serve", "--port", str(port)], env=env,
                                stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{url}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            pytest.fail("server did not start:\n" + log_path.read_text(errors="replace"))
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture
def db(browser_db: Engine, live_screener: Screener) -> Iterator[Session]:
    """A session on the server's database and queue; tables emptied first, commits are real."""
    with browser_db.begin() as conn:
        tables = conn.execute(text(
            "SELECT string_agg(quote_ident(tablename), ', ') FROM pg_tables "
            "WHERE schemaname = 'public' AND tablename <> 'alembic_version'")).scalar_one()
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    redis = Redis.from_url(REDIS_URL)
    redis.flushdb()
    runtime = Runtime.build(get_settings(), bind=browser_db, redis=redis,
                            screener=live_screener)
    session = runtime.sessionmaker()
    session.info[RUNTIME] = runtime
    yield session
    session.close()
    redis.close()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `make test` installs Debian's chromium package")
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True,
        args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
              "--disable-background-networking", "--disable-component-update",
              "--disable-sync"])
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
