"""Saving, signing and loading bundles: nothing is unpickled before it is verified."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import pickle
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import joblib
import pytest
import sklearn

from models import bundle as bundle_mod
from models.bundle import (
    DEV_SIGNING_KEY,
    MANIFEST_FILE,
    PIPELINE_FILE,
    BundleError,
    Classifier,
    fitted_fingerprint,
    load_bundle,
    save_bundle,
)
from models.metrics import LAWFUL_SHARE_TARGETS
from moderation.policy import REVIEW_LAWFUL_SHARE
from rules.types import OfferText

KEY = b"test-signing-key"
OFFERS = [
    OfferText("Zegarek Rolex Submariner replika 1:1", "Wierna kopia, jakość AAA.", "Zegarki"),
    OfferText("Rower górski Kross Hexagon 7.0 rama 19 cali", "Stan idealny.", "Rowery"),
    OfferText("Etui do iPhone 13 silikonowe"),
]


class _Marker:
    """Unpickling this creates a file: proof of whether a pickle was executed."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple[Any, ...]:
        return (Path.touch, (self.path,))


@pytest.fixture
def saved(tiny_clf: Classifier, tmp_path: Path) -> Path:
    directory = tmp_path / "bundle"
    save_bundle(tiny_clf, directory, signing_key=KEY)
    return directory


