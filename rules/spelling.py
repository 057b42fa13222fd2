"""Extra spellings of phrases and brand names, indexed so the text need not be guessed at."""

from __future__ import annotations

import re

from rules.normalise import fold

_DOUBLE = re.compile(r"([^\W\d_])\1(?!\1)")
# Shorter phrases run together read as ordinary words or codes ("ak47", "nowy").
_MIN_JOINED = 7


def _undoubled(phrase: str, limit: int = 2) -> set[str]:
    """The phrase with any of its first `limit` doubled letters written once."""
    spots = [m.start() for m in _DOUBLE.finditer(phrase)
             if len(set(_word_at(phrase, m.start()))) > 1][:limit]
    out = set()
    for mask in range(1, 1 << len(spots)):
        drop = {spots[bit] for bit in range(len(spots)) if mask >> bit & 1}
        out.add("".join(ch for k, ch in enumerate(phrase) if k not in drop))
    return out


def _word_at(text: str, pos: int) -> str:
    start = text.rfind(" ", 0, pos) + 1
    end = text.find(" ", pos)
    return text[start:end if end >= 0 else len(text)]


def _il_swaps(phrase: str, limit: int) -> set[str]:
    """The phrase with any of its first `limit` letters i and l swapped, folded again."""
    positions = [i for i, ch in enumerate(phrase) if ch in "il"][:limit]
    variants = {phrase}
    for mask in range(1, 1 << len(positions)):
        chars = list(phrase)
        for bit, pos in enumerate(positions):
            if mask >> bit & 1:
                chars[pos] = "l" if chars[pos] == "i" else "i"
        variants.add(fold("".join(chars)))
    return variants


def spelling_variants(phrase: str, limit: int = 3) -> list[str]:
    """A normalised phrase plus its forms with `l` and `i` swapped and doubles undone."""
    # Leet `1` is read as `i` but often stands for `l` ("rep1ika"), and a capital I passes for
    # an l ("NlKE"): indexing both spellings catches either without guessing in the text. A
    # doubled letter drawn out ("knockoffff") collapses to one, so the single-letter form is
    # indexed too.
    variants = _il_swaps(phrase, limit)
    for variant in list(variants):
        variants.update(_undoubled(variant))
    return sorted(variants, key=lambda v: (v != phrase, v))


def phrase_variants(phrase: str, limit: int = 3) -> list[str]:
    """A normalised phrase, its `l`/`i` swaps and, for several words, the words run together.

    Doubles are not undone here: the scanner squeezes letter runs on both sides and keeps each
    phrase's own doubles (rules.squeeze). Words run together catch a phrase spelt out across
    its space ("j.a.k.o.r.y.g.i.n.a.ł", "j a k o r y g i n a ł") or written as one
    ("jakoryginał", "#firstcopy").
    """
    variants = _il_swaps(phrase, limit)
    if " " in phrase:
        joined = phrase.replace(" ", "")
        if len(joined) >= _MIN_JOINED and joined.isalnum():
            # Folded again as one word: "1st copy" run together reads "istcopy".
            variants.update(fold(v.replace(" ", "")) for v in list(variants))
    return sorted(variants, key=lambda v: (v != phrase, v))
