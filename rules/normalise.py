"""Text normalisation against evasion, with a map from normalised offsets back to the original.

What `normalise` does, in order (phrases in packs go through the same function at load time):

1. Per character (`rules.lookalikes.fold_char`): NFKD (full-width, mathematical and ligature
   forms become plain letters), combining marks dropped (Polish diacritics fold: ą→a, ę→e,
   ó→o, ś→s, ż/ź→z), look-alikes from Unicode's confusables data (UTS #39) mapped to Latin
   letters, other Latin letters transliterated (ł→l, ø→o, small capitals), casefold; format
   characters (zero-width space/joiners, U+2060, BOM, soft hyphen, bidi controls) deleted;
   control characters become spaces; every dash becomes "-".
2. Split on whitespace into tokens. Inside a token, three or more single characters between
   separators ("r.e.p.l.i.k.a", "r-e--p-l-i-k-a", "r_e_p") are joined; remaining
   separators between two words ("jak.oryginał", "jak*oryginał", "jak_oryginał",
   "czarny/biały") become word breaks, while those between two digits stay ("1.5", "19,99",
   "1:1", "1/2").
3. Leetspeak read in words that read as words, not in numbers or model codes (rules.leet:
   "c0un73rf3it" is "counterfeit", "H3TS", "MP3" and "iphone13" stay). The scanner also reads
   a kept code as leetspeak when that gives exactly a word the rules look for ("F4KE").
4. Runs of three or more of one letter are cut to two ("replikaaa"→"replikaa",
   "podróóóbka"→"podroobka"); doubled letters stay, because they are spelling ("channel" is
   not "Chanel", "kappa" not "kapa"). The scanner matches phrases on the text with every run
   squeezed, requiring each of the phrase's own doubles, so "rreplikaa" finds "replika"
   while "hets" does not find "heets" (rules.squeeze). A word that is one letter repeated keeps
   three ("AAAA"→"aaa"; "AA" stays "aa").
5. Runs of three or more one-character tokens starting and ending with a letter, evenly
   spaced, are joined ("p o d r ó b k a" → "podrobka", "(f a k e)" → "(fake)"), then steps 3
   and 4 apply to the joined word.
6. Tokens are joined with single spaces.

Steps 1 to 4 make one token (`rules.tokens`); this module splits the text, keeps what each
token became in caches, joins spaced-out words (step 5) and maps offsets across the text.

`1` is read as `i`; phrases and brand names are also indexed with `l` and `i` swapped
(`rules.spelling`), so "rep1ika", "repl1ka" and "NlKE" find "replika" and "Nike".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rules.squeeze import squeeze_text
from rules.tokens import Piece, fold_token, read_words

__all__ = ["Normalised", "fold", "fold_squeezed", "normalise"]

_TOKEN = re.compile(r"\S+")
_CACHE: dict[str, str] = {}
# The same token's normalised form with letter runs squeezed (rules.squeeze), and the tokens
# whose normalised form may hide a word only the scanner can read back (rules.repair).
_SQUEEZED: dict[str, str] = {}
_ODD: set[str] = set()
_CACHE_LIMIT = 100_000
# A letter outside ASCII, or a digit or leet sign left touching a letter.
_ODD_HINT = re.compile(r"[^\x00-\x7f]|[a-z][0-9@$!]|[0-9@$!][a-z]|[@$]")


def _token(token: str) -> str:
    """Normalised form of one token, memoised: most tokens of a marketplace recur."""
    cached = _CACHE.get(token)
    if cached is not None:
        return cached
    result = token if token.isascii() and token.isdigit() else fold_token(token).text()
    if len(_CACHE) >= _CACHE_LIMIT:
        _CACHE.clear()
        _SQUEEZED.clear()
        _ODD.clear()
    _CACHE[token] = result
    _SQUEEZED[token] = squeeze_text(result)
    if _ODD_HINT.search(result):
        _ODD.add(token)
    return result


def _gaps(spans: list[tuple[int, int]]) -> list[int]:
    """Whitespace before each token."""
    return [0] + [spans[k][0] - spans[k - 1][1] for k in range(1, len(spans))]


def _edge(token: str, leading: bool) -> bool:
    """A token that is one letter with punctuation on its outer side: "(r", "a)"."""
    if len(token) < 2:
        return False
    letter, rest = (token[-1], token[:-1]) if leading else (token[0], token[1:])
    return letter.isalpha() and not any(ch.isalnum() for ch in rest)


def _single_runs(lengths: list[int], tokens: list[str], gaps: list[int]) -> list[tuple[int, int]]:
    """[i, j) ranges of three or more one-letter tokens, to be joined back into one word."""
    # Inside a run tokens are one letter or digit, the first and last a letter; "(r" and "a)"
    # may open and close it. A run keeps the spacing of its first gap, so
    # "p o d r ó b k a  n i k e" (two spaces between words) gives two words.
    runs = []
    i, n = 0, len(lengths)
    while i < n:
        opens = _edge(tokens[i], leading=True)
        if not (opens or (lengths[i] == 1 and tokens[i].isalpha())):
            i += 1
            continue
        j = i + 1
        while j < n and lengths[j] == 1 and (tokens[j].isalnum() or tokens[j] in "@$") and (
                j < i + 2 or gaps[j] == gaps[i + 1]):
            j += 1
        while j > i + 1 and not tokens[j - 1].isalpha():
            j -= 1  # end on a letter: "1 x 1" is a ratio, not a spaced-out word
        if j < n and j > i + 1 and gaps[j] == gaps[i + 1] and _edge(tokens[j], leading=False):
            j += 1
        if j - i >= 3:
            runs.append((i, j))
            i = j
        else:
            i += 1
    return runs


# One-letter tokens side by side, or one between short tokens: "r e p", "(r e p)".
_RUN_HINT = re.compile(rb"\x01\x01|[\x01\x02]\x01[\x01\x02]")


def _fast_forms(text: str) -> tuple[str, str, bool]:
    """The normalised text, its squeezed form, and whether it may hide a word (rules.repair).

    All three come from per-token caches: C-level maps and joins on the common path.
    """
    parts = text.split()
    looked_up = list(map(_CACHE.get, parts))
    missed = None in looked_up
    if missed:
        looked_up = [_token(p) if t is None else t for p, t in zip(parts, looked_up, strict=True)]
    tokens: list[str] = looked_up  # type: ignore[assignment]
    if _hinted(tokens):
        gaps = _gaps([m.span() for m in _TOKEN.finditer(text)])
        runs = _single_runs([len(t) for t in tokens], tokens, gaps)
        if runs:
            for a, b in reversed(runs):
                tokens[a:b] = [read_words(_join_piece(tokens[a:b])).text()]
            spaced = " ".join(filter(None, tokens))
            return spaced, squeeze_text(spaced), _ODD_HINT.search(spaced) is not None
    joined = " ".join(filter(None, tokens))
    if missed:
        # A miss may have cleared the caches half-way through this text: work it out.
        return joined, squeeze_text(joined), _ODD_HINT.search(joined) is not None
    squeezed: list[str] = list(map(_SQUEEZED.__getitem__, parts))
    return joined, " ".join(filter(None, squeezed)), not _ODD.isdisjoint(parts)


def _hinted(tokens: list[str]) -> bool:
    """Cheap test (in C) that a spaced-out word may be present; both paths gate on it."""
    try:
        lengths = bytes(map(len, tokens))
    except ValueError:  # a token longer than 255 characters
        lengths = bytes(min(len(t), 3) for t in tokens)
    return _RUN_HINT.search(lengths) is not None


def _join_piece(tokens: list[str]) -> Piece:
    """Tokens run together; each character points at the index of its token."""
    piece = Piece()
    for k, token in enumerate(tokens):
        for ch in token:
            piece.add(ch, k, k + 1)
    return piece


def fold(text: str) -> str:
    """Normalised text without offsets, as the rules see it."""
    return _fast_forms(text)[0]


def fold_squeezed(text: str) -> str:
    """The normalised text with letter runs squeezed (rules.squeeze), from the same caches."""
    return _fast_forms(text)[1]


@dataclass(slots=True)
class Normalised:
    """A normalised text that can map its offsets back to the original."""

    original: str
    text: str
    # `text` with every run of one letter inside a word written once (rules.squeeze).
    squeezed: str = ""
    # Whether a word may hide one only the scanner can read back (rules.repair).
    odd: bool = False
    _starts: list[int] | None = None
    _ends: list[int] | None = None
    # The text as normalised, when `text` has words read back in place (rules.repair).
    _folded: str | None = None

    def repaired(self, text: str) -> Normalised:
        """The same text with words replaced in place by others of the same length."""
        if text == self.text:
            return self
        if len(text) != len(self.text):
            raise ValueError("a repair must keep every offset")
        return Normalised(self.original, text, squeeze_text(text), self.odd, self._starts,
                          self._ends, self._folded if self._folded is not None else self.text)

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map [start, end) of the normalised text to [start, end) of the original text."""
        if self._starts is None or self._ends is None:
            self._build_map()
        assert self._starts is not None and self._ends is not None
        n = len(self.text)
        start = max(0, min(start, n))
        end = max(start, min(end, n))
        if start == end:
            pos = self._starts[start] if start < n else len(self.original)
            return pos, pos
        return self._starts[start], self._ends[end - 1]

    def _build_map(self) -> None:
        text, starts, ends = _mapped(self.original)
        if text != (self._folded if self._folded is not None else self.text):
            # Cannot happen unless the fast and mapped paths diverge; point at the whole text
            # rather than at a wrong place.
            starts = [0] * len(self.text)
            ends = [len(self.original)] * len(self.text)
        self._starts, self._ends = starts, ends


