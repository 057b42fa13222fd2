"""What the API shows about an offer or a case, gathered in one place."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import AliasPath, Field

from api.schemas.appeals import AppealView
from api.schemas.base import Schema
from api.schemas.cases import CaseView, DecisionView
from api.schemas.offers import OfferView, ScreeningView


class OfferDetail(Schema):
    """The offer, its screening history, its cases and the decisions on it."""

    offer: OfferView
    screenings: list[ScreeningView]
    cases: list[CaseView]
    decisions: list[DecisionView]


class AuditView(Schema):
    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: int
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class StatementView(Schema):
    puid: str
    restriction: str
    decision_id: int | None
    strike_id: int | None
    created_at: datetime


class SourceView(Schema):
    kind: str
    notice_id: int | None
    organisation_id: int | None
    added_at: datetime


class NoticeRef(Schema):
    id: int
    reference: str
    kind: str
    explanation: str
    received_at: datetime


class AppealEvidenceView(Schema):
    """On an appeal's case: the appeal and the history of the decision it contests."""

    appeal: AppealView
    appellant: str
    contested_decision: DecisionView | None
    decided_by: str | None
    statements: list[StatementView]
    original_case: CaseView | None
    sources: list[SourceView]
    notices: list[NoticeRef]


class CaseDetail(Schema):
    """A case with all its evidence: the offer, its screening, its other cases, the audit trail."""

    case: CaseView
    offer: OfferView
    screening: ScreeningView | None
    offer_cases: list[CaseView] = Field(validation_alias=AliasPath("history", "cases"))
    decisions: list[DecisionView] = Field(validation_alias=AliasPath("history", "decisions"))
    audit: list[AuditView]
    appeal: AppealEvidenceView | None
