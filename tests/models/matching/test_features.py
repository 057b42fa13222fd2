"""Pair features on hand-written pairs: what a feature says, and where it is undefined."""

from __future__ import annotations

import math
import pickle

import numpy as np
import pytest

from models.matching.features import FEATURE_NAMES, PairFeaturizer
from models.matching.records import Pair, ProductRecord

R = ProductRecord


def row(featurizer: PairFeaturizer, left: ProductRecord, right: ProductRecord,
        source: str | None = None) -> dict[str, float]:
    values = featurizer.transform([Pair(left, right, source=source)])[0]
    return dict(zip(FEATURE_NAMES, values.tolist(), strict=True))


@pytest.fixture(scope="module")
def featurizer(split: tuple[list[Pair], list[Pair]]) -> PairFeaturizer:
    return PairFeaturizer().fit(split[0])


SAME_MODEL = (R("Elite Screens ES15-BB-TA projector screen, 15 ft", brand="Elite Screens Inc.",
                model="ES15-BB-TA", price=129.0),
              R("elite screens es15bbta 15ft projection screen", brand="ELITE SCREENS",
                model="es15bbta", price=119.0))
OTHER_MODEL = (R("Canon PowerShot SX120 IS 10MP digital camera", brand="Canon",
                 model="SX120-IS", price=199.0),
               R("Canon PowerShot SX110 IS 9MP digital camera", brand="Canon",
                 model="SX110-IS", price=179.0))


def test_same_model_with_other_punctuation_scores_high(featurizer: PairFeaturizer) -> None:
    f = row(featurizer, *SAME_MODEL)
    assert f["model_exact"] == 1.0 and f["model_jw"] == pytest.approx(1.0)
    assert f["code_shared"] == 1.0 and f["code_l_in_r"] == 1.0 and f["code_r_in_l"] == 1.0
    assert f["brand_exact"] == 1.0
    assert f["title_token_set"] > 0.6
    assert 0.9 < f["price_ratio"] < 1.0


def test_other_model_in_a_similar_title_scores_low(featurizer: PairFeaturizer) -> None:
    f = row(featurizer, *OTHER_MODEL)
    assert f["title_token_sort"] > 0.9  # the titles alone look alike
    assert f["model_exact"] == 0.0 and f["code_shared"] == 0.0
    assert f["code_l_in_r"] == 0.0 and f["code_r_in_l"] == 0.0
    assert f["code_jw_best"] < 1.0
    assert f["numbers_jaccard"] == 0.0  # 10mp against 9mp


def test_identical_records(featurizer: PairFeaturizer) -> None:
    record = R("Sony Bravia KDL-46V3000 46in LCD TV", brand="Sony", model="KDL46V3000",
               category="tv", price=999.0, description="full hd")
    f = row(featurizer, record, record)
    for name in ("title_ratio", "title_token_set", "title_jaccard", "title_idf_jaccard",
                 "model_exact", "brand_exact", "numbers_jaccard", "price_ratio",
                 "category_token_set"):
        assert f[name] == pytest.approx(1.0), name
    assert f["title_tfidf_word"] == pytest.approx(1.0, abs=1e-5)
    assert f["text_tfidf_word"] == pytest.approx(1.0, abs=1e-5)
    assert f["title_idf_unmatched_l"] == 0.0 and f["price_log_diff"] == 0.0


def test_missing_values_are_nan_with_indicators(featurizer: PairFeaturizer) -> None:
    f = row(featurizer, R("a tv"), R("b tv", brand="Sony", price=10.0))
    for name in ("model_exact", "model_jw", "brand_exact", "brand_ratio", "price_ratio",
                 "price_log_diff", "category_token_set", "code_shared", "code_jw_best",
                 "numbers_jaccard", "source"):
        assert math.isnan(f[name]), name
    assert (f["model_missing_l"], f["model_missing_r"]) == (1.0, 1.0)
    assert (f["brand_missing_l"], f["brand_missing_r"]) == (1.0, 0.0)
    assert (f["price_missing_l"], f["price_missing_r"]) == (1.0, 0.0)
    assert f["description_missing_l"] == 1.0


def test_empty_records_do_not_fail(featurizer: PairFeaturizer) -> None:
    f = row(featurizer, R(), R())
    assert f["title_tokens_l"] == 0.0 and math.isnan(f["title_jaccard"])


def test_code_found_in_the_other_description(featurizer: PairFeaturizer) -> None:
    f = row(featurizer, R("garmin suction cup mount 010-10823-03"),
            R("garmin vehicle mount", description="part 0101082303 black"))
    assert f["code_in_description"] == 1.0


def test_known_source_is_a_feature(featurizer: PairFeaturizer) -> None:
    assert featurizer.sources == ("Abt-Buy", "Amazon-Google", "Walmart-Amazon")
    f = row(featurizer, *SAME_MODEL, source="Amazon-Google")
    assert f["source"] == 1.0
    assert math.isnan(row(featurizer, *SAME_MODEL, source="Safety Gate")["source"])


def test_batch_equals_one_by_one(featurizer: PairFeaturizer,
                                 split: tuple[list[Pair], list[Pair]]) -> None:
    pairs = [*split[1][:40], split[1][0]]  # a record seen twice in a batch
    batch = featurizer.transform(pairs)
    assert batch.shape == (41, len(FEATURE_NAMES)) and batch.dtype == np.float32
    single = np.vstack([featurizer.transform([p]) for p in pairs])
    np.testing.assert_allclose(batch, single, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(batch[0], batch[-1])


def test_pickle_round_trip_keeps_features(featurizer: PairFeaturizer,
                                          split: tuple[list[Pair], list[Pair]]) -> None:
    copy = pickle.loads(pickle.dumps(featurizer))
    np.testing.assert_array_equal(copy.transform(split[1]), featurizer.transform(split[1]))


def test_transform_before_fit_and_empty_batch() -> None:
    with pytest.raises(RuntimeError, match="before fit"):
        PairFeaturizer().transform([Pair(R("a"), R("b"))])
    fitted = PairFeaturizer().fit([Pair(R("a tv"), R("b tv"), 1)])
    assert fitted.transform([]).shape == (0, len(FEATURE_NAMES))
