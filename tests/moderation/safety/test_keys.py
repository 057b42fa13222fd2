"""The keys alerts and offers share: GTIN check digits, brands, model codes, titles."""

from __future__ import annotations

import pytest

from moderation.safety.keys import brand_key, brand_keys, gtin14, model_key, offer_keys


@pytest.mark.parametrize(("code", "expected"), [
    ("5901234123457", "05901234123457"),  # EAN-13
    ("8 618566 605717", "08618566605717"),  # spaces, as in Safety Gate exports
    ("5901234-123457", "05901234123457"),
    ("96385074", "00000096385074"),  # EAN-8
    ("036000291452", "00036000291452"),  # UPC-A
    ("10012345678902", "10012345678902"),  # GTIN-14
    ("5901234123458", None),  # wrong check digit
    ("590123412345", None),  # 12 digits, wrong check digit as UPC
    ("Unknown", None),
    ("e4*2007/46*0563", None),  # a type-approval number
    ("", None),
])
def test_gtins_are_checked_by_their_check_digit(code: str, expected: str | None) -> None:
    assert gtin14(code) == expected


@pytest.mark.parametrize(("title", "description", "models"), [
    ("Czajnik Philips HD9350/90 2200W 1,7 l", "", ["m:hd935090"]),
    ("Hulajnoga elektryczna ES15-BB-TA 350 W", "", ["m:es15bbta"]),
    ("Smartfon iPhone13 128GB", "", ["m:iphone13"]),
    ("Lampka nocna dla dzieci 5 V 3 W", "", []),
    ("Zabawka 4K 500ml 12x", "", []),
    ("Suszarka Remington model 4455", "", ["m:4455"]),
    ("Suszarka Remington 4455", "", ["n:4455"]),  # bare: weak, counts with the brand
    ("Hulajnoga Żwawa", "Stan: nowy. Model: ZW-200. Kabel USB-C w zestawie.", ["m:zw200"]),
    ("Hulajnoga Żwawa", "Kabel USB-C, ładowarka QC3 w zestawie.", []),
])
def test_an_offer_is_indexed_by_its_models_but_not_its_quantities(
        title: str, description: str, models: list[str]) -> None:
    keys = offer_keys(title=title, brand=None, gtins=[], description=description)
    assert [k for k in keys if k.startswith(("m:", "n:"))] == models


@pytest.mark.parametrize(("a", "b"), [
    ("ES15-BB-TA", "es15bbta"), ("es15 bb ta", "ES15BBTA"), ("KR–2020", "kr 2020"),
])
def test_model_numbers_compare_without_separators(a: str, b: str) -> None:
    assert model_key(a) == model_key(b) != ""


@pytest.mark.parametrize(("a", "b"), [
    ("Philips Polska Sp. z o.o.", "PHILIPS"), ("Łódź Toys Inc.", "lodz toys"),
])
def test_brands_compare_without_legal_forms_or_diacritics(a: str, b: str) -> None:
    assert brand_key(a) == brand_key(b)


@pytest.mark.parametrize(("brand", "keys"), [
    ("Hotpoint, Indesit", ("hotpoint indesit", "hotpoint", "indesit")),
    ("Weycor (since 2016, former Atlas)", ("weycor",)),
    ("P.H. Kris - Taem", ("p h kris taem", "p h kris", "taem")),
    ("Fair & White", ("fair white",)),
])
def test_an_alert_listing_several_brands_is_found_by_each(brand: str,
                                                          keys: tuple[str, ...]) -> None:
    assert brand_keys(brand) == keys


def test_an_offer_gets_gtin_brand_model_and_title_keys() -> None:
    keys = offer_keys(title="Czajnik Philips HD9350/90", brand="Philips",
                      gtins=["8710103906896", "123"])
    kinds = sorted(k[:2] for k in keys)
    assert kinds == ["b:", "g:", "m:", "t:"] and "m:hd935090" in keys
    same = offer_keys(title="CZAJNIK  philips hd9350/90!", brand="philips", gtins=[])
    assert [k for k in keys if k.startswith("t:")] == [k for k in same if k.startswith("t:")]
