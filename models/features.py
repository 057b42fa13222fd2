"""Offer featurisation: folded, squeezed word n-grams of offer and title; title char n-grams."""

from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Sequence
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from rules.normalise import fold, fold_squeezed
from rules.types import OfferText

# Bounds the per-offer cost whatever a seller pastes in; the rules still read the full text.
MAX_DESCRIPTION_CHARS = 3_000
# Words of two or more characters, plus ratios: "1:1" is a token of its own, distinct from a
# scale model's "1:18". One-letter tokens are mostly fragments of split words ("i nspired").
TOKEN_PATTERN = r"(?u)\w+:\w+|\w\w+"
_TOKENS = re.compile(TOKEN_PATTERN)
STOPWORDS_PATH = Path(__file__).resolve().parent / "data" / "stopwords-pl.txt"
# Words of the marker phrases that are no flag alone ("typu greckiego", "w stylu boho", "à la
# kabanos", "wzór kwiatowy", "Original Soundtrack", "wall mirror"): kept in two-word features
# ("typu gucci", "jak oryginal", "not original", "mirror quality") only.
FUNCTION_WORDS = ("typu", "stylu", "styl", "style", "wzor", "la", "like", "by", "jakosc",
                  "jakosci", "quality", "premium", "kolor", "bez", "original", "oryginal",
                  "oryginalny", "oryginalna", "oryginalne", "oryginalu", "mirror", "miror",
                  # units: "2 mg" is in prohibited listings and in every supplement
                  "mg", "g", "gr", "kg", "ml", "l", "szt", "mcg", "ug", "kaps", "tabl")


@cache
def unigram_stopwords() -> frozenset[str]:
    """Words that count only inside two-word features: Polish and English stop words."""
    polish = (fold(line.strip()) for line in STOPWORDS_PATH.read_text(encoding="utf-8")
              .splitlines() if line.strip())
    return frozenset((*polish, *ENGLISH_STOP_WORDS, *FUNCTION_WORDS))


class WordGrams:
    """Word 1- and 2-grams of a folded text; stop words are dropped as 1-grams only.

    "bez" alone says nothing ("beż" folds to it), "bez pozwolenia" does; so does "jak
    oryginal" where "jak" does not.
    """

    def __init__(self, stopwords: frozenset[str]) -> None:
        self.stopwords = stopwords

    def __repr__(self) -> str:
        # Deterministic (no memory address): the bundle's version is a digest of reprs.
        digest = hashlib.sha256("\n".join(sorted(self.stopwords)).encode()).hexdigest()[:12]
        return f"WordGrams(stopwords={len(self.stopwords)}:{digest})"

    def __getstate__(self) -> dict[str, Any]:
        # A sorted tuple, not a set: set order varies between processes, pickles would too.
        return {"stopwords": tuple(sorted(self.stopwords))}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.stopwords = frozenset(state["stopwords"])

    def __call__(self, text: str) -> list[str]:
        tokens = _TOKENS.findall(text)
        stop = self.stopwords
        # A number alone is a quantity ("100 g"); "100 skutecznosci" says something.
        grams = [t for t in tokens if t not in stop and not t.isdigit()]
        grams.extend(map(" ".join, pairwise(tokens)))
        return grams
TITLE_WORD_PREFIX = "title:"
TITLE_CHAR_PREFIX = "title~"
# Inputs whose folded form pins down the normaliser the vocabulary was learnt with.
FOLD_PROBES = (
    "Replika 1:1 r.e.p.l.i.k.a p0dr0bka РОЛЕКС", "zażółć gęślą jaźń ZAŻÓŁĆ",
    "r\u200bolex fаke jаk oryginał", "iPhone 13 Pro 256GB", "AAA+ 4K 1:18 HP-305",
    "rreplikaa c0un73rf3it H3TS fɑke jak.oryginał ʀᴇᴘʟɪᴋᴀ lekki",
)


def fold_text(text: str) -> str:
    """What the features read: the rules' normalised text with letter runs squeezed."""
    return fold_squeezed(text)


