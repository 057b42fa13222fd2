"""What the API shows of an appeal (DSA art. 20)."""

from __future__ import annotations

from datetime import datetime

from api.schemas.base import Schema


class AppealView(Schema):
    id: int
    reference: str
    appellant_kind: str
    contested: str
    decision_id: int | None
    statement_id: int | None
    offer_id: int
    case_id: int | None
    explanation: str
    status: str
    outcome: str | None
    outcome_note: str
    told_at: datetime
    filed_at: datetime
    decided_at: datetime | None
