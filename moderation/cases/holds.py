"""Holds: an offer kept from buyers until a person decides its case, and the marketplace told.

Screening holds a new or changed offer that surely or possibly matches an active safety
alert, repeats a product removed before, or comes from a suspended or terminated seller;
an alert arriving later holds the shown offers it surely matches when its risk is serious
(policy.HOLDING_RISK_LEVELS). A hold sets the offer's status to `held` and, in the same
transaction, tells the marketplace through its webhook that the offer must not be shown;
the decision on the case ends it (keep: shown again, remove: removed) and tells it again.
One open hold per offer (a partial unique index): holding a held offer changes nothing and
tells nobody.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from moderation import audit, outbox, statements
from moderation.db import is_postgres
from moderation.domain import CaseReason, OfferStatus, StatementSource
from moderation.tables import Decision, Offer, OfferHold, SafetyAlert, Seller, utcnow

# Only an offer buyers can see is held: a blocked or removed one is already off.
HOLDABLE = (OfferStatus.ACTIVE.value, OfferStatus.RESTORED.value)
# The marketplace hears of holds on its webhook (delivery.py sends "marketplace:" there).
MARKETPLACE = "marketplace:webhook"
HELD_KIND = "marketplace.offer_held"
RELEASED_KIND = "marketplace.offer_released"
# What the seller's statement says about each reason, without personal data.
WHY = {
    CaseReason.SAFETY_ALERT_MATCH.value: "The offer matches a product named in an active "
                                         "product-safety alert",
    CaseReason.SAFETY_ALERT_POSSIBLE.value: "The offer may be a product named in an active "
                                            "product-safety alert",
    CaseReason.SAFETY_ALERT.value: "The offer matches a product named in a product-safety "
                                   "alert with a serious risk",
    CaseReason.AUTHORITY_ORDER.value: "The offer matches a product named in an order of the "
                                      "market surveillance authority with a serious risk",
    CaseReason.REMOVED_BEFORE.value: "The offer repeats a product removed before as unsafe",
    CaseReason.SELLER_SUSPENDED.value: "New offers of a suspended or terminated account wait "
                                       "for review",
}


@dataclass(frozen=True, slots=True)
class HoldIn:
    """An offer to hold, the case that decides it and what the hold rests on."""

    offer_id: int
    case_id: int | None
    reason_code: str
    alert_id: int | None = None
    removed_offer_id: int | None = None


def hold_offers(session: Session, holds: Sequence[HoldIn], *, now: datetime | None = None
                ) -> list[int]:
    """Hold the offers buyers can still see; return the ids held now (the others were
    already held, blocked or removed, and nobody is told again)."""
    if not holds:
        return []
    now = now or utcnow()
    wanted = {h.offer_id: h for h in holds}
    query = (select(Offer.id, Offer.status, Offer.marketplace_id, Offer.title,
                    Seller.external_id)
             .join(Seller, Seller.id == Offer.seller_id)
             .where(Offer.id.in_(list(wanted)), Offer.status.in_(HOLDABLE)).order_by(Offer.id))
    if is_postgres(session):
        query = query.with_for_update(of=Offer)
    rows = session.execute(query).all()
    if not rows:
        return []
    ids = [r.id for r in rows]
    session.execute(update(Offer).where(Offer.id.in_(ids))
                    .values(status=OfferStatus.HELD.value, updated_at=now))
    session.execute(insert(OfferHold), [
        {"offer_id": r.id, "case_id": wanted[r.id].case_id,
         "reason_code": wanted[r.id].reason_code, "alert_id": wanted[r.id].alert_id,
         "removed_offer_id": wanted[r.id].removed_offer_id, "previous_status": r.status,
         "held_at": now} for r in rows])
    audit.record_many(session, [
        {"actor": audit.SYSTEM, "action": "offer.held", "entity": "offer", "entity_id": r.id,
         "before": {"status": r.status},
         "after": {"status": OfferStatus.HELD.value, "reason_code": wanted[r.id].reason_code,
                   "case_id": wanted[r.id].case_id}} for r in rows])
    for r in rows:
        hold = wanted[r.id]
        outbox.notify(session, kind=HELD_KIND, recipient=MARKETPLACE, payload={
            "offer_id": r.id, "marketplace_id": r.marketplace_id,
            "status": OfferStatus.HELD.value, "may_be_shown": False,
            "reason_code": hold.reason_code, "case_id": hold.case_id,
            "held_at": now.isoformat()})
    _tell_held(session, [wanted[r.id] for r in rows], now=now)
    session.flush()
    return ids


def _tell_held(session: Session, holds: Sequence[HoldIn], *, now: datetime) -> None:
    """Write each held offer's statement of reasons (art. 17: a hold is a restriction)."""
    offers = {o.id: o for o in session.scalars(
        select(Offer).where(Offer.id.in_([h.offer_id for h in holds])))}
    alerts = {a.id: a for a in session.scalars(select(SafetyAlert).where(
        SafetyAlert.id.in_({h.alert_id for h in holds if h.alert_id is not None})))}
    removed = dict(session.execute(select(Offer.id, Offer.marketplace_id).where(
        Offer.id.in_({h.removed_offer_id for h in holds if h.removed_offer_id is not None}))
    ).all())
    for hold in holds:
        facts: dict[str, Any] = {"why": WHY.get(hold.reason_code, hold.reason_code)}
        source = StatementSource.OWN_INITIATIVE
        alert = alerts.get(hold.alert_id) if hold.alert_id is not None else None
        if alert is not None:
            # What the alert or order names set the hold off; our matching found the offer.
            facts["alerts"] = [statements.alert_facts(alert)]
            source = StatementSource.OTHER_NOTIFICATION
        if hold.removed_offer_id is not None:
            facts["removed_offer"] = removed.get(hold.removed_offer_id)
        if hold.reason_code == CaseReason.SELLER_SUSPENDED.value:
            facts["sanction"] = "suspended or terminated"
        statements.offer_held(session, offer=offers[hold.offer_id], reason_code=hold.reason_code,
                              facts=facts, source=source, now=now)


def open_hold(session: Session, offer_id: int) -> OfferHold | None:
    """The offer's open hold, if it is held."""
    return session.scalar(select(OfferHold).where(OfferHold.offer_id == offer_id,
                                                  OfferHold.released_at.is_(None)))


def release(session: Session, offer: Offer, *, decision: Decision, removed: bool,
            now: datetime | None = None) -> OfferHold | None:
    """End the offer's open hold on a decision of its case and tell the marketplace.

    A still held offer is removed, or gets back the status it had before the hold; one a
    rule blocked meanwhile keeps what the decision made of it.
    """
    hold = open_hold(session, offer.id)
    if hold is None:
        return None
    now = now or utcnow()
    hold.released_at, hold.decision_id = now, decision.id
    if offer.status == OfferStatus.HELD.value:
        offer.status = OfferStatus.REMOVED.value if removed else hold.previous_status
        offer.updated_at = now
    outbox.notify(session, kind=RELEASED_KIND, recipient=MARKETPLACE, payload={
        "offer_id": offer.id, "marketplace_id": offer.marketplace_id, "status": offer.status,
        "may_be_shown": offer.status in HOLDABLE, "outcome": "removed" if removed else "kept",
        "decision_id": decision.id, "released_at": now.isoformat()})
    session.flush()
    return hold
