"""Inflected forms: a good written once in the nominative is found in every case and number."""

from __future__ import annotations

from pathlib import Path

import pytest

from rules import inflection
from rules.loader import RulePackError, load_ruleset
from rules.types import OfferText
from tests.rules.conftest import pack, rule, ruleset_of
from tests.rules.test_loader import write

# Written by hand, independent of the generator: (nominative as an author writes it, forms
# that sellers write, in other cases and numbers).
GOODS = [
    ("kość słoniowa", ["kości słoniowej", "kością słoniową", "kości słoniowe",
                       "kośćmi słoniowymi", "kościach słoniowych"]),
    ("broń palna", ["broni palnej", "broń palną", "bronią palną", "bronie palne",
                    "broniami palnymi"]),
    ("róg nosorożca", ["rogu nosorożca", "rogiem nosorożca", "rogi nosorożca",
                       "rogów nosorożca"]),
    ("materiał wybuchowy", ["materiału wybuchowego", "materiały wybuchowe",
                            "materiałów wybuchowych", "materiałami wybuchowymi"]),
    ("tytoń do skręcania", ["tytoniu do skręcania", "tytoniem do skręcania"]),
    ("dowód osobisty", ["dowodu osobistego", "dowody osobiste", "dowodów osobistych"]),
    ("prawo jazdy", ["prawa jazdy", "prawem jazdy", "praw jazdy"]),
    ("sterydy anaboliczne", ["steryd anaboliczny", "sterydów anabolicznych",
                             "sterydami anabolicznymi"]),
    ("spirytus rektyfikowany", ["spirytusu rektyfikowanego", "spirytusem rektyfikowanym"]),
    ("nóż sprężynowy", ["noża sprężynowego", "noże sprężynowe", "nożem sprężynowym"]),
    ("amunicja", ["amunicji", "amunicję", "amunicją", "amunicjami"]),
    ("nabój", ["naboju", "naboje", "naboi", "nabojów"]),
    ("e-papieros", ["e-papierosa", "e-papierosy", "e-papierosów"]),
    ("rhino horn", ["rhino horns"]),
    ("brass knuckles", ["brass knuckle"]),
]


@pytest.mark.parametrize(("nominative", "forms"), GOODS, ids=[g[0] for g in GOODS])
def test_every_hand_written_form_matches_a_phrase_written_once(nominative: str,
                                                               forms: list[str]) -> None:
    rs = ruleset_of(rule({"phrases": [nominative], "inflect": True}))
    for form in forms:
        assert rs.evaluate(OfferText(title=f"Sprzedam {form} tanio")), form
    assert not rs.evaluate(OfferText(title="Sukienka letnia w kwiaty"))


@pytest.mark.parametrize(("title", "rule_id"), [
    ("Szachy z kości słoniowej XIX w.", "prohibited.protected_species"),
    ("Figurka, kość słoniowa, rzeźbiona", "prohibited.protected_species"),
    ("Proszek z rogów nosorożca 10 g", "prohibited.protected_species"),
    ("Zestaw kastetów stalowych", "prohibited.hidden_blades_and_knuckles"),
    ("Paczka fałszywych banknotów 50 zł", "prohibited.counterfeit_money"),
    ("Karabinem + nabojami 50 szt", "prohibited.firearm_with_ammunition"),
    ("Tytoniu do skręcania 1 kg", "prohibited.tobacco"),
    ("Saszetek nikotynowych zestaw 20 mg", "prohibited.ecigarettes"),
    ("Zestaw sterydów anabolicznych na masę", "prohibited.prescription_medicine"),
])
def test_shipped_packs_find_goods_in_other_cases(title: str, rule_id: str) -> None:
    hits = load_ruleset().evaluate(OfferText(title=title))
    assert rule_id in {h.rule_id for h in hits}


def test_an_inflected_form_that_is_another_word_is_left_out() -> None:
    # "broni" is also "bronić" (defends), "ginie" is "ginąć" (dies), "wina" is guilt.
    assert "broni" not in inflection.expand("broń")
    assert "ginie" not in inflection.expand("gin")
    assert "wina" not in inflection.expand("wino")
    assert "broni palnej" in inflection.expand("broń palna")


def test_a_phrase_starting_with_a_preposition_stays_as_written() -> None:
    assert inflection.expand("z kości słoniowej") == ["z kości słoniowej"]


def test_languages_can_be_chosen() -> None:
    assert inflection.expand("rhino horn", ("pl",)) == ["rhino horn"]
    assert "rhino horns" in inflection.expand("rhino horn", ("en",))
    assert inflection.expand("kość słoniowa", ("en",)) == ["kość słoniowa"]


def _pack_dir(tmp_path: Path, when: dict[str, object], list_text: str | None = None) -> Path:
    packs = tmp_path / "packs"
    write(packs, "p.yaml", pack(rule(when, "t.inflect", examples={
        "match": [{"title": "Figurka z kości słoniowej"}],
        "no_match": [{"title": "Figurka z drewna"}]})))
    if list_text is not None:
        write(tmp_path / "data", "goods.txt", list_text)
    else:
        (tmp_path / "data").mkdir(exist_ok=True)
    return packs


def test_a_list_header_inflects_and_equals_sign_keeps_a_line(tmp_path: Path) -> None:
    packs = _pack_dir(tmp_path, {"phrase_list": "goods.txt"},
                      "#! inflect: pl\nkość słoniowa\n=kieł słonia\n")
    rs = load_ruleset(packs)
    assert rs.evaluate(OfferText(title="Figurka z kości słoniowej"))
    assert not rs.evaluate(OfferText(title="Dwa kły słonia"))  # kept as written
    assert rs.evaluate(OfferText(title="Kieł słonia"))


def test_a_list_without_header_is_read_as_written(tmp_path: Path) -> None:
    packs = _pack_dir(tmp_path, {"phrase_list": "goods.txt"}, "kość słoniowa\n")
    assert not load_ruleset(packs).evaluate(OfferText(title="Figurka z kości słoniowej"))


def test_a_bad_header_or_option_names_file_and_rule(tmp_path: Path) -> None:
    packs = _pack_dir(tmp_path, {"phrase_list": "goods.txt"}, "#! inflect: de\nkość\n")
    with pytest.raises(RulePackError, match=r"goods.txt line 1.*languages"):
        load_ruleset(packs)
    packs = _pack_dir(tmp_path, {"phrases": ["kość"], "inflect": "yes"})
    with pytest.raises(RulePackError, match=r"p.yaml: rule 't.inflect'.*inflect"):
        load_ruleset(packs)


def test_the_version_names_the_dictionary(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    assert "morfeusz2" in inflection.version() and "sgjp" in inflection.version()
    packs = _pack_dir(tmp_path, {"phrases": ["kość słoniowa"], "inflect": True})
    before = load_ruleset(packs).version
    assert load_ruleset(packs).version == before
    monkeypatch.setattr(inflection, "version", lambda: "inflection 1; another dictionary")
    assert load_ruleset(packs).version != before
