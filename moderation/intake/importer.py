"""Bulk import of offer events from NDJSON: chunked transactions, each chunk's screening
queued on the bulk lane once the chunk commits.

An import rides out a restart of PostgreSQL or Redis (for OUTAGE_RETRY_SECONDS) and goes on
where it was (outage.py): a chunk is one transaction, run again whole when it failed (ingest
is idempotent on marketplace id and version) unless its job marker tells that its COMMIT
landed; a screening job Redis did not take is sent again once Redis answers, or left to the
sweep (pending.py), which finds its offers by the same marker.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from moderation.config import get_settings
from moderation.intake import offers
from moderation.intake.files import Rejected, read_offer_events
from moderation.outage import Outbound, store_chunk
from moderation.retries import is_outage
from moderation.schemas import OfferIn
from moderation.tables import Offer

CHUNK = 500


@dataclass
class ImportSummary:
    outcomes: Counter[str] = field(default_factory=Counter)
    rejected: list[Rejected] = field(default_factory=list)
    enqueued_jobs: int = 0
    retried_chunks: int = 0  # chunks run again after an outage (or a lost race)
    left_to_sweep: int = 0  # screening jobs Redis never took: the sweep queues them

    @property
    def accepted(self) -> int:
        return sum(n for k, n in self.outcomes.items() if k != "conflict")


class ImportStopped(Exception):
    """The database stayed unreachable past the outage allowance: the import stopped.

    Every line before `line` is stored; importing the same file again resumes (the lines
    stored already come back as duplicates).
    """

    def __init__(self, summary: ImportSummary, line: int) -> None:
        super().__init__(f"stopped at line {line}: the database stayed unreachable")
        self.summary = summary
        self.line = line


def import_offers(
    session_factory: sessionmaker[Session], path: Path, *, chunk: int = CHUNK,
    on_progress: Callable[[int], None] | None = None, outage_seconds: float | None = None,
) -> ImportSummary:
    """Import an NDJSON file; each chunk commits, then its screening job goes out."""
    outage = get_settings().outage_retry_seconds if outage_seconds is None else outage_seconds
    summary = ImportSummary()
    batch: list[tuple[int, OfferIn]] = []
    outbound = Outbound("screening")

    def flush() -> None:
        if not batch:
            return
        try:
            events = [e for _, e in batch]
            stored = store_chunk(session_factory, lambda s: offers.ingest_many(s, events),
                                 marked=Offer, outage=outage, what="import: storing a chunk")
        except Exception as exc:
            if not is_outage(exc):
                raise
            summary.left_to_sweep = len(outbound.unsent)
            raise ImportStopped(summary, batch[0][0]) from exc
        summary.retried_chunks += stored.attempts > 1
        for (number, _), result in zip(batch, stored.result, strict=True):
            summary.outcomes[result.outcome.value] += 1
            if result.outcome is offers.IngestOutcome.CONFLICT:
                summary.rejected.append(Rejected(number, "version: already received with "
                                                         "different content"))
        outbound.add(stored)
        summary.enqueued_jobs += outbound.send()
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
    summary.enqueued_jobs += outbound.send_patiently(outage=outage)
    summary.left_to_sweep = len(outbound.unsent)
    return summary
