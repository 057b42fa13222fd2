"""Safety Gate files: the JSON export and the weekly XML feed, read safely into records."""

from __future__ import annotations

import codecs
import json
import re
import xml.etree.ElementTree as ET
from typing import Any

from moderation.errors import InvalidInput
from moderation.safety.safety_gate import FIELD_OF, ParseResult, field_key, parse_records


class UnreadableAlertFile(InvalidInput):
    """A file that is neither a JSON list of alerts nor an XML feed of notifications."""

    code = "unreadable_alert_file"


def _decode(data: bytes) -> str:
    """Text of a file; bytes that are not valid in its encoding become U+FFFD, not an error."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    declared = re.match(rb"<\?xml[^>]*encoding=[\"']([A-Za-z0-9._-]+)", data)
    encoding = declared.group(1).decode() if declared else "utf-8"
    try:
        if "16" in encoding or "32" in encoding:
            raise LookupError(encoding)  # without a BOM the bytes are not what it says
        codecs.lookup(encoding)
    except LookupError:
        encoding = "utf-8"
    return data.decode(encoding, errors="replace")


def parse_json(data: bytes) -> ParseResult:
    """Alerts of the official JSON export: a list of objects, one per alert."""
    try:
        # NaN would be stored in `raw` and refused by PostgreSQL's JSON type.
        doc = json.loads(_decode(data), parse_constant=lambda _: None)
    except json.JSONDecodeError as exc:
        raise UnreadableAlertFile(f"not JSON: {exc.msg} (line {exc.lineno})",
                                  field="file") from None
    if isinstance(doc, dict):
        wrappers = {"alerts", "notifications", "data", "results", "items"}
        doc = next((v for k, v in doc.items()
                    if isinstance(v, list) and field_key(k) in wrappers), doc)
    if not isinstance(doc, list):
        raise UnreadableAlertFile("JSON is not a list of alerts", field="file")
    return parse_records(doc)


# Entity declarations are how "billion laughs" and external-entity attacks get in; the feed
# has no use for them, so a document declaring any is refused before the parser sees it.
_DECLARATION = re.compile(r"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)


def _local(tag: Any) -> str:
    return str(tag).rsplit("}", 1)[-1]


def _inner(element: ET.Element) -> str:
    return "".join(element.itertext()).strip()


def _xml_record(element: ET.Element) -> dict[str, Any]:
    """A <notification> as a flat record: element name -> text, a repeated name -> list."""
    pairs = [(_local(k), v) for k, v in element.attrib.items()]
    for child in element:
        name = _local(child.tag)
        if not len(child):
            pairs.append((name, _inner(child)))
            continue
        # <barcodes><barcode>..</barcode>...</barcodes> belongs to "barcodes"; a wrapper
        # of unknown name passes its leaves on under their own names.
        known = field_key(name) in FIELD_OF
        pairs.extend((name if known else _local(leaf.tag), _inner(leaf))
                     for leaf in child.iter() if not len(leaf))
    record: dict[str, Any] = {}
    for name, value in pairs:
        if name in record:
            before = record[name]
            record[name] = [*before, value] if isinstance(before, list) else [before, value]
        else:
            record[name] = value
    return record


def parse_xml(data: bytes) -> ParseResult:
    """Alerts of the weekly XML feed: <notification> elements, wherever they sit."""
    text = _decode(data)
    if _DECLARATION.search(text):
        raise UnreadableAlertFile("XML with a DOCTYPE or ENTITY declaration is refused",
                                  field="file")
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise UnreadableAlertFile(f"not well-formed XML: {exc}", field="file") from None
    found = [e for e in root.iter() if _local(e.tag).casefold() == "notification"]
    if not found and _local(root.tag).casefold() != "notifications":
        raise UnreadableAlertFile("no <notification> elements in this XML", field="file")
    return parse_records(_xml_record(e) for e in found)


def parse_bytes(data: bytes, *, suffix: str = "") -> ParseResult:
    """Alerts of a JSON export or an XML feed, told apart by content, else by the suffix."""
    head = data.lstrip(codecs.BOM_UTF8 + b" \t\r\n")[:1]
    kind = {b"[": ".json", b"{": ".json", b"<": ".xml"}.get(head, suffix.lower())
    if kind == ".json":
        return parse_json(data)
    if kind == ".xml":
        return parse_xml(data)
    raise UnreadableAlertFile("neither a JSON export nor an XML feed", field="file")
