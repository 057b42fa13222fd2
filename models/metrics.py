"""Validation metrics and the precision-target threshold table of a bundle."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.metrics import average_precision_score, precision_recall_curve, roc_auc_score

PRECISION_TARGETS = (0.80, 0.90, 0.95, 0.98, 0.99)
REPORT_THRESHOLDS = (0.3, 0.5, 0.7, 0.9)


def threshold_table(
    labels: np.ndarray, scores: np.ndarray, targets: Sequence[float] = PRECISION_TARGETS
) -> list[dict[str, Any]]:
    """For each precision target, the threshold with the most recall at precision >= target.

    Flagging means score >= threshold, as in the policy. Among thresholds reaching the same
    best recall the highest is kept (same catch, fewer flags). A target no threshold reaches
    gets threshold None: the classifier should flag nothing at that precision.
    """
    precision, recall, thresholds = precision_recall_curve(labels, scores)
    # The curve's last point (precision 1, recall 0) has no threshold.
    precision, recall = precision[:-1], recall[:-1]
    rows = []
    for target in targets:
        ok = np.flatnonzero(precision >= target)
        if ok.size == 0:
            rows.append({"precision_target": target, "threshold": None, "recall": 0.0,
                         "precision": None})
            continue
        best = recall[ok].max()
        i = ok[recall[ok] == best].max()  # thresholds ascend with the index
        rows.append({"precision_target": target, "threshold": float(thresholds[i]),
                     "recall": float(recall[i]), "precision": float(precision[i])})
    return rows


def at_threshold(labels: np.ndarray, scores: np.ndarray, threshold: float) -> dict[str, Any]:
    """Precision, recall and flagged count when flagging score >= threshold."""
    flagged = scores >= threshold
    tp = int(np.sum(flagged & (labels == 1)))
    n_flagged = int(flagged.sum())
    positives = int(np.sum(labels == 1))
    return {
        "threshold": threshold,
        "flagged": n_flagged,
        "precision": tp / n_flagged if n_flagged else None,
        "recall": tp / positives if positives else None,
        "false_positive_rate": (n_flagged - tp) / max(int(np.sum(labels == 0)), 1),
    }


def validation_metrics(
    labels: np.ndarray, scores: np.ndarray, sources: Sequence[str], table: list[dict[str, Any]]
) -> dict[str, Any]:
    """ROC AUC, average precision, fixed-threshold figures and per-source flag rates."""
    src = np.asarray(sources)
    at_95 = next((r["threshold"] for r in table if r["precision_target"] == 0.95), None)
    by_source = {}
    for name in sorted(set(sources)):
        mask = src == name
        by_source[name] = {
            "n": int(mask.sum()),
            "label": int(labels[mask][0]),
            "flagged_at_p95": (float(np.mean(scores[mask] >= at_95)) if at_95 is not None
                               else 0.0),
        }
    return {
        "n": len(labels),
        "positives": int(labels.sum()),
        "positive_share": float(labels.mean()),
        "roc_auc": float(roc_auc_score(labels, scores)),
        "average_precision": float(average_precision_score(labels, scores)),
        "at_thresholds": [at_threshold(labels, scores, t) for t in REPORT_THRESHOLDS],
        "by_source": by_source,
    }
