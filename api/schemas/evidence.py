"""What the API shows about an offer or a case, gathered in one place."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import AliasPath, Field

from api.schemas.appeals import AppealView
from api.schemas.base import Schema
from api.schemas.cases import CaseView, DecisionView
from api.schemas.claims import ClaimEvidenceView
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


class AlertGroundView(Schema):
    """A safety alert the offer matched: its number and risk, and what both name."""

    alert_id: int = Field(validation_alias=AliasPath("alert", "id"))
    number: str = Field(validation_alias=AliasPath("alert", "number"))
    source: str = Field(validation_alias=AliasPath("alert", "source"),
                        description="`safety_gate` or `authority`")
    risk_level: str = Field(validation_alias=AliasPath("alert", "risk_level"))
    confidence: str = Field(description="`high` (a sure match) or `medium` (the learned "
                                        "matcher's)")
    score: float
    fields: list[str] = Field(description="What agreed: gtin, model, code, brand, name")
    barcodes: list[str] = Field(description="Barcodes both name, as printed (EAN-13)")
    models: list[str] = Field(description="Model codes both name, without separators")


class RemovalGroundView(Schema):
    """The offer removed before as the same product, and the decision that removed it."""

    offer_id: int = Field(validation_alias=AliasPath("offer", "id"))
    marketplace_id: str = Field(validation_alias=AliasPath("offer", "marketplace_id"))
    decision_id: int | None = Field(None, validation_alias=AliasPath("decision", "id"))
    decided_at: datetime | None = Field(None, validation_alias=AliasPath("decision",
                                                                         "decided_at"))


class SanctionView(Schema):
    suspended_until: datetime | None
    terminated_at: datetime | None


class HoldView(Schema):
    """The hold that keeps the offer from buyers until the case is decided."""

    reason_code: str
    held_at: datetime
    released_at: datetime | None
    decision_id: int | None


class GroundsView(Schema):
    """Why the case is here besides rule hits and the model score."""

    alerts: list[AlertGroundView]
    removal: RemovalGroundView | None
    sanction: SanctionView | None
    hold: HoldView | None


class CaseDetail(Schema):
    """A case with all its evidence: the offer, its screening, its other cases, the audit trail,
    and what it rests on besides rules (alerts, an earlier removal, the seller's sanction)."""

    case: CaseView
    offer: OfferView
    screening: ScreeningView | None
    offer_cases: list[CaseView] = Field(validation_alias=AliasPath("history", "cases"))
    decisions: list[DecisionView] = Field(validation_alias=AliasPath("history", "decisions"))
    audit: list[AuditView]
    appeal: AppealEvidenceView | None
    grounds: GroundsView
    claim: ClaimEvidenceView | None = Field(None, description="On a buyer's claim: the "
                                            "discussion, the order, the offer as bought")
