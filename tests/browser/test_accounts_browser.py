"""In Chromium: an administrator's one-time password leads to setting one's own first; the
header's link changes it later."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Browser, Page, expect
from sqlalchemy.orm import Session

from moderation.accounts.staff import create_staff
from moderation.domain import StaffRole
from tests.factories import TEST_PASSWORD

OWN = "a passphrase of my own"
LATER = "another passphrase, later"


def test_the_first_login_sets_ones_own_password_before_the_queue(
        db: Session, browser: Browser, base_url: str, screenshots: Path) -> None:
    create_staff(db, name="nowa", role=StaffRole.MODERATOR, password=TEST_PASSWORD,
                 locale="en", one_time_password=True)
    db.commit()
    page = browser.new_page(locale="en-US")
    page.goto(f"{base_url}/queue")
    page.get_by_label("Name").fill("nowa")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/account/password\?next=/queue$"))
    expect(page.get_by_role("heading", name="Set your own password")).to_be_visible()

    page.goto(f"{base_url}/queue")  # any other page leads back here
    expect(page).to_have_url(f"{base_url}/account/password")
    save_password(page, TEST_PASSWORD)
    expect(page.get_by_role("alert")).to_have_text(
        "Choose a password other than the one you were given.")
    page.screenshot(path=str(screenshots / "own_password.png"), full_page=True)

    save_password(page, OWN)
    expect(page).to_have_url(f"{base_url}/queue")
    expect(page.get_by_role("heading", name="Queue")).to_be_visible()

    # Later, changing it from the header asks for the current one.
    page.get_by_role("link", name="Change password").click()
    expect(page.get_by_role("heading", name="Change your password")).to_be_visible()
    page.get_by_label("Current password").fill(OWN)
    save_password(page, LATER)
    expect(page.get_by_role("status")).to_have_text(
        "Your password is changed. Your sessions in other browsers have ended.")
    page.screenshot(path=str(screenshots / "password_changed.png"), full_page=True)
    page.close()


def save_password(page: Page, password: str) -> None:
    """Fill in the new password twice and save it."""
    page.get_by_label("New password", exact=True).fill(password)
    page.get_by_label("New password again").fill(password)
    page.get_by_role("button", name="Save the password").click()
