"""Fixtures: the 200-line benchmark samples in tests/data, and a matcher trained on them once."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.matching.model import MatcherBundle, train
from models.matching.records import Pair, read_pairs

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "product_matching"
DATASETS = ("Walmart-Amazon", "Amazon-Google", "Abt-Buy")
TRAIN_SHARE = 0.7


@pytest.fixture(scope="session")
def sample_pairs() -> dict[str, list[Pair]]:
    return {name: read_pairs(SAMPLES / f"{name}_train.txt") for name in DATASETS}


@pytest.fixture(scope="session")
def split(sample_pairs: dict[str, list[Pair]]) -> tuple[list[Pair], list[Pair]]:
    """Train and validation pairs: every data set's sample cut 70/30 in file order."""
    train_pairs: list[Pair] = []
    valid_pairs: list[Pair] = []
    for pairs in sample_pairs.values():
        cut = int(len(pairs) * TRAIN_SHARE)
        train_pairs += pairs[:cut]
        valid_pairs += pairs[cut:]
    return train_pairs, valid_pairs


@pytest.fixture(scope="session")
def tiny_matcher(split: tuple[list[Pair], list[Pair]]) -> MatcherBundle:
    train_pairs, valid_pairs = split
    return train(train_pairs, valid_pairs, seed=3)
