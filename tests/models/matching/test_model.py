"""Training, thresholds, decisions, and the signed bundle: nothing unpickled unverified."""

from __future__ import annotations

import hashlib
import hmac
import json
import pickle
import re
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pytest

from models.bundle import MANIFEST_FILE, BundleError, _manifest_hmac
from models.matching import model as model_mod
from models.matching.features import FEATURE_NAMES
from models.matching.model import (
    MODEL_FILE,
    MatcherBundle,
    f1_threshold,
    load_matcher,
    save_matcher,
    train,
)
from models.matching.records import Pair, ProductRecord

from .test_features import OTHER_MODEL, SAME_MODEL

KEY = b"test-matcher-key"


class _Marker:
    """Unpickling this creates a file: proof of whether a pickle was executed."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple[Any, ...]:
        return (Path.touch, (self.path,))


@pytest.fixture
def saved(tiny_matcher: MatcherBundle, tmp_path: Path) -> Path:
    directory = tmp_path / "matcher"
    save_matcher(tiny_matcher, directory, signing_key=KEY)
    return directory


@pytest.fixture
def no_unpickling(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_a: Any, **_k: Any) -> None:
        raise AssertionError("load_matcher unpickled an unverified file")
    monkeypatch.setattr(model_mod.joblib, "load", refuse)


def _labels(pairs: list[Pair]) -> np.ndarray:
    return np.array([p.label for p in pairs])


def _resign(directory: Path, key: bytes, **changes: Any) -> None:
    """Change manifest fields and sign manifest and model file again with key."""
    manifest = json.loads((directory / MANIFEST_FILE).read_text())
    manifest.update(changes)
    payload = (directory / MODEL_FILE).read_bytes()
    manifest["sha256"] = hashlib.sha256(payload).hexdigest()
    manifest["hmac_sha256"] = hmac.new(key, payload, hashlib.sha256).hexdigest()
    manifest["manifest_hmac_sha256"] = _manifest_hmac(manifest, key)
    (directory / MANIFEST_FILE).write_text(json.dumps(manifest))


def test_tiny_training_run_beats_trivial_baselines(
        tiny_matcher: MatcherBundle, split: tuple[list[Pair], list[Pair]]) -> None:
    valid = split[1]
    labels = _labels(valid)
    decided = tiny_matcher.decide(valid)
    tp = int(np.sum(decided & (labels == 1)))
    f1 = 2 * tp / (decided.sum() + labels.sum())
    everything = 2 * labels.mean() / (1 + labels.mean())  # "every pair matches"
    # One string similarity at its best threshold on the same pairs: a generous baseline.
    titles = tiny_matcher.featurizer.transform(valid)[:, FEATURE_NAMES.index("title_token_set")]
    one_feature = f1_threshold(labels, titles)["f1"]
    assert f1 > everything + 0.25
    assert f1 > one_feature + 0.05


def test_hand_written_pairs_rank_by_model_number(tiny_matcher: MatcherBundle) -> None:
    same, other = tiny_matcher.score([Pair(*SAME_MODEL), Pair(*OTHER_MODEL)])
    assert same > 0.9
    assert other < 0.5
    assert tiny_matcher.decide([Pair(*SAME_MODEL)]).tolist() == [True]


@pytest.mark.parametrize(("labels", "scores", "threshold", "f1"), [
    ([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9], 0.8, 1.0),
    ([0, 1, 0, 1], [0.1, 0.2, 0.3, 0.9], 0.2, 0.8),
    # Same best F1 at 0.4 and 0.6: the higher threshold is kept (same catch, fewer flags).
    ([1, 0, 1], [0.4, 0.5, 0.6], 0.4, 0.8),
    ([0, 0], [0.1, 0.2], float("inf"), 0.0),
])
def test_f1_threshold(labels: list[int], scores: list[float], threshold: float,
                      f1: float) -> None:
    chosen = f1_threshold(np.array(labels), np.array(scores))
    assert chosen["threshold"] == pytest.approx(threshold)
    assert chosen["f1"] == pytest.approx(f1)


def test_threshold_ties_prefer_the_higher_threshold() -> None:
    chosen = f1_threshold(np.array([1, 0, 0, 1]), np.array([0.9, 0.5, 0.6, 0.95]))
    assert chosen["threshold"] == pytest.approx(0.9) and chosen["f1"] == 1.0


def test_threshold_table_and_precision_targets(tiny_matcher: MatcherBundle,
                                               split: tuple[list[Pair], list[Pair]]) -> None:
    table = tiny_matcher.manifest["thresholds"]
    assert [row["precision_target"] for row in table] == [0.8, 0.9, 0.95]
    valid = split[1]
    labels, scores = _labels(valid), tiny_matcher.score(valid)
    for row in table:
        if row["threshold"] is None:
            continue
        flagged = scores >= row["threshold"]
        assert np.mean(labels[flagged]) >= row["precision_target"] - 1e-9
        assert np.mean(flagged[labels == 1]) == pytest.approx(row["recall"])
    recalls = [row["recall"] for row in table]
    assert recalls == sorted(recalls, reverse=True)
    assert tiny_matcher.threshold_for(0.85) == tiny_matcher.threshold_for(0.9)
    with pytest.raises(ValueError, match="no precision target"):
        tiny_matcher.threshold_for(0.99)
    strict = tiny_matcher.decide(valid, precision=0.95)
    np.testing.assert_array_equal(strict, scores >= tiny_matcher.threshold_for(0.95))


def test_manifest_describes_the_bundle(tiny_matcher: MatcherBundle,
                                      split: tuple[list[Pair], list[Pair]]) -> None:
    m = tiny_matcher.manifest
    assert re.fullmatch(r"match-\d{8}-[0-9a-f]{8}", m["version"])
    assert m["kind"] == "product-matcher"
    assert {"python", "sklearn", "numpy", "scipy", "rapidfuzz"} <= set(m["libraries"])
    abt = [p for p in split[0] if p.source == "Abt-Buy"]
    assert m["training_data"]["train"]["Abt-Buy"] == {
        "match": sum(p.label == 1 for p in abt), "non-match": sum(p.label == 0 for p in abt)}
    assert sum(m["training_data"]["validation"]["Walmart-Amazon"].values()) == 60
    assert m["model"]["type"] == "HistGradientBoostingClassifier" and m["model"]["seed"] == 3
    assert m["threshold"]["threshold"] == tiny_matcher.threshold
    assert set(m["metrics"]["validation"]["by_source"]) == {"Abt-Buy", "Amazon-Google",
                                                            "Walmart-Amazon"}
    assert {"precision", "recall", "f1", "roc_auc"} <= set(m["metrics"]["validation"]["all"])
    assert m["features"]["used"] + m["features"]["dropped"] != []
    json.dumps(m, allow_nan=False)  # the manifest is plain JSON


def test_per_source_thresholds(split: tuple[list[Pair], list[Pair]]) -> None:
    bundle = train(*split, seed=3, per_source_thresholds=True)
    by_source = bundle.manifest["threshold"]["by_source"]
    assert set(by_source) == {"Abt-Buy", "Amazon-Google", "Walmart-Amazon"}
    pairs = [split[1][0], Pair(split[1][0].left, split[1][0].right, source="new feed")]
    thresholds = bundle.thresholds_for(pairs)
    assert thresholds[0] == by_source[split[1][0].source]["threshold"]
    assert thresholds[1] == bundle.threshold


def test_a_feature_no_training_pair_has_is_left_out(sample_pairs: dict[str, list[Pair]]) -> None:
    abt = sample_pairs["Abt-Buy"]  # text records: no model, brand or category fields
    bundle = train(abt[:140], abt[140:], seed=1)
    assert {"model_exact", "model_jw", "brand_exact", "category_token_set"} <= set(
        bundle.manifest["features"]["dropped"])
    assert bundle.score([Pair(*SAME_MODEL)]).shape == (1,)


def test_training_needs_labels_and_both_classes(split: tuple[list[Pair], list[Pair]]) -> None:
    unlabelled = [Pair(p.left, p.right) for p in split[0]]
    with pytest.raises(ValueError, match="label"):
        train(unlabelled, split[1])
    negatives = [p for p in split[0] if p.label == 0]
    with pytest.raises(ValueError, match="both"):
        train(negatives, split[1])


def test_round_trip_gives_identical_scores(saved: Path, tiny_matcher: MatcherBundle,
                                           split: tuple[list[Pair], list[Pair]]) -> None:
    loaded = load_matcher(saved, signing_key=KEY)
    assert loaded.version == tiny_matcher.version
    np.testing.assert_array_equal(loaded.score(split[1]), tiny_matcher.score(split[1]))
    assert loaded.threshold == tiny_matcher.threshold
    assert loaded.threshold_for(0.9) == tiny_matcher.threshold_for(0.9)
    assert loaded.score([]).shape == (0,)


def test_saved_manifest_signs_the_model_file(saved: Path) -> None:
    manifest = json.loads((saved / MANIFEST_FILE).read_text())
    payload = (saved / MODEL_FILE).read_bytes()
    assert manifest["sha256"] == hashlib.sha256(payload).hexdigest()
    assert manifest["hmac_sha256"] == hmac.new(KEY, payload, hashlib.sha256).hexdigest()
    assert manifest["model_bytes"] == len(payload)
    assert not list(saved.glob(".*.tmp"))


def test_the_marker_pickle_really_runs_when_loaded(tmp_path: Path) -> None:
    """Control for the refusal tests below: loading this payload does create the file."""
    marker = tmp_path / "pwned"
    evil = tmp_path / "evil.joblib"
    evil.write_bytes(pickle.dumps(_Marker(marker)))
    joblib.load(evil)
    assert marker.exists()


def test_replaced_model_file_is_refused_before_unpickling(saved: Path, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    (saved / MODEL_FILE).write_bytes(pickle.dumps(_Marker(marker)))
    with pytest.raises(BundleError, match="changed since it was signed"):
        load_matcher(saved, signing_key=KEY)
    assert not marker.exists()


def test_one_changed_byte_is_refused(saved: Path, no_unpickling: None) -> None:
    path = saved / MODEL_FILE
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(BundleError, match="HMAC mismatch"):
        load_matcher(saved, signing_key=KEY)


def test_edited_threshold_is_refused(saved: Path, no_unpickling: None) -> None:
    manifest = json.loads((saved / MANIFEST_FILE).read_text())
    manifest["threshold"]["threshold"] = 0.0  # match everything
    (saved / MANIFEST_FILE).write_text(json.dumps(manifest))
    with pytest.raises(BundleError, match="signature mismatch"):
        load_matcher(saved, signing_key=KEY)


def test_wrong_key_is_refused(saved: Path, no_unpickling: None) -> None:
    with pytest.raises(BundleError, match="signature mismatch"):
        load_matcher(saved, signing_key=b"another key")
    with pytest.raises(BundleError, match="non-empty bytes"):
        load_matcher(saved, signing_key=b"")


def test_pickle_signed_with_another_key_is_refused(saved: Path, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    (saved / MODEL_FILE).write_bytes(pickle.dumps(_Marker(marker)))
    _resign(saved, b"attacker key")
    with pytest.raises(BundleError, match="signature mismatch"):
        load_matcher(saved, signing_key=KEY)
    assert not marker.exists()


def test_other_sklearn_minor_version_is_refused(saved: Path, no_unpickling: None) -> None:
    manifest = json.loads((saved / MANIFEST_FILE).read_text())
    _resign(saved, KEY, libraries={**manifest["libraries"], "sklearn": "0.1.0"})
    with pytest.raises(BundleError, match=r"scikit-learn 0\.1\.0"):
        load_matcher(saved, signing_key=KEY)


def test_classifier_bundle_is_not_a_matcher(saved: Path, no_unpickling: None) -> None:
    _resign(saved, KEY, kind="classifier")
    with pytest.raises(BundleError, match="not a matcher bundle manifest"):
        load_matcher(saved, signing_key=KEY)


def test_signed_but_foreign_content_is_refused(saved: Path) -> None:
    (saved / MODEL_FILE).write_bytes(pickle.dumps({"featurizer": 1, "model": 2}))
    _resign(saved, KEY)
    with pytest.raises(BundleError, match="not a product-matcher model file"):
        load_matcher(saved, signing_key=KEY)


def test_missing_bundle(tmp_path: Path) -> None:
    with pytest.raises(BundleError, match="cannot read"):
        load_matcher(tmp_path, signing_key=KEY)


def test_changed_normaliser_warns(saved: Path, split: tuple[list[Pair], list[Pair]]) -> None:
    manifest = json.loads((saved / MANIFEST_FILE).read_text())
    _resign(saved, KEY, normaliser={**manifest["normaliser"], "matching_fingerprint": "old"})
    with pytest.warns(RuntimeWarning, match="retrain"):
        bundle = load_matcher(saved, signing_key=KEY)
    assert bundle.score(split[1][:2]).shape == (2,)


def test_records_are_plain_data() -> None:
    # Pairs and records hash and compare by value: the featuriser prepares each record once.
    a = ProductRecord("x", price=1.0)
    assert {a: 1}[ProductRecord("x", price=1.0)] == 1
