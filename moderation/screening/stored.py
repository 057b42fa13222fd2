"""A screened batch written down: its screening rows, and its offers marked screened.

On PostgreSQL one statement does both, the rows passed as one JSON document
(json_to_recordset: one parameter, which psycopg sends as it is):
the executemany of the rows, the lookup of their ids and the executemany of the offers'
marks were three statements, two of them a statement per offer for the server to run
(about a quarter of a worker's time on 500-offer batches). Elsewhere (SQLite) the plain
statements remain.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select, text, update
from sqlalchemy.orm import Session

from moderation.db import is_postgres
from moderation.tables import Offer, Screening, UtcDateTime

_OFFERS = cast(Table, Offer.__table__)
_COLUMNS = ("offer_id", "offer_version", "route", "priority", "reason_code", "hits", "score",
            "score_features", "rules_version", "model_version")

_ONE_STATEMENT = text("""
WITH rows AS (
    SELECT * FROM json_to_recordset(CAST(:rows AS json))
        AS r(offer_id bigint, offer_version integer, route varchar, priority integer,
             reason_code varchar, hits json, score float8, score_features json,
             rules_version varchar, model_version varchar)
), stored AS (
    INSERT INTO screenings (offer_id, offer_version, route, priority, reason_code, hits,
                            score, score_features, rules_version, model_version, created_at)
    SELECT offer_id, offer_version, route, priority, reason_code, hits, score,
           score_features, rules_version, model_version, :now FROM rows
    RETURNING id, offer_id
), marked AS (
    -- Guarded by version: an update that landed meanwhile keeps its claim to be screened.
    UPDATE offers o SET screened_version = r.offer_version, needs_screening = false
      FROM rows r WHERE o.id = r.offer_id AND o.version = r.offer_version
)
SELECT id, offer_id FROM stored
""").bindparams(bindparam("now", type_=UtcDateTime()))


def store(session: Session, rows: Sequence[dict[str, Any]], *, now: datetime) -> list[int]:
    """Write one screening row per offer (each offer once) and mark the offers screened at
    that version; the rows' ids, in order."""
    if not rows:
        return []
    if is_postgres(session):
        sent = json.dumps([{name: r[name] for name in _COLUMNS} for r in rows])
        ids = dict((oid, sid) for sid, oid in session.execute(
            _ONE_STATEMENT, {"rows": sent, "now": now}))
        return [ids[r["offer_id"]] for r in rows]
    session.execute(insert(Screening), [{**r, "created_at": now} for r in rows])
    wanted = {(r["offer_id"], r["offer_version"]) for r in rows}
    by_offer = {oid: sid for sid, oid, ver in session.execute(
        select(Screening.id, Screening.offer_id, Screening.offer_version)
        .where(Screening.offer_id.in_([r["offer_id"] for r in rows]))) if (oid, ver) in wanted}
    session.execute(
        update(_OFFERS)
        .where(_OFFERS.c.id == bindparam("oid"))
        .where(_OFFERS.c.version == bindparam("ver"))
        .values(screened_version=bindparam("ver"), needs_screening=False),
        [{"oid": r["offer_id"], "ver": r["offer_version"]} for r in rows],
    )
    return [by_offer[r["offer_id"]] for r in rows]
