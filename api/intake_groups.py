"""Single offers that arrive together are written together: one transaction, one commit.

Under load many single-offer requests are in flight at once (32 connections in the intake
benchmark). Each written on its own paid a hop to a thread, a statement, a commit and a
Redis round trip; here a request hands its validated event to its process's IntakeGroups
and waits. While one group is being written (in a thread), the requests arriving meanwhile
gather into the next, written as one batch (`offers.ingest_each`) and committed once. A lone
request is written at once, waiting for no company: a group is whatever came while the last
one was being written, so a quiet service answers as fast as before and a busy one writes in
batches ("smart batching", as log writers group their commits).

Every request is answered only after the commit that stored its event, with its own
outcome. A group that fails as a whole for the database's sake (a lost race, an outage)
fails each of its requests, none of them committed, so each is served again by
RetryTransient; one that fails for any other reason is written once more one event at a
time, so that a bad event fails its own request alone.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from fastapi.concurrency import run_in_threadpool
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from api.transactions import Attempt, watch_group_commits
from moderation.intake import offers
from moderation.intake.offers import IngestResult
from moderation.metrics import INTAKE_GROUP_SIZES
from moderation.retries import is_retryable
from moderation.schemas import OfferIn

T = TypeVar("T")

def commit_intake(session: Session, ingest: Callable[[], T]) -> T:
    """Run an intake and commit it; once more when another request created one of its
    offers or sellers a moment earlier (what was an insert is then an update)."""
    try:
        result = ingest()
        session.commit()
    except IntegrityError:
        session.rollback()
        result = ingest()
        session.commit()
    return result


@dataclass(slots=True)
class _Waiting:
    """A request's event, its run (marked committed with the group), and its answer."""

    event: OfferIn
    attempt: Attempt | None
    answer: asyncio.Future[IngestResult]


class IntakeGroups:
    """The single-offer requests of one process, written a group at a time."""

    def __init__(self, make_session: sessionmaker[Session], *, max_group: int) -> None:
        self._make_session = make_session
        self.max_group = max_group
        self._waiting: list[_Waiting] = []
        self._writer: asyncio.Task[None] | None = None

    async def ingest(self, event: OfferIn, attempt: Attempt | None = None) -> IngestResult:
        """Store this event with the group being gathered; its outcome once committed."""
        loop = asyncio.get_running_loop()
        writer = self._writer
        if writer is None or writer.done() or writer.get_loop() is not loop:
            # A test client may serve each request on an event loop of its own: what waited
            # on another loop was cancelled with it.
            self._waiting = [w for w in self._waiting if w.answer.get_loop() is loop]
            self._writer = loop.create_task(self._write_groups())
        answer: asyncio.Future[IngestResult] = loop.create_future()
        self._waiting.append(_Waiting(event, attempt, answer))
        return await answer

    async def _write_groups(self) -> None:
        while self._waiting:
            taken = self._waiting[:self.max_group]
            del self._waiting[:self.max_group]
            # A request given up on (its client gone) before its turn is not written.
            group = [w for w in taken if not w.answer.done()]
            if not group:
                continue
            try:
                await self._write_group(group)
            except BaseException:
                # The writer itself cancelled (the server stopping): no request of the group
                # may wait for an answer that will not come.
                for w in group:
                    if not w.answer.done():
                        w.answer.cancel()
                raise

    async def _write_group(self, group: list[_Waiting]) -> None:
        try:
            results = await run_in_threadpool(self._write, group)
        except Exception as exc:
            if len(group) == 1 or is_retryable(exc):
                _observe(group, "failed")
                for w in group:
                    _answer(w, exc)
                return
            _observe(group, "split")
            for w in group:
                try:
                    _answer(w, (await run_in_threadpool(self._write, [w]))[0])
                except Exception as alone:
                    _answer(w, alone)
            return
        _observe(group, "committed")
        for w, result in zip(group, results, strict=True):
            _answer(w, result)

    def _write(self, group: Sequence[_Waiting]) -> list[IngestResult]:
        events = [w.event for w in group]
        with self._make_session() as session:
            watch_group_commits(session, [w.attempt for w in group if w.attempt is not None])
            return commit_intake(session, lambda: offers.ingest_each(session, events))


def _observe(group: list[_Waiting], outcome: str) -> None:
    # Labelled, as every metric here: a labelled value is made on first use, after the
    # process has chosen where its metrics go (moderation.metrics.use_multiprocess).
    INTAKE_GROUP_SIZES.labels(outcome).observe(len(group))


def _answer(waiting: _Waiting, outcome: IngestResult | Exception) -> None:
    if waiting.answer.done():  # the request was cancelled while its group was written
        return
    if isinstance(outcome, Exception):
        waiting.answer.set_exception(outcome)
    else:
        waiting.answer.set_result(outcome)
