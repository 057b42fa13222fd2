"""The learned product matcher: features -> gradient boosting, thresholds, a signed bundle.

One model is trained on the union of all training pairs with the data set as a feature (NaN
for an unknown feed): on the benchmarks' validation splits it scores within noise of one model
per data set, and a single bundle also serves a feed it was never trained on.
"""

from __future__ import annotations

import hashlib
import io
import math
import warnings
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import rapidfuzz
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import average_precision_score, precision_recall_curve, roc_auc_score
from threadpoolctl import threadpool_limits

# The classifier bundles' signing scheme, reused as is: one definition of what is signed and how.
from models.bundle import (
    DEV_SIGNING_KEY,
    BundleError,
    library_versions,
    read_verified,
    write_signed,
)
from models.features import fold_fingerprint
from models.matching.features import FEATURE_NAMES, PairFeaturizer
from models.matching.normalise import model_codes, normalise_brand, normalise_model
from models.matching.records import Pair
from models.matching.thresholds import threshold_table

__all__ = [
    "DEFAULT_BUNDLE_DIR",
    "DEFAULT_PARAMS",
    "FORMAT",
    "MODEL_FILE",
    "PRECISION_TARGETS",
    "MatcherBundle",
    "f1_threshold",
    "load_matcher",
    "matching_fingerprint",
    "ranking_metrics",
    "save_matcher",
    "summary_metrics",
    "train",
]

FORMAT = 1
KIND = "product-matcher"
MODEL_FILE = "matcher.joblib"
DEFAULT_BUNDLE_DIR = Path(__file__).resolve().parent / "bundle"
PRECISION_TARGETS = (0.80, 0.90, 0.95)
# Chosen by 4-fold cross-validation on the union of the three training splits (not on the
# validation splits, which choose the thresholds): 300 trees at rate 0.1, 500 at 0.05 and 1,000
# at 0.03, with or without feature subsampling, all scored within noise (mean best F1 82.6 to
# 82.9); the one with the fewest trees is the cheapest to score.
DEFAULT_PARAMS: dict[str, Any] = {
    "max_iter": 300, "learning_rate": 0.1, "max_leaf_nodes": 31, "l2_regularization": 1.0,
    "max_features": 0.5, "early_stopping": False,
}
# Inputs whose normalised forms pin down this package's normalisers (see load_matcher).
_PROBES = ("ES15-BB-TA Sony DSC-W150R 500 GB", "Zażółć gęślą HP-305 a1b2 3-in-1", "Sony Corp.")


def matching_fingerprint() -> str:
    """SHA-256 of the matcher's normalisers on fixed probes: changes when they change."""
    out = [f"{sorted(model_codes(p))}|{normalise_model(p)}|{normalise_brand(p)}"
           for p in _PROBES]
    return hashlib.sha256("\n".join(out).encode()).hexdigest()


def f1_threshold(labels: np.ndarray, scores: np.ndarray) -> dict[str, float]:
    """The threshold (flag score >= threshold) with the best F1; the highest one among ties."""
    labels = np.asarray(labels)
    if not labels.any():
        return {"threshold": math.inf, "precision": 0.0, "recall": 0.0, "f1": 0.0}
    precision, recall, thresholds = precision_recall_curve(labels, scores)
    precision, recall = precision[:-1], recall[:-1]
    f1 = np.where(precision + recall > 0,
                  2 * precision * recall / np.maximum(precision + recall, 1e-12), 0.0)
    best = f1.max()
    i = int(np.flatnonzero(f1 >= best - 1e-12).max())  # thresholds ascend with the index
    return {"threshold": float(thresholds[i]), "precision": float(precision[i]),
            "recall": float(recall[i]), "f1": float(f1[i])}


def _counts(pairs: Sequence[Pair]) -> dict[str, dict[str, int]]:
    counts: Counter[tuple[str, int | None]] = Counter((p.source or "?", p.label) for p in pairs)
    out: dict[str, dict[str, int]] = {}
    for (source, label), n in sorted(counts.items(), key=str):
        out.setdefault(source, {})["match" if label == 1 else "non-match" if label == 0
                                   else "unlabelled"] = n
    return out


def _labels(pairs: Sequence[Pair]) -> np.ndarray:
    if any(p.label is None for p in pairs):
        raise ValueError("training and validation pairs need a 0/1 label")
    return np.array([p.label for p in pairs], dtype=np.int8)


def summary_metrics(labels: np.ndarray, scores: np.ndarray, threshold: float) -> dict[str, Any]:
    """Counts, precision, recall and F1 when matching score >= threshold."""
    flagged = np.asarray(scores) >= threshold
    tp = int(np.sum(flagged & (labels == 1)))
    fp = int(np.sum(flagged & (labels == 0)))
    fn = int(np.sum(~flagged & (labels == 1)))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return {
        "n": len(labels), "positives": int(labels.sum()), "tp": tp, "fp": fp, "fn": fn,
        "precision": precision, "recall": recall,
        "f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
    }


