"""RQ jobs: thin. Each takes ids, opens a session, calls the domain, commits once.

RQ delivers at least once, so every job re-reads state and is safe to run twice.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from datetime import timedelta

from moderation import outbox, queue, screening, strikes
from moderation.config import get_settings
from moderation.db import session_scope
from moderation.screener import get_screener
from moderation.tables import utcnow

log = logging.getLogger(__name__)

# A margin after a window closes, for ids pushed in its last milliseconds.
WINDOW_MARGIN_SECONDS = 0.05


def screen_offers(offer_ids: Sequence[int]) -> dict[str, int]:
    """Screen these offers at their current versions (already screened ones are skipped)."""
    batch = get_settings().screen_batch_size
    total: dict[str, int] = {"screened": 0}
    ids = list(offer_ids)
    for start in range(0, len(ids), batch):
        with session_scope() as session:
            summary = screening.screen_pending(
                session, get_screener(), offer_ids=ids[start:start + batch], limit=batch
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
    return screen_offers(queue.window_ids(window))


def sweep() -> dict[str, int]:
    """Re-enqueue offers left unscreened (an intake that committed but failed to enqueue)."""
    settings = get_settings()
    with session_scope() as session:
        ids = screening.unscreened_ids(
            session, older_than=timedelta(seconds=settings.sweep_grace_seconds), limit=50_000
        )
    if ids:
        log.warning("sweep: %d offers were waiting for screening; re-enqueued", len(ids))
        queue.screen_offers(ids)
    return {"requeued": len(ids)}


def expire_strikes() -> int:
    """Recount sellers whose strikes ran out."""
    with session_scope() as session:
        return strikes.expire_strikes(session, now=utcnow())


def deliver_outbox() -> int:
    """Deliver pending notifications."""
    with session_scope() as session:
        return outbox.deliver_pending(session)
