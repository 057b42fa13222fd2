"""Safety Gate (RAPEX) records as AlertIn; safety_gate_files reads them from the JSON or XML."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import String

from moderation.safety.alerts import NOTICE, SAFETY_GATE, AlertIn, Code
from moderation.safety.keys import gtin14
from moderation.tables import AlertCode, SafetyAlert


@dataclass(frozen=True, slots=True)
class RejectedRecord:
    """A record left out: its position in the file (counted from 1) and why."""

    index: int
    reason: str


@dataclass
class ParseResult:
    """The alerts of one file, and the records that could not become alerts."""

    alerts: list[AlertIn] = field(default_factory=list)
    rejected: list[RejectedRecord] = field(default_factory=list)

    @property
    def records(self) -> int:
        return len(self.alerts) + len(self.rejected)


def field_key(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", name.casefold())


# Column names of the JSON export and element names of the XML feed, compared without case
# or punctuation: "Type / number of model" and <type_numberOfModel> are one field.
_ALIASES: dict[str, tuple[str, ...]] = {
    "number": ("Alert number", "reference", "alertNumber", "referenceNumber", "alertReference",
               "notificationNumber", "caseNumber"),
    "alert_type": ("Type of alert", "alertType", "notificationType"),
    "product": ("Product", "productName", "productType"),
    "name": ("Name", "tradeName"),
    "brand": ("Brand", "brandName", "trademark"),
    "model": ("Type / number of model", "typeNumberOfModel", "modelTypeNumber", "model",
              "modelNumber", "typeOfModel"),
    "barcode": ("Barcode", "barcodes", "ean", "gtin", "eanCode"),
    "batch_barcode": ("Batch number / Barcode", "batchNumberBarcode", "batchNumberAndBarcode"),
    "batch": ("Batch number", "batch", "batchNumbers", "lotNumber"),
    "category": ("Category", "productCategory"),
    "risk_type": ("Risk type", "risks"),
    "risk_level": ("Risk", "riskLevel", "level"),
    "measures": ("Measures adopted by notifying country", "measuresAdopted", "measures",
                 "measuresTaken"),
    "counterfeit": ("Counterfeit", "isCounterfeit"),
    "country_of_origin": ("Country of origin", "countryOfOrigin", "origin"),
    "description": ("Description", "productDescription"),
    "defect": ("Technical defect", "danger", "defect"),
    "url": ("URL of Case", "url", "link", "caseUrl"),
}
FIELD_OF = {field_key(alias): name for name, aliases in _ALIASES.items() for alias in aliases}
# Column widths come from the table, so a long model list cannot fail the whole insert.
_WIDTH = {c.name: c.type.length for c in SafetyAlert.__table__.columns
          if isinstance(c.type, String) and c.type.length}
_CODE_WIDTH = next(c.type.length for c in AlertCode.__table__.columns
                   if c.name == "value" and isinstance(c.type, String)) or 200
_PLACEHOLDER = re.compile(r"^(?:-+|\?+|unknown|not known|n/?a|n\.a\.|none|nil|not available|"
                          r"not applicable|no barcode)?$", re.IGNORECASE)
_YES, _NO = {"yes", "y", "true", "1", "tak"}, {"no", "n", "false", "0", "nie"}

# --- barcodes -------------------------------------------------------------------------------

# Between codes: commas, semicolons, new lines, "and", a slash with spaces around it. A slash
# without spaces is left alone: "e4*2007/46*0563*01" and "22019/230/BE" are single codes.
_SEPARATOR = re.compile(r"[,;\n\r|]+|\s+/\s+|\s+(?:and|&)\s+", re.IGNORECASE)
_LABEL = re.compile(r"^\s*(?:(?:ean|gtin|upc|bar\s?code|code)(?:[\s-]?(?:8|12|13|14|a))?"
                    r"(?![0-9a-z])[\s.:#\ufffd-]*)+", re.IGNORECASE)
# "Bunny: 5 635235 514906": the export names the variant a code belongs to.
_NAMED = re.compile(r"^\s*[^\W\d][^:\d]{0,40}:\s*")
# Digits in groups of a space or hyphen ("8 618566 605717"); not glued to letters or "*",
# so type-approval numbers and FNSKUs yield no candidates.
_RUN = re.compile(r"(?<![0-9A-Za-z*])\d+(?:[ -]\d+)*(?![0-9A-Za-z*])")


def read_codes(value: Any) -> tuple[Code, ...]:
    """Barcodes of one field: each valid GTIN as GTIN-14, any other real code as text."""
    codes, rest = _codes_and_rest(value, strict=False)
    return _unique(codes + [_text_code(piece) for piece in rest if _has_digit(piece)])


def _has_digit(piece: str) -> bool:
    # Codes carry digits; "not visible on the packaging" or "see photo" is a remark.
    return any(c in "0123456789" for c in piece)


def _text_code(piece: str) -> Code:
    return Code("text", _cut(piece, _CODE_WIDTH))


def _codes_and_rest(value: Any, *, strict: bool) -> tuple[list[Code], list[str]]:
    """GTINs found in a field, and the pieces that hold none (placeholders dropped).

    `strict` is for the column mixing batch numbers and barcodes: there a bare 8-digit
    number is more likely a date or a batch than a GTIN-8, so short ones need an "EAN" label.
    """
    codes: list[Code] = []
    rest: list[str] = []
    for item in _values(value):
        if isinstance(item, int | float) and not isinstance(item, bool) and not strict:
            codes.append(_number_code(item))
            continue
        pieces = [p.strip() for p in _SEPARATOR.split(_scalar(item))]
        pieces = [p for p in pieces if not _PLACEHOLDER.match(p) and _bare(p)]
        found = [_gtins(p, strict=strict) for p in pieces]
        i = 0
        while i < len(pieces):
            merged = (_merge(pieces[i], pieces[i + 1])
                      if i + 1 < len(pieces) and not found[i] and not found[i + 1] else None)
            if merged:
                codes.append(Code("gtin", merged))
                i += 2
                continue
            if found[i]:
                codes.extend(Code("gtin", g) for g in found[i])
            else:
                rest.append(pieces[i])
            i += 1
    return codes, rest


def _number_code(number: int | float) -> Code:
    # A JSON number has lost its leading zeros ("021959205124" -> 21959205124); the check
    # digit does not see them, so any 7 to 14 digits that pass are that GTIN.
    digits = _scalar(number)
    valid = gtin14(digits.zfill(14)) if digits.isdigit() and 7 <= len(digits) <= 14 else None
    return Code("gtin", valid) if valid else Code("text", digits)


def _bare(piece: str) -> str:
    """A piece without its labels: "EAN: 590..." -> "590...", "Teddy bear: 5 63..." -> "5 63..."."""
    return _NAMED.sub("", _LABEL.sub("", piece), count=1).strip()


def _gtins(piece: str, *, strict: bool) -> list[str]:
    labelled = bool(_LABEL.match(piece))
    out: list[str] = []
    for run in _RUN.findall(_bare(piece)):
        groups = run.replace("-", " ").split()
        if strict and not labelled and len("".join(groups)) < 12:
            continue
        whole = gtin14("".join(groups))
        # Several codes side by side ("5901234123457 4006381333931") are split where each
        # part is a valid code on its own.
        out.extend([whole] if whole else _partition(groups[:20]) or [])
    return out


def _partition(groups: list[str]) -> list[str] | None:
    if not groups:
        return []
    for end in range(1, len(groups) + 1):
        head = gtin14("".join(groups[:end]))
        tail = _partition(groups[end:]) if head else None
        if head and tail is not None:
            return [head, *tail]
    return None


def _merge(first: str, second: str) -> str | None:
    # The export sometimes breaks one code with a comma: "5 635235, 514906". Only pieces too
    # short to be a code on their own are joined.
    a, b = _bare(first).replace(" ", ""), _bare(second).replace(" ", "")
    if not (a.isdigit() and b.isdigit() and len(a) < 12 and len(b) < 12):
        return None
    return gtin14(a + b) if len(a + b) >= 12 else None


def _unique(codes: Iterable[Code]) -> tuple[Code, ...]:
    return tuple(dict.fromkeys(codes))


def read_counterfeit(value: Any) -> bool | None:
    """The "Counterfeit" column: YES -> True, NO -> False, UNKNOWN or empty -> None."""
    if isinstance(value, bool):
        return value
    text = _text(value).casefold()
    return True if text in _YES else False if text in _NO else None


# --- records --------------------------------------------------------------------------------


def _values(value: Any) -> list[Any]:
    items = value if isinstance(value, list | tuple) else [value]
    return [v for v in items if v is not None and _scalar(v).strip()]


def _scalar(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value if isinstance(value, str) else str(value)


def _text(value: Any) -> str:
    return "\n".join(dict.fromkeys(_scalar(v).strip() for v in _values(value)))


def _cut(text: str, width: int | None) -> str:
    return text if width is None or len(text) <= width else text[: width - 1] + "…"


def _short(field_name: str, value: Any) -> str:
    """A one-line field: placeholders ("Unknown", "-") as empty, cut to its column's width."""
    text = _text(value)
    return "" if _PLACEHOLDER.match(text) else _cut(text, _WIDTH.get(field_name))


