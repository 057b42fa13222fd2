"""A batch's new offers and versions written in one statement each on PostgreSQL.

The rows go as one array per column (unnest), so psycopg prepares a handful of parameters
whatever the batch's size, and the server runs one INSERT, not one per row; the offers'
INSERT returns their ids, so no lookup follows. Elsewhere (SQLite) the executemany stays.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, text
from sqlalchemy.orm import Session

from moderation.db import is_postgres
from moderation.tables import Offer, OfferVersion, UtcDateTime

_NEW_OFFERS = text("""
INSERT INTO offers (marketplace_id, seller_id, version, title, description, category, brand,
                    price, currency, gtins, barcode_flags, status, needs_screening, queued_job,
                    queued_at, created_at, updated_at)
SELECT marketplace_id, seller_id, version, title, description, category, brand, price,
       currency, CAST(gtins AS json), CAST(barcode_flags AS json), 'active', true,
       CAST(:queued_job AS varchar), :now, :now, :now
  FROM unnest(CAST(:marketplace_id AS varchar[]), CAST(:seller_id AS bigint[]),
              CAST(:version AS integer[]), CAST(:title AS varchar[]),
              CAST(:description AS text[]), CAST(:category AS varchar[]),
              CAST(:brand AS varchar[]), CAST(:price AS numeric[]),
              CAST(:currency AS varchar[]), CAST(:gtins AS text[]),
              CAST(:barcode_flags AS text[]))
    AS r(marketplace_id, seller_id, version, title, description, category, brand, price,
         currency, gtins, barcode_flags)
RETURNING id, marketplace_id
""").bindparams(bindparam("now", type_=UtcDateTime()))

_NEW_VERSIONS = text("""
INSERT INTO offer_versions (offer_id, version, content_hash, payload, received_at)
SELECT offer_id, version, content_hash, CAST(payload AS json), :now
  FROM unnest(CAST(:offer_id AS bigint[]), CAST(:version AS integer[]),
              CAST(:content_hash AS varchar[]), CAST(:payload AS text[]))
    AS r(offer_id, version, content_hash, payload)
""").bindparams(bindparam("now", type_=UtcDateTime()))

_OFFER_COLUMNS = ("marketplace_id", "seller_id", "version", "title", "description",
                  "category", "brand", "price", "currency")


def insert_offers(session: Session, rows: Sequence[dict[str, Any]], *, queued_job: str,
                  now: datetime) -> dict[str, int]:
    """Insert new offers (rows as intake/offers.py builds them); their ids by marketplace id."""
    if not rows:
        return {}
    if not is_postgres(session):
        # A plain executemany and a lookup by marketplace id.
        session.execute(insert(Offer), list(rows))
        return dict((mid, oid) for oid, mid in session.execute(
            select(Offer.id, Offer.marketplace_id)
            .where(Offer.marketplace_id.in_(sorted(r["marketplace_id"] for r in rows)))))
    params: dict[str, Any] = {name: [r[name] for r in rows] for name in _OFFER_COLUMNS}
    params["gtins"] = [json.dumps(r["gtins"]) for r in rows]
    params["barcode_flags"] = [json.dumps(r["barcode_flags"]) for r in rows]
    return dict((mid, oid) for oid, mid in session.execute(
        _NEW_OFFERS, {**params, "queued_job": queued_job, "now": now}))


def insert_versions(session: Session, rows: Sequence[dict[str, Any]], *, now: datetime
                    ) -> None:
    """Store received versions: offer_id, version, content_hash, payload."""
    if not rows:
        return
    if not is_postgres(session):
        session.execute(insert(OfferVersion), [{**r, "received_at": now} for r in rows])
        return
    session.execute(_NEW_VERSIONS, {
        "offer_id": [r["offer_id"] for r in rows], "version": [r["version"] for r in rows],
        "content_hash": [r["content_hash"] for r in rows],
        "payload": [json.dumps(r["payload"]) for r in rows], "now": now})
