"""The production matcher on labelled product pairs: the figures `moderation eval matching`
prints, on the committed samples."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.matching.records import Pair, ProductRecord, read_pairs
from moderation.safety.evaluation import evaluate_rules, rules_decide
from moderation.screening.screener import Screener

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "product_matching"


@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLES.glob("*.txt")))
def test_the_production_matcher_beats_chance_on_each_sample(name: str,
                                                            live_screener: Screener) -> None:
    pairs = read_pairs(SAMPLES / name, source=name)
    result = evaluate_rules(pairs, learned=live_screener.matcher)
    positives = sum(p.label == 1 for p in pairs) / len(pairs)
    assert result["pairs"] == len(pairs)
    assert result["precision"] > 2 * positives and result["f1"] > 0.5


def test_a_barcode_free_pair_of_the_same_product_matches_and_another_does_not(
        live_screener: Screener) -> None:
    alert = ProductRecord(title="Hulajnoga elektryczna Żwawa", brand="Żwawa", model="ZW-200")
    same = ProductRecord(title="Hulajnoga elektryczna dla dzieci Żwawa ZW-200", brand="Żwawa")
    other = ProductRecord(title="Kask rowerowy Żwawa K-10 dla dzieci", brand="Żwawa")
    assert rules_decide(Pair(alert, same, 1), learned=live_screener.matcher)
    assert not rules_decide(Pair(alert, other, 0), learned=live_screener.matcher)
