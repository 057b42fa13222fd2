"""The figures a marketplace publishes about its own programmes, from its own data: answer
times per queue against the support standard, authorities' and notifiers' deadlines in
Polish working days, notifiers' accuracy, repeat infringers, reappearances blocked, appeals,
"close the loop" follow-ups, and the Buyer Protection Programme's figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Integer, cast, distinct, func, select
from sqlalchemy.orm import Session

from moderation.domain import CaseKind, CaseReason, NoticeOutcome
from moderation.reports import answers, buyer_programme
from moderation.reports import appeals as appeal_codes
from moderation.reports.answers import Band, QueueAnswers
from moderation.reports.notices import AUTHORITY_SOURCE
from moderation.reports.sql import Period
from moderation.safety import deadlines
from moderation.support import tasks
from moderation.support.tasks import TaskCounts
from moderation.tables import (
    AuditEntry,
    Case,
    Decision,
    Notice,
    NoticeItem,
    Organisation,
    SafetyAlert,
    SafetyMatch,
    Seller,
    Strike,
)

HOUR = 3600.0
# Rights holders' notices: the shares answered within these many working days.
NOTICE_WORKING_DAYS = (3, 5)
REPEAT_STRIKES = 2


@dataclass(frozen=True, slots=True)
class Deadline:
    """Alerts or notices of one kind, and the share acted on within their working days."""

    what: str  # "order", "notice", "consumer" (authorities) or "rights_notice"
    working_days: int
    received: int
    acted: int
    in_time: int

    @property
    def share(self) -> float | None:
        return self.in_time / self.acted if self.acted else None


@dataclass(frozen=True, slots=True)
class Notifier:
    name: str
    notices: int
    items: int
    decided: int
    upheld: int

    @property
    def accuracy(self) -> float | None:
        return self.upheld / self.decided if self.decided else None


@dataclass(frozen=True, slots=True)
class ProgrammeReport:
    period: Period
    answers: tuple[QueueAnswers, ...]  # per queue, against the support standard (answers.py)
    answered: tuple[Band, ...]  # every queue together
    deadlines: tuple[Deadline, ...]
    notifiers: tuple[Notifier, ...]
    repeat_infringers: int  # sellers given at least two strikes in the period
    suspended: int  # sellers suspended in the period
    terminated: int
    reappearances_blocked: int  # offers held as a product removed before
    appeals: int
    reversed: int
    confirmed: int
    follow_ups: TaskCounts  # "close the loop" tasks negative ratings of support opened
    buyers: buyer_programme.BuyerProgramme


def _in_time(received: datetime, acted: datetime, days: int) -> bool:
    return acted <= deadlines.add_working_days(received, days)


def _authority_deadlines(session: Session, period: Period) -> list[Deadline]:
    # Acted on: every case the alert opened closed (or it found no offer to act on).
    effect_at = func.coalesce(func.max(Case.closed_at), func.max(SafetyAlert.matched_at))
    open_cases = func.count(Case.id) - func.count(Case.closed_at)
    rows = session.execute(
        select(SafetyAlert.kind, SafetyAlert.received_at, effect_at, open_cases)
        .outerjoin(SafetyMatch, SafetyMatch.alert_id == SafetyAlert.id)
        .outerjoin(Case, Case.id == SafetyMatch.case_id)
        .where(SafetyAlert.source == AUTHORITY_SOURCE, period.holds(SafetyAlert.received_at))
        .group_by(SafetyAlert.id, SafetyAlert.kind, SafetyAlert.received_at)).all()
    found = []
    for kind in ("order", "notice", "consumer"):
        days = deadlines.working_days_for(kind)
        mine = [r for r in rows if r[0] == kind]
        acted = [(received, at) for _, received, at, still_open in mine
                 if at is not None and not still_open]
        found.append(Deadline(kind, days, len(mine), len(acted),
                              sum(1 for received, at in acted if _in_time(received, at, days))))
    return found


def _notice_deadlines(session: Session, period: Period) -> list[Deadline]:
    # A notice is answered when the last offer it names is decided.
    rows = session.execute(
        select(Notice.received_at, func.max(NoticeItem.decided_at),
               func.count(NoticeItem.id) - func.count(NoticeItem.decided_at))
        .join(NoticeItem, NoticeItem.notice_id == Notice.id)
        .where(period.holds(Notice.received_at)).group_by(Notice.id, Notice.received_at)).all()
    answered = [(received, at) for received, at, pending in rows if at is not None and not pending]
    return [Deadline("rights_notice", days, len(rows), len(answered),
                     sum(1 for received, at in answered if _in_time(received, at, days)))
            for days in NOTICE_WORKING_DAYS]


def _notifiers(session: Session, period: Period) -> tuple[Notifier, ...]:
    upheld = cast(NoticeItem.outcome == NoticeOutcome.UPHELD.value, Integer)
    decided = cast(NoticeItem.outcome != NoticeOutcome.PENDING.value, Integer)
    rows = session.execute(
        select(Organisation.name, func.count(distinct(Notice.id)), func.count(NoticeItem.id),
               func.sum(decided), func.sum(upheld))
        .join(Notice, Notice.organisation_id == Organisation.id)
        .join(NoticeItem, NoticeItem.notice_id == Notice.id)
        .where(period.holds(Notice.received_at))
        .group_by(Organisation.id, Organisation.name)
        .order_by(func.count(distinct(Notice.id)).desc(), Organisation.name))
    return tuple(Notifier(name, int(n), int(i), int(d or 0), int(u or 0))
                 for name, n, i, d, u in rows)


def build(session: Session, period: Period) -> ProgrammeReport:
    """Compute the programme figures for the period."""
    struck = (select(Strike.seller_id).where(period.holds(Strike.created_at))
              .group_by(Strike.seller_id).having(func.count() >= REPEAT_STRIKES).subquery())
    repeat = session.scalar(select(func.count()).select_from(struck)) or 0
    suspended = session.scalar(
        select(func.count(distinct(AuditEntry.entity_id)))
        .where(AuditEntry.action == appeal_codes.SELLER_SUSPENDED,
               period.holds(AuditEntry.at))) or 0
    terminated = session.scalar(select(func.count()).select_from(Seller)
                                .where(period.holds(Seller.terminated_at))) or 0
    reappeared = session.scalar(
        select(func.count(distinct(Case.offer_id)))
        .where(Case.reason_code == CaseReason.REMOVED_BEFORE.value,
               period.holds(Case.opened_at))) or 0
    appeal_rows = session.execute(
        select(func.count(distinct(Case.id)),
               func.count(Decision.id).filter(Decision.reason_code == appeal_codes.APPEAL_UPHELD),
               func.count(Decision.id).filter(
                   Decision.reason_code == appeal_codes.APPEAL_REJECTED))
        .outerjoin(Decision, Decision.case_id == Case.id)
        .where(Case.kind == CaseKind.APPEAL.value, period.holds(Case.opened_at))).one()
    queues = answers.queue_answers(session, period)
    return ProgrammeReport(
        period=period, answers=queues, answered=answers.overall(queues),
        deadlines=tuple(_authority_deadlines(session, period) + _notice_deadlines(session, period)),
        notifiers=_notifiers(session, period), repeat_infringers=int(repeat),
        suspended=int(suspended), terminated=int(terminated),
        reappearances_blocked=int(reappeared), appeals=int(appeal_rows[0]),
        reversed=int(appeal_rows[1]), confirmed=int(appeal_rows[2]),
        follow_ups=tasks.counts(session, since=period.since, until=period.until),
        buyers=buyer_programme.build(session, period))


def rows(report: ProgrammeReport) -> list[tuple[str, str, str, str]]:
    """The report as (section, indicator, scope, value) rows, for a CSV file."""
    def num(value: float | None) -> str:
        return "" if value is None else f"{value:.4f}"

    out = []
    for a in report.answers:
        out += [("answer times", "cases opened", a.kind, str(a.opened)),
                ("answer times", "cases answered", a.kind, str(a.answered))]
        out += [("answer times", f"share answered within {_hours(b.within)}", a.kind,
                 num(b.share)) for b in a.bands]
        if a.target is not None:
            out.append(("answer times", f"share answered within its target "
                        f"({_hours(a.target)})", a.kind, num(a.within_target)))
    out += [("answer times", f"share answered within {_hours(b.within)} "
             f"(standard {num(b.standard)})", "all queues", num(b.share))
            for b in report.answered]
    for d in report.deadlines:
        scope = f"{d.what}, {d.working_days} working days"
        out += [("deadlines", "received", scope, str(d.received)),
                ("deadlines", "acted on", scope, str(d.acted)),
                ("deadlines", "share acted on in time", scope, num(d.share))]
    for n in report.notifiers:
        out += [("notifiers", "notices", n.name, str(n.notices)),
                ("notifiers", "offers named", n.name, str(n.items)),
                ("notifiers", "accuracy (upheld share of decided)", n.name, num(n.accuracy))]
    out += [("repeat infringers", f"sellers given {REPEAT_STRIKES} or more strikes", "total",
             str(report.repeat_infringers)),
            ("repeat infringers", "sellers suspended", "total", str(report.suspended)),
            ("repeat infringers", "sellers terminated", "total", str(report.terminated)),
            ("reappearances", "offers held as a product removed before", "total",
             str(report.reappearances_blocked)),
            ("appeals", "appeals opened", "total", str(report.appeals)),
            ("appeals", "decisions reversed", "total", str(report.reversed)),
            ("appeals", "decisions confirmed", "total", str(report.confirmed))]
    f = report.follow_ups
    out += [("close the loop", "tasks opened by negative ratings of support", "total",
             str(f.opened)),
            ("close the loop", "tasks open", "total", str(f.open)),
            ("close the loop", "tasks done", "total", str(f.done)),
            ("close the loop", "tasks done within their due time", "total",
             str(f.done_in_time))]
    return out + buyer_programme.rows(report.buyers)


def _hours(span: timedelta) -> str:
    return f"{span.total_seconds() / HOUR:g} h"
