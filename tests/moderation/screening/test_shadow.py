"""Shadow runs: a candidate pack or model screens beside the live one and changes no route."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.train import DEFAULT_BUNDLE_DIR
from moderation.config import get_settings
from moderation.screening import shadow
from moderation.screening.screener import Screener
from moderation.tables import Case, Offer, Screening, ShadowScreening, utcnow
from tests.factories import make_offer, screen_all
from tests.moderation.screening.guard_packs import PLAIN_TITLE, rule, write_pack

STEADY, CANDIDATE = "test.steady", "test.candidate"
MIX = {"zzcand": 4, "zzsteady": 3, "zzcand zzsteady": 1, "": 6}


@pytest.fixture
def live_pack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    directory = write_pack(tmp_path / "live" / "packs", rule(STEADY, "zzsteady"))
    monkeypatch.setenv("RULES_DIR", str(directory))
    get_settings.cache_clear()
    yield directory


@pytest.fixture
def screener(live_pack: Path) -> Screener:
    """The test's runtime screens with the live test pack."""
    return Screener(get_settings())


def _use_shadow(monkeypatch: pytest.MonkeyPatch, **dirs: Path) -> Screener:
    """A screener started with these shadow directories."""
    for name, directory in dirs.items():
        monkeypatch.setenv(f"SHADOW_{name.upper()}_DIR", str(directory))
    get_settings.cache_clear()
    return Screener(get_settings())


def _offers(session: Session) -> list[Offer]:
    return [make_offer(session, title=f"{PLAIN_TITLE} {words}".strip(), brand=None)
            for words, n in MIX.items() for _ in range(n)]


def _routes(session: Session, offers: list[Offer]) -> list[tuple[str, str]]:
    by_offer = {oid: (route, reason) for oid, route, reason in session.execute(
        select(Screening.offer_id, Screening.route, Screening.reason_code)
        .where(Screening.offer_id.in_([o.id for o in offers])))}
    return [by_offer[o.id] for o in offers]


def _cases(session: Session, offers: list[Offer]) -> int:
    return session.scalar(select(func.count()).select_from(Case).where(
        Case.offer_id.in_([o.id for o in offers]))) or 0


def test_a_shadow_pack_records_what_it_would_do_and_changes_no_route(
        session: Session, live_pack: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    without = _offers(session)
    screen_all(session)
    assert session.scalar(select(func.count()).select_from(ShadowScreening)) == 0

    candidate = write_pack(tmp_path / "candidate" / "packs", rule(STEADY, "zzsteady"),
                           rule(CANDIDATE, "zzcand"))
    shadowing = _use_shadow(monkeypatch, rules=candidate)
    offers = _offers(session)
    screen_all(session, shadowing)

    assert _routes(session, offers) == _routes(session, without)
    assert _cases(session, offers) == _cases(session, without) == 4
    rows = {s.offer_id: s for s in session.scalars(select(ShadowScreening).where(
        ShadowScreening.offer_id.in_([o.id for o in offers])))}
    assert len(rows) == len(offers)
    live_version = session.scalar(select(Screening.rules_version).where(
        Screening.offer_id == offers[0].id))
    assert {(s.origin, s.rules_version != live_version) for s in rows.values()} == {
        ("candidate", True)}
    moved = {o.id for o in offers if o.title.endswith("zzcand")}
    for offer in offers:
        s = rows[offer.id]
        if offer.id in moved:
            assert (s.live_route, s.route, s.flags, s.differs) == (
                "allow", "review", {CANDIDATE: "review"}, True)
            assert [h["rule_id"] for h in s.hits] == [CANDIDATE]
        elif "zzcand" in offer.title:  # already reviewed live: flagged by one rule more
            assert (s.live_route, s.route, s.differs) == ("review", "review", True)
            assert s.flags == {CANDIDATE: "review", STEADY: "review"}
            assert s.live_flags == {STEADY: "review"}
        else:
            assert s.route == s.live_route and not s.differs

    comparison, capped = shadow.compare(session, shadow.ShadowFilter(
        since=utcnow() - timedelta(hours=1), origin="candidate"))
    assert not capped and comparison.total == len(offers)
    assert comparison.matrix[("allow", "review")] == 4 and comparison.moved == 4
    change = comparison.rules[CANDIDATE]
    assert (change.added, change.removed, change.stricter) == (5, 0, 4)
    assert {m.offer_id for m in comparison.examples} == moved


def test_a_shadow_model_beside_the_same_pack_is_stored_for_every_offer(
        session: Session, live_pack: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shadowing = _use_shadow(monkeypatch, model=DEFAULT_BUNDLE_DIR)
    offers = _offers(session)
    screen_all(session, shadowing)
    rows = session.scalars(select(ShadowScreening)).all()
    assert len(rows) == len(offers)
    # The same bundle in shadow as live: it agrees on every offer.
    assert not any(s.differs for s in rows)
    assert {s.model_version for s in rows} == set(session.scalars(
        select(Screening.model_version)))


def test_a_broken_shadow_pack_does_not_stop_live_screening(
        session: Session, live_pack: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    broken = tmp_path / "broken" / "packs"
    broken.mkdir(parents=True)
    (broken / "bad.yaml").write_text("rules: [{id: x}]\n", encoding="utf-8")
    shadowing = _use_shadow(monkeypatch, rules=broken)
    offers = _offers(session)
    screen_all(session, shadowing)
    assert [route for route, _ in _routes(session, offers)].count("review") == 4
    assert session.scalar(select(func.count()).select_from(ShadowScreening)) == 0
    assert "shadow rule pack did not load" in caplog.text and "bad.yaml" in caplog.text
