"""Training on real listings: whole shops in, injected positives, thresholds from unseen shops.

What is real and what is not:

* negatives are REAL lawful listings: the Polish shop feeds of `../shared/data/polish-listings`
  (read from that folder, never copied into the repository) except the shops held out for
  evaluation, and the first half of the Flipkart titles (`models/data/`, CC BY-SA 4.0);
* positives are the same kind of real listings with INJECTED words (`models.inject`): a
  counterfeit marker, a brand ridden on, prohibited-goods wording, an illegal health claim;
* lawful twins are real listings with INJECTED lawful look-alike wording ("jak nowy");
* hard negatives are a small HAND-WRITTEN set of lawful offers that share words with
  violations (`models/data/hard_negatives.csv`).

Thresholds are chosen on out-of-fold scores, folds by shop: every score used to choose one
comes from a model that never saw that listing's shop (or its injected twins).
"""

from __future__ import annotations

import csv
import hashlib
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits

from models import inject
from models.bundle import FORMAT, Classifier, fitted_fingerprint, library_versions
from models.features import OfferFeaturizer, fold_fingerprint
from models.listings import (
    FLIPKART,
    FLIPKART_TRAINING_ROWS,
    Listing,
    read_flipkart,
    read_shops,
)
from models.metrics import ranking_metrics, threshold_table
from models.signing import DEFAULT_BUNDLE_DIR as DEFAULT_BUNDLE_DIR
from rules.normalise import fold
from rules.types import OfferText

MODELS_DIR = Path(__file__).resolve().parent
DEFAULT_LISTINGS_DIR = MODELS_DIR.parent.parent / "shared" / "data" / "polish-listings"
DEFAULT_FLIPKART_PATH = MODELS_DIR / "data" / "benign_listings_sample.csv"
HARD_NEGATIVES_PATH = MODELS_DIR / "data" / "hard_negatives.csv"
# Whole shops kept out of training, for `moderation eval screening` to measure on: one per
# vertical that training has a neighbour of (supplements, lamps) and several it has not
# (pharmacy, esoteric, films, door handles).
HELD_OUT_SHOPS = ("iklamki_doorhandles", "mediamarkt_movies", "medkon_pharmacy",
                  "moonsister_esoteric", "ostrovit_supplements", "twojelampy_lamps")
DEFAULT_SEED = 7
# Injected positives and lawful twins per real lawful training listing.
POSITIVE_SHARE = 0.35
TWIN_SHARE = 0.6
FOLDS = 5
# Inverse regularisation of the logistic regression.
DEFAULT_C = 4.0
# Flipkart is one source: its rows are cut into blocks so that folds can hold some out.
FLIPKART_BLOCK = 1_000
REAL, INJECTED, TWIN, HARD = "real", "injected", "lawful_twin", "hard_negative"
# A positive's listing with the same words in the same place but the infringing ones.
CONTRAST = "contrast_twin"


@dataclass(frozen=True)
class TrainingSet:
    """Every labelled offer, what kind of row it is, and the group (shop) it belongs to."""

    offers: list[OfferText]
    labels: np.ndarray
    kinds: list[str]  # REAL, INJECTED, CONTRAST, TWIN or HARD
    families: list[str]  # the injected family, or the kind
    groups: list[str]  # shop, Flipkart block, or "hard_negatives"
    description: dict[str, Any]

    def mask(self, kind: str) -> np.ndarray:
        return np.array([k == kind for k in self.kinds])


def read_hard_negatives(path: Path | str = HARD_NEGATIVES_PATH) -> list[OfferText]:
    """The hand-written lawful look-alikes (columns title, description, brand, category)."""
    with Path(path).open(encoding="utf-8", newline="") as fh:
        return [OfferText(title=r["title"], description=r.get("description") or "",
                          brand=r.get("brand") or None, category=r.get("category") or None)
                for r in csv.DictReader(fh)]


def read_benign(path: Path | str, *, limit: int | None = None) -> list[OfferText]:
    """Flipkart titles as offers (for benchmarks)."""
    rows = range(limit) if limit is not None else None
    return [item.offer for item in read_flipkart(path, rows=rows)]


def real_training_listings(
    *, listings_dir: Path | str | None, flipkart_path: Path | str,
    held_out: Sequence[str] = HELD_OUT_SHOPS, per_shop_limit: int | None = None,
    flipkart_limit: int | None = None,
) -> list[Listing]:
    """Real lawful listings of the training shops and of Flipkart's training half."""
    listings: list[Listing] = []
    if listings_dir is not None:
        for shop, items in read_shops(listings_dir).items():
            if shop not in held_out:
                listings.extend(items[:per_shop_limit])
    rows = range(min(flipkart_limit or FLIPKART_TRAINING_ROWS, FLIPKART_TRAINING_ROWS))
    listings.extend(read_flipkart(flipkart_path, rows=rows))
    return listings


