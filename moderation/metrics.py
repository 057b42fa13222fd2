"""Every Prometheus metric of the service, defined once, and the gauges read at scrape time.

Counters and histograms are kept by the code that does the work (the API's middleware,
screening, the worker); in several processes (PROMETHEUS_MULTIPROC_DIR) each writes them to
files of its own there, and /metrics adds them up (api/metrics.py). Gauges of state that
lives in the database and Redis (queue depth, open cases, the outbox) are not kept anywhere:
`StateCollector` reads them when Prometheus scrapes, with a few grouped queries, so that
any number of processes report one truth.
"""

from __future__ import annotations

import logging
import math
import os
import socket
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import TypeVar

from prometheus_client import Counter, Histogram, values
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from redis import Redis
from rq.job import Job
from rq.utils import utcparse
from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from moderation import policy, queue
from moderation.domain import CaseKind, CaseStatus, OutboxStatus
from moderation.retries import is_outage
from moderation.tables import Case, Compensation, OutboxMessage, SafetyMatch, utcnow

PREFIX = "moderation"
HOUR = timedelta(hours=1)
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

HTTP_REQUESTS = Counter(
    f"{PREFIX}_http_requests", "HTTP requests answered, by route template and status.",
    ["method", "route", "status"])
HTTP_LATENCY = Histogram(
    f"{PREFIX}_http_request_duration_seconds", "Time to answer an HTTP request.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
OFFERS_SCREENED = Counter(
    f"{PREFIX}_offers_screened", "Offers screened, by the route taken and the rule pack and "
    "model versions that screened them.", ["route", "rules_version", "model_version"])
SCREENING_LATENCY = Histogram(
    f"{PREFIX}_screening_batch_duration_seconds",
    "Time to screen one batch of offers and record what it concluded.",
    ["rules_version", "model_version"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))
JOB_FAILURES = Counter(
    f"{PREFIX}_job_failures", "Failed runs of RQ jobs (also those RQ retries).",
    ["function", "queue"])
OUTBOX_DELIVERY_FAILURES = Counter(
    f"{PREFIX}_outbox_delivery_failures", "Failed attempts to deliver an outbox message "
    "(given_up: marked failed, no further attempts).", ["channel", "given_up"])

INTAKE_GROUP_SIZES = Histogram(
    f"{PREFIX}_intake_group_size", "Single-offer requests written in one transaction "
    "(api/intake_groups.py), by how the group ended: committed, failed (every request "
    "served again) or split (written one event at a time).", ["outcome"],
    buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256, 1024))

RATE_LIMITS_UNCOUNTED = Counter(
    f"{PREFIX}_rate_limits_uncounted", "Requests let through without counting them against "
    "the rate limits, because the limits' Redis could not be reached.", ["scope"])
T = TypeVar("T")
UNCOUNTED_WARNING_SECONDS = 60.0  # at most one warning a minute while a limit's Redis is away


class Uncounted:
    """What a limit notes while its Redis is away: each request it let through, in
    RATE_LIMITS_UNCOUNTED, and a warning at most once a minute (a line per request would
    flood the log for as long as the outage lasts)."""

    def __init__(self, log: logging.Logger, warning: str) -> None:
        self._log = log
        self._warning = warning  # with one %s: the error
        self._warned_at = -math.inf

    def call(self, scope: str, action: Callable[[], T], *, otherwise: T) -> T:
        """The action's answer; `otherwise`, noted, when its Redis cannot be reached (any
        other error is raised)."""
        try:
            return action()
        except Exception as exc:
            if not is_outage(exc):
                raise
            self._note(scope, exc)
            return otherwise

    async def call_async(self, scope: str, action: Callable[[], Awaitable[T]], *,
                         otherwise: T) -> T:
        """As `call`, for an action awaited on the event loop."""
        try:
            return await action()
        except Exception as exc:
            if not is_outage(exc):
                raise
            self._note(scope, exc)
            return otherwise

    def _note(self, scope: str, error: Exception) -> None:
        RATE_LIMITS_UNCOUNTED.labels(scope).inc()
        now = time.monotonic()
        if now - self._warned_at >= UNCOUNTED_WARNING_SECONDS:
            self._warned_at = now
            self._log.warning(self._warning, error)

# The names StateCollector yields (the dashboard's test reads them from here too).
STATE_METRICS = (
    f"{PREFIX}_queue_jobs", f"{PREFIX}_queue_oldest_job_age_seconds",
    f"{PREFIX}_queue_failed_jobs", f"{PREFIX}_cases_open",
    f"{PREFIX}_cases_oldest_open_age_seconds", f"{PREFIX}_deadlines_at_risk",
    f"{PREFIX}_deadlines_overdue", f"{PREFIX}_outbox_pending",
    f"{PREFIX}_outbox_oldest_pending_age_seconds", f"{PREFIX}_metrics_scrape_error",
    f"{PREFIX}_compensations_unconfirmed",
    f"{PREFIX}_compensations_oldest_unconfirmed_age_seconds",
)


