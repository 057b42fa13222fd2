"""Fuzzing the text normaliser: any text normalises, its offsets map back inside the
original, and long texts take bounded time."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from rules.normalise import _mapped, fold, normalise
from tests.fuzz.strategies import FUZZ, texts_of

TEXTS = texts_of(300)


@FUZZ
@given(TEXTS)
def test_any_text_normalises_and_maps_back_inside_the_original(text: str) -> None:
    n = normalise(text)
    assert n.text == fold(text)
    assert "  " not in n.text and n.text == n.text.strip()
    for start in range(0, len(n.text) + 1, max(1, len(n.text) // 7)):
        a, b = n.original_span(start, start + 3)
        assert 0 <= a <= b <= len(text)


@FUZZ
@given(TEXTS)
def test_the_offset_map_reads_the_text_as_the_rules_do(text: str) -> None:
    # Two paths make one text: the fast one rules read, the mapped one evidence spans come
    # from. Were they to differ, a hit would be shown on the whole text instead of its words.
    assert _mapped(text)[0] == fold(text)


@settings(FUZZ, max_examples=8, deadline=timedelta(seconds=5))
@given(texts_of(40).filter(bool), st.booleans())
def test_a_100_kb_text_normalises_in_bounded_time(piece: str, glued: bool) -> None:
    # A piece repeated to 100 KB, as words or glued into one word: the deadline is the test.
    text = ((piece if glued else piece + " ") * (100_000 // len(piece) + 1))[:100_000]
    n = normalise(text)
    a, b = n.original_span(0, len(n.text))
    assert 0 <= a <= b <= len(text)
