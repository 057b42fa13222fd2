"""price_below_reference with a fixed `reference` price instead of the list's prices."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from rules.errors import RulePackError
from rules.loader import parse_rules
from rules.types import Hit, OfferText
from tests.rules.conftest import pack, rule

HitsFor = Callable[[Any, OfferText | str], list[Hit]]

OWN = {"ratio": 0.3, "reference": 600, "list": ["Wittchenx"]}

CASES: list[tuple[str, dict[str, Any], OfferText, bool]] = [
    ("far below the fixed reference", OWN, OfferText(title="Wittchenx torebka", price=50.0),
     True),
    ("just below 30% of it", OWN, OfferText(title="Wittchenx torebka", price=179.99), True),
    ("at 30% of it", OWN, OfferText(title="Wittchenx torebka", price=180.0), False),
    ("near the reference", OWN, OfferText(title="Wittchenx torebka", price=550.0), False),
    ("brand in the brand field", OWN,
     OfferText(title="Torebka skórzana", brand="Wittchenx", price=50.0), True),
    ("brand misspelt within the cutoff", OWN,
     OfferText(title="Witchenx torebka", price=50.0), True),
    ("no brand of the list", OWN, OfferText(title="Torebka skórzana", price=50.0), False),
    ("no price", OWN, OfferText(title="Wittchenx torebka"), False),
    ("another currency", OWN,
     OfferText(title="Wittchenx torebka", price=50.0, currency="EUR"), False),
    ("a decimal reference", {**OWN, "reference": 99.5},
     OfferText(title="Wittchenx torebka", price=29.0), True),
    # The catalogue's own price (Rolex: 30,000 PLN) gives way to the fixed one.
    ("fixed reference over the catalogue's", {"ratio": 0.3, "reference": 1000},
     OfferText(title="Zegarek Rolex Submariner", price=450.0), False),
    ("catalogue brand under the fixed reference", {"ratio": 0.3, "reference": 1000},
     OfferText(title="Zegarek Rolex Submariner", price=250.0), True),
    ("without reference the catalogue decides", {"ratio": 0.3},
     OfferText(title="Zegarek Rolex Submariner", price=450.0), True),
]


@pytest.mark.parametrize(("name", "condition", "offer", "expected"), CASES,
                         ids=[c[0] for c in CASES])
def test_fixed_reference(hits_for: HitsFor, name: str, condition: dict[str, Any],
                         offer: OfferText, expected: bool) -> None:
    assert bool(hits_for({"price_below_reference": condition}, offer)) is expected


def test_the_hit_names_the_fixed_reference(hits_for: HitsFor) -> None:
    [hit] = hits_for({"price_below_reference": OWN},
                     OfferText(title="Wittchenx torebka", price=50.0))
    assert hit.detail == "price 50.00 < 30% of 600.00 (Wittchenx)"
    assert [s.text for s in hit.spans] == ["Wittchenx"]


BAD: list[tuple[str, object]] = [
    ("zero", 0),
    ("negative", -100),
    ("a string", "600"),
    ("a boolean", True),
    ("null", None),
    ("not a number", float("nan")),
    ("infinite", float("inf")),
]


@pytest.mark.parametrize(("name", "reference"), BAD, ids=[b[0] for b in BAD])
def test_a_bad_reference_is_refused_at_load(name: str, reference: object) -> None:
    condition = {"price_below_reference": {**OWN, "reference": reference}}
    with pytest.raises(RulePackError) as info:
        parse_rules(pack(rule(condition, "t.ref")), "test.yaml")
    assert info.value.rule_id == "t.ref"
    assert "reference: expected a positive price in PLN" in info.value.reason


def test_an_inline_list_needs_a_reference_without_list_prices() -> None:
    condition = {"price_below_reference": {"ratio": 0.3, "list": ["Wittchenx"]}}
    with pytest.raises(RulePackError, match="no brand of inline has a reference price"):
        parse_rules(pack(rule(condition, "t.noref")), "test.yaml")
