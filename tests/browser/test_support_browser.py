"""Close the loop in real Chromium: a lead sees whom to contact, marks the task done with a
note, under the console's content security policy."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, expect
from sqlalchemy.orm import Session

from moderation.accounts.staff import create_staff
from moderation.domain import StaffRole
from moderation.support import ratings
from moderation.tables import FollowUpTask, utcnow
from tests.browser.test_console_browser import _log_in, _moderator
from tests.browser.test_security_browser import _watch


def test_a_lead_closes_the_loop_on_a_negative_rating(
        db: Session, browser: Browser, base_url: str, screenshots: Path) -> None:
    name = _moderator(db, "lena", StaffRole.LEAD)
    sender = create_staff(db, name="rater-feed", role=StaffRole.ADMIN).staff
    _rating, task = ratings.record_rating(db, by_staff_id=sender.id, now=utcnow(),
                                          data=ratings.RatingIn(
                                              rating_id="br-1", rater_kind="buyer",
                                              rater_id="kupujacy-7", contact_id="zgl-42",
                                              positive=False, comment="Czekałem trzy dni",
                                              rated_at=utcnow()))
    assert task is not None
    db.commit()
    page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="en-US")
    problems = _watch(page)
    _log_in(page, base_url, name)
    page.goto(f"{base_url}/console/support/tasks")
    row = page.locator(f"#task-{task.id}")
    expect(row).to_contain_text("kupujacy-7")
    expect(row).to_contain_text("Czekałem trzy dni")
    page.screenshot(path=str(screenshots / "support_tasks.png"), full_page=True)
    row.get_by_label("Note").fill("Zadzwoniłam, przeprosiłam")
    row.get_by_role("button", name="Done").click()
    expect(page).to_have_url(f"{base_url}/console/support/tasks?done={task.id}")
    expect(page.locator(f"#task-{task.id}")).to_have_count(0)
    page.goto(f"{base_url}/console/support/tasks?status=done")
    expect(page.locator(f"#task-{task.id}")).to_contain_text("Zadzwoniłam, przeprosiłam")
    db.expire_all()
    assert db.get_one(FollowUpTask, task.id).status == "done"
    assert problems == []
    page.close()
