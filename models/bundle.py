"""A model bundle: the fitted pipeline, its signed manifest, and the scoring API on top."""

from __future__ import annotations

import hashlib
import io
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import sklearn
from sklearn.pipeline import Pipeline

from models.features import fold_fingerprint
from models.score import Score as Score  # re-exported; it lives apart from scikit-learn
from models.signing import DEV_SIGNING_KEY as DEV_SIGNING_KEY
from models.signing import FORMAT as FORMAT
from models.signing import MANIFEST_FILE as MANIFEST_FILE
from models.signing import PIPELINE_FILE as PIPELINE_FILE
from models.signing import BundleError as BundleError
from models.signing import _manifest_hmac as _manifest_hmac
from models.signing import read_verified as read_verified
from models.signing import write_signed as write_signed
from rules.types import OfferText


class Classifier:
    """A fitted pipeline with its manifest: scores batches of offers, knows its thresholds."""

    def __init__(self, pipeline: Pipeline, manifest: dict[str, Any]) -> None:
        self.pipeline = pipeline
        self.manifest = manifest
        self.version: str = manifest["version"]
        self._featurizer = pipeline.named_steps["features"]
        self._model = pipeline.named_steps["model"]
        self._names = self._featurizer.get_feature_names_out()
        self._coef = np.asarray(self._model.coef_, dtype=np.float64).ravel()
        self._thresholds = {
            float(row["max_lawful_share"]): float(row["threshold"])
            for row in manifest["thresholds"]
        }

    def score_many(self, offers: Sequence[OfferText], *, explain: int = 5) -> list[Score]:
        """Score a batch in one vectorised pass; explain with the top `explain` features."""
        if not offers:
            return []
        X = self._featurizer.transform(offers)
        values = self._model.predict_proba(X)[:, 1]
        if explain <= 0:
            return [Score(float(v), ()) for v in values]
        # Linear model: a feature's push on the log-odds is its value times its coefficient.
        contrib = X.multiply(self._coef).tocsr()
        indptr, indices, data = contrib.indptr, contrib.indices, contrib.data
        scores = []
        for row, value in enumerate(values):
            lo, hi = indptr[row], indptr[row + 1]
            d, idx = data[lo:hi], indices[lo:hi]
            keep = d > 0
            d, idx = d[keep], idx[keep]
            if d.size > explain:
                top = np.argpartition(-d, explain - 1)[:explain]
                d, idx = d[top], idx[top]
            order = np.argsort(-d, kind="stable")
            feats = tuple((str(self._names[idx[k]]), round(float(d[k]), 4)) for k in order)
            scores.append(Score(float(value), feats))
        return scores

    def threshold_for(self, lawful_share: float) -> float:
        """The score threshold that flags at most this share of real lawful listings.

        Takes the nearest tabled target at or below the share asked (never flags more).
        """
        targets = sorted(t for t in self._thresholds if t <= lawful_share + 1e-12)
        if not targets:
            raise ValueError(f"no lawful-share target <= {lawful_share} in the bundle's table "
                             f"({sorted(self._thresholds)})")
        return self._thresholds[targets[-1]]


def dump_pipeline(pipeline: Pipeline) -> bytes:
    """The pipeline as the bytes written to `pipeline.joblib`."""
    buf = io.BytesIO()
    joblib.dump(pipeline, buf, compress=3)
    return buf.getvalue()


def fitted_fingerprint(obj: Any) -> str:
    """SHA-256 of a fitted estimator's state: same parameters and learnt values, same digest.

    Not the pickle's bytes: pickle shares objects by identity, so a string interned earlier in
    the process (say, by loading another bundle) changes the bytes of an identical model.
    """
    digest = hashlib.sha256()
    _feed(digest, obj)
    return digest.hexdigest()


def _feed(digest: Any, obj: Any) -> None:
    if isinstance(obj, np.ndarray):
        digest.update(f"nd{obj.dtype.str}{obj.shape}".encode())
        digest.update(np.ascontiguousarray(obj).tobytes() if obj.dtype != object
                      else repr(obj.tolist()).encode())
    elif isinstance(obj, dict):
        digest.update(b"{")
        for key in sorted(obj, key=repr):
            _feed(digest, key)
            _feed(digest, obj[key])
        digest.update(b"}")
    elif isinstance(obj, list | tuple):
        digest.update(b"[")
        for item in obj:
            _feed(digest, item)
        digest.update(b"]")
    elif isinstance(obj, set | frozenset):
        _feed(digest, sorted(obj, key=repr))
    elif hasattr(obj, "__getstate__") and hasattr(obj, "get_params"):
        digest.update(type(obj).__qualname__.encode())
        _feed(digest, obj.__getstate__())
    else:
        digest.update(repr(obj).encode())


def library_versions() -> dict[str, str]:
    """Versions of the libraries whose pickles the bundle depends on."""
    import platform

    import scipy

    return {"python": platform.python_version(), "sklearn": sklearn.__version__,
            "numpy": np.__version__, "scipy": scipy.__version__, "joblib": joblib.__version__}


def save_bundle(
    classifier: Classifier, directory: Path | str, *, signing_key: bytes = DEV_SIGNING_KEY
) -> dict[str, Any]:
    """Write `pipeline.joblib` and a signed `manifest.json` into directory; return the manifest."""
    payload = dump_pipeline(classifier.pipeline)
    classifier.manifest = write_signed(
        directory, PIPELINE_FILE, payload,
        {**classifier.manifest, "pipeline_file": PIPELINE_FILE, "pipeline_bytes": len(payload)},
        signing_key=signing_key)
    return classifier.manifest


def load_bundle(path: Path | str, *, signing_key: bytes) -> Classifier:
    """Load a bundle, verifying both signatures and the sklearn version BEFORE unpickling."""
    path = Path(path)
    manifest, payload = read_verified(
        path, PIPELINE_FILE, signing_key=signing_key, what="bundle",
        accept=lambda m: m.get("format") == FORMAT, retrain="`moderation train`")
    if manifest.get("normaliser", {}).get("fingerprint") != fold_fingerprint():
        warnings.warn(f"bundle {manifest.get('version')} was trained with another version of "
                      "rules.normalise.fold; its vocabulary may no longer match; retrain",
                      RuntimeWarning, stacklevel=2)
    pipeline = joblib.load(io.BytesIO(payload))  # the verified bytes, not a re-read of the file
    if not isinstance(pipeline, Pipeline):
        raise BundleError(f"{path / PIPELINE_FILE}: not a scikit-learn Pipeline")
    return Classifier(pipeline, manifest)
