"""The flood guard: a rule that suddenly flags most offers is put into shadow, once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from moderation.config import get_settings
from moderation.domain import StaffRole
from moderation.errors import Conflict
from moderation.screening import batches, flood
from moderation.screening.screener import Screener
from moderation.tables import (
    AuditEntry,
    Case,
    FloodTrip,
    Offer,
    OutboxMessage,
    Screening,
    ShadowScreening,
    utcnow,
)
from tests.factories import COUNTERFEIT_TITLE, make_offer, make_staff, screen_all
from tests.moderation.screening.guard_packs import PLAIN_TITLE, rule, write_pack

SUDDEN, STEADY = "test.sudden", "test.steady"
PACK = (rule(SUDDEN, "zzsudden"), rule(STEADY, "zzsteady"))


@pytest.fixture
def packs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A RULES_DIR with two test rules, and a guard that judges from 20 flagged offers."""
    directory = write_pack(tmp_path / "rules" / "packs", *PACK)
    monkeypatch.setenv("RULES_DIR", str(directory))
    monkeypatch.setenv("FLOOD_MIN_OFFERS", "20")
    monkeypatch.setenv("FLOOD_RATIO", "5")
    monkeypatch.setenv("FLOOD_BASELINE_FLOOR", "0.01")
    get_settings.cache_clear()
    yield directory


@pytest.fixture
def screener(packs: Path) -> Screener:
    """The test's runtime screens with the test packs, as a worker started on them would."""
    return Screener(get_settings())


def _offers(session: Session, mix: dict[str, int]) -> list[Offer]:
    """Offers whose titles carry a word ("" for none), as many as asked for each."""
    return [make_offer(session, title=f"{PLAIN_TITLE} {word}".strip(), brand=None)
            for word, n in mix.items() for _ in range(n)]


def _screen_at(session: Session, monkeypatch: pytest.MonkeyPatch, moment: datetime) -> None:
    """Screen what is pending as if the clock said `moment` (the baseline hour)."""
    with monkeypatch.context() as m:
        m.setattr(batches, "utcnow", lambda: moment)
        screen_all(session)


def _routes(session: Session, offers: list[Offer]) -> list[str]:
    by_offer = dict(session.execute(select(Screening.offer_id, Screening.route).where(
        Screening.offer_id.in_([o.id for o in offers]))).all())
    return [by_offer[o.id] for o in offers]


def _cases(session: Session, offers: list[Offer]) -> int:
    return session.scalar(select(func.count()).select_from(Case).where(
        Case.offer_id.in_([o.id for o in offers]))) or 0


def _normal_hour(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    """Half an hour ago: 2 of 100 offers name the sudden word, 30 the steady one."""
    _offers(session, {"zzsudden": 2, "zzsteady": 30, "": 68})
    _screen_at(session, monkeypatch, utcnow() - timedelta(minutes=30))


def _messages(session: Session) -> list[OutboxMessage]:
    return list(session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == flood.MESSAGE)))


