"""INJECTED training rows: real lawful listings with the one thing that makes an offer infringing.

A positive is a real listing (a shop's title and description, unchanged otherwise) with a
counterfeit marker, a brand it rides on, prohibited-goods wording or an illegal health claim
put in at a place where sellers put it: the end or the start of the title, after its first
words, or as a sentence inside the description. Because the rest of the text is real and the
same listings appear unchanged as negatives, the classifier can only learn the injected words,
not the style of a generator. Benign twins get lawful look-alike wording ("jak nowy", "bez
BPA", "kompatybilny z Apple") so that those words are not learnt as flags either.

Markers are split by a seeded hash into words used for training and words kept back, so an
evaluation can tell how the model does on wording it never saw (`held_back`).
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from dataclasses import dataclass, replace

from models import injection_words as w
from models.lexicon import HARD_BENIGN_EN, HARD_BENIGN_PL, PROHIBITED
from rules.types import OfferText

__all__ = ["FAMILIES", "Injected", "inject", "lawful_twin", "vocabulary"]

COUNTERFEIT = "injected_counterfeit"
BRAND_RIDING = "injected_brand_riding"
PROHIBITED_GOODS = "injected_prohibited"
CLAIMS = "injected_claims"
LAWFUL = "injected_lawful"
# Share of each family among the positives.
FAMILIES = {COUNTERFEIT: 0.40, BRAND_RIDING: 0.10, PROHIBITED_GOODS: 0.25, CLAIMS: 0.25}
# About this share of every family's words is kept back from training (see module doc).
HELD_BACK_SHARE = 0.25
OBFUSCATED_SHARE = 0.2
# Share of lawful twins that get a famous brand and nothing else.
BRAND_ALONE_SHARE = 0.6

_PROHIBITED_PL = frozenset(t for group in PROHIBITED for t in group[1])
_LEET = {"o": "0", "i": "1", "e": "3", "a": "4", "s": "5", "t": "7"}
_CYRILLIC = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у", "i": "і"}


@dataclass(frozen=True, slots=True)
class Injected:
    """One injected row: the changed offer, its label and family, and the words put in."""

    offer: OfferText
    label: int
    family: str
    words: str
    # The same listing without what makes it infringing (a negative); None for twins.
    contrast: OfferText | None = None


def held_back(phrase: str) -> bool:
    """Whether a word list entry is kept back from training (stable across runs)."""
    digest = hashlib.sha256(phrase.encode()).digest()
    return digest[0] < 256 * HELD_BACK_SHARE


def vocabulary(family: str, *, part: str) -> tuple[str, ...]:
    """The words of a family: part "train", "held_back" or "all"."""
    words: tuple[str, ...] = {
        COUNTERFEIT: w.COUNTERFEIT_PL + w.COUNTERFEIT_EN,
        BRAND_RIDING: w.BRAND_RIDING_PL + w.BRAND_RIDING_EN,
        PROHIBITED_GOODS: tuple(t for group in PROHIBITED for t in group[1] + group[2]),
        CLAIMS: w.CLAIMS_PL + w.CLAIMS_EN,
        LAWFUL: w.LAWFUL_PL + w.LAWFUL_EN,
    }[family]
    if part == "all" or family == LAWFUL:
        return words
    return tuple(x for x in words if held_back(x) == (part == "held_back"))


def _obfuscate(text: str, rnd: random.Random) -> str:
    """Disguise the longest word the way sellers do (a few ways; the rules see through more)."""
    words = text.split(" ")
    spots = [i for i, x in enumerate(words) if len(x) >= 4 and x.isalpha()]
    if not spots:
        return text
    i = max(spots, key=lambda j: len(words[j]))
    word = words[i]
    how = rnd.randrange(5)
    if how == 0:
        word = ".".join(word)
    elif how == 1:
        word = "".join(_LEET.get(ch, ch) if rnd.random() < 0.5 else ch for ch in word)
    elif how == 2:
        word = "".join(_CYRILLIC.get(ch, ch) if rnd.random() < 0.6 else ch for ch in word)
    elif how == 3:
        k = rnd.randrange(len(word))
        word = word[:k] + word[k] * 2 + word[k:]
    else:
        word = word.upper()
    words[i] = word
    return " ".join(words)


def _into_title(title: str, words: str, rnd: random.Random) -> str:
    """Put words where sellers put them: at the end, at the start or after the first words."""
    parts = title.split()
    where = rnd.random()
    if where < 0.5 or len(parts) < 2:
        return f"{title} {words}"
    if where < 0.7:
        return f"{words} {title}"
    k = rnd.randint(1, min(3, len(parts) - 1))
    return " ".join([*parts[:k], words, *parts[k:]])


def _into_description(description: str, sentence: str, rnd: random.Random) -> str:
    """A sentence among the description's own sentences (or the description itself)."""
    if not description:
        return sentence
    sentences = description.split(". ")
    k = rnd.randint(0, len(sentences))
    sentences.insert(k, sentence.rstrip("."))
    return ". ".join(sentences)


def _polish(offer: OfferText) -> bool:
    text = f"{offer.title} {offer.description}".lower()
    return any(ch in text for ch in "ąćęłńóśźż") or " i " in text or " w " in text


def _neutral_word(offer: OfferText, rnd: random.Random) -> str:
    """An ordinary word of the listing itself, to stand where a brand stood in a contrast."""
    words = [x for x in offer.title.split() if x.isalpha() and len(x) > 3]
    return rnd.choice(words).lower() if words else rnd.choice(("boho", "retro", "classic"))


