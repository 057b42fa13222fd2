"""What stands behind a case: the notices, alerts and counter-notices merged into it.

A case opened by screening has no source row; every other reason a case is opened or joined
on leaves one (`CaseSource`), and these rows are the one record of what a case stands on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from moderation.domain import SourceKind
from moderation.tables import CaseSource, Notice


@dataclass(frozen=True, slots=True)
class Origin:
    """What cases are opened or joined on: the source row each gets, and how the audit
    names it (e.g. {"notice": "N-2025-000001"})."""

    kind: SourceKind
    audit: Mapping[str, Any] = field(default_factory=dict)
    notice_id: int | None = None
    organisation_id: int | None = None


def join_sources(session: Session, case_ids: Sequence[int], origin: Origin, *,
                 now: datetime) -> None:
    """Record the origin as a source of each case (once per case, in one statement)."""
    if not case_ids:
        return
    session.execute(insert(CaseSource), [
        {"case_id": cid, "kind": origin.kind.value, "notice_id": origin.notice_id,
         "organisation_id": origin.organisation_id, "added_at": now}
        for cid in dict.fromkeys(case_ids)])


def source_kinds(session: Session, case_id: int) -> frozenset[str]:
    """The kinds of source a case stands on; empty for a case screening alone opened."""
    return frozenset(session.scalars(
        select(CaseSource.kind).where(CaseSource.case_id == case_id).distinct()))


def notices_behind(session: Session, case_id: int) -> list[Notice]:
    """The rights holders' notices merged into a case, oldest first."""
    merged = select(CaseSource.notice_id).where(CaseSource.case_id == case_id,
                                                CaseSource.kind == SourceKind.NOTICE.value)
    return list(session.scalars(
        select(Notice).where(Notice.id.in_(merged)).order_by(Notice.id)))
