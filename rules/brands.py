"""Brand lists and fuzzy brand lookup: exact and delete-1 blocking, verified with rapidfuzz."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from rules.normalise import fold
from rules.spelling import spelling_variants

CATALOGUE_COLUMNS = ("brand", "aliases", "reference_price_pln", "category", "tier",
                     "ordinary_names", "lookalike_words")
TIERS = ("luxury", "premium", "mass")
# Shorter names ("LV", "HP") are only compared with the offer's brand field, never free text.
MIN_TEXT_KEY = 3
_TOKEN = re.compile(r"[^\s.,;:!?()\[\]{}\"«»„”“*/|+#]+")
_RUN = re.compile(r"(.)\1+")
# Words after a brand in the brand field that do not change which brand it is.
CORPORATE = frozenset({
    "inc", "ltd", "llc", "corp", "corporation", "co", "company", "gmbh", "ag", "sa", "sp", "z",
    "o", "oo", "group", "grupa", "polska", "poland", "europe", "official", "store", "shop",
    "sklep", "electronics", "international", "intl", "bv", "srl", "spa", "plc", "limited",
})


@dataclass(frozen=True, slots=True, eq=False)
class BrandEntry:
    """One brand: its names as written and normalised, and what the catalogue knows of it."""

    # eq=False: compared and hashed by identity, cheap as a set member on every hit; entries
    # are built once per load.

    name: str
    keys: tuple[str, ...]  # normalised name and aliases
    text_keys: tuple[str, ...] = ()  # the keys that are not ordinary words ("Puma", "Apple")
    lookalikes: frozenset[str] = frozenset()  # ordinary words one letter off ("channel")
    reference_price: float | None = None  # PLN
    category: str | None = None
    tier: str | None = None


@dataclass(frozen=True, slots=True)
class BrandMatch:
    """A brand found in a normalised text at [start, end)."""

    entry: BrandEntry
    start: int
    end: int
    score: float


def brand_key(name: str) -> str:
    """The normalised lookup key of a brand name or of a run of words."""
    return " ".join(_TOKEN.findall(fold(name)))


def squeeze(key: str) -> str:
    """Every run of one letter as one letter: "gucci" and "guccci" both give "guci"."""
    return _RUN.sub(r"\1", key)


def _keys(names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(k for k in (brand_key(n) for n in names) if k))


def entry(name: str, aliases: tuple[str, ...] = (), ordinary: tuple[str, ...] = (),
          lookalikes: tuple[str, ...] = (), **fields: object) -> BrandEntry:
    """Build an entry, normalising names, aliases, ordinary names and look-alike words."""
    keys = _keys((name, *aliases))
    common = set(_keys(ordinary))
    unknown = common - set(keys)
    if unknown:
        raise ValueError(f"ordinary name {sorted(unknown)[0]!r} is not a name of {name!r}")
    alike = frozenset(_keys(lookalikes))
    if alike & set(keys):
        raise ValueError(f"look-alike word {sorted(alike & set(keys))[0]!r} is a name of "
                         f"{name!r}")
    return BrandEntry(name=name, keys=keys, text_keys=tuple(k for k in keys if k not in common),
                      lookalikes=alike, **fields)  # type: ignore[arg-type]


def _split(cell: str | None) -> tuple[str, ...]:
    return tuple(a.strip() for a in (cell or "").split("|") if a.strip())


def parse_catalogue(text: str) -> list[BrandEntry]:
    """Parse brands.csv; raise ValueError naming the line on a bad row."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in CATALOGUE_COLUMNS if c not in (reader.fieldnames or ())]
    if missing:
        raise ValueError(f"missing columns {missing}")
    out = []
    for row in reader:
        line = reader.line_num
        name = (row["brand"] or "").strip()
        if not name:
            raise ValueError(f"line {line}: empty brand")
        try:
            price = float(row["reference_price_pln"]) if row["reference_price_pln"] else None
        except ValueError:
            raise ValueError(f"line {line}: bad reference_price_pln "
                             f"{row['reference_price_pln']!r}") from None
        if price is not None and price <= 0:
            raise ValueError(f"line {line}: reference_price_pln must be positive")
        tier = (row["tier"] or "").strip() or None
        if tier is not None and tier not in TIERS:
            raise ValueError(f"line {line}: tier {tier!r} not one of {TIERS}")
        try:
            out.append(entry(name, _split(row["aliases"]), _split(row["ordinary_names"]),
                             _split(row["lookalike_words"]), reference_price=price,
                             category=(row["category"] or "").strip() or None, tier=tier))
        except ValueError as exc:
            raise ValueError(f"line {line}: {exc}") from None
    return out


def parse_plain_list(text: str) -> list[BrandEntry]:
    """One brand a line, aliases after '|'; '#' starts a comment."""
    out = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            name, *aliases = (p.strip() for p in line.split("|"))
            out.append(entry(name, tuple(a for a in aliases if a)))
    return out


def _deletes(key: str) -> set[str]:
    return {key[:i] + key[i + 1:] for i in range(len(key))}


def min_fuzzy_length(cutoff: float) -> int:
    """Shortest key for which one inserted character still scores at least `cutoff`."""
    if cutoff >= 100:
        return 10**9
    n = 1
    while fuzz.ratio("a" * n, "a" * n + "b") < cutoff:
        n += 1
    return n


