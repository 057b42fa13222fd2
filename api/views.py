"""Response shapes: what the API shows of offers, screenings and cases."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from moderation.tables import Case, Decision, Offer, Screening


class ScreeningView(BaseModel):
    id: int
    offer_version: int
    route: str
    priority: int | None
    reason_code: str
    score: float
    score_features: list[Any]
    hits: list[dict[str, Any]]
    rules_version: str
    model_version: str
    created_at: datetime

    @classmethod
    def of(cls, s: Screening) -> ScreeningView:
        return cls(id=s.id, offer_version=s.offer_version, route=s.route, priority=s.priority,
                   reason_code=s.reason_code, score=s.score, score_features=s.score_features,
                   hits=s.hits, rules_version=s.rules_version, model_version=s.model_version,
                   created_at=s.created_at)


class DecisionView(BaseModel):
    id: int
    case_id: int | None
    offer_id: int
    action: str
    reason_code: str
    statement_category: str | None
    note: str
    moderator_id: int | None
    automated: bool
    decided_at: datetime

    @classmethod
    def of(cls, d: Decision) -> DecisionView:
        return cls(id=d.id, case_id=d.case_id, offer_id=d.offer_id, action=d.action,
                   reason_code=d.reason_code, statement_category=d.statement_category,
                   note=d.note, moderator_id=d.moderator_id, automated=d.automated,
                   decided_at=d.decided_at)


class CaseView(BaseModel):
    id: int
    kind: str
    offer_id: int
    status: str
    priority: int
    reason_code: str
    due_at: datetime
    opened_at: datetime
    closed_at: datetime | None
    lease_holder_id: int | None
    lease_expires_at: datetime | None

    @classmethod
    def of(cls, c: Case) -> CaseView:
        return cls(id=c.id, kind=c.kind, offer_id=c.offer_id, status=c.status,
                   priority=c.priority, reason_code=c.reason_code, due_at=c.due_at,
                   opened_at=c.opened_at, closed_at=c.closed_at,
                   lease_holder_id=c.lease_holder_id, lease_expires_at=c.lease_expires_at)


class BarcodeFlagView(BaseModel):
    """A barcode the offer gave that is not a valid GTIN, as written."""

    value: str
    problem: str  # "check_digit" (wrong GS1 check digit) or "not_a_gtin"
    source: str  # "gtins", or the "title" / "description" it was read from


class OfferView(BaseModel):
    id: int
    marketplace_id: str
    version: int
    status: str
    seller_id: str
    title: str
    description: str
    category: str | None
    brand: str | None
    price: str | None
    currency: str | None
    gtins: list[str]
    barcode_flags: list[BarcodeFlagView]
    screened_version: int | None
    updated_at: datetime

    @classmethod
    def of(cls, o: Offer) -> OfferView:
        return cls(id=o.id, marketplace_id=o.marketplace_id, version=o.version, status=o.status,
                   seller_id=o.seller.external_id, title=o.title, description=o.description,
                   category=o.category, brand=o.brand,
                   price=str(o.price) if o.price is not None else None, currency=o.currency,
                   gtins=list(o.gtins or []),
                   barcode_flags=[BarcodeFlagView(**f) for f in o.barcode_flags or []],
                   screened_version=o.screened_version,
                   updated_at=o.updated_at)
