"""Safety Gate parsers: barcodes, counterfeit flags, records of the JSON export and XML feed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from moderation.safety.alerts import Code
from moderation.safety.safety_gate import parse_records, read_codes, read_counterfeit
from moderation.safety.safety_gate_files import ParseResult, UnreadableAlertFile, parse_bytes

DATA = Path(__file__).parents[2] / "data" / "safety_gate"
SAMPLE = DATA / "alerts_sample.json"
FEED = DATA / "weekly_feed.xml"


def parse_file(path: Path) -> ParseResult:
    """Alerts of one Safety Gate file, read as the importer reads it."""
    return parse_bytes(path.read_bytes(), suffix=path.suffix)


def gtin(value: str) -> Code:
    return Code("gtin", value)


def text(value: str) -> Code:
    return Code("text", value)


@pytest.mark.parametrize(("value", "expected"), [
    # empty and placeholders give no code at all
    ("", ()),
    (None, ()),
    ("Unknown", ()),
    ("UNKNOWN", ()),
    ("-", ()),
    ("n/a", ()),
    ("EAN:", ()),
    ("not visible on the packaging", ()),
    # a code with an invalid check digit is not joined to the next piece
    ("5901234123458, 7", (text("5901234123458"), text("7"))),
    # one GTIN, however written
    ("5901234123457", (gtin("05901234123457"),)),
    ("8 618566 605717", (gtin("08618566605717"),)),
    ("7 37192 00100 2", (gtin("00737192001002"),)),
    ("EAN 5901691811546", (gtin("05901691811546"),)),
    ("EAN: 5901234123457", (gtin("05901234123457"),)),
    ("EAN-13: 5901234123457", (gtin("05901234123457"),)),
    ("Barcode: 5901234123457", (gtin("05901234123457"),)),
    ("27031889", (gtin("00000027031889"),)),
    ("86809146202077", (gtin("86809146202077"),)),
    # JSON numbers, including those that lost a leading zero on the way
    (5901234123457, (gtin("05901234123457"),)),
    (706954926259, (gtin("00706954926259"),)),
    (21959205124, (gtin("00021959205124"),)),
    (8421366668, (gtin("00008421366668"),)),
    (5901234123457.0, (gtin("05901234123457"),)),
    # ... but a string keeps its length: 11 digits are no GTIN
    ("21959205124", (text("21959205124"),)),
    # several per alert
    ("6430067030445, 6430067030469", (gtin("06430067030445"), gtin("06430067030469"))),
    ("5901234123457; 4006381333931", (gtin("05901234123457"), gtin("04006381333931"))),
    ("5901234123457 / 4006381333931", (gtin("05901234123457"), gtin("04006381333931"))),
    ("5901234123457/4006381333931", (gtin("05901234123457"), gtin("04006381333931"))),
    ("5901234123457 and 4006381333931", (gtin("05901234123457"), gtin("04006381333931"))),
    ("5901234123457\n4006381333931", (gtin("05901234123457"), gtin("04006381333931"))),
    ("5901234123457 4006381333931", (gtin("05901234123457"), gtin("04006381333931"))),
    (["5901234123457", "EAN: 4006381333931"],
     (gtin("05901234123457"), gtin("04006381333931"))),
    ("EAN: 5901234123457, EAN: 5901234123457", (gtin("05901234123457"),)),
    # one code broken by a comma, variants named before each
    ("Bunny: 5 635235, 514906, Dog: 5 635235 514876",
     (gtin("05635235514906"), gtin("05635235514876"))),
    # type-approval numbers, national and Amazon codes: real codes, kept as text
    ("e4*2007/46*0563*01", (text("e4*2007/46*0563*01"),)),
    ("Type-approval number: e2*2007/46*0130*21",
     (text("Type-approval number: e2*2007/46*0130*21"),)),
    ("22019/230/BE", (text("22019/230/BE"),)),
    ("X0010NL93L", (text("X0010NL93L"),)),
    # invalid check digits are kept as text, never as a GTIN
    ("5901234123458", (text("5901234123458"),)),
    (8904069355884, (text("8904069355884"),)),
    ("8964000932032, 8964008371985", (gtin("08964000932032"), text("8964008371985"))),
    (201010224, (text("201010224"),)),
    # a mix, and a replaced character next to the code
    ("5901234123457, X0010NL93L, Unknown", (gtin("05901234123457"), text("X0010NL93L"))),
    ("EAN\ufffd 5901234123457", (gtin("05901234123457"),)),
    ("N\ufffd 5901234123457", (gtin("05901234123457"),)),
])
def test_barcodes_become_gtins_or_text(value: Any, expected: tuple[Code, ...]) -> None:
    assert read_codes(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("YES", True), ("yes", True), ("Yes ", True), (True, True),
    ("NO", False), ("no", False), (False, False),
    ("UNKNOWN", None), ("Unknown", None), ("", None), (None, None), ("maybe", None),
])
def test_counterfeit_values(value: Any, expected: bool | None) -> None:
    assert read_counterfeit(value) is expected


def row(**columns: Any) -> dict[str, Any]:
    """A row of the JSON export with the given columns (by their names with "_" for " ")."""
    base: dict[str, Any] = {"Alert number": "A12/00001/20", "Type of alert":
                            "Products with serious risks", "Counterfeit": "UNKNOWN"}
    base.update({k.replace("_", " "): v for k, v in columns.items()})
    return base


@pytest.mark.parametrize(("record", "field", "expected"), [
    (row(Brand="Pl\ufffdss"), "brand", "Pl\ufffdss"),
    (row(Name="Elemes pl\ufffdss j\ufffdt\ufffdk"), "name", "Elemes pl\ufffdss j\ufffdt\ufffdk"),
    ({**row(), "Type / number of model": 625022}, "model", "625022"),
    ({**row(), "Type / number of model": "N\ufffd BBL77173"}, "model", "N\ufffd BBL77173"),
    ({**row(), "Type / number of model": "e1*2007/46*0087, " * 40}, "model",
     ("e1*2007/46*0087, " * 40)[:299] + "…"),
    (row(Description="Red ball.", Technical_defect="Small parts."), "description",
     "Red ball.\n\nSmall parts."),
    (row(Description="", Technical_defect="Small parts."), "description", "Small parts."),
    (row(Risk="", Type_of_alert="Products with serious risks"), "risk_level", "serious"),
    (row(Type_of_alert="Products with other risk levels"), "risk_level", "other"),
    (row(Type_of_alert="Other types of alerts"), "risk_level", ""),
    (row(Risk="Serious"), "risk_level", "serious"),
    (row(Counterfeit="YES"), "counterfeit", True),
    (row(Counterfeit="NO"), "counterfeit", False),
    (row(Counterfeit="UNKNOWN"), "counterfeit", None),
    (row(Country_of_origin="Unknown"), "country_of_origin", ""),
    (row(Brand="-"), "brand", ""),
    ({**row(), "Batch number": 101118}, "batch", "101118"),
    ({**row(), "Measures adopted by notifying country": "Recall"}, "measures", "Recall"),
    ({**row(), "Alert number": "  A12/00002/20 "}, "number", "A12/00002/20"),
    # the column mixing batches and barcodes: GTINs become codes, the rest stays batch
    ({**row(), "Batch number / Barcode": "Batch: 20171201 / Barcode: 5901234123457"}, "codes",
     (gtin("05901234123457"),)),
    ({**row(), "Batch number / Barcode": "Batch: 20171201 / Barcode: 5901234123457"}, "batch",
     "Batch: 20171201"),
    ({**row(), "Batch number / Barcode": "LOT 8 / EAN: 123"}, "codes", (text("EAN: 123"),)),
    ({**row(), "Barcode": "5901234123457", "Batch number / Barcode": "4006381333931"},
     "codes", (gtin("05901234123457"), gtin("04006381333931"))),
])
def test_json_rows_become_alerts(record: dict[str, Any], field: str, expected: Any) -> None:
    result = parse_records([record])
    assert result.rejected == []
    assert getattr(result.alerts[0], field) == expected


def test_the_whole_row_is_kept_in_raw() -> None:
    record = row(Brand="Ford", **{"OECD Portal Category": "86000000 - Toys / Games"})
    alert = parse_records([record]).alerts[0]
    assert alert.raw == record
    assert (alert.source, alert.kind) == ("safety_gate", "notice")


@pytest.mark.parametrize(("records", "rejected"), [
    ([row(), {"Alert number": ""}], [(2, "no alert number")]),
    ([{"Product": "Ball"}], [(1, "no alert number")]),
    ([["not", "an", "object"], row()], [(1, "not an object")]),
    ([{"Alert number": "X" * 101}], [(1, "alert number longer than 100 characters")]),
    ([row(Brand="Old"), row(Brand="New")], [(1, "alert A12/00001/20 repeated: record 2 kept")]),
])
def test_records_that_cannot_be_alerts_are_rejected_with_their_index(
    records: list[Any], rejected: list[tuple[int, str]]
) -> None:
    result = parse_records(records)
    assert [(r.index, r.reason) for r in result.rejected] == rejected
    assert result.records == len(records)


def test_a_repeated_alert_keeps_the_last_record() -> None:
    result = parse_records([row(Brand="Old"), row(Brand="New")])
    assert [a.brand for a in result.alerts] == ["New"]


def test_the_sample_of_the_real_export_parses_whole() -> None:
    result = parse_file(SAMPLE)
    by_number = {a.number: a for a in result.alerts}
    assert (len(result.alerts), result.rejected) == (36, [])
    assert by_number["A12/00049/19"].codes[0] == gtin("05635235514906")
    assert len(by_number["A12/00049/19"].codes) == 7
    assert by_number["A12/00102/20"].codes == (gtin("00737192001002"),)
    assert by_number["A12/00133/20"].model == "N\ufffd BBL77173; HLX094365"
    assert by_number["A12/00139/20"].model == "Type-approval number: e2*2007/46*0130*21"
    assert by_number["A12/00089/20"].counterfeit is True
    assert len(by_number["A11/00001/20"].model) == 300


def test_the_xml_feed_is_read_with_its_element_names() -> None:
    result = parse_file(FEED)
    by_number = {a.number: a for a in result.alerts}
    assert sorted(by_number) == ["A12/09001/20", "A12/09002/20", "A12/09003/20"]
    assert [(r.index, r.reason) for r in result.rejected] == [(4, "no alert number")]
    bear = by_number["A12/09001/20"]
    assert (bear.product, bear.brand, bear.model, bear.batch) == (
        "Plush toy", "Misiaczek", "MP-2020", "LOT 2019/11")
    assert bear.codes == (gtin("05901234123457"), gtin("04006381333931"))
    assert (bear.risk_level, bear.counterfeit) == ("serious", False)
    assert bear.description == "Brown plush bear with plastic eyes.\n\nThe eyes detach easily."
    assert bear.raw["picture"] == "bear.jpg"  # unknown elements are kept
    car = by_number["A12/09002/20"]  # capitalised element names
    assert (car.product, car.risk_level, car.codes, car.counterfeit) == (
        "Passenger car", "serious", (), None)
    dryer = by_number["A12/09003/20"]
    assert dryer.codes == (gtin("08618566605717"), text("5901234123458"))
    assert dryer.counterfeit is True


@pytest.mark.parametrize("document", [
    b"<feed><week><notifications><notification><reference>A1</reference>"
    b"<Brand>B</Brand></notification></notifications></week></feed>",
    b"<notification><alertNumber>A1</alertNumber><brand>B</brand></notification>",
    b'<?xml version="1.0" encoding="ISO-8859-2"?><n:notifications xmlns:n="urn:x">'
    b"<n:notification><n:REFERENCE>A1</n:REFERENCE><n:brand>B</n:brand></n:notification>"
    b"</n:notifications>",
    b"<notifications><notification reference='A1'><barcodes><barcode>5901234123457</barcode>"
    b"</barcodes><details><brand>B</brand></details></notification></notifications>",
])
def test_notifications_are_found_wherever_they_sit(document: bytes) -> None:
    alert = parse_bytes(document).alerts[0]
    assert (alert.number, alert.brand) == ("A1", "B")


def test_an_empty_week_is_no_error() -> None:
    assert parse_bytes(b"<notifications/>").records == 0


@pytest.mark.parametrize(("document", "message"), [
    (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]>'
     b"<notifications><notification><reference>&lol;</reference></notification>"
     b"</notifications>", "DOCTYPE or ENTITY"),
    (b"<notifications><notification>", "not well-formed XML"),
    (b"<rss><channel/></rss>", "no <notification> elements"),
    (b"[{]", "not JSON"),
    (b'{"alerts": 3}', "not a list of alerts"),
    (b"Alert number;Brand\n", "neither a JSON export nor an XML feed"),
])
def test_unreadable_files_are_refused_whole(document: bytes, message: str) -> None:
    with pytest.raises(UnreadableAlertFile, match=message):
        parse_bytes(document)


def test_bytes_invalid_in_the_encoding_become_replacement_characters() -> None:
    document = json.dumps([row(Brand="Zabawka")]).encode().replace(b"Zabawka", b"Zab\xffawka")
    assert parse_bytes(document, suffix=".json").alerts[0].brand == "Zab\ufffdawka"


def test_the_format_is_told_by_content_when_the_suffix_is_missing(tmp_path: Path) -> None:
    path = tmp_path / "export"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"alerts": [row()]}).encode())
    assert [a.number for a in parse_file(path).alerts] == ["A12/00001/20"]
