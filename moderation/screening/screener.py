"""The current rule pack and model bundle, and any shadow ones, reloaded when they change;
beside them, what screening reads from the database, rebuilt when that changes."""

from __future__ import annotations

import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Generic, Protocol, TypeVar

from models.bundle import Classifier, load_bundle
from models.train import DEFAULT_BUNDLE_DIR
from moderation.config import Settings, get_settings
from moderation.domain import Assessment
from moderation.policy import Policy
from moderation.protection.rights_rules import RightsRulesCache
from moderation.safety.active_alerts import ActiveAlertsCache
from moderation.safety.judge import LearnedMatcher
from moderation.screening.pipeline import assess_many
from rules.engine import RuleSet
from rules.loader import DEFAULT_PACKS_DIR, load_ruleset
from rules.model import Rule
from rules.types import OfferText

log = logging.getLogger(__name__)
Fingerprint = tuple[tuple[str, int, int], ...]
# Rule sets extended with rights holders' rules, kept per (pack version, rights version):
# the live pack, and while configured or tripped, a shadow or a previous one.
EXTENDED_KEPT = 4


class Versioned(Protocol):
    @property
    def version(self) -> str: ...


V = TypeVar("V", bound=Versioned)


def _fingerprint(*paths: Path) -> Fingerprint:
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
class Model:
    """A model bundle with the score cut-offs resolved against it."""

    classifier: Classifier
    policy: Policy

    @property
    def version(self) -> str:
        return self.classifier.version


@dataclass(frozen=True, slots=True)
class Artifacts:
    ruleset: RuleSet
    classifier: Classifier
    policy: Policy


class _Watched(Generic[V]):
    """One artifact on disk, reloaded between batches when its files change.

    A live artifact that does not load at start is an error (nothing to screen with); a
    change that does not load keeps the version before it and is retried on the next batch.
    A shadow artifact never stops screening: it is skipped until its files change again.
    The version a reload replaced stays in `previous`, for the flood guard to fall back on.
    """

    def __init__(self, what: str, paths: Sequence[Path], load: Callable[[], V], *,
                 live: bool) -> None:
        self.what, self.paths, self.load, self.live = what, tuple(paths), load, live
        self.value: V | None = None
        self.previous: V | None = None
        self._print: Fingerprint | None = None

    def get(self) -> V | None:
        fingerprint = _fingerprint(*(p for p in self.paths if p.exists()))
        if fingerprint == self._print:
            return self.value
        try:
            loaded = self.load()
        except Exception:
            if self.live and self.value is None:
                raise  # the worker must say so, not guess
            log.exception("a changed %s did not load; keeping %s", self.what,
                          self.value.version if self.value is not None else "none")
            if not self.live:
                self._print = fingerprint
            return self.value
        if self.value is not None and loaded.version != self.value.version:
            self.previous = self.value
        self.value, self._print = loaded, fingerprint
        return self.value


def _rules_paths(directory: Path) -> list[Path]:
    return [directory, directory.parent / "data"]


class Screener:
    """Screens batches with whatever rule pack and model are current.

    Workers on many hosts share nothing but the database and Redis, so each one watches the
    files it was pointed at and swaps in a new version between batches, without a restart.
    With SHADOW_RULES_DIR or SHADOW_MODEL_DIR it watches a candidate pack or bundle too.
    It keeps what a batch reads from the database as well, each checked by one small query
    per batch: the rules of the rights in force (`rights`) and the active safety alerts
    (`alerts`), with the learned product matcher that judges offers against them (`matcher`).
    """

    def __init__(self, settings: Settings | None = None) -> None:
        settings = settings or get_settings()
        self.rules_dir = settings.rules_dir or DEFAULT_PACKS_DIR
        self.model_dir = settings.model_dir or DEFAULT_BUNDLE_DIR
        key = settings.model_signing_key.encode()
        self._lock = threading.Lock()
        self._rules = _watch_rules(self.rules_dir, live=True)
        self._model = _watch_model(self.model_dir, key, live=True)
        self._shadow_rules = (_watch_rules(settings.shadow_rules_dir, live=False)
                              if settings.shadow_rules_dir else None)
        self._shadow_model = (_watch_model(settings.shadow_model_dir, key, live=False)
                              if settings.shadow_model_dir else None)
        self._extended: OrderedDict[tuple[str, str], RuleSet] = OrderedDict()
        self.rights = RightsRulesCache(rules_dir=settings.rules_dir)
        self.alerts = ActiveAlertsCache()
        self.matcher = LearnedMatcher(signing_key=key)

    def current(self) -> Artifacts:
        """Return the live artifacts, reloading whichever changed on disk."""
        with self._lock:
            ruleset, model = self._rules.get(), self._model.get()
            assert ruleset is not None and model is not None
            return Artifacts(ruleset, model.classifier, model.policy)

    def shadow(self) -> Artifacts | None:
        """The candidate pair (shadow pack or live pack, shadow model or live model), if any.

        None when no shadow is configured, or none of the configured ones has loaded.
        """
        live = self.current()
        with self._lock:
            rules = self._shadow_rules.get() if self._shadow_rules else None
            model = self._shadow_model.get() if self._shadow_model else None
        if rules is None and model is None:
            return None
        return Artifacts(rules or live.ruleset,
                         model.classifier if model else live.classifier,
                         model.policy if model else live.policy)

    def previous_rules(self) -> RuleSet | None:
        """The live pack version this process screened with before the current one."""
        with self._lock:
            return self._rules.previous

    def previous_model(self) -> Model | None:
        """The live model version this process screened with before the current one."""
        with self._lock:
            return self._model.previous

    def extend(self, base: RuleSet, extra: tuple[str, Sequence[Rule]] | None) -> RuleSet:
        """The pack plus extra versioned rules (rights holders' brands), compiled once."""
        if extra is None or not extra[1]:
            return base
        key = (base.version, extra[0])
        with self._lock:
            extended = self._extended.get(key)
            if extended is None:
                extended = base.with_rules(extra[1], extra[0])
                self._extended[key] = extended
                while len(self._extended) > EXTENDED_KEPT:
                    self._extended.popitem(last=False)
            self._extended.move_to_end(key)
            return extended

    def assess(self, snapshots: Sequence[OfferText], *,
               holds: Sequence[str | None] | None = None,
               extra: tuple[str, Sequence[Rule]] | None = None,
               ) -> tuple[Artifacts, list[Assessment]]:
        """Screen a batch with the current artifacts; return which ones were used.

        `extra` adds versioned rules from outside the packs (rights holders' brands).
        """
        art = self.current()
        art = replace(art, ruleset=self.extend(art.ruleset, extra))
        return art, assess_many(
            snapshots, ruleset=art.ruleset, classifier=art.classifier, policy=art.policy,
            holds=holds,
        )


def _watch_rules(directory: Path, *, live: bool) -> _Watched[RuleSet]:
    return _Watched("rule pack" if live else "shadow rule pack", _rules_paths(directory),
                    lambda: load_ruleset(directory), live=live)


def _load_model(directory: Path, key: bytes) -> Model:
    classifier = load_bundle(directory, signing_key=key)
    return Model(classifier, Policy.for_thresholds(classifier.threshold_for))


def _watch_model(directory: Path, key: bytes, *, live: bool) -> _Watched[Model]:
    return _Watched("model bundle" if live else "shadow model bundle", [directory],
                    lambda: _load_model(directory, key), live=live)

