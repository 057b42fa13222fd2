"""The sure rules of the one safety-match decision, pair by pair (no database, no learned
matcher: what they leave to it is marked "learned")."""

from __future__ import annotations

from typing import Any

import pytest

from moderation.safety.judge import AlertProfile, Candidate, Match, triage
from moderation.safety.keys import offer_keys


def _alert(**fields: Any) -> AlertProfile:
    values = {"brand": "", "model": "", "name": "", "product": "", "gtins": ()} | fields
    return AlertProfile.of(alert_id=1, **values)


def _offer(title: str, brand: str | None = None, gtins: tuple[str, ...] = ()) -> Candidate:
    return Candidate(7, title, brand, frozenset(offer_keys(title=title, brand=brand,
                                                           gtins=gtins)))


def _verdict(alert: AlertProfile, offer: Candidate) -> str | None:
    found = triage(alert, offer)
    if found is None:
        return None
    return found.confidence if isinstance(found, Match) else "learned"


REMINGTON = {"brand": "Remington", "model": "4455", "product": "Hair dryer"}


@pytest.mark.parametrize(("alert", "title", "brand", "expected"), [
    (REMINGTON, "Suszarka Remington model 4455", None, "high"),
    (REMINGTON, "Suszarka Remington 4455", None, "high"),  # bare, next to the brand
    (REMINGTON, "Suszarka 4455", None, None),  # bare, no brand: a number, nothing more
    (REMINGTON, "Suszarka Babyliss model 4455", "Babyliss", "learned"),  # model, not brand
    (REMINGTON, "Suszarka Remington model 4456", "Remington", None),  # another model
    (REMINGTON, "Suszarka do włosów Remington", "Remington", "learned"),  # named alike
    (REMINGTON, "Golarka damska trzy ostrza", "Remington", None),  # the brand field alone
    ({"brand": "Elite Screens", "model": "ES15-BB-TA"}, "Ekran Elite Screens ES15", None,
     "learned"),  # a shorter writing of the model: not another model, not sure either
    ({"brand": "Hotpoint, Indesit", "model": "WMAOD 743P UK"}, "Pralka Indesit WMAOD743P UK",
     "Indesit", "high"),  # one of the brands an alert lists
    ({"brand": "Adobe", "name": "Photoshop CS3"}, "Adobe CS3 Web Premium", "Adobe",
     "learned"),  # a code of the alert's name names a line: evidence, not a sure match
    ({"model": "X1", "gtins": ("05901234123457",)}, "Lampka", None, "high"),
])
def test_sure_rules(alert: dict[str, Any], title: str, brand: str | None,
                    expected: str | None) -> None:
    gtins = ("5901234123457",) if alert.get("gtins") else ()
    assert _verdict(_alert(**alert), _offer(title, brand, gtins)) == expected
