"""The append-only audit log: every state change, who made it, before and after."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert
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
