"""Normalised keys shared by alerts and offers: GTINs, brands, model codes, titles.

An alert finds its offers through these keys in an indexed table, so both sides must
normalise exactly alike; this module is that one place.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

from rules.normalise import fold

# Legal-form words that vary between writings of one brand ("Philips Polska sp. z o.o.").
_BRAND_NOISE = {"inc", "corp", "corporation", "co", "ltd", "llc", "gmbh", "ag", "sa", "spa",
                "sp", "z", "o", "oo", "polska", "poland", "group", "international", "the"}
_WORD = re.compile(r"[0-9a-z]+")
# A model code mixes letters and digits ("es15-bb-ta", "x200", "kr-2020"): written with
# separators or not, it is one key.
_CODE = re.compile(r"(?<![0-9a-z])[0-9a-z]+(?:[-./][0-9a-z]+)*(?![0-9a-z])")
_SEPARATORS = str.maketrans("", "", "-./")
# Quantities look like codes but name no model: "2200w", "500gb", "1.5l", "3x".
_QUANTITY = re.compile(r"^\d+(?:[.,]\d+)?(?:w|kw|v|mah|ah|gb|tb|mb|ml|l|g|kg|mm|cm|m|hz|khz|"
                       r"mhz|ghz|cali|szt|pcs|x|k|p|mp|db|lm|rpm|in|cl)$")


def gtin14(code: str) -> str | None:
    """A valid GTIN-8/12/13/14 as its GTIN-14 form, or None (wrong length or check digit)."""
    digits = re.sub(r"[\s-]", "", code)
    if not digits.isdigit() or len(digits) not in (8, 12, 13, 14):
        return None
    body, check = digits[:-1], int(digits[-1])
    # GS1 check digit: weights 3,1,3,... from the right of the body.
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    if (10 - total % 10) % 10 != check:
        return None
    return digits.zfill(14)


def brand_key(brand: str | None) -> str:
    """A brand as one comparable word string: folded, legal-form words dropped."""
    words = [w for w in _WORD.findall(fold(brand or "")) if w not in _BRAND_NOISE]
    return " ".join(words)


def _plain(text: str) -> str:
    """Case and diacritics folded, nothing else: codes keep their separators and digits.

    Letters outside ASCII after decomposition (Cyrillic, CJK) are dropped: model codes and
    the words compared here are written in Latin letters and digits.
    """
    decomposed = unicodedata.normalize("NFKD", text.replace("ł", "l").replace("Ł", "L"))
    return decomposed.encode("ascii", "ignore").decode("ascii").lower()


def model_key(model: str | None) -> str:
    """A model or type number without case or separators: "ES15-BB-TA" -> "es15bbta"."""
    return "".join(_WORD.findall(_plain(model or "")))[:100]


def model_codes(text: str | None) -> list[str]:
    """Model-like codes in free text (letters and digits together, 4+ characters), as keys."""
    out = []
    for raw in _CODE.findall(_plain(text or "")):
        if raw.isalpha() or raw.isdigit():  # most words: settled without building a key
            continue
        key = raw.translate(_SEPARATORS)
        if (len(key) >= 4 and not key.isdigit() and not key.isalpha()
                and not _QUANTITY.match(raw)):
            out.append(key[:100])
    return list(dict.fromkeys(out))


def title_key(title: str | None) -> str:
    """A hash of a title's folded words: the same listing re-posted with other punctuation."""
    words = _WORD.findall(fold(title or ""))
    return hashlib.sha1(" ".join(words).encode()).hexdigest()[:24] if words else ""


def offer_keys(*, title: str, brand: str | None, gtins: Iterable[str]) -> list[str]:
    """Every lookup key of one offer version."""
    keys = [f"g:{g}" for g in (gtin14(c) for c in gtins) if g]
    if brand_key(brand):
        keys.append(f"b:{brand_key(brand)}"[:140])
    keys.extend(f"m:{code}" for code in model_codes(title))
    if title_key(title):
        keys.append(f"t:{title_key(title)}")
    return list(dict.fromkeys(keys))
