"""Reading real listings: shop feeds by shop, Flipkart by half."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.listings import FLIPKART, read_flipkart, read_shop, read_shops
from models.train import DEFAULT_FLIPKART_PATH
from tests.models.conftest import LISTINGS


def test_a_shop_feed_reads_into_offers_of_that_shop() -> None:
    items = read_shop(LISTINGS / "test_food.csv")
    assert {i.source for i in items} == {"test_food"}
    first = items[0].offer
    assert first.title == "Ser żółty gouda plastry 150 g"
    assert first.price == 6.99 and first.currency == "PLN" and first.category


def test_only_the_shops_asked_for() -> None:
    assert set(read_shops(LISTINGS, only={"test_kids"})) == {"test_kids"}
    assert set(read_shops(LISTINGS)) == {"test_food", "test_home", "test_kids"}


def test_a_folder_without_feeds_says_so(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no shop feeds"):
        read_shops(tmp_path)


def test_a_file_that_is_no_feed_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "x.csv"
    bad.write_text("name,price\nabc,1\n", encoding="utf-8")
    with pytest.raises(ValueError, match="not a shop feed"):
        read_shop(bad)


def test_flipkart_rows_are_picked_by_number() -> None:
    rows = read_flipkart(DEFAULT_FLIPKART_PATH, rows=range(10, 20))
    assert [r.row for r in rows] == list(range(10, 20))
    assert {r.source for r in rows} == {FLIPKART}
