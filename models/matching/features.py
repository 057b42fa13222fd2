"""Similarity features of a product pair: one row of floats per pair, NaN where undefined.

String similarities run through `rapidfuzz.process.cpdist` (element-wise, in C++); TF-IDF
cosines are row-wise products of sparse matrices over the distinct records of a batch; set
features (codes, numbers, brands) are a short Python loop over prepared records that are
computed once per distinct record, since benchmark and production batches repeat records.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Indel, JaroWinkler
from sklearn.feature_extraction.text import TfidfVectorizer

from models.matching.normalise import (
    brand_key,
    model_codes,
    normalise_brand,
    normalise_model,
    number_tokens,
    words,
)
from models.matching.records import Pair, ProductRecord

__all__ = ["FEATURE_NAMES", "PairFeaturizer", "PreparedRecord", "prepare"]

# Bounds the cost of a pasted essay; the first part of a description names the product.
MAX_DESCRIPTION_CHARS = 300
# Codes shorter than this are too often a substring of an unrelated code ("a100" in "a1000").
MIN_CONTAINED_CODE = 5
# Pairs of codes compared for the best fuzzy code match, per side.
MAX_CODES = 12

FEATURE_NAMES: tuple[str, ...] = (
    # title strings
    "title_ratio", "title_partial_ratio", "title_token_sort", "title_token_set", "title_wratio",
    "title_jaccard", "title_contained_l", "title_contained_r",
    "title_tfidf_word", "title_idf_jaccard",
    "title_idf_unmatched_l", "title_idf_unmatched_r",
    "title_tokens_l", "title_tokens_r", "first_token_equal",
    # model codes (title codes plus the model field)
    "codes_l", "codes_r", "code_shared", "code_l_in_r", "code_r_in_l", "code_in_description",
    "code_jw_best", "code_indel_best",
    # the model field
    "model_missing_l", "model_missing_r", "model_exact", "model_jw",
    "model_l_in_r_text", "model_r_in_l_text",
    # brand
    "brand_missing_l", "brand_missing_r", "brand_exact", "brand_ratio",
    "brand_l_in_r_title", "brand_r_in_l_title",
    # numbers (capacities, sizes, versions)
    "numbers_jaccard", "numbers_only_l", "numbers_only_r",
    # category, price
    "category_token_set", "price_ratio", "price_log_diff", "price_missing_l", "price_missing_r",
    # descriptions (text records)
    "description_missing_l", "description_missing_r", "text_tfidf_word",
    "title_l_in_description_r", "title_r_in_description_l",
    # which data set / feed the pair comes from (NaN when unknown)
    "source",
)
_INDEX = {name: i for i, name in enumerate(FEATURE_NAMES)}


@dataclass(frozen=True, slots=True)
class PreparedRecord:
    """A record normalised once for every pair it takes part in."""

    title: str  # folded words joined by single spaces
    tokens: frozenset[str]
    first: str  # the first word, often the brand
    compact: str  # title and model field, letters and digits only
    full_compact: str  # the same followed by the description's
    codes: frozenset[str]
    numbers: frozenset[str]
    brand: str  # brand key, no spaces
    brand_words: str
    model: str
    category: str
    price: float | None
    text: str  # title and description words, for the text TF-IDF
    description_tokens: frozenset[str]
    description_compact: str


def prepare(record: ProductRecord, *,
            description_chars: int = MAX_DESCRIPTION_CHARS) -> PreparedRecord:
    """Normalise a record's fields for the pair features."""
    title_words = words(record.title)
    description = (record.description or "")[:description_chars]
    description_words = words(description)
    model = normalise_model(record.model)
    codes = model_codes(record.title)
    compact = "".join(title_words) + model
    description_compact = "".join(description_words)
    if model:
        codes.add(model)
    return PreparedRecord(
        title=" ".join(title_words),
        tokens=frozenset(title_words),
        first=title_words[0] if title_words else "",
        compact=compact,
        full_compact=compact + description_compact,
        codes=frozenset(codes),
        numbers=frozenset(number_tokens(record.title)),
        brand=brand_key(record.brand),
        brand_words=normalise_brand(record.brand),
        model=model,
        category=" ".join(words(record.category or "")),
        price=record.price,
        text=" ".join(title_words + description_words),
        description_tokens=frozenset(description_words),
        description_compact=description_compact,
    )