def fold_fingerprint() -> str:
    """SHA-256 of the featuriser's normalisation on fixed probes: changes when it changes."""
    return hashlib.sha256("\n".join(fold_text(p) for p in FOLD_PROBES).encode()).hexdigest()


def fold_offers(offers: Sequence[OfferText]) -> tuple[list[str], list[str]]:
    """Folded titles, and folded title + description + category, one string per offer."""
    titles, texts = [], []
    for o in offers:
        title = fold_text(o.title)
        titles.append(title)
        # Fields are folded separately so that a split word never joins across two fields.
        texts.append(" ".join((title, fold_text((o.description or "")[:MAX_DESCRIPTION_CHARS]),
                               fold_text(o.category) if o.category else "")))
    return titles, texts


class OfferFeaturizer(TransformerMixin, BaseEstimator):
    """Sparse TF-IDF features of offers in three blocks, with a readable name for every column.

    Blocks: word 1-2-grams of the whole offer (named as the folded n-gram, "jak oryginal"),
    word 1-2-grams of the title ("title:replika"), char_wb n-grams of the title
    ('title~"epli"'). Each block is L2-normalised on its own, so a marker in the title keeps
    its weight however long the description is. A fitted vocabulary rather than hashing, so
    every coefficient maps back to something a moderator can read; char n-grams only on the
    title, where they catch what folding misses, at a fraction of their cost on descriptions.
    """

    def __init__(
        self,
        *,
        word_min_df: int = 2,
        word_max_features: int | None = 40_000,
        title_max_features: int | None = 15_000,
        char_min_df: int = 3,
        char_max_features: int | None = 20_000,
        char_ngram_range: tuple[int, int] = (3, 5),
    ) -> None:
        self.word_min_df = word_min_df
        self.word_max_features = word_max_features
        self.title_max_features = title_max_features
        self.char_min_df = char_min_df
        self.char_max_features = char_max_features
        self.char_ngram_range = char_ngram_range

    def _words(self, max_features: int | None) -> TfidfVectorizer:
        return TfidfVectorizer(
            analyzer=WordGrams(unigram_stopwords()), min_df=self.word_min_df,
            max_features=max_features, sublinear_tf=True, dtype=np.float32)

    def fit(self, X: Sequence[OfferText], y: Any = None) -> OfferFeaturizer:
        titles, texts = fold_offers(X)
        self.text_words_ = self._words(self.word_max_features).fit(texts)
        self.title_words_ = self._words(self.title_max_features).fit(titles)
        self.title_chars_ = TfidfVectorizer(
            lowercase=False, analyzer="char_wb", ngram_range=self.char_ngram_range,
            min_df=self.char_min_df, max_features=self.char_max_features, sublinear_tf=True,
            dtype=np.float32,
        ).fit(titles)
        for vec in (self.text_words_, self.title_words_, self.title_chars_):
            # The terms cut by min_df/max_features: large in the pickle, unused at transform.
            if hasattr(vec, "stop_words_"):
                del vec.stop_words_
        return self

    def transform(self, X: Sequence[OfferText]) -> sp.csr_matrix:
        titles, texts = fold_offers(X)
        return sp.hstack([self.text_words_.transform(texts), self.title_words_.transform(titles),
                          self.title_chars_.transform(titles)], format="csr")

    def __getstate__(self) -> dict[str, Any]:
        state = super().__getstate__()
        for name in ("text_words_", "title_words_", "title_chars_"):
            vec = state.get(name)
            if vec is not None and hasattr(vec, "_stop_words_id"):
                # An id() cached by sklearn at transform time: a memory address in the pickle
                # would make the same model's bytes, hence its version, differ per process.
                vec = copy.copy(vec)
                del vec._stop_words_id
                state[name] = vec
        return state

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        return np.concatenate([
            self.text_words_.get_feature_names_out().astype(object),
            np.asarray([TITLE_WORD_PREFIX + g for g in self.title_words_.get_feature_names_out()],
                       dtype=object),
            np.asarray([f'{TITLE_CHAR_PREFIX}"{g}"' for g in
                        self.title_chars_.get_feature_names_out()], dtype=object),
        ])
