"""Letters written more than once: squeezed for matching, each phrase keeping its own doubles.

Sellers draw letters out to dodge keyword filters ("rreplikaa", "ppodróbkaa"), while doubled
letters are also ordinary spelling ("lekki", "kappa", "channel"). So the scanner looks for
phrases in the text with every run of one letter written once, and a hit counts only where
the text has at least the phrase's own runs: "rreplikaa" holds "replika" and "knockofff"
holds "knockoff", but "hets" (from the model code "H3TS") does not hold "heets". What this
cannot tell apart is an ordinary word that is a phrase with one letter doubled ("lekki" holds
"leki"); the evaluation on real listings is where such a word would show.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate

__all__ = ["Profile", "Squeezed", "profile", "squeeze"]

_RUN = re.compile(r"([^\W\d_])\1+")
# A run that is a whole word ("aaa", as in "AAA quality", kept at three by the normaliser)
# is not squeezed: it is that word.
_WORDS: dict[str, str] = {}
_WORDS_LIMIT = 200_000

# (offset in the squeezed phrase, run length) for each letter the phrase writes more than once.
Profile = tuple[tuple[int, int], ...]


class Squeezed:
    """A text with every run of one letter written once; where the runs were, when asked.

    Both texts have the same words, so a squeezed position is mapped word by word: the words
    before it by their lengths, the word itself through its (cached) letter map.
    """

    __slots__ = ("_orig_starts", "_sq_starts", "_words", "original", "text")

    def __init__(self, original: str, text: str) -> None:
        self.original = original
        self.text = text
        self._words: list[str] | None = None
        self._sq_starts: list[int] = []
        self._orig_starts: list[int] = []

    def _locate(self, pos: int) -> tuple[int, tuple[tuple[int, int], ...]]:
        """The unsqueezed start of the word holding squeezed `pos`, and that word's map."""
        if self._words is None:
            # Worked out only for texts where a phrase was found: most are never asked.
            self._words = self.original.split(" ")
            self._sq_starts = _starts(self.text.split(" "))
            self._orig_starts = _starts(self._words)
        i = max(0, bisect_right(self._sq_starts, pos) - 1)
        return i, _letter_map(self._words[i])

    def _at(self, pos: int) -> tuple[int, int]:
        """(unsqueezed position, run length) of the squeezed character at `pos`."""
        if self.text is self.original:
            return pos, 1
        i, letters = self._locate(pos)
        offset = pos - self._sq_starts[i]
        if offset >= len(letters):  # the space after the word, or the end
            end = self._orig_starts[i] + len(self._words[i]) if self._words else pos
            return end + offset - len(letters), 1
        start, run = letters[offset]
        return self._orig_starts[i] + start, run

    def holds(self, start: int, prof: Profile) -> bool:
        """Whether the text, at squeezed `start`, has at least each run of the profile."""
        return all(self._at(start + offset)[1] >= length for offset, length in prof)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """[start, end) of the squeezed text as [start, end) of the unsqueezed text."""
        first = self._at(start)[0]
        if start >= end:
            return first, first
        last, run = self._at(end - 1)
        return first, last + run

    @property
    def runs(self) -> dict[int, int]:
        """Squeezed position -> run length, only where longer than one (for tests, reports)."""
        out = {}
        for pos in range(len(self.text)):
            run = self._at(pos)[1]
            if run > 1:
                out[pos] = run
        return out


_MAPS: dict[str, tuple[tuple[int, int], ...]] = {}


def _starts(words: list[str]) -> list[int]:
    """Where each word of a text split on single spaces starts (C-level accumulate)."""
    return list(accumulate(map((1).__add__, map(len, words)), initial=0))


def _letter_map(word: str) -> tuple[tuple[int, int], ...]:
    """For each character of the squeezed word: its start in the word and its run length."""
    known = _MAPS.get(word)
    if known is None:
        runs = {a: b - a for a, b in _word_runs(word)}
        out = []
        i = 0
        while i < len(word):
            run = runs.get(i, 1)
            out.append((i, run))
            i += run
        known = tuple(out)
        if len(_MAPS) >= _WORDS_LIMIT:
            _MAPS.clear()
        _MAPS[word] = known
    return known


def _letter(ch: str) -> bool:
    return ch.isalpha()


def _word_runs(text: str) -> list[tuple[int, int]]:
    """[start, end) of every run of one letter that is not a whole word of its own."""
    n = len(text)
    out = []
    for m in _RUN.finditer(text):
        a, b = m.span()
        if (a > 0 and _letter(text[a - 1])) or (b < n and _letter(text[b])):
            out.append((a, b))
    return out


def _squeeze_word(word: str) -> str:
    runs = _word_runs(word)
    if not runs:
        return word
    parts, last = [], 0
    for a, b in runs:
        parts.append(word[last:a + 1])
        last = b
    parts.append(word[last:])
    return "".join(parts)


def squeeze_text(text: str) -> str:
    """The text with letter runs squeezed, word by word through a cache (the hot path)."""
    get = _WORDS.get
    out = []
    for word in text.split(" "):
        done = get(word)
        if done is None:
            done = _squeeze_word(word)
            if len(_WORDS) >= _WORDS_LIMIT:
                _WORDS.clear()
            _WORDS[word] = done
        out.append(done)
    return " ".join(out)


def squeeze(text: str, squeezed: str | None = None) -> Squeezed:
    """Squeeze every run of one letter in a normalised text; runs are found on demand.

    `squeezed`: the squeezed text when already known (rules.normalise.Normalised.squeezed).
    """
    if squeezed is None:
        squeezed = squeeze_text(text)
    return Squeezed(text, text if len(squeezed) == len(text) else squeezed)


def profile(phrase: str) -> tuple[str, Profile]:
    """A phrase's squeezed form and the runs a text must have to hold it."""
    sq = squeeze(phrase)
    return sq.text, tuple(sorted(sq.runs.items()))
