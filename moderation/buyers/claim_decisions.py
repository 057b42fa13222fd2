"""Deciding a claim: a moderator holding the case's lease compensates in full, in part, or
rejects. The offer is not touched (a claim is about one sale, not the listing); the case and
the claim close, both sides are told, the payment is asked for and an upheld claim counts
against the seller."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from moderation import audit
from moderation.buyers import claim_strikes, compensation
from moderation.buyers.claims import claim_of_case
from moderation.cases import DecisionFollowups, case_to_decide
from moderation.cases.reasons import (
    APPEAL_REJECTED,
    APPEAL_UPHELD,
    CLAIM_PARTLY_UPHELD,
    CLAIM_REJECTED,
    CLAIM_UPHELD,
    check_reason,
)
from moderation.domain import (
    Appellant,
    CaseKind,
    CaseStatus,
    ClaimStatus,
    DecisionAction,
)
from moderation.errors import InvalidInput
from moderation.schemas import Text
from moderation.statements.claims import Party, claim_decision_told
from moderation.tables import (
    Appeal,
    Buyer,
    Claim,
    Compensation,
    Decision,
    Offer,
    Order,
    Seller,
    utcnow,
)

REASON_OF = {DecisionAction.COMPENSATE: CLAIM_UPHELD, DecisionAction.PARTIAL: CLAIM_PARTLY_UPHELD,
             DecisionAction.REJECT: CLAIM_REJECTED}
STATUS_OF = {DecisionAction.COMPENSATE: ClaimStatus.COMPENSATED,
             DecisionAction.PARTIAL: ClaimStatus.PARTIAL,
             DecisionAction.REJECT: ClaimStatus.REJECTED}
CENT = Decimal("0.01")


class ClaimDecisionIn(BaseModel):
    """A moderator's decision on a claim; `amount` for compensate (default: the order's
    value) and partial (required), never for reject."""

    model_config = ConfigDict(extra="forbid")

    action: Literal["compensate", "partial", "reject"]
    amount: Decimal | None = Field(default=None, max_digits=14, decimal_places=2)
    note: Annotated[Text, StringConstraints(max_length=5_000)] = ""


def amount_for(action: DecisionAction, amount: Decimal | None, order_value: Decimal
               ) -> Decimal | None:
    """The amount the platform pays on this decision, or an error naming `amount`."""
    value = order_value.quantize(CENT)
    if action is DecisionAction.REJECT:
        if amount:
            raise InvalidInput("a rejected claim pays nothing: leave amount out",
                               field="amount")
        return None
    if action is DecisionAction.COMPENSATE:
        amount = value if amount is None else amount
        if not Decimal(0) < amount <= value:
            raise InvalidInput(f"compensation is more than 0 and at most the order's value "
                               f"({value})", field="amount")
        return amount.quantize(CENT)
    if amount is None or not Decimal(0) < amount < value:
        raise InvalidInput(f"a partial compensation is more than 0 and less than the order's "
                           f"value ({value})", field="amount")
    return amount.quantize(CENT)


def decide_claim(session: Session, *, case_id: int, staff_id: int, data: ClaimDecisionIn,
                 followups: DecisionFollowups) -> Decision:
    """Record a moderator's decision on a claim's case (or an appeal's against a claim's
    decision): decision, case and claim, audit, both sides told, what is still to pay asked
    for and an upheld claim counted; then what the programmes do (an appeal settled)."""
    case = case_to_decide(session, case_id, staff_id)
    claim = claim_of_case(session, case.id)
    if claim is None:
        raise InvalidInput(f"case {case_id} is a {case.kind} case, not a buyer's claim",
                           field="case_id")
    action = DecisionAction(data.action)
    order = session.get_one(Order, claim.order_id)
    amount = amount_for(action, data.amount, order.value)
    paid = _asked_for(session, claim)
    appeal = None
    if case.kind == CaseKind.BUYER_CLAIM.value:
        reason = check_reason(case.kind, action.value, REASON_OF[action], data.note).code
    else:
        appeal = session.scalar(select(Appeal).where(Appeal.case_id == case.id))
        assert appeal is not None
        reason = appeal_reason(appeal, before=paid, after=amount or Decimal(0), note=data.note)

    now = utcnow()
    row = Decision(case_id=case.id, offer_id=case.offer_id, action=action.value,
                   reason_code=reason, statement_category=None, note=data.note,
                   moderator_id=staff_id, automated=False, decided_at=now)
    session.add(row)
    before = {"status": case.status, "lease_holder_id": case.lease_holder_id}
    claim_before = {"status": claim.status, "upheld": claim.upheld}
    was_upheld = bool(claim.upheld)
    case.status = CaseStatus.CLOSED.value
    case.closed_at = now
    case.lease_holder_id = None
    case.lease_expires_at = None
    claim.status = STATUS_OF[action].value
    claim.decided_at = now
    claim.upheld = action is not DecisionAction.REJECT
    session.flush()
    claim.decision_id = row.id
    actor = audit.actor_of(staff_id)
    audit.record(session, actor=actor, action=f"decision.{action.value}", entity="case",
                 entity_id=case.id, before=before,
                 after={"status": case.status, "decision_id": row.id, "reason_code": reason})
    audit.record(session, actor=actor, action=f"claim.{claim.status}", entity="claim",
                 entity_id=claim.id, before=claim_before,
                 after={"status": claim.status, "decision_id": row.id, "upheld": claim.upheld,
                        "amount": str(amount) if amount is not None else None,
                        "appeal": appeal.reference if appeal else None})
    _tell(session, claim, order, row, amount, appeal=appeal)
    # Only what was not asked for before is paid: an upheld buyer's appeal tops the first
    # compensation up. Nothing is clawed back when a seller's appeal lowers it: the platform
    # pays claims from its own guarantee, and the seller's part is the claim counted.
    if amount is not None and amount > paid:
        compensation.request_compensation(session, claim=claim, decision=row,
                                          amount=amount - paid)
    if claim.upheld and not was_upheld:
        claim_strikes.count_upheld_claim(session, claim=claim, decision=row)
    session.flush()
    followups.run(session, case=case, decision=row)
    return row


def appeal_reason(appeal: Appeal, *, before: Decimal, after: Decimal, note: str) -> str:
    """Whether deciding the claim anew at `after` (from `before`) upholds the appeal; an
    answer that leaves the appellant worse off than the decision they contest is refused."""
    buyer = appeal.appellant_kind == Appellant.BUYER.value
    better, worse = (after > before, after < before) if buyer else (after < before,
                                                                     after > before)
    if worse:
        raise InvalidInput(f"an appeal does not leave the appellant worse off: the decision "
                           f"appealed pays {before}", field="amount")
    if better:
        return APPEAL_UPHELD
    if not note.strip():
        raise InvalidInput(f"reason {APPEAL_REJECTED} needs a note saying why", field="note")
    return APPEAL_REJECTED


def _asked_for(session: Session, claim: Claim) -> Decimal:
    """What the platform has already asked to pay on this claim."""
    total = session.scalar(select(func.sum(Compensation.amount))
                           .where(Compensation.claim_id == claim.id))
    return Decimal(total or 0)


def _tell(session: Session, claim: Claim, order: Order, decision: Decision,
          amount: Decimal | None, *, appeal: Appeal | None) -> None:
    buyer = session.get_one(Buyer, order.buyer_id)
    seller = session.get_one(Seller, order.seller_id)
    offer = session.get_one(Offer, order.offer_id)
    facts = {"claim_id": claim.id, "decision_id": decision.id, "order": order.marketplace_id,
             "offer": offer.marketplace_id, "offer_title": offer.title, "reason": claim.reason,
             "action": decision.action, "amount": str(amount) if amount is not None else None,
             "currency": order.currency, "order_value": str(order.value.quantize(CENT)),
             "note": decision.note, "decided_at": decision.decided_at.isoformat(),
             "decided_by_a_person": True, "appeal": appeal.reference if appeal else None}
    claim_decision_told(session, facts, [
        Party("buyer", f"buyer:{buyer.external_id}", buyer.language),
        Party("seller", f"seller:{seller.external_id}", seller.language)])
