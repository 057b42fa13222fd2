"""Statistics for the moderators' dashboard: queue state, throughput, time to decision."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import Session

from moderation.cases import queue_facets
from moderation.domain import DecisionAction
from moderation.tables import Case, Decision

HOUR = timedelta(hours=1)
DEFAULT_WINDOW = timedelta(hours=24)
CLOSING_ACTIONS = (DecisionAction.REMOVE.value, DecisionAction.KEEP.value)


@dataclass(frozen=True, slots=True)
class Dashboard:
    """The dashboard's figures at one instant; time figures cover the window ending then."""

    open_by_kind: dict[str, int]
    escalated: int
    overdue: int
    decisions_per_hour: list[tuple[datetime, int]]
    decided: int
    median_time_to_decision: timedelta | None
    p90_time_to_decision: timedelta | None
    share_within_4h: float | None
    share_within_6h: float | None


def dashboard(session: Session, *, now: datetime, window: timedelta = DEFAULT_WINDOW
              ) -> Dashboard:
    """Compute the dashboard's figures as of `now` over the `window` before it."""
    now = _utc(now)
    open_by_kind, escalated, overdue = queue_state(session, now=now)
    durations = _times_to_decision(session, now=now, window=window)
    return Dashboard(
        open_by_kind=open_by_kind,
        escalated=escalated,
        overdue=overdue,
        decisions_per_hour=decisions_per_hour(session, now=now, window=window),
        decided=len(durations),
        median_time_to_decision=_quantile(durations, 0.5) if durations else None,
        p90_time_to_decision=_quantile(durations, 0.9) if durations else None,
        share_within_4h=_share_within(durations, 4 * HOUR),
        share_within_6h=_share_within(durations, 6 * HOUR),
    )


def decisions_per_hour(session: Session, *, now: datetime, window: timedelta = DEFAULT_WINDOW
                       ) -> list[tuple[datetime, int]]:
    """Count moderator decisions per whole UTC hour, oldest first, the last hour holding `now`."""
    now = _utc(now)
    n = max(1, math.ceil(window / HOUR))
    last = now.replace(minute=0, second=0, microsecond=0)
    starts = [last - HOUR * (n - 1 - i) for i in range(n)]
    ends = [*starts[1:], last + HOUR]
    # A CASE over the bucket edges is portable; date_trunc and strftime are per dialect.
    bucket = case(*((Decision.decided_at < end, i) for i, end in enumerate(ends)))
    rows = (
        select(bucket.label("bucket"))
        .where(_by_moderator(), Decision.decided_at >= starts[0], Decision.decided_at <= now)
        .subquery()
    )
    # Grouping on the subquery's column: PostgreSQL will not match a GROUP BY expression
    # whose bound parameters differ from the SELECT list's.
    counts: dict[int, int] = {
        bucket_no: count
        for bucket_no, count in session.execute(
            select(rows.c.bucket, func.count()).group_by(rows.c.bucket)
        )
    }
    return [(start, counts.get(i, 0)) for i, start in enumerate(starts)]


def decisions_by_moderator(session: Session, *, now: datetime,
                           window: timedelta = DEFAULT_WINDOW) -> list[tuple[int, int]]:
    """Count each moderator's decisions in the window: (staff id, count), most first."""
    now = _utc(now)
    count = func.count(Decision.id)
    query = (
        select(Decision.moderator_id, count)
        .where(_by_moderator(), Decision.moderator_id.is_not(None),
               _in_window(now=now, window=window))
        .group_by(Decision.moderator_id)
        .order_by(count.desc(), Decision.moderator_id)
    )
    return [(int(staff_id), int(n)) for staff_id, n in session.execute(query)
            if staff_id is not None]


def queue_state(session: Session, *, now: datetime) -> tuple[dict[str, int], int, int]:
    """Cases not yet closed per kind, how many are escalated, how many are overdue."""
    facets = queue_facets(session, now=now)
    return facets.open_by_kind, facets.escalated, facets.overdue


def _times_to_decision(session: Session, *, now: datetime, window: timedelta
                       ) -> list[timedelta]:
    # Interval arithmetic differs between the databases, so only the two timestamps of the
    # window's closing decisions are fetched and subtracted here.
    query = (
        select(Decision.decided_at, Case.opened_at)
        .join(Case, Case.id == Decision.case_id)
        .where(_by_moderator(), Decision.action.in_(CLOSING_ACTIONS),
               _in_window(now=now, window=window))
    )
    return sorted(decided - opened for decided, opened in session.execute(query))


def _by_moderator() -> ColumnElement[bool]:
    return Decision.automated.is_(False)


def _in_window(*, now: datetime, window: timedelta) -> ColumnElement[bool]:
    return and_(Decision.decided_at >= now - window, Decision.decided_at <= now)


def _quantile(ordered: Sequence[timedelta], q: float) -> timedelta:
    """Interpolate linearly between the closest ranks of a sorted list (numpy's default)."""
    position = (len(ordered) - 1) * q
    lower = math.floor(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


def _share_within(durations: Sequence[timedelta], limit: timedelta) -> float | None:
    if not durations:
        return None
    return sum(1 for d in durations if d <= limit) / len(durations)


def _utc(now: datetime) -> datetime:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(UTC)
