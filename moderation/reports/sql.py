"""What the reports compute in the database, written once for PostgreSQL and SQLite."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Float, Select, cast, func, select
from sqlalchemy.orm import Session

from moderation.db import is_postgres
from moderation.local_time import WARSAW

# Report days are the marketplace's days: a period runs from midnight to midnight in Warsaw.
DAY_SECONDS = 86_400.0
# A fixed multiplicative hash (Knuth's) modulo a prime orders rows pseudo-randomly and the
# same way on both databases for one seed: a sample that can be drawn again.
_HASH_MULTIPLIER = 2_654_435_761
_HASH_MODULUS = 4_294_967_291


@dataclass(frozen=True, slots=True)
class Period:
    """A reporting period: whole days, both ends included."""

    first: date
    last: date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError("the period ends before it starts")

    @property
    def since(self) -> datetime:
        return datetime.combine(self.first, time(), WARSAW).astimezone(UTC)

    @property
    def until(self) -> datetime:
        """The first moment after the period."""
        return datetime.combine(self.last + timedelta(days=1), time(), WARSAW).astimezone(UTC)

    @property
    def label(self) -> str:
        """The period as the template writes it."""
        return f"{self.first.isoformat()}/{self.last.isoformat()}"

    def holds(self, column: Any) -> ColumnElement[bool]:
        """Whether a timestamp column falls in the period."""
        result: ColumnElement[bool] = (column >= self.since) & (column < self.until)
        return result


def seconds_between(session: Session, later: Any, earlier: Any) -> ColumnElement[float]:
    """The seconds from one timestamp column to another, in SQL."""
    if is_postgres(session):
        return cast(func.extract("epoch", later - earlier), Float)
    # SQLite keeps UTC timestamps as text, which julianday reads (days, fractional).
    return (func.julianday(later) - func.julianday(earlier)) * DAY_SECONDS


def medians(session: Session, query: Select[Any]) -> dict[Hashable, float]:
    """The median of the second column of `query`'s rows per value of its first.

    PostgreSQL interpolates with percentile_cont; elsewhere the two middle rows of each group
    are averaged through window functions, which gives the same number.
    """
    rows = query.subquery()
    key, value = rows.c[0], rows.c[1]
    if is_postgres(session):
        median = select(key, func.percentile_cont(0.5).within_group(value)).group_by(key)
        return {k: float(m) for k, m in session.execute(median) if m is not None}
    ranked = select(
        key.label("k"), value.label("v"),
        func.row_number().over(partition_by=key, order_by=value).label("rn"),
        func.count().over(partition_by=key).label("n"),
    ).where(value.is_not(None)).subquery()
    middle = ((ranked.c.rn == (ranked.c.n + 1) // 2) | (ranked.c.rn == (ranked.c.n + 2) // 2))
    median = select(ranked.c.k, func.avg(ranked.c.v)).where(middle).group_by(ranked.c.k)
    return {k: float(m) for k, m in session.execute(median) if m is not None}


def sample_order(column: Any, seed: int) -> ColumnElement[int]:
    """A seeded pseudo-random order of rows by an integer column (their id)."""
    result: ColumnElement[int] = (column * _HASH_MULTIPLIER + seed) % _HASH_MODULUS
    return result
