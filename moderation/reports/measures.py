"""Sections 5 and 6 (own-initiative measures, on the law and on the terms) and the counts of
section 8 (measures taken by automated means alone), from the statements of reasons sent.

A statement is one restriction told to the seller (moderation/tables/statements.py), so the
statements are what the report counts; a strike is told too, but is no restriction of the
content or the account in the template's sense and is left out.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from moderation.domain import AutomatedDecision, Restriction, StatementGround, StatementSource
from moderation.reports.notices import TOTAL, Figures
from moderation.reports.sql import Period
from moderation.tables import Statement

# Which column of sections 5 and 6 each of our restrictions counts in.
RESTRICTION_COLUMN = {
    Restriction.REMOVAL.value: "Visibility restriction Removal",
    Restriction.DISABLING.value: "Visibility restriction Disable",
    Restriction.DEMOTION.value: "Visibility restriction Demoted",
    # Held: not shown while a person looks at it, a restriction of visibility of its own kind.
    Restriction.HOLD.value: "Visibility restriction Other",
    Restriction.SUSPENSION.value: "Account restriction Suspension",
    Restriction.TERMINATION.value: "Account restriction Termination",
}
MEASURES = "Number of measures taken at the provider's own initiative "
AUTOMATED_DETECTION = "Number of measures taken after detection with solely automated means "


@dataclass(frozen=True, slots=True)
class AutomatedCounts:
    """Measures decided by automation alone, and the others, in all and on own initiative."""

    solely: int
    not_solely: int
    own_solely: int
    own_not_solely: int


def _restrictions() -> list[str]:
    return list(RESTRICTION_COLUMN)


def own_initiative(session: Session, period: Period) -> dict[str, Figures]:
    """Own-initiative measures per ground ("illegal", "terms"), per category and in total."""
    query = (
        select(Statement.ground, Statement.category, Statement.restriction,
               Statement.automated_detection, func.count())
        .where(period.holds(Statement.created_at),
               Statement.source_type == StatementSource.OWN_INITIATIVE.value,
               Statement.restriction.in_(_restrictions()))
        .group_by(Statement.ground, Statement.category, Statement.restriction,
                  Statement.automated_detection))
    counts: dict[str, dict[str, Counter[str]]] = {
        g.value: {TOTAL: Counter()} for g in StatementGround}
    for ground, category, restriction, detected, n in session.execute(query):
        for key in (TOTAL, category):
            tally = counts.setdefault(ground, {TOTAL: Counter()}).setdefault(key, Counter())
            tally[MEASURES] += n
            tally[RESTRICTION_COLUMN[restriction]] += n
            if detected:
                tally[AUTOMATED_DETECTION] += n
    columns = [MEASURES, AUTOMATED_DETECTION, *dict.fromkeys(RESTRICTION_COLUMN.values())]
    return {ground: {key: {c: tally[c] for c in columns} for key, tally in by_key.items()}
            for ground, by_key in counts.items()}


def automated(session: Session, period: Period) -> AutomatedCounts:
    """Measures in the period decided with no person taking part, and the others."""
    fully = Statement.automated_decision == AutomatedDecision.FULLY.value
    own = Statement.source_type == StatementSource.OWN_INITIATIVE.value
    row = session.execute(
        select(func.count().filter(fully), func.count().filter(~fully),
               func.count().filter(fully & own), func.count().filter(~fully & own))
        .where(period.holds(Statement.created_at),
               Statement.restriction.in_(_restrictions()))).one()
    return AutomatedCounts(*(int(v or 0) for v in row))
