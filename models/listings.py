"""Real listings read from their files: shop feeds by shop, Flipkart titles by half.

Everything read here was written by real shops, not by this project. The Polish shop feeds
(`../shared/data/polish-listings`, one CSV per shop) carry no licence for their text, so they
are read from that folder at training and evaluation time and never copied into the
repository; the Flipkart titles are CC BY-SA 4.0 and their training half ships in
`models/data/`.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from rules.types import OfferText

__all__ = ["FLIPKART", "Listing", "read_flipkart", "read_shop", "read_shops", "shop_files"]

MODELS_DIR = Path(__file__).resolve().parent
FLIPKART = "flipkart"
# The Flipkart file has 10,000 rows: the first half trains, the second half is held out.
FLIPKART_TRAINING_ROWS = 5_000
SHOP_COLUMNS = ("source", "offer_id", "title", "description", "brand", "category", "price_pln",
                "gtin", "url")


@dataclass(frozen=True, slots=True)
class Listing:
    """One real lawful listing and where it came from (a shop, or a half of a file)."""

    offer: OfferText
    source: str  # the shop (file stem), or "flipkart"
    row: int  # 0-based row in its file


def shop_files(directory: Path | str) -> list[Path]:
    """The shop feeds of a folder, sorted by name (one CSV per shop)."""
    files = sorted(Path(directory).glob("*.csv"))
    if not files:
        raise FileNotFoundError(f"no shop feeds (*.csv) in {directory}")
    return files


def _price(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None


def read_shop(path: Path | str) -> list[Listing]:
    """Every listing of one shop feed (columns: source, offer_id, title, description, ...)."""
    path = Path(path)
    out = []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = {"title", "description"} - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{path}: not a shop feed, missing {sorted(missing)}")
        for row_number, row in enumerate(reader):
            title = (row.get("title") or "").strip()
            if not title:
                continue
            gtin = (row.get("gtin") or "").strip()
            offer = OfferText(
                title=title, description=(row.get("description") or "").strip(),
                brand=(row.get("brand") or "").strip() or None,
                category=(row.get("category") or "").strip() or None,
                price=_price(row.get("price_pln")), currency="PLN",
                gtins=(gtin,) if gtin else ())
            out.append(Listing(offer, path.stem, row_number))
    return out


def read_shops(directory: Path | str, *, only: set[str] | None = None) -> dict[str, list[Listing]]:
    """Listings per shop of a folder of feeds (`only`: these shops)."""
    return {path.stem: read_shop(path) for path in shop_files(directory)
            if only is None or path.stem in only}


def read_flipkart(path: Path | str, *, rows: range | None = None) -> list[Listing]:
    """Flipkart titles (columns product_name, brand); `rows`: which 0-based rows to keep."""
    out = []
    with Path(path).open(encoding="utf-8", newline="") as fh:
        for row_number, row in enumerate(csv.DictReader(fh)):
            if rows is not None and row_number not in rows:
                continue
            title = (row.get("product_name") or "").strip()
            if title:
                out.append(Listing(OfferText(title=title, brand=(row.get("brand") or None)),
                                   FLIPKART, row_number))
    return out
