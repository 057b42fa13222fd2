"""Reading offers from files: NDJSON for import, JSONL or CSV for dry-run screening."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from moderation.intake import barcodes
from moderation.schemas import OfferIn
from rules.types import OfferText


@dataclass(frozen=True, slots=True)
class Rejected:
    line: int
    reason: str


def describe(error: ValidationError) -> str:
    """One line naming the first failing field, e.g. "title: String should have ..."."""
    first = error.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "line"
    return f"{where}: {first['msg']}"


def _json_lines(path: Path) -> Iterator[tuple[int, Any]]:
    """Yield (line number, parsed value or rejection) for each non-empty line of JSON."""
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                yield number, json.loads(line)
            except json.JSONDecodeError as exc:
                yield number, Rejected(number, f"not JSON: {exc.msg}")


def read_offer_events(path: Path) -> Iterator[tuple[int, OfferIn | Rejected]]:
    """Yield (line number, offer event or rejection) for each non-empty NDJSON line."""
    for number, data in _json_lines(path):
        if isinstance(data, Rejected):
            yield number, data
            continue
        try:
            yield number, OfferIn.model_validate(data)
        except ValidationError as exc:
            yield number, Rejected(number, describe(exc))


# Column names of common listing exports, so a file can be screened as it was downloaded.
_ALIASES = {"title": ("title", "product_name", "name"),
            "id": ("marketplace_id", "id", "uniq_id", "offer_id"),
            "price": ("price", "price_pln"),
            "gtins": ("gtins", "gtin", "ean", "barcode")}
# Several barcodes in one CSV cell: separated by these, never by the spaces inside one code.
_CELL_SEPARATORS = str.maketrans({";": "\n", ",": "\n", "|": "\n"})


def _field(row: dict[str, Any], name: str) -> Any:
    return next((row[k] for k in _ALIASES[name] if row.get(k) not in (None, "")), None)


def _text_of(row: dict[str, Any]) -> OfferText:
    raw_seller = row.get("seller")
    seller: dict[str, Any] = raw_seller if isinstance(raw_seller, dict) else {}
    price = _field(row, "price")
    gtins = _field(row, "gtins") or []
    if isinstance(gtins, str):
        gtins = gtins.translate(_CELL_SEPARATORS).splitlines()
    title = str(_field(row, "title") or "")
    description = str(row.get("description") or "")
    # The same reading as intake: "590 1234 123457" is one barcode, a wrong check digit none.
    codes = barcodes.read([str(g) for g in gtins if g is not None], title=title,
                          description=description)
    currency = row.get("currency") or ("PLN" if row.get("price_pln") not in (None, "")
                                       else None)
    return OfferText(
        title=title,
        description=description,
        category=row.get("category") or None,
        brand=row.get("brand") or None,
        price=float(price) if price not in (None, "") else None,
        currency=currency,
        gtins=codes.valid,
        seller_account_age_days=_int(row.get("seller_account_age_days")
                                     or seller.get("account_age_days")),
        seller_activated=seller.get("activated") if seller else None,
        seller_strikes=_int(row.get("seller_strikes")) or 0,
    )


def _int(value: Any) -> int | None:
    return int(value) if value not in (None, "") else None


def read_offer_texts(path: Path, *, skip: int = 0) -> Iterator[tuple[str, OfferText | Rejected]]:
    """Yield (id, text or rejection) from a JSONL or CSV file, for dry-run screening.

    `skip` leaves out the first rows (say, the rows a model was trained on).
    """
    for number, row in islice(_rows(path), skip, None):
        if isinstance(row, Rejected):
            yield str(number), row
            continue
        offer_id = str(_field(row, "id") or number)
        try:
            text = _text_of(row)
        except (AttributeError, TypeError, ValueError) as exc:
            yield offer_id, Rejected(number, f"unreadable row: {exc}")
            continue
        if not text.title.strip():
            yield offer_id, Rejected(number, "title: missing")
        else:
            yield offer_id, text


def _rows(path: Path) -> Iterator[tuple[int, dict[str, Any] | Rejected]]:
    if path.suffix.lower() == ".csv":
        with path.open(encoding="utf-8", newline="") as fh:
            yield from enumerate(csv.DictReader(fh), start=1)
        return
    for number, row in _json_lines(path):
        yield number, (row if isinstance(row, dict | Rejected)
                       else Rejected(number, "not a JSON object"))
