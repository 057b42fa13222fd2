"""Statements waiting for the Transparency Database: their rows, queued and read with the
offers and sellers their records are built from.

A statement gets its submission row in the transaction that writes it
(`enqueue_statement`), marked with the job that will send it, so the two stand or fall
together and a lost job is found by the sweep like all pending work (pending.TDB). The
statements room is written by another hand, and a path that forgets the call would leave
its statements unreported for good: so the sweep also adopts reported statements older
than its grace that have no submission row (`adopt_statements`, one anti-join on a
unique key), which costs nothing when every path calls `enqueue_statement`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, lazyload

from moderation import jobs, pending
from moderation.config import get_settings
from moderation.domain import TdbSubmissionStatus
from moderation.tables import Account, Offer, Seller, Statement, TdbSubmission
from moderation.transparency_db import personal_data
from moderation.transparency_db.records import REPORTED, is_reported
from moderation.transparency_db.validation import MAX_BATCH


@dataclass(frozen=True, slots=True)
class Source:
    """A statement with what its record is built from."""

    statement: Statement
    offer: Offer | None
    seller: Seller | None


def enqueue_statement(session: Session, statement: Statement, *, now: datetime
                      ) -> TdbSubmission | None:
    """Send this statement to the database once the transaction commits (None: the
    database records no such statement)."""
    found = enqueue_statements(session, [statement], now=now)
    return found[0] if found else None


def enqueue_statements(session: Session, statements: Sequence[Statement], *, now: datetime
                       ) -> list[TdbSubmission]:
    """Send these statements once the transaction commits: one submission row each, and one
    job per batch the database takes (a screening batch's blocks are one or a few jobs)."""
    reported = [s for s in statements if is_reported(s)]
    if not reported:
        return []
    session.flush()  # the statements' ids
    enabled = get_settings().tdb_enabled
    chunks = [reported[i:i + MAX_BATCH] for i in range(0, len(reported), MAX_BATCH)]
    job_ids = [jobs.new_job_id(pending.TDB.name) if enabled else None for _ in chunks]
    made = [[TdbSubmission(statement_id=s.id, attempts=0, queued_job=job_id,
                           queued_at=now if job_id else None,
                           status=TdbSubmissionStatus.PENDING.value) for s in chunk]
            for chunk, job_id in zip(chunks, job_ids, strict=True)]
    session.add_all([row for rows in made for row in rows])
    session.flush()
    for rows, job_id in zip(made, job_ids, strict=True):
        if job_id is not None:
            jobs.declare(session, jobs.Job(pending.TDB.job, ([r.id for r in rows],), job_id,
                                           pending.TDB.lane))
    return [row for rows in made for row in rows]


def adopt_statements(session: Session, *, now: datetime, grace: timedelta,
                     limit: int = 10_000) -> list[int]:
    """Give submission rows to reported statements that have none; their ids.

    Left unqueued: the sweep queues them with the rest of the pending work.
    """
    orphans = session.scalars(
        select(Statement.id)
        .outerjoin(TdbSubmission, TdbSubmission.statement_id == Statement.id)
        .where(TdbSubmission.id.is_(None), Statement.restriction.in_(list(REPORTED)),
               Statement.appeal_id.is_(None), Statement.created_at <= now - grace)
        .order_by(Statement.id).limit(limit)).all()
    for statement_id in orphans:
        # Backdated so that the sweep, which trusts new work for its grace, queues it now.
        session.add(TdbSubmission(statement_id=statement_id, attempts=0, created_at=now - grace,
                                  status=TdbSubmissionStatus.PENDING.value))
    session.flush()
    return list(orphans)


def sources(session: Session, statement_ids: Sequence[int]) -> dict[int, Source]:
    """These statements with their offers and sellers, by statement id (one query)."""
    if not statement_ids:
        return {}
    rows = session.execute(
        select(Statement, Offer, Seller)
        .outerjoin(Offer, Offer.id == Statement.offer_id)
        .outerjoin(Seller, Seller.id == Statement.seller_id)
        .where(Statement.id.in_(list(statement_ids)))
        # The offer's own joined seller is an inner join: it would drop account statements.
        .options(lazyload(Offer.seller))).all()
    return {s.id: Source(s, o, se) for s, o, se in rows}


def known_names(session: Session, found: Sequence[Source]) -> re.Pattern[str] | None:
    """The names no record may carry, as one pattern: these sellers' ids and every person's
    account name."""
    people = session.scalars(select(Account.name).where(Account.password_hash.is_not(None)))
    return personal_data.names_pattern(
        [*(s.seller.external_id for s in found if s.seller is not None), *people])