def ranking_metrics(labels: np.ndarray, scores: np.ndarray) -> dict[str, float]:
    """ROC AUC and average precision, when both classes are present."""
    if not 0 < labels.sum() < len(labels):
        return {}
    return {"roc_auc": float(roc_auc_score(labels, scores)),
            "average_precision": float(average_precision_score(labels, scores))}


class MatcherBundle:
    """A fitted featuriser and classifier with their manifest: scores and decides pairs."""

    def __init__(self, featurizer: PairFeaturizer, model: HistGradientBoostingClassifier,
                 manifest: dict[str, Any]) -> None:
        self.featurizer = featurizer
        self.model = model
        self.manifest = manifest
        used = manifest["features"]["used"]
        self._columns = np.array([FEATURE_NAMES.index(name) for name in used], dtype=np.intp)

    @property
    def version(self) -> str:
        """`match-YYYYMMDD-<first 8 hex of the model file's SHA-256 at training>`."""
        return str(self.manifest["version"])

    @property
    def libraries(self) -> dict[str, str]:
        """Library versions the bundle was trained with."""
        return dict(self.manifest["libraries"])

    @property
    def threshold(self) -> float:
        """The F1-maximising threshold on the validation split."""
        return float(self.manifest["threshold"]["threshold"])

    def threshold_for(self, precision: float) -> float:
        """The threshold for a precision target (the nearest tabled one >= asked); inf if none."""
        # inf when validation never reached that precision: match nothing rather than guess.
        table = {float(r["precision_target"]): r["threshold"] for r in self.manifest["thresholds"]}
        targets = sorted(t for t in table if t >= precision - 1e-9)
        if not targets:
            raise ValueError(f"no precision target >= {precision} in the bundle's table "
                             f"({sorted(table)})")
        threshold = table[targets[0]]
        return math.inf if threshold is None else float(threshold)

    def features(self, pairs: Sequence[Pair]) -> np.ndarray:
        """The feature matrix the classifier sees (only the columns it was trained on)."""
        return self.featurizer.transform(pairs)[:, self._columns]

    def score(self, pairs: Sequence[Pair]) -> np.ndarray:
        """Match probability per pair, in one vectorised pass."""
        if not pairs:
            return np.empty(0, dtype=np.float64)
        return self.model.predict_proba(self.features(pairs))[:, 1]

    def thresholds_for(self, pairs: Sequence[Pair]) -> np.ndarray:
        """Each pair's F1 threshold: its source's when validation had that source, else global."""
        by_source = self.manifest["threshold"].get("by_source", {})
        default = self.threshold
        return np.array([float(by_source[p.source]["threshold"]) if p.source in by_source
                         else default for p in pairs], dtype=np.float64)

    def decide(self, pairs: Sequence[Pair], *, precision: float | None = None,
               scores: np.ndarray | None = None) -> np.ndarray:
        """Whether each pair is a match: at the F1 thresholds, or at a precision target's."""
        values = self.score(pairs) if scores is None else np.asarray(scores)
        if precision is not None:
            return values >= self.threshold_for(precision)
        return values >= self.thresholds_for(pairs)


def _fit_model(X: np.ndarray, y: np.ndarray, seed: int,
               params: dict[str, Any]) -> HistGradientBoostingClassifier:
    model = HistGradientBoostingClassifier(random_state=seed, **params)
    # One OpenMP thread: training stays reproducible and the figures are one core's.
    with threadpool_limits(limits=1):
        return model.fit(X, y)


