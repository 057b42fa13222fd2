"""Barcodes as sellers write them: read, normalised, and flagged when they are not GTINs."""

from __future__ import annotations

import pytest

from moderation.intake import barcodes
from moderation.intake.barcodes import CHECK_DIGIT, NOT_A_GTIN, BarcodeFlag

VALID = "5901234123457"  # a GTIN-13 with a correct check digit

CLASSIFY = [
    # (as written, digits kept, or the problem)
    ("5901234123457", VALID),
    ("590 1234 123457", VALID),
    ("5901-2341-23457", VALID),
    ("590.1234.123457", VALID),
    ("590\u00a01234\u00a0123457", VALID),  # no-break spaces from a spreadsheet
    ("96385074", "96385074"),  # GTIN-8
    ("036000291452", "036000291452"),  # GTIN-12 (UPC-A)
    ("05901234123457", "05901234123457"),  # GTIN-14
    ("5901234123458", CHECK_DIGIT),
    ("590 1234 123458", CHECK_DIGIT),
    ("12AB", NOT_A_GTIN),
    ("Unknown", NOT_A_GTIN),
    ("1234567", NOT_A_GTIN),  # seven digits
    ("590123412345712", NOT_A_GTIN),  # fifteen digits
]


@pytest.mark.parametrize(("written", "expected"), CLASSIFY, ids=[c[0] for c in CLASSIFY])
def test_a_barcode_is_read_whatever_its_separators(written: str, expected: str) -> None:
    result = barcodes.classify(written, "gtins")
    if expected in (CHECK_DIGIT, NOT_A_GTIN):
        assert result == BarcodeFlag(written, expected, "gtins")
    else:
        assert result == expected


LABELLED = [
    ("EAN: 5901234123457", ["5901234123457"]),
    ("kod EAN 5901234123457, waga 200 g", ["5901234123457"]),
    ("Kod kreskowy: 590 1234 123457.", ["590 1234 123457"]),
    ("EAN-13: 5901-2341-23457", ["5901-2341-23457"]),
    ("GTIN 05901234123457", ["05901234123457"]),
    ("UPC: 036000291452", ["036000291452"]),
    ("Rodzaj Kosmetyk EAN 5901234123457 BLOZ_07 7045599", ["5901234123457"]),
    ("Tel. 501 234 567, zamówienie nr 5901234123457", []),  # no label, not read
    ("Wymiary 1234567 mm", []),
]


@pytest.mark.parametrize(("text", "codes"), LABELLED, ids=[t[0][:30] for t in LABELLED])
def test_codes_are_read_after_a_barcode_label_only(text: str, codes: list[str]) -> None:
    assert barcodes.labelled(text) == codes


def test_the_gtins_field_comes_first_then_the_text() -> None:
    given = barcodes.read(["590 1234 123457", "5901234123458", "n/a"],
                          description="EAN: 96385074")
    assert given.valid == (VALID,)
    assert [(f.value, f.problem) for f in given.flags] == [("5901234123458", CHECK_DIGIT),
                                                           ("n/a", NOT_A_GTIN)]
    from_text = barcodes.read([], title="Mąka 1 kg", description="Kod EAN: 5901234123458; "
                              "EAN 96385074")
    assert from_text.valid == ("96385074",)
    assert from_text.flags == (BarcodeFlag("5901234123458", CHECK_DIGIT, "description"),)


@pytest.mark.parametrize("value", ["1" * (barcodes.MAX_BARCODE_CHARS + 1), "59012\x0034123457"])
def test_what_cannot_be_stored_as_barcode_text_is_named(value: str) -> None:
    assert barcodes.problem_of(value)
