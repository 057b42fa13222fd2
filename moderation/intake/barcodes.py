"""Barcodes as sellers write them: with spaces or hyphens, or only in the title or description.

A barcode is read as its digits ("590 1234 123457", "5901-2341-23457" -> "5901234123457") and
kept when it is a GTIN-8, -12, -13 or -14 with a valid GS1 check digit (python-stdnum's `ean`).
Anything else an offer calls a barcode is kept as written, with what is wrong with it, so a
moderator sees it and the marketplace can fix it; it is never used to match safety alerts.
When the offer's `gtins` field is empty, codes labelled in the title or description ("EAN:
5901234123457", "kod EAN 590 1234 123457") are read the same way. Unlabelled numbers are not:
a description is full of phone, order and catalogue numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from stdnum import ean

# Longer than any barcode written with separators; past it the value is not a barcode at all
# and the offer is refused (422 naming the field), as it would be for any malformed field.
MAX_BARCODE_CHARS = 64
GTIN_LENGTHS = (8, 12, 13, 14)
CHECK_DIGIT = "check_digit"  # digits of a GTIN's length whose check digit is wrong
NOT_A_GTIN = "not_a_gtin"  # letters, or too few or too many digits
_SEPARATORS = re.compile(r"[\s\-‐‑‒–.]+")
# A label, then a code of digits that may be grouped by spaces or hyphens.
_LABELLED = re.compile(
    r"(?<![^\W_])(?:ean(?:[\s-]?(?:13|8))?|gtin(?:[\s-]?(?:8|12|13|14))?|upc(?:[\s-]?a)?"
    r"|kod(?:u)?\s+(?:ean|kreskow\w*|gtin)|kod\s+produktu|barcode|bar\s+code)"
    r"\s*(?:nr\.?|no\.?|number|numer)?\s*[:#=]?\s*"
    r"(\d(?:[ \-‐‑–]?\d){6,17})(?![\d\-])",
    re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class BarcodeFlag:
    """A value given as a barcode that is not a valid GTIN, as written."""

    value: str
    problem: str  # CHECK_DIGIT or NOT_A_GTIN
    source: str  # "gtins", "title" or "description"

    def as_dict(self) -> dict[str, str]:
        return {"value": self.value, "problem": self.problem, "source": self.source}


@dataclass(frozen=True, slots=True)
class Barcodes:
    """What an offer's barcodes are: valid GTINs as digits, and the rest flagged."""

    valid: tuple[str, ...] = ()
    flags: tuple[BarcodeFlag, ...] = ()


def problem_of(text: str) -> str | None:
    """Why a value cannot be stored as barcode text at all (NUL, control characters, size)."""
    if len(text) > MAX_BARCODE_CHARS:
        return f"at most {MAX_BARCODE_CHARS} characters"
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        return "control characters are not allowed"
    return None


def digits_of(value: str) -> str:
    """The value without spaces, hyphens or dots between its digits."""
    return _SEPARATORS.sub("", value)


def classify(value: str, source: str) -> str | BarcodeFlag:
    """A valid GTIN as its digits, or the value flagged with what is wrong with it."""
    digits = digits_of(value)
    if not digits.isdigit() or len(digits) not in GTIN_LENGTHS:
        return BarcodeFlag(value, NOT_A_GTIN, source)
    if not ean.is_valid(digits):
        return BarcodeFlag(value, CHECK_DIGIT, source)
    return digits


def labelled(text: str) -> list[str]:
    """Codes written after a barcode label ("EAN:", "kod kreskowy") in free text."""
    return [m.group(1) for m in _LABELLED.finditer(text or "")]


def read(gtins: Sequence[str], *, title: str = "", description: str = "") -> Barcodes:
    """The offer's barcodes: its `gtins` field, else the codes labelled in its text."""
    if gtins:
        found: Iterable[tuple[str, str]] = ((g, "gtins") for g in gtins)
    else:
        found = [*((c, "title") for c in labelled(title)),
                 *((c, "description") for c in labelled(description))]
    valid: list[str] = []
    flags: list[BarcodeFlag] = []
    for value, source in found:
        value = value.strip()
        if not value:
            continue
        result = classify(value, source)
        if isinstance(result, str):
            valid.append(result)
        else:
            flags.append(result)
    return Barcodes(tuple(dict.fromkeys(valid)), tuple(dict.fromkeys(flags)))
