"""The console in real Chromium: log in, claim, see the evidence, decide; leases; CSRF."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from playwright.sync_api import Browser, Page, expect
from sqlalchemy.orm import Session

from moderation.accounts.staff import create_staff
from moderation.domain import StaffRole
from moderation.intake import offers
from moderation.schemas import OfferIn
from moderation.screening import batches
from moderation.tables import Case, Decision, Offer, SafetyAlert, utcnow
from tests.factories import TEST_PASSWORD, offer_event, runtime_of
from tests.hold_builders import heater_under_alert, relisted_lamp, suspended_sellers_offer

REVIEW_TITLE = "Bluza Supreme replika AAA tanio"


def _moderator(db: Session, name: str, role: StaffRole = StaffRole.MODERATOR) -> str:
    create_staff(db, name=name, role=role, password=TEST_PASSWORD, locale="en")
    return name


def _review_case(db: Session) -> Case:
    """An offer that screening sends to review, screened for real."""
    result = offers.ingest(db, OfferIn.model_validate(offer_event(
        title=REVIEW_TITLE, brand=None, category="Odzież > Męska", price="89.00",
        description="Bluza jak oryginał, metka AAA.")))
    batches.screen_pending(db, runtime_of(db).screener, limit=100)
    return db.query(Case).filter_by(offer_id=result.offer_id).one()


def _log_in(page: Page, base_url: str, name: str) -> None:
    page.goto(f"{base_url}/queue")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{base_url}/queue")


def test_log_in_claim_see_evidence_decide_and_see_the_offer_removed(
        db: Session, browser: Browser, base_url: str, screenshots: Path) -> None:
    name = _moderator(db, "ania")
    case = _review_case(db)
    db.commit()
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="en-US")
    _log_in(page, base_url, name)
    expect(page.locator(f'tr[data-case="{case.id}"]')).to_be_visible()
    page.screenshot(path=str(screenshots / "queue.png"), full_page=True)

    page.keyboard.press("n")  # the "next case" shortcut
    expect(page).to_have_url(f"{base_url}/cases/{case.id}")
    evidence = page.locator(".offer-title mark")
    expect(evidence.first).to_be_visible()
    assert "replika" in " ".join(evidence.all_inner_texts()).lower()
    expect(page.locator("#lease-status")).to_contain_text("You are reviewing this case")
    page.screenshot(path=str(screenshots / "case.png"), full_page=True)

    page.keyboard.press("r")
    expect(page.locator('input[name="action"][value="remove"]')).to_be_checked()
    page.locator("#reason").select_option("COUNTERFEIT")
    page.locator('textarea[name="note"]').fill("Marker podróbki w tytule, cena zaniżona.")
    page.keyboard.press("Control+Enter")
    expect(page).to_have_url(f"{base_url}/queue?decided={case.id}")
    expect(page.get_by_role("status")).to_contain_text(f"#{case.id}")

    db.expire_all()
    offer = db.get(Offer, case.offer_id)
    assert offer is not None and offer.status == "removed"
    page.goto(f"{base_url}/cases/{case.id}")
    expect(page.locator(".offer-status")).to_have_text("removed")
    expect(page.locator(".audit-trail")).to_contain_text("decision.remove")
    page.close()


def test_a_second_moderator_cannot_decide_a_case_the_first_holds(
        db: Session, browser: Browser, base_url: str, screenshots: Path) -> None:
    first, second = _moderator(db, "basia"), _moderator(db, "celina")
    case = _review_case(db)
    db.commit()
    a = browser.new_context(locale="en-US").new_page()
    b = browser.new_context(locale="en-US").new_page()
    _log_in(a, base_url, first)
    _log_in(b, base_url, second)
    a.get_by_role("button", name=re.compile("Next case")).click()
    expect(a).to_have_url(f"{base_url}/cases/{case.id}")

    b.goto(f"{base_url}/cases/{case.id}")
    expect(b.locator("#decision-form")).to_have_count(0)
    expect(b.locator("#lease-status")).to_contain_text("Someone else is reviewing")
    b.get_by_role("button", name="Review this case").click()
    expect(b.locator('[data-code="lease_not_held"]')).to_be_visible()

    # The first lease lapses and the case goes to the second moderator: the first page,
    # still open, learns it at its next renewal and stops taking a decision.
    db.expire_all()
    held = db.get(Case, case.id)
    assert held is not None and held.lease_holder_id is not None
    held.lease_expires_at = utcnow() - timedelta(seconds=1)
    db.commit()
    b.goto(f"{base_url}/cases/{case.id}")
    b.get_by_role("button", name="Review this case").click()
    expect(b.locator("#decision-form")).to_have_count(1)
    expect(a.locator("#lease-lost")).to_be_visible(timeout=15_000)
    expect(a.locator('#decision-form button[type="submit"]')).to_be_disabled()
    a.screenshot(path=str(screenshots / "case-lease-lost.png"), full_page=True)
    a.context.close()
    b.context.close()


def test_form_posts_without_the_csrf_token_are_refused(
        db: Session, browser: Browser, base_url: str) -> None:
    name = _moderator(db, "dorota")
    case = _review_case(db)
    db.commit()
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    _log_in(page, base_url, name)
    for form in ({}, {"csrf_token": "forged"}):
        refused = context.request.post(f"{base_url}/queue/next", form=form, max_redirects=0)
        assert refused.status == 403, refused.status
    db.expire_all()
    assert db.get(Case, case.id).lease_holder_id is None  # type: ignore[union-attr]
    context.close()


def test_a_held_offers_case_shows_why_it_is_held(
        db: Session, browser: Browser, base_url: str, screenshots: Path) -> None:
    name = _moderator(db, "hela")
    alert_case = _held_case(db, heater_under_alert(db, risk_level="serious"))
    number = db.query(SafetyAlert).one().number
    removal_case = _held_case(db, relisted_lamp(db))
    removal = db.query(Decision).filter_by(action="remove").one()
    sanction_case = _held_case(db, suspended_sellers_offer(db))
    db.commit()
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="en-US")
    _log_in(page, base_url, name)

    page.goto(f"{base_url}/cases/{alert_case.id}")
    expect(page.locator(".offer-status")).to_have_text("held")
    expect(page.locator(".hold-status")).to_contain_text("buyers do not see this offer")
    ground = page.locator(".alert-ground")
    expect(ground.locator(".alert-number")).to_have_text(number)
    expect(ground.locator(".alert-risk")).to_have_text("serious risk")
    expect(ground.locator(".matched-barcode")).to_have_text("5901234123457")
    expect(page.get_by_text("No rule matched.")).to_have_count(0)
    page.screenshot(path=str(screenshots / "case_held_alert.png"), full_page=True)

    page.goto(f"{base_url}/cases/{removal_case.id}")
    expect(page.locator(".removal-ground")).to_contain_text(f"#{removal.id}")
    expect(page.locator(".removal-ground a")).to_have_attribute(
        "href", f"/cases/{removal.case_id}")

    page.goto(f"{base_url}/cases/{sanction_case.id}")
    expect(page.locator(".sanction-ground")).to_contain_text("Account suspended until")
    page.close()


def _held_case(db: Session, offer: Offer) -> Case:
    batches.screen_pending(db, runtime_of(db).screener, limit=100)
    case = db.query(Case).filter_by(offer_id=offer.id).one()
    assert db.get(Offer, offer.id).status == "held"  # type: ignore[union-attr]
    return case
