"""What the reviewer of an appeal sees besides the offer: the appeal, the decision it contests
with its statements, and the case that decision closed with what stood behind it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from moderation.cases import notices_behind
from moderation.domain import Appellant
from moderation.tables import (
    Account,
    Appeal,
    Buyer,
    Case,
    CaseSource,
    Decision,
    Notice,
    Organisation,
    Seller,
    Statement,
)


@dataclass(frozen=True, slots=True)
class AppealEvidence:
    appeal: Appeal
    appellant: str  # the seller's marketplace id or the notifier's name
    contested_decision: Decision | None
    decided_by: str | None  # the account that made the contested decision; None: automation
    statements: list[Statement]  # what the seller was told about it, oldest first
    original_case: Case | None  # the case the contested decision closed
    sources: list[CaseSource]  # what stood behind that case
    notices: list[Notice]  # the notices among them


def appeal_evidence(session: Session, case_id: int) -> AppealEvidence | None:
    """The appeal behind a case, with the history of the decision it contests; None if none."""
    appeal = session.scalar(select(Appeal).where(Appeal.case_id == case_id))
    if appeal is None:
        return None
    decision = session.get(Decision, appeal.decision_id) if appeal.decision_id else None
    decided_by = session.scalar(select(Account.name).where(
        Account.id == decision.moderator_id)) if decision and decision.moderator_id else None
    statements = list(session.scalars(select(Statement).where(or_(
        Statement.id == appeal.statement_id,
        Statement.decision_id == appeal.decision_id)).order_by(Statement.created_at,
                                                               Statement.id)))
    original = session.get(Case, decision.case_id) if decision and decision.case_id else None
    sources = list(session.scalars(select(CaseSource).where(
        CaseSource.case_id == original.id).order_by(CaseSource.id))) if original else []
    notices = notices_behind(session, original.id) if original else []
    return AppealEvidence(appeal, _appellant(session, appeal), decision, decided_by,
                          statements, original, sources, notices)


def _appellant(session: Session, appeal: Appeal) -> str:
    if appeal.organisation_id is not None:
        return session.get_one(Organisation, appeal.organisation_id).name
    if appeal.appellant_kind == Appellant.BUYER.value:  # a buyer contesting a claim's decision
        return session.get_one(Buyer, int(appeal.appellant.removeprefix("buyer:"))).external_id
    assert appeal.seller_id is not None
    return session.get_one(Seller, appeal.seller_id).external_id
