from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session

from moderation.review import stats
from moderation.tables import Account, Case, Decision
from tests.factories import make_case, make_staff

NOW = datetime(2031, 3, 14, 14, 25, tzinfo=UTC)
H = timedelta(hours=1)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2031, 3, day, hour, minute, tzinfo=UTC)


def case_with(session: Session, *, kind: str = "screening", status: str = "open",
              due_at: datetime = NOW + 24 * H, opened_at: datetime = NOW - 48 * H) -> Case:
    case = make_case(session)
    case.kind, case.status, case.due_at, case.opened_at = kind, status, due_at, opened_at
    session.flush()
    return case


def decide(session: Session, case: Case, *, when: datetime, by: Account | None = None,
           action: str = "remove", automated: bool = False) -> Decision:
    row = Decision(case_id=case.id, offer_id=case.offer_id, action=action, reason_code="TEST",
                   moderator_id=None if by is None else by.id, automated=automated,
                   decided_at=when)
    session.add(row)
    session.flush()
    return row


def test_open_cases_are_counted_per_kind_with_escalated_and_overdue(session: Session) -> None:
    case_with(session)
    case_with(session, due_at=NOW - H)
    case_with(session, kind="rights", status="escalated", due_at=NOW - 2 * H)
    case_with(session, kind="rights", status="escalated")
    case_with(session, kind="safety", due_at=NOW + timedelta(seconds=1))
    case_with(session, status="closed", due_at=NOW - 5 * H)
    case_with(session, kind="closed-only", status="closed")

    board = stats.dashboard(session, now=NOW)

    assert board.open_by_kind == {"rights": 2, "safety": 1, "screening": 2}
    assert board.escalated == 2
    assert board.overdue == 2


def test_nothing_decided_gives_zero_buckets_and_no_times(session: Session) -> None:
    case_with(session)
    board = stats.dashboard(session, now=NOW)
    assert board.open_by_kind == {"screening": 1}
    assert (board.escalated, board.overdue) == (0, 0)
    assert [n for _, n in board.decisions_per_hour] == [0] * 24
    assert board.decided == 0
    assert board.median_time_to_decision is None and board.p90_time_to_decision is None
    assert board.share_within_4h is None and board.share_within_6h is None


