"""Matching an alert against the indexed offers, and opening cases for what it matches.

Candidates come from the `offer_keys` index (GTIN, model code, weak and brand keys), never
from a scan of the offers; the judge (judge.py) decides each pair, as it does for a new
offer screened against the active alerts. A sure match opens an urgent case, a learned
matcher's match an ordinary one for a person to judge.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from moderation import policy
from moderation.cases import Origin, holds, open_or_join
from moderation.domain import AlertStatus, CaseKind, CaseReason, SourceKind
from moderation.safety.alerts import AUTHORITY
from moderation.safety.index import model_keys_of, offers_with
from moderation.safety.judge import (
    Candidate,
    LearnedMatcher,
    Match,
    judge,
    named_alike,
    profile_of,
)
from moderation.tables import (
    AlertCode,
    Offer,
    SafetyAlert,
    SafetyMatch,
    utcnow,
)

__all__ = ["LearnedMatcher", "Match", "describe", "find_matches", "match_alert"]

# Offers of one brand are many; only the newest this many are compared by name. So for a
# bare number ("n:250"): only the newest this many offers writing it are looked at.
BRAND_BLOCK_LIMIT = 2_000
WEAK_BLOCK_LIMIT = 2_000
# Offers already off the marketplace need no case.
_GONE = ("removed", "blocked")


def find_matches(session: Session, alert: SafetyAlert, *, learned: LearnedMatcher
                 ) -> list[Match]:
    """Every offer the alert matches, best first; nothing is written."""
    codes = list(session.scalars(select(AlertCode).where(AlertCode.alert_id == alert.id)))
    profile = profile_of(alert, [c.value for c in codes if c.kind == "gtin"])
    lookups = profile.lookups()
    looked_up_models = frozenset(lookups["gtin"] + lookups["model"] + lookups["weak"])
    found = offers_with(session, lookups["gtin"] + lookups["model"])
    for keys, limit in ((lookups["weak"], WEAK_BLOCK_LIMIT),
                        (lookups["brand"], BRAND_BLOCK_LIMIT)):
        for offer_id, ks in offers_with(session, keys, limit=limit).items():
            found.setdefault(offer_id, set()).update(ks)
    if not found:
        return []
    candidates = [Candidate(oid, title, brand, frozenset(found[oid]))
                  for oid, title, brand in session.execute(
                      select(Offer.id, Offer.title, Offer.brand)
                      .where(Offer.id.in_(list(found)), Offer.status.not_in(_GONE)))]
    if profile.codes:
        # Whether an offer found by its brand names another model takes all its model
        # codes, not only those the alert looked up: read them where that decides.
        unsure = {c.offer_id for c in candidates
                  if not c.keys & looked_up_models and named_alike(profile, c)}
        more = model_keys_of(session, sorted(unsure)) if unsure else {}
        candidates = [replace(c, keys=c.keys | more[c.offer_id]) if c.offer_id in more else c
                      for c in candidates]
    matches = [m for m in judge([(profile, c) for c in candidates], learned=learned)
               if m is not None]
    return sorted(matches, key=lambda m: (-m.score, m.offer_id))


def match_alert(session: Session, alert_id: int, *, learned: LearnedMatcher,
                now: datetime | None = None) -> list[Match]:
    """Match one alert and open or join a case per new match; safe to run again."""
    now = now or utcnow()
    alert = session.get(SafetyAlert, alert_id, with_for_update=True)
    if alert is None or alert.status != AlertStatus.ACTIVE.value:
        return []
    matches = find_matches(session, alert, learned=learned)
    known = set(session.scalars(select(SafetyMatch.offer_id).where(
        SafetyMatch.alert_id == alert.id)))
    new = [m for m in matches if m.offer_id not in known]
    for confidence, priority in policy.SAFETY_MATCH_PRIORITY.items():
        group = [m for m in new if m.confidence == confidence]
        if group:
            case_ids = _open_cases(session, alert, group, priority=priority, now=now)
            if confidence == "high" and policy.alert_holds(alert.risk_level):
                holds.hold_offers(session, [
                    holds.HoldIn(offer_id=m.offer_id, case_id=cid, reason_code=_reason(alert),
                                 alert_id=alert.id)
                    for m, cid in zip(group, case_ids, strict=True)], now=now)
    alert.matched_at = now
    session.flush()
    return matches


def _reason(alert: SafetyAlert) -> str:
    return (CaseReason.AUTHORITY_ORDER if alert.source == AUTHORITY
            else CaseReason.SAFETY_ALERT).value


def _open_cases(session: Session, alert: SafetyAlert, matches: list[Match], *, priority: int,
                now: datetime) -> list[int]:
    """Open or join a case per matched offer; return the case ids in the matches' order."""
    due_at = alert.due_at or now + policy.SAFETY_DUE
    case_ids, _ = open_or_join(
        session, [m.offer_id for m in matches], kind=CaseKind.SAFETY.value,
        reason_code=_reason(alert), source=alert.source, priority=priority, due_at=due_at, now=now,
        origin=Origin(SourceKind.SAFETY_ALERT, {"alert": alert.number, "alert_id": alert.id},
                      organisation_id=alert.organisation_id))
    session.execute(insert(SafetyMatch), [
        {"alert_id": alert.id, "offer_id": m.offer_id, "score": m.score,
         "confidence": m.confidence, "fields": list(m.fields), "agreed": list(m.agreed),
         "case_id": cid,
         "created_at": now} for m, cid in zip(matches, case_ids, strict=True)])
    return case_ids


def describe(match: Match) -> dict[str, Any]:
    """A match as JSON."""
    return {"offer_id": match.offer_id, "score": match.score, "confidence": match.confidence,
            "fields": list(match.fields)}
