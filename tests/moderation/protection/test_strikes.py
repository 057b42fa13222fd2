"""Repeat infringers: the strike ladder, expiry, revocation and who is held for review."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation.config import get_settings
from moderation.protection import strikes
from moderation.protection.strikes import Step
from moderation.tables import AuditEntry, Decision, Offer, OutboxMessage, Seller, Strike, utcnow
from tests.notice_builders import removal

DAY = timedelta(days=1)


@pytest.mark.parametrize(("text", "ladder"), [
    ("warning,suspend:7,suspend:30,terminate",
     [Step("warning"), Step("suspend", 7), Step("suspend", 30), Step("terminate")]),
    (" warning , suspend : 3 ", [Step("warning"), Step("suspend", 3)]),
    ("terminate", [Step("terminate")]),
])
def test_ladder_settings_parse(text: str, ladder: list[Step]) -> None:
    assert strikes.parse_ladder(text) == ladder


@pytest.mark.parametrize(("text", "message"), [
    ("", "strike ladder is empty"),
    ("warning,,terminate", "step 2 ('') is not one of"),
    ("warning,ban", "step 2 ('ban') is not one of"),
    ("suspend", "step 1 ('suspend'): a suspension needs its length in whole days"),
    ("suspend:0", "1 to 3650"),
    ("suspend:-3", "whole days"),
    ("suspend:7.5", "whole days"),
    ("suspend:99999", "1 to 3650"),
    ("warning:2", "'warning' takes no number of days"),
    ("terminate:30", "'terminate' takes no number of days"),
])
def test_bad_ladder_settings_say_which_step_is_wrong(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        strikes.parse_ladder(text)


def test_beyond_the_last_step_the_last_applies() -> None:
    ladder = strikes.parse_ladder("warning,suspend:7")
    assert [strikes.step_for(ladder, n) for n in range(4)] == [
        None, Step("warning"), Step("suspend", 7), Step("suspend", 7)]


def _messages(session: Session, seller: Seller) -> list[OutboxMessage]:
    return list(session.scalars(select(OutboxMessage).where(
        OutboxMessage.recipient == f"seller:{seller.external_id}",
        OutboxMessage.kind != "seller.statement_of_reasons").order_by(OutboxMessage.id)))


def _audit(session: Session, seller: Seller) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(
        AuditEntry.entity == "seller", AuditEntry.entity_id == seller.id)
        .order_by(AuditEntry.id)))


@dataclass(frozen=True, slots=True)
class Struck:
    decision: Decision
    seller: Seller
    strike: Strike


def _strike(session: Session, seller: str, at: datetime) -> Struck:
    """A moderator removes an offer of this seller; the strike is dated `at`."""
    decision = removal(session, seller=seller)
    offer = session.get(Offer, decision.offer_id)
    assert offer is not None
    strike = strikes.add_strike(session, seller_id=offer.seller_id, decision_id=decision.id,
                                notice_id=None, now=at)
    return Struck(decision, offer.seller, strike)


def test_a_seller_climbs_the_ladder_to_termination(session: Session) -> None:
    t0 = utcnow()
    first = _strike(session, "s-ladder", t0)
    seller = first.seller
    assert seller.strikes == 1 and seller.suspended_until is None
    assert not strikes.held_for_review(seller, t0)
    warning = _messages(session, seller)[-1]
    assert warning.kind == "seller.strike_warning"
    assert warning.payload["strikes"] == 1
    assert warning.payload["decision_id"] == first.decision.id
    assert warning.payload["next_step"] == {"action": "suspend", "days": 7}

    _strike(session, "s-ladder", t0 + DAY)
    assert seller.strikes == 2 and seller.suspended_until == t0 + DAY + 7 * DAY
    assert strikes.held_for_review(seller, t0 + 2 * DAY)
    assert not strikes.held_for_review(seller, t0 + 9 * DAY)  # served

    _strike(session, "s-ladder", t0 + 2 * DAY)
    assert seller.strikes == 3 and seller.suspended_until == t0 + 32 * DAY
    _strike(session, "s-ladder", t0 + 3 * DAY)
    assert seller.strikes == 4 and seller.terminated_at == t0 + 3 * DAY
    assert strikes.held_for_review(seller, t0 + 400 * DAY)

    assert [m.kind for m in _messages(session, seller)] == [
        "seller.strike_warning", "seller.suspended", "seller.suspended", "seller.terminated"]
    assert [m.payload.get("days") for m in _messages(session, seller)] == [None, 7, 30, None]
    entries = _audit(session, seller)
    assert [e.action for e in entries] == [
        "seller.strike", "seller.warned", "seller.strike", "seller.suspended",
        "seller.strike", "seller.suspended", "seller.strike", "seller.terminated"]
    last_suspension = entries[5]
    assert last_suspension.before is not None and last_suspension.after is not None
    assert last_suspension.before["suspended_until"] == (t0 + 8 * DAY).isoformat()
    assert last_suspension.after["suspended_until"] == (t0 + 32 * DAY).isoformat()
    assert entries[7].after is not None and entries[7].after["terminated_at"] is not None


def test_a_shorter_suspension_never_cuts_a_longer_one(session: Session,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STRIKE_LADDER", "suspend:30,suspend:3")
    get_settings.cache_clear()
    t0 = utcnow()
    seller = _strike(session, "s-short", t0).seller
    _strike(session, "s-short", t0 + DAY)
    assert seller.strikes == 2 and seller.suspended_until == t0 + 30 * DAY
    assert [m.kind for m in _messages(session, seller)] == ["seller.suspended"]


def test_a_strike_is_counted_once_per_decision(session: Session) -> None:
    t0 = utcnow()
    removed = _strike(session, "s-once", t0)
    again = strikes.add_strike(session, seller_id=removed.seller.id,
                               decision_id=removed.decision.id, notice_id=None,
                               now=t0 + DAY)
    assert again.id == removed.strike.id and again.created_at == t0
    assert removed.seller.strikes == 1
    assert len(_messages(session, removed.seller)) == 1
    assert [e.action for e in _audit(session, removed.seller)] == ["seller.strike",
                                                                     "seller.warned"]


def test_strikes_expire_after_the_configured_days(session: Session,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STRIKE_EXPIRY_DAYS", "30")
    get_settings.cache_clear()
    t0 = utcnow()
    first = _strike(session, "s-expiry", t0)
    _strike(session, "s-expiry", t0 + DAY)
    seller = first.seller
    assert first.strike.expires_at == t0 + 30 * DAY
    assert seller.strikes == 2 and seller.suspended_until == t0 + 8 * DAY

    assert strikes.expire_strikes(session, now=t0 + 30 * DAY - timedelta(seconds=1)) == 0
    assert seller.strikes == 2
    assert strikes.expire_strikes(session, now=t0 + 30 * DAY) == 1
    assert seller.strikes == 1
    assert strikes.expire_strikes(session, now=t0 + 30 * DAY) == 0  # nothing new
    assert strikes.expire_strikes(session, now=t0 + 31 * DAY) == 1
    assert seller.strikes == 0
    # Expiry lifts nothing: the suspension stays on record as served.
    assert seller.suspended_until == t0 + 8 * DAY
    assert [e.after for e in _audit(session, seller) if e.action == "seller.strikes_expired"] \
        == [{"strikes": 1}, {"strikes": 0}]

    # With the old strikes gone, the next one is a first strike again: a warning.
    _strike(session, "s-expiry", t0 + 40 * DAY)
    assert seller.strikes == 1 and _messages(session, seller)[-1].kind == "seller.strike_warning"


def test_revoking_the_strike_behind_a_suspension_lifts_it(session: Session) -> None:
    t0 = utcnow()
    _strike(session, "s-revoke", t0)
    second = _strike(session, "s-revoke", t0 + DAY)
    seller = second.seller
    assert strikes.held_for_review(seller, t0 + 2 * DAY)

    revoked = strikes.revoke_strike(session, decision_id=second.decision.id, now=t0 + 2 * DAY,
                                    reason="counter-notice upheld")
    assert revoked is not None and revoked.revoked_at == t0 + 2 * DAY
    assert seller.strikes == 1 and seller.suspended_until is None
    assert not strikes.held_for_review(seller, t0 + 2 * DAY)
    lifted = _audit(session, seller)[-1]
    assert lifted.action == "seller.reinstated"
    assert lifted.before is not None and lifted.before["suspended_until"] is not None
    assert lifted.after == {"strikes": 1, "suspended_until": None, "terminated_at": None}
    assert _messages(session, seller)[-1].kind == "seller.reinstated"

    count = len(_audit(session, seller))
    assert strikes.revoke_strike(session, decision_id=second.decision.id, now=t0 + 3 * DAY,
                                 reason="again") is revoked
    assert revoked.revoked_at == t0 + 2 * DAY and len(_audit(session, seller)) == count
    assert strikes.revoke_strike(session, decision_id=10**9, now=t0, reason="none") is None


def test_revoking_keeps_what_the_remaining_strikes_justify(session: Session) -> None:
    t0 = utcnow()
    _strike(session, "s-rest", t0)
    _strike(session, "s-rest", t0 + DAY)
    _strike(session, "s-rest", t0 + 2 * DAY)
    fourth = _strike(session, "s-rest", t0 + 3 * DAY)
    seller = fourth.seller
    assert seller.terminated_at is not None

    strikes.revoke_strike(session, decision_id=fourth.decision.id, now=t0 + 4 * DAY,
                          reason="counter-notice upheld")
    # Three strikes remain: no termination, the 30 days of the third still run.
    assert seller.terminated_at is None and seller.suspended_until == t0 + 32 * DAY
    assert _audit(session, seller)[-1].action == "seller.sanction_reduced"


def test_revoking_an_expired_strike_lifts_nothing(session: Session) -> None:
    t0 = utcnow()
    first = _strike(session, "s-old", t0)
    _strike(session, "s-old", t0 + 364 * DAY)
    seller = first.seller
    until = seller.suspended_until
    strikes.revoke_strike(session, decision_id=first.decision.id, now=t0 + 366 * DAY,
                          reason="late")
    assert seller.suspended_until == until and seller.strikes == 1


@pytest.mark.parametrize(("suspended", "terminated", "held"), [
    (None, None, False),
    (DAY, None, True),
    (-DAY, None, False),
    (None, -DAY, True),
    (-DAY, -400 * DAY, True),
])
def test_suspended_and_terminated_sellers_are_held_for_review(
        suspended: timedelta | None, terminated: timedelta | None, held: bool) -> None:
    now = utcnow()
    seller = Seller(external_id="s", suspended_until=suspended and now + suspended,
                    terminated_at=terminated and now + terminated)
    assert strikes.held_for_review(seller, now) is held
