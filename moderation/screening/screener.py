"""The current rule pack and model bundle, reloaded when either changes on disk."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

from models.bundle import Classifier, load_bundle
from models.train import DEFAULT_BUNDLE_DIR
from moderation.config import Settings, get_settings
from moderation.domain import Assessment
from moderation.policy import Policy
from moderation.screening.pipeline import assess_many
from rules.engine import RuleSet
from rules.loader import DEFAULT_PACKS_DIR, load_ruleset
from rules.model import Rule
from rules.types import OfferText

log = logging.getLogger(__name__)
T = TypeVar("T")


def _fingerprint(*paths: Path) -> tuple[tuple[str, int, int], ...]:
    """Name, size and mtime of every file under the given paths: cheap to take per batch."""
    entries = []
    for root in paths:
        if root.is_file():
            st = root.stat()
            entries.append((str(root), st.st_size, st.st_mtime_ns))
            continue
        for dirpath, _dirs, files in os.walk(root):
            for name in files:
                st = os.stat(os.path.join(dirpath, name))
                entries.append((os.path.join(dirpath, name), st.st_size, st.st_mtime_ns))
    return tuple(sorted(entries))


@dataclass(frozen=True, slots=True)
class Artifacts:
    ruleset: RuleSet
    classifier: Classifier
    policy: Policy


class Screener:
    """Screens batches with whatever rule pack and model are current.

    Workers on many hosts share nothing but the database and Redis, so each one watches the
    files it was pointed at and swaps in a new version between batches, without a restart.
    """

    def __init__(self, settings: Settings | None = None) -> None:
        settings = settings or get_settings()
        self.rules_dir = settings.rules_dir or DEFAULT_PACKS_DIR
        self.rules_data_dir = self.rules_dir.parent / "data"
        self.model_dir = settings.model_dir or DEFAULT_BUNDLE_DIR
        self._key = settings.model_signing_key.encode()
        self._lock = threading.Lock()
        self._rules_print: tuple[tuple[str, int, int], ...] | None = None
        self._model_print: tuple[tuple[str, int, int], ...] | None = None
        self._ruleset: RuleSet | None = None
        self._classifier: Classifier | None = None
        self._policy: Policy | None = None
        self._extended_key: tuple[str, str] | None = None
        self._extended_set: RuleSet | None = None

    def current(self) -> Artifacts:
        """Return the current artifacts, reloading whichever changed on disk.

        A change that does not load (a pack with an error, a bundle caught between its two
        files) keeps the previous version screening and is retried on the next batch.
        """
        with self._lock:
            rules_paths = [p for p in (self.rules_dir, self.rules_data_dir) if p.exists()]
            rules_print = _fingerprint(*rules_paths)
            if rules_print != self._rules_print:
                ruleset = self._reload(lambda: load_ruleset(self.rules_dir), self._ruleset)
                if ruleset is not self._ruleset:
                    self._ruleset, self._rules_print = ruleset, rules_print
            model_print = _fingerprint(self.model_dir)
            if model_print != self._model_print:
                classifier = self._reload(
                    lambda: load_bundle(self.model_dir, signing_key=self._key), self._classifier)
                if classifier is not self._classifier:
                    self._classifier, self._model_print = classifier, model_print
                    self._policy = Policy.for_thresholds(classifier.threshold_for)
            assert self._ruleset and self._classifier and self._policy
            return Artifacts(self._ruleset, self._classifier, self._policy)

    def _extended(self, base: RuleSet, version: str, rules: Sequence[Rule]) -> RuleSet:
        """The packs plus extra rules, compiled once per pair of versions."""
        key = (base.version, version)
        with self._lock:
            if self._extended_key != key or self._extended_set is None:
                self._extended_set = base.with_rules(rules, version)
                self._extended_key = key
            return self._extended_set

    @staticmethod
    def _reload(load: Callable[[], T], previous: T | None) -> T:
        try:
            return load()
        except Exception:
            if previous is None:
                raise  # nothing to screen with: the worker must say so, not guess
            log.exception("a changed rule pack or model did not load; keeping %s", previous)
            return previous

    def assess(self, snapshots: Sequence[OfferText], *,
               holds: Sequence[str | None] | None = None,
               extra: tuple[str, Sequence[Rule]] | None = None,
               ) -> tuple[Artifacts, list[Assessment]]:
        """Screen a batch with the current artifacts; return which ones were used.

        `extra` adds versioned rules from outside the packs (rights holders' brands).
        """
        art = self.current()
        if extra is not None and extra[1]:
            art = replace(art, ruleset=self._extended(art.ruleset, *extra))
        return art, assess_many(
            snapshots, ruleset=art.ruleset, classifier=art.classifier, policy=art.policy,
            holds=holds,
        )


_screener: Screener | None = None


def get_screener() -> Screener:
    """Return the process-wide screener."""
    global _screener
    if _screener is None:
        _screener = Screener()
    return _screener


def reset_screener() -> None:
    """Forget the process-wide screener (settings changed)."""
    global _screener
    _screener = None
