"""The fault suite's stack: a database of its own, a Redis server of each test's own, and
`moderation worker` / `import-offers` as real processes that a test kills and restarts.

Commits are real (other processes must see them), so the suite never touches the test
database of the other tests: TEST_FAULTS_DATABASE (created afresh, as the browser tests do)
on the server of TEST_DATABASE_URL, and a `redis-server` on a free port per test.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, make_url, text

from moderation.migrate import upgrade
from tests.conftest import database_of_this_process
from tests.databases import recreate_database
from tests.factories import BENIGN_TITLE, COUNTERFEIT_TITLE, offer_event
from tests.faults.services import RedisServer

ROOT = Path(__file__).resolve().parents[2]
# Each pytest process its own (tests/conftest.py).
DB_NAME = database_of_this_process(os.environ.get("TEST_FAULTS_DATABASE", "moderation_faults"))
# The same server as the other tests, another database.
SERVER_URL = make_url(os.environ.get("TEST_DATABASE_URL",
                                     "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
DB_URL = SERVER_URL.set(database=DB_NAME).render_as_string(hide_password=False)
# What a review needs: a counterfeit marker with no brand the rules block on.
REVIEW_TITLE = "Bluza Supreme replika AAA tanio"
SAFETY_GTIN = "737192001002"  # the barcode of one alert in tests/data/safety_gate
SAFETY_SAMPLE = ROOT / "tests" / "data" / "safety_gate" / "alerts_sample.json"


@pytest.fixture(scope="session")
def faults_db() -> Iterator[Engine]:
    recreate_database(DB_URL, DB_NAME)
    upgrade(DB_URL)
    engine = create_engine(DB_URL)
    yield engine
    engine.dispose()


@pytest.fixture
def db(faults_db: Engine) -> Engine:
    """The suite's database, emptied (each test counts everything in it)."""
    with faults_db.begin() as conn:
        tables = conn.execute(text(
            "SELECT string_agg(quote_ident(tablename), ', ') FROM pg_tables "
            "WHERE schemaname = 'public' AND tablename <> 'alembic_version'")).scalar_one()
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    return faults_db


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@dataclass
class Stack:
    """The environment of the service's processes, and the processes a test started."""

    env: dict[str, str]
    logs: Path
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)
    _logs: dict[int, Path] = field(default_factory=dict)

    def spawn(self, name: str, *args: str, app: str = "") -> subprocess.Popen[bytes]:
        """Start a `moderation` command; `app` names its database connections (libpq's
        PGAPPNAME), for a test that cuts some of them."""
        path = self.logs / f"{name}-{len(self.procs)}.log"
        env = {**self.env, "PGAPPNAME": app} if app else self.env
        with path.open("wb") as log:
            proc = subprocess.Popen([sys.executable, "-m", "moderation_cli", *args],
                                    cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        self.procs.append(proc)
        self._logs[proc.pid] = path
        return proc

    def log_of(self, proc: subprocess.Popen[bytes]) -> str:
        return self._logs[proc.pid].read_text(errors="replace")

    def run(self, *args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "moderation_cli", *args], cwd=ROOT,
                              env=self.env, capture_output=True, text=True, timeout=timeout)

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                proc.wait(timeout=20)

    def tail(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}"
                         for p in sorted(self.logs.glob("*.log")))


@pytest.fixture
def stack(db: Engine, redis_server: RedisServer, tmp_path: Path) -> Iterator[Stack]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEST_")}
    env.update({
        "PYTHONPATH": os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep),
        "DATABASE_URL": DB_URL, "REDIS_URL": redis_server.url,
        # Lost work is looked for every second and trusted for two: the suite waits
        # seconds, not the production minute.
        "SWEEP_INTERVAL_SECONDS": "1", "SWEEP_GRACE_SECONDS": "2",
        # Several transactions per job, so that a kill lands between two of them.
        "SCREEN_BATCH_SIZE": "50", "OUTAGE_RETRY_SECONDS": "60",
    })
    logs = tmp_path / "logs"
    logs.mkdir()
    s = Stack(env, logs)
    yield s
    s.stop_all()
    print(s.tail())  # shown when the test fails


def write_offers(path: Path, n: int, *, safety_every: int = 0) -> list[str]:
    """An NDJSON file of n new offers: mostly allowed, every 10th blocked, every 10th (+5)
    sent to review, every `safety_every`th carrying an alerted barcode."""
    events = []
    for i in range(n):
        title = (COUNTERFEIT_TITLE if i % 10 == 0 else REVIEW_TITLE if i % 10 == 5
                 else BENIGN_TITLE)
        overrides: dict[str, object] = {"title": title}
        if title != BENIGN_TITLE:
            overrides.update(brand=None, category="Odzież > Męska", price="89.00", gtins=[])
        if safety_every and i % safety_every == 3:
            overrides["gtins"] = [SAFETY_GTIN]
        events.append(offer_event(**overrides))
    path.write_text("".join(json.dumps(e) + "\n" for e in events), encoding="utf-8")
    return [str(e["marketplace_id"]) for e in events]


def wait_until(check: Callable[[], bool], *, seconds: float, what: str,
               tick: float = 0.25) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up after {seconds:.0f} s waiting for {what}")
        time.sleep(tick)
