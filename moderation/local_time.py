"""The marketplace's clock: its days (reports, deadlines, rights in force) are Warsaw's."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from moderation.tables import utcnow

WARSAW = ZoneInfo("Europe/Warsaw")


def warsaw_date(moment: datetime | None = None) -> date:
    """The date in Warsaw at this moment (now unless given): from 23:00 UTC in winter, and
    22:00 in summer, it is already the next day there."""
    return (moment or utcnow()).astimezone(WARSAW).date()
