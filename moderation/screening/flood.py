"""The flood guard: a rule or version that suddenly flags far more offers goes into shadow.

Per minute, every batch adds what it screened to `flood_counts` (in its own transaction, so
a batch RQ runs again is not counted twice): the offers screened, and per subject the offers
it sent towards review or block. Subjects are a rule id ("rule"), a rule pack version
("rules") and a model version ("model"). A subject's *rate* is its share of the screened
offers: for a rule, of all offers; for a version, of the offers screened with it.

After counting, each subject the batch flagged with is judged: its rate over the last
FLOOD_WINDOW_MINUTES against its baseline, the rate over the FLOOD_BASELINE_MINUTES before
(for a version: the rate of its kind, whatever version screened then). It trips when

    recent flagged > FLOOD_MIN_OFFERS  and  recent rate > FLOOD_RATIO x max(baseline, FLOOR)

with FLOOD_BASELINE_FLOOR standing in for the baseline of a brand-new rule. Without a
baseline to speak of (fewer than FLOOD_MIN_OFFERS offers screened in the baseline window:
a fresh install, a quiet night) nothing is judged. A trip is one row in `flood_trips`
(a partial unique index keeps one active trip per subject across all workers), one
message to leads and one audit entry; a lead lifts it, and the subject is then left alone
for one window plus one baseline, by when its new rate is its baseline.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, delete, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from models.score import Score
from moderation import audit, outbox
from moderation.config import Settings
from moderation.db import is_postgres
from moderation.errors import Conflict, NotFound
from moderation.policy import Policy
from moderation.tables import FloodCount, FloodTrip
from rules.types import Hit, Outcome

Subject = tuple[str, str]  # (kind, name): ("rule", id), ("rules", version), ("model", version)
ALL = ("all", "")
KINDS = ("rule", "rules", "model")
SHARDS = 8
# Counts are kept this long: the page shows a day, the guard reads at most window + baseline.
RETENTION = timedelta(hours=24)
TRIPPED = "flood_guard.tripped"
LIFTED = "flood_guard.lifted"
MESSAGE = "leads.flood_guard"
PAGE = "/shadow"


def label(subject: Subject) -> str:
    """How a subject is written for people: "rule counterfeit.x", "rules packs:ab12"."""
    return f"{subject[0]} {subject[1]}"


@dataclass(frozen=True, slots=True)
class BatchCounts:
    """What one batch screened and flagged, per subject."""

    offers: int
    rules_version: str
    rules_flagged: int
    model_version: str
    model_flagged: int
    per_rule: Counter[str]

    @classmethod
    def of(cls, *, pack_rule_ids: frozenset[str], rules_version: str, model_version: str,
           policy: Policy, hits: Sequence[Sequence[Hit]], scores: Sequence[Score]
           ) -> BatchCounts:
        """Count a batch as screened with the current pack (and rights rules) and model.

        A pack version is judged by its own rules; rights holders' rules count per rule.
        """
        per_rule: Counter[str] = Counter()
        rules_flagged = 0
        for offer_hits in hits:
            flagged = {h.rule_id for h in offer_hits if h.outcome is not Outcome.ALLOW}
            per_rule.update(flagged)
            rules_flagged += not flagged.isdisjoint(pack_rule_ids)
        return cls(offers=len(hits), rules_version=rules_version, rules_flagged=rules_flagged,
                   model_version=model_version,
                   model_flagged=sum(policy.flags_model(s) for s in scores),
                   per_rule=per_rule)

    def rows(self) -> list[tuple[str, str, int, int]]:
        """(kind, name, offers, flagged) to add, in one fixed order (no lock-order deadlock)."""
        rows = [("all", "", self.offers, 0),
                ("model", self.model_version, self.offers, self.model_flagged),
                ("rules", self.rules_version, self.offers, self.rules_flagged)]
        rows += [("rule", rule_id, 0, n) for rule_id, n in self.per_rule.items()]
        return sorted(rows)

    def flagged_subjects(self) -> set[Subject]:
        found = {("rule", rule_id) for rule_id in self.per_rule}
        if self.rules_flagged:
            found.add(("rules", self.rules_version))
        if self.model_flagged:
            found.add(("model", self.model_version))
        return found


@dataclass(frozen=True, slots=True)
class Rate:
    """A subject's recent and baseline shares of screened offers, and the guard's verdict."""

    subject: Subject
    recent_flagged: int
    recent_offers: int
    baseline_flagged: int
    baseline_offers: int

    @property
    def recent_rate(self) -> float:
        return self.recent_flagged / self.recent_offers if self.recent_offers else 0.0

    @property
    def baseline_rate(self) -> float:
        return self.baseline_flagged / self.baseline_offers if self.baseline_offers else 0.0

    def threshold(self, settings: Settings) -> float:
        """The recent rate above which the subject trips."""
        return settings.flood_ratio * max(self.baseline_rate, settings.flood_baseline_floor)

    def judged(self, settings: Settings) -> bool:
        """Whether there is a baseline to compare with at all."""
        return self.baseline_offers >= settings.flood_min_offers

    def trips(self, settings: Settings) -> bool:
        return (self.judged(settings) and self.recent_flagged > settings.flood_min_offers
                and self.recent_rate > self.threshold(settings))


def bucket(moment: datetime) -> datetime:
    """The minute a moment falls into."""
    return moment.replace(second=0, microsecond=0)


def _insert(session: Session) -> Any:
    """INSERT with ON CONFLICT, in the dialect of the session's database."""
    return (postgresql.insert if is_postgres(session)
            else sqlite.insert)


