"""Normalisation for product matching: code-preserving folding, model codes, brands, numbers.

`rules.normalise.fold` reads leetspeak ("a1b2" -> "aib2", "t5i" -> "tsi") and splits on
dashes, which is right for evasive seller text and wrong for model numbers, so titles and codes
go through `fold_text` here (diacritics and case only). Brands, which carry no codes, use
`fold`, so a brand is normalised the same way the rules see it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rules.normalise import fold

__all__ = [
    "brand_key",
    "fold_text",
    "model_codes",
    "normalise_brand",
    "normalise_model",
    "number_tokens",
    "words",
]

# Letters NFKD does not decompose; the rest of Polish and Western diacritics it does.
_NO_DECOMPOSITION = str.maketrans({"ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d",
                                   "ß": "ss", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe"})
_WORD = re.compile(r"\d+(?:\.\d+)+|[a-z0-9]+")
_DECIMAL_COMMA = re.compile(r"(\d),(\d)")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
# Only whitespace tokens holding a digit can be codes. Anchored at a token's start and
# possessive, so a word without digits costs one scan, not one per character.
_DIGIT_CHUNK = re.compile(r"(?<!\S)[^\s\d]*+\d\S*")
_ALNUM = re.compile(r"[a-z0-9]+")
# Legal-form and filler suffixes that differ between sources naming the same maker, as token
# sequences after punctuation is dropped ("Sp. z o.o." -> sp z o o).
_BRAND_SUFFIXES = tuple(tuple(s.split()) for s in (
    "inc", "incorporated", "corp", "corporation", "co", "company", "ltd", "limited", "llc",
    "plc", "gmbh", "ag", "sa", "s a", "spa", "s p a", "srl", "bv", "nv", "ab", "oy", "as", "kg",
    "sp z o o", "sp z oo", "spolka z o o", "sp j", "sp k", "s c", "sc", "intl", "international",
    "usa", "us", "america", "group",
))
# A number followed by one of these is a capacity or size ("500gb", "15in"), not a model code.
_UNIT = (r"(?:gb|tb|mb|kb|ghz|mhz|hz|mm|cm|m|km|in|inch|ft|lb|lbs|oz|g|kg|mg|ml|l|w|kw|v|mah|"
         r"mp|px|p|k|x|pk|pc|pcs|pack|yd|rpm|db|bit|ch|cd|dvd|th|st|nd|rd|s|min|hr|hrs|"
         r"ppm|dpi|lm|cu|qt|gal|btu|a|awg|in1)")
_SPEC = re.compile(rf"\d+(?:\.\d+)?{_UNIT}")
_NUMBER = re.compile(rf"(?<![a-z0-9.])(\d+(?:\.\d+)?)(?:\s?({_UNIT}))?(?![a-z0-9])")


@lru_cache(maxsize=65_536)
def fold_text(text: str) -> str:
    """Lower-case without diacritics; letters, digits and punctuation otherwise kept."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.translate(_NO_DECOMPOSITION))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words(text: str) -> list[str]:
    """Folded word tokens: runs of letters and digits, decimals kept whole ("15.4", "2,5")."""
    folded = fold_text(text)
    if "," in folded:
        folded = _DECIMAL_COMMA.sub(r"\1.\2", folded)
    return _WORD.findall(folded)


def normalise_model(text: str | None) -> str:
    """A model number as digits and letters only, lower-case: 'ES15-BB-TA' -> 'es15bbta'."""
    return _NOT_ALNUM.sub("", fold_text(text)) if text else ""


def _is_code(token: str, min_length: int, numbers_from: int) -> bool:
    if len(token) < min_length or token.isalpha():
        return False
    if token.isdigit():
        # Long bare numbers are part numbers ("0101097900"); short ones are years or sizes.
        return len(token) >= numbers_from
    return _SPEC.fullmatch(token) is None


def model_codes(text: str | None, *, min_length: int = 4, numbers_from: int = 6) -> set[str]:
    """Model-like codes in text: tokens mixing letters and digits, at least min_length long."""
    # Each whitespace token is tried whole without its punctuation ("DSC-W150R" -> "dscw150r")
    # and piece by piece ("dsc", "w150r"), so both spellings of a code meet. Sizes and
    # capacities ("500gb", "15in") are not codes; bare numbers count from `numbers_from` digits.
    if not text:
        return set()
    codes: set[str] = set()
    for chunk in _DIGIT_CHUNK.findall(fold_text(text)):
        pieces = _ALNUM.findall(chunk)
        whole = "".join(pieces)
        if _is_code(whole, min_length, numbers_from):
            codes.add(whole)
        if len(pieces) > 1:
            codes.update(p for p in pieces if _is_code(p, min_length, numbers_from))
    return codes


def number_tokens(text: str | None) -> set[str]:
    """Numbers with their unit if any ("500 GB" -> "500gb", "7.0" -> "7"), for overlap."""
    if not text:
        return set()
    found = set()
    for number, unit in _NUMBER.findall(fold_text(text).replace(",", ".")):
        if "." in number:
            number = number.rstrip("0").rstrip(".") or "0"
        found.add(number + (unit or ""))
    return found


@lru_cache(maxsize=16_384)
def normalise_brand(text: str | None) -> str:
    """A brand folded, without punctuation or legal suffixes: 'Sony Corp.' -> 'sony'."""
    if not text:
        return ""
    tokens = _NOT_ALNUM.sub(" ", fold(text)).split()
    stripped = True
    while stripped:
        stripped = False
        for suffix in _BRAND_SUFFIXES:
            if len(tokens) > len(suffix) and tuple(tokens[-len(suffix):]) == suffix:
                del tokens[-len(suffix):]
                stripped = True
    if len(tokens) > 1 and tokens[0] == "the":
        del tokens[0]
    return " ".join(tokens)


def brand_key(text: str | None) -> str:
    """The normalised brand without spaces: 'Human Toolz' and 'HumanToolz' share a key."""
    return normalise_brand(text).replace(" ", "")
