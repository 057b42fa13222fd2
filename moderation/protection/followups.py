"""What the rights programme does when a case with a notice or a counter-notice behind it is
decided: the notices' outcomes and their notifiers told, a strike, sanctions on notifiers of
manifestly unfounded notices, then the counter-notice settled; and, on an upheld appeal, what
the reversed decision had set off undone."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation import outbox
from moderation.cases import Followup, strikes
from moderation.cases.reasons import MANIFESTLY_UNFOUNDED
from moderation.domain import DecisionAction, NoticeOutcome, NoticeStatus, SourceKind
from moderation.protection import appeal_reversals, counter_notices, notifiers
from moderation.tables import Case, Decision, Notice, NoticeItem, Offer


def decision_followups() -> tuple[Followup, ...]:
    """The programme's steps after a closing decision, in the order they run."""
    return (Followup(SourceKind.NOTICE, settle_notices),
            Followup(SourceKind.COUNTER_NOTICE, counter_notices.on_case_decided),
            Followup(SourceKind.APPEAL, appeal_reversals.reverse_on_appeal))


def settle_notices(session: Session, *, case: Case, decision: Decision) -> None:
    """Carry a moderator's decision over to the notices behind the case and the seller."""
    items = list(session.scalars(
        select(NoticeItem).where(NoticeItem.case_id == case.id,
                                 NoticeItem.outcome == NoticeOutcome.PENDING.value)
        .with_for_update()))
    if not items:
        return
    offer = session.get(Offer, decision.offer_id)
    assert offer is not None
    now = decision.decided_at
    upheld = decision.action == DecisionAction.REMOVE.value
    unfounded = decision.reason_code == MANIFESTLY_UNFOUNDED
    for item in items:
        item.outcome = (NoticeOutcome.UPHELD if upheld else NoticeOutcome.REJECTED).value
        item.manifestly_unfounded = unfounded
        item.decided_at = now
    session.flush()
    notices = list(session.scalars(
        select(Notice).where(Notice.id.in_({i.notice_id for i in items})).order_by(Notice.id)))
    for notice in notices:
        if session.scalar(select(NoticeItem.id).where(
                NoticeItem.notice_id == notice.id,
                NoticeItem.outcome == NoticeOutcome.PENDING.value)) is None:
            notice.status = NoticeStatus.CLOSED.value
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