def _group(item: Listing) -> str:
    if item.source == FLIPKART:
        return f"{FLIPKART}:{item.row // FLIPKART_BLOCK}"
    return item.source


def _sha256(path: Path | str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def build_training_set(
    *, listings_dir: Path | str | None = DEFAULT_LISTINGS_DIR,
    flipkart_path: Path | str = DEFAULT_FLIPKART_PATH,
    hard_negatives_path: Path | str = HARD_NEGATIVES_PATH,
    held_out: Sequence[str] = HELD_OUT_SHOPS, seed: int = DEFAULT_SEED,
    per_shop_limit: int | None = None, flipkart_limit: int | None = None,
    positive_share: float = POSITIVE_SHARE, twin_share: float = TWIN_SHARE,
) -> TrainingSet:
    """Real listings, their injected positives and twins, and the hard negatives."""
    real = real_training_listings(listings_dir=listings_dir, flipkart_path=flipkart_path,
                                  held_out=held_out, per_shop_limit=per_shop_limit,
                                  flipkart_limit=flipkart_limit)
    if not real:
        raise ValueError("no real listings to train on")
    rnd = random.Random(seed)
    offers = [item.offer for item in real]
    labels = [0] * len(real)
    kinds = [REAL] * len(real)
    families = [REAL] * len(real)
    groups = [_group(item) for item in real]
    # Each injected row stays in the group of the listing it was made from: a fold that holds
    # a shop out holds out its injected rows too.
    n_pos = round(positive_share * len(real))
    bases = rnd.sample(range(len(real)), min(n_pos, len(real)))
    for base, family in zip(bases, inject.families_for(len(bases), rnd), strict=True):
        row = inject.inject(real[base].offer, family, rnd)
        offers.append(row.offer)
        labels.append(1)
        kinds.append(INJECTED)
        families.append(family)
        groups.append(groups[base])
        if row.contrast is not None and row.contrast != real[base].offer:
            offers.append(row.contrast)
            labels.append(0)
            kinds.append(CONTRAST)
            families.append(CONTRAST)
            groups.append(groups[base])
    for base in rnd.sample(range(len(real)), min(round(twin_share * len(real)), len(real))):
        twin = inject.lawful_twin(real[base].offer, rnd)
        offers.append(twin.offer)
        labels.append(0)
        kinds.append(TWIN)
        families.append(TWIN)
        groups.append(groups[base])
    hard = read_hard_negatives(hard_negatives_path)
    offers.extend(hard)
    labels.extend([0] * len(hard))
    kinds.extend([HARD] * len(hard))
    families.extend([HARD] * len(hard))
    groups.extend(["hard_negatives"] * len(hard))
    description = {
        "seed": seed,
        "real_rows_by_source": dict(sorted(Counter(item.source for item in real).items())),
        "held_out_shops": sorted(held_out),
        "rows_by_kind": dict(sorted(Counter(kinds).items())),
        "positives_by_family": dict(sorted(Counter(
            f for f, k in zip(families, kinds, strict=True) if k == INJECTED).items())),
        "flipkart_file": Path(flipkart_path).name, "flipkart_sha256": _sha256(flipkart_path),
        "hard_negatives_sha256": _sha256(hard_negatives_path),
        "note": ("real rows: shop feeds read from the listings folder (not in the repository) "
                 "and Flipkart rows 0-4999; injected rows: real rows with words put in by "
                 "models/inject.py; hard negatives: hand-written"),
    }
    return TrainingSet(offers, np.asarray(labels, dtype=np.int8), kinds, families, groups,
                       description)


def make_pipeline(*, C: float = DEFAULT_C, **featurizer_params: Any) -> Pipeline:
    """The untrained pipeline: featuriser then an L2 logistic regression."""
    return Pipeline([
        ("features", OfferFeaturizer(**featurizer_params)),
        # liblinear: exact, single-threaded and seconds on this data.
        ("model", LogisticRegression(C=C, solver="liblinear", max_iter=1_000,
                                     random_state=0)),
    ])


def out_of_fold_scores(data: TrainingSet, *, folds: int = FOLDS, C: float = DEFAULT_C,
                       **featurizer_params: Any) -> np.ndarray:
    """Each row's score from a model trained without its group (shop)."""
    groups = np.asarray(data.groups)
    n_groups = len(set(data.groups))
    if n_groups < 2:
        raise ValueError("out-of-fold scores need at least two groups (shops)")
    scores = np.zeros(len(data.offers))
    splitter = GroupKFold(n_splits=min(folds, n_groups))
    for train_idx, test_idx in splitter.split(data.offers, data.labels, groups):
        pipeline = make_pipeline(C=C, **featurizer_params).fit(
            [data.offers[i] for i in train_idx], data.labels[train_idx])
        scores[test_idx] = pipeline.predict_proba([data.offers[i] for i in test_idx])[:, 1]
    return scores


def _lawful_share_by_source(data: TrainingSet, scores: np.ndarray,
                            threshold: float) -> dict[str, float]:
    real = data.mask(REAL)
    out: dict[str, list[bool]] = {}
    for i in np.flatnonzero(real):
        out.setdefault(data.groups[i].split(":")[0], []).append(bool(scores[i] >= threshold))
    return {source: float(np.mean(flags)) for source, flags in sorted(out.items())}


def fit_classifier(data: TrainingSet, *, C: float = DEFAULT_C, folds: int = FOLDS,
                   review_share: float = 0.003, **featurizer_params: Any) -> Classifier:
    """Choose thresholds out of fold, then fit on everything; `review_share` for the report."""
    # One BLAS thread: the thread count changes float summation order, hence the coefficients'
    # last bits, the pipeline's bytes and its version. Training takes minutes either way.
    with threadpool_limits(limits=1):
        oof = out_of_fold_scores(data, folds=folds, C=C, **featurizer_params)
        pipeline = make_pipeline(C=C, **featurizer_params).fit(data.offers, data.labels)
    real, injected = data.mask(REAL), data.mask(INJECTED)
    by_family = {f: oof[[i for i in np.flatnonzero(injected) if data.families[i] == f]]
                 for f in sorted(set(data.families[i] for i in np.flatnonzero(injected)))}
    table = threshold_table(oof[real], oof[injected], positive_groups=by_family)
    review = next(r for r in reversed(table) if r["max_lawful_share"] <= review_share)
    now = datetime.now(UTC)
    featurizer = pipeline.named_steps["features"]
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "version": f"clf-{now:%Y%m%d}-{fitted_fingerprint(pipeline)[:8]}",
        "created_at": now.isoformat(timespec="seconds"),
        "libraries": library_versions(),
        "normaliser": {"function": f"{fold.__module__}.{fold.__qualname__}",
                       "fingerprint": fold_fingerprint()},
        "features": {**featurizer.get_params(),
                     "n_features": len(featurizer.get_feature_names_out())},
        "model": {"type": "LogisticRegression", "C": C, "solver": "liblinear"},
        "training_data": data.description,
        "metrics": {
            "out_of_fold": {
                "folds": "by shop (GroupKFold); Flipkart in blocks of 1,000 rows",
                "lawful_vs_injected": ranking_metrics(
                    np.concatenate([np.zeros(int(real.sum())), np.ones(int(injected.sum()))]),
                    np.concatenate([oof[real], oof[injected]])),
                "lawful_share_by_source_at_review": {
                    "max_lawful_share": review["max_lawful_share"],
                    "threshold": review["threshold"],
                    "by_source": _lawful_share_by_source(data, oof, review["threshold"])},
            },
        },
        "thresholds": table,
    }
    return Classifier(pipeline, manifest)


