"""Leads hear once about each open safety case close to its deadline."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation.config import get_settings
from moderation.safety.deadline_warnings import WARNING_ACTION, warn_leads
from moderation.tables import AuditEntry, Case, OutboxMessage, SafetyAlert, utcnow
from tests.factories import make_offer
from tests.moderation.safety.test_authority import authority_org, matched, submit


def _warnings(session: Session) -> list[OutboxMessage]:
    return list(session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == "leads.deadline_warning").order_by(OutboxMessage.id)))


def _order(session: Session) -> SafetyAlert:
    org, _ = authority_org(session)
    return submit(session, org)


def _case(session: Session, alert: SafetyAlert | None, *, due_in: timedelta, now: datetime,
          kind: str = "safety", status: str = "open") -> Case:
    offer = make_offer(session)
    if alert is not None:
        case = matched(session, alert, offer, status=status, kind=kind)
    else:
        case = Case(kind=kind, offer_id=offer.id, status=status, priority=1,
                    reason_code="SAFETY_ALERT", source="safety_gate", due_at=now, opened_at=now)
        session.add(case)
    case.due_at = now + due_in
    session.flush()
    return case


def test_a_case_due_soon_is_warned_about_once(session: Session) -> None:
    now = utcnow()
    alert = _order(session)
    case = _case(session, alert, due_in=timedelta(hours=3), now=now)

    assert warn_leads(session, now=now) == 1
    (message,) = _warnings(session)
    assert message.recipient == "role:lead"
    payload = message.payload
    assert payload["case_id"] == case.id
    assert payload["offer"]["id"] == case.offer_id
    assert payload["offer"]["marketplace_id"] == case.offer.marketplace_id
    assert payload["alert_number"] == alert.number
    assert payload["time_left_minutes"] == 180
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == WARNING_ACTION)).one()
    assert (entry.entity, entry.entity_id) == ("case", case.id)

    # The job runs again (and RQ may deliver it twice): nobody is told twice.
    assert warn_leads(session, now=now + timedelta(minutes=30)) == 0
    assert len(_warnings(session)) == 1


@pytest.mark.parametrize(("due_in", "kind", "status", "with_alert", "warned"), [
    (timedelta(hours=7, minutes=59), "safety", "open", True, True),
    (timedelta(hours=8, minutes=1), "safety", "open", True, False),  # not yet
    (timedelta(hours=1), "safety", "escalated", True, True),
    (timedelta(hours=1), "safety", "closed", True, False),  # decided
    (timedelta(hours=-2), "safety", "open", True, True),  # overdue, never warned
    (timedelta(hours=1), "safety", "open", False, True),  # a safety case without a match row
    (timedelta(hours=1), "notice", "open", True, True),  # a notice case an alert joined
    (timedelta(hours=1), "screening", "open", False, False),  # not about product safety
])
def test_which_cases_are_warned_about(session: Session, due_in: timedelta, kind: str,
                                      status: str, with_alert: bool, warned: bool) -> None:
    now = utcnow()
    case = _case(session, _order(session) if with_alert else None, due_in=due_in, now=now,
                 kind=kind, status=status)
    assert warn_leads(session, now=now) == int(warned)
    assert [m.payload["case_id"] for m in _warnings(session)] == ([case.id] if warned else [])


def test_an_overdue_case_shows_negative_time_left(session: Session) -> None:
    now = utcnow()
    _case(session, _order(session), due_in=timedelta(minutes=-90), now=now)
    warn_leads(session, now=now)
    assert _warnings(session)[0].payload["time_left_minutes"] == -90


def test_a_deadline_tightened_later_is_warned_about_again(session: Session) -> None:
    now = utcnow()
    case = _case(session, _order(session), due_in=timedelta(hours=6), now=now)
    assert warn_leads(session, now=now) == 1
    case.due_at = now + timedelta(hours=2)  # a second order joined the case
    session.flush()
    assert warn_leads(session, now=now) == 1
    assert [m.payload["time_left_minutes"] for m in _warnings(session)] == [360, 120]


def test_the_window_follows_the_configuration(session: Session,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEADLINE_WARNING_HOURS", "24")
    get_settings.cache_clear()
    now = utcnow()
    _case(session, _order(session), due_in=timedelta(hours=20), now=now)
    assert warn_leads(session, now=now) == 1


def test_several_cases_each_get_one_message(session: Session) -> None:
    now = utcnow()
    alert = _order(session)
    cases = [_case(session, alert, due_in=timedelta(hours=h), now=now) for h in (5, 1, 3)]
    assert warn_leads(session, now=now) == 3
    # Most urgent first.
    assert [m.payload["case_id"] for m in _warnings(session)] == [
        cases[1].id, cases[2].id, cases[0].id]
