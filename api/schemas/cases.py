"""What the API shows of review cases and decisions."""

from __future__ import annotations

from datetime import datetime

from api.schemas.base import Schema


class CaseView(Schema):
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


class DecisionView(Schema):
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


class CaseList(Schema):
    """One page of the queue, in queue order, and how many cases match in all."""

    total: int
    items: list[CaseView]


class CaseResult(Schema):
    """The case as it stands after the call."""

    case: CaseView


class DecisionResult(Schema):
    decision: DecisionView


class BulkOutcome(Schema):
    """One case of a bulk decision: its decision, or why it got none."""

    case_id: int
    decision_id: int | None
    error: str | None


class BulkOutcomes(Schema):
    outcomes: list[BulkOutcome]
