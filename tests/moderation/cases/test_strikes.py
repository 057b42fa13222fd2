"""Repeat infringers: the strike ladder, expiry, revocation and who is held for review."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from moderation import policy
from moderation.cases import strikes
from moderation.cases.strikes import Step
from moderation.config import get_settings
from moderation.tables import (
    AuditEntry,
    Decision,
    Offer,
    OutboxMessage,
    Seller,
    Statement,
    Strike,
    utcnow,
)
from tests.notice_builders import removal
from tests.statement_builders import notice_removal

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


def _rungs(session: Session, seller: Seller) -> list[Statement]:
    return list(session.scalars(select(Statement).where(
        Statement.seller_id == seller.id, Statement.subject == "account")
        .order_by(Statement.id)))


def test_one_notice_on_three_offers_is_one_strike(session: Session) -> None:
    # Was: a warning, a 7-day and a 30-day suspension within a second.
    decisions = notice_removal(session, seller="s-three", n=3)
    seller = session.scalars(select(Seller).where(Seller.external_id == "s-three")).one()
    assert len(decisions) == 3
    assert seller.strikes == 1 and seller.suspended_until is None
    assert [s.restriction for s in _rungs(session, seller)] == ["strike"]
    assert [m.kind for m in _messages(session, seller)] == ["seller.strike_warning"]
    rows = list(session.scalars(select(Strike).where(Strike.seller_id == seller.id)
                                .order_by(Strike.id)))
    assert [r.counts_as_id for r in rows] == [None, rows[0].id, rows[0].id]


def test_strikes_within_the_episode_count_as_the_rung_already_taken(session: Session) -> None:
    t0 = utcnow()
    first = _strike(session, "s-episode", t0)
    _strike(session, "s-episode", t0 + policy.STRIKE_EPISODE - timedelta(minutes=1))
    seller = first.seller
    assert seller.strikes == 1 and seller.suspended_until is None
    _strike(session, "s-episode", t0 + policy.STRIKE_EPISODE)
    assert seller.strikes == 2 and seller.suspended_until == t0 + policy.STRIKE_EPISODE + 7 * DAY
    assert [s.restriction for s in _rungs(session, seller)] == ["strike", "suspension"]


def test_a_warning_is_written_before_any_suspension(session: Session) -> None:
    t0 = utcnow()
    first = _strike(session, "s-warned", t0)
    seller = first.seller
    # A seller with a strike but no warning statement (say, from before statements were
    # written): the next infringement warns instead of suspending.
    session.execute(delete(OutboxMessage).where(OutboxMessage.payload["puid"].as_string().in_(
        [s.puid for s in _rungs(session, seller)])))
    session.execute(delete(Statement).where(Statement.seller_id == seller.id,
                                            Statement.subject == "account"))
    _strike(session, "s-warned", t0 + 2 * DAY)
    assert seller.strikes == 2 and seller.suspended_until is None
    [warning] = _rungs(session, seller)
    assert warning.restriction == "strike" and warning.starts_at == t0 + 2 * DAY
    _strike(session, "s-warned", t0 + 4 * DAY)
    assert seller.suspended_until is not None
    warned, suspended = _rungs(session, seller)
    assert warned.starts_at < suspended.starts_at and suspended.restriction == "suspension"


def test_each_rung_writes_its_account_statement(session: Session) -> None:
    t0 = utcnow()
    seller = _strike(session, "s-rungs", t0).seller
    for day in (1, 2, 3):
        _strike(session, "s-rungs", t0 + day * DAY)
    rungs = _rungs(session, seller)
    assert [(s.restriction, s.ends_at) for s in rungs] == [
        ("strike", None), ("suspension", t0 + 8 * DAY), ("suspension", t0 + 32 * DAY),
        ("termination", None)]
    assert [s.content["account"]["strikes"] for s in rungs] == [1, 2, 3, 4]
    assert rungs[0].content["account"]["next_step"] == {"action": "suspend", "days": 7}
    assert all(s.strike_id is not None and s.automated_decision == "partially" for s in rungs)
    # The seller's messages carry the statement and keep the fields the marketplace reads.
    suspended = _messages(session, seller)[1]
    assert suspended.payload["puid"] == rungs[1].puid and suspended.payload["days"] == 7


def test_revoking_one_strike_of_an_infringement_keeps_the_infringement(session: Session
                                                                       ) -> None:
    decisions = notice_removal(session, seller="s-keep", n=2)
    seller = session.scalars(select(Seller).where(Seller.external_id == "s-keep")).one()
    strikes.revoke_strike(session, decision_id=decisions[0].id, now=utcnow(), reason="appeal")
    assert seller.strikes == 1
    strikes.revoke_strike(session, decision_id=decisions[1].id, now=utcnow(), reason="appeal")
    assert seller.strikes == 0
