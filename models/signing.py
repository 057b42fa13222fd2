"""Signed bundles: a payload and its manifest, both HMAC-signed, checked before unpickling.

Apart from bundle.py so that a process that never scores (the API) can tell whether the
live bundle would load (GET /readyz) without importing scikit-learn and SciPy.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import sys
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

# Same value as moderation.config.DEV_MODEL_SIGNING_KEY (models may not import moderation),
# so that the committed bundle loads with the default settings.
DEV_SIGNING_KEY = b"moderation-dev-model-signing-key"
MANIFEST_FILE = "manifest.json"
# The classifier's bundle (models/bundle.py): its payload file and manifest format.
PIPELINE_FILE = "pipeline.joblib"
FORMAT = 1
DEFAULT_BUNDLE_DIR = Path(__file__).resolve().parent / "bundles" / "current"
_MANIFEST_SIG = "manifest_hmac_sha256"


class BundleError(Exception):
    """A bundle that is missing, tampered with, signed with another key or built elsewhere."""


def installed_sklearn() -> str:
    """The installed scikit-learn's version, without importing it when it is not loaded."""
    loaded = sys.modules.get("sklearn")
    if loaded is not None:
        return str(loaded.__version__)
    return metadata.version("scikit-learn")


def _hmac(key: bytes, payload: bytes) -> str:
    return hmac.new(key, payload, hashlib.sha256).hexdigest()


def _manifest_hmac(manifest: dict[str, Any], key: bytes) -> str:
    body = {k: v for k, v in manifest.items() if k != _MANIFEST_SIG}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return _hmac(key, canonical.encode())


def _check_key(key: bytes) -> None:
    if not isinstance(key, bytes | bytearray) or not key:
        raise BundleError("signing key must be non-empty bytes")


def write_signed(directory: Path | str, payload_file: str, payload: bytes,
                 manifest: dict[str, Any], *, signing_key: bytes) -> dict[str, Any]:
    """Sign a payload and its manifest and write both into directory; return the manifest."""
    _check_key(signing_key)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    manifest = {k: v for k, v in manifest.items() if k != _MANIFEST_SIG}
    manifest.update(sha256=hashlib.sha256(payload).hexdigest(),
                    hmac_sha256=_hmac(signing_key, payload))
    manifest[_MANIFEST_SIG] = _manifest_hmac(manifest, signing_key)
    text = json.dumps(manifest, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    # Workers reload a bundle whose files change: replace each file whole, payload first. A
    # reader between the two renames sees a signature mismatch, refuses, and retries later.
    for name, data in ((payload_file, payload), (MANIFEST_FILE, text.encode())):
        tmp = directory / f".{name}.tmp"
        tmp.write_bytes(data)
        os.replace(tmp, directory / name)
    return manifest


def read_verified(path: Path, payload_file: str, *, signing_key: bytes, what: str,
                  accept: Callable[[dict[str, Any]], bool], retrain: str
                  ) -> tuple[dict[str, Any], bytes]:
    """A bundle's manifest and payload bytes, once both signatures and the scikit-learn
    version check out: the only way a bundle's pickle may reach joblib.load."""
    _check_key(signing_key)
    try:
        manifest = json.loads((path / MANIFEST_FILE).read_text(encoding="utf-8"))
        payload = (path / payload_file).read_bytes()
    except (OSError, ValueError) as exc:
        raise BundleError(f"cannot read {what} at {path}: {exc}") from exc
    if not isinstance(manifest, dict) or not accept(manifest):
        raise BundleError(f"{path / MANIFEST_FILE}: not a {what} manifest of this format")
    if not hmac.compare_digest(str(manifest.get(_MANIFEST_SIG, "")),
                               _manifest_hmac(manifest, signing_key)):
        raise BundleError(f"{path / MANIFEST_FILE}: signature mismatch "
                          "(edited manifest or wrong signing key); refusing to load")
    if not hmac.compare_digest(str(manifest.get("hmac_sha256", "")),
                               _hmac(signing_key, payload)):
        changed = hashlib.sha256(payload).hexdigest() != manifest.get("sha256")
        raise BundleError(f"{path / payload_file}: HMAC mismatch ("
                          + ("file changed since it was signed" if changed
                             else "wrong signing key") + "); refusing to unpickle")
    trained = str(manifest.get("libraries", {}).get("sklearn", "?"))
    if trained.split(".")[:2] != installed_sklearn().split(".")[:2]:
        raise BundleError(f"{what} {manifest.get('version')} was trained with scikit-learn "
                          f"{trained}, installed is {installed_sklearn()}: pickles do not carry "
                          f"across minor versions; retrain with {retrain}")
    return manifest, payload




def verify_classifier(path: Path | str, *, signing_key: bytes) -> dict[str, Any]:
    """The manifest of a classifier bundle that would load here (signatures and the
    scikit-learn minor checked), without unpickling it or importing scikit-learn."""
    manifest, _ = read_verified(Path(path), PIPELINE_FILE, signing_key=signing_key,
                                what="bundle", accept=lambda m: m.get("format") == FORMAT,
                                retrain="`moderation train`")
    return manifest
