"""The reports page's default period ends today in Warsaw, whose days the reports count."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from api.pages import reports
from moderation import local_time


@pytest.mark.parametrize(("now", "last"), [
    (datetime(2026, 12, 2, 12, 0, tzinfo=UTC), date(2026, 12, 2)),
    (datetime(2026, 12, 2, 23, 30, tzinfo=UTC), date(2026, 12, 3)),  # 00:30 in Warsaw
    (datetime(2026, 7, 1, 22, 30, tzinfo=UTC), date(2026, 7, 2)),  # summer time: UTC+2
    (datetime(2026, 7, 1, 21, 30, tzinfo=UTC), date(2026, 7, 1)),
], ids=["noon", "winter-past-midnight", "summer-past-midnight", "summer-before-midnight"])
def test_the_default_period_ends_on_warsaws_date(monkeypatch: pytest.MonkeyPatch,
                                                  now: datetime, last: date) -> None:
    monkeypatch.setattr(local_time, "utcnow", lambda: now)
    period = reports._period(None, None)
    assert period.last == last
    assert (period.last - period.first).days == reports.DEFAULT_DAYS - 1
