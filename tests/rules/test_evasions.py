"""Evasions sellers use, end to end through the scanner: the phrase is found, evidence is right.

Each row is a disguise the normaliser alone does not undo: doubled letters (rules.squeeze),
letters no look-alike data knows and leetspeak in words kept as codes (rules.repair), a phrase
spelt out across its space (rules.spelling). The plain forms are lawful controls.
"""

from __future__ import annotations

import pytest

from rules.squeeze import profile, squeeze
from rules.types import OfferText
from tests.rules.conftest import rule, ruleset_of

MARKERS = ruleset_of(
    rule({"phrases": ["replika", "podróbka", "podrobiony", "counterfeit", "fake", "knockoff",
                      "jak oryginał", "heets"]}, rule_id="t.marker"),
    rule({"brand_in": ["Nike", "Gucci"], "cutoff": 90}, rule_id="t.brand"),
)

FOUND = [
    # (title, the original text the evidence must point at)
    ("Torebka rreplikaa", "rreplikaa"),
    ("Buty ppodróbkaa", "ppodróbkaa"),
    ("Buty podróbbbka", "podróbbbka"),
    ("Torebka knockofff", "knockofff"),
    ("Zegarek c0un73rf3it", "c0un73rf3it"),
    ("Torebka p0dr0b10ny", "p0dr0b10ny"),
    ("Okulary fɑke", "fɑke"),                    # Latin alpha: UTS #39 data
    ("Torebka reթlika", "reթlika"),              # Armenian: no look-alike data, read back
    ("Bluza р0дróbka", "р0дróbka"),              # Cyrillic д is no look-alike either
    ("Okulary F4KE", "F4KE"),                    # kept as a code, read as the word it is
    ("Torebka R3PL1KA", "R3PL1KA"),
    ("Torebka j.a.k.o.r.y.g.i.n.a.ł", "j.a.k.o.r.y.g.i.n.a.ł"),
    ("Torebka j a k o r y g i n a ł", "j a k o r y g i n a ł"),
    ("Torebka jak.oryginał", "jak.oryginał"),
    ("Torebka jak_oryginał", "jak_oryginał"),
    ("Torebka jakoryginał", "jakoryginał"),
    ("Torebka r.r.e.p.l.i.k.a.a", "r.r.e.p.l.i.k.a.a"),
    ("Torebka r\u200bep\u200bl1kaa", "r\u200bep\u200bl1kaa"),  # zero-width + leet + double
    ("Torebka ＲＥＰＬＩＫＡ", "ＲＥＰＬＩＫＡ"),
]


@pytest.mark.parametrize(("title", "evidence"), FOUND, ids=[f[1] for f in FOUND])
def test_disguised_marker_is_found_and_pointed_at(title: str, evidence: str) -> None:
    hits = {h.rule_id: h for h in MARKERS.evaluate(OfferText(title=title))}
    assert "t.marker" in hits, title
    assert [s.text for s in hits["t.marker"].spans] == [evidence]


NOT_FOUND = [
    "Plecak sportowy H3TS czarny",     # a model code: "hets" is not "heets"
    "Kurtka lekka replik",             # a word that is not the phrase
    "Lekkie buty jak nowe",
    "Model A3 X5 GU10 MP3 PS4",
    "Fakt: oryginalny towar",
    "Leki na receptę",                 # no phrase here, and no squeeze makes one
]


@pytest.mark.parametrize("title", NOT_FOUND)
def test_lawful_text_stays_lawful(title: str) -> None:
    assert [h.rule_id for h in MARKERS.evaluate(OfferText(title=title))
            if h.rule_id == "t.marker"] == []


@pytest.mark.parametrize(("title", "brand"), [
    ("Buty N1KE Air", "N1KE"), ("Torebka Gucc1", "Gucc1"), ("Buty Nіkе", "Nіkе"),
    ("Torebka Gսcci", "Gսcci"),  # Armenian ս for u
])
def test_disguised_brand_is_read_back(title: str, brand: str) -> None:
    hits = {h.rule_id: h for h in MARKERS.evaluate(OfferText(title=title))}
    assert [s.text for s in hits["t.brand"].spans] == [brand]


def test_a_phrase_keeps_its_own_doubles() -> None:
    key, prof = profile("knockoff")
    assert key == "knockof" and prof == ((6, 2),)
    text = squeeze("a knockof b")
    assert not text.holds(2, prof)  # one f is a misspelling, not "knockoff" drawn out
    assert squeeze("a knockofff b").holds(2, prof)


@pytest.mark.parametrize(("text", "squeezed", "runs"), [
    ("", "", {}),
    ("abc", "abc", {}),
    ("aab", "ab", {0: 2}),
    ("rreplikaa x kkk", "replika x kkk", {0: 2, 6: 2}),
    ("1100 zzx", "1100 zx", {5: 2}),  # digits are not letters: "1100" stays
    ("aaa+ (aa)", "aaa+ (aa)", {}),  # a run that is a whole word is that word
])
def test_squeeze_table(text: str, squeezed: str, runs: dict[int, int]) -> None:
    sq = squeeze(text)
    assert (sq.text, sq.runs) == (squeezed, runs)
    # Every squeezed span maps back onto the same letters, runs included.
    for start in range(len(sq.text)):
        a, b = sq.span(start, start + 1)
        assert set(text[a:b]) == {sq.text[start]}