def _mapped(original: str) -> tuple[str, list[int], list[int]]:
    """The normalised text by the slow path, with [start, end) in `original` of every char."""
    spans = [m.span() for m in _TOKEN.finditer(original)]
    pieces = [fold_token(original[a:b]) for a, b in spans]
    texts = [p.text() for p in pieces]
    runs = _single_runs([len(t) for t in texts], texts, _gaps(spans)) if _hinted(texts) else []
    for a, b in reversed(runs):
        joined = read_words(_join_piece(texts[a:b]))
        # Offsets of a joined run point at whole tokens: re-base them on the run's start.
        merged = Piece()
        for ch, s, e in zip(joined.chars, joined.starts, joined.ends, strict=True):
            merged.add(ch, spans[a + s][0] - spans[a][0], spans[a + e - 1][1] - spans[a][0])
        pieces[a:b] = [merged]
        spans[a:b] = [(spans[a][0], spans[b - 1][1])]
    starts: list[int] = []
    ends: list[int] = []
    chars: list[str] = []
    prev_end = None
    for (base, _), piece in zip(spans, pieces, strict=True):
        if not piece.chars:
            continue
        if prev_end is not None:
            chars.append(" ")
            starts.append(prev_end)
            ends.append(base + piece.starts[0])
        chars.extend(piece.chars)
        starts.extend(base + s for s in piece.starts)
        ends.extend(base + e for e in piece.ends)
        prev_end = base + piece.ends[-1]
    return "".join(chars), starts, ends


def normalise(text: str) -> Normalised:
    """Normalise text for matching; `.original_span` maps hits back to the original."""
    return Normalised(text, *_fast_forms(text))
