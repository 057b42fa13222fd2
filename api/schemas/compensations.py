"""What the API shows of a compensation on a buyer's claim."""

from __future__ import annotations

from datetime import datetime

from api.schemas.base import DecimalText, Schema


class CompensationView(Schema):
    idempotency_key: str
    claim_id: int
    decision_id: int
    amount: DecimalText
    currency: str
    requested_at: datetime
    paid_at: datetime | None
    payment_reference: str | None
