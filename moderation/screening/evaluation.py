"""Screening measured on real listings of shops the model never saw: what a marketplace would get.

Every figure comes from the whole screening (rules, classifier, policy) on real lawful
listings: per held-out shop and for the Flipkart half training never read, the share sent to
review (by the rules, by the model alone), the share blocked (must be 0), and for every offer
the model sent to review, the features that pushed it. Positives are the same held-out
listings with INJECTED words (models.inject), with the words used in training and with words
kept back from it, so recall on wording the model never saw is visible too.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from models import inject
from models.listings import FLIPKART_TRAINING_ROWS, Listing, read_flipkart, read_shops
from moderation.domain import Route
from moderation.policy import MODEL_REASON
from moderation.screening.screener import Screener
from rules.normalise import fold
from rules.types import OfferText

BATCH = 500
# Category words of medicines: a pharmacy's medicines are lawful, but a marketplace may
# rightly send them to a person, so they are counted apart from the rest of the shop.
MEDICINE_WORDS = ("leki", "lek ", "homeopat", "produkt leczniczy", "leki i suplementy")
FLIPKART_HELD_OUT = "flipkart (rows 5000-9999)"


@dataclass
class SourceReport:
    """What screening did with one source's lawful listings."""

    source: str
    listings: int = 0
    routes: Counter[str] = field(default_factory=Counter)
    by_rules: int = 0  # sent to review or blocked by a rule (or a hold)
    by_model: int = 0  # sent to review by the model alone
    flagged: list[dict[str, Any]] = field(default_factory=list)

    @property
    def review_share(self) -> float:
        return self.routes[Route.REVIEW.value] / self.listings if self.listings else 0.0

    @property
    def block_share(self) -> float:
        return self.routes[Route.BLOCK.value] / self.listings if self.listings else 0.0

    def as_json(self) -> dict[str, Any]:
        return {"source": self.source, "listings": self.listings,
                "review_share": self.review_share, "block_share": self.block_share,
                "review_by_rules": self.by_rules, "review_by_model": self.by_model,
                "routes": dict(self.routes), "flagged": self.flagged}


def is_medicine(offer: OfferText) -> bool:
    """Whether a listing's category says it is a medicine."""
    category = f" {fold(offer.category or '')} "
    return any(word in category for word in MEDICINE_WORDS)


def _batches(items: Sequence[Listing]) -> Iterable[Sequence[Listing]]:
    for i in range(0, len(items), BATCH):
        yield items[i:i + BATCH]


def screen_lawful(screener: Screener, source: str, items: Sequence[Listing]) -> SourceReport:
    """Screen lawful listings; every offer not allowed is kept with its reasons."""
    report = SourceReport(source)
    for chunk in _batches(items):
        _, assessments = screener.assess([item.offer for item in chunk])
        for item, a in zip(chunk, assessments, strict=True):
            report.listings += 1
            report.routes[a.route.value] += 1
            if a.route is Route.ALLOW:
                continue
            by_model = a.reason_code == MODEL_REASON
            report.by_model += by_model
            report.by_rules += not by_model
            report.flagged.append({
                "row": item.row, "title": item.offer.title, "route": a.route.value,
                "reason": a.reason_code, "score": round(a.score.value, 4),
                "features": [[name, value] for name, value in a.score.features],
                "rules": sorted({h.rule_id for h in a.hits})})
    return report


def recall_on_injected(screener: Screener, items: Sequence[Listing], *, per_family: int,
                       seed: int) -> dict[str, dict[str, Any]]:
    """Share of injected positives screening does not allow, per family and vocabulary part."""
    rnd = random.Random(seed)
    out: dict[str, dict[str, Any]] = {}
    for family in inject.FAMILIES:
        for part in ("train", "held_back"):
            if not inject.vocabulary(family, part=part):
                continue
            bases = rnd.sample(list(items), min(per_family, len(items)))
            rows = [inject.inject(b.offer, family, rnd, part=part) for b in bases]
            caught = by_model_only = 0
            for chunk_start in range(0, len(rows), BATCH):
                chunk = rows[chunk_start:chunk_start + BATCH]
                _, assessments = screener.assess([r.offer for r in chunk])
                for a in assessments:
                    caught += a.route is not Route.ALLOW
                    by_model_only += a.reason_code == MODEL_REASON
            out[f"{family}/{part}"] = {"offers": len(rows),
                                       "caught": caught / len(rows) if rows else 0.0,
                                       "by_model_only": by_model_only}
    return out


