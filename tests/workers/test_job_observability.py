"""A job's lines carry its RQ job id, and its failures are counted."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from prometheus_client import generate_latest

from moderation import logs, queue
from moderation.config import Settings
from moderation.runtime import Runtime
from tests.metrics_reading import value
from workers.main import make_worker

FAILURES = "moderation_job_failures_total"


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    stream = io.StringIO()
    logs.configure(Settings(log_format="json"), stream=stream)
    yield stream
    root.handlers[:] = handlers
    root.setLevel(level)


def test_a_failing_jobs_lines_carry_its_id_and_the_failure_is_counted(
        runtime: Runtime, log_lines: io.StringIO) -> None:
    labels = {"function": "tests.workers.jobs.fail_loudly",
              "queue": queue.get_queue(runtime.redis, queue.Lane.INTERACTIVE).name}
    before = value(generate_latest().decode(), FAILURES, **labels)
    job_id = queue.enqueue(runtime.redis, "tests.workers.jobs.fail_loudly", 41,
                           lane=queue.Lane.INTERACTIVE)
    make_worker(runtime, thread=True).work(burst=True, logging_level="INFO")
    after = value(generate_latest().decode(), FAILURES, **labels)
    assert after - before == 1
    lines = [json.loads(line) for line in log_lines.getvalue().splitlines()]
    (mine,) = [x for x in lines if x["message"] == "about to fail on offer 41"]
    assert mine["job_id"] == job_id and mine["logger"] == "tests.workers.jobs"
    failure = [x for x in lines if x["job_id"] == job_id and x["level"] == "ERROR"]
    assert failure and "offer 41 broke the job" in str(failure[0].get("exc_info", "")) + str(
        failure[0]["message"])
    assert all(x["job_id"] is None for x in lines if "started with PID" in x["message"])
