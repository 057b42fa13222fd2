"""Workers run the classifier and the matcher on a bounded thread count, set once at start."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from redis import Redis
from rq import Queue
from rq.job import Job

from moderation import queue
from tests.conftest import REDIS_URL
from tests.workers import jobs

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent / "moderation"
JOB = f"{jobs.__name__}.thread_pools"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """A worker's environment that would give every pool two threads, but for the setting."""
    return {**os.environ, "REDIS_URL": REDIS_URL, "WORKER_THREADS": "1",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'm.db'}", "PYTHONPATH": str(ROOT),
            "OMP_NUM_THREADS": "2", "OPENBLAS_NUM_THREADS": "2"}


@pytest.fixture
def job_queue(redis: Redis) -> Iterator[Queue]:
    yield queue.get_queue(redis)  # a lane every worker takes


def _pools(job: Job) -> list[tuple[str, int]]:
    pools = job.latest_result().return_value if job.latest_result() else None
    assert pools, f"job {job.id} did not run: {job.get_status()}"
    return [(api, n) for api, n in pools]


def test_a_worker_process_runs_its_jobs_on_one_thread(env: dict[str, str],
                                                      job_queue: Queue) -> None:
    job = job_queue.enqueue(JOB)
    subprocess.run([str(BIN), "worker", "--burst"], env=env, check=True, timeout=120,
                   capture_output=True)
    pools = _pools(job)
    assert {api for api, _ in pools} >= {"openblas", "openmp"}
    assert {n for _, n in pools} == {1}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_the_in_process_worker_of_serve_runs_its_jobs_on_one_thread(
        env: dict[str, str], job_queue: Queue, tmp_path: Path) -> None:
    port = _free_port()
    log = (tmp_path / "server.log").open("wb")
    proc = subprocess.Popen([str(BIN), "serve", "--worker", "--port", str(port)], env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(300):  # serving: the worker thread started before the API
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        job = job_queue.enqueue(JOB)
        for _ in range(300):
            if job.get_status(refresh=True) == "finished" or proc.poll() is not None:
                break
            time.sleep(0.1)
        pools = _pools(job)
        assert {api for api, _ in pools} >= {"openblas", "openmp"}
        assert {n for _, n in pools} == {1}
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()
