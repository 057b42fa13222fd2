"""What the API shows of a seller's counter-notice."""

from __future__ import annotations

from datetime import datetime

from api.schemas.base import Schema


class CounterNoticeView(Schema):
    reference: str
    case_id: int | None
    status: str
    decision_id: int
    offer_id: int
    statement: str
    filed_at: datetime
    decided_at: datetime | None
