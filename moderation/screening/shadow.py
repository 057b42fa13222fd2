"""Shadow screenings: stored beside the live ones, read back as a comparison for leads."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from moderation.domain import Assessment
from moderation.screening.compare import Comparison, Move, describe
from moderation.screening.hits import hit_json
from moderation.tables import Case, Offer, ShadowScreening

CANDIDATE = "candidate"  # SHADOW_RULES_DIR / SHADOW_MODEL_DIR
FLOOD = "flood"  # what a rule or version the flood guard shadowed would have done
ORIGINS = (CANDIDATE, FLOOD)
# The page's rule table reads at most this many differing rows (newest first).
MAX_CHANGED_ROWS = 20_000


@dataclass(frozen=True, slots=True)
class ShadowResult:
    """One offer version screened by a shadow, with what the live screening did."""

    offer_id: int
    offer_version: int
    origin: str
    assessment: Assessment
    flags: dict[str, str]
    live: Assessment
    live_flags: dict[str, str]
    rules_version: str
    model_version: str

    def row(self, now: datetime) -> dict[str, Any]:
        a, live = self.assessment, self.live
        return {
            "offer_id": self.offer_id, "offer_version": self.offer_version,
            "origin": self.origin, "route": a.route.value, "priority": a.priority,
            "reason_code": a.reason_code, "hits": [hit_json(h) for h in a.hits],
            "score": a.score.value, "flags": self.flags,
            "live_route": live.route.value, "live_reason_code": live.reason_code,
            "live_flags": self.live_flags,
            "differs": a.route is not live.route or self.flags != self.live_flags,
            "rules_version": self.rules_version, "model_version": self.model_version,
            "created_at": now,
        }


def store(session: Session, results: Sequence[ShadowResult], *, now: datetime) -> None:
    """Insert a batch's shadow screenings (one plain executemany)."""
    if results:
        session.execute(insert(ShadowScreening), [r.row(now) for r in results])


@dataclass(frozen=True, slots=True)
class ShadowFilter:
    """Which stored shadow screenings the page compares; None means any."""

    since: datetime
    origin: str | None = None
    rules_version: str | None = None
    model_version: str | None = None

    def where(self) -> list[Any]:
        clauses: list[Any] = [ShadowScreening.created_at >= self.since]
        if self.origin:
            clauses.append(ShadowScreening.origin == self.origin)
        if self.rules_version:
            clauses.append(ShadowScreening.rules_version == self.rules_version)
        if self.model_version:
            clauses.append(ShadowScreening.model_version == self.model_version)
        return clauses


@dataclass(frozen=True, slots=True)
class Run:
    """One shadow combination seen in the window."""

    origin: str
    rules_version: str
    model_version: str
    offers: int
    last: datetime


def runs(session: Session, *, since: datetime) -> list[Run]:
    """The shadow combinations stored since a moment, the latest first."""
    return [Run(*row) for row in session.execute(
        select(ShadowScreening.origin, ShadowScreening.rules_version,
               ShadowScreening.model_version, func.count(), func.max(ShadowScreening.created_at))
        .where(ShadowScreening.created_at >= since)
        .group_by(ShadowScreening.origin, ShadowScreening.rules_version,
                  ShadowScreening.model_version)
        .order_by(func.max(ShadowScreening.created_at).desc()))]


def compare(session: Session, filters: ShadowFilter, *, moves: int = 50
            ) -> tuple[Comparison, bool]:
    """The comparison over stored shadow screenings; True when the rule table was capped.

    The matrix counts every row; the rule table and the moves read only rows that differ.
    """
    comparison = Comparison(examples_per_transition=moves)
    for live_route, route, n in session.execute(
            select(ShadowScreening.live_route, ShadowScreening.route, func.count())
            .where(*filters.where())
            .group_by(ShadowScreening.live_route, ShadowScreening.route)):
        comparison.count(live_route, route, n)
    changed = session.execute(
        select(ShadowScreening.live_route, ShadowScreening.route, ShadowScreening.live_flags,
               ShadowScreening.flags)
        .where(*filters.where(), ShadowScreening.differs)
        .order_by(ShadowScreening.id.desc()).limit(MAX_CHANGED_ROWS)).all()
    for live_route, route, live_flags, other_flags in changed:
        comparison.change(live_route=live_route, route=route, live_flags=live_flags,
                          other_flags=other_flags)
    _moves(session, filters, comparison, limit=moves)
    return comparison, len(changed) >= MAX_CHANGED_ROWS


def _moves(session: Session, filters: ShadowFilter, comparison: Comparison, *,
           limit: int) -> None:
    """The newest offers whose route the shadow would change, with their latest case if any."""
    rows = session.execute(
        select(ShadowScreening, Offer.marketplace_id, Offer.title)
        .join(Offer, Offer.id == ShadowScreening.offer_id)
        .where(*filters.where(), ShadowScreening.route != ShadowScreening.live_route)
        .order_by(ShadowScreening.id.desc()).limit(limit)).all()
    case_of = dict(session.execute(
        select(Case.offer_id, func.max(Case.id))
        .where(Case.offer_id.in_({s.offer_id for s, _, _ in rows}))
        .group_by(Case.offer_id)).all()) if rows else {}
    for s, marketplace_id, title in rows:
        changes = tuple(describe(rule_id, s.live_flags.get(rule_id), s.flags.get(rule_id))
                        for rule_id in sorted(s.live_flags.keys() | s.flags.keys())
                        if s.live_flags.get(rule_id) != s.flags.get(rule_id))
        comparison.examples.append(Move(
            offer=marketplace_id, title=title, live_route=s.live_route, route=s.route,
            live_reason=s.live_reason_code, reason=s.reason_code, changes=changes,
            offer_id=s.offer_id, case_id=case_of.get(s.offer_id)))
