"""The leads' shadow page in real Chromium: what a candidate pack would change; lifting a trip."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Browser, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation.accounts.staff import create_staff
from moderation.config import Settings
from moderation.domain import StaffRole
from moderation.intake import offers
from moderation.schemas import OfferIn
from moderation.screening import batches
from moderation.screening.screener import Screener
from moderation.tables import AuditEntry, FloodTrip
from tests.factories import TEST_PASSWORD, offer_event
from tests.moderation.screening.guard_packs import PLAIN_TITLE, rule, write_pack


def test_a_lead_sees_what_the_shadow_would_change_and_lifts_a_trip(
        db: Session, browser: Browser, base_url: str, screenshots: Path,
        tmp_path: Path) -> None:
    create_staff(db, name="lena", role=StaffRole.LEAD, password=TEST_PASSWORD, locale="en")
    screener = Screener(Settings(
        rules_dir=write_pack(tmp_path / "live", rule("test.steady", "zzsteady")),
        shadow_rules_dir=write_pack(tmp_path / "candidate", rule("test.steady", "zzsteady"),
                                    rule("test.candidate", "zzcand"))))
    for word in ("zzcand", "zzcand", "zzsteady", ""):
        offers.ingest(db, OfferIn.model_validate(offer_event(
            title=f"{PLAIN_TITLE} {word}".strip(), brand=None)))
    batches.screen_pending(db, screener, limit=100)
    trip = FloodTrip(kind="rule", name="test.sudden", recent_flagged=40, recent_offers=60,
                     recent_rate=40 / 60, baseline_flagged=2, baseline_offers=100,
                     baseline_rate=0.02, threshold_rate=0.1)
    db.add(trip)
    db.commit()

    page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="en-US")
    page.goto(f"{base_url}/shadow")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.get_by_label("Name").fill("lena")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{base_url}/shadow")
    expect(page.locator("h1")).to_have_text("Shadow runs and flood guard")
    expect(page.locator('td[data-cell="allow-review"]')).to_have_text("2")
    expect(page.locator('td[data-cell="review-review"]')).to_have_text("1")
    expect(page.locator('tr[data-rule="test.candidate"]')).to_contain_text("+2")
    expect(page.locator("table.moves tbody tr")).to_have_count(2)
    expect(page.locator(f'tr[data-trip="{trip.id}"]')).to_contain_text("in shadow")
    page.screenshot(path=str(screenshots / "shadow.png"), full_page=True)

    row = page.locator(f'tr[data-trip="{trip.id}"]')
    row.get_by_label("Note").fill("checked: a real wave of fakes")
    row.get_by_role("button", name="Lift").click()
    expect(page).to_have_url(f"{base_url}/shadow?lifted={trip.id}")
    expect(page.get_by_role("status").first).to_contain_text(f"Trip #{trip.id} lifted")
    expect(row).to_contain_text("checked: a real wave of fakes")
    db.expire_all()
    assert db.get(FloodTrip, trip.id).lifted_at is not None  # type: ignore[union-attr]
    assert db.scalar(select(AuditEntry.actor).where(
        AuditEntry.action == "flood_guard.lifted")) is not None
    page.close()
