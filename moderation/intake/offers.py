"""Offer intake: create or update offers, idempotent on (marketplace id, version)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import insert, select, tuple_, update
from sqlalchemy.orm import Session

from moderation import pending
from moderation.db import is_postgres
from moderation.errors import NotFound, VersionConflict
from moderation.intake import bulk, one_statement
from moderation.schemas import OfferIn
from moderation.tables import Offer, OfferVersion, Seller, utcnow


class IngestOutcome(StrEnum):
    CREATED = "created"  # a new offer
    UPDATED = "updated"  # a newer version of a known offer
    DUPLICATE = "duplicate"  # this exact version was received before
    STALE = "stale"  # an older version arriving late: kept in history, not applied
    CONFLICT = "conflict"  # this version was received before with other content


@dataclass(frozen=True, slots=True)
class IngestResult:
    marketplace_id: str
    version: int
    outcome: IngestOutcome
    offer_id: int | None

    @property
    def needs_screening(self) -> bool:
        return self.outcome in (IngestOutcome.CREATED, IngestOutcome.UPDATED)


_OFFER_FIELDS = ("title", "description", "category", "brand", "price", "currency")


def content_hash(payload: dict[str, Any]) -> str:
    """Hash an offer event canonically, so a resent event is recognised as the same."""
    return hashlib.sha256(
        json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str).encode()
    ).hexdigest()


def _payload(event: OfferIn) -> dict[str, Any]:
    payload = event.model_dump(mode="json")
    # Left out unsaid, so that versions stored before sellers had a language hash the same.
    if payload["seller"].get("language") is None:
        payload["seller"].pop("language", None)
    # Left out unsaid: not sent is unknown, which no version stored before could say.
    if payload["seller"].get("activated") is None:
        payload["seller"].pop("activated", None)
    return payload


def _same_as(payload: dict[str, Any], digest: str) -> frozenset[str]:
    """The hashes a version stored before has when it is this event sent again.

    Before an unsent activation was unknown it was stored as true: an event without one
    is also the resend of that version.
    """
    if "activated" in payload["seller"]:
        return frozenset({digest})
    legacy = {**payload, "seller": {**payload["seller"], "activated": True}}
    return frozenset({digest, content_hash(legacy)})


def ingest(session: Session, offer: OfferIn) -> IngestResult:
    """Ingest one offer event; a version resent with other content is a conflict.

    Its screening joins the offers arriving in the same short window (one job for them).
    """
    return refuse_conflict(ingest_each(session, [offer])[0])


def refuse_conflict(result: IngestResult) -> IngestResult:
    """The result, unless it is a version resent with other content: VersionConflict."""
    if result.outcome is IngestOutcome.CONFLICT:
        raise VersionConflict(
            f"offer {result.marketplace_id} version {result.version} was already received "
            "with different content",
            field="version",
        )
    return result


def ingest_each(session: Session, events: Sequence[OfferIn]) -> list[IngestResult]:
    """Ingest offer events sent one by one, together: each one's outcome, in order.

    A conflict is an outcome here, not an error. One event on PostgreSQL takes one statement
    (intake/one_statement.py), more the batch path's handful; their screening joins the
    offers arriving in the same short window.
    """
    if len(events) == 1 and is_postgres(session):
        result = _ingest_in_one_statement(session, events[0])
        if result is not None:
            return [result]
    return ingest_many(session, events, windowed=True)


def ingest_many(session: Session, events: Sequence[OfferIn], *, windowed: bool = False
                ) -> list[IngestResult]:
    """Ingest a batch of offer events with a handful of statements, whatever its size.

    What needs screening is marked with its job, declared to follow the commit: one bulk
    job for the batch, or the coalescing window's (`windowed`).
    """
    payloads = [_payload(e) for e in events]
    hashes = [content_hash(p) for p in payloads]
    seller_ids = _upsert_sellers(session, events)

    mids = sorted({e.marketplace_id for e in events})
    query = select(Offer.id, Offer.marketplace_id, Offer.version).where(
        Offer.marketplace_id.in_(mids)
    )
    if is_postgres(session):
        # Serialise concurrent intakes of the same offer; different offers do not wait.
        query = query.with_for_update()
    known = {mid: (oid, ver) for oid, mid, ver in session.execute(query)}
    seen = _known_versions(session, [(known[e.marketplace_id][0], e.version)
                                     for e in events if e.marketplace_id in known])

    results: list[IngestResult | None] = [None] * len(events)
    new_offers: dict[str, int] = {}  # marketplace id -> index of the newest event creating it
    updates: dict[int, int] = {}  # offer id -> index of the newest event updating it
    for i, event in enumerate(events):
        mid, ver = event.marketplace_id, event.version
        offer_id = known[mid][0] if mid in known else None
        prior = seen.get((offer_id, ver)) if offer_id is not None else None
        if prior is None:
            prior = seen.get((mid, ver))
        if prior is not None:
            outcome = (IngestOutcome.DUPLICATE if prior in _same_as(payloads[i], hashes[i])
                       else IngestOutcome.CONFLICT)
            results[i] = IngestResult(mid, ver, outcome, offer_id)
            continue
        seen[(mid, ver)] = hashes[i]
        if offer_id is None:
            j = new_offers.get(mid)
            if j is None or events[j].version < ver:
                new_offers[mid] = i
        elif ver > known[mid][1]:
            j = updates.get(offer_id)
            if j is None or events[j].version < ver:
                updates[offer_id] = i

    now = utcnow()
    ticket = pending.screening_ticket(windowed=windowed)
    if new_offers:
        # One INSERT of arrays on PostgreSQL (intake/bulk.py): a multi-row INSERT ... VALUES
        # of a whole chunk cost psycopg several times as much to prepare (one placeholder
        # per value) as the rows cost to write, an executemany a statement per row.
        created = bulk.insert_offers(
            session, [_offer_row(events[i], seller_ids[events[i].seller.id], now, ticket)
                      for i in new_offers.values()], queued_job=ticket.job_id, now=now)
        for mid, oid in created.items():
            known[mid] = (oid, events[new_offers[mid]].version)
    if updates:
        rows = [
            {"id": oid, **_offer_row(events[i], seller_ids[events[i].seller.id], now, ticket)}
            for oid, i in updates.items()
        ]
        for row in rows:
            del row["created_at"]
        session.execute(update(Offer), rows)

    chosen = set(new_offers.values()) | set(updates.values())
    version_rows = []
    for i, event in enumerate(events):
        if results[i] is not None:
            continue
        offer_id = known[event.marketplace_id][0]
        if i in chosen:
            outcome = (IngestOutcome.CREATED if i in new_offers.values()
                       else IngestOutcome.UPDATED)
        else:
            outcome = IngestOutcome.STALE
        results[i] = IngestResult(event.marketplace_id, event.version, outcome, offer_id)
        version_rows.append({"offer_id": offer_id, "version": event.version,
                             "content_hash": hashes[i], "payload": payloads[i]})
    bulk.insert_versions(session, version_rows, now=now)
    session.flush()
    # A repeat, within the batch, of an event creating its offer: the id it was given.
    done = [r if r is None or r.offer_id is not None or r.marketplace_id not in known
            else IngestResult(r.marketplace_id, r.version, r.outcome, known[r.marketplace_id][0])
            for r in results if r is not None]
    pending.declare_screening(session, ticket, [r.offer_id for r in done
                                                if r.needs_screening and r.offer_id is not None])
    return done


def _ingest_in_one_statement(session: Session, event: OfferIn) -> IngestResult | None:
    """The batch path's outcome for one event, in one statement; None: take the batch path."""
    payload = _payload(event)
    digest = content_hash(payload)
    now = utcnow()
    ticket = pending.screening_ticket(windowed=True)
    seller = event.seller
    stored = one_statement.ingest_one(
        session, offer=_offer_row(event, 0, now, ticket), content_hash=digest,
        payload=payload, now=now,
        seller={"external_id": seller.id, "account_created_at": seller.account_created_at,
                "activated": seller.activated, "language": seller.language})
    if stored is None:
        return None
    mid, ver = event.marketplace_id, event.version
    if stored.prior_hash is not None:
        outcome = (IngestOutcome.DUPLICATE if stored.prior_hash in _same_as(payload, digest)
                   else IngestOutcome.CONFLICT)
    elif stored.created is None:
        outcome = IngestOutcome.STALE
    else:
        outcome = IngestOutcome.CREATED if stored.created else IngestOutcome.UPDATED
    result = IngestResult(mid, ver, outcome, stored.offer_id)
    if result.needs_screening:
        pending.declare_screening(session, ticket, [stored.offer_id])
    return result


