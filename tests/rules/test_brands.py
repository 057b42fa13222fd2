"""Brand lists and the fuzzy brand index."""

from __future__ import annotations

import time

import pytest

from rules.brands import BrandIndex, parse_catalogue
from rules.datafiles import DataFiles
from rules.normalise import fold


@pytest.fixture(scope="module")
def index() -> BrandIndex:
    return BrandIndex(DataFiles().brands("brands.csv"), 90, text_only=True)


FIND = [
    ("Torebka Louis Vuitton", ["Louis Vuitton"]),
    ("Torebka LOUIS VUITON", ["Louis Vuitton"]),  # one letter missing
    ("Torebka Lois Vuitton", ["Louis Vuitton"]),
    ("buty nkie", []),  # transposition in a four-letter name: too close to call
    ("buty NlKE", ["Nike"]),  # capital I for l
    ("Torebka Guccci", ["Gucci"]),  # drawn-out double
    ("Zegarek Rolexx", ["Rolex"]),
    ("Okulary Ray-Ban", ["Ray-Ban"]),
    ("Perfumy Yves Saint Laurent", ["Saint Laurent"]),
    ("Smartfon iPhone 13", ["Apple"]),  # a product line names its brand
    ("Kanał channel TV", []),  # ordinary word one letter from Chanel
    ("Analog watch", []),  # "watch" is not Swatch
    ("Amazon basics", []),  # "basics" is not Asics
    ("Parada równości", []),
    ("Bluza Puma", []),  # an ordinary name: only through the brand field
    ("Green apple juice", []),
    ("Lampa Tiffany witrażowa", []),
    ("Bransoletka Tiffany & Co. srebro", ["Tiffany & Co."]),
]


@pytest.mark.parametrize(("text", "brands"), FIND)
def test_find(index: BrandIndex, text: str, brands: list[str]) -> None:
    assert sorted({m.entry.name for m in index.find(fold(text))}) == brands


def test_find_returns_spans_in_the_normalised_text(index: BrandIndex) -> None:
    text = fold("Buty sportowe Louis Vuitton okazja")
    [match] = index.find(text)
    assert text[match.start:match.end] == "louis vuitton"


@pytest.fixture(scope="module")
def field_index() -> BrandIndex:
    return BrandIndex(DataFiles().brands("brands.csv"), 90, text_only=False)


@pytest.mark.parametrize(("value", "brand"), [
    ("Nike", "Nike"), ("Apple Inc.", "Apple"), ("Samsung Electronics Polska", "Samsung"),
    ("PUMA", "Puma"), ("LV", "Louis Vuitton"), ("Nikee", "Nike"), ("Supreme Cookwares", None),
    ("CREEDS", None), ("Nike Air Max", None),
])
def test_brand_field_names_one_brand(field_index: BrandIndex, value: str,
                                     brand: str | None) -> None:
    found = [m.entry.name for m in field_index.match_value(fold(value))]
    assert found == ([brand] if brand else [])


HEADER = "brand,aliases,reference_price_pln,category,tier,ordinary_names,lookalike_words\n"


@pytest.mark.parametrize(("row", "problem"), [
    ("Acme,,abc,toys,mass,,", "bad reference_price_pln"),
    ("Acme,,-5,toys,mass,,", "must be positive"),
    ("Acme,,10,toys,budget,,", "tier 'budget'"),
    (",,10,toys,mass,,", "empty brand"),
    ("Acme,,10,toys,mass,Widget,", "ordinary name 'widget' is not a name of 'Acme'"),
    ("Acme,,10,toys,mass,,acme", "look-alike word 'acme' is a name"),
])
def test_catalogue_errors_name_the_line(row: str, problem: str) -> None:
    with pytest.raises(ValueError, match=f"line 2: .*{problem}"):
        parse_catalogue(HEADER + row + "\n")


def test_catalogue_needs_its_columns() -> None:
    with pytest.raises(ValueError, match="missing columns"):
        parse_catalogue("brand,aliases\nAcme,\n")


def test_shipped_catalogue_is_sane() -> None:
    entries = DataFiles().brands("brands.csv")
    assert 150 <= len(entries) <= 250
    assert all(e.reference_price and e.tier and e.category for e in entries)
    assert len({e.name for e in entries}) == len(entries)
    assert {e.category for e in entries} >= {"fashion", "shoes", "electronics", "cosmetics",
                                              "watches", "perfume", "toys"}


def _long_word(n: int) -> str:
    # Letters no brand is made of, in no run of three (the normaliser cuts those).
    return ("qxzw" * (n // 4 + 1))[:n]


def test_a_100_kb_title_is_looked_up_in_bounded_time_and_keeps_its_brands(
        index: BrandIndex) -> None:
    # One word of 50 KB used to cost a minute: its delete-1 variants, 50,000 strings of
    # 50 KB each, were built before asking whether any key is that long.
    text = fold(f"Rolex {_long_word(50_000)} torebka Guccci {_long_word(50_000)} buty NlKE")
    started = time.perf_counter()
    found = {m.entry.name for m in index.find(text)}
    elapsed = time.perf_counter() - started
    assert found == {"Rolex", "Gucci", "Nike"}  # at the start, in the middle, at the end
    assert elapsed < 1.0, f"{elapsed:.2f} s for a 100 KB title"


def test_a_long_word_still_finds_a_brand_by_its_squeezed_letters(index: BrandIndex) -> None:
    assert [m.entry.name for m in index.find(fold("guuccii"))] == ["Gucci"]
