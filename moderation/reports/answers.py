"""Answer times per queue against the published support standard and each kind's target.

A case is answered at the first decision a person took on it, other than an escalation
(which hands it to a lead and answers nobody), or when it closed, whichever came first: a
case closed by a system decision, or merged away, is answered when it closed. The cases
counted are the ones opened in the period; one not answered yet counts as not answered in
time, so a period that ended only hours ago reads low until its cases are answered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, Integer, case, cast, func, select
from sqlalchemy.orm import Session

from moderation import policy
from moderation.domain import CaseKind, DecisionAction
from moderation.reports.sql import Period, seconds_between
from moderation.tables import Case, Decision


@dataclass(frozen=True, slots=True)
class Band:
    """The share of a queue's cases answered within a time, and what the standard asks."""

    within: timedelta
    count: int
    share: float | None
    standard: float | None  # the published share for this band, if it is one of them

    @property
    def meets(self) -> bool | None:
        if self.share is None or self.standard is None:
            return None
        return self.share >= self.standard


@dataclass(frozen=True, slots=True)
class QueueAnswers:
    """One queue (case kind): cases opened, answered, and within the bands and the target."""

    kind: str
    opened: int
    answered: int
    bands: tuple[Band, ...]  # policy.ANSWER_BANDS, in order
    target: timedelta | None  # the kind's ANSWER_TARGET (None for a kind policy lost)
    within_target: float | None

    def band(self, within: timedelta) -> Band:
        """The band of this length."""
        return next(b for b in self.bands if b.within == within)



def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def queue_answers(session: Session, period: Period) -> tuple[QueueAnswers, ...]:
    """Per case kind, the cases opened in the period and how soon they were answered."""
    by_person = (select(Decision.case_id.label("case_id"),
                        func.min(Decision.decided_at).label("at"))
                 .where(Decision.automated.is_(False), Decision.case_id.is_not(None),
                        Decision.action != DecisionAction.ESCALATE.value)
                 .group_by(Decision.case_id).subquery())
    first, closed = by_person.c.at, Case.closed_at
    answered_at = case((first.is_(None), closed), (closed.is_(None), first),
                       (first < closed, first), else_=closed)
    took = seconds_between(session, answered_at, Case.opened_at)
    targets = {kind.value: due.total_seconds() for kind, due in policy.ANSWER_TARGET.items()}
    target = case(targets, value=Case.kind, else_=None)
    counted: list[ColumnElement[Any]] = [func.count(), func.count(answered_at)]
    counted += [func.sum(cast(took <= band.total_seconds(), Integer))
                for band in policy.ANSWER_BANDS]
    counted.append(func.sum(cast(took <= target, Integer)))
    rows = session.execute(
        select(Case.kind, *counted)
        .outerjoin(by_person, by_person.c.case_id == Case.id)
        .where(period.holds(Case.opened_at))
        .group_by(Case.kind).order_by(Case.kind)).all()
    standard = dict(policy.SUPPORT_STANDARD)
    found = []
    for kind, opened, answered, *within in rows:
        n, in_bands, in_target = int(opened), [int(w or 0) for w in within[:-1]], within[-1]
        bands = tuple(Band(b, k, _share(k, n), standard.get(b))
                      for b, k in zip(policy.ANSWER_BANDS, in_bands, strict=True))
        due = policy.ANSWER_TARGET.get(CaseKind(kind)) if kind in targets else None
        found.append(QueueAnswers(kind, n, int(answered), bands, due,
                                  _share(int(in_target or 0), n) if due else None))
    return tuple(found)


def overall(queues: tuple[QueueAnswers, ...]) -> tuple[Band, ...]:
    """Every queue together against the published standard."""
    n = sum(q.opened for q in queues)
    standard = dict(policy.SUPPORT_STANDARD)
    return tuple(Band(b, k, _share(k, n), standard.get(b)) for b, k in (
        (b, sum(q.band(b).count for q in queues)) for b in policy.ANSWER_BANDS))
