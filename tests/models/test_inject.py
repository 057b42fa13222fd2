"""Injected rows: a real listing plus the words that make it infringing, and nothing else."""

from __future__ import annotations

import random

import pytest

from models import inject
from rules.types import OfferText

LISTING = OfferText(title="Lampa wisząca loft czarna E27",
                    description="Klosz metalowy. Średnica 30 cm. Żarówka w zestawie.",
                    category="Oświetlenie > Lampy")


@pytest.mark.parametrize("family", list(inject.FAMILIES))
def test_a_positive_differs_from_its_contrast_only_where_it_infringes(family: str) -> None:
    rnd = random.Random(5)
    for _ in range(40):
        row = inject.inject(LISTING, family, rnd)
        assert row.label == 1 and row.family == family
        assert row.contrast is not None and row.contrast != row.offer
        # The category never changes: the model must not learn "this shop's layout".
        assert row.offer.category == row.contrast.category == LISTING.category
        if family != inject.PROHIBITED_GOODS:
            # The listing's own words are all still there, in both.
            for word in LISTING.title.split():
                assert word in row.offer.title and word in row.contrast.title


def test_words_kept_back_from_training_are_never_used_in_training() -> None:
    for family in inject.FAMILIES:
        train = set(inject.vocabulary(family, part="train"))
        held = set(inject.vocabulary(family, part="held_back"))
        assert train and held and not train & held
        assert train | held == set(inject.vocabulary(family, part="all"))
    rnd = random.Random(1)
    held = set(inject.vocabulary(inject.COUNTERFEIT, part="held_back"))
    rows = [inject.inject(LISTING, inject.COUNTERFEIT, rnd) for _ in range(300)]
    assert not {r.words for r in rows} & held


def test_injection_is_deterministic_per_seed() -> None:
    def rows(seed: int) -> list[inject.Injected]:
        rnd = random.Random(seed)
        return [inject.inject(LISTING, f, rnd) for f in inject.families_for(50, rnd)]

    assert rows(3) == rows(3)
    assert rows(3) != rows(4)


def test_lawful_twins_carry_brands_alone_or_lawful_look_alikes() -> None:
    rnd = random.Random(2)
    twins = [inject.lawful_twin(LISTING, rnd) for _ in range(200)]
    assert all(t.label == 0 for t in twins)
    brands_alone = sum(t.words in inject.w.BRANDS for t in twins)
    assert 0.4 < brands_alone / len(twins) < 0.8
