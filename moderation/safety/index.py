"""The offer lookup index: keys of each offer's screened version, kept in `offer_keys`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from moderation.safety.keys import offer_keys
from moderation.tables import OfferKey


def update_keys(session: Session, rows: Sequence[Any]) -> dict[int, list[str]]:
    """Replace the keys of these offers (rows with id, title, brand, gtins); return them."""
    keys = {row.id: offer_keys(title=row.title, brand=row.brand, gtins=row.gtins or ())
            for row in rows}
    if not keys:
        return keys
    session.execute(delete(OfferKey).where(OfferKey.offer_id.in_(list(keys))))
    values = [{"offer_id": oid, "key": key} for oid, ks in keys.items() for key in ks]
    if values:
        session.execute(insert(OfferKey), values)
    return keys


def offers_with(session: Session, keys: Iterable[str], *, limit: int | None = None,
                exclude: Iterable[int] = ()) -> dict[int, set[str]]:
    """Offers having any of these keys, with the keys each has; newest offers first."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    query = select(OfferKey.offer_id, OfferKey.key).where(OfferKey.key.in_(wanted))
    skip = list(exclude)
    if skip:
        query = query.where(OfferKey.offer_id.not_in(skip))
    if limit is not None:
        query = query.order_by(OfferKey.offer_id.desc()).limit(limit)
    found: dict[int, set[str]] = {}
    for offer_id, key in session.execute(query):
        found.setdefault(offer_id, set()).add(key)
    return found