_multiprocess_dir: Path | None = None


def _process_id() -> str:
    # The file name of a process's metrics: host and pid, so that processes of several
    # containers sharing one directory (each its own pid 1) never write the same file.
    return f"{socket.gethostname().replace('_', '-')}-{os.getpid()}"


def use_multiprocess(directory: Path) -> None:
    """Write this process's metrics to files in this directory from now on.

    Metrics with labels make their values on first use, so switching here works as long as
    no labelled value was made before (true at start-up: nothing has been counted).
    """
    global _multiprocess_dir
    if _multiprocess_dir == directory.resolve():
        return  # a second value class would map the same files twice
    directory.mkdir(parents=True, exist_ok=True)
    os.environ[MULTIPROC_ENV] = str(directory)
    values.ValueClass = values.MultiProcessValue(process_identifier=_process_id)
    _multiprocess_dir = directory.resolve()


def remove_dead_files(directory: Path) -> int:
    """Delete the metric files of this host's processes that are gone; return how many.

    Counters of a dead process would otherwise be added up for ever, and a new process
    with the same pid would carry on from them.
    """
    host = f"{socket.gethostname().replace('_', '-')}-"
    removed = 0
    for path in directory.glob("*.db"):
        ident = path.stem.split("_", 1)[-1]
        if not ident.startswith(host):
            continue
        try:
            pid = int(ident.removeprefix(host))
            os.kill(pid, 0)
        except ProcessLookupError:
            path.unlink(missing_ok=True)
            removed += 1
        except (ValueError, PermissionError):
            continue
    return removed


if os.environ.get(MULTIPROC_ENV):  # a worker process started with the directory set
    use_multiprocess(Path(os.environ[MULTIPROC_ENV]))


def _age(oldest: datetime | None, now: datetime) -> float:
    if oldest is None:
        return 0.0
    if oldest.tzinfo is None:  # SQLite hands back naive UTC
        oldest = oldest.replace(tzinfo=now.tzinfo)
    return max(0.0, (now - oldest).total_seconds())


def queue_state(redis: Redis) -> Iterator[tuple[str, int, float, int]]:
    """Per lane: jobs waiting, the age of the oldest, failed jobs kept (two round trips)."""
    queues = queue.get_queues(redis)
    with redis.pipeline(transaction=False) as pipe:
        for q in queues:
            pipe.llen(q.key)
            pipe.lindex(q.key, 0)
            pipe.zcard(q.failed_job_registry.key)
        answers = pipe.execute()
    heads = [answers[i * 3 + 1] for i in range(len(queues))]
    with redis.pipeline(transaction=False) as pipe:
        for head in heads:
            pipe.hget(Job.key_for(head.decode()), "enqueued_at") if head else pipe.echo("")
        enqueued = pipe.execute()
    now = time.time()
    for i, lane in enumerate(queue.Lane):  # get_queues gives them in this order
        depth, failed = answers[i * 3], answers[i * 3 + 2]
        age = 0.0
        if heads[i] and enqueued[i]:
            age = max(0.0, now - utcparse(enqueued[i].decode()).timestamp())
        yield lane.value, depth, age, failed


def case_state(session: Session, *, now: datetime, warning: timedelta
               ) -> tuple[dict[str, tuple[int, float]], int, int]:
    """Open cases and the oldest one's age per kind; safety deadlines at risk and overdue.

    A safety case is as in moderation/safety/deadline_warnings.py: opened as one, or joined
    by an alert's match; at risk when due within the warning window (overdue included).
    """
    open_ = Case.status != CaseStatus.CLOSED.value
    by_kind = {kind: (n, _age(oldest, now)) for kind, n, oldest in session.execute(
        select(Case.kind, func.count(), func.min(Case.opened_at)).where(open_)
        .group_by(Case.kind))}
    safety = or_(Case.kind == CaseKind.SAFETY.value,
                 exists().where(SafetyMatch.case_id == Case.id))
    at_risk, overdue = session.execute(
        select(func.count(), func.count().filter(Case.due_at <= now))
        .where(open_, safety, Case.due_at <= now + warning)).one()
    return by_kind, at_risk, overdue


def outbox_state(session: Session, *, now: datetime) -> tuple[int, float]:
    """Messages waiting to go out, and the age of the oldest (on the pending index).

    Failed ones are counted as they fail (OUTBOX_DELIVERY_FAILURES), not here: no index
    holds them, and counting them would scan the whole outbox, sent rows and all, at every
    scrape (26 ms at 100k rows, growing with the table; benchmarks/bench_metrics.py).
    """
    n, oldest = session.execute(
        select(func.count(), func.min(OutboxMessage.created_at))
        .where(OutboxMessage.status == OutboxStatus.PENDING.value)).one()
    return n, _age(oldest, now)


