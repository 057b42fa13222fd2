"""Counter-notices: a seller contests a removal made on a rights holder's notice."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, StringConstraints
from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation import audit, outbox, policy
from moderation.cases import Origin, notices_behind, open_case, strikes
from moderation.config import get_settings
from moderation.domain import (
    CaseKind,
    CaseReason,
    CounterNoticeStatus,
    DecisionAction,
    NoticeOutcome,
    SourceKind,
)
from moderation.errors import Conflict, InvalidInput, NotFound
from moderation.schemas import Email, Id, Text
from moderation.tables import Case, CounterNotice, Decision, NoticeItem, Offer, Seller

REASON_CODE = CaseReason.COUNTER_NOTICE.value
NOT_CONTESTABLE = "only removals on a rights holder's notice can be contested this way"


class CounterNoticeIn(BaseModel):
    """A seller's counter-notice, relayed by the marketplace."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    decision_id: Id
    statement: Annotated[Text, StringConstraints(min_length=20, max_length=5_000)]
    contact_email: Email


def get_counter_notice(session: Session, reference: str) -> CounterNotice:
    """Return one counter-notice by its reference or raise NotFound."""
    row = session.scalar(select(CounterNotice).where(CounterNotice.reference == reference))
    if row is None:
        raise NotFound(f"counter-notice {reference} not found")
    return row


def _contested_decision(session: Session, decision_id: int) -> Decision:
    """The removal being contested, locked so that two filings for it queue up."""
    decision = session.get(Decision, decision_id, with_for_update=True)
    if decision is None:
        raise NotFound(f"decision {decision_id} not found", field="decision_id")
    if (decision.action != DecisionAction.REMOVE.value or decision.moderator_id is None
            or decision.case_id is None or not notices_behind(session, decision.case_id)):
        raise InvalidInput(NOT_CONTESTABLE, field="decision_id")
    return decision


def file_counter_notice(session: Session, *, data: CounterNoticeIn,
                        now: datetime) -> CounterNotice:
    """Record a counter-notice and open a case for a moderator other than the original one."""
    decision = _contested_decision(session, data.decision_id)
    earlier = session.scalar(select(CounterNotice.reference)
                             .where(CounterNotice.decision_id == decision.id))
    if earlier is not None:
        raise Conflict(f"decision {decision.id} is already contested: {earlier}",
                       field="decision_id")
    closes = decision.decided_at + timedelta(days=get_settings().counter_notice_days)
    if now > closes:
        raise InvalidInput(f"the time to contest decision {decision.id} ran out: the window "
                           f"closed on {closes.date().isoformat()}", field="decision_id")
    actor = _seller_actor(session, decision.offer_id)
    case = open_case(session, kind=CaseKind.COUNTER_NOTICE.value, offer_id=decision.offer_id,
                     reason_code=REASON_CODE, source="seller",
                     priority=policy.COUNTER_NOTICE_PRIORITY,
                     due_at=now + policy.COUNTER_NOTICE_DUE, now=now,
                     origin=Origin(SourceKind.COUNTER_NOTICE), actor=actor,
                     not_for_staff_id=decision.moderator_id)
    # The reference carries the id, known only after the insert: a unique placeholder first.
    row = CounterNotice(reference="tmp-" + secrets.token_hex(14), decision_id=decision.id,
                        offer_id=decision.offer_id, case_id=case.id, statement=data.statement,
                        contact_email=data.contact_email, status=CounterNoticeStatus.OPEN.value,
                        filed_at=now)
    session.add(row)
    session.flush()
    row.reference = f"CN-{now.year}-{row.id:06d}"
    audit.record(session, actor=actor, action="counter_notice.filed", entity="counter_notice",
                 entity_id=row.id, after={"reference": row.reference, "decision_id": decision.id,
                                          "case_id": case.id, "offer_id": decision.offer_id})
    _send(session, f"email:{row.contact_email}", "seller.counter_notice_received", {
        "reference": row.reference, "decision_id": decision.id, "offer_id": decision.offer_id,
        "filed_at": now.isoformat(), "review_due_at": case.due_at.isoformat(),
    })
    session.flush()
    return row


def on_case_decided(session: Session, *, case: Case, decision: Decision) -> None:
    """Settle the counter-notice behind a decided case: keep upholds it, remove rejects it."""
    if case.kind != CaseKind.COUNTER_NOTICE.value or decision.action not in (
            DecisionAction.KEEP.value, DecisionAction.REMOVE.value):
        return
    row = session.scalar(select(CounterNotice).where(CounterNotice.case_id == case.id)
                         .with_for_update())
    if row is None or row.status != CounterNoticeStatus.OPEN.value:
        return  # settled already: a repeated call changes nothing
    upheld = decision.action == DecisionAction.KEEP.value
    row.status = (CounterNoticeStatus.UPHELD if upheld else CounterNoticeStatus.REJECTED).value
    row.decided_at = decision.decided_at
    if upheld:
        # decisions.decide already restored the offer; the strike for the removal goes, and
        # the notices behind it count as not upheld in their notifiers' accuracy.
        strikes.revoke_strike(session, decision_id=row.decision_id, now=decision.decided_at,
                              reason=f"counter-notice {row.reference} upheld")
        original_case = session.scalar(select(Decision.case_id).where(
            Decision.id == row.decision_id))
        for item in session.scalars(select(NoticeItem).where(
                NoticeItem.case_id == original_case,
                NoticeItem.outcome == NoticeOutcome.UPHELD.value)):
            item.outcome = NoticeOutcome.REJECTED.value
            item.decided_at = decision.decided_at
    session.flush()
    audit.record(session, actor=audit.actor_of(decision.moderator_id),
                 action=f"counter_notice.{row.status}", entity="counter_notice",
                 entity_id=row.id, before={"status": CounterNoticeStatus.OPEN.value},
                 after={"status": row.status, "decision_id": decision.id})
    offer = session.get(Offer, row.offer_id)
    assert offer is not None
    outcome = {"counter_notice": row.reference, "offer_id": offer.id,
               "marketplace_id": offer.marketplace_id, "outcome": row.status,
               "offer_status": offer.status, "decided_at": decision.decided_at.isoformat()}
    _send(session, f"email:{row.contact_email}", "seller.counter_notice_outcome", outcome)
    original = session.get(Decision, row.decision_id)
    assert original is not None and original.case_id is not None
    for notice in notices_behind(session, original.case_id):
        _send(session, f"email:{notice.notifier_email}", "notifier.counter_notice_outcome",
              {**outcome, "notice_reference": notice.reference})
    session.flush()


def _seller_actor(session: Session, offer_id: int) -> str:
    external_id = session.scalar(select(Seller.external_id)
                                 .join(Offer, Offer.seller_id == Seller.id)
                                 .where(Offer.id == offer_id))
    return f"seller:{external_id}"


def _send(session: Session, recipient: str, kind: str, payload: dict[str, Any]) -> None:
    outbox.notify(session, kind=kind, recipient=recipient, payload=payload)
