"""Parsing the DeepMatcher / Ditto line format into product records and pairs."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.matching.records import (
    Pair,
    ParseError,
    ProductRecord,
    dataset_name,
    iter_pairs,
    parse_line,
    parse_price,
    parse_record,
    read_pairs,
)

from .conftest import DATASETS, SAMPLES

WA = ("COL title VAL lenovo performance back pack COL category VAL electronics - general "
      "COL brand VAL lenovo COL modelno VAL 41u5254 COL price VAL 31.51 \t"
      "COL title VAL lenovo backpack COL category VAL  COL brand VAL lenovo COL modelno VAL "
      "41u5254 COL price VAL 24.98 \t1\n")


@pytest.mark.parametrize(("text", "expected"), [
    ("COL title VAL sony tv COL price VAL 9.99", {"title": "sony tv", "price": "9.99"}),
    ("COL title VAL sony tv COL brand VAL  COL price VAL ", {"title": "sony tv", "brand": "",
                                                            "price": ""}),
    ("COL  title   VAL   sony    tv   ", {"title": "sony tv"}),
    ("COL title VAL a VAL b", {"title": "a VAL b"}),
    ("COL title VAL a COL title VAL b", {"title": "a b"}),
    ("COL name VAL x\tCOL description VAL y", {"name": "x", "description": "y"}),
    ("", {}),
])
def test_parse_record(text: str, expected: dict[str, str]) -> None:
    assert parse_record(text) == expected


@pytest.mark.parametrize(("line", "left", "right", "label"), [
    ("COL title VAL a \tCOL title VAL b \t1", {"title": "a"}, {"title": "b"}, 1),
    ("COL title VAL a \tCOL title VAL b \t0\n", {"title": "a"}, {"title": "b"}, 0),
    ("COL title VAL a \tCOL title VAL b \t 1 \r\n", {"title": "a"}, {"title": "b"}, 1),
    # Pairs to score carry no label, with or without the trailing tab.
    ("COL title VAL a \tCOL title VAL b", {"title": "a"}, {"title": "b"}, None),
    ("COL title VAL a \tCOL title VAL b \t", {"title": "a"}, {"title": "b"}, None),
    # A tab inside a value does not start a record: only "COL " does.
    ("COL title VAL a\tb COL price VAL 1 \tCOL title VAL c \t0",
     {"title": "a b", "price": "1"}, {"title": "c"}, 0),
    ("COL title VAL  \tCOL title VAL  \t0", {"title": ""}, {"title": ""}, 0),
])
def test_parse_line(line: str, left: dict[str, str], right: dict[str, str],
                    label: int | None) -> None:
    assert parse_line(line) == (left, right, label)


@pytest.mark.parametrize("line", [
    "COL title VAL a \t1",
    "COL title VAL a \tCOL title VAL b \tCOL title VAL c \t1",
    "just text\tmore text\t1",
])
def test_bad_lines_raise(line: str) -> None:
    with pytest.raises(ParseError):
        parse_line(line)


@pytest.mark.parametrize(("columns", "expected"), [
    ({"title": "Sony TV", "brand": "Sony", "modelno": "KDL-46", "category": "tv",
      "price": "499.0"},
     ProductRecord("Sony TV", "Sony", "KDL-46", "tv", 499.0)),
    ({"title": "x", "manufacturer": "Intuit Inc.", "price": ""},
     ProductRecord("x", brand="Intuit Inc.")),
    # Text records: name -> title, description kept whole.
    ({"name": "lg dishwasher", "description": "quiet  operation", "price": ""},
     ProductRecord("lg dishwasher", description="quiet operation")),
    ({"title": "x", "brand": "  ", "modelno": "", "colour": "red"},
     ProductRecord("x", extra=(("colour", "red"),))),
    ({"Type / number of model": "ES15-BB-TA", "Product": "kettle"},
     ProductRecord("kettle", model="ES15-BB-TA")),
    ({}, ProductRecord()),
])
def test_record_from_columns(columns: dict[str, str], expected: ProductRecord) -> None:
    assert ProductRecord.from_columns(columns) == expected


@pytest.mark.parametrize(("text", "price"), [
    ("31.51", 31.51), ("1,299.00", 1299.0), ("1299,00", 1299.0), ("$ 12", 12.0),
    ("1.299", 1299.0), ("0.0", None), ("", None), (None, None), ("n/a", None),
])
def test_parse_price(text: str | None, price: float | None) -> None:
    assert parse_price(text) == price


@pytest.mark.parametrize(("path", "name"), [
    ("er_magellan_Structured_Walmart-Amazon_train.txt", "Walmart-Amazon"),
    ("er_magellan_Textual_Abt-Buy_valid.txt", "Abt-Buy"),
    ("data/Amazon-Google_test.txt", "Amazon-Google"),
    ("offers.txt", "offers"),
])
def test_dataset_name(path: str, name: str) -> None:
    assert dataset_name(path) == name


def test_iter_pairs_skips_blank_lines_and_numbers_bad_ones() -> None:
    pairs = list(iter_pairs(["\n", WA, "   \n"], source="x"))
    assert pairs == [Pair(ProductRecord("lenovo performance back pack", "lenovo", "41u5254",
                                        "electronics - general", 31.51),
                          ProductRecord("lenovo backpack", "lenovo", "41u5254", None, 24.98), 1)]
    assert pairs[0].source == "x"
    with pytest.raises(ParseError, match="line 2"):
        list(iter_pairs([WA, "oops\n"]))


@pytest.mark.parametrize("name", DATASETS)
def test_samples_parse_whole(name: str) -> None:
    pairs = read_pairs(SAMPLES / f"{name}_train.txt")
    assert len(pairs) == 200
    assert sum(p.label == 1 for p in pairs) == 60
    assert {p.source for p in pairs} == {name}
    assert all(p.left.title and p.right.title for p in pairs)
    if name == "Abt-Buy":
        assert any(p.left.description for p in pairs)
        assert all(p.left.brand is None and p.left.model is None for p in pairs)
    else:
        assert any(p.left.brand for p in pairs)


def test_read_pairs_tolerates_bad_encoding(tmp_path: Path) -> None:
    path = tmp_path / "x_valid.txt"
    path.write_bytes(b"COL title VAL caf\xe9 \tCOL title VAL cafe \t1\n")
    [pair] = read_pairs(path)
    assert pair.left.title == "caf\ufffd" and pair.source == "x"
