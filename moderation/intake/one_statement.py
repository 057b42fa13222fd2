"""One offer event in one PostgreSQL statement: seller upsert, offer upsert, version insert.

A single POST /v1/offers did six statements (seller lookup, offer lookup FOR UPDATE, known
versions, insert, id lookup, version insert): six round trips for one row each. Here one
statement does them all, as data-modifying CTEs:

- the seller is inserted, or updated only when a signal it sent changed (no dead tuple and
  no row lock per offer of a busy seller otherwise; one not sent keeps what is known);
  unchanged, its id is read from the snapshot;
- the offer is inserted, or updated when this version is newer. ON CONFLICT DO UPDATE
  locks the offer's row even when its WHERE is false, so two intakes of the same offer
  wait for each other as the FOR UPDATE of the batch path makes them;
- the version is stored unless it was received before (then its hash tells duplicate from
  conflict).

All parts read the statement's one snapshot. When a concurrent intake committed the seller
or the offer after that snapshot was taken, a part finds nothing to read its id from: the
answer says so (`None`), nothing was written, and the caller takes the batch path, whose
statements see the committed rows. A seller committed that way also leaves the offer's
update undone while the offer itself is known; the answer is `None` then too, or a newer
version would be taken for a stale one (seen in CI: eight racing versions ended on 7).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Integer, Numeric, String, bindparam, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from moderation.tables import Offer, Seller, UtcDateTime

_STATEMENT = text("""
WITH seller_new AS (
    INSERT INTO sellers AS s (external_id, account_created_at, activated, language, strikes,
                              created_at)
    VALUES (:seller_ext, :seller_created, :seller_activated, :seller_language, 0, :now)
    ON CONFLICT (external_id) DO UPDATE
       SET account_created_at = COALESCE(EXCLUDED.account_created_at, s.account_created_at),
           activated = COALESCE(EXCLUDED.activated, s.activated),
           language = COALESCE(EXCLUDED.language, s.language)
     WHERE (EXCLUDED.activated IS NOT NULL AND s.activated IS DISTINCT FROM EXCLUDED.activated)
        OR (EXCLUDED.account_created_at IS NOT NULL
            AND s.account_created_at IS DISTINCT FROM EXCLUDED.account_created_at)
        OR (EXCLUDED.language IS NOT NULL AND s.language IS DISTINCT FROM EXCLUDED.language)
    RETURNING s.id
), seller AS (
    SELECT id FROM seller_new
    UNION ALL
    SELECT id FROM sellers
     WHERE external_id = CAST(:seller_ext AS varchar) AND NOT EXISTS (SELECT 1 FROM seller_new)
), known AS (
    SELECT id FROM offers WHERE marketplace_id = CAST(:marketplace_id AS varchar)
), prior AS (
    SELECT v.content_hash FROM offer_versions v JOIN known k ON v.offer_id = k.id
     WHERE v.version = CAST(:version AS integer)
), offer_new AS (
    INSERT INTO offers AS o (marketplace_id, seller_id, version, title, description, category,
                             brand, price, currency, gtins, barcode_flags, status,
                             needs_screening, queued_job, queued_at, created_at, updated_at)
    SELECT CAST(:marketplace_id AS varchar), seller.id, CAST(:version AS integer),
           CAST(:title AS varchar), CAST(:description AS text), CAST(:category AS varchar),
           CAST(:brand AS varchar), CAST(:price AS numeric), CAST(:currency AS varchar),
           CAST(:gtins AS json), CAST(:barcode_flags AS json), 'active', true,
           CAST(:queued_job AS varchar), CAST(:now AS timestamptz),
           CAST(:now AS timestamptz), CAST(:now AS timestamptz)
      FROM seller
     WHERE NOT EXISTS (SELECT 1 FROM prior)
    ON CONFLICT (marketplace_id) DO UPDATE
       SET seller_id = EXCLUDED.seller_id, version = EXCLUDED.version,
           title = EXCLUDED.title, description = EXCLUDED.description,
           category = EXCLUDED.category, brand = EXCLUDED.brand, price = EXCLUDED.price,
           currency = EXCLUDED.currency, gtins = EXCLUDED.gtins,
           barcode_flags = EXCLUDED.barcode_flags, needs_screening = true,
           queued_job = EXCLUDED.queued_job, queued_at = EXCLUDED.queued_at,
           updated_at = EXCLUDED.updated_at
     WHERE o.version < EXCLUDED.version
    RETURNING o.id, o.xmax = 0 AS created
), offer AS (
    SELECT id FROM offer_new
    UNION ALL
    SELECT id FROM known
     WHERE NOT EXISTS (SELECT 1 FROM offer_new)
       -- Without its seller the offer's update was skipped, not refused as stale: no id,
       -- so nothing is written and the batch path decides.
       AND EXISTS (SELECT 1 FROM seller)
), version_new AS (
    INSERT INTO offer_versions (offer_id, version, content_hash, payload, received_at)
    SELECT offer.id, CAST(:version AS integer), CAST(:content_hash AS varchar),
           CAST(:payload AS json), CAST(:now AS timestamptz) FROM offer
     WHERE NOT EXISTS (SELECT 1 FROM prior)
    ON CONFLICT (offer_id, version) DO NOTHING
    RETURNING offer_id
)
SELECT (SELECT id FROM offer) AS offer_id,
       (SELECT created FROM offer_new) AS created,
       (SELECT content_hash FROM prior) AS prior_hash,
       EXISTS (SELECT 1 FROM version_new) AS stored,
       (SELECT id FROM seller_new) AS seller_changed
