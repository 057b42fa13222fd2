"""Working-day deadlines on the Polish calendar: weekends, Easter, May, November, Christmas."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from moderation.config import get_settings
from moderation.errors import InvalidInput
from moderation.safety.deadlines import (
    add_working_days,
    due_for,
    is_working_day,
    working_time_left,
)

WARSAW = ZoneInfo("Europe/Warsaw")


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=WARSAW)


@pytest.mark.parametrize(("received", "days", "due"), [
    # An ordinary week: the same clock time N working days later.
    (local(2026, 6, 8, 8, 0), 3, local(2026, 6, 11, 8, 0)),
    # Over a weekend: Friday + 2 is Tuesday.
    (local(2026, 12, 18, 15, 0), 2, local(2026, 12, 22, 15, 0)),
    # Christmas 2026: 24 (Christmas Eve, a holiday since 2025) and 25 Dec, then a weekend.
    (local(2026, 12, 23, 10, 0), 1, local(2026, 12, 28, 10, 0)),
    (local(2026, 12, 23, 10, 0), 2, local(2026, 12, 29, 10, 0)),
    # Received on a holiday: the clock starts at 00:00 on the next working day.
    (local(2026, 12, 24, 9, 30), 2, local(2026, 12, 30, 0, 0)),
    # Received on a Saturday: Monday and Tuesday are the two days, due when Wednesday starts.
    (local(2026, 12, 19, 11, 0), 2, local(2026, 12, 23, 0, 0)),
    # Easter 2027 (28/29 March), across the change to summer time on 28 March.
    (local(2027, 3, 25, 9, 0), 2, local(2027, 3, 30, 9, 0)),
    (local(2027, 3, 29, 12, 0), 3, local(2027, 4, 2, 0, 0)),
    # 1 May on a Friday (2026); 1 May on a Saturday and 3 May on a Monday (2027).
    (local(2026, 4, 30, 14, 0), 2, local(2026, 5, 5, 14, 0)),
    (local(2027, 4, 30, 14, 0), 2, local(2027, 5, 5, 14, 0)),
    # 11 November (a Wednesday in 2026), for an order and for a consumer's notice.
    (local(2026, 11, 10, 16, 30), 2, local(2026, 11, 13, 16, 30)),
    (local(2026, 11, 10, 16, 30), 5, local(2026, 11, 18, 16, 30)),
    # Zero days: a working moment stays, a weekend one moves to the next working day.
    (local(2026, 6, 8, 8, 0), 0, local(2026, 6, 8, 8, 0)),
    (local(2026, 6, 6, 8, 0), 0, local(2026, 6, 8, 0, 0)),
])
def test_add_working_days(received: datetime, days: int, due: datetime) -> None:
    result = add_working_days(received, days)
    assert result == due
    assert result.tzinfo == UTC


def test_the_local_clock_time_is_kept_across_the_change_to_summer_time() -> None:
    # 09:00 in winter is 08:00 UTC, 09:00 in summer 07:00 UTC.
    due = add_working_days(datetime(2027, 3, 25, 8, 0, tzinfo=UTC), 2)
    assert due == datetime(2027, 3, 30, 7, 0, tzinfo=UTC)


def test_a_utc_moment_is_judged_by_the_warsaw_calendar() -> None:
    # 23:30 UTC on Friday is already Saturday in Warsaw: the clock starts on Monday.
    due = add_working_days(datetime(2026, 6, 5, 23, 30, tzinfo=UTC), 1)
    assert due == local(2026, 6, 9, 0, 0)


@pytest.mark.parametrize(("day", "working"), [
    (date(2025, 12, 24), False),  # Christmas Eve, a public holiday from 2025 on
    (date(2024, 12, 24), True),  # ... and not before
    (date(2027, 3, 29), False),  # Easter Monday
    (date(2027, 5, 3), False),
    (date(2026, 11, 11), False),
    (date(2026, 12, 26), False),
    (date(2026, 6, 13), False),  # a Saturday
    (date(2026, 6, 12), True),
])
def test_is_working_day(day: date, working: bool) -> None:
    assert is_working_day(day) is working


@pytest.mark.parametrize(("kind", "days"), [("order", 2), ("notice", 3), ("consumer", 5)])
def test_due_for_each_kind_uses_its_setting(kind: str, days: int) -> None:
    received = local(2026, 6, 8, 8, 0)  # a Monday, with no holiday that fortnight
    assert due_for(kind, received) == add_working_days(received, days)


def test_due_for_follows_the_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTHORITY_ORDER_WORKING_DAYS", "1")
    get_settings.cache_clear()
    assert due_for("order", local(2026, 6, 8, 8, 0)) == local(2026, 6, 9, 8, 0)


def test_due_for_an_unknown_kind_names_the_field() -> None:
    with pytest.raises(InvalidInput) as error:
        due_for("recall", local(2026, 6, 8))
    assert error.value.field == "kind"


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone"):
        add_working_days(datetime(2026, 6, 8, 8, 0), 1)


@pytest.mark.parametrize(("now", "left"), [
    (local(2026, 6, 8, 8, 0), timedelta(hours=2)),
    (local(2026, 6, 8, 10, 0), timedelta(0)),
    (local(2026, 6, 8, 10, 30), timedelta(minutes=-30)),  # overdue
])
def test_working_time_left(now: datetime, left: timedelta) -> None:
    assert working_time_left(local(2026, 6, 8, 10, 0), now) == left
