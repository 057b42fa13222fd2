"""Product records and labelled pairs in the DeepMatcher / Ditto line format.

A line is `COL name VAL value COL name VAL value ... <TAB> COL ... <TAB> label`: the left
record, the right record and 0/1. Values may be empty; the label may be missing (pairs to
score); stray tabs inside a record are tolerated because a record only starts at a field whose
text starts with `COL `.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "Pair",
    "ParseError",
    "ProductRecord",
    "dataset_name",
    "iter_pairs",
    "parse_line",
    "parse_record",
    "read_pairs",
]

# Column names in the benchmarks (and a product-safety alert's export) mapped to record fields.
_ALIASES: dict[str, str] = {
    "title": "title", "name": "title", "product": "title", "product_name": "title",
    "brand": "brand", "manufacturer": "brand", "maker": "brand",
    "modelno": "model", "model": "model", "model_number": "model", "modelnumber": "model",
    "type_number_of_model": "model",
    "category": "category", "price": "price",
    "description": "description", "desc": "description",
}
# Column names have no spaces in the format; the value runs to the next ` COL x VAL`.
_FIELD = re.compile(r"(?:^|\s)COL\s+(\S+)\s+VAL(?=\s|$)")
_PRICE = re.compile(r"\d+(?:[.,]\d+)*")
_SPACE = re.compile(r"\s+")


class ParseError(ValueError):
    """A line that is not two records and an optional 0/1 label."""


@dataclass(frozen=True, slots=True)
class ProductRecord:
    """One product as two sources describe it; absent fields are None, never ''."""

    title: str = ""
    brand: str | None = None
    model: str | None = None
    category: str | None = None
    price: float | None = None
    description: str | None = None
    extra: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_columns(cls, columns: Mapping[str, str | None]) -> ProductRecord:
        """A record from column name -> value; unknown columns are kept in `extra`."""
        fields: dict[str, str] = {}
        extra: list[tuple[str, str]] = []
        for name, raw in columns.items():
            value = _clean(raw)
            if not value:
                continue
            key = _ALIASES.get(re.sub(r"\W+", "_", name.strip().lower()).strip("_"))
            if key is None:
                extra.append((name, value))
            elif key in fields:
                # A second column mapping to the same field ("name" and "title") adds to it.
                fields[key] = f"{fields[key]} {value}"
            else:
                fields[key] = value
        return cls(
            title=fields.get("title", ""),
            brand=fields.get("brand"),
            model=fields.get("model"),
            category=fields.get("category"),
            price=parse_price(fields.get("price")),
            description=fields.get("description"),
            extra=tuple(extra),
        )


@dataclass(frozen=True, slots=True)
class Pair:
    """Two records, whether they are the same product (None when unknown), and their source."""

    left: ProductRecord
    right: ProductRecord
    label: int | None = None
    source: str | None = field(default=None, compare=False)


def _clean(value: str | None) -> str:
    return _SPACE.sub(" ", value).strip() if value else ""


def parse_price(text: str | None) -> float | None:
    """The first number in text as a price; None when absent, not finite or not positive."""
    if not text:
        return None
    match = _PRICE.search(text)
    if match is None:
        return None
    digits = match.group()
    # "1,299.00" and "1299,00": the last separator is the decimal one only with 1-2 digits after.
    last = max(digits.rfind("."), digits.rfind(","))
    if last >= 0 and len(digits) - last - 1 in (1, 2):
        digits = re.sub(r"[.,]", "", digits[:last]) + "." + digits[last + 1:]
    else:
        digits = re.sub(r"[.,]", "", digits)
    price = float(digits)
    # Walmart-Amazon writes 0.0 for "no price"; a zero price compares with nothing.
    return price if math.isfinite(price) and price > 0 else None


def parse_record(text: str) -> dict[str, str]:
    """`COL a VAL x COL b VAL y` as {a: x, b: y}; empty values are kept as ''."""
    columns: dict[str, str] = {}
    matches = list(_FIELD.finditer(text))
    if not matches and text.strip():
        raise ParseError(f"no 'COL name VAL value' field in {text[:80]!r}")
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        name, value = match.group(1), _clean(text[match.end():end])
        # A repeated column keeps both values rather than silently dropping one.
        columns[name] = f"{columns[name]} {value}".strip() if name in columns else value
    return columns


def parse_line(line: str) -> tuple[dict[str, str], dict[str, str], int | None]:
    """One line as (left columns, right columns, label or None)."""
    parts = line.rstrip("\r\n").split("\t")
    label: int | None = None
    if len(parts) >= 2 and parts[-1].strip() in ("0", "1"):
        label = int(parts.pop().strip())
    elif len(parts) >= 2 and not parts[-1].strip():
        parts.pop()  # a trailing tab, no label
    # Glue back pieces split on a tab inside a value: a record starts only at "COL ".
    records: list[str] = []
    for part in parts:
        if part.lstrip().startswith("COL ") or not records:
            records.append(part)
        else:
            records[-1] = f"{records[-1]} {part}"
    if len(records) != 2:
        raise ParseError(f"expected two records and a label, found {len(records)} record(s)")
    return parse_record(records[0]), parse_record(records[1]), label


def iter_pairs(lines: Iterable[str], *, source: str | None = None) -> Iterator[Pair]:
    """Pairs from lines of the format; blank lines are skipped, bad ones raise with a number."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            left, right, label = parse_line(line)
        except ParseError as exc:
            raise ParseError(f"line {number}: {exc}") from None
        yield Pair(ProductRecord.from_columns(left), ProductRecord.from_columns(right), label,
                   source)


def dataset_name(path: Path | str) -> str:
    """'er_magellan_Structured_Walmart-Amazon_train.txt' -> 'Walmart-Amazon'."""
    stem = Path(path).stem
    stem = re.sub(r"^(?:er_magellan_)?(?:Structured_|Textual_|Dirty_)?", "", stem)
    return re.sub(r"_(?:train|valid|test)$", "", stem) or Path(path).stem


def read_pairs(path: Path | str, *, source: str | None = None) -> list[Pair]:
    """All pairs of a file; the source defaults to the data set named by the file."""
    path = Path(path)
    with path.open(encoding="utf-8", errors="replace") as handle:
        return list(iter_pairs(handle, source=source or dataset_name(path)))
