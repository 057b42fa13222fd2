"""What follows a decision that closes a case, beyond the case and its offer.

The programmes own the consequences (a notice's outcome, a strike, a counter-notice settled);
review decides cases without knowing them. Each programme names the steps it takes for a
kind of source behind a case (`Followup`); the composition at the top of the package
(moderation/programmes.py) puts them in one `DecisionFollowups`, and whoever calls
`review.decisions.decide` hands that in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.orm import Session

from moderation.cases.sources import source_kinds
from moderation.domain import SourceKind
from moderation.tables import Case, Decision


class FollowupHandler(Protocol):
    """A step after a decision: it reads the offer and the time from the decision."""

    def __call__(self, session: Session, *, case: Case, decision: Decision) -> None: ...


@dataclass(frozen=True, slots=True)
class Followup:
    """One step a programme takes after a decision on a case with this kind of source."""

    source_kind: SourceKind
    handler: FollowupHandler


@dataclass(frozen=True, slots=True)
class DecisionFollowups:
    """Every programme's steps after a closing decision, in the order they run."""

    steps: tuple[Followup, ...] = ()

    def run(self, session: Session, *, case: Case, decision: Decision) -> None:
        """Run the steps that fit the sources behind the case, in this transaction."""
        kinds = source_kinds(session, case.id)
        for step in self.steps:
            if step.source_kind in kinds:
                step.handler(session, case=case, decision=decision)
