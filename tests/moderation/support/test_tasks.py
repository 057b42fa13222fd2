"""Close-the-loop tasks: listed for leads, done once with a note, counted per period."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from moderation.errors import Conflict, NotFound
from moderation.support import ratings, tasks
from moderation.support.tasks import DoneIn
from tests.factories import make_staff

T0 = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)


def _open(session: Session, n: int, at: datetime, *, score: int = 1) -> int:
    data = ratings.RatingIn(rating_id=f"r-{n}", rater_kind="seller", rater_id=f"s-{n}",
                            contact_id=f"c-{n}", score=score, rated_at=at)
    staff = make_staff(session).staff
    _rating, task = ratings.record_rating(session, data=data, by_staff_id=staff.id, now=at)
    assert task is not None
    return task.id


def test_open_tasks_come_soonest_due_first_and_done_ones_latest_first(
        session: Session) -> None:
    late, early, third = (_open(session, n, T0 + timedelta(hours=h))
                          for n, h in ((1, 5), (2, 1), (3, 3)))
    assert [r.task.id for r in tasks.list_tasks(session)] == [early, third, late]
    lead = make_staff(session).staff
    for task_id, h in ((early, 2), (late, 9)):
        tasks.mark_done(session, task_id, staff_id=lead.id, data=DoneIn(note="called"),
                        now=T0 + timedelta(hours=h))
    assert [r.task.id for r in tasks.list_tasks(session)] == [third]
    assert [r.task.id for r in tasks.list_tasks(session, status="done")] == [late, early]


def test_a_task_is_done_once(session: Session) -> None:
    task_id = _open(session, 1, T0)
    lead = make_staff(session).staff
    row = tasks.mark_done(session, task_id, staff_id=lead.id,
                          data=DoneIn(note="  Called back, refunded  "), now=T0)
    assert (row.task.status, row.task.note, row.task.done_by_id) == (
        "done", "Called back, refunded", lead.id)
    assert row.rating.rater_id == "s-1"
    with pytest.raises(Conflict):
        tasks.mark_done(session, task_id, staff_id=lead.id, data=DoneIn(note="again"), now=T0)
    with pytest.raises(NotFound):
        tasks.mark_done(session, task_id + 99, staff_id=lead.id, data=DoneIn(note="x"), now=T0)


def test_counts_for_a_period(session: Session) -> None:
    lead = make_staff(session).staff
    in_time, late, _still_open = (_open(session, n, T0) for n in (1, 2, 3))
    _open(session, 4, T0 - timedelta(days=2))  # opened before the period
    tasks.mark_done(session, in_time, staff_id=lead.id, data=DoneIn(note="ok"),
                    now=T0 + timedelta(hours=23))
    tasks.mark_done(session, late, staff_id=lead.id, data=DoneIn(note="ok"),
                    now=T0 + timedelta(hours=25))
    counted = tasks.counts(session, since=T0 - timedelta(hours=1), until=T0 + timedelta(days=1))
    assert counted == tasks.TaskCounts(opened=3, open=1, done=2, done_in_time=1)
