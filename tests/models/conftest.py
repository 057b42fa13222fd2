"""A tiny classifier trained once per session on the tests' own shop feeds: a few seconds."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.bundle import Classifier
from models.train import TrainingSet, build_training_set, fit_classifier

# Three made-up shops written for the tests (tests/data/listings/README.md).
LISTINGS = Path(__file__).resolve().parents[1] / "data" / "listings"


def tiny_training_set(seed: int = 3) -> TrainingSet:
    """The tests' shops and 600 Flipkart rows, with their injected positives and twins."""
    return build_training_set(listings_dir=LISTINGS, held_out=(), flipkart_limit=600,
                              seed=seed, positive_share=1.0, twin_share=1.0)


@pytest.fixture(scope="session")
def tiny_data() -> TrainingSet:
    return tiny_training_set()


@pytest.fixture(scope="session")
def tiny_clf(tiny_data: TrainingSet) -> Classifier:
    return fit_classifier(tiny_data, folds=3)