def _risk_level(risk: str, alert_type: str) -> str:
    lowered = alert_type.casefold()
    if risk:
        return risk.casefold()  # "Serious" and "serious" are one level
    if "serious" in lowered:
        return "serious"
    return "other" if "other risk" in lowered else ""


def _alert(record: dict[str, Any]) -> AlertIn | str:
    """One record as an alert, or the reason it cannot be one."""
    fields: dict[str, list[Any]] = {}
    for key, value in record.items():
        name = FIELD_OF.get(field_key(str(key)))
        if name:
            fields.setdefault(name, []).extend(_values(value))
    number = next((_scalar(v).strip() for v in fields.get("number", [])), "")
    if not number:
        return "no alert number"
    if len(number) > _WIDTH["number"]:
        return f"alert number longer than {_WIDTH['number']} characters"
    codes = read_codes(fields.get("barcode"))
    mixed_codes, mixed_rest = _codes_and_rest(fields.get("batch_barcode"), strict=True)
    # In the mixed column, a labelled piece that is no GTIN is still a code; the rest is batch.
    mixed_texts = [_text_code(p) for p in mixed_rest if _LABEL.match(p) and _has_digit(p)]
    batch = [p for p in mixed_rest if not _LABEL.match(p)]
    description = "\n\n".join(t for t in (_text(fields.get("description")),
                                          _text(fields.get("defect"))) if t)
    return AlertIn(
        source=SAFETY_GATE, number=number, kind=NOTICE,
        product=_short("product", fields.get("product")),
        name=_short("name", fields.get("name")),
        brand=_short("brand", fields.get("brand")),
        model=_short("model", fields.get("model")),
        batch=_short("batch", [*fields.get("batch", []), *batch]),
        category=_short("category", fields.get("category")),
        risk_type=_short("risk_type", fields.get("risk_type")),
        risk_level=_cut(_risk_level(_text(fields.get("risk_level")),
                                    _text(fields.get("alert_type"))), _WIDTH["risk_level"]),
        description=description,
        measures=_text(fields.get("measures")),
        country_of_origin=_short("country_of_origin", fields.get("country_of_origin")),
        counterfeit=read_counterfeit(fields.get("counterfeit")),
        url=_short("url", fields.get("url")),
        codes=_unique([*codes, *mixed_codes, *mixed_texts]),
        raw=record,
    )


def parse_records(records: Iterable[Any]) -> ParseResult:
    """Alerts from records (column or element name -> value); a repeated number keeps the last."""
    result = ParseResult()
    kept: dict[str, tuple[int, AlertIn]] = {}
    for index, record in enumerate(records, start=1):
        alert = _alert(record) if isinstance(record, dict) else "not an object"
        if isinstance(alert, str):
            result.rejected.append(RejectedRecord(index, alert))
            continue
        earlier = kept.pop(alert.number, None)
        if earlier:
            result.rejected.append(RejectedRecord(
                earlier[0], f"alert {alert.number} repeated: record {index} kept"))
        kept[alert.number] = (index, alert)
    result.alerts = [alert for _, alert in sorted(kept.values(), key=lambda pair: pair[0])]
    result.rejected.sort(key=lambda r: r.index)
    return result