def compensation_state(session: Session, *, now: datetime) -> tuple[int, float]:
    """Compensations asked and not confirmed paid after policy.COMPENSATION_CONFIRM_WITHIN,
    and the age of the oldest one not confirmed (late or not yet)."""
    # No index on paid_at: about one order in 2,000 ends in a compensation (the simulated
    # month, benchmarks/simulate_claims_month.py), so the table stays small.
    unpaid = Compensation.paid_at.is_(None)
    late = Compensation.requested_at <= now - policy.COMPENSATION_CONFIRM_WITHIN
    n, oldest = session.execute(
        select(func.count().filter(late), func.min(Compensation.requested_at))
        .where(unpaid)).one()
    return n, _age(oldest, now)


class StateCollector(Collector):
    """Gauges of what the database and Redis hold, read at each scrape."""

    def __init__(self, sessions: sessionmaker[Session], redis: Redis, *,
                 warning: timedelta) -> None:
        self.sessions, self.redis, self.warning = sessions, redis, warning

    def collect(self) -> Iterator[Metric]:
        error = GaugeMetricFamily(f"{PREFIX}_metrics_scrape_error",
                                  "1 when a source of these gauges did not answer.",
                                  labels=["source"])
        try:
            yield from self._queues()
            error.add_metric(["redis"], 0)
        except Exception:  # a scrape reports what it can; readiness says what is down
            error.add_metric(["redis"], 1)
        try:
            yield from self._database()
            error.add_metric(["database"], 0)
        except Exception:
            error.add_metric(["database"], 1)
        yield error

    def _queues(self) -> Iterator[Metric]:
        depth = GaugeMetricFamily(f"{PREFIX}_queue_jobs", "Jobs waiting on an RQ queue.",
                                  labels=["lane"])
        age = GaugeMetricFamily(f"{PREFIX}_queue_oldest_job_age_seconds",
                                "How long the oldest waiting job has waited.", labels=["lane"])
        failed = GaugeMetricFamily(f"{PREFIX}_queue_failed_jobs",
                                   "Failed jobs kept in a queue's failed registry.",
                                   labels=["lane"])
        for lane, n, oldest, n_failed in queue_state(self.redis):
            depth.add_metric([lane], n)
            age.add_metric([lane], oldest)
            failed.add_metric([lane], n_failed)
        return iter((depth, age, failed))

    def _database(self) -> Iterator[Metric]:
        now = utcnow()
        with self.sessions() as session:
            by_kind, at_risk, overdue = case_state(session, now=now, warning=self.warning)
            pending, oldest_pending = outbox_state(session, now=now)
            unconfirmed, oldest_unconfirmed = compensation_state(session, now=now)
            session.rollback()
        cases = GaugeMetricFamily(f"{PREFIX}_cases_open", "Open cases (open or escalated).",
                                  labels=["kind"])
        oldest = GaugeMetricFamily(f"{PREFIX}_cases_oldest_open_age_seconds",
                                   "Age of the oldest open case.", labels=["kind"])
        for kind in CaseKind:
            n, age = by_kind.get(kind.value, (0, 0.0))
            cases.add_metric([kind.value], n)
            oldest.add_metric([kind.value], age)
        risk = GaugeMetricFamily(f"{PREFIX}_deadlines_at_risk",
                                 "Open safety cases due within DEADLINE_WARNING_HOURS "
                                 "(overdue ones included).", value=at_risk)
        late = GaugeMetricFamily(f"{PREFIX}_deadlines_overdue",
                                 "Open safety cases past their deadline.", value=overdue)
        messages = GaugeMetricFamily(f"{PREFIX}_outbox_pending",
                                     "Outbox messages waiting to go out.", value=pending)
        pending_age = GaugeMetricFamily(f"{PREFIX}_outbox_oldest_pending_age_seconds",
                                        "Age of the oldest message waiting to go out.",
                                        value=oldest_pending)
        late_pay = GaugeMetricFamily(
            f"{PREFIX}_compensations_unconfirmed",
            "Compensations asked of the payment webhook and not confirmed paid within "
            "policy.COMPENSATION_CONFIRM_WITHIN.", value=unconfirmed)
        unpaid_age = GaugeMetricFamily(
            f"{PREFIX}_compensations_oldest_unconfirmed_age_seconds",
            "Age of the oldest compensation not yet confirmed paid.", value=oldest_unconfirmed)
        return iter((cases, oldest, risk, late, messages, pending_age, late_pay, unpaid_age))
