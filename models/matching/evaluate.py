"""Measuring a matcher: precision, recall and F1 on labelled pairs, and an honest estimate."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from models.bundle import DEV_SIGNING_KEY
from models.matching.model import (
    DEFAULT_BUNDLE_DIR,
    MatcherBundle,
    f1_threshold,
    load_matcher,
    ranking_metrics,
    summary_metrics,
)
from models.matching.records import Pair, read_pairs

__all__ = ["evaluate", "evaluate_file", "half_split_estimate"]


def evaluate(bundle: MatcherBundle, pairs: Sequence[Pair]) -> dict[str, Any]:
    """Precision, recall and F1 of the bundle's decisions on labelled pairs, per source too."""
    # Unlabelled pairs are scored and counted (a file of pairs to match) but not measured.
    start = time.perf_counter()
    scores = bundle.score(pairs)
    seconds = time.perf_counter() - start
    decided = bundle.decide(pairs, scores=scores)
    labelled = np.array([p.label is not None for p in pairs], dtype=bool)
    labels = np.array([p.label if p.label is not None else 0 for p in pairs], dtype=np.int8)
    sources = np.array([p.source or "?" for p in pairs])
    result: dict[str, Any] = {
        "bundle_version": bundle.version,
        "threshold": bundle.threshold,
        "pairs": len(pairs),
        "labelled": int(labelled.sum()),
        "matched": int(decided.sum()),
        "pairs_per_second": len(pairs) / seconds if seconds > 0 else None,
    }
    if labelled.any():
        result.update(_decided_metrics(labels[labelled], scores[labelled], decided[labelled]))
        result["by_source"] = {
            name: _decided_metrics(labels[mask], scores[mask], decided[mask])
            for name in sorted(set(sources[labelled].tolist()))
            if (mask := labelled & (sources == name)).any()
        }
    return result


def _decided_metrics(labels: np.ndarray, scores: np.ndarray,
                     decided: np.ndarray) -> dict[str, Any]:
    # Decisions as 0/1 scores at threshold 0.5 count exactly the pairs the bundle matched,
    # whatever threshold each pair's source had.
    return {**summary_metrics(labels, decided.astype(np.float64), 0.5),
            **ranking_metrics(labels, scores)}


def evaluate_file(path: Path | str, bundle_dir: Path | None = None, *,
                  signing_key: bytes = DEV_SIGNING_KEY) -> dict[str, Any]:
    """Evaluate the matcher bundle (default: the committed one) on a file of labelled pairs."""
    bundle = load_matcher(bundle_dir or DEFAULT_BUNDLE_DIR, signing_key=signing_key)
    pairs = read_pairs(path)
    return {"file": str(path), **evaluate(bundle, pairs)}


def half_split_estimate(labels: np.ndarray, scores: np.ndarray, *,
                        groups: np.ndarray | None = None, seed: int = 0,
                        repeats: int = 1) -> dict[str, Any]:
    """F1 with the threshold chosen on one half and measured on the other, both ways, averaged."""
    # Choosing a threshold on the pairs it is measured on flatters F1; this does not. Halves are
    # stratified by label and group, drawn `repeats` times. With groups (each pair's data set),
    # ONE threshold is chosen on the whole fitting half, as the bundle does, and the other half
    # is also measured per group ("by_group").
    labels, scores = np.asarray(labels), np.asarray(scores)
    group_of = np.zeros(len(labels), dtype=object) if groups is None else np.asarray(groups)
    names = sorted(set(group_of.tolist()), key=str)
    rng = np.random.default_rng(seed)
    rows: dict[Any, list[dict[str, Any]]] = {name: [] for name in [None, *names]}
    for _ in range(repeats):
        half = np.zeros(len(labels), dtype=bool)
        for name in names:
            for value in (0, 1):
                idx = rng.permutation(np.flatnonzero((group_of == name) & (labels == value)))
                half[idx[: len(idx) // 2]] = True
        for fit, measure in ((half, ~half), (~half, half)):
            threshold = f1_threshold(labels[fit], scores[fit])["threshold"]
            rows[None].append(summary_metrics(labels[measure], scores[measure], threshold))
            if groups is not None:
                for name in names:
                    m = measure & (group_of == name)
                    rows[name].append(summary_metrics(labels[m], scores[m], threshold))
    result = _mean(rows[None])
    if groups is not None:
        result["by_group"] = {name: _mean(rows[name]) for name in names}
    return result


def _mean(rows: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {k: float(np.mean([r[k] for r in rows]))
                           for k in ("precision", "recall", "f1")}
    return {**out, "f1_std": float(np.std([r["f1"] for r in rows])), "splits": len(rows)}
