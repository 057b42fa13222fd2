"""A batch's new offers and versions written in one statement each on PostgreSQL.

The rows go as one JSON document (json_to_recordset), so psycopg sends one parameter whatever
the batch's size (arrays of text cost it more to escape than the rows cost to write), and
the server runs one INSERT, not one per row; the offers' INSERT returns their ids, so no
lookup follows. The payload stored is the same text the ORM's JSON type wrote (json.dumps).
Elsewhere (SQLite) the executemany stays.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
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
       currency, gtins, barcode_flags, 'active', true, CAST(:queued_job AS varchar), :now,
       :now, :now
  FROM json_to_recordset(CAST(:rows AS json))
    AS r(marketplace_id varchar, seller_id bigint, version integer, title varchar,
         description text, category varchar, brand varchar, price numeric,
         currency varchar, gtins json, barcode_flags json)
RETURNING id, marketplace_id
""").bindparams(bindparam("now", type_=UtcDateTime()))

_NEW_VERSIONS = text("""
INSERT INTO offer_versions (offer_id, version, content_hash, payload, received_at)
SELECT offer_id, version, content_hash, payload, :now
  FROM json_to_recordset(CAST(:rows AS json))
    AS r(offer_id bigint, version integer, content_hash varchar, payload json)
""").bindparams(bindparam("now", type_=UtcDateTime()))

_OFFER_COLUMNS = ("marketplace_id", "seller_id", "version", "title", "description",
                  "category", "brand", "price", "currency", "gtins", "barcode_flags")


def _json_value(value: Any) -> str:
    """A price as its exact text (numeric reads it so); nothing else is expected here."""
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"not JSON: {type(value).__name__}")


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
    sent = json.dumps([{name: r[name] for name in _OFFER_COLUMNS} for r in rows],
                      default=_json_value)
    return dict((mid, oid) for oid, mid in session.execute(
        _NEW_OFFERS, {"rows": sent, "queued_job": queued_job, "now": now}))


def insert_versions(session: Session, rows: Sequence[dict[str, Any]], *, now: datetime
                    ) -> None:
    """Store received versions: offer_id, version, content_hash, payload."""
    if not rows:
        return
    if not is_postgres(session):
        session.execute(insert(OfferVersion), [{**r, "received_at": now} for r in rows])
        return
    session.execute(_NEW_VERSIONS, {"rows": json.dumps(list(rows)), "now": now})
