"""Normalised keys shared by alerts and offers: GTINs, brands, model codes, titles.

An alert finds its offers through these keys in an indexed table, and a new offer its
alerts, so both sides must normalise exactly alike: this module (with model_numbers for
the model codes) is that one place.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

from moderation.safety import model_numbers
from rules.normalise import fold

# Legal-form words that vary between writings of one brand ("Philips Polska sp. z o.o.").
_BRAND_NOISE = {"inc", "corp", "corporation", "co", "ltd", "llc", "gmbh", "ag", "sa", "spa",
                "sp", "z", "o", "oo", "polska", "poland", "group", "international", "the"}
_WORD = re.compile(r"[0-9a-z]+")


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


def title_key(title: str | None) -> str:
    """A hash of a title's folded words: the same listing re-posted with other punctuation."""
    words = _WORD.findall(fold(title or ""))
    return hashlib.sha1(" ".join(words).encode()).hexdigest()[:24] if words else ""


def brand_keys(brand: str | None) -> tuple[str, ...]:
    """An alert's brand and each brand it lists ("Hotpoint, Indesit", "P.H. Kris - Taem"),
    as brand keys; a remark in brackets ("since 2016, former Atlas") names none."""
    text = re.sub(r"\([^)]*\)", " ", brand or "")
    parts = [text, *re.split(r"[,;/]|\s-\s", text)]
    return tuple(dict.fromkeys(k for k in map(brand_key, parts) if len(k) >= 2))


def offer_keys(*, title: str, brand: str | None, gtins: Iterable[str],
               description: str | None = None) -> list[str]:
    """Every lookup key of one offer version.

    m: model codes of the title (and the codes inside a longer one) and those a label
    marks in the description; n: weak keys (bare numbers, two-character codes), which only
    count next to the alert's brand.
    """
    keys = [f"g:{g}" for g in (gtin14(c) for c in gtins) if g]
    brand_text = brand_key(brand)
    if brand_text:
        keys.append(f"b:{brand_text}"[:140])
    models = model_numbers.read(title)
    labelled = model_numbers.read(description, only_labelled=True) if description else None
    keys.extend(f"m:{code}" for code in (*models.codes, *models.parts,
                                         *(labelled.codes if labelled else ())))
    keys.extend(f"n:{code}" for code in (*models.weak, *models.weak_parts))
    title_text = title_key(title)
    if title_text:
        keys.append(f"t:{title_text}")
    return list(dict.fromkeys(keys))
