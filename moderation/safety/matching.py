"""Matching alerts to offers: exact by barcode, fuzzy by brand, model and name.

Candidates come from the `offer_keys` index (GTIN, model code and brand keys), never from
a scan of the offers. A match on a barcode, or on model and brand together, is sure enough
for an urgent case; any other candidate is judged by the learned matcher (models/matching),
and a match there opens an ordinary case for a person to judge.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from models.matching.model import MatcherBundle, load_matcher
from models.matching.records import Pair, ProductRecord
from moderation.config import get_settings
from moderation.domain import CaseKind
from moderation.review.cases import open_or_join
from moderation.safety.alerts import AUTHORITY
from moderation.safety.index import offers_with
from moderation.safety.keys import brand_key, model_codes
from moderation.tables import (
    AlertCode,
    CaseSource,
    Offer,
    SafetyAlert,
    SafetyMatch,
    utcnow,
)
from rules.normalise import fold

# Offers of one brand are many; only the newest this many are compared by name.
BRAND_BLOCK_LIMIT = 2_000
# Below this name similarity (rapidfuzz token_set_ratio on folded text), a candidate found
# only through its brand is not worth the learned matcher's time.
BRAND_PREFILTER = 50.0
# The learned matcher costs ~0.2 ms a pair: it judges at most this many candidates per
# alert, those sharing a model code first, then the most similar by name.
LEARNED_LIMIT = 100
URGENT_PRIORITY = 1
ORDINARY_PRIORITY = 3
# Offers already off the marketplace need no case.
_GONE = ("removed", "blocked")

_matcher_lock = threading.Lock()
_matcher: MatcherBundle | None = None


def learned_matcher() -> MatcherBundle:
    """The product matcher bundle (models/matching), loaded once and verified on load."""
    global _matcher
    with _matcher_lock:
        if _matcher is None:
            _matcher = load_matcher(signing_key=get_settings().model_signing_key.encode())
        return _matcher


@dataclass(frozen=True, slots=True)
class Candidate:
    offer_id: int
    title: str
    brand: str | None
    keys: frozenset[str]


@dataclass(frozen=True, slots=True)
class Match:
    offer_id: int
    score: float  # 0..1
    confidence: str  # "high" or "medium"
    fields: tuple[str, ...]  # what agreed: gtin, model, brand, name


def alert_keys(alert: SafetyAlert, codes: Sequence[AlertCode]) -> dict[str, list[str]]:
    """The index keys an alert looks up, by kind."""
    models = list(dict.fromkeys(
        ([alert.model_key] if len(alert.model_key) >= 3 else [])
        + model_codes(f"{alert.model} {alert.name}")))
    return {"gtin": [f"g:{c.value}" for c in codes if c.kind == "gtin"],
            "model": [f"m:{m}" for m in models],
            "brand": [f"b:{alert.brand_key}"] if alert.brand_key else []}


def judge(alert: SafetyAlert, keys: dict[str, list[str]], candidates: Sequence[Candidate]
          ) -> list[Match | None]:
    """Judge candidates: a barcode is a sure match; anything else is decided by the learned
    matcher (validated on product-matching benchmarks), and its matches that also agree on
    model and brand are sure ones."""
    title_of = fold(" ".join(x for x in (alert.name or alert.product, alert.brand, alert.model)
                             if x))
    record = ProductRecord(title=" ".join(x for x in (alert.name, alert.product) if x),
                           brand=alert.brand or None, model=alert.model or None)
    out: list[Match | None] = [None] * len(candidates)
    ranked: list[tuple[bool, float, int, tuple[str, ...]]] = []
    for i, candidate in enumerate(candidates):
        fields = _agreeing(alert, keys, candidate)
        if "gtin" in fields:
            out[i] = Match(candidate.offer_id, 1.0, "high", fields)
            continue
        similarity = fuzz.token_set_ratio(title_of, fold(candidate.title))
        if "model" in fields or similarity >= BRAND_PREFILTER:
            ranked.append(("model" not in fields, -similarity, i, fields))
    if any("model" in fields and "brand" in fields for *_, fields in ranked):
        # The alert's model was found under its brand: the brand's other offers are other
        # products, and judging them would only cost time.
        ranked = [r for r in ranked if not r[0]]
    pending = [(i, fields) for _, _, i, fields in sorted(ranked)[:LEARNED_LIMIT]]
    if pending:
        matcher = learned_matcher()
        pairs = [Pair(record, ProductRecord(title=candidates[i].title,
                                            brand=candidates[i].brand))
                 for i, _ in pending]
        scores = matcher.score(pairs)
        for (i, fields), value in zip(pending, scores, strict=True):
            if value >= matcher.threshold:
                sure = "model" in fields and "brand" in fields
                out[i] = Match(candidates[i].offer_id, round(float(value), 3),
                               "high" if sure else "medium", (*fields, "name"))
    return out


def _agreeing(alert: SafetyAlert, keys: dict[str, list[str]], candidate: Candidate
              ) -> tuple[str, ...]:
    fields = []
    if candidate.keys & set(keys["gtin"]):
        fields.append("gtin")
    if candidate.keys & set(keys["model"]):
        fields.append("model")
    if alert.brand_key and (f"b:{alert.brand_key}" in candidate.keys
                            or f" {alert.brand_key} " in f" {brand_key(candidate.title)} "):
        fields.append("brand")
    return tuple(fields)


def find_matches(session: Session, alert: SafetyAlert) -> list[Match]:
    """Every offer the alert matches, best first; nothing is written."""
    codes = list(session.scalars(select(AlertCode).where(AlertCode.alert_id == alert.id)))
    keys = alert_keys(alert, codes)
    found = offers_with(session, keys["gtin"] + keys["model"])
    for offer_id, ks in offers_with(session, keys["brand"], limit=BRAND_BLOCK_LIMIT).items():
        found.setdefault(offer_id, set()).update(ks)
    if not found:
        return []
    candidates = [Candidate(oid, title, brand, frozenset(found[oid]))
                  for oid, title, brand in session.execute(
                      select(Offer.id, Offer.title, Offer.brand)
                      .where(Offer.id.in_(list(found)), Offer.status.not_in(_GONE)))]
    matches = [m for m in judge(alert, keys, candidates) if m is not None]
    return sorted(matches, key=lambda m: (-m.score, m.offer_id))


def match_alert(session: Session, alert_id: int, *, now: datetime | None = None
                ) -> list[Match]:
    """Match one alert and open or join a case per new match; safe to run again."""
    now = now or utcnow()
    alert = session.get(SafetyAlert, alert_id, with_for_update=True)
    if alert is None or alert.status != "active":
        return []
    matches = find_matches(session, alert)
    known = set(session.scalars(select(SafetyMatch.offer_id).where(
        SafetyMatch.alert_id == alert.id)))
    new = [m for m in matches if m.offer_id not in known]
    for confidence, priority in (("high", URGENT_PRIORITY), ("medium", ORDINARY_PRIORITY)):
        group = [m for m in new if m.confidence == confidence]
        if group:
            _open_cases(session, alert, group, priority=priority, now=now)
    alert.matched_at = now
    session.flush()
    return matches


def _open_cases(session: Session, alert: SafetyAlert, matches: list[Match], *, priority: int,
                now: datetime) -> None:
    due_at = alert.due_at or now + timedelta(days=3)
    reason = "AUTHORITY_ORDER" if alert.source == AUTHORITY else "SAFETY_ALERT"
    case_ids, _ = open_or_join(
        session, [m.offer_id for m in matches], kind=CaseKind.SAFETY.value,
        reason_code=reason, source=alert.source, priority=priority, due_at=due_at, now=now,
        origin={"alert": alert.number, "alert_id": alert.id})
    session.execute(insert(SafetyMatch), [
        {"alert_id": alert.id, "offer_id": m.offer_id, "score": m.score,
         "confidence": m.confidence, "fields": list(m.fields), "case_id": cid,
         "created_at": now} for m, cid in zip(matches, case_ids, strict=True)])
    session.execute(insert(CaseSource), [
        {"case_id": cid, "kind": "safety_alert", "notice_id": None,
         "organisation_id": alert.organisation_id, "added_at": now}
        for cid in dict.fromkeys(case_ids)])


def matches_of(session: Session, alert_id: int) -> list[tuple[SafetyMatch, Offer]]:
    """An alert's matches with their offers, surest first."""
    rows = session.execute(
        select(SafetyMatch, Offer).join(Offer, Offer.id == SafetyMatch.offer_id)
        .where(SafetyMatch.alert_id == alert_id)
        .order_by(SafetyMatch.score.desc(), SafetyMatch.id))
    return [(m, o) for m, o in rows]


def describe(match: Match) -> dict[str, Any]:
    """A match as JSON."""
    return {"offer_id": match.offer_id, "score": match.score, "confidence": match.confidence,
            "fields": list(match.fields)}
