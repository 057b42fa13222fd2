"""Scoring, explanations and thresholds of a classifier trained on the tests' tiny shops."""

from __future__ import annotations

import numpy as np
import pytest

from models.bundle import Classifier, Score
from models.metrics import LAWFUL_SHARE_TARGETS, threshold_table
from models.train import TrainingSet
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


def test_out_of_fold_scores_separate_lawful_from_injected(tiny_clf: Classifier) -> None:
    # Folds are whole shops: each score comes from a model that never saw the listing's shop.
    # Tiny shops (a few dozen listings): a real one ranks far better (README), but a model
    # that only memorised its shops would be near 0.5 here.
    assert tiny_clf.manifest["metrics"]["out_of_fold"]["lawful_vs_injected"]["roc_auc"] > 0.8


def test_injected_rows_stay_in_the_group_of_their_listing(tiny_data: TrainingSet) -> None:
    # A fold that holds a shop out must hold out its injected rows too, or thresholds would
    # be chosen on listings the model has seen.
    groups_of_title: dict[str, set[str]] = {}
    for offer, kind, group in zip(tiny_data.offers, tiny_data.kinds, tiny_data.groups,
                                  strict=True):
        if kind == "real":
            groups_of_title.setdefault(offer.title, set()).add(group)
    for offer, kind, group in zip(tiny_data.offers, tiny_data.kinds, tiny_data.groups,
                                  strict=True):
        if kind in ("injected", "contrast_twin", "lawful_twin"):
            bases = [t for t in groups_of_title if t in offer.title or offer.title in t]
            if bases:
                assert group in set().union(*(groups_of_title[t] for t in bases))


def test_batch_equals_one_by_one(tiny_clf: Classifier, tiny_data: TrainingSet) -> None:
    offers = POSITIVES + NEGATIVES + tiny_data.offers[-40:]
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


def test_threshold_table_by_hand() -> None:
    lawful = np.array([0.9, 0.5, 0.4, 0.3, 0.2, 0.1, 0.1, 0.05, 0.02, 0.01])
    positive = np.array([0.95, 0.8, 0.6, 0.45, 0.1])
    table = threshold_table(lawful, positive, targets=(0.0, 0.1, 0.2),
                            positive_groups={"a": positive[:2], "b": positive[2:]})
    none, one, two = table
    # Share 0: only scores above the highest lawful one (0.9) are flagged.
    assert none["threshold"] > 0.9 and none["lawful_share"] == 0.0 and none["recall"] == 0.2
    # Share 0.1 of 10: one lawful listing may be flagged, the 0.9; the 0.5 may not.
    assert 0.5 < one["threshold"] <= 0.9 and one["lawful_share"] == 0.1
    assert one["recall"] == pytest.approx(0.6)  # 0.95, 0.8 and 0.6
    assert two["lawful_share"] == 0.2 and two["recall"] == pytest.approx(0.8)
    assert two["recall_by_group"] == {"a": 1.0, "b": pytest.approx(2 / 3)}
    # Precision at 1% prevalence: recall 0.8 x 0.01 against 0.2 x 0.99.
    assert two["precision_at_prevalence"]["0.01"] == pytest.approx(
        0.008 / (0.008 + 0.2 * 0.99))


def test_ties_stay_below_the_threshold() -> None:
    # Four lawful listings share the top score: none of them may be flagged at share 0.25.
    table = threshold_table(np.array([0.7, 0.7, 0.7, 0.7]), np.array([0.7, 0.8]),
                            targets=(0.25,))
    assert table[0]["lawful_share"] == 0.0 and table[0]["recall"] == 0.5


def test_thresholds_bound_the_lawful_share_out_of_fold(tiny_clf: Classifier) -> None:
    rows = tiny_clf.manifest["thresholds"]
    assert [r["max_lawful_share"] for r in rows] == list(LAWFUL_SHARE_TARGETS)
    for row in rows:
        assert row["lawful_share"] <= row["max_lawful_share"] + 1e-12
    # More share allowed, a lower threshold, at least the same recall.
    assert [r["threshold"] for r in rows] == sorted((r["threshold"] for r in rows),
                                                    reverse=True)
    assert [r["recall"] for r in rows] == sorted(r["recall"] for r in rows)


def test_threshold_for_takes_the_nearest_share_at_or_below(tiny_clf: Classifier) -> None:
    at = {r["max_lawful_share"]: r["threshold"] for r in tiny_clf.manifest["thresholds"]}
    assert tiny_clf.threshold_for(0.002) == at[0.002]
    assert tiny_clf.threshold_for(0.0025) == at[0.002]  # never flags more than asked
    assert tiny_clf.threshold_for(1.0) == at[max(at)]
    with pytest.raises(ValueError, match="no lawful-share target"):
        tiny_clf.threshold_for(0.0001)


def test_score_is_a_frozen_value() -> None:
    score = Score(0.5, (("replika", 1.2),))
    with pytest.raises(AttributeError):
        score.value = 0.1  # type: ignore[misc]
