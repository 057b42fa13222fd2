"""The worker: an RQ worker on the service's queues, plus a ticker for periodic jobs."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from redis import Redis
from rq import Queue, SimpleWorker
from rq.job import Job
from rq.timeouts import TimerDeathPenalty

from moderation import logs, metrics, queue
from moderation.config import get_settings
from moderation.retries import is_outage
from moderation.runtime import Runtime, freeze_loaded
from workers.context import running
from workers.threads import limit_threads

log = logging.getLogger(__name__)

TICK_LOCK = "moderation:tick:{}:{}"
# The id of a periodic job's latest run, so that a run still waiting or running is not
# queued a second time behind itself.
LAST_RUN = "moderation:periodic:{}"
# A job of this package only, so it is named here rather than in moderation/queue.py.
PRUNE_FLOOD_COUNTS = "workers.tasks.prune_flood_counts"


class RuntimeWorker(SimpleWorker):
    """A SimpleWorker whose jobs run with its runtime current (workers.context)."""

    def __init__(self, queues: list[Queue], *, runtime: Runtime, **kwargs: Any) -> None:
        super().__init__(queues, connection=runtime.redis, **kwargs)
        self.runtime = runtime

    def execute_job(self, job: Job, job_queue: Queue) -> None:
        """Run a job with the runtime current, saying from a thread of its own that this
        worker lives while it runs (queue.alive): a long batch keeps this thread busy."""
        stop = threading.Event()
        beat = threading.Thread(target=self._say_alive, args=(stop,), daemon=True,
                                name="moderation-worker-alive")
        beat.start()
        try:
            # Every line written while the job runs carries its id (RQ's own lines too).
            with running(self.runtime), logs.job_context(job.id):
                super().execute_job(job, job_queue)
        finally:
            stop.set()
            beat.join(timeout=5)

    def _say_alive(self, stop: threading.Event) -> None:
        # Every third of the key's life: two beats may fail before the key lapses.
        seconds = self.runtime.settings.worker_alive_seconds
        while True:
            try:
                queue.worker_alive(self.connection, self.name, seconds)
            except Exception:  # a Redis blip: say it again on the next beat
                log.warning("could not say that worker %s is alive", self.name)
            if stop.wait(seconds / 3):
                return

    def handle_job_failure(self, job: Job, queue: Queue, *args: Any, **kwargs: Any) -> None:
        # Each failed run counts, also one that RQ will retry.
        metrics.JOB_FAILURES.labels(function=job.func_name, queue=queue.name).inc()
        super().handle_job_failure(job, queue, *args, **kwargs)


class ThreadWorker(RuntimeWorker):
    """A worker that can run in a thread (signals belong to the main thread)."""

    # Job timeouts by a timer thread instead of SIGALRM, which only the main thread may set.
    death_penalty_class = TimerDeathPenalty

    def _install_signal_handlers(self) -> None:
        pass


PERIODIC = (queue.SWEEP, queue.DELIVER_OUTBOX, queue.EXPIRE_STRIKES, queue.WARN_DEADLINES,
            queue.IMPORT_SAFETY_FEED, PRUNE_FLOOD_COUNTS, queue.PURGE_RETENTION,
            queue.REMIND_FEEDBACK)


def tick(connection: Redis, interval: int) -> None:
    """Enqueue the periodic jobs once per interval across all workers on all hosts, each
    only when its previous run is neither waiting nor running."""
    period = int(time.time()) // interval
    last_runs = connection.mget([LAST_RUN.format(job) for job in PERIODIC])
    still_running = queue.alive(connection, (r.decode() for r in last_runs if r))
    for job, last in zip(PERIODIC, last_runs, strict=True):
        if last is not None and last.decode() in still_running:
            continue
        # Whoever sets the lock first for this period enqueues; the others do nothing.
        if connection.set(TICK_LOCK.format(job, period), 1, nx=True, ex=interval * 2):
            job_id = queue.enqueue(connection, job,
                                   job_id=f"{job.rsplit('.', 1)[1]}-{period}",
                                   lane=queue.Lane.PERIODIC)
            connection.set(LAST_RUN.format(job), job_id, ex=max(interval * 20, 3600))


def _ticker(stop: threading.Event, connection: Redis, interval: int) -> None:
    while not stop.wait(interval / 2):
        try:
            tick(connection, interval)
        except Exception:  # the ticker must outlive a Redis blip
            log.exception("periodic enqueue failed")


def start_ticker(runtime: Runtime, interval: int | None = None) -> threading.Event:
    """Start the periodic-job ticker in a daemon thread; set the event to stop it."""
    stop = threading.Event()
    threading.Thread(
        target=_ticker,
        args=(stop, runtime.redis, interval or get_settings().sweep_interval_seconds),
        daemon=True, name="moderation-ticker",
    ).start()
    return stop


def make_worker(runtime: Runtime, *, thread: bool = False) -> RuntimeWorker:
    """Build a worker on every lane's queue, taken in order (interactive, periodic, bulk).

    SimpleWorker, not the forking Worker: a fork per job costs ~30 ms here, and the rule
    pack and model stay loaded between jobs (they reload themselves when they change).
    """
    cls = ThreadWorker if thread else RuntimeWorker
    return cls(queue.get_queues(runtime.redis), runtime=runtime)


def work_off(runtime: Runtime) -> None:
    """Run the queue's jobs in this process until it is empty (the embedded queue's
    commands: nothing else will run what they queued)."""
    make_worker(runtime, thread=True).work(burst=True, logging_level="WARNING")


def settle_heap(runtime: Runtime) -> None:
    """Load the rule pack and the model, then hide what is loaded from the cyclic GC.

    Screening batches allocate enough to set off full collections, and each would walk the
    rules' and the model's objects again: about 6% of a worker's time, measured on 10k
    offers (0.6 s of gen-2 collections, 0.04 s once frozen).
    """
    runtime.screener.current()
    freeze_loaded()


def run(runtime: Runtime, *, burst: bool = False) -> None:
    """Run a worker in this process until stopped (or until the queue is empty, in burst)."""
    limit_threads()  # jobs run in this thread: its pools, and the process's BLAS
    settle_heap(runtime)
    stop = None if burst else start_ticker(runtime)
    try:
        _work_through_outages(runtime, burst=burst)
    finally:
        if stop is not None:
            stop.set()


# A worker that ran this long before Redis went away starts its outage allowance afresh.
_WORKED_SECONDS = 10.0


def _work_through_outages(runtime: Runtime, *, burst: bool) -> None:
    """Work; when Redis is unreachable (at start, or where RQ does not retry by itself),
    start a fresh worker after a backoff, for as long as OUTAGE_RETRY_SECONDS allows."""
    allowance = get_settings().outage_retry_seconds
    down_since: float | None = None
    pause = 0.5
    while True:
        began = time.monotonic()
        try:
            make_worker(runtime).work(burst=burst, with_scheduler=True, logging_level="INFO")
            return
        except Exception as exc:
            if not is_outage(exc):
                raise
            now = time.monotonic()
            if down_since is None or now - began > _WORKED_SECONDS:
                down_since, pause = now, 0.5
            if now - down_since > allowance:
                raise
            log.warning("worker: Redis unreachable (%s); starting again in %.1f s", exc, pause)
            time.sleep(pause)
            pause = min(pause * 2, 5.0)


def start_in_process_worker(runtime: Runtime) -> threading.Event:
    """Run a worker and the ticker in daemon threads: the embedded default of `serve`."""
    stop = start_ticker(runtime)

    def _loop() -> None:
        limit_threads()  # OpenMP's cap is per thread: the jobs' thread sets its own
        while not stop.is_set():
            # A fresh worker per pass: one that failed may still be registered as alive.
            try:
                make_worker(runtime, thread=True).work(burst=True, with_scheduler=True,
                                                       logging_level="WARNING")
            except Exception:
                log.exception("in-process worker failed")
                stop.wait(1.0)
            stop.wait(0.05)

    threading.Thread(target=_loop, daemon=True, name="moderation-worker").start()
    return stop

