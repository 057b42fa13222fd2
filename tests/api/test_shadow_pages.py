"""The leads' page for shadow runs and the flood guard: what would change, and lifting trips."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation.config import get_settings
from moderation.domain import StaffRole
from moderation.screening import flood
from moderation.screening.screener import Screener
from moderation.tables import Account, AuditEntry, Case, FloodTrip, Offer
from tests.api.console import csrf_of, logged_in
from tests.factories import TEST_PASSWORD, make_offer, make_staff, runtime_of, screen_all
from tests.moderation.screening.guard_packs import PLAIN_TITLE, rule, write_pack

STEADY, CANDIDATE = "test.steady", "test.candidate"


@pytest.fixture
def shadowed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Live: a steady rule. In shadow: a pack that drops it and adds a candidate rule."""
    monkeypatch.setenv("RULES_DIR", str(write_pack(tmp_path / "live", rule(STEADY, "zzsteady"))))
    monkeypatch.setenv("SHADOW_RULES_DIR", str(write_pack(tmp_path / "candidate",
                                                          rule(CANDIDATE, "zzcand"))))
    get_settings.cache_clear()
    yield


@pytest.fixture
def screener(request: pytest.FixtureRequest, live_screener: Screener) -> Screener:
    """A test using `shadowed` screens (and shows) with its packs; the others, live."""
    if "shadowed" not in request.fixturenames:
        return live_screener
    request.getfixturevalue("shadowed")
    return Screener(get_settings())


def _lead(session: Session, locale: str = "en") -> Account:
    return make_staff(session, StaffRole.LEAD, password=TEST_PASSWORD, locale=locale).staff


def _offers(session: Session, word: str, n: int) -> list[Offer]:
    return [make_offer(session, title=f"{PLAIN_TITLE} {word}".strip(), brand=None)
            for _ in range(n)]


def _trip(session: Session) -> FloodTrip:
    trip = FloodTrip(kind="rule", name="test.sudden", recent_flagged=40, recent_offers=60,
                     recent_rate=40 / 60, baseline_flagged=2, baseline_offers=100,
                     baseline_rate=0.02, threshold_rate=0.1)
    session.add(trip)
    session.flush()
    return trip


def _cell(html: str, cell: str) -> int:
    match = re.search(rf'data-cell="{cell}">(\d+)</td>', html)
    assert match, cell
    return int(match.group(1))


def test_the_page_shows_what_the_shadow_pack_would_change(session: Session,
                                                          shadowed: None) -> None:
    added = _offers(session, "zzcand", 3)
    dropped = _offers(session, "zzsteady", 2)
    _offers(session, "", 4)
    screen_all(session)
    browser = logged_in(session, _lead(session).name, TEST_PASSWORD)
    page = browser.get("/shadow")
    assert page.status_code == 200
    html = page.text
    assert "9 offers compared" in html and "5 would move" in html
    assert _cell(html, "allow-review") == 3 and _cell(html, "review-allow") == 2
    assert _cell(html, "allow-allow") == 4 and _cell(html, "review-review") == 0
    candidate_row = html[html.index(f'data-rule="{CANDIDATE}"'):]
    assert re.match(r'data-rule="[^"]+"><td><code>[^<]+</code></td><td>\+3</td><td>−0</td>',
                    candidate_row)
    steady_row = html[html.index(f'data-rule="{STEADY}"'):]
    assert "<td>+0</td><td>−2</td>" in steady_row[:steady_row.index("</tr>")]
    # Offers that move link to their case where one was opened, else to the offer.
    for offer in dropped:
        case = session.scalars(select(Case).where(Case.offer_id == offer.id)).one()
        assert f'href="/cases/{case.id}"' in html
    for offer in added:
        assert f'href="/v1/offers/{offer.id}"' in html

    only_flood = browser.get("/shadow?origin=flood").text
    assert "0 offers compared" in only_flood and "No offer would move." in only_flood


def test_a_lead_lifts_a_trip_from_the_page_and_it_is_audited(session: Session) -> None:
    trip = _trip(session)
    lead = _lead(session)
    browser = logged_in(session, lead.name, TEST_PASSWORD)
    html = browser.get("/shadow").text
    row = html[html.index(f'data-trip="{trip.id}"'):]
    assert "test.sudden" in row and "66.7%" in row and "in shadow" in row[:row.index("</tr>")]
    lifted = browser.post(f"/shadow/trips/{trip.id}/lift", follow_redirects=False,
                          data={"csrf_token": csrf_of(html), "note": "a real wave"})
    assert lifted.status_code == 303 and lifted.headers["location"] == f"/shadow?lifted={trip.id}"
    after = browser.get(lifted.headers["location"]).text
    assert f"Trip #{trip.id} lifted" in after and "a real wave" in after
    session.refresh(trip)
    assert trip.lifted_by == lead.id and trip.lift_note == "a real wave"
    [entry] = session.scalars(select(AuditEntry).where(AuditEntry.action == flood.LIFTED))
    assert entry.actor == f"staff:{lead.id}" and entry.entity_id == trip.id
    again = browser.post(f"/shadow/trips/{trip.id}/lift", data={"csrf_token": csrf_of(html)})
    assert again.status_code == 409


def test_lifting_without_the_csrf_token_is_refused(session: Session) -> None:
    trip = _trip(session)
    browser = logged_in(session, _lead(session).name, TEST_PASSWORD)
    refused = browser.post(f"/shadow/trips/{trip.id}/lift", data={"note": "x"})
    assert refused.status_code == 403
    session.refresh(trip)
    assert trip.lifted_at is None


@pytest.mark.parametrize(("method", "url", "data", "field"), [
    ("GET", "/shadow?hours=0", None, "hours"),
    ("GET", "/shadow?hours=100000", None, "hours"),
    ("GET", "/shadow?origin=live", None, "origin"),
    ("GET", "/shadow?rules_version=packs%00x", None, "rules_version"),
    ("POST", "/shadow/trips/{trip}/lift", {"note": "bad\x00note"}, "note"),
    ("POST", "/shadow/trips/99999999999999999999/lift", {"note": ""}, "trip_id"),
    ("POST", "/shadow/trips/{trip}/lift", {"note": "x" * 1001}, "note"),
])
def test_bad_input_is_refused_naming_the_field(session: Session, method: str, url: str,
                                               data: dict[str, str] | None, field: str) -> None:
    trip = _trip(session)
    key = make_staff(session, StaffRole.LEAD).api_key or ""
    from fastapi.testclient import TestClient

    from api.app import create_app

    with TestClient(create_app(runtime_of(session))) as client:
        response = client.request(method, url.format(trip=trip.id), data=data,
                                  headers={"X-API-Key": key, "accept": "application/json"})
    assert response.status_code == 422, response.text
    assert field in response.text
    session.refresh(trip)
    assert trip.lifted_at is None


def test_the_page_speaks_polish(session: Session) -> None:
    browser = logged_in(session, _lead(session, locale="pl").name, TEST_PASSWORD)
    html = browser.get("/shadow").text
    assert "<h1>Przebiegi w cieniu i ochrona przed zalewem</h1>" in html
    assert "Ochrona przed zalewem" in html and "Shadow runs" not in html
