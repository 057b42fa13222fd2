"""Safety Gate imports: one file into a session, one file a chunk per transaction riding out
outages (`moderation import-safety-gate`), or a feed directory one file per transaction."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from moderation import pending
from moderation.config import get_settings
from moderation.outage import Outbound, store_chunk
from moderation.retries import is_outage
from moderation.safety.alerts import AlertIn, StoreSummary, store_alerts
from moderation.safety.safety_gate import ParseResult, RejectedRecord
from moderation.safety.safety_gate_files import UnreadableAlertFile, parse_bytes
from moderation.tables import SafetyAlert, utcnow

CHUNK = 200
MARKER = ".imported"
SUFFIXES = (".json", ".xml")

# (records done, records in the file): a progress bar learns its total from the first call.
Progress = Callable[[int, int], None]
Deadline = Callable[[datetime], datetime]


@dataclass
class ImportSummary:
    """What importing one file did; `alert_ids` need matching once the import is committed."""

    file: str = ""
    sha256: str = ""
    records: int = 0
    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    unchanged: int = 0
    rejected: list[RejectedRecord] = field(default_factory=list)
    error: str | None = None  # set when the whole file could not be read
    # Filled by import_safety_gate_file only:
    matching_jobs: int = 0  # matching jobs queued after their chunk's commit
    retried_chunks: int = 0  # chunks run again after an outage (or a lost race)
    left_to_sweep: int = 0  # matching jobs Redis never took: the sweep queues their alerts

    @property
    def alert_ids(self) -> list[int]:
        return [*self.created, *self.updated]

    def add(self, stored: StoreSummary) -> None:
        self.created.extend(stored.created)
        self.updated.extend(stored.updated)
        self.unchanged += stored.unchanged


class ImportStopped(Exception):
    """The database stayed unreachable past the outage allowance: the import stopped.

    The alerts of the chunks before are stored, their matching queued (or left to the
    sweep); importing the same file again resumes (those come back unchanged).
    """

    def __init__(self, summary: ImportSummary) -> None:
        stored = len(summary.created) + len(summary.updated) + summary.unchanged
        super().__init__(f"stopped after {stored} alerts: the database stayed unreachable")
        self.summary = summary


def import_safety_gate(session: Session, path: Path, *, now: datetime | None = None,
                       due_at: Deadline | None = None, on_progress: Progress | None = None,
                       chunk: int = CHUNK) -> ImportSummary:
    """Store the alerts of one Safety Gate file, idempotent on the alert number; caller commits,
    and the matching of what is new or changed follows the commit.

    New alerts are due at `due_at(now)`; `on_progress(done, total)` follows each chunk.
    Raises UnreadableAlertFile when the file is neither a JSON export nor an XML feed.
    """
    return _import(session, path.read_bytes(), name=path.name, suffix=path.suffix,
                   now=now or utcnow(), due_at=due_at, on_progress=on_progress, chunk=chunk)


def import_safety_gate_file(session_factory: sessionmaker[Session], path: Path, *,
                            now: datetime | None = None, due_at: Deadline | None = None,
                            on_progress: Progress | None = None, chunk: int = CHUNK,
                            outage_seconds: float | None = None) -> ImportSummary:
    """Store the alerts of one Safety Gate file a chunk per transaction, each chunk's matching
    queued once it commits; rides out a PostgreSQL or Redis outage (outage.py).

    A chunk is run again whole after a failure (storing is idempotent on the alert number)
    unless its matching job's marker tells that its COMMIT landed. Raises ImportStopped
    when the database stays away past `outage_seconds` (OUTAGE_RETRY_SECONDS), and
    UnreadableAlertFile when the file is neither a JSON export nor an XML feed.
    """
    outage = get_settings().outage_retry_seconds if outage_seconds is None else outage_seconds
    now = now or utcnow()
    data = path.read_bytes()
    parsed, summary = _parse(data, name=path.name, suffix=path.suffix)
    deadline = due_at(now) if due_at else None
    outbound = Outbound("matching")

    def store(session: Session, batch: list[AlertIn]) -> StoreSummary:
        stored = store_alerts(session, batch, now=now, due_at=deadline)
        # Marked in the same transaction: the sweep finds these alerts if the job is lost.
        pending.match_later(session, [*stored.created, *stored.updated], now=now)
        return stored

    for done, batch in _chunks(parsed, chunk, on_progress):
        try:
            chunk_stored = store_chunk(session_factory, partial(store, batch=batch),
                                       marked=SafetyAlert, outage=outage,
                                       what="import-safety-gate: storing a chunk")
        except Exception as exc:
            if not is_outage(exc):
                raise
            summary.left_to_sweep = len(outbound.unsent)
            raise ImportStopped(summary) from exc
        summary.add(chunk_stored.result)
        summary.retried_chunks += chunk_stored.attempts > 1
        outbound.add(chunk_stored)
        summary.matching_jobs += outbound.send()
        if on_progress:
            on_progress(done, summary.records)
    summary.matching_jobs += outbound.send_patiently(outage=outage)
    summary.left_to_sweep = len(outbound.unsent)
    return summary


def _parse(data: bytes, *, name: str, suffix: str) -> tuple[ParseResult, ImportSummary]:
    parsed = parse_bytes(data, suffix=suffix)
    return parsed, ImportSummary(file=name, sha256=hashlib.sha256(data).hexdigest(),
                                 records=parsed.records, rejected=list(parsed.rejected))


def _chunks(parsed: ParseResult, chunk: int, on_progress: Progress | None
            ) -> Iterator[tuple[int, list[AlertIn]]]:
    """The alerts a chunk at a time, with the records done once each is stored; the
    progress bar hears of the rejected records (and the total) first."""
    done = len(parsed.rejected)
    if on_progress:
        on_progress(done, parsed.records)
    for start in range(0, len(parsed.alerts), chunk):
        batch = list(parsed.alerts[start:start + chunk])
        done += len(batch)
        yield done, batch


def _import(session: Session, data: bytes, *, name: str, suffix: str, now: datetime,
            due_at: Deadline | None, on_progress: Progress | None,
            chunk: int = CHUNK) -> ImportSummary:
    parsed, summary = _parse(data, name=name, suffix=suffix)
    deadline = due_at(now) if due_at else None
    for done, batch in _chunks(parsed, chunk, on_progress):
        summary.add(store_alerts(session, batch, now=now, due_at=deadline))
        if on_progress:
            on_progress(done, summary.records)
    pending.match_later(session, summary.alert_ids, now=now)
    return summary


def import_feed_directory(session_factory: Callable[[], Session], directory: Path, *,
                          now: datetime, due_at: Deadline | None = None) -> list[ImportSummary]:
    """Import each *.json / *.xml file of a directory not imported before, one commit per file.

    A file counts as imported by name and SHA-256, remembered in `.imported` once committed;
    an unreadable file is reported (`error`) and tried again next time.
    """
    marker = directory / MARKER
    imported = _read_marker(marker)
    summaries = []
    for path in sorted(directory.iterdir()):
        if (not path.is_file() or path.name.startswith(".")
                or path.suffix.lower() not in SUFFIXES):
            continue
        data = path.read_bytes()  # hashed and parsed from the same bytes, even if rewritten
        digest = hashlib.sha256(data).hexdigest()
        if (digest, path.name) in imported:
            continue
        with session_factory() as session:
            try:
                summary = _import(session, data, name=path.name, suffix=path.suffix, now=now,
                                  due_at=due_at, on_progress=None)
            except UnreadableAlertFile as exc:
                session.rollback()
                summaries.append(ImportSummary(file=path.name, sha256=digest, error=exc.message))
                continue
            session.commit()
        # Written after the commit: a crash in between re-imports the file, which is harmless.
        imported.add((digest, path.name))
        _write_marker(marker, imported)
        summaries.append(summary)
    return summaries


def _read_marker(marker: Path) -> set[tuple[str, str]]:
    if not marker.exists():
        return set()
    entries = set()
    for line in marker.read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        if digest and name:
            entries.add((digest, name))
    return entries


def _write_marker(marker: Path, entries: set[tuple[str, str]]) -> None:
    """Write the marker in sha256sum's format, replacing it whole so it is never half-written."""
    partial = marker.with_name(marker.name + ".tmp")
    partial.write_text("".join(f"{d}  {n}\n" for d, n in sorted(entries, key=lambda e: e[1])),
                       encoding="utf-8")
    os.replace(partial, marker)
