"""One Aho-Corasick pass over an offer's normalised fields finds every phrase and regex literal."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import ahocorasick

from rules.brands import BrandMatch
from rules.normalise import Normalised, normalise
from rules.spelling import spelling_variants
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
    """Collects phrases (word-bounded) and regex literals (anywhere) into one automaton."""

    def __init__(self) -> None:
        self._keys: dict[str, tuple[set[int], set[int]]] = {}
        self._automaton: Any = None

    def add_phrases(self, phrase_id: int, phrases: Iterable[str]) -> None:
        """Index normalised phrases, with their `1`-read-as-`i` spellings, under one id."""
        for phrase in phrases:
            for variant in spelling_variants(phrase):
                self._keys.setdefault(variant, (set(), set()))[0].add(phrase_id)

    def add_gate(self, gate_id: int, literals: Iterable[str]) -> None:
        """Index the literals one of which every match of a regex contains."""
        for literal in literals:
            self._keys.setdefault(literal, (set(), set()))[1].add(gate_id)

    @property
    def size(self) -> int:
        """Number of distinct keys in the automaton."""
        return len(self._keys)

    def build(self) -> None:
        """Freeze the automaton; call once after every add."""
        if not self._keys:
            return
        automaton = ahocorasick.Automaton()
        for key, (pids, gids) in self._keys.items():
            automaton.add_word(key, (len(key), tuple(sorted(pids)), tuple(sorted(gids)),
                                     key[0].isalnum(), key[-1].isalnum()))
        automaton.make_automaton()
        self._automaton = automaton

    def scan(self, offer: OfferText) -> OfferContext:
        """Normalise the offer's text fields and run the single pass over them."""
        fields = {"title": normalise(offer.title or ""),
                  "description": normalise(offer.description or ""),
                  "brand": normalise(offer.brand or "")}
        hits: dict[int, list[PhraseHit]] = {}
        gates: set[tuple[int, str]] = set()
        if self._automaton is not None:
            title, desc = fields["title"].text, fields["description"].text
            combined = FIELD_SEP.join((title, desc, fields["brand"].text))
            d0 = len(title) + 1
            b0 = d0 + len(desc) + 1
            last = len(combined) - 1
            for end, (n, pids, gids, left, right) in self._automaton.iter(combined):
                start = end - n + 1
                if start < d0:
                    field, offset = "title", 0
                elif start < b0:
                    field, offset = "description", d0
                else:
                    field, offset = "brand", b0
                for gid in gids:
                    gates.add((gid, field))
                if not pids:
                    continue
                if left and start > 0 and combined[start - 1].isalnum():
                    continue
                if right and end < last and combined[end + 1].isalnum():
                    continue
                hit = (field, start - offset, end + 1 - offset)
                for pid in pids:
                    hits.setdefault(pid, []).append(hit)
        return OfferContext(offer, fields, hits, gates)
