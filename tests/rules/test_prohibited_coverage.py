"""Every row of the prohibited-goods taxonomy is covered by a rule or says why it cannot be."""

from __future__ import annotations

import csv
from pathlib import Path

from rules.engine import RuleSet

TAXONOMY = Path(__file__).resolve().parents[2] / "rules" / "data" / \
    "prohibited_categories_pl_marketplaces.csv"
WEAPONS = ["prohibited.firearm_with_ammunition", "prohibited.firearm_without_permit",
           "prohibited.ammunition", "prohibited.explosives",
           "prohibited.hidden_blades_and_knuckles", "prohibited.switchblades"]
COUNTERFEIT = ["counterfeit.marker_with_brand", "counterfeit.marker_without_brand",
               "counterfeit.weak_marker_with_brand", "counterfeit.inspired_by_brand"]
DRUGS = ["prohibited.drugs", "prohibited.drugs_with_quantity"]
RX = ["prohibited.prescription_medicine", "prohibited.prescription_without_prescription"]
TOBACCO = ["prohibited.tobacco", "prohibited.ecigarettes", "prohibited.nicotine_for_minors"]
ALCOHOL = ["prohibited.alcohol", "prohibited.moonshine"]
NOT_BY_WORDS = "not detectable from listing words: "

# (source, item_no) -> rule ids, or a reason starting with NOT_BY_WORDS.
COVERAGE: dict[tuple[str, str], list[str] | str] = {
    ("Allegro", "1"): ["prohibited.pornography"],
    ("Allegro", "2"): ["prohibited.totalitarian_propaganda"],
    ("Allegro", "3"): NOT_BY_WORDS + "personal rights are judged on notice, per case",
    ("Allegro", "4"): ["prohibited.piracy", *COUNTERFEIT],
    ("Allegro", "5"): COUNTERFEIT,
    ("Allegro", "6"): ["prohibited.explosives"],
    ("Allegro", "7"): DRUGS,
    ("Allegro", "8"): RX,
    ("Allegro", "9"): ALCOHOL,
    ("Allegro", "10"): TOBACCO,
    ("Allegro", "11"): ["prohibited.human_remains"],
    ("Allegro", "12"): ["prohibited.protected_species"],
    ("Allegro", "13"): ["prohibited.dog_cat_sales"],
    ("Allegro", "14"): ["prohibited.securities"],
    ("merXu", "1"): NOT_BY_WORDS + "needs a match against recall registers (Safety Gate)",
    ("merXu", "2"): NOT_BY_WORDS + "needs a match against the UOKiK register",
    ("merXu", "3"): NOT_BY_WORDS + "personal rights are judged on notice, per case",
    ("merXu", "4"): ["prohibited.piracy", *COUNTERFEIT],
    ("merXu", "5"): ["prohibited.stolen_or_smuggled"],
    ("merXu", "6"): DRUGS,
    ("merXu", "7"): ALCOHOL,
    ("merXu", "8"): TOBACCO,
    ("merXu", "9"): ["prohibited.pornography"],
    ("merXu", "10"): WEAPONS,
    ("merXu", "11"): ["prohibited.identity_documents", "prohibited.diplomas"],
    ("merXu", "12"): ["prohibited.personal_data"],
    ("merXu", "13"): RX,
    ("merXu", "14"): ["prohibited.protected_species", "prohibited.human_remains"],
    ("merXu", "15"): NOT_BY_WORDS + "whether a used part endangers safety is its condition",
    ("merXu", "16"): ["prohibited.bank_accounts"],
    ("merXu", "17"): ["prohibited.securities"],
    ("merXu", "18"): ["prohibited.gold_bar_copies"],
}


def test_every_taxonomy_row_is_covered_or_explained(shipped: RuleSet) -> None:
    with TAXONOMY.open(encoding="utf-8", newline="") as fh:
        rows = [(r["source"].split()[0], r["item_no"]) for r in csv.DictReader(fh)]
    assert len(rows) == 32
    assert set(rows) == set(COVERAGE), "a taxonomy row without a decision, or a stale one"
    ids = {r.id for r in shipped.rules}
    for key, cover in COVERAGE.items():
        if isinstance(cover, str):
            assert cover.startswith(NOT_BY_WORDS) and len(cover) > len(NOT_BY_WORDS), key
        else:
            assert cover and set(cover) <= ids, (key, set(cover) - ids)


def test_taxonomy_keeps_its_attribution() -> None:
    readme = (TAXONOMY.parent / "README.md").read_text(encoding="utf-8")
    assert "prohibited_categories_pl_marketplaces.csv" in readme
    assert "Allegro" in readme and "merXu" in readme
    with TAXONOMY.open(encoding="utf-8", newline="") as fh:
        assert all(r["source_url"].startswith("https://") for r in csv.DictReader(fh))
