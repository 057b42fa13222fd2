"""Offers screening holds, one builder per reason, for the holds' tests and the case page's."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from moderation import cases
from moderation.programmes import decision_followups
from moderation.review import decisions
from moderation.safety.alerts import AlertIn, Code, store_alerts
from moderation.schemas import DecisionIn
from moderation.tables import Offer, SafetyAlert, Seller, utcnow
from tests.factories import make_offer, make_staff, screen_all

LEASE = timedelta(minutes=5)
HEATER_BARCODE = "5901234123457"
HEATER = dict(title="Grzejnik olejowy Termix TX-2000 11 żeberek", brand="Termix",
              category="Dom > Ogrzewanie", gtins=[HEATER_BARCODE], price="199.00",
              description="Grzejnik do domu.")
HEATER_CODE = Code("gtin", "0" + HEATER_BARCODE)
_seq = itertools.count(1)


def alert(session: Session, *, risk_level: str = "serious", **fields: Any) -> SafetyAlert:
    """An active Safety Gate alert on the Termix heater (its model, no barcode unless given)."""
    values: dict[str, Any] = {"product": "Oil heater", "name": "Termix oil radiator",
                              "brand": "Termix", "model": "TX 2000", "codes": ()}
    values.update(fields)
    summary = store_alerts(session, [AlertIn(source="safety_gate",
                                             number=f"A12/{next(_seq):05d}/26",
                                             risk_level=risk_level, **values)],
                           due_at=utcnow() + timedelta(days=3))
    return session.get_one(SafetyAlert, summary.created[0])


def decide(session: Session, case_id: int, action: str, reason_code: str) -> int:
    """A fresh moderator claims the case and decides it; returns the decision's id."""
    mod = make_staff(session).staff
    cases.claim(session, case_id=case_id, staff_id=mod.id, lease=LEASE)
    return decisions.decide(session, case_id=case_id, staff_id=mod.id,
                            decision=DecisionIn(action=action, reason_code=reason_code),
                            followups=decision_followups()).id


def removed_lamp(session: Session) -> Offer:
    """A lamp a moderator removed as unsafe."""
    first = make_offer(session, title="Lampka nocna Gwiazdka LED dla dzieci", brand=None,
                       gtins=[])
    screen_all(session)
    case = cases.open_screening_case(session, offer_id=first.id, screening_id=None,
                                     priority=3, reason_code="TEST",
                                     due_at=utcnow() + timedelta(days=1))
    decide(session, case.id, "remove", "UNSAFE_PRODUCT")
    return first


def relisted_lamp(session: Session) -> Offer:
    """The removed lamp, posted again (not yet screened)."""
    removed_lamp(session)
    return make_offer(session, title="LAMPKA nocna gwiazdka - LED, dla dzieci!", brand=None,
                      gtins=[])


def suspended_sellers_offer(session: Session) -> Offer:
    """A new offer (not yet screened) of a seller suspended for another week."""
    offer = make_offer(session, seller={"id": f"suspended-{next(_seq)}"}, gtins=[])
    seller = session.get_one(Seller, offer.seller_id)
    seller.suspended_until = utcnow() + timedelta(days=7)
    session.flush()
    return offer


def heater_under_alert(session: Session, *, risk_level: str = "low") -> Offer:
    """The heater posted (not yet screened) while an alert names its barcode."""
    alert(session, risk_level=risk_level, codes=(HEATER_CODE,))
    return make_offer(session, **HEATER)


def heater_named_like_an_alert(session: Session) -> Offer:
    """An offer (not yet screened) the learned matcher finds like an active alert."""
    alert(session)
    return make_offer(session, title="Grzejnik Termix oil radiator heater 11 żeberek",
                      brand="Termix", gtins=[])


# Each reason screening holds for, and an offer (not yet screened) it holds.
HOLD_PATHS: dict[str, Callable[[Session], Offer]] = {
    "SAFETY_ALERT_MATCH": heater_under_alert,
    "SAFETY_ALERT_POSSIBLE": heater_named_like_an_alert,
    "REMOVED_BEFORE": relisted_lamp,
    "SELLER_SUSPENDED": suspended_sellers_offer,
}
