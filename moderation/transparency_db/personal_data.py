"""Personal data in free text: what a record for the Transparency Database must not carry.

Art. 24(5) DSA makes the platform answer for sending no personal data, and the database's
documentation asks the same of every free text. Statements are written without names by
design; this is the last check before they leave: e-mail addresses, telephone numbers (the
international form and the Polish 9-digit forms) and the names we know of (sellers' ids,
people's account names). A valid GTIN is a product's number, not a telephone: it is left
alone, as are references written with letters or slashes (alert and order numbers).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from stdnum import ean

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# Digits not glued to letters, slashes or other digits: "A12/00123/25" is an alert number.
_EDGE_BEFORE = r"(?<![\w/])"
_EDGE_AFTER = r"(?![\w/])"
PHONES = (
    # +48 600 123 456, +48600123456, 0048 600-123-456
    re.compile(_EDGE_BEFORE + r"(?:\+|00)\d{1,3}(?:[ -]?\d){7,12}" + _EDGE_AFTER),
    # Polish numbers never start with 0 (the numbering plan), which keeps trade mark
    # registrations ("EUIPO 018123456") and zero-padded references out.
    # 600 123 456, 600-123-456
    re.compile(_EDGE_BEFORE + r"[1-9]\d{2}[ -]\d{3}[ -]\d{3}" + _EDGE_AFTER),
    # (22) 123 45 67, 22 123 45 67
    re.compile(_EDGE_BEFORE + r"\(?[1-9]\d\)?[ -]\d{3}[ -]\d{2}[ -]\d{2}" + _EDGE_AFTER),
    # 600123456: nine digits alone, a Polish number without its separators
    re.compile(_EDGE_BEFORE + r"[1-9]\d{8}" + _EDGE_AFTER),
)
# Shorter names match inside ordinary words ("ala" in "zakalany").
MIN_NAME_CHARS = 3


def _is_gtin(text: str) -> bool:
    return text.isdigit() and len(text) in (8, 12, 13, 14) and ean.is_valid(text)


def names_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    """One pattern for all these names as whole words, any case (None: no names)."""
    usable = sorted({n.strip().casefold() for n in names if len(n.strip()) >= MIN_NAME_CHARS},
                    key=len, reverse=True)
    if not usable:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, usable)) + r")(?!\w)")


def findings(text: str, *, names: re.Pattern[str] | None = None) -> list[str]:
    """What personal data this text shows, one short reason each (empty: none found)."""
    found = []
    if EMAIL.search(text):
        found.append("an e-mail address")
    for pattern in PHONES:
        if any(not _is_gtin(m.group()) for m in pattern.finditer(text)):
            found.append("a telephone number")
            break
    if names is not None and names.search(text.casefold()):
        found.append("a name of a person or account we know")
    return found
