"""RQ jobs: thin. Each takes ids, opens a session, calls the domain, commits once.

RQ delivers at least once, so every job re-reads state and is safe to run twice; a job that
lost a race for the database (a lock, a deadlock) is run again at once, with fresh sessions.
A job's database, queue and screener are the runtime of the worker running it (context.py).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from datetime import timedelta

from moderation import delivery, pending, queue, retention
from moderation.buyers import feedback_reminders
from moderation.cases import strikes
from moderation.config import get_settings
from moderation.db import session_scope
from moderation.retries import retry_job
from moderation.safety import deadline_warnings, deadlines, importer, matching
from moderation.safety.alerts import NOTICE
from moderation.screening import batches, flood
from moderation.tables import utcnow
from moderation.transparency_db import submissions, submitter
from workers.context import current

log = logging.getLogger(__name__)

# Set while retention's last run is recent: the ticker queues the job every sweep interval,
# and it purges only once per RETENTION_INTERVAL_HOURS across all workers.
RETENTION_RAN = "moderation:retention:ran"
# Set while the last look for buyers to remind is recent: the ticker queues the job every
# sweep interval, and a look once an hour is soon enough for a reminder days ahead.
FEEDBACK_REMINDERS_RAN = "moderation:feedback-reminders:ran"
FEEDBACK_REMINDERS_EVERY_SECONDS = 3600

# A margin after a window closes, for ids pushed in its last milliseconds.
WINDOW_MARGIN_SECONDS = 0.05


@retry_job
def screen_offers(offer_ids: Sequence[int]) -> dict[str, int]:
    """Screen these offers at their current versions (already screened ones are skipped)."""
    runtime = current()
    batch = get_settings().screen_batch_size
    total: dict[str, int] = {"screened": 0}
    ids = list(offer_ids)
    for start in range(0, len(ids), batch):
        with session_scope(runtime.sessionmaker) as session:
            summary = batches.screen_pending(
                session, runtime.screener, offer_ids=ids[start:start + batch], limit=batch
            )
        total["screened"] += summary.screened
        for route, n in summary.routes.items():
            total[route] = total.get(route, 0) + n
    return total


def screen_window(window: int) -> dict[str, int]:
    """Screen the offers whose intake fell into one coalescing window."""
    wait = queue.window_end(window) + WINDOW_MARGIN_SECONDS - time.time()
    if wait > 0:
        time.sleep(wait)
    return screen_offers(queue.take_window_ids(current().redis, window))


@retry_job
def sweep() -> dict[str, int]:
    """Queue again the pending work whose job is gone (Redis refused it, or it failed)."""
    runtime = current()
    settings = get_settings()
    grace = timedelta(seconds=settings.sweep_grace_seconds)
    with session_scope(runtime.sessionmaker) as session:
        if settings.tdb_enabled:
            adopted = submissions.adopt_statements(session, now=utcnow(), grace=grace)
            if adopted:
                log.warning("sweep: %d statements had no submission row; adopted",
                            len(adopted))
        requeued = pending.sweep(session, redis=runtime.redis, now=utcnow(), grace=grace)
    for kind, n in requeued.items():
        if n:
            log.warning("sweep: %d %s jobs were lost; queued again", n, kind)
    return {"requeued": sum(requeued.values()), **requeued}


@retry_job
def submit_tdb(submission_ids: Sequence[int]) -> dict[str, int]:
    """Send these statements to the DSA Transparency Database (those still due)."""
    summary = submitter.submit(current().sessionmaker, submission_ids)
    return {"sent": summary.sent, "found": summary.found, "rejected": summary.rejected,
            "deferred": summary.deferred, "requests": summary.requests}


@retry_job
def expire_strikes() -> int:
    """Recount sellers whose strikes ran out."""
    with session_scope(current().sessionmaker) as session:
        return strikes.expire_strikes(session, now=utcnow())


@retry_job
def match_alerts(alert_ids: Sequence[int]) -> dict[str, int]:
    """Match safety alerts against offers; each alert in its own transaction."""
    runtime = current()
    found = 0
    for alert_id in alert_ids:
        with session_scope(runtime.sessionmaker) as session:
            found += len(matching.match_alert(session, alert_id,
                                              learned=runtime.screener.matcher))
    return {"alerts": len(alert_ids), "matches": found}


@retry_job
def warn_deadlines() -> int:
    """Tell leads about safety cases close to their legal deadline."""
    with session_scope(current().sessionmaker) as session:
        return deadline_warnings.warn_leads(session, now=utcnow())


@retry_job
def import_safety_feed() -> dict[str, int]:
    """Import new Safety Gate exports dropped into SAFETY_FEED_DIR, then match them."""
    runtime = current()
    directory = get_settings().safety_feed_dir
    if directory is None:
        return {"files": 0}
    summaries = importer.import_feed_directory(
        runtime.sessionmaker, directory, now=utcnow(),
        due_at=lambda received: deadlines.due_for(NOTICE, received))
    ids = [i for s in summaries for i in s.alert_ids]  # their matching followed each commit
    for s in summaries:
        if s.error:
            log.error("safety feed: %s not imported: %s", s.file, s.error)
    return {"files": len(summaries), "alerts": len(ids)}


@retry_job
def deliver_outbox() -> int:
    """Deliver the notifications that are due (e-mail, the sellers' webhook, or the log)."""
    with session_scope(current().sessionmaker) as session:
        return delivery.deliver_pending(session)


@retry_job
def prune_flood_counts() -> int:
    """Drop the flood guard's counts once nothing reads them any more."""
    with session_scope(current().sessionmaker) as session:
        return flood.prune(session, now=utcnow())


def purge_retention() -> dict[str, int]:
    """Purge expired sessions, old delivered outbox rows and old offer versions, once per
    RETENTION_INTERVAL_HOURS (a batch per transaction, until nothing is left)."""
    runtime = current()
    settings = get_settings()
    if not runtime.redis.set(RETENTION_RAN, int(time.time()), nx=True,
                             ex=settings.retention_interval_hours * 3600):
        return {"skipped": 1}
    try:
        total = retention.purge_all(_purge_batch)
    except Exception:
        runtime.redis.delete(RETENTION_RAN)  # failed: the next tick tries again
        raise
    if total.total:
        log.info("retention: purged %s", total.as_dict())
    return total.as_dict()


@retry_job
def _purge_batch() -> retention.Purged:
    with session_scope(current().sessionmaker) as session:
        return retention.purge_batch(session, get_settings(), now=utcnow())


def remind_feedback() -> int:
    """Remind buyers whose window to rate an order closes soon, once each, once an hour
    across all workers (a batch per transaction, until the due ones are done)."""
    runtime = current()
    if not runtime.redis.set(FEEDBACK_REMINDERS_RAN, int(time.time()), nx=True,
                             ex=FEEDBACK_REMINDERS_EVERY_SECONDS):
        return 0
    total = 0
    try:
        while True:
            sent = _remind_batch()
            total += sent
            if sent < feedback_reminders.BATCH:
                break
    except Exception:
        runtime.redis.delete(FEEDBACK_REMINDERS_RAN)  # failed: the next tick tries again
        raise
    if total:
        log.info("feedback reminders: %d sent", total)
    return total


@retry_job
def _remind_batch() -> int:
    with session_scope(current().sessionmaker) as session:
        return feedback_reminders.send_due(session, now=utcnow())
