"""The console under its content security policy in real Chromium: pages work with no
violation, the language switch (a script, no inline handler) works, and no page is framed."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, ConsoleMessage, Page, expect
from sqlalchemy.orm import Session

from moderation.accounts.staff import create_staff
from moderation.domain import StaffRole
from tests.factories import TEST_PASSWORD

PAGES = ("/queue", "/escalations", "/dashboard", "/audit", "/rights", "/notifiers", "/shadow",
         "/console/reports/programme", "/console/support/tasks", "/admin")


def _watch(page: Page) -> list[str]:
    """Console messages and page errors that tell of a blocked script, style or frame, and
    script errors (a script that could not run leaves its page broken)."""
    seen: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if re.search(r"Content Security Policy|Refused to|X-Frame-Options", message.text):
            seen.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: seen.append(str(error)))
    return seen


def _log_in_admin(db: Session, page: Page, base_url: str) -> None:
    create_staff(db, name="csp-admin", role=StaffRole.ADMIN, password=TEST_PASSWORD,
                 locale="en")
    db.commit()
    page.goto(f"{base_url}/login")
    page.get_by_label("Name").fill("csp-admin")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{base_url}/queue")


def test_the_console_works_under_its_policy(db: Session, browser: Browser,
                                            base_url: str) -> None:
    page = browser.new_page(locale="en-US")
    problems = _watch(page)
    _log_in_admin(db, page, base_url)
    for path in PAGES:
        response = page.goto(f"{base_url}{path}")
        assert response is not None and response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
    # The language list sends its form from console.js (an inline handler would be blocked).
    page.goto(f"{base_url}/queue")
    page.get_by_label("Language").select_option("pl")
    expect(page.locator("html")).to_have_attribute("lang", "pl")
    assert problems == []


def test_no_page_can_be_framed(db: Session, browser: Browser, base_url: str) -> None:
    page = browser.new_page()
    problems = _watch(page)
    # Another origin's page (about:blank here) framing the login form.
    page.set_content(f'<iframe id="victim" src="{base_url}/login"></iframe>')
    page.wait_for_timeout(1500)
    frame = next(f for f in page.frames if f is not page.main_frame)
    assert frame.locator('form[action="/login"]').count() == 0
    assert any("frame-ancestors" in p or "X-Frame-Options" in p for p in problems), problems


def test_the_api_docs_still_render(browser: Browser, base_url: str) -> None:
    page = browser.new_page()
    problems = _watch(page)
    page.goto(f"{base_url}/docs")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible(timeout=15_000)
    page.goto(f"{base_url}/redoc")
    expect(page.get_by_text(re.compile("Marketplace moderation")).first).to_be_visible(
        timeout=15_000)
    expect(page.locator("[data-section-id]").first).to_be_attached(timeout=15_000)
    # ReDoc's footer logo comes from its CDN: blocked on purpose (the docs work offline).
    assert [p for p in problems if "cdn.redoc.ly" not in p] == []
