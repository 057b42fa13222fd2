"""Ratings of support: stored once, and a negative one opens one close-the-loop task."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from moderation.errors import Conflict, NotFound
from moderation.support import ratings
from moderation.tables import AuditEntry, FollowUpTask
from tests.factories import make_case, make_staff

NOW = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)


def rating(**overrides: Any) -> ratings.RatingIn:
    data: dict[str, Any] = {"rating_id": "r-1", "rater_kind": "buyer", "rater_id": "b-1",
                            "contact_id": "c-77", "positive": False,
                            "comment": "Nobody answered", "rated_at": NOW.isoformat()}
    return ratings.RatingIn.model_validate({**data, **overrides})


def _record(session: Session, data: ratings.RatingIn) -> Any:
    staff = make_staff(session).staff
    return ratings.record_rating(session, data=data, by_staff_id=staff.id, now=NOW)


@pytest.mark.parametrize(("given", "negative"), [
    ({"positive": False}, True),
    ({"positive": True}, False),
    ({"positive": None, "score": 1}, True),
    ({"positive": None, "score": 2}, True),
    ({"positive": None, "score": 3}, False),
    ({"positive": None, "score": 5}, False),
])
def test_which_ratings_are_negative(given: dict[str, Any], negative: bool) -> None:
    assert rating(**given).negative is negative


@pytest.mark.parametrize(("given", "field"), [
    ({"contact_id": None}, "name what is rated"),
    ({"score": 2}, "either positive"),
    ({"positive": None}, "either positive"),
    ({"positive": None, "score": 6}, "score"),
    ({"positive": None, "score": 0}, "score"),
    ({"rater_kind": "courier"}, "rater_kind"),
    ({"rater_id": "b\x00"}, "rater_id"),
    ({"case_id": 2**63}, "case_id"),
    ({"rated_at": "2026-05-04T10:00:00"}, "rated_at"),  # no time zone
    # Past what UTC can hold once converted (was an OverflowError: a 500), or the database.
    ({"rated_at": "0001-01-01T00:00:00+01:00"}, "rated_at"),
    ({"rated_at": "9999-12-31T23:00:00-02:00"}, "rated_at"),
    ({"comment": "x" * 5001}, "comment"),
])
def test_ratings_that_do_not_validate(given: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError, match=field):
        rating(**given)


def test_a_negative_rating_opens_one_task_due_in_a_day(session: Session) -> None:
    stored, task = _record(session, rating())
    assert task is not None and task.status == "open" and task.rating_id == stored.id
    assert task.due_at == NOW + timedelta(hours=24)
    again, same = _record(session, rating())  # the marketplace sent it again
    assert (again.id, same.id) == (stored.id, task.id)
    assert session.scalar(select(func.count()).select_from(FollowUpTask)) == 1
    assert session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "support.follow_up_opened")) == 1


def test_a_positive_rating_opens_no_task(session: Session) -> None:
    stored, task = _record(session, rating(positive=True))
    assert task is None and not stored.negative
    assert session.scalar(select(func.count()).select_from(FollowUpTask)) == 0


def test_the_same_id_with_other_content_is_a_conflict(session: Session) -> None:
    _record(session, rating())
    with pytest.raises(Conflict, match="other content"):
        _record(session, rating(comment="Changed my mind", positive=True))


def test_a_rating_of_a_case_names_one_that_exists(session: Session) -> None:
    case = make_case(session)
    stored, _task = _record(session, rating(case_id=case.id, contact_id=None))
    assert stored.case_id == case.id
    with pytest.raises(NotFound):
        _record(session, rating(rating_id="r-2", case_id=case.id + 1000))
