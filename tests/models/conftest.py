"""A tiny classifier trained once per session: a few hundred rows, about a second."""

from __future__ import annotations

import pytest

from models.bundle import Classifier
from models.train import DEFAULT_BENIGN_PATH, TrainingSet, build_training_set, fit_classifier


@pytest.fixture(scope="session")
def tiny_data() -> TrainingSet:
    return build_training_set(benign_path=DEFAULT_BENIGN_PATH, benign_limit=200,
                              n_generated=500, seed=3)


@pytest.fixture(scope="session")
def tiny_clf(tiny_data: TrainingSet) -> Classifier:
    return fit_classifier(tiny_data)
