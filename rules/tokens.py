"""One whitespace-free token normalised, with the offsets of the token it came from.

Steps 1 to 4 of `rules.normalise` (which splits a text into tokens, joins spaced-out words
and caches what each token becomes): characters folded (`rules.lookalikes`), letters spelt
out across separators joined and other separators turned into word breaks, then in every word
leetspeak read (`rules.leet`) and letter runs cut to two. Each character of the result keeps
the [start, end) of the input it came from, so a hit can be shown where it was written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rules.leet import read_leet
from rules.lookalikes import fold_char

__all__ = ["Piece", "fold_token", "read_words"]

_SEPARATORS = ".-_*|/,~·•"
# Separators that break two words apart when they stand between them (not between digits).
_BREAKS = frozenset(".*|/,~·•:;+_-")
# Three or more single characters joined across separators inside a token: "r.e.p.l.i.k.a",
# also where a removed invisible character left two in a row ("r-e--p-l-i-k-a"); two are
# initials ("P.H. Kris", "S.A.").
_DOTTED = re.compile(r"(?<![^\W_])[^\W\d_](?:[.\-_*|/,~·•]{1,3}(?:[^\W_]|[@$])){2,}"
                     r"(?![^\W_])")
# A word: letters, digits, @ and $; "!" only inside, between two of those ("repl!ka").
_WORD = re.compile(r"(?:[^\W_]|[@$]|(?<=[^\W_]|[@$])!(?=[^\W_]|[@$]))+")
# A ratio glued to the word before it ("jakość1:1"): the ratio is a word of its own.
_GLUED_RATIO = re.compile(r"(?<=[^\W\d_])(?=\d{1,2}:\d)")


class _FoldTable(dict[int, str]):
    """Lazily filled translation table for str.translate: every code point seen once."""

    def __missing__(self, code: int) -> str:
        folded = fold_char(chr(code))
        self[code] = folded
        return folded


_FOLD = _FoldTable()


def _collapse_positions(word: str) -> list[tuple[int, int]]:
    """(start, end) of each kept character of a word after cutting letter runs of 3+ to two."""
    n = len(word)
    if n > 2 and word[0].isalpha() and word.count(word[0]) == n:
        return [(0, 1), (1, 2), (2, n)]
    kept = []
    i = 0
    while i < n:
        j = i + 1
        if word[i].isalpha():
            while j < n and word[j] == word[i]:
                j += 1
        if j - i >= 2:
            # Two are kept, not one: a double may be spelling ("channel", "knockofff" is
            # "knockoff" drawn out), and the scanner squeezes runs with each phrase's own.
            kept.append((i, i + 1))
            kept.append((i + 1, j))
        else:
            kept.append((i, j))
        i = j
    return kept


@dataclass(slots=True)
class Piece:
    """Characters with, for each, the [start, end) of the input it came from."""

    chars: list[str] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)

    def add(self, ch: str, start: int, end: int) -> None:
        self.chars.append(ch)
        self.starts.append(start)
        self.ends.append(end)

    def text(self) -> str:
        return "".join(self.chars)


def read_words(piece: Piece, original: str | None = None) -> Piece:
    """Steps 3 and 4 on every word of a piece, keeping the offset map.

    `original` is the text the piece's offsets point into, to tell words written in capitals.
    """
    text = piece.text()
    out = Piece()
    pos = 0
    for m in _WORD.finditer(text):
        for k in range(pos, m.start()):
            out.add(text[k], piece.starts[k], piece.ends[k])
        base = m.start()
        capitals = original is not None and original[
            piece.starts[base]:piece.ends[m.end() - 1]].isupper()
        word = read_leet(m.group(), capitals=capitals)
        for a, b in _collapse_positions(word):
            out.add(word[a], piece.starts[base + a], piece.ends[base + b - 1])
        pos = m.end()
    for k in range(pos, len(text)):
        out.add(text[k], piece.starts[k], piece.ends[k])
    return out


def _breaks_words(kept: list[str], i: int, j: int) -> bool:
    """Whether the separators kept[i:j] stand between two words (not two digits)."""
    if i == 0 or j >= len(kept):
        return False
    before, after = kept[i - 1], kept[j]
    if not (before.isalnum() or before in "@$") or not (after.isalnum() or after in "@$"):
        return False
    return not (before.isdigit() and after.isdigit())


def fold_token(token: str) -> Piece:
    """Steps 1 to 4 on one whitespace-free token, with offsets relative to the token."""
    folded = Piece()
    for i, ch in enumerate(token):
        for out in _FOLD[ord(ch)]:
            folded.add(out, i, i + 1)
    text = folded.text()
    if ":" in text:
        for m in reversed(list(_GLUED_RATIO.finditer(text))):
            at = m.start()
            folded.chars.insert(at, " ")
            folded.starts.insert(at, folded.starts[at])
            folded.ends.insert(at, folded.starts[at + 1])
        text = folded.text()
    drop: set[int] = set()
    if any(sep in text for sep in _SEPARATORS):
        for m in _DOTTED.finditer(text):
            if not (m.group()[-1].isalpha() or m.group()[-1] in "@$"):
                continue  # end on a letter: "a.1" is not a word spelt out
            drop.update(k for k in range(m.start(), m.end()) if text[k] in _SEPARATORS)
    keep = [k for k in range(len(text)) if k not in drop]
    kept = [text[k] for k in keep]
    spaced = Piece()
    n = len(keep)
    i = 0
    while i < n:
        ch = kept[i]
        if ch in _BREAKS or ch == " ":
            j = i + 1
            while j < n and (kept[j] in _BREAKS or kept[j] == " "):
                j += 1
            run = kept[i:j]
            # Dashes, underscores and spaces always break words; other separators only
            # between two words ("jak.oryginał"), never inside a number ("19,99", "1:1").
            if "-" in run or "_" in run or " " in run or _breaks_words(kept, i, j):
                if spaced.chars and spaced.chars[-1] != " ":
                    k = keep[i]
                    spaced.add(" ", folded.starts[k], folded.ends[k])
                i = j
                continue
            for k in keep[i:j]:
                spaced.add(text[k], folded.starts[k], folded.ends[k])
            i = j
            continue
        k = keep[i]
        spaced.add(ch, folded.starts[k], folded.ends[k])
        i += 1
    if spaced.chars and spaced.chars[-1] == " ":
        for lst in (spaced.chars, spaced.starts, spaced.ends):
            lst.pop()
    return read_words(spaced, token)
