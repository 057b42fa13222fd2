"""The append-only audit log: every state change, who made it, before and after."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from moderation.tables import AuditEntry, utcnow

SYSTEM = "system"


def actor_of(staff_id: int | None) -> str:
    """Name the actor of a change: a staff member or the system."""
    return f"staff:{staff_id}" if staff_id is not None else SYSTEM


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    entity: str,
    entity_id: int,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Append one audit entry; flushed with the change it describes."""
    session.add(
        AuditEntry(
            actor=actor, action=action, entity=entity, entity_id=entity_id,
            before=before, after=after, at=utcnow(),
        )
    )


def record_many(session: Session, entries: list[dict[str, Any]]) -> None:
    """Append many audit entries in one statement (screening batches)."""
    if entries:
        now = utcnow()
        session.execute(insert(AuditEntry), [{"at": now, **e} for e in entries])


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """What the audit view shows; None means any. Times bound `at` (from inclusive)."""

    actor: str | None = None
    action: str | None = None  # a prefix: "decision" matches "decision.remove"
    entity: str | None = None
    entity_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None


def search(session: Session, filters: AuditFilter, *, limit: int = 100, offset: int = 0
           ) -> list[AuditEntry]:
    """Audit entries matching the filters, newest first."""
    query = select(AuditEntry)
    if filters.actor:
        query = query.where(AuditEntry.actor == filters.actor)
    if filters.action:
        query = query.where(AuditEntry.action.startswith(filters.action))
    if filters.entity:
        query = query.where(AuditEntry.entity == filters.entity)
    if filters.entity_id is not None:
        query = query.where(AuditEntry.entity_id == filters.entity_id)
    if filters.since:
        query = query.where(AuditEntry.at >= filters.since)
    if filters.until:
        query = query.where(AuditEntry.at < filters.until)
    return list(session.scalars(
        query.order_by(AuditEntry.id.desc()).limit(limit).offset(offset)))
