"""Warn leads about product-safety cases close to their legal deadline (a periodic job)."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from moderation import audit, outbox
from moderation.cases import OPEN_STATES
from moderation.config import get_settings
from moderation.db import is_postgres
from moderation.domain import CaseKind
from moderation.safety.deadlines import working_time_left
from moderation.tables import AuditEntry, Case, Offer, SafetyAlert, SafetyMatch

WARNING_ACTION = "case.deadline_warning"


def _due(moment: datetime) -> str:
    # In UTC: the database may hand times back in its session's zone.
    return moment.astimezone(UTC).isoformat()


def warn_leads(session: Session, *, now: datetime) -> int:
    """Tell leads once about each open safety case due within the warning window.

    A case is a safety case when it was opened as one, or when an alert's match joined an
    open case of another kind (which then carries the alert's deadline). The warning is
    recorded in the audit log per case and deadline: a run again warns no one twice, and a
    deadline tightened by a later order warns anew. Overdue cases not warned yet are too.
    """
    window = now + timedelta(hours=get_settings().deadline_warning_hours)
    safety = or_(Case.kind == CaseKind.SAFETY.value,
                 exists().where(SafetyMatch.case_id == Case.id))
    query = (select(Case).where(Case.status.in_(OPEN_STATES), Case.due_at <= window, safety)
             .order_by(Case.due_at, Case.id))
    if is_postgres(session):
        # Two runs at once: the second skips what the first is warning about.
        query = query.with_for_update(skip_locked=True, of=Case)
    cases = list(session.scalars(query))
    if not cases:
        return 0
    warned = {(e.entity_id, (e.after or {}).get("due_at")) for e in session.scalars(
        select(AuditEntry).where(AuditEntry.entity == "case",
                                 AuditEntry.action == WARNING_ACTION,
                                 AuditEntry.entity_id.in_([c.id for c in cases])))}
    due = [c for c in cases if (c.id, _due(c.due_at)) not in warned]
    if not due:
        return 0
    offers = {o.id: o for o in session.scalars(
        select(Offer).where(Offer.id.in_({c.offer_id for c in due})))}
    alerts: dict[int, list[SafetyAlert]] = defaultdict(list)
    for case_id, alert in session.execute(
            select(SafetyMatch.case_id, SafetyAlert)
            .join(SafetyAlert, SafetyAlert.id == SafetyMatch.alert_id)
            .where(SafetyMatch.case_id.in_([c.id for c in due]))
            .order_by(SafetyAlert.due_at, SafetyAlert.id)):
        assert case_id is not None
        alerts[case_id].append(alert)
    for case in due:
        offer = offers[case.offer_id]
        left = working_time_left(case.due_at, now)
        numbers = [a.number for a in alerts[case.id]]
        outbox.notify(session, kind="leads.deadline_warning", recipient="role:lead", payload={
            "case_id": case.id,
            "offer": {"id": offer.id, "marketplace_id": offer.marketplace_id,
                      "title": offer.title},
            "alert_number": numbers[0] if numbers else None,
            "alerts": [{"id": a.id, "source": a.source, "number": a.number, "kind": a.kind}
                       for a in alerts[case.id]],
            "due_at": _due(case.due_at),
            "time_left_minutes": int(left.total_seconds() // 60),
        })
        audit.record(session, actor=audit.SYSTEM, action=WARNING_ACTION, entity="case",
                     entity_id=case.id,
                     after={"due_at": _due(case.due_at), "alerts": numbers})
    session.flush()
    return len(due)
