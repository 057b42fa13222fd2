"""Thresholds that bound the share of lawful listings flagged, and the figures behind them.

A threshold is chosen on scores the model gave to listings it did not train on (out-of-fold,
folds by shop): for each target share of real lawful listings a threshold may flag, the lowest
threshold that keeps the share at or under it, which gives the most recall there. Precision
depends on how common violations are, so it is stated at given prevalences, not measured on a
training mix that is a third positive.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score

# Shares of real lawful listings a threshold may flag.
LAWFUL_SHARE_TARGETS = (0.0005, 0.001, 0.002, 0.003, 0.005, 0.01, 0.02)
# Shares of offers that violate a rule, at which precision is stated.
PREVALENCES = (0.01, 0.05)


def precision_at(recall: float, lawful_share: float, prevalence: float) -> float | None:
    """Precision of a flag with this recall and false-positive share at a given prevalence."""
    caught = recall * prevalence
    wrong = lawful_share * (1 - prevalence)
    return caught / (caught + wrong) if caught + wrong else None


def threshold_table(
    lawful: np.ndarray, positive: np.ndarray, *,
    targets: Sequence[float] = LAWFUL_SHARE_TARGETS,
    positive_groups: Mapping[str, np.ndarray] | None = None,
) -> list[dict[str, Any]]:
    """For each lawful-share target, the lowest threshold flagging at most that share.

    `lawful` and `positive` are scores of real lawful listings and of positives; flagging is
    `score >= threshold`. `positive_groups` (name -> scores) adds a recall per group.
    """
    lawful = np.sort(np.asarray(lawful, dtype=np.float64))[::-1]
    positive = np.asarray(positive, dtype=np.float64)
    rows = []
    for target in targets:
        allowed = int(np.floor(target * len(lawful) + 1e-9))
        # Flag only scores above the (allowed+1)-th highest lawful score: at most `allowed`
        # lawful listings reach the threshold. Ties stay below it.
        threshold = (0.0 if allowed >= len(lawful)
                     else float(np.nextafter(lawful[allowed], np.inf)))
        share = float(np.mean(lawful >= threshold)) if len(lawful) else 0.0
        recall = float(np.mean(positive >= threshold)) if len(positive) else 0.0
        row: dict[str, Any] = {
            "max_lawful_share": target, "threshold": threshold, "lawful_share": share,
            "recall": recall,
            "precision_at_prevalence": {str(p): precision_at(recall, share, p)
                                        for p in PREVALENCES},
        }
        if positive_groups:
            row["recall_by_group"] = {name: float(np.mean(np.asarray(s) >= threshold))
                                      for name, s in sorted(positive_groups.items()) if len(s)}
        rows.append(row)
    return rows


def ranking_metrics(labels: np.ndarray, scores: np.ndarray) -> dict[str, Any]:
    """ROC AUC and average precision (prevalence of this set), with the set's size."""
    labels = np.asarray(labels)
    out: dict[str, Any] = {"n": len(labels), "positives": int(labels.sum())}
    if 0 < labels.sum() < len(labels):
        out["roc_auc"] = float(roc_auc_score(labels, scores))
        out["average_precision"] = float(average_precision_score(labels, scores))
    return out
