"""The submitter: pending statements to the Transparency Database, in batches of at most 100,
each sent once.

Each batch goes through short transactions of its own, so that the table always says what
is known and a restart (or a second job) carries on from it:
1. pick up to 100 due submissions; refuse, for good, those whose record breaks the
   database's rules or carries personal data (validation.py, personal_data.py);
2. a submission already posted whose answer was never recorded (a timeout, a 5xx, a worker
   killed between sending and marking) is looked up by its PUID first: found, it is sent;
3. mark the rest as being sent (`sending_since`) and commit, then post them;
4. record the answer: all created (201) → sent; refused statements (422 `statement_<i>`)
   → rejected with their errors and the others sent again at once, as the database
   created none of them; PUIDs already there → sent; a 429 → waited out (Retry-After, at
   most a minute) a few times, then left for later; a 5xx or a timeout → left uncertain,
   for later, after a backoff; a refused token or another 4xx → left for later.
Waiting batches keep their pending mark moved to when they are due, so the sweep queues
them again then (pending.TDB); nothing waits in memory.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from moderation.config import Settings, get_settings
from moderation.db import session_scope
from moderation.domain import TdbSubmissionStatus
from moderation.policy import (
    TDB_FIRST_BACKOFF,
    TDB_IN_FLIGHT_MARGIN,
    TDB_MAX_BACKOFF,
    TDB_RATE_LIMIT_WAITS,
)
from moderation.tables import TdbSubmission, utcnow
from moderation.transparency_db import records, submissions
from moderation.transparency_db.client import BatchAnswer, LookupFailed, Outcome, TdbClient
from moderation.transparency_db.validation import MAX_BATCH

log = logging.getLogger(__name__)
PENDING = TdbSubmissionStatus.PENDING.value


@dataclass
class SubmitSummary:
    """What one run did, by submission."""

    sent: int = 0
    found: int = 0  # already in the database (lookup or duplicate refusal)
    rejected: int = 0
    deferred: int = 0
    requests: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Batch:
    """Submissions to post together, in order, with their records."""

    ids: list[int]
    records: list[dict[str, Any]]


def backoff(attempts: int) -> timedelta:
    """How long to leave a batch alone after its attempts failed."""
    return min(TDB_FIRST_BACKOFF * 2 ** max(attempts - 1, 0), TDB_MAX_BACKOFF)


def _in_flight(settings: Settings) -> timedelta:
    return timedelta(seconds=2 * settings.tdb_timeout_seconds) + TDB_IN_FLIGHT_MARGIN


def _due(session: Session, ids: Sequence[int], *, now: datetime, settings: Settings
         ) -> list[TdbSubmission]:
    sub = TdbSubmission
    return list(session.scalars(
        select(sub).where(
            sub.id.in_(list(ids)), sub.status == PENDING,
            or_(sub.next_attempt_at.is_(None), sub.next_attempt_at <= now),
            or_(sub.sending_since.is_(None), sub.sending_since <= now - _in_flight(settings)))
        .order_by(sub.id).limit(MAX_BATCH).with_for_update(skip_locked=True, of=sub)))


def _mark(session: Session, ids: Sequence[int], **values: Any) -> None:
    if ids:
        session.execute(update(TdbSubmission).where(TdbSubmission.id.in_(list(ids)))
                        .values(**values).execution_options(synchronize_session=False))


def _defer(session: Session, ids: Sequence[int], *, until: datetime, error: str) -> None:
    # The pending mark moves with it: the sweep queues the batch again once it is due.
    _mark(session, ids, next_attempt_at=until, queued_at=until, last_error=error[:2000])


def _sent(session: Session, uuids: dict[int, str | None], *, now: datetime,
          note: str | None = None) -> None:
    """Mark these submissions sent, each with its uuid, in one statement."""
    known = {i: u for i, u in uuids.items() if u}
    _mark(session, list(uuids), status=TdbSubmissionStatus.SENT.value,
          uuid=case(known, value=TdbSubmission.id, else_=None) if known else None,
          sent_at=now, sending_since=None, next_attempt_at=None, last_error=note)


def _reject(session: Session, submission_id: int, errors: Any) -> None:
    _mark(session, [submission_id], status=TdbSubmissionStatus.REJECTED.value,
          sending_since=None, last_error=json.dumps(errors, ensure_ascii=False)[:4000])


def _prepare(session: Session, due: list[TdbSubmission], summary: SubmitSummary
             ) -> tuple[list[tuple[TdbSubmission, dict[str, Any]]], list[int]]:
    """Records of the due submissions worth posting, and the ids of those posted before."""
    found = submissions.sources(session, [s.statement_id for s in due])
    names = submissions.known_names(session, list(found.values()))
    ready, uncertain = [], []
    for sub in due:
        source = found[sub.statement_id]
        record = records.build_record(source.statement, source.offer, source.seller)
        problems = (records.problems(record, names=names) if record is not None
                    else {"restriction": ["the database records no such statement"]})
        if problems:
            _reject(session, sub.id, problems)
            summary.rejected += 1
            continue
        assert record is not None
        ready.append((sub, record))
        if sub.sending_since is not None:
            uncertain.append(sub.id)
    return ready, uncertain


def _look_up(client: TdbClient, session: Session, ready: list[tuple[TdbSubmission, dict]],
             uncertain: list[int], *, now: datetime, summary: SubmitSummary) -> Batch | None:
    """Settle the uncertain ones by their PUIDs; the batch left to post (None: stop)."""
    batch = Batch([], [])
    for sub, record in ready:
        if sub.id in uncertain:
            try:
                uuid = client.existing(record["puid"])
            except LookupFailed as error:
                _defer(session, [s.id for s, _ in ready], until=now + backoff(sub.attempts),
                       error=f"PUID lookup failed: {error}")
                summary.deferred += len(ready)
                summary.errors.append(str(error))
                return None
            if uuid is not None:
                _sent(session, {sub.id: uuid}, now=now)
                summary.found += 1
                continue
        batch.ids.append(sub.id)
        batch.records.append(record)
    return batch


def _record(session: Session, batch: Batch, answer: BatchAnswer, *, now: datetime,
            attempts: dict[int, int], summary: SubmitSummary) -> bool:
    """Write down what the answer says; whether to carry on posting in this run."""
    ids, puids = batch.ids, [r["puid"] for r in batch.records]
    if answer.outcome is Outcome.CREATED:
        _sent(session, {i: answer.uuids.get(p) for i, p in zip(ids, puids, strict=True)},
              now=now)
        summary.sent += len(ids)
        return True
    known = [n for n in answer.refused if 0 <= n < len(ids)]
    there = set(answer.duplicates) & set(puids)
    if answer.outcome is Outcome.REFUSED and known:
        for index, errors in answer.refused.items():
            if 0 <= index < len(ids):
                _reject(session, ids[index], errors)
                summary.rejected += 1
        # None of the batch was created: the others go again, without the refused ones.
        _mark(session, [i for n, i in enumerate(ids) if n not in answer.refused],
              sending_since=None)
        return True
    if answer.outcome is Outcome.DUPLICATES and there:
        found = [i for i, p in zip(ids, puids, strict=True) if p in there]
        _sent(session, dict.fromkeys(found), now=now, note="already in the database")
        summary.found += len(found)
        _mark(session, [i for i, p in zip(ids, puids, strict=True) if p not in there],
              sending_since=None)
        return True
    if answer.outcome in (Outcome.BATCH_REFUSED, Outcome.REFUSED, Outcome.DUPLICATES):
        # Refused as a whole, or for statements or PUIDs it was not sent: none of it can go.
        for sub_id in ids:
            _reject(session, sub_id, {"batch": [answer.error]})
        summary.rejected += len(ids)
        return True
    # Not settled: wait. A 429 or a refusal created nothing; after a 5xx or a timeout the
    # statements may be there, so they stay marked as sent-without-answer (looked up later).
    if answer.outcome is not Outcome.UNKNOWN:
        _mark(session, ids, sending_since=None)
    wait = (timedelta(seconds=answer.retry_after or 1) if answer.outcome is Outcome.RATE_LIMITED
            else backoff(max(attempts.values(), default=1)))
    _defer(session, ids, until=now + wait, error=answer.error)
    summary.deferred += len(ids)
    summary.errors.append(answer.error)
    return False


def submit(maker: sessionmaker[Session], submission_ids: Sequence[int], *,
           client: TdbClient | None = None, settings: Settings | None = None,
           clock: Callable[[], datetime] = utcnow,
           sleep: Callable[[float], None] = time.sleep) -> SubmitSummary:
    """Send these submissions (those still pending and due), in batches of at most 100."""
    settings = settings or get_settings()
    summary = SubmitSummary()
    if not settings.tdb_enabled or not submission_ids:
        return summary
    own = client is None
    client = client or TdbClient(settings)
    rate_limited = 0
    try:
        while True:
            with session_scope(maker) as session:
                due = _due(session, submission_ids, now=clock(), settings=settings)
                if not due:
                    break
                ready, uncertain = _prepare(session, due, summary)
            if not ready:
                continue
            with session_scope(maker) as session:
                batch = _look_up(client, session, ready, uncertain, now=clock(),
                                 summary=summary)
            if batch is None:
                break
            if not batch.ids:
                continue
            with session_scope(maker) as session:  # committed before the batch goes out
                _mark(session, batch.ids, sending_since=clock(),
                      attempts=TdbSubmission.attempts + 1)
                attempts: dict[int, int] = dict(session.execute(
                    select(TdbSubmission.id, TdbSubmission.attempts)
                    .where(TdbSubmission.id.in_(batch.ids))).all())
            answer = client.post_batch(batch.records)
            if answer.outcome is Outcome.RATE_LIMITED and rate_limited < TDB_RATE_LIMIT_WAITS:
                rate_limited += 1
                with session_scope(maker) as session:
                    _mark(session, batch.ids, sending_since=None)
                sleep(answer.retry_after or 1.0)
                continue
            with session_scope(maker) as session:
                go_on = _record(session, batch, answer, now=clock(), attempts=attempts,
                                summary=summary)
            if not go_on:
                log.warning("transparency database: %s; %d statements wait",
                            answer.error, len(batch.ids))
                break
    finally:
        summary.requests = client.requests
        if own:
            client.close()
    return summary
