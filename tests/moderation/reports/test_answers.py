"""Answer times per queue: when a case counts as answered, and against what."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from moderation.db import make_engine
from moderation.reports import answers
from moderation.reports.sql import Period
from moderation.tables import Base
from tests import report_builders as rb

APRIL = Period(date(2025, 4, 1), date(2025, 4, 30))
OPENED = "2025-04-10 08:00"

# (what happened to a case opened at 08:00, answered by then or None, in 4 h, in 6 h)
CASES = [
    ("a moderator's keep after 3 h", [("keep", "11:00", False)], None, True, True),
    ("a moderator's removal after 5 h", [("remove", "13:00", False)], None, False, True),
    ("closed after 4 h exactly, no decision", [], "12:00", True, True),
    ("an escalation is not an answer; the lead's decision is",
     [("escalate", "09:00", False), ("remove", "15:00", False)], None, False, False),
    ("a system decision is not an answer; the closing is",
     [("block", "08:01", True)], "13:59", False, True),
    ("the earlier of the decision and the closing",
     [("keep", "09:00", False)], "20:00", True, True),
    ("not answered yet: not in time", [], None, False, False),
]


def _seed(session: Session, kind: str) -> None:
    s = rb.seller(session)
    for _what, decisions, closed, _in4, _in6 in CASES:
        c = rb.case(session, rb.offer(session, s), kind=kind, opened=OPENED,
                    closed=f"2025-04-10 {closed}" if closed else None)
        for action, when, automated in decisions:
            rb.decision(session, c, action=action, when=f"2025-04-10 {when}",
                        automated=automated)
    # Opened before the period, answered in it: another period's case.
    rb.case(session, rb.offer(session, s), kind=kind, opened="2025-03-31 20:00",
            closed="2025-04-01 09:00")


@pytest.mark.parametrize(("what", "decisions", "closed", "in_4h", "in_6h"), CASES,
                         ids=[c[0] for c in CASES])
def test_when_a_case_is_answered(session: Session, what: str,
                                 decisions: list[tuple[str, str, bool]], closed: str | None,
                                 in_4h: bool, in_6h: bool) -> None:
    c = rb.case(session, rb.offer(session, rb.seller(session)), kind="screening",
                opened=OPENED, closed=f"2025-04-10 {closed}" if closed else None)
    for action, when, automated in decisions:
        rb.decision(session, c, action=action, when=f"2025-04-10 {when}", automated=automated)
    [queue] = answers.queue_answers(session, APRIL)
    assert (queue.opened, [b.count for b in queue.bands]) == (1, [int(in_4h), int(in_6h)])
    assert queue.answered == (0 if what.startswith("not answered") else 1)


def test_each_queue_against_its_target_and_all_against_the_standard(session: Session) -> None:
    _seed(session, "feedback_report")  # a target of 6 h
    _seed(session, "appeal")  # a target of 72 h
    report = {q.kind: q for q in answers.queue_answers(session, APRIL)}
    for kind in ("feedback_report", "appeal"):
        q = report[kind]
        assert (q.opened, q.answered) == (7, 6)
        assert [b.share for b in q.bands] == [3 / 7, 5 / 7]
        assert [b.standard for b in q.bands] == [0.81, 0.85]
    assert report["feedback_report"].within_target == 5 / 7
    assert report["appeal"].within_target == 6 / 7
    four, six = answers.overall(tuple(report.values()))
    assert (four.count, four.share, four.meets) == (6, 6 / 14, False)
    assert (six.count, six.share, six.meets) == (10, 10 / 14, False)


def test_sqlite_counts_the_same(session: Session, tmp_path: Path) -> None:
    _seed(session, "buyer_claim")
    engine = make_engine(f"sqlite:///{tmp_path / 'answers.db'}")
    Base.metadata.create_all(engine)
    with Session(engine) as lite:
        _seed(lite, "buyer_claim")
        assert answers.queue_answers(lite, APRIL) == answers.queue_answers(session, APRIL)
    engine.dispose()
