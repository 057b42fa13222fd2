"""Evaluating a matcher on labelled pairs and files, and the half-split estimate."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from models.bundle import BundleError
from models.matching.evaluate import evaluate, evaluate_file, half_split_estimate
from models.matching.model import DEFAULT_BUNDLE_DIR, MatcherBundle, load_matcher, save_matcher
from models.matching.records import Pair

from .conftest import SAMPLES


def test_evaluate_matches_the_decisions(tiny_matcher: MatcherBundle,
                                        split: tuple[list[Pair], list[Pair]]) -> None:
    valid = split[1]
    result = evaluate(tiny_matcher, valid)
    labels = np.array([p.label for p in valid])
    decided = tiny_matcher.decide(valid)
    tp = int(np.sum(decided & (labels == 1)))
    assert (result["tp"], result["fp"]) == (tp, int(decided.sum()) - tp)
    assert result["precision"] == pytest.approx(tp / decided.sum())
    assert result["recall"] == pytest.approx(tp / labels.sum())
    assert result["f1"] == pytest.approx(2 * tp / (decided.sum() + labels.sum()))
    assert result["threshold"] == tiny_matcher.threshold
    assert result["bundle_version"] == tiny_matcher.version
    assert sum(m["n"] for m in result["by_source"].values()) == len(valid) == result["labelled"]
    assert 0.5 < result["roc_auc"] <= 1.0


def test_unlabelled_pairs_are_scored_not_measured(tiny_matcher: MatcherBundle,
                                                  split: tuple[list[Pair], list[Pair]]) -> None:
    valid = split[1][:10]
    unlabelled = [Pair(p.left, p.right, source=p.source) for p in valid]
    result = evaluate(tiny_matcher, unlabelled)
    assert (result["pairs"], result["labelled"]) == (10, 0)
    assert "f1" not in result and "by_source" not in result
    mixed = evaluate(tiny_matcher, valid + unlabelled)
    assert mixed["labelled"] == 10 and mixed["n"] == 10


def test_evaluate_file_with_a_bundle_dir(tiny_matcher: MatcherBundle, tmp_path: Path) -> None:
    save_matcher(tiny_matcher, tmp_path / "b")  # the development key, as evaluate_file's default
    path = SAMPLES / "Amazon-Google_train.txt"
    result = evaluate_file(path, tmp_path / "b")
    assert result["file"] == str(path)
    assert result["pairs"] == result["labelled"] == 200
    assert set(result["by_source"]) == {"Amazon-Google"}
    assert 0.0 <= result["f1"] <= 1.0
    json.dumps(result, allow_nan=False)  # ready for a command line's JSON output


def test_evaluate_file_refuses_a_bundle_signed_with_another_key(
        tiny_matcher: MatcherBundle, tmp_path: Path) -> None:
    save_matcher(tiny_matcher, tmp_path / "b", signing_key=b"production key")
    with pytest.raises(BundleError, match="signature mismatch"):
        evaluate_file(SAMPLES / "Abt-Buy_train.txt", tmp_path / "b")
    assert evaluate_file(SAMPLES / "Abt-Buy_train.txt", tmp_path / "b",
                         signing_key=b"production key")["pairs"] == 200


def test_evaluate_file_with_pairs_to_score(tiny_matcher: MatcherBundle, tmp_path: Path) -> None:
    save_matcher(tiny_matcher, tmp_path / "b")
    lines = (SAMPLES / "Walmart-Amazon_train.txt").read_text(encoding="utf-8").splitlines()[:5]
    path = tmp_path / "offers.txt"
    path.write_text("\n".join(line.rsplit("\t", 1)[0] for line in lines) + "\n", encoding="utf-8")
    result = evaluate_file(path, tmp_path / "b")
    assert (result["pairs"], result["labelled"]) == (5, 0)
    assert 0 <= result["matched"] <= 5


def test_committed_bundle_loads_and_matches(tmp_path: Path) -> None:
    if not (DEFAULT_BUNDLE_DIR / "manifest.json").exists():
        pytest.skip("no committed matcher bundle (run benchmarks.eval_matching)")
    bundle = load_matcher()
    assert bundle.manifest["model_bytes"] < 5_000_000
    # The samples come from the training splits: the committed model has seen them.
    result = evaluate_file(SAMPLES / "Walmart-Amazon_train.txt")
    assert result["bundle_version"] == bundle.version and result["f1"] > 0.8
    shutil.copytree(DEFAULT_BUNDLE_DIR, tmp_path / "copy")
    assert load_matcher(tmp_path / "copy").version == bundle.version


def test_half_split_estimate() -> None:
    rng = np.random.default_rng(0)
    labels = np.array([1] * 50 + [0] * 150)
    perfect = half_split_estimate(labels, labels * 0.8 + 0.1, repeats=3)
    assert perfect["f1"] == 1.0 and perfect["f1_std"] == 0.0 and perfect["splits"] == 6
    noisy_scores = labels * 0.3 + rng.random(200)
    noisy = half_split_estimate(labels, noisy_scores, seed=1, repeats=5)
    assert 0.3 < noisy["f1"] < 1.0
    assert noisy == half_split_estimate(labels, noisy_scores, seed=1, repeats=5)
    groups = np.array(["a", "b"] * 100)
    grouped = half_split_estimate(labels, noisy_scores, groups=groups, seed=1, repeats=2)
    assert set(grouped["by_group"]) == {"a", "b"}
    assert all(0.0 <= g["f1"] <= 1.0 for g in grouped["by_group"].values())
