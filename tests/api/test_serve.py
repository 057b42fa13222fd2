"""`moderation serve --workers N`: N API processes, each with its own runtime, on Redis;
refused on the embedded queue, which lives inside one process."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from moderation.accounts.staff import create_staff
from moderation.domain import StaffRole
from tests.conftest import PG_URL, REDIS_URL
from tests.live_server import wait_until_serving

ROOT = Path(__file__).resolve().parents[2]
COMMAND = [sys.executable, "-m", "moderation_cli"]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    return {**env, "PYTHONPATH": str(ROOT), **extra}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_several_processes_on_the_embedded_queue_are_refused(tmp_path: Path) -> None:
    done = subprocess.run([*COMMAND, "serve", "--workers", "2"], cwd=ROOT, timeout=120,
                          env=_env(DATABASE_URL=f"sqlite:///{tmp_path / 'm.db'}"),
                          capture_output=True, text=True)
    assert done.returncode == 2
    assert "needs REDIS_URL" in " ".join(done.stderr.split())


def test_an_in_process_worker_beside_several_processes_is_refused() -> None:
    done = subprocess.run([*COMMAND, "serve", "--workers", "2", "--worker"], cwd=ROOT,
                          env=_env(DATABASE_URL=PG_URL, REDIS_URL=REDIS_URL), timeout=120,
                          capture_output=True, text=True)
    assert done.returncode == 2
    assert "run `moderation worker` processes" in " ".join(done.stderr.split())


@pytest.fixture
def admin_key(pg_engine: Engine) -> Iterator[str]:
    with Session(pg_engine) as s:
        key = create_staff(s, name="serve-admin", role=StaffRole.ADMIN).api_key
        s.commit()
    assert key
    yield key
    with pg_engine.begin() as conn:
        conn.execute(text("TRUNCATE audit_log, offer_versions, offers, sellers, web_sessions, "
                          "staff, organisations RESTART IDENTITY CASCADE"))


def test_two_processes_serve_intake(admin_key: str, redis: object, tmp_path: Path) -> None:
    port = _free_port()
    log = (tmp_path / "serve.log").open("wb")
    proc = subprocess.Popen([*COMMAND, "serve", "--workers", "2", "--port", str(port)],
                            cwd=ROOT, env=_env(DATABASE_URL=PG_URL, REDIS_URL=REDIS_URL),
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base, seconds=60)
        started: set[str] = set()
        deadline = time.monotonic() + 60
        while len(started) < 2 and time.monotonic() < deadline:
            started = set(re.findall(r"Started server process \[(\d+)\]",
                                     (tmp_path / "serve.log").read_text(errors="replace")))
            time.sleep(0.2)
        children = {str(c.pid) for c in psutil.Process(proc.pid).children()}
        assert len(started) == 2 and started <= children
        answers = [httpx.post(f"{base}/v1/offers", headers={"X-API-Key": admin_key}, json={
            "marketplace_id": f"serve-{i}", "version": 1, "seller": {"id": "serve-s"},
            "title": "Rower górski Kross"}, timeout=30).status_code for i in range(20)]
        assert answers == [201] * 20
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()
        print((tmp_path / "serve.log").read_text(errors="replace")[-3000:])
