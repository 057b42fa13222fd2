"""Statements of reasons in real Chromium: the case page and the offer page show what the
seller was told, in the viewer's language."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation.accounts.staff import create_staff
from moderation.domain import StaffRole
from moderation.tables import Statement
from tests.browser.test_console_browser import _log_in, _moderator, _review_case
from tests.factories import TEST_PASSWORD


def test_the_case_page_shows_the_statement_the_seller_got(
        db: Session, browser: Browser, base_url: str, screenshots: Path) -> None:
    name = _moderator(db, "stefan")
    polish = create_staff(db, name="zofia", role=StaffRole.LEAD, password=TEST_PASSWORD,
                          locale="pl").staff.name
    case = _review_case(db)
    db.commit()
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="en-US")
    _log_in(page, base_url, name)
    page.goto(f"{base_url}/cases/{case.id}")
    expect(page.locator(".statements")).to_contain_text("No statement of reasons")
    page.get_by_role("button", name="Review this case").click()
    page.locator('input[name="action"][value="remove"]').check()
    page.locator("#reason").select_option("COUNTERFEIT")
    page.locator('textarea[name="note"]').fill("Marker podróbki w tytule.")
    page.get_by_role("button", name="Decide").click()
    expect(page).to_have_url(f"{base_url}/queue?decided={case.id}")

    db.expire_all()
    statement = db.scalars(select(Statement).where(Statement.offer_id == case.offer_id)).one()
    page.goto(f"{base_url}/cases/{case.id}")
    shown = page.locator(f'.statement[data-puid="{statement.puid}"]')
    expect(shown).to_contain_text("STATEMENT OF REASONS")
    expect(shown).to_contain_text("Your offer was removed")
    expect(shown).to_contain_text("The decision was taken by a person.")
    expect(shown).to_contain_text(f"/appeals/new?statement={statement.puid}")
    page.screenshot(path=str(screenshots / "case_statement.png"), full_page=True)

    page.get_by_role("link", name=case.offer.marketplace_id).click()
    expect(page).to_have_url(f"{base_url}/offers/{case.offer_id}")
    expect(page.locator(".statement")).to_contain_text("Your offer was removed")
    page.close()

    # A viewer who reads Polish reads it in Polish (the seller got it in Polish anyway).
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="en-US")
    _log_in(page, base_url, polish)
    page.goto(f"{base_url}/offers/{case.offer_id}")
    expect(page.locator(".statement")).to_contain_text("UZASADNIENIE DECYZJI")
    page.close()
