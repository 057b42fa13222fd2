"""The matcher's threshold table: the most recall at each precision target on labelled pairs.

Pairs carry their own labels and a fixed prevalence, so precision is measured directly here
(unlike the offer classifier's lawful-share table in models.metrics).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.metrics import precision_recall_curve


def threshold_table(
    labels: np.ndarray, scores: np.ndarray, targets: Sequence[float] = (0.80, 0.90, 0.95)
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
