"""What a decision sets off beyond the case: notices' outcomes, strikes, notifiers told."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation import outbox
from moderation.domain import DecisionAction
from moderation.protection import counter_notices, notifiers, strikes
from moderation.review.reasons import MANIFESTLY_UNFOUNDED
from moderation.tables import Case, Decision, Notice, NoticeItem, Offer


def on_decided(session: Session, *, case: Case, decision: Decision, offer: Offer,
               now: datetime) -> None:
    """Carry a moderator's decision over to the notices behind the case and the seller."""
    if decision.action == DecisionAction.ESCALATE.value:
        return
    items = list(session.scalars(
        select(NoticeItem).where(NoticeItem.case_id == case.id,
                                 NoticeItem.outcome == "pending").with_for_update()))
    if items:
        _settle_notices(session, items, decision=decision, offer=offer, now=now)
    counter_notices.on_case_decided(session, case=case, decision=decision)


def _settle_notices(session: Session, items: list[NoticeItem], *, decision: Decision,
                    offer: Offer, now: datetime) -> None:
    upheld = decision.action == DecisionAction.REMOVE.value
    unfounded = decision.reason_code == MANIFESTLY_UNFOUNDED
    for item in items:
        item.outcome = "upheld" if upheld else "rejected"
        item.manifestly_unfounded = unfounded
        item.decided_at = now
    session.flush()
    notices = list(session.scalars(
        select(Notice).where(Notice.id.in_({i.notice_id for i in items})).order_by(Notice.id)))
    for notice in notices:
        if session.scalar(select(NoticeItem.id).where(NoticeItem.notice_id == notice.id,
                                                      NoticeItem.outcome == "pending")) is None:
            notice.status = "closed"
            notice.closed_at = now
        outbox.notify(session, kind="notifier.outcome",
                      recipient=f"email:{notice.notifier_email}",
                      payload={"reference": notice.reference,
                               "offer": {"id": offer.id, "marketplace_id": offer.marketplace_id,
                                         "title": offer.title},
                               "outcome": "removed" if upheld else "not removed",
                               "reason_code": decision.reason_code,
                               "explanation": decision.note, "decided_at": now.isoformat()})
    if upheld:
        strikes.add_strike(session, seller_id=offer.seller_id, decision_id=decision.id,
                           notice_id=notices[0].id, now=now)
    if unfounded:
        for organisation_id in sorted({n.organisation_id for n in notices}):
            notifiers.apply_sanctions(session, organisation_id, now=now)
    session.flush()
