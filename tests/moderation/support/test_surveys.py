"""Survey answers and the NPS of buyers who used the Buyer Protection Programme."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError
from sqlalchemy.orm import Session

from moderation.errors import Conflict
from moderation.support import surveys

T0 = datetime(2026, 5, 1, tzinfo=UTC)
MONTH = {"since": T0, "until": T0 + timedelta(days=31)}


def answer(session: Session, n: int, score: int, *, who: str | None = None,
           kind: str = "buyer", used: bool = True, day: int = 1) -> None:
    surveys.record_answer(session, now=T0, data=surveys.AnswerIn.model_validate({
        "answer_id": f"a-{n}", "respondent_kind": kind, "respondent_id": who or f"b-{n}",
        "score": score, "used_programme": used,
        "answered_at": T0 + timedelta(days=day - 1)}))


@pytest.mark.parametrize(("scores", "expected"), [
    ([10, 9, 8, 7, 6, 0], 0.0),  # 2 promoters, 2 passives, 2 detractors
    ([10, 10, 10, 6], 50.0),
    ([9], 100.0),
    ([7, 8], 0.0),  # passives only
    ([0, 1, 2, 3, 4, 5, 6], -100.0),
    ([], None),
])
def test_nps_is_promoters_minus_detractors(session: Session, scores: list[int],
                                           expected: float | None) -> None:
    for n, score in enumerate(scores):
        answer(session, n, score)
    assert surveys.programme_nps(session, **MONTH).score == expected


def test_only_buyers_who_used_the_programme_count_once_with_their_latest_answer(
        session: Session) -> None:
    answer(session, 1, 0, who="b-1", day=2)
    answer(session, 2, 10, who="b-1", day=20)  # b-1 changed their mind: a promoter
    answer(session, 3, 0, used=False)  # did not use the programme
    answer(session, 4, 0, kind="seller")
    answer(session, 5, 0, day=40)  # after the period
    answer(session, 6, 3)
    assert surveys.programme_nps(session, **MONTH) == surveys.Nps(2, 1, 1)


def test_an_answer_is_stored_once(session: Session) -> None:
    answer(session, 1, 9)
    answer(session, 1, 9)
    with pytest.raises(Conflict):
        answer(session, 1, 2)
    assert surveys.programme_nps(session, **MONTH).respondents == 1


@pytest.mark.parametrize("answered_at", [
    "2026-05-01T10:00:00",  # no time zone
    "0001-01-01T00:00:00+01:00",  # before year 1 in UTC: converting it was a 500
    "9999-12-31T23:00:00-02:00",  # past year 9999 in UTC
])
def test_a_time_the_database_cannot_hold_is_refused_naming_the_field(answered_at: str) -> None:
    with pytest.raises(ValidationError, match="answered_at"):
        surveys.AnswerIn.model_validate({
            "answer_id": "a-1", "respondent_kind": "buyer", "respondent_id": "b-1",
            "score": 9, "used_programme": True, "answered_at": answered_at})
