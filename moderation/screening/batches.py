"""Screen stored offers in batches and record what screening concluded."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Row, insert, select, update
from sqlalchemy.orm import Session

from moderation import audit, cases, metrics
from moderation.cases import holds as holding
from moderation.cases import strikes
from moderation.db import is_postgres
from moderation.domain import Assessment, OfferStatus, Route
from moderation.policy import HELD_SELLER_REASON, MODEL_REASON
from moderation.protection import rights_rules
from moderation.review import decisions
from moderation.safety import index, reappearance
from moderation.screening import guarded, stored
from moderation.screening.hits import hit_json
from moderation.screening.screener import Screener
from moderation.tables import Offer, Right, RightsCatch, Seller, utcnow
from rules.types import OfferText


@dataclass
class ScreenSummary:
    screened: int = 0
    routes: dict[str, int] = field(default_factory=dict)


def snapshot(row: Row[Any] | Any, now: datetime) -> OfferText:
    """Build what rules and the classifier read from an offer row joined with its seller."""
    age = None
    if row.account_created_at is not None:
        age = max(0, (now - row.account_created_at).days)
    return OfferText(
        title=row.title, description=row.description or "", category=row.category,
        brand=row.brand, price=float(row.price) if row.price is not None else None,
        currency=row.currency, gtins=tuple(row.gtins or ()),
        seller_account_age_days=age, seller_activated=row.activated,
        seller_strikes=row.strikes,
    )


def _pending_query(offer_ids: Sequence[int] | None, limit: int, postgres: bool) -> Any:
    query = (
        select(Offer.id, Offer.version, Offer.screened_version, Offer.status, Offer.title,
               Offer.description,
               Offer.category, Offer.brand, Offer.price, Offer.currency, Offer.gtins,
               Seller.account_created_at, Seller.activated, Seller.strikes,
               Seller.suspended_until, Seller.terminated_at)
        .join(Seller, Seller.id == Offer.seller_id)
        .where(Offer.needs_screening)
        .order_by(Offer.id)
        .limit(limit)
    )
    if offer_ids is not None:
        query = query.where(Offer.id.in_(offer_ids))
    if postgres:
        # Two workers never screen the same offer at once; each skips what the other holds.
        query = query.with_for_update(of=Offer, skip_locked=True)
    return query


def screen_pending(
    session: Session,
    screener: Screener,
    *,
    offer_ids: Sequence[int] | None = None,
    limit: int = 500,
) -> ScreenSummary:
    """Screen offers awaiting screening (these ids, or the oldest ones) at their current version.

    Idempotent: an offer already screened at its current version is not selected again.
    """
    now, started = utcnow(), time.perf_counter()
    rows = session.execute(_pending_query(offer_ids, limit, is_postgres(session))).all()
    summary = ScreenSummary()
    if not rows:
        return summary
    keys = index.update_keys(session, rows)
    found = reappearance.check(session, rows, keys, alerts=screener.alerts,
                               learned=screener.matcher)
    holds = [found[r.id].reason if r.id in found
             else HELD_SELLER_REASON if strikes.held_for_review(r, now) else None for r in rows]
    # Under the flood guard, with any shadow run beside it (see guarded.py).
    artifacts, assessments = guarded.assess_batch(
        session, screener, rows, [snapshot(r, now) for r in rows], holds=holds,
        extra=screener.rights.current(session), now=now)
    screening_rows = [
        {
            "offer_id": r.id, "offer_version": r.version, "route": a.route.value,
            "priority": a.priority, "reason_code": a.reason_code,
            "hits": [hit_json(h) for h in a.hits], "score": a.score.value,
            "score_features": [list(f) for f in a.score.features],
            "rules_version": artifacts.ruleset.version,
            "model_version": artifacts.classifier.version,
        }
        for r, a in zip(rows, assessments, strict=True)
    ]
    # The rows, and the offers marked screened at their version (stored.py).
    screening_ids = stored.store(session, screening_rows, now=now)
    for a in assessments:
        summary.routes[a.route.value] = summary.routes.get(a.route.value, 0) + 1
    case_of = _act(session, rows, assessments, screening_ids, now)
    for row in rows:
        if row.id in found:
            reappearance.record(session, offer_id=row.id, hold=found[row.id],
                                case_id=case_of.get(row.id), now=now)
    # Held means held: the offer waits for its case out of buyers' sight, even when a rule
    # gave the case a more urgent reason of its own (a block stays a block).
    holding.hold_offers(session, [
        holding.HoldIn(offer_id=r.id, case_id=case_of[r.id], reason_code=reason,
                       alert_id=found[r.id].alert_id if r.id in found else None,
                       removed_offer_id=found[r.id].removed_offer_id if r.id in found else None)
        for r, a, reason in zip(rows, assessments, holds, strict=True)
        if reason is not None and a.route is Route.REVIEW], now=now)
    _record_rights_catches(session, rows, assessments, screening_ids, now)
    summary.screened = len(rows)
    session.flush()
    _count(summary, artifacts.ruleset.version, artifacts.classifier.version, started)
    return summary


def _count(summary: ScreenSummary, rules_version: str, model_version: str,
           started: float) -> None:
    """Count the batch's routes per pack and model version, and its time (metrics.py).

    Counted when the batch is flushed, not committed: a batch its job rolls back is
    screened again and counted again, which a rate over minutes hardly shows.
    """
    for route, n in summary.routes.items():
        metrics.OFFERS_SCREENED.labels(route=route, rules_version=rules_version,
                                       model_version=model_version).inc(n)
    metrics.SCREENING_LATENCY.labels(rules_version=rules_version, model_version=model_version
                                     ).observe(time.perf_counter() - started)


def _act(session: Session, rows: Sequence[Any], assessments: Sequence[Assessment],
         screening_ids: Sequence[int], now: datetime) -> dict[int, int]:
    """Carry out each route, batched; return the review case of each offer sent to review."""
    blocks, reviews = [], []
    for row, assessment, screening_id in zip(rows, assessments, screening_ids, strict=True):
        if assessment.route is Route.BLOCK:
            blocks.append(decisions.Block(row.id, row.status, assessment))
        elif assessment.route is Route.REVIEW:
            assert assessment.priority is not None and assessment.due_in is not None
            reviews.append(cases.ScreeningReview(
                offer_id=row.id, screening_id=screening_id, priority=assessment.priority,
                reason_code=assessment.reason_code, due_at=now + assessment.due_in,
                source=_source(assessment)))
        elif row.status == OfferStatus.BLOCKED.value:
            # A seller who fixed a listing the rules blocked gets it back without waiting.
            session.execute(update(Offer).where(Offer.id == row.id)
                            .values(status=OfferStatus.ACTIVE.value, updated_at=now))
            audit.record(session, actor=audit.SYSTEM, action="offer.unblocked", entity="offer",
                         entity_id=row.id, before={"status": row.status},
                         after={"status": OfferStatus.ACTIVE.value})
    decisions.system_blocks(session, blocks)
    return {oid: case.id for oid, case in cases.open_screening_cases(session, reviews).items()}


def _source(assessment: Assessment) -> str:
    """Who raised a screening case: the rules, the model, or the seller's sanction."""
    if assessment.reason_code == MODEL_REASON:
        return "model"
    if assessment.reason_code == HELD_SELLER_REASON:
        return "seller"
    if assessment.reason_code in reappearance.REASONS:
        return "reappearance"
    return "rules"


def _record_rights_catches(session: Session, rows: Sequence[Any],
                           assessments: Sequence[Assessment], screening_ids: Sequence[int],
                           now: datetime) -> None:
    """Remember which offers a rights holder's brands caught, for the holder to see."""
    caught = [(right_id, hit.rule_id, row.id, screening_id)
              for row, a, screening_id in zip(rows, assessments, screening_ids, strict=True)
              for hit in a.hits
              if (right_id := rights_rules.right_id_of(hit.rule_id)) is not None]
    if not caught:
        return
    owners = dict(session.execute(select(Right.id, Right.organisation_id).where(
        Right.id.in_({c[0] for c in caught}))).all())
    session.execute(insert(RightsCatch), [
        {"right_id": right_id, "organisation_id": owners[right_id], "offer_id": offer_id,
         "screening_id": screening_id, "rule_id": rule_id, "created_at": now}
        for right_id, rule_id, offer_id, screening_id in caught if right_id in owners])
