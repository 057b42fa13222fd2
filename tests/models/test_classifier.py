"""Scoring, explanations and thresholds of a classifier trained on a tiny generated set."""

from __future__ import annotations

import math

import numpy as np
import pytest

from models.bundle import Classifier, Score
from models.metrics import threshold_table
from models.train import TrainingSet, validation_scores
from rules.types import OfferText

POSITIVES = [
    OfferText("Zegarek Rolex Submariner replika 1:1", "Wierna kopia, nie do odróżnienia."),
    OfferText("Torebka Louis Vuitton Neverfull podróbka jakość AAA", category="Moda > Torebki"),
    OfferText("Xanax 2 mg bez recepty", "Recepta nie jest potrzebna.", "Zdrowie > Inne"),
    OfferText("Nike Air Jordan 1 replica 1:1 mirror quality"),
]
NEGATIVES = [
    OfferText("Rower górski Kross Hexagon 7.0 rama 19 cali", "Stan idealny, faktura VAT."),
    OfferText("Etui do iPhone 13 silikonowe", category="Telefony i akcesoria > Etui"),
    OfferText("Buty Nike Air Max 90 rozm. 42 nowe", "Oryginalny produkt, paragon w zestawie."),
    OfferText("Alisha Solid Women's Cycling Shorts"),
]


def test_obvious_positives_score_above_obvious_negatives(tiny_clf: Classifier) -> None:
    pos = [s.value for s in tiny_clf.score_many(POSITIVES)]
    neg = [s.value for s in tiny_clf.score_many(NEGATIVES)]
    assert min(pos) > max(neg), (pos, neg)
    assert min(pos) > 0.5 > max(neg)


def test_validation_split_is_separated(tiny_clf: Classifier) -> None:
    assert tiny_clf.manifest["metrics"]["validation"]["roc_auc"] > 0.95


def test_batch_equals_one_by_one(tiny_clf: Classifier, tiny_data: TrainingSet) -> None:
    offers = POSITIVES + NEGATIVES + [tiny_data.offers[i] for i in tiny_data.validation[:40]]
    batch = tiny_clf.score_many(offers, explain=4)
    single = [tiny_clf.score_many([o], explain=4)[0] for o in offers]
    assert batch == single


def test_explanations_name_the_marker_tokens(tiny_clf: Classifier) -> None:
    score = tiny_clf.score_many([OfferText("Zegarek Rolex Submariner replika 1:1")])[0]
    names = [name for name, _ in score.features]
    assert {"replika", "title:replika"} & set(names), names
    assert {"1:1", "title:1:1"} & set(names), names


def test_explanations_see_through_obfuscation(tiny_clf: Classifier) -> None:
    score = tiny_clf.score_many([OfferText("Torebka Gucci Marmont r.e.p.l.i.k.a")])[0]
    assert {"replika", "title:replika"} & {name for name, _ in score.features}


def test_explanations_are_positive_sorted_and_capped(tiny_clf: Classifier) -> None:
    for score in tiny_clf.score_many(POSITIVES, explain=3):
        values = [v for _, v in score.features]
        assert 0 < len(values) <= 3
        assert values == sorted(values, reverse=True) and all(v > 0 for v in values)
    assert all(s.features == () for s in tiny_clf.score_many(POSITIVES, explain=0))


def test_empty_batch(tiny_clf: Classifier) -> None:
    assert tiny_clf.score_many([]) == []


def test_threshold_table_meets_precision_on_validation(
    tiny_clf: Classifier, tiny_data: TrainingSet
) -> None:
    labels, scores = validation_scores(tiny_clf, tiny_data)
    candidates = np.unique(scores)
    for row in tiny_clf.manifest["thresholds"]:
        if row["threshold"] is None:
            continue
        flagged = scores >= row["threshold"]
        precision = labels[flagged].mean()
        recall = flagged[labels == 1].mean()
        assert precision >= row["precision_target"]
        assert recall == pytest.approx(row["recall"])
        # No other threshold meeting the target catches more.
        for t in candidates:
            f = scores >= t
            if labels[f].mean() >= row["precision_target"]:
                assert f[labels == 1].mean() <= recall + 1e-12


def test_threshold_table_by_hand() -> None:
    labels = np.array([1, 1, 0, 1, 0])
    scores = np.array([0.9, 0.8, 0.7, 0.6, 0.5])
    table = threshold_table(labels, scores, targets=(0.7, 1.0))
    assert table[0] == {"precision_target": 0.7, "threshold": 0.6, "recall": 1.0,
                        "precision": 0.75}
    assert table[1]["threshold"] == 0.8 and table[1]["recall"] == pytest.approx(2 / 3)
    # Same best recall at 0.6, 0.7 and 0.8: keep the highest (same catch, fewest flags).
    tie = threshold_table(np.array([1, 1, 0, 0]), np.array([0.9, 0.8, 0.7, 0.6]), targets=(0.5,))
    assert (tie[0]["threshold"], tie[0]["precision"]) == (0.8, 1.0)
    unreachable = threshold_table(np.array([0, 0, 1]), np.array([0.9, 0.8, 0.1]), targets=(0.99,))
    assert unreachable[0]["threshold"] is None


def test_threshold_for_takes_the_nearest_target_at_or_above(tiny_clf: Classifier) -> None:
    table = {r["precision_target"]: r["threshold"] for r in tiny_clf.manifest["thresholds"]}
    at = {k: math.inf if v is None else v for k, v in table.items()}
    assert tiny_clf.threshold_for(0.95) == at[0.95]
    assert tiny_clf.threshold_for(0.93) == at[0.95]
    assert tiny_clf.threshold_for(0.5) == at[0.8]
    assert tiny_clf.threshold_for(0.99) == at[0.99]
    with pytest.raises(ValueError, match="no precision target"):
        tiny_clf.threshold_for(0.995)


def test_score_is_a_frozen_value() -> None:
    score = Score(0.5, (("replika", 1.2),))
    with pytest.raises(AttributeError):
        score.value = 0.1  # type: ignore[misc]
