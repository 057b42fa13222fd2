"""Whether an offer is the product of a safety alert: the one decision both directions use.

An alert arriving is matched against the indexed offers (matching.py), and a new offer is
screened against the active alerts (reappearance.py); both hand the pairs they found to
`judge`, so one (alert, offer) pair gets one answer whichever came first. The answer rests
on the pair alone:

- a shared barcode is a sure match;
- the model of the alert's model field named in the offer (a shared model code, or a bare
  number or short code next to the alert's brand) together with the alert's brand is a
  sure match;
- the alert's brand with another model code of that brand is another product: no match;
- anything else sharing a code (of the model field, or of the alert's name: "Photoshop CS3"
  names a line, not one product), or named like the product (rapidfuzz token-set ratio
  >= 50), is judged by the learned matcher (models/matching): a match there is an
  ordinary one, for a person to confirm.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from models.matching.model import MatcherBundle, load_matcher
from models.matching.records import Pair, ProductRecord
from moderation.safety import model_numbers
from moderation.safety.keys import brand_key, brand_keys
from moderation.tables import SafetyAlert
from rules.normalise import fold

# Below this name similarity (rapidfuzz token_set_ratio on folded text), a candidate found
# only through its brand is not worth the learned matcher's time.
BRAND_PREFILTER = 50.0
# The learned matcher costs ~0.2 ms a pair: it judges at most this many candidates per
# alert in one call, those sharing a model code first, then the most similar by name.
LEARNED_LIMIT = 100
# A shorter model code counts as the same model written shorter ("ES15" of "ES15-BB-TA")
# from this length on.
PREFIX_MIN = 4


class LearnedMatcher:
    """The product matcher bundle (models/matching), loaded on first use, verified on load."""

    def __init__(self, *, signing_key: bytes) -> None:
        self._signing_key = signing_key
        self._lock = threading.Lock()
        self._bundle: MatcherBundle | None = None

    def get(self) -> MatcherBundle:
        """The bundle, loaded by the first caller (the others wait for it)."""
        with self._lock:
            if self._bundle is None:
                self._bundle = load_matcher(signing_key=self._signing_key)
            return self._bundle


@dataclass(frozen=True, slots=True)
class AlertProfile:
    """What an alert is matched by, read once from its fields."""

    alert_id: int
    brands: tuple[str, ...]  # brand keys: the alert's brand and each brand it lists
    gtins: frozenset[str]  # "g:" keys of its valid barcodes
    codes: frozenset[str]  # model codes of its model field
    weak: frozenset[str]  # its bare numbers and short codes there (rare: the field is a label)
    hints: frozenset[str]  # codes and numbers of its name and product: evidence, not sure
    name: str  # folded name, brand and model, for the name prefilter
    record: ProductRecord  # the alert as the learned matcher reads it

    @classmethod
    def of(cls, *, alert_id: int, brand: str, model: str, name: str, product: str,
           gtins: Iterable[str] = ()) -> AlertProfile:
        field_models = model_numbers.read_model_field(model)
        texts = [model_numbers.read(t) for t in (name, product) if t]
        codes = set(field_models.codes)
        weak = set(field_models.weak) - codes
        hints = {k for t in texts for k in (*t.codes, *t.weak)} - codes - weak
        return cls(
            alert_id=alert_id, brands=brand_keys(brand),
            gtins=frozenset(f"g:{g}" for g in gtins), codes=frozenset(codes),
            weak=frozenset(weak), hints=frozenset(hints),
            name=fold(" ".join(x for x in (name or product, brand, model) if x)),
            record=ProductRecord(title=" ".join(x for x in (name, product) if x),
                                 brand=brand or None, model=model or None))

    def lookups(self) -> dict[str, list[str]]:
        """The index keys that find this alert's candidates, by kind: barcodes, model codes,
        weak keys (a model written bare, "4455" next to the brand; the codes of the name),
        brands."""
        loose = sorted(self.weak | self.hints)
        return {"gtin": sorted(self.gtins),
                "model": [f"m:{c}" for c in sorted(self.codes)],
                "weak": [f"n:{c}" for c in sorted(self.codes | self.weak | self.hints)]
                + [f"m:{c}" for c in loose],
                "brand": [f"b:{b}" for b in self.brands]}


def profile_of(alert: SafetyAlert, gtins: Iterable[str]) -> AlertProfile:
    """A stored alert as the judge reads it, with the GTIN-14 values of its barcodes."""
    return AlertProfile.of(alert_id=alert.id, brand=alert.brand, model=alert.model,
                           name=alert.name, product=alert.product, gtins=gtins)


@dataclass(frozen=True, slots=True)
class Candidate:
    """An offer as the judge reads it: its index keys (all its m: keys at least), title
    and brand."""

    offer_id: int
    title: str
    brand: str | None
    keys: frozenset[str]
    _folded: list[str] = field(default_factory=list, compare=False, repr=False)

    @property
    def folded(self) -> str:
        if not self._folded:  # computed once, shared by the alerts it is judged against
            self._folded.append(fold(self.title))
        return self._folded[0]

    @property
    def title_brands(self) -> str:
        return f" {brand_key(self.title)} "


@dataclass(frozen=True, slots=True)
class Match:
    offer_id: int
    score: float  # 0..1
    confidence: str  # "high" or "medium"
    fields: tuple[str, ...]  # what agreed: gtin, model, brand, name
    # The keys both sides share: "g:" barcodes, "m:" / "n:" model codes (shown on the case).
    agreed: tuple[str, ...] = ()


def brand_agrees(alert: AlertProfile, candidate: Candidate) -> bool:
    """The alert's brand is the offer's brand field or is named in its title."""
    if any(f"b:{b}" in candidate.keys for b in alert.brands):
        return True
    title = candidate.title_brands
    return any(f" {b} " in title for b in alert.brands)


def agreeing(alert: AlertProfile, candidate: Candidate) -> tuple[str, ...]:
    """What the alert and the offer share: gtin, model (of the alert's model field), code
    (a code of the alert's name), brand. A weak key counts only with the brand."""
    keys = candidate.keys
    fields = []
    if alert.gtins & keys:
        fields.append("gtin")
    brand = brand_agrees(alert, candidate)
    if _names(keys, alert.codes, strong=True) or (brand and _names(keys, alert.codes | alert.weak)):
        fields.append("model")
    elif _names(keys, alert.hints, strong=True) or (brand and _names(keys, alert.hints)):
        fields.append("code")
    if brand:
        fields.append("brand")
    return tuple(fields)


def shared_codes(alert: AlertProfile, candidate: Candidate) -> tuple[str, ...]:
    """The barcodes and model codes the alert and the offer both have, as lookup keys."""
    models = alert.codes | alert.weak | alert.hints
    named = {k for m in models for k in (f"m:{m}", f"n:{m}")} & candidate.keys
    return tuple(sorted(alert.gtins & candidate.keys)) + tuple(sorted(named))


def _names(keys: frozenset[str], models: frozenset[str], *, strong: bool = False) -> bool:
    """The offer names one of these models: as a code, or (unless strong) bare."""
    return any(f"m:{m}" in keys or (not strong and f"n:{m}" in keys) for m in models)


def another_model(alert: AlertProfile, candidate: Candidate) -> bool:
    """The offer names model codes, none of them the alert's nor a shorter writing of it."""
    if not alert.codes:
        return False
    theirs = [k[2:] for k in candidate.keys if k.startswith("m:")]
    return bool(theirs) and not any(_same_model(a, b) for a in alert.codes for b in theirs)


def _same_model(a: str, b: str) -> bool:
    short, long = sorted((a, b), key=len)
    return short == long or (len(short) >= PREFIX_MIN and long.startswith(short))


@dataclass(slots=True)
class _Pending:
    index: int
    fields: tuple[str, ...]
    rank: tuple[bool, float]


def triage(alert: AlertProfile, candidate: Candidate) -> Match | _Pending | None:
    """The pair's verdict by the sure rules: a match, not one, or the learned matcher's call."""
    fields = agreeing(alert, candidate)
    if "gtin" in fields or {"model", "brand"} <= set(fields):
        return Match(candidate.offer_id, 1.0, "high", fields, shared_codes(alert, candidate))
    if not fields:
        return None  # found through a weak key without the brand: a number, nothing more
    if "brand" in fields and another_model(alert, candidate):
        return None
    if "model" in fields or "code" in fields:
        return _Pending(-1, fields, (False, 0.0))
    similarity = _similarity(alert, candidate)
    if similarity >= BRAND_PREFILTER:
        return _Pending(-1, fields, (True, -similarity))
    return None


def _similarity(alert: AlertProfile, candidate: Candidate) -> float:
    return float(fuzz.token_set_ratio(alert.name, candidate.folded))


def named_alike(alert: AlertProfile, candidate: Candidate) -> bool:
    """The offer's title is like the alert's name: what a candidate found by its brand
    alone needs to be judged at all."""
    return _similarity(alert, candidate) >= BRAND_PREFILTER


def judge(pairs: Sequence[tuple[AlertProfile, Candidate]], *, learned: LearnedMatcher
          ) -> list[Match | None]:
    """Judge (alert, offer) pairs: the sure rules, then the learned matcher for the rest,
    at most LEARNED_LIMIT pairs per alert (a code shared first, then by name)."""
    out: list[Match | None] = [None] * len(pairs)
    pending: dict[int, list[_Pending]] = defaultdict(list)
    for i, (alert, candidate) in enumerate(pairs):
        verdict = triage(alert, candidate)
        if isinstance(verdict, _Pending):
            verdict.index = i
            pending[alert.alert_id].append(verdict)
        else:
            out[i] = verdict
    chosen = [p for group in pending.values()
              for p in sorted(group, key=lambda p: (p.rank, p.index))[:LEARNED_LIMIT]]
    if not chosen:
        return out
    matcher = learned.get()
    scores = matcher.score([Pair(pairs[p.index][0].record,
                                 ProductRecord(title=pairs[p.index][1].title,
                                               brand=pairs[p.index][1].brand))
                            for p in chosen])
    for p, value in zip(chosen, scores, strict=True):
        if value >= matcher.threshold:
            alert, candidate = pairs[p.index]
            out[p.index] = Match(candidate.offer_id, round(float(value), 3), "medium",
                                 (*p.fields, "name"), shared_codes(alert, candidate))
    return out
