"""A buyer's claim in real Chromium: the case page shows its evidence and decides it."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from playwright.sync_api import Browser, Page, expect
from sqlalchemy.orm import Session

from moderation import policy
from moderation.accounts.staff import create_staff
from moderation.buyers import claims
from moderation.buyers.discussions import StepIn
from moderation.domain import StaffRole
from moderation.tables import Claim, OutboxMessage, TrackingEvent, utcnow
from tests.factories import TEST_PASSWORD, make_discussion, make_offer, make_order

BOUGHT_TITLE = "Rower Kross Hexagon 7.0 rama 19 cali, nowy"


def _claim(db: Session) -> Claim:
    """A claim on a 300 zł order whose offer changed after the sale, with tracking."""
    offer = make_offer(db, title=BOUGHT_TITLE)
    order = make_order(db, offer=offer, value=Decimal("300.00"))
    make_offer(db, marketplace_id=offer.marketplace_id, version=2,
               title="Rower Kross Hexagon 7.0 rama 17 cali, używany")
    db.add(TrackingEvent(order_id=order.id, event_id="t-1", status="shipped",
                         carrier="InPost", detail="Nadano w paczkomacie",
                         occurred_at=utcnow() - timedelta(days=8)))
    d = make_discussion(db, order=order, opened_ago=policy.SELLER_ANSWER_DUE + timedelta(hours=2))
    return claims.escalate(db, d.id, StepIn(at=utcnow()), now=utcnow())


def _log_in(page: Page, base_url: str, name: str) -> None:
    page.goto(f"{base_url}/queue")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{base_url}/queue")


def test_a_claim_shows_its_evidence_and_is_decided_in_part(
        db: Session, browser: Browser, base_url: str, screenshots: Path) -> None:
    create_staff(db, name="ola", role=StaffRole.MODERATOR, password=TEST_PASSWORD, locale="en")
    claim = _claim(db)
    db.commit()
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="en-US")
    errors: list[str] = []
    # The console's script runs on a claim's form too (no reasons to narrow there).
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    _log_in(page, base_url, "ola")
    page.goto(f"{base_url}/cases/{claim.case_id}")
    evidence = page.locator(".claim-evidence")
    expect(evidence).to_be_visible()
    # The offer as it was bought, not as the seller rewrote it afterwards.
    expect(evidence.locator(".offer-as-bought-title")).to_contain_text(BOUGHT_TITLE)
    expect(evidence.locator(".order-value")).to_contain_text("300.00 PLN")
    expect(evidence.locator(".tracking")).to_contain_text("Nadano w paczkomacie")
    expect(evidence.locator(".discussion-messages")).to_contain_text("Paczka nie dotarła")
    expect(evidence.locator(".attachments")).to_contain_text("screen.png")

    page.get_by_role("button", name="Review this case").click()
    expect(page.locator("form.claim-decision")).to_be_visible()
    page.keyboard.press("p")
    expect(page.locator('input[name="action"][value="partial"]')).to_be_checked()
    page.locator('input[name="amount"]').fill("120.50")
    page.locator('textarea[name="note"]').fill("Rama mniejsza niż w opisie oferty z dnia zakupu.")
    page.screenshot(path=str(screenshots / "claim_case.png"), full_page=True)
    page.keyboard.press("Control+Enter")
    expect(page).to_have_url(f"{base_url}/queue?decided={claim.case_id}")
    assert errors == []

    db.expire_all()
    decided = db.get_one(Claim, claim.id)
    assert (decided.status, decided.upheld) == ("partial", True)
    told = db.query(OutboxMessage).filter(OutboxMessage.kind.like("%.claim_decision")).all()
    assert {m.payload["amount"] for m in told} == {"120.50"}
    page.goto(f"{base_url}/cases/{claim.case_id}")
    expect(page.locator(".claim-outcome")).to_contain_text("120.50 PLN")
    page.close()
