"""Reading offers from files: NDJSON for import, JSONL or CSV for dry-run screening."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

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


def read_offer_events(path: Path) -> Iterator[tuple[int, OfferIn | Rejected]]:
    """Yield (line number, offer event or rejection) for each non-empty NDJSON line."""
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                yield number, Rejected(number, f"not JSON: {exc.msg}")
                continue
            try:
                yield number, OfferIn.model_validate(data)
            except ValidationError as exc:
                yield number, Rejected(number, describe(exc))


def _text_of(row: dict[str, Any]) -> OfferText:
    raw_seller = row.get("seller")
    seller: dict[str, Any] = raw_seller if isinstance(raw_seller, dict) else {}
    price = row.get("price")
    gtins = row.get("gtins") or []
    if isinstance(gtins, str):
        gtins = [g for g in gtins.replace(";", " ").replace(",", " ").split() if g]
    return OfferText(
        title=str(row.get("title") or ""),
        description=str(row.get("description") or ""),
        category=row.get("category") or None,
        brand=row.get("brand") or None,
        price=float(price) if price not in (None, "") else None,
        currency=row.get("currency") or None,
        gtins=tuple(str(g) for g in gtins),
        seller_account_age_days=_int(row.get("seller_account_age_days")
                                     or seller.get("account_age_days")),
        seller_activated=seller.get("activated") if seller else None,
        seller_strikes=_int(row.get("seller_strikes")) or 0,
    )


def _int(value: Any) -> int | None:
    return int(value) if value not in (None, "") else None


def read_offer_texts(path: Path) -> Iterator[tuple[str, OfferText | Rejected]]:
    """Yield (id, text or rejection) from a JSONL or CSV file, for dry-run screening."""
    if path.suffix.lower() == ".csv":
        with path.open(encoding="utf-8", newline="") as fh:
            for number, row in enumerate(csv.DictReader(fh), start=1):
                yield str(row.get("marketplace_id") or row.get("id") or number), _text_of(row)
        return
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                yield str(row.get("marketplace_id") or row.get("id") or number), _text_of(row)
            except (json.JSONDecodeError, AttributeError, TypeError, ValueError) as exc:
                yield str(number), Rejected(number, f"unreadable line: {exc}")
