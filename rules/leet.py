"""Leetspeak: when digits and signs in a word stand for letters, and the letters they stand for.

A word reads as leetspeak when it has at least two letters, only digits that stand for a
letter (0 o, 1 i, 3 e, 4 a, 5 s, 7 t, 8 b, 9 g; @ a, $ s, ! i), no run of three digits or
more, and is not a number before a few letters ("4k", "3ds"), a number after a word
("iphone13", "es15"), a number with a unit ("5ml") or a short word in capitals ("H3TS",
"MP3"): those are quantities and model codes. "c0un73rf3it" and "p0dr0b10ny" read as words.
"""

from __future__ import annotations

import re

__all__ = ["LEET", "read_leet", "reads_as_leet"]

LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b",
                       "9": "g", "@": "a", "$": "s", "!": "i"})
_LEET_CHARS = frozenset("01345789@$!")
_LEET_DIGITS = frozenset("01345789")
# A number with a unit is not leetspeak: "5ml" is not "sml". Explicit, so "0ff" still reads "off".
_NUMBER_WITH_UNIT = re.compile(
    r"\d+(?:ml|cl|l|g|kg|mg|mcg|dag|t|oz|lb|mm|cm|m|km|in|ft|gb|tb|mb|kb|w|kw|kwh|v|mah|a|hz|"
    r"khz|ghz|k|p|x|h|min|s|ms|szt|zl|pln|eur|usd|mp|px|fps|db|st|nd|rd|th)")
_DIGIT_RUNS = re.compile(r"\d+")
# Short words in capitals with a digit are model codes ("H3TS", "MP3", "A4"), not leetspeak.
_CODE_MAX_CHARS = 4
# A number in front of at most this many letters is a quantity or a code ("3ds", "1st").
_UNIT_MAX_LETTERS = 3


def reads_as_leet(word: str, *, capitals: bool = False) -> bool:
    """Whether a word of letters, digits, @, $ and ! is leetspeak rather than a number or code.

    `capitals`: the word was written in capitals (codes are: "H3TS", "MP3").
    """
    if not _LEET_CHARS.intersection(word):
        return False
    letters = sum(ch.isalpha() for ch in word)
    if letters < 2 or _NUMBER_WITH_UNIT.fullmatch(word):
        return False
    runs = list(_DIGIT_RUNS.finditer(word))
    if runs:
        if any(ch.isdigit() and ch not in _LEET_DIGITS for ch in word):
            return False  # 2 and 6 stand for no one letter: "s23", "a52s", "ga2100"
        if any(len(m.group()) >= 3 for m in runs):
            return False  # "t470s", "b550m", "wh1000xm4"
        if len(runs) == 1:
            only = runs[0]
            if (only.start() == 0 and not only.group().startswith("0")
                    and letters <= _UNIT_MAX_LETTERS):
                return False  # a number in front: "4k", "3ds", "1st" (not "0ff", "1nspired")
            if only.end() == len(word) and len(only.group()) >= 2:
                return False  # a number behind: "iphone13", "es15", "gu10"
        if capitals and len(word) <= _CODE_MAX_CHARS:
            return False
    return True


def read_leet(word: str, *, capitals: bool = False) -> str:
    """Read digits, @, $ and ! as letters inside a word that is not a number or a model code."""
    return word.translate(LEET) if reads_as_leet(word, capitals=capitals) else word


