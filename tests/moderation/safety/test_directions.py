"""One answer per (alert, offer) pair, whichever came first: an alert matched against the
indexed offers, or a new offer screened against the active alerts."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from moderation.safety.alerts import Code
from moderation.safety.matching import match_alert
from moderation.tables import SafetyMatch
from tests.factories import learned, make_offer, screen_all
from tests.moderation.safety.test_reappearance import alert

REMINGTON = {"brand": "Remington", "model": "4455", "name": "Pro Air 2200",
             "product": "Hair dryer"}
TERMIX = {"brand": "Termix", "model": "TX 2000", "name": "Termix oil radiator",
          "product": "Oil heater"}
ELITE = {"brand": "Elite Screens Inc.", "model": "ES15-BB-TA", "name": "Projection screen",
         "product": "Screen"}

# (alert, offer, what both directions must say: "high", "medium" or None)
PAIRS: list[tuple[dict[str, Any], dict[str, Any], str | None]] = [
    (REMINGTON, {"title": "Suszarka Remington model 4455", "brand": None}, "high"),
    (REMINGTON, {"title": "Suszarka Remington 4455", "brand": "Remington"}, "high"),
    (REMINGTON, {"title": "Suszarka Remington mod. 4455", "brand": "Remington"}, "high"),
    (REMINGTON, {"title": "Suszarka Remington model 5566", "brand": "Remington"}, None),
    (REMINGTON, {"title": "Suszarka Philips 4455", "brand": "Philips"}, None),
    (REMINGTON, {"title": "Prostownica Remington S3500", "brand": "Remington"}, None),
    (ELITE, {"title": "Ekran projekcyjny Elite Screens ES15 BB TA", "brand": None}, "high"),
    (ELITE, {"title": "Ekran Elite Screens typ ES15-BB-TB", "brand": "Elite Screens"}, None),
    ({**ELITE, "codes": (Code("gtin", "05901234123457"),)},
     {"title": "Ekran projekcyjny", "brand": None, "gtins": ["5901234123457"]}, "high"),
    (TERMIX, {"title": "Grzejnik olejowy Termix TX-2000 11 żeberek", "brand": "Termix"},
     "high"),
    (TERMIX, {"title": "Grzejnik Termix oil radiator heater 11 żeberek", "brand": "Termix"},
     "medium"),
    (TERMIX, {"title": "Termix czajnik elektryczny 1,7 l", "brand": "Termix"}, None),
    (TERMIX, {"title": "Grzejnik olejowy Termix TX-3000 13 żeberek", "brand": "Termix"}, None),
]


def _answer(session: Session, alert_id: int, offer_id: int) -> str | None:
    row = session.query(SafetyMatch).filter_by(alert_id=alert_id, offer_id=offer_id).first()
    return row.confidence if row else None


@pytest.mark.parametrize(("alert_fields", "offer_fields", "expected"), PAIRS)
def test_both_directions_give_one_answer(session: Session, alert_fields: dict[str, Any],
                                         offer_fields: dict[str, Any],
                                         expected: str | None) -> None:
    offer = {"gtins": [], **offer_fields}
    # The offer first, then the alert arriving and matched against the index...
    indexed = make_offer(session, **offer)
    screen_all(session)
    found = alert(session, **alert_fields)
    match_alert(session, found.id, learned=learned(session))
    # ...and the same offer posted again while the alert is active.
    posted = make_offer(session, **offer)
    screen_all(session)
    assert _answer(session, found.id, indexed.id) == _answer(session, found.id, posted.id) \
        == expected