def record(session: Session, counts: BatchCounts, *, now: datetime) -> None:
    """Add a batch's counts to the current minute, in one of a few shards."""
    shard = random.randrange(SHARDS)
    at = bucket(now)
    stmt = _insert(session)(FloodCount)
    stmt = stmt.on_conflict_do_update(
        index_elements=["bucket_start", "kind", "name", "shard"],
        set_={"offers": FloodCount.offers + stmt.excluded.offers,
              "flagged": FloodCount.flagged + stmt.excluded.flagged})
    session.execute(stmt, [
        {"bucket_start": at, "kind": kind, "name": name, "shard": shard, "offers": offers,
         "flagged": flagged} for kind, name, offers, flagged in counts.rows()])


def rates(session: Session, *, now: datetime, settings: Settings,
          rules: Iterable[str] | None = None) -> dict[Subject, Rate]:
    """Recent and baseline rates of every subject counted lately (or of these rules only)."""
    recent_start = bucket(now) - timedelta(minutes=settings.flood_window_minutes - 1)
    start = recent_start - timedelta(minutes=settings.flood_baseline_minutes)
    recent = FloodCount.bucket_start >= recent_start

    def part(column: Any, when: Any) -> Any:
        return func.coalesce(func.sum(case((when, column), else_=0)), 0)

    query = (select(FloodCount.kind, FloodCount.name,
                    part(FloodCount.offers, recent), part(FloodCount.flagged, recent),
                    part(FloodCount.offers, ~recent), part(FloodCount.flagged, ~recent))
             .where(FloodCount.bucket_start >= start)
             .group_by(FloodCount.kind, FloodCount.name))
    if rules is not None:
        query = query.where(or_(FloodCount.kind != "rule", FloodCount.name.in_(list(rules))))
    sums = {(kind, name): tuple(int(v) for v in values)
            for kind, name, *values in session.execute(query)}
    everything = sums.get(ALL, (0, 0, 0, 0))
    kind_baseline: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for (kind, _name), (_ro, _rf, bo, bf) in sums.items():
        kind_baseline[kind][0] += bo
        kind_baseline[kind][1] += bf
    found = {}
    for subject, (ro, rf, _bo, bf) in sums.items():
        kind = subject[0]
        if kind == "rule":
            found[subject] = Rate(subject, rf, everything[0], bf, everything[2])
        elif kind in KINDS:
            base_offers, base_flagged = kind_baseline[kind]
            found[subject] = Rate(subject, rf, ro, base_flagged, base_offers)
    return found


def guarded(session: Session, *, now: datetime, settings: Settings
            ) -> tuple[frozenset[Subject], frozenset[Subject]]:
    """The subjects in shadow (active trips), and those lifted too lately to judge again."""
    since = now - timedelta(minutes=settings.flood_window_minutes
                            + settings.flood_baseline_minutes)
    tripped: set[Subject] = set()
    exempt: set[Subject] = set()
    for kind, name, lifted_at in session.execute(
            select(FloodTrip.kind, FloodTrip.name, FloodTrip.lifted_at)
            .where(or_(FloodTrip.lifted_at.is_(None), FloodTrip.lifted_at >= since))):
        (tripped if lifted_at is None else exempt).add((kind, name))
    return frozenset(tripped), frozenset(exempt)


