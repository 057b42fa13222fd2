"""A screened batch written down: its screening rows, and its offers marked screened.

On PostgreSQL one statement does both, the rows passed as one array per column (unnest):
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
    SELECT * FROM unnest(CAST(:offer_id AS bigint[]), CAST(:offer_version AS integer[]),
                         CAST(:route AS varchar[]), CAST(:priority AS integer[]),
                         CAST(:reason_code AS varchar[]), CAST(:hits AS text[]),
                         CAST(:score AS float8[]), CAST(:score_features AS text[]),
                         CAST(:rules_version AS varchar[]), CAST(:model_version AS varchar[]))
        AS r(offer_id, offer_version, route, priority, reason_code, hits, score,
             score_features, rules_version, model_version)
), stored AS (
    INSERT INTO screenings (offer_id, offer_version, route, priority, reason_code, hits,
                            score, score_features, rules_version, model_version, created_at)
    SELECT offer_id, offer_version, route, priority, reason_code, CAST(hits AS json), score,
           CAST(score_features AS json), rules_version, model_version, :now FROM rows
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
        params: dict[str, Any] = {name: [r[name] for r in rows] for name in _COLUMNS}
        params["hits"] = [json.dumps(h) for h in params["hits"]]
        params["score_features"] = [json.dumps(f) for f in params["score_features"]]
        ids = dict((oid, sid) for sid, oid in session.execute(_ONE_STATEMENT,
                                                              {**params, "now": now}))
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
