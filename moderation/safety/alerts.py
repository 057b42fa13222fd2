"""Alerts as they arrive (Safety Gate rows, authority orders), stored once per number."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from moderation import audit
from moderation.domain import AlertStatus
from moderation.safety.keys import brand_key, model_key
from moderation.tables import AlertCode, SafetyAlert, utcnow

SAFETY_GATE = "safety_gate"
AUTHORITY = "authority"
# What the marketplace owes per kind of alert: its deadline comes from these.
ORDER, NOTICE, CONSUMER = "order", "notice", "consumer"
_CONTENT = ("kind", "product", "name", "brand", "model", "batch", "category", "risk_type",
            "risk_level", "description", "measures", "legal_basis", "country_of_origin",
            "counterfeit", "url")


@dataclass(frozen=True, slots=True)
class Code:
    """One barcode as written in the alert: a valid GTIN (as GTIN-14) or text kept as is."""

    kind: str  # "gtin" or "text"
    value: str


@dataclass(frozen=True, slots=True)
class AlertIn:
    """An alert as a parser or a form produced it, before it is stored."""

    source: str
    number: str
    kind: str = NOTICE
    product: str = ""
    name: str = ""
    brand: str = ""
    model: str = ""
    batch: str = ""
    category: str = ""
    risk_type: str = ""
    risk_level: str = ""
    description: str = ""
    measures: str = ""
    legal_basis: str = ""
    country_of_origin: str = ""
    counterfeit: bool | None = None
    url: str = ""
    codes: tuple[Code, ...] = ()
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass
class StoreSummary:
    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    unchanged: int = 0


def store_alerts(session: Session, alerts: Sequence[AlertIn], *, organisation_id: int | None
                 = None, submitted_by: int | None = None, now: datetime | None = None,
                 due_at: datetime | None = None) -> StoreSummary:
    """Create or update alerts, idempotent on (source, number); a re-sent one changes nothing.

    Returns the ids created and updated: those need (re)matching once committed.
    """
    now = now or utcnow()
    summary = StoreSummary()
    wanted = {(a.source, a.number): a for a in alerts}  # the last of repeats wins
    existing = {(r.source, r.number): r for r in session.scalars(
        select(SafetyAlert).where(SafetyAlert.number.in_({n for _, n in wanted})))}
    for key, alert in wanted.items():
        row = existing.get(key)
        values = {name: getattr(alert, name) for name in _CONTENT}
        values.update(brand_key=brand_key(alert.brand), model_key=model_key(alert.model),
                      raw=alert.raw)
        if row is None:
            row = SafetyAlert(source=alert.source, number=alert.number,
                              status=AlertStatus.ACTIVE.value,
                              organisation_id=organisation_id, submitted_by=submitted_by,
                              received_at=now, due_at=due_at, updated_at=now, **values)
            session.add(row)
            session.flush()
            summary.created.append(row.id)
            audit.record(session, actor=audit.actor_of(submitted_by), action="alert.received",
                         entity="alert", entity_id=row.id,
                         after={"source": alert.source, "number": alert.number,
                                "kind": alert.kind})
        elif any(getattr(row, k) != v for k, v in values.items()) or _codes(session, row.id) != {
                (c.kind, c.value) for c in alert.codes}:
            before = {k: getattr(row, k) for k in ("brand", "model", "name")}
            for k, v in values.items():
                setattr(row, k, v)
            row.updated_at = now
            row.matched_at = None  # matched again for what it now says; the sweep knows
            session.execute(delete(AlertCode).where(AlertCode.alert_id == row.id))
            summary.updated.append(row.id)
            audit.record(session, actor=audit.actor_of(submitted_by), action="alert.updated",
                         entity="alert", entity_id=row.id, before=before,
                         after={k: getattr(row, k) for k in before})
        else:
            summary.unchanged += 1
            continue
        if alert.codes:
            session.execute(insert(AlertCode), [
                {"alert_id": row.id, "kind": c.kind, "value": c.value}
                for c in dict.fromkeys(alert.codes)])
    session.flush()
    return summary


def _codes(session: Session, alert_id: int) -> set[tuple[str, str]]:
    return {(k, v) for k, v in session.execute(
        select(AlertCode.kind, AlertCode.value).where(AlertCode.alert_id == alert_id))}


def codes_of(session: Session, alert_id: int) -> list[AlertCode]:
    """An alert's barcodes."""
    return list(session.scalars(select(AlertCode).where(AlertCode.alert_id == alert_id)
                                .order_by(AlertCode.id)))
