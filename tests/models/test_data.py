"""Generated data and the training set: deterministic, labelled, stratified."""

from __future__ import annotations

import random
from collections import Counter

import numpy as np

from models.features import OfferFeaturizer, fold_offers
from models.generate import COUNTERFEIT, MIX, PROHIBITED, generate, obfuscate_word
from models.train import DEFAULT_BENIGN_PATH, REAL_BENIGN, TrainingSet, read_benign
from rules.types import OfferText


def test_generation_is_deterministic_per_seed() -> None:
    assert generate(300, seed=1) == generate(300, seed=1)
    assert generate(300, seed=1) != generate(300, seed=2)


def test_generation_follows_the_mix_and_labels() -> None:
    examples = generate(1_000, seed=5)
    counts = Counter(e.source for e in examples)
    for source, share in MIX.items():
        assert abs(counts[source] - 1_000 * share) <= 2
    assert all(e.label == (e.source in (COUNTERFEIT, PROHIBITED)) for e in examples)


def test_obfuscations_fold_back() -> None:
    rnd = random.Random(0)
    variants = {obfuscate_word("replika", rnd) for _ in range(60)}
    assert len(variants) > 10
    titles, _ = fold_offers([OfferText(v) for v in variants])
    # Folding undoes most disguises; the title's char n-grams cover the rest.
    assert sum(t == "replika" for t in titles) >= len(titles) // 2


def test_split_is_stratified_by_source(tiny_data: TrainingSet) -> None:
    train = Counter(tiny_data.sources[i] for i in tiny_data.train)
    val = Counter(tiny_data.sources[i] for i in tiny_data.validation)
    assert set(train) == set(val) == set(MIX) | {REAL_BENIGN}
    for source in train:
        share = val[source] / (train[source] + val[source])
        assert 0.1 < share < 0.3
    assert not set(tiny_data.train) & set(tiny_data.validation)


def test_real_benign_rows_are_titles_with_label_zero() -> None:
    rows = read_benign(DEFAULT_BENIGN_PATH, limit=5)
    assert [r.label for r in rows] == [0] * 5
    assert rows[0].offer.title == "Alisha Solid Women's Cycling Shorts"


def test_feature_names_cover_every_column(tiny_data: TrainingSet) -> None:
    offers = tiny_data.offers[:200]
    featurizer = OfferFeaturizer(word_min_df=1, char_min_df=1).fit(offers)
    X = featurizer.transform(offers)
    names = featurizer.get_feature_names_out()
    assert X.shape == (200, len(names))
    assert len(set(names)) == len(names)
    assert np.all(np.isfinite(X.data))
