"""Seeded generators of GENERATED training listings (none of them is a real offer).

Positives are counterfeit listings (brand x marker x product type, Polish and English) and
prohibited-goods listings (weapons, drugs, prescription medicines, forged documents, ...), a
quarter of them obfuscated the way sellers dodge keyword filters. Negatives are Polish (and some
English) benign listings with the same brands and categories, plus look-alike benign offers
("Tusz zamiennik do HP 305", "Model 1:18", "Baterie AAA"), so that the classifier learns the
markers and not "Polish", "luxury brand" or "has a description". Real benign listings come from
`models/data/benign_listings_sample.csv`, not from here.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from models import lexicon as lx
from rules.types import OfferText

COUNTERFEIT = "generated_counterfeit"
PROHIBITED = "generated_prohibited"
BENIGN_PL = "generated_benign_pl"
BENIGN_EN = "generated_benign_en"
# Share of each generated source; positives are a bit over half of the generated rows, and
# the real benign sample brings the total positive share to about 40%.
MIX = {COUNTERFEIT: 0.34, PROHIBITED: 0.18, BENIGN_PL: 0.38, BENIGN_EN: 0.10}
OBFUSCATED_SHARE = 0.25
# Counterfeits with nothing but soft cues, and benign offers with the same cues.
SUBTLE_SHARE = 0.06
BENIGN_SOFT_SHARE = 0.12

_LEET = {"o": "0", "i": "1", "e": "3", "a": "4", "s": "5", "l": "1"}
_CYRILLIC = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у", "i": "і"}
_ZW = ("\u200b", "\u200c", "\u200d", "\u2060")


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled listing: label 1 = violating (counterfeit or prohibited)."""

    offer: OfferText
    label: int
    source: str


def obfuscate_word(word: str, rnd: random.Random) -> str:
    """Disguise one word the way sellers do: dots, spaces, leetspeak, Cyrillic, zero-width."""
    if len(word) < 4 or not word.isalpha():
        return word
    how = rnd.randrange(6)
    if how == 0:
        return ".".join(word)
    if how == 1:
        return " ".join(word)
    if how == 2:
        return "".join(_LEET.get(ch, ch) if rnd.random() < 0.6 else ch for ch in word)
    if how == 3:
        return "".join(_CYRILLIC.get(ch, ch) if rnd.random() < 0.7 else ch for ch in word)
    if how == 4:
        return rnd.choice(_ZW).join(word)
    cut = rnd.randrange(1, len(word))
    return word[:cut] + rnd.choice("-*_") + word[cut:]


def obfuscate(text: str, rnd: random.Random) -> str:
    """Disguise the longest word of a phrase (the one a keyword filter would look for)."""
    words = text.split(" ")
    candidates = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha()]
    if not candidates:
        return text
    i = max(candidates, key=lambda j: (len(words[j]), -j))
    words[i] = obfuscate_word(words[i], rnd)
    return " ".join(words)


def describe(rnd: random.Random, must: Sequence[str], pool: Sequence[str], **fmt: str) -> str:
    """A 150-700 character description: the `must` sentences shuffled among neutral ones."""
    target = rnd.randint(150, 700)
    sentences = list(must)
    length = sum(len(s) + 1 for s in sentences)
    for s in rnd.sample(list(pool), len(pool)):
        if length >= target:
            break
        sentences.append(s)
        length += len(s) + 1
    rnd.shuffle(sentences)
    return " ".join(s.format(**fmt) for s in sentences)


def _join(*parts: str) -> str:
    return " ".join(p for p in parts if p)


def counterfeit(rnd: random.Random) -> Example:
    """A counterfeit listing: a brand's product with a counterfeit marker, PL or EN."""
    product = rnd.choice(lx.PRODUCTS)
    brand, model = rnd.choice(product.lines)
    size = rnd.choice(product.sizes) if product.sizes and rnd.random() < 0.5 else ""
    polish = rnd.random() < 0.75
    marker = rnd.choice(lx.MARKERS_PL if polish else lx.MARKERS_EN)
    if rnd.random() < OBFUSCATED_SHARE:
        marker = obfuscate(marker, rnd)
    qualifier = rnd.choice(lx.BENIGN_QUALIFIERS_PL if polish else lx.BENIGN_QUALIFIERS_EN)
    kind = product.pl if polish else product.en
    if polish and rnd.random() < 0.25:
        # Tools and appliances get faked too: the product type alone must not clear an offer.
        kind, category_pl = rnd.choice(lx.EVERYDAY_PL)
        brand, model, size = "", "", ""
        product = product._replace(category=category_pl)
    pattern = rnd.randrange(6)
    marker_in_title = pattern != 5
    title = (
        _join(kind, brand, model, marker, size),
        _join(brand, model, marker, kind),
        _join(marker, brand, model, size),
        _join(kind, brand, model, qualifier, marker),
        _join(kind, "inspirowane" if polish else "inspired by", brand, model, size),
        _join(kind, brand, model, qualifier, size),
    )[pattern]
    pool_bad: tuple[str, ...] = (lx.COUNTERFEIT_SENTENCES_PL if polish
                                 else lx.COUNTERFEIT_SENTENCES_EN)
    if product.en == "Perfume":
        pool_bad += lx.PERFUME_SENTENCES_PL if polish else lx.PERFUME_SENTENCES_EN
    pool = lx.NEUTRAL_SENTENCES_PL if polish else lx.NEUTRAL_SENTENCES_EN
    description = ""
    if rnd.random() < SUBTLE_SHARE:  # only soft cues, the marker-free counterfeit
        title = _join(kind, brand, model, qualifier, size)
        soft = lx.SOFT_CUES_PL if polish else lx.SOFT_CUES_EN
        description = describe(rnd, [rnd.choice(soft)], pool)
    elif marker_in_title and rnd.random() < 0.35:
        # Sellers dress a marked title in a stock description that claims authenticity.
        claims = lx.BENIGN_SENTENCES_PL if polish else lx.BENIGN_SENTENCES_EN
        description = describe(rnd, rnd.sample(claims, rnd.randint(0, 2)), pool,
                               brand=brand, model=model)
    elif not marker_in_title or rnd.random() < 0.7:
        must = rnd.sample(pool_bad, rnd.randint(1, 2))
        if rnd.random() < OBFUSCATED_SHARE:
            must = [obfuscate(s, rnd) for s in must]
        description = describe(rnd, must, pool, brand=brand, model=model)
    category = product.category if polish or rnd.random() < 0.5 else None
    return Example(OfferText(title=title, description=description, category=category,
                             brand=brand or None), 1, COUNTERFEIT)