@pytest.fixture
def no_unpickling(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if load_bundle reaches joblib.load."""
    def refuse(*_a: Any, **_k: Any) -> None:
        raise AssertionError("load_bundle unpickled an unverified file")
    monkeypatch.setattr(bundle_mod.joblib, "load", refuse)


def _evil_pickle(marker: Path) -> bytes:
    return pickle.dumps(_Marker(marker))


def _resign(directory: Path, key: bytes) -> None:
    """Re-sign a bundle's manifest for its current pipeline file with some key."""
    manifest = json.loads((directory / MANIFEST_FILE).read_text())
    payload = (directory / PIPELINE_FILE).read_bytes()
    manifest["sha256"] = hashlib.sha256(payload).hexdigest()
    manifest["hmac_sha256"] = hmac.new(key, payload, hashlib.sha256).hexdigest()
    manifest["manifest_hmac_sha256"] = bundle_mod._manifest_hmac(manifest, key)
    (directory / MANIFEST_FILE).write_text(json.dumps(manifest))


def test_saved_bundle_has_pipeline_and_signed_manifest(saved: Path, tiny_clf: Classifier) -> None:
    manifest = json.loads((saved / MANIFEST_FILE).read_text())
    payload = (saved / PIPELINE_FILE).read_bytes()
    assert manifest["sha256"] == hashlib.sha256(payload).hexdigest()
    assert manifest["hmac_sha256"] == hmac.new(KEY, payload, hashlib.sha256).hexdigest()
    assert re.fullmatch(r"clf-\d{8}-[0-9a-f]{8}", manifest["version"])
    assert manifest["version"].endswith(fitted_fingerprint(tiny_clf.pipeline)[:8])
    assert set(manifest["libraries"]) >= {"python", "sklearn", "numpy", "scipy"}
    assert [r["max_lawful_share"] for r in manifest["thresholds"]] == list(
        LAWFUL_SHARE_TARGETS)
    assert {"roc_auc", "average_precision"} <= set(
        manifest["metrics"]["out_of_fold"]["lawful_vs_injected"])
    data = manifest["training_data"]
    assert data["real_rows_by_source"]["flipkart"] == 600
    assert data["rows_by_kind"]["injected"] > 0 and data["rows_by_kind"]["contrast_twin"] > 0


def test_round_trip_gives_identical_scores(saved: Path, tiny_clf: Classifier) -> None:
    loaded = load_bundle(saved, signing_key=KEY)
    assert loaded.version == tiny_clf.version
    assert loaded.score_many(OFFERS) == tiny_clf.score_many(OFFERS)
    assert loaded.threshold_for(REVIEW_LAWFUL_SHARE) == tiny_clf.threshold_for(
        REVIEW_LAWFUL_SHARE)


def test_the_marker_pickle_really_runs_when_loaded(tmp_path: Path) -> None:
    """Control for the refusal tests below: loading this payload does create the file."""
    marker = tmp_path / "pwned"
    evil = tmp_path / "evil.joblib"
    evil.write_bytes(_evil_pickle(marker))
    joblib.load(evil)
    assert marker.exists()


def test_replaced_pipeline_is_refused_before_unpickling(saved: Path, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    (saved / PIPELINE_FILE).write_bytes(_evil_pickle(marker))
    with pytest.raises(BundleError, match="changed since it was signed"):
        load_bundle(saved, signing_key=KEY)
    assert not marker.exists()


def test_one_changed_byte_is_refused(saved: Path, no_unpickling: None) -> None:
    path = saved / PIPELINE_FILE
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(BundleError, match="HMAC mismatch"):
        load_bundle(saved, signing_key=KEY)


def test_wrong_key_is_refused(saved: Path, no_unpickling: None) -> None:
    with pytest.raises(BundleError, match="signature mismatch"):
        load_bundle(saved, signing_key=b"another key")


def test_bundle_signed_with_another_key_never_runs(saved: Path, tmp_path: Path) -> None:
    """An attacker who rewrites pipeline and manifest, but without our key, gets nowhere."""
    marker = tmp_path / "pwned"
    (saved / PIPELINE_FILE).write_bytes(_evil_pickle(marker))
    _resign(saved, b"attacker key")
    with pytest.raises(BundleError):
        load_bundle(saved, signing_key=KEY)
    assert not marker.exists()


def test_edited_manifest_is_refused(saved: Path, no_unpickling: None) -> None:
    manifest = json.loads((saved / MANIFEST_FILE).read_text())
    manifest["thresholds"][2]["threshold"] = 0.999  # quietly switch the classifier off
    (saved / MANIFEST_FILE).write_text(json.dumps(manifest))
    with pytest.raises(BundleError, match="signature mismatch"):
        load_bundle(saved, signing_key=KEY)


def test_other_sklearn_minor_version_is_refused(
    saved: Path, monkeypatch: pytest.MonkeyPatch, no_unpickling: None
) -> None:
    major, minor = (int(p) for p in sklearn.__version__.split(".")[:2])
    monkeypatch.setattr(sklearn, "__version__", f"{major}.{minor + 1}.0")
    with pytest.raises(BundleError, match=r"trained with scikit-learn .* installed is"):
        load_bundle(saved, signing_key=KEY)


def test_same_minor_other_patch_version_loads(
    saved: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    major, minor = sklearn.__version__.split(".")[:2]
    monkeypatch.setattr(sklearn, "__version__", f"{major}.{minor}.99")
    assert load_bundle(saved, signing_key=KEY).score_many(OFFERS[:1])


def test_missing_bundle_is_a_bundle_error(tmp_path: Path) -> None:
    with pytest.raises(BundleError, match="cannot read"):
        load_bundle(tmp_path / "nothing", signing_key=KEY)


def test_empty_key_is_refused(saved: Path) -> None:
    with pytest.raises(BundleError, match="non-empty"):
        load_bundle(saved, signing_key=b"")


def test_default_bundle_loads_with_the_dev_key() -> None:
    """The committed bundle: signed with the dev key, this sklearn, this normaliser."""
    from models.train import DEFAULT_BUNDLE_DIR

    if not (DEFAULT_BUNDLE_DIR / MANIFEST_FILE).exists():
        pytest.skip("no default bundle yet: python -m models.train")
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a changed rules.normalise.fold means: retrain
        clf = load_bundle(DEFAULT_BUNDLE_DIR, signing_key=DEV_SIGNING_KEY)
    bad, good, _ = clf.score_many(OFFERS)
    assert bad.value >= clf.threshold_for(REVIEW_LAWFUL_SHARE) > good.value
    # Trained on the real shops with some held out for the evaluation.
    assert "medkon_pharmacy" in clf.manifest["training_data"]["held_out_shops"]


def test_training_is_reproducible_across_processes(tiny_clf: Classifier) -> None:
    """Same data and seed in a fresh process: byte-identical pipeline, hence the same version."""
    script = (
        "from models.train import fit_classifier\n"
        "from tests.models.conftest import tiny_training_set\n"
        "clf = fit_classifier(tiny_training_set(), folds=3)\n"
        "clf.score_many(clf_offers := tiny_training_set().offers[:5])\n"
        "print(clf.version)\n"
    )
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    out = subprocess.run([sys.executable, "-c", script], cwd=root, env=env, check=True,
                         capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == tiny_clf.version
