"""Sections 3 and 4 of the transparency report: authorities' orders and notices (art. 15(1)(a)/(b)).

Everything is counted in the database; a figure is keyed by the template row it fills:
"TOTAL", a category ("STATEMENT_CATEGORY_..."), or a category and one of its keywords
("STATEMENT_CATEGORY_.../KEYWORD_..."). Times are in hours, as Annex II asks.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from sqlalchemy import (
    Integer,
    String,
    and_,
    case,
    cast,
    func,
    literal,
    select,
    tuple_,
    union_all,
)
from sqlalchemy.orm import Session

from moderation.db import is_postgres
from moderation.domain import DecisionAction, NoticeOutcome, StatementCategory, StatementGround
from moderation.reports.sql import Period, medians, seconds_between
from moderation.reports.template import Cell
from moderation.tables import (
    Case,
    Decision,
    Notice,
    NoticeItem,
    OutboxMessage,
    SafetyAlert,
    SafetyMatch,
    Statement,
)

Figures = dict[str, dict[str, Cell]]
TOTAL = "TOTAL"
HOUR = 3600.0
# Alerts an authority sends (moderation/safety/authority.py): a binding order, or a notice.
AUTHORITY_SOURCE = "authority"
ORDER_KIND = "order"
AUTHORITY_NOTICE_KINDS = ("notice", "consumer")
ACKNOWLEDGEMENT = "authority.acknowledgement"
# Every notice of a rights holder is about intellectual property; its kind names the right.
IP = StatementCategory.INTELLECTUAL_PROPERTY.value
UNSAFE = StatementCategory.UNSAFE_AND_PROHIBITED.value
NOTICE_KIND_KEYWORD = {"counterfeit": "KEYWORD_TRADEMARK_INFRINGEMENT",
                       "logo": "KEYWORD_TRADEMARK_INFRINGEMENT",
                       "copyright": "KEYWORD_COPYRIGHT_INFRINGEMENT",
                       "design": "KEYWORD_DESIGN_INFRINGEMENT",
                       "patent": "KEYWORD_PATENT_INFRINGEMENT"}
OTHER_KEYWORD = "KEYWORD_OTHER"
UNSAFE_KEYWORD = "KEYWORD_UNSAFE_PRODUCTS"


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / HOUR, 2)


def _counted(session: Session, query: Any, keys: tuple[Any, ...], columns: dict[str, Any]
             ) -> dict[str, dict[str, int]]:
    """Aggregate `columns` of `query`'s subquery per category and keyword, in one pass, and
    add them up to the categories and the total (counts add up; medians do not)."""
    sub = query.subquery()
    found: dict[str, dict[str, int]] = {}
    rows = session.execute(select(sub.c.category, sub.c.keyword,
                                  *(agg(sub) for agg in columns.values()))
                           .group_by(sub.c.category, sub.c.keyword))
    for category, keyword, *values in rows:
        for key in (TOTAL, category, f"{category}/{keyword}"):
            tally = found.setdefault(key, dict.fromkeys(columns, 0))
            for name, v in zip(columns, values, strict=True):
                tally[name] += int(v or 0)
    return found


def _median_hours(session: Session, query: Any, keys: tuple[Any, ...]) -> dict[str, float]:
    """The median hours of `query`'s (category, keyword, seconds) rows at every level."""
    sub = query.subquery()
    found: dict[Hashable, float] = {}
    if is_postgres(session):
        # One pass for the three levels: the total, each category, each keyword.
        rows = session.execute(
            select(sub.c.category, sub.c.keyword,
                   func.percentile_cont(0.5).within_group(sub.c.seconds))
            .group_by(func.grouping_sets(tuple_(), tuple_(sub.c.category),
                                         tuple_(sub.c.category, sub.c.keyword))))
        for category, keyword, median in rows:
            key = (TOTAL if category is None else category if keyword is None
                   else f"{category}/{keyword}")
            if median is not None:
                found[key] = float(median)
    else:
        for key in keys:
            found.update(medians(session, select(key(sub), sub.c.seconds)))
    return {str(k): h for k, v in found.items() if (h := _hours(v)) is not None}


