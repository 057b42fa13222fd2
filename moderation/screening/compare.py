"""Two screenings of the same offers side by side: route transitions and per-rule changes.

One shape for the dry run (`moderation screen FILE --compare DIR`) and the leads' page over
stored shadow screenings, so both count the same way.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from moderation.domain import Assessment
from moderation.policy import Policy
from rules.types import Outcome

ROUTES = ("allow", "review", "block")
STRICTNESS = {route: i for i, route in enumerate(ROUTES)}
# The flag of an offer whose score alone would send it to review.
MODEL_FLAG = "model"


Flags = Mapping[str, str]


def flags(assessment: Assessment, policy: Policy, *, model_routes: bool = True
          ) -> dict[str, str]:
    """What sends an offer towards review or block: rule id -> outcome ("review", "block"),
    and MODEL_FLAG -> "review" when the score alone would."""
    found = {h.rule_id: h.outcome.value for h in assessment.hits
             if h.outcome is not Outcome.ALLOW}
    if model_routes and policy.flags_model(assessment.score):
        found[MODEL_FLAG] = "review"
    return found


@dataclass
class RuleChange:
    """How one rule (or the model) changes between the live and the other screening."""

    added: int = 0  # offers it flags only in the other screening
    removed: int = 0  # offers it flags only live
    changed: int = 0  # offers it flags both ways, with another outcome (review <-> block)
    stricter: int = 0  # offers it sends beyond their live route (allow -> review, ...)
    laxer: int = 0  # offers it no longer holds where they were live


def describe(rule_id: str, live: str | None, other: str | None) -> str:
    """One rule's change on one offer: "+id", "-id" or "id review->block"."""
    if live is None:
        return f"+{rule_id}"
    if other is None:
        return f"-{rule_id}"
    return f"{rule_id} {live}->{other}"


@dataclass(frozen=True, slots=True)
class Move:
    """An offer whose route differs between the two screenings."""

    offer: str
    title: str
    live_route: str
    route: str
    live_reason: str
    reason: str
    changes: tuple[str, ...]
    offer_id: int | None = None
    case_id: int | None = None


@dataclass
class Comparison:
    """The transition matrix (live route -> other route), per-rule changes, example moves."""

    examples_per_transition: int = 5
    matrix: Counter[tuple[str, str]] = field(default_factory=Counter)
    rules: dict[str, RuleChange] = field(default_factory=dict)
    examples: list[Move] = field(default_factory=list)
    _kept: Counter[tuple[str, str]] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.matrix.values())

    @property
    def moved(self) -> int:
        return sum(n for (a, b), n in self.matrix.items() if a != b)

    def count(self, live_route: str, route: str, n: int = 1) -> None:
        """Add offers to the matrix cell (live route, other route)."""
        self.matrix[(live_route, route)] += n

    def change(self, *, live_route: str, route: str, live_flags: Flags, other_flags: Flags
               ) -> tuple[str, ...]:
        """Count per rule what changed on one offer; return the changes, described."""
        described = []
        for rule_id in sorted(live_flags.keys() | other_flags.keys()):
            before, after = live_flags.get(rule_id), other_flags.get(rule_id)
            if before == after:
                continue
            change = self.rules.setdefault(rule_id, RuleChange())
            if before is None:
                change.added += 1
            elif after is None:
                change.removed += 1
            else:
                change.changed += 1
            # A rule moved the offer when it alone now holds it above its live route, or
            # held it above where it ends up now.
            now, then = STRICTNESS[after or "allow"], STRICTNESS[before or "allow"]
            change.stricter += now > then and now > STRICTNESS[live_route]
            change.laxer += now < then and then > STRICTNESS[route]
            described.append(describe(rule_id, before, after))
        return tuple(described)

    def keep_example(self, move: Move) -> bool:
        """Keep a move as an example while its transition has fewer than the limit."""
        key = (move.live_route, move.route)
        if move.live_route == move.route or self._kept[key] >= self.examples_per_transition:
            return False
        self._kept[key] += 1
        self.examples.append(move)
        return True

    def add(self, *, offer: str, title: str, live: Assessment, live_flags: Flags,
            other: Assessment, other_flags: Flags) -> Move | None:
        """Count one offer screened both ways; return its move if its route changed."""
        live_route, route = live.route.value, other.route.value
        self.count(live_route, route)
        changes = self.change(live_route=live_route, route=route, live_flags=live_flags,
                              other_flags=other_flags)
        if live_route == route:
            return None
        move = Move(offer=offer, title=title, live_route=live_route, route=route,
                    live_reason=live.reason_code, reason=other.reason_code, changes=changes)
        self.keep_example(move)
        return move

    def rule_rows(self) -> list[tuple[str, RuleChange]]:
        """Per-rule changes, the rules that move most offers first."""
        return sorted(self.rules.items(),
                      key=lambda kv: (-(kv[1].stricter + kv[1].laxer),
                                      -(kv[1].added + kv[1].removed + kv[1].changed), kv[0]))

    def as_json(self) -> dict[str, Any]:
        """The comparison as plain data (the dry run's summary line)."""
        return {
            "offers": self.total, "moved": self.moved,
            "matrix": {a: {b: self.matrix.get((a, b), 0) for b in ROUTES} for a in ROUTES},
            "rules": {rule_id: vars(change) for rule_id, change in self.rule_rows()},
        }
