"""Whether the live rule pack and model bundle would load, without loading the model.

The API never scores (the workers do), so its readiness check must not pull scikit-learn
and SciPy into the process: the pack is parsed and the bundle's signatures and scikit-learn
version are checked, the very checks a worker's load makes before it unpickles.
"""

from __future__ import annotations

from models.signing import DEFAULT_BUNDLE_DIR, verify_classifier
from moderation.config import Settings
from rules.loader import DEFAULT_PACKS_DIR, load_ruleset


def artifacts_loadable(settings: Settings) -> str:
    """The live versions, as a check's detail; raises what the load would raise."""
    ruleset = load_ruleset(settings.rules_dir or DEFAULT_PACKS_DIR)
    manifest = verify_classifier(settings.model_dir or DEFAULT_BUNDLE_DIR,
                                 signing_key=settings.model_signing_key.encode())
    return f"rules {ruleset.version}, model {manifest.get('version')}"
