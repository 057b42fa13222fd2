"""A started job counts as alive only while its worker says it lives."""

from __future__ import annotations

import dataclasses
import threading
import time

from redis import Redis
from rq.job import Job, JobStatus

from moderation import queue
from moderation.runtime import Runtime
from workers.main import make_worker


def _started_job(redis: Redis, worker_name: str) -> Job:
    job = Job.create("builtins.len", args=([],), connection=redis, id="probe-job")
    job.worker_name = worker_name
    job.set_status(JobStatus.STARTED)
    job.save()
    return job


def test_a_started_job_of_a_killed_worker_is_not_alive(redis: Redis) -> None:
    _started_job(redis, "gone-worker")
    assert queue.alive(redis, ["probe-job"]) == set(), "its worker never said it lives"
    queue.worker_alive(redis, "gone-worker", 15)
    assert queue.alive(redis, ["probe-job"]) == {"probe-job"}
    redis.delete(queue.WORKER_ALIVE_KEY.format("gone-worker"))  # as its key expires
    assert queue.alive(redis, ["probe-job"]) == set()


def test_a_worker_says_it_lives_while_its_job_runs_for_the_configured_time(
        runtime: Runtime, redis: Redis) -> None:
    settings = runtime.settings.model_copy(update={"worker_alive_seconds": 7})
    worker = make_worker(dataclasses.replace(runtime, settings=settings))
    seen: list[bool] = []
    key = queue.WORKER_ALIVE_KEY.format(worker.name)

    def watch() -> None:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not seen:
            if redis.exists(key):
                seen.append(True)
            time.sleep(0.01)

    watcher = threading.Thread(target=watch)
    watcher.start()
    queue.enqueue(redis, "time.sleep", 0.5, lane=queue.Lane.INTERACTIVE)
    worker.work(burst=True)
    watcher.join()
    assert seen, "the worker's alive key was set while the job ran"
    # Set at most a third of 7 s ago (the default 15 s would leave more).
    assert 4 <= redis.ttl(key) <= 7