def prohibited(rnd: random.Random) -> Example:
    """A prohibited-goods listing from one of the taxonomy groups, PL or EN."""
    category, titles_pl, titles_en, sentences = rnd.choice(lx.PROHIBITED)
    polish = rnd.random() < 0.8
    title = rnd.choice(titles_pl if polish else titles_en)
    suffix = rnd.choice(("", "", "tanio", "wysyłka dyskretna", "hurt", "szybka wysyłka")
                        if polish else ("", "", "cheap", "discreet shipping", "wholesale"))
    title = _join(title, suffix)
    if rnd.random() < OBFUSCATED_SHARE:
        title = obfuscate(title, rnd)
    description = ""
    if rnd.random() < 0.8:
        must = (rnd.sample(sentences, rnd.randint(1, min(2, len(sentences))))
                if polish and rnd.random() < 0.7 else [])
        description = describe(rnd, must, lx.NEUTRAL_SENTENCES_PL if polish
                               else lx.NEUTRAL_SENTENCES_EN)
    if rnd.random() < 0.3:  # sellers misfile on purpose
        category = rnd.choice(lx.EVERYDAY_PL)[1]
    return Example(OfferText(title=title, description=description, category=category), 1,
                   PROHIBITED)


def benign_pl(rnd: random.Random) -> Example:
    """An ordinary Polish listing: branded goods, everyday goods or look-alike benign goods."""
    roll = rnd.random()
    brand = None
    if roll < 0.45:
        product = rnd.choice(lx.PRODUCTS)
        brand, model = rnd.choice(product.lines)
        quals = rnd.sample(lx.BENIGN_QUALIFIERS_PL, rnd.randint(0, 2))
        size = rnd.choice(product.sizes) if product.sizes and rnd.random() < 0.6 else ""
        title = _join(product.pl, brand, model, *quals, size)
        category: str | None = product.category
    else:
        title, category = rnd.choice(lx.EVERYDAY_PL if roll < 0.75 else lx.HARD_BENIGN_PL)
        if rnd.random() < 0.5:
            title = _join(title, rnd.choice(lx.BENIGN_QUALIFIERS_PL))
        model = ""
    description = ""
    if rnd.random() < 0.85:
        must = rnd.sample(lx.BENIGN_SENTENCES_PL, rnd.randint(0, 2)) if brand else []
        if brand and rnd.random() < BENIGN_SOFT_SHARE:
            must.append(rnd.choice(lx.SOFT_CUES_PL))
        description = describe(rnd, must, lx.NEUTRAL_SENTENCES_PL, brand=brand or "", model=model)
    return Example(OfferText(title=title, description=description, category=category,
                             brand=brand), 0, BENIGN_PL)


def benign_en(rnd: random.Random) -> Example:
    """An ordinary English listing with a description (the real sample has titles only)."""
    brand = None
    if rnd.random() < 0.5:
        product = rnd.choice(lx.PRODUCTS)
        brand, model = rnd.choice(product.lines)
        title = _join(brand, model, product.en, rnd.choice(lx.BENIGN_QUALIFIERS_EN))
    else:
        title, model = rnd.choice(lx.HARD_BENIGN_EN), ""
    description = ""
    if rnd.random() < 0.6:
        must = rnd.sample(lx.BENIGN_SENTENCES_EN, 1) if brand else []
        if rnd.random() < BENIGN_SOFT_SHARE:
            must.append(rnd.choice(lx.SOFT_CUES_EN))
        description = describe(rnd, must, lx.NEUTRAL_SENTENCES_EN, brand=brand or "", model=model)
    return Example(OfferText(title=title, description=description, brand=brand), 0, BENIGN_EN)


GENERATORS: dict[str, Callable[[random.Random], Example]] = {
    COUNTERFEIT: counterfeit, PROHIBITED: prohibited, BENIGN_PL: benign_pl, BENIGN_EN: benign_en,
}


def generate(n: int, *, seed: int) -> list[Example]:
    """n GENERATED examples in `MIX` proportions, deduplicated, shuffled; same seed, same list."""
    out: list[Example] = []
    seen: set[tuple[str, str]] = set()
    for offset, (source, share) in enumerate(MIX.items()):
        rnd = random.Random(seed * 1_000 + offset)
        want, tries = round(n * share), 0
        made = 0
        # Few-template sources repeat; allow a bounded number of retries to stay deterministic.
        while made < want and tries < want * 20:
            tries += 1
            ex = GENERATORS[source](rnd)
            key = (ex.offer.title, ex.offer.description)
            if key in seen:
                continue
            seen.add(key)
            out.append(ex)
            made += 1
    random.Random(seed).shuffle(out)
    return out