def test_a_flooding_rule_goes_into_shadow_and_leads_are_told_once(
        session: Session, packs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _normal_hour(session, monkeypatch)
    sudden = _offers(session, {"zzsudden": 33})
    steady = _offers(session, {"zzsteady": 22})
    _offers(session, {"": 5})
    screen_all(session)

    [trip] = session.scalars(select(FloodTrip)).all()
    assert (trip.kind, trip.name, trip.lifted_at) == ("rule", SUDDEN, None)
    assert trip.recent_flagged == 33 and trip.recent_offers == 60
    assert trip.baseline_rate == pytest.approx(0.02) and trip.threshold_rate == pytest.approx(0.1)
    # The trip applies to the batch that tripped it: no case for what only that rule saw.
    assert set(_routes(session, sudden)) == {"allow"} and _cases(session, sudden) == 0
    # A rule at its normal rate (22 of 60 against 30 of 100) keeps routing.
    assert set(_routes(session, steady)) == {"review"} and _cases(session, steady) == 22
    stored = session.scalars(select(ShadowScreening).where(
        ShadowScreening.offer_id.in_([o.id for o in sudden]))).all()
    assert len(stored) == 33
    assert {(s.origin, s.route, s.live_route, tuple(s.flags.items())) for s in stored} == {
        ("flood", "review", "allow", ((SUDDEN, "review"),))}
    assert all(h["rule_id"] == SUDDEN for s in stored for h in s.hits)

    later = _offers(session, {"zzsudden": 10})
    screen_all(session)
    assert set(_routes(session, later)) == {"allow"} and _cases(session, later) == 0
    assert session.scalar(select(func.count()).select_from(ShadowScreening).where(
        ShadowScreening.offer_id.in_([o.id for o in later]))) == 10

    [message] = _messages(session)
    assert message.recipient == "role:lead" and message.payload["subject"] == f"rule {SUDDEN}"
    assert message.payload["recent_flagged"] == 33 and "/shadow" in message.payload["what_to_do"]
    [entry] = session.scalars(select(AuditEntry).where(AuditEntry.action == flood.TRIPPED))
    assert (entry.entity, entry.entity_id, entry.actor) == ("flood_trip", trip.id, "system")
    assert entry.after is not None and entry.after["name"] == SUDDEN
    assert session.scalar(select(func.count()).select_from(FloodTrip)) == 1


def test_rules_at_their_normal_rate_do_not_trip(
        session: Session, packs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _normal_hour(session, monkeypatch)
    offers = _offers(session, {"zzsudden": 2, "zzsteady": 30, "": 68})
    screen_all(session)
    assert session.scalars(select(FloodTrip)).all() == []
    assert _routes(session, offers).count("review") == 32 and _messages(session) == []


def test_without_a_baseline_nothing_is_judged(session: Session, packs: Path) -> None:
    # A fresh install: the first offers ever screened cannot be "more than usual".
    offers = _offers(session, {"zzsudden": 50, "": 10})
    screen_all(session)
    assert session.scalars(select(FloodTrip)).all() == []
    assert _routes(session, offers).count("review") == 50


def test_a_brand_new_rule_is_judged_against_the_floor(
        session: Session, packs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A normal hour in which the new rule did not exist yet.
    _offers(session, {"zzsteady": 30, "": 70})
    _screen_at(session, monkeypatch, utcnow() - timedelta(minutes=30))
    monkeypatch.setenv("FLOOD_MIN_OFFERS", "3")
    get_settings.cache_clear()
    # 4 of 100 offers: above the floor of 3 offers, below 5 x the 1% floor rate: no trip.
    _offers(session, {"zznew": 4, "zzsteady": 30, "": 66})
    write_pack(packs, *PACK, rule("test.new", "zznew"))
    screen_all(session)
    assert session.scalars(select(FloodTrip)).all() == []
    # 30 of the next 60 bring it to 34 of 160, over 5%: a trip (of the rule, not the pack,
    # whose share stays about what it was).
    _offers(session, {"zznew": 30, "zzsteady": 18, "": 12})
    screen_all(session)
    [trip] = session.scalars(select(FloodTrip)).all()
    assert (trip.kind, trip.name, trip.baseline_rate) == ("rule", "test.new", 0.0)
    assert trip.threshold_rate == pytest.approx(0.05)


def test_lifting_a_trip_routes_the_rule_again_and_is_audited(
        session: Session, packs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _normal_hour(session, monkeypatch)
    _offers(session, {"zzsudden": 40, "": 20})
    screen_all(session)
    trip = session.scalars(select(FloodTrip)).one()
    lead = make_staff(session, StaffRole.LEAD).staff

    flood.lift(session, trip.id, staff_id=lead.id, note="new counterfeit wave, real",
               now=utcnow())
    after = _offers(session, {"zzsudden": 25})
    screen_all(session)
    # Back in routing, and not tripped again while its new rate becomes its baseline.
    assert set(_routes(session, after)) == {"review"} and _cases(session, after) == 25
    assert session.scalar(select(func.count()).select_from(FloodTrip)) == 1
    [entry] = session.scalars(select(AuditEntry).where(AuditEntry.action == flood.LIFTED))
    assert entry.actor == f"staff:{lead.id}" and entry.entity_id == trip.id
    assert entry.after is not None and entry.after["note"] == "new counterfeit wave, real"
    with pytest.raises(Conflict):
        flood.lift(session, trip.id, staff_id=lead.id, note="", now=utcnow())


def test_a_flooding_pack_version_falls_back_to_the_version_before(
        session: Session, packs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _offers(session, {"zzsteady": 2, "": 98})
    _screen_at(session, monkeypatch, utcnow() - timedelta(minutes=30))
    old_version = session.scalar(select(Screening.rules_version).limit(1))
    # The new version drops the steady rule and adds one that matches every bicycle.
    write_pack(packs, rule(SUDDEN, "zzsudden"), rule("test.broad", "rower"))
    steady = _offers(session, {"zzsteady": 5})
    others = _offers(session, {"": 35})
    screen_all(session)

    tripped = {(t.kind, t.name) for t in session.scalars(select(FloodTrip))}
    new_version = session.scalar(select(ShadowScreening.rules_version).limit(1))
    assert new_version != old_version and ("rules", new_version) in tripped
    # The version before routes: its steady rule still sends its offers to review.
    assert set(_routes(session, steady)) == {"review"} and set(_routes(session, others)) == {
        "allow"}
    assert set(session.scalars(select(Screening.rules_version).where(
        Screening.offer_id.in_([o.id for o in others])))) == {old_version}
    assert session.scalar(select(func.count()).select_from(ShadowScreening).where(
        ShadowScreening.origin == "flood", ShadowScreening.route == "review")) == 40

    # A restarted worker has no version before: the tripped version's rules do not route.
    fresh = _offers(session, {"": 3})
    screen_all(session, Screener(get_settings()))
    assert set(_routes(session, fresh)) == {"allow"}
    assert set(session.scalars(select(ShadowScreening.route).where(
        ShadowScreening.offer_id.in_([o.id for o in fresh])))) == {"review"}


def test_a_tripped_model_version_keeps_its_score_but_routes_nothing(
        session: Session, packs: Path) -> None:
    first = make_offer(session, title=COUNTERFEIT_TITLE, brand=None)
    screen_all(session)
    screening = session.scalars(select(Screening).where(Screening.offer_id == first.id)).one()
    assert (screening.route, screening.reason_code) == ("review", "MODEL_SCORE")
    session.add(FloodTrip(kind="model", name=screening.model_version, recent_flagged=60,
                          recent_offers=100, recent_rate=0.6, baseline_flagged=1,
                          baseline_offers=100, baseline_rate=0.01, threshold_rate=0.05))
    session.flush()

    second = make_offer(session, title=COUNTERFEIT_TITLE, brand=None)
    screen_all(session)
    live = session.scalars(select(Screening).where(Screening.offer_id == second.id)).one()
    assert live.route == "allow" and live.score == pytest.approx(screening.score)
    [stored] = session.scalars(select(ShadowScreening).where(
        ShadowScreening.offer_id == second.id))
    assert (stored.route, stored.reason_code, stored.flags, stored.live_flags) == (
        "review", "MODEL_SCORE", {"model": "review"}, {})
