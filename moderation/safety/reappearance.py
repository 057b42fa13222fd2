"""Reappearance: a new or changed offer that matches an active alert or a removed offer.

An offer is checked against the active alerts by the same judge that matches an alert
against the indexed offers (judge.py): candidates are the alerts sharing a lookup key with
the offer, found in the in-memory map of active alerts (active_alerts.py), one small query
per batch whatever its size. A sure match holds the offer as SAFETY_ALERT_MATCH (priority
1), a learned matcher's match as SAFETY_ALERT_POSSIBLE (priority 3), as an alert arriving
would open an urgent or an ordinary case.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from moderation.domain import CaseReason
from moderation.safety.active_alerts import ActiveAlertsCache
from moderation.safety.judge import AlertProfile, Candidate, LearnedMatcher, Match, judge
from moderation.tables import Offer, OfferKey, SafetyMatch

SAFETY_ALERT_MATCH = CaseReason.SAFETY_ALERT_MATCH.value
SAFETY_ALERT_POSSIBLE = CaseReason.SAFETY_ALERT_POSSIBLE.value
REMOVED_BEFORE = CaseReason.REMOVED_BEFORE.value
# Every reason a hold of this module gives (screening names their source "reappearance").
REASONS = (SAFETY_ALERT_MATCH, SAFETY_ALERT_POSSIBLE, REMOVED_BEFORE)
# Screening holds one offer for one reason: the surest alert match gives it.
_REASON_OF = {"high": SAFETY_ALERT_MATCH, "medium": SAFETY_ALERT_POSSIBLE}


@dataclass(frozen=True, slots=True)
class AlertMatch:
    alert_id: int
    match: Match


@dataclass(frozen=True, slots=True)
class Hold:
    """Why an offer waits for a person, and the alerts behind it, surest first."""

    reason: str
    matches: tuple[AlertMatch, ...] = ()
    removed_offer_id: int | None = None

    @property
    def alert_id(self) -> int | None:
        return self.matches[0].alert_id if self.matches else None

    @property
    def match(self) -> Match | None:
        return self.matches[0].match if self.matches else None


def check(session: Session, rows: Sequence[Any], keys: Mapping[int, Sequence[str]], *,
          alerts: ActiveAlertsCache, learned: LearnedMatcher) -> dict[int, Hold]:
    """Holds for offers of a screening batch (rows with id, title, brand)."""
    holds = alert_holds(session, rows, keys, alerts=alerts, learned=learned)
    for offer_id, hold in _removal_holds(session, keys).items():
        holds.setdefault(offer_id, hold)
    return holds


def alert_holds(session: Session, rows: Sequence[Any], keys: Mapping[int, Sequence[str]], *,
                alerts: ActiveAlertsCache, learned: LearnedMatcher) -> dict[int, Hold]:
    """The offers matching active alerts, each with every alert it matches."""
    active = alerts.current(session)
    if not active.profiles:
        return {}
    pairs: list[tuple[AlertProfile, Candidate]] = []
    for row in rows:
        offer_keys = frozenset(keys.get(row.id, ()))
        found = active.alerts_for(offer_keys)
        if found:
            candidate = Candidate(row.id, row.title, row.brand, offer_keys)
            pairs.extend((active.profiles[a], candidate) for a in sorted(found))
    by_offer: dict[int, list[AlertMatch]] = {}
    for (profile, candidate), match in zip(pairs, judge(pairs, learned=learned), strict=True):
        if match is not None:
            by_offer.setdefault(candidate.offer_id, []).append(AlertMatch(profile.alert_id,
                                                                          match))
    holds = {}
    for offer_id, found_matches in by_offer.items():
        ranked = tuple(sorted(found_matches, key=lambda m: (m.match.confidence != "high",
                                                            -m.match.score, m.alert_id)))
        holds[offer_id] = Hold(_REASON_OF[ranked[0].match.confidence], ranked)
    return holds


def _specific(key: str) -> bool:
    """A key that says "the same product" on its own: a barcode, a title, a model code of
    letters and digits of 4+ characters. A brand, a bare number or a short code is too
    common for that."""
    if key.startswith(("g:", "t:")):
        return True
    code = key[2:]
    return key.startswith("m:") and len(code) >= 4 and not code.isdigit() and not code.isalpha()


def _removal_holds(session: Session, keys: Mapping[int, Sequence[str]]) -> dict[int, Hold]:
    specific = {k for ks in keys.values() for k in ks if _specific(k)}
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
    """Remember the alerts an offer matched at screening, for each alert's report."""
    if not hold.matches:
        return
    known = set(session.scalars(select(SafetyMatch.alert_id).where(
        SafetyMatch.offer_id == offer_id,
        SafetyMatch.alert_id.in_([m.alert_id for m in hold.matches]))))
    new = [m for m in hold.matches if m.alert_id not in known]
    if new:
        session.execute(insert(SafetyMatch), [{
            "alert_id": m.alert_id, "offer_id": offer_id, "score": m.match.score,
            "confidence": m.match.confidence, "fields": list(m.match.fields),
            "agreed": list(m.match.agreed), "case_id": case_id, "created_at": now} for m in new])
