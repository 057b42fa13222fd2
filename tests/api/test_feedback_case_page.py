"""The case page of a seller's report shows the comment a moderator decides on: as reported,
as it stands when the buyer corrected it since, and the seller's explanation."""

from __future__ import annotations

from sqlalchemy.orm import Session

from moderation.buyers import feedback
from moderation.buyers.feedback import CorrectionIn
from moderation.tables import utcnow
from tests.api.console import logged_in
from tests.factories import TEST_PASSWORD, make_staff
from tests.moderation.buyers.test_feedback_reports import NEGATIVE, published, report


def test_the_case_page_shows_the_reported_comment_and_the_sellers_explanation(
        session: Session) -> None:
    row = published(session)
    filed = report(session, row)
    mod = make_staff(session, password=TEST_PASSWORD).staff
    session.commit()
    page = logged_in(session, mod.name, TEST_PASSWORD).get(f"/cases/{filed.case_id}")
    assert page.status_code == 200
    assert 'class="reported-comment">' + NEGATIVE in page.text
    assert "The item was new, see the photos." in page.text
    assert 'class="current-comment"' not in page.text  # unchanged since the report


def test_a_comment_corrected_since_the_report_is_shown_as_it_stands_too(
        session: Session) -> None:
    row = published(session)
    filed = report(session, row)
    feedback.correct_feedback(session, row.marketplace_id,
                              CorrectionIn(comment="Towar używany, opis się nie zgadza"),
                              rules=feedback.comment_rules(), now=utcnow())
    mod = make_staff(session, password=TEST_PASSWORD).staff
    session.commit()
    page = logged_in(session, mod.name, TEST_PASSWORD).get(f"/cases/{filed.case_id}").text
    assert 'class="reported-comment">' + NEGATIVE in page
    assert 'class="current-comment">Towar używany, opis się nie zgadza' in page
