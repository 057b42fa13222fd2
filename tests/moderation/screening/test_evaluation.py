"""`moderation eval screening`: whole screening on lawful listings of held-out shops."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from models.train import DEFAULT_FLIPKART_PATH
from moderation.config import Settings
from moderation.screening.evaluation import evaluate, is_medicine
from moderation.screening.screener import Screener
from rules.types import OfferText
from tests.models.conftest import LISTINGS

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def result() -> dict:
    return evaluate(Screener(Settings()), listings_dir=LISTINGS, flipkart_csv=None,
                    held_out=["test_food", "test_kids"], per_family=20)


def test_every_held_out_shop_is_reported(result: dict) -> None:
    assert [s["source"] for s in result["sources"]] == ["test_food", "test_kids"]
    assert sum(s["listings"] for s in result["sources"]) == result["all_lawful"]["listings"]


def test_lawful_listings_are_not_blocked(result: dict) -> None:
    assert result["all_lawful"]["blocked"] == 0
    for source in result["sources"]:
        # Every offer sent on is listed with the features and rules behind it.
        assert len(source["flagged"]) == source["review_by_rules"] + source["review_by_model"]


def test_injected_positives_are_measured_per_family_and_vocabulary(result: dict) -> None:
    names = set(result["injected"])
    assert "injected_counterfeit/train" in names and "injected_claims/held_back" in names
    assert result["injected"]["injected_counterfeit/train"]["caught"] > 0.8


def test_medicines_are_counted_apart(tmp_path: Path) -> None:
    assert is_medicine(OfferText("Syrop 100 ml", category="Zdrowie/Leki bez recepty/Kaszel"))
    assert is_medicine(OfferText("Arnica 9 CH", category="Zdrowie/Homeopatia"))
    assert not is_medicine(OfferText("Krem 50 ml", category="Uroda/Pielęgnacja"))
    feed = tmp_path / "pharmacy.csv"
    with feed.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["source", "offer_id", "title", "description", "brand", "category",
                    "price_pln", "gtin", "url"])
        w.writerow(["pharmacy", "1", "Syrop na kaszel 100 ml", "", "", "Zdrowie/Leki", "19", "",
                    ""])
        w.writerow(["pharmacy", "2", "Krem do rąk 50 ml", "", "", "Uroda/Kremy", "9", "", ""])
    out = evaluate(Screener(Settings()), listings_dir=tmp_path, flipkart_csv=None,
                   held_out=["pharmacy"], per_family=2)
    assert {s["source"]: s["listings"] for s in out["sources"]} == {
        "pharmacy": 1, "pharmacy (medicines)": 1}


def test_the_command_writes_the_figures(tmp_path: Path) -> None:
    out = tmp_path / "eval.json"
    flipkart = tmp_path / "flipkart.csv"
    # Rows 5000.. of a Flipkart file are the half training never saw: a file that long.
    with DEFAULT_FLIPKART_PATH.open(encoding="utf-8") as src, flipkart.open("w") as dst:
        lines = src.read().splitlines()
        dst.write("\n".join([lines[0], *lines[1:], *lines[1:201]]) + "\n")
    done = subprocess.run(
        [str(Path(sys.executable).parent / "moderation"), "eval", "screening", "--listings",
         str(LISTINGS), "--shop", "test_home", "--flipkart", str(flipkart),
         "--per-family", "5", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    figures = json.loads(out.read_text())
    assert [s["source"] for s in figures["sources"]] == ["test_home",
                                                         "flipkart (rows 5000-9999)"]
    assert figures["sources"][1]["listings"] == 200
    assert "to review" in done.stderr
