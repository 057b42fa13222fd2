"""The Transparency Database's records as JSON lines, for platforms that upload files.

The same records the submitter sends (records.py), built from the statements written in a
period; a record the database would refuse, or one carrying personal data, is left out and
counted, so that a file never holds what the API would not take.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation.tables import Statement
from moderation.transparency_db import records, submissions

CHUNK = 1000


@dataclass
class ExportSummary:
    written: int = 0
    not_reported: int = 0  # statements the database records no such thing for (a strike)
    refused: dict[str, str] = field(default_factory=dict)  # puid -> why it was left out


def export_records(session: Session, out: TextIO, *, start: datetime, end: datetime
                   ) -> ExportSummary:
    """Write one record per line for the statements written in [start, end)."""
    summary = ExportSummary()
    ids = list(session.scalars(
        select(Statement.id).where(Statement.created_at >= start, Statement.created_at < end)
        .order_by(Statement.id)))
    for first in range(0, len(ids), CHUNK):
        chunk = ids[first:first + CHUNK]
        found = submissions.sources(session, chunk)
        names = submissions.known_names(session, list(found.values()))
        for statement_id in chunk:
            source = found[statement_id]
            record = records.build_record(source.statement, source.offer, source.seller)
            if record is None:
                summary.not_reported += 1
                continue
            problems = records.problems(record, names=names)
            if problems:
                summary.refused[source.statement.puid] = json.dumps(problems,
                                                                    ensure_ascii=False)
                continue
            out.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
            summary.written += 1
        session.expunge_all()  # a year of statements need not stay in memory
    return summary
