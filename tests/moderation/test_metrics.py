"""Metrics of several processes added up: each writes files of its own, /metrics sums them."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from prometheus_client import generate_latest
from sqlalchemy.orm import Session

from api.metrics import exposition, prepare
from moderation import metrics
from moderation.config import Settings, get_settings
from moderation.delivery import deliver_pending
from moderation.outbox import notify
from tests.metrics_reading import value

ROOT = Path(__file__).resolve().parents[2]
COUNT = textwrap.dedent("""
    import sys
    from moderation import metrics
    metrics.JOB_FAILURES.labels(function="workers.tasks.sweep", queue="q").inc(int(sys.argv[1]))
    metrics.HTTP_LATENCY.labels(method="GET", route="/healthz").observe(0.02)
""")


def _count_in_a_process(directory: Path, n: int) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), metrics.MULTIPROC_ENV: str(directory)}
    subprocess.run([sys.executable, "-c", COUNT, str(n)], env=env, check=True, timeout=60)


def test_counts_of_several_processes_are_added_up(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    _count_in_a_process(tmp_path, 2)
    _count_in_a_process(tmp_path, 3)
    host = socket.gethostname().replace("_", "-")
    files = sorted(p.name for p in tmp_path.glob("*.db"))
    assert len(files) == 4 and all(f.split("_", 1)[1].startswith(f"{host}-") for f in files)
    monkeypatch.setenv(metrics.MULTIPROC_ENV, str(tmp_path))
    get_settings.cache_clear()
    from prometheus_client import CollectorRegistry

    text = exposition(CollectorRegistry()).decode()
    assert value(text, "moderation_job_failures_total", function="workers.tasks.sweep",
                 queue="q") == 5
    assert value(text, "moderation_http_request_duration_seconds_count", method="GET",
                 route="/healthz") == 2


def test_prepare_removes_the_files_of_processes_that_are_gone(tmp_path: Path) -> None:
    host = socket.gethostname().replace("_", "-")
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    dead = tmp_path / f"counter_{host}-{gone.pid}.db"
    alive = tmp_path / f"counter_{host}-{os.getpid()}.db"
    elsewhere = tmp_path / f"counter_otherhost-{gone.pid}.db"
    for path in (dead, alive, elsewhere):
        path.write_bytes(b"")
    assert metrics.remove_dead_files(tmp_path) == 1
    assert not dead.exists() and alive.exists() and elsewhere.exists()


def test_prepare_without_a_directory_changes_nothing() -> None:
    assert get_settings().prometheus_multiproc_dir is None
    assert prepare() is None
    assert metrics.MULTIPROC_ENV not in os.environ


def test_a_message_given_up_on_is_counted_as_it_fails(session: Session) -> None:
    labels = {"channel": "email", "given_up": "true"}
    before = value(generate_latest().decode(), "moderation_outbox_delivery_failures_total",
                   **labels)
    message = notify(session, kind="notifier.outcome", recipient="nobody:x", payload={})
    deliver_pending(session, settings=Settings())
    assert message.status == "failed"
    after = value(generate_latest().decode(), "moderation_outbox_delivery_failures_total",
                  **labels)
    assert after - before == 1
