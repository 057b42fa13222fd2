"""What the API shows about an offer or a case, gathered in one place."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import AliasPath, Field

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


class CaseDetail(Schema):
    """A case with all its evidence: the offer, its screening, its other cases, the audit trail."""

    case: CaseView
    offer: OfferView
    screening: ScreeningView | None
    offer_cases: list[CaseView] = Field(validation_alias=AliasPath("history", "cases"))
    decisions: list[DecisionView] = Field(validation_alias=AliasPath("history", "decisions"))
    audit: list[AuditView]
