"""One screening batch: the live routes under the flood guard, and the shadow runs beside it.

What "in shadow" means for each kind of subject the flood guard trips:

* a rule: its hits are left out when routing (the live screening neither shows nor acts on
  them); what the offer would have got with them is stored as a "flood" shadow screening.
* a rule pack version: the version this process screened with before it routes, if the
  process still has it (it reloaded the pack since it started); otherwise the tripped
  version's own rules do not route at all (rights holders' rules still do). Either way the
  tripped version's results are stored as shadow screenings where they differ.
* a model version: likewise the previous bundle's score routes if this process has it;
  otherwise the score is kept as evidence but sends nothing to review.

A trip found on this batch already applies to it: the flood is stopped before it opens
cases, not one batch later. A configured candidate (SHADOW_RULES_DIR, SHADOW_MODEL_DIR)
is screened on every batch with the same holds, and stored for every offer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from models.score import Score
from moderation.config import get_settings
from moderation.domain import Assessment
from moderation.screening import compare, flood, shadow
from moderation.screening.screener import Artifacts, Screener
from rules.engine import RuleSet
from rules.model import Rule
from rules.types import Hit, OfferText

Hits = Sequence[Sequence[Hit]]


def _rule_ids(ruleset: RuleSet) -> frozenset[str]:
    # A few hundred ids: cheaper to build per batch than to keep old rule sets alive for.
    return frozenset(rule.id for rule in ruleset.rules)


@dataclass(frozen=True, slots=True)
class _Batch:
    """The batch as the current pack and model see it, before any trip applies."""

    current: Artifacts
    ruleset: RuleSet  # the current pack with rights holders' rules
    snapshots: Sequence[OfferText]
    hits: Hits
    scores: Sequence[Score]
    holds: Sequence[str | None]


@dataclass(frozen=True, slots=True)
class _Live:
    artifacts: Artifacts
    assessments: list[Assessment]
    model_routes: bool


def assess_batch(session: Session, screener: Screener, rows: Sequence[Any],
                 snapshots: Sequence[OfferText], *, holds: Sequence[str | None] | None,
                 extra: tuple[str, Sequence[Rule]] | None, now: datetime
                 ) -> tuple[Artifacts, list[Assessment]]:
    """Screen a batch of offer rows; return the artifacts that routed and the live routes."""
    settings = get_settings()
    current = screener.current()
    ruleset = screener.extend(current.ruleset, extra)
    batch = _Batch(current, ruleset, snapshots, ruleset.evaluate_many(snapshots),
                   current.classifier.score_many(snapshots),
                   list(holds) if holds is not None else [None] * len(snapshots))
    tripped: frozenset[flood.Subject] = frozenset()
    if settings.flood_guard and snapshots:
        tripped, exempt = flood.guarded(session, now=now, settings=settings)
        counts = flood.BatchCounts.of(
            pack_rule_ids=_rule_ids(current.ruleset), rules_version=current.ruleset.version,
            model_version=current.classifier.version, policy=current.policy,
            hits=batch.hits, scores=batch.scores)
        flood.record(session, counts, now=now)
        tripped |= flood.check(session, counts, tripped=tripped, exempt=exempt, now=now,
                               settings=settings)
    raw = [current.policy.route(h, s, hold=r)
           for h, s, r in zip(batch.hits, batch.scores, batch.holds, strict=True)]
    live = _route_live(screener, batch, raw, tripped, extra)
    results: list[shadow.ShadowResult] = []
    live_flags = _LiveFlags(live)
    if live.assessments is not raw:
        results += _flood_results(rows, batch, raw, live, live_flags)
    candidate = screener.shadow()
    if candidate is not None:
        results += _candidate_results(screener, rows, batch, candidate, live, live_flags, extra)
    shadow.store(session, results, now=now)
    return live.artifacts, live.assessments


def _route_live(screener: Screener, batch: _Batch, raw: list[Assessment],
                tripped: frozenset[flood.Subject],
                extra: tuple[str, Sequence[Rule]] | None) -> _Live:
    """Route with what is not in shadow; `raw` itself when no trip touches this batch."""
    current = batch.current
    masked = {name for kind, name in tripped if kind == "rule"}
    pack_out = ("rules", current.ruleset.version) in tripped
    model_out = ("model", current.classifier.version) in tripped
    if not (pack_out or model_out or any(h.rule_id in masked for hs in batch.hits for h in hs)):
        return _Live(Artifacts(batch.ruleset, current.classifier, current.policy), raw, True)
    ruleset, hits = batch.ruleset, batch.hits
    if pack_out:
        previous = screener.previous_rules()
        if previous is not None and ("rules", previous.version) not in tripped:
            ruleset = screener.extend(previous, extra)
            hits = ruleset.evaluate_many(batch.snapshots)
        else:
            own = _rule_ids(current.ruleset)
            hits = [[h for h in hs if h.rule_id not in own] for hs in hits]
    classifier, policy, scores, model_routes = (current.classifier, current.policy,
                                                batch.scores, True)
    if model_out:
        previous_model = screener.previous_model()
        if previous_model is not None and ("model", previous_model.version) not in tripped:
            classifier, policy = previous_model.classifier, previous_model.policy
            scores = classifier.score_many(batch.snapshots)
        else:
            model_routes = False
    if masked:
        hits = [[h for h in hs if h.rule_id not in masked] for hs in hits]
    assessments = [policy.route(h, s, hold=r, model_routes=model_routes)
                   for h, s, r in zip(hits, scores, batch.holds, strict=True)]
    return _Live(Artifacts(ruleset, classifier, policy), assessments, model_routes)


class _LiveFlags:
    """The live flags of each offer, worked out once and only if a shadow needs them."""

    def __init__(self, live: _Live) -> None:
        self._live = live
        self._flags: list[dict[str, str]] | None = None

    def __getitem__(self, i: int) -> dict[str, str]:
        if self._flags is None:
            policy, routes = self._live.artifacts.policy, self._live.model_routes
            self._flags = [compare.flags(a, policy, model_routes=routes)
                           for a in self._live.assessments]
        return self._flags[i]


def _flood_results(rows: Sequence[Any], batch: _Batch, raw: list[Assessment], live: _Live,
                   live_flags: _LiveFlags) -> list[shadow.ShadowResult]:
    """What the shadowed rules and versions would have done, where it differs from live."""
    current = batch.current
    results = []
    for i, (row, would, did) in enumerate(zip(rows, raw, live.assessments, strict=True)):
        flags = compare.flags(would, current.policy)
        if would.route is did.route and flags == live_flags[i]:
            continue
        results.append(shadow.ShadowResult(
            offer_id=row.id, offer_version=row.version, origin=shadow.FLOOD, assessment=would,
            flags=flags, live=did, live_flags=live_flags[i],
            rules_version=current.ruleset.version, model_version=current.classifier.version))
    return results


def _candidate_results(screener: Screener, rows: Sequence[Any], batch: _Batch,
                       candidate: Artifacts, live: _Live, live_flags: _LiveFlags,
                       extra: tuple[str, Sequence[Rule]] | None) -> list[shadow.ShadowResult]:
    """The configured shadow pair on every offer (a half that is live is not run twice)."""
    current = batch.current
    hits = (batch.hits if candidate.ruleset is current.ruleset
            else screener.extend(candidate.ruleset, extra).evaluate_many(batch.snapshots))
    scores = (batch.scores if candidate.classifier is current.classifier
              else candidate.classifier.score_many(batch.snapshots))
    results = []
    for i, (row, h, s, r) in enumerate(zip(rows, hits, scores, batch.holds, strict=True)):
        would = candidate.policy.route(h, s, hold=r)
        results.append(shadow.ShadowResult(
            offer_id=row.id, offer_version=row.version, origin=shadow.CANDIDATE,
            assessment=would, flags=compare.flags(would, candidate.policy),
            live=live.assessments[i], live_flags=live_flags[i],
            rules_version=candidate.ruleset.version,
            model_version=candidate.classifier.version))
    return results
