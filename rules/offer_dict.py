"""Offers written as dicts in packs (examples) and turned into OfferText."""

from __future__ import annotations

from typing import Any

from rules.types import OfferText

_TEXT = ("title", "description", "category", "brand", "currency")
_KEYS = {*_TEXT, "price", "gtins", "seller", "seller_account_age_days", "seller_activated",
         "seller_strikes"}
_SELLER = {"account_age_days": "seller_account_age_days", "activated": "seller_activated",
           "strikes": "seller_strikes"}


def check_offer_dict(item: object) -> str | None:
    """Return what is wrong with an example offer, or None."""
    if not isinstance(item, dict):
        return "an example must be a mapping with at least a title"
    unknown = sorted(set(item) - _KEYS)
    if unknown:
        return f"unknown offer field {unknown[0]!r}"
    if not isinstance(item.get("title"), str):
        return "title must be a string"
    for key in _TEXT:
        if item.get(key) is not None and not isinstance(item[key], str):
            return f"{key} must be a string"
    price = item.get("price")
    if price is not None and (isinstance(price, bool) or not isinstance(price, int | float)):
        return "price must be a number"
    seller = item.get("seller", {})
    if not isinstance(seller, dict) or set(seller) - set(_SELLER):
        return f"seller must be a mapping of {sorted(_SELLER)}"
    try:
        offer_from_dict(item)
    except (TypeError, ValueError) as exc:
        return str(exc)
    return None


def offer_from_dict(item: dict[str, Any]) -> OfferText:
    """Build the OfferText an example describes."""
    flat = {k: v for k, v in item.items() if k != "seller"}
    for key, name in _SELLER.items():
        if key in item.get("seller", {}):
            flat[name] = item["seller"][key]
    age = flat.get("seller_account_age_days")
    activated = flat.get("seller_activated")
    strikes = flat.get("seller_strikes", 0)
    if age is not None and (isinstance(age, bool) or not isinstance(age, int)):
        raise ValueError("seller account age must be an integer number of days")
    if activated is not None and not isinstance(activated, bool):
        raise ValueError("seller activated must be true or false")
    if isinstance(strikes, bool) or not isinstance(strikes, int):
        raise ValueError("seller strikes must be an integer")
    price = flat.get("price")
    return OfferText(
        title=flat["title"], description=flat.get("description") or "",
        category=flat.get("category"), brand=flat.get("brand"),
        price=float(price) if price is not None else None, currency=flat.get("currency"),
        gtins=tuple(str(g) for g in flat.get("gtins", ())), seller_account_age_days=age,
        seller_activated=activated, seller_strikes=strikes,
    )
