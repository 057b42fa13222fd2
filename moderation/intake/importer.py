"""Bulk import of offer events from NDJSON: chunked transactions, each chunk's screening
queued on the bulk lane once the chunk commits."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from moderation.db import session_scope
from moderation.intake import offers
from moderation.intake.files import Rejected, read_offer_events
from moderation.retries import retry_transient
from moderation.schemas import OfferIn

CHUNK = 500


@dataclass
class ImportSummary:
    outcomes: Counter[str] = field(default_factory=Counter)
    rejected: list[Rejected] = field(default_factory=list)
    enqueued_jobs: int = 0

    @property
    def accepted(self) -> int:
        return sum(n for k, n in self.outcomes.items() if k != "conflict")


def import_offers(
    session_factory: sessionmaker[Session], path: Path, *, chunk: int = CHUNK,
    on_progress: Callable[[int], None] | None = None,
) -> ImportSummary:
    """Import an NDJSON file; each chunk commits, then its screening job goes out."""
    summary = ImportSummary()
    batch: list[tuple[int, OfferIn]] = []

    def flush() -> None:
        if not batch:
            return
        results = _store_chunk(session_factory, [e for _, e in batch])
        to_screen = []
        for (number, _), result in zip(batch, results, strict=True):
            summary.outcomes[result.outcome.value] += 1
            if result.outcome is offers.IngestOutcome.CONFLICT:
                summary.rejected.append(Rejected(number, "version: already received with "
                                                         "different content"))
            elif result.needs_screening and result.offer_id is not None:
                to_screen.append(result.offer_id)
        summary.enqueued_jobs += 1 if to_screen else 0
        if on_progress:
            on_progress(len(batch))
        batch.clear()

    for number, item in read_offer_events(path):
        if isinstance(item, Rejected):
            summary.rejected.append(item)
            if on_progress:
                on_progress(1)
            continue
        batch.append((number, item))
        if len(batch) >= chunk:
            flush()
    flush()
    return summary


@retry_transient
def _store_chunk(session_factory: sessionmaker[Session], events: list[OfferIn]
                 ) -> list[offers.IngestResult]:
    """Store one chunk in a transaction of its own."""
    with session_scope(session_factory) as session:
        return offers.ingest_many(session, events)
