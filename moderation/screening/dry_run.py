"""Dry-run screening of a file: what the current (or a given) rules and model would do."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import IO, TypeVar

from moderation.config import Settings
from moderation.intake.files import Rejected, read_offer_texts
from moderation.screening.batches import hit_json
from moderation.screening.screener import Screener
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


def _batches(it: Iterator[T], size: int) -> Iterator[list[T]]:
    while chunk := list(islice(it, size)):
        yield chunk


def screen_file(path: Path, out: IO[str], *, settings: Settings, skip: int = 0) -> DryRunSummary:
    """Screen every offer in the file and write one JSON line each; store nothing."""
    screener = Screener(settings)
    summary = DryRunSummary()
    for raw in _batches(read_offer_texts(path, skip=skip), BATCH):
        chunk: list[tuple[str, OfferText]] = []
        for offer_id, item in raw:
            if isinstance(item, Rejected):
                summary.skipped.append(item)
            else:
                chunk.append((offer_id, item))
        if not chunk:
            continue
        ids = [i for i, _ in chunk]
        artifacts, assessments = screener.assess([t for _, t in chunk])
        summary.rules_version = artifacts.ruleset.version
        summary.model_version = artifacts.classifier.version
        for offer_id, a in zip(ids, assessments, strict=True):
            summary.total += 1
            summary.routes[a.route.value] += 1
            for hit in a.hits:
                summary.rules[hit.rule_id] += 1
            out.write(json.dumps({
                "id": offer_id, "route": a.route.value, "priority": a.priority,
                "reason_code": a.reason_code, "score": round(a.score.value, 4),
                "features": [list(f) for f in a.score.features],
                "hits": [hit_json(h) for h in a.hits],
            }, ensure_ascii=False) + "\n")
    return summary