@dataclass
class LabelledScores:
    """Lawful listings (label 0) and injected positives (label 1) with score and route."""

    labels: list[int] = field(default_factory=list)
    scores: list[float] = field(default_factory=list)
    routes: list[str] = field(default_factory=list)
    families: list[str] = field(default_factory=list)


def labelled_scores(screener: Screener, items: Sequence[Listing], *, positives_per_family: int,
                    seed: int = 13) -> LabelledScores:
    """Every lawful listing and injected positives made from them, screened: for curves."""
    rnd = random.Random(seed)
    offers = [(item.offer, 0, "lawful") for item in items]
    for family in inject.FAMILIES:
        for base in rnd.sample(list(items), min(positives_per_family, len(items))):
            offers.append((inject.inject(base.offer, family, rnd, part="all").offer, 1, family))
    out = LabelledScores()
    for start in range(0, len(offers), BATCH):
        chunk = offers[start:start + BATCH]
        _, assessments = screener.assess([o for o, _, _ in chunk])
        for (_, label, family), a in zip(chunk, assessments, strict=True):
            out.labels.append(label)
            out.scores.append(a.score.value)
            out.routes.append(a.route.value)
            out.families.append(family)
    return out


def held_out_sources(listings_dir: Path | None, flipkart_csv: Path | None,
                     held_out: Sequence[str]) -> dict[str, list[Listing]]:
    """The held-out shops (medicines apart) and the Flipkart half training never saw."""
    sources: dict[str, list[Listing]] = {}
    if listings_dir is not None:
        for shop, items in read_shops(listings_dir, only=set(held_out)).items():
            medicines = [i for i in items if is_medicine(i.offer)]
            sources[shop] = [i for i in items if not is_medicine(i.offer)]
            if medicines:
                sources[f"{shop} (medicines)"] = medicines
    if flipkart_csv is not None:
        sources[FLIPKART_HELD_OUT] = read_flipkart(
            flipkart_csv, rows=range(FLIPKART_TRAINING_ROWS, 10 ** 9))
    return sources


def evaluate(screener: Screener, *, listings_dir: Path | None, flipkart_csv: Path | None,
             held_out: Sequence[str] | None = None, per_family: int = 200, seed: int = 11
             ) -> dict[str, Any]:
    """The whole evaluation: lawful figures per source, injected recall, versions used."""
    artifacts = screener.current()
    shops = list(held_out if held_out is not None else artifacts.classifier.manifest.get(
        "training_data", {}).get("held_out_shops", []))
    sources = held_out_sources(listings_dir, flipkart_csv, shops)
    reports = [screen_lawful(screener, name, items) for name, items in sources.items()]
    lawful = [item for name, items in sources.items() if not name.endswith("(medicines)")
              for item in items]
    total = sum(r.listings for r in reports if not r.source.endswith("(medicines)"))
    review = sum(r.routes[Route.REVIEW.value] for r in reports
                 if not r.source.endswith("(medicines)"))
    return {
        "rules_version": artifacts.ruleset.version,
        "model_version": artifacts.classifier.version,
        "review_threshold": artifacts.policy.review_threshold,
        "held_out_shops": shops,
        "sources": [r.as_json() for r in reports],
        "all_lawful": {"listings": total, "review_share": review / total if total else 0.0,
                       "blocked": sum(r.routes[Route.BLOCK.value] for r in reports)},
        "injected": recall_on_injected(screener, lawful, per_family=per_family, seed=seed),
    }
