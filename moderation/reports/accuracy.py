"""Accuracy, precision and recall of each automated system (a rule pack version, a model
version), estimated from moderators' decisions on a seeded random sample (art. 15(1)(e)).

The unit is a moderator's closing decision in the period (remove: the offer broke the law or
the terms; keep: it did not) on a first look at an offer that screening saw (a screening, notice
or safety case; not an appeal or a counter-notice). The screening of
the offer's version before the case opened says what each system predicted:
- the whole screening flagged the offer when it did not allow it;
- the rule pack flagged it when a rule sent it to review or blocked it;
- the model flagged it when its score alone sent it to review. Where a rule decided, the
  model's own verdict is not recorded, so those decisions are left out of its sample.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, and_, cast, func, select
from sqlalchemy.orm import Session

from moderation.domain import CaseKind, CaseReason, DecisionAction, Route
from moderation.reports.sql import Period, sample_order
from moderation.tables import Case, Decision, Screening

DEFAULT_SAMPLE = 1_000
DEFAULT_SEED = 2835  # the regulation's number: any fixed seed draws the same sample again
CLOSING = (DecisionAction.REMOVE.value, DecisionAction.KEEP.value)
# First looks only: an appeal or a counter-notice judges a person's decision, not a system's.
FIRST_LOOKS = (CaseKind.SCREENING.value, CaseKind.NOTICE.value, CaseKind.SAFETY.value)


@dataclass(frozen=True, slots=True)
class Estimate:
    """One system's confusion counts on the sample and the three ratios from them."""

    system: str  # "screening", "rules <version>", "model <version>"
    sampled: int
    true_positive: int
    false_positive: int
    true_negative: int
    false_negative: int

    @property
    def accuracy(self) -> float | None:
        right = self.true_positive + self.true_negative
        return round(right / self.sampled, 4) if self.sampled else None

    @property
    def precision(self) -> float | None:
        flagged = self.true_positive + self.false_positive
        return round(self.true_positive / flagged, 4) if flagged else None

    @property
    def recall(self) -> float | None:
        violating = self.true_positive + self.false_negative
        return round(self.true_positive / violating, 4) if violating else None


@dataclass(frozen=True, slots=True)
class Sample:
    """How the sample was drawn and what each system scored on it."""

    size: int  # decisions drawn
    population: int  # decisions there were to draw from
    seed: int
    own_initiative: Estimate  # the whole screening, on cases screening opened
    overall: Estimate  # the whole screening, on every case
    systems: tuple[Estimate, ...]


def _screening_of_case() -> Any:
    """The case's screening, else the offer's last screening before the case opened."""
    latest = (select(func.max(Screening.id))
              .where(Screening.offer_id == Case.offer_id, Screening.created_at <= Case.opened_at)
              .scalar_subquery())
    return func.coalesce(Case.screening_id, latest)


def _sampled(session: Session, period: Period, *, size: int, seed: int) -> Any:
    screening_id = _screening_of_case().label("screening_id")
    population = (
        select(Decision.id, (Decision.action == DecisionAction.REMOVE.value).label("violating"),
               Case.kind, screening_id)
        .join(Case, Case.id == Decision.case_id)
        .where(Decision.automated.is_(False), Decision.action.in_(CLOSING),
               Case.kind.in_(FIRST_LOOKS), period.holds(Decision.decided_at))
        .subquery())
    drawn = (select(population).where(population.c.screening_id.is_not(None))
             .order_by(sample_order(population.c.id, seed), population.c.id).limit(size)
             .subquery())
    flagged = Screening.route != Route.ALLOW.value
    by_model = Screening.reason_code == CaseReason.MODEL_SCORE.value
    return select(
        cast(drawn.c.violating, Integer).label("violating"),
        cast(drawn.c.kind == CaseKind.SCREENING.value, Integer).label("own"),
        cast(flagged, Integer).label("flagged"),
        cast(and_(flagged, ~by_model), Integer).label("rules_flagged"),
        cast(and_(flagged, by_model), Integer).label("model_flagged"),
        # The model is judged only where no rule decided for it.
        cast(~and_(flagged, ~by_model), Integer).label("model_judged"),
        Screening.rules_version, Screening.model_version,
    ).join(Screening, Screening.id == drawn.c.screening_id).subquery()


def _confusion(predicted: Any, truth: Any) -> list[Any]:
    return [func.sum(predicted * truth), func.sum(predicted * (1 - truth)),
            func.sum((1 - predicted) * (1 - truth)), func.sum((1 - predicted) * truth)]


def _estimate(system: str, row: Any) -> Estimate:
    tp, fp, tn, fn = (int(v or 0) for v in row)
    return Estimate(system, tp + fp + tn + fn, tp, fp, tn, fn)


def estimate(session: Session, period: Period, *, size: int = DEFAULT_SAMPLE,
             seed: int = DEFAULT_SEED) -> Sample:
    """Draw the sample and score the screening and each rule pack and model version on it."""
    if size < 1:
        raise ValueError("the sample needs at least one decision")
    population = session.scalar(
        select(func.count()).select_from(Decision).join(Case, Case.id == Decision.case_id)
        .where(Decision.automated.is_(False), Decision.action.in_(CLOSING),
               Case.kind.in_(FIRST_LOOKS), period.holds(Decision.decided_at))) or 0
    s = _sampled(session, period, size=size, seed=seed)
    drawn = session.scalar(select(func.count()).select_from(s)) or 0
    overall = _estimate("screening", session.execute(
        select(*_confusion(s.c.flagged, s.c.violating))).one())
    own = _estimate("screening", session.execute(
        select(*_confusion(s.c.flagged, s.c.violating)).where(s.c.own == 1)).one())
    systems = [
        _estimate(f"rules {row[0]}", row[1:]) for row in session.execute(
            select(s.c.rules_version, *_confusion(s.c.rules_flagged, s.c.violating))
            .group_by(s.c.rules_version).order_by(s.c.rules_version))]
    systems += [
        _estimate(f"model {row[0]}", row[1:]) for row in session.execute(
            select(s.c.model_version, *_confusion(s.c.model_flagged, s.c.violating))
            .where(s.c.model_judged == 1)
            .group_by(s.c.model_version).order_by(s.c.model_version))]
    return Sample(size=int(drawn), population=int(population), seed=seed,
                  own_initiative=own, overall=overall, systems=tuple(systems))