def train_bundle(
    *, listings_dir: Path | str | None = DEFAULT_LISTINGS_DIR,
    flipkart_path: Path | str = DEFAULT_FLIPKART_PATH, seed: int = DEFAULT_SEED,
    C: float = DEFAULT_C, **featurizer_params: Any,
) -> Classifier:
    """Build the training set and fit a classifier on it (not yet saved: see save_bundle)."""
    if listings_dir is not None and not Path(listings_dir).is_dir():
        raise FileNotFoundError(
            f"no shop feeds at {listings_dir}: training reads the real Polish listings from "
            "the shared data folder (give its path)")
    data = build_training_set(listings_dir=listings_dir, flipkart_path=flipkart_path,
                              seed=seed)
    return fit_classifier(data, C=C, **featurizer_params)


def main(argv: Sequence[str] | None = None) -> None:
    """Train the default bundle into DEFAULT_BUNDLE_DIR with the dev key."""
    import argparse
    import json

    from models.bundle import DEV_SIGNING_KEY, save_bundle

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--out", type=Path, default=DEFAULT_BUNDLE_DIR)
    parser.add_argument("--listings", type=Path, default=DEFAULT_LISTINGS_DIR)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    clf = train_bundle(listings_dir=args.listings, seed=args.seed)
    manifest = save_bundle(clf, args.out, signing_key=DEV_SIGNING_KEY)
    print(f"wrote {args.out} ({clf.version})")
    print(json.dumps({"metrics": manifest["metrics"], "thresholds": manifest["thresholds"]},
                     indent=2))


if __name__ == "__main__":
    main()