""").bindparams(
    bindparam("seller_ext", type_=String()), bindparam("seller_created", type_=UtcDateTime()),
    bindparam("seller_activated", type_=Boolean()),
    bindparam("seller_language", type_=String()), bindparam("now", type_=UtcDateTime()),
    bindparam("marketplace_id", type_=String()), bindparam("version", type_=Integer()),
    bindparam("title", type_=String()), bindparam("description", type_=String()),
    bindparam("category", type_=String()), bindparam("brand", type_=String()),
    bindparam("price", type_=Numeric(14, 2)), bindparam("currency", type_=String()),
    bindparam("gtins", type_=JSON()), bindparam("barcode_flags", type_=JSON()),
    bindparam("queued_job", type_=String()), bindparam("content_hash", type_=String()),
    bindparam("payload", type_=JSON()),
)


# The statement as psycopg takes it, run with exec_driver_sql: the compiled statement's
# parameters cost SQLAlchemy about 170 us of CPU per offer to build (half the statement's
# Python time, measured beside the driver's own execute), and the types' conversions are
# only the two below. Statement events, error translation and the session's transaction
# are SQLAlchemy's still.
_DIALECT = postgresql.psycopg.dialect()
_DRIVER_SQL = str(_STATEMENT.compile(dialect=_DIALECT))
_UTC_BIND = UtcDateTime()


def _utc(value: datetime | None) -> datetime | None:
    """As UtcDateTime binds it (its own conversion: a zoned time in UTC, a naive one as it is)."""
    return _UTC_BIND.process_bind_param(value, _DIALECT)


@dataclass(frozen=True, slots=True)
class Stored:
    """What the statement did: the offer's id, and which of the outcomes it was."""

    offer_id: int
    created: bool | None  # True: inserted, False: updated, None: neither (stale or seen)
    prior_hash: str | None  # this version's hash when it was received before
    stored: bool  # the version row was written


def ingest_one(session: Session, *, seller: dict[str, Any], offer: dict[str, Any],
               content_hash: str, payload: dict[str, Any], now: datetime) -> Stored | None:
    """Write one offer event in one statement; None when a concurrent intake's rows are not
    in its snapshot (nothing was written: take the batch path)."""
    session.flush()  # a text statement does not autoflush what the session holds
    row = session.connection().exec_driver_sql(_DRIVER_SQL, {
        "seller_ext": seller["external_id"],
        "seller_created": _utc(seller["account_created_at"]),
        "seller_activated": seller["activated"], "seller_language": seller["language"],
        "now": _utc(now), "content_hash": content_hash, "payload": json.dumps(payload),
        "gtins": json.dumps(offer["gtins"]), "barcode_flags": json.dumps(offer["barcode_flags"]),
        **{name: offer[name] for name in (
            "marketplace_id", "version", "title", "description", "category", "brand",
            "price", "currency", "queued_job")},
    }).one()
    if row.created is not None and not row.stored:
        # Every stored version is at most the offer's: one newer than the offer cannot exist.
        raise RuntimeError(f"offer {offer['marketplace_id']} version {offer['version']}: "
                           "applied but its version row was already there")
    if row.offer_id is None or (row.prior_hash is None and not row.stored):
        # Its seller, its offer or this very version was committed by a concurrent intake
        # after the snapshot: nothing of this event was written (a seller's changed signal
        # aside, which the batch path writes the same).
        return None
    # Objects this session already holds no longer show what the statement wrote.
    _expire(session, Offer, row.offer_id if row.created is False else None)
    _expire(session, Seller, row.seller_changed)
    return Stored(row.offer_id, row.created, row.prior_hash, row.stored)


def _expire(session: Session, table: type[Offer] | type[Seller], row_id: int | None) -> None:
    if row_id is None:
        return
    held = session.identity_map.get(session.identity_key(table, row_id))
    if held is not None:
        session.expire(held)
