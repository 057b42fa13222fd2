"""Compiled conditions: each evaluates against one OfferContext and returns evidence or None."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rapidfuzz import fuzz

from rules.brands import BrandEntry, BrandIndex, BrandMatch
from rules.inflection import is_polish_word
from rules.scan import OfferContext

SpanRef = tuple[str, int, int]  # field, start, end in the normalised text of that field
# Evidence of a condition that holds: spans to show, and details ("price 39.00 < ...").
Found = tuple[tuple[SpanRef, ...], tuple[str, ...]]
EMPTY: Found = ((), ())
_WORDS = re.compile(r"[^\s.,;:!?()\[\]{}\"«»„”“*/|+#]+")

# Cheapest first inside `all`: scalar checks, then phrase look-ups, regexes, brand searches.
COST_SCALAR, COST_PHRASE, COST_REGEX, COST_BRAND, COST_UNGATED = 0, 1, 2, 3, 4


class Preceders:
    """Phrases looked for right before a hit: negations, "a la", "do" (as in "etui do")."""

    def __init__(self, phrases: tuple[str, ...]) -> None:
        self.phrases = phrases
        # One-word phrases are a set look-up; only the few longer ones need a substring test.
        self._words = frozenset(p for p in phrases if " " not in p)
        self._multi = tuple(f" {p} " for p in phrases if " " in p)

    def __bool__(self) -> bool:
        return bool(self.phrases)

    def within(self, text: str, start: int, window: int) -> bool:
        """Whether one of the phrases occurs in the `window` words before `start`."""
        words = _WORDS.findall(text, max(0, start - 12 * window), start)[-window:]
        if not words:
            return False
        if not self._words.isdisjoint(words):
            return True
        if not self._multi:
            return False
        joined = f" {' '.join(words)} "
        return any(p in joined for p in self._multi)

    def directly(self, text: str, start: int, gap: int = 0) -> bool:
        """Whether one of the phrases ends at most `gap` words before `start`."""
        words = _WORDS.findall(text, max(0, start - 12 * (gap + 4)), start)
        for skip in range(min(gap, len(words)) + 1):
            before = " ".join(words[:len(words) - skip])
            if any(before == p or before.endswith(" " + p) for p in self.phrases):
                return True
        return False


class Node:
    """A compiled condition."""

    cost = COST_SCALAR
    # Atoms of the single pass at least one of which fires whenever this holds; None: unknown.
    anchors: frozenset[int] | None = None

    def eval(self, ctx: OfferContext) -> Found | None:
        """Evidence if the condition holds for the offer, else None."""
        raise NotImplementedError


class PhraseNode(Node):
    cost = COST_PHRASE

    def __init__(self, pid: int, fields: tuple[str, ...], unless: tuple[str, ...],
                 window: int) -> None:
        self.pid, self.fields, self.window = pid, fields, window
        self.unless = Preceders(unless)
        self.anchors = frozenset({pid})

    def eval(self, ctx: OfferContext) -> Found | None:
        hits = ctx.phrase_hits.get(self.pid)
        if not hits:
            return None
        spans = tuple(h for h in hits if h[0] in self.fields and not (
            self.unless and self.unless.within(ctx.text(h[0]), h[1], self.window)))
        return (spans, ()) if spans else None


class RegexNode(Node):
    def __init__(self, pattern: re.Pattern[str], field: str, gate: int | None) -> None:
        self.pattern, self.field, self.gate = pattern, field, gate
        self.cost = COST_REGEX if gate is not None else COST_UNGATED
        self.anchors = frozenset({~gate}) if gate is not None else None

    def eval(self, ctx: OfferContext) -> Found | None:
        if self.gate is not None and (self.gate, self.field) not in ctx.gates:
            return None
        spans = tuple((self.field, m.start(), m.end())
                      for m in self.pattern.finditer(ctx.text(self.field)) if m.end() > m.start())
        return (spans, ()) if spans else None


Allowed = frozenset[BrandEntry] | None  # the brands of the list a rule keeps; None: all


def _brands(ctx: OfferContext, index: BrandIndex, field: str,
            allowed: Allowed) -> list[BrandMatch]:
    key = (id(index), field)
    found = ctx.brand_memo.get(key)
    if found is None:
        # The brand field names one brand as a whole; free text is searched word by word.
        text = ctx.text(field)
        if field == "brand":
            found = index.match_value(text)
        else:
            found = [m for m in index.find(text) if m.score >= 100
                     or not _ordinary_words(ctx, field, m)]
        ctx.brand_memo[key] = found
    if allowed is None:
        return found
    return [m for m in found if m.entry in allowed]


def _ordinary_words(ctx: OfferContext, field: str, m: BrandMatch) -> bool:
    """Whether a near match is spelled as ordinary Polish words ("prawda" near Prada,
    "piątek" near Patek): a word of the language is itself, not a disguised brand."""
    norm = ctx.fields[field]
    a, b = norm.original_span(m.start, m.end)
    words = _LETTERS.findall(norm.original[a:b])
    return bool(words) and all(is_polish_word(w) for w in words)


_LETTERS = re.compile(r"[^\W\d_]+")


def _detail(m: BrandMatch, cutoff: float) -> str:
    return f"brand {m.entry.name!r} at {m.score:.1f} (cutoff {cutoff:g})"


class BrandNode(Node):
    cost = COST_BRAND

    def __init__(self, text_index: BrandIndex, field_index: BrandIndex, allowed: Allowed,
                 fields: tuple[str, ...], preceded: tuple[str, ...], gap: int,
                 unless: tuple[str, ...], window: int) -> None:
        self.text_index, self.field_index, self.fields = text_index, field_index, fields
        self.allowed = allowed
        self.preceded, self.unless = Preceders(preceded), Preceders(unless)
        self.gap, self.window = gap, window

    def eval(self, ctx: OfferContext) -> Found | None:
        spans: list[SpanRef] = []
        details: list[str] = []
        for field in self.fields:
            index = self.field_index if field == "brand" else self.text_index
            text = ctx.text(field)
            for m in _brands(ctx, index, field, self.allowed):
                if field == "brand":
                    # The whole field: nothing comes before it, for better or worse.
                    if not self.preceded:
                        spans.append((field, m.start, m.end))
                        details.append(_detail(m, index.cutoff))
                    continue
                if self.preceded and not self.preceded.directly(text, m.start, self.gap):
                    continue
                if self.unless and self.unless.within(text, m.start, self.window):
                    continue
                spans.append((field, m.start, m.end))
                details.append(_detail(m, index.cutoff))
        return (tuple(spans), tuple(dict.fromkeys(details))) if spans else None


class BrandMismatchNode(Node):
    cost = COST_BRAND

    def __init__(self, text_index: BrandIndex, field_index: BrandIndex, allowed: Allowed,
                 unless: tuple[str, ...], window: int, ignore: tuple[str, ...]) -> None:
        self.text_index, self.field_index, self.allowed = text_index, field_index, allowed
        self.unless, self.window, self.ignore = Preceders(unless), window, ignore

    def eval(self, ctx: OfferContext) -> Found | None:
        declared = ctx.text("brand")
        if not declared or declared in self.ignore:
            return None
        title = ctx.text("title")
        # A title that also names the declared brand is a collaboration or a sub-brand.
        if f" {declared} " in f" {title} ":
            return None
        own = {m.entry for m in _brands(ctx, self.field_index, "brand", None)}
        cutoff = self.text_index.cutoff
        for m in _brands(ctx, self.text_index, "title", self.allowed):
            if m.entry in own or any(fuzz.ratio(k, declared) >= cutoff for k in m.entry.keys):
                continue
            if self.unless and self.unless.within(title, m.start, self.window):
                continue
            return ((("title", m.start, m.end),),
                    (f"title names {m.entry.name!r}, brand field is "
                     f"{ctx.fields['brand'].original!r}",))
        return None


class PriceNode(Node):
    cost = COST_BRAND

    def __init__(self, ratio: float, text_index: BrandIndex, field_index: BrandIndex,
                 allowed: Allowed, fields: tuple[str, ...], unless: tuple[str, ...],
                 window: int, reference: float | None = None) -> None:
        self.ratio, self.text_index, self.field_index = ratio, text_index, field_index
        self.allowed, self.reference = allowed, reference
        self.fields, self.unless, self.window = fields, Preceders(unless), window

    def eval(self, ctx: OfferContext) -> Found | None:
        price = ctx.offer.price
        if price is None or price <= 0 or (ctx.offer.currency or "PLN").upper() != "PLN":
            return None
        for field in self.fields:
            index = self.field_index if field == "brand" else self.text_index
            for m in _brands(ctx, index, field, None):
                ref = self.reference or m.entry.reference_price
                if ref is None:
                    continue
                if field != "brand" and self.unless and self.unless.within(
                        ctx.text(field), m.start, self.window):
                    continue
                if self.allowed is not None and m.entry not in self.allowed:
                    return None  # the offer's brand is not one this rule prices
                if price >= self.ratio * ref:
                    return None  # the offer's own brand decides, not a later mention
                return (((field, m.start, m.end),),
                        (f"price {price:.2f} < {self.ratio:.0%} of {ref:.2f} "
                         f"({m.entry.name})",))
        return None


class CategoryNode(Node):
    def __init__(self, values: tuple[str, ...], negate: bool) -> None:
        self.values = tuple(f" > {v} > " for v in values)
        self.negate = negate

    def eval(self, ctx: OfferContext) -> Found | None:
        path = ctx.category()
        inside = any(v in path for v in self.values)
        return EMPTY if inside != self.negate else None


class SellerAgeNode(Node):
    def __init__(self, days: int) -> None:
        self.days = days

    def eval(self, ctx: OfferContext) -> Found | None:
        age = ctx.offer.seller_account_age_days
        if age is None or age >= self.days:
            return None
        return (), (f"seller account {age} days old (< {self.days})",)


class SellerNotActivatedNode(Node):
    def eval(self, ctx: OfferContext) -> Found | None:
        # Unknown is not activated (issue 14): an activation the marketplace never sent
        # does not vouch for the seller.
        if ctx.offer.seller_activated is True:
            return None
        return (), ("seller account not activated" if ctx.offer.seller_activated is False
                    else "seller account activation unknown",)


class SellerStrikesNode(Node):
    def __init__(self, strikes: int) -> None:
        self.strikes = strikes

    def eval(self, ctx: OfferContext) -> Found | None:
        n = ctx.offer.seller_strikes
        return ((), (f"seller has {n} strikes",)) if n >= self.strikes else None


class AllNode(Node):
    def __init__(self, children: Sequence[Node]) -> None:
        # Sorting is safe (all children must hold) and lets cheap checks short-circuit.
        self.children = sorted(children, key=lambda c: c.cost)
        self.cost = max(c.cost for c in self.children)
        known = [c.anchors for c in self.children if c.anchors is not None]
        self.anchors = min(known, key=len) if known else None

    def eval(self, ctx: OfferContext) -> Found | None:
        spans: tuple[SpanRef, ...] = ()
        details: tuple[str, ...] = ()
        for child in self.children:
            found = child.eval(ctx)
            if found is None:
                return None
            spans += found[0]
            details += found[1]
        return spans, details


class AnyNode(Node):
    def __init__(self, children: Sequence[Node]) -> None:
        self.children = sorted(children, key=lambda c: c.cost)
        self.cost = max(c.cost for c in self.children)
        anchors = [c.anchors for c in self.children]
        self.anchors = None if any(a is None for a in anchors) else \
            frozenset().union(*(a for a in anchors if a is not None))

    def eval(self, ctx: OfferContext) -> Found | None:
        # Every true branch is evidence, so no short-circuit.
        spans: tuple[SpanRef, ...] = ()
        details: tuple[str, ...] = ()
        hit = False
        for child in self.children:
            found = child.eval(ctx)
            if found is not None:
                hit = True
                spans += found[0]
                details += found[1]
        return (spans, details) if hit else None


class NotNode(Node):
    def __init__(self, child: Node) -> None:
        self.child = child
        self.cost = child.cost

    def eval(self, ctx: OfferContext) -> Found | None:
        return EMPTY if self.child.eval(ctx) is None else None