def inject(offer: OfferText, family: str, rnd: random.Random, *, part: str = "train"
           ) -> Injected:
    """A positive made from a real listing by putting in one family's words.

    `.contrast` is the same listing with the same words in the same place except those that
    make it infringing (the marker, the brand ridden on, the item, the claim): trained on
    side by side, the two leave the model nothing to learn but the difference.
    """
    polish = _polish(offer) or rnd.random() < 0.3
    brand = rnd.choice(w.BRANDS)
    vocab = vocabulary(family, part=part)
    title, description, brand_field = offer.title, offer.description, offer.brand
    c_title, c_description, c_brand = title, description, brand_field
    if family == COUNTERFEIT:
        words = rnd.choice(vocab)
        marked = _obfuscate(words, rnd) if rnd.random() < OBFUSCATED_SHARE else words
        roll = rnd.random()
        state = rnd.getstate()
        if roll < 0.6:  # brand and marker in the title
            first = rnd.random() < 0.7
            title = _into_title(title, f"{brand} {marked}" if first else f"{marked} {brand}",
                                rnd)
            rnd.setstate(state)
            rnd.random()
            c_title = _into_title(c_title, brand, rnd)
        elif roll < 0.8:  # marker in the title, brand in the brand field
            title, brand_field = _into_title(title, marked, rnd), brand
            c_brand = brand
        else:  # brand in the title, the confession in the description
            title = c_title = _into_title(title, brand, rnd)
            pool = w.COUNTERFEIT_SENTENCES_PL if polish else w.COUNTERFEIT_SENTENCES_EN
            lawful = w.LAWFUL_SENTENCES_PL if polish else w.LAWFUL_SENTENCES_EN
            state = rnd.getstate()
            description = _into_description(description, rnd.choice(pool).format(brand=brand),
                                            rnd)
            rnd.setstate(state)
            c_description = _into_description(c_description,
                                              rnd.choice(lawful).format(brand=brand), rnd)
            words = "description"
    elif family == BRAND_RIDING:
        template = rnd.choice(vocab)
        words = template.format(brand=brand)
        state = rnd.getstate()
        title = _into_title(title, words, rnd)
        rnd.setstate(state)
        c_title = _into_title(c_title, template.format(brand=_neutral_word(offer, rnd)), rnd)
    elif family == PROHIBITED_GOODS:
        words = rnd.choice(vocab)
        item = _obfuscate(words, rnd) if rnd.random() < OBFUSCATED_SHARE else words
        # The item replaces what the listing sold; a few of its words may stay ("czarny").
        tail = offer.title.split()[-2:] if rnd.random() < 0.4 else []
        title = " ".join([item, *tail])
        # The contrast sells a lawful look-alike of the item ("Filmy DVD kolekcja klasyki"
        # for "Filmy pirackie kolekcja 500 DVD"): the item's ordinary words are no flag.
        lookalike = rnd.choice(HARD_BENIGN_PL)[0] if words in _PROHIBITED_PL else rnd.choice(
            HARD_BENIGN_EN)
        c_title = " ".join([lookalike, *tail])
        if rnd.random() < 0.3:
            title = f"{title} {rnd.choice(w.PROHIBITED_SUFFIXES_PL)}"
            c_title = f"{c_title} bez {rnd.choice(w.LAWFUL_WITHOUT)}"
        sentences = next(g[3] for g in PROHIBITED if words in g[1] + g[2])
        if rnd.random() < 0.5:
            description = _into_description(description, rnd.choice(sentences), rnd)
    elif family == CLAIMS:
        words = rnd.choice(vocab)
        claimed = _obfuscate(words, rnd) if rnd.random() < OBFUSCATED_SHARE else words
        english = words in w.CLAIMS_EN
        benefit = rnd.choice(w.LAWFUL_BENEFITS_EN if english else w.LAWFUL_BENEFITS_PL)
        state = rnd.getstate()
        if rnd.random() < 0.5:
            title = _into_title(title, claimed, rnd)
            rnd.setstate(state)
            rnd.random()
            c_title = _into_title(c_title, benefit, rnd)
        else:
            template = rnd.choice(w.CLAIM_SENTENCES_EN if english else w.CLAIM_SENTENCES_PL)
            inner = rnd.getstate()
            description = _into_description(description, template.format(claim=claimed), rnd)
            rnd.setstate(inner)
            c_description = _into_description(c_description, template.format(claim=benefit),
                                              rnd)
    else:
        raise ValueError(f"unknown family {family!r}")
    return Injected(replace(offer, title=title, description=description, brand=brand_field),
                    1, family, words,
                    replace(offer, title=c_title, description=c_description, brand=c_brand))


def lawful_twin(offer: OfferText, rnd: random.Random) -> Injected:
    """A negative made from a real listing with lawful look-alike wording, or a famous brand."""
    brand = rnd.choice(w.BRANDS)
    words = rnd.choice(vocabulary(LAWFUL, part="all")).format(brand=brand)
    if rnd.random() < BRAND_ALONE_SHARE:
        # A brand alone is no flag: most branded offers are genuine. Positives carry brands
        # more often than real listings do, so twins carry them often enough to even it out.
        words = brand
    if rnd.random() < 0.6:
        changed = replace(offer, title=_into_title(offer.title, words, rnd))
    else:
        changed = replace(offer, description=_into_description(offer.description, words, rnd))
    return Injected(changed, 0, LAWFUL, words)


def families_for(n: int, rnd: random.Random) -> Sequence[str]:
    """n families drawn in `FAMILIES` proportions."""
    names = list(FAMILIES)
    return rnd.choices(names, weights=[FAMILIES[f] for f in names], k=n)
