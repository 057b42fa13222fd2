"""The programme report on hand-counted data: answer times, working-day deadlines, notifiers'
accuracy, repeat infringers, reappearances, appeals; its command and its page for leads."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session
from typer.testing import CliRunner

from moderation.domain import StaffRole
from moderation.reports import programme
from moderation.reports.sql import Period
from moderation.support import ratings, tasks
from moderation.tables import Strike
from tests import report_builders as rb
from tests.api.console import logged_in
from tests.factories import TEST_PASSWORD, make_staff
from tests.moderation.reports.test_transparency import MARCH, seed


def seed_programme(session: Session) -> None:
    """On top of the transparency data: two strikes on one seller, a held re-listing, and an
    order received on Friday 2025-03-14 acted on the next Wednesday (late: due Tuesday)."""
    seed(session)
    s = rb.seller(session)
    o1, o2, o3 = (rb.offer(session, s) for _ in range(3))
    for on in (o1, o2):
        c = rb.case(session, on, kind="notice", opened="2025-03-15 10:00")
        d = rb.decision(session, c, action="remove", when="2025-03-15 11:00")
        rb.add(session, Strike(seller_id=s.id, decision_id=d.id,
                               created_at=rb.at("2025-03-15 11:00"),
                               expires_at=rb.at("2026-03-15 11:00")))
    held = rb.case(session, o3, kind="screening", opened="2025-03-16 10:00")
    held.reason_code = "REMOVED_BEFORE"
    late = rb.authority_alert(session, kind="order", received="2025-03-14 10:00",
                              matched="2025-03-14 10:01", acknowledged="2025-03-14 10:05")
    rb.match(session, late, rb.case(session, o3, kind="safety", opened="2025-03-14 10:01",
                                    closed="2025-03-19 10:00"))
    session.flush()


def test_programme_figures(session: Session) -> None:
    seed_programme(session)
    report = programme.build(session, MARCH)
    answers = {a.kind: (a.opened, a.answered, *(b.share for b in a.bands), a.within_target)
               for a in report.answers}
    # safety: closed after 1h55 and 3h55 (a1), 5 days (late, past its 3 days); notice: 6 h,
    # 24 h, 2 h, and the two struck offers decided after 1 h (still open); screening: three
    # after 1 h, and the held re-listing not answered yet (not in time).
    assert answers["safety"] == (3, 3, 2 / 3, 2 / 3, 2 / 3)
    assert answers["notice"] == (5, 5, 3 / 5, 4 / 5, 1.0)
    assert answers["appeal"] == (2, 2, 1 / 2, 1 / 2, 1.0)
    assert answers["screening"] == (4, 3, 3 / 4, 3 / 4, 3 / 4)
    assert [(b.count, b.standard, b.meets) for b in report.answered] == [
        (9, 0.81, False), (10, 0.85, False)]
    deadlines = {(d.what, d.working_days): (d.received, d.acted, d.in_time)
                 for d in report.deadlines}
    assert deadlines[("order", 2)] == (3, 3, 2)
    assert deadlines[("rights_notice", 3)] == (2, 2, 2)
    [notifier] = report.notifiers
    assert (notifier.notices, notifier.items, notifier.decided, notifier.upheld) == (2, 3, 3, 2)
    assert (report.repeat_infringers, report.suspended, report.reappearances_blocked) == (1, 1, 1)
    assert (report.appeals, report.reversed, report.confirmed) == (2, 1, 1)


def test_an_empty_period_has_no_shares(session: Session) -> None:
    report = programme.build(session, Period(date(1999, 1, 1), date(1999, 1, 2)))
    assert report.answers == () and all(d.share is None for d in report.deadlines)
    assert ("appeals", "appeals opened", "total", "0") in programme.rows(report)
    assert ("close the loop", "tasks open", "total", "0") in programme.rows(report)
    assert ("buyer protection", "NPS", "buyers who used the programme", "") in programme.rows(
        report)


def test_the_command_writes_the_figures_as_csv(tmp_path: Path) -> None:
    from moderation_cli import app

    out = tmp_path / "programme.csv"
    result = CliRunner().invoke(app, ["report", "programme", "--from", "1999-01-01",
                                      "--to", "1999-01-31", "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(out.open(encoding="utf-8")))
    assert rows[0] == ["section", "indicator", "scope", "value"] and len(rows) > 5
    assert {r[0] for r in rows[1:]} >= {"answer times", "close the loop", "buyer protection"}
    bad = CliRunner().invoke(app, ["report", "programme", "--from", "1999-02-01",
                                   "--to", "1999-01-01"])
    assert bad.exit_code != 0


def test_the_page_shows_the_figures_with_charts_to_leads(session: Session) -> None:
    seed_programme(session)
    lead = make_staff(session, StaffRole.LEAD, password=TEST_PASSWORD, locale="pl").staff
    client = logged_in(session, lead.name, TEST_PASSWORD)
    page = client.get("/console/reports/programme?from=2025-03-01&to=2025-03-31")
    assert page.status_code == 200
    assert "Raport programów" in page.text and page.text.count("<svg") == 3
    # Every queue against the standard, the follow-ups and the buyers' programme.
    assert page.text.count('<td class="misses">') == 2
    assert 'href="/console/support/tasks"' in page.text and "NPS" in page.text
    assert "<script>" not in page.text.split("</header>")[-1]
    bad = client.get("/console/reports/programme?from=2025-03-31&to=2025-03-01")
    assert bad.status_code == 422


def test_close_the_loop_tasks_count_in_the_report(session: Session) -> None:
    lead = make_staff(session, StaffRole.LEAD).staff
    opened = []
    for n, when in enumerate(("2025-03-10 10:00", "2025-03-11 10:00", "2025-02-27 10:00")):
        data = ratings.RatingIn(rating_id=f"rp-{n}", rater_kind="buyer", rater_id=f"b-{n}",
                                contact_id=f"c-{n}", positive=False, rated_at=rb.at(when))
        _rating, task = ratings.record_rating(session, data=data, by_staff_id=lead.id,
                                              now=rb.at(when))
        assert task is not None
        opened.append(task.id)
    tasks.mark_done(session, opened[0], staff_id=lead.id, data=tasks.DoneIn(note="called"),
                    now=rb.at("2025-03-10 18:00"))
    follow_ups = programme.build(session, MARCH).follow_ups
    assert follow_ups == tasks.TaskCounts(opened=2, open=1, done=1, done_in_time=1)