def _cosine(matrix: sp.csr_matrix, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Row-wise dot product of L2-normalised rows: the cosine per pair."""
    return np.asarray(matrix[left].multiply(matrix[right]).sum(axis=1), dtype=np.float32).ravel()


def _scores(scorer: Callable[..., float], a: Sequence[str], b: Sequence[str]) -> np.ndarray:
    return np.asarray(process.cpdist(a, b, scorer=scorer, dtype=np.float32, workers=1),
                      dtype=np.float32)


def _vectorizer(**params: Any) -> TfidfVectorizer:
    # Input is already folded and tokenised: split on spaces, keep codes whole.
    base: dict[str, Any] = dict(lowercase=False, sublinear_tf=True, dtype=np.float32,
                                token_pattern=r"\S+")
    base.update(params)
    return TfidfVectorizer(**base)


class PairFeaturizer:
    """Fits IDF statistics on training records; turns pairs into a float32 feature matrix."""

    def __init__(self, *, text_max_features: int = 40_000,
                 description_chars: int = MAX_DESCRIPTION_CHARS) -> None:
        self.description_chars = description_chars
        self.text_max_features = text_max_features
        self.sources: tuple[str, ...] = ()
        self._word: TfidfVectorizer | None = None
        self._text: TfidfVectorizer | None = None
        self._idf: dict[str, float] = {}
        self._idf_unseen = 0.0

    def fit(self, pairs: Sequence[Pair]) -> PairFeaturizer:
        """Learn IDF weights from the distinct records of the training pairs only."""
        records = _distinct(pairs)[0]
        prepared = [prepare(r, description_chars=self.description_chars) for r in records]
        titles = [p.title for p in prepared]
        self._word = _vectorizer().fit(titles)
        self._text = _vectorizer(max_features=self.text_max_features).fit(
            [p.text for p in prepared])
        for vectorizer in (self._word, self._text):
            # Only for introspection, and as large as the vocabulary: not worth pickling.
            if hasattr(vectorizer, "stop_words_"):
                del vectorizer.stop_words_
        self._set_idf()
        self.sources = tuple(sorted({p.source for p in pairs if p.source}))
        return self

    def _set_idf(self) -> None:
        assert self._word is not None
        idf = self._word.idf_
        self._idf = {term: float(idf[i]) for term, i in self._word.vocabulary_.items()}
        # A token never seen in training is rarer than any seen one.
        self._idf_unseen = float(idf.max()) if idf.size else 1.0

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_idf"] = {}  # rebuilt from the vectoriser on load: half the pickle otherwise
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        if self._word is not None:
            self._set_idf()

    def transform(self, pairs: Sequence[Pair]) -> np.ndarray:
        """Features of each pair as a (len(pairs), len(FEATURE_NAMES)) float32 array."""
        if self._word is None or self._text is None:
            raise RuntimeError("PairFeaturizer.transform before fit")
        n = len(pairs)
        out = np.full((n, len(FEATURE_NAMES)), np.nan, dtype=np.float32)
        if n == 0:
            return out
        records, left, right = _distinct(pairs)
        prepared = [prepare(r, description_chars=self.description_chars) for r in records]
        lp = [prepared[i] for i in left]
        rp = [prepared[i] for i in right]

        def put(name: str, values: Any) -> None:
            out[:, _INDEX[name]] = values

        def both(name_l: str, name_r: str, per_record: Sequence[float]) -> None:
            values = np.asarray(per_record, dtype=np.float32)
            put(name_l, values[left])
            put(name_r, values[right])

        def where_both(name: str, present: Sequence[bool], values: np.ndarray) -> None:
            mask = np.asarray(present, dtype=bool)
            put(name, np.where(mask[left] & mask[right], values, np.nan))

        # Strings: C++ loops over the whole batch.
        lt, rt = [p.title for p in lp], [p.title for p in rp]
        put("title_ratio", _scores(fuzz.ratio, lt, rt) / 100)
        put("title_partial_ratio", _scores(fuzz.partial_ratio, lt, rt) / 100)
        put("title_token_sort", _scores(fuzz.token_sort_ratio, lt, rt) / 100)
        put("title_token_set", _scores(fuzz.token_set_ratio, lt, rt) / 100)
        put("title_wratio", _scores(fuzz.WRatio, lt, rt) / 100)
        put("title_tfidf_word", _cosine(self._word.transform([p.title for p in prepared]),
                                        left, right))
        put("text_tfidf_word", _cosine(self._text.transform([p.text for p in prepared]),
                                       left, right))
        where_both("model_jw", [bool(p.model) for p in prepared],
                   _scores(JaroWinkler.normalized_similarity, [p.model for p in lp],
                           [p.model for p in rp]))
        where_both("brand_ratio", [bool(p.brand) for p in prepared],
                   _scores(fuzz.ratio, [p.brand_words for p in lp],
                           [p.brand_words for p in rp]) / 100)
        where_both("category_token_set", [bool(p.category) for p in prepared],
                   _scores(fuzz.token_set_ratio, [p.category for p in lp],
                           [p.category for p in rp]) / 100)

        # What a record says about itself: once per distinct record, spread by index.
        both("title_tokens_l", "title_tokens_r", [len(p.tokens) for p in prepared])
        both("codes_l", "codes_r", [len(p.codes) for p in prepared])
        both("model_missing_l", "model_missing_r", [not p.model for p in prepared])
        both("brand_missing_l", "brand_missing_r", [not p.brand for p in prepared])
        both("price_missing_l", "price_missing_r", [p.price is None for p in prepared])
        both("description_missing_l", "description_missing_r",
             [not p.description_tokens for p in prepared])
        source_ids = {s: float(i) for i, s in enumerate(self.sources)}
        put("source", [source_ids.get(p.source or "", np.nan) for p in pairs])

        # Token weights once per record, so a pair only sums over the words the two share.
        idf, unseen = self._idf, self._idf_unseen
        weights = [{t: idf.get(t, unseen) for t in p.tokens} for p in prepared]
        totals = [sum(w.values()) for w in weights]
        ranked = [sorted(w, key=w.__getitem__, reverse=True) for w in weights]

        # Sets: one pass in Python over the pairs.
        nan = math.nan
        rows = []
        for i, j in zip(left.tolist(), right.tolist(), strict=True):
            a, b = prepared[i], prepared[j]
            ta, tb = a.tokens, b.tokens
            common = ta & tb
            n_union = len(ta) + len(tb) - len(common)
            common_w = sum(weights[i][t] for t in common)
            union_w = totals[i] + totals[j] - common_w
            codes_a, codes_b = a.codes, b.codes
            if codes_a and codes_b:
                shared = 1.0 if codes_a & codes_b else 0.0
                jw, indel = (1.0, 1.0) if shared else _best_code(codes_a, codes_b)
            else:
                shared = jw = indel = nan
            desc_hit = nan
            if a.description_compact or b.description_compact:
                desc_hit = float(_contained(codes_a, b.description_compact)
                                 or _contained(codes_b, a.description_compact))
            num_a, num_b = a.numbers, b.numbers
            num_common = len(num_a & num_b)
            rows.append((
                len(common) / n_union if n_union else nan,
                len(common) / len(ta) if ta else nan,
                len(common) / len(tb) if tb else nan,
                common_w / union_w if union_w else nan,
                next((weights[i][t] for t in ranked[i] if t not in tb), 0.0),
                next((weights[j][t] for t in ranked[j] if t not in ta), 0.0),
                float(a.first == b.first) if a.first else nan,
                shared,
                float(_contained(codes_a, b.compact)) if codes_a else nan,
                float(_contained(codes_b, a.compact)) if codes_b else nan,
                desc_hit, jw, indel,
                float(a.model == b.model) if a.model and b.model else nan,
                float(a.model in b.full_compact) if a.model else nan,
                float(b.model in a.full_compact) if b.model else nan,
                float(a.brand == b.brand) if a.brand and b.brand else nan,
                float(a.brand in b.compact) if a.brand else nan,
                float(b.brand in a.compact) if b.brand else nan,
                num_common / (len(num_a) + len(num_b) - num_common) if num_a or num_b else nan,
                len(num_a) - num_common, len(num_b) - num_common,
                _price_ratio(a.price, b.price),
                abs(math.log(a.price / b.price)) if a.price and b.price else nan,
                len(ta & b.description_tokens) / len(ta) if ta and b.description_tokens else nan,
                len(tb & a.description_tokens) / len(tb) if tb and a.description_tokens else nan,
            ))
        out[:, [_INDEX[name] for name in _LOOP_COLUMNS]] = np.array(rows, dtype=np.float32)
        return out


_LOOP_COLUMNS = (
    "title_jaccard", "title_contained_l", "title_contained_r", "title_idf_jaccard",
    "title_idf_unmatched_l", "title_idf_unmatched_r", "first_token_equal",
    "code_shared", "code_l_in_r", "code_r_in_l", "code_in_description", "code_jw_best",
    "code_indel_best", "model_exact", "model_l_in_r_text", "model_r_in_l_text",
    "brand_exact", "brand_l_in_r_title", "brand_r_in_l_title",
    "numbers_jaccard", "numbers_only_l", "numbers_only_r", "price_ratio", "price_log_diff",
    "title_l_in_description_r", "title_r_in_description_l",
)


def _price_ratio(a: float | None, b: float | None) -> float:
    """Cheaper over dearer price, in (0, 1]; NaN unless both are known."""
    return min(a, b) / max(a, b) if a and b else math.nan


def _contained(codes: frozenset[str], text: str) -> bool:
    """Whether any code long enough to be specific occurs inside the other's compact text."""
    return any(len(c) >= MIN_CONTAINED_CODE and c in text for c in codes)


def _best_code(a: frozenset[str], b: frozenset[str]) -> tuple[float, float]:
    """Best Jaro-Winkler and best Indel similarity over pairs of codes."""
    sa, sb = sorted(a, key=len, reverse=True)[:MAX_CODES], sorted(b, key=len, reverse=True)[
        :MAX_CODES]
    jw = indel = 0.0
    for x in sa:
        for y in sb:
            jw = max(jw, JaroWinkler.normalized_similarity(x, y))
            indel = max(indel, Indel.normalized_similarity(x, y))
    return jw, indel


def _distinct(pairs: Sequence[Pair]) -> tuple[list[ProductRecord], np.ndarray, np.ndarray]:
    """Distinct records of a batch and, per pair, the index of its left and right record."""
    index: dict[ProductRecord, int] = {}
    records: list[ProductRecord] = []
    left = np.empty(len(pairs), dtype=np.intp)
    right = np.empty(len(pairs), dtype=np.intp)
    for k, pair in enumerate(pairs):
        for side, record in ((left, pair.left), (right, pair.right)):
            i = index.get(record)
            if i is None:
                i = index[record] = len(records)
                records.append(record)
            side[k] = i
    return records, left, right
