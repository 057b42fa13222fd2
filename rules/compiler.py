"""Turns condition trees into nodes, filling one scanner and sharing brand indexes."""

from __future__ import annotations

import re

from rules.brands import BrandEntry, BrandIndex
from rules.conditions import (
    All,
    AnyOf,
    BrandIn,
    BrandMismatch,
    CategoryIn,
    Condition,
    Not,
    Phrases,
    PriceBelowReference,
    Regex,
    SellerAccountAgeBelow,
    SellerNotActivated,
    SellerStrikesAtLeast,
)
from rules.nodes import (
    AllNode,
    AnyNode,
    BrandMismatchNode,
    BrandNode,
    CategoryNode,
    Node,
    NotNode,
    PhraseNode,
    PriceNode,
    RegexNode,
    SellerAgeNode,
    SellerNotActivatedNode,
    SellerStrikesNode,
)
from rules.regexes import required_literals
from rules.scan import Scanner


class Compiler:
    """Compiles the conditions of many rules into one scanner and shared lookup structures."""

    def __init__(self) -> None:
        self.scanner = Scanner()
        self._phrase_ids: dict[tuple[str, ...], int] = {}
        self._gate_ids: dict[frozenset[str], int] = {}
        self._patterns: dict[str, re.Pattern[str]] = {}
        self._indexes: dict[tuple[tuple[BrandEntry, ...], float, bool, bool], BrandIndex] = {}

    def compile(self, cond: Condition) -> Node:
        """The node for one condition tree."""
        match cond:
            case Phrases():
                return PhraseNode(self._phrase_id(cond.phrases), cond.fields,
                                  cond.unless_preceded_by, cond.window)
            case Regex():
                return RegexNode(self._pattern(cond.pattern), cond.field,
                                 self._gate_id(cond.pattern))
            case BrandIn():
                text_index, field_index, allowed = self._indexes_for(
                    cond.catalogue or cond.brands, cond.brands, cond.cutoff,
                    cond.include_ordinary_names)
                return BrandNode(text_index, field_index, allowed, cond.fields, cond.preceded_by,
                                 cond.gap, cond.unless_preceded_by, cond.window)
            case BrandMismatch():
                text_index, field_index, allowed = self._indexes_for(
                    cond.catalogue or cond.brands, cond.brands, cond.cutoff,
                    cond.include_ordinary_names)
                return BrandMismatchNode(text_index, field_index, allowed,
                                         cond.unless_preceded_by, cond.window,
                                         cond.ignore_brand_values)
            case PriceBelowReference():
                text_index, field_index, allowed = self._indexes_for(
                    cond.catalogue or cond.brands, cond.brands, cond.cutoff, False)
                return PriceNode(cond.ratio, text_index, field_index, allowed, cond.fields,
                                 cond.unless_preceded_by, cond.window, cond.reference)
            case CategoryIn():
                return CategoryNode(cond.values, cond.negate)
            case SellerAccountAgeBelow():
                return SellerAgeNode(cond.days)
            case SellerNotActivated():
                return SellerNotActivatedNode()
            case SellerStrikesAtLeast():
                return SellerStrikesNode(cond.strikes)
            case All():
                return AllNode([self.compile(c) for c in cond.children])
            case AnyOf():
                return AnyNode([self.compile(c) for c in cond.children])
            case Not():
                return NotNode(self.compile(cond.child))
        raise TypeError(f"unknown condition {cond!r}")

    def _phrase_id(self, phrases: tuple[str, ...]) -> int:
        # Rules repeating one list share its id, so the pass reports it once.
        pid = self._phrase_ids.get(phrases)
        if pid is None:
            pid = self._phrase_ids[phrases] = len(self._phrase_ids)
            self.scanner.add_phrases(pid, phrases)
        return pid

    def _gate_id(self, pattern: str) -> int | None:
        literals = required_literals(pattern)
        if literals is None:
            return None
        gid = self._gate_ids.get(literals)
        if gid is None:
            gid = self._gate_ids[literals] = len(self._gate_ids)
            self.scanner.add_gate(gid, literals)
        return gid

    def _pattern(self, pattern: str) -> re.Pattern[str]:
        compiled = self._patterns.get(pattern)
        if compiled is None:
            compiled = self._patterns[pattern] = re.compile(pattern)
        return compiled

    def _index(self, entries: tuple[BrandEntry, ...], cutoff: float, text_only: bool,
               include_common: bool) -> BrandIndex:
        key = (entries, cutoff, text_only, include_common)
        index = self._indexes.get(key)
        if index is None:
            index = self._indexes[key] = BrandIndex(entries, cutoff, text_only=text_only,
                                                     include_ordinary_names=include_common)
            # A brand hidden behind an unknown letter or leetspeak is read back as its name.
            self.scanner.add_words((k for e in entries for k in e.keys),
                                   f"brands:{len(self._indexes)}")
        return index

    def _indexes_for(self, catalogue: tuple[BrandEntry, ...], brands: tuple[BrandEntry, ...],
                     cutoff: float, include_common: bool,
                     ) -> tuple[BrandIndex, BrandIndex, frozenset[BrandEntry] | None]:
        """Text and brand-field indexes over a whole list, and the brands a rule keeps."""
        # Shared by every rule that filters the list (tier, category), so an offer's title
        # is searched once per list; the filter applies to the hits.
        allowed = None if len(brands) == len(catalogue) else frozenset(brands)
        return (self._index(catalogue, cutoff, True, include_common),
                self._index(catalogue, cutoff, False, True), allowed)

    def finish(self) -> Scanner:
        """Build the automaton; the compiler is done."""
        self.scanner.build()
        return self.scanner