def check(session: Session, counts: BatchCounts, *, tripped: frozenset[Subject],
          exempt: frozenset[Subject], now: datetime, settings: Settings) -> set[Subject]:
    """Judge the subjects this batch flagged with; trip the flooding ones.

    Returns every subject found flooding, including one another worker tripped first
    (its insert wins, this one's does nothing): both workers route the batch alike.
    """
    candidates = counts.flagged_subjects() - tripped - exempt
    if not candidates:
        return set()
    found = rates(session, now=now, settings=settings,
                  rules=[name for kind, name in candidates if kind == "rule"])
    flooding = sorted(s for s in candidates if s in found and found[s].trips(settings))
    for subject in flooding:
        _trip(session, found[subject], now=now, settings=settings)
    return set(flooding)


def _trip(session: Session, rate: Rate, *, now: datetime, settings: Settings) -> None:
    kind, name = rate.subject
    values = {"kind": kind, "name": name, "tripped_at": now,
              "recent_flagged": rate.recent_flagged, "recent_offers": rate.recent_offers,
              "recent_rate": rate.recent_rate, "baseline_flagged": rate.baseline_flagged,
              "baseline_offers": rate.baseline_offers, "baseline_rate": rate.baseline_rate,
              "threshold_rate": rate.threshold(settings), "lift_note": ""}
    stmt = (_insert(session)(FloodTrip).values(**values)
            .on_conflict_do_nothing(index_elements=["kind", "name"],
                                    index_where=FloodTrip.lifted_at.is_(None))
            .returning(FloodTrip.id))
    trip_id = session.execute(stmt).scalar()
    if trip_id is None:
        return  # another worker tripped it first, and told the leads
    facts = _facts(values, settings)
    audit.record(session, actor=audit.SYSTEM, action=TRIPPED, entity="flood_trip",
                 entity_id=trip_id, after=facts)
    outbox.notify(session, kind=MESSAGE, recipient="role:lead", payload={
        "trip_id": trip_id, "subject": label(rate.subject), **facts,
        "effect": _effect(kind),
        "what_to_do": f"Look at {PAGE}: the offers it would have sent to review or block are "
                      f"stored as shadow screenings; lift the trip there when it is right.",
    })


def _facts(values: dict[str, Any], settings: Settings) -> dict[str, Any]:
    return {"kind": values["kind"], "name": values["name"],
            "tripped_at": values["tripped_at"].isoformat(),
            "recent_flagged": values["recent_flagged"],
            "recent_offers": values["recent_offers"],
            "recent_rate": round(values["recent_rate"], 6),
            "baseline_rate": round(values["baseline_rate"], 6),
            "baseline_offers": values["baseline_offers"],
            "threshold_rate": round(values["threshold_rate"], 6),
            "window_minutes": settings.flood_window_minutes,
            "baseline_minutes": settings.flood_baseline_minutes,
            "ratio": settings.flood_ratio, "min_offers": settings.flood_min_offers}


def _effect(kind: str) -> str:
    if kind == "rule":
        return "Its hits no longer route offers; they are stored as shadow screenings."
    return ("The previous version routes where a worker still has it loaded; elsewhere this "
            "version's results no longer route offers. Its results are stored as shadow "
            "screenings.")


def lift(session: Session, trip_id: int, *, staff_id: int, note: str, now: datetime
         ) -> FloodTrip:
    """A lead puts a tripped rule or version back into routing; audited."""
    trip = session.get(FloodTrip, trip_id, with_for_update=True)
    if trip is None:
        raise NotFound(f"flood guard trip {trip_id} not found")
    if trip.lifted_at is not None:
        raise Conflict(f"flood guard trip {trip_id} was already lifted")
    trip.lifted_at, trip.lifted_by, trip.lift_note = now, staff_id, note
    audit.record(session, actor=audit.actor_of(staff_id), action=LIFTED, entity="flood_trip",
                 entity_id=trip.id, before={"lifted_at": None},
                 after={"kind": trip.kind, "name": trip.name, "lifted_at": now.isoformat(),
                        "note": note})
    session.flush()
    return trip


def trips(session: Session, *, since: datetime) -> list[FloodTrip]:
    """Active trips, and those tripped or lifted since a moment; newest first."""
    return list(session.scalars(
        select(FloodTrip)
        .where(or_(FloodTrip.lifted_at.is_(None), FloodTrip.tripped_at >= since,
                   FloodTrip.lifted_at >= since))
        .order_by(FloodTrip.lifted_at.is_not(None), FloodTrip.tripped_at.desc())))


def prune(session: Session, *, now: datetime) -> int:
    """Drop counts older than RETENTION (a periodic job)."""
    result = session.execute(delete(FloodCount).where(FloodCount.bucket_start < now - RETENTION))
    return int(getattr(result, "rowcount", 0) or 0)
