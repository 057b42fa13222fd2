"""Reappearance: a new or changed offer that matches an active alert or a removed offer."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from moderation.safety.matching import Candidate, Match, alert_keys, judge
from moderation.tables import AlertCode, Offer, OfferKey, SafetyAlert, SafetyMatch

SAFETY_ALERT_MATCH = "SAFETY_ALERT_MATCH"
REMOVED_BEFORE = "REMOVED_BEFORE"
# A brand alone is too common to say "the same product"; these keys are specific enough.
_SPECIFIC = ("g:", "m:", "t:")


@dataclass(frozen=True, slots=True)
class Hold:
    """Why an offer waits for a person, and the alert behind it, if any."""

    reason: str
    alert_id: int | None = None
    match: Match | None = None
    removed_offer_id: int | None = None


def check(session: Session, rows: Sequence[Any], keys: Mapping[int, Sequence[str]]
          ) -> dict[int, Hold]:
    """Holds for offers of a screening batch (rows with id, title, brand)."""
    holds = _alert_holds(session, rows, keys)
    for offer_id, hold in _removal_holds(session, keys).items():
        holds.setdefault(offer_id, hold)
    return holds


def _alert_holds(session: Session, rows: Sequence[Any], keys: Mapping[int, Sequence[str]]
                 ) -> dict[int, Hold]:
    gtins = {k[2:] for ks in keys.values() for k in ks if k.startswith("g:")}
    models = {k[2:] for ks in keys.values() for k in ks if k.startswith("m:")}
    if not gtins and not models:
        return {}
    alert_ids: set[int] = set()
    if gtins:
        alert_ids.update(session.scalars(
            select(AlertCode.alert_id).join(SafetyAlert, SafetyAlert.id == AlertCode.alert_id)
            .where(SafetyAlert.status == "active", AlertCode.kind == "gtin",
                   AlertCode.value.in_(gtins))))
    if models:
        alert_ids.update(session.scalars(select(SafetyAlert.id).where(
            SafetyAlert.status == "active", SafetyAlert.model_key.in_(models))))
    if not alert_ids:
        return {}
    alerts = list(session.scalars(select(SafetyAlert).where(SafetyAlert.id.in_(alert_ids))
                                  .order_by(SafetyAlert.id)))
    codes: dict[int, list[AlertCode]] = {}
    for code in session.scalars(select(AlertCode).where(AlertCode.alert_id.in_(alert_ids))):
        codes.setdefault(code.alert_id, []).append(code)
    holds: dict[int, Hold] = {}
    for alert in alerts:
        by_kind = alert_keys(alert, codes.get(alert.id, []))
        wanted = set(by_kind["gtin"] + by_kind["model"])
        # Only offers sharing a barcode or model code with the alert: a sure match needs one.
        sharing = [Candidate(row.id, row.title, row.brand, frozenset(keys.get(row.id, ())))
                   for row in rows if row.id not in holds and wanted & set(keys.get(row.id, ()))]
        verdicts = judge(alert, by_kind, sharing)
        for candidate, match in zip(sharing, verdicts, strict=True):
            if match is not None and match.confidence == "high":
                holds[candidate.offer_id] = Hold(SAFETY_ALERT_MATCH, alert.id, match)
    return holds


def _removal_holds(session: Session, keys: Mapping[int, Sequence[str]]) -> dict[int, Hold]:
    specific = {k for ks in keys.values() for k in ks if k.startswith(_SPECIFIC)}
    if not specific:
        return {}
    removed = session.execute(
        select(OfferKey.key, OfferKey.offer_id).join(Offer, Offer.id == OfferKey.offer_id)
        .where(OfferKey.key.in_(specific), Offer.status == "removed",
               OfferKey.offer_id.not_in(list(keys))))
    by_key: dict[str, int] = {}
    for key, offer_id in removed:
        by_key.setdefault(key, offer_id)
    holds = {}
    for offer_id, ks in keys.items():
        hit = next((by_key[k] for k in ks if k in by_key), None)
        if hit is not None:
            holds[offer_id] = Hold(REMOVED_BEFORE, removed_offer_id=hit)
    return holds


def record(session: Session, *, offer_id: int, hold: Hold, case_id: int | None,
           now: datetime) -> None:
    """Remember an alert's match found at screening, for the alert's report."""
    if hold.alert_id is None or hold.match is None:
        return
    known = session.scalar(select(SafetyMatch.id).where(SafetyMatch.alert_id == hold.alert_id,
                                                        SafetyMatch.offer_id == offer_id))
    if known is None:
        session.execute(insert(SafetyMatch), [{
            "alert_id": hold.alert_id, "offer_id": offer_id, "score": hold.match.score,
            "confidence": hold.match.confidence, "fields": list(hold.match.fields),
            "case_id": case_id, "created_at": now}])