class BrandIndex:
    """Finds brands of a list in normalised text without comparing against every brand."""

    # Candidates are the text's 1..k-word runs that equal a key, share a delete-1 variant
    # with one (symmetric delete: one insertion, deletion, substitution or transposition) or
    # squeeze to the same letters ("guccci"); rapidfuzz's ratio then has to reach the cutoff.

    def __init__(self, entries: tuple[BrandEntry, ...], cutoff: float, *,
                 text_only: bool, include_ordinary_names: bool = False) -> None:
        self.cutoff = cutoff
        self._exact: dict[str, list[BrandEntry]] = {}
        for e in entries:
            keys = e.text_keys if text_only and not include_ordinary_names else e.keys
            for key in keys:
                if text_only and len(key) < MIN_TEXT_KEY:
                    continue
                for variant in spelling_variants(key) if text_only else (key,):
                    if variant not in e.lookalikes:
                        self._exact.setdefault(variant, []).append(e)
        self._fuzzy_min = min_fuzzy_length(cutoff)
        self._deleted: dict[str, set[str]] = {}
        self._squeezed: dict[str, set[str]] = {}
        for key in self._exact:
            if len(key) >= self._fuzzy_min:
                for d in _deletes(key):
                    self._deleted.setdefault(d, set()).add(key)
            self._squeezed.setdefault(squeeze(key), set()).add(key)
        self.max_words = max((k.count(" ") + 1 for k in self._exact), default=0)
        # First words of multi-word keys: only a token that (nearly) equals one starts a
        # longer run worth looking up, which keeps `find` at about one look-up per token.
        self._first = {k.split(" ", 1)[0] for k in self._exact if " " in k}
        self._first_deleted = {d for w in self._first if len(w) >= self._fuzzy_min
                               for d in _deletes(w)}
        # One edit changes the length by at most one, so a word longer than every key (or
        # first word) plus one can only match by its squeezed letters: its delete-1 variants
        # (as many as its letters, each as long) are never built. A 100 KB word spent a
        # minute building them.
        self._max_key = max((len(k) for k in self._exact), default=0)
        self._max_first = max((len(w) for w in self._first), default=0)
        self._starts: dict[str, bool] = {}
        self._cache: dict[str, tuple[tuple[BrandEntry, float], ...]] = {}

    def _starts_run(self, word: str) -> bool:
        known = self._starts.get(word)
        if known is None:
            known = word in self._first or (
                self._fuzzy_min - 1 <= len(word) <= self._max_first + 1 and (
                    word in self._first_deleted
                    or any(d in self._first or d in self._first_deleted for d in _deletes(word))))
            if len(self._starts) > 100_000:
                self._starts.clear()
            self._starts[word] = known
        return known

    def lookup(self, gram: str) -> tuple[tuple[BrandEntry, float], ...]:
        """Brands that one run of words names, with their best scores."""
        cached = self._cache.get(gram)
        if cached is not None:
            return cached
        found: dict[str, float] = {}
        if gram in self._exact:
            found[gram] = 100.0
        elif len(gram) >= MIN_TEXT_KEY:
            candidates = set(self._squeezed.get(squeeze(gram), ()))
            if self._fuzzy_min - 1 <= len(gram) <= self._max_key + 1:
                candidates.update(self._deleted.get(gram, ()))
                for d in _deletes(gram):
                    if d in self._exact:
                        candidates.add(d)
                    candidates.update(self._deleted.get(d, ()))
            for key in candidates:
                # Evasions and typos keep the first letter; ordinary words one letter off a
                # brand mostly do not ("watch"/"Swatch", "basics"/"Asics", "phone"/"iPhone").
                if key[0] != gram[0]:
                    continue
                score = max(fuzz.ratio(gram, key), fuzz.ratio(squeeze(gram), squeeze(key)))
                if score >= self.cutoff:
                    found[key] = score
        best: dict[BrandEntry, float] = {}
        for key, score in found.items():
            for e in self._exact[key]:
                if gram not in e.lookalikes and score > best.get(e, 0.0):
                    best[e] = score
        result = tuple(best.items())
        if len(self._cache) > 100_000:
            self._cache.clear()
        self._cache[gram] = result
        return result

    def match_value(self, value: str) -> list[BrandMatch]:
        """The brand a whole field names (a brand field: "Nike", "Apple Inc.", "Nike Polska")."""
        tokens = _TOKEN.findall(value)
        while len(tokens) > 1 and tokens[-1] in CORPORATE:
            tokens.pop()
        if not tokens:
            return []
        return [BrandMatch(e, 0, len(value), score)
                for e, score in self.lookup(" ".join(tokens))]

    def find(self, text: str) -> list[BrandMatch]:
        """Every brand named in a normalised text, longest run first at each position."""
        if not self._exact or not text:
            return []
        tokens = list(_TOKEN.finditer(text))
        words = [t.group() for t in tokens]
        out: list[BrandMatch] = []
        for i, word in enumerate(words):
            longest = min(self.max_words, len(words) - i) if self._starts_run(word) else 1
            for n in range(longest, 0, -1):
                gram = word if n == 1 else " ".join(words[i:i + n])
                for e, score in self.lookup(gram):
                    out.append(BrandMatch(e, tokens[i].start(), tokens[i + n - 1].end(), score))
        return out