def train(train_pairs: Sequence[Pair], validation_pairs: Sequence[Pair], *, seed: int = 0,
          params: dict[str, Any] | None = None,
          per_source_thresholds: bool = False) -> MatcherBundle:
    """Fit on train_pairs; choose thresholds and measure on validation_pairs (not yet saved)."""
    # Thresholds: the F1-maximising one over all validation pairs, the table of maximum recall
    # at precision >= 0.80 / 0.90 / 0.95, and with per_source_thresholds one F1 threshold per
    # source. One threshold is the default: chosen on three times the pairs, it held up as well
    # on unseen halves of the benchmarks' validation splits (benchmarks/eval_matching.py), and it
    # is the only one a feed the matcher was not trained on can use.
    y_train, y_val = _labels(train_pairs), _labels(validation_pairs)
    if len(set(y_train.tolist())) < 2:
        raise ValueError("training pairs need both matches and non-matches")
    params = {**DEFAULT_PARAMS, **(params or {})}
    featurizer = PairFeaturizer().fit(train_pairs)
    X_all = featurizer.transform(train_pairs)
    # A feature no training pair has (no model numbers at all, say) cannot be learnt, and the
    # histogram binner refuses an all-missing column: leave it out, and say so in the manifest.
    keep = ~np.all(np.isnan(X_all), axis=0)
    used = [name for name, k in zip(FEATURE_NAMES, keep, strict=True) if k]
    model = _fit_model(X_all[:, keep], y_train, seed, params)
    manifest: dict[str, Any] = {"features": {"used": used}}
    bundle = MatcherBundle(featurizer, model, manifest)
    scores = bundle.score(validation_pairs)
    chosen: dict[str, Any] = {"rule": "maximum F1 on the validation split",
                              **f1_threshold(y_val, scores)}
    table = threshold_table(y_val, scores, PRECISION_TARGETS)
    sources = np.array([p.source or "" for p in validation_pairs])
    names = sorted(set(sources.tolist()) - {""})
    if per_source_thresholds:
        chosen["by_source"] = {name: f1_threshold(y_val[sources == name], scores[sources == name])
                               for name in names}
    manifest["threshold"] = chosen
    decided = bundle.decide(validation_pairs, scores=scores)
    by_source = {name: summary_metrics(y_val[sources == name],
                                       decided[sources == name].astype(np.float64), 0.5)
                 for name in names}
    payload = _dump(featurizer, model)
    now = datetime.now(UTC)
    manifest.update({
        "format": FORMAT,
        "kind": KIND,
        "version": f"match-{now:%Y%m%d}-{hashlib.sha256(payload).hexdigest()[:8]}",
        "created_at": now.isoformat(timespec="seconds"),
        "libraries": {**library_versions(), "rapidfuzz": rapidfuzz.__version__},
        "normaliser": {"fold_fingerprint": fold_fingerprint(),
                       "matching_fingerprint": matching_fingerprint()},
        "features": {"used": used, "dropped": [n for n in FEATURE_NAMES if n not in used],
                     "sources": list(featurizer.sources)},
        "model": {"type": "HistGradientBoostingClassifier", "seed": seed, **params},
        "training_data": {"train": _counts(train_pairs),
                          "validation": _counts(validation_pairs)},
        "metrics": {"validation": {
            "all": {**summary_metrics(y_val, decided.astype(np.float64), 0.5),
                    **ranking_metrics(y_val, scores)},
            "by_source": {name: {**m, **ranking_metrics(y_val[sources == name],
                                                 scores[sources == name])}
                          for name, m in by_source.items()}}},
        "threshold": chosen,
        "thresholds": table,
    })
    return bundle


def _dump(featurizer: PairFeaturizer, model: HistGradientBoostingClassifier) -> bytes:
    buf = io.BytesIO()
    joblib.dump({"featurizer": featurizer, "model": model}, buf, compress=3)
    return buf.getvalue()


def save_matcher(bundle: MatcherBundle, directory: Path | str, *,
                 signing_key: bytes = DEV_SIGNING_KEY) -> dict[str, Any]:
    """Write `matcher.joblib` and a signed `manifest.json` into directory; return the manifest."""
    payload = _dump(bundle.featurizer, bundle.model)
    bundle.manifest = write_signed(
        directory, MODEL_FILE, payload,
        {**bundle.manifest, "model_file": MODEL_FILE, "model_bytes": len(payload)},
        signing_key=signing_key)
    return bundle.manifest


def load_matcher(path: Path | str = DEFAULT_BUNDLE_DIR, *,
                 signing_key: bytes = DEV_SIGNING_KEY) -> MatcherBundle:
    """Load a bundle, verifying both signatures and the sklearn version BEFORE unpickling."""
    path = Path(path)
    manifest, payload = read_verified(
        path, MODEL_FILE, signing_key=signing_key, what="matcher bundle",
        accept=lambda m: m.get("kind") == KIND and m.get("format") == FORMAT,
        retrain="benchmarks.eval_matching")
    if manifest.get("normaliser", {}).get("matching_fingerprint") != matching_fingerprint():
        # As for the classifier: still usable, but its features no longer mean quite the same.
        warnings.warn(f"matcher {manifest.get('version')} was trained with other model-code or "
                      "brand normalisers; retrain", RuntimeWarning, stacklevel=2)
    content = joblib.load(io.BytesIO(payload))  # the verified bytes, not a re-read of the file
    if not (isinstance(content, dict) and isinstance(content.get("featurizer"), PairFeaturizer)
            and isinstance(content.get("model"), HistGradientBoostingClassifier)):
        raise BundleError(f"{path / MODEL_FILE}: not a product-matcher model file")
    return MatcherBundle(content["featurizer"], content["model"], manifest)
