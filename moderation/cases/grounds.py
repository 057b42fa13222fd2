"""Why a case is here when no rule fired: the alerts matched, the earlier removal, the
seller's sanction, and the hold that keeps the offer from buyers meanwhile."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation.domain import CaseReason, DecisionAction
from moderation.tables import (
    Case,
    Decision,
    Offer,
    OfferHold,
    SafetyAlert,
    SafetyMatch,
    Seller,
    utcnow,
)


@dataclass(frozen=True, slots=True)
class AlertGround:
    """A safety alert the offer matched, and on what."""

    alert: SafetyAlert
    confidence: str  # high (sure), medium (the learned matcher's)
    score: float
    fields: tuple[str, ...]  # gtin, model, code, brand, name
    barcodes: tuple[str, ...]  # the barcodes both name, as printed on the product
    models: tuple[str, ...]  # the model codes both name, without separators


@dataclass(frozen=True, slots=True)
class RemovalGround:
    """The offer removed before as the same product, and the decision that removed it."""

    offer: Offer
    decision: Decision | None


@dataclass(frozen=True, slots=True)
class SellerSanction:
    suspended_until: datetime | None
    terminated_at: datetime | None


@dataclass(frozen=True, slots=True)
class CaseGrounds:
    alerts: list[AlertGround]
    removal: RemovalGround | None
    sanction: SellerSanction | None  # when the case or its hold rests on it
    hold: OfferHold | None  # the hold this case decides (open, or how it ended)

    @property
    def any(self) -> bool:
        return bool(self.alerts or self.removal or self.sanction or self.hold)


def printed_barcode(key: str) -> str:
    """A "g:" key (GTIN-14) as printed on a product: an EAN-13 without its padding zero."""
    code = key.removeprefix("g:")
    return code[1:] if len(code) == 14 and code.startswith("0") else code


def case_grounds(session: Session, case: Case) -> CaseGrounds:
    """What the case rests on besides rule hits and the model score."""
    hold = session.scalar(select(OfferHold).where(OfferHold.case_id == case.id)
                          .order_by(OfferHold.id.desc()).limit(1))
    alerts = [
        AlertGround(alert=alert, confidence=match.confidence, score=match.score,
                    fields=tuple(match.fields or ()),
                    barcodes=tuple(printed_barcode(k) for k in match.agreed or ()
                                   if k.startswith("g:")),
                    models=tuple(dict.fromkeys(k[2:].upper() for k in match.agreed or ()
                                               if k.startswith(("m:", "n:")))))
        for match, alert in session.execute(
            select(SafetyMatch, SafetyAlert).join(SafetyAlert,
                                                  SafetyAlert.id == SafetyMatch.alert_id)
            .where(SafetyMatch.case_id == case.id)
            .order_by(SafetyMatch.confidence != "high", SafetyMatch.score.desc(),
                      SafetyMatch.id))]
    return CaseGrounds(alerts=alerts, removal=_removal(session, hold),
                       sanction=_sanction(session, case, hold), hold=hold)


def _removal(session: Session, hold: OfferHold | None) -> RemovalGround | None:
    if hold is None or hold.removed_offer_id is None:
        return None
    offer = session.get_one(Offer, hold.removed_offer_id)
    decision = session.scalar(
        select(Decision).where(Decision.offer_id == offer.id,
                               Decision.action == DecisionAction.REMOVE.value)
        .order_by(Decision.decided_at.desc(), Decision.id.desc()).limit(1))
    return RemovalGround(offer, decision)


def _sanction(session: Session, case: Case, hold: OfferHold | None) -> SellerSanction | None:
    """The seller's sanction when the case rests on it, or while it is in force."""
    seller = session.scalar(select(Seller).join(Offer, Offer.seller_id == Seller.id)
                            .where(Offer.id == case.offer_id))
    assert seller is not None
    reason = CaseReason.SELLER_SUSPENDED.value
    rests_on = reason in (case.reason_code, hold.reason_code if hold else None)
    in_force = seller.terminated_at is not None or (
        seller.suspended_until is not None and seller.suspended_until > utcnow())
    if not (rests_on or in_force):
        return None
    return SellerSanction(seller.suspended_until, seller.terminated_at)
