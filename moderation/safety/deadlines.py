"""Working-day deadlines for product-safety orders and notices, on the Polish calendar.

Convention: a deadline of N working days falls at the same Warsaw clock time on the N-th
working day after the day of receipt. Something received on a weekend or a public holiday
counts as received at 00:00 on the next working day, so it is due at 00:00 after N whole
working days (the end of the N-th one). Weekends and Polish public holidays (the `holidays`
package, which knows Christmas Eve is one from 2025 on) are not working days.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

import holidays

from moderation.config import get_settings
from moderation.errors import InvalidInput
from moderation.local_time import WARSAW


@lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[date]:
    # Frozen per year: a shared holidays.Poland object grows its dict on lookup, across threads.
    return frozenset(holidays.Poland(years=year))


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a Polish public holiday."""
    return day.weekday() < 5 and day not in _holidays(day.year)


def next_working_day(day: date) -> date:
    """The first working day strictly after this one."""
    day += timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("deadlines need timezone-aware datetimes")
    return moment


def add_working_days(start: datetime, days: int) -> datetime:
    """The moment N working days after `start` (Warsaw clock time kept), in UTC."""
    if days < 0:
        raise ValueError("days must not be negative")
    local = _aware(start).astimezone(WARSAW)
    day, clock = local.date(), local.time()
    if not is_working_day(day):
        # Received outside working time: the clock starts when the next working day does.
        day, clock = next_working_day(day), time(0, 0)
    for _ in range(days):
        day = next_working_day(day)
    # DST changes happen on Sundays, never a working day, so this clock time always exists.
    return datetime.combine(day, clock, tzinfo=WARSAW).astimezone(UTC)


def working_days_for(kind: str) -> int:
    """How many working days the marketplace has for an alert of this kind."""
    settings = get_settings()
    allowed = {"order": settings.authority_order_working_days,
               "notice": settings.safety_notice_working_days,
               "consumer": settings.consumer_notice_working_days}
    if kind not in allowed:
        raise InvalidInput(f"kind must be one of {', '.join(allowed)}", field="kind")
    return allowed[kind]


def due_for(kind: str, received_at: datetime) -> datetime:
    """The deadline of an authority order, a safety notice or a consumer's notice."""
    return add_working_days(received_at, working_days_for(kind))


def working_time_left(due_at: datetime, now: datetime) -> timedelta:
    """Time left before a deadline, on the wall clock; negative once it has passed."""
    return _aware(due_at) - _aware(now)
