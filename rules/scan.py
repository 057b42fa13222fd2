"""One Aho-Corasick pass over an offer's normalised fields finds every phrase and regex literal."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import ahocorasick

from rules.brands import BrandMatch
from rules.normalise import Normalised, normalise
from rules.repair import Vocabulary
from rules.spelling import phrase_variants
from rules.squeeze import Profile, profile, squeeze
from rules.types import OfferText

# Never produced by normalisation (control characters become spaces), so no key spans fields.
FIELD_SEP = "\x00"
FIELD_ORDER = ("title", "description", "brand")

PhraseHit = tuple[str, int, int]  # field, start, end in that field's normalised text


class OfferContext:
    """What the conditions of all rules read for one offer; brand lookups are memoised."""

    __slots__ = ("_category", "brand_memo", "fields", "gates", "offer", "phrase_hits")

    def __init__(self, offer: OfferText, fields: dict[str, Normalised],
                 phrase_hits: dict[int, list[PhraseHit]], gates: set[tuple[int, str]]) -> None:
        self.offer = offer
        self.fields = fields
        self.phrase_hits = phrase_hits
        self.gates = gates
        self.brand_memo: dict[tuple[int, str], list[BrandMatch]] = {}
        self._category: str | None = None

    def text(self, field: str) -> str:
        """Normalised text of a field."""
        return self.fields[field].text

    def category(self) -> str:
        """Normalised category path, segments joined by ' > ', framed for segment search."""
        if self._category is None:
            raw = self.offer.category or ""
            parts = [normalise(p).text for p in raw.split(">")]
            self._category = " > " + " > ".join(p for p in parts if p) + " > "
        return self._category

    def fired(self) -> set[int]:
        """Atoms seen in the pass: phrase ids, and regex gate ids as ~gid."""
        return set(self.phrase_hits) | {~gid for gid, _ in self.gates}


class Scanner:
    """Collects phrases (word-bounded) and regex literals (anywhere) into one automaton.

    The automaton holds squeezed keys (rules.squeeze) and runs over the offer's squeezed
    text; a phrase hit counts where the text has the phrase's own doubled letters, and is
    reported in the coordinates of the (unsqueezed) normalised field.
    """

    def __init__(self) -> None:
        # key -> ({profile: phrase ids}, regex gate ids)
        self._keys: dict[str, tuple[dict[Profile, set[int]], set[int]]] = {}
        self._automaton: Any = None
        self.vocabulary = Vocabulary()

    def add_phrases(self, phrase_id: int, phrases: Iterable[str]) -> None:
        """Index normalised phrases, with their other spellings, under one id."""
        for phrase in phrases:
            # The phrase as written, not its l/i swaps: "rep?ika" must fit one word.
            self.vocabulary.add((phrase,), f"phrases:{phrase_id}")
            for variant in phrase_variants(phrase):
                key, prof = profile(variant)
                entry = self._keys.setdefault(key, ({}, set()))
                entry[0].setdefault(prof, set()).add(phrase_id)

    def add_gate(self, gate_id: int, literals: Iterable[str]) -> None:
        """Index the literals one of which every match of a regex contains."""
        for literal in literals:
            # A literal in the text is, squeezed, in the squeezed text: still a prefilter.
            self._keys.setdefault(squeeze(literal).text, ({}, set()))[1].add(gate_id)

    def add_words(self, names: Iterable[str], source: str) -> None:
        """Words (brand names) a disguised word may be read back as (rules.repair)."""
        self.vocabulary.add(names, source)

    @property
    def size(self) -> int:
        """Number of distinct keys in the automaton."""
        return len(self._keys)

    def build(self) -> None:
        """Freeze the automaton; call once after every add."""
        self.vocabulary.build()
        if not self._keys:
            return
        automaton = ahocorasick.Automaton()
        for key, (by_profile, gids) in self._keys.items():
            # Phrases with no doubled letter need no check: most keys, most hits.
            plain = tuple(sorted(by_profile.get((), ())))
            checked = tuple((prof, tuple(sorted(pids)))
                            for prof, pids in sorted(by_profile.items()) if prof)
            automaton.add_word(key, (len(key), plain, checked, tuple(sorted(gids)),
                                     key[0].isalnum(), key[-1].isalnum()))
        automaton.make_automaton()
        self._automaton = automaton

    def _field(self, text: str | None) -> Normalised:
        norm = normalise(text or "")
        return norm.repaired(self.vocabulary.repair(norm.text)) if norm.odd else norm

    def scan(self, offer: OfferText) -> OfferContext:
        """Normalise the offer's text fields and run the single pass over them."""
        fields = {"title": self._field(offer.title), "description": self._field(offer.description),
                  "brand": self._field(offer.brand)}
        hits: dict[int, list[PhraseHit]] = {}
        gates: set[tuple[int, str]] = set()
        if self._automaton is not None:
            squeezed = [squeeze(fields[name].text, fields[name].squeezed)
                        for name in FIELD_ORDER]
            combined = FIELD_SEP.join(sq.text for sq in squeezed)
            d0 = len(squeezed[0].text) + 1
            b0 = d0 + len(squeezed[1].text) + 1
            last = len(combined) - 1
            for end, (n, plain, checked, gids, left, right) in self._automaton.iter(combined):
                start = end - n + 1
                if start < d0:
                    k, offset = 0, 0
                elif start < b0:
                    k, offset = 1, d0
                else:
                    k, offset = 2, b0
                field = FIELD_ORDER[k]
                for gid in gids:
                    gates.add((gid, field))
                if not plain and not checked:
                    continue
                if left and start > 0 and combined[start - 1].isalnum():
                    continue
                if right and end < last and combined[end + 1].isalnum():
                    continue
                sq = squeezed[k]
                a, b = start - offset, end + 1 - offset
                # A text without doubled letters is its own squeezed form.
                hit = (field, a, b) if sq.text is sq.original else (field, *sq.span(a, b))
                for pid in plain:
                    hits.setdefault(pid, []).append(hit)
                for prof, pids in checked:
                    if sq.holds(a, prof):
                        for pid in pids:
                            hits.setdefault(pid, []).append(hit)
        return OfferContext(offer, fields, hits, gates)
