"""The offer lookup index: keys of each offer's screened version, kept in `offer_keys`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import delete, insert, or_, select, text
from sqlalchemy.orm import Session

from moderation.db import is_postgres
from moderation.safety.keys import offer_keys
from moderation.tables import OfferKey


def update_keys(session: Session, rows: Sequence[Any]) -> dict[int, list[str]]:
    """Replace the keys of these offers (rows with id, title, brand, gtins, screened_version
    and, when there is one, description); return them."""
    keys = {row.id: offer_keys(title=row.title, brand=row.brand, gtins=row.gtins or (),
                               description=getattr(row, "description", None))
            for row in rows}
    if not keys:
        return keys
    # Keys are written with the screening that sets screened_version: an offer never
    # screened has none to delete, and most of a batch is new offers.
    stale = [row.id for row in rows if row.screened_version is not None]
    ids = [oid for oid, ks in keys.items() for _ in ks]
    values = [key for ks in keys.values() for key in ks]
    if is_postgres(session):
        # Two array parameters instead of thousands of scalars: the driver parses a short
        # statement once, where a multi-row VALUES list costs as much as the rows it writes.
        if stale:
            session.execute(text("DELETE FROM offer_keys WHERE offer_id = ANY(:ids)"),
                            {"ids": stale})
        session.execute(text("INSERT INTO offer_keys (offer_id, key) "
                             "SELECT * FROM unnest(CAST(:ids AS bigint[]), "
                             "CAST(:keys AS varchar[]))"), {"ids": ids, "keys": values})
        return keys
    if stale:
        session.execute(delete(OfferKey).where(OfferKey.offer_id.in_(stale)))
    if values:
        session.execute(insert(OfferKey), [{"offer_id": i, "key": k}
                                           for i, k in zip(ids, values, strict=True)])
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


def model_keys_of(session: Session, offer_ids: Sequence[int]) -> dict[int, frozenset[str]]:
    """The model keys (m: codes, n: weak keys) of these offers."""
    found: dict[int, set[str]] = {}
    for start in range(0, len(offer_ids), 5_000):
        chunk = list(offer_ids[start:start + 5_000])
        for offer_id, key in session.execute(
                select(OfferKey.offer_id, OfferKey.key).where(
                    OfferKey.offer_id.in_(chunk),
                    or_(OfferKey.key.startswith("m:"), OfferKey.key.startswith("n:")))):
            found.setdefault(offer_id, set()).add(key)
    return {oid: frozenset(ks) for oid, ks in found.items()}
