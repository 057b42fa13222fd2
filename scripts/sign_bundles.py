"""Sign model bundles again with MODEL_SIGNING_KEY, after verifying them with the old key.

The bundles shipped in the repository (the classifier, models/bundles/current, and the
product matcher, models/matching/bundle) are signed with the development key, which
production refuses (moderation/settings_checks.py); a bundle that does not verify under the
production key is never unpickled, so a worker would not start. The image build runs this
with the key as a build secret (Dockerfile); elsewhere run it before starting on a new key:

    MODEL_SIGNING_KEY=... python scripts/sign_bundles.py [BUNDLE_DIR ...]

Without directories, the installed package's shipped bundles are signed in place. The old
key is OLD_MODEL_SIGNING_KEY (default: the development key). Only the signatures change: the
payload is the verified bytes, and the scikit-learn check of loading still applies.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import models
from models.bundle import DEV_SIGNING_KEY, MANIFEST_FILE, read_verified, write_signed

SHIPPED = (Path(models.__file__).resolve().parent / "bundles" / "current",
           Path(models.__file__).resolve().parent / "matching" / "bundle")


def payload_file(directory: Path) -> str:
    """The payload a bundle's manifest names (a classifier's pipeline, a matcher's model)."""
    manifest = json.loads((directory / MANIFEST_FILE).read_text(encoding="utf-8"))
    name = manifest.get("pipeline_file") or manifest.get("model_file")
    if not isinstance(name, str):
        raise SystemExit(f"{directory}: the manifest names no payload file")
    return name


def sign(directory: Path, *, old_key: bytes, new_key: bytes) -> None:
    """Verify one bundle with the old key and write its signatures with the new one."""
    name = payload_file(directory)
    manifest, payload = read_verified(directory, name, signing_key=old_key,
                                      what="model bundle", accept=lambda m: True,
                                      retrain="`moderation train`")
    write_signed(directory, name, payload, manifest, signing_key=new_key)


def main(argv: list[str]) -> None:
    new_key = os.environ.get("MODEL_SIGNING_KEY", "").encode()
    if not new_key:
        raise SystemExit("set MODEL_SIGNING_KEY to the key to sign with")
    old_key = os.environ.get("OLD_MODEL_SIGNING_KEY", "").encode() or DEV_SIGNING_KEY
    for directory in [Path(a) for a in argv] or list(SHIPPED):
        sign(directory, old_key=old_key, new_key=new_key)
        print(f"signed {directory}")


if __name__ == "__main__":
    main(sys.argv[1:])
