"""An appeal's case on the console: in the queue, with the whole history on its page, in
Polish first."""

from __future__ import annotations

from sqlalchemy.orm import Session

from moderation.domain import StaffRole
from tests.api.console import csrf_of, logged_in
from tests.appeal_builders import seller_appeal, statement
from tests.factories import TEST_PASSWORD, make_staff
from tests.notice_builders import remove_on_notice


def test_an_appeal_case_shows_the_appeal_and_the_decision_it_contests(
        session: Session) -> None:
    removed = remove_on_notice(session)
    told = statement(session, seller_id=removed.seller.id, restriction="removal",
                     decision=removed.decision)
    appeal = seller_appeal(session, removed.decision)
    moderator = make_staff(session, StaffRole.MODERATOR, password=TEST_PASSWORD, locale="pl")
    browser = logged_in(session, moderator.staff.name, TEST_PASSWORD)

    queue = browser.get("/queue?kind=appeal")
    assert f"/cases/{appeal.case_id}" in queue.text and "odwołanie" in queue.text

    page = browser.get(f"/cases/{appeal.case_id}")
    assert page.status_code == 200
    assert "Odwołanie" in page.text and appeal.reference in page.text
    assert appeal.explanation in page.text
    assert "Kwestionowana decyzja" in page.text and removed.decision.note in page.text
    assert told.puid in page.text and removed.notice.reference in page.text
    assert f'href="/cases/{removed.case.id}"' in page.text  # the case the removal closed
    assert "appeal.filed" in page.text and "decision.remove" in page.text  # both trails

    browser.post(f"/cases/{appeal.case_id}/claim", data={"csrf_token": csrf_of(page.text)})
    claimed = browser.get(f"/cases/{appeal.case_id}")
    assert "APPEAL_UPHELD" in claimed.text and "APPEAL_REJECTED" in claimed.text
    decided = browser.post(f"/cases/{appeal.case_id}/decision", follow_redirects=False,
                           data={"csrf_token": csrf_of(claimed.text), "action": "keep",
                                 "reason_code": "APPEAL_UPHELD", "note": ""})
    assert decided.status_code == 303
    session.refresh(appeal)
    session.refresh(removed.offer)
    assert appeal.outcome == "upheld" and removed.offer.status == "restored"
