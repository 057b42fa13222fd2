"""Every condition type, alone and composed with all / any / not."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from rules.types import Hit, OfferText

HitsFor = Callable[[Any, OfferText | str], list[Hit]]

BRANDS = ["Nike", "Louis Vuitton", "Chanel"]

CASES: list[tuple[str, Any, OfferText | str, bool]] = [
    # phrases: word boundaries on the normalised text, default fields title + description
    ("phrase in title", {"phrases": ["fake"]}, "Buty fake Nike", True),
    ("phrase is a word, not a prefix", {"phrases": ["fake"]}, "Buty fakeeeer", False),
    ("phrase inside a longer word", {"phrases": ["kopia"]}, "Serwis kopiarki", False),
    ("phrase obfuscated", {"phrases": ["podróbka"]}, "Bluza p0drób\u200bka", True),
    ("multi-word phrase", {"phrases": ["jak oryginał"]}, "Buty JAK  ORYGINAL", True),
    ("phrase in description", {"phrases": ["replika"]},
     OfferText(title="Zegarek", description="To jest replika."), True),
    ("phrase outside its fields", {"phrases": ["replika"], "fields": ["title"]},
     OfferText(title="Zegarek", description="To jest replika."), False),
    ("phrase in the brand field", {"phrases": ["replika"], "fields": ["brand"]},
     OfferText(title="Zegarek", brand="Replika Co"), True),
    ("negation outside the window", {"phrases": ["podróbka"], "unless_preceded_by": ["nie"],
                                     "window": 1}, "Oryginał, nie jest to podróbka", True),
    ("negation within the window", {"phrases": ["podróbka"], "unless_preceded_by": ["nie"],
                                    "window": 3}, "Oryginał, nie jest to podróbka", False),
    ("phrase list file", {"phrase_list": "counterfeit_markers.txt"}, "Torebka mirror quality",
     True),
    # regex on normalised text, in one field
    ("regex", {"regex": r"\b1 ?: ?1\b", "field": "title"}, "Torebka 1 : 1", True),
    ("regex in another field", {"regex": "replika", "field": "description"}, "replika", False),
    ("regex without a literal", {"regex": r"\d{3} ?zl", "field": "title"}, "Tylko 100 zł", True),
    # brands: exact, fuzzy (cutoff), brand field, preceded_by, filters
    ("brand exact", {"brand_in": BRANDS, "cutoff": 90}, "Buty NIKE Air", True),
    ("brand fuzzy", {"brand_in": BRANDS, "cutoff": 90}, "Torebka Lois Vuiton", True),
    ("brand under the cutoff", {"brand_in": BRANDS, "cutoff": 99}, "Torebka Lois Vuiton", False),
    ("brand look-alike obfuscation", {"brand_in": BRANDS, "cutoff": 90}, "Perfumy СНАNEL", True),
    ("brand field", {"brand_in": BRANDS, "cutoff": 90},
     OfferText(title="Buty sportowe", brand="Nike Polska"), True),
    ("brand field only in title fields", {"brand_in": BRANDS, "cutoff": 90, "fields": ["title"]},
     OfferText(title="Buty sportowe", brand="Nike"), False),
    ("brand after a marker", {"brand_in": BRANDS, "cutoff": 90, "preceded_by": ["a la"]},
     "Torebka a la Chanel", True),
    ("brand not after the marker", {"brand_in": BRANDS, "cutoff": 90, "preceded_by": ["a la"]},
     "Torebka Chanel a la", False),
    ("nothing precedes the brand field", {"brand_in": BRANDS, "cutoff": 90,
                                          "preceded_by": ["a la"], "fields": ["title", "brand"]},
     OfferText(title="Torebka a la", brand="Chanel"), False),
    ("brand within the gap", {"brand_in": BRANDS, "cutoff": 90, "preceded_by": ["zamiennik"],
                              "gap": 1}, "Zamiennik perfum Chanel", True),
    ("ordinary word is not the brand", {"brand_in": "brands.csv", "cutoff": 90}, "Kanał channel",
     False),
    ("brand filtered by tier", {"brand_in": "brands.csv", "cutoff": 90, "tier": ["luxury"]},
     "Buty Nike", False),
    ("brand kept by tier", {"brand_in": "brands.csv", "cutoff": 90, "tier": ["luxury"]},
     "Torebka Prada", True),
    # brand mismatch
    ("mismatch", {"brand_mismatch": "brands.csv", "cutoff": 90},
     OfferText(title="Torebka Prada Galleria", brand="Wittchen"), True),
    ("same brand", {"brand_mismatch": "brands.csv", "cutoff": 90},
     OfferText(title="Torebka Prada Galleria", brand="PRADA"), False),
    ("no brand field", {"brand_mismatch": "brands.csv", "cutoff": 90}, "Torebka Prada", False),
    ("compatible with", {"brand_mismatch": "brands.csv", "cutoff": 90,
                         "unless_preceded_by": ["do"]},
     OfferText(title="Etui do iPhone 13", brand="Spigen"), False),
    # price far below the reference
    ("price below", {"price_below_reference": {"ratio": 0.3}},
     OfferText(title="Zegarek Rolex Submariner", price=450.0), True),
    ("price fine", {"price_below_reference": {"ratio": 0.3}},
     OfferText(title="Zegarek Rolex Submariner", price=40000.0), False),
    ("price unknown", {"price_below_reference": {"ratio": 0.3}}, "Zegarek Rolex", False),
    ("price in another currency", {"price_below_reference": {"ratio": 0.3}},
     OfferText(title="Zegarek Rolex", price=450.0, currency="EUR"), False),
    ("brand field decides the reference", {"price_below_reference": {"ratio": 0.3}},
     OfferText(title="Pasek do Rolex", brand="Casio", price=100.0), False),
    # categories
    ("category prefix", {"category_in": ["Moda"]}, OfferText(title="x", category="Moda > Torebki"),
     True),
    ("category segment", {"category_in": ["Torebki"]},
     OfferText(title="x", category="Moda > Torebki"), True),
    ("category folded", {"category_in": ["zabawki"]}, OfferText(title="x", category="ZABAWKI"),
     True),
    ("category other", {"category_in": ["Moda"]}, OfferText(title="x", category="Modelarstwo"),
     False),
    ("category not in", {"category_not_in": ["Moda"]}, OfferText(title="x", category="AGD"), True),
    ("category not in, unknown", {"category_not_in": ["Moda"]}, "x", True),
    # seller signals
    ("new seller", {"seller_account_age_days_below": 30},
     OfferText(title="x", seller_account_age_days=3), True),
    ("old seller", {"seller_account_age_days_below": 30},
     OfferText(title="x", seller_account_age_days=30), False),
    ("seller age unknown", {"seller_account_age_days_below": 30}, "x", False),
    ("not activated", {"seller_not_activated": True}, OfferText(title="x", seller_activated=False),
     True),
    # Unknown is not activated: an activation never sent does not vouch for the seller.
    ("activation unknown", {"seller_not_activated": True}, "x", True),
    ("activated", {"seller_not_activated": True}, OfferText(title="x", seller_activated=True),
     False),
    ("strikes", {"seller_strikes_at_least": 2}, OfferText(title="x", seller_strikes=2), True),
    ("few strikes", {"seller_strikes_at_least": 2}, OfferText(title="x", seller_strikes=1), False),
    # composition
    ("all holds", {"all": [{"phrases": ["fake"]}, {"brand_in": BRANDS, "cutoff": 90}]},
     "Nike fake", True),
    ("all fails", {"all": [{"phrases": ["fake"]}, {"brand_in": BRANDS, "cutoff": 90}]},
     "Adidas fake", False),
    ("any holds", {"any": [{"phrases": ["fake"]}, {"phrases": ["replika"]}]}, "replika", True),
    ("any fails", {"any": [{"phrases": ["fake"]}, {"phrases": ["replika"]}]}, "oryginał", False),
    ("not", {"not": {"phrases": ["asg"]}}, "Karabin", True),
    ("not fails", {"not": {"phrases": ["asg"]}}, "Karabin ASG", False),
    ("list is all", [{"phrases": ["fake"]}, {"not": {"phrases": ["fur"]}}], "fake fur", False),
    ("nested", {"all": [{"any": [{"phrases": ["fake"]}, {"phrases": ["kopia"]}]},
                        {"not": {"all": [{"phrases": ["fur"]}, {"phrases": ["fake"]}]}}]},
     "kopia", True),
]


@pytest.mark.parametrize(("name", "when", "offer", "expected"), CASES, ids=[c[0] for c in CASES])
def test_condition(hits_for: HitsFor, name: str, when: Any, offer: OfferText | str,
                   expected: bool) -> None:
    assert bool(hits_for(when, offer)) is expected


def test_spans_point_at_the_original_text(hits_for: HitsFor) -> None:
    title = "Torebka LOUIS VUITON r.e.p.l.i.k.a"
    [hit] = hits_for({"all": [{"phrases": ["replika"]}, {"brand_in": BRANDS, "cutoff": 90}]},
                     title)
    assert [(s.field, s.text) for s in hit.spans] == [("title", "LOUIS VUITON"),
                                                     ("title", "r.e.p.l.i.k.a")]
    assert all(title[s.start:s.end] == s.text for s in hit.spans)
    assert "Louis Vuitton" in hit.detail and "cutoff 90" in hit.detail


def test_price_hit_explains_itself(hits_for: HitsFor) -> None:
    [hit] = hits_for({"price_below_reference": {"ratio": 0.3}},
                     OfferText(title="Zegarek Rolex", price=450.0))
    assert hit.detail == "price 450.00 < 30% of 30000.00 (Rolex)"
    assert [s.text for s in hit.spans] == ["Rolex"]


def test_not_contributes_no_evidence(hits_for: HitsFor) -> None:
    [hit] = hits_for({"all": [{"phrases": ["fake"]}, {"not": {"phrases": ["fur"]}}]}, "fake bag")
    assert [s.text for s in hit.spans] == ["fake"]
