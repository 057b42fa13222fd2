"""What stands behind a decision, as a statement tells it: what set it off (source_type),
whether automation found the offer, and the facts, without personal data.

The one place where `automated_detection` and `source_type` are derived for decisions on
cases (tests/moderation/statements/test_automation_flags.py pins every path):
- detection is automated when our own means found the offer: screening (rules, the model,
  a hold) opened the case, or an alert (Safety Gate's or an authority's, which describe a
  product, not an offer) was matched against the offers by the matching engine; a notice
  naming the offer is not automated detection;
- the source is the alert behind the case (an authority's order or notice, a Safety Gate
  alert: another notification; a consumer organisation's: a notice), else the notices
  behind it (a trusted notifier's: a trusted flagger), else our own initiative.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation.domain import CaseKind, CaseReason, SourceKind, StatementSource
from moderation.tables import (
    Case,
    CaseSource,
    CounterNotice,
    Decision,
    Notice,
    Right,
    SafetyAlert,
    SafetyMatch,
    Screening,
)

# safety_alerts.source of an authority's order (safety/alerts.py; not imported: a programme).
AUTHORITY = "authority"
CONSUMER_KIND = "consumer"  # an authority's alert of this kind is a consumer body's notice


@dataclass(frozen=True, slots=True)
class Basis:
    source_type: StatementSource
    automated_detection: bool
    facts: dict[str, Any] = field(default_factory=dict)


def notice_facts(notice: Notice, right: Right | None) -> dict[str, Any]:
    """A notice as a statement cites it: its reference and the right, never who sent it."""
    return {"reference": notice.reference, "kind": notice.kind,
            "trusted_flagger": notice.fast_track,
            "right": None if right is None else {
                "type": right.type, "office": right.office, "number": right.number}}


def alert_facts(alert: SafetyAlert) -> dict[str, Any]:
    """An alert or an order as a statement cites it: number, kind and risk."""
    authority = alert.source == AUTHORITY
    return {"source": alert.source, "kind": alert.kind,
            # An order's number is "<organisation id>:<the sender's reference>".
            "number": alert.number.split(":", 1)[-1] if authority else alert.number,
            "risk_level": alert.risk_level, "risk_type": alert.risk_type,
            "product": alert.product}


def screening_facts(screening: Screening | None, reason_code: str) -> dict[str, Any]:
    """The rules that fired, and the model's score when the model alone sent the offer."""
    if screening is None:
        return {}
    facts: dict[str, Any] = {"rules": [{"rule_id": h.get("rule_id"),
                                        "reason_code": h.get("reason_code")}
                                       for h in screening.hits],
                             "rules_version": screening.rules_version}
    if reason_code == CaseReason.MODEL_SCORE.value or not screening.hits:
        facts["model"] = {"version": screening.model_version,
                          "score": round(screening.score, 3)}
    return facts


def _notices(session: Session, case_id: int) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Notice, Right).join(Right, Right.id == Notice.right_id, isouter=True)
        .where(Notice.id.in_(select(CaseSource.notice_id).where(
            CaseSource.case_id == case_id, CaseSource.kind == SourceKind.NOTICE.value)))
        .order_by(Notice.id)).all()
    return [notice_facts(n, r) for n, r in rows]


def _alerts(session: Session, case_id: int) -> list[SafetyAlert]:
    return list(session.scalars(
        select(SafetyAlert).where(SafetyAlert.id.in_(
            select(SafetyMatch.alert_id).where(SafetyMatch.case_id == case_id)))
        .order_by(SafetyAlert.id)))


def source_of(notices: list[dict[str, Any]], alerts: list[SafetyAlert]) -> StatementSource:
    """What set a decision off, from the alerts and notices behind it."""
    if alerts:
        consumer = all(a.source == AUTHORITY and a.kind == CONSUMER_KIND for a in alerts)
        return StatementSource.NOTICE if consumer else StatementSource.OTHER_NOTIFICATION
    if notices:
        trusted = any(n["trusted_flagger"] for n in notices)
        return StatementSource.TRUSTED_FLAGGER if trusted else StatementSource.NOTICE
    return StatementSource.OWN_INITIATIVE


def basis_of_case(session: Session, case: Case, decision: Decision) -> Basis:
    """What stands behind a moderator's decision on a case."""
    facts: dict[str, Any] = {"case_id": case.id, "case_kind": case.kind}
    looked_at = case
    if case.kind == CaseKind.COUNTER_NOTICE.value:
        # The removal stands: what stood behind it stands behind this statement too.
        contested = session.execute(
            select(CounterNotice.reference, Decision.case_id)
            .join(Decision, Decision.id == CounterNotice.decision_id)
            .where(CounterNotice.case_id == case.id)).first()
        if contested is not None:
            facts["counter_notice"] = contested.reference
            original = session.get(Case, contested.case_id) if contested.case_id else None
            looked_at = original or case
    screening = (session.get(Screening, looked_at.screening_id)
                 if looked_at.screening_id else None)
    facts.update(screening_facts(screening, looked_at.reason_code))
    notices = _notices(session, looked_at.id)
    alerts = _alerts(session, looked_at.id)
    if notices:
        facts["notices"] = notices
    if alerts:
        facts["alerts"] = [alert_facts(a) for a in alerts]
    automated = looked_at.kind in (CaseKind.SCREENING.value, CaseKind.SAFETY.value)
    return Basis(source_of(notices, alerts), automated, facts)