def _offer_row(event: OfferIn, seller_id: int, now: Any, ticket: pending.ScreeningTicket
               ) -> dict[str, Any]:
    row = {name: getattr(event, name) for name in _OFFER_FIELDS}
    # Only valid GTINs (as digits) reach screening and the safety keys; a code with a wrong
    # check digit or no GTIN shape is kept, as written, with what is wrong with it.
    codes = event.barcodes()
    row["gtins"] = list(codes.valid)
    row["barcode_flags"] = [flag.as_dict() for flag in codes.flags]
    row.update(
        marketplace_id=event.marketplace_id, seller_id=seller_id, version=event.version,
        needs_screening=True, updated_at=now, created_at=now,
        queued_job=ticket.job_id, queued_at=now,
    )
    return row


def _known_versions(
    session: Session, pairs: list[tuple[int, int]]
) -> dict[tuple[Any, int], str]:
    if not pairs:
        return {}
    rows = session.execute(
        select(OfferVersion.offer_id, OfferVersion.version, OfferVersion.content_hash).where(
            tuple_(OfferVersion.offer_id, OfferVersion.version).in_(sorted(set(pairs)))
        )
    )
    return {(oid, ver): h for oid, ver, h in rows}


def _upsert_sellers(session: Session, events: Sequence[OfferIn]) -> dict[str, int]:
    latest = {e.seller.id: e.seller for e in events}
    # The last activation each seller's events sent: a later event not sending one keeps it.
    said = {e.seller.id: e.seller.activated for e in events if e.seller.activated is not None}
    rows = session.execute(
        select(Seller.id, Seller.external_id, Seller.account_created_at, Seller.activated,
               Seller.language)
        .where(Seller.external_id.in_(sorted(latest)))
    ).all()
    ids = {ext: sid for sid, ext, _, _, _ in rows}
    changed = [
        {"id": sid, "account_created_at": latest[ext].account_created_at or created,
         "activated": _known(said.get(ext), activated),
         "language": latest[ext].language or language}
        for sid, ext, created, activated, language in rows
        if (latest[ext].account_created_at not in (None, created))
        or said.get(ext) not in (None, activated)
        or latest[ext].language not in (None, language)
    ]
    if changed:
        session.execute(update(Seller), changed)
    missing = [ext for ext in latest if ext not in ids]
    if missing:
        now = utcnow()
        new_ids = session.scalars(
            insert(Seller).returning(Seller.id, sort_by_parameter_order=True),
            [{"external_id": ext, "account_created_at": latest[ext].account_created_at,
              "activated": said.get(ext), "language": latest[ext].language,
              "strikes": 0, "created_at": now}
             for ext in missing],
        ).all()
        ids.update(zip(missing, new_ids, strict=True))
    return ids


def _known(sent: bool | None, stored: bool | None) -> bool | None:
    """An activation an offer event did not send keeps the one known (COALESCE)."""
    return stored if sent is None else sent


def get_offer(session: Session, offer_id: int) -> Offer:
    """Return one offer or raise NotFound."""
    offer = session.get(Offer, offer_id)
    if offer is None:
        raise NotFound(f"offer {offer_id} not found")
    return offer
