"""Normalisation: what evasions fold into, and how hits map back to the original text."""

from __future__ import annotations

import random

import pytest

from rules.normalise import _mapped, fold, fold_squeezed, normalise
from rules.spelling import phrase_variants, spelling_variants
from rules.squeeze import squeeze

CASES = [
    # (original, normalised, why)
    ("Podróbka", "podrobka", "case and Polish diacritics"),
    ("JAKOŚĆ ORYGINAŁU", "jakosc oryginalu", "ł has no decomposition"),
    ("Zażółć gęślą jaźń", "zazolc gesla jazn", "every Polish letter"),
    ("r\u0435pl\u0456\u043a\u0430", "replika", "Cyrillic look-alikes"),
    ("\u0421\u041d\u0410NEL", "chanel", "Cyrillic capitals"),
    ("ΝΙΚΕ", "nlke", "Greek capitals; UTS #39 reads capital iota as l"),
    ("Bluza р0dróbka", "bluza podrobka", "Cyrillic plus leetspeak"),
    ("Bluza р0дróbka", "bluza poдrobka", "a letter UTS #39 does not liken stays (see repair)"),
    ("fɑke", "fake", "Latin alpha"),
    ("ʀᴇᴘʟɪᴋᴀ", "replika", "small capitals, by their Unicode names"),
    ("ƒake ꜰake", "fake fake", "a hook, a small capital"),
    ("ＲＥＰＬＩＫＡ", "replika", "full-width letters"),
    ("𝐫𝐞𝐩𝐥𝐢𝐤𝐚", "replika", "mathematical bold letters"),
    ("rep\u200blika", "replika", "zero-width space"),
    ("re\u00adpli\u2060ka\ufeff", "replika", "soft hyphen, word joiner, BOM"),
    ("r\u200cep\u200dlika", "replika", "zero-width (non-)joiners"),
    ("r.e.p.l.i.k.a", "replika", "dots between letters"),
    ("r-e-p-l-i-k-a", "replika", "dashes between letters"),
    ("r*e*p*l*i*k*a", "replika", "stars between letters"),
    ("p o d r ó b k a", "podrobka", "spaces between letters"),
    ("p o d r ó b k a  n i k e", "podrobka nike", "two spaces end a spaced-out word"),
    ("Okulary (f a k e)", "okulary (fake)", "brackets around a spaced-out word"),
    ("replikaaaa", "replikaa", "a run of three or more letters is cut to two"),
    ("podróóóbka", "podroobka", "a run with diacritics is cut"),
    ("gucci channel kappa", "gucci channel kappa", "doubled letters are spelling"),
    ("fakeeeer", "fakeer", "cutting does not create a boundary"),
    ("rreplikaa", "rreplikaa", "doubles stay (the scanner squeezes them)"),
    ("AAAA AA aaa", "aaa aa aaa", "a one-letter word keeps three"),
    ("AAA+", "aaa+", "AAA+ survives"),
    ("rep1ika f4k3 k0pia 0ryginal", "repiika fake kopia oryginal", "leetspeak inside words"),
    ("c0un73rf3it p0dr0b10ny", "counterfeit podrobiony", "leetspeak with two digits in a row"),
    ("repl!ka", "replika", "! between letters"),
    ("H3TS A3 X5 MP3 PS4 GU10", "h3ts a3 x5 mp3 ps4 gu10", "short codes in capitals stay codes"),
    ("RTX3060 T470s B550M ga2100 a52s", "rtx3060 t470s b550m ga2100 a52s",
     "codes: long digit runs, 2 and 6"),
    ("4k 3ds 1st 0ff 1nspirowane", "4k 3ds 1st off inspirowane",
     "a number in front of a few letters"),
    ("e@sy $tyle", "easy style", "@ and $ inside words"),
    ("1:1 100 2023 $100 19,99", "1:1 100 2023 $100 19,99", "numbers stay numbers"),
    ("5ml 100ml 3kg 4k 24h", "5ml 100ml 3kg 4k 24h", "numbers with units stay"),
    ("iPhone13 S23 WH1000XM5 4x4", "iphone13 s23 wh1000xm5 4x4", "model codes stay"),
    ("1 x 1", "1 x 1", "a ratio is not a spaced-out word"),
    ("kn0ck-0ff", "knock off", "dashes break words, leet per part"),
    ("jak.oryginał jak*oryginał jak_oryginał", "jak oryginal jak oryginal jak oryginal",
     "separators between words"),
    ("czarny/biały kopia.1:1", "czarny bialy kopia 1:1", "a separator by a letter breaks"),
    ("Dr.Oetker 1.5 19,99 1/2 2.5kg", "dr oetker 1.5 19,99 1/2 2.5kg", "between digits it stays"),
    ("j.a.k.o.r.y.g.i.n.a.ł", "jakoryginal", "a phrase spelt out across its space"),
    ("Coca-Cola  T‑shirt\n\tnowy", "coca cola t shirt nowy", "whitespace and dashes"),
    ("  ", "", "blank"),
    ("", "", "empty"),
]


