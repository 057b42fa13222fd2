"""Plain factory functions for the reports' tests: rows as the programmes leave them."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from moderation.tables import (
    AuditEntry,
    Case,
    Decision,
    Notice,
    NoticeItem,
    Offer,
    Organisation,
    OutboxMessage,
    Right,
    SafetyAlert,
    SafetyMatch,
    Screening,
    Seller,
    Statement,
)

_seq = itertools.count(1)


def at(text: str) -> datetime:
    """A UTC moment written as 'YYYY-MM-DD HH:MM'."""
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=UTC)


def add(session: Session, row: Any) -> Any:
    session.add(row)
    session.flush()
    return row


def seller(session: Session) -> Seller:
    return add(session, Seller(external_id=f"rs-{next(_seq)}"))


def offer(session: Session, owner: Seller) -> Offer:
    n = next(_seq)
    return add(session, Offer(marketplace_id=f"ro-{n}", seller_id=owner.id, version=1,
                              title=f"Offer {n}"))


def case(session: Session, on: Offer, *, kind: str, opened: str, closed: str | None = None,
         screening: Screening | None = None) -> Case:
    return add(session, Case(kind=kind, offer_id=on.id, priority=3, reason_code="TEST",
                             due_at=at(opened), opened_at=at(opened),
                             closed_at=at(closed) if closed else None,
                             status="closed" if closed else "open",
                             screening_id=screening.id if screening else None))


def decision(session: Session, on: Case, *, action: str, when: str, reason: str = "TEST",
             automated: bool = False) -> Decision:
    return add(session, Decision(case_id=on.id, offer_id=on.offer_id, action=action,
                                 reason_code=reason, automated=automated, decided_at=at(when)))


def screening(session: Session, on: Offer, *, route: str, reason: str, when: str,
              rules: str = "r1", model: str = "m1") -> Screening:
    return add(session, Screening(offer_id=on.id, offer_version=on.version, route=route,
                                  reason_code=reason, score=0.5, rules_version=rules,
                                  model_version=model, created_at=at(when)))


def organisation(session: Session, kind: str) -> Organisation:
    return add(session, Organisation(name=f"Org {next(_seq)}", kind=kind))


def right(session: Session, org: Organisation) -> Right:
    return add(session, Right(organisation_id=org.id, type="trademark", office="EUIPO",
                              number=f"{next(_seq):08d}", owner="Brand", territory="EU"))


def notice(session: Session, org: Organisation, held: Right, *, kind: str, received: str,
           trusted: bool = False) -> Notice:
    return add(session, Notice(reference=f"N-{next(_seq)}", organisation_id=org.id,
                               right_id=held.id, kind=kind, explanation="x", notifier_name="n",
                               notifier_email="n@example.com", good_faith=True,
                               fast_track=trusted, received_at=at(received)))


def notice_item(session: Session, of: Notice, on: Case, *, outcome: str,
                decided: str | None) -> NoticeItem:
    return add(session, NoticeItem(notice_id=of.id, offer_id=on.offer_id, case_id=on.id,
                                   outcome=outcome, decided_at=at(decided) if decided else None))


def authority_alert(session: Session, *, kind: str, received: str, matched: str | None,
                    acknowledged: str | None) -> SafetyAlert:
    alert = add(session, SafetyAlert(source="authority", number=f"1:{next(_seq)}", kind=kind,
                                     received_at=at(received),
                                     matched_at=at(matched) if matched else None))
    add(session, OutboxMessage(kind="authority.acknowledgement", recipient="email:a@example.com",
                               payload={"order_id": alert.id}, created_at=at(received),
                               status="sent" if acknowledged else "pending",
                               sent_at=at(acknowledged) if acknowledged else None))
    return alert


def match(session: Session, alert: SafetyAlert, on: Case) -> SafetyMatch:
    return add(session, SafetyMatch(alert_id=alert.id, offer_id=on.offer_id, score=1.0,
                                    confidence="high", case_id=on.id))


def statement(session: Session, owner: Seller, *, when: str, ground: str, category: str,
              restriction: str, source: str = "own_initiative", detected: bool = False,
              automated: str = "not", decided: Decision | None = None,
              subject: str = "offer") -> Statement:
    return add(session, Statement(
        puid=f"puid-{next(_seq)}", subject=subject, restriction=restriction,
        decision_id=decided.id if decided else None,
        offer_id=decided.offer_id if decided else None, seller_id=owner.id,
        starts_at=at(when), ground=ground, category=category, source_type=source,
        automated_detection=detected, automated_decision=automated, language="pl",
        content={}, facts="", created_at=at(when)))


def audited(session: Session, action: str, when: str) -> AuditEntry:
    return add(session, AuditEntry(at=at(when), actor="system", action=action, entity="seller",
                                   entity_id=1))
