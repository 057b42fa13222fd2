"""Statements for restrictions of offers: a moderator's removal, a rule's block, a hold."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from moderation import transparency_db
from moderation.domain import (
    Assessment,
    AutomatedDecision,
    DecisionAction,
    Restriction,
    StatementSource,
    StatementSubject,
)
from moderation.statements.basis import Basis, basis_of_case
from moderation.statements.content import Draft, redact
from moderation.statements.grounds import ground_for
from moderation.statements.writer import Written, recipients, write
from moderation.tables import Case, Decision, Offer, utcnow

COUNTER_NOTICE_HOW = ("File a counter-notice through the marketplace, quoting the decision id; "
                      "a different moderator reviews it and the rights holder is told.")


def offer_of(offer: Offer) -> dict[str, Any]:
    """The offer as a statement names it: the seller's own listing, nothing about the seller."""
    return {"id": offer.id, "marketplace_id": offer.marketplace_id, "title": offer.title}


def _facts(decision: Decision, basis_facts: Mapping[str, Any]) -> dict[str, Any]:
    facts = {"reason_code": decision.reason_code, **basis_facts}
    if decision.note and not decision.automated:
        # The console promises moderators their note goes into the statement.
        facts["explanation"] = redact(decision.note)
    return facts


def decision_statement(session: Session, decision: Decision, offer: Offer, *,
                       automated_detection: bool, counter_notice_until: datetime | None = None
                       ) -> Written:
    """The statement of a removal or block recorded as a decision.

    On a case, what stands behind the case says how the offer was found and what set the
    decision off (basis.py); `automated_detection` counts only for a decision on no case.
    """
    case = session.get(Case, decision.case_id) if decision.case_id is not None else None
    if case is not None:
        basis = basis_of_case(session, case, decision)
    else:
        basis = Basis(StatementSource.OWN_INITIATIVE, automated_detection)
    ground = ground_for(decision.reason_code, decision.statement_category)
    automated = decision.automated
    restriction = (Restriction.DISABLING if decision.action == DecisionAction.BLOCK.value
                   else Restriction.REMOVAL)
    extra: dict[str, Any] = {}
    if counter_notice_until is not None:
        extra["counter_notice"] = {"until": counter_notice_until.isoformat(),
                                   "how": COUNTER_NOTICE_HOW}
    draft = Draft(
        subject=StatementSubject.OFFER, restriction=restriction, ground=ground,
        category=decision.statement_category or ground.category,
        source_type=basis.source_type, automated_detection=basis.automated_detection,
        automated_decision=AutomatedDecision.FULLY if automated
        else AutomatedDecision.NOT_AUTOMATED,
        starts_at=decision.decided_at, ends_at=None, facts=_facts(decision, basis.facts),
        offer=offer_of(offer), decision_id=decision.id, extra=extra)
    to = recipients(session, [offer.seller_id])[offer.seller_id]
    return write(session, draft, to, offer_id=offer.id)


def offers_disabled(session: Session, blocked: Sequence[tuple[Decision, Offer, Assessment]]
                    ) -> list[Written]:
    """The statements of a screening batch's blocks: a rule blocked each offer, alone."""
    if not blocked:
        return []
    to = recipients(session, {offer.seller_id for _, offer, _ in blocked})
    rows = []
    for decision, offer, assessment in blocked:
        ground = ground_for(decision.reason_code, decision.statement_category)
        facts = {"reason_code": decision.reason_code,
                 "rules": [{"rule_id": h.rule_id, "reason_code": h.reason_code}
                           for h in assessment.hits if h.outcome.value == "block"]}
        draft = Draft(
            subject=StatementSubject.OFFER, restriction=Restriction.DISABLING, ground=ground,
            category=decision.statement_category or ground.category,
            source_type=StatementSource.OWN_INITIATIVE, automated_detection=True,
            automated_decision=AutomatedDecision.FULLY, starts_at=decision.decided_at,
            ends_at=None, facts=facts, offer=offer_of(offer), decision_id=decision.id)
        rows.append(write(session, draft, to[offer.seller_id], offer_id=offer.id,
                          report=False))
    transparency_db.enqueue_statements(session, [w.statement for w in rows],
                                       now=rows[0].statement.created_at)
    return rows


def offer_held(session: Session, *, offer: Offer, reason_code: str, facts: Mapping[str, Any],
               source: StatementSource = StatementSource.OWN_INITIATIVE,
               automated_detection: bool = True, category: str | None = None,
               now: datetime | None = None) -> Written:
    """The statement of an offer held for a person (not shown meanwhile): for the holds.

    `reason_code` is the hold's (domain.CaseReason: SAFETY_ALERT_MATCH, REMOVED_BEFORE,
    SELLER_SUSPENDED...) and gives the ground. `facts` are what the seller may read and
    the Transparency Database may publish, no personal data: e.g. {"alerts": [
    basis.alert_facts(alert)]}, {"removed_offer": "<marketplace id>"} or {"sanction":
    "suspended"}. `source` is what set the hold off (a Safety Gate alert:
    OTHER_NOTIFICATION). The hold is the system's alone: the decision is fully automated.
    """
    ground = ground_for(reason_code, category)
    draft = Draft(
        subject=StatementSubject.OFFER, restriction=Restriction.HOLD, ground=ground,
        category=category or ground.category, source_type=source,
        automated_detection=automated_detection, automated_decision=AutomatedDecision.FULLY,
        starts_at=now or utcnow(), ends_at=None,
        facts={"reason_code": reason_code, **facts}, offer=offer_of(offer))
    to = recipients(session, [offer.seller_id])[offer.seller_id]
    return write(session, draft, to, offer_id=offer.id)
