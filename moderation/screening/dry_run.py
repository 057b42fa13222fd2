"""Dry-run screening of a file: what the current (or a given) rules and model would do.

With a second pair to compare (another rule pack or model bundle), every offer is screened
both ways and the summary says what would change: the route transition matrix, per rule
the offers it newly flags or no longer flags, and examples of offers that move.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import IO, Any, TypeVar

from moderation.config import Settings
from moderation.domain import Assessment
from moderation.intake.files import Rejected, read_offer_texts
from moderation.screening.compare import Comparison, flags
from moderation.screening.hits import hit_json
from moderation.screening.screener import Artifacts, Screener
from rules.types import OfferText

BATCH = 500
T = TypeVar("T")


@dataclass
class DryRunSummary:
    routes: Counter[str] = field(default_factory=Counter)
    rules: Counter[str] = field(default_factory=Counter)
    total: int = 0
    skipped: list[Rejected] = field(default_factory=list)
    rules_version: str = ""
    model_version: str = ""
    # With a comparison: the other pair's versions and routes, and what moves.
    comparison: Comparison | None = None
    other_routes: Counter[str] = field(default_factory=Counter)
    other_rules_version: str = ""
    other_model_version: str = ""


def _batches(it: Iterator[T], size: int) -> Iterator[list[T]]:
    while chunk := list(islice(it, size)):
        yield chunk


def _line(a: Assessment) -> dict[str, Any]:
    return {"route": a.route.value, "priority": a.priority, "reason_code": a.reason_code,
            "score": round(a.score.value, 4),
            "features": [list(f) for f in a.score.features],
            "hits": [hit_json(h) for h in a.hits]}


def screen_file(path: Path, out: IO[str], *, settings: Settings, skip: int = 0,
                compare_with: Settings | None = None, examples: int = 5) -> DryRunSummary:
    """Screen every offer in the file and write one JSON line each; store nothing.

    `compare_with` names a second rule pack and model (e.g. a candidate pack with the live
    model): each line then carries what it would do under "compare" and whether it moves.
    """
    screener = Screener(settings)
    other = Screener(compare_with) if compare_with is not None else None
    summary = DryRunSummary(comparison=Comparison(examples_per_transition=examples)
                            if other else None)
    for raw in _batches(read_offer_texts(path, skip=skip), BATCH):
        chunk: list[tuple[str, OfferText]] = []
        for offer_id, item in raw:
            if isinstance(item, Rejected):
                summary.skipped.append(item)
            else:
                chunk.append((offer_id, item))
        if not chunk:
            continue
        texts = [t for _, t in chunk]
        artifacts, assessments = screener.assess(texts)
        summary.rules_version = artifacts.ruleset.version
        summary.model_version = artifacts.classifier.version
        others: list[Assessment | None] = [None] * len(chunk)
        other_art: Artifacts | None = None
        if other is not None:
            other_art, assessed = other.assess(texts)
            others = list(assessed)
            summary.other_rules_version = other_art.ruleset.version
            summary.other_model_version = other_art.classifier.version
        for (offer_id, text), a, b in zip(chunk, assessments, others, strict=True):
            summary.total += 1
            summary.routes[a.route.value] += 1
            for hit in a.hits:
                summary.rules[hit.rule_id] += 1
            line = {"id": offer_id, **_line(a)}
            if b is not None and other_art is not None and summary.comparison is not None:
                summary.other_routes[b.route.value] += 1
                move = summary.comparison.add(
                    offer=offer_id, title=text.title, live=a,
                    live_flags=flags(a, artifacts.policy), other=b,
                    other_flags=flags(b, other_art.policy))
                line["moved"] = move is not None
                line["compare"] = _line(b)
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
    return summary


def artifact_kind(directory: Path) -> str:
    """Whether a directory holds a model bundle ("model") or a rule pack ("rules")."""
    if (directory / "manifest.json").is_file():
        return "model"
    if any(directory.glob("*.yaml")) or any(directory.glob("*.yml")):
        return "rules"
    raise ValueError(f"{directory} holds neither a model bundle (manifest.json) nor a rule "
                     f"pack (*.yaml)")