_KEYS = (lambda s: literal(TOTAL), lambda s: s.c.category,
         lambda s: s.c.category + "/" + s.c.keyword)


def orders(session: Session, period: Period) -> Figures:
    """Orders to act received in the period, their items and median times (section 3)."""
    received = and_(SafetyAlert.source == AUTHORITY_SOURCE, SafetyAlert.kind == ORDER_KIND,
                    period.holds(SafetyAlert.received_at))
    base = (select(SafetyAlert.id, literal(UNSAFE).label("category"),
                   literal(UNSAFE_KEYWORD).label("keyword")).where(received))
    items = (select(func.count(SafetyMatch.id))
             .where(SafetyMatch.alert_id == SafetyAlert.id).scalar_subquery())
    counted = _counted(session, base.add_columns(items.label("item_count")), _KEYS, {
        "orders": lambda s: func.count(s.c.id), "items": lambda s: func.sum(s.c.item_count)})
    counted.setdefault(TOTAL, {"orders": 0, "items": 0})
    # Informed of receipt: when the acknowledgement left the outbox.
    acknowledged = (
        select(literal(UNSAFE).label("category"), literal(UNSAFE_KEYWORD).label("keyword"),
               seconds_between(session, OutboxMessage.sent_at, SafetyAlert.received_at)
               .label("seconds"))
        .select_from(SafetyAlert)
        .join(OutboxMessage, and_(OutboxMessage.kind == ACKNOWLEDGEMENT,
                                  OutboxMessage.payload["order_id"].as_integer()
                                  == SafetyAlert.id))
        .where(received, OutboxMessage.sent_at.is_not(None)))
    acknowledge = _median_hours(session, acknowledged, _KEYS)
    effect = _median_hours(session, _given_effect(session, received), _KEYS)
    return {key: {
        "Number of orders to act against illegal content received": n["orders"],
        "Number of specific items of information included in the total number of orders to "
        "act against illegal content": n["items"],
        "Median time to inform the authority of the receipt of the order to act against "
        "illegal content": acknowledge.get(key),
        "Median time to give effect to the order to act against illegal content":
            effect.get(key),
        # No authority sends us orders to provide information through this service.
        "Number of orders to provide information": 0,
    } for key, n in counted.items()}


def _given_effect(session: Session, received: Any) -> Any:
    """Per alert, the seconds until every case it opened was closed (or it found no offer)."""
    closed = func.max(Case.closed_at)
    all_closed = func.count(Case.id) == func.count(Case.closed_at)
    effect_at = case((func.count(Case.id) == 0, func.max(SafetyAlert.matched_at)),
                     else_=closed)
    per_alert = (
        select(SafetyAlert.id, SafetyAlert.received_at, effect_at.label("effect_at"))
        .outerjoin(SafetyMatch, SafetyMatch.alert_id == SafetyAlert.id)
        .outerjoin(Case, Case.id == SafetyMatch.case_id)
        .where(received).group_by(SafetyAlert.id, SafetyAlert.received_at)
        .having(all_closed).subquery())
    return (select(literal(UNSAFE).label("category"), literal(UNSAFE_KEYWORD).label("keyword"),
                   seconds_between(session, per_alert.c.effect_at, per_alert.c.received_at)
                   .label("seconds"))
            .where(per_alert.c.effect_at.is_not(None)))


def _notice_keyword() -> Any:
    return case(*((Notice.kind == kind, literal(kw)) for kind, kw in NOTICE_KIND_KEYWORD.items()),
                else_=literal(OTHER_KEYWORD))


