"""Settling an appeal when its case is decided: the outcome recorded, audited and told.

What a reversal undoes in another programme (a strike, a notice's outcome) is that
programme's own follow-up on the appeal's case, run after this one (moderation/programmes.py).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation import audit, outbox
from moderation.cases import notices_behind
from moderation.cases.reasons import APPEAL_UPHELD
from moderation.domain import (
    AppealOutcome,
    AppealStatus,
    Appellant,
    CaseKind,
    Contested,
    DecisionAction,
    SourceKind,
)
from moderation.errors import InvalidInput
from moderation.tables import Appeal, Buyer, Case, CaseSource, Decision, Offer, Seller

CLAIM_ACTIONS = frozenset({DecisionAction.COMPENSATE.value, DecisionAction.PARTIAL.value,
                           DecisionAction.REJECT.value})
# What the appellant may still do once the internal appeal is decided (DSA art. 21).
FURTHER_REDRESS = ("You may refer this decision to a certified out-of-court dispute "
                   "settlement body (DSA art. 21) or go to court.")


def expected_action(appeal: Appeal, *, upheld: bool) -> DecisionAction | None:
    """What an answer to this appeal does to the offer; None where the moderator chooses
    (an upheld appeal against a strike may leave the removal behind it standing)."""
    if appeal.contested == Contested.CLAIM_DECISION.value:
        return None  # decided anew as a claim (buyers/claim_decisions.py): no offer's fate
    if appeal.appellant_kind == Appellant.NOTIFIER.value:
        return DecisionAction.REMOVE if upheld else DecisionAction.KEEP
    if not upheld:
        return DecisionAction.REMOVE
    if appeal.contested in (Contested.DISABLING.value, Contested.REMOVAL.value):
        return DecisionAction.KEEP
    return None


def settle_appeal(session: Session, *, case: Case, decision: Decision) -> None:
    """Record the answer to the appeal behind a decided case and tell everyone concerned."""
    if case.kind != CaseKind.APPEAL.value:
        return
    appeal = session.scalar(select(Appeal).where(Appeal.case_id == case.id).with_for_update())
    if appeal is None or appeal.status != AppealStatus.OPEN.value:
        return  # settled already: a repeated call changes nothing
    upheld = decision.reason_code == APPEAL_UPHELD
    if appeal.contested == Contested.CLAIM_DECISION.value and decision.action not in CLAIM_ACTIONS:
        # Keeping or removing the offer answers nothing about the claim (and would change
        # the offer): the claim is decided anew, with its amount.
        raise InvalidInput(f"appeal {appeal.reference} contests a claim's decision: decide it "
                           "as a claim (compensate, partial or reject)", field="action")
    wanted = expected_action(appeal, upheld=upheld)
    if wanted is not None and decision.action != wanted.value:
        verb = "upholding" if upheld else "rejecting"
        raise InvalidInput(f"{verb} appeal {appeal.reference} means {wanted.value} the offer: "
                           f"decide {wanted.value} with {decision.reason_code}", field="action")
    appeal.status = AppealStatus.DECIDED.value
    appeal.outcome = (AppealOutcome.UPHELD if upheld else AppealOutcome.REJECTED).value
    appeal.outcome_note = decision.note
    appeal.outcome_decision_id = decision.id
    appeal.decided_at = decision.decided_at
    session.flush()
    audit.record(session, actor=audit.actor_of(decision.moderator_id),
                 action=f"appeal.{appeal.outcome}", entity="appeal", entity_id=appeal.id,
                 before={"status": AppealStatus.OPEN.value},
                 after={"status": appeal.status, "outcome": appeal.outcome,
                        "decision_id": decision.id, "note": decision.note})
    _tell(session, appeal, decision)


def _tell(session: Session, appeal: Appeal, decision: Decision) -> None:
    offer = session.get_one(Offer, appeal.offer_id)
    outcome: dict[str, Any] = {
        "appeal": appeal.reference, "contested": appeal.contested,
        "decision_id": appeal.decision_id, "outcome": appeal.outcome,
        "explanation": decision.note, "reason_code": decision.reason_code,
        "offer": {"id": offer.id, "marketplace_id": offer.marketplace_id, "title": offer.title},
        "offer_status": offer.status, "decided_at": decision.decided_at.isoformat(),
        "decided_by_a_person": True, "redress": FURTHER_REDRESS,
    }
    if appeal.appellant_kind == Appellant.SELLER.value:
        seller = session.get_one(Seller, offer.seller_id)
        outbox.notify(session, kind="seller.appeal_outcome",
                      recipient=f"seller:{seller.external_id}", payload=outcome)
    elif appeal.appellant_kind == Appellant.BUYER.value:
        buyer = session.get_one(Buyer, int(appeal.appellant.removeprefix("buyer:")))
        outbox.notify(session, kind="buyer.appeal_outcome",
                      recipient=f"buyer:{buyer.external_id}", payload=outcome)
    else:
        outbox.notify(session, kind="notifier.appeal_outcome",
                      recipient=f"organisation:{appeal.organisation_id}", payload=outcome)
    if appeal.outcome != AppealOutcome.UPHELD.value:
        return
    # The other side: a notifier whose notice or order a seller's upheld appeal undid. (A
    # seller whose offer a notifier's upheld appeal removed got its statement of reasons
    # with the removal, from decisions.decide.)
    original_case = session.scalar(select(Decision.case_id).where(
        Decision.id == appeal.decision_id)) if appeal.decision_id else None
    restored = decision.action == DecisionAction.KEEP.value
    if appeal.appellant_kind != Appellant.SELLER.value or not restored or original_case is None:
        return
    for notice in notices_behind(session, original_case):
        outbox.notify(session, kind="notifier.appeal_outcome",
                      recipient=f"email:{notice.notifier_email}",
                      payload={**outcome, "notice_reference": notice.reference})
    for organisation_id in session.scalars(select(CaseSource.organisation_id).where(
            CaseSource.case_id == original_case, CaseSource.kind == SourceKind.SAFETY_ALERT.value,
            CaseSource.organisation_id.is_not(None)).distinct()):
        outbox.notify(session, kind="notifier.appeal_outcome",
                      recipient=f"organisation:{organisation_id}", payload=outcome)
