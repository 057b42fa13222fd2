"""The production matcher measured on labelled product pairs.

The learned matcher alone is measured by models/matching's evaluate_file; this puts the
whole decision that opens safety cases (keys, sure-match rules, then the learned matcher)
through the same pairs, so both figures sit side by side.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from models.matching.records import Pair
from moderation.safety.judge import AlertProfile, Candidate, LearnedMatcher, judge
from moderation.safety.keys import offer_keys


def rules_decide(pair: Pair, *, learned: LearnedMatcher) -> bool:
    """Whether the production decision would match the right record to the left as an alert."""
    left, right = pair.left, pair.right
    alert = AlertProfile.of(alert_id=0, brand=left.brand or "", model=left.model or "",
                            name=left.title, product="")
    # Offers have no model field: a model number travels in the title, as sellers write it.
    title = " ".join(x for x in (right.title, right.model) if x)
    candidate = Candidate(0, title, right.brand,
                          frozenset(offer_keys(title=title, brand=right.brand, gtins=())))
    return judge([(alert, candidate)], learned=learned)[0] is not None


def evaluate_rules(pairs: Sequence[Pair], *, learned: LearnedMatcher) -> dict[str, Any]:
    """Precision, recall and F1 of the production rules, overall and per source."""
    def measure(group: Sequence[Pair]) -> dict[str, Any]:
        tp = fp = fn = 0
        for pair in group:
            decided, label = rules_decide(pair, learned=learned), bool(pair.label)
            tp += decided and label
            fp += decided and not label
            fn += label and not decided
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {"pairs": len(group), "precision": precision, "recall": recall, "f1": f1}

    labelled = [p for p in pairs if p.label is not None]
    sources = sorted({p.source or "?" for p in labelled})
    return {**measure(labelled),
            "by_source": {s: measure([p for p in labelled if (p.source or "?") == s])
                          for s in sources}}
