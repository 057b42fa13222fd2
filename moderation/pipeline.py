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
    held: Sequence[bool] | None = None,
) -> list[Assessment]:
    """Screen a batch: rules and classifier each see the whole batch at once.

    `held` marks offers of sellers under a sanction, which always go to a person.
    """
    if not snapshots:
        return []
    hits = ruleset.evaluate_many(snapshots)
    scores = classifier.score_many(snapshots)
    flags = held if held is not None else [False] * len(snapshots)
    return [policy.route(h, s, seller_held=f)
            for h, s, f in zip(hits, scores, flags, strict=True)]
