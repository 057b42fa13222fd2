"""Reading a disguised word back as a word the rules look for, when nothing else can.

Two disguises survive normalisation, by design of its tables:

* a letter no look-alike data knows ("reթlika" with an Armenian letter, "podróbкa" where
  the rest of the word is Latin): such letters are unknown, and a word made of Latin letters
  plus one or two unknown ones is read as the one word of the rules' vocabulary that fits;
* leetspeak in a word the normaliser keeps as a model code ("F4KE", "N1KE": short words in
  capitals are codes, "H3TS" must stay one): the leetspeak reading is used only when it is
  exactly a word of the vocabulary, so "H3TS" (read "hets") stays a code.

The vocabulary is every word of the rules' phrases and brand names, compared with letter runs
squeezed ("rreepli?a" fits "replika"); the replacement has the length of the word it
replaces, so offsets into the normalised text stay valid.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rules.leet import LEET
from rules.squeeze import squeeze

__all__ = ["Vocabulary"]

# A word of the normalised text that holds a character outside a-z and 0-9.
_FOREIGN_WORD = re.compile(r"[^\W_]*[^\x00-\x7f][^\W_]*")
# Cheap first look: a digit touching a letter, or a leet sign.
_LEET_HINT = re.compile(r"[a-z][0-9]|[0-9][a-z]|[@$!]")
# A word mixing letters with leet characters (not a plain number).
_LEET_WORD = re.compile(
    r"(?<![\w@$!])(?=[a-z0-9@$!]*[a-z@$])[a-z0-9@$!]*[0-9@$][a-z0-9@$!]*(?![\w@$!])")
# Most unknown letters a word may hide, and the fewest known letters it must keep.
_MAX_UNKNOWN = 2
_MIN_KNOWN = 3
# More words than this fitting one pattern: the known letters say too little.
_MAX_FITTING = 3
# A word read from leetspeak is at least this long; the ones in it tried as i and l.
_MIN_LEET_WORD = 3
_MAX_ONES = 3
_MEMO_LIMIT = 100_000


class Vocabulary:
    """The words the rules look for, grouped by length, with the repairs they allow."""

    def __init__(self) -> None:
        # word -> what it is a word of (a phrase list's id, or a brand list)
        self._words: dict[str, set[str]] = {}
        self._squeezed: dict[str, set[str]] = {}
        self._by_length: dict[int, str] = {}
        self._memo: dict[str, str] = {}
        self._frozen = False

    def add(self, phrases: Iterable[str], source: str) -> None:
        """Add every word of normalised phrases (or brand keys) of one list."""
        if self._frozen:
            raise RuntimeError("vocabulary already built")
        for phrase in phrases:
            for word in phrase.split():
                if len(word) >= _MIN_LEET_WORD and word.isascii() and word.isalpha():
                    self._words.setdefault(word, set()).add(source)

    def build(self) -> None:
        """Index the words; call once after every add."""
        for word, sources in self._words.items():
            self._squeezed.setdefault(squeeze(word).text, set()).update(sources)
        by_length: dict[int, list[str]] = {}
        for word in sorted(w for w in self._squeezed if len(w) > _MIN_KNOWN):
            by_length.setdefault(len(word), []).append(word)
        # One newline-separated string per length: a pattern with wildcards is matched
        # against all words of its length in one C-level pass.
        self._by_length = {n: "\n".join(words) for n, words in by_length.items()}
        self._frozen = True

    def __len__(self) -> int:
        return len(self._words)

    def repair(self, text: str) -> str:
        """The text with disguised words replaced by the vocabulary word they stand for."""
        if not self._squeezed:
            return text
        out = text
        if not text.isascii():
            out = _FOREIGN_WORD.sub(self._unknown_letters, out)
        words = _LEET_WORD.findall(out) if _LEET_HINT.search(out) else ()
        if words:
            memo = self._memo
            fixes = {}
            for word in words:
                fixed = memo.get(word)
                if fixed is None:
                    fixed = self._leet(word)
                    if len(memo) > _MEMO_LIMIT:
                        memo.clear()
                    memo[word] = fixed
                if fixed != word:
                    fixes[word] = fixed
            if fixes:
                out = _LEET_WORD.sub(lambda m: fixes.get(m.group(), m.group()), out)
        return out

    def _unknown_letters(self, m: re.Match[str]) -> str:
        word = m.group()
        sq = squeeze(word)
        text = sq.text
        unknown = [i for i, ch in enumerate(text) if not ch.isascii()]
        known = len(text) - len(unknown)
        if len(unknown) > _MAX_UNKNOWN or known < _MIN_KNOWN or known < 2 * len(unknown):
            return word
        if not all(ch.isalpha() for ch in text):
            return word  # a symbol or a digit is not a letter standing in for one
        pool = self._by_length.get(len(text))
        if pool is None:
            return word
        pattern = "".join("[a-z]" if not ch.isascii() else re.escape(ch) for ch in text)
        found = re.findall(f"^{pattern}$", pool, flags=re.MULTILINE)
        # Several words may fit: "repli?a" is "replika" or "replica", words of one list, so
        # either reads the disguise (the first, to be deterministic); "f?jki" is "fejki"
        # (fakes) or "fajki" (pipes), words of different lists, so it stays unread.
        if not 0 < len(found) <= _MAX_FITTING or not set.intersection(
                *(self._squeezed[w] for w in found)):
            return word
        chars = list(word)
        for i in unknown:
            a, b = sq.span(i, i + 1)
            chars[a:b] = found[0][i] * (b - a)
        return "".join(chars)

    def _leet(self, word: str) -> str:
        # Leet characters still here are in words the normaliser kept as codes or numbers:
        # only a reading that is exactly a word of the vocabulary counts ("@@a" is "aaa").
        if len(word) < _MIN_LEET_WORD or not any(ch.isalpha() or ch in "@$" for ch in word):
            return word
        ones = [i for i, ch in enumerate(word) if ch == "1"][:_MAX_ONES]
        # "1" stands for "l" as often as for "i": "qu411ty" is "quality".
        for mask in range(1 << len(ones)):
            chars = list(word)
            for bit, i in enumerate(ones):
                if mask >> bit & 1:
                    chars[i] = "l"
            reading = "".join(chars).translate(LEET)
            if squeeze(reading).text in self._squeezed:
                return reading
        return word
