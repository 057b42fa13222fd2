"""Fuzzing the Safety Gate parser: any bytes give alerts and rejections, or the one
documented refusal (UnreadableAlertFile), each file in bounded time."""

from __future__ import annotations

import json
from typing import Any
from xml.sax.saxutils import escape

from hypothesis import given
from hypothesis import strategies as st

from moderation.safety import safety_gate
from moderation.safety.alerts import AlertIn
from moderation.safety.safety_gate_files import UnreadableAlertFile, parse_bytes
from tests.fuzz.strategies import FUZZ, json_scalars, json_values, texts

# The export's own column names (and a few the parser has never heard of).
FIELD_NAMES = st.sampled_from([*(a for aliases in safety_gate._ALIASES.values()
                                 for a in aliases), "Year", "Week", "", "x"])
BARCODE_LIKE = st.from_regex(r"(EAN[: ]?)?[0-9][0-9 \-]{0,20}([,;/|] ?[0-9 ]{1,16}){0,3}",
                             fullmatch=True)
FIELD_VALUES = st.one_of(json_scalars, BARCODE_LIKE, st.lists(st.one_of(texts, BARCODE_LIKE),
                                                              max_size=4))
RECORDS = st.lists(st.one_of(st.dictionaries(FIELD_NAMES, FIELD_VALUES, max_size=10),
                             json_values()), max_size=4)


def _parsed(data: bytes, suffix: str = "") -> None:
    try:
        result = parse_bytes(data, suffix=suffix)
    except UnreadableAlertFile:
        return
    for alert in result.alerts:
        assert isinstance(alert, AlertIn) and alert.number
        json.dumps(alert.raw)  # stored as JSON: no NaN, nothing unserialisable
        for code in alert.codes:
            assert code.value
    assert all(r.index >= 1 and r.reason for r in result.rejected)


@FUZZ
@given(RECORDS)
def test_any_json_export_parses_or_is_refused(records: list[Any]) -> None:
    _parsed(json.dumps(records).encode())


@FUZZ
@given(st.dictionaries(st.sampled_from(["alerts", "data", "results", "other"]), RECORDS,
                       max_size=2))
def test_a_wrapped_json_export_parses_or_is_refused(doc: dict[str, Any]) -> None:
    _parsed(json.dumps(doc).encode())


def _xml(records: list[dict[str, Any]]) -> str:
    body = "".join(
        "<notification>" + "".join(
            f"<{tag}>{escape(str(value))}</{tag}>" for key, value in record.items()
            if (tag := "".join(ch for ch in key if ch.isalnum()) or "x") and not tag[0].isdigit()
        ) + "</notification>" for record in records)
    return f"<?xml version='1.0' encoding='utf-8'?><notifications>{body}</notifications>"


@FUZZ
@given(st.lists(st.dictionaries(FIELD_NAMES, st.one_of(texts, BARCODE_LIKE), max_size=10),
                max_size=5))
def test_any_xml_feed_parses_or_is_refused(records: list[dict[str, Any]]) -> None:
    _parsed(_xml(records).encode())


@FUZZ
@given(st.binary(max_size=1000), st.sampled_from(["", ".json", ".xml", ".txt"]))
def test_any_bytes_parse_or_are_refused(data: bytes, suffix: str) -> None:
    _parsed(data, suffix)


@FUZZ
@given(st.sampled_from([b"[", b"{", b"<"]), st.binary(max_size=1000))
def test_bytes_that_look_like_a_file_parse_or_are_refused(head: bytes, rest: bytes) -> None:
    _parsed(head + rest)


@FUZZ
@given(FIELD_VALUES)
def test_any_barcode_field_reads_as_codes(value: Any) -> None:
    for code in safety_gate.read_codes(value):
        assert code.value
