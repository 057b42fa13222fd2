"""The support standard in policy: every queue has an answer-time target, and the bands."""

from __future__ import annotations

from datetime import timedelta

from moderation import policy
from moderation.domain import CaseKind


def test_every_case_kind_has_an_answer_target() -> None:
    missing = [kind.value for kind in CaseKind if kind not in policy.ANSWER_TARGET]
    assert not missing, f"no answer-time target for {missing}"
    assert all(t > timedelta(0) for t in policy.ANSWER_TARGET.values())


def test_the_published_standard_is_81_percent_in_4_hours_and_85_in_6() -> None:
    assert ((timedelta(hours=4), 0.81), (timedelta(hours=6), 0.85)) == policy.SUPPORT_STANDARD
    assert (timedelta(hours=4), timedelta(hours=6)) == policy.ANSWER_BANDS