@pytest.mark.parametrize(("original", "expected", "why"), CASES, ids=[c[2] for c in CASES])
def test_normalised_text(original: str, expected: str, why: str) -> None:
    assert normalise(original).text == expected
    assert fold(original) == expected


SPANS = [
    # (original, normalised substring, original substring it maps back to)
    ("Buty Nike podróbka tanio", "podrobka", "podróbka"),
    ("Zegarek r.e.p.l.i.k.a premium", "replika", "r.e.p.l.i.k.a"),
    ("Buty p o d r ó b k a super", "podrobka", "p o d r ó b k a"),
    ("Torebka REPLIKAAAA!", "replikaa", "REPLIKAAAA"),
    ("Buty jak.oryginał", "jak oryginal", "jak.oryginał"),
    ("Torebka rep\u200blika 1:1", "replika", "rep\u200blika"),
    ("Bluza р0dróbka tanio", "podrobka", "р0dróbka"),
    ("Kurtka ＲＥＰＬＩＫＡ", "replika", "ＲＥＰＬＩＫＡ"),
    ("jak   oryginał", "jak oryginal", "jak   oryginał"),
    ("Okulary (r e p l i k a)", "(replika)", "(r e p l i k a)"),
    ("ﬁrst copy", "first copy", "ﬁrst copy"),
    ("Straße fake", "fake", "fake"),
]


@pytest.mark.parametrize(("original", "needle", "expected"), SPANS)
def test_span_maps_back_to_the_original(original: str, needle: str, expected: str) -> None:
    norm = normalise(original)
    start = norm.text.index(needle)
    a, b = norm.original_span(start, start + len(needle))
    assert original[a:b] == expected


def test_empty_span_and_out_of_range_are_clamped() -> None:
    norm = normalise("ab cd")
    assert norm.original_span(2, 2) == (2, 2)
    assert norm.original_span(3, 100) == (3, 5)


ALPHABET = ("abcdefghijklmnopqrstuvwxyz ABCZ ąćęłńóśźż ĄŁŻ 0134578@$ .-_*/|,:;!?()+ "
            "аеорсхуі ΑΒΕΝΟ ＲＥＰ \u200b\u200c\u00ad\u2060\ufeff \t\n 𝐫 ﬁ ß ü é")


def test_offset_map_agrees_with_the_fast_path_on_random_text() -> None:
    """The map is built by a second, slower path: it must reproduce the fast text exactly."""
    rnd = random.Random(1234)
    for _ in range(3000):
        text = "".join(rnd.choice(ALPHABET) for _ in range(rnd.randint(0, 40)))
        mapped, starts, ends = _mapped(text)
        assert mapped == fold(text), repr(text)
        assert len(starts) == len(ends) == len(mapped)
        assert all(0 <= a <= b <= len(text) for a, b in zip(starts, ends, strict=True))
        assert starts == sorted(starts), repr(text)


def test_spelling_variants_cover_leet_one_and_drawn_out_doubles() -> None:
    assert set(spelling_variants("replika")) >= {"replika", "repiika"}
    assert "knockof" in spelling_variants("knockoff")
    assert spelling_variants("aaa") == ["aaa"]  # a one-letter word is never undoubled
    assert spelling_variants("nike")[0] == "nike"


def test_phrase_variants_swap_l_and_i_and_run_words_together() -> None:
    assert set(phrase_variants("replika")) >= {"replika", "repiika"}
    assert "jakoryginal" in phrase_variants("jak oryginal")
    assert "knockof" not in phrase_variants("knockoff")  # the scanner squeezes instead
    assert "topcop" not in phrase_variants("1:1 kopia")


def test_a_full_token_cache_is_cleared_without_losing_a_text(monkeypatch: pytest.MonkeyPatch
                                                               ) -> None:
    # A miss that clears the caches in the middle of a text must not drop the tokens of the
    # same text looked up before it (they were in the cache a moment ago).
    import rules.normalise as nm

    monkeypatch.setattr(nm, "_CACHE_LIMIT", 3)
    for word in ("alfa", "beta", "gamma"):
        normalise(word)
    norm = normalise("alfa beta gamma rreplikaa nowe")
    assert norm.text == "alfa beta gamma rreplikaa nowe"
    assert norm.squeezed == "alfa beta gama replika nowe"


@pytest.mark.parametrize("text", ["Torebka rreplikaa", "p o d r ó ó b k a", "lekki AAA+ x", ""])
def test_the_squeezed_fold_is_the_fold_squeezed(text: str) -> None:
    # Two ways to one text: the per-token caches, and squeezing the folded text afterwards.
    assert fold_squeezed(text) == squeeze(fold(text)).text == normalise(text).squeezed
