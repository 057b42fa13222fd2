"""Text normalisation against evasion, with a map from normalised offsets back to the original.

What `normalise` does, in order (phrases in packs go through the same function at load time):

1. Per character: NFKD (full-width, math-alphanumeric and ligature forms become plain letters),
   combining marks dropped (Polish diacritics fold: ą→a, ę→e, ó→o, ś→s, ż/ź→z, ...), letters
   with no decomposition folded (ł→l, ø→o, đ→d), Cyrillic/Greek look-alikes mapped to Latin,
   casefold; format characters (zero-width space/joiners, U+2060, BOM, soft hyphen, bidi
   controls) deleted; control characters become spaces; every dash becomes "-".
2. Split on whitespace into tokens. Inside a token, single characters separated by one
   repeated separator ("r.e.p.l.i.k.a", "r-e-p-l-i-k-a", "r_e_p") are joined; remaining dashes
   and underscores become word breaks.
3. Leetspeak (0→o 1→i 3→e 4→a 5→s 7→t @→a $→s) inside a word (run of letters, digits, @, $)
   with at least two letters and no run of two or more digits, unless the word is a number
   with a short unit ("5ml", "3kg"). Pure numbers, "1:1", "s23", "iphone13" stay as they are.
4. Runs of three or more of one letter collapse to one ("replikaaa"→"replika",
   "podróóóbka"→"podrobka"); doubled letters stay, because they are spelling ("channel" is
   not "Chanel", "kappa" not "kapa"), so a doubled-letter evasion ("repplika") is not undone.
   A word that is one letter repeated keeps three ("AAAA"→"aaa"; "AA" stays "aa").
5. Runs of three or more one-character tokens starting and ending with a letter, evenly
   spaced, are joined ("p o d r ó b k a" → "podrobka", "(f a k e)" → "(fake)"), then steps 3
   and 4 apply to the joined word.
6. Tokens are joined with single spaces.

`1` is read as `i`; phrases and brand names are also indexed with `l` and `i` swapped and
doubles written once (`rules.spelling`), so "rep1ika", "repl1ka", "NlKE" and "knockofff" find
"replika", "Nike" and "knockoff".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

__all__ = ["Normalised", "fold", "normalise"]

# Look-alikes are mapped before casefolding because some capitals and their small letters
# resemble different Latin letters (Greek Η looks like H, η like n).
_CONFUSABLES = {
    # Cyrillic capitals
    "А": "a", "В": "b", "Е": "e", "Ё": "e", "К": "k", "М": "m", "Н": "h", "О": "o", "Р": "p",
    "С": "c", "Т": "t", "Х": "x", "У": "y", "І": "i", "Ї": "i", "Ј": "j", "Ѕ": "s", "Ԁ": "d",
    "Ԛ": "q", "Ԝ": "w", "Һ": "h", "Ү": "y", "Ӏ": "l", "Б": "b",
    # Cyrillic small letters
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
    "с": "c", "т": "t", "х": "x", "у": "y", "і": "i", "ї": "i", "ј": "j", "ѕ": "s", "ԁ": "d",
    "ԛ": "q", "ԝ": "w", "һ": "h", "ү": "y", "ӏ": "l", "д": "d", "г": "r", "п": "n", "ь": "b",
    # Greek capitals
    "Α": "a", "Β": "b", "Ε": "e", "Ζ": "z", "Η": "h", "Ι": "i", "Κ": "k", "Μ": "m", "Ν": "n",
    "Ο": "o", "Ρ": "p", "Τ": "t", "Υ": "y", "Χ": "x", "Ϲ": "c",
    # Greek small letters
    "α": "a", "β": "b", "γ": "y", "δ": "d", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v",
    "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ω": "w", "μ": "u", "ς": "s", "ϲ": "c",
    "ζ": "z", "π": "n",
    # Latin letters without a decomposition
    "ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ħ": "h", "ı": "i", "ŀ": "l",
    "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "þ": "th", "ɡ": "g", "ʏ": "y",
}
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t",
                       "@": "a", "$": "s"})
_LEET_CHARS = frozenset("0134578@$")
_SEPARATORS = ".-_*|/,~·•"
# Single characters joined across one repeated separator inside a token: "r.e.p.l.i.k.a".
_DOTTED = re.compile(r"(?<![^\W_])[^\W\d_](?P<s>[.\-_*|/,~·•]{1,2})(?:(?:[^\W_]|[@$])(?P=s))+"
                     r"[^\W\d_](?![^\W_])")
_WORD = re.compile(r"(?:[^\W_]|[@$])+")
# A number with a unit is not leetspeak: "5ml" is not "sml". Explicit, so "0ff" still reads "off".
_NUMBER_WITH_UNIT = re.compile(
    r"\d+(?:ml|cl|l|g|kg|mg|mcg|dag|t|oz|lb|mm|cm|m|km|in|ft|gb|tb|mb|kb|w|kw|kwh|v|mah|a|hz|"
    r"khz|ghz|k|p|x|h|min|s|ms|szt|zl|pln|eur|usd|mp|px|fps|db|st|nd|rd|th)")
_TOKEN = re.compile(r"\S+")


def _fold_char(char: str) -> str:
    """Fold one character (step 1); the result may be empty or longer than one."""
    category = unicodedata.category(char)
    if category == "Cf":
        return ""
    if category == "Cc" or char.isspace():
        return " "
    if category == "Pd":
        return "-"
    out = []
    for ch in unicodedata.normalize("NFKD", char):
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me"):
            continue
        mapped = _CONFUSABLES.get(ch)
        out.append(mapped if mapped is not None else ch.casefold())
    folded = "".join(out)
    # A second pass catches look-alikes that only appear after casefolding or NFKD.
    return "".join(_CONFUSABLES.get(ch, ch) for ch in folded)


class _FoldTable(dict[int, str]):
    """Lazily filled translation table for str.translate: every code point seen once."""

    def __missing__(self, code: int) -> str:
        folded = _fold_char(chr(code))
        self[code] = folded
        return folded


_FOLD = _FoldTable()


def _leet_word(word: str) -> str:
    """Read digits and @/$ as letters inside a word that is not a number or a model code."""
    if not _LEET_CHARS.intersection(word):
        return word
    letters = sum(ch.isalpha() for ch in word)
    if letters < 2 or _NUMBER_WITH_UNIT.fullmatch(word):
        return word
    previous_digit = False
    for ch in word:
        digit = ch.isdigit()
        if digit and previous_digit:
            return word
        previous_digit = digit
    return word.translate(_LEET)


def _collapse_positions(word: str) -> list[tuple[int, int]]:
    """(start, end) of each kept character of a word after collapsing letter runs of 3+."""
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
        if j - i == 2:
            # Doubled letters are spelling ("channel", "kappa", "gucci"), not evasion.
            kept.append((i, i + 1))
            kept.append((i + 1, j))
        else:
            kept.append((i, j))
        i = j
    return kept


@dataclass(slots=True)
class _Piece:
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


def _words(piece: _Piece) -> _Piece:
    """Steps 3 and 4 on every word of a piece, keeping the offset map."""
    text = piece.text()
    out = _Piece()
    pos = 0
    for m in _WORD.finditer(text):
        for k in range(pos, m.start()):
            out.add(text[k], piece.starts[k], piece.ends[k])
        word = _leet_word(m.group())
        base = m.start()
        for a, b in _collapse_positions(word):
            out.add(word[a], piece.starts[base + a], piece.ends[base + b - 1])
        pos = m.end()
    for k in range(pos, len(text)):
        out.add(text[k], piece.starts[k], piece.ends[k])
    return out


def _token_mapped(token: str) -> _Piece:
    """Steps 1 to 4 on one whitespace-free token, with offsets relative to the token."""
    folded = _Piece()
    for i, ch in enumerate(token):
        for out in _FOLD[ord(ch)]:
            folded.add(out, i, i + 1)
    text = folded.text()
    drop: set[int] = set()
    if any(sep in text for sep in _SEPARATORS):
        for m in _DOTTED.finditer(text):
            step = len(m.group("s")) + 1
            drop.update(k for k in range(m.start(), m.end()) if (k - m.start()) % step)
    spaced = _Piece()
    for k, ch in enumerate(text):
        if k in drop:
            continue
        if ch in "-_ ":
            # Word breaks: no leading, trailing or doubled spaces inside a token.
            if spaced.chars and spaced.chars[-1] != " ":
                spaced.add(" ", folded.starts[k], folded.ends[k])
            continue
        spaced.add(ch, folded.starts[k], folded.ends[k])
    if spaced.chars and spaced.chars[-1] == " ":
        for lst in (spaced.chars, spaced.starts, spaced.ends):
            lst.pop()
    return _words(spaced)


_CACHE: dict[str, str] = {}
_CACHE_LIMIT = 100_000


def _token(token: str) -> str:
    """Normalised form of one token, memoised: most tokens of a marketplace recur."""
    cached = _CACHE.get(token)
    if cached is not None:
        return cached
    result = token if token.isascii() and token.isdigit() else _token_mapped(token).text()
    if len(_CACHE) >= _CACHE_LIMIT:
        _CACHE.clear()
    _CACHE[token] = result
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


def _fast(text: str) -> str:
    """The normalised text without an offset map: the hot path."""
    parts = text.split()
    looked_up = list(map(_CACHE.get, parts))
    tokens: list[str] = (
        [_token(p) if t is None else t for p, t in zip(parts, looked_up, strict=True)]
        if None in looked_up else looked_up)  # type: ignore[assignment]
    if _hinted(tokens):
        gaps = _gaps([m.span() for m in _TOKEN.finditer(text)])
        for a, b in reversed(_single_runs([len(t) for t in tokens], tokens, gaps)):
            tokens[a:b] = [_words(_join_piece(tokens[a:b])).text()]
    return " ".join(filter(None, tokens))


def _hinted(tokens: list[str]) -> bool:
    """Cheap test (in C) that a spaced-out word may be present; both paths gate on it."""
    try:
        lengths = bytes(map(len, tokens))
    except ValueError:  # a token longer than 255 characters
        lengths = bytes(min(len(t), 3) for t in tokens)
    return _RUN_HINT.search(lengths) is not None


def _join_piece(tokens: list[str]) -> _Piece:
    """Tokens run together; each character points at the index of its token."""
    piece = _Piece()
    for k, token in enumerate(tokens):
        for ch in token:
            piece.add(ch, k, k + 1)
    return piece


def fold(text: str) -> str:
    """Normalised text without offsets, for featurising text the same way the rules see it."""
    return _fast(text)


@dataclass(slots=True)
class Normalised:
    """A normalised text that can map its offsets back to the original."""

    original: str
    text: str
    _starts: list[int] | None = None
    _ends: list[int] | None = None

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
        if text != self.text:
            # Cannot happen unless the fast and mapped paths diverge; point at the whole text
            # rather than at a wrong place.
            starts = [0] * len(self.text)
            ends = [len(self.original)] * len(self.text)
        self._starts, self._ends = starts, ends


def _mapped(original: str) -> tuple[str, list[int], list[int]]:
    """The normalised text by the slow path, with [start, end) in `original` of every char."""
    spans = [m.span() for m in _TOKEN.finditer(original)]
    pieces = [_token_mapped(original[a:b]) for a, b in spans]
    texts = [p.text() for p in pieces]
    runs = _single_runs([len(t) for t in texts], texts, _gaps(spans)) if _hinted(texts) else []
    for a, b in reversed(runs):
        joined = _words(_join_piece(texts[a:b]))
        # Offsets of a joined run point at whole tokens: re-base them on the run's start.
        merged = _Piece()
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
    return Normalised(text, _fast(text))