def _item_rows(session: Session, period: Period) -> Any:
    """One row per item of a notice received in the period: rights holders' and authorities'."""
    terms = (select(Statement.id).join(Decision, Decision.id == Statement.decision_id)
             .where(Decision.case_id == NoticeItem.case_id,
                    Statement.offer_id == NoticeItem.offer_id,
                    Statement.ground == StatementGround.TERMS.value).exists())
    rights = (
        select(cast(Notice.id, String).label("notice"), literal(IP).label("category"),
               _notice_keyword().label("keyword"),
               cast(Notice.fast_track, Integer).label("trusted"),
               cast(NoticeItem.outcome == NoticeOutcome.UPHELD.value, Integer).label("acted"),
               cast(terms, Integer).label("terms"),
               seconds_between(session, NoticeItem.decided_at, Notice.received_at)
               .label("seconds"))
        .select_from(NoticeItem)
        .join(Notice, Notice.id == NoticeItem.notice_id)
        .where(period.holds(Notice.received_at)))
    removed = (select(Decision.id).where(Decision.case_id == Case.id,
                                         Decision.action == DecisionAction.REMOVE.value)
               .exists())
    authority = (
        select(("a" + cast(SafetyAlert.id, String)).label("notice"),
               literal(UNSAFE).label("category"), literal(UNSAFE_KEYWORD).label("keyword"),
               literal(0).label("trusted"), cast(removed, Integer).label("acted"),
               literal(0).label("terms"),
               seconds_between(session, Case.closed_at, SafetyAlert.received_at)
               .label("seconds"))
        .select_from(SafetyAlert)
        .join(SafetyMatch, SafetyMatch.alert_id == SafetyAlert.id)
        .join(Case, Case.id == SafetyMatch.case_id)
        .where(SafetyAlert.source == AUTHORITY_SOURCE,
               SafetyAlert.kind.in_(AUTHORITY_NOTICE_KINDS),
               period.holds(SafetyAlert.received_at)))
    return union_all(rights, authority)


def notices(session: Session, period: Period) -> Figures:
    """Notices received in the period, their items, times and actions (section 4)."""
    received = union_all(
        select(Notice.id.label("id"), literal(IP).label("category"),
               _notice_keyword().label("keyword"), cast(Notice.fast_track, Integer)
               .label("trusted")).where(period.holds(Notice.received_at)),
        select(SafetyAlert.id, literal(UNSAFE), literal(UNSAFE_KEYWORD), literal(0))
        .where(SafetyAlert.source == AUTHORITY_SOURCE,
               SafetyAlert.kind.in_(AUTHORITY_NOTICE_KINDS),
               period.holds(SafetyAlert.received_at)))
    counted = _counted(session, select(received.subquery()), _KEYS, {
        "notices": lambda s: func.count(),
        "trusted": lambda s: func.sum(s.c.trusted)})
    counted.setdefault(TOTAL, {"notices": 0, "trusted": 0})
    items = _item_rows(session, period)
    per_item = _counted(session, select(items.subquery()), _KEYS, {
        "items": lambda s: func.count(),
        "trusted_items": lambda s: func.sum(s.c.trusted),
        "law": lambda s: func.sum(s.c.acted * (1 - s.c.terms)),
        "law_trusted": lambda s: func.sum(s.c.acted * (1 - s.c.terms) * s.c.trusted),
        "terms": lambda s: func.sum(s.c.acted * s.c.terms),
        "terms_trusted": lambda s: func.sum(s.c.acted * s.c.terms * s.c.trusted)})
    # Annex II lets cases where no action was taken out of the median time to take action.
    acted = select(items.subquery()).subquery()
    timed = select(acted.c.category, acted.c.keyword, acted.c.seconds).where(acted.c.acted == 1)
    median_all = _median_hours(session, timed, _KEYS)
    median_trusted = _median_hours(session, timed.where(acted.c.trusted == 1), _KEYS)
    figures: Figures = {}
    for key, n in counted.items():
        m = per_item.get(key, {})
        figures[key] = {
            "Number of notices received ": n["notices"],
            "Number of notices received from Trusted flaggers": n["trusted"],
            "Number of specific items of information included in the total number of notices":
                m.get("items", 0),
            "Number of specific items of information included in the total number of notices "
            "by Trusted Flaggers (Trusted Flagger notices)": m.get("trusted_items", 0),
            "Median time to take action": median_all.get(key),
            "Median time to take action (Trusted Flagger notices)": median_trusted.get(key),
            "Number of actions taken on the basis of the law": m.get("law", 0),
            "Number of actions taken on the basis of the law (Trusted Flagger notices)":
                m.get("law_trusted", 0),
            "Number of actions taken on the basis of the terms and conditions of the service":
                m.get("terms", 0),
            "Number of actions taken on the basis of the terms and conditions of the service "
            "(Trusted Flagger notices)": m.get("terms_trusted", 0),
        }
    return figures
