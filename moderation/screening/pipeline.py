"""assess_many(snapshots, ruleset, classifier, policy): pure screening, no I/O."""

from __future__ import annotations

from collections.abc import Sequence

from models.bundle import Classifier
from moderation.domain import Assessment
from moderation.policy import Policy
from rules.engine import RuleSet
from rules.types import OfferText


def assess_many(
    snapshots: Sequence[OfferText], *, ruleset: RuleSet, classifier: Classifier, policy: Policy,
    holds: Sequence[str | None] | None = None,
) -> list[Assessment]:
    """Screen a batch: rules and classifier each see the whole batch at once.

    `holds` gives, per offer, a reason it must reach a person (see policy.HOLD_PRIORITY).
    """
    if not snapshots:
        return []
    hits = ruleset.evaluate_many(snapshots)
    scores = classifier.score_many(snapshots)
    reasons = holds if holds is not None else [None] * len(snapshots)
    return [policy.route(h, s, hold=r) for h, s, r in zip(hits, scores, reasons, strict=True)]
