"""Section 7 of the transparency report: appeals (art. 20) and suspensions of repeat offenders
(art. 23), keyed by the template's (indicator, scope)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, and_, case, cast, func, literal, select
from sqlalchemy.orm import Session, aliased

from moderation.domain import CaseKind, Contested, DecisionAction
from moderation.reports.sql import Period, medians, seconds_between
from moderation.reports.template import Cell
from moderation.tables import Appeal, AuditEntry, Case, Decision, Notice, NoticeItem

Indicators = dict[tuple[str, str], tuple[Cell, str]]
HOUR = 3600.0
# The outcomes of an appeal case (the appeals programme's reason codes): the contested
# decision reversed, or confirmed.
APPEAL_UPHELD = "APPEAL_UPHELD"
APPEAL_REJECTED = "APPEAL_REJECTED"
# What the audit log calls a repeat infringer's suspension and a notifier's (art. 23(1), (2)).
SELLER_SUSPENDED = "seller.suspended"
NOTIFIER_SUSPENDED = "notifier.suspended"

ALL = "Number of complaints submitted to the internal-complaints mechanism"
NEWLY_IMPOSED = "Number of restrictions newly imposed as a result of an internal complaint"
ON_REMOVAL = ("Complaint regarding a decision to remove or disable access to or restrict "
              "visibility of information")
ON_NOTICE = ("Complaint regarding a decision not to take action on a notice submitted in "
             "accordance with Article 16")
ON_TRUSTED = ("Complaint regarding a decision not to take action on a notice submitted by a "
              "Trusted Flagger in accordance with Article 16")
ON_ACCOUNT = "Complaint regarding a decision to suspend or terminate an account "
ON_PROVISION = "Complaint regarding a decision to suspend or terminate the provision of the service"
ON_MONETISING = "Complaint regarding a decision to restrict the ability to monetise information"
ODS = "Number of disputes submitted to out-of-court dispute settlement bodies"
FOR_ILLEGAL = "Number of suspensions enacted for the provision of manifestly illegal content "
FOR_NOTICES = "Number of suspensions enacted for the provision of manifestly unfounded notices"
FOR_COMPLAINTS = ("Number of suspensions enacted for the provision of manifestly unfounded "
                  "complaints")
TOTAL_NUMBER, UPHELD, PARTIAL, REVERSED, MEDIAN, OMITTED = (
    "Total number", "Decisions upheld", "Decisions partially reversed", "Decisions reversed",
    "Median time", "Decision omitted")


def _appeals(session: Session, period: Period) -> Any:
    """One row per appeal opened in the period: what it contested, its outcome and time.

    The appeal's own row names the decision or the account restriction it contests; an
    appeal case without one (written before appeals had rows) is read as contesting the
    offer's last decision before it.
    """
    prior = aliased(Decision)
    guessed = (select(prior.id).where(prior.offer_id == Case.offer_id,
                                        prior.decided_at <= Case.opened_at,
                                        prior.case_id.is_distinct_from(Case.id))
                 .order_by(prior.decided_at.desc(), prior.id.desc()).limit(1)
                 .scalar_subquery())
    contested = func.coalesce(Appeal.decision_id, guessed)
    contested_decision = aliased(Decision)
    trusted = (select(NoticeItem.id).join(Notice, Notice.id == NoticeItem.notice_id)
               .where(NoticeItem.case_id == contested_decision.case_id, Notice.fast_track)
               .exists())
    on_account = Appeal.contested.in_((Contested.SUSPENSION.value,
                                       Contested.TERMINATION.value))
    kind = case(
        (on_account, literal(ON_ACCOUNT)),
        (contested_decision.action == DecisionAction.KEEP.value,
         case((trusted, literal(ON_TRUSTED)), else_=literal(ON_NOTICE))),
        else_=literal(ON_REMOVAL))
    outcome = aliased(Decision)
    return (
        select(kind.label("kind"),
               cast(outcome.reason_code == APPEAL_REJECTED, Integer).label("upheld"),
               cast(outcome.reason_code == APPEAL_UPHELD, Integer).label("reversed"),
               cast(and_(outcome.reason_code == APPEAL_UPHELD,
                         contested_decision.action == DecisionAction.KEEP.value), Integer)
               .label("imposed"),
               seconds_between(session, outcome.decided_at, Case.opened_at).label("seconds"))
        .select_from(Case)
        .outerjoin(Appeal, Appeal.case_id == Case.id)
        .outerjoin(contested_decision, contested_decision.id == contested)
        .outerjoin(outcome, and_(outcome.case_id == Case.id,
                                 outcome.reason_code.in_((APPEAL_UPHELD, APPEAL_REJECTED))))
        .where(Case.kind == CaseKind.APPEAL.value, period.holds(Case.opened_at)))


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / HOUR, 2)


def appeals(session: Session, period: Period) -> Indicators:
    """Appeals per kind of contested decision, their outcomes and times; art. 23 suspensions."""
    rows = _appeals(session, period).subquery()
    found: Indicators = {}
    per_kind = {k: (int(n), int(up or 0), int(rev or 0), int(imp or 0)) for k, n, up, rev, imp
                in session.execute(select(rows.c.kind, func.count(), func.sum(rows.c.upheld),
                                          func.sum(rows.c.reversed), func.sum(rows.c.imposed))
                                   .group_by(rows.c.kind))}
    decided = select(rows.c.kind, rows.c.seconds).where(rows.c.seconds.is_not(None))
    median_per_kind = medians(session, decided)
    median_all = medians(session, select(literal(ALL), rows.c.seconds)
                         .where(rows.c.seconds.is_not(None))).get(ALL)
    totals = [sum(v[i] for v in per_kind.values()) for i in range(4)]
    how = "hours from the appeal to its decision"
    found[(ALL, TOTAL_NUMBER)] = (totals[0], "appeals opened in the period")
    found[(ALL, UPHELD)] = (totals[1], "the contested decision confirmed")
    found[(ALL, PARTIAL)] = (0, "")
    found[(ALL, REVERSED)] = (totals[2], "the contested decision reversed")
    found[(ALL, MEDIAN)] = (_hours(median_all), how)
    found[(ALL, OMITTED)] = (0, "")
    found[(NEWLY_IMPOSED, TOTAL_NUMBER)] = (
        totals[3], "a notifier's appeal upheld against a decision to keep an offer")
    for kind in (ON_REMOVAL, ON_ACCOUNT, ON_PROVISION, ON_MONETISING, ON_NOTICE, ON_TRUSTED):
        n, up, rev, _ = per_kind.get(kind, (0, 0, 0, 0))
        found[(kind, TOTAL_NUMBER)] = (n, "")
        found[(kind, UPHELD)] = (up, "")
        found[(kind, PARTIAL)] = (0, "")
        found[(kind, REVERSED)] = (rev, "")
        found[(kind, MEDIAN)] = (_hours(median_per_kind.get(kind)), how if n else "")
    note = "not recorded by this service"
    for scope in (TOTAL_NUMBER, UPHELD, PARTIAL, REVERSED, MEDIAN, OMITTED,
                  "Percentage of outcomes implemented"):
        found[(ODS, scope)] = (None, note)
    audited = dict(session.execute(
        select(AuditEntry.action, func.count())
        .where(AuditEntry.action.in_((SELLER_SUSPENDED, NOTIFIER_SUSPENDED)),
               period.holds(AuditEntry.at)).group_by(AuditEntry.action)).all())
    found[(FOR_ILLEGAL, TOTAL_NUMBER)] = (int(audited.get(SELLER_SUSPENDED, 0)),
                                          "sellers suspended on the strike ladder")
    found[(FOR_NOTICES, TOTAL_NUMBER)] = (int(audited.get(NOTIFIER_SUSPENDED, 0)),
                                          "notifiers suspended")
    found[(FOR_COMPLAINTS, TOTAL_NUMBER)] = (0, "")
    return found
