"""Safety Gate imports: one file into a session, or a feed directory one file per transaction."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from moderation import pending
from moderation.safety.alerts import store_alerts
from moderation.safety.safety_gate import RejectedRecord
from moderation.safety.safety_gate_files import UnreadableAlertFile, parse_bytes
from moderation.tables import utcnow

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

    @property
    def alert_ids(self) -> list[int]:
        return [*self.created, *self.updated]


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


def _import(session: Session, data: bytes, *, name: str, suffix: str, now: datetime,
            due_at: Deadline | None, on_progress: Progress | None,
            chunk: int = CHUNK) -> ImportSummary:
    parsed = parse_bytes(data, suffix=suffix)
    summary = ImportSummary(file=name, sha256=hashlib.sha256(data).hexdigest(),
                            records=parsed.records, rejected=list(parsed.rejected))
    deadline = due_at(now) if due_at else None
    done = len(parsed.rejected)
    if on_progress:
        on_progress(done, summary.records)
    for start in range(0, len(parsed.alerts), chunk):
        batch = parsed.alerts[start:start + chunk]
        stored = store_alerts(session, batch, now=now, due_at=deadline)
        summary.created.extend(stored.created)
        summary.updated.extend(stored.updated)
        summary.unchanged += stored.unchanged
        done += len(batch)
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
