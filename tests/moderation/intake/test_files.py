"""Reading offers for dry-run screening: JSONL and CSV, export column names, bad rows named."""

from __future__ import annotations

from pathlib import Path

import pytest

from moderation.intake.files import Rejected, read_offer_texts

CSV_HEADER = "uniq_id,product_name,brand,retail_price\n"


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("a.jsonl", '{"id": "x1", "title": "Buty Nike"}\n', [("x1", "Buty Nike")]),
    ("a.jsonl", '{"marketplace_id": "m1", "title": "Kubek"}\n\n', [("m1", "Kubek")]),
    ("a.jsonl", '{"title": "Bez id"}\n', [("1", "Bez id")]),
    ("a.jsonl", "{not json\n", [("1", "not JSON: Expecting property name enclosed in "
                                      "double quotes")]),
    ("a.jsonl", "[1, 2]\n", [("1", "not a JSON object")]),
    ("a.jsonl", '{"id": "e", "title": "  "}\n', [("e", "title: missing")]),
    ("a.jsonl", '{"id": "p", "title": "T", "price": "abc"}\n',
     [("p", "unreadable row: could not convert string to float: 'abc'")]),
    ("a.csv", CSV_HEADER + "f1,Alisha Cycling Shorts,Alisha,999\n",
     [("f1", "Alisha Cycling Shorts")]),
    ("a.csv", "id,title\n7,Rower Kross\n,\n", [("7", "Rower Kross"), ("2", "title: missing")]),
])
def test_rows_are_read_or_rejected_with_a_reason(
    tmp_path: Path, name: str, content: str, expected: list[tuple[str, str]]
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    got = [(offer_id, item.reason if isinstance(item, Rejected) else item.title)
           for offer_id, item in read_offer_texts(path)]
    assert got == expected


def test_skip_leaves_out_the_first_rows(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text(CSV_HEADER + "a,One,,\nb,Two,,\nc,Three,,\n", encoding="utf-8")
    assert [i for i, _ in read_offer_texts(path, skip=2)] == ["c"]


SHOP_HEADER = "source,offer_id,title,description,brand,category,price_pln,gtin,url\n"


@pytest.mark.parametrize(("row", "gtins"), [
    ('s,o1,Mąka,,,,4.99,590 1234 123457,\n', ("5901234123457",)),
    ('s,o2,Mąka,,,,4.99,5901-2341-23457,\n', ("5901234123457",)),
    ('s,o3,Mąka,,,,4.99,"5901234123457; 96385074",\n', ("5901234123457", "96385074")),
    ('s,o4,Mąka,,,,4.99,5901234123458,\n', ()),  # wrong check digit: never a key
    ('s,o5,Mąka,"Kod EAN: 590 1234 123457",,,4.99,,\n', ("5901234123457",)),
])
def test_a_shop_export_is_read_with_its_barcodes_normalised(tmp_path: Path, row: str,
                                                            gtins: tuple[str, ...]) -> None:
    path = tmp_path / "shop.csv"
    path.write_text(SHOP_HEADER + row, encoding="utf-8")
    [(offer_id, text)] = list(read_offer_texts(path))
    assert not isinstance(text, Rejected)
    assert offer_id.startswith("o") and text.price == 4.99 and text.currency == "PLN"
    assert text.gtins == gtins


def test_an_import_line_with_a_spaced_barcode_is_accepted(tmp_path: Path) -> None:
    from moderation.intake.files import read_offer_events

    path = tmp_path / "offers.ndjson"
    path.write_text('{"marketplace_id": "a-1", "version": 1, "seller": {"id": "s"}, '
                    '"title": "Mąka", "gtins": ["590 1234 123457", "5901234123458"]}\n',
                    encoding="utf-8")
    [(_, event)] = list(read_offer_events(path))
    assert not isinstance(event, Rejected)
    codes = event.barcodes()
    assert codes.valid == ("5901234123457",)
    assert [f.value for f in codes.flags] == ["5901234123458"]
