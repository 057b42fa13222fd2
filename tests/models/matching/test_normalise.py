"""Model numbers, model-like codes in titles, brands and number tokens."""

from __future__ import annotations

import pytest

from models.matching.normalise import (
    brand_key,
    fold_text,
    model_codes,
    normalise_brand,
    normalise_model,
    number_tokens,
    words,
)


@pytest.mark.parametrize(("raw", "expected"), [
    ("ES15-BB-TA", "es15bbta"),
    ("es15bbta", "es15bbta"),
    (" ES 15/BB.TA ", "es15bbta"),
    ("Żółw-Ł1", "zolwl1"),
    ("", ""),
    (None, ""),
])
def test_normalise_model(raw: str | None, expected: str) -> None:
    assert normalise_model(raw) == expected


@pytest.mark.parametrize(("title", "codes"), [
    ("Sony DSC-W150R Cyber-shot", {"dscw150r", "w150r"}),
    ("speck seethru case for macbook air mbaclrsee", set()),
    ("belkin cushtop f8n044-slv", {"f8n044slv", "f8n044"}),
    ("garmin mount 010-10823-03", {"0101082303"}),
    # Capacities, sizes, years and short tokens are not model codes.
    ("seagate 500gb 7200rpm 3.5in drive 2008 cs3", set()),
    ("1080p hdtv 15.4 inch", set()),
    # Leetspeak stays as written: a code is not a word.
    ("canon EOS t5i a1b2 (KDL46V3000)", {"a1b2", "kdl46v3000"}),
    ("", set()),
])
def test_model_codes(title: str, codes: set[str]) -> None:
    assert model_codes(title) == codes


def test_model_codes_thresholds() -> None:
    assert model_codes("part 27528", numbers_from=5) == {"27528"}
    assert model_codes("part 27528") == set()
    assert model_codes("x t5i", min_length=3) == {"t5i"}


@pytest.mark.parametrize(("brand", "normalised"), [
    ("Sony Corp.", "sony"),
    ("Intuit Inc.", "intuit"),
    ("Punch! Software Co.", "punch software"),
    ("The Learning Company", "learning"),
    ("Da-Lite", "da lite"),
    ("ŁUCZNIK Sp. z o.o.", "lucznik"),
    ("Co.", "co"),
    ("", ""),
    (None, ""),
])
def test_normalise_brand(brand: str | None, normalised: str) -> None:
    assert normalise_brand(brand) == normalised


def test_brand_key_ignores_spaces() -> None:
    assert brand_key("Human Toolz") == brand_key("HumanToolz") == "humantoolz"


@pytest.mark.parametrize(("text", "numbers"), [
    ("Seagate 500 GB drive, 7200rpm", {"500gb", "7200rpm"}),
    ("photoshop 7.0 and 7", {"7"}),
    ("waga 2,5 kg", {"2.5kg"}),
    ("dscw150r", set()),
    (None, set()),
])
def test_number_tokens(text: str | None, numbers: set[str]) -> None:
    assert number_tokens(text) == numbers


def test_words_and_fold() -> None:
    assert fold_text("Zażółć GĘŚLĄ") == "zazolc gesla"
    assert words("Sony DSC-W150R, 15.4\" 2,5 kg") == ["sony", "dsc", "w150r", "15.4", "2.5", "kg"]