@pytest.mark.parametrize(
    ("now", "window", "first", "last"),
    [
        (NOW, 24 * H, at(13, 15), at(14, 14)),
        (NOW, 6 * H, at(14, 9), at(14, 14)),
        (NOW, timedelta(minutes=90), at(14, 13), at(14, 14)),
        (at(14, 14), 24 * H, at(13, 15), at(14, 14)),
        # Warsaw is UTC+1 in mid-March: still whole UTC hours.
        (datetime(2031, 3, 14, 16, 25, tzinfo=ZoneInfo("Europe/Warsaw")), 3 * H,
         at(14, 13), at(14, 15)),
    ],
)
def test_buckets_are_whole_utc_hours_ending_with_the_hour_of_now(
    session: Session, now: datetime, window: timedelta, first: datetime, last: datetime
) -> None:
    buckets = stats.dashboard(session, now=now, window=window).decisions_per_hour
    starts = [start for start, _ in buckets]
    assert starts == [first + i * H for i in range((last - first) // H + 1)]
    assert all(start.utcoffset() == timedelta(0) for start in starts)


def test_moderator_decisions_are_counted_per_hour_with_zero_hours(session: Session) -> None:
    case = case_with(session)
    mod = make_staff(session).staff
    for when in (at(14, 14, 0), at(14, 14, 24), at(14, 13, 59), at(14, 13, 0), at(14, 10, 30),
                 at(13, 15, 0)):
        decide(session, case, when=when, by=mod, action="escalate")
    decide(session, case, when=at(14, 14, 10), automated=True, action="block")
    decide(session, case, when=at(13, 14, 59), by=mod)  # before the first bucket
    decide(session, case, when=at(14, 14, 26), by=mod)  # after now

    buckets = dict(stats.dashboard(session, now=NOW).decisions_per_hour)

    assert len(buckets) == 24
    assert {start: n for start, n in buckets.items() if n} == {
        at(14, 14): 2, at(14, 13): 2, at(14, 10): 1, at(13, 15): 1,
    }
    assert buckets[at(14, 12)] == 0 and buckets[at(14, 11)] == 0


@pytest.mark.parametrize(
    ("hours", "median", "p90", "within_4h", "within_6h"),
    [
        ((1, 2, 3, 5, 7), 3 * H, 6 * H + timedelta(minutes=12), 0.6, 0.8),
        ((7, 3, 1, 5, 2), 3 * H, 6 * H + timedelta(minutes=12), 0.6, 0.8),
        ((2, 4), 3 * H, 3 * H + timedelta(minutes=48), 1.0, 1.0),
        ((0.5,), 30 * timedelta(minutes=1), 30 * timedelta(minutes=1), 1.0, 1.0),
        ((6, 8, 10, 12), 9 * H, 11 * H + timedelta(minutes=24), 0.0, 0.25),
    ],
)
def test_time_to_decision_over_closing_moderator_decisions(
    session: Session, hours: tuple[float, ...], median: timedelta, p90: timedelta,
    within_4h: float, within_6h: float,
) -> None:
    mod = make_staff(session).staff
    for i, h in enumerate(hours):
        decided_at = NOW - (i + 1) * H
        case = case_with(session, status="closed", opened_at=decided_at - h * H)
        decide(session, case, when=decided_at, by=mod, action="remove" if i % 2 else "keep")

    board = stats.dashboard(session, now=NOW)

    assert board.decided == len(hours)
    assert board.median_time_to_decision == median
    assert board.p90_time_to_decision == p90
    assert board.share_within_4h == pytest.approx(within_4h)
    assert board.share_within_6h == pytest.approx(within_6h)


def test_time_to_decision_leaves_out_automated_escalations_and_other_windows(
    session: Session,
) -> None:
    mod = make_staff(session).staff
    counted = case_with(session, status="closed", opened_at=NOW - 3 * H)
    decide(session, counted, when=NOW - H, by=mod)
    ignored = case_with(session, opened_at=NOW - 20 * H)
    decide(session, ignored, when=NOW - H, automated=True, action="remove")
    decide(session, ignored, when=NOW - H, by=mod, action="escalate")
    decide(session, ignored, when=NOW - 25 * H, by=mod, action="keep")
    decide(session, ignored, when=NOW + H, by=mod, action="keep")

    board = stats.dashboard(session, now=NOW)

    assert board.decided == 1
    assert board.median_time_to_decision == board.p90_time_to_decision == 2 * H
    assert (board.share_within_4h, board.share_within_6h) == (1.0, 1.0)
    assert stats.dashboard(session, now=NOW, window=30 * H).decided == 2


def test_decisions_by_moderator_most_first_within_the_window(session: Session) -> None:
    case = case_with(session)
    busy, quiet, middle = (make_staff(session).staff for _ in range(3))
    idle = make_staff(session).staff
    for by, count in ((busy, 3), (quiet, 1), (middle, 2)):
        for i in range(count):
            decide(session, case, when=NOW - (i + 1) * H, by=by, action="escalate")
    decide(session, case, when=NOW - H, automated=True, action="block")
    decide(session, case, when=NOW - 30 * H, by=quiet)
    decide(session, case, when=NOW - 30 * H, by=idle)

    ranking = stats.decisions_by_moderator(session, now=NOW, window=24 * H)

    assert ranking == [(busy.id, 3), (middle.id, 2), (quiet.id, 1)]
    assert stats.decisions_by_moderator(session, now=NOW, window=48 * H) == [
        (busy.id, 3), *sorted([(middle.id, 2), (quiet.id, 2)]), (idle.id, 1),
    ]


def test_now_must_carry_a_time_zone(session: Session) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        stats.dashboard(session, now=NOW.replace(tzinfo=None))
