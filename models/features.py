"""Offer featurisation: folded word n-grams of offer and title, char n-grams of the title."""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer

from rules.normalise import fold
from rules.types import OfferText

# Bounds the per-offer cost whatever a seller pastes in; the rules still read the full text.
MAX_DESCRIPTION_CHARS = 3_000
# Words of two or more characters, plus ratios: "1:1" is a token of its own, distinct from a
# scale model's "1:18". One-letter tokens are mostly fragments of split words ("i nspired").
TOKEN_PATTERN = r"(?u)\w+:\w+|\w\w+"
TITLE_WORD_PREFIX = "title:"
TITLE_CHAR_PREFIX = "title~"
# Inputs whose folded form pins down the normaliser the vocabulary was learnt with.
FOLD_PROBES = (
    "Replika 1:1 r.e.p.l.i.k.a p0dr0bka РОЛЕКС", "zażółć gęślą jaźń ZAŻÓŁĆ",
    "r\u200bolex fаke jаk oryginał", "iPhone 13 Pro 256GB", "AAA+ 4K 1:18 HP-305",
)


def fold_fingerprint() -> str:
    """SHA-256 of the normaliser's output on fixed probes: changes when `fold` changes."""
    return hashlib.sha256("\n".join(fold(p) for p in FOLD_PROBES).encode()).hexdigest()


def fold_offers(offers: Sequence[OfferText]) -> tuple[list[str], list[str]]:
    """Folded titles, and folded title + description + category, one string per offer."""
    titles, texts = [], []
    for o in offers:
        title = fold(o.title)
        titles.append(title)
        # Fields are folded separately so that a split word never joins across two fields.
        texts.append(" ".join((title, fold((o.description or "")[:MAX_DESCRIPTION_CHARS]),
                               fold(o.category) if o.category else "")))
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
            lowercase=False, token_pattern=TOKEN_PATTERN, ngram_range=(1, 2),
            min_df=self.word_min_df, max_features=max_features, sublinear_tf=True,
            dtype=np.float32)

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
