"""What follows a decision: each step runs for the sources behind the case, in its order."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from moderation import cases, programmes
from moderation.appeals.settlement import settle_appeal
from moderation.buyers.feedback_reports import settle_report
from moderation.cases import DecisionFollowups, Followup, FollowupHandler
from moderation.domain import SourceKind
from moderation.protection import counter_notices
from moderation.protection.appeal_reversals import reverse_on_appeal
from moderation.protection.followups import settle_notices
from moderation.review import decisions
from moderation.schemas import DecisionIn
from moderation.tables import Case, Decision
from tests.factories import make_staff
from tests.notice_builders import noticed_case

LEASE = timedelta(minutes=5)


def _recorder(calls: list[str], name: str) -> FollowupHandler:
    def handler(session: Session, *, case: Case, decision: Decision) -> None:
        calls.append(f"{name}:{decision.action}")
    return handler


def _decide(session: Session, case: Case, decision: DecisionIn,
            followups: DecisionFollowups) -> None:
    moderator = make_staff(session).staff
    cases.claim(session, case_id=case.id, staff_id=moderator.id, lease=LEASE)
    decisions.decide(session, case_id=case.id, staff_id=moderator.id, decision=decision,
                     followups=followups)


def test_steps_run_in_their_order_for_the_sources_behind_the_case(session: Session) -> None:
    calls: list[str] = []
    followups = DecisionFollowups((
        Followup(SourceKind.NOTICE, _recorder(calls, "first")),
        Followup(SourceKind.SAFETY_ALERT, _recorder(calls, "not behind")),
        Followup(SourceKind.NOTICE, _recorder(calls, "second")),
    ))
    case, _ = noticed_case(session)
    _decide(session, case, DecisionIn(action="keep", reason_code="LAWFUL"), followups)
    assert calls == ["first:keep", "second:keep"]


def test_an_escalation_sets_nothing_off(session: Session) -> None:
    calls: list[str] = []
    case, _ = noticed_case(session)
    _decide(session, case, DecisionIn(action="escalate", reason_code="UNSURE"),
            DecisionFollowups((Followup(SourceKind.NOTICE, _recorder(calls, "notice")),)))
    assert calls == [] and case.status == "escalated"


def test_the_programmes_compose_once_appeals_then_notices_then_counter_notices_then_feedback(
) -> None:
    composed = programmes.decision_followups()
    assert composed is programmes.decision_followups()
    assert [(s.source_kind, s.handler) for s in composed.steps] == [
        (SourceKind.APPEAL, settle_appeal),
        (SourceKind.NOTICE, settle_notices),
        (SourceKind.COUNTER_NOTICE, counter_notices.on_case_decided),
        (SourceKind.APPEAL, reverse_on_appeal),
        (SourceKind.FEEDBACK_REPORT, settle_report)]
