"""What the API shows of authorities' orders and what was done about them."""

from __future__ import annotations

from datetime import datetime

from pydantic import AliasChoices, Field

from api.schemas.base import Schema
from moderation.safety import authority, deadlines
from moderation.safety.authority import MatchedOffer, OrderReport, Progress
from moderation.tables import SafetyAlert


class OrderView(Schema):
    """An order as the authority sent it, with its deadline and how far it got."""

    id: int
    reference: str
    kind: str
    organisation_id: int | None
    product: str
    brand: str
    model: str
    barcodes: list[str]
    batch: str
    risk: str
    risk_level: str | None
    legal_basis: str
    requested_measure: str
    contact_email: str | None
    status: str
    state: str = Field(description="withdrawn, awaiting_matching, no_offers_found, in_review "
                                   "or handled")
    matched_offers: int
    open_cases: int
    received_at: datetime
    due_at: datetime | None
    matched_at: datetime | None
    time_left_seconds: int | None = Field(description="Working time left before the deadline")

    @classmethod
    def fields_of(cls, alert: SafetyAlert, progress: Progress, *,
                  now: datetime) -> dict[str, object]:
        """The order's columns under the names the authority sent them with."""
        return {
            "id": alert.id, "reference": authority.reference_of(alert), "kind": alert.kind,
            "organisation_id": alert.organisation_id, "product": alert.name,
            "brand": alert.brand, "model": alert.model,
            "barcodes": list(alert.raw.get("barcodes") or []), "batch": alert.batch,
            "risk": alert.description, "risk_level": alert.risk_level or None,
            "legal_basis": alert.legal_basis, "requested_measure": alert.measures,
            "contact_email": alert.raw.get("contact_email"), "status": alert.status,
            "state": progress.state, "matched_offers": progress.matched,
            "open_cases": progress.open_cases, "received_at": alert.received_at,
            "due_at": alert.due_at, "matched_at": alert.matched_at,
            "time_left_seconds": (int(deadlines.working_time_left(alert.due_at, now)
                                      .total_seconds()) if alert.due_at else None),
        }

    @classmethod
    def of(cls, alert: SafetyAlert, progress: Progress, *, now: datetime) -> OrderView:
        return cls.model_validate(cls.fields_of(alert, progress, now=now))


class OrderList(Schema):
    items: list[OrderView]


class ActionView(Schema):
    action: str
    reason_code: str
    decided_at: datetime


class CaseTakenView(Schema):
    id: int
    status: str
    opened_at: datetime
    closed_at: datetime | None
    closed_in_time: bool | None = Field(
        validation_alias=AliasChoices("closed_in_time", "in_time"),
        description="Closed by the order's deadline; null while open")
    actions: list[ActionView]


class MatchedOfferBrief(Schema):
    id: int
    marketplace_id: str
    title: str
    seller: str = Field(description="The seller's id at the marketplace")
    status: str


class MatchView(Schema):
    """An offer found for the order, how sure the match is, and what became of it."""

    offer: MatchedOfferBrief
    score: float
    confidence: str
    fields: list[str]
    matched_at: datetime
    case: CaseTakenView | None

    @classmethod
    def of(cls, match: MatchedOffer) -> MatchView:
        offer = MatchedOfferBrief(id=match.offer_id, marketplace_id=match.marketplace_id,
                                  title=match.title, seller=match.seller, status=match.status)
        return cls(offer=offer, score=match.score, confidence=match.confidence,
                   fields=[str(f) for f in match.fields], matched_at=match.matched_at,
                   case=CaseTakenView.model_validate(match.case) if match.case else None)


class OrderReportView(OrderView):
    """The order with each matched offer and the actions taken on it."""

    matches: list[MatchView]

    @classmethod
    def of_report(cls, report: OrderReport, *, now: datetime) -> OrderReportView:
        return cls.model_validate({**cls.fields_of(report.order, report.progress, now=now),
                                   "matches": [MatchView.of(m) for m in report.matches]})
